"""Programs and applications: what administrators define, who may apply, and the rules that
hold at submission (deadline, quota, eligibility, one application per program).

**Places and the quota.** A program with a quota has that many *places*. An application takes
a place while it is submitted, under review or accepted (`PLACE_TAKING`); a rejected or
waitlisted one does not. At confirmation the program's row is locked (SELECT … FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers) and the places taken are counted: if
one is free the application is *submitted* (it holds a place until staff decide), otherwise it
is *waitlisted*. Staff can move a waitlisted application into a place only while one is free
(a rejection frees one). So a race of twenty for the last places ends with exactly `quota`
applications holding a place and the others waitlisted.

Reviewing: a caseworker reviews the applications of the clients she covers, an administrator
any. Every change is told to the client through the outbox, in her language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from html import escape
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.domain.reference import ppks_by_no, region_by_code
from bot.domain.text import tidy_text
from bot.domain.vocabulary import (
    APPLICATION_STATUS_LABELS,
    DOCUMENT_KIND_LABELS,
    PLACE_TAKING,
    ApplicationStatus,
    BusinessStatus,
    DocumentKind,
    QuestionKind,
)
from bot.i18n import N_, Translator, translator
from bot.services import alerts, audit, cases, media, outbox
from bot.services.audit import AuditAction, Subject
from bot.services.cases import Case
from bot.services.media import FileRef
from bot.services.overview import UNANSWERED_AFTER, DigestCounts, Provider, StatusItem
from bot.services.staff import StaffProfile
from bot.storage import alerts as alerts_repo
from bot.storage import programs as repo
from bot.storage import reports as reports_repo
from bot.storage import staff as staff_repo
from bot.storage.models import (
    Alert,
    AlertKind,
    Client,
    ClientEvent,
    ClientStatus,
    MediaFile,
    MediaOwner,
    Program,
    ProgramApplication,
)

WIB = ZoneInfo("Asia/Jakarta")
MAX_NAME = 120
MAX_DESCRIPTION = 1000
MAX_QUESTION = 300
MAX_OPTION = 40
MAX_OPTIONS = 8
MAX_QUESTIONS = 10
MAX_DOCUMENTS = 8
MAX_DOCUMENT_NAME = 60
MAX_REASON = 300
MAX_NUMBER = 1_000_000
YES, NO = "yes", "no"


# -- a program's definition ---------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """An eligibility question and the answers that qualify."""

    text: str
    kind: QuestionKind
    options: tuple[str, ...] = ()  # CHOICE: the choices offered
    qualifying: tuple[str, ...] = ()  # YES_NO: ("yes",) or ("no",); CHOICE: some options
    minimum: int | None = None  # NUMBER: the smallest answer that qualifies
    maximum: int | None = None  # NUMBER: the largest

    def qualifies(self, answer: str) -> bool:
        """True when this answer meets the condition."""
        if self.kind is QuestionKind.NUMBER:
            try:
                value = int(answer)
            except ValueError:
                return False
            low_ok = self.minimum is None or value >= self.minimum
            return low_ok and (self.maximum is None or value <= self.maximum)
        return answer in self.qualifying

    def condition(self, t: Translator) -> str:
        """The condition in words, for the person whose answer did not meet it."""
        _ = t.gettext
        if self.kind is QuestionKind.YES_NO:
            wanted = _("Ya") if self.qualifying == (YES,) else _("Tidak")
            return _("jawaban \u201c{answer}\u201d untuk: {question}").format(
                answer=wanted, question=self.text
            )
        if self.kind is QuestionKind.CHOICE:
            return _("salah satu dari {choices} untuk: {question}").format(
                choices=", ".join(self.qualifying), question=self.text
            )
        if self.minimum is not None and self.maximum is not None:
            rule = _("antara {low} dan {high}").format(low=self.minimum, high=self.maximum)
        elif self.minimum is not None:
            rule = _("paling sedikit {low}").format(low=self.minimum)
        else:
            rule = _("paling banyak {high}").format(high=self.maximum)
        return _("{rule} untuk: {question}").format(rule=rule, question=self.text)

    def to_json(self) -> dict[str, Any]:
        """As stored in programs.questions."""
        return {
            "text": self.text,
            "kind": self.kind.value,
            "options": list(self.options),
            "qualifying": list(self.qualifying),
            "minimum": self.minimum,
            "maximum": self.maximum,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        """From programs.questions."""
        return cls(
            text=str(data["text"]),
            kind=QuestionKind(data["kind"]),
            options=tuple(data.get("options") or ()),
            qualifying=tuple(data.get("qualifying") or ()),
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
        )


@dataclass(frozen=True)
class RequiredDocument:
    """A document she must send: a photo (e.g. of her KTP) or a PDF."""

    name: str
    kind: DocumentKind

    def to_json(self) -> dict[str, Any]:
        """As stored in programs.documents."""
        return {"name": self.name, "kind": self.kind.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RequiredDocument:
        """From programs.documents."""
        return cls(name=str(data["name"]), kind=DocumentKind(data["kind"]))


@dataclass(frozen=True)
class ProgramSpec:
    """Everything an administrator defines about a program."""

    name: str
    description: str = ""
    ppks_categories: tuple[int, ...] = ()  # empty: any
    region_codes: tuple[str, ...] = ()  # empty: any
    business_statuses: tuple[BusinessStatus, ...] = ()  # empty: any
    questions: tuple[Question, ...] = ()
    documents: tuple[RequiredDocument, ...] = ()
    quota: int | None = None
    deadline: datetime | None = None
    is_open: bool = True


def questions_of(program: Program) -> list[Question]:
    """A program's eligibility questions."""
    return [Question.from_json(q) for q in program.questions or []]


def documents_of(program: Program) -> list[RequiredDocument]:
    """A program's required documents."""
    return [RequiredDocument.from_json(d) for d in program.documents or []]


def spec_of(program: Program) -> ProgramSpec:
    """A stored program as a spec (to edit it)."""
    return ProgramSpec(
        name=program.name,
        description=program.description,
        ppks_categories=tuple(program.ppks_categories or ()),
        region_codes=tuple(program.region_codes or ()),
        business_statuses=tuple(BusinessStatus(s) for s in program.business_statuses or ()),
        questions=tuple(questions_of(program)),
        documents=tuple(documents_of(program)),
        quota=program.quota,
        deadline=program.deadline,
        is_open=program.is_open,
    )


def problems(spec: ProgramSpec) -> list[str]:
    """What is wrong with a program's definition (msgids with {placeholders} filled); empty
    when it may be saved."""
    found: list[str] = []
    if not spec.name.strip() or len(spec.name) > MAX_NAME:
        found.append(N_("nama program harus 1 sampai 120 huruf"))
    if len(spec.description) > MAX_DESCRIPTION:
        found.append(N_("keterangan paling banyak 1000 huruf"))
    if any(ppks_by_no(no) is None for no in spec.ppks_categories):
        found.append(N_("kategori PPKS harus nomor 1 sampai 26"))
    if any(region_by_code(code) is None for code in spec.region_codes):
        found.append(N_("kode wilayah harus kode kabupaten/kota Jawa Timur (35xx)"))
    if spec.quota is not None and not 1 <= spec.quota <= MAX_NUMBER:
        found.append(N_("kuota harus angka 1 sampai 1000000, atau kosong"))
    if spec.deadline is not None and spec.deadline.tzinfo is None:
        found.append(N_("batas waktu tanpa zona waktu"))
    if len(spec.questions) > MAX_QUESTIONS:
        found.append(N_("paling banyak 10 pertanyaan"))
    if len(spec.documents) > MAX_DOCUMENTS:
        found.append(N_("paling banyak 8 dokumen"))
    for question in spec.questions:
        if not question.text.strip() or len(question.text) > MAX_QUESTION:
            found.append(N_("pertanyaan harus 1 sampai 300 huruf"))
        if question.kind is QuestionKind.YES_NO and question.qualifying not in ((YES,), (NO,)):
            found.append(N_("jawaban ya/tidak yang memenuhi syarat harus yes atau no"))
        if question.kind is QuestionKind.CHOICE:
            options_ok = 2 <= len(question.options) <= MAX_OPTIONS and all(
                o.strip() and len(o) <= MAX_OPTION for o in question.options
            )
            if not options_ok or len(set(question.options)) != len(question.options):
                found.append(N_("pilihan jawaban: 2 sampai 8 pilihan berbeda, tiap pilihan pendek"))
            elif not question.qualifying or not set(question.qualifying) <= set(question.options):
                found.append(N_("jawaban yang memenuhi syarat harus salah satu pilihan"))
        if question.kind is QuestionKind.NUMBER:
            if question.minimum is None and question.maximum is None:
                found.append(N_("pertanyaan angka perlu batas terkecil atau terbesar"))
            elif (
                question.minimum is not None
                and question.maximum is not None
                and question.minimum > question.maximum
            ):
                found.append(N_("batas terkecil lebih besar dari batas terbesar"))
    for document in spec.documents:
        if not document.name.strip() or len(document.name) > MAX_DOCUMENT_NAME:
            found.append(N_("nama dokumen harus 1 sampai 60 huruf"))
    return found


def _apply_spec(program: Program, spec: ProgramSpec, now: datetime) -> None:
    program.name = spec.name.strip()
    program.description = spec.description.strip()
    program.ppks_categories = sorted(set(spec.ppks_categories))
    program.region_codes = sorted(set(spec.region_codes))
    program.business_statuses = [s.value for s in spec.business_statuses]
    program.questions = [q.to_json() for q in spec.questions]
    program.documents = [d.to_json() for d in spec.documents]
    program.quota = spec.quota
    program.deadline = spec.deadline
    program.is_open = spec.is_open
    program.updated_at = now


class SaveOutcome(StrEnum):
    """How saving a program's definition ended."""

    CREATED = "created"
    UPDATED = "updated"
    INVALID = "invalid"
    NAME_TAKEN = "name_taken"


@dataclass(frozen=True)
class Saved:
    """The outcome, the program, and what was wrong (msgids) when invalid."""

    outcome: SaveOutcome
    program: Program | None = None
    problems: tuple[str, ...] = ()


async def save_program(
    session: AsyncSession,
    *,
    spec: ProgramSpec,
    now: datetime,
    program_id: int | None = None,
    actor: StaffProfile | None = None,
) -> Saved:
    """Create a program, or change one (by id; else by name, for imports); recorded in the
    audit log as the actor's (None: `berdaya programs import` on the server)."""
    found = problems(spec)
    if found:
        return Saved(SaveOutcome.INVALID, problems=tuple(found))
    named = await repo.by_name(session, name=spec.name.strip())
    program = None
    if program_id is not None:
        program = await repo.get(session, program_id=program_id, lock=True)
        if named is not None and program is not None and named.id != program.id:
            return Saved(SaveOutcome.NAME_TAKEN)
    elif named is not None:
        program = named
    if program is not None:
        _apply_spec(program, spec, now)
        await _audit_program(session, actor, AuditAction.PROGRAM_SAVED, program.id, now)
        return Saved(SaveOutcome.UPDATED, program)
    program = Program(created_at=now)
    _apply_spec(program, spec, now)
    try:
        async with session.begin_nested():  # another administrator may use the name meanwhile
            await repo.add(session, program=program)
    except IntegrityError:
        return Saved(SaveOutcome.NAME_TAKEN)
    await _audit_program(session, actor, AuditAction.PROGRAM_SAVED, program.id, now)
    return Saved(SaveOutcome.CREATED, program)


async def _audit_program(
    session: AsyncSession,
    actor: StaffProfile | None,
    action: AuditAction,
    program_id: int,
    now: datetime,
) -> None:
    await audit.record(
        session, actor=actor, action=action, now=now, subject=Subject.PROGRAM, subject_id=program_id
    )


async def set_open(
    session: AsyncSession,
    *,
    program_id: int,
    is_open: bool,
    now: datetime,
    actor: StaffProfile | None = None,
) -> Program | None:
    """Open or close a program for applications (recorded as the actor's)."""
    program = await repo.get(session, program_id=program_id, lock=True)
    if program is not None:
        program.is_open, program.updated_at = is_open, now
        action = AuditAction.PROGRAM_OPENED if is_open else AuditAction.PROGRAM_CLOSED
        await _audit_program(session, actor, action, program.id, now)
    return program


async def all_programs(session: AsyncSession) -> list[Program]:
    """Every program (for administrators)."""
    return await repo.all_programs(session)


async def get_program(session: AsyncSession, *, program_id: int) -> Program | None:
    """One program."""
    return await repo.get(session, program_id=program_id)


# -- who may apply ------------------------------------------------------------------------------


def accepting(program: Program, now: datetime) -> bool:
    """Open, and its deadline (if any) not passed."""
    return program.is_open and (program.deadline is None or now < program.deadline)


def _fits(program: Program, client: Client, business_status: str | None) -> bool:
    """The program's who-may-apply: PPKS category, region and business status (an empty
    list allows anyone; a client with no report has no business status yet and does not fit
    a program that asks for one)."""
    if program.ppks_categories and client.ppks_category not in program.ppks_categories:
        return False
    if program.region_codes and client.region_code not in program.region_codes:
        return False
    return not program.business_statuses or business_status in program.business_statuses


async def _business_status(session: AsyncSession, client_id: int) -> str | None:
    latest = await reports_repo.latest(session, client_id=client_id, limit=1)
    return latest[0].business_status if latest else None


async def open_for(session: AsyncSession, *, client_id: int, now: datetime) -> list[Program]:
    """The open programs she may apply to and has not applied to yet."""
    client = await session.get(Client, client_id)
    if client is None or client.status == ClientStatus.ERASED.value:
        return []
    status = await _business_status(session, client_id)
    applied = await repo.applied_program_ids(session, client_id=client_id)
    return [
        p
        for p in await repo.open_programs(session, now=now)
        if p.id not in applied and _fits(p, client, status)
    ]


async def places_left(session: AsyncSession, *, program: Program) -> int | None:
    """Free places now (None: no quota). Shown in the list; decided again at confirmation."""
    if program.quota is None:
        return None
    taken = await repo.count_with_status(
        session, program_id=program.id, statuses=[s.value for s in PLACE_TAKING]
    )
    return max(program.quota - taken, 0)


class Gate(StrEnum):
    """Whether she may (go on) apply(ing) to a program now."""

    OK = "ok"
    CLOSED = "closed"  # closed, gone, or its deadline passed
    NOT_FOR_HER = "not_for_her"  # who-may-apply does not include her
    ALREADY = "already"  # she has applied already


async def gate(session: AsyncSession, *, client_id: int, program_id: int, now: datetime) -> Gate:
    """Checked at every step of an application (a deadline can pass in the middle)."""
    program = await repo.get(session, program_id=program_id)
    client = await session.get(Client, client_id)
    if program is None or client is None or not accepting(program, now):
        return Gate.CLOSED
    if program_id in await repo.applied_program_ids(session, client_id=client_id):
        return Gate.ALREADY
    if not _fits(program, client, await _business_status(session, client_id)):
        return Gate.NOT_FOR_HER
    return Gate.OK


# -- applying -----------------------------------------------------------------------------------


class Outcome(StrEnum):
    """How a confirmed application ended."""

    SUBMITTED = "submitted"  # a place is hers until staff decide
    WAITLISTED = "waitlisted"  # no place was free
    CLOSED = "closed"
    NOT_FOR_HER = "not_for_her"
    NOT_QUALIFIED = "not_qualified"  # an answer does not meet its condition
    CHANGED = "changed"  # the program's questions or documents changed meanwhile
    ALREADY = "already"


@dataclass(frozen=True)
class Submission:
    """What confirming did."""

    outcome: Outcome
    application_id: int | None = None
    alerted: bool = False


@dataclass(frozen=True)
class Answer:
    """One answer of hers, with the question as she saw it."""

    question: str
    answer: str


async def submit_application(
    session: AsyncSession,
    *,
    client_id: int,
    program_id: int,
    answers: Sequence[Answer],
    files: Sequence[FileRef],
    now: datetime,
) -> Submission:
    """Confirm an application: every rule is checked again here, with the program locked."""
    program = await repo.get(session, program_id=program_id, lock=True)
    client = await session.get(Client, client_id)
    if program is None or client is None or not accepting(program, now):
        return Submission(Outcome.CLOSED)
    if not _fits(program, client, await _business_status(session, client_id)):
        return Submission(Outcome.NOT_FOR_HER)
    questions, documents = questions_of(program), documents_of(program)
    if [a.question for a in answers] != [q.text for q in questions] or len(files) != len(documents):
        return Submission(Outcome.CHANGED)
    if not all(q.qualifies(a.answer) for q, a in zip(questions, answers, strict=True)):
        return Submission(Outcome.NOT_QUALIFIED)
    if program_id in await repo.applied_program_ids(session, client_id=client_id):
        return Submission(Outcome.ALREADY)
    status = ApplicationStatus.SUBMITTED
    if program.quota is not None:
        taken = await repo.count_with_status(
            session, program_id=program_id, statuses=[s.value for s in PLACE_TAKING]
        )
        if taken >= program.quota:
            status = ApplicationStatus.WAITLISTED
    application = ProgramApplication(
        program_id=program_id,
        client_id=client_id,
        status=status.value,
        answers=[{"question": a.question, "answer": a.answer} for a in answers],
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            await repo.add_application(session, application=application)
    except IntegrityError:
        return Submission(Outcome.ALREADY)
    labelled = [
        FileRef(f.file_id, f.kind, f.file_name, f.mime_type, label=d.name)
        for f, d in zip(files, documents, strict=True)
    ]
    await media.attach(
        session, owner=MediaOwner.APPLICATION, owner_id=application.id, files=labelled, now=now
    )
    session.add(
        ClientEvent(
            client_id=client_id,
            kind="application_" + status.value,
            note=program.name,
            created_at=now,
        )
    )
    alert = await alerts.raise_alert(
        session,
        client=client,
        kind=AlertKind.PROGRAM_APPLICATION,
        event_key=f"application:{application.id}",
        detail=program.name[:200],
        now=now,
    )
    outcome = Outcome.SUBMITTED if status is ApplicationStatus.SUBMITTED else Outcome.WAITLISTED
    return Submission(outcome, application.id, alerted=alert is not None)


# -- reviewing ----------------------------------------------------------------------------------


class ReviewOp(StrEnum):
    """What a review button does."""

    REVIEW = "r"
    ACCEPT = "a"
    REJECT = "x"
    WAITLIST = "w"


OP_STATUS = {
    ReviewOp.REVIEW: ApplicationStatus.UNDER_REVIEW,
    ReviewOp.ACCEPT: ApplicationStatus.ACCEPTED,
    ReviewOp.REJECT: ApplicationStatus.REJECTED,
    ReviewOp.WAITLIST: ApplicationStatus.WAITLISTED,
}
REVIEW_ACTIONS = {
    ApplicationStatus.UNDER_REVIEW: AuditAction.APPLICATION_REVIEWED,
    ApplicationStatus.ACCEPTED: AuditAction.APPLICATION_ACCEPTED,
    ApplicationStatus.REJECTED: AuditAction.APPLICATION_REJECTED,
    ApplicationStatus.WAITLISTED: AuditAction.APPLICATION_WAITLISTED,
}
# Which decisions each state allows; accepted and rejected are final.
ALLOWED: dict[ApplicationStatus, tuple[ReviewOp, ...]] = {
    ApplicationStatus.SUBMITTED: (
        ReviewOp.REVIEW,
        ReviewOp.ACCEPT,
        ReviewOp.REJECT,
        ReviewOp.WAITLIST,
    ),
    ApplicationStatus.UNDER_REVIEW: (ReviewOp.ACCEPT, ReviewOp.REJECT, ReviewOp.WAITLIST),
    ApplicationStatus.WAITLISTED: (ReviewOp.REVIEW, ReviewOp.ACCEPT, ReviewOp.REJECT),
    ApplicationStatus.ACCEPTED: (),
    ApplicationStatus.REJECTED: (),
}
OP_LABELS = {
    ReviewOp.REVIEW: N_("🔎 Periksa"),
    ReviewOp.ACCEPT: N_("✅ Terima"),
    ReviewOp.REJECT: N_("❌ Tolak"),
    ReviewOp.WAITLIST: N_("🕒 Daftar tunggu"),
}


@dataclass(frozen=True)
class ApplicationPress(CallbackData, prefix="ap"):
    """A review button of an application (in its alert, or on the client's card).

    Valid from any chat state; who may review which application is checked on the server."""

    application_id: int
    op: ReviewOp


def _review_buttons(
    t: Translator, application_id: int, status: ApplicationStatus
) -> list[list[tuple[str, CallbackData]]]:
    ops = ALLOWED[status]
    buttons: list[tuple[str, CallbackData]] = [
        (t.gettext(OP_LABELS[op]), ApplicationPress(application_id, op)) for op in ops
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def review_rows(t: Translator, application_id: int, status: ApplicationStatus) -> Buttons:
    """The review buttons an application in this state offers (none once decided)."""
    return rows_of(_review_buttons(t, application_id, status))


def application_id_of(alert: Alert) -> int:
    """The application an application alert is about (its event key names it)."""
    return int(alert.event_key.rpartition(":")[2])


def _alert_rows(t: Translator, alert: Alert) -> list[list[tuple[str, CallbackData]]]:
    """An application alert carries the review buttons under claim/reply/close."""
    return _review_buttons(t, application_id_of(alert), ApplicationStatus.SUBMITTED)


async def _alert_detail(session: AsyncSession, t: Translator, alert: Alert) -> str:
    """The answers and the number of documents, under the alert."""
    found = await repo.application(session, application_id=application_id_of(alert))
    if found is None:
        return ""
    application, program, _client = found
    files = await media.files_of(session, owner=MediaOwner.APPLICATION, owner_id=application.id)
    return answers_text(t, application, program, len(files))


async def _on_reply(
    session: AsyncSession, alert: Alert, member: StaffProfile, text: str, now: datetime
) -> None:
    """A caseworker wrote to the client from the application's alert: her words are its last
    words from staff (/status), and it counts as answered."""
    found = await repo.application(session, application_id=application_id_of(alert))
    if found is not None:
        application = found[0]
        application.last_staff_message = text
        application.updated_at = now
        application.reviewed_at = application.reviewed_at or now


async def _alert_documents(
    session: AsyncSession, alert: Alert, member: StaffProfile, now: datetime, key: str
) -> None:
    """Her documents, shown to the reviewer by file id right after the alert."""
    found = await repo.application(session, application_id=application_id_of(alert))
    if found is None or member.telegram_id is None:
        return
    application, program, client = found
    files = await media.files_of(session, owner=MediaOwner.APPLICATION, owner_id=application.id)
    if not files:
        return
    t = translator(member.language)
    names = ", ".join(escape(f.label or "") for f in files)
    await outbox.enqueue(
        session,
        chat_id=member.telegram_id,
        text=t.gettext("📎 Dokumen {client} untuk program {program}: {names}").format(
            client=escape(client.full_name), program=escape(program.name), names=names
        ),
        purpose="alert",
        now=now,
        media=media.as_outbox_media(files),
        dedupe_key=f"{key}:documents",
    )


async def _on_claim(
    session: AsyncSession, alert: Alert, member: StaffProfile, now: datetime
) -> None:
    """🙋 Saya tangani on a submitted application starts its review (she is told)."""
    review = await open_review(
        session, application_id=application_id_of(alert), member=member, lock=True
    )
    if review is not None and review.status is ApplicationStatus.SUBMITTED:
        await decide(session, review=review, member=member, op=ReviewOp.REVIEW, now=now)


alerts.EXTRAS[AlertKind.PROGRAM_APPLICATION] = alerts.KindExtras(
    rows=_alert_rows,
    detail=_alert_detail,
    after=_alert_documents,
    on_claim=_on_claim,
    on_reply=_on_reply,
)


@dataclass(frozen=True)
class ClientApplications(CallbackData, prefix="apc"):
    """📝 Pengajuan program on a client's card: her applications, each with its review buttons."""

    client_id: int


async def has_applications(session: AsyncSession, *, client_id: int) -> bool:
    """Whether she has applied to any program (her card then offers her applications)."""
    return bool(await repo.applied_program_ids(session, client_id=client_id))


async def applications_of(
    session: AsyncSession, *, client_id: int, member: StaffProfile, now: datetime
) -> list[Review] | None:
    """Her applications, newest first, for a staff member who covers her (else None); the
    view is recorded in the audit log."""
    client = await session.get(Client, client_id)
    if client is None or not member.covers_client(client):
        return None
    await audit.record(
        session,
        actor=member,
        action=AuditAction.CLIENT_APPLICATIONS_VIEWED,
        now=now,
        subject=Subject.CLIENT,
        subject_id=client.id,
    )
    return [Review(a, p, client) for a, p in await repo.of_client(session, client_id=client_id)]


@dataclass(frozen=True)
class Review:
    """An application as a staff member allowed to review it sees it."""

    application: ProgramApplication
    program: Program
    client: Client

    @property
    def status(self) -> ApplicationStatus:
        """Its current state."""
        return ApplicationStatus(self.application.status)


async def open_review(
    session: AsyncSession, *, application_id: int, member: StaffProfile, lock: bool = False
) -> Review | None:
    """The application, if this staff member may review it (else None, as if absent)."""
    found = await repo.application(session, application_id=application_id, lock=lock)
    if found is None or not member.covers_client(found[2]):
        return None
    return Review(*found)


class DecisionOutcome(StrEnum):
    """How a review press ended."""

    DONE = "done"
    NOT_ALLOWED = "not_allowed"  # not from this state (e.g. already decided)
    FULL = "full"  # no place free for it
    TAKEN = "taken"  # another caseworker reviews it


@dataclass(frozen=True)
class Decision:
    """The outcome, the application's state now, and who reviews it (when taken)."""

    outcome: DecisionOutcome
    status: ApplicationStatus
    reviewer: str = ""


def _client_message(t: Translator, status: ApplicationStatus, program: str, reason: str) -> str:
    _ = t.gettext
    name = escape(program)
    if status is ApplicationStatus.UNDER_REVIEW:
        return _("🔎 Pengajuan Anda untuk program <b>{program}</b> sedang diperiksa.").format(
            program=name
        )
    if status is ApplicationStatus.ACCEPTED:
        return _(
            "✅ Selamat! Pengajuan Anda untuk program <b>{program}</b> diterima. "
            "Pendamping akan menghubungi Anda untuk langkah berikutnya."
        ).format(program=name)
    if status is ApplicationStatus.REJECTED:
        return _(
            "Maaf, pengajuan Anda untuk program <b>{program}</b> belum dapat diterima.\n"
            "Alasannya: {reason}"
        ).format(program=name, reason=escape(reason))
    return _(
        "🕒 Pengajuan Anda untuk program <b>{program}</b> masuk daftar tunggu. "
        "Anda akan diberi tahu kalau ada tempat."
    ).format(program=name)


async def precheck(
    session: AsyncSession, *, review: Review, member: StaffProfile, op: ReviewOp
) -> Decision | None:
    """Why this press cannot change the application (None when it can): not from its state,
    or another caseworker reviews it (an administrator may always)."""
    current = review.status
    if op not in ALLOWED[current]:
        return Decision(DecisionOutcome.NOT_ALLOWED, current)
    reviewer = review.application.reviewer_staff_id
    if reviewer is not None and reviewer != member.id and not member.is_admin:
        other = await staff_repo.get(session, staff_id=reviewer)
        return Decision(DecisionOutcome.TAKEN, current, other.full_name if other else "")
    return None


async def buttons_after(session: AsyncSession, t: Translator, review: Review) -> Buttons:
    """The buttons the pressed message keeps: reply and close while the case is open, and
    the review buttons the application's state still offers."""
    alert = await _alert_of(session, review.application)
    rows: Buttons = ()
    if alert is not None and alert.closed_at is None:
        rows = alerts.case_rows(t, alert.id, claimed=True)
    return rows + review_rows(t, review.application.id, review.status)


async def decide(
    session: AsyncSession,
    *,
    review: Review,
    member: StaffProfile,
    op: ReviewOp,
    now: datetime,
    reason: str | None = None,
) -> Decision:
    """Change the application's state; the client is told, the alert follows (claimed when the
    review starts, closed once accepted or rejected)."""
    application, program, client = review.application, review.program, review.client
    current = review.status
    refused = await precheck(session, review=review, member=member, op=op)
    if refused is not None:
        return refused
    target = OP_STATUS[op]
    if target in PLACE_TAKING and current not in PLACE_TAKING and program.quota is not None:
        await repo.get(session, program_id=program.id, lock=True)
        taken = await repo.count_with_status(
            session, program_id=program.id, statuses=[s.value for s in PLACE_TAKING]
        )
        if taken >= program.quota:
            return Decision(DecisionOutcome.FULL, current)
    if op is ReviewOp.REJECT:
        reason = tidy_text(reason or "")[:MAX_REASON]
        if not reason:
            raise ValueError("a rejection needs a reason")
    application.status = target.value
    await audit.record(
        session,
        actor=member,
        action=REVIEW_ACTIONS[target],
        now=now,
        subject=Subject.APPLICATION,
        subject_id=application.id,
        client_id=client.id,
    )
    application.reviewer_staff_id = member.id
    application.updated_at = now
    application.reviewed_at = application.reviewed_at or now
    if op is ReviewOp.REJECT:
        application.reason = reason
    session.add(
        ClientEvent(
            client_id=client.id,
            staff_id=member.id,
            kind="application_" + target.value,
            note=program.name,
            created_at=now,
        )
    )
    party = await cases.client_party(session, client)
    if party is not None:
        t = translator(party.language)
        text = _client_message(t, target, program.name, reason or "")
        await outbox.enqueue(
            session, chat_id=party.chat_id, text=text, purpose="application", now=now
        )
    if op is ReviewOp.REJECT:
        application.last_staff_message = reason
    alert = await _alert_of(session, application)
    if alert is not None:
        case = Case(alert, client)
        await cases.claim(session, case=case, member=member, now=now)
        if target in (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED):
            await cases.close_case(session, case=case, member=member, note=target.value, now=now)
    return Decision(DecisionOutcome.DONE, target)


async def _alert_of(session: AsyncSession, application: ProgramApplication) -> Alert | None:
    return await alerts_repo.by_event_key(session, event_key=f"application:{application.id}")


async def files_of_application(session: AsyncSession, *, application_id: int) -> list[MediaFile]:
    """The documents that came with an application, in the order the program asks them."""
    return await media.files_of(session, owner=MediaOwner.APPLICATION, owner_id=application_id)


def answers_text(
    t: Translator, application: ProgramApplication, program: Program, files: int
) -> str:
    """Her answers, the documents sent and the state, for the reviewer."""
    _ = t.gettext
    questions = {q.text: q for q in questions_of(program)}
    lines = []
    for answer in application.answers or []:
        question = questions.get(str(answer["question"]))
        shown = str(answer["answer"])
        if question is not None and question.kind is QuestionKind.YES_NO:
            shown = _("Ya") if shown == YES else _("Tidak")
        lines.append(f"• {escape(str(answer['question']))}: <b>{escape(shown)}</b>")
    lines.append(_("Dokumen terlampir: {n}").format(n=files))
    lines.append(
        _("Keadaan: {state}").format(
            state=_(APPLICATION_STATUS_LABELS[ApplicationStatus(application.status)])
        )
    )
    return "\n".join(lines)


# -- what she and her caseworkers see -----------------------------------------------------------


def when_closes(t: Translator, deadline: datetime | None) -> str:
    """The deadline in WIB words, e.g. "31 Desember 2026 pukul 23.59 WIB"."""
    if deadline is None:
        return t.gettext("tanpa batas waktu")
    local = deadline.astimezone(WIB)
    return t.gettext("{date} pukul {time} WIB").format(
        date=t.date(deadline), time=local.strftime("%H.%M")
    )


def documents_text(t: Translator, program: Program) -> str:
    """The documents needed, e.g. "Foto KTP (foto), Surat keterangan usaha (PDF)"."""
    docs = documents_of(program)
    if not docs:
        return t.gettext("tidak ada")
    return ", ".join(f"{d.name} ({t.gettext(DOCUMENT_KIND_LABELS[d.kind])})" for d in docs)


async def _items(session: AsyncSession, t: Translator, client_id: int) -> list[StatusItem]:
    return [
        StatusItem(
            kind_label=t.gettext(N_("📝 Pengajuan program")),
            title=program.name,
            state_label=t.gettext(APPLICATION_STATUS_LABELS[ApplicationStatus(a.status)]),
            updated_at=a.updated_at,
            created_at=a.created_at,
            last_staff_message=a.last_staff_message,
        )
        for a, program in await repo.of_client(session, client_id=client_id)
    ]


async def _digest(
    session: AsyncSession, client_ids: Any, since: datetime, now: datetime
) -> DigestCounts:
    new, unanswered = await repo.counts_in_scope(
        session,
        client_ids=client_ids,
        since=since,
        until=now,  # a late digest does not count tomorrow's again
        unanswered_before=now - UNANSWERED_AFTER,
        open_statuses=[ApplicationStatus.SUBMITTED.value, ApplicationStatus.WAITLISTED.value],
    )
    return DigestCounts(new=new, unanswered=unanswered)


async def _export(session: AsyncSession, client_id: int) -> list[dict[str, Any]]:
    found = []
    for a, program in await repo.of_client(session, client_id=client_id):
        files = await media.files_of(session, owner=MediaOwner.APPLICATION, owner_id=a.id)
        found.append(
            {
                "program": program.name,
                "status": a.status,
                "answers": list(a.answers or []),
                "reason": a.reason,
                "created_at": a.created_at.isoformat(),
                "updated_at": a.updated_at.isoformat(),
                "documents": len(files),
            }
        )
    return found


async def _erase(session: AsyncSession, client_id: int) -> list[str]:
    applications = [a for a, _p in await repo.of_client(session, client_id=client_id)]
    for application in applications:
        application.answers = []
        application.reason = None  # staff's words about her, too
        application.last_staff_message = None
    return await media.erase_owned(
        session, owner=MediaOwner.APPLICATION, owner_ids=[a.id for a in applications]
    )


PROVIDER = Provider(
    name="programs",
    digest_label=N_("Pengajuan program"),
    items=_items,
    digest=_digest,
    export=_export,
    erase=_erase,
)


# -- importing programs from a CSV file ---------------------------------------------------------

CSV_COLUMNS = (
    "name",
    "description",
    "ppks_categories",
    "regions",
    "business_statuses",
    "questions",
    "documents",
    "quota",
    "deadline",
    "open",
)


@dataclass
class ImportReport:
    """What an import did: programs created and updated, and each bad row with its problems."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _question(cell: str) -> Question:
    """`kind|text|qualifying|options`, e.g. `yes_no|Usaha masih berjalan?|yes`,
    `number|Berapa tahun usaha berjalan?|1-` or `choice|Jenis usaha?|Jahit|Jahit,Kuliner`."""
    parts = [p.strip() for p in cell.split("|")]
    if len(parts) < 3:
        raise ValueError("pertanyaan ditulis jenis|teks|jawaban yang memenuhi syarat")
    kind = _enum(QuestionKind, parts[0], "jenis pertanyaan harus yes_no, number atau choice")
    text, qualifying = parts[1], parts[2]
    if kind is QuestionKind.YES_NO:
        return Question(text, kind, qualifying=(qualifying.lower(),))
    if kind is QuestionKind.NUMBER:
        low, sep, high = qualifying.partition("-")
        if not sep:
            raise ValueError("batas angka ditulis terkecil-terbesar, misalnya 1- atau 0-5")
        return Question(
            text,
            kind,
            minimum=_number(low, "batas angka") if low else None,
            maximum=_number(high, "batas angka") if high else None,
        )
    options = tuple(o.strip() for o in (parts[3] if len(parts) > 3 else "").split(",") if o)
    return Question(
        text, kind, options=options, qualifying=tuple(q.strip() for q in qualifying.split(","))
    )


def _document(cell: str) -> RequiredDocument:
    """`kind|name`: photo|Foto KTP or pdf|Surat keterangan usaha."""
    kind, sep, name = cell.partition("|")
    if not sep:
        raise ValueError("dokumen ditulis photo|nama atau pdf|nama")
    return RequiredDocument(
        name.strip(), _enum(DocumentKind, kind.strip(), "jenis dokumen harus photo atau pdf")
    )


E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: str, problem: str) -> E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        raise ValueError(problem) from None


def _number(cell: str, what: str) -> int:
    if not re.fullmatch(r"[0-9]{1,7}", cell.strip(), re.ASCII):
        raise ValueError(f"{what} harus angka bulat")
    return int(cell)


def _deadline(cell: str) -> datetime | None:
    """`YYYY-MM-DD` (the end of that day, WIB) or `YYYY-MM-DD HH:MM` (WIB)."""
    if not cell.strip():
        return None
    text = cell.strip()
    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(23, 59), tzinfo=WIB)
        return datetime.fromisoformat(text).replace(tzinfo=WIB)
    except ValueError:
        raise ValueError("batas waktu ditulis TTTT-BB-HH atau TTTT-BB-HH JJ:MM") from None


def spec_from_row(row: dict[str, str]) -> ProgramSpec:
    """One CSV row as a program spec; raises ValueError (with a short reason) when unreadable."""
    quota = (row.get("quota") or "").strip()
    opened = (row.get("open") or "yes").strip().lower()
    if opened not in ("yes", "no", "ya", "tidak"):
        raise ValueError("kolom open: yes atau no")
    return ProgramSpec(
        name=(row.get("name") or "").strip(),
        description=(row.get("description") or "").strip(),
        ppks_categories=tuple(
            _number(x, "kategori PPKS") for x in _list(row.get("ppks_categories") or "")
        ),
        region_codes=tuple(_list(row.get("regions") or "")),
        business_statuses=tuple(
            _enum(BusinessStatus, x, "keadaan usaha: running, declining, paused atau closed")
            for x in _list(row.get("business_statuses") or "")
        ),
        questions=tuple(_question(q) for q in _list(row.get("questions") or "")),
        documents=tuple(_document(d) for d in _list(row.get("documents") or "")),
        quota=_number(quota, "kuota") if quota else None,
        deadline=_deadline(row.get("deadline") or ""),
        is_open=opened in ("yes", "ya"),
    )


async def import_csv(session: AsyncSession, *, text: str, now: datetime) -> ImportReport:
    """Create or update (by name) one program per row; a bad row is reported and skipped, the
    good ones are kept. Columns: see CSV_COLUMNS and docs/PROGRAMS.md."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("name",) if c not in (reader.fieldnames or [])]
    if missing:
        report.bad_rows.append((1, "kolom name tidak ada"))
        return report
    id_translator = translator("id")
    for row in reader:
        line = reader.line_num
        try:
            spec = spec_from_row(row)
        except (ValueError, KeyError) as error:
            report.bad_rows.append((line, str(error) or type(error).__name__))
            continue
        saved = await save_program(session, spec=spec, now=now)
        if saved.outcome is SaveOutcome.INVALID:
            report.bad_rows.append(
                (line, "; ".join(id_translator.gettext(p) for p in saved.problems))
            )
        elif saved.outcome is SaveOutcome.NAME_TAKEN:
            report.bad_rows.append((line, "nama program sudah dipakai"))
        elif saved.outcome is SaveOutcome.CREATED:
            report.created.append(spec.name)
        else:
            report.updated.append(spec.name)
    return report


def end_of_day(day: datetime) -> datetime:
    """23.59 WIB of that day."""
    local = day.astimezone(WIB)
    return datetime.combine(local.date(), time(23, 59), WIB)


def deadline_in(days: int, now: datetime) -> datetime:
    """The end of the day `days` from now, WIB."""
    return end_of_day(now + timedelta(days=days))
