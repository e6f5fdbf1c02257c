"""The ``.keras`` zip and the HDF5 weights are checked before anything is read:
unsafe member names, symlinks, declared zip bombs, oversized configs, HDF5 links and
external/virtual datasets are rejected with a ``LoadError``."""

import io
import json
import struct
import zipfile

import h5py
import numpy as np
import pytest

from xlaflow import keras
from xlaflow.saving import LoadError, UnsafeContentError, archive
from xlaflow.saving.h5_format import H5Reader


@pytest.fixture
def saved(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    model.save(tmp_path / "good.keras")
    model.save_weights(tmp_path / "good.weights.h5")
    with zipfile.ZipFile(tmp_path / "good.keras") as z:
        members = {n: z.read(n) for n in z.namelist()}
    return model, members


def _rezip(path, members, extra=()):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        for info, data in extra:
            z.writestr(info, data)
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "assets/../../evil", "/etc/evil", "C:/evil", "assets\\evil",
                                  "assets/./x", "a//b"])
def test_unsafe_member_names_rejected(tmp_path, saved, name):
    path = _rezip(tmp_path / "m.keras", saved[1], [(zipfile.ZipInfo(name), b"x")])
    with pytest.raises(UnsafeContentError, match="member name"):
        keras.models.load_model(path)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_symlink_member_rejected(tmp_path, saved):
    info = zipfile.ZipInfo("assets/link")
    info.create_system = 3
    info.external_attr = (0o120777 << 16)
    path = _rezip(tmp_path / "m.keras", saved[1], [(info, b"/etc/passwd")])
    with pytest.raises(UnsafeContentError, match="symbolic link"):
        keras.models.load_model(path)


def test_duplicate_member_rejected(tmp_path, saved):
    path = tmp_path / "m.keras"
    with pytest.warns(UserWarning, match="Duplicate name"):
        _rezip(path, saved[1], [(zipfile.ZipInfo("config.json"), b"{}")])
    with pytest.raises(UnsafeContentError, match="two members"):
        keras.models.load_model(path)


def _patch_declared_size(path, member, size):
    """Rewrites the central-directory uncompressed size of ``member`` (a forged zip bomb)."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    pos = 0
    while True:
        pos = raw.index(b"PK\x01\x02", pos)
        name_len = struct.unpack("<H", raw[pos + 28:pos + 30])[0]
        if raw[pos + 46:pos + 46 + name_len] == name:
            raw[pos + 24:pos + 28] = struct.pack("<I", size)
            break
        pos += 4
    path.write_bytes(bytes(raw))


def test_zip_bomb_declared_sizes_rejected_before_reading(tmp_path, saved):
    path = _rezip(tmp_path / "m.keras", saved[1])
    _patch_declared_size(path, "config.json", 0xFFFFFFF0)  # stored member claiming 4 GB
    with pytest.raises(UnsafeContentError, match="zip bomb"):
        keras.models.load_model(path)
    deflated = tmp_path / "d.keras"
    with zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in saved[1].items():
            z.writestr(name, data)
        z.writestr("assets/zeros", b"\0" * (8 << 20))  # 8 MB of zeros: ratio ~1000
    with pytest.raises(UnsafeContentError, match="ratio"):
        keras.models.load_model(deflated)


def test_config_read_is_size_bounded(tmp_path, saved, monkeypatch):
    monkeypatch.setattr(archive, "MAX_JSON_BYTES", 64)
    members = dict(saved[1])
    members["config.json"] = json.dumps({"pad": "x" * 100}).encode()
    path = _rezip(tmp_path / "m.keras", members)
    with pytest.raises(UnsafeContentError, match="limit"):
        keras.models.load_model(path)


def test_not_a_zip_and_truncated(tmp_path, saved):
    (tmp_path / "x.keras").write_bytes(b"not a zip at all")
    with pytest.raises(LoadError):
        keras.models.load_model(tmp_path / "x.keras")
    good = (tmp_path / "good.keras").read_bytes()
    (tmp_path / "t.keras").write_bytes(good[: len(good) // 2])
    with pytest.raises(LoadError):
        keras.models.load_model(tmp_path / "t.keras")


# -- HDF5 ---------------------------------------------------------------------------------
def _weights_file(path, build):
    with h5py.File(path, "w") as f:
        g = f.create_group("layers/dense/vars")
        g["0"] = np.zeros((3, 2), np.float32)
        build(f, g)
    return path


def _expect_unsafe(path, saved, match):
    model = saved[0]
    with pytest.raises(UnsafeContentError, match=match):
        model.load_weights(path)


def test_h5_soft_link_rejected(tmp_path, saved):
    path = _weights_file(tmp_path / "s.weights.h5", lambda f, g: g.__setitem__("1", h5py.SoftLink("/layers/dense/vars/0")))
    _expect_unsafe(path, saved, "soft link")


def test_h5_external_link_rejected(tmp_path, saved):
    target = tmp_path / "other.h5"
    with h5py.File(target, "w") as f:
        f["x"] = np.zeros(2, np.float32)
    path = _weights_file(tmp_path / "e.weights.h5", lambda f, g: g.__setitem__("1", h5py.ExternalLink(str(target), "/x")))
    _expect_unsafe(path, saved, "external link")


def test_h5_external_storage_dataset_rejected(tmp_path, saved):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.ones(2, np.float32).tobytes())
    path = _weights_file(tmp_path / "x.weights.h5",
                         lambda f, g: g.create_dataset("1", shape=(2,), dtype="f4", external=[(str(raw), 0, 8)]))
    _expect_unsafe(path, saved, "external files")


def test_h5_virtual_dataset_rejected(tmp_path, saved):
    def build(f, g):
        layout = h5py.VirtualLayout(shape=(3, 2), dtype="f4")
        layout[:] = h5py.VirtualSource(".", "/layers/dense/vars/0", shape=(3, 2))
        g.create_virtual_dataset("1", layout)
    path = _weights_file(tmp_path / "v.weights.h5", build)
    _expect_unsafe(path, saved, "virtual")


def test_h5_non_numeric_dataset_rejected(tmp_path, saved):
    path = _weights_file(tmp_path / "o.weights.h5",
                         lambda f, g: g.create_dataset("1", data=[b"a", b"bc"], dtype=h5py.string_dtype()))
    _expect_unsafe(path, saved, "dtype")


def test_h5_inside_keras_archive_is_checked(tmp_path, saved):
    buf = io.BytesIO()
    _weights_file(buf, lambda f, g: g.__setitem__("1", h5py.SoftLink("/layers/dense/vars/0")))
    members = dict(saved[1])
    members["model.weights.h5"] = buf.getvalue()
    with pytest.raises(UnsafeContentError, match="soft link"):
        keras.models.load_model(_rezip(tmp_path / "m.keras", members))


def test_h5_reader_accepts_clean_file(tmp_path, saved):
    with H5Reader(tmp_path / "good.weights.h5") as reader:
        assert reader.var_names("layers/dense") == ["0", "1"]
