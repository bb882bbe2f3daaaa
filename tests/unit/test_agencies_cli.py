"""Partner agencies and their officers from the shell: `berdaya agencies add/list`,
`berdaya staff add --role partner --agency NAME`."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_cli import berdaya


def test_agencies_and_a_partner_officer_can_be_added_from_the_shell(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    empty = berdaya("agencies", "list", env=env, cwd=tmp_path)
    assert empty.returncode == 0 and "No partner agencies yet" in empty.stdout, empty.stderr
    added = berdaya("agencies", "add", "Dinas Koperasi dan UKM", env=env, cwd=tmp_path)
    assert added.returncode == 0 and "Dinas Koperasi dan UKM (added)" in added.stdout
    again = berdaya("agencies", "add", "dinas koperasi  dan UKM", env=env, cwd=tmp_path)
    assert again.returncode == 0 and "already known" in again.stdout
    berdaya("agencies", "add", "Disperindag", env=env, cwd=tmp_path)
    listed = berdaya("agencies", "list", env=env, cwd=tmp_path)
    assert listed.stdout.splitlines() == ["#1 Dinas Koperasi dan UKM", "#2 Disperindag"]
    officer = berdaya(
        "staff",
        "add",
        "--telegram-id",
        "5151",
        "--role",
        "partner",
        "--name",
        "Budi Santoso",
        "--agency",
        "Dinas Koperasi dan UKM",
        env=env,
        cwd=tmp_path,
    )
    assert officer.returncode == 0, officer.stderr
    assert "Budi Santoso (partner); agency: Dinas Koperasi dan UKM" in officer.stdout
    unknown = berdaya(
        "staff",
        "add",
        "--telegram-id",
        "5152",
        "--role",
        "partner",
        "--agency",
        "Dinas X",
        env=env,
        cwd=tmp_path,
    )
    assert unknown.returncode == 2 and "Dinas X" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_a_partner_needs_an_agency_and_only_a_partner_has_one(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"}
    for args in (
        ["--telegram-id", "1", "--role", "partner"],
        ["--telegram-id", "1", "--role", "admin", "--agency", "Disperindag"],
    ):
        result = berdaya("staff", "add", *args, env=env, cwd=tmp_path)
        assert result.returncode == 2 and "--agency" in result.stderr, result.stderr
        assert not (tmp_path / "b.db").exists()  # refused before touching the database


def test_the_agency_commands_have_help(tmp_path: Path) -> None:
    for args in (
        ["agencies", "--help"],
        ["agencies", "add", "--help"],
        ["agencies", "list", "--help"],
    ):
        result = berdaya(*args, env={}, cwd=tmp_path)
        assert result.returncode == 0 and "usage: berdaya" in result.stdout
