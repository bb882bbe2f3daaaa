"""The kinds of step that flows are built from.

Every kind takes its texts as msgids (or functions of the turn and the draft) and its
decisions as async callbacks `(turn, draft, ...) -> next state`. The kinds:

- `Choice`: buttons; typing a button's label, or a word of it, counts as pressing it.
- `PagedChoice`: a long list of buttons, turned in place, or a name typed and searched.
- `MultiSelect`: checkboxes toggled in place, then Lanjut (paged when the list is long).
- `FreeText`: text through a parser that may accept it, refuse it with a reason, or ask about
  it again with the readings as buttons.
- `Number`: a count, by quick buttons or typed in digits or words.
- `Photos`: one photo, or several (an album arrives as one answer), optionally one by one.
- `Document`: one file (e.g. a PDF).
- `ShareContact`: Telegram's share-my-number button, or Lewati.
- `Summary`: everything at once, with Simpan, per-field Ubah and Batal.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.chat.messages import ReplyButton
from bot.chat.turn import Clarify, Kind, Turn
from bot.domain.counting import parse_count
from bot.i18n import N_
from conversations.engine import (
    BUTTONS_ONLY,
    REPEAT,
    STAY,
    TEXT_AND_BUTTONS,
    Draft,
    Next,
    Prompt,
    Step,
    chunked,
    normalize_label,
    prompt_text,
)
from conversations.paging import page_number, paged_rows

D = TypeVar("D", bound=Draft)
T = TypeVar("T")
Option = tuple[str, str]  # (label in the reader's language, value)
OptionsFn = Callable[[Turn, D], Sequence[Option] | Awaitable[Sequence[Option]]]
ChooseFn = Callable[[Turn, D, str], Awaitable[Next]]
DraftFn = Callable[[Turn, D], Awaitable[Next]]

AGAIN = "again"  # "✏️ Tulis lagi" under a clarifying question
DONE, NONE, CANCEL, SKIP, SAVE, EDIT, BACK = (
    "done",
    "none",
    "cancel",
    "skip",
    "save",
    "edit",
    "back",
)


async def _resolve(value: T | Awaitable[T]) -> T:
    return await value if inspect.isawaitable(value) else value


def translated(turn: Turn, options: Sequence[tuple[str, str]]) -> list[Option]:
    """Options whose labels are msgids, in the turn's language."""
    return [(turn.gettext(label), value) for label, value in options]


@dataclass(frozen=True, eq=False)
class Choice(Step[D], Generic[D]):
    """A question answered with one button."""

    prompt: Prompt
    options: OptionsFn[D]
    choose: ChooseFn[D]
    columns: int = 1
    # Buttons only: the engine reads typed labels (or words of them) as presses, and answers
    # other text with "pilih salah satu tombol".
    accepts: frozenset[Kind] = BUTTONS_ONLY

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question and its buttons."""
        options = list(await _resolve(self.options(turn, draft)))
        turn.say(
            prompt_text(self.prompt, turn, draft), turn.keyboard(chunked(options, self.columns))
        )

    async def handle(self, turn: Turn, draft: D) -> Next:
        """A button (or its label typed); a value it does not offer asks again."""
        options = await _resolve(self.options(turn, draft))
        if turn.input.value not in {value for _label, value in options}:
            return REPEAT
        return await self.choose(turn, draft, turn.input.value)


@dataclass(frozen=True, eq=False)
class PagedChoice(Step[D], Generic[D]):
    """A long list of buttons, turned in place with ◀/▶; a typed name is searched."""

    prompt: Prompt
    items: OptionsFn[D]
    choose: ChooseFn[D]
    per_page: int = 10
    columns: int = 2
    typed: bool = True
    not_found: str = N_("Itu tidak saya temukan. Pilih dari tombol, atau ketik lagi.")
    cancel: DraftFn[D] | None = None  # a last row with ❌ Batal (or another way out)
    cancel_label: str = N_("❌ Batal")

    @property
    def accepts(self) -> frozenset[Kind]:  # type: ignore[override]
        """Typed names are searched when `typed`."""
        return TEXT_AND_BUTTONS if self.typed else BUTTONS_ONLY

    def takes_typed_words(self) -> bool:
        """Typed text is a search, not a button."""
        return False

    async def _rows(self, turn: Turn, draft: D) -> list[list[Option]]:
        assert turn.flow_state is not None
        page = turn.flow_state.meta.pages.get(turn.flow_state.state, 0)
        items = list(await _resolve(self.items(turn, draft)))
        rows = paged_rows(turn.t, items, page=page, per_page=self.per_page, columns=self.columns)
        if self.cancel is not None:
            rows.append([(turn.gettext(self.cancel_label), CANCEL)])
        return rows

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question and the current page of buttons."""
        rows = await self._rows(turn, draft)
        turn.say(prompt_text(self.prompt, turn, draft), turn.keyboard(rows))

    async def handle(self, turn: Turn, draft: D) -> Next:
        """A page turn (in place), an item, or a typed name."""
        assert turn.flow_state is not None
        items = list(await _resolve(self.items(turn, draft)))
        if turn.input.kind is Kind.BUTTON:
            page = page_number(turn.input.value)
            if page is not None:
                turn.flow_state.meta.pages[turn.flow_state.state] = page
                turn.pressed_buttons = turn.keyboard(await self._rows(turn, draft))
                return STAY
            if turn.input.value == CANCEL and self.cancel is not None:
                return await self.cancel(turn, draft)
            if turn.input.value not in {value for _label, value in items}:
                return REPEAT
            return await self.choose(turn, draft, turn.input.value)
        typed = normalize_label(turn.input.text[:100])
        matches = [item for item in items if typed and typed in normalize_label(item[0])]
        exact = [item for item in matches if normalize_label(item[0]) == typed]
        if len(exact) == 1 or len(matches) == 1:
            return await self.choose(turn, draft, (exact or matches)[0][1])
        if matches:
            _ = turn.gettext
            turn.say(
                _("Ada beberapa yang cocok. Pilih salah satu:"),
                turn.keyboard(chunked(matches[:8], 1)),
            )
            return STAY
        turn.say(turn.gettext(self.not_found))
        return REPEAT


@dataclass(frozen=True, eq=False)
class MultiSelect(Step[D], Generic[D]):
    """Checkboxes toggled in place; then Lanjut (or "none of these")."""

    prompt: Prompt
    options: OptionsFn[D]
    selected: Callable[[D], list[str]]
    store: Callable[[D, list[str]], None]
    done: DraftFn[D]
    done_label: str = N_("➡️ Lanjut")
    none_label: str | None = None  # offered while nothing is ticked; it stores an empty choice
    cancel: DraftFn[D] | None = None
    cancel_label: str = N_("❌ Batal")
    at_least: int = 0
    at_least_message: str = N_("Pilih minimal satu.")
    per_page: int | None = None
    columns: int = 1
    accepts: frozenset[Kind] = BUTTONS_ONLY

    async def _rows(self, turn: Turn, draft: D) -> list[list[Option]]:
        assert turn.flow_state is not None
        chosen = set(self.selected(draft))
        items = [
            (("✅ " if value in chosen else "▫️ ") + label, value)
            for label, value in await _resolve(self.options(turn, draft))
        ]
        if self.per_page is None:
            rows = chunked(items, self.columns)
        else:
            page = turn.flow_state.meta.pages.get(turn.flow_state.state, 0)
            rows = paged_rows(
                turn.t, items, page=page, per_page=self.per_page, columns=self.columns
            )
        last: list[Option] = []
        if self.none_label is not None and not chosen:
            last.append((turn.gettext(self.none_label), NONE))
        else:
            last.append((turn.gettext(self.done_label), DONE))
        if self.cancel is not None:
            last.append((turn.gettext(self.cancel_label), CANCEL))
        return [*rows, last]

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question and the checkboxes."""
        turn.say(
            prompt_text(self.prompt, turn, draft), turn.keyboard(await self._rows(turn, draft))
        )

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Toggle or turn the page in place; Lanjut, none or Batal move on."""
        assert turn.flow_state is not None
        value = turn.input.value
        if value == NONE and self.none_label is not None:
            self.store(draft, [])
            return await self.done(turn, draft)
        if value == DONE:
            if len(self.selected(draft)) < self.at_least:
                turn.toast = turn.gettext(self.at_least_message)
                return STAY
            return await self.done(turn, draft)
        if value == CANCEL and self.cancel is not None:
            return await self.cancel(turn, draft)
        page = page_number(value) if self.per_page is not None else None
        if page is not None:
            turn.flow_state.meta.pages[turn.flow_state.state] = page
        else:
            order = [v for _label, v in await _resolve(self.options(turn, draft))]
            if value not in order:
                return REPEAT
            chosen = set(self.selected(draft)) ^ {value}
            self.store(draft, [v for v in order if v in chosen])
        turn.pressed_buttons = turn.keyboard(await self._rows(turn, draft))
        return STAY


@dataclass(frozen=True)
class Rejected:
    """A typed answer that cannot be used, and why (already in the reader's language)."""

    reason: str


@dataclass(frozen=True)
class AskAbout:
    """A typed answer that could mean several things: ask, offering the readings as buttons."""

    question: str
    options: Sequence[Option]


Parsed = Next | Rejected | AskAbout
ParseFn = Callable[[Turn, D, str], Awaitable[Parsed]]


@dataclass(frozen=True, eq=False)
class FreeText(Step[D], Generic[D]):
    """Typed text through a parser that decides, refuses or asks about it again."""

    prompt: Prompt
    take: ParseFn[D]
    max_length: int = 200
    too_long: str = N_("Tulis singkat saja, paling banyak {n} huruf.")
    buttons: Callable[[Turn, D], Sequence[Option]] | None = None  # e.g. "Belum ada penghasilan"
    on_button: ChooseFn[D] | None = None
    pick: ChooseFn[D] | None = None  # one of the readings offered by AskAbout was pressed
    accepts: frozenset[Kind] = TEXT_AND_BUTTONS

    def takes_typed_words(self) -> bool:
        """Text is the answer itself; only a button's exact label counts as the button."""
        return False

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question, or the clarifying question about the last answer."""
        assert turn.flow_state is not None
        clarify = turn.flow_state.meta.clarify
        if clarify is not None:
            rows = [[option] for option in clarify.options]
            rows.append([(turn.gettext(N_("✏️ Tulis lagi")), AGAIN)])
            turn.say(clarify.text, turn.keyboard(rows))
            return
        rows = [[option] for option in self.buttons(turn, draft)] if self.buttons else []
        turn.say(prompt_text(self.prompt, turn, draft), turn.keyboard(rows) if rows else ())

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Parse the text; or take a reading, a "write again" or the step's own button."""
        assert turn.flow_state is not None
        meta = turn.flow_state.meta
        if turn.input.kind is Kind.BUTTON:
            value = turn.input.value
            if meta.clarify is not None:
                if value == AGAIN:
                    meta.clarify = None
                    return REPEAT
                if self.pick is not None and value in {v for _l, v in meta.clarify.options}:
                    meta.clarify = None
                    return await self.pick(turn, draft, value)
                return REPEAT
            own = {v for _l, v in self.buttons(turn, draft)} if self.buttons else set()
            if self.on_button is not None and value in own:
                return await self.on_button(turn, draft, value)
            return REPEAT
        text = turn.input.text.strip()
        if len(text) > self.max_length:
            turn.say(turn.gettext(self.too_long).format(n=self.max_length))
            return REPEAT
        meta.clarify = None
        parsed = await self.take(turn, draft, text)
        if isinstance(parsed, Rejected):
            turn.say(parsed.reason)
            return REPEAT
        if isinstance(parsed, AskAbout):
            meta.clarify = Clarify(text=parsed.question, options=list(parsed.options))
            return REPEAT
        return parsed


@dataclass(frozen=True, eq=False)
class Number(Step[D], Generic[D]):
    """A count: quick buttons for the small ones, or typed in digits or words."""

    prompt: Prompt
    store: Callable[[Turn, D, int], Awaitable[Next]]
    quick: Sequence[int] = tuple(range(6))
    maximum: int = 999
    invalid: str = N_("Tulis satu angka dari 0 sampai {n}, misalnya 2.")
    accepts: frozenset[Kind] = TEXT_AND_BUTTONS

    def takes_typed_words(self) -> bool:
        """A typed number is read by the count parser."""
        return False

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question and the quick buttons in one row."""
        row = [(str(n), str(n)) for n in self.quick]
        turn.say(prompt_text(self.prompt, turn, draft), turn.keyboard([row]) if row else ())

    async def handle(self, turn: Turn, draft: D) -> Next:
        """A button or a typed count within 0..maximum."""
        source = turn.input.value if turn.input.kind is Kind.BUTTON else turn.input.text[:100]
        count = parse_count(source)
        if count is None or count > self.maximum:
            turn.say(turn.gettext(self.invalid).format(n=self.maximum))
            return REPEAT
        return await self.store(turn, draft, count)


@dataclass(frozen=True, eq=False)
class Photos(Step[D], Generic[D]):
    """One photo, or up to `at_most`: an album arrives as one answer.

    With `collect`, photos may also come one by one; each is added to the draft and Lanjut
    moves on (the step moves on by itself once `at_most` are in).
    """

    prompt: Prompt
    store: Callable[[Turn, D, list[str]], Awaitable[Next]]
    at_most: int = 1
    skip: DraftFn[D] | None = None
    skip_label: str = N_("⏭️ Lewati")
    collect: Callable[[D], list[str]] | None = None  # the photos so far (one by one)
    done_label: str = N_("➡️ Lanjut")
    accepts: frozenset[Kind] = frozenset({Kind.PHOTO, Kind.BUTTON})

    def _buttons(self, turn: Turn, draft: D) -> list[list[Option]]:
        rows: list[list[Option]] = []
        if self.collect is not None and self.collect(draft):
            rows.append([(turn.gettext(self.done_label), DONE)])
        elif self.skip is not None:
            rows.append([(turn.gettext(self.skip_label), SKIP)])
        return rows

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question, with Lewati (or Lanjut once some photos are in)."""
        rows = self._buttons(turn, draft)
        turn.say(prompt_text(self.prompt, turn, draft), turn.keyboard(rows) if rows else ())

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Take the photo(s); Lewati or Lanjut move on."""
        _ = turn.gettext
        if turn.input.kind is Kind.BUTTON:
            if turn.input.value == SKIP and self.skip is not None:
                return await self.skip(turn, draft)
            if turn.input.value == DONE and self.collect is not None and self.collect(draft):
                return await self.store(turn, draft, list(self.collect(draft)))
            return REPEAT
        before = list(self.collect(draft)) if self.collect is not None else []
        photos = [*before, *turn.input.file_ids]
        taken = photos[: self.at_most]
        if len(photos) > self.at_most:
            turn.say(
                turn.t.ngettext(
                    "Saya simpan {n} foto pertama saja.",
                    "Saya simpan {n} foto pertama saja.",
                    self.at_most,
                ).format(n=self.at_most)
            )
        if self.collect is None or len(taken) >= self.at_most:
            received = (
                turn.gettext("Foto diterima.")
                if len(taken) == 1
                else turn.t.ngettext("{n} foto diterima.", "{n} foto diterima.", len(taken))
            )
            turn.say(received.format(n=len(taken)))
            return await self.store(turn, draft, taken)
        self.collect(draft)[:] = taken
        turn.say(
            turn.t.ngettext(
                "{n} foto diterima. Kirim foto lain, atau tekan Lanjut.",
                "{n} foto diterima. Kirim foto lain, atau tekan Lanjut.",
                len(taken),
            ).format(n=len(taken)),
            turn.keyboard(self._buttons(turn, draft)),
        )
        return STAY


@dataclass(frozen=True, eq=False)
class Document(Step[D], Generic[D]):
    """One file, e.g. a PDF of a certificate; `mime_types` limits what is taken."""

    prompt: Prompt
    store: Callable[[Turn, D, str, str | None], Awaitable[Next]]  # (file id, file name)
    mime_types: frozenset[str] = frozenset({"application/pdf"})
    wrong_type: str = N_("Kirim berkas PDF, ya.")
    skip: DraftFn[D] | None = None
    skip_label: str = N_("⏭️ Lewati")
    accepts: frozenset[Kind] = frozenset({Kind.DOCUMENT, Kind.BUTTON})

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question (and Lewati when the file is optional)."""
        rows = [[(turn.gettext(self.skip_label), SKIP)]] if self.skip is not None else []
        turn.say(prompt_text(self.prompt, turn, draft), turn.keyboard(rows) if rows else ())

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Take the file if it is of an allowed type."""
        if turn.input.kind is Kind.BUTTON:
            if turn.input.value == SKIP and self.skip is not None:
                return await self.skip(turn, draft)
            return REPEAT
        if turn.input.mime_type not in self.mime_types or turn.input.file_id is None:
            turn.say(turn.gettext(self.wrong_type))
            return REPEAT
        return await self.store(turn, draft, turn.input.file_id, turn.input.file_name)


@dataclass(frozen=True, eq=False)
class ShareContact(Step[D], Generic[D]):
    """The person's own number through the share-contact button, or Lewati."""

    prompt: Prompt
    store: Callable[[Turn, D, str | None], Awaitable[Next]]
    button_label: str = N_("📱 Kirim nomor HP saya")
    skip_label: str = N_("Lewati")
    accepts: frozenset[Kind] = frozenset({Kind.TEXT, Kind.CONTACT})

    async def ask(self, turn: Turn, draft: D) -> None:
        """The question with the phone's keyboard replaced by the two buttons."""
        _ = turn.gettext
        turn.say(
            prompt_text(self.prompt, turn, draft),
            reply_keyboard=[
                [ReplyButton(_(self.button_label), request_contact=True)],
                [ReplyButton(_(self.skip_label))],
            ],
        )

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Her own contact, or Lewati; the phone's keyboard comes back afterwards."""
        _ = turn.gettext
        if turn.input.kind is Kind.CONTACT:
            if not turn.input.own_contact or not turn.input.phone:
                turn.say(_("Kirim nomor Anda sendiri dengan tombol di bawah."))
                return REPEAT
            phone: str | None = turn.input.phone[:20]
        elif normalize_label(turn.input.text) == normalize_label(_(self.skip_label)):
            phone = None
        else:
            turn.say(_("Tekan tombol kirim nomor, atau tekan Lewati."))
            return REPEAT
        turn.say(_("Baik."), remove_reply_keyboard=True)
        return await self.store(turn, draft, phone)


@dataclass(frozen=True, eq=False)
class Summary(Step[D], Generic[D]):
    """Everything at once: Simpan, Ubah (one field, then straight back here) or Batal."""

    lines: Callable[[Turn, D], list[str]]
    fields: Sequence[tuple[str, StrEnum]]  # (label msgid, the state that asks it)
    save: DraftFn[D]
    cancel: DraftFn[D] | None = None
    question: str = N_("Sudah benar?")
    save_label: str = N_("✅ Simpan")
    accepts: frozenset[Kind] = BUTTONS_ONLY

    def __post_init__(self) -> None:
        taken = {SAVE, EDIT, CANCEL, BACK}
        if any(state.value in taken for _label, state in self.fields):
            raise ValueError("a summary field's state is named like a summary button")

    async def ask(self, turn: Turn, draft: D) -> None:
        """The summary with its buttons, or the "which part?" buttons."""
        assert turn.flow_state is not None
        _ = turn.gettext
        meta = turn.flow_state.meta
        meta.return_to = None
        if meta.choosing_field:
            options = [(_(label), state.value) for label, state in self.fields]
            rows = chunked(options, 2)
            rows.append([(_("⬅️ Kembali ke ringkasan"), BACK)])
            turn.say(_("Bagian mana yang mau diubah?"), turn.keyboard(rows))
            return
        buttons: list[list[Option]] = [[(_(self.save_label), SAVE)], [(_("✏️ Ubah"), EDIT)]]
        if self.cancel is not None:
            buttons[1].append((_("❌ Batal"), CANCEL))
        text = "\n".join([*self.lines(turn, draft), "", _(self.question)])
        turn.say(text, turn.keyboard(buttons))

    async def handle(self, turn: Turn, draft: D) -> Next:
        """Save, pick a field to change (its answer returns here), go back, or cancel."""
        assert turn.flow_state is not None
        meta = turn.flow_state.meta
        value = turn.input.value
        if meta.choosing_field:
            meta.choosing_field = False
            for _label, state in self.fields:
                if state.value == value:
                    meta.return_to = turn.flow_state.state
                    return state
            return REPEAT
        if value == SAVE:
            return await self.save(turn, draft)
        if value == EDIT:
            meta.choosing_field = True
            return REPEAT
        if value == CANCEL and self.cancel is not None:
            return await self.cancel(turn, draft)
        return REPEAT
