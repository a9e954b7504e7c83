"""Windows, simulated (issue 11 items 2–5 and 7): a windowed build without stdout/stderr, a file given on the
command line, the log and the last-resort hooks, where the data lives, a SQLite file on a network share,
files held open by another program, a password file from cmd's ``echo``, paths under 240 characters."""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from model import files, logs
from tests.conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "000_e8e20449add4641b.txt"  # a published report with errors: ``check`` exits 1


def held(winerror: int | None = 32) -> PermissionError:
    err = PermissionError(13, "另一个程序正在使用此文件，进程无法访问。")
    if winerror is not None:
        err.winerror = winerror  # what Windows sets (the constructor ignores it elsewhere)
    return err


# -------------------------------------------------------------------------------------------------
# 2. the command line in a windowed build: sys.stdout and sys.stderr are None

_WINDOWED = r"""
import sys
sys.stdout = None
sys.stderr = None
from cli.main import main
code = main(sys.argv[1:])
open(sys.argv[0] + ".code", "w").write(str(code))
sys.exit(code)
"""


def run_windowed(tmp_path: Path, *args: str) -> tuple[int, str]:
    script = tmp_path / "windowed.py"
    script.write_text(_WINDOWED, encoding="utf-8")
    env = dict(os.environ, NIANBAO_DATA_DIR=str(tmp_path / "数据"), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    p = subprocess.run(
        [sys.executable, str(script), *args], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert p.stdout == b"" and b"Traceback" not in p.stderr, p.stderr[-2000:]
    log = tmp_path / "数据" / "logs" / "nianbao.log"
    return p.returncode, log.read_text(encoding="utf-8") if log.exists() else ""


def test_check_without_streams_exits_1_and_logs_the_findings(tmp_path):
    code, log = run_windowed(tmp_path, "check", str(FIXTURE))
    assert code == 1
    assert "nianbao.stdout" in log and '"findings"' in log and "t3.outcome_sum" in log


@pytest.mark.slow
def test_backup_without_streams_writes_its_file(tmp_path):
    from model.sample import sample_report
    from model.store import Store, sqlite_url

    url = sqlite_url(tmp_path / "年报.sqlite")
    with Store.open(url, archive_root=tmp_path / "归档") as s:
        s.save_report(sample_report())
    out = tmp_path / "备份.zip"
    code, log = run_windowed(tmp_path, "--db", url, "backup", str(out))
    assert code == 0 and out.is_file()
    assert "已备份到" in log
    code, log = run_windowed(tmp_path, "--db", url, "restore", str(tmp_path / "没有这个.zip"))
    assert code == 2 and "找不到备份文件" in log  # the error, said in the log


def test_log_stream_never_raises_and_keeps_lines():
    stream = logs.LogStream("stdout", logging.INFO)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("nianbao.stdout")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        print("第一行\n第二", file=stream, end="")
        print("行", file=stream)
        stream.write("半行")
        stream.flush()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert [r.getMessage() for r in records] == ["第一行", "第二行", "半行"]
    with pytest.raises(OSError):
        stream.fileno()


def test_a_file_on_the_command_line_opens_in_the_window(monkeypatch, tmp_path):
    import cli.main as cli

    report = tmp_path / "报告.nianbao.json"
    report.write_text(
        (FIXTURES / "store_sample_2024.nianbao.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    opened = []
    monkeypatch.setattr(cli, "_window", lambda argv: opened.append(argv) or 0)
    assert cli.main([str(report)]) == 0 and opened == [[str(report)]]
    assert cli.main(["--db", "sqlite:///x.sqlite", str(FIXTURE)]) == 0 and opened[-1][-1] == str(FIXTURE)
    assert cli.file_to_open(["check", str(FIXTURE)]) is None  # a sub-command stays a sub-command
    assert cli.file_to_open(["没有这个文件.json"]) is None


def test_the_window_imports_the_file_given(qtbot, tmp_path, sqlite_store):
    from PySide6.QtCore import QSettings

    from gui.app import after_open, parse_args
    from gui.main_window import MainWindow
    from gui.settings import Settings

    report = tmp_path / "报告.nianbao.json"
    report.write_text(
        (FIXTURES / "store_sample_2024.nianbao.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    w = MainWindow(sqlite_store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    args = parse_args(["--db", sqlite_store.url, str(report)])
    assert args.files == [str(report)]
    after_open(w, sqlite_store, args.files)
    assert (
        w.doc is not None and w.doc.report.agency == json.loads(report.read_text(encoding="utf-8"))["agency"]
    )


# -------------------------------------------------------------------------------------------------
# 3. nothing lost silently: the log, the hooks, Qt's messages, the message box


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "数据"))
    saved = (sys.excepthook, threading.excepthook)
    yield tmp_path / "数据" / "logs"
    sys.excepthook, threading.excepthook = saved
    handler = logs._STATE.pop("handler", None)
    logs._STATE.pop("path", None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_uncaught_errors_of_any_thread_reach_the_log_and_the_clerk(log_folder):
    shown = []
    logs.install_hooks(shown.append)
    try:
        raise ValueError("坏了")
    except ValueError:
        sys.excepthook(*sys.exc_info())

    def worker():
        raise RuntimeError("线程里坏了")

    t = threading.Thread(target=worker, name="nianbao-测试")
    t.start()
    t.join()
    for h in logging.getLogger().handlers:
        h.flush()
    text = (log_folder / "nianbao.log").read_text(encoding="utf-8")
    assert "ValueError: 坏了" in text and "Traceback" in text
    assert "RuntimeError: 线程里坏了" in text and "nianbao-测试" in text
    assert len(shown) == 2 and "ValueError" in shown[0]
    import faulthandler

    assert faulthandler.is_enabled() and (log_folder / logs.FAULT_FILE).exists()


def test_the_log_rotates(log_folder):
    logs.setup_logging()
    handler = logs._STATE["handler"]
    assert handler.maxBytes == logs.LOG_BYTES and handler.backupCount == logs.LOG_COUNT
    assert Path(handler.baseFilename) == log_folder / "nianbao.log"


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_qt_messages_go_to_the_log_and_the_box_offers_copy_and_folder(qtbot, log_folder, monkeypatch):
    from PySide6.QtCore import QtMsgType
    from PySide6.QtGui import QGuiApplication

    from gui import crash

    logs.setup_logging()
    crash.qt_message_handler(QtMsgType.QtWarningMsg, None, "QFont::setPointSize: 试验")
    for h in logging.getLogger().handlers:
        h.flush()
    assert "QFont::setPointSize: 试验" in (log_folder / "nianbao.log").read_text(encoding="utf-8")

    reporter = crash.CrashReporter()
    reporter.report("Traceback …\nValueError: 坏了")
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible())
    box = reporter.box
    qtbot.addWidget(box)
    assert "已做的修改都已保存" in box.text()
    texts = {b.text() for b in box.buttons()}
    assert {"复制错误信息", "打开日志文件夹"} <= texts
    opened = []
    monkeypatch.setattr(
        crash.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    box.findChild(type(box.buttons()[0]), "copy_error").click()
    assert "ValueError: 坏了" in QGuiApplication.clipboard().text()
    assert box.isVisible()  # copying does not close the box
    box.findChild(type(box.buttons()[0]), "open_log_folder").click()
    assert opened == [str(log_folder)] and box.isVisible()
    box.close()


# -------------------------------------------------------------------------------------------------
# 4. where data lives


def test_windows_data_folders(monkeypatch, tmp_path):
    monkeypatch.delenv("NIANBAO_DATA_DIR", raising=False)
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "张三"))
    monkeypatch.setattr(files, "_windows_known_folder", lambda guid: None)
    assert files.app_data_dir() == tmp_path / "Local" / "Nianbao"  # local, one name
    assert files.legacy_data_dirs() == [tmp_path / "Roaming" / "Nianbao" / "Nianbao"]
    assert files.documents_dir() == tmp_path / "张三" / "Documents"
    monkeypatch.setattr(files, "_windows_known_folder", lambda guid: r"\\server\redirected\张三\Documents")
    assert str(files.documents_dir()).endswith("Documents")
    from model.store import paths

    monkeypatch.setattr(files, "_windows_known_folder", lambda guid: str(tmp_path / "文档"))
    assert paths.default_archive_dir() == tmp_path / "文档" / "年报归档"
    from model.store.core import default_archive_root

    monkeypatch.delenv("NIANBAO_ARCHIVE", raising=False)
    default_db = paths.sqlite_url(tmp_path / "Local" / "Nianbao" / "nianbao.sqlite")
    assert default_archive_root(default_db) == tmp_path / "文档" / "年报归档"
    other = paths.sqlite_url(tmp_path / "U盘" / "科室.sqlite")
    assert (
        default_archive_root(other) == tmp_path / "U盘" / "归档"
    )  # a chosen file keeps its archive beside it
    paths.remember_archive_root(tmp_path / "别处")
    assert default_archive_root(default_db) == tmp_path / "别处"  # changed in the settings
    paths.remember_archive_root(None)
    assert default_archive_root(default_db) == tmp_path / "文档" / "年报归档"


def test_one_name_everywhere():
    from gui.app import make_app
    from gui.settings import default_qsettings

    app = make_app([])
    assert app.organizationName() == "" and app.applicationName() == files.APP_DIR_NAME
    from PySide6.QtCore import QStandardPaths

    qt_dir = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    assert Path(qt_dir).name == "Nianbao" and Path(qt_dir).parent.name != "Nianbao"
    assert Path(default_qsettings().fileName()) == files.app_data_dir() / "settings.ini"


def test_moved_once_on_first_start(monkeypatch, tmp_path):
    from model.sample import sample_report
    from model.store import Store, paths, sqlite_url

    old = tmp_path / "Roaming" / "Nianbao" / "Nianbao"
    with Store.open(sqlite_url(old / "nianbao.sqlite"), archive_root=old / "归档") as s:
        s.save_report(sample_report())
    (old / "归档" / "某机关").mkdir(parents=True)
    (old / "归档" / "某机关" / "manifest.json").write_text("{}", encoding="utf-8")
    (old / "database.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.delenv("NIANBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setattr(files, "_windows_known_folder", lambda guid: str(tmp_path / "Documents"))
    new = tmp_path / "Local" / "Nianbao"

    held_open = sqlite3.connect(str(old / "nianbao.sqlite"))  # another program has the old database open
    held_open.execute("select count(*) from reports").fetchall()
    assert paths.migrate_legacy_data() == [] and not new.exists()  # tried again at the next start
    held_open.close()

    moved = paths.migrate_legacy_data()
    assert len(moved) == 3 and (new / "nianbao.sqlite").is_file() and (new / "database.json").is_file()
    assert (tmp_path / "Documents" / "年报归档" / "某机关" / "manifest.json").is_file()
    assert (old / paths.MOVED_NOTE).is_file() and not (old / "nianbao.sqlite").exists()
    with Store.open(sqlite_url(new / "nianbao.sqlite")) as s:
        assert len(s.reports()) == 1
    assert paths.migrate_legacy_data() == []  # once


def test_a_new_database_already_there_keeps_the_old_one_whole(monkeypatch, tmp_path):
    from model.store import paths

    old = tmp_path / "Roaming" / "Nianbao" / "Nianbao"
    old.mkdir(parents=True)
    writer = sqlite3.connect(str(old / "nianbao.sqlite"))
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("create table t(x)")
    writer.execute("insert into t values (1)")
    writer.commit()  # in the -wal file, not yet in the database file
    (old / "trusted-certificates").mkdir()
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.delenv("NIANBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    new = tmp_path / "Local" / "Nianbao"
    new.mkdir(parents=True)
    (new / "nianbao.sqlite").write_bytes(b"")  # the new version made its own already
    moved = paths.migrate_legacy_data()
    assert len(moved) == 1 and (new / "trusted-certificates").is_dir()
    assert (old / "nianbao.sqlite-wal").exists()  # the old database is left whole, journal and all
    assert writer.execute("select x from t").fetchall() == [(1,)]
    writer.close()
    with sqlite3.connect(str(old / "nianbao.sqlite")) as con:
        assert con.execute("select x from t").fetchall() == [(1,)]


def test_the_choice_saved_by_an_earlier_version_counts_at_the_first_start(monkeypatch, tmp_path):
    from model.store import paths

    old = tmp_path / "Roaming" / "Nianbao" / "Nianbao"
    old.mkdir(parents=True)
    server = "postgresql+psycopg://nianbao@192.168.1.10/nianbao"
    (old / "database.json").write_text(json.dumps({"url": server}), encoding="utf-8")
    monkeypatch.setattr("sys.platform", "win32")
    for name in ("NIANBAO_DATA_DIR", "NIANBAO_NO_MIGRATION", "NIANBAO_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setattr(paths, "_MIGRATED", [])
    assert paths.default_db_url() == server
    assert (tmp_path / "Local" / "Nianbao" / "database.json").is_file()
    (moved,) = paths._MIGRATED[0]
    assert moved.endswith(r"Local\Nianbao\database.json")  # said with Windows' separators


def test_a_database_on_a_network_share_uses_the_rollback_journal(monkeypatch, tmp_path):
    from model.store import Store, sqlite_url

    assert files.is_network_path(r"\\server\share\年报\nianbao.sqlite")
    assert files.is_network_path("//server/share/nianbao.sqlite")
    assert not files.is_network_path(r"\\?\C:\年报\nianbao.sqlite")
    assert files.is_network_path(r"\\?\UNC\server\share\nianbao.sqlite")
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setattr(files, "_drive_type", lambda root: 4 if root.upper() == "Z:\\" else 3)
    assert files.is_network_path(r"Z:\年报\nianbao.sqlite")  # a mapped network drive
    assert not files.is_network_path(r"C:\年报\nianbao.sqlite")
    monkeypatch.undo()

    path = tmp_path / "共享" / "nianbao.sqlite"
    monkeypatch.setattr(files, "is_network_path", lambda p: str(p).startswith(str(tmp_path / "共享")))
    with Store.open(sqlite_url(path)) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert "PostgreSQL" in s.network_note and "网络共享" in s.network_note
    with Store.open(sqlite_url(tmp_path / "本机.sqlite")) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal" and s.network_note is None


def test_linux_network_mounts(monkeypatch, tmp_path):
    mounts = (
        "server:/export /mnt/nfs nfs4 rw 0 0\n//srv/share /mnt/smb cifs rw 0 0\n/dev/sda1 / ext4 rw 0 0\n"
    )
    monkeypatch.setattr(files, "_mount_type", lambda p: _match(mounts, str(p)))
    monkeypatch.setattr("sys.platform", "linux")
    assert files.is_network_path("/mnt/nfs/年报/a.sqlite") and files.is_network_path("/mnt/smb/a.sqlite")
    assert not files.is_network_path("/home/clerk/a.sqlite")


def _match(mounts: str, path: str) -> str | None:
    best, kind = "", None
    for line in mounts.splitlines():
        _dev, mount, fs = line.split()[:3]
        if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
            best, kind = mount, fs
    return kind


# -------------------------------------------------------------------------------------------------
# 5. files held open by another program


def test_replace_is_retried_for_about_three_seconds_then_names_the_file(monkeypatch, tmp_path):
    slept = []
    monkeypatch.setattr(files.time, "sleep", slept.append)
    calls = []

    def always_held(src, dst):
        calls.append(dst)
        raise held(32)

    monkeypatch.setattr(files.os, "replace", always_held)
    target = tmp_path / "年度报告.pdf"
    with pytest.raises(files.FileBusyError) as caught:
        files.atomic_write_bytes(target, b"%PDF")
    assert 2.5 <= sum(slept) <= 4 and len(calls) == len(files.RETRY_DELAYS) + 1
    assert "年度报告.pdf" in str(caught.value) and "关闭" in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone

    from model.store.errors import StoreError
    from model.store.paths import write_bytes_atomic

    with pytest.raises(StoreError, match=r"年度报告\.pdf.*正被其他程序占用"):
        write_bytes_atomic(target, b"%PDF", "写入归档")


def test_a_pdf_held_open_in_wps_is_named_in_the_export_message(monkeypatch, tmp_path):
    from model.output.pdf import ExportError, write_atomic

    monkeypatch.setattr(files.time, "sleep", lambda s: None)

    def always_held(src, dst):
        raise held(32)

    monkeypatch.setattr(files.os, "replace", always_held)
    with pytest.raises(ExportError, match=r"年度报告\.pdf.*正被其他程序占用.*请关闭该文件后重试"):
        write_atomic(tmp_path / "年度报告.pdf", b"%PDF-1.7")


def test_access_denied_by_a_scanner_is_retried_too(monkeypatch, tmp_path):
    monkeypatch.setattr(files.time, "sleep", lambda s: None)
    real = os.remove
    calls = []

    def scanned_once(path):
        calls.append(path)
        if len(calls) == 1:
            raise held(5)
        real(path)

    (tmp_path / "a").write_text("x")
    monkeypatch.setattr(files.os, "remove", scanned_once)
    files.remove(tmp_path / "a")
    assert len(calls) == 2 and not (tmp_path / "a").exists()


def test_temporary_folders_are_cleaned_without_raising(monkeypatch, tmp_path):
    monkeypatch.setattr(files.time, "sleep", lambda s: None)
    import shutil

    def stuck(path, *a, **k):
        raise held(32)

    with files.temp_dir(dir=tmp_path) as folder:
        (folder / "x.pdf").write_bytes(b"1")
        monkeypatch.setattr(shutil, "rmtree", stuck)
    assert folder.exists()  # left behind for the system's clean-up: no error raised
    monkeypatch.undo()
    with files.temp_dir(dir=tmp_path) as folder2:
        (folder2 / "sub").mkdir()
        (folder2 / "sub" / "ro.txt").write_text("x")
        os.chmod(folder2 / "sub" / "ro.txt", 0o444)
    assert not folder2.exists()


def test_a_restore_with_the_archive_held_says_which_file(monkeypatch, tmp_path):
    from model.sample import sample_report
    from model.store import Store, sqlite_url
    from model.store import maintenance as mm

    url = sqlite_url(tmp_path / "年报.sqlite")
    with Store.open(url, archive_root=tmp_path / "归档") as s:
        s.save_report(sample_report())
        mm.backup_store(s, tmp_path / "b.zip")
    (tmp_path / "归档").mkdir(exist_ok=True)
    monkeypatch.setattr(files.time, "sleep", lambda s: None)
    real = os.rename

    def archive_held(src, dst):
        if Path(src).name == "归档":
            raise held(32)
        real(src, dst)

    monkeypatch.setattr(files.os, "rename", archive_held)
    with pytest.raises(mm.RestoreFailed, match="归档.*正被其他程序占用") as caught:
        mm.restore_store(tmp_path / "b.zip", url, tmp_path / "归档")
    caught.value.store.close()


def test_every_rename_replace_and_remove_in_model_goes_through_the_helper():
    pattern = re.compile(
        r"\bos\.(replace|rename|remove|unlink|rmdir)\(|shutil\.(rmtree|move)\(|(?<!files)\.(unlink|rename)\("
        r"|tempfile\.TemporaryDirectory\("
    )
    found = []
    for path in sorted((ROOT / "model").rglob("*.py")):
        if path.name == "files.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if pattern.search(code) and "files.retry(" not in code:
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []


# -------------------------------------------------------------------------------------------------
# 7. small Windows habits


@pytest.mark.parametrize(
    "data",
    [
        "口令Abc123\r\n".encode("gbk"),  # echo 口令Abc123> pw.txt
        "口令Abc123 \r\n".encode("gbk"),  # echo 口令Abc123 > pw.txt: the space before >
        "口令Abc123".encode(),
        "\ufeff口令Abc123\r\n".encode(),  # Notepad's UTF-8 with BOM
        "口令Abc123\r\n".encode("utf-16"),  # Notepad's “Unicode”
    ],
)
def test_password_file_from_cmd(tmp_path, data):
    pw = tmp_path / "pw.txt"
    pw.write_bytes(data)
    assert files.read_password_file(pw) == "口令Abc123"


def test_password_file_in_the_export_command(tmp_path, monkeypatch):
    from cli.output import _password

    pw = tmp_path / "pw.txt"
    pw.write_bytes("秘密 \r\n第二行\r\n".encode("gbk"))

    class Args:
        password_file = str(pw)

    assert _password(Args()) == "秘密"


def test_paths_stay_under_240_characters(tmp_path):
    from model.finalize import pdf_name
    from model.store.archive import revision_folder

    organ = "某某省某某市某某区人民政府办公室关于政府信息公开工作的专门领导小组办公室" * 3
    root = tmp_path / ("很深的文件夹" * 6)
    folder = revision_folder(root, organ, 2024, 12)
    longest = folder / pdf_name(organ, 2024, signed=True)
    assert len(str(longest)) - len(str(tmp_path)) < 240 - 60  # room for a deep Documents folder
    other = revision_folder(root, organ + "二", 2024, 12)
    assert folder != other  # two long names stay two folders (the hash)
    assert files.short_name("短名", 40) == "短名"
    assert files.fit_path(Path("C:/") / ("年" * 300 + ".zip")).name.endswith(".zip")
    assert len(str(files.fit_path(tmp_path / ("年" * 300 + ".zip")))) <= files.MAX_PATH_LEN


def test_paths_are_shown_with_the_system_separators(monkeypatch):
    monkeypatch.setattr("sys.platform", "win32")
    assert files.native("C:/Users/张三/Documents/年报归档") == r"C:\Users\张三\Documents\年报归档"
    monkeypatch.setattr("sys.platform", "linux")
    assert files.native("/home/张三/年报") == "/home/张三/年报"


def test_the_window_has_its_icon(qtbot, tmp_path, sqlite_store):
    from PySide6.QtCore import QSettings

    from gui.app import ICON, make_app
    from gui.main_window import MainWindow
    from gui.settings import Settings

    assert ICON.is_file()
    app = make_app([])
    assert not app.windowIcon().isNull()
    w = MainWindow(sqlite_store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    assert not w.windowIcon().isNull()


def test_choosing_a_database_on_a_share_tells_the_clerk(qtbot, tmp_path, monkeypatch, sqlite_store):
    from PySide6.QtCore import QSettings

    from gui import database_dialog
    from gui.main_window import MainWindow
    from gui.settings import Settings
    from model.store import Store, paths, sqlite_url

    monkeypatch.setattr(paths, "app_data_dir", lambda: tmp_path / "数据")
    monkeypatch.setattr(database_dialog, "app_data_dir", lambda: tmp_path / "数据")
    shared = tmp_path / "共享"
    monkeypatch.setattr(files, "is_network_path", lambda p: str(p).startswith(str(shared)))
    w = MainWindow(sqlite_store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    said = []
    monkeypatch.setattr(database_dialog.QMessageBox, "information", lambda *a: said.append(a[2]))

    class Chosen:
        opener = None
        store = Store.open(sqlite_url(shared / "科室.sqlite"))

        def exec(self):
            return True

        def url(self):
            return self.store.url

    assert database_dialog.choose_database(w, Chosen())
    assert said and "网络共享" in said[0] and "PostgreSQL" in said[0]
    w.store.close()


_CRASHING_WINDOW = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gui.app import make_app, run


def boom():
    raise ZeroDivisionError("模拟的意外错误")  # in a Qt callback: PySide6 hands it to sys.excepthook


def look():
    app = QApplication.instance()
    box = next((w for w in app.topLevelWidgets() if w.objectName() == "crash_box" and w.isVisible()), None)
    if box is None:
        QTimer.singleShot(20, look)
        return
    print("BOX", " ".join(b.text() for b in box.buttons()), flush=True)
    print("DETAIL", "ZeroDivisionError" in box.detailedText(), flush=True)
    app.exit(0)


make_app([])
QTimer.singleShot(300, boom)
QTimer.singleShot(350, look)
QTimer.singleShot(20000, lambda: QApplication.instance().exit(7))
sys.exit(run(["--db", sys.argv[1]]))
"""


def test_the_window_logs_an_unexpected_error_and_shows_the_box(tmp_path):
    from model.store import sqlite_url

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NIANBAO_DATA_DIR=str(tmp_path / "数据"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["NIANBAO_ARCHIVE"] = str(tmp_path / "归档")
    p = subprocess.run(
        [sys.executable, "-c", _CRASHING_WINDOW, sqlite_url(tmp_path / "年报.sqlite")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert p.returncode == 0, (p.stdout, p.stderr[-2000:])
    lines = p.stdout.splitlines()
    assert any(
        line.startswith("BOX") and "复制错误信息" in line and "打开日志文件夹" in line for line in lines
    ), lines
    assert "DETAIL True" in lines
    log = (tmp_path / "数据" / "logs" / "nianbao.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError: 模拟的意外错误" in log and "Traceback" in log


@pytest.mark.parametrize(
    "err, said",
    [
        (PermissionError(13, "Permission denied"), "没有写入权限"),  # a read-only file or folder
        (IsADirectoryError(21, "Is a directory"), "是一个文件夹"),
        (OSError(28, "No space left on device"), "磁盘空间已满"),
    ],
)
def test_an_export_that_cannot_be_written_is_said_in_chinese(monkeypatch, tmp_path, err, said):
    from model.output.pdf import ExportError, write_atomic

    def refused(target, data):
        raise err

    monkeypatch.setattr("model.output.pdf.atomic_write_bytes", refused)
    with pytest.raises(ExportError) as caught:
        write_atomic(tmp_path / "年度报告.pdf", b"%PDF-1.7")
    message = str(caught.value)
    assert said in message and "年度报告.pdf" in message
    assert not any(
        "a" <= c.lower() <= "z" for c in message.replace("年度报告.pdf", "").replace(str(tmp_path), "")
    )
