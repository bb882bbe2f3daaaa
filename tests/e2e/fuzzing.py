"""A seeded random walk over every step of every flow in the registry, sending updates of
every kind, and the invariants every answer must keep.

Used by `tests/e2e/test_fuzz.py` (fail fast, a fixed budget) and by `bench/fuzz.py` (many more
updates, every finding collected and printed). Each *walker* is one simulated person put at one
step of one flow (the way `test_every_step.py` reaches it, from its EXAMPLES); it sends a few
random updates, is put back at its step, and so on. Walkers run in parallel: the bot handles
different people concurrently.

What must hold for every update:

- nothing fails: no log line at ERROR (the error handler logs every failed update there), and
  the bot finishes with the update within the harness's timeout;
- every message gets a reply, and every pressed button an answer (a toast, or none);
- no reply shows a traceback, an exception, a library's name, an update id or an internal id;
- the bot never earns a 400 from the Bot API (bad HTML, an edit that changes nothing, …);
- no log line (formatted as in production) holds what people typed, their names, NIKs or phone
  numbers.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import string
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from berdaya_sandbox.emulator import ApiCall, SentMessage
from bot.chat.callbacks import CallbackData
from bot.log_context import UpdateContextFilter
from bot.logging_setup import RedactingFormatter
from bot.services import accounts, staff
from bot.storage.db import Database
from bot.storage.models import Alert, AlertKind, Client, ClientStatus, Staff, StaffRole
from handlers import all_features
from handlers.registry import Registry
from tests.e2e.dialogs import (
    alert_row,
    client_row,
    invited_client,
    program_row,
    staff_member,
)
from tests.e2e.test_every_step import EXAMPLES, _put_at, held_photo
from tests.harness import Harness, Person

REGISTRY = Registry(all_features())
STEPS: list[tuple[str, str]] = [
    (flow.name, state.value) for flow in REGISTRY.flows.values() for state in flow.states
]
# Update ids start here in a fuzz run, so that one shown in a reply would be recognised.
FIRST_UPDATE_ID = 876_500_001
_UPDATE_ID = re.compile(r"8765\d{5}")
# What a reply must never show: a traceback, an exception, a library, an internal id.
_LEAKS = re.compile(
    r"Traceback|Error|Exception|sqlalchemy|asyncpg|aiosqlite|psycopg|NoneType|<class |"
    r'File "|\b[a-z]+_id\b|\bid\s*[=:]\s*\d|\bu=\d',
)

_PLAIN_TEXTS = (
    "",
    " ",
    "x" * 4096,
    "ب" * 4096,
    "\u202eمرحبا بالعالم\u202c",
    "\u2067שלום\u2069 abc",
    "\u200b\u200c\u200d\ufeff",
    "\u202e\u200b\u2066",
    "👍🏽👩‍👩‍👧‍👦🇮🇩",
    "<>&",
    "<b>tebal</b> & <i>miring",
    "&amp; &lt; &#0; &#x110000;",
    "\x00\x01\x1b[31m",
    "ya",
    "tidak",
    "Tidak ada",
    "lanjut",
    "0",
    "-1",
    "3",
    "3jt",
    "1.500",
    "1M",
    "Rp 2.500.000",
    "99999999999999999999",
    "²",
    "١٢٣",
    "bojonegoro",
    "malang",
    "Ｓｉｔｉ",
    "null",
    "None",
    "'; DROP TABLE clients; --",
    "%s %d {0} {name}",
    "K7QF3MZP2A",
)
_COMMANDS = (
    *(f"/{name}" for name in REGISTRY.commands),
    "/start garbage",
    "/start staf_ZZZZZZZZZZ",
    "/start " + "A" * 64,
    "/start@berdaya_test_bot",
    "/lapor@berdaya_test_bot extra words",
    "/entahlah",
    "/",
    "//",
    "/START",
    "/" + "a" * 40,
)
_FORGED = (
    "g:ci:99999999999999999999999:ok",
    "g:kl:c:²",
    "s:rep:summary:save:extra",
    "\u0000;DROP TABLE clients",
    "ci:99999999999999999999999:ok",
    "kl:c:²:0",
    "kc:2147483648:a:0",
    "al:-1:c",
    "al:١٢:c",
    "sfx:1",
    "s:onb",
    "s:::",
    "m:",
    "c:",
    "c:../../etc",
    "r:2",
    "l:xx",
    ":",
    "a" * 64,
    "é" * 32,
)
_INTS = ("0", "1", "2", "3", "5", "7", "12", "99", "2147483647", "2147483648", "-1", "", "²", "x")


def _random_text(rng: random.Random, token: str) -> str:
    """Text of a random shape; half the time with a made-up personal detail (`token`)."""
    shape = rng.random()
    if shape < 0.45:
        text = rng.choice(_PLAIN_TEXTS)
    elif shape < 0.7:
        alphabet = string.ascii_letters + string.digits + " .,-'&<>/"
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
    else:
        text = "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 30)))
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if rng.random() < 0.5:
        text = (f"{text} {token}" if rng.random() < 0.5 else f"{token} {text}").strip()
    return text[:4096]


def _random_callback(rng: random.Random, flow: str, state: str) -> str:
    """Forged button data: fixed nasties, random bytes, or a registered action's shape with
    random fields."""
    shape = rng.random()
    if shape < 0.25:
        return rng.choice(_FORGED)
    if shape < 0.45:
        raw = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 64)))
        return raw.decode("utf-8", "replace").encode()[:64].decode("utf-8", "ignore") or "?"
    if shape < 0.6:
        other_flow, other_state = rng.choice(STEPS)
        if rng.random() < 0.3:
            other_flow, other_state = flow, state
        value = rng.choice(("x", "yes", "no", "0", "1", "save", "edit", "back", "", "9" * 30))
        return f"s:{other_flow}:{other_state}:{value}"
    classes = list(REGISTRY.actions)
    cls: type[CallbackData] = rng.choice(classes)
    parts = [cls.prefix]
    for _name, kind in cls._field_types():
        members = getattr(kind, "__members__", None)
        if members and rng.random() < 0.8:
            parts.append(rng.choice([m.value for m in members.values()]))
        elif kind is bool:
            parts.append(rng.choice(("0", "1", "1", "2", "")))
        else:
            parts.append(rng.choice((*_INTS, "c", "all", "weekly_followup", "en")))
    if rng.random() < 0.1:
        parts.append("extra")
    data = ":".join(parts)
    return data[:64]


@dataclass
class Walker:
    """One person who keeps coming back to one step of one flow."""

    person: Person
    flow: str
    state: str
    draft: dict[str, Any]
    rng: random.Random
    secrets: list[str]


@dataclass
class FuzzRun:
    """What a run did and found."""

    updates: int = 0
    seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    log_lines: int = 0  # what the personal-data check read

    @property
    def per_second(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds if self.seconds else 0.0


class FuzzFailed(AssertionError):
    """The first broken invariant, in fail-fast mode."""


class LogWatch(logging.Handler):
    """Every log line as production formats it (masked, with the update's context)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.addFilter(UpdateContextFilter())
        self.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s %(name)s [%(turn)s]: %(message)s")
        )
        self.lines: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted line; errors separately."""
        line = self.format(record)
        self.lines.append(line)
        if record.levelno >= logging.ERROR:
            self.errors.append(line)


@contextmanager
def watching_logs() -> Iterator[LogWatch]:
    """Log at production levels (bot.logging_setup.configure_logging) into a LogWatch."""
    levels = {
        "": logging.INFO,
        "httpx": logging.WARNING,
        "httpcore": logging.WARNING,
        "apscheduler": logging.WARNING,
        "aiohttp.access": logging.WARNING,
        "alembic": logging.WARNING,
        "telegram": logging.INFO,
        "aiosqlite": logging.INFO,
        "asyncpg": logging.INFO,
        "sqlalchemy.engine": logging.WARNING,
        "telegram.ext.AIORateLimiter": logging.CRITICAL,
    }
    saved = {name: logging.getLogger(name).level for name in levels}
    watch = LogWatch()
    root = logging.getLogger()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    root.addHandler(watch)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


class Fuzzer:
    """Walkers at every step, random updates, and the invariants checked after each."""

    def __init__(
        self,
        harness: Harness,
        db: Database,
        *,
        seed: int,
        fail_fast: bool = True,
        in_flight: int = 4,
    ) -> None:
        self.harness = harness
        self.db = db
        self.seed = seed
        self.fail_fast = fail_fast
        self.run = FuzzRun()
        self.secrets: set[str] = set()
        self._budget = 0
        self._refused: list[str] = []
        self._replaced = 0
        self._serial = 0
        # A few updates in flight at once: enough to keep the bot's workers busy; more only
        # makes the database's writers queue longer (SQLite has one).
        self._in_flight = asyncio.Semaphore(in_flight)

    # -- people ------------------------------------------------------------------------------

    def _name(self, rng: random.Random) -> tuple[str, str]:
        """A made-up first name and full name, unique in the run (so a leak is unmistakable)."""
        self._serial += 1
        letters = "".join(rng.choice(string.ascii_lowercase) for _ in range(4))
        first = f"Wulan{letters}"
        return first, f"{first} Sekarsari"

    def _nik(self) -> str:
        # Kab. Bojonegoro (3522), district 01, a woman born 14 Aug 1990, then a serial.
        return f"352201540890{self._serial % 10_000:04d}"

    async def walker(self, flow: str, state: str, index: int) -> Walker:
        """A person put at `state` of `flow`, with the persona its example needs."""
        rng = random.Random(f"{self.seed}:{index}:{flow}:{state}")
        example = EXAMPLES[flow]
        first, full = self._name(rng)
        secrets = [first, full]
        ids: dict[str, Any] = {}
        if example.persona == "newcomer":
            person = self.harness.person(first, "id")
            if state not in ("lang", "consent"):
                async with self.db.transaction() as session:
                    await accounts.record_consent(
                        session,
                        telegram_id=person.id,
                        language="id",
                        now=self.harness.clock.now(),
                    )
        elif example.persona in ("client", "applicant"):
            ids["photo"] = held_photo(self.harness)
            if example.persona == "applicant":  # and a program open to her
                program = f"Program {self._serial} {index}"
                ids["program"] = await program_row(
                    self.db, at=self.harness.clock.now(), name=program
                )
            nik = self._nik()
            secrets.append(nik)
            person = await invited_client(
                self.harness, self.db, first_name=first, full_name=full, nik=nik
            )
        else:
            person, ids = await self._admin(first, full)
        secrets.append(person.user.phone_number)
        self.secrets.update(secrets)
        return Walker(person, flow, state, example.draft(ids), rng, secrets)

    async def _admin(self, first: str, full: str) -> tuple[Person, dict[str, int]]:
        """An administrator holding a claimed alert about a linked client, and a pending one."""
        harness, db = self.harness, self.db
        admin = await staff_member(
            harness, db, role=StaffRole.ADMIN, first_name=first, full_name=full, regions=()
        )
        now = harness.clock.now()
        client_first, client_full = self._name(random.Random(f"{self.seed}:{admin.id}"))
        self.secrets.update((client_first, client_full))
        client = harness.person(client_first, "id")
        linked = await client_row(db, full_name=client_full, at=now, telegram_id=client.id)
        pending = await client_row(db, full_name=client_full, at=now)
        async with db.transaction() as session:
            row = await session.get(Client, pending)
            assert row is not None
            row.status = ClientStatus.PENDING.value
            staff_id = (
                await session.execute(select(Staff.id).where(Staff.telegram_id == admin.id))
            ).scalar_one()
        await alert_row(
            db, client_id=linked, kind=AlertKind.HEALTH.value, at=now, claimed_by=staff_id
        )
        async with db.transaction() as session:
            alert = (
                await session.execute(select(Alert.id).where(Alert.client_id == linked))
            ).scalar_one()
        return admin, {"alert": alert, "pending": pending}

    # -- the walk ----------------------------------------------------------------------------

    async def walk(self, walkers: list[Walker], updates: int) -> FuzzRun:
        """Send about `updates` random updates across the walkers (in parallel)."""
        self._budget = updates
        self.harness.emulator.add_call_listener(self._on_call)
        started = time.perf_counter()
        try:
            async with asyncio.TaskGroup() as group:
                for walker in walkers:
                    group.create_task(self._walk_one(walker))
        except* FuzzFailed as failed:
            raise failed.exceptions[0] from None
        finally:
            self.run.seconds += time.perf_counter() - started
            self.harness.emulator.remove_call_listener(self._on_call)
        return self.run

    async def _walk_one(self, walker: Walker) -> None:
        while self._budget > 0:
            await self._restore(walker)
            await _put_at(
                self.db,
                walker.person,
                walker.flow,
                walker.state,
                walker.draft,
                self.harness.clock.now(),
            )
            for _ in range(walker.rng.randint(2, 12)):
                if self._budget <= 0:
                    return
                self._budget -= 1
                async with self._in_flight:
                    await self._act(walker)

    async def _restore(self, walker: Walker) -> None:
        """Putting someone back at a step is artificial, so first make her again who the step
        needs: a walk may have erased her data or withdrawn her consent (/hapus, /privasi),
        or a forged press may have demoted or deactivated an administrator. A person who no
        longer fits is replaced by a new one."""
        persona = EXAMPLES[walker.flow].persona
        telegram_id, now = walker.person.id, self.harness.clock.now()
        async with self.db.transaction() as session:
            profile = await accounts.find_profile(session, telegram_id=telegram_id)
            if persona == "newcomer":
                if walker.state in ("lang", "consent"):
                    fits = profile is None
                else:
                    fits = profile is not None and not profile.registered
                    if fits and profile is not None and not profile.consent_active:
                        await accounts.record_consent(
                            session, telegram_id=telegram_id, language="id", now=now
                        )
            elif persona in ("client", "applicant"):
                fits = profile is not None and profile.registered and profile.consent_active
            else:
                member = await staff.find_staff(
                    session, telegram_id=telegram_id, include_inactive=True
                )
                fits = member is not None and member.active and member.role is StaffRole.ADMIN
        if not fits:
            self._replaced += 1
            fresh = await self.walker(walker.flow, walker.state, 1000 + self._replaced)
            walker.person, walker.draft, walker.secrets = fresh.person, fresh.draft, fresh.secrets

    async def _act(self, walker: Walker) -> None:
        person = walker.person
        kind, action, expects = self._choose(walker)
        self.run.kinds[kind] += 1
        answers_before = len(person.user.callback_answers)
        try:
            replies = await action()
        except TimeoutError:
            self._found(walker, kind, "the bot did not finish with the update in time")
            return
        self.run.updates += 1
        where = kind
        if expects == "reply" and not replies:
            self._found(walker, where, "a message got no reply")
        if expects == "answer" and len(person.user.callback_answers) == answers_before:
            self._found(walker, where, "a pressed button got no answer")
        for message in replies:
            shown = message.text if message.has_text else (message.caption or "")
            if shown.startswith("⚠️"):
                continue  # a notice for administrators, which names the kind of error
            leak = _LEAKS.search(shown) or _UPDATE_ID.search(shown)
            if leak:
                self._found(walker, where, f"a reply shows {leak.group(0)!r}")
        self._check_calls(walker, where)

    def _on_call(self, call: ApiCall) -> None:
        if call.status == 400 and not call.injected:
            self._refused.append(f"{call.method}: {call.description}")

    def _check_calls(self, walker: Walker, where: str) -> None:
        while self._refused:
            self._found(walker, where, f"the bot earned a 400: {self._refused.pop(0)}")

    def _found(self, walker: Walker, kind: str, what: str) -> None:
        finding = f"{walker.flow}/{walker.state} after {kind}: {what}"
        self.run.findings.append(finding)
        if self.fail_fast:
            raise FuzzFailed(f"{finding} (seed {self.seed})\n{walker.person.user.transcript()}")

    def check_logs(self, watch: LogWatch) -> None:
        """Errors and personal data in the log lines written during the run."""
        for line in watch.errors:
            self.run.findings.append(f"an error was logged: {line[:2000]}")
        for line in watch.lines:
            for secret in self.secrets:
                if secret and secret in line:
                    self.run.findings.append(f"a log line holds personal data: {line[:300]}")
                    break

    # -- choosing an update ------------------------------------------------------------------

    def _choose(
        self, walker: Walker
    ) -> tuple[str, Callable[[], Awaitable[list[SentMessage]]], str]:
        """(kind, the action, what it must get: "reply", "answer" or "nothing")."""
        rng, person = walker.rng, walker.person
        user = person.user
        token = f"{walker.secrets[1]} {walker.secrets[-1]}"
        roll = rng.random()
        visible = user.visible_messages
        with_buttons = [m for m in visible if m.inline_keyboard]
        if roll < 0.30:
            text = _random_text(rng, token if rng.random() < 0.5 else walker.secrets[0])
            return "text", lambda: person.send(text), "reply"
        if roll < 0.40:
            command = rng.choice(_COMMANDS)
            return "command", lambda: person.send(command), "reply"
        if roll < 0.47 and visible:
            labels = [b.text for m in visible[-3:] for b in m.buttons] or ["?"]
            label = rng.choice(labels)
            return "typed label", lambda: person.send(label), "reply"
        if roll < 0.60 and with_buttons:
            message = with_buttons[-1]
            button = rng.choice(message.buttons)
            if button.callback_data is not None:
                data = button.callback_data
                return "button", lambda: person.press_data(data, message), "answer"
        if roll < 0.66 and len(with_buttons) > 1:
            message = rng.choice(with_buttons[:-1])
            data = rng.choice(message.buttons).callback_data or "?"
            return "stale button", lambda: person.press_data(data, message), "answer"
        if roll < 0.78 and visible:
            data = _random_callback(rng, walker.flow, walker.state)
            return "forged button", lambda: person.press_data(data), "answer"
        media: list[tuple[str, Callable[[], Awaitable[int]]]] = [
            ("sticker", lambda: user.send_sticker(rng.choice(("👍", "🙏", "")))),
            ("photo", lambda: user.send_photo(caption=rng.choice((None, "", token)))),
            (
                "document",
                lambda: user.send_document(
                    rng.choice((b"%PDF-1.4 x", b"MZ\x90\x00", b"")) or b"\x00",
                    rng.choice(("a.pdf", "virus.exe", "", "../../x", "ب.docx")) or "x",
                    rng.choice(("application/pdf", "application/x-msdownload", "")),
                ),
            ),
            ("voice", lambda: user.send_voice(duration=rng.randint(0, 600))),
            (
                "location",
                lambda: user.send_location(rng.uniform(-90, 90), rng.uniform(-180, 180)),
            ),
            (
                "contact",
                lambda: user.send_contact(
                    rng.choice((None, "+6281200000000", "0", "", "+1 (555) 010-999")) or "x",
                    own=rng.random() < 0.5,
                ),
            ),
        ]
        if roll < 0.90:
            name, send = rng.choice(media)
            return name, lambda: person.do(send()), "reply"
        if roll < 0.94 and user.last_text_message_id is not None:
            message_id = user.last_text_message_id
            text = _random_text(rng, token)
            return "edit", lambda: person.do(user.edit(message_id, text)), "reply"
        if roll < 0.97:
            old, new = rng.choice(
                (("member", "kicked"), ("kicked", "member"), ("member", "left"), ("left", "member"))
            )

            async def member_change() -> list[SentMessage]:
                replies = await person.do(user.change_membership(old, new))
                if new != "member":  # she comes back: her next message says so anyway
                    replies += await person.do(user.change_membership(new, "member"))
                return replies

            return "my_chat_member", member_change, "nothing"
        text = _random_text(rng, token)

        async def channel_post() -> list[SentMessage]:
            update_id = await self.harness.emulator.post_in_channel(text, edited=rng.random() < 0.3)
            await self.harness.processed(update_id)
            return []

        return "channel post", channel_post, "nothing"


def start_update_ids_high(harness: Harness) -> None:
    """Make update ids recognisable (see FIRST_UPDATE_ID)."""
    state = harness.emulator.state
    state._next_update_id = max(state._next_update_id, FIRST_UPDATE_ID)


async def fuzz(
    harness: Harness,
    db: Database,
    *,
    updates: int,
    seed: int,
    walkers_per_step: int = 1,
    fail_fast: bool = True,
) -> FuzzRun:
    """Walkers at every step of every flow, then `updates` random updates; logs checked."""
    start_update_ids_high(harness)
    fuzzer = Fuzzer(harness, db, seed=seed, fail_fast=fail_fast)
    with watching_logs() as watch:
        walkers = [
            await fuzzer.walker(flow, state, index)
            for index in range(walkers_per_step)
            for flow, state in STEPS
        ]
        run = await fuzzer.walk(walkers, updates)
    fuzzer.check_logs(watch)
    run.log_lines = len(watch.lines)
    return run
