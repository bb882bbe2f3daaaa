"""/audit: the staff actions log, for administrators, newest first, paged in place.

The rows are written by the services that carry the actions out (`bot.services.audit`); this
only reads them. The page number comes from the button, and the role is checked by the
dispatcher on the command and on every page turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.chat.actions import RunCommand, ShowMenu
from bot.chat.callbacks import CallbackData
from bot.chat.messages import Buttons, rows_of
from bot.chat.turn import Turn
from bot.i18n import N_
from bot.services import audit
from conversations.paging import Page, nav_row
from handlers.features import ADMINS, ActionRoute, Command, Feature, Menu, MenuEntry

PER_PAGE = 10
MAX_PAGE = 100_000


@dataclass(frozen=True)
class AuditPage(CallbackData, prefix="au"):
    """◀/▶ of /audit."""

    page: int


async def _render(turn: Turn, number: int) -> tuple[str, Buttons]:
    _ = turn.gettext
    number = min(max(number, 0), MAX_PAGE)
    lines, total = await audit.page(turn.session, turn.t, offset=number * PER_PAGE, limit=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if number >= pages:  # the log is shorter than the page pressed: its last page
        number = pages - 1
        lines, total = await audit.page(
            turn.session, turn.t, offset=number * PER_PAGE, limit=PER_PAGE
        )
    if not lines:
        return _("Catatan audit masih kosong."), rows_of([[(_("⬅️ Menu"), ShowMenu())]])
    text = [_("<b>📜 Catatan audit</b> · {count}").format(count=total)]
    if pages > 1:
        text.append(
            _("Halaman {page} dari {pages}; pakai ◀️ ▶️ di bawah.").format(
                page=number + 1, pages=pages
            )
        )
    for line in lines:
        when = line.at.astimezone(turn.t.timezone)
        head = f"<b>{escape(turn.t.date(when))} {when:%H:%M}</b> · {escape(line.actor)}"
        what = escape(line.what) + (f" · {escape(line.subject)}" if line.subject else "")
        text += ["", head, what]
    rows: list[list[tuple[str, CallbackData]]] = []
    nav = nav_row(turn.t, Page((), number, pages), AuditPage)
    if nav:
        rows.append(list(nav))
    rows.append([(_("⬅️ Menu"), ShowMenu())])
    return "\n".join(text), rows_of(rows)


async def show_audit(turn: Turn, _args: str = "") -> None:
    """/audit: the newest page of the log."""
    turn.say(*await _render(turn, 0))


async def on_page(turn: Turn, action: AuditPage) -> None:
    """◀/▶: another page, in place."""
    turn.turn_page(*await _render(turn, action.page))


FEATURE = Feature(
    name="audit",
    commands=(Command("audit", show_audit, N_("Catatan tindakan staf"), ADMINS),),
    menu=(MenuEntry(Menu.STAFF, N_("📜 Audit"), RunCommand("audit"), row=22, roles=ADMINS),),
    actions=(ActionRoute(AuditPage, on_page, ADMINS),),
)
