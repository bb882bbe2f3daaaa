"""Whatever a person sends, at every step of every flow in the registry, gets a short answer,
the question again, and loses nothing.

The flow table comes from the registry itself: a new flow fails here until it has an example
draft below, so no flow ships without this walk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from berdaya_sandbox.emulator.files import sample_png
from bot.chat.actions import StepAnswer
from bot.services import accounts
from bot.storage.db import Database
from bot.storage.models import (
    Alert,
    AlertKind,
    Client,
    ClientStatus,
    Conversation,
    Staff,
    StaffRole,
)
from handlers import all_features
from handlers.registry import Registry
from tests.e2e.dialogs import alert_row, client_row, invited_client, program_row, staff_member
from tests.harness import Harness, Person

Oddity = Callable[[Person, str, str], Awaitable[list[SentMessage]]]


def _other_step_button(flow: str, step: str) -> str:
    """A button of the same flow at another step, or of another flow: stale either way."""
    other = "status" if step != "status" else "income"
    return StepAnswer("rep" if flow != "rep" else flow, other, "x").pack()


ODDITIES: dict[str, Oddity] = {
    "sticker": lambda p, _f, _s: p.do(p.user.send_sticker()),
    "voice": lambda p, _f, _s: p.do(p.user.send_voice()),
    "location": lambda p, _f, _s: p.do(p.user.send_location(-7.15, 111.88)),
    "photo": lambda p, _f, _s: p.do(p.user.send_photo()),
    "document": lambda p, _f, _s: p.do(p.user.send_document(b"%PDF-1.4 fake", "a.pdf")),
    "contact": lambda p, _f, _s: p.do(p.user.send_contact(phone_number="+6281200000000", own=True)),
    "4096 characters": lambda p, _f, _s: p.send("x" * 4096),
    "right to left and zero-width": lambda p, _f, _s: p.send("\u202e\u200b\u2066"),
    "edited message": lambda p, _f, _s: p.do(p.user.edit(p.user.last_text_message_id or 1, "1")),
    "unknown command": lambda p, _f, _s: p.send("/entahlah"),
    "stale button": lambda p, f, s: p.press_data(_other_step_button(f, s)),
    "forged button": lambda p, _f, _s: p.press_data("s:rep:summary:save:extra"),
    "garbage button": lambda p, _f, _s: p.press_data("\u0000;DROP TABLE clients"),
}
# What a step is *meant* to take is not odd there.
TAKES = {
    "photo": {("rep", "photo"), ("mkt", "photos"), ("prg", "file")},
    "contact": {("onb", "phone")},
}
# The relay keeps the caseworker writing: a text it refuses (too long) says why and stays,
# without repeating the prompt.
NO_QUESTION_AGAIN = {
    ("rly", "write", "4096 characters"),
    ("rly", "write", "right to left and zero-width"),
}


@dataclass(frozen=True)
class Example:
    """Who walks the flow, and a complete draft for it (ids filled in once rows exist)."""

    persona: str  # "newcomer", "client", "applicant" (a client and a program) or "admin"
    draft: Callable[[dict[str, Any]], dict[str, Any]]


EXAMPLES: dict[str, Example] = {
    "onb": Example(
        "newcomer",
        lambda _ids: {
            "name": "Siti Rahayu",
            "nik": "3522015408900001",
            "region": "3522",
            "training": "Menjahit",
            "business": "Jahit seragam",
            "phone": None,
        },
    ),
    "rep": Example(
        "client",
        lambda _ids: {
            "status": "running",
            "income": 3_000_000,
            "employees": 2,
            "obstacles": ["capital"],
            "photos": [],
        },
    ),
    "rly": Example("admin", lambda ids: {"alert_id": ids["alert"], "client": "Dewi Lestari"}),
    "cls": Example("admin", lambda ids: {"alert_id": ids["alert"], "client": "Dewi Lestari"}),
    "inv": Example(
        "admin",
        lambda _ids: {
            "name": "Rina Wati",
            "nik": "3507016108850002",
            "region": "3507",
            "upt": None,
            "category": 9,
        },
    ),
    "ver": Example("admin", lambda ids: {"client_id": ids["pending"], "name": "Dewi Lestari"}),
    "rej": Example("admin", lambda ids: {"client_id": ids["pending"], "name": "Dewi Lestari"}),
    "sti": Example(
        "admin",
        lambda _ids: {"name": "Ani Pendamping", "role": "caseworker", "regions": ["3522"]},
    ),
    "jdw": Example("admin", lambda _ids: {"name": "weekly_followup", "weekday": 0}),
    "prv": Example("client", lambda _ids: {}),
    "hps": Example("client", lambda _ids: {}),
    "ubh": Example(
        "client",
        lambda _ids: {"name": "Siti Rahayu", "region": "3522", "business": "Jahit seragam"},
    ),
    "mkt": Example(
        "client",
        lambda ids: {
            "product": "Kue kering nastar",
            "description": "Nastar isi selai nanas, toples 500 gram",
            "photos": [ids["photo"]],  # a file Telegram holds
            "price": [20_000, 35_000],
            "capacity": 50,
            "help": ["bazaar", "other"],
            "other": "Pameran di Surabaya",
        },
    ),
    "mref": Example("admin", lambda _ids: {"request_id": 1, "product": "Kue kering nastar"}),
    "mdec": Example("admin", lambda _ids: {"request_id": 1, "product": "Kue kering nastar"}),
    "mprg": Example("admin", lambda _ids: {"referral_id": 1, "product": "Kue kering nastar"}),
    "mout": Example("admin", lambda _ids: {"referral_id": 1, "product": "Kue kering nastar"}),
    "magy": Example("admin", lambda _ids: {}),
    "prg": Example(
        "applicant",
        lambda ids: {
            "program_id": ids["program"],
            "program": "UEP Menjahit 2026",
            "index": 0,
            "answers": ["yes", "3", "Jahit"],
            "files": [],
        },
    ),
    "kpg": Example(
        "admin",
        lambda _ids: {
            "name": "KUBE Bojonegoro",
            "regions": ["3522"],
            "questions": [{"text": "Anggota kelompok?", "kind": "yes_no", "qualifying": ["yes"]}],
            "documents": [{"name": "Foto KTP", "kind": "photo"}],
            "quota": 5,
            "pending": {
                "text": "Apa usaha kelompok Anda?",
                "kind": "choice",
                "options": ["Jahit", "Kuliner"],
                "qualifying": ["Jahit"],
            },
            "doc_name": "Foto KTP ketua",
        },
    ),
    "apr": Example(
        "admin",
        lambda _ids: {"application_id": 1, "program": "UEP Menjahit 2026", "client": "Dewi"},
    ),
}
REGISTRY = Registry(all_features())
CASES = [
    (flow.name, state.value, oddity)
    for flow in REGISTRY.flows.values()
    for state in flow.states
    for oddity in ODDITIES
    if (flow.name, state.value) not in TAKES.get(oddity, set())
]


def test_every_registered_flow_has_an_example() -> None:
    assert set(EXAMPLES) == set(REGISTRY.flows)


def held_photo(harness: Harness) -> str:
    """The file id of a photo Telegram holds, as if she had sent it earlier."""
    return harness.emulator.state.files.add("photo", sample_png(), mime_type="image/png").file_id


async def _persona(
    harness: Harness, db: Database, kind: str, state: str
) -> tuple[Person, dict[str, Any]]:
    if kind == "newcomer":
        budi = harness.person("Budi", "id")
        if state not in ("lang", "consent"):  # every later step comes after her consent
            async with db.transaction() as session:
                await accounts.record_consent(
                    session, telegram_id=budi.id, language="id", now=harness.clock.now()
                )
        return budi, {}
    if kind == "client":
        return await invited_client(harness, db), {"photo": held_photo(harness)}
    if kind == "applicant":  # a client, and a program open to her
        program = await program_row(db, at=harness.clock.now())
        return await invited_client(harness, db), {"program": program}
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    now = harness.clock.now()
    dewi = harness.person("Dewi", "id")
    linked = await client_row(db, full_name="Dewi Lestari", at=now, telegram_id=dewi.id)
    pending = await client_row(db, full_name="Dewi Lestari", at=now)
    async with db.transaction() as session:
        client = await session.get(Client, pending)
        assert client is not None
        client.status = ClientStatus.PENDING.value
        admin_id = (await session.execute(select(Staff.id))).scalar_one()
    await alert_row(db, client_id=linked, kind=AlertKind.HEALTH.value, at=now, claimed_by=admin_id)
    async with db.transaction() as session:
        alert = (await session.execute(select(Alert.id))).scalar_one()
    return admin, {"alert": alert, "pending": pending}


async def _put_at(
    db: Database, person: Person, flow: str, state: str, draft: dict[str, Any], now: Any
) -> None:
    async with db.transaction() as session:
        row = await session.get(Conversation, person.id)
        if row is None:
            row = Conversation(telegram_id=person.id)
            session.add(row)
        row.flow, row.state, row.status, row.updated_at = flow, state, "active", now
        row.data = {"draft": draft, "meta": {"lang": "id"}}


async def _where(db: Database, person: Person) -> tuple[str, str] | None:
    async with db.transaction() as session:
        row = await session.get(Conversation, person.id)
    return (row.flow, row.state) if row is not None else None


@pytest.mark.parametrize(("flow", "state", "oddity"), CASES)
async def test_odd_input_at_every_step_is_answered_and_keeps_the_step(
    harness: Harness, db: Database, flow: str, state: str, oddity: str
) -> None:
    example = EXAMPLES[flow]
    person, ids = await _persona(harness, db, example.persona, state)
    await _put_at(db, person, flow, state, example.draft(ids), harness.clock.now())
    question = (await person.send("/bantuan"))[-1].text  # help, then the open question again
    assert await _where(db, person) == (flow, state)

    reply = await ODDITIES[oddity](person, flow, state)
    assert reply, "no answer"
    text = person.text(reply)
    assert "Traceback" not in text and "Error" not in text
    assert await _where(db, person) == (flow, state)
    if (flow, state, oddity) not in NO_QUESTION_AGAIN:
        assert reply[-1].text == question
