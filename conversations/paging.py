"""The one paginator: a window of a long list, and the ◀/▶ row that turns it.

Used by flow steps (38 regions, 26 categories, areas) and by global lists (/klien, /staf).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.i18n import Translator

T = TypeVar("T")
V = TypeVar("V")
PAGE_PREFIX = "p"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 0) and how many pages there are."""

    items: Sequence[T]
    number: int
    pages: int


def page_of(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    """The page `page` of `items` (clamped to the pages there are)."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(page, 0), pages - 1)
    return Page(items[number * per_page : (number + 1) * per_page], number, pages)


def nav_row(t: Translator, page: Page[Any], to: Callable[[int], V]) -> list[tuple[str, V]]:
    """The ◀/▶ buttons of a page (none when everything fits on one page)."""
    row: list[tuple[str, V]] = []
    if page.number > 0:
        row.append((t.gettext("◀️ Sebelumnya"), to(page.number - 1)))
    if page.number < page.pages - 1:
        row.append((t.gettext("Berikutnya ▶️"), to(page.number + 1)))
    return row


def page_value(number: int) -> str:
    """The step-button value of a page turn."""
    return f"{PAGE_PREFIX}{number}"


def page_number(value: str) -> int | None:
    """The page a step's navigation button points to, or None for an ordinary choice."""
    digits = value[len(PAGE_PREFIX) :]
    if value.startswith(PAGE_PREFIX) and digits.isascii() and digits.isdigit() and len(digits) < 4:
        return int(digits)
    return None


def paged_rows(
    t: Translator,
    items: Sequence[tuple[str, str]],
    *,
    page: int,
    per_page: int,
    columns: int,
) -> list[list[tuple[str, str]]]:
    """Step-button rows (label, value) of one page, with the ◀/▶ row."""
    window = page_of(items, page, per_page)
    chunk = list(window.items)
    rows = [chunk[i : i + columns] for i in range(0, len(chunk), columns)]
    nav = nav_row(t, window, page_value)
    if nav:
        rows.append(nav)
    return rows
