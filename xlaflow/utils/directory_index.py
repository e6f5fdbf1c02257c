"""Indexing a directory of labelled files, with Keras' rules (``*_dataset_from_directory``).

``labels="inferred"``: each non-hidden subdirectory of ``directory`` is a class (sorted
by name, or the order of ``class_names``); its files (recursively, sorted) with an
allowed extension get that class's index. ``labels`` may also be a list of integer
labels, one per file of ``directory`` in sorted order, or None. With ``shuffle`` the
paths and labels are shuffled together with ``numpy.random.RandomState(seed)``, and
``validation_split`` takes the last ``int(split * n)`` files for validation, as Keras
does, so the same seed splits a folder exactly as Keras splits it.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np


def _valid_files(directory: str, follow_links: bool, formats: tuple) -> list[tuple[str, str]]:
    out = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda r: r[0]):
        out += [(root, f) for f in sorted(files) if f.lower().endswith(formats)]
    return out


def index_directory(directory: Any, labels: Any, formats: tuple, class_names: Sequence | None = None,
                    shuffle: bool = True, seed: int | None = None, follow_links: bool = False,
                    verbose: bool = True) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """(file paths, int32 labels or None, class names or None) of ``directory``."""
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise ValueError(f"Argument `directory` must be an existing directory. Received: directory={directory!r}")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory)) if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(f"The `class_names` passed did not match the names of the subdirectories of the target "
                                 f"directory. Expected: {subdirs} (or a subset of it), but received: class_names={list(class_names)}")
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError("Argument `class_names` can only be given with labels='inferred'. "
                             f"Received: labels={labels if labels is None else '[...]'}, class_names={list(class_names)}")
        subdirs = [""]
    paths: list[str] = []
    found: list[int] = []
    for index, sub in enumerate(subdirs):
        folder = os.path.join(directory, sub)
        for root, fname in _valid_files(folder, follow_links, formats):
            paths.append(os.path.join(directory, sub, os.path.relpath(os.path.join(root, fname), folder)))
            found.append(index)
    if labels == "inferred":
        label_arr = np.asarray(found, dtype=np.int32)
        names = subdirs
    elif labels is None:
        label_arr, names = None, None
    else:
        if len(labels) != len(paths):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files in the target directory. "
                             f"len(labels) is {len(labels)} while we found {len(paths)} files in directory {directory}.")
        label_arr = np.asarray(labels)
        names = [str(v) for v in sorted(set(labels))]
    if verbose:
        print(f"Found {len(paths)} files." if label_arr is None else f"Found {len(paths)} files belonging to {len(names)} classes.")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(paths)
        if label_arr is not None:
            np.random.RandomState(seed).shuffle(label_arr)
    return paths, label_arr, names


def check_validation_split(validation_split: Any, subset: Any, shuffle: bool, seed: Any) -> None:
    """Keras' rules for ``validation_split``/``subset``/``seed``."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"Argument `validation_split` must be between 0 and 1. Received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely. "
                         f"Received: validation_split={validation_split}, subset={subset!r}")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'Argument `subset` must be "training", "validation" or "both". Received: subset={subset!r}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make "
                         "sure that there is no overlap between the training and validation subset.")


def split(paths: list, labels: Any, validation_split: float | None, subset: str | None,
          verbose: bool = True) -> tuple[list, Any]:
    """The training or validation part (the last ``int(split * n)`` files are validation)."""
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    if subset == "training":
        if verbose:
            print(f"Using {len(paths) - n_val} files for training.")
        return paths[:len(paths) - n_val], None if labels is None else labels[:len(paths) - n_val]
    if verbose:
        print(f"Using {n_val} files for validation.")
    return paths[len(paths) - n_val:], None if labels is None else labels[len(labels) - n_val:]
