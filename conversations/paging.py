"""Paged button lists, for choices that do not fit on one screen (38 regions, 26 categories)."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.engine import Turn

PAGE_PREFIX = "p"


def page_rows(
    items: Sequence[tuple[str, str]],
    *,
    page: int,
    per_page: int,
    columns: int,
    previous_label: str,
    next_label: str,
) -> list[list[tuple[str, str]]]:
    """Rows of (label, value) for one page, with ◀/▶ navigation whose values are `p<N>`."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * per_page : (page + 1) * per_page]
    rows = [list(chunk[i : i + columns]) for i in range(0, len(chunk), columns)]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append((previous_label, f"{PAGE_PREFIX}{page - 1}"))
    if page < pages - 1:
        nav.append((next_label, f"{PAGE_PREFIX}{page + 1}"))
    if nav:
        rows.append(nav)
    return rows


def page_number(value: str) -> int | None:
    """The page a navigation button points to, or None for an ordinary choice."""
    if value.startswith(PAGE_PREFIX) and value[len(PAGE_PREFIX) :].isdigit():
        return int(value[len(PAGE_PREFIX) :])
    return None


def paged_rows(
    turn: Turn,
    items: Sequence[tuple[str, str]],
    *,
    page: int,
    per_page: int = 10,
    columns: int = 2,
) -> list[list[tuple[str, str]]]:
    """`page_rows` with the ◀/▶ labels in the turn's language."""
    _ = turn.gettext
    return page_rows(
        items,
        page=page,
        per_page=per_page,
        columns=columns,
        previous_label=_("◀️ Sebelumnya"),
        next_label=_("Berikutnya ▶️"),
    )
