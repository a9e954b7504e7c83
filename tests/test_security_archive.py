"""The archive is anchored in the database (issue 10, hole 4): at finalising (and when a file joins the folder)
the SHA-256 of every archived file and of the manifest is recorded; ``archive verify`` compares the files with
the database, so a file changed together with its hash in ``manifest.json`` is caught. A copied archive without
its database is checked against its own manifest and said to be unanchored."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from test_store import sample

from cli.main import main
from model.store import Store, sqlite_url
from model.store.archive import MANIFEST, REPORT_JSON


@pytest.fixture
def finalised(tmp_path, monkeypatch):
    root = tmp_path / "归档"
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(root))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    (tmp_path / "库").mkdir()
    db = sqlite_url(tmp_path / "库" / "nianbao.sqlite")
    with Store.open(db) as s:
        info = s.save_report(sample())
        folder = s.finalize(info.id)
        pdf = tmp_path / "a.pdf"
        pdf.write_bytes(b"%PDF-1.7 test")
        s.archive_files(s.info(info.id).id, {"年度报告.pdf": pdf})
    return db, folder


def _rehash(folder, name: str) -> None:
    """What a careful forger does: change the file, then its hash in the manifest."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    data = (folder / name).read_bytes()
    manifest["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
    manifest["files"][name]["size"] = len(data)
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def verify(capsys, db: str) -> tuple[int, str]:
    code = main(["--db", db, "archive", "verify"])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_changed_number_with_a_rehashed_manifest_is_caught(finalised, capsys):
    db, folder = finalised
    assert verify(capsys, db)[0] == 0
    path = folder / REPORT_JSON
    data = json.loads(path.read_text(encoding="utf-8"))
    key = next(k for k, v in data["cells"].items() if isinstance(v, int) and v > 0)
    data["cells"][key] += 1
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    _rehash(folder, REPORT_JSON)
    code, text = verify(capsys, db)
    assert code == 1 and "归档完好" not in text, text
    assert "与数据库中的记录不符" in text and REPORT_JSON in text and MANIFEST in text


def test_a_file_added_later_is_anchored_too(finalised, capsys):
    db, folder = finalised
    (folder / "年度报告.pdf").write_bytes(b"%PDF-1.7 forged")
    _rehash(folder, "年度报告.pdf")
    code, text = verify(capsys, db)
    assert code == 1 and "年度报告.pdf" in text and "与数据库中的记录不符" in text


def test_a_copied_archive_without_its_database_is_said_to_be_unanchored(
    finalised, tmp_path, capsys, monkeypatch
):
    db, folder = finalised
    copy = tmp_path / "拷贝的归档"
    shutil.copytree(tmp_path / "归档", copy)
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(copy))
    other = sqlite_url(tmp_path / "另一个库.sqlite")
    code, text = verify(capsys, other)
    assert code == 0 and "未锚定" in text and "清单" in text, text
    # checked against its manifest all the same
    (copy / folder.relative_to(tmp_path / "归档") / "年度报告.pdf").write_bytes(b"changed")
    code, text = verify(capsys, other)
    assert code == 1 and "已被改动" in text


def test_archives_of_a_database_from_before_the_anchors_are_anchored_at_the_upgrade(tmp_path):
    import sqlalchemy as sa
    from alembic import command

    from model.store.db import alembic_config

    root = tmp_path / "归档"
    db = sqlite_url(tmp_path / "old.sqlite")
    with Store.open(db, archive_root=root) as s:
        folder = s.finalize(s.save_report(sample()).id)
    engine = sa.create_engine(db)
    with engine.begin() as conn:  # back to revision 0003: no anchors, as an older program left it
        command.downgrade(alembic_config(conn), "0003")
    engine.dispose()
    with Store.open(db, archive_root=root) as s:  # the upgrade anchors the folder found intact
        assert s.upgrade_backup is not None
        problems, notes = s.archive_check()
        assert problems == [] and not [n for n in notes if "未锚定" in n]
        path = folder / REPORT_JSON
        path.write_text(path.read_text(encoding="utf-8").replace("2024", "2025"), encoding="utf-8")
        _rehash(folder, REPORT_JSON)
        assert any("与数据库中的记录不符" in p for p in s.archive_verify())
