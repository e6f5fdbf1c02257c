"""``CSVLogger``: stream each epoch's logs to a CSV file."""

from __future__ import annotations

import collections.abc
import csv
import os
from typing import Any

import numpy as np

from xlaflow.callbacks.callback import Callback


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Writes one CSV row per epoch (``keras.callbacks.CSVLogger``).

    Columns: ``epoch`` (0-based), then the log names sorted, fixed by the first epoch;
    if that epoch has no ``val_*`` entries, ``val_<name>`` columns are added for each
    name (written ``NA`` when absent). Values are written as Python writes floats.

    Args:
      filename: the CSV file's path.
      separator: the column separator.
      append: append to an existing file (writing the header only if it is empty)
        instead of overwriting it.

    Example::

        model.fit(x, y, callbacks=[keras.callbacks.CSVLogger("training.log")])
    """

    def __init__(self, filename: Any, separator: str = ",", append: bool = False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: Any = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: Any = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys.extend([f"val_{k}" for k in self.keys])
        if not self.writer:
            sep = self.sep

            class _Dialect(csv.excel):
                delimiter = sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=_Dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None

    def get_config(self) -> dict:
        return {"filename": self.filename, "separator": self.sep, "append": self.append}
