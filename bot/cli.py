"""The `berdaya` command line: run, db upgrade, clients invite, staff add, upt add, keys,
sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli_errors import EXIT_SETTINGS, BadInput
from bot.config import SettingsError, load_settings
from bot.logging_setup import configure_logging

SANDBOX_EXTRA = "the sandbox needs the sandbox extra: pip install 'berdaya[sandbox]'"


def _day(text: str) -> date:
    """A YYYY-MM-DD date argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="berdaya",
        description="Berdaya: the Telegram bot of Dinas Sosial Jawa Timur for its former clients.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="take updates by long polling, or by webhook (applies migrations first)"
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="the public https URL Telegram posts updates to; this process listens on "
        "BERDAYA_WEBHOOK_LISTEN and checks BERDAYA_WEBHOOK_SECRET",
    )
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending migrations")
    clients = commands.add_parser("clients", help="client records")
    client_commands = clients.add_subparsers(
        dest="clients_command", required=True, metavar="ACTION"
    )
    invite = client_commands.add_parser(
        "invite", help="create a client record and print a one-time invitation code"
    )
    invite.add_argument("--name", required=True, help="full name, as on the KTP")
    invite.add_argument("--nik", required=True, help="16-digit NIK")
    invite.add_argument("--region", required=True, help="kabupaten/kota code, e.g. 3522")
    invite.add_argument("--bot-username", help="for the deep link; asked from the Bot API if unset")
    roster = client_commands.add_parser(
        "import",
        help="upsert clients by NIK from a .csv or .xlsx roster (docs/ROSTER.md); if any row is "
        "bad nothing is imported, and every bad row is listed (exit status 1)",
    )
    roster.add_argument("file", type=Path, help="e.g. docs/roster_template.csv")
    roster.add_argument("--bot-username", help="to print each new client's deep link")
    client_commands.add_parser("template", help="print the roster template (CSV)")
    _staff_parsers(commands)
    _keys_parsers(commands)
    programs = commands.add_parser("programs", help="programs clients may apply for")
    program_commands = programs.add_subparsers(
        dest="programs_command", required=True, metavar="ACTION"
    )
    program_import = program_commands.add_parser(
        "import",
        help="create or update programs (by name) from a CSV file (docs/PROGRAMS.md); bad rows "
        "are listed and skipped",
    )
    program_import.add_argument("file", type=Path, help="e.g. docs/programs_sample.csv")
    export = commands.add_parser(
        "export",
        help="write the Excel workbook (clients, reports, requests, applications) with every "
        "column, personal data included (docs/EXPORT.md)",
    )
    export.add_argument("file", type=Path, help="the .xlsx to write, e.g. berdaya-2026-12.xlsx")
    export.add_argument("--region", help="only this kabupaten/kota code, e.g. 3522")
    export.add_argument(
        "--since", type=_day, help="reports, requests, applications from YYYY-MM-DD"
    )
    export.add_argument("--until", type=_day, help="… until YYYY-MM-DD (inclusive)")
    sandbox = commands.add_parser(
        "sandbox", help="the bot and a local Bot API emulator in this terminal (no token needed)"
    )
    sandbox.add_argument(
        "--data-dir",
        type=Path,
        default=Path("sandbox-data"),
        help="where the fresh SQLite file goes",
    )
    return parser


def _staff_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = commands.add_parser("staff", help="staff members")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = staff_commands.add_parser(
        "add", help="make a Telegram account a staff member (created, or updated if known)"
    )
    add.add_argument("--telegram-id", required=True, metavar="N", help="numeric Telegram user id")
    add.add_argument("--role", required=True, metavar="admin|caseworker|partner", help="the role")
    add.add_argument("--name", help="full name (default: the known name, or 'Staf <id>')")
    add.add_argument(
        "--regions",
        default="",
        metavar="CODES",
        help="kabupaten/kota codes, comma-separated, e.g. 3522,3507 (a caseworker needs one)",
    )
    add.add_argument(
        "--agency",
        metavar="NAME",
        help="a partner officer's agency, as `berdaya agencies list` shows it (partners need one)",
    )
    agencies = commands.add_parser("agencies", help="partner agencies requests are referred to")
    agency_commands = agencies.add_subparsers(
        dest="agencies_command", required=True, metavar="ACTION"
    )
    agency_add = agency_commands.add_parser("add", help="add a partner agency (or reactivate it)")
    agency_add.add_argument("name", help='e.g. "Dinas Koperasi dan UKM Jawa Timur"')
    agency_commands.add_parser("list", help="the partner agencies, active or not")
    upt = commands.add_parser("upt", help="UPTs (technical units of Dinsos Jatim)")
    upt_commands = upt.add_subparsers(dest="upt_command", required=True, metavar="ACTION")
    upt_add = upt_commands.add_parser("add", help="register a UPT")
    upt_add.add_argument("name", help='e.g. "UPT Rehabilitasi Sosial Bina Daksa Pasuruan"')


def _keys_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="the keys of the personal data (docs/PRIVACY.md)")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    keys_commands.add_parser(
        "new", help="print a new random key for BERDAYA_DATA_KEYS or BERDAYA_HMAC_KEY"
    )
    rotate = keys_commands.add_parser(
        "rotate",
        help="re-encrypt everything with the first key of BERDAYA_DATA_KEYS and renew the "
        "NIK hashes (after a new key was put first, or the HMAC key changed)",
    )
    rotate.add_argument(
        "--new-key",
        action="store_true",
        help="SQLite with a generated key file: put a new key first in the file, then rotate",
    )


def _sandbox() -> Callable[..., Coroutine[Any, Any, None]]:
    """The sandbox's entry point, or BadInput when the `sandbox` extra (aiohttp) is missing."""
    try:
        from berdaya_sandbox.terminal import run_sandbox
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "aiohttp":
            raise
        raise BadInput(SANDBOX_EXTRA) from None
    return run_sandbox


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `berdaya` console script."""
    args = _parser().parse_args(argv)
    # The sandbox is a chat in this terminal: only warnings may interrupt it.
    configure_logging(logging.WARNING if args.command == "sandbox" else logging.INFO)
    try:
        if args.command == "run":
            from bot.runtime import serve

            asyncio.run(serve(load_settings(), webhook_url=args.webhook))
        elif args.command == "db":
            from bot.runtime import prepare_database

            asyncio.run(prepare_database(load_settings()))
            print("Database is up to date.")
        elif args.command == "clients" and args.clients_command == "template":
            from bot.services.roster import template_csv

            print(template_csv(), end="")
        elif args.command == "clients" and args.clients_command == "import":
            from bot.admin_cli import import_roster, read_binary_file

            data = read_binary_file(args.file)
            text, all_good = asyncio.run(
                import_roster(load_settings(), args.file, data, bot_username=args.bot_username)
            )
            print(text)
            if not all_good:
                return 1
        elif args.command == "clients":
            from bot.admin_cli import invite_client

            print(asyncio.run(invite_client(load_settings(), args)))
        elif args.command == "staff":
            from bot.admin_cli import add_staff

            print(asyncio.run(add_staff(load_settings(), args)))
        elif args.command == "keys":
            from bot.admin_cli import rotate_keys
            from bot.storage.crypto import new_key

            if args.keys_command == "new":
                print(new_key())
            else:
                print(asyncio.run(rotate_keys(load_settings(), args)))
        elif args.command == "programs":
            from bot.admin_cli import import_programs, read_text_file

            content = read_text_file(args.file)
            text, all_good = asyncio.run(import_programs(load_settings(), content))
            print(text)
            if not all_good:
                return 1
        elif args.command == "export":
            from bot.admin_cli import export_workbook

            print(asyncio.run(export_workbook(load_settings(), args)))
        elif args.command == "agencies":
            from bot.admin_cli import agencies_command

            print(asyncio.run(agencies_command(load_settings(), args)))
        elif args.command == "upt":
            from bot.admin_cli import add_upt

            print(asyncio.run(add_upt(load_settings(), args)))
        elif args.command == "sandbox":
            run_sandbox = _sandbox()
            args.data_dir.mkdir(parents=True, exist_ok=True)
            asyncio.run(run_sandbox(data_dir=args.data_dir))
    except (SettingsError, BadInput) as error:
        print(f"berdaya: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return 130
    return 0
