"""Staff actions from the command line: invitations, staff members, UPTs and key rotation."""

from __future__ import annotations

import argparse
from pathlib import Path

from telegram import Bot

from bot.cli_errors import BadInput
from bot.clock import SystemClock
from bot.config import Settings, SettingsError
from bot.domain.nik import NikError
from bot.domain.reference import region_by_code
from bot.i18n import translator
from bot.runtime import prepare_database
from bot.services import export, marketing, programs, registration, roster, staff, staff_admin
from bot.storage import rekey
from bot.storage import staff as staff_repo
from bot.storage.crypto import (
    KeysError,
    key_file_for,
    new_key,
    read_key_file_lines,
    sqlite_path,
    write_key_file,
)
from bot.storage.db import open_database
from bot.storage.models import StaffRole


async def invite_client(settings: Settings, args: argparse.Namespace) -> str:
    """Create an invited client record; return the lines to print (code and deep link)."""
    await prepare_database(settings)
    db = open_database(settings)
    clock = SystemClock()
    now = clock.now()
    try:
        async with db.transaction() as session:
            invitation = await registration.invite_client(
                session,
                full_name=args.name,
                nik=args.nik,
                region_code=args.region,
                now=now,
                today=now.astimezone(settings.timezone).date(),
            )
    except NikError as error:
        raise SettingsError(f"--nik: {error.problem.value.replace('_', ' ')}") from None
    except ValueError as error:
        raise SettingsError(str(error)) from None
    finally:
        await db.dispose()
    username = args.bot_username or await _bot_username(settings)
    expires = translator("id", settings.timezone).date(invitation.expires_at)
    return "\n".join(
        [
            f"Invitation code: {invitation.code}",
            f"Deep link: https://t.me/{username}?start={invitation.code}",
            f"Valid until: {expires} (one use)",
        ]
    )


async def _bot_username(settings: Settings) -> str:
    if settings.telegram_bot_token is None:
        return "<bot username>"
    api = settings.telegram_api_url
    async with Bot(settings.token(), base_url=f"{api}/bot", base_file_url=f"{api}/file/bot") as bot:
        return bot.username


def _staff_input(args: argparse.Namespace) -> tuple[int, StaffRole, list[str]]:
    """Check `staff add`'s arguments before touching the database."""
    if not str(args.telegram_id).isdigit() or int(args.telegram_id) <= 0:
        raise BadInput("--telegram-id: a positive number, e.g. 123456789")
    if args.role not in {r.value for r in StaffRole}:
        raise BadInput("--role: one of admin, caseworker, partner")
    codes = [code.strip() for code in str(args.regions).split(",") if code.strip()]
    unknown = [code for code in codes if region_by_code(code) is None]
    if unknown:
        raise BadInput(f"--regions: {unknown[0]} is not a kabupaten/kota code of Jawa Timur")
    role = StaffRole(args.role)
    if role is StaffRole.CASEWORKER and not codes:
        raise BadInput("--regions: a caseworker needs at least one kabupaten/kota")
    if args.name is not None and not 3 <= len(" ".join(args.name.split())) <= 100:
        raise BadInput("--name: 3 to 100 characters")
    agency = getattr(args, "agency", None)
    if role is StaffRole.PARTNER and not (agency or "").strip():
        raise BadInput("--agency: a partner officer needs her agency (see: berdaya agencies list)")
    if role is not StaffRole.PARTNER and agency:
        raise BadInput("--agency: only for a partner officer (--role partner)")
    return int(args.telegram_id), role, codes


async def add_staff(settings: Settings, args: argparse.Namespace) -> str:
    """Create or update a staff member linked to a Telegram id; return the line to print."""
    telegram_id, role, codes = _staff_input(args)
    await prepare_database(settings)
    db = open_database(settings)
    now = SystemClock().now()
    agency_name = ""
    try:
        async with db.transaction() as session:
            agency_id = None
            if role is StaffRole.PARTNER:
                agency = await marketing.agency_by_name(session, name=args.agency)
                if agency is None or not agency.active:
                    raise BadInput(
                        f"--agency: no active agency named {args.agency!r} "
                        "(see: berdaya agencies list)"
                    )
                agency_id, agency_name = agency.id, agency.name
            known = await staff_repo.get_by_telegram_id(session, telegram_id=telegram_id)
            name = " ".join(args.name.split()) if args.name else None
            member = await staff.add_staff(
                session,
                telegram_id=telegram_id,
                role=role,
                full_name=name or (known.full_name if known else f"Staf {telegram_id}"),
                now=now,
                region_codes=codes,
            )
            member.agency_id = agency_id
            staff_id, full_name = member.id, member.full_name
    finally:
        await db.dispose()
    labels = [r.label for code in codes if (r := region_by_code(code)) is not None]
    areas = f"; areas: {', '.join(labels)}" if labels else ""
    if agency_name:
        areas += f"; agency: {agency_name}"
    return f"Staff member #{staff_id}: {full_name} ({role.value}){areas}"


async def agencies_command(settings: Settings, args: argparse.Namespace) -> str:
    """`agencies add NAME` or `agencies list`; return the lines to print."""
    if args.agencies_command == "add" and not " ".join(args.name.split()):
        raise BadInput('NAME: the agency\'s name, e.g. "Dinas Koperasi dan UKM Jawa Timur"')
    await prepare_database(settings)
    db = open_database(settings)
    try:
        async with db.transaction() as session:
            if args.agencies_command == "add":
                agency, new = await marketing.add_agency(
                    session, name=args.name, now=SystemClock().now()
                )
                what = "added" if new else "already known, active"
                return f"Agency #{agency.id}: {agency.name} ({what})"
            found = await marketing.agencies(session)
            if not found:
                return "No partner agencies yet: berdaya agencies add NAME"
            return "\n".join(
                f"#{a.id} {a.name}" + ("" if a.active else " (inactive)") for a in found
            )
    finally:
        await db.dispose()


async def add_upt(settings: Settings, args: argparse.Namespace) -> str:
    """Register a UPT by name; return the line to print."""
    await prepare_database(settings)
    db = open_database(settings)
    try:
        async with db.transaction() as session:
            upt = await staff_admin.add_upt(session, name=args.name)
            upt_id, name = upt.id, upt.name
    except ValueError as error:
        raise BadInput(str(error)) from None
    finally:
        await db.dispose()
    return f"UPT #{upt_id}: {name}"


def read_text_file(path: Path) -> str:
    """A UTF-8 file's text (a BOM from Excel is dropped), or BadInput."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read {path}: {type(error).__name__}") from None


async def import_programs(settings: Settings, text: str) -> tuple[str, bool]:
    """Create or update programs from a CSV file's text; the lines to print, and whether every
    row was good (a bad row is listed with its line number and skipped; the good ones are
    kept)."""
    await prepare_database(settings)
    db = open_database(settings)
    try:
        async with db.transaction() as session:
            report = await programs.import_csv(session, text=text, now=SystemClock().now())
    finally:
        await db.dispose()
    lines = [f"Programs created: {len(report.created)}, updated: {len(report.updated)}"]
    lines += [f"  + {name}" for name in report.created]
    lines += [f"  ~ {name}" for name in report.updated]
    if report.bad_rows:
        lines.append(f"Rows skipped: {len(report.bad_rows)}")
        lines += [f"  line {line}: {why}" for line, why in report.bad_rows]
    return "\n".join(lines), not report.bad_rows


def read_binary_file(path: Path) -> bytes:
    """A file's bytes, or BadInput."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read {path}: {type(error).__name__}") from None


async def import_roster(
    settings: Settings, path: Path, data: bytes, *, bot_username: str | None
) -> tuple[str, bool]:
    """Upsert clients from a roster file's bytes; the lines to print, and whether every row
    was good (if not, nothing was imported)."""
    await prepare_database(settings)
    db = open_database(settings)
    now = SystemClock().now()
    try:
        async with db.transaction() as session:
            report = await roster.import_roster(
                session, data, path.name, now=now, today=now.astimezone(settings.timezone).date()
            )
    except roster.RosterError as error:
        raise BadInput(f"{path}: {error}") from None
    finally:
        await db.dispose()
    if report.bad_rows:
        lines = [f"Nothing imported: {len(report.bad_rows)} bad rows. Fix them and import again."]
        lines += [f"  line {line}: {why}" for line, why in report.bad_rows]
        return "\n".join(lines), False
    lines = [
        f"Clients new: {report.count(roster.Outcome.CREATED)}, "
        f"updated: {report.count(roster.Outcome.UPDATED)}, "
        f"unchanged: {report.count(roster.Outcome.UNCHANGED)}"
    ]
    for line, outcome, code in report.done:
        if outcome is roster.Outcome.CREATED:
            link = f"  https://t.me/{bot_username}?start={code}" if bot_username else ""
            lines.append(f"  line {line}: invitation code {code}{link}")
    return "\n".join(lines), True


async def export_workbook(settings: Settings, args: argparse.Namespace) -> str:
    """Write the Excel workbook (every column: the command line is an administrator's)."""
    if args.region is not None and region_by_code(args.region) is None:
        raise BadInput(f"--region: unknown kabupaten/kota code {args.region!r}")
    await prepare_database(settings)
    db = open_database(settings)
    which = export.ExportFilter(region_code=args.region, since=args.since, until=args.until)
    try:
        async with db.transaction() as session:
            counts = await export.write_workbook(
                session,
                args.file,
                viewer=None,
                which=which,
                zone=settings.timezone,
                now=SystemClock().now(),
            )
    except OSError as error:
        raise BadInput(f"cannot write {args.file}: {type(error).__name__}") from None
    finally:
        await db.dispose()
    return (
        f"Wrote {args.file}: {counts.clients} clients, {counts.reports} reports, "
        f"{counts.requests} marketing requests, {counts.applications} program applications"
    )


async def rotate_keys(settings: Settings, args: argparse.Namespace) -> str:
    """Re-encrypt everything with the first data key (after adding a new one to a SQLite key
    file with --new-key); return the lines to print."""
    if args.new_key:
        _add_key_to_file(settings)
    await prepare_database(settings)
    db = open_database(settings)
    try:
        rotation = await rekey.rotate(db)
        current = db.keys.current_id if db.keys else "?"
    except KeysError as error:
        raise SettingsError(str(error)) from None
    finally:
        await db.dispose()
    return "\n".join(
        [
            *rotation.lines(),
            f"Everything is under key {current} now: older keys may be removed.",
        ]
    )


def _add_key_to_file(settings: Settings) -> None:
    """Put a new data key first in a SQLite database's key file."""
    if settings.data_keys:
        raise BadInput(
            "--new-key: BERDAYA_DATA_KEYS is set; put a new key (berdaya keys new) first in it "
            "instead, keeping the old ones after it"
        )
    path = sqlite_path(settings.database_url)
    if path is None or not key_file_for(path).exists():
        raise BadInput("--new-key: only for a SQLite database with a generated key file")
    data, lookup = read_key_file_lines(path)
    write_key_file(path, [new_key(), *data], lookup)
