"""/program: the open programs she may apply to, then one program's own eligibility questions,
its documents (photos or PDFs), a summary and confirm.

A program's questions and documents are not known when the flow is written, so two steps walk
them by index (`draft.index`): `Question` asks question i (yes/no and choice as buttons, a
number typed or pressed) and `RequiredFile` asks for document i (a photo or a PDF, as the
program says). Every answer first checks that the program still takes applications: a
deadline that passes in the middle ends the application with a clear word, and the draft is
dropped. The service checks every rule again at confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from pydantic import Field

from bot.chat.turn import Kind, Turn
from bot.domain.counting import parse_count
from bot.domain.typed_choice import Chosen, match_typed
from bot.domain.vocabulary import DocumentKind, QuestionKind
from bot.i18n import N_
from bot.services import programs
from bot.services.media import FileRef
from bot.services.programs import YES, Answer, Gate, Outcome, Question, RequiredDocument
from bot.storage.models import MediaKind, Program
from conversations.engine import (
    END,
    REPEAT,
    TEXT_AND_BUTTONS,
    Draft,
    Flow,
    Next,
    Step,
    chunked,
    say_unexpected,
)
from conversations.steps import CANCEL, Summary

MAX_ANSWER = 999_999
_DIGITS = re.compile(r"[0-9]{1,6}", re.ASCII)


class S(StrEnum):
    """The application's steps."""

    PICK = "pick"
    QUESTION = "question"
    FILE = "file"
    SUMMARY = "summary"


class SentFile(Draft):
    """A document she sent, by Telegram file id."""

    file_id: str
    kind: MediaKind
    file_name: str | None = None
    mime_type: str | None = None


class ApplyDraft(Draft):
    """The application so far; nothing is stored before Kirim."""

    program_id: int | None = None
    program: str = ""  # its name, as she saw it
    index: int = 0  # the question (or document) being asked
    answers: list[str] = Field(default_factory=list)
    asked: list[str] = Field(default_factory=list)  # each answer's question, as she saw it
    files: list[SentFile] = Field(default_factory=list)


async def start(turn: Turn) -> bool:
    """Open the list of programs she may apply to; False when there is none."""
    assert turn.profile is not None and turn.profile.client_id is not None
    found = await programs.open_for(turn.session, client_id=turn.profile.client_id, now=turn.now)
    if not found:
        return False
    await FLOW.start(turn, ApplyDraft())
    return True


def _client_id(turn: Turn) -> int:
    assert turn.profile is not None and turn.profile.client_id is not None
    return turn.profile.client_id


async def _program(turn: Turn, draft: ApplyDraft) -> Program | None:
    if draft.program_id is None:
        return None
    return await programs.get_program(turn.session, program_id=draft.program_id)


async def _other_programs(turn: Turn, but: int | None) -> str:
    """Where else she can go: the other open programs for her, or that there are none now."""
    _ = turn.gettext
    others = [
        p
        for p in await programs.open_for(turn.session, client_id=_client_id(turn), now=turn.now)
        if p.id != but
    ]
    if not others:
        return _("Saat ini belum ada program lain yang terbuka untuk Anda.")
    names = ", ".join(f"<b>{escape(p.name)}</b>" for p in others)
    return _(
        "Program lain yang bisa Anda ajukan: {names}. Ketik /program untuk melihatnya."
    ).format(names=names)


async def _stop(turn: Turn, text: str) -> Next:
    """End the application with a word; the draft is dropped."""
    turn.say(text)
    turn.end()
    turn.show_menu()
    return END


async def _closed(turn: Turn, draft: ApplyDraft) -> Next:
    """The program takes no more applications: its deadline passed, or it was closed."""
    _ = turn.gettext
    program = await _program(turn, draft)
    expired = program is not None and program.deadline is not None and program.deadline <= turn.now
    said = (
        _(
            "Maaf, pendaftaran program <b>{program}</b> sudah ditutup (batas waktunya sudah "
            "lewat). Jawaban Anda tidak disimpan."
        )
        if expired
        else _(
            "Maaf, pendaftaran program <b>{program}</b> sudah ditutup. Jawaban Anda tidak disimpan."
        )
    )
    return await _stop(
        turn,
        said.format(program=escape(draft.program))
        + "\n"
        + await _other_programs(turn, draft.program_id),
    )


async def _still_open(turn: Turn, draft: ApplyDraft) -> Next | None:
    """None while she may go on; else the application ends here, with the reason."""
    _ = turn.gettext
    assert draft.program_id is not None
    found = await programs.gate(
        turn.session, client_id=_client_id(turn), program_id=draft.program_id, now=turn.now
    )
    if found is Gate.OK:
        return None
    if found is Gate.ALREADY:
        return await _stop(
            turn,
            _("Anda sudah mengajukan diri untuk program <b>{program}</b>.").format(
                program=escape(draft.program)
            ),
        )
    if found is Gate.NOT_FOR_HER:
        return await _stop(
            turn,
            _("Maaf, program <b>{program}</b> tidak lagi terbuka untuk Anda.").format(
                program=escape(draft.program)
            )
            + "\n"
            + await _other_programs(turn, draft.program_id),
        )
    return await _closed(turn, draft)


async def _next(turn: Turn, draft: ApplyDraft, program: Program, *, after: S) -> Next:
    """The step after a question or a document: the next one, or the summary."""
    if after is S.QUESTION and draft.index + 1 < len(program.questions):
        draft.index += 1
        return S.QUESTION
    if after is S.QUESTION:
        draft.index = len(draft.files)
        return S.FILE if draft.index < len(program.documents) else S.SUMMARY
    if draft.index + 1 < len(program.documents):
        draft.index += 1
        return S.FILE
    return S.SUMMARY


# -- choosing a program -------------------------------------------------------------------------


def _listing(turn: Turn, found: list[Program], left: dict[int, int]) -> str:
    """Each program with its deadline, documents and, with a quota, the places left."""
    _ = turn.gettext
    lines = [_("<b>Program yang bisa Anda ajukan</b>")]
    for number, program in enumerate(found, start=1):
        lines += ["", f"<b>{number}. {escape(program.name)}</b>"]
        if program.description:
            lines.append(escape(program.description))
        lines.append(
            _("⏰ Batas: {deadline}").format(
                deadline=programs.when_closes(turn.t, program.deadline)
            )
        )
        lines.append(
            _("📎 Dokumen: {documents}").format(
                documents=escape(programs.documents_text(turn.t, program))
            )
        )
        if program.id in left:
            lines.append(
                turn.t.ngettext(
                    "👥 Sisa {n} tempat", "👥 Sisa {n} tempat", left[program.id]
                ).format(n=left[program.id])
                if left[program.id]
                else _("👥 Kuota sudah penuh: pengajuan baru masuk daftar tunggu.")
            )
    lines += ["", _("Pilih program yang ingin Anda ajukan:")]
    return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class PickProgram(Step[ApplyDraft]):
    """The open programs she may apply to, with deadline and documents, as buttons."""

    accepts: frozenset[Kind] = frozenset({Kind.BUTTON})

    async def _open(self, turn: Turn) -> list[Program]:
        return await programs.open_for(turn.session, client_id=_client_id(turn), now=turn.now)

    async def ask(self, turn: Turn, draft: ApplyDraft) -> None:
        """The list and one button per program."""
        _ = turn.gettext
        found = await self._open(turn)
        if not found:
            await _stop(turn, _("Saat ini belum ada program yang terbuka untuk Anda."))
            return
        options = [(p.name, str(p.id)) for p in found] + [(_("❌ Batal"), CANCEL)]
        left = {
            p.id: places
            for p in found
            if (places := await programs.places_left(turn.session, program=p)) is not None
        }
        turn.say(_listing(turn, found, left), turn.keyboard(chunked(options, 1)))

    async def handle(self, turn: Turn, draft: ApplyDraft) -> Next:
        """A program (checked again), or Batal."""
        _ = turn.gettext
        if turn.input.value == CANCEL:
            return await _stop(turn, _("Baik, tidak jadi mengajukan."))
        chosen = next((p for p in await self._open(turn) if str(p.id) == turn.input.value), None)
        if chosen is None:
            return REPEAT
        draft.program_id, draft.program = chosen.id, chosen.name
        draft.index, draft.answers, draft.asked, draft.files = 0, [], [], []
        if chosen.questions:
            return S.QUESTION
        return S.FILE if chosen.documents else S.SUMMARY


# -- the program's questions --------------------------------------------------------------------


def _options(turn: Turn, question: Question, index: int) -> list[tuple[str, str]]:
    """The question's buttons; their values name the question, so that a button of an
    earlier question (the same step of the flow) is known as stale."""
    _ = turn.gettext
    if question.kind is QuestionKind.YES_NO:
        labelled = [(_("✅ Ya"), YES), (_("❌ Tidak"), programs.NO)]
    elif question.kind is QuestionKind.CHOICE:
        labelled = [(option, str(i)) for i, option in enumerate(question.options)]
    else:
        labelled = []
    return [(label, f"q{index}.{value}") for label, value in labelled]


@dataclass(frozen=True, eq=False)
class ProgramQuestion(Step[ApplyDraft]):
    """Question `draft.index` of the program: yes/no or a choice by buttons, or a number."""

    accepts: frozenset[Kind] = TEXT_AND_BUTTONS

    def takes_typed_words(self) -> bool:
        """Typed text is read here (a number, or words of a choice)."""
        return False

    async def _question(self, turn: Turn, draft: ApplyDraft) -> tuple[Program, Question] | None:
        program = await _program(turn, draft)
        questions = programs.questions_of(program) if program else []
        if program is None or not questions:
            return None
        if not 0 <= draft.index < len(questions):  # changed from the summary: from the first
            draft.index, draft.answers, draft.asked = 0, [], []
        return program, questions[draft.index]

    async def ask(self, turn: Turn, draft: ApplyDraft) -> None:
        """The question, numbered, with its buttons."""
        _ = turn.gettext
        found = await self._question(turn, draft)
        if found is None:
            await _closed(turn, draft)
            return
        program, question = found
        head = _("Pertanyaan {i} dari {n}:").format(i=draft.index + 1, n=len(program.questions))
        text = f"{head}\n<b>{escape(question.text)}</b>"
        if question.kind is QuestionKind.NUMBER:
            turn.say(text + "\n" + _("Tulis angkanya, misalnya 2."))
            if turn.flow_state is not None:  # no buttons: typed text is the number
                turn.flow_state.meta.options = []
            return
        columns = 2 if question.kind is QuestionKind.YES_NO else 1
        options = _options(turn, question, draft.index)
        turn.say(text, turn.keyboard(chunked(options, columns)))

    async def handle(self, turn: Turn, draft: ApplyDraft) -> Next:
        """Take the answer; one that does not qualify ends the application politely."""
        _ = turn.gettext
        stopped = await _still_open(turn, draft)
        if stopped is not None:
            return stopped
        found = await self._question(turn, draft)
        if found is None:
            return await _closed(turn, draft)
        program, question = found
        options = _options(turn, question, draft.index)
        if turn.input.kind is Kind.BUTTON and turn.input.value not in {v for _l, v in options}:
            turn.toast = _("Tombol ini sudah tidak berlaku.")  # an earlier question's button
            return REPEAT
        answer = self._read(turn, question, options)
        if answer is None:
            if question.kind is QuestionKind.NUMBER:
                turn.say(_("Tulis satu angka saja, misalnya 2."))
            elif turn.input.kind is Kind.TEXT:
                say_unexpected(turn)
            return REPEAT
        if not question.qualifies(answer):
            return await _stop(
                turn,
                _(
                    "Terima kasih atas jawabannya. Maaf, program <b>{program}</b> mensyaratkan "
                    "{condition}, jadi Anda belum bisa mengajukan diri untuk program ini."
                ).format(
                    program=escape(draft.program), condition=escape(question.condition(turn.t))
                )
                + "\n"
                + await _other_programs(turn, draft.program_id),
            )
        draft.answers = [*draft.answers[: draft.index], answer]
        draft.asked = [*draft.asked[: draft.index], question.text]
        return await _next(turn, draft, program, after=S.QUESTION)

    def _read(self, turn: Turn, question: Question, options: list[tuple[str, str]]) -> str | None:
        """The answer as stored: "yes"/"no", the option's text, or the number in digits."""
        if question.kind is QuestionKind.NUMBER:
            if turn.input.kind is not Kind.TEXT:
                return None
            text = turn.input.text.strip()[:100]
            count = parse_count(text)
            if count is None and _DIGITS.fullmatch(text.replace(".", "")):
                count = int(text.replace(".", ""))
            return str(count) if count is not None and count <= MAX_ANSWER else None
        value = turn.input.value
        if turn.input.kind is Kind.TEXT:
            match = match_typed(turn.input.text[:200], options)
            value = match.value if isinstance(match, Chosen) else ""
        if value not in {v for _label, v in options}:
            return None
        chosen = value.partition(".")[2]
        if question.kind is QuestionKind.CHOICE:
            return question.options[int(chosen)]
        return chosen


# -- the documents ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RequiredFile(Step[ApplyDraft]):
    """Document `draft.index` of the program: a photo, or a PDF, as the program asks."""

    accepts: frozenset[Kind] = frozenset({Kind.PHOTO, Kind.DOCUMENT, Kind.BUTTON})

    async def _document(
        self, turn: Turn, draft: ApplyDraft
    ) -> tuple[Program, RequiredDocument] | None:
        program = await _program(turn, draft)
        documents = programs.documents_of(program) if program else []
        if program is None or not documents:
            return None
        if not 0 <= draft.index < len(documents):  # changed from the summary: from the first
            draft.index, draft.files = 0, []
        return program, documents[draft.index]

    async def ask(self, turn: Turn, draft: ApplyDraft) -> None:
        """Which document, and how to send it."""
        _ = turn.gettext
        found = await self._document(turn, draft)
        if found is None:
            await _closed(turn, draft)
            return
        program, document = found
        head = _("Dokumen {i} dari {n}:").format(i=draft.index + 1, n=len(program.documents))
        if document.kind is DocumentKind.PHOTO:
            how = _("Kirim <b>foto</b>: {name}.").format(name=escape(document.name))
        else:
            how = _("Kirim <b>berkas PDF</b>: {name} (lewat 📎, pilih Berkas/File).").format(
                name=escape(document.name)
            )
        turn.say(f"{head}\n{how}")

    async def handle(self, turn: Turn, draft: ApplyDraft) -> Next:
        """Take the file if it is what the program asks for; else say what to send."""
        _ = turn.gettext
        stopped = await _still_open(turn, draft)
        if stopped is not None:
            return stopped
        found = await self._document(turn, draft)
        if found is None:
            return await _closed(turn, draft)
        program, document = found
        sent = turn.input
        if sent.kind is Kind.BUTTON or sent.file_id is None:
            return REPEAT
        image_file = sent.kind is Kind.DOCUMENT and (sent.mime_type or "").startswith("image/")
        if document.kind is DocumentKind.PHOTO:
            if sent.kind is Kind.DOCUMENT and not image_file:
                turn.say(_("Dokumen ini diminta sebagai foto. Kirim fotonya, bukan berkas."))
                return REPEAT
        elif sent.kind is Kind.PHOTO:
            turn.say(_("Dokumen ini diminta sebagai berkas PDF. Kirim berkas PDF-nya, bukan foto."))
            return REPEAT
        elif sent.mime_type != "application/pdf":
            turn.say(_("Kirim berkas PDF, ya."))
            return REPEAT
        if sent.kind is Kind.PHOTO and len(sent.file_ids) > 1:
            turn.say(_("Saya simpan foto pertama saja."))
        draft.files = [
            *draft.files[: draft.index],
            SentFile(
                file_id=sent.file_ids[0],
                kind=MediaKind.PHOTO if sent.kind is Kind.PHOTO else MediaKind.DOCUMENT,
                file_name=sent.file_name,
                mime_type=sent.mime_type,
            ),
        ]
        turn.say(_("{name} diterima.").format(name=escape(document.name)))
        return await _next(turn, draft, program, after=S.FILE)


# -- the summary --------------------------------------------------------------------------------


def _summary(turn: Turn, draft: ApplyDraft) -> list[str]:
    _ = turn.gettext
    lines = [_("<b>Ringkasan pengajuan: {program}</b>").format(program=escape(draft.program))]
    if draft.answers:
        lines.append(_("Jawaban Anda:"))
        for question, answer in zip(draft.asked, draft.answers, strict=False):
            shown = {YES: _("Ya"), programs.NO: _("Tidak")}.get(answer, answer)
            lines.append(f"• {escape(question)} <b>{escape(shown)}</b>")
    lines.append(
        turn.t.ngettext("Dokumen: {n} berkas", "Dokumen: {n} berkas", len(draft.files)).format(
            n=len(draft.files)
        )
    )
    return lines


async def _save(turn: Turn, draft: ApplyDraft) -> Next:
    """Send the application: every rule is checked again, with the program's row locked."""
    _ = turn.gettext
    program = await _program(turn, draft)
    if program is None or draft.program_id is None:
        return await _closed(turn, draft)
    submission = await programs.submit_application(
        turn.session,
        client_id=_client_id(turn),
        program_id=draft.program_id,
        answers=[Answer(q, a) for q, a in zip(draft.asked, draft.answers, strict=False)],
        files=[FileRef(f.file_id, f.kind, f.file_name, f.mime_type) for f in draft.files],
        now=turn.now,
    )
    turn.queued_outbox = submission.alerted
    name = escape(draft.program)
    outcome = submission.outcome
    if outcome is Outcome.SUBMITTED:
        text = _(
            "✅ Pengajuan Anda untuk program <b>{program}</b> sudah terkirim. Pendamping akan "
            "memeriksanya, dan Anda akan diberi tahu setiap ada perubahan."
        ).format(program=name)
    elif outcome is Outcome.WAITLISTED:
        text = _(
            "🕒 Pengajuan Anda untuk program <b>{program}</b> sudah tersimpan, tetapi kuotanya "
            "sudah penuh. Anda masuk daftar tunggu dan akan diberi tahu kalau ada tempat."
        ).format(program=name)
    elif outcome is Outcome.CLOSED:
        return await _closed(turn, draft)
    elif outcome is Outcome.ALREADY:
        text = _("Anda sudah mengajukan diri untuk program <b>{program}</b>.").format(program=name)
    elif outcome is Outcome.CHANGED:
        text = _(
            "Program <b>{program}</b> baru saja diubah oleh petugas. Mohon isi lagi dari awal "
            "dengan /program."
        ).format(program=name)
    else:
        text = (
            _("Maaf, Anda belum memenuhi syarat program <b>{program}</b>.").format(program=name)
            + "\n"
            + await _other_programs(turn, draft.program_id)
        )
    return await _stop(turn, text)


@dataclass(frozen=True, eq=False)
class ApplicationSummary(Summary[ApplyDraft]):
    """The summary; a part changed from here (answers or documents) is asked from its first."""

    async def ask(self, turn: Turn, draft: ApplyDraft) -> None:
        """The summary, or which part to change."""
        draft.index = -1
        await super().ask(turn, draft)


async def _cancel(turn: Turn, _draft: ApplyDraft) -> Next:
    return await _stop(turn, turn.gettext("Pengajuan dibatalkan dan tidak dikirim."))


FLOW = Flow(
    name="prg",
    states=S,
    draft_model=ApplyDraft,
    entry_command="program",
    steps={
        S.PICK: PickProgram(),
        S.QUESTION: ProgramQuestion(),
        S.FILE: RequiredFile(),
        S.SUMMARY: ApplicationSummary(
            lines=_summary,
            fields=[(N_("Jawaban"), S.QUESTION), (N_("Dokumen"), S.FILE)],
            save=_save,
            cancel=_cancel,
            save_label=N_("📨 Kirim pengajuan"),
        ),
    },
)
