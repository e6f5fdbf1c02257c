"""Custom training logic in the styles of Keras' "Customizing what happens in fit()"
guides, written once for both real Keras and xlaflow.

``tools/golden/make_custom_step_golden.py`` runs these with TensorFlow 2.21 / Keras 3
and stores the results; ``test_custom_steps.py`` runs the same code with xlaflow and
compares. Every scenario is a function ``(keras, tf) -> {name: array}`` that builds its
models, sets every weight from one seeded NumPy draw, trains a few steps on fixed
data and returns the final weights and the logs. Randomness a guide draws inside the
step (a GAN's latent vectors, a VAE's noise) comes in with the data instead, so both
libraries see the same numbers.
"""

from __future__ import annotations

import numpy as np

RNG_SEED = 1234


def _set_weights(model, seed: int = RNG_SEED) -> None:
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.3, size=w.shape).astype(np.float32) for w in model.get_weights()])


def _data(n: int = 24, d: int = 6, k: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = rng.normal(size=(n, k)).astype(np.float32)
    return x, y


def _result(model, history) -> dict:
    out = {f"w{i}": np.asarray(w) for i, w in enumerate(model.get_weights())}
    for key, values in history.history.items():
        out[f"h_{key}"] = np.asarray(values, np.float32)
    return out


def minimal_override(keras, tf) -> dict:
    """The first example: compute_loss inside a tape, metrics updated by hand."""

    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(6,))
    outputs = keras.layers.Dense(3)(keras.layers.Dense(8, activation="relu")(inputs))
    model = CustomModel(inputs, outputs)
    _set_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    x, y = _data()
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    return _result(model, history)


def compute_loss_override(keras, tf) -> dict:
    """Keras 3's variant: only compute_loss is overridden, with its own tracker."""

    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            loss = tf.reduce_mean(tf.square(y_pred - y)) + 0.5 * tf.reduce_mean(tf.abs(y_pred - y))
            self.loss_tracker.update_state(loss)
            return loss

        def reset_metrics(self):
            self.loss_tracker.reset_state()

        @property
        def metrics(self):
            return [self.loss_tracker]

    inputs = keras.Input(shape=(6,))
    model = CustomModel(inputs, keras.layers.Dense(3)(inputs))
    _set_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    x, y = _data()
    history = model.fit(x, y, epochs=2, batch_size=6, shuffle=False, verbose=0)
    return _result(model, history)


def test_step_override(keras, tf) -> dict:
    """A custom test_step used by evaluate (and by fit's validation)."""

    class CustomModel(keras.Model):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(6,))
    model = CustomModel(inputs, keras.layers.Dense(3, activation="tanh")(inputs))
    _set_weights(model)
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="mse", metrics=["mae"])
    x, y = _data()
    history = model.fit(x[:16], y[:16], validation_data=(x[16:], y[16:]), epochs=2, batch_size=4, shuffle=False, verbose=0)
    out = _result(model, history)
    out["evaluate"] = np.asarray(model.evaluate(x, y, batch_size=8, verbose=0), np.float32)
    return out


def vae(keras, tf) -> dict:
    """A variational autoencoder: the KL term added with add_loss, three trackers."""

    class KLSampling(keras.layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var, eps = inputs
            kl = -0.5 * tf.reduce_mean(tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=1))
            self.add_loss(kl)
            return z_mean + tf.exp(0.5 * z_log_var) * eps

    x_in = keras.Input(shape=(6,))
    eps_in = keras.Input(shape=(2,))
    h = keras.layers.Dense(8, activation="relu")(x_in)
    z = KLSampling()([keras.layers.Dense(2)(h), keras.layers.Dense(2)(h), eps_in])
    recon = keras.layers.Dense(6)(keras.layers.Dense(8, activation="relu")(z))

    class VAE(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

        @property
        def metrics(self):
            return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

        def train_step(self, data):
            x, eps = data[0]
            with tf.GradientTape() as tape:
                reconstruction = self([x, eps], training=True)
                reconstruction_loss = tf.reduce_mean(tf.reduce_sum(tf.square(x - reconstruction), axis=1))
                kl_loss = tf.add_n(self.losses)
                total_loss = reconstruction_loss + kl_loss
            grads = tape.gradient(total_loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.total_loss_tracker.update_state(total_loss)
            self.reconstruction_loss_tracker.update_state(reconstruction_loss)
            self.kl_loss_tracker.update_state(kl_loss)
            return {m.name: m.result() for m in self.metrics}

    model = VAE([x_in, eps_in], recon)
    _set_weights(model)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    x, _ = _data()
    eps = np.random.default_rng(7).normal(size=(24, 2)).astype(np.float32)
    history = model.fit((x, eps), epochs=2, batch_size=8, shuffle=False, verbose=0)
    return _result(model, history)


def gan(keras, tf) -> dict:
    """A GAN: custom compile with two optimizers, two tapes, no call()."""

    latent_dim = 3
    discriminator = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    generator = keras.Sequential([keras.Input((latent_dim,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(6)])

    class GAN(keras.Model):
        def __init__(self, discriminator, generator):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def train_step(self, data):
            real, z1, z2 = data[0]
            fake = self.generator(z1)
            combined = tf.concat([fake, real], axis=0)
            labels = tf.concat([tf.ones((tf.shape(real)[0], 1)), tf.zeros((tf.shape(real)[0], 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            misleading = tf.zeros((tf.shape(real)[0], 1))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(misleading, self.discriminator(self.generator(z2)))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    _set_weights(discriminator, 1)
    _set_weights(generator, 2)
    model = GAN(discriminator, generator)
    model.compile(d_optimizer=keras.optimizers.Adam(0.003), g_optimizer=keras.optimizers.Adam(0.003),
                  loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    rng = np.random.default_rng(5)
    real = rng.normal(size=(16, 6)).astype(np.float32)
    z1, z2 = (rng.normal(size=(16, latent_dim)).astype(np.float32) for _ in range(2))
    history = model.fit((real, z1, z2), epochs=2, batch_size=8, shuffle=False, verbose=0)
    out = {f"d{i}": np.asarray(w) for i, w in enumerate(discriminator.get_weights())}
    out.update({f"g{i}": np.asarray(w) for i, w in enumerate(generator.get_weights())})
    out.update({f"h_{k}": np.asarray(v, np.float32) for k, v in history.history.items()})
    return out


def distillation(keras, tf) -> dict:
    """Knowledge distillation with a custom compile and Keras 2's compiled_metrics."""

    class Distiller(keras.Model):
        def __init__(self, student, teacher):
            super().__init__()
            self.teacher = teacher
            self.student = student

        def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
            super().compile(optimizer=optimizer, metrics=metrics)
            self.student_loss_fn = student_loss_fn
            self.distillation_loss_fn = distillation_loss_fn
            self.alpha = alpha
            self.temperature = temperature

        def call(self, x):
            return self.student(x)

        def train_step(self, data):
            x, y = data
            teacher_predictions = self.teacher(x, training=False)
            with tf.GradientTape() as tape:
                student_predictions = self.student(x, training=True)
                student_loss = self.student_loss_fn(y, student_predictions)
                t = self.temperature
                distillation_loss = self.distillation_loss_fn(tf.nn.softmax(teacher_predictions / t, axis=1),
                                                              tf.nn.softmax(student_predictions / t, axis=1)) * t * t
                loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
            gradients = tape.gradient(loss, self.student.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.student.trainable_variables))
            self.compiled_metrics.update_state(y, student_predictions)
            results = {m.name: m.result() for m in self.metrics if m.name != "loss"}
            flat = {}
            for name, value in results.items():
                flat.update(value if isinstance(value, dict) else {name: value})
            flat.update({"student_loss": student_loss, "distillation_loss": distillation_loss})
            return flat

    teacher = keras.Sequential([keras.Input((6,)), keras.layers.Dense(12, activation="relu"), keras.layers.Dense(4)])
    student = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4)])
    _set_weights(teacher, 3)
    _set_weights(student, 4)
    model = Distiller(student=student, teacher=teacher)
    model.compile(optimizer=keras.optimizers.Adam(0.01), metrics=[keras.metrics.SparseCategoricalAccuracy()],
                  student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  distillation_loss_fn=keras.losses.KLDivergence(), alpha=0.1, temperature=3)
    x, _ = _data()
    y = (np.arange(24) % 4).astype(np.int32)
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    out = {f"w{i}": np.asarray(w) for i, w in enumerate(student.get_weights())}
    out.update({f"h_{k}": np.asarray(v, np.float32) for k, v in history.history.items()})
    return out


SCENARIOS = {f.__name__: f for f in (minimal_override, compute_loss_override, test_step_override, vae, gan, distillation)}
