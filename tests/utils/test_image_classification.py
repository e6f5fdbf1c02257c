"""Image classification from a folder of PNG files, in the style of Keras' "image
classification from scratch": ``image_dataset_from_directory`` (training/validation
split) -> augmentation -> a small CNN trained with ``fit``.

The augmentation uses ``tf.image`` functions inside ``Dataset.map`` (random flips and
brightness, then rescaling). The Keras-layer variant of the same script
(``layers.RandomFlip``/``RandomRotation``/``Rescaling`` inside the model) needs the
preprocessing layers another part of issue 20 adds.
"""

from __future__ import annotations

import numpy as np

import xlaflow as tf
from xlaflow import keras


def make_folder(root, per_class: int = 32, size: int = 20) -> None:
    """Two classes told apart by the orientation of their stripes, drawn with noise."""
    rng = np.random.default_rng(4)
    for name, axis in (("horizontal", 0), ("vertical", 1)):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):
            stripes = (np.arange(size) // 3 % 2 * 160).astype(np.uint8)
            img = np.broadcast_to(stripes[:, None] if axis == 0 else stripes[None, :], (size, size)).copy()
            img = np.clip(img.astype(int) + rng.integers(0, 80, (size, size)), 0, 255).astype(np.uint8)
            rgb = np.stack([img, img // 2, 255 - img], axis=-1)
            (folder / f"{i}.png").write_bytes(tf.image.encode_png(rgb))


def test_folder_to_fit(tmp_path):
    make_folder(tmp_path)
    tf.random.set_seed(0)
    keras.utils.set_random_seed(0)
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        tmp_path, validation_split=0.25, subset="both", seed=1337, image_size=(16, 16), batch_size=8, verbose=False)
    assert train_ds.class_names == ["horizontal", "vertical"]

    def augment(images, labels):
        images = tf.image.random_flip_left_right(images)  # keeps the stripes' orientation
        images = tf.image.random_brightness(images, 20.0)
        return images / 255.0, labels

    train_ds = train_ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    val_ds = val_ds.map(lambda x, y: (x / 255.0, y)).prefetch(tf.data.AUTOTUNE)

    model = keras.Sequential([
        keras.Input((16, 16, 3)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train_ds, epochs=5, validation_data=val_ds, verbose=0)
    assert history.history["val_accuracy"][-1] >= 0.9, history.history
    assert len(history.history["loss"]) == 5
