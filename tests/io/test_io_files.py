"""``tf.io.read_file``/``write_file`` and ``tf.io.gfile`` on local paths."""

from __future__ import annotations

import os

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.compat import v1


def test_read_write_file(tmp_path):
    p = tmp_path / "a.bin"
    tf.io.write_file(str(p), b"\x00\x01abc")
    assert tf.io.read_file(str(p)) == b"\x00\x01abc"
    tf.io.write_file(p, "text")
    assert tf.io.read_file(np.array(str(p).encode(), dtype=object)) == b"text"
    with pytest.raises(tf.errors.NotFoundError, match="missing.bin"):
        tf.io.read_file(str(tmp_path / "missing.bin"))
    with pytest.raises(TypeError, match="`filename` must be a path"):
        tf.io.read_file(3)


def test_gfile_operations(tmp_path):
    gfile = tf.io.gfile
    d = str(tmp_path / "x" / "y")
    gfile.makedirs(d)
    assert gfile.isdir(d) and gfile.exists(d)
    with gfile.GFile(os.path.join(d, "f.txt"), "w") as f:
        f.write("line1\nline2\n")
    with gfile.GFile(os.path.join(d, "f.txt")) as f:
        assert f.readlines() == ["line1\n", "line2\n"]
        assert f.size() == 12
    with gfile.GFile(os.path.join(d, "f.txt"), "rb") as f:
        f.seek(6)
        assert f.read() == b"line2\n" and f.tell() == 12
    gfile.copy(os.path.join(d, "f.txt"), os.path.join(d, "g.txt"))
    with pytest.raises(tf.errors.AlreadyExistsError, match="overwrite=True"):
        gfile.copy(os.path.join(d, "f.txt"), os.path.join(d, "g.txt"))
    gfile.rename(os.path.join(d, "g.txt"), os.path.join(d, "h.txt"))
    assert sorted(gfile.listdir(d)) == ["f.txt", "h.txt"]
    assert gfile.glob(os.path.join(d, "*.txt")) == [os.path.join(d, "f.txt"), os.path.join(d, "h.txt")]
    st = gfile.stat(os.path.join(d, "h.txt"))
    assert st.length == 12 and not st.is_directory and st.mtime_nsecs > 0
    assert [(os.path.relpath(r, tmp_path), sorted(fs)) for r, _, fs in gfile.walk(str(tmp_path))] == \
        [(".", []), ("x", []), (os.path.join("x", "y"), ["f.txt", "h.txt"])]
    gfile.remove(os.path.join(d, "h.txt"))
    with pytest.raises(tf.errors.NotFoundError):
        gfile.remove(os.path.join(d, "h.txt"))
    with pytest.raises(tf.errors.NotFoundError):
        gfile.listdir(os.path.join(d, "nope"))
    gfile.mkdir(os.path.join(d, "z"))
    gfile.rmtree(str(tmp_path / "x"))
    assert not gfile.exists(str(tmp_path / "x"))
    with pytest.raises(tf.errors.UnimplementedError, match="local paths only"):
        gfile.exists("gs://bucket/file")
    assert v1.gfile.Exists is not None and v1.gfile.GFile is gfile.GFile
