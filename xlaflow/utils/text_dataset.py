"""``keras.utils.text_dataset_from_directory``: a folder of ``.txt`` files as a string dataset.

Keras 3's behaviour and options: each subdirectory is a class (``labels="inferred"``;
:mod:`xlaflow.utils.directory_index` lists the files exactly as Keras does, so a
``seed`` shuffles and splits a folder into the same files), labels as ``"int"``
(int32), ``"categorical"`` (one-hot float32), ``"binary"`` (float32 ``(1,)``) or none;
``max_length`` keeps the first bytes of each text; ``validation_split`` with
``subset="training"``/``"validation"``/``"both"``; the training files are shuffled
again each epoch in a buffer of ``8 * batch_size`` (1024 unbatched). Elements are
``(text, label)`` with the text a string tensor; files are read as they are needed.
The dataset has a ``class_names`` attribute.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.utils import directory_index


def _read(path: Any, max_length: int | None) -> bytes:
    with open(path.numpy() if hasattr(path, "numpy") else path, "rb") as f:
        text = f.read()
    return text if max_length is None else text[:max_length]


def _label_values(labels: np.ndarray, label_mode: str, num_classes: int) -> np.ndarray:
    if label_mode == "binary":
        return labels.astype(np.float32).reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    return labels.astype(np.int32)


def _dataset(paths: list, labels: Any, label_mode: Any, num_classes: int, max_length: Any, shuffle: bool,
             buffer: int, seed: Any) -> Any:
    from xlaflow.data import Dataset

    path_ds = Dataset.from_tensor_slices(np.array([p.encode() for p in paths], dtype=object))
    if label_mode:
        ds = Dataset.zip((path_ds, Dataset.from_tensor_slices(_label_values(np.asarray(labels), label_mode, num_classes))))
    else:
        ds = path_ds
    if shuffle:
        ds = ds.shuffle(buffer, seed=seed)
    if label_mode:
        return ds.map(lambda p, y: (_read(p, max_length), y))
    return ds.map(lambda p: _read(p, max_length))


def _finish(ds: Any, batch_size: Any, class_names: Any) -> Any:
    from xlaflow.data import AUTOTUNE

    if batch_size is not None:
        ds = ds.batch(batch_size)
    ds = ds.prefetch(AUTOTUNE)
    ds.class_names = class_names
    return ds


def text_dataset_from_directory(directory: Any, labels: Any = "inferred", label_mode: Any = "int",
                                class_names: Any = None, batch_size: Any = 32, max_length: Any = None,
                                shuffle: bool = True, seed: Any = None, validation_split: Any = None,
                                subset: Any = None, follow_links: bool = False, format: str = "tf",  # noqa: A002
                                verbose: bool = True) -> Any:
    """A ``tf.data.Dataset`` of the ``.txt`` files under ``directory`` (and their labels).

    Args:
      directory: the folder; with ``labels="inferred"`` one subfolder per class.
      labels: ``"inferred"``, None, or a list of integer labels (files in sorted order).
      label_mode: ``"int"``, ``"categorical"``, ``"binary"`` or None.
      class_names: the classes' order (must be subfolder names).
      batch_size: the batch size, or None for single texts.
      max_length: keep at most this many bytes of each text.
      shuffle, seed: shuffle the files (and, for training, each epoch).
      validation_split, subset: hold out the last fraction of the (shuffled) files.
      follow_links: follow symbolic links to subfolders.
      format: ``"tf"`` (``"grain"`` is not supported).
      verbose: print how many files and classes were found.

    Returns:
      A Dataset, or ``[train, validation]`` with ``subset="both"``.
    """
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same size as the number "
                             "of text files in the target directory. If you wish to infer the labels from the "
                             'subdirectory names in the target directory, pass `labels="inferred"`. If you wish to get '
                             "a dataset that only contains text samples (no labels), pass `labels=None`. "
                             f"Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, and '
                             f"class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. '
                         f"Received: label_mode={label_mode}")
    if format == "grain":
        raise NotImplementedError("text_dataset_from_directory: format='grain' is not supported (xlaflow builds "
                                  "tf.data datasets). Received: format='grain'")
    if format != "tf":
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 0):
        raise ValueError(f"text_dataset_from_directory: argument `max_length` must be a non-negative int or None. "
                         f"Received: max_length={max_length!r}")
    if labels is None or label_mode is None:
        labels = label_mode = None
    directory_index.check_validation_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, label_arr, class_names = directory_index.index_directory(
        directory, labels, formats=(".txt",), class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
                         f"Received: class_names={class_names}")
    buffer = batch_size * 8 if batch_size is not None else 1024
    num_classes = len(class_names) if class_names else 0
    if subset == "both":
        train = directory_index.split(paths, label_arr, validation_split, "training", verbose)
        val = directory_index.split(paths, label_arr, validation_split, "validation", verbose)
        for part, what in ((train, "training"), (val, "validation")):
            if not part[0]:
                raise ValueError(f"No {what} text files found in directory {directory}. Allowed format: .txt")
        return [_finish(_dataset(*train, label_mode, num_classes, max_length, shuffle, buffer, seed), batch_size, class_names),
                _finish(_dataset(*val, label_mode, num_classes, max_length, False, buffer, seed), batch_size, class_names)]
    paths, label_arr = directory_index.split(paths, label_arr, validation_split, subset, verbose)
    if not paths:
        raise ValueError(f"No text files found in directory {directory}. Allowed format: .txt")
    ds = _dataset(paths, label_arr, label_mode, num_classes, max_length, shuffle, buffer, seed)
    return _finish(ds, batch_size, class_names)
