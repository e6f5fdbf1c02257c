"""``keras.utils.image_dataset_from_directory``: a ``tf.data`` pipeline over a folder of images.

The pipeline is Keras 3's (TF backend) built from xlaflow's ``tf.data``: the file
paths (indexed and split by :mod:`xlaflow.utils.directory_index`) zipped with their
labels, shuffled each epoch (buffer ``8 * batch_size``), mapped through
read -> ``decode_image`` -> ``tf.image.resize`` (or ``smart_resize`` with
``crop_to_aspect_ratio``, ``resize_with_pad`` with ``pad_to_aspect_ratio``),
batched and prefetched. Images are float32 (uint8 with ``interpolation="nearest"``,
as ``tf.image.resize`` keeps the dtype), labels int32 / one-hot float32 / float32
``[1]`` for ``label_mode`` ``"int"`` / ``"categorical"`` / ``"binary"``. The returned
datasets carry ``class_names`` and ``file_paths``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.utils import directory_index

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


def _check(labels: Any, label_mode: Any, class_names: Any, color_mode: str, image_size: Any, interpolation: str,
           format: str, crop: bool, pad: bool) -> tuple:
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("Argument `labels` must be 'inferred', None, or a list/tuple of integer labels, one per "
                             f"image file in the directory. Received: labels={labels!r}")
        if class_names:
            raise ValueError(f"Argument `class_names` can only be passed with labels='inferred'. Received: class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'Argument `label_mode` must be one of "int", "categorical", "binary", or None. Received: label_mode={label_mode!r}')
    if color_mode not in _CHANNELS:
        raise ValueError(f'Argument `color_mode` must be one of "rgb", "rgba", "grayscale". Received: color_mode={color_mode!r}')
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Argument `image_size` must be an int or a tuple of 2 integers. Received: image_size={image_size!r}")
    interpolation = str(interpolation).lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` must be one of {INTERPOLATIONS}. Received: interpolation={interpolation!r}")
    if format != "tf":
        raise NotImplementedError(f"image_dataset_from_directory: only format='tf' (a tf.data pipeline) is supported by "
                                  f"xlaflow. Received: format={format!r}")
    if crop and pad:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.")
    return tuple(int(v) for v in image_size), interpolation


def _label_array(labels: np.ndarray, label_mode: str, num_classes: int) -> np.ndarray:
    if label_mode == "binary":
        return labels.astype(np.float32)[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    return labels.astype(np.int32)


def _loader(image_size: tuple, channels: int, interpolation: str, data_format: str, crop: bool, pad: bool) -> Any:
    """The map function: a path (bytes) -> the image Tensor [H, W, C] (or [C, H, W])."""
    from xlaflow.image.codecs import decode_image_array
    from xlaflow.image.resize import resize, resize_with_pad
    from xlaflow.io.files import read_file
    from xlaflow.utils.image_utils import smart_resize

    def load(path: Any) -> Any:
        img = decode_image_array(read_file(path), channels, "image_dataset_from_directory")
        if crop:
            out = smart_resize(img, image_size, interpolation=interpolation)
        elif pad:
            out = resize_with_pad(img, image_size[0], image_size[1], method=interpolation)
        else:
            out = resize(img, image_size, method=interpolation)
        return np.moveaxis(np.asarray(out), -1, 0) if data_format == "channels_first" else out

    return load


def _pipeline(paths: list, labels: Any, label_mode: Any, num_classes: int, load: Any, shuffle: bool, batch_size: Any,
              seed: Any) -> Any:
    from xlaflow.data import AUTOTUNE, Dataset

    path_ds = Dataset.from_tensor_slices(np.array([p.encode() for p in paths], dtype=object))
    if label_mode:
        ds = Dataset.zip((path_ds, Dataset.from_tensor_slices(_label_array(labels, label_mode, num_classes))))
    else:
        ds = path_ds
    if shuffle:
        ds = ds.shuffle(buffer_size=batch_size * 8 if batch_size is not None else 1024, seed=seed)
    ds = ds.map((lambda x, y: (load(x), y)) if label_mode else load, num_parallel_calls=AUTOTUNE)
    if batch_size is not None:
        ds = ds.batch(batch_size)
    return ds.prefetch(AUTOTUNE)


def image_dataset_from_directory(directory: Any, labels: Any = "inferred", label_mode: Any = "int", class_names: Any = None,
                                 color_mode: str = "rgb", batch_size: Any = 32, image_size: Any = (256, 256),
                                 shuffle: bool = True, seed: Any = None, validation_split: Any = None, subset: Any = None,
                                 interpolation: str = "bilinear", follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 pad_to_aspect_ratio: bool = False, data_format: Any = None, format: str = "tf",
                                 verbose: bool = True) -> Any:
    """A ``tf.data.Dataset`` of (images, labels) batches from a folder of class subfolders.

    Args:
      directory: the folder; with ``labels="inferred"`` each subfolder is a class.
      labels: ``"inferred"``, None (images only), or a list of int labels in sorted file order.
      label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or None (no labels).
      class_names: with ``labels="inferred"``, the subfolders to use, in label order.
      color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"`` (3, 4 or 1 channels).
      batch_size: the batch size, or None for single images.
      image_size: ``(height, width)`` (or one int) every image is resized to.
      shuffle, seed: shuffle the files (and each epoch's order) with ``seed``.
      validation_split, subset: hold out the last fraction of the (shuffled) files;
        ``subset`` is ``"training"``, ``"validation"`` or ``"both"`` (returns both).
      interpolation: a ``tf.image.resize`` method.
      follow_links: follow symbolic links to subfolders.
      crop_to_aspect_ratio: crop the centre to the target aspect ratio before resizing.
      pad_to_aspect_ratio: resize to fit and pad with zeros (``resize_with_pad``).
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
      format: ``"tf"`` (``"grain"`` raises NotImplementedError).
      verbose: print how many files and classes were found.

    Returns:
      A Dataset with ``class_names`` and ``file_paths`` attributes, or a list of two
      (training, validation) with ``subset="both"``.

    Raises:
      ValueError: bad arguments, or no images found.
    """
    from xlaflow.utils.image_utils import data_format_arg

    image_size, interpolation = _check(labels, label_mode, class_names, color_mode, image_size, interpolation, format,
                                       crop_to_aspect_ratio, pad_to_aspect_ratio)
    fmt = data_format_arg(data_format, "image_dataset_from_directory")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    directory_index.check_validation_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, found, names = directory_index.index_directory(directory, labels, ALLOWLIST_FORMATS, class_names, shuffle, seed,
                                                          follow_links, verbose)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: class_names={names}')
    load = _loader(image_size, _CHANNELS[color_mode], interpolation, fmt, crop_to_aspect_ratio, pad_to_aspect_ratio)
    num_classes = len(names) if names else 0
    parts = [("training", shuffle), ("validation", False)] if subset == "both" else [(subset, shuffle)]
    out = []
    for part, shuffled in parts:
        part_paths, part_labels = directory_index.split(paths, found, validation_split, part, verbose)
        if not part_paths:
            raise ValueError(f"No {part + ' ' if subset == 'both' else ''}images found in directory {directory}. "
                             f"Allowed formats: {ALLOWLIST_FORMATS}")
        ds = _pipeline(part_paths, part_labels, label_mode, num_classes, load, shuffled, batch_size, seed)
        ds.class_names, ds.file_paths = names, part_paths
        out.append(ds)
    return out if subset == "both" else out[0]
