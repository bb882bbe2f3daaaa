"""The command line: one clear line and exit code 2 for bad settings; invitations from the shell."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def berdaya(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ...` with only the given Berdaya settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BERDAYA_"))}
    clean.pop("DATABASE_URL", None)
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        (
            {"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN-berdaya", "BERDAYA_TIMEZONE": "Mars/Olympus"},
            "BERDAYA_TIMEZONE",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN-berdaya", "BERDAYA_ADMIN_IDS": "12,abc"},
            "BERDAYA_ADMIN_IDS",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN-berdaya", "TELEGRAM_API_URL": "ftp://x"},
            "TELEGRAM_API_URL",
        ),
        (
            {
                "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN-berdaya",
                "DATABASE_URL": "postgresql+asyncpg://nobody:secret@127.0.0.1:1/none",
            },
            "DATABASE_URL",
        ),
    ],
)
def test_a_bad_setting_is_named_in_one_line_with_exit_code_2(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = berdaya("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert ":secret@" not in result.stderr  # a password in the URL is masked


def test_staff_can_invite_a_client_from_the_shell(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    result = berdaya(
        "clients",
        "invite",
        "--name",
        "Siti Rahayu",
        "--nik",
        "3522015408900001",
        "--region",
        "3522",
        "--bot-username",
        "berdaya_bot",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    code = result.stdout.split("Invitation code: ")[1].split()[0]
    assert f"https://t.me/berdaya_bot?start={code}" in result.stdout
    again = berdaya(
        "clients",
        "invite",
        "--name",
        "Siti",
        "--nik",
        "3522015408900001",
        "--region",
        "3522",
        "--bot-username",
        "berdaya_bot",
        env=env,
        cwd=tmp_path,
    )
    assert again.returncode == 2 and "NIK" in again.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    for args in (
        ["--help"],
        ["run", "--help"],
        ["db", "upgrade", "--help"],
        ["clients", "invite", "--help"],
        ["keys", "rotate", "--help"],
        ["sandbox", "--help"],
    ):
        result = berdaya(*args, env={}, cwd=tmp_path)
        assert result.returncode == 0 and "usage: berdaya" in result.stdout


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    for _ in range(2):
        result = berdaya("db", "upgrade", env=env, cwd=tmp_path)
        assert result.returncode == 0 and "up to date" in result.stdout, result.stderr


def test_staff_and_upts_can_be_added_from_the_shell(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    result = berdaya(
        "staff",
        "add",
        "--telegram-id",
        "4242",
        "--role",
        "caseworker",
        "--name",
        "Ani Pendamping",
        "--regions",
        "3522,3507",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Ani Pendamping (caseworker)" in result.stdout
    assert "Kab. Bojonegoro" in result.stdout and "Kab. Malang" in result.stdout
    promoted = berdaya(
        "staff", "add", "--telegram-id", "4242", "--role", "admin", env=env, cwd=tmp_path
    )
    assert promoted.returncode == 0 and "Ani Pendamping (admin)" in promoted.stdout
    upt = berdaya(
        "upt", "add", "UPT Rehabilitasi Sosial Bina Daksa Pasuruan", env=env, cwd=tmp_path
    )
    assert upt.returncode == 0 and "Bina Daksa Pasuruan" in upt.stdout, upt.stderr
    again = berdaya(
        "upt", "add", "UPT Rehabilitasi Sosial Bina Daksa Pasuruan", env=env, cwd=tmp_path
    )
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--telegram-id", "abc", "--role", "admin"], "--telegram-id"),
        (["--telegram-id", "1", "--role", "boss"], "--role"),
        (["--telegram-id", "1", "--role", "caseworker"], "--regions"),
        (["--telegram-id", "1", "--role", "caseworker", "--regions", "3522,9999"], "9999"),
    ],
)
def test_bad_staff_input_is_named_in_one_line_with_exit_code_2(
    args: list[str], named: str, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    result = berdaya("staff", "add", *args, env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert not (tmp_path / "b.db").exists()  # refused before touching the database


def test_the_staff_commands_have_help(tmp_path: Path) -> None:
    for args in (["staff", "--help"], ["staff", "add", "--help"], ["upt", "add", "--help"]):
        result = berdaya(*args, env={}, cwd=tmp_path)
        assert result.returncode == 0 and "usage: berdaya" in result.stdout


def test_keys_new_prints_a_fresh_random_key(tmp_path: Path) -> None:
    keys = [berdaya("keys", "new", env={}, cwd=tmp_path).stdout.strip() for _ in range(2)]
    assert len(set(keys)) == 2 and all(len(base64.b64decode(k)) == 32 for k in keys)


def test_a_sqlite_key_file_is_made_once_and_rotation_moves_to_a_new_key(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    made = berdaya("db", "upgrade", env=env, cwd=tmp_path)
    assert made.returncode == 0 and "Generated the data keys of b.db" in made.stderr
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "b.db.keys").stat().st_mode) == 0o600
    add = ["staff", "add", "--telegram-id", "4242", "--role", "admin", "--name", "Ani Pendamping"]
    assert berdaya(*add, env=env, cwd=tmp_path).returncode == 0
    rotated = berdaya("keys", "rotate", "--new-key", env=env, cwd=tmp_path)
    assert rotated.returncode == 0, rotated.stderr
    assert "staff: 1 rows re-encrypted" in rotated.stdout
    assert "Generated" not in rotated.stderr
    keys_line = next(
        line
        for line in (tmp_path / "b.db.keys").read_text().splitlines()
        if line.startswith("BERDAYA_DATA_KEYS=")
    )
    assert keys_line.count(",") == 1  # the new key first, the old one after it
    again = berdaya("keys", "rotate", env=env, cwd=tmp_path)
    assert "already under the current key" in again.stdout
    known = berdaya(
        "staff", "add", "--telegram-id", "4242", "--role", "admin", env=env, cwd=tmp_path
    )
    assert "Ani Pendamping (admin)" in known.stdout  # read back under the new key
    (tmp_path / "b.db.keys").unlink()  # the key file is lost: refused at startup, not mid-turn
    lost = berdaya("db", "upgrade", env=env, cwd=tmp_path)
    assert lost.returncode == 2
    assert lost.stderr.splitlines()[-1].startswith(
        "berdaya: BERDAYA_DATA_KEYS: cannot read staff.full_name: a stored value is encrypted"
    )
    assert "Ani" not in lost.stderr


def test_a_new_key_goes_into_the_setting_when_keys_are_configured(tmp_path: Path) -> None:
    key = base64.b64encode(b"K" * 32).decode()  # fake
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}",
        "BERDAYA_DATA_KEYS": key,
        "BERDAYA_HMAC_KEY": key,
    }
    result = berdaya("keys", "rotate", "--new-key", env=env, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("berdaya: --new-key:")
    assert key not in result.stderr
    assert berdaya("keys", "rotate", env=env, cwd=tmp_path).returncode == 0
    assert not (tmp_path / "b.db.keys").exists()  # configured keys: no key file
