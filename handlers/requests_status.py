"""/status: the client's requests and applications, newest first, paged in place; /aduan:
where complaints about the service go (SP4N-LAPOR!), for everyone.

/status only ever shows the presser's own requests: the client comes from her account, never
from the button, so a forged `StatusPage` can only turn her own list.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.chat.actions import RunCommand, ShowMenu
from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.chat.turn import Turn
from bot.i18n import N_
from bot.services import client_requests
from bot.services.overview import StatusItem
from conversations.paging import Page, nav_row, page_of
from handlers.dispatch import Dispatcher
from handlers.features import ActionRoute, Command, Feature, Menu, MenuEntry

PER_PAGE = 5
MAX_MESSAGE = 300  # of a staff message quoted in the list (the whole one came to her chat)
MAX_TITLE = 120  # five items stay well inside Telegram's 4096 characters
NOT_REGISTERED = N_("Anda belum terdaftar. Ketik /start untuk mendaftar.")
EMPTY = N_(
    "Anda belum punya permintaan bantuan atau pendaftaran program.\n"
    "Minta bantuan pemasaran dengan /pemasaran, atau lihat program yang bisa Anda ikuti "
    "dengan /program."
)
COMPLAINTS = N_(
    "Pengaduan tentang layanan Dinas Sosial disampaikan lewat SP4N-LAPOR! di "
    "https://www.lapor.go.id atau SMS ke 1708. Berdaya tidak menerima pengaduan sendiri, jadi "
    "pengaduan yang dikirim di sini tidak akan diproses."
)


@dataclass(frozen=True)
class StatusPage(CallbackData, prefix="st"):
    """◀/▶ of /status: her own list, turned to `page` in place."""

    page: int


def _dispatcher(turn: Turn) -> Dispatcher:
    conductor = turn.conductor
    assert isinstance(conductor, Dispatcher)
    return conductor


def _client_id(turn: Turn) -> int | None:
    profile = turn.profile
    return profile.client_id if profile is not None and profile.registered else None


async def _page(turn: Turn, client_id: int, page: int) -> tuple[Page[StatusItem], int]:
    items = await client_requests.items_of(turn.session, turn.t, client_id=client_id)
    return page_of(items, page, PER_PAGE), len(items)


def _item_lines(turn: Turn, item: StatusItem) -> list[str]:
    _ = turn.gettext
    lines = [
        f"{escape(item.kind_label)}: <b>{escape(item.title[:MAX_TITLE])}</b>",
        _("Status: {state}").format(state=escape(item.state_label)),
    ]
    created, updated = turn.t.date(item.created_at), turn.t.date(item.updated_at)
    if updated != created:
        lines.append(
            _("Diajukan {created}, diperbarui {updated}").format(created=created, updated=updated)
        )
    else:
        lines.append(_("Diajukan {created}").format(created=created))
    if item.last_staff_message:
        said = " ".join(item.last_staff_message.split())
        if len(said) > MAX_MESSAGE:
            said = said[: MAX_MESSAGE - 1] + "…"
        lines.append(_("💬 Pesan petugas: {message}").format(message=escape(said)))
    return lines


def _render(turn: Turn, found: Page[StatusItem], total: int) -> tuple[str, Buttons]:
    _ = turn.gettext
    count = turn.t.ngettext("{n} permintaan", "{n} permintaan", total).format(n=total)
    lines = [_("<b>📄 Permintaan dan pendaftaran Anda</b> · {count}").format(count=count)]
    if found.pages > 1:
        lines.append(
            _("Halaman {page} dari {pages}; pakai ◀️ ▶️ di bawah.").format(
                page=found.number + 1, pages=found.pages
            )
        )
    for item in found.items:
        lines += ["", *_item_lines(turn, item)]
    window: Page[object] = Page(found.items, found.number, found.pages)
    rows: list[list[tuple[str, CallbackData]]] = []
    nav = nav_row(turn.t, window, StatusPage)
    if nav:
        rows.append(list(nav))
    rows.append([(_("⬅️ Menu"), ShowMenu())])
    return "\n".join(lines), rows_of(rows)


async def show_status(turn: Turn, _args: str = "") -> None:
    """/status: the first page of her requests and applications (an open flow's question is
    put back on screen after it)."""
    _ = turn.gettext
    client_id = _client_id(turn)
    if client_id is None:
        turn.say(_(NOT_REGISTERED))
        return
    found, total = await _page(turn, client_id, 0)
    if total == 0:
        turn.say(_(EMPTY))
        await _dispatcher(turn).continue_or_menu(turn)
        return
    turn.say(*_render(turn, found, total))
    await _dispatcher(turn).continue_or_menu(turn, menu=False)


async def on_page(turn: Turn, action: StatusPage) -> None:
    """◀/▶: the pressed list shows another page of her own requests."""
    client_id = _client_id(turn)
    if client_id is None:
        await _dispatcher(turn).stale(turn)
        return
    found, total = await _page(turn, client_id, action.page)
    if total == 0:
        turn.say(turn.gettext(EMPTY))
        turn.pressed_buttons = ()
        return
    turn.turn_page(*_render(turn, found, total))


async def show_complaints(turn: Turn, _args: str = "") -> None:
    """/aduan: complaints go to SP4N-LAPOR!; the bot does not take them itself."""
    turn.say(turn.gettext(COMPLAINTS))
    await _dispatcher(turn).continue_or_menu(turn, menu=False)


FEATURE = Feature(
    name="requests_status",
    commands=(
        Command(
            "status",
            show_status,
            N_("Status permintaan dan pendaftaran program Anda"),
            clients_only=True,
        ),
        Command("aduan", show_complaints, N_("Cara menyampaikan pengaduan"), without_consent=True),
    ),
    menu=(MenuEntry(Menu.CLIENT, N_("📄 Status permintaan"), RunCommand("status"), row=30),),
    actions=(ActionRoute(StatusPage, on_page),),
)
