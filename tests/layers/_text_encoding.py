"""The JSON form of text-layer results, shared by tools/golden/make_text_layers_golden.py
(run on Keras/TF objects) and tests/layers/test_text_layers_golden.py (xlaflow's):
tensors by dtype, shape and values (bytes as latin-1 text), RaggedTensors by
``to_list()``, Python lists/tuples item by item, a layer object as ``{"layer": ...}``."""

from __future__ import annotations

import numpy as np


def plain(x):
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, bytes):
        return {"b": x.decode("latin-1")}
    if isinstance(x, (float, np.floating)) and not np.isfinite(x):
        return {"f": repr(float(x))}
    if isinstance(x, np.generic):
        return x.item()
    return x


def encode(v):
    if isinstance(v, tuple):
        return {"tuple": [encode(x) for x in v]}
    if isinstance(v, list):
        return {"list": plain([x.item() if isinstance(x, np.generic) else x for x in v])}
    if isinstance(v, (int, float, str)) or v is None:
        return {"scalar": v}
    if hasattr(v, "to_list") and hasattr(v, "row_splits"):
        return {"ragged": plain(v.to_list()), "dtype": v.dtype.name}
    if hasattr(v, "numpy") and hasattr(v, "dtype"):
        arr = v.numpy()
        dtype = v.dtype.name
        return {"value": plain(np.asarray(arr, dtype=object if dtype == "string" else None).tolist()), "dtype": dtype,
                "shape": list(np.shape(arr))}
    return {"object": type(v).__name__}


def decode(x):
    if isinstance(x, list):
        return [decode(v) for v in x]
    if isinstance(x, dict) and set(x) == {"b"}:
        return x["b"].encode("latin-1")
    if isinstance(x, dict) and set(x) == {"f"}:
        return float(x["f"])
    return x


def close(a, b, rtol=1e-5):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.isclose(a, b, rtol=rtol, atol=1e-6, equal_nan=True))
    return a == b
