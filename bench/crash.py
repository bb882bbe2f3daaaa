"""Crash bench: the bot killed with SIGKILL at random moments while people use it.

    .venv/bin/python -m bench.crash                       # 50 kills, SQLite in a temporary folder
    .venv/bin/python -m bench.crash --kills 50 --seed 7 --json crash.json
    .venv/bin/python -m bench.crash --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL, a fresh database is created on that server for the run and dropped
afterwards (the URL's own database is only used to create it).

The bot is a real `berdaya run` process (bench/crash_child.py: the production bot with the
check-in tick every 2 s instead of every minute) against the local Bot API emulator. Rounds of
work run side by side, each with new people:

- registration: people going through the whole self-registration dialog (each registration
  also alerts every caseworker of the area: "waiting for verification");
- reports: invited clients filing a report that their business has stopped, which alerts the
  area's caseworkers (20 by default): an alert fan-out;
- a check-in tick: 20 clients made due at the round's start, asked by the scheduler's tick;
- a flood: one person sending 300 messages at once (the backlog cap is raised above 300 for the
  bench, so every one of them must be answered and can be counted).

The first round runs without kills: its transcripts are what a crash-free run produces. Then a
killer kills the bot `--kills` times: each time it waits for the new process to lead, then picks
a target at random (a random moment, or just after the n-th message of a registration, a
report, the alert fan-out, the check-in fan-out or the flood), kills, and starts it again at
once. After the last restart the bench waits until everything is handled and compares:

- updates lost: updates the people sent that the inbox never handled (goal 0);
- messages lost: a message of the crash-free transcript missing from a chat (goal 0);
- messages duplicated: a message of the crash-free transcript arriving more often than there
  (at most one per kill), each named;
- unexpected messages: anything the crash-free run never sent (e.g. an apology);
- delay after restart: seconds from a restart until everything the people had sent by then is
  handled and every reply queued by then is out; the worst one that finished before the next
  kill, and the one after the last kill.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.databases import drop_postgres, fresh_postgres
from berdaya_sandbox.emulator import BotApiEmulator, SentMessage, SimulatedUser
from bot.storage.crypto import Keys, new_key
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:CRASH-BENCH-berdaya"
STEP_TIMEOUT = 240.0  # one dialog step, however many kills it lives through
SETTLE_TIMEOUT = 300.0
EVENT_TIMEOUT = 6.0  # a kill waiting for an event that does not come falls back to now
CASEWORKER_REGION = "3522"  # Kab. Bojonegoro: the registrations and reports are there too
CHECKIN_REGION = "3507"
TARGETS = ("moment", "registration", "report", "alert", "checkin", "flood")

# Self-registration, as tests/e2e/dialogs.register_herself goes through it.
REGISTRATION: list[tuple[str, str, str]] = [
    ("send", "/start", "Pilih bahasa"),
    ("press", "Bahasa Indonesia", "Sebelum mulai"),
    ("press", "✅ Saya setuju", "kode undangan"),
    ("press", "📝 Daftar sendiri", "nama lengkap"),
    ("send", "{name}", "Ketik NIK"),
    ("send", "{nik}", "kabupaten/kota mana"),
    ("send", "bojonegoro", "Pelatihan apa"),
    ("send", "Menjahit di UPT Bina Daksa Pasuruan", "Apa usaha Anda sekarang"),
    ("send", "Jahit seragam", "nomor HP"),
    ("send", "Lewati", "Periksa data Anda"),
    ("press", "✅ Simpan", "Pendaftaran Anda tersimpan"),
]
# An invited client's report that her business has stopped (an alert to the caseworkers).
REPORT: list[tuple[str, str, str]] = [
    ("send", "/start {code}", "Pilih bahasa"),
    ("press", "Bahasa Indonesia", "Sebelum mulai"),
    ("press", "✅ Saya setuju", "Apa yang ingin Anda lakukan?"),
    ("send", "/lapor", "keadaan usaha Anda bulan ini"),
    ("press", "⏸️ Berhenti sementara", "penghasilan bersih"),
    ("send", "0", "karyawan"),
    ("press", "2", "kendala utama"),
    ("press", "Tidak ada kendala", "foto produk"),
    ("press", "⏭️ Lewati", "Ringkasan laporan"),
    ("press", "✅ Simpan", "Laporan Anda sudah tersimpan"),
]
FLOOD_ANSWER = "Tekan Mulai"
CHECKIN_QUESTION = "keadaan usaha Anda bulan ini"


# Each person who registers or reports has a name of her own, so that the alert each one raises
# can be told apart in a caseworker's chat (and a duplicate traced to its kill).
FIRST_NAMES = ("Siti", "Sri", "Dewi", "Nur", "Rina", "Ani", "Tri", "Yuli", "Lina", "Wati")
LAST_NAMES = ("Rahayu", "Wahyuni", "Lestari", "Aini", "Marlina", "Susanti", "Handayani", "Astuti")
NAME = re.compile(rf"\b(?:{'|'.join(FIRST_NAMES)}) (?:{'|'.join(LAST_NAMES)})\b")


def named(message: SentMessage) -> str:
    """A message as compared between runs: numbers (NIKs, dates, ids) do not count."""
    body = message.text if message.has_text else f"[media] {message.caption}"
    return re.sub(r"\d+", "#", body).strip()


def normal(message: SentMessage) -> str:
    """The same, and which person a message names does not count either."""
    return NAME.sub("<nama>", named(message))


def daytime_zone() -> str:
    """A time zone where it is about noon now (check-ins are not sent at night)."""
    offset = 12 - datetime.now(UTC).hour
    offset = (offset + 12) % 24 - 12  # -12 … +11
    if offset == 0:
        return "UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # Etc/GMT-7 is UTC+7


@dataclass
class Kill:
    """One SIGKILL."""

    number: int
    target: str
    at: float  # seconds since the bench started
    after_ready: float  # seconds the process had been leading
    active: list[str]


@dataclass
class Restart:
    """One start of the bot, and how long until it had caught up."""

    at: float
    last_update: int  # the newest update the people had sent at the start
    delay: float | None = None  # None: killed before it caught up
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Chat:
    """A person of the bench, and what she is."""

    role: str
    user: SimulatedUser
    round: int


@dataclass
class Figures:
    """What the bench found."""

    backend: str
    kills: int = 0
    kills_by_target: dict[str, int] = field(default_factory=dict)
    rounds: int = 0
    updates_sent: int = 0
    updates_lost: int = 0
    updates_dropped: int = 0
    inbox: dict[str, int] = field(default_factory=dict)
    messages_expected: int = 0
    messages_received: int = 0
    messages_lost: int = 0
    lost: list[str] = field(default_factory=list)
    messages_duplicated: int = 0
    duplicated: list[str] = field(default_factory=list)
    unexpected: int = 0
    unexpected_texts: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    worst_delay_s: float | None = None
    final_delay_s: float | None = None
    restarts_caught_up: int = 0
    restarts_killed_first: int = 0
    seconds: float = 0.0


class Probe:
    """Read-only questions to the bot's database while it runs (on SQLite without taking the
    write lock the bot's own transactions take)."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = make_url(url).database
        self.sqlite = path if make_url(url).get_backend_name() == "sqlite" else None
        self._db = None if self.sqlite else Database(url, key_file=False)

    async def one(self, sql: str, **params: Any) -> Any:
        if self.sqlite is not None:
            return await asyncio.to_thread(self._sqlite_one, sql, params)
        assert self._db is not None
        async with self._db.engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite is not None:
            return await asyncio.to_thread(self._sqlite_rows, sql)
        assert self._db is not None
        async with self._db.engine.connect() as conn:
            return [tuple(r) for r in (await conn.execute(text(sql))).all()]

    def _sqlite_one(self, sql: str, params: dict[str, Any]) -> Any:
        with contextlib.closing(sqlite3.connect(f"file:{self.sqlite}?mode=ro", uri=True)) as c:
            c.execute("PRAGMA busy_timeout=10000")
            row = c.execute(sql, params).fetchone()
            return row[0] if row else None

    def _sqlite_rows(self, sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(f"file:{self.sqlite}?mode=ro", uri=True)) as c:
            c.execute("PRAGMA busy_timeout=10000")
            return [tuple(r) for r in c.execute(sql).fetchall()]

    async def caught_up(self, last_update: int, since: datetime) -> bool:
        """Everything sent up to `last_update` is handled and what was queued before `since`
        is out (on SQLite `since` is compared as stored: naive UTC text)."""
        pending = await self.one(
            "SELECT count(*) FROM inbox WHERE status = 'pending' AND update_id <= :u",
            u=last_update,
        )
        stored = await self.one("SELECT count(*) FROM inbox WHERE update_id <= :u", u=last_update)
        if pending or (stored or 0) < last_update:
            return False
        stamp: Any = since if self.sqlite is None else since.strftime("%Y-%m-%d %H:%M:%S.%f")
        waiting = await self.one(
            "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') "
            "AND created_at <= :t",
            t=stamp,
        )
        return not waiting

    async def close(self) -> None:
        if self._db is not None:
            await self._db.dispose()


class Bench:
    """The emulator, the bot process, the people, and the killer."""

    def __init__(self, args: argparse.Namespace, url: str, workdir: Path) -> None:
        self.args = args
        self.url = url
        self.workdir = workdir
        self.rng = random.Random(args.seed)
        self.emulator = BotApiEmulator(token=TOKEN, bot_username="berdaya_crash_bot")
        data_key, hmac_key = new_key(), new_key()
        self.keys = Keys.from_text([data_key], hmac_key)
        self.db = Database(url, keys=self.keys)
        self.probe = Probe(url)
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": url,
            "BERDAYA_RATE_LIMIT": "0",
            "BERDAYA_API_TIMEOUT": "1",
            "BERDAYA_BACKLOG_CAP": str(max(1000, 2 * args.flood)),
            "BERDAYA_TIMEZONE": daytime_zone(),
            "BERDAYA_DATA_KEYS": data_key,
            "BERDAYA_HMAC_KEY": hmac_key,
        }
        self.log = workdir / "bot.log"
        self.process: asyncio.subprocess.Process | None = None
        self.leading = asyncio.Event()
        self.started = time.monotonic()
        self.chats: list[Chat] = []
        self.by_id: dict[int, Chat] = {}
        self.caseworkers: list[SimulatedUser] = []
        self.kills: list[Kill] = []
        self.restarts: list[Restart] = []
        self.stuck: list[str] = []
        self.active: Counter[str] = Counter()
        self.killing = False
        self._armed: tuple[str, int] | None = None
        self._seen: Counter[str] = Counter()
        self._trigger = asyncio.Event()
        self._serial = 0
        self._names = 0
        self._reader: asyncio.Task[None] | None = None
        self._caseworker_ids: set[int] = set()
        self.arrivals: dict[tuple[int, str], list[float]] = {}

    def now(self) -> float:
        return time.monotonic() - self.started

    # -- the bot process ---------------------------------------------------------------------

    async def start_bot(self) -> None:
        """Start the bot and wait until it leads (polls)."""
        self.leading.clear()
        last = self.emulator.state._next_update_id - 1
        self.restarts.append(Restart(at=self.now(), last_update=last))
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.crash_child",
            cwd=ROOT,
            env={**self.env, "TELEGRAM_API_URL": self.emulator.base_url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read(self.process))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.leading.wait(), 30)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        with self.log.open("ab") as sink:
            async for line in process.stdout:
                sink.write(line)
                if b"this process is the leader" in line:
                    self.leading.set()

    async def kill_bot(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
        await process.wait()
        if self._reader is not None:
            await self._reader

    async def stop_bot(self) -> None:
        """A clean stop at the end (SIGTERM)."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._reader is not None:
            await self._reader

    # -- watching ----------------------------------------------------------------------------

    def on_message(self, event: str, chat_id: int, message: SentMessage) -> None:
        if event != "sent":
            return
        self.arrivals.setdefault((chat_id, named(message)), []).append(self.now())
        chat = self.by_id.get(chat_id)
        role = "alert" if chat_id in self._caseworker_ids else chat.role if chat else None
        if role is None:
            return
        self._seen[role] += 1
        if (
            self._armed is not None
            and self._armed[0] == role
            and self._seen[role] >= self._armed[1]
        ):
            self._trigger.set()

    async def watch_restarts(self) -> None:
        """For the newest restart: how long until the bot had caught up."""
        while True:
            await asyncio.sleep(0.25)
            current = self.restarts[-1] if self.restarts else None
            if current is None or current.delay is not None:
                continue
            since = datetime.now(UTC) - timedelta(seconds=self.now() - current.at)
            try:
                done = await self.probe.caught_up(current.last_update, since)
            except Exception:  # the database busy, or not migrated yet: look again
                continue
            if done and self.restarts[-1] is current:
                current.delay = self.now() - current.at
                current.done.set()

    # -- people ------------------------------------------------------------------------------

    def person(self, role: str, round_number: int, name: str) -> SimulatedUser:
        user = self.emulator.user(first_name=name, language_code="id")
        chat = Chat(role, user, round_number)
        self.chats.append(chat)
        self.by_id[user.id] = chat
        return user

    def next_name(self) -> str:
        """A full name no other person of the bench has."""
        self._names += 1
        first = FIRST_NAMES[self._names % len(FIRST_NAMES)]
        return f"{first} {LAST_NAMES[self._names // len(FIRST_NAMES) % len(LAST_NAMES)]}"

    def next_nik(self) -> str:
        """A valid, unused NIK of Kab. Bojonegoro (a woman born 14 Aug 1990)."""
        self._serial += 1
        return f"352201540890{self._serial:04d}"

    async def step(self, user: SimulatedUser, kind: str, value: str, expected: str) -> bool:
        before = len(user.messages)
        if kind == "send":
            await user.send(value)
        else:
            press = _pressable(user, value)
            if press is None:
                self.stuck.append(f"{user.first_name}: no button {value!r}")
                return False
            await user.press(value, message=press)
        arrived = await self.emulator.wait_for(
            lambda: any(expected in m.text for m in user.messages[before:]), STEP_TIMEOUT
        )
        if not arrived:
            self.stuck.append(f"{user.first_name}: no {expected!r} after {value!r}")
        return arrived

    async def dialog(
        self, user: SimulatedUser, role: str, steps: list[tuple[str, str, str]], **values: str
    ) -> None:
        self.active[role] += 1
        try:
            for kind, value, expected in steps:
                if not await self.step(user, kind, value.format(**values), expected):
                    return
        finally:
            self.active[role] -= 1

    async def registration(self, round_number: int, index: int) -> None:
        user = self.person("registration", round_number, f"Daftar{round_number}_{index}")
        await self.dialog(
            user, "registration", REGISTRATION, nik=self.next_nik(), name=self.next_name()
        )

    async def report(self, round_number: int, index: int, code: str) -> None:
        user = self.person("report", round_number, f"Lapor{round_number}_{index}")
        await self.dialog(user, "report", REPORT, code=code)

    async def flood(self, round_number: int) -> None:
        user = self.person("flood", round_number, f"Banjir{round_number}")
        self.active["flood"] += 1
        try:
            for number in range(self.args.flood):
                await user.send(f"pesan {number}")
            count = self.args.flood
            done = await self.emulator.wait_for(
                lambda: sum(FLOOD_ANSWER in m.text for m in user.messages) >= count,
                STEP_TIMEOUT,
            )
            if not done:
                self.stuck.append(f"{user.first_name}: flood not answered")
        finally:
            self.active["flood"] -= 1

    async def checkin_tick(self, round_number: int) -> None:
        users = [
            self.person("checkin", round_number, f"Tanya{round_number}_{i}")
            for i in range(self.args.checkins)
        ]
        for user in users:  # they have opened the bot before (the emulator lets it write)
            self.emulator.state.chats[user.id].started = True
        await self._due_clients(users)
        self.active["checkin"] += 1
        try:
            done = await self.emulator.wait_for(
                lambda: all(any(CHECKIN_QUESTION in m.text for m in u.messages) for u in users),
                STEP_TIMEOUT,
            )
            if not done:
                self.stuck.append(f"check-ins of round {round_number} not all asked")
        finally:
            self.active["checkin"] -= 1

    async def _due_clients(self, users: list[SimulatedUser]) -> None:
        from bot.storage.models import Client, User

        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            for user in users:
                account = User(
                    telegram_id=user.id,
                    language="id",
                    created_at=now - timedelta(days=40),
                    consent_active=True,
                )
                session.add(account)
                await session.flush()
                session.add(
                    Client(
                        full_name=f"Klien {user.first_name}",
                        region_code=CHECKIN_REGION,
                        status="verified",
                        origin="invited",
                        user_id=account.id,
                        created_at=now - timedelta(days=40),
                        verified_at=now - timedelta(days=40),
                        next_checkin_at=now - timedelta(minutes=1),
                        checkin_sequence=1,
                        checkin_cadence_days=30,
                    )
                )

    async def invitations(self, count: int) -> list[str]:
        from bot.services import registration

        now = datetime.now(UTC)
        codes = []
        async with self.db.transaction() as session:
            for _ in range(count):
                invitation = await registration.invite_client(
                    session,
                    full_name=self.next_name(),
                    nik=self.next_nik(),
                    region_code=CASEWORKER_REGION,
                    now=now,
                    today=now.date(),
                )
                codes.append(invitation.code)
        return codes

    async def add_caseworkers(self) -> None:
        from bot.services import staff
        from bot.storage.models import StaffRole

        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            for index in range(self.args.caseworkers):
                user = self.emulator.user(first_name=f"Pendamping{index}", language_code="id")
                self.emulator.state.chats[user.id].started = True
                await staff.add_staff(
                    session,
                    telegram_id=user.id,
                    role=StaffRole.CASEWORKER,
                    full_name=f"Pendamping {index}",
                    now=now,
                    region_codes=(CASEWORKER_REGION,),
                )
                self.caseworkers.append(user)
        self._caseworker_ids = {u.id for u in self.caseworkers}

    async def run_round(self, number: int) -> None:
        codes = await self.invitations(self.args.reports)
        work: list[Awaitable[None]] = [
            *(self.registration(number, i) for i in range(self.args.registrations)),
            *(self.report(number, i, code) for i, code in enumerate(codes)),
            self.checkin_tick(number),
            self.flood(number),
        ]
        await asyncio.gather(*work)

    # -- the killer --------------------------------------------------------------------------

    async def killer(self) -> None:
        for number in range(1, self.args.kills + 1):
            if not self.leading.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.leading.wait(), 30)
            ready = self.now()
            target = self.rng.choice(TARGETS)
            if target == "moment":
                await asyncio.sleep(self.rng.uniform(0.05, 4.0))
            else:
                limit = {
                    "registration": len(REGISTRATION) + 2,
                    "report": len(REPORT) + 2,
                    "alert": self.args.caseworkers * 2,
                    "checkin": self.args.checkins,
                    "flood": self.args.flood,
                }[target]
                self._trigger.clear()
                self._armed = (target, self._seen[target] + self.rng.randint(1, max(1, limit)))
                try:
                    await asyncio.wait_for(self._trigger.wait(), EVENT_TIMEOUT)
                except TimeoutError:
                    target = f"moment ({target} idle)"
                self._armed = None
            active = sorted(role for role, n in self.active.items() if n > 0)
            self.kills.append(Kill(number, target, self.now(), self.now() - ready, active))
            await self.kill_bot()
            await self.start_bot()

    # -- the end -----------------------------------------------------------------------------

    async def settle(self) -> None:
        """Wait until the inbox and the outbox are empty and Telegram holds nothing."""
        deadline = self.now() + SETTLE_TIMEOUT
        while self.now() < deadline:
            pending = await self.probe.one("SELECT count(*) FROM inbox WHERE status = 'pending'")
            waiting = await self.probe.one(
                "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
            )
            if not pending and not waiting and self.emulator.pending_updates == 0:
                return
            seen = self.emulator.activity
            await self.emulator.wait_for(_changed(self.emulator, seen), 2)


def _changed(emulator: BotApiEmulator, seen: int) -> Callable[[], bool]:
    return lambda: emulator.activity != seen


def _pressable(user: SimulatedUser, label: str) -> SentMessage | None:
    for message in reversed(user.visible_messages):
        if message.find_button(label) is not None:
            return message
    return None


def _kill_before(kills: list[Kill], moment: float) -> str:
    earlier = [kill for kill in kills if kill.at <= moment]
    if not earlier:
        return "none"
    return f"#{earlier[-1].number} ({earlier[-1].target})"


def compare(bench: Bench, baseline: dict[str, Counter[str]], figures: Figures) -> None:
    """Each chat against the same chat of the crash-free round."""
    rounds = figures.rounds
    groups: list[tuple[str, SimulatedUser, Counter[str]]] = []
    for chat in bench.chats:
        groups.append((chat.role, chat.user, baseline[chat.role]))
    for user in bench.caseworkers:
        expected = Counter({k: v * rounds for k, v in baseline["caseworker"].items()})
        groups.append(("caseworker", user, expected))
    for role, user, expected in groups:
        name, messages = user.first_name, user.messages
        got = Counter(normal(m) for m in messages)
        variants = Counter(named(m) for m in messages)
        figures.messages_expected += sum(expected.values())
        figures.messages_received += len(messages)
        for body, count in expected.items():
            if got[body] < count:
                figures.messages_lost += count - got[body]
                figures.lost.append(f"{name} ({role}): {count - got[body]}× {body[:70]!r}")
            elif got[body] > count:
                figures.messages_duplicated += got[body] - count
                # Which copies are the extra ones: a caseworker gets each person's alert once,
                # a person each of her own messages as often as in the crash-free round.
                extra: list[tuple[str, float]] = []
                for variant in variants:
                    if NAME.sub("<nama>", variant) != body:
                        continue
                    once = 1 if role == "caseworker" else count
                    times = bench.arrivals.get((user.id, variant), [])[once:]
                    extra += [(variant, moment) for moment in times]
                for variant, moment in extra:
                    figures.duplicated.append(
                        f"{name} ({role}): {variant[:70]!r} again, "
                        f"after kill {_kill_before(bench.kills, moment)}"
                    )
        for body, count in got.items():
            if body not in expected:
                figures.unexpected += count
                figures.unexpected_texts.append(f"{name} ({role}): {count}× {body[:70]!r}")


async def run(args: argparse.Namespace, url: str, workdir: Path, backend: str) -> Figures:
    """The whole bench on one database."""
    bench = Bench(args, url, workdir)
    figures = Figures(backend=backend)
    migrate = Database(url, keys=bench.keys)
    await upgrade_to_head(migrate)
    await migrate.dispose()
    await bench.emulator.start()
    bench.emulator.add_listener(bench.on_message)
    watcher = asyncio.create_task(bench.watch_restarts())
    try:
        await bench.add_caseworkers()
        await bench.start_bot()
        print("round 0 (no kills) …", file=sys.stderr, flush=True)
        await bench.run_round(0)
        await bench.settle()
        baseline: dict[str, Counter[str]] = {}
        for chat in bench.chats:
            baseline.setdefault(chat.role, Counter(normal(m) for m in chat.user.messages))
        baseline["caseworker"] = Counter(normal(m) for m in bench.caseworkers[0].messages)
        killer = asyncio.create_task(bench.killer())
        number = 0
        while not killer.done():
            number += 1
            print(f"round {number} (kills so far: {len(bench.kills)}) …", file=sys.stderr)
            await bench.run_round(number)
        await killer
        figures.rounds = number + 1
        last = bench.restarts[-1]
        await bench.settle()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(last.done.wait(), SETTLE_TIMEOUT)
        await bench.stop_bot()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await bench.kill_bot()
        await bench.emulator.stop()
    statuses = dict(await bench.probe.rows("SELECT status, count(*) FROM inbox GROUP BY status"))
    await bench.probe.close()
    await bench.db.dispose()
    figures.kills = len(bench.kills)
    figures.kills_by_target = dict(Counter(k.target.split(" ")[0] for k in bench.kills))
    figures.updates_sent = bench.emulator.state._next_update_id - 1
    figures.inbox = {str(k): int(v) for k, v in statuses.items()}
    figures.updates_dropped = figures.inbox.get("dropped", 0)
    figures.updates_lost = (
        figures.updates_sent - figures.inbox.get("done", 0) - figures.updates_dropped
    )
    compare(bench, baseline, figures)
    figures.stuck = bench.stuck
    restarts = bench.restarts[1:]  # the first start is not after a kill
    finished = [r.delay for r in restarts if r.delay is not None]
    figures.restarts_caught_up = len(finished)
    figures.restarts_killed_first = len(restarts) - len(finished)
    figures.worst_delay_s = round(max(finished), 2) if finished else None
    figures.final_delay_s = round(last.delay, 2) if last.delay is not None else None
    figures.seconds = round(bench.now(), 1)
    (workdir / "kills.json").write_text(
        json.dumps([k.__dict__ for k in bench.kills], indent=1, ensure_ascii=False)
    )
    return figures


def table(figures: Figures) -> str:
    """The figures as a Markdown table, with the duplicates named."""
    targets = ", ".join(f"{k} {v}" for k, v in sorted(figures.kills_by_target.items()))
    received = f"{figures.messages_expected} / {figures.messages_received}"
    duplicated = f"{figures.messages_duplicated} (one per kill would be {figures.kills})"
    caught_up = f"{figures.restarts_caught_up} / {figures.restarts_killed_first}"
    rows = [
        ("backend", figures.backend),
        ("kills (SIGKILL), by target", f"{figures.kills} ({targets})"),
        ("rounds (the first without kills)", figures.rounds),
        ("updates sent by people", figures.updates_sent),
        ("updates lost", figures.updates_lost),
        ("updates dropped by the backlog cap", figures.updates_dropped),
        ("messages expected / received", received),
        ("messages lost", figures.messages_lost),
        ("messages duplicated", duplicated),
        ("unexpected messages", figures.unexpected),
        ("dialogs stuck", len(figures.stuck)),
        ("worst delay after a restart (of those caught up)", f"{figures.worst_delay_s} s"),
        ("delay after the last restart", f"{figures.final_delay_s} s"),
        ("restarts caught up / killed again first", caught_up),
        ("bench duration", f"{figures.seconds} s"),
    ]
    lines = ["| figure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    for title, items in (
        ("Duplicated", figures.duplicated),
        ("Lost", figures.lost),
        ("Unexpected", figures.unexpected_texts),
        ("Stuck", figures.stuck),
    ):
        if items:
            lines += ["", f"{title}:", *(f"- {item}" for item in items)]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    """The bench's options."""
    options = argparse.ArgumentParser(
        prog="python -m bench.crash", description=__doc__.split("\n")[0]
    )
    options.add_argument("--kills", type=int, default=50, help="how many SIGKILLs (default 50)")
    options.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    options.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server to use (a fresh database is made on it); SQLite when not given",
    )
    options.add_argument("--json", type=Path, help="also write the figures to this file")
    options.add_argument("--registrations", type=int, default=3, help="per round")
    options.add_argument("--reports", type=int, default=2, help="per round")
    options.add_argument("--caseworkers", type=int, default=20)
    options.add_argument("--checkins", type=int, default=20, help="clients due per round")
    options.add_argument("--flood", type=int, default=300, help="messages of the flood")
    options.add_argument("--keep", action="store_true", help="keep the work folder (the bot's log)")
    return options


async def main(argv: list[str] | None = None) -> Figures:
    """Run the bench; print the table; write the JSON."""
    args = parser().parse_args(argv)
    # A request cut off by a kill is expected here, not worth a traceback from the emulator.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    workdir = Path(tempfile.mkdtemp(prefix="berdaya-crash-"))
    admin = args.database_url
    if admin and make_url(admin).get_backend_name() == "postgresql":
        url, backend = await fresh_postgres(admin, "berdaya_crash"), "postgresql"
    else:
        url, backend = f"sqlite+aiosqlite:///{workdir / 'crash.db'}", "sqlite"
    try:
        figures = await run(args, url, workdir, backend)
    finally:
        if backend == "postgresql":
            await drop_postgres(admin, url)
    print(table(figures))
    print(f"(the bot's log and each kill: {workdir})" if args.keep else "", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(figures.__dict__, indent=1, ensure_ascii=False))
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return figures


if __name__ == "__main__":
    asyncio.run(main())
