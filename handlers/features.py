"""The feature registry's parts: what one feature adds to the bot.

A feature declares its commands (with a description in the source language, translated for
each language's command menu and for /bantuan), who may use them, its menu entries, its button
actions, its flows, its hooks and its periodic jobs. `handlers/registry.py` composes the list
of features in `handlers/__init__.py`; nothing else needs to know a feature exists.

Roles are checked on the server for every command and every button press. A person without the
role gets exactly the answer an unknown command (or a stale button) gets, so staff features are
not even revealed. Checks on *which* client or alert a staff member may touch belong in the
feature's services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.chat.callbacks import CallbackData
from bot.chat.turn import Turn
from bot.domain.vocabulary import StaffRole
from bot.services.media import FileSource
from bot.services_container import AppServices
from conversations.engine import AnyFlow

CommandFn = Callable[[Turn, str], Awaitable[None]]  # (turn, the text after the command)
ActionFn = Callable[[Turn, Any], Awaitable[None]]  # (turn, the decoded CallbackData)
TextHook = Callable[[Turn], Awaitable[bool]]  # True when it took the message
StartHook = Callable[[Turn, str], Awaitable[bool]]  # (turn, /start payload); True = handled

Roles = frozenset[StaffRole] | None  # None: anyone, clients and staff alike
ANYONE: Roles = None
STAFF: Roles = frozenset(StaffRole)
CASEWORKERS: Roles = frozenset({StaffRole.CASEWORKER, StaffRole.ADMIN})
ADMINS: Roles = frozenset({StaffRole.ADMIN})


class Courier(Protocol):
    """Delivers what is due in the outbox (the jobs' only way to reach people), and fetches
    the files people sent (the media job's only way to the Bot API)."""

    @property
    def files(self) -> FileSource:
        """getFile and the download, with errors sorted for retrying."""
        ...

    async def deliver_due(self) -> int:
        """Send what is due now; returns how many were sent."""
        ...


@dataclass(frozen=True)
class Command:
    """A /command. `description` is a source-language msgid (mark it with N_)."""

    name: str
    run: CommandFn
    description: str
    roles: Roles = ANYONE
    listed: bool = True  # in the command menu and in /bantuan
    clients_only: bool = False  # shown to clients, not to staff (e.g. /lapor)
    # Still usable after a client withdrew consent (/privasi, /hapus, /bantuan …); every other
    # command is refused until she consents again.
    without_consent: bool = False


class Menu(StrEnum):
    """Which menu an entry belongs to."""

    CLIENT = "client"  # a registered former client
    STAFF = "staff"


@dataclass(frozen=True)
class MenuEntry:
    """A button of a menu; entries with the same `row` share a row, rows in ascending order."""

    menu: Menu
    label: str  # msgid
    action: CallbackData
    row: int
    roles: Roles = ANYONE  # for the staff menu: which roles see it


@dataclass(frozen=True)
class ActionRoute:
    """A family of global buttons (valid whatever flow the chat is in), by their data class."""

    data: type[CallbackData]
    run: ActionFn
    roles: Roles = ANYONE


JobFn = Callable[[AppServices, Courier], Awaitable[object]]


@dataclass(frozen=True)
class PeriodicJob:
    """A tick job: one per kind of work, never one per person."""

    name: str
    every: timedelta
    run: JobFn


@dataclass(frozen=True)
class Feature:
    """Everything one feature adds to the bot."""

    name: str
    commands: tuple[Command, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    actions: tuple[ActionRoute, ...] = ()
    flows: tuple[AnyFlow, ...] = ()
    help_notes: tuple[str, ...] = ()  # extra lines of /bantuan (msgids), for everyone
    # Free text outside any flow, before the main menu is shown (e.g. relaying a case's chat).
    text_hooks: tuple[TextHook, ...] = ()
    # /start (with its deep-link payload), before onboarding: e.g. staff invitations.
    start_hooks: tuple[StartHook, ...] = ()
    jobs: tuple[PeriodicJob, ...] = ()


def withdrawn(turn: Turn) -> bool:
    """A client (not staff) who withdrew consent: nothing is processed for her but erasure."""
    return turn.staff is None and turn.profile is not None and not turn.profile.consent_active


def allowed(turn: Turn, roles: Roles) -> bool:
    """Server-side role check for one command or button press."""
    if roles is None:
        return True
    return turn.staff is not None and turn.staff.role in roles
