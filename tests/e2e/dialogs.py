"""Dialog steps many tests share, written the way a person would go through them."""

from __future__ import annotations

from datetime import datetime, timedelta

from berdaya_sandbox.emulator import SentMessage
from bot.services import registration, staff
from bot.storage.db import Database
from bot.storage.models import StaffRole
from tests.harness import Harness, Person

# Made-up NIKs: Bojonegoro (3522), district 01, born 14 Aug 1990 (women: day + 40).
NIK_SITI = "3522015408900001"
NIK_SARI = "3507016108850002"  # Kab. Malang, born 21 Aug 1985 (day + 40)


async def register_herself(
    person: Person,
    *,
    language_button: str = "Bahasa Indonesia",
    nik: str = NIK_SITI,
    region_typed: str = "bojonegoro",
    save: bool = True,
) -> None:
    """Self-registration from /start to the saved record, answering every question."""
    await person.send("/start")
    await person.press(language_button)
    await person.press(person.last.button_labels[0])  # consent
    await person.press(person.last.button_labels[1])  # register on my own
    await person.send("Siti Rahayu")
    await person.send(nik)
    await person.send(region_typed)
    await person.send("Menjahit di UPT Bina Daksa Pasuruan")
    await person.send("Jahit seragam")
    skip = person.last.reply_keyboard[-1][0].text if person.last.reply_keyboard else ""
    await person.send(skip)
    if save:
        await person.press(person.last.button_labels[0])  # save


async def invited_client(
    harness: Harness,
    db: Database,
    *,
    first_name: str = "Siti",
    full_name: str = "Siti Rahayu",
    nik: str = NIK_SITI,
    region: str = "3522",
    language_code: str | None = "id",
    language_button: str = "Bahasa Indonesia",
) -> Person:
    """A client invited by her caseworker, who has opened the deep link and consented."""
    now = harness.clock.now()
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session, full_name=full_name, nik=nik, region_code=region, now=now, today=now.date()
        )
    person = harness.person(first_name, language_code)
    await person.send(f"/start {invitation.code}")
    await person.press(language_button)
    await person.press(person.last.button_labels[0])  # consent
    return person


async def file_report(
    person: Person,
    *,
    status_index: int = 0,
    income: str = "3jt",
    employees: str = "2",
    obstacles: tuple[int, ...] = (),
) -> list[SentMessage]:
    """A whole report by buttons, with the income typed; returns the bot's final answer."""
    await person.send("/lapor")
    await person.press(person.last.button_labels[status_index])
    await person.send(income)
    await person.press(employees)
    for index in obstacles:
        await person.press(person.last.button_labels[index])
    await person.press(person.last.button_labels[-1])  # no obstacles / continue
    await person.press(person.last.button_labels[-1])  # skip the photo
    return await person.press(person.last.button_labels[0])  # save


async def staff_member(
    harness: Harness,
    db: Database,
    *,
    role: StaffRole = StaffRole.CASEWORKER,
    first_name: str = "Bu Ani",
    full_name: str = "Ani Pendamping",
    regions: tuple[str, ...] = ("3522",),
) -> Person:
    """A staff member already linked to Telegram, who has written to the bot once."""
    person = harness.person(first_name, "id")
    async with db.transaction() as session:
        await staff.add_staff(
            session,
            telegram_id=person.id,
            role=role,
            full_name=full_name,
            now=harness.clock.now(),
            region_codes=regions,
        )
    await person.send("/start")
    return person


async def program_row(db: Database, *, at: datetime, name: str = "UEP Menjahit 2026") -> int:
    """An open program anyone may apply to, closing in 30 days: a yes/no, a number and a choice
    question, then a photo and a PDF."""
    from bot.domain.vocabulary import DocumentKind, QuestionKind
    from bot.services import programs
    from bot.services.programs import ProgramSpec, Question, RequiredDocument

    spec = ProgramSpec(
        name=name,
        questions=(
            Question("Apakah usaha Anda masih berjalan?", QuestionKind.YES_NO, qualifying=("yes",)),
            Question("Sudah berapa tahun usaha Anda berjalan?", QuestionKind.NUMBER, minimum=1),
            Question(
                "Apa jenis usaha Anda?",
                QuestionKind.CHOICE,
                options=("Jahit", "Kuliner", "Lainnya"),
                qualifying=("Jahit",),
            ),
        ),
        documents=(
            RequiredDocument("Foto KTP", DocumentKind.PHOTO),
            RequiredDocument("Surat keterangan usaha", DocumentKind.PDF),
        ),
        deadline=at + timedelta(days=30),
    )
    async with db.transaction() as session:
        saved = await programs.save_program(session, spec=spec, now=at)
    assert saved.program is not None
    return saved.program.id


# -- casework rows made directly (staff check-in tests need no check-in or alert service) -------


async def client_row(
    db: Database,
    *,
    full_name: str,
    at: datetime,
    region: str = "3522",
    telegram_id: int | None = None,
    consent: bool = True,
) -> int:
    """A verified client record; with a Telegram id also a consenting, linked user."""
    from bot.storage.models import Client, ClientOrigin, ClientStatus, User

    async with db.transaction() as session:
        user_id = None
        if telegram_id is not None:
            user = User(
                telegram_id=telegram_id, language="id", created_at=at, consent_active=consent
            )
            session.add(user)
            await session.flush()
            user_id = user.id
        client = Client(
            full_name=full_name,
            region_code=region,
            status=ClientStatus.VERIFIED.value,
            origin=ClientOrigin.INVITED.value,
            user_id=user_id,
            created_at=at,
            verified_at=at,
        )
        session.add(client)
        await session.flush()
        return client.id


async def report_row(
    db: Database, *, client_id: int, status: str, at: datetime, income: int = 1_000_000
) -> None:
    """A business report filed at `at`."""
    from bot.storage.models import BusinessReport

    async with db.transaction() as session:
        session.add(
            BusinessReport(
                client_id=client_id,
                business_status=status,
                monthly_income=income,
                employees=0,
                obstacles="",
                created_at=at,
            )
        )


async def checkin_row(
    db: Database,
    *,
    client_id: int,
    status: str,
    sent_at: datetime,
    sequence: int = 0,
    resolved_at: datetime | None = None,
) -> None:
    """A check-in sent at `sent_at`; a missed one is resolved 7 days later, an answered one
    at `resolved_at`."""
    from bot.storage.models import CheckIn, CheckInStatus

    missed = status == CheckInStatus.MISSED.value
    async with db.transaction() as session:
        session.add(
            CheckIn(
                client_id=client_id,
                sequence=sequence,
                due_at=sent_at,
                status=status,
                sent_at=sent_at,
                last_sent_at=sent_at,
                resolved_at=sent_at + timedelta(days=7) if missed else resolved_at,
            )
        )


async def alert_row(
    db: Database, *, client_id: int, kind: str, at: datetime, claimed_by: int | None = None
) -> None:
    """An open alert about a client, claimed by a staff id or not."""
    from bot.storage.models import Alert

    async with db.transaction() as session:
        session.add(
            Alert(
                client_id=client_id,
                kind=kind,
                event_key=f"test:{client_id}:{kind}:{at.isoformat()}",
                created_at=at,
                claimed_by_staff_id=claimed_by,
                claimed_at=at if claimed_by else None,
            )
        )


# -- check-ins and alerts ------------------------------------------------------------------------


async def finish_report(person: Person, *, income: str = "3jt") -> list[SentMessage]:
    """The rest of a report whose status is already chosen; returns the bot's final answer."""
    await person.send(income)
    await person.press("0")
    await person.press("Tidak ada kendala")
    await person.press("⏭️ Lewati")
    return await person.press("✅ Simpan")


async def blocks_the_bot(harness: Harness, person: Person) -> None:
    """The person blocks the bot; returns once the bot has handled Telegram's notice of it."""
    # block() queues exactly one my_chat_member update, with the next update id.
    update_id = harness.emulator.state._next_update_id
    harness.emulator.block(person.id)
    await harness.processed(update_id)
