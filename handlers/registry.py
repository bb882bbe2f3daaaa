"""The registry: every feature's commands, buttons, menus, help, flows, hooks and jobs, composed.

Command menus (per language and per role), /bantuan, the client menu and the staff menu are all
generated from it; nothing lists commands or menu entries by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.chat.callbacks import CallbackData
from bot.domain.vocabulary import StaffRole
from bot.i18n import Translator
from conversations.engine import AnyFlow
from handlers.features import (
    ActionRoute,
    Command,
    Feature,
    Menu,
    MenuEntry,
    PeriodicJob,
    StartHook,
    TextHook,
)


@dataclass(frozen=True)
class CommandLine:
    """One command as a menu or /bantuan shows it, in one language."""

    name: str
    description: str


class Registry:
    """Everything the features declare, checked for clashes when the bot is built."""

    def __init__(self, features: Sequence[Feature]) -> None:
        self.features = tuple(features)
        self.commands: dict[str, Command] = {}
        self.actions: dict[type[CallbackData], ActionRoute] = {}
        self.flows: dict[str, AnyFlow] = {}
        for feature in self.features:
            for command in feature.commands:
                _add(self.commands, command.name, command, f"command /{command.name}")
            for action in feature.actions:
                _add(self.actions, action.data, action, f"action {action.data.__name__}")
            for flow in feature.flows:
                _add(self.flows, flow.name, flow, f"flow {flow.name}")
        self.text_hooks: tuple[TextHook, ...] = tuple(
            h for f in self.features for h in f.text_hooks
        )
        self.start_hooks: tuple[StartHook, ...] = tuple(
            h for f in self.features for h in f.start_hooks
        )
        self.jobs: tuple[PeriodicJob, ...] = tuple(j for f in self.features for j in f.jobs)
        self.menu_entries: tuple[MenuEntry, ...] = tuple(
            sorted((e for f in self.features for e in f.menu), key=lambda e: e.row)
        )
        self.help_notes: tuple[str, ...] = tuple(n for f in self.features for n in f.help_notes)
        self._menu_keys: dict[tuple[str, StaffRole | None], str] = {}

    def command_lines(self, t: Translator, role: StaffRole | None) -> list[CommandLine]:
        """The commands a person sees in the command menu and in /bantuan, in her language.

        `role` None is a client (or anyone not yet registered); staff see everyone's commands
        that are not for clients only, then their role's.
        """
        lines = []
        for command in self.commands.values():
            if not command.listed:
                continue
            if command.roles is None:
                visible = role is None or not command.clients_only
            else:
                visible = role is not None and role in command.roles
            if visible:
                lines.append(CommandLine(command.name, t.gettext(command.description)))
        everyone = [line for line in lines if self.commands[line.name].roles is None]
        return everyone + [line for line in lines if self.commands[line.name].roles is not None]

    def menu_rows(
        self, t: Translator, menu: Menu, role: StaffRole | None
    ) -> list[list[tuple[str, CallbackData]]]:
        """The rows of a menu for a client (`role` None) or a staff member."""
        rows: dict[int, list[tuple[str, CallbackData]]] = {}
        for entry in self.menu_entries:
            if entry.menu is not menu:
                continue
            if entry.roles is not None and (role is None or role not in entry.roles):
                continue
            rows.setdefault(entry.row, []).append((t.gettext(entry.label), entry.action))
        return [rows[key] for key in sorted(rows)]

    def menu_key(self, t: Translator, role: StaffRole | None) -> str:
        """A short fingerprint of a command menu, to know when a chat's menu is out of date
        (asked after every staff turn; the registry never changes, so it is worked out once)."""
        cache_key = (t.language, role)
        if cache_key not in self._menu_keys:
            text = "\n".join(f"{c.name}:{c.description}" for c in self.command_lines(t, role))
            digest = hashlib.sha256(text.encode()).hexdigest()[:12]
            self._menu_keys[cache_key] = f"{role.value if role else 'client'}:{t.language}:{digest}"
        return self._menu_keys[cache_key]


K = TypeVar("K")
V = TypeVar("V")


def _add(table: dict[K, V], key: K, value: V, what: str) -> None:
    if key in table:
        raise ValueError(f"{what} is declared by two features")
    table[key] = value
