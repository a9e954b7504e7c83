"""model.files: the one temporary-file-and-rename writer (store, output, charts all go through it)."""

from __future__ import annotations

import os

import pytest

from model import files


def test_atomic_write_replaces_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "报告 2024.json"
    target.write_bytes(b"old")
    files.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["报告 2024.json"]


def test_a_failing_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), files.atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_a_failing_rename_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        files.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def _held(winerror: int | None) -> PermissionError:
    err = PermissionError(13, "The process cannot access the file")
    if winerror is not None:
        err.winerror = winerror  # what Windows sets; ignored by the constructor elsewhere
    return err


def test_rename_is_tried_again_while_the_target_is_held(tmp_path, monkeypatch):
    target = tmp_path / "a.bin"
    calls = []
    real = os.replace
    slept = []

    def held_twice(src, dst):
        calls.append(dst)
        if len(calls) <= 2:
            raise _held(32)
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", held_twice)
    monkeypatch.setattr(files.time, "sleep", slept.append)
    files.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and len(calls) == 3 and len(slept) == 2

    calls.clear()

    def denied(src, dst):  # a real permission problem (no program holding the file): said at once
        calls.append(dst)
        raise _held(None)

    monkeypatch.setattr(files.os, "replace", denied)
    with pytest.raises(PermissionError):
        files.atomic_write_bytes(target, b"newer")
    assert len(calls) == 1 and target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_a_long_name_still_gets_a_temporary_file(tmp_path):
    # 244 bytes in UTF-8: the name itself fits a Linux folder (255 at most); name + ".xxxxxxxx.tmp" would not
    target = tmp_path / ("年" * 80 + ".pdf")
    files.atomic_write_bytes(target, b"%PDF")
    assert target.read_bytes() == b"%PDF"


def test_the_database_and_the_trusted_certificates_share_one_user_data_folder(monkeypatch, tmp_path):
    from model.output.sign import trust_store_dir
    from model.store import default_db_url, sqlite_url

    monkeypatch.delenv("NIANBAO_DATA_DIR", raising=False)
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    for platform, env in (("linux", "XDG_DATA_HOME"), ("win32", "LOCALAPPDATA")):
        monkeypatch.setattr("sys.platform", platform)
        monkeypatch.setenv(env, str(tmp_path / platform))
        folder = tmp_path / platform / "Nianbao"
        assert files.app_data_dir() == folder
        assert default_db_url() == sqlite_url(folder / "nianbao.sqlite")
        assert trust_store_dir() == folder / "trusted-certificates"
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "数据"))
    assert trust_store_dir() == tmp_path / "数据" / "trusted-certificates"
