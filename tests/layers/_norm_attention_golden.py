"""Reads ``tests/golden/keras_norm_attention.npz`` (made by
``tools/golden/make_norm_attention_golden.py`` with real Keras 3): normalization,
attention and TimeDistributed cases and the ``summary()`` parameter counts."""

from __future__ import annotations

import functools
import json
import pathlib

import numpy as np

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_norm_attention.npz"
RTOL, ATOL = 1e-5, 1e-6


@functools.lru_cache(maxsize=1)
def load() -> tuple[dict, dict]:
    with np.load(GOLDEN) as data:
        arrays = {k: data[k] for k in data.files}
    return json.loads(str(arrays.pop("__meta__"))), arrays


def case_names(cls: str) -> list[str]:
    meta, _ = load()
    return sorted(name for name, case in meta["cases"].items() if case["class"] == cls)


def case(name: str) -> tuple[dict, dict]:
    """(kwargs, arrays by short name) of one golden case."""
    meta, arrays = load()
    prefix = name + "/"
    return dict(meta["cases"][name]["kwargs"]), {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}


def weights(arrays: dict) -> list[np.ndarray]:
    return [arrays[f"w{i}"] for i in range(sum(1 for k in arrays if k.startswith("w") and k[1:].isdigit()))]


def summary() -> dict:
    return load()[0]["summary"]


def close(actual, expected) -> None:
    actual = actual.numpy() if hasattr(actual, "numpy") else np.asarray(actual)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)
