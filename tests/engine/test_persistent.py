"""The persistent compilation cache: on by default, per user, with JAX's setting winning."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = r"""
import json, jax
import xlaflow as tf
from xlaflow.engine import counter, persistent
v = tf.Variable(2.0)
f = tf.function(lambda x: v * x + 1.0)
f(tf.constant([1.0, 2.0, 3.0]))
print(json.dumps({"dir": jax.config.jax_compilation_cache_dir, "hits": counter.cache_hits(),
                  "compiles": counter.compile_count()}))
"""


def _run(env: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("JAX_COMPILATION_CACHE_DIR", "XLAFLOW_COMPILATION_CACHE")} | env
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_second_run_loads_its_programs_from_the_cache(tmp_path):
    env = {"XLAFLOW_CACHE_DIR": str(tmp_path / "cache")}
    first = _run(env)
    assert first["dir"] == str(tmp_path / "cache") and first["hits"] == 0
    second = _run(env)
    assert second["hits"] == second["compiles"] > 0  # every program came from the cache


def test_jax_setting_wins_and_the_switch_turns_it_off(tmp_path):
    assert _run({"JAX_COMPILATION_CACHE_DIR": str(tmp_path / "jax")})["dir"] == str(tmp_path / "jax")
    assert _run({"XLAFLOW_COMPILATION_CACHE": "0", "XLAFLOW_CACHE_DIR": str(tmp_path / "x")})["dir"] is None
