"""Every name the README promises exists in the namespace it names."""

from __future__ import annotations

import importlib
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _promised() -> list[tuple[str, str]]:
    text = README.read_text()
    block = text.split("<!-- public-names:start -->")[1].split("<!-- public-names:end -->")[0]
    names = []
    for line in block.splitlines():
        m = re.match(r"^- `([\w.]+)`: (.+)$", line.strip())
        if m:
            names += [(m.group(1), n.strip().strip("`")) for n in m.group(2).split(",") if n.strip()]
    return names


def test_readme_lists_names():
    names = _promised()
    assert len(names) > 200, "the README's public-names block lost its entries"
    assert {ns for ns, _ in names} >= {"xlaflow", "xlaflow.math", "xlaflow.nn", "xlaflow.linalg", "xlaflow.random", "xlaflow.errors", "xlaflow.dtypes"}


def test_every_promised_name_exists():
    missing = []
    for ns, name in _promised():
        module = importlib.import_module(ns)
        if not hasattr(module, name):
            missing.append(f"{ns}.{name}")
    assert not missing, f"README promises names that do not exist: {missing}"


def test_tf_style_module_paths_import():
    import xlaflow as tf

    assert tf.math.exp is importlib.import_module("xlaflow.math").exp
    assert tf.nn.relu is importlib.import_module("xlaflow.nn").relu
    assert tf.errors.InvalidArgumentError.__name__ == "InvalidArgumentError"
    assert tf.float32 == tf.dtypes.float32 == "float32"


# The op set the foundation issue names, namespace by namespace.
ISSUE_OPS = {
    "xlaflow": """constant convert_to_tensor zeros ones fill zeros_like ones_like eye range cast reshape
        transpose concat stack unstack split squeeze expand_dims tile pad gather gather_nd where
        boolean_mask one_hot shape rank size identity stop_gradient matmul einsum tensordot add_n
        reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all
        reduce_logsumexp argmax argmin equal not_equal less less_equal greater greater_equal
        maximum minimum clip_by_value clip_by_norm clip_by_global_norm Tensor Variable TensorSpec
        TensorShape float32 float16 bfloat16 float64 int8 int16 int32 int64 uint8 bool""",
    "xlaflow.math": """exp log log1p sqrt rsqrt square abs sign pow tanh sigmoid softplus erf floor ceil
        round reciprocal is_nan is_finite top_k cumsum""",
    "xlaflow.nn": """relu relu6 elu selu gelu leaky_relu swish silu softmax log_softmax
        sigmoid_cross_entropy_with_logits softmax_cross_entropy_with_logits
        sparse_softmax_cross_entropy_with_logits l2_loss moments dropout conv1d conv2d max_pool
        avg_pool bias_add""",
    "xlaflow.linalg": "norm matmul inv det diag",
    "xlaflow.random": "normal uniform truncated_normal shuffle categorical set_seed",
    "xlaflow.errors": "InvalidArgumentError",
}


def test_every_op_the_foundation_issue_names_is_public_and_callable():
    for ns, names in ISSUE_OPS.items():
        module = importlib.import_module(ns)
        for name in names.split():
            assert hasattr(module, name), f"{ns}.{name}"
            value = getattr(module, name)
            assert value is not None and (callable(value) or ns == "xlaflow"), f"{ns}.{name}"
