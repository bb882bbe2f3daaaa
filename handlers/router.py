"""The one place where a Telegram update becomes a turn: load, dispatch, commit, deliver.

1. One transaction: the chat's flow state is loaded, the dispatcher acts on the turn, the new
   state is written and the turn's replies are queued in the outbox, already claimed by this
   process. A failure here is `TurnFailed(committed=False)`: nothing was saved.
2. After the commit the replies are sent at once, in order (no extra round trip before the
   send). What fails stays in the outbox under its retry rules, so a committed turn always gets
   its reply: after a 5xx, a timeout, a dropped connection, or a kill -9 (the next start sends
   it).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Update
from telegram import Message as TelegramMessage
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.chat.callbacks import unpack
from bot.chat.messages import EditButtons, Message
from bot.chat.turn import UNCHANGED, FlowState, Input, Kind, Turn
from bot.i18n import guess_language, translator
from bot.log_context import bind_step, bind_update
from bot.outbox_sender import OutboxSender
from bot.render import plain_text, same_buttons
from bot.services import accounts, flows, media, outbox, staff
from bot.services.staff import StaffProfile
from bot.services_container import AppServices
from bot.storage.models import OutboxMessage
from conversations.engine import DraftLost, dump
from handlers.command_menus import CommandMenus
from handlers.dispatch import Dispatcher
from handlers.errors import TurnFailed

log = logging.getLogger(__name__)
DOUBLE_TAP_SECONDS = 3.0
_REMEMBERED_PRESSES = 10_000
# Marks the update handled in the transaction that acts on it (the inbox's exactly-once).
Done = Callable[[AsyncSession], Awaitable[None]]


def to_input(update: Update, album: tuple[str, ...] | None = None) -> Input:
    """What the person did, without Telegram types."""
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        pressed = update.callback_query.message
        return Input(
            Kind.BUTTON,
            text=data,
            action=unpack(data),
            message_id=pressed.message_id if pressed is not None else None,
        )
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
        return Input(Kind.PHOTO, file_ids=album or (message.photo[-1].file_id,))
    if message.document is not None:
        document = message.document
        return Input(
            Kind.DOCUMENT,
            file_ids=(document.file_id,),
            file_name=(document.file_name or "")[:120] or None,
            mime_type=document.mime_type,
        )
    return Input(_media_kind(message))


def _media_kind(message: TelegramMessage) -> Kind:
    if message.sticker is not None:
        return Kind.STICKER
    if message.voice or message.audio or message.video_note:
        return Kind.VOICE
    if message.location or message.venue:
        return Kind.LOCATION
    return Kind.OTHER


class Router:
    """Routes every private-chat update through the dispatcher, in one transaction each."""

    def __init__(
        self,
        services: AppServices,
        dispatcher: Dispatcher,
        sender: OutboxSender,
        menus: CommandMenus,
        bot: Bot,
    ) -> None:
        self.services = services
        self.dispatcher = dispatcher
        self.sender = sender
        self.menus = menus
        self.bot = bot
        self._presses: OrderedDict[int, tuple[tuple[object, ...], float]] = OrderedDict()

    async def handle(
        self, update: Update, *, album: tuple[str, ...] | None = None, done: Done | None = None
    ) -> bool:
        """Handle the update, commit, then deliver; True when `done` ran in the commit (the
        turn's own transaction), False when the update needed no transaction of its own."""
        bind_update(update.update_id)
        if update.my_chat_member is not None:
            return await self.on_member(update, done)
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return False
        if chat.type != ChatType.PRIVATE:
            return await self._answer_group(update, done)
        if await self.sender.waits_for(chat.id):  # messages waited for her to open the bot
            await self.sender.wake(chat.id)
        query = update.callback_query
        if query is None:
            self.forget_press(chat.id)
        elif self._double_tap(chat.id, update):
            t = translator(guess_language(user.language_code))
            await self._answer_query(update, t.gettext("Sudah saya terima."))
            return False
        turn: Turn | None = None
        member: StaffProfile | None = None
        try:
            async with self.services.db.transaction() as session:
                member = await staff.find_staff(session, telegram_id=user.id, include_inactive=True)
                turn = await self._turn(session, update, to_input(update, album), member)
                await self.dispatcher.handle(turn)
                await self._persist(turn)
                rows = await self._queue(turn, chat.id, update)
                if done is not None:
                    await done(session)
        except Exception as error:
            self.forget_press(chat.id)  # "send again" must not look like a double tap
            raise TurnFailed(committed=False, **_where(turn)) from error
        try:
            if turn.files_to_remove:
                media.unlink_files(self.services.settings, turn.files_to_remove)
            await self._deliver(update, turn, rows)
            await self.menus.sync_if_needed(member, turn.staff)
        except Exception as error:
            raise TurnFailed(committed=True, **_where(turn)) from error
        return done is not None

    async def _turn(
        self,
        session: AsyncSession,
        update: Update,
        given: Input,
        member: StaffProfile | None,
    ) -> Turn:
        assert update.effective_user is not None
        user = update.effective_user
        stored = await flows.load(session, telegram_id=user.id)
        active: FlowState | None = None
        paused: FlowState | None = None
        lost = False
        if stored is not None:
            flow = self.dispatcher.registry.flows.get(stored.flow)
            try:
                if flow is None:
                    raise DraftLost(stored.flow)
                restored = flow.restore(stored.state, stored.data, paused=stored.paused)
            except DraftLost:
                lost = True
                log.warning("a stored %s draft no longer fits its flow; dropped", stored.flow)
            else:
                active, paused = (None, restored) if restored.paused else (restored, None)
                bind_step(restored.flow, restored.state)
        turn = Turn(
            session=session,
            services=self.services,
            telegram_id=user.id,
            first_name=user.first_name,
            language_code=user.language_code,
            profile=await accounts.find_profile(session, telegram_id=user.id),
            staff=member if member is not None and member.active else None,
            flow_state=active,
            paused=paused,
            input=given,
            now=self.services.clock.now(),
            bot_username=self.bot.username,
        )
        turn.conductor = self.dispatcher
        if lost:
            turn.flow_ended = True
            turn.say(
                turn.gettext(
                    "Maaf, isian Anda yang belum selesai tidak bisa dilanjutkan. "
                    "Silakan mulai lagi dari awal."
                )
            )
        return turn

    async def _persist(self, turn: Turn) -> None:
        state = turn.flow_state
        if state is not None:
            await flows.save(
                turn.session,
                telegram_id=turn.telegram_id,
                flow=state.flow,
                state=state.state,
                data=dump(state),
                now=turn.now,
            )
            bind_step(state.flow, state.state)
        elif turn.flow_ended:
            await flows.end(turn.session, telegram_id=turn.telegram_id)

    async def _queue(self, turn: Turn, chat_id: int, update: Update) -> list[OutboxMessage]:
        """The turn's edit and messages, claimed by this process to send after the commit (or,
        when the chat has messages waiting for a retry, queued behind them); the rows to send."""
        waiting = chat_id in self.sender.backlogged
        rows = await outbox.queue_replies(
            turn.session,
            chat_id=chat_id,
            messages=turn.replies,
            edit=_edit(turn, update),
            now=turn.now,
            claimer=None if waiting else self.sender.claimer,
        )
        return [] if waiting else rows

    async def _deliver(self, update: Update, turn: Turn, rows: list[OutboxMessage]) -> None:
        if update.callback_query is not None:
            await self._answer_query(update, turn.toast)
        if rows:
            await self.sender.send_claimed(rows)
        if turn.queued_outbox or turn.telegram_id in self.sender.backlogged:
            await self.sender.deliver_due()  # for other people, or behind a retry: now

    async def _answer_query(self, update: Update, text: str | None) -> None:
        """The toast on a pressed button; best effort (a query expires within seconds anyway)."""
        assert update.callback_query is not None
        try:
            await update.callback_query.answer(text)
        except TelegramError as error:
            log.info("callback query not answered: %s", type(error).__name__)

    def _double_tap(self, chat_id: int, update: Update) -> bool:
        """The same button of the same message, as it looked then, pressed again within seconds:
        answered with a toast, not acted on twice."""
        query = update.callback_query
        assert query is not None
        message = query.message
        markup = message.reply_markup if isinstance(message, TelegramMessage) else None
        key = (
            message.message_id if message else None,
            query.data,
            markup.to_json() if markup else None,
        )
        now = time.monotonic()
        previous = self._presses.pop(chat_id, None)
        self._presses[chat_id] = (key, now)
        if len(self._presses) > _REMEMBERED_PRESSES:
            self._presses.popitem(last=False)
        return (
            previous is not None and previous[0] == key and now - previous[1] < DOUBLE_TAP_SECONDS
        )

    def forget_press(self, chat_id: int) -> None:
        """Anything else from the chat ends a double tap."""
        self._presses.pop(chat_id, None)

    async def on_member(self, update: Update, done: Done | None = None) -> bool:
        """Notice when a person blocks the bot (nothing more is sent) or comes back."""
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return False
        status = change.new_chat_member.status
        async with self.services.db.transaction() as session:
            if done is not None:
                await done(session)
            if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
                now = self.services.clock.now()
                await accounts.mark_blocked(session, telegram_id=change.chat.id, now=now)
            elif status == ChatMemberStatus.MEMBER:
                await accounts.mark_reachable(session, telegram_id=change.chat.id)
                await self.sender.wake(change.chat.id, session)  # what waited for her: due now
        if status == ChatMemberStatus.MEMBER:
            await self.sender.deliver_due()
        return done is not None

    async def _answer_group(self, update: Update, done: Done | None) -> bool:
        """Berdaya works in private chats only; a command in a group gets one line saying so."""
        message = update.effective_message
        if message is None or not message.text or not message.text.startswith("/"):
            return False
        sender = message.from_user
        t = translator(guess_language(sender.language_code if sender else None))
        answer = Message(t.gettext("Berdaya hanya melayani chat pribadi."))
        async with self.services.db.transaction() as session:
            rows = await outbox.queue_replies(
                session,
                chat_id=message.chat_id,
                messages=[answer],
                edit=None,
                now=self.services.clock.now(),
                claimer=self.sender.claimer,
            )
            if done is not None:
                await done(session)
        await self.sender.send_claimed(rows)
        return done is not None


def _edit(turn: Turn, update: Update) -> EditButtons | None:
    """The pressed message's new buttons, unless it already shows exactly those: the bot never
    makes an edit that changes nothing."""
    pressed = update.callback_query.message if update.callback_query else None
    if turn.pressed_buttons is UNCHANGED or not isinstance(pressed, TelegramMessage):
        return None
    markup = pressed.reply_markup
    current = markup if isinstance(markup, InlineKeyboardMarkup) else None
    text = turn.pressed_text
    if text is not None and plain_text(text) == (pressed.text or "").strip():
        text = None  # (a second press of the same ◀/▶: the page is on screen already)
    if text is None and same_buttons(turn.pressed_buttons, current):
        return None
    return EditButtons(pressed.message_id, turn.pressed_buttons, text=text)


def _where(turn: Turn | None) -> dict[str, str | None]:
    state = turn.flow_state if turn is not None else None
    return {"flow": state.flow if state else None, "step": state.state if state else None}
