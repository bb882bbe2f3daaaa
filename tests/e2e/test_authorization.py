"""The authorization matrix: every command and every button action of the registry, tried by
every kind of person, over the real stack; docs/AUTHORIZATION.md is the table it produces.

Commands are typed, and pressed as menu buttons (`RunCommand`). Every other action is a forged
press of its own data class, naming fresh objects (a client, an alert, a check-in, a staff
member, a follow-up request, a marketing request, a referral, a program application) in Kab.
Bojonegoro (3522) or in Kab. Malang (3507), so that each role meets its own area and another
one; a referral in 3522 goes to the partner officer's own agency, one in 3507 to another
agency. A cell is the kind of answer:

- **allowed**: the bot did what was asked (or answered it in substance);
- **refused**: a message saying no (the unknown-command answer, "Anda belum terdaftar", …);
- **stale**: the toast every outdated or forged button gets.

The table is generated from the registry, so a new command or action shows up by itself: run
`UPDATE_GOLDEN=1 python3 dev.py test tests/e2e/test_authorization.py` and review the diff. The
test fails whenever a cell changes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from bot.chat.actions import ChooseLanguage, ResumeDraft, RunCommand, StepAnswer
from bot.chat.callbacks import CallbackData
from bot.domain.vocabulary import ApplicationStatus, HelpWanted, RequestStatus
from bot.i18n import LANGUAGES, translator
from bot.services import marketing
from bot.services.marketing import ConsentPress, RequestPress
from bot.services.staff_admin import SetActive
from bot.storage.db import Database
from bot.storage.models import (
    Alert,
    AlertKind,
    CheckIn,
    CheckInStatus,
    Client,
    ClientStatus,
    Conversation,
    FollowUpRequest,
    MarketingRequest,
    Program,
    ProgramApplication,
    Referral,
    ReferralStatus,
    Staff,
    StaffArea,
    StaffRole,
    User,
)
from handlers import all_features
from handlers.marketing import AgencyPress
from handlers.registry import Registry
from tests.e2e.dialogs import alert_row, client_row, invited_client, staff_member
from tests.harness import Harness, Person

GOLDEN = Path(__file__).resolve().parents[2] / "docs" / "AUTHORIZATION.md"
REGISTRY = Registry(all_features())
HOME, OTHER = "3522", "3507"
AREA_NAMES = {HOME: "Kab. Bojonegoro (3522)", OTHER: "Kab. Malang (3507)"}
ROLES: dict[str, str] = {
    "unregistered": "unregistered person",
    "client": "client, 3522",
    "client_other": "client, 3507",
    "caseworker": "caseworker, 3522",
    "caseworker_other": "caseworker, 3507",
    "admin": "administrator",
    "officer": "partner officer (Dinas Koperasi)",
    "deactivated": "deactivated caseworker, 3522",
}
AGENCY_NAMES = {HOME: "Dinas Koperasi dan UKM", OTHER: "Disperindag"}
STALE = "Tombol ini sudah tidak berlaku."
REFUSALS = (  # whole msgids, so that every language's wording is recognised
    "Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah.",
    "Anda belum terdaftar. Ketik /start untuk mendaftar.",
)
# Values that make a forged press mean something (the first enum member otherwise).
OVERRIDES: dict[type[CallbackData], dict[str, Any]] = {
    SetActive: {"active": False},
    ChooseLanguage: {"language": "id"},  # her own: the answers below stay comparable
    ResumeDraft: {"fresh": False},
    AgencyPress: {"agency_id": 0, "active": True},  # ➕ a new agency: the others stay as they are
}
OBJECT_FIELDS = (
    "client_id",
    "alert_id",
    "checkin_id",
    "staff_id",
    "request_id",
    "referral_id",
    "application_id",
)


@dataclass
class World:
    """The people of the matrix and their rows."""

    harness: Harness
    db: Database
    people: dict[str, Person] = field(default_factory=dict)
    clients: dict[str, int] = field(default_factory=dict)  # area -> the client persona's id
    caseworkers: dict[str, int] = field(default_factory=dict)  # area -> staff id
    agencies: dict[str, int] = field(default_factory=dict)  # area -> the agency its referrals go to
    serial: int = 0

    def next(self) -> int:
        """A number for a fresh object (names, NIKs, sequences)."""
        self.serial += 1
        return self.serial


@dataclass(frozen=True)
class Row:
    """One line of the table: what is tried, and how."""

    label: str
    send: Callable[[World, Person], Awaitable[tuple[list[Any], str | None]]]


def _typing(command: str) -> Callable[[World, Person], Awaitable[tuple[list[Any], str | None]]]:
    async def send(_world: World, person: Person) -> tuple[list[Any], str | None]:
        return await person.send(f"/{command}"), None

    return send


async def _press(
    make: Callable[[World], Awaitable[CallbackData]], world: World, person: Person
) -> tuple[list[Any], str | None]:
    data = (await make(world)).pack()
    before = len(person.user.callback_answers)
    replies = await person.press_data(data)
    answers = person.user.callback_answers[before:]
    return replies, answers[-1].text if answers else None


def _rows() -> list[Row]:
    rows = [Row(f"`/{name}` typed", _typing(name)) for name in REGISTRY.commands]
    rows += [
        Row(
            f"`/{name}` as a menu button (`{RunCommand.prefix}`)",
            _bound(_constant(RunCommand(name))),
        )
        for name in REGISTRY.commands
    ]
    step = StepAnswer("rep", "status", "running")
    rows.append(
        Row(f"a flow step's button, no flow open (`{step.prefix}`)", _bound(_constant(step)))
    )
    for cls in REGISTRY.actions:
        if cls is RunCommand:
            continue
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        title = f"`{cls.prefix}` {cls.__name__}"
        if any(name in OBJECT_FIELDS for name in names):
            for area in (HOME, OTHER):
                where = AREA_NAMES[area]
                if "referral_id" in names:
                    where += f", referred to {AGENCY_NAMES[area]}"
                rows.append(Row(f"{title}, in {where}", _bound(_forge(cls, area))))
        else:
            rows.append(Row(title, _bound(_forge(cls, HOME))))
    return rows


def _bound(
    make: Callable[[World], Awaitable[CallbackData]],
) -> Callable[[World, Person], Awaitable[tuple[list[Any], str | None]]]:
    return lambda world, person: _press(make, world, person)


def _constant(data: CallbackData) -> Callable[[World], Awaitable[CallbackData]]:
    async def make(_world: World) -> CallbackData:
        return data

    return make


def _forge(cls: type[CallbackData], area: str) -> Callable[[World], Awaitable[CallbackData]]:
    """A press of `cls` naming fresh objects in `area`."""

    async def make(world: World) -> CallbackData:
        values: dict[str, Any] = {}
        hints = dict(cls._field_types())
        for spec in fields(cls):  # type: ignore[arg-type]
            name, kind = spec.name, hints[spec.name]
            if name in OVERRIDES.get(cls, {}):
                values[name] = OVERRIDES[cls][name]
            elif name in OBJECT_FIELDS:
                values[name] = await _fresh(world, name, area, cls)
            elif isinstance(kind, type) and issubclass(kind, StrEnum):
                values[name] = next(iter(kind))
            elif kind is bool:
                values[name] = False
            elif kind is str:
                values[name] = "x"
            else:
                values[name] = 0 if name == "page" else 1
        return cls(**values)

    return make


async def _fresh(world: World, name: str, area: str, cls: type[CallbackData]) -> int:
    """A new object of the kind the field names (and the action means), in `area`."""
    db, now, n = world.db, world.harness.clock.now(), world.next()
    if cls is RequestPress or name in ("referral_id", "application_id"):
        return await _fresh_request(world, name, area, cls)
    if name == "client_id":
        client_id = await client_row(db, full_name=f"Klien Baru {n}", at=now, region=area)
        async with db.transaction() as session:
            client = await session.get(Client, client_id)
            assert client is not None
            client.status = ClientStatus.PENDING.value
        return client_id
    if name == "alert_id":
        client_id = await client_row(db, full_name=f"Klien Kasus {n}", at=now, region=area)
        await alert_row(db, client_id=client_id, kind=AlertKind.HEALTH.value, at=now)
        async with db.transaction() as session:
            query = select(Alert.id).where(Alert.client_id == client_id)
            return (await session.execute(query)).scalar_one()
    async with db.transaction() as session:
        if name == "checkin_id":
            row: Any = CheckIn(
                client_id=world.clients[area],
                sequence=n,
                due_at=now,
                status=CheckInStatus.SENT.value,
                sent_at=now,
                last_sent_at=now,
            )
        elif name == "staff_id":
            row = Staff(role=StaffRole.CASEWORKER.value, full_name=f"Staf Baru {n}", created_at=now)
        elif name == "request_id":
            client_id = await _client_in(session, area, n, now)
            row = FollowUpRequest(
                staff_id=world.caseworkers[area],
                client_id=client_id,
                week_start=(now - timedelta(days=now.weekday())).date().isoformat(),
                reason="silent",
                created_at=now,
            )
        else:
            raise AssertionError(f"no way to make a fresh {name}")
        session.add(row)
        await session.flush()
        if name == "staff_id":
            session.add(StaffArea(staff_id=row.id, region_code=area))
        return int(row.id)


async def _fresh_request(world: World, name: str, area: str, cls: type[CallbackData]) -> int:
    """A marketing request of a new client (`request_id`), a referral of the area's client
    persona's request to the area's agency (awaiting her consent for `ConsentPress`, with the
    agency otherwise), or an application of a new client to a new program."""
    now, n = world.harness.clock.now(), world.next()
    async with world.db.transaction() as session:
        if name == "application_id":
            program = Program(name=f"Program {n}", is_open=True, created_at=now, updated_at=now)
            session.add(program)
            await session.flush()
            row: Any = ProgramApplication(
                program_id=program.id,
                client_id=await _client_in(session, area, n, now),
                status=ApplicationStatus.SUBMITTED.value,
                answers=[],
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            return int(row.id)
        owner = world.clients[area] if name == "referral_id" else None
        request = MarketingRequest(
            client_id=owner or await _client_in(session, area, n, now),
            product=f"Produk {n}",
            description="Kue kering",
            price_low=10_000,
            price_high=20_000,
            capacity=100,
            help_wanted=HelpWanted.BAZAAR.value,
            status=RequestStatus.SUBMITTED.value,
            created_at=now,
            updated_at=now,
        )
        session.add(request)
        await session.flush()
        if name == "request_id":
            return int(request.id)
        consent = cls is ConsentPress
        request.status = (RequestStatus.IN_PROGRESS if consent else RequestStatus.REFERRED).value
        row = Referral(
            request_id=request.id,
            agency_id=world.agencies[area],
            status=(ReferralStatus.AWAITING_CONSENT if consent else ReferralStatus.SENT).value,
            share_name=None if consent else True,
            created_at=now,
            answered_at=None if consent else now,
        )
        session.add(row)
        await session.flush()
        return int(row.id)


async def _client_in(session: Any, area: str, n: int, now: Any) -> int:
    client = Client(
        full_name=f"Klien Tindak Lanjut {n}",
        region_code=area,
        status=ClientStatus.VERIFIED.value,
        origin="invited",
        created_at=now,
        verified_at=now,
    )
    session.add(client)
    await session.flush()
    return client.id


async def _world(harness: Harness, db: Database) -> World:
    world = World(harness, db)
    guest = harness.person("Tamu", "id")
    await guest.send("/bantuan")  # a chat with something to press on; nothing stored
    world.people["unregistered"] = guest
    for role, area, nik in (
        ("client", HOME, "3522015408900001"),
        ("client_other", OTHER, "3507016108850002"),
    ):
        person = await invited_client(
            harness, db, first_name="Siti", full_name=f"Siti {area}", nik=nik, region=area
        )
        world.people[role] = person
        async with db.transaction() as session:
            query = (
                select(Client.id)
                .join(User, Client.user_id == User.id)
                .where(User.telegram_id == person.id)
            )
            world.clients[area] = (await session.execute(query)).scalar_one()
    for role, area in (("caseworker", HOME), ("caseworker_other", OTHER)):
        person = await staff_member(harness, db, full_name=f"Pendamping {area}", regions=(area,))
        world.people[role] = person
        world.caseworkers[area] = await _staff_id(db, person)
    world.people["admin"] = await staff_member(
        harness, db, role=StaffRole.ADMIN, full_name="Admin", regions=()
    )
    async with db.transaction() as session:
        for area, agency in AGENCY_NAMES.items():
            found, _new = await marketing.add_agency(session, name=agency, now=harness.clock.now())
            world.agencies[area] = found.id
    officer = await staff_member(
        harness, db, role=StaffRole.PARTNER, full_name="Petugas Koperasi", regions=()
    )
    async with db.transaction() as session:
        member = await session.get(Staff, await _staff_id(db, officer))
        assert member is not None
        member.agency_id = world.agencies[HOME]
    world.people["officer"] = officer
    gone = await staff_member(harness, db, full_name="Mantan Pendamping", regions=(HOME,))
    async with db.transaction() as session:
        member = await session.get(Staff, await _staff_id(db, gone))
        assert member is not None
        member.active = False
    world.people["deactivated"] = gone
    return world


async def _staff_id(db: Database, person: Person) -> int:
    async with db.transaction() as session:
        query = select(Staff.id).where(Staff.telegram_id == person.id)
        return (await session.execute(query)).scalar_one()


def _outcome(replies: list[Any], toast: str | None) -> str:
    translators = [translator(language) for language in LANGUAGES]
    if toast in {t.gettext(STALE) for t in translators}:
        return "stale"
    text = "\n".join(m.text for m in replies if m.has_text)
    refusals = {t.gettext(refusal) for t in translators for refusal in REFUSALS}
    if any(refusal in text for refusal in refusals):
        return "refused"
    return "allowed"


async def _column(world: World, role: str, rows: list[Row]) -> list[str]:
    person = world.people[role]
    outcomes = []
    for row in rows:
        async with world.db.transaction() as session:  # every cell starts outside any flow
            await session.execute(delete(Conversation).where(Conversation.telegram_id == person.id))
        replies, toast = await row.send(world, person)
        outcomes.append(_outcome(replies, toast))
    return outcomes


def render(rows: list[Row], columns: dict[str, list[str]]) -> str:
    """The Markdown table."""
    head = [
        "# Authorization matrix",
        "",
        "Generated by `tests/e2e/test_authorization.py` from the registry, over the real stack",
        "(the emulator, the Application, the database). Do not edit by hand: run",
        "`UPDATE_GOLDEN=1 python3 dev.py test tests/e2e/test_authorization.py`.",
        "",
        "Commands are typed, and pressed as menu buttons. Every other button is a forged press",
        "of its action naming fresh objects in the area the row names: the caseworker and the",
        "client of 3522 meet their own area in the 3522 rows and another area in the 3507 rows.",
        "",
        "- **allowed**: the bot did what was asked;",
        "- **refused**: a message saying no (as for an unknown command, or to someone not",
        "  registered);",
        "- **stale**: the toast any outdated or forged button gets (`Tombol ini sudah tidak",
        "  berlaku.`), which reveals nothing.",
        "",
        "| what | " + " | ".join(ROLES.values()) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    lines = [
        f"| {row.label} | " + " | ".join(columns[role][i] for role in ROLES) + " |"
        for i, row in enumerate(rows)
    ]
    return "\n".join(head + lines) + "\n"


async def test_the_authorization_matrix_is_as_documented(harness: Harness, db: Database) -> None:
    world = await _world(harness, db)
    rows = _rows()
    results = await asyncio.gather(*(_column(world, role, rows) for role in ROLES))
    table = render(rows, dict(zip(ROLES, results, strict=True)))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(table, encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert table == GOLDEN.read_text(encoding="utf-8"), (
        "a cell of the authorization matrix changed: run with UPDATE_GOLDEN=1 and review the diff"
    )
