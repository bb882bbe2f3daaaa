"""The staff side of marketing requests: a caseworker refers a request to a partner agency or
declines it; a partner officer reports progress or closes a referral; an administrator adds an
agency. Every step checks again on the server who may act (the services decide)."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.chat.turn import Turn
from bot.domain.text import has_words, strip_invisible, tidy_text
from bot.domain.vocabulary import REFERRAL_OUTCOME_LABELS, ReferralOutcome
from bot.i18n import N_
from bot.services import marketing
from bot.services.marketing import Refusal
from conversations.engine import END, Draft, Flow, Next
from conversations.steps import Choice, FreeText, Option, PagedChoice, Parsed, Rejected, translated

MAX_NOTE = 1000
CANCEL = "cancel"
GONE = N_("Permintaan ini sudah selesai atau tidak bisa diubah lagi.")


def _cancel_button(turn: Turn, _draft: Draft) -> list[Option]:
    return [(turn.gettext(N_("↩️ Batal")), CANCEL)]


async def _cancelled(turn: Turn, _draft: Draft, _value: str = "") -> Next:
    turn.say(turn.gettext(N_("Baik, dibatalkan.")))
    return END


def _note(text: str) -> str | None:
    text = tidy_text(strip_invisible(text))
    return text if has_words(text) else None


def refusal_text(turn: Turn, refusal: Refusal) -> str:
    """Why a caseworker's action on a request was not taken."""
    _ = turn.gettext
    if refusal is Refusal.REFERRAL_OPEN:
        return _("Permintaan ini sudah dirujuk ke mitra, atau menunggu jawaban klien.")
    if refusal is Refusal.NO_AGENCY:
        return _("Mitra itu tidak aktif lagi. Pilih mitra lain.")
    return _(GONE)


# -- 🤝 Rujuk ke mitra --------------------------------------------------------------------------


class R(StrEnum):
    """The referral's one step: which agency."""

    AGENCY = "agency"


class ReferDraft(Draft):
    """The request being referred."""

    request_id: int
    product: str


async def start_refer(turn: Turn, *, request_id: int, product: str) -> None:
    """Ask which agency."""
    await REFER.start(turn, ReferDraft(request_id=request_id, product=product))


async def _agencies(turn: Turn, _draft: ReferDraft) -> list[Option]:
    return [(a.name, str(a.id)) for a in await marketing.active_agencies(turn.session)]


def _refer_prompt(turn: Turn, draft: ReferDraft) -> str:
    return turn.gettext(
        "🤝 Ke mitra mana permintaan {product} dirujuk? Klien akan ditanya dulu apakah "
        "namanya boleh disebutkan."
    ).format(product=escape(draft.product))


async def _agency_chosen(turn: Turn, draft: ReferDraft, value: str) -> Next:
    _ = turn.gettext
    member = turn.staff
    if member is None:
        await turn.conductor.stale(turn)
        return END
    refused = await marketing.propose_referral(
        turn.session,
        request_id=draft.request_id,
        agency_id=int(value),
        member=member,
        now=turn.now,
    )
    if refused is not None:
        turn.say(refusal_text(turn, refused))
        return END
    turn.queued_outbox = True
    turn.say(
        _(
            "✅ Klien sudah ditanya apakah namanya boleh disebutkan. Rujukan dikirim ke mitra "
            "setelah ia menjawab; Anda akan diberi tahu."
        )
    )
    return END


async def _refer_cancel(turn: Turn, draft: ReferDraft) -> Next:
    return await _cancelled(turn, draft)


REFER = Flow(
    name="mref",
    states=R,
    draft_model=ReferDraft,
    steps={
        R.AGENCY: PagedChoice[ReferDraft](
            prompt=_refer_prompt,
            items=_agencies,
            choose=_agency_chosen,
            columns=1,
            cancel=_refer_cancel,
        ),
    },
)


# -- 🚫 Tolak ---------------------------------------------------------------------------------


class D(StrEnum):
    """Declining: the reason."""

    REASON = "reason"


class DeclineDraft(Draft):
    """The request being declined."""

    request_id: int
    product: str


async def start_decline(turn: Turn, *, request_id: int, product: str) -> None:
    """Ask for the reason the client will be told."""
    await DECLINE.start(turn, DeclineDraft(request_id=request_id, product=product))


def _decline_prompt(turn: Turn, draft: DeclineDraft) -> str:
    return turn.gettext(
        "🚫 Tulis alasan permintaan {product} tidak dapat dibantu. Alasan ini dikirim ke klien."
    ).format(product=escape(draft.product))


async def _decline(turn: Turn, draft: DeclineDraft, text: str) -> Parsed:
    _ = turn.gettext
    reason = _note(text)
    if reason is None:
        return Rejected(_("Tulis alasannya dengan beberapa kata."))
    member = turn.staff
    if member is None:
        await turn.conductor.stale(turn)
        return END
    refused = await marketing.decline(
        turn.session, request_id=draft.request_id, member=member, reason=reason, now=turn.now
    )
    if refused is not None:
        turn.say(refusal_text(turn, refused))
        return END
    turn.queued_outbox = True
    turn.say(
        _("Permintaan {product} ditolak. Klien sudah diberi tahu alasannya.").format(
            product=escape(draft.product)
        )
    )
    return END


DECLINE = Flow(
    name="mdec",
    states=D,
    draft_model=DeclineDraft,
    steps={
        D.REASON: FreeText[DeclineDraft](
            prompt=_decline_prompt,
            take=_decline,
            max_length=MAX_NOTE,
            buttons=_cancel_button,
            on_button=_cancelled,
        ),
    },
)


# -- the partner officer: 📝 Kabar perkembangan, 🏁 Selesaikan --------------------------------


class P(StrEnum):
    """A progress report: the text."""

    TEXT = "text"


class OfficerDraft(Draft):
    """The referral the officer acts on."""

    referral_id: int
    product: str
    outcome: ReferralOutcome | None = None


async def start_progress(turn: Turn, *, referral_id: int, product: str) -> None:
    """Ask for the progress report."""
    await PROGRESS.start(turn, OfficerDraft(referral_id=referral_id, product=product))


async def _view(turn: Turn, draft: OfficerDraft) -> marketing.OfficerView | None:
    member = turn.staff
    if member is None:
        return None
    return await marketing.referral_for(
        turn.session, referral_id=draft.referral_id, officer=member, lock=True
    )


async def _progress(turn: Turn, draft: OfficerDraft, text: str) -> Parsed:
    _ = turn.gettext
    note = _note(text)
    if note is None:
        return Rejected(_("Tulis kabarnya dengan beberapa kata."))
    view = await _view(turn, draft)
    if (
        view is None
        or turn.staff is None
        or not await marketing.report_progress(
            turn.session, view=view, officer=turn.staff, text=note, now=turn.now
        )
    ):
        turn.say(_("Rujukan ini belum diterima atau sudah selesai."))
        return END
    turn.queued_outbox = True
    turn.say(_("✅ Kabar Anda sudah diteruskan ke klien dan pendampingnya."))
    return END


PROGRESS = Flow(
    name="mprg",
    states=P,
    draft_model=OfficerDraft,
    steps={
        P.TEXT: FreeText[OfficerDraft](
            prompt=lambda turn, d: turn.gettext(
                "📝 Tulis kabar perkembangan untuk {product}. Kabar ini diteruskan ke klien."
            ).format(product=escape(d.product)),
            take=_progress,
            max_length=MAX_NOTE,
            buttons=_cancel_button,
            on_button=_cancelled,
        ),
    },
)


class O(StrEnum):  # noqa: E742
    """Closing a referral: the outcome, then the reason when it was declined."""

    OUTCOME = "outcome"
    REASON = "reason"


async def start_close(turn: Turn, *, referral_id: int, product: str) -> None:
    """Ask for the outcome."""
    await CLOSE.start(turn, OfficerDraft(referral_id=referral_id, product=product))


async def _finish(turn: Turn, draft: OfficerDraft, note: str | None) -> Next:
    _ = turn.gettext
    view = await _view(turn, draft)
    assert draft.outcome is not None
    if (
        view is None
        or turn.staff is None
        or not await marketing.close_referral(
            turn.session,
            view=view,
            officer=turn.staff,
            outcome=draft.outcome,
            note=note,
            now=turn.now,
        )
    ):
        turn.say(_("Rujukan ini sudah selesai."))
        return END
    turn.queued_outbox = True
    turn.say(
        _("🏁 Rujukan {product} ditutup. Terima kasih; klien sudah diberi tahu.").format(
            product=escape(draft.product)
        )
    )
    return END


async def _outcome(turn: Turn, draft: OfficerDraft, value: str) -> Next:
    if value == CANCEL:
        return await _cancelled(turn, draft)
    draft.outcome = ReferralOutcome(value)
    if draft.outcome is ReferralOutcome.DECLINED:
        return O.REASON
    return await _finish(turn, draft, None)


async def _outcome_reason(turn: Turn, draft: OfficerDraft, text: str) -> Parsed:
    reason = _note(text)
    if reason is None:
        return Rejected(turn.gettext("Tulis alasannya dengan beberapa kata."))
    draft.outcome = ReferralOutcome.DECLINED  # only a declined referral asks for a reason
    return await _finish(turn, draft, reason)


CLOSE = Flow(
    name="mout",
    states=O,
    draft_model=OfficerDraft,
    steps={
        O.OUTCOME: Choice[OfficerDraft](
            prompt=lambda turn, d: turn.gettext("🏁 Bagaimana hasil rujukan {product}?").format(
                product=escape(d.product)
            ),
            options=lambda turn, _d: [
                *translated(
                    turn, [(label, o.value) for o, label in REFERRAL_OUTCOME_LABELS.items()]
                ),
                (turn.gettext(N_("↩️ Batal")), CANCEL),
            ],
            choose=_outcome,
        ),
        O.REASON: FreeText[OfficerDraft](
            prompt=N_("Tulis alasan tidak dapat membantu. Alasan ini dikirim ke klien."),
            take=_outcome_reason,
            max_length=MAX_NOTE,
            buttons=_cancel_button,
            on_button=_cancelled,
        ),
    },
)


# -- /mitra: ➕ Tambah mitra (administrators) ---------------------------------------------------


class A(StrEnum):
    """Adding an agency: its name."""

    NAME = "name"


class AgencyDraft(Draft):
    """Nothing yet: the name is the one answer."""


async def start_add_agency(turn: Turn) -> None:
    """Ask for the new agency's name."""
    await ADD_AGENCY.start(turn, AgencyDraft())


async def _agency_name(turn: Turn, _draft: AgencyDraft, text: str) -> Parsed:
    _ = turn.gettext
    name = _note(text)
    if name is None:
        return Rejected(_("Tulis nama mitranya, misalnya Dinas Koperasi dan UKM."))
    agency, new = await marketing.add_agency(turn.session, name=name, now=turn.now)
    if new:
        turn.say(_("✅ Mitra {name} ditambahkan.").format(name=escape(agency.name)))
    else:
        turn.say(_("Mitra {name} sudah ada, dan sekarang aktif.").format(name=escape(agency.name)))
    return END


ADD_AGENCY = Flow(
    name="magy",
    states=A,
    draft_model=AgencyDraft,
    steps={
        A.NAME: FreeText[AgencyDraft](
            prompt=N_("Tulis nama mitra baru, misalnya Dinas Koperasi dan UKM Jawa Timur."),
            take=_agency_name,
            max_length=160,
            buttons=_cancel_button,
            on_button=_cancelled,
        ),
    },
)
