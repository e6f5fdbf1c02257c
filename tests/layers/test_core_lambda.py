"""Lambda: calls its function (with arguments, mask, training), infers or takes the
output shape, works compiled and under a tape; configs hold names, never code."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras.layers import Dense, Lambda
from xlaflow.keras import Sequential


def scale_and_shift(x, factor=1.0, shift=0.0):
    return x * factor + shift


def test_calls_the_function_with_arguments_compiled_and_taped():
    layer = Lambda(scale_and_shift, arguments={"factor": 3.0, "shift": 1.0})
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(layer(x).numpy(), x * 3 + 1)
    np.testing.assert_allclose(tf.function(lambda v: layer(v))(x).numpy(), x * 3 + 1)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.reduce_sum(layer(xt) ** 2)
    np.testing.assert_allclose(tape.gradient(y, xt).numpy(), 2 * (x * 3 + 1) * 3, rtol=1e-6)


def test_training_flag_and_output_shapes():
    seen = []
    layer = Lambda(lambda x, training=None: seen.append(training) or x)
    layer(np.ones((1, 2), np.float32), training=True)
    assert seen == [True]
    assert Lambda(lambda x: tf.reduce_sum(x, axis=-1, keepdims=True)).compute_output_shape((None, 4)) == (None, 1)
    assert Lambda(lambda x: x, output_shape=(7,)).compute_output_shape((None, 4)) == (None, 7)
    assert Lambda(lambda x: x, output_shape=lambda s: s[:1] + (2,)).compute_output_shape((None, 4)) == (None, 2)
    model = Sequential([Dense(4, input_shape=(3,)), Lambda(lambda x: x[:, :2]), Dense(1)])
    assert model.layers[2].kernel.shape.as_list() == [2, 1]


def test_config_names_module_functions_and_never_holds_code():
    layer = Lambda(scale_and_shift, output_shape=[3], arguments={"factor": 2.0}, name="lam_cfg")
    config = layer.get_config()
    assert config["function"] == {"module": __name__, "class_name": "function", "config": "scale_and_shift",
                                  "registered_name": "scale_and_shift"}
    with pytest.raises(ValueError, match="not one of xlaflow's, registered, or in `custom_objects`"):
        Lambda.from_config({**config, "name": "lam_clone"})  # a module function is found only when given
    clone = Lambda.from_config({**config, "name": "lam_clone"}, custom_objects={"scale_and_shift": scale_and_shift})
    assert clone.function is scale_and_shift and clone._output_shape == (3,) and clone.arguments == {"factor": 2.0}
    anonymous = Lambda(lambda x: x + 1).get_config()
    assert anonymous["function"]["class_name"] == "__lambda__" and set(anonymous["function"]["config"]) == {"name"}
    with pytest.raises(ValueError, match="Lambda.from_config: argument `function` is a Python lambda"):
        Lambda.from_config(anonymous)
    restored = Lambda.from_config(anonymous | {"function": {"class_name": "function", "config": "plus_one"}},
                                  custom_objects={"plus_one": lambda x: x + 1})
    np.testing.assert_allclose(restored(np.zeros((1, 1), np.float32)).numpy(), [[1.0]])
    with pytest.raises(ValueError, match="function 'system' of module 'os' is not one of xlaflow's"):
        Lambda.from_config({**config, "function": {"module": "os", "class_name": "function", "config": "system"}})


def test_bad_arguments_are_clear_errors():
    with pytest.raises(TypeError, match="Lambda: argument `function` must be callable"):
        Lambda(3)
    with pytest.raises(TypeError, match="Lambda: argument `arguments` must be a dict"):
        Lambda(abs, arguments=[1])
