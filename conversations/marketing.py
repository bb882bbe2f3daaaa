"""Asking for marketing help (/pemasaran): the product, its photos, the price, how many she can
make a month, the help she wants, then a summary to confirm.

Nothing is stored before ✅ Simpan; then the request reaches her caseworkers as an alert.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from pydantic import Field

from bot.chat.turn import Turn
from bot.domain.money import Amount, UnclearReason, parse_income
from bot.domain.text import has_words, strip_invisible, tidy_text
from bot.domain.vocabulary import HELP_WANTED_LABELS, HelpWanted
from bot.i18n import N_
from bot.services import marketing
from bot.services.marketing import MAX_CAPACITY, MAX_PHOTOS, MAX_PRICE, RequestInput
from conversations.engine import END, REPEAT, Draft, Flow, Next
from conversations.steps import (
    AskAbout,
    FreeText,
    MultiSelect,
    Number,
    Parsed,
    Photos,
    Rejected,
    Summary,
    translated,
)

MAX_PRODUCT = 100
MAX_DESCRIPTION = 500
MAX_OTHER = 200


class S(StrEnum):
    """The request's steps, in order ("other" comes before the list that leads to it, so a
    correction that ticks "other" still asks for its words before the summary)."""

    PRODUCT = "product"
    DESCRIPTION = "description"
    PHOTOS = "photos"
    PRICE = "price"
    CAPACITY = "capacity"
    OTHER = "other"
    HELP = "help"
    SUMMARY = "summary"


class MarketingDraft(Draft):
    """The request so far; nothing is stored before Simpan."""

    product: str | None = None
    description: str | None = None
    photos: list[str] = Field(default_factory=list)
    price: tuple[int, int] | None = None
    capacity: int | None = None
    help: list[HelpWanted] = Field(default_factory=list)
    other: str | None = None


async def start(turn: Turn) -> None:
    """Open a new request."""
    await FLOW.start(turn, MarketingDraft())


def _words(turn: Turn, text: str) -> str | None:
    text = tidy_text(strip_invisible(text))
    return text if has_words(text) else None


async def _product(turn: Turn, draft: MarketingDraft, text: str) -> Parsed:
    words = _words(turn, text)
    if words is None:
        return Rejected(turn.gettext("Tulis nama produknya, misalnya: Kue kering nastar."))
    draft.product = words
    return S.DESCRIPTION


async def _description(turn: Turn, draft: MarketingDraft, text: str) -> Parsed:
    words = _words(turn, text)
    if words is None:
        return Rejected(
            turn.gettext("Ceritakan produknya dengan beberapa kata, misalnya bahan dan ukurannya.")
        )
    draft.description = words
    return S.PHOTOS


async def _photos(_turn: Turn, draft: MarketingDraft, photos: list[str]) -> Next:
    draft.photos = photos
    return S.PRICE


def _range_value(low: int, high: int) -> str:
    return f"{low}-{high}"


async def _price(turn: Turn, draft: MarketingDraft, text: str) -> Parsed:
    """One price or a range ("20rb - 35rb"); unclear amounts are asked about."""
    _ = turn.gettext
    parsed = parse_income(text)
    if isinstance(parsed, Amount):
        if parsed.value <= 0:
            return Rejected(_("Harganya tidak boleh Rp0. Tulis harga jualnya, misalnya 25rb."))
        draft.price = (parsed.value, parsed.value)
        return S.CAPACITY
    candidates = [c for c in parsed.candidates if 0 < c <= MAX_PRICE]
    if parsed.reason is UnclearReason.RANGE:
        if len(candidates) == 2 and candidates[0] < candidates[1]:
            draft.price = (candidates[0], candidates[1])
            return S.CAPACITY
        return Rejected(_("Tulis kisaran harganya dengan satuan, misalnya 20rb - 35rb."))
    if parsed.reason is UnclearReason.TOO_SMALL and len(candidates) == 1:
        draft.price = (candidates[0], candidates[0])  # a small price is believable
        return S.CAPACITY
    if parsed.reason is UnclearReason.NOT_FOUND or not candidates:
        return Rejected(_("Maaf, saya belum bisa membaca harganya. Tulis misalnya 25rb."))
    options = [(turn.t.money(c), _range_value(c, c)) for c in candidates[:4]]
    if len(options) == 1:
        return AskAbout(_("Harganya {amount}, benar?").format(amount=options[0][0]), options)
    return AskAbout(
        _("Maksud Anda {first} atau {second}?").format(first=options[0][0], second=options[-1][0]),
        options,
    )


async def _price_picked(_turn: Turn, draft: MarketingDraft, value: str) -> Next:
    low, _sep, high = value.partition("-")
    draft.price = (int(low), int(high))
    return S.CAPACITY


async def _capacity(turn: Turn, draft: MarketingDraft, count: int) -> Next:
    if count <= 0:
        turn.say(turn.gettext("Tulis berapa banyak yang bisa Anda buat sebulan, misalnya 50."))
        return REPEAT
    draft.capacity = count
    return S.HELP


def _store_help(draft: MarketingDraft, chosen: list[str]) -> None:
    draft.help = [HelpWanted(value) for value in chosen]
    if HelpWanted.OTHER not in draft.help:
        draft.other = None


async def _help_done(_turn: Turn, draft: MarketingDraft) -> Next:
    if HelpWanted.OTHER in draft.help and draft.other is None:
        return S.OTHER
    return S.SUMMARY


async def _other(turn: Turn, draft: MarketingDraft, text: str) -> Parsed:
    words = _words(turn, text)
    if words is None:
        return Rejected(turn.gettext("Tulis singkat bantuan lain yang Anda perlukan."))
    draft.other = words
    return S.SUMMARY


def _summary(turn: Turn, draft: MarketingDraft) -> list[str]:
    _ = turn.gettext
    assert draft.product and draft.description and draft.price and draft.capacity
    helps = []
    for wanted in draft.help:
        label = _(HELP_WANTED_LABELS[wanted])
        if wanted is HelpWanted.OTHER and draft.other:
            label += f" ({escape(draft.other)})"
        helps.append(label)
    return [
        _("<b>Ringkasan permintaan bantuan pemasaran</b>"),
        _("Produk: {product}").format(product=escape(draft.product)),
        _("Keterangan: {text}").format(text=escape(draft.description)),
        _("Foto: {value}").format(
            value=turn.t.ngettext("{n} foto", "{n} foto", len(draft.photos)).format(
                n=len(draft.photos)
            )
        ),
        _("Harga: {price}").format(price=marketing.price_text(turn.t, *draft.price)),
        _("Kemampuan produksi: {n} per bulan").format(n=draft.capacity),
        _("Bantuan yang diminta: {help}").format(help=", ".join(helps)),
    ]


async def _save(turn: Turn, draft: MarketingDraft) -> Next:
    _ = turn.gettext
    if turn.profile is None or turn.profile.client_id is None:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return END
    assert draft.product and draft.description and draft.price and draft.capacity
    receipt = await marketing.submit_request(
        turn.session,
        client_id=turn.profile.client_id,
        request=RequestInput(
            product=draft.product,
            description=draft.description,
            price_low=draft.price[0],
            price_high=draft.price[1],
            capacity=draft.capacity,
            help=tuple(draft.help),
            other=draft.other,
            photos=tuple(draft.photos),
        ),
        now=turn.now,
    )
    turn.queued_outbox = receipt.alerted
    turn.say(
        _(
            "✅ Permintaan bantuan pemasaran Anda sudah terkirim ke pendamping. "
            "Anda akan dikabari setiap ada perkembangan. Lihat semua permintaan Anda dengan "
            "/status."
        )
    )
    turn.end()
    turn.show_menu()
    return END


async def _cancel(turn: Turn, _draft: MarketingDraft) -> Next:
    turn.say(turn.gettext("Permintaan dibatalkan dan tidak dikirim."))
    turn.end()
    turn.show_menu()
    return END


FLOW = Flow(
    name="mkt",
    states=S,
    draft_model=MarketingDraft,
    entry_command="pemasaran",
    steps={
        S.PRODUCT: FreeText[MarketingDraft](
            prompt=N_(
                "🛍️ Bantuan pemasaran\nApa nama produk yang ingin Anda pasarkan? "
                "Misalnya: <i>Kue kering nastar</i>."
            ),
            take=_product,
            max_length=MAX_PRODUCT,
        ),
        S.DESCRIPTION: FreeText[MarketingDraft](
            prompt=N_("Ceritakan produknya dengan singkat: bahan, ukuran, atau keunggulannya."),
            take=_description,
            max_length=MAX_DESCRIPTION,
        ),
        S.PHOTOS: Photos[MarketingDraft](
            prompt=N_(
                "Kirim 1 sampai 5 foto produk, satu per satu atau sekaligus. "
                "Foto hanya dilihat petugas Dinas Sosial."
            ),
            store=_photos,
            at_most=MAX_PHOTOS,
            collect=lambda d: d.photos,
        ),
        S.PRICE: FreeText[MarketingDraft](
            prompt=N_(
                "Berapa harga jualnya per buah? Boleh satu harga atau kisaran, "
                "misalnya <i>25rb</i> atau <i>20rb - 35rb</i>."
            ),
            take=_price,
            max_length=100,
            pick=_price_picked,
        ),
        S.CAPACITY: Number[MarketingDraft](
            prompt=N_(
                "Berapa banyak yang bisa Anda buat dalam sebulan? Ketik jumlahnya, misalnya 50."
            ),
            store=_capacity,
            quick=(),
            maximum=MAX_CAPACITY,
        ),
        S.OTHER: FreeText[MarketingDraft](
            prompt=N_("Bantuan lain apa yang Anda perlukan? Tulis singkat saja."),
            take=_other,
            max_length=MAX_OTHER,
        ),
        S.HELP: MultiSelect[MarketingDraft](
            prompt=N_(
                "Bantuan apa yang Anda inginkan? Boleh pilih lebih dari satu, lalu tekan Lanjut."
            ),
            options=lambda turn, _d: translated(
                turn, [(label, h.value) for h, label in HELP_WANTED_LABELS.items()]
            ),
            selected=lambda draft: [h.value for h in draft.help],
            store=_store_help,
            done=_help_done,
            at_least=1,
        ),
        S.SUMMARY: Summary[MarketingDraft](
            lines=_summary,
            fields=[
                (N_("Produk"), S.PRODUCT),
                (N_("Keterangan"), S.DESCRIPTION),
                (N_("Foto"), S.PHOTOS),
                (N_("Harga"), S.PRICE),
                (N_("Jumlah per bulan"), S.CAPACITY),
                (N_("Bantuan"), S.HELP),
            ],
            save=_save,
            cancel=_cancel,
        ),
    },
)
