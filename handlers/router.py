"""The one place where a Telegram update becomes a turn: load state, route, commit, reply."""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, guess_language, translator
from bot.outbox_sender import deliver_outbox
from bot.services import accounts, flows, staff
from bot.services_container import AppServices
from conversations import onboarding, report
from conversations.engine import UNCHANGED, Flow, Input, Kind, Turn, feed, repeat
from handlers.features import Action, Command, Feature, allowed
from handlers.menu import (
    GLOBAL,
    LANGUAGE_PREFIX,
    MENU_HELP,
    MENU_LANGUAGE,
    MENU_REPORT,
    MENU_START,
    RESUME_NEW,
    RESUME_YES,
    offer_resume,
    show_help,
    show_language_picker,
    show_menu,
)

log = logging.getLogger(__name__)
CORE_FLOWS: tuple[Flow, ...] = (onboarding.FLOW, report.FLOW)
_COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


def to_input(update: Update) -> Input:
    """What the person did, without Telegram types."""
    if update.callback_query is not None:
        return Input(Kind.BUTTON)
    if update.edited_message is not None:
        return Input(Kind.EDITED)
    message = update.message
    if message is None:
        return Input(Kind.OTHER)
    if message.text is not None:
        return Input(Kind.TEXT, text=message.text)
    if message.contact is not None:
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        return Input(Kind.CONTACT, phone=message.contact.phone_number, own_contact=own)
    if message.photo:
        return Input(Kind.PHOTO, file_id=message.photo[-1].file_id)
    return Input(_media_kind(message))


def _media_kind(message: Message) -> Kind:
    if message.sticker is not None:
        return Kind.STICKER
    if message.voice or message.audio or message.video_note:
        return Kind.VOICE
    if message.location or message.venue:
        return Kind.LOCATION
    if message.document is not None:
        return Kind.DOCUMENT
    return Kind.OTHER


class Router:
    """Routes every private-chat update through the flows, in one transaction per update."""

    def __init__(self, services: AppServices, features: tuple[Feature, ...] = ()) -> None:
        self.services = services
        self.flows: dict[str, Flow] = {
            flow.name: flow for flow in (*CORE_FLOWS, *(f for x in features for f in x.flows))
        }
        self.commands: dict[str, Command] = {c.name: c for x in features for c in x.commands}
        self.actions: dict[str, Action] = {a.prefix: a for x in features for a in x.actions}
        self.text_hooks = [hook for x in features for hook in x.text_hooks]
        self.start_hooks = [hook for x in features for hook in x.start_hooks]

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB callback: handle the update, commit, then reply."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        if chat.type != ChatType.PRIVATE:
            await self._answer_group(update)
            return
        async with self.services.db.transaction() as session:
            state = await flows.load(session, telegram_id=user.id)
            turn = Turn(
                session=session,
                services=self.services,
                telegram_id=user.id,
                first_name=user.first_name,
                language_code=user.language_code,
                profile=await accounts.find_profile(session, telegram_id=user.id),
                staff=await staff.find_staff(session, telegram_id=user.id),
                flow_state=state if state and not state.paused else None,
                paused=state if state and state.paused else None,
                input=to_input(update),
                now=self.services.clock.now(),
                bot_username=context.bot.username,
            )
            await self._route(turn, update)
            await self._persist(turn)
        await deliver(turn, update, chat.id, context)
        if turn.queued_outbox:  # messages for other people: send them now, not at the next tick
            await deliver_outbox(self.services, context.bot)

    async def _persist(self, turn: Turn) -> None:
        if turn.flow_state is not None:
            await flows.save(
                turn.session, telegram_id=turn.telegram_id, state=turn.flow_state, now=turn.now
            )
        elif turn.flow_ended:
            await flows.end(turn.session, telegram_id=turn.telegram_id)

    async def _route(self, turn: Turn, update: Update) -> None:
        query = update.callback_query
        if query is not None:
            await self._on_button(turn, query.data or "")
            return
        text = turn.input.text if turn.input.kind is Kind.TEXT else ""
        match = _COMMAND_RE.match(text) if text.startswith("/") else None
        if match:
            await self._on_command(turn, match.group(1).lower(), (match.group(2) or "").strip())
        elif turn.flow_state is not None:
            await feed(turn, self.flows[turn.flow_state.flow])
        else:
            await self._outside_flow(turn)

    async def _on_button(self, turn: Turn, data: str) -> None:
        turn.pressed_keyboard = None  # a pressed keyboard has done its job
        state = turn.flow_state
        if data.startswith(GLOBAL):
            await self._on_global(turn, data[len(GLOBAL) :])
        elif state is not None and data.startswith(f"{state.flow}:{state.state}:"):
            prefix_len = len(f"{state.flow}:{state.state}:")
            turn.input = Input(Kind.BUTTON, value=data[prefix_len:])
            await feed(turn, self.flows[state.flow])
        else:
            _ = turn.gettext
            turn.toast = _("Tombol ini sudah tidak berlaku.")
            await self._continue_or_menu(turn)

    async def _on_global(self, turn: Turn, action: str) -> None:
        if action == MENU_REPORT:
            await self._on_command(turn, "lapor", "")
        elif action == MENU_HELP:
            await self._on_command(turn, "bantuan", "")
        elif action == MENU_LANGUAGE:
            await self._on_command(turn, "bahasa", "")
        elif action == MENU_START:
            await self._on_command(turn, "start", "")
        elif action.startswith(LANGUAGE_PREFIX) and action[len(LANGUAGE_PREFIX) :] in LANGUAGES:
            await self._change_language(turn, action[len(LANGUAGE_PREFIX) :])
        elif action in (RESUME_YES, RESUME_NEW) and turn.paused is not None:
            await self._resume(turn, fresh=action == RESUME_NEW)
        elif (feature := self.actions.get(action.split(":", 1)[0])) and allowed(
            turn, feature.roles
        ):
            await feature.run(turn, action.partition(":")[2])
        else:
            _ = turn.gettext
            turn.toast = _("Tombol ini sudah tidak berlaku.")
            await self._continue_or_menu(turn)

    async def _on_command(self, turn: Turn, command: str, args: str) -> None:
        _ = turn.gettext
        active = turn.flow_state
        if command == "batal":
            if active is None and turn.paused is None:
                turn.say(_("Tidak ada yang perlu dibatalkan."))
            else:
                turn.end()
                turn.say(_("Dibatalkan."))
            show_menu(turn)
        elif command == "bantuan":
            show_help(turn)
            await self._continue_or_menu(turn, menu=False)
        elif command == "bahasa":
            show_language_picker(turn)
        elif command == "start":
            await self._start(turn, args)
        elif command == "lapor":
            await self._report(turn)
        elif (feature := self.commands.get(command)) and allowed(turn, feature.roles):
            await feature.run(turn, args)
        else:
            turn.say(
                _("Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat daftar perintah.")
            )
            await self._continue_or_menu(turn, menu=False)

    async def _start(self, turn: Turn, code: str) -> None:
        _ = turn.gettext
        active = turn.flow_state
        if active is None or (code and active.flow == onboarding.FLOW.name):
            for hook in self.start_hooks:
                if await hook(turn, code):
                    return
        if active is not None and not (code and active.flow == onboarding.FLOW.name):
            turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
            await repeat(turn, self.flows[active.flow])
        elif turn.profile is not None and turn.profile.registered:
            if code:
                turn.say(_("Akun Anda sudah terhubung dengan data Dinas Sosial."))
            show_menu(turn, greeting=True)
        elif turn.paused is not None and turn.paused.flow == onboarding.FLOW.name and not code:
            offer_resume(turn)
        else:
            await onboarding.start(turn, code or None)

    async def _report(self, turn: Turn) -> None:
        _ = turn.gettext
        active = turn.flow_state
        if turn.profile is None or not turn.profile.registered:
            turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        elif active is not None:
            if active.flow != report.FLOW.name:
                turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
            await repeat(turn, self.flows[active.flow])
        elif turn.paused is not None and turn.paused.flow == report.FLOW.name:
            offer_resume(turn)
        else:
            await report.start(turn)

    async def _resume(self, turn: Turn, *, fresh: bool) -> None:
        assert turn.paused is not None
        flow = self.flows[turn.paused.flow]
        if fresh:  # drop the draft, then do what the flow's own command does
            turn.end()
            if flow.restart is not None:
                await flow.restart(turn)
            elif flow.entry_command:
                await self._on_command(turn, flow.entry_command, "")
            else:
                show_menu(turn)
            return
        turn.resume()
        await repeat(turn, flow)

    async def _change_language(self, turn: Turn, language: str) -> None:
        _ = turn.gettext
        await accounts.set_language(turn.session, telegram_id=turn.telegram_id, language=language)
        turn.set_language(language)
        _ = turn.gettext
        turn.say(_("Bahasa diganti: {language}.").format(language=LANGUAGE_NAMES[language]))
        await self._continue_or_menu(turn)

    async def _continue_or_menu(self, turn: Turn, *, menu: bool = True) -> None:
        """After an aside, put the open flow's question back on screen (or the menu)."""
        if turn.flow_state is not None:
            await repeat(turn, self.flows[turn.flow_state.flow])
        elif menu:
            show_menu(turn)

    async def _outside_flow(self, turn: Turn) -> None:
        _ = turn.gettext
        for hook in self.text_hooks:
            if await hook(turn):
                return
        if turn.input.kind is Kind.TEXT:
            if turn.paused is not None:
                offer_resume(turn)
                return
            show_menu(turn)
            return
        if turn.input.kind is Kind.EDITED:
            turn.say(_("Pesan yang diubah tidak saya baca ulang. Kirim saja jawaban yang baru."))
        else:
            turn.say(_("Maaf, pesan ini belum bisa saya baca."))
        show_menu(turn)

    async def _answer_group(self, update: Update) -> None:
        message = update.effective_message
        if message is not None and message.text and message.text.startswith("/"):
            sender = message.from_user
            t = translator(guess_language(sender.language_code if sender else None))
            await message.reply_text(t.gettext("Berdaya hanya melayani chat pribadi."))


async def deliver(
    turn: Turn, update: Update, chat_id: int, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """Send what the turn queued, now that its transaction has committed."""
    bot = context.bot
    query = update.callback_query
    try:
        if query is not None:
            try:
                await query.answer(turn.toast)
            except BadRequest:
                log.info("callback query expired before it was answered")
            if turn.pressed_keyboard is not UNCHANGED and query.message is not None:
                with contextlib.suppress(BadRequest):  # unchanged or deleted: nothing to fix
                    await bot.edit_message_reply_markup(
                        chat_id, query.message.message_id, reply_markup=turn.pressed_keyboard
                    )
        for outgoing in turn.replies:
            await bot.send_message(chat_id, outgoing.text, reply_markup=outgoing.markup)
    except Forbidden:
        log.info("chat %s blocked the bot; reply dropped", chat_id)
