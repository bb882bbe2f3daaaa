"""Telegram's command menu (the "/" list), generated from the registry.

Everyone's chat gets the default list, in each language. A staff member's chat gets her own
list (everyone's commands plus her role's), set when she links, and again whenever her role,
activity or language changes: the change sets `staff.command_menu` to NULL, and the router (at
her next update) or the `staff-menus` tick (within seconds, for changes made elsewhere, e.g.
`berdaya staff add` in a shell) sets it again.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from bot.services import staff
from bot.services.staff import StaffProfile
from bot.services_container import AppServices
from handlers.registry import Registry

log = logging.getLogger(__name__)
NO_MENU = "none"  # a deactivated staff member's chat shows the default list again


class CommandMenus:
    """Keeps every chat's command menu in line with the registry."""

    def __init__(self, services: AppServices, bot: Bot, registry: Registry) -> None:
        self.services = services
        self.bot = bot
        self.registry = registry

    def wanted(self, member: StaffProfile) -> str:
        """The menu a staff member's chat should show (as the registry's fingerprint)."""
        if not member.active:
            return NO_MENU
        return self.registry.menu_key(translator(member.language), member.role)

    async def set_defaults(self) -> None:
        """Everyone's list in each language (and the Indonesian one for other languages)."""
        scope = BotCommandScopeAllPrivateChats()
        for language in LANGUAGES:
            lines = self.registry.command_lines(translator(language), None)
            commands = [BotCommand(line.name, line.description) for line in lines]
            await self.bot.set_my_commands(commands, scope=scope, language_code=language)
            if language == DEFAULT_LANGUAGE:
                await self.bot.set_my_commands(commands, scope=scope)

    async def sync_if_needed(self, before: StaffProfile | None, after: StaffProfile | None) -> None:
        """After a turn of staff (or of someone who became staff in it, by a deep link): set
        her menu if it is not, or no longer, the right one."""
        current = after if after is not None else before
        if current is None or current.telegram_id is None:
            return
        if before is not None and before.active and after is None:  # deactivated in this turn
            current = replace(before, active=False)
        stored = before.command_menu if before is not None else None
        if stored != self.wanted(current):
            await self.apply(current)

    async def apply(self, member: StaffProfile) -> bool:
        """Set one staff member's menu and remember it; False when her chat cannot get one."""
        assert member.telegram_id is not None
        wanted = self.wanted(member)
        scope = BotCommandScopeChat(member.telegram_id)
        try:
            if wanted == NO_MENU:
                await self.bot.delete_my_commands(scope=scope)
            else:
                lines = self.registry.command_lines(translator(member.language), member.role)
                commands = [BotCommand(line.name, line.description) for line in lines]
                await self.bot.set_my_commands(commands, scope=scope)
        except (BadRequest, Forbidden):  # she has never opened the bot: her chat does not exist
            log.info("staff %s has no chat with the bot yet", member.id)
            wanted = f"{NO_MENU}:no-chat"
        async with self.services.db.transaction() as session:
            await staff.record_command_menu(session, staff_id=member.id, menu=wanted)
        return not wanted.endswith("no-chat")

    async def sync_changed(self) -> int:
        """The tick: set the menus of staff changed since (NULL), e.g. from the shell."""
        async with self.services.db.transaction() as session:
            changed = await staff.menus_to_set(session)
        return sum([await self.apply(member) for member in changed])

    async def sync_all(self) -> None:
        """At start: every staff chat whose menu differs from what the registry now says."""
        async with self.services.db.transaction() as session:
            members = await staff.all_linked(session)
        for member in members:
            if member.command_menu != self.wanted(member):
                await self.apply(member)
