"""``keras.utils.get_file``: Keras' cache layout, hashes, atomic downloads, offline errors.

Downloads use ``file://`` URLs to files in a temporary directory: no network.
"""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import tarfile

import pytest

from xlaflow import keras
from xlaflow.utils import get_file as gf


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    return tmp_path / "kh"


def _source(tmp_path: pathlib.Path, name: str, data: bytes) -> str:
    src = tmp_path / "remote"
    src.mkdir(exist_ok=True)
    (src / name).write_bytes(data)
    return (src / name).as_uri()


def test_cached_file_is_used_without_download(home):
    cached = home / "datasets" / "data.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"abc")
    digest = hashlib.sha256(b"abc").hexdigest()
    path = keras.utils.get_file("data.bin", origin="http://example.invalid/data.bin", file_hash=digest)
    assert path == str(cached)


def test_download_via_file_url_and_progress(home, tmp_path, capsys):
    url = _source(tmp_path, "f.txt", b"hello" * 1000)
    path = keras.utils.get_file(origin=url)
    assert path == str(home / "datasets" / "f.txt")
    assert pathlib.Path(path).read_bytes() == b"hello" * 1000
    out = capsys.readouterr().out
    assert f"Downloading data from {url}" in out
    assert "5000/5000" in out  # the Progbar's final line (bytes)


def test_md5_and_sha256_hashes_are_checked(home, tmp_path):
    data = b"payload"
    url = _source(tmp_path, "p.bin", data)
    md5 = hashlib.md5(data).hexdigest()
    assert keras.utils.get_file("p.bin", url, file_hash=md5).endswith("p.bin")
    assert keras.utils.get_file("q.bin", url, md5_hash=md5).endswith("q.bin")
    with pytest.raises(ValueError, match="incomplete or corrupted.*expected 0{64}"):
        keras.utils.get_file("r.bin", url, file_hash="0" * 64)
    assert not (home / "datasets" / "r.bin").exists()  # a bad download never becomes the cached file
    assert [p for p in os.listdir(home / "datasets") if p.endswith(".tmp")] == []


def test_stale_cached_file_is_downloaded_again(home, tmp_path, capsys):
    data = b"new contents"
    url = _source(tmp_path, "s.bin", data)
    cached = home / "datasets" / "s.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"old")
    keras.utils.get_file("s.bin", url, file_hash=hashlib.sha256(data).hexdigest())
    assert cached.read_bytes() == data
    assert "does not match" in capsys.readouterr().out


def test_offline_error_names_url_and_path(home, tmp_path):
    url = (tmp_path / "missing" / "mnist.npz").as_uri()
    with pytest.raises(gf.DownloadError) as info:
        keras.utils.get_file("mnist.npz", url, file_hash="a" * 64)
    msg = str(info.value)
    assert url in msg and str(home / "datasets" / "mnist.npz") in msg and "a" * 64 in msg
    assert not (home / "datasets" / "mnist.npz").exists()


def test_cache_dir_and_subdir(tmp_path):
    url = _source(tmp_path, "x.bin", b"x")
    path = keras.utils.get_file("x.bin", url, cache_dir=str(tmp_path / "c"), cache_subdir="sub")
    assert path == str(tmp_path / "c" / "sub" / "x.bin")


def test_bad_arguments(home):
    with pytest.raises(ValueError, match="origin"):
        keras.utils.get_file("a")
    with pytest.raises(ValueError, match="not a path"):
        keras.utils.get_file("a/b.npz", "http://example.invalid/b.npz")
    with pytest.raises(ValueError, match="hash_algorithm"):
        gf.validate_file(__file__, "x", algorithm="sha1")


def _tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_extract_names_follow_keras(home, tmp_path):
    data = _tgz({"top/a.txt": b"A", "top/sub/b.txt": b"B"})
    url = _source(tmp_path, "arch.tar.gz", data)
    out = keras.utils.get_file("arch-target", url, extract=True)
    assert out == str(home / "datasets" / "arch-target")
    assert (home / "datasets" / "arch-target_archive").read_bytes() == data
    assert (pathlib.Path(out) / "top" / "sub" / "b.txt").read_bytes() == b"B"
    out2 = keras.utils.get_file("flowers.tgz", url, extract=True)
    assert out2 == str(home / "datasets" / "flowers_extracted")
    assert (pathlib.Path(out2) / "top" / "a.txt").read_bytes() == b"A"
    out3 = keras.utils.get_file(origin=url, untar=True)
    assert out3 == str(home / "datasets" / "arch.tar.gz")
    assert (home / "datasets" / "arch.tar.gz_archive").exists()


def test_extracted_folder_placed_by_hand_is_used(home):
    folder = home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    out = keras.utils.get_file("cifar-10-batches-py-target", "http://example.invalid/c.tar.gz", extract=True)
    assert out == str(folder.parent)


def test_offline_mode_never_downloads(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XLAFLOW_OFFLINE", "1")
    url = _source(tmp_path, "o.bin", b"remote")
    with pytest.raises(gf.DownloadError, match="XLAFLOW_OFFLINE=1 forbids downloading") as info:
        keras.utils.get_file("o.bin", url)
    assert str(home / "datasets" / "o.bin") in str(info.value)
    cached = home / "datasets" / "o.bin"
    cached.write_bytes(b"synthetic")
    with pytest.warns(UserWarning, match="does not match the expected sha256"):
        path = keras.utils.get_file("o.bin", url, file_hash="1" * 64)
    assert pathlib.Path(path).read_bytes() == b"synthetic"


def test_stale_file_and_failed_download_suggests_offline_mode(home, tmp_path):
    cached = home / "datasets" / "z.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"old")
    with pytest.raises(gf.DownloadError, match="set XLAFLOW_OFFLINE=1"):
        keras.utils.get_file("z.bin", (tmp_path / "nope.bin").as_uri(), file_hash="2" * 64)
    assert cached.read_bytes() == b"old"  # the failed download left the cached file alone
