"""/kelolaprogram: administrators create, change, open and close programs in the bot.

The list of programs → one program (its definition, ✏️ Ubah, 🟢 Buka / ⚪ Tutup) → the editor.
A new program is asked field by field: name, description, who may apply (PPKS categories,
regions, business status; none ticked = anyone), eligibility questions (each with the answer
that qualifies), documents (photo or PDF), quota and deadline (WIB); then a summary with
per-field Ubah and Simpan. Changing a program opens that summary directly. A new program is
saved closed; 🟢 Buka opens it to clients.

Every step that changes something checks again that the person is an active administrator.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from html import escape

from pydantic import Field

from bot.chat.turn import Turn
from bot.domain.reference import PPKS_CATEGORIES, REGIONS, region_by_code
from bot.domain.text import has_words, tidy_text
from bot.domain.vocabulary import (
    BUSINESS_STATUS_LABELS,
    DOCUMENT_KIND_LABELS,
    QUESTION_KIND_LABELS,
    BusinessStatus,
    DocumentKind,
    QuestionKind,
    ppks_label,
)
from bot.i18n import N_
from bot.services import programs
from bot.services.programs import (
    WIB,
    ProgramSpec,
    Question,
    RequiredDocument,
    SaveOutcome,
)
from bot.storage.models import Program
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import (
    Choice,
    FreeText,
    MultiSelect,
    Option,
    Parsed,
    Rejected,
    Summary,
    translated,
)

NEW, DONE, BACK, EDIT, TOGGLE, ADD, NEXT, CLEAR = (
    "new",
    "done",
    "back",
    "edit",
    "toggle",
    "add",
    "next",
    "clear",
)
_RANGE = re.compile(r"\s*([0-9]{0,6})\s*-\s*([0-9]{0,6})\s*", re.ASCII)
_DATE = re.compile(
    r"\s*([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})(?:\s+([0-9]{1,2})[.:]([0-9]{2}))?\s*",
    re.ASCII,
)


class S(StrEnum):
    """The steps: the list, one program, then the editor's fields in order."""

    LIST = "list"
    VIEW = "view"
    NAME = "name"
    DESC = "desc"
    PPKS = "ppks"
    REGIONS = "regions"
    STATUS = "status"
    QMORE = "qmore"
    QTEXT = "qtext"
    QKIND = "qkind"
    QYES = "qyes"
    QRANGE = "qrange"
    QOPTS = "qopts"
    QOK = "qok"
    DMORE = "dmore"
    DNAME = "dname"
    DKIND = "dkind"
    QUOTA = "quota"
    DEADLINE = "deadline"
    SUMMARY = "summary"


class QuestionDraft(Draft):
    """One eligibility question, as it is being written."""

    text: str = ""
    kind: QuestionKind = QuestionKind.YES_NO
    options: list[str] = Field(default_factory=list)
    qualifying: list[str] = Field(default_factory=list)
    minimum: int | None = None
    maximum: int | None = None


class DocumentDraft(Draft):
    """One required document."""

    name: str
    kind: DocumentKind


class ProgramDraft(Draft):
    """The program being looked at or written."""

    program_id: int | None = None
    name: str = ""
    description: str = ""
    ppks: list[int] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    statuses: list[BusinessStatus] = Field(default_factory=list)
    questions: list[QuestionDraft] = Field(default_factory=list)
    documents: list[DocumentDraft] = Field(default_factory=list)
    quota: int | None = None
    deadline: datetime | None = None
    is_open: bool = False
    pending: QuestionDraft | None = None  # the question being written
    doc_name: str = ""  # the document being added
    reviewed: bool = False  # the summary was shown: a finished list goes back to it


async def start(turn: Turn) -> None:
    """Open the list of programs."""
    await FLOW.start(turn, ProgramDraft())


def _admin(turn: Turn) -> bool:
    return turn.staff is not None and turn.staff.is_admin


async def _not_admin(turn: Turn) -> Next:
    turn.say(
        turn.gettext("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah.")
    )
    return END


def _load(program: Program) -> ProgramDraft:
    spec = programs.spec_of(program)
    return ProgramDraft(
        program_id=program.id,
        name=spec.name,
        description=spec.description,
        ppks=list(spec.ppks_categories),
        regions=list(spec.region_codes),
        statuses=list(spec.business_statuses),
        questions=[
            QuestionDraft(
                text=q.text,
                kind=q.kind,
                options=list(q.options),
                qualifying=list(q.qualifying),
                minimum=q.minimum,
                maximum=q.maximum,
            )
            for q in spec.questions
        ],
        documents=[DocumentDraft(name=d.name, kind=d.kind) for d in spec.documents],
        quota=spec.quota,
        deadline=spec.deadline,
        is_open=spec.is_open,
    )


def _spec(draft: ProgramDraft) -> ProgramSpec:
    return ProgramSpec(
        name=draft.name,
        description=draft.description,
        ppks_categories=tuple(draft.ppks),
        region_codes=tuple(draft.regions),
        business_statuses=tuple(draft.statuses),
        questions=tuple(
            Question(
                q.text,
                q.kind,
                options=tuple(q.options),
                qualifying=tuple(q.qualifying),
                minimum=q.minimum,
                maximum=q.maximum,
            )
            for q in draft.questions
        ),
        documents=tuple(RequiredDocument(d.name, d.kind) for d in draft.documents),
        quota=draft.quota,
        deadline=draft.deadline,
        is_open=draft.is_open,
    )


# -- what a program says ------------------------------------------------------------------------


def _who(turn: Turn, draft: ProgramDraft) -> list[str]:
    _ = turn.gettext
    anyone = _("semua")
    by_no = {c.no: c for c in PPKS_CATEGORIES}
    ppks = [_(ppks_label(by_no[no])) for no in draft.ppks if no in by_no]
    regions = [r.label for code in draft.regions if (r := region_by_code(code)) is not None]
    statuses = [_(BUSINESS_STATUS_LABELS[s]) for s in draft.statuses]
    return [
        _("Kategori PPKS: {value}").format(value=escape(", ".join(ppks) or anyone)),
        _("Wilayah: {value}").format(value=escape(", ".join(regions) or anyone)),
        _("Keadaan usaha: {value}").format(value=escape(", ".join(statuses) or anyone)),
    ]


def _question_line(turn: Turn, question: QuestionDraft) -> str:
    text = programs.Question(
        question.text,
        question.kind,
        options=tuple(question.options),
        qualifying=tuple(question.qualifying),
        minimum=question.minimum,
        maximum=question.maximum,
    ).condition(turn.t)
    return "• " + escape(text)


def _describe(turn: Turn, draft: ProgramDraft) -> list[str]:
    _ = turn.gettext
    lines = [f"<b>{escape(draft.name)}</b>"]
    if draft.description:
        lines.append(escape(draft.description))
    lines += _who(turn, draft)
    lines.append(_("Syarat (jawaban yang memenuhi):"))
    lines += [_question_line(turn, q) for q in draft.questions] or ["• " + _("tidak ada")]
    documents = [f"{d.name} ({_(DOCUMENT_KIND_LABELS[d.kind])})" for d in draft.documents]
    lines.append(_("Dokumen: {value}").format(value=escape(", ".join(documents) or _("tidak ada"))))
    quota = str(draft.quota) if draft.quota is not None else _("tanpa kuota")
    lines.append(_("Kuota: {value}").format(value=quota))
    lines.append(
        _("Batas waktu: {value}").format(value=programs.when_closes(turn.t, draft.deadline))
    )
    return lines


# -- the list and one program -------------------------------------------------------------------


async def _list_options(turn: Turn, _draft: ProgramDraft) -> list[Option]:
    _ = turn.gettext
    found = await programs.all_programs(turn.session)
    options = [(("🟢 " if p.is_open else "⚪ ") + p.name, str(p.id)) for p in found[:30]]
    return [*options, (_("➕ Program baru"), NEW), (_("✖️ Selesai"), DONE)]


async def _listed(turn: Turn, draft: ProgramDraft, value: str) -> Next:
    _ = turn.gettext
    if not _admin(turn):
        return await _not_admin(turn)
    if value == DONE:
        turn.say(_("Selesai."))
        turn.show_menu()
        return END
    if value == NEW:
        fresh = ProgramDraft()
        for name in ProgramDraft.model_fields:
            setattr(draft, name, getattr(fresh, name))
        return S.NAME
    program = await programs.get_program(turn.session, program_id=int(value))
    if program is None:
        return S.LIST
    loaded = _load(program)
    for name in ProgramDraft.model_fields:
        setattr(draft, name, getattr(loaded, name))
    return S.VIEW


def _view_prompt(turn: Turn, draft: ProgramDraft) -> str:
    _ = turn.gettext
    state = _("🟢 Terbuka untuk pengajuan") if draft.is_open else _("⚪ Tertutup")
    return "\n".join([*_describe(turn, draft), state])


def _view_options(turn: Turn, draft: ProgramDraft) -> list[Option]:
    _ = turn.gettext
    toggle = _("⚪ Tutup pendaftaran") if draft.is_open else _("🟢 Buka pendaftaran")
    return [(_("✏️ Ubah"), EDIT), (toggle, TOGGLE), (_("⬅️ Daftar program"), BACK)]


async def _viewed(turn: Turn, draft: ProgramDraft, value: str) -> Next:
    _ = turn.gettext
    if not _admin(turn):
        return await _not_admin(turn)
    if value == BACK or draft.program_id is None:
        return S.LIST
    if value == EDIT:
        return S.SUMMARY
    program = await programs.set_open(
        turn.session,
        program_id=draft.program_id,
        is_open=not draft.is_open,
        now=turn.now,
        actor=turn.staff,
    )
    if program is None:
        return S.LIST
    draft.is_open = program.is_open
    said = (
        _("Program {name} sekarang dibuka untuk pengajuan.")
        if program.is_open
        else _("Program {name} sekarang ditutup.")
    )
    turn.say(said.format(name=escape(program.name)))
    return S.VIEW


# -- name, description, who may apply ----------------------------------------------------------


async def _name(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    name = tidy_text(text)
    if not has_words(name) or not 3 <= len(name) <= programs.MAX_NAME:
        return Rejected(turn.gettext("Nama program 3 sampai 120 huruf."))
    draft.name = name
    return S.DESC


async def _description(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    description = tidy_text(text)
    if not has_words(description) or len(description) > programs.MAX_DESCRIPTION:
        return Rejected(turn.gettext("Keterangan 2 sampai 1000 huruf, atau tekan Lewati."))
    draft.description = description
    return S.PPKS


async def _no_description(_turn: Turn, draft: ProgramDraft, _value: str) -> Next:
    draft.description = ""
    return S.PPKS


def _ppks_options(turn: Turn, _draft: ProgramDraft) -> list[Option]:
    return [(turn.gettext(ppks_label(c)), str(c.no)) for c in PPKS_CATEGORIES]


def _region_options(_turn: Turn, _draft: ProgramDraft) -> list[Option]:
    return [(r.label, r.code) for r in REGIONS]


def _store_ppks(draft: ProgramDraft, chosen: list[str]) -> None:
    draft.ppks = [int(v) for v in chosen]


def _store_regions(draft: ProgramDraft, chosen: list[str]) -> None:
    draft.regions = list(chosen)


def _store_statuses(draft: ProgramDraft, chosen: list[str]) -> None:
    draft.statuses = [BusinessStatus(v) for v in chosen]


async def _to_regions(_turn: Turn, _draft: ProgramDraft) -> Next:
    return S.REGIONS


async def _to_status(_turn: Turn, _draft: ProgramDraft) -> Next:
    return S.STATUS


async def _to_questions(_turn: Turn, _draft: ProgramDraft) -> Next:
    return S.QMORE


# -- the eligibility questions ------------------------------------------------------------------


def _qmore_prompt(turn: Turn, draft: ProgramDraft) -> str:
    _ = turn.gettext
    lines = [_("<b>Pertanyaan syarat</b> (ditanyakan kepada klien sebelum dokumen).")]
    lines += [_question_line(turn, q) for q in draft.questions] or [_("Belum ada pertanyaan.")]
    return "\n".join(lines)


def _more_options(turn: Turn, count: int, limit: int, add_label: str) -> list[Option]:
    _ = turn.gettext
    options: list[Option] = []
    if count < limit:
        options.append((_(add_label), ADD))
    if count:
        options.append((_("🗑️ Hapus semua"), CLEAR))
    options.append((_("➡️ Lanjut"), NEXT))
    return options


async def _qmore(turn: Turn, draft: ProgramDraft, value: str) -> Next:
    if value == ADD:
        if turn.flow_state is not None:
            turn.flow_state.meta.return_to = None  # a list being written: not straight back
        draft.pending = QuestionDraft()
        return S.QTEXT
    if value == CLEAR:
        draft.questions = []
        return S.QMORE
    return S.SUMMARY if draft.reviewed else S.DMORE


async def _qtext(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    question = tidy_text(text)
    if not has_words(question) or not 3 <= len(question) <= programs.MAX_QUESTION:
        return Rejected(turn.gettext("Pertanyaan 3 sampai 300 huruf."))
    draft.pending = QuestionDraft(text=question)
    return S.QKIND


def _kind_options(turn: Turn, _draft: ProgramDraft) -> list[Option]:
    return translated(turn, [(label, kind.value) for kind, label in QUESTION_KIND_LABELS.items()])


async def _qkind(_turn: Turn, draft: ProgramDraft, value: str) -> Next:
    pending = draft.pending or QuestionDraft()
    pending.kind = QuestionKind(value)
    draft.pending = pending
    return {
        QuestionKind.YES_NO: S.QYES,
        QuestionKind.NUMBER: S.QRANGE,
        QuestionKind.CHOICE: S.QOPTS,
    }[pending.kind]


def _finish_question(draft: ProgramDraft) -> Next:
    if draft.pending is not None:
        draft.questions = [*draft.questions, draft.pending]
    draft.pending = None
    return S.QMORE


async def _qyes(_turn: Turn, draft: ProgramDraft, value: str) -> Next:
    if draft.pending is None:
        return S.QMORE
    draft.pending.qualifying = [value]
    return _finish_question(draft)


async def _qrange(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    found = _RANGE.fullmatch(text)
    low, high = (found.group(1), found.group(2)) if found else ("", "")
    if draft.pending is None:
        return S.QMORE
    if not found or not (low or high) or (low and high and int(low) > int(high)):
        return Rejected(
            turn.gettext("Tulis seperti 1- (paling sedikit 1), -5 (paling banyak 5), atau 1-5.")
        )
    draft.pending.minimum = int(low) if low else None
    draft.pending.maximum = int(high) if high else None
    return _finish_question(draft)


async def _qopts(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    options = [tidy_text(o) for o in text.split(",") if has_words(tidy_text(o))]
    fits = 2 <= len(options) <= programs.MAX_OPTIONS and all(
        len(o) <= programs.MAX_OPTION for o in options
    )
    if not fits or len(set(options)) != len(options):
        return Rejected(
            turn.gettext(
                "Tulis 2 sampai 8 pilihan yang berbeda, dipisah koma, masing-masing pendek."
            )
        )
    if draft.pending is None:
        return S.QMORE
    draft.pending.options, draft.pending.qualifying = options, []
    return S.QOK


def _qok_options(_turn: Turn, draft: ProgramDraft) -> list[Option]:
    options = draft.pending.options if draft.pending else []
    return [(option, str(i)) for i, option in enumerate(options)]


def _qok_selected(draft: ProgramDraft) -> list[str]:
    if draft.pending is None:
        return []
    return [str(i) for i, o in enumerate(draft.pending.options) if o in draft.pending.qualifying]


def _store_qok(draft: ProgramDraft, chosen: list[str]) -> None:
    if draft.pending is not None:
        draft.pending.qualifying = [draft.pending.options[int(i)] for i in chosen]


async def _qok_done(_turn: Turn, draft: ProgramDraft) -> Next:
    return _finish_question(draft)


# -- the documents ------------------------------------------------------------------------------


def _dmore_prompt(turn: Turn, draft: ProgramDraft) -> str:
    _ = turn.gettext
    lines = [_("<b>Dokumen yang harus dikirim</b> (foto atau PDF).")]
    lines += [
        f"• {escape(d.name)} ({_(DOCUMENT_KIND_LABELS[d.kind])})" for d in draft.documents
    ] or [_("Belum ada dokumen.")]
    return "\n".join(lines)


async def _dmore(turn: Turn, draft: ProgramDraft, value: str) -> Next:
    if value == ADD:
        if turn.flow_state is not None:
            turn.flow_state.meta.return_to = None
        return S.DNAME
    if value == CLEAR:
        draft.documents = []
        return S.DMORE
    return S.SUMMARY if draft.reviewed else S.QUOTA


async def _dname(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    name = tidy_text(text)
    if not has_words(name) or not 2 <= len(name) <= programs.MAX_DOCUMENT_NAME:
        return Rejected(turn.gettext("Nama dokumen 2 sampai 60 huruf, misalnya Foto KTP."))
    draft.doc_name = name
    return S.DKIND


def _dkind_options(turn: Turn, _draft: ProgramDraft) -> list[Option]:
    _ = turn.gettext
    return [(_("📷 Foto"), DocumentKind.PHOTO.value), (_("📄 PDF"), DocumentKind.PDF.value)]


async def _dkind(_turn: Turn, draft: ProgramDraft, value: str) -> Next:
    if draft.doc_name:
        draft.documents = [
            *draft.documents,
            DocumentDraft(name=draft.doc_name, kind=DocumentKind(value)),
        ]
    draft.doc_name = ""
    return S.DMORE


# -- quota, deadline, summary -------------------------------------------------------------------


async def _quota(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    digits = text.strip().replace(".", "")
    if not re.fullmatch(r"[0-9]{1,7}", digits, re.ASCII) or not 1 <= int(digits) <= 1_000_000:
        return Rejected(
            turn.gettext("Tulis kuota sebagai angka, misalnya 25, atau tekan Tanpa kuota.")
        )
    draft.quota = int(digits)
    return S.DEADLINE


async def _no_quota(_turn: Turn, draft: ProgramDraft, _value: str) -> Next:
    draft.quota = None
    return S.DEADLINE


async def _deadline(turn: Turn, draft: ProgramDraft, text: str) -> Parsed:
    _ = turn.gettext
    found = _DATE.fullmatch(text)
    when = None
    if found:
        day, month, year, hour, minute = found.groups()
        try:
            when = datetime(
                int(year), int(month), int(day), int(hour or 23), int(minute or 59), tzinfo=WIB
            )
        except ValueError:
            when = None
    if when is None:
        return Rejected(_("Tulis tanggal seperti 31-12-2026, atau 31-12-2026 16:00 (WIB)."))
    if when <= turn.now:
        return Rejected(_("Tanggal itu sudah lewat. Tulis tanggal yang akan datang."))
    draft.deadline = when
    return S.SUMMARY


async def _no_deadline(_turn: Turn, draft: ProgramDraft, _value: str) -> Next:
    draft.deadline = None
    return S.SUMMARY


def _summary(turn: Turn, draft: ProgramDraft) -> list[str]:
    draft.reviewed = True
    return _describe(turn, draft)


async def _save(turn: Turn, draft: ProgramDraft) -> Next:
    _ = turn.gettext
    if not _admin(turn):
        return await _not_admin(turn)
    saved = await programs.save_program(
        turn.session,
        spec=_spec(draft),
        now=turn.now,
        program_id=draft.program_id,
        actor=turn.staff,
    )
    if saved.outcome is SaveOutcome.NAME_TAKEN:
        turn.say(_("Nama itu sudah dipakai program lain. Tulis nama lain."))
        return S.NAME
    if saved.outcome is SaveOutcome.INVALID or saved.program is None:
        turn.say(
            _("Belum bisa disimpan: {problems}.").format(
                problems=escape("; ".join(_(p) for p in saved.problems))
            )
        )
        return S.SUMMARY
    loaded = _load(saved.program)
    for name in ProgramDraft.model_fields:
        setattr(draft, name, getattr(loaded, name))
    if saved.outcome is SaveOutcome.CREATED:
        turn.say(
            _("✅ Program disimpan. Tekan 🟢 Buka pendaftaran agar klien bisa mengajukan diri.")
        )
    else:
        turn.say(_("✅ Perubahan program disimpan."))
    return S.VIEW


async def _cancel(turn: Turn, draft: ProgramDraft) -> Next:
    turn.say(turn.gettext("Perubahan tidak disimpan."))
    return S.VIEW if draft.program_id is not None else S.LIST


FLOW = Flow(
    name="kpg",
    states=S,
    draft_model=ProgramDraft,
    entry_command="kelolaprogram",
    steps={
        S.LIST: Choice[ProgramDraft](
            prompt=N_(
                "<b>Program</b> (🟢 terbuka, ⚪ tertutup). Pilih program, atau buat yang baru."
            ),
            options=_list_options,
            choose=_listed,
        ),
        S.VIEW: Choice[ProgramDraft](prompt=_view_prompt, options=_view_options, choose=_viewed),
        S.NAME: FreeText[ProgramDraft](
            prompt=N_("Apa nama programnya? Misalnya: UEP Menjahit 2026."),
            take=_name,
            max_length=programs.MAX_NAME,
        ),
        S.DESC: FreeText[ProgramDraft](
            prompt=N_("Tulis keterangan singkat program (untuk klien), atau tekan Lewati."),
            take=_description,
            max_length=programs.MAX_DESCRIPTION,
            buttons=lambda turn, _d: [(turn.gettext("⏭️ Lewati"), NEXT)],
            on_button=_no_description,
        ),
        S.PPKS: MultiSelect[ProgramDraft](
            prompt=N_("Untuk kategori PPKS mana? Tidak memilih apa pun berarti semua kategori."),
            options=_ppks_options,
            selected=lambda d: [str(no) for no in d.ppks],
            store=_store_ppks,
            done=_to_regions,
            none_label=N_("Semua kategori"),
            per_page=8,
        ),
        S.REGIONS: MultiSelect[ProgramDraft](
            prompt=N_("Untuk kabupaten/kota mana? Tidak memilih apa pun berarti semua wilayah."),
            options=_region_options,
            selected=lambda d: list(d.regions),
            store=_store_regions,
            done=_to_status,
            none_label=N_("Semua wilayah"),
            per_page=10,
            columns=2,
        ),
        S.STATUS: MultiSelect[ProgramDraft](
            prompt=N_("Untuk usaha dengan keadaan apa? Tidak memilih apa pun berarti semua."),
            options=lambda turn, _d: translated(
                turn, [(label, s.value) for s, label in BUSINESS_STATUS_LABELS.items()]
            ),
            selected=lambda d: [s.value for s in d.statuses],
            store=_store_statuses,
            done=_to_questions,
            none_label=N_("Semua keadaan usaha"),
        ),
        S.QMORE: Choice[ProgramDraft](
            prompt=_qmore_prompt,
            options=lambda turn, d: _more_options(
                turn, len(d.questions), programs.MAX_QUESTIONS, N_("➕ Tambah pertanyaan")
            ),
            choose=_qmore,
        ),
        S.QTEXT: FreeText[ProgramDraft](
            prompt=N_("Tulis pertanyaannya, misalnya: Apakah usaha Anda masih berjalan?"),
            take=_qtext,
            max_length=programs.MAX_QUESTION,
        ),
        S.QKIND: Choice[ProgramDraft](
            prompt=N_("Bagaimana klien menjawabnya?"), options=_kind_options, choose=_qkind
        ),
        S.QYES: Choice[ProgramDraft](
            prompt=N_("Jawaban mana yang memenuhi syarat?"),
            options=lambda turn, _d: [
                (turn.gettext("✅ Ya"), programs.YES),
                (turn.gettext("❌ Tidak"), programs.NO),
            ],
            choose=_qyes,
            columns=2,
        ),
        S.QRANGE: FreeText[ProgramDraft](
            prompt=N_(
                "Angka berapa yang memenuhi syarat? Tulis 1- (paling sedikit 1), "
                "-5 (paling banyak 5), atau 1-5."
            ),
            take=_qrange,
            max_length=20,
        ),
        S.QOPTS: FreeText[ProgramDraft](
            prompt=N_("Tulis pilihan jawabannya, dipisah koma. Misalnya: Jahit, Kuliner, Lainnya"),
            take=_qopts,
            max_length=400,
        ),
        S.QOK: MultiSelect[ProgramDraft](
            prompt=N_("Pilihan mana yang memenuhi syarat? Pilih satu atau lebih, lalu Lanjut."),
            options=_qok_options,
            selected=_qok_selected,
            store=_store_qok,
            done=_qok_done,
            at_least=1,
        ),
        S.DMORE: Choice[ProgramDraft](
            prompt=_dmore_prompt,
            options=lambda turn, d: _more_options(
                turn, len(d.documents), programs.MAX_DOCUMENTS, N_("➕ Tambah dokumen")
            ),
            choose=_dmore,
        ),
        S.DNAME: FreeText[ProgramDraft](
            prompt=N_("Apa nama dokumennya? Misalnya: Foto KTP."),
            take=_dname,
            max_length=programs.MAX_DOCUMENT_NAME,
        ),
        S.DKIND: Choice[ProgramDraft](
            prompt=N_("Dikirim sebagai apa?"), options=_dkind_options, choose=_dkind, columns=2
        ),
        S.QUOTA: FreeText[ProgramDraft](
            prompt=N_("Berapa kuotanya (jumlah tempat)? Tulis angkanya, atau tekan Tanpa kuota."),
            take=_quota,
            max_length=20,
            buttons=lambda turn, _d: [(turn.gettext("♾️ Tanpa kuota"), NEXT)],
            on_button=_no_quota,
        ),
        S.DEADLINE: FreeText[ProgramDraft](
            prompt=N_(
                "Kapan batas waktu pengajuan? Tulis tanggal seperti 31-12-2026 (sampai pukul "
                "23.59 WIB), atau 31-12-2026 16:00."
            ),
            take=_deadline,
            max_length=40,
            buttons=lambda turn, _d: [(turn.gettext("♾️ Tanpa batas waktu"), NEXT)],
            on_button=_no_deadline,
        ),
        S.SUMMARY: Summary[ProgramDraft](
            lines=_summary,
            fields=[
                (N_("Nama"), S.NAME),
                (N_("Keterangan"), S.DESC),
                (N_("Kategori PPKS"), S.PPKS),
                (N_("Wilayah"), S.REGIONS),
                (N_("Keadaan usaha"), S.STATUS),
                (N_("Pertanyaan"), S.QMORE),
                (N_("Dokumen"), S.DMORE),
                (N_("Kuota"), S.QUOTA),
                (N_("Batas waktu"), S.DEADLINE),
            ],
            save=_save,
            cancel=_cancel,
        ),
    },
)
