"""/program (clients apply), the review buttons of an application (caseworkers, administrators)
and /kelolaprogram (administrators manage programs).

Every review press is checked on the server: a staff member who does not cover the client (or
a client pressing a staff button) gets exactly the answer any stale button gets, and nothing
changes.
"""

from __future__ import annotations

from html import escape

from bot.chat.actions import RunCommand
from bot.chat.turn import Turn
from bot.domain.vocabulary import APPLICATION_STATUS_LABELS
from bot.i18n import N_
from bot.services import media, programs
from bot.services.programs import (
    ApplicationPress,
    ClientApplications,
    DecisionOutcome,
    ReviewOp,
)
from conversations import application_reject, program_admin, program_apply
from conversations.application_reject import RejectDraft
from conversations.engine import may_open, repeat
from handlers.features import (
    ADMINS,
    CASEWORKERS,
    ActionRoute,
    Command,
    Feature,
    Menu,
    MenuEntry,
)

CARD_APPLICATIONS = 5


async def start_program(turn: Turn, _args: str = "") -> None:
    """The programs she may apply to, or the open application (or another flow) again."""
    _ = turn.gettext
    if not await may_open(turn, program_apply.FLOW.name):
        return
    if not await program_apply.start(turn):
        turn.say(
            _(
                "Saat ini belum ada program yang terbuka untuk Anda. "
                "Coba lihat lagi lain waktu dengan /program."
            )
        )
        turn.show_menu()


async def manage_programs(turn: Turn, _args: str = "") -> None:
    """The programs, to create, change, open or close (administrators)."""
    active = turn.flow_state
    if active is not None and active.flow != program_admin.FLOW.name:
        turn.say(turn.gettext("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
        await repeat(turn, turn.conductor.flow(active.flow))
        return
    await program_admin.start(turn)


async def on_review(turn: Turn, press: ApplicationPress) -> None:
    """🔎 Periksa, ✅ Terima, ❌ Tolak (asks the reason), 🕒 Daftar tunggu."""
    _ = turn.gettext
    member = turn.staff
    review = None
    if member is not None:
        review = await programs.open_review(
            turn.session, application_id=press.application_id, member=member, lock=True
        )
    if member is None or review is None:  # absent, or not hers: any stale button's answer
        await turn.conductor.stale(turn)
        return
    client, program = escape(review.client.full_name), escape(review.program.name)
    refused = await programs.precheck(turn.session, review=review, member=member, op=press.op)
    if refused is None and press.op is ReviewOp.REJECT:
        draft = RejectDraft(
            application_id=review.application.id,
            program=review.program.name,
            client=review.client.full_name,
        )
        await application_reject.start(turn, draft)
        return
    decision = refused or await programs.decide(
        turn.session, review=review, member=member, op=press.op, now=turn.now
    )
    state = _(APPLICATION_STATUS_LABELS[decision.status])
    if decision.outcome is DecisionOutcome.DONE:
        turn.queued_outbox = True
        turn.pressed_buttons = await programs.buttons_after(turn.session, turn.t, review)
        turn.say(
            _(
                "Pengajuan {client} untuk program {program}: {state}. Klien sudah diberi tahu."
            ).format(client=client, program=program, state=state)
        )
    elif decision.outcome is DecisionOutcome.TAKEN:
        turn.say(
            _("Pengajuan ini sudah ditangani oleh {name}.").format(name=escape(decision.reviewer))
        )
    elif decision.outcome is DecisionOutcome.FULL:
        turn.say(
            _("Kuota program {program} sudah penuh. Tidak ada tempat untuk pengajuan ini.").format(
                program=program
            )
        )
    else:
        turn.toast = _("Pengajuan ini sudah {state}.").format(state=state)


async def on_client_applications(turn: Turn, action: ClientApplications) -> None:
    """A client's applications from her card, each with what she answered and the review
    buttons its state offers; a client she does not cover is a stale button."""
    _ = turn.gettext
    member = turn.staff
    found = None
    if member is not None:
        found = await programs.applications_of(
            turn.session, client_id=action.client_id, member=member, now=turn.now
        )
    if found is None:
        await turn.conductor.stale(turn)
        return
    if not found:
        turn.say(_("Belum ada pengajuan program."))
    for review in found[:CARD_APPLICATIONS]:
        files = await programs.files_of_application(
            turn.session, application_id=review.application.id
        )
        head = _("<b>📝 {program}</b> · {client} · {date}").format(
            program=escape(review.program.name),
            client=escape(review.client.full_name),
            date=escape(turn.t.date(review.application.created_at)),
        )
        body = programs.answers_text(turn.t, review.application, review.program, len(files))
        turn.say(
            f"{head}\n{body}", programs.review_rows(turn.t, review.application.id, review.status)
        )
        if files:  # her documents again, by file id, under the application they belong to
            names = ", ".join(escape(f.label or "") for f in files)
            caption = _("📎 Dokumen {client} untuk program {program}: {names}").format(
                client=escape(review.client.full_name),
                program=escape(review.program.name),
                names=names,
            )
            turn.say(caption, media=media.as_outbox_media(files))


FEATURE = Feature(
    name="programs",
    commands=(
        Command("program", start_program, N_("Ajukan diri untuk program"), clients_only=True),
        Command("kelolaprogram", manage_programs, N_("Kelola program"), roles=ADMINS),
    ),
    menu=(
        MenuEntry(Menu.CLIENT, N_("📝 Program bantuan"), RunCommand("program"), row=10),
        MenuEntry(Menu.STAFF, N_("📝 Program"), RunCommand("kelolaprogram"), row=21, roles=ADMINS),
    ),
    actions=(
        ActionRoute(ApplicationPress, on_review, CASEWORKERS),
        ActionRoute(ClientApplications, on_client_applications, CASEWORKERS),
    ),
    flows=(program_apply.FLOW, application_reject.FLOW, program_admin.FLOW),
)
