"""Programs against a real database: the quota race, the rules at submission, the CSV import."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.domain.vocabulary import ApplicationStatus, DocumentKind, QuestionKind
from bot.services import programs
from bot.services.media import FileRef
from bot.services.programs import (
    Answer,
    Outcome,
    ProgramSpec,
    Question,
    RequiredDocument,
    SaveOutcome,
)
from bot.storage.db import Database
from bot.storage.models import Program, ProgramApplication
from tests.e2e.dialogs import client_row

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "programs_sample.csv"
RACERS = 20
ASKED = Question("Apakah usaha Anda masih berjalan?", QuestionKind.YES_NO, qualifying=("yes",))


async def _program(db: Database, *, quota: int | None, deadline_days: int = 30) -> int:
    spec = ProgramSpec(
        name="KUR Super Mikro",
        questions=(ASKED,),
        documents=(RequiredDocument("Foto KTP", DocumentKind.PHOTO),),
        quota=quota,
        deadline=NOW + timedelta(days=deadline_days),
    )
    async with db.transaction() as session:
        saved = await programs.save_program(session, spec=spec, now=NOW)
    assert saved.program is not None
    return saved.program.id


async def _submit(
    db: Database, client_id: int, program_id: int, *, answer: str = "yes", now: datetime = NOW
) -> Outcome:
    async with db.transaction() as session:
        done = await programs.submit_application(
            session,
            client_id=client_id,
            program_id=program_id,
            answers=[Answer(ASKED.text, answer)],
            files=[FileRef(f"ktp-{client_id}")],
            now=now,
        )
    return done.outcome


async def _statuses(db: Database) -> list[str]:
    async with db.transaction() as session:
        found = await session.execute(
            select(ProgramApplication.status).order_by(ProgramApplication.id)
        )
        return list(found.scalars())


async def test_twenty_concurrent_confirms_for_the_last_places_fill_exactly_the_quota(
    db: Database, backend: str
) -> None:
    """Twenty clients confirm at the same moment, each on its own connection, for the last 3
    of 10 places: exactly 3 get a place, 17 are waitlisted, and the places never exceed 10."""
    program_id = await _program(db, quota=10)
    early = [await client_row(db, full_name=f"Awal {i}", at=NOW) for i in range(7)]
    for client_id in early:
        assert await _submit(db, client_id, program_id) is Outcome.SUBMITTED
    racers = [await client_row(db, full_name=f"Peserta {i}", at=NOW) for i in range(RACERS)]
    start = asyncio.Event()
    in_flight, most = 0, 0

    async def confirm(client_id: int) -> Outcome:
        nonlocal in_flight, most
        await start.wait()
        async with db.transaction() as session:  # its own connection
            in_flight += 1
            most = max(most, in_flight)
            done = await programs.submit_application(
                session,
                client_id=client_id,
                program_id=program_id,
                answers=[Answer(ASKED.text, "yes")],
                files=[FileRef(f"ktp-{client_id}")],
                now=NOW,
            )
            in_flight -= 1
        return done.outcome

    tasks = [asyncio.create_task(confirm(client_id)) for client_id in racers]
    await asyncio.sleep(0)  # every task is waiting at the line
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert outcomes.count(Outcome.SUBMITTED) == 3
    assert outcomes.count(Outcome.WAITLISTED) == RACERS - 3
    statuses = await _statuses(db)
    assert statuses.count(ApplicationStatus.SUBMITTED) == 10
    assert statuses.count(ApplicationStatus.WAITLISTED) == RACERS - 3
    if backend == "postgresql":  # the confirms really overlapped, each on its connection
        assert most == RACERS


async def test_a_rejection_frees_a_place_for_the_waitlist_and_no_more(db: Database) -> None:
    from bot.services import staff
    from bot.storage.models import StaffRole

    program_id = await _program(db, quota=1)
    first, second, third = [await client_row(db, full_name=f"K {i}", at=NOW) for i in range(3)]
    assert await _submit(db, first, program_id) is Outcome.SUBMITTED
    assert await _submit(db, second, program_id) is Outcome.WAITLISTED
    assert await _submit(db, third, program_id) is Outcome.WAITLISTED
    async with db.transaction() as session:
        admin = await staff.add_staff(
            session, telegram_id=900, role=StaffRole.ADMIN, full_name="Admin", now=NOW
        )
        member = await staff.profile_of(session, admin)
        ids = list((await session.execute(select(ProgramApplication.id))).scalars())
        reviews = [
            await programs.open_review(session, application_id=i, member=member) for i in ids
        ]
        assert all(reviews)
        full = await programs.decide(
            session, review=reviews[1], member=member, op=programs.ReviewOp.ACCEPT, now=NOW
        )
        assert full.outcome is programs.DecisionOutcome.FULL
        await programs.decide(
            session,
            review=reviews[0],
            member=member,
            op=programs.ReviewOp.REJECT,
            reason="Usaha sudah tutup.",
            now=NOW,
        )
        moved = await programs.decide(
            session, review=reviews[1], member=member, op=programs.ReviewOp.ACCEPT, now=NOW
        )
        assert moved.outcome is programs.DecisionOutcome.DONE
        again = await programs.decide(
            session, review=reviews[2], member=member, op=programs.ReviewOp.REVIEW, now=NOW
        )
        assert again.outcome is programs.DecisionOutcome.FULL
    assert await _statuses(db) == ["rejected", "accepted", "waitlisted"]


async def test_the_rules_hold_at_submission_not_only_in_the_list(db: Database) -> None:
    program_id = await _program(db, quota=None, deadline_days=1)
    siti = await client_row(db, full_name="Siti", at=NOW)
    assert await _submit(db, siti, program_id, answer="no") is Outcome.NOT_QUALIFIED
    late = NOW + timedelta(days=1)
    assert await _submit(db, siti, program_id, now=late) is Outcome.CLOSED
    assert await _submit(db, siti, program_id) is Outcome.SUBMITTED
    assert await _submit(db, siti, program_id) is Outcome.ALREADY
    async with db.transaction() as session:
        await programs.set_open(session, program_id=program_id, is_open=False, now=NOW)
    sari = await client_row(db, full_name="Sari", at=NOW)
    assert await _submit(db, sari, program_id) is Outcome.CLOSED
    assert await _statuses(db) == ["submitted"]


async def test_the_sample_csv_imports_and_a_second_import_updates_by_name(db: Database) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    async with db.transaction() as session:
        report = await programs.import_csv(session, text=text, now=NOW)
    assert report.bad_rows == [] and len(report.created) >= 3
    async with db.transaction() as session:
        again = await programs.import_csv(session, text=text, now=NOW)
        found = {p.name: p for p in (await session.execute(select(Program))).scalars()}
    assert again.created == [] and sorted(again.updated) == sorted(report.created)
    uep = found["UEP Menjahit 2026"]
    assert uep.quota == 25 and uep.region_codes == ["3522", "3524"]
    assert [q["kind"] for q in uep.questions] == ["yes_no", "number", "choice"]
    assert [d["kind"] for d in uep.documents] == ["photo", "pdf"]
    assert uep.deadline is not None
    assert uep.deadline.astimezone(programs.WIB).strftime("%Y-%m-%d %H:%M") == "2026-12-31 23:59"


async def test_bad_rows_are_reported_with_their_line_and_the_good_rows_kept(
    db: Database,
) -> None:
    text = (
        "name,description,ppks_categories,regions,business_statuses,questions,documents,"
        "quota,deadline,open\n"
        "Pelatihan Kemasan,Untuk usaha makanan,,3522,,,photo|Foto produk,20,2026-12-31,yes\n"
        "Tanpa Wilayah,,,9999,,,,,,yes\n"
        "Kuota Aneh,,,,,,,banyak,,yes\n"
        "Pertanyaan Aneh,,,,,maybe|Apa?|ya,,,,yes\n"
        ",Tanpa nama,,,,,,,,yes\n"
        'Pilihan Salah,,,,,"choice|Jenis?|Batik|Jahit,Kuliner",,,,yes\n'
    )
    async with db.transaction() as session:
        report = await programs.import_csv(session, text=text, now=NOW)
    assert report.created == ["Pelatihan Kemasan"]
    assert [line for line, _why in report.bad_rows] == [3, 4, 5, 6, 7]
    reasons = dict(report.bad_rows)
    assert "kode wilayah" in reasons[3]
    assert "kuota" in reasons[4]
    assert "jenis pertanyaan" in reasons[5]
    assert "nama program" in reasons[6]
    assert "salah satu pilihan" in reasons[7]
    async with db.transaction() as session:
        names = list((await session.execute(select(Program.name))).scalars())
    assert names == ["Pelatihan Kemasan"]


def test_a_question_knows_which_answers_qualify() -> None:
    years = Question("Berapa tahun?", QuestionKind.NUMBER, minimum=1, maximum=10)
    assert [years.qualifies(a) for a in ("0", "1", "10", "11", "x")] == [
        False,
        True,
        True,
        False,
        False,
    ]
    kind = Question("Jenis?", QuestionKind.CHOICE, options=("A", "B", "C"), qualifying=("A", "C"))
    assert [kind.qualifies(a) for a in ("A", "B", "C")] == [True, False, True]
    assert not ASKED.qualifies("no") and ASKED.qualifies("yes")


async def test_a_name_already_used_by_another_program_is_refused(db: Database) -> None:
    await _program(db, quota=None)
    async with db.transaction() as session:
        other = await programs.save_program(session, spec=ProgramSpec(name="NIB OSS"), now=NOW)
        assert other.program is not None
        clash = await programs.save_program(
            session, spec=ProgramSpec(name="KUR Super Mikro"), now=NOW, program_id=other.program.id
        )
    assert clash.outcome is SaveOutcome.NAME_TAKEN
