"""How a feature plugs into the router: its commands, its buttons, its flows.

Staff commands and buttons name the roles allowed to use them; the router checks the role on the
server for every command and every button press. A person without the role gets exactly the
answer an unknown command (or a stale button) gets, so staff features are not even revealed.
Checks on *which* client or alert a staff member may touch belong in the feature's services.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot

from bot.services_container import AppServices
from bot.storage.models import StaffRole
from conversations.engine import Flow, Turn

CommandFn = Callable[[Turn, str], Awaitable[None]]  # (turn, the text after the command)
ActionFn = Callable[[Turn, str], Awaitable[None]]  # (turn, the callback data after the prefix)
TextHook = Callable[[Turn], Awaitable[bool]]  # True when it took the message
StartHook = Callable[[Turn, str], Awaitable[bool]]  # (turn, /start payload); True = handled

ANYONE: frozenset[StaffRole] | None = None
STAFF = frozenset(StaffRole)
CASEWORKERS = frozenset({StaffRole.CASEWORKER, StaffRole.ADMIN})
ADMINS = frozenset({StaffRole.ADMIN})


@dataclass(frozen=True)
class Command:
    """A /command; `roles` None means anyone may use it."""

    name: str
    run: CommandFn
    roles: frozenset[StaffRole] | None = ANYONE


@dataclass(frozen=True)
class Action:
    """A family of global buttons whose callback data is `g:<prefix>:<rest>`."""

    prefix: str
    run: ActionFn
    roles: frozenset[StaffRole] | None = ANYONE


JobFn = Callable[[AppServices, Bot], Awaitable[object]]


@dataclass(frozen=True)
class PeriodicJob:
    """A tick job: one per kind of work, never one per person."""

    name: str
    every: timedelta
    run: JobFn


@dataclass(frozen=True)
class Feature:
    """Everything one feature adds to the bot."""

    commands: tuple[Command, ...] = ()
    actions: tuple[Action, ...] = ()
    flows: tuple[Flow, ...] = ()
    # Free text outside any flow, before the main menu is shown (e.g. relaying a case's chat).
    text_hooks: tuple[TextHook, ...] = field(default_factory=tuple)
    jobs: tuple[PeriodicJob, ...] = ()
    # /start (with its deep-link payload), before onboarding: e.g. staff invitations, staff menu.
    start_hooks: tuple[StartHook, ...] = ()


def allowed(turn: Turn, roles: frozenset[StaffRole] | None) -> bool:
    """Server-side role check for one command or button press."""
    if roles is None:
        return True
    return turn.staff is not None and turn.staff.role in roles
