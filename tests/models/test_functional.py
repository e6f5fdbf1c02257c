"""The Functional API: keras.Input, layer calls on symbolic tensors, keras.Model(inputs, outputs).

References are the same layers applied by hand to the same arrays (and hand-written
SGD steps for training); Keras goldens are in test_functional_golden.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.models.functional import Functional

L = keras.layers
RNG = np.random.default_rng(0)


def _arr(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def _two_in_two_out():
    a = keras.Input((8,), name="a")
    b = keras.Input((4,), name="b")
    da, o1, o2 = L.Dense(6, activation="tanh"), L.Dense(1, name="o1"), L.Dense(3, activation="softmax", name="o2")
    h = tf.concat([da(a) + 1.0, b], axis=-1)  # ops on symbolic tensors between layers
    model = keras.Model([a, b], [o1(h), o2(h)], name="two")
    by_hand = lambda xa, xb: (lambda h: [o1(h), o2(h)])(tf.concat([da(xa) + 1.0, xb], axis=-1))  # noqa: E731
    return model, by_hand


def test_input_is_symbolic_with_batch_none():
    x = keras.Input((20,), name="feat")
    assert x.shape.as_list() == [None, 20] and x.dtype == tf.float32
    assert keras.Input(batch_shape=(4, 3), dtype="int32").shape.as_list() == [4, 3]
    assert keras.layers.Input is keras.Input
    y = L.Dense(5)(x)
    assert y.shape.as_list() == [None, 5]


def test_model_returns_functional_and_outputs_equal_layers_by_hand():
    model, by_hand = _two_in_two_out()
    assert isinstance(model, Functional) and isinstance(model, keras.Model)
    xa, xb = _arr(5, 8), _arr(5, 4)
    got, want = model([xa, xb]), by_hand(xa, xb)
    assert isinstance(got, list) and len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)
    assert model.output_names == ["o1", "o2"] and model.input_names == ["a", "b"]
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense", "InputLayer", "Dense", "Dense"]
    assert model.get_layer("o2") is model.layers[-1] and model.get_layer(index=0).name == "a"
    by_dict = model({"a": xa, "b": xb})
    np.testing.assert_allclose(by_dict[1].numpy(), want[1].numpy(), rtol=1e-6)
    assert isinstance(keras.models.Model(inputs=[model.inputs[0], model.inputs[1]], outputs=model.outputs[0]), Functional)


def test_dict_inputs_and_outputs_keep_their_structure():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    dense = L.Dense(2)
    model = keras.Model({"a": a, "b": b}, {"sum": dense(a) + b, "b": b * 2.0})
    xa, xb = _arr(4, 3), _arr(4, 2)
    out = model({"b": xb, "a": xa})
    assert set(out) == {"sum", "b"}
    np.testing.assert_allclose(out["sum"].numpy(), (dense(xa) + xb).numpy(), rtol=1e-6)
    np.testing.assert_allclose(out["b"].numpy(), xb * 2, rtol=1e-6)


def test_gradient_tape_through_the_model_matches_by_hand():
    model, by_hand = _two_in_two_out()
    xa, xb = tf.constant(_arr(5, 8)), tf.constant(_arr(5, 4))
    grads = []
    for fn in (model, lambda xs: by_hand(*xs)):
        with tf.GradientTape() as tape:
            tape.watch(xa)
            y1, y2 = fn([xa, xb])
            loss = tf.reduce_sum(y1 * y1) + tf.reduce_sum(y2 * tf.range(3, dtype=tf.float32))
        grads.append(tape.gradient(loss, model.trainable_variables + [xa]))
    assert len(grads[0]) == 7 and all(g is not None for g in grads[0])
    for g, w in zip(*grads):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-5, atol=1e-7)


def test_inside_xlaflow_function_equals_eager():
    model, _ = _two_in_two_out()
    xa, xb = _arr(5, 8), _arr(5, 4)

    @tf.function
    def run(a, b):
        return model([a, b], training=False)

    for g, w in zip(run(tf.constant(xa), tf.constant(xb)), model([xa, xb])):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)


def test_training_flag_reaches_dropout_and_batchnorm():
    x = keras.Input((4,))
    bn = L.BatchNormalization()
    model = keras.Model(x, L.Dropout(0.5)(bn(x)))
    data = _arr(6, 4) * 3 + 2
    np.testing.assert_allclose(model(data).numpy(), bn(data, training=False).numpy(), rtol=1e-6)
    out = model(data, training=True).numpy()
    assert (out == 0).any()  # dropout active
    assert not np.allclose(bn.moving_mean.numpy(), 0)  # batch statistics were used and recorded


def test_shared_layer_weights_counted_once_and_gradients_add():
    shared = L.Dense(3)
    x1, x2 = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([x1, x2], L.Add()([shared(x1), shared(x2)]))
    assert len(model.trainable_weights) == 2 and model.count_params() == 12
    assert sum(l is shared for l in model.layers) == 1
    a, b = tf.constant(_arr(2, 3)), tf.constant(_arr(2, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model([a, b]))
    g_kernel = tape.gradient(loss, shared.kernel)
    want = np.tile((a.numpy() + b.numpy()).sum(0)[:, None], (1, 3))
    np.testing.assert_allclose(g_kernel.numpy(), want, rtol=1e-5)


def test_nested_sequential_and_functional_models():
    inner_seq = keras.Sequential([L.Dense(4, activation="relu", input_shape=(6,)), L.Dense(3)])
    xi = keras.Input((3,))
    inner_fn = keras.Model(xi, L.Dense(2)(xi) * 2.0)
    x = keras.Input((6,))
    model = keras.Model(x, inner_fn(inner_seq(x)))
    data = _arr(5, 6)
    np.testing.assert_allclose(model(data).numpy(), inner_fn(inner_seq(data)).numpy(), rtol=1e-6)
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Sequential", "Functional"]
    assert model.count_params() == inner_seq.count_params() + inner_fn.count_params() == (6 * 4 + 4) + (4 * 3 + 3) + (3 * 2 + 2)
    assert len(model.trainable_variables) == 6
    outer = keras.Model(x, L.Dense(1)(model(x)))  # a functional model reused inside another
    assert outer(data).shape.as_list() == [5, 1]


def test_sequential_with_keras_input_first():
    model = keras.Sequential([keras.Input((20,)), L.Dense(1)])
    assert model.built and model.count_params() == 21 and len(model.layers) == 1


def test_masks_propagate_between_layers():
    x = keras.Input((5,), dtype="int32")
    emb, lstm = L.Embedding(10, 4, mask_zero=True), L.LSTM(3)
    model = keras.Model(x, lstm(emb(x)))
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]], np.int32)
    np.testing.assert_allclose(model(tokens).numpy(), lstm(emb(tokens)).numpy(), rtol=1e-5)
    np.testing.assert_allclose(model(tokens).numpy()[0], lstm(emb(tokens[:1, :3])).numpy()[0], rtol=1e-5)


def _sgd_reference(model, xs, ys, losses, lr=0.01):
    """One SGD step computed by hand with a tape on a copy of the weights."""
    with tf.GradientTape() as tape:
        preds = model(xs)
        preds = preds if isinstance(preds, list) else [preds]
        loss = sum(tf.reduce_mean(fn(y, p)) for fn, y, p in zip(losses, ys, preds))
    grads = tape.gradient(loss, model.trainable_variables)
    return [w.numpy() - lr * g.numpy() for w, g in zip(model.trainable_variables, grads)]


def test_train_on_batch_and_fit_single_output():
    x = keras.Input((3,))
    model = keras.Model(x, L.Dense(1)(L.Dense(4, activation="tanh")(x)))
    xs, ys = _arr(8, 3), _arr(8, 1)
    want = _sgd_reference(model, xs, [ys], [keras.losses.mean_squared_error])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    model.train_on_batch(xs, ys)
    for w, ref in zip(model.trainable_variables, want):
        np.testing.assert_allclose(w.numpy(), ref, rtol=1e-5, atol=1e-7)
    history = model.fit(xs, ys, epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2


def test_train_on_batch_and_fit_two_outputs():
    model, _ = _two_in_two_out()
    xs = [_arr(8, 8), _arr(8, 4)]
    ys = [_arr(8, 1), np.eye(3, dtype=np.float32)[RNG.integers(0, 3, 8)]]
    want = _sgd_reference(model, xs, ys, [keras.losses.mean_squared_error, keras.losses.categorical_crossentropy])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=["mse", "categorical_crossentropy"], metrics=[["mae"], ["accuracy"]])
    logs = model.train_on_batch(xs, ys, return_dict=True)
    assert {"loss", "o1_mae", "o2_accuracy"} <= set(logs)
    for w, ref in zip(model.trainable_variables, want):
        np.testing.assert_allclose(w.numpy(), ref, rtol=1e-5, atol=1e-7)
    history = model.fit(xs, ys, epochs=2, batch_size=4, verbose=0)
    assert len(history.history["o2_accuracy"]) == 2
    preds = model.predict(xs, verbose=0)
    assert [p.shape for p in preds] == [(8, 1), (8, 3)]


def test_summary_lists_input_layers_shapes_and_counts():
    model, _ = _two_in_two_out()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "a (InputLayer)" in text and "(None, 8)" in text and "(None, 3)" in text
    assert "Total params: 98" in text  # 8*6+6 + 10*1+1 + 10*3+3


def test_config_round_trip_gives_equal_outputs_after_set_weights():
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    shared = L.Dense(3, name="shared")
    h = L.Concatenate(name="cat")([shared(b), L.Dense(3, activation="relu", name="da")(a), shared(shared(b))])
    inner = keras.Sequential([keras.Input((9,)), L.Dense(2, name="inner_d")], name="inner")
    model = keras.Model({"a": a, "b": b}, [inner(h), L.Dense(1, name="head")(h)], name="rt")
    config = model.get_config()
    assert config["input_layers"] == {"a": ["a", 0, 0], "b": ["b", 0, 0]}
    shared_entry = next(e for e in config["layers"] if e["name"] == "shared")
    assert len(shared_entry["inbound_nodes"]) == 3
    clone = keras.Model.from_config(config)
    assert isinstance(clone, Functional) and [l.name for l in clone.layers] == [l.name for l in model.layers]
    clone.set_weights(model.get_weights())
    data = {"a": _arr(3, 4), "b": _arr(3, 3)}
    for g, w in zip(clone(data), model(data)):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)
    assert Functional.from_config(config).count_params() == model.count_params()


def test_get_config_with_ops_between_layers_says_what_to_do():
    model, _ = _two_in_two_out()
    with pytest.raises(NotImplementedError, match="Lambda"):
        model.get_config()


def test_wrong_number_of_inputs_names_model_and_inputs():
    model, _ = _two_in_two_out()
    with pytest.raises(ValueError, match=r"'two' expects 2 input\(s\) \(\['a', 'b'\]\).*received 1"):
        model([_arr(2, 8)])
    with pytest.raises(ValueError, match=r"no entry for input\(s\) \['b'\]"):
        model({"a": _arr(2, 8)})


def test_wrong_input_shape_names_model_and_input():
    model, _ = _two_in_two_out()
    with pytest.raises(ValueError, match=r"'two': input 'b' must have shape \(None, 4\).*Received: shape \(2, 5\)"):
        model([_arr(2, 8), _arr(2, 5)])


def test_unreachable_outputs_and_bad_arguments():
    a, b = keras.Input((2,), name="a_in"), keras.Input((2,), name="b_in")
    out = L.Dense(1)(L.Add()([a, b]))
    with pytest.raises(ValueError, match=r"disconnected.*b_in.*not one of the model's inputs"):
        keras.Model(a, out)
    with pytest.raises(ValueError, match="must be symbolic tensors"):
        keras.Model(a, np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"made by keras.Input"):
        keras.Model(L.Dense(2)(a), out)


def test_layer_input_spec_is_checked_when_the_graph_is_built():
    x = keras.Input((4, 4))
    with pytest.raises(ValueError, match=r'conv_bad.*Received: input_shape=\(None, 4, 4\)'):
        L.Conv2D(2, 3, name="conv_bad")(x)


def test_summary_shows_connections_for_graph_models_only():
    model, _ = _two_in_two_out()
    lines = []
    model.summary(print_fn=lines.append)
    assert "Connected to" in lines[2]
    assert any("o1 (Dense)" in line and "add[0][0]" not in line for line in lines)
    x = keras.Input((3,))
    chain = []
    keras.Model(x, L.Dense(2)(x)).summary(print_fn=chain.append)
    assert "Connected to" not in "\n".join(chain)
    shared, twice = L.Dense(3, name="twice"), []
    keras.Model(x, shared(shared(x))).summary(print_fn=twice.append)
    assert any("twice (Dense)" in line and "twice[0][0]" in line for line in twice)


def test_layer_called_with_symbolic_positional_and_keyword_arguments():
    q, v = keras.Input((4, 6)), keras.Input((5, 6))
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    model = keras.Model([q, v], mha(q, v, key=v))
    xq, xv = _arr(2, 4, 6), _arr(2, 5, 6)
    np.testing.assert_allclose(model([xq, xv]).numpy(), mha(xq, xv, key=xv).numpy(), rtol=1e-5, atol=1e-6)


class _Doubler(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = L.Dense(3)

    def call(self, x, training=None):
        return self.dense(x) * 2.0


def test_subclassed_model_called_on_symbolic_tensor_creates_weights_eagerly():
    sub = _Doubler()
    x = keras.Input((4,))
    model = keras.Model(x, sub(x))
    data = _arr(2, 4)
    np.testing.assert_allclose(model(data).numpy(), sub(data).numpy(), rtol=1e-6)
    assert len(model.trainable_weights) == 2


class _FunctionalSubclass(keras.Model):
    def __init__(self, units=2, **kwargs):
        x = keras.Input((3,))
        super().__init__(inputs=x, outputs=L.Dense(units)(x), **kwargs)
        self.units = units

    def twice(self, x):
        return self(x) * 2.0


def test_subclass_calling_model_init_with_inputs_and_outputs_is_functional():
    model = _FunctionalSubclass(units=4, name="fsub")
    assert isinstance(model, _FunctionalSubclass) and isinstance(model, Functional) and model.name == "fsub"
    data = _arr(2, 3)
    np.testing.assert_allclose(model.twice(data).numpy(), 2 * model.layers[1](data).numpy(), rtol=1e-6)
    assert type(_FunctionalSubclass()) is type(model)


def test_nested_functional_config_counts_the_inner_node_as_keras_does():
    xi = keras.Input((3,), name="xi")
    inner = keras.Model(xi, L.Dense(2, name="di")(xi), name="inner_fn")
    x = keras.Input((3,), name="x")
    model = keras.Model(x, L.Dense(1, name="h")(inner(x)), name="outer")
    config = model.get_config()
    head = next(e for e in config["layers"] if e["name"] == "h")
    assert head["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == ["inner_fn", 1, 0]
    clone = keras.Model.from_config(config)
    clone.set_weights(model.get_weights())
    data = _arr(2, 3)
    np.testing.assert_allclose(clone(data).numpy(), model(data).numpy(), rtol=1e-6)


def test_single_input_model_accepts_a_list_of_one_array():
    x = keras.Input((3,))
    model = keras.Model(x, L.Dense(2)(x))
    data = _arr(4, 3)
    np.testing.assert_allclose(model([data]).numpy(), model(data).numpy(), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    model.fit([data], _arr(4, 2), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="graph input"):
        keras.Input(tensor=L.Dense(2)(x))


def test_functional_subclass_config_is_its_constructor_arguments():
    model = _FunctionalSubclass(units=4, name="fsub2")
    config = model.get_config()
    assert config["units"] == 4 and "layers" not in config
    clone = _FunctionalSubclass.from_config(config)
    assert isinstance(clone, Functional) and clone.layers[1].units == 4 and clone.name == "fsub2"


def test_fit_gives_the_same_weights_as_the_equivalent_sequential():
    seq = keras.Sequential([L.Dense(4, activation="tanh", input_shape=(3,)), L.Dense(1)])
    x = keras.Input((3,))
    fun = keras.Model(x, L.Dense(1)(L.Dense(4, activation="tanh")(x)))
    fun.set_weights(seq.get_weights())
    xs, ys = _arr(16, 3), _arr(16, 1)
    for model in (seq, fun):
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        model.fit(xs, ys, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(seq.get_weights(), fun.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
