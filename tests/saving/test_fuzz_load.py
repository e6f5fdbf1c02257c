"""Property test: a mutated valid file either loads or raises xlaflow's ``LoadError`` —
no other exception, in bounded time and memory, writing nothing outside a temp dir.

Hypothesis mutates the bytes of a valid ``.keras`` archive and a valid
``.weights.h5`` file (flips, overwrites, truncations, insertions, deletions), and
the values inside a valid ``config.json``. The runs are derandomized (same examples
every time) and capped at a few dozen examples so the file runs in seconds.
"""

import atexit
import io
import json
import os
import shutil
import tempfile
import time
import tracemalloc
import zipfile

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlaflow import keras
from xlaflow.saving import LoadError

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_DIR = tempfile.mkdtemp(prefix="xf_fuzz_")
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
try:  # hypothesis' own caches go to the temp dir too, not into the repository
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(os.path.join(_DIR, "hypothesis"))
except ImportError:
    pass
_MODEL = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])
_MODEL.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
_MODEL.optimizer.build(_MODEL.trainable_variables)
_MODEL.save(os.path.join(_DIR, "valid.keras"))
_MODEL.save_weights(os.path.join(_DIR, "valid.weights.h5"))
with open(os.path.join(_DIR, "valid.keras"), "rb") as _f:
    KERAS_BYTES = _f.read()
with open(os.path.join(_DIR, "valid.weights.h5"), "rb") as _f:
    H5_BYTES = _f.read()
with zipfile.ZipFile(os.path.join(_DIR, "valid.keras")) as _z:
    MEMBERS = {n: _z.read(n) for n in _z.namelist()}


def mutations(size):
    pos = st.integers(0, size - 1)
    return st.lists(st.one_of(
        st.tuples(st.just("flip"), pos, st.integers(1, 255)),
        st.tuples(st.just("set"), pos, st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("truncate"), pos, st.just(b"")),
        st.tuples(st.just("insert"), pos, st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("delete"), pos, st.integers(1, 64)),
    ), min_size=1, max_size=4)


def apply(data, ops):
    buf = bytearray(data)
    for kind, pos, arg in ops:
        pos = min(pos, max(len(buf) - 1, 0))
        if kind == "flip" and buf:
            buf[pos] ^= arg
        elif kind == "set":
            buf[pos:pos + len(arg)] = arg
        elif kind == "truncate":
            del buf[pos:]
        elif kind == "insert":
            buf[pos:pos] = arg
        elif kind == "delete":
            del buf[pos:pos + arg]
    return bytes(buf)


def _check_load(load, data, suffix):
    before = set(os.listdir(os.getcwd()))
    with tempfile.TemporaryDirectory(prefix="xf_fuzz_case_") as tmp:
        path = os.path.join(tmp, "case" + suffix)
        with open(path, "wb") as f:
            f.write(data)
        tracemalloc.start()
        start = time.perf_counter()
        try:
            load(path)
        except LoadError:
            pass
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert time.perf_counter() - start < 10.0
        assert peak < 64 * 2**20, f"a {len(data)}-byte file made the load allocate {peak} bytes"
        assert os.listdir(tmp) == ["case" + suffix]  # nothing extracted next to it
    assert set(os.listdir(os.getcwd())) == before


def _load_model(path):
    return keras.models.load_model(path)


def _load_weights(path):
    model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])
    model.load_weights(path)


@SETTINGS
@given(ops=mutations(len(KERAS_BYTES)))
def test_mutated_keras_archive_loads_or_raises_load_error(ops):
    _check_load(_load_model, apply(KERAS_BYTES, ops), ".keras")


@SETTINGS
@given(ops=mutations(len(H5_BYTES)))
def test_mutated_weights_file_loads_or_raises_load_error(ops):
    _check_load(_load_weights, apply(H5_BYTES, ops), ".weights.h5")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


CONFIG = json.loads(MEMBERS["config.json"])
CONFIG_PATHS = [p for p in _paths(CONFIG) if p]


# Hypothesis sometimes misjudges `json_values`' extend function as not recursing and
# warns (an error under filterwarnings=error); the strategy does recurse.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
@SETTINGS
@given(edits=st.lists(st.tuples(st.sampled_from(CONFIG_PATHS), json_values), min_size=1, max_size=3))
def test_mutated_config_loads_or_raises_load_error(edits):
    config = json.loads(MEMBERS["config.json"])
    for path, value in edits:
        node = config
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    members = dict(MEMBERS)
    members["config.json"] = json.dumps(config).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    _check_load(_load_model, buf.getvalue(), ".keras")
