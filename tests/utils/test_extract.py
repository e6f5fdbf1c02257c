"""Safe archive extraction: path traversal, links, special files and bombs are refused."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile

import pytest

from xlaflow.saving.errors import LoadError, UnsafeContentError
from xlaflow.utils import extract


def _tar(path, members, mode="w"):
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def test_tar_and_zip_extract(tmp_path):
    _tar(tmp_path / "a.tar", [_file("d/x.txt", b"hi"), _file("y.txt", b"yo")])
    assert extract.extract_archive(str(tmp_path / "a.tar"), str(tmp_path / "out"))
    assert (tmp_path / "out" / "d" / "x.txt").read_bytes() == b"hi"
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as z:
        z.writestr("k/v.txt", b"zz")
    assert extract.extract_archive(str(tmp_path / "b.zip"), str(tmp_path / "outz"))
    assert (tmp_path / "outz" / "k" / "v.txt").read_bytes() == b"zz"
    (tmp_path / "plain").write_bytes(b"not an archive")
    assert not extract.extract_archive(str(tmp_path / "plain"), str(tmp_path / "o3"))


@pytest.mark.parametrize("member", [
    _file("../evil.txt"), _file("/abs.txt"), _file("a/../../evil.txt"), _file("a\\b.txt"),
    _link("ln", "/etc/passwd"), _link("ln", "inside.txt"), _link("hard", "x.txt", tarfile.LNKTYPE),
])
def test_tar_unsafe_members_refused(tmp_path, member):
    _tar(tmp_path / "bad.tar", [_file("x.txt"), member])
    with pytest.raises(UnsafeContentError):
        extract.extract_archive(str(tmp_path / "bad.tar"), str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()  # nothing half-extracted
    assert not (tmp_path / "evil.txt").exists()
    assert [p for p in os.listdir(tmp_path) if p.endswith(".extracting")] == []


def test_tar_device_and_duplicate_refused(tmp_path):
    dev = tarfile.TarInfo("dev")
    dev.type = tarfile.CHRTYPE
    _tar(tmp_path / "dev.tar", [(dev, None)])
    with pytest.raises(UnsafeContentError, match="device"):
        extract.extract_archive(str(tmp_path / "dev.tar"), str(tmp_path / "o"))
    _tar(tmp_path / "dup.tar", [_file("a.txt"), _file("a.txt")])
    with pytest.raises(UnsafeContentError, match="two members"):
        extract.extract_archive(str(tmp_path / "dup.tar"), str(tmp_path / "o"))


def test_tar_bomb_refused_before_writing(tmp_path):
    data = b"\0" * (4 << 20)
    _tar(tmp_path / "bomb.tar.gz", [_file(f"f{i}", data) for i in range(60)], mode="w:gz")
    assert os.path.getsize(tmp_path / "bomb.tar.gz") * extract.MAX_RATIO < 60 * len(data)
    with pytest.raises(UnsafeContentError, match="bomb"):
        extract.extract_archive(str(tmp_path / "bomb.tar.gz"), str(tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_zip_unsafe_members_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as z:
        z.writestr("ok.txt", b"1")
        z.writestr("../evil.txt", b"2")
    with pytest.raises(UnsafeContentError):
        extract.extract_archive(str(tmp_path / "bad.zip"), str(tmp_path / "o"))
    link = zipfile.ZipInfo("ln")
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(tmp_path / "ln.zip", "w") as z:
        z.writestr(link, "/etc/passwd")
    with pytest.raises(UnsafeContentError, match="symbolic link"):
        extract.extract_archive(str(tmp_path / "ln.zip"), str(tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_corrupted_archive_is_a_load_error(tmp_path):
    _tar(tmp_path / "c.tar.gz", [_file("a.txt", os.urandom(50000))], mode="w:gz")
    data = (tmp_path / "c.tar.gz").read_bytes()
    (tmp_path / "c.tar.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError):
        extract.extract_archive(str(tmp_path / "c.tar.gz"), str(tmp_path / "o"), "tar")
    with pytest.raises(ValueError, match="archive_format"):
        extract.extract_archive(str(tmp_path / "c.tar.gz"), str(tmp_path / "o"), "rar")
