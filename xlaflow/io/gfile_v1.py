"""``tf.compat.v1.gfile``: TensorFlow 1's CamelCase names for :mod:`xlaflow.io.gfile`."""

from xlaflow.io.gfile import GFile, copy, exists, glob, isdir, listdir, makedirs, mkdir, remove, rename, rmtree, stat, walk

Copy = copy
DeleteRecursively = rmtree
Exists = exists
FastGFile = GFile
Glob = glob
IsDirectory = isdir
ListDirectory = listdir
MakeDirs = makedirs
MkDir = mkdir
Open = GFile
Remove = remove
Rename = rename
Stat = stat
Walk = walk

__all__ = ["Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob", "IsDirectory", "ListDirectory", "MakeDirs",
           "MkDir", "Open", "Remove", "Rename", "Stat", "Walk"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.compat.v1.gfile")
