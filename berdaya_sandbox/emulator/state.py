"""The emulator's world: simulated users and their private chats, messages, updates and files.

Everything runs on the event loop of the emulator's server, so state is changed synchronously and
waiters (long polls, tests waiting for replies) are woken through one ``asyncio.Condition``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .errors import ApiError, bad_request
from .files import FileStore
from .markup import inline_keyboard_to_api
from .models import ApiCall, CallbackAnswer, ReplyButton, SentMessage

logger = logging.getLogger(__name__)

MessageListener = Callable[[str, int, SentMessage], None]
CallListener = Callable[[ApiCall], None]

# What Telegram sends when allowed_updates was never set or set to an empty list.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True)
class UserInfo:
    """A simulated Telegram user (never a bot)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def chat_api(self) -> dict[str, Any]:
        """The Chat object of the private chat with this user (its id is the user's id)."""
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class ChatState:
    """One private chat between the bot and a simulated user."""

    user: UserInfo
    started: bool = False
    blocked: bool = False
    next_message_id: int = 1
    bot_messages: list[SentMessage] = field(default_factory=list)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    chat_actions: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The chat id, equal to the user id in a private chat."""
        return self.user.id

    def take_message_id(self) -> int:
        """The next message id; both sides of a private chat share one sequence."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def bot_message(self, message_id: int) -> SentMessage | None:
        """The bot's message with this id (deleted ones included), if any."""
        return next((m for m in self.bot_messages if m.message_id == message_id), None)

    def reply_keyboard(self) -> list[list[ReplyButton]] | None:
        """The reply keyboard currently shown: the latest one sent, unless removed since."""
        for message in reversed(self.bot_messages):
            if message.keyboard_removed:
                return None
            if message.reply_keyboard is not None:
                return message.reply_keyboard
        return None


@dataclass
class PendingQuery:
    """A callback query waiting for answerCallbackQuery."""

    chat_id: int
    data: str | None


@dataclass
class Failure:
    """An error to answer the next ``remaining`` calls of a method with."""

    method: str
    remaining: int
    error: ApiError | None
    mode: str = "error"  # error | drop | hang | hang_after
    seconds: float = 0.0
    chat_id: int | None = None


class CommandTable(dict[tuple[str, str], list[dict[str, str]]]):
    """Bot commands per (scope, language_code). A missing language is stored as "" like
    Telegram's default; looking it up with None works too."""

    @staticmethod
    def _key(key: tuple[str, str | None]) -> tuple[str, str]:
        return key[0], key[1] or ""

    def __getitem__(self, key: tuple[str, str | None]) -> list[dict[str, str]]:
        return super().__getitem__(self._key(key))

    def __contains__(self, key: object) -> bool:
        if isinstance(key, tuple) and len(key) == 2:
            return super().__contains__(self._key((str(key[0]), key[1])))
        return False

    def get(  # type: ignore[override]
        self, key: tuple[str, str | None], default: list[dict[str, str]] | None = None
    ) -> list[dict[str, str]] | None:
        """Like dict.get, with None and "" both meaning the default language."""
        return super().get(self._key(key), default)

    def lookup(self, scope: str, language_code: str | None) -> list[dict[str, str]]:
        """The commands for a scope and language, or [] when none are set."""
        return list(self.get((scope, language_code)) or [])


class EmulatorState:
    """Chats, updates, files and bookkeeping shared by the HTTP server and simulated users."""

    def __init__(
        self, token: str, bot_username: str, bot_first_name: str, strict_html: bool
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 1
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html = strict_html
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.commands = CommandTable()
        self.bot_settings: dict[str, Any] = {}
        self.queries: dict[str, PendingQuery] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        # What the webhook pusher did: status codes of each POST, in order.
        self.webhook_answers: list[int] = []
        self._pusher: asyncio.Task[None] | None = None
        self.allowed_updates: frozenset[str] | None = None
        self.failures: list[Failure] = []
        self.calls: list[ApiCall] = []
        self.unknown_calls: list[ApiCall] = []
        self.listeners: list[MessageListener] = []
        self.call_listeners: list[CallListener] = []
        # Counts API calls other than getUpdates: lets the sandbox tell when the bot went quiet.
        self.activity = 0
        self.closing = False
        self.changed = asyncio.Condition()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_user_id = 7_000_000_001
        self._next_query_id = 4_400_000_000_000_000_001
        self._poll_generation = 0
        self._media_groups = 0
        # Long polls currently waiting; tests use it to know a poll has reached the server.
        self.waiting_polls = 0

    def next_media_group(self) -> int:
        """A new album number (sendMediaGroup)."""
        self._media_groups += 1
        return self._media_groups

    # -- users and chats -------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        """The bot as the ``from`` of its messages."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def add_user(
        self,
        first_name: str,
        *,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        user_id: int | None,
    ) -> ChatState:
        """Create a simulated user and the private chat with them."""
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id in self.chats:
            raise ValueError(f"user id {user_id} already exists")
        user = UserInfo(user_id, first_name, last_name, username, language_code)
        chat = ChatState(user)
        self.chats[user_id] = chat
        return chat

    def chat_for_bot(self, chat_id: int | None) -> ChatState:
        """The chat a bot call addresses, refused the way Telegram refuses it."""
        if chat_id is None:
            raise bad_request(errors.CHAT_ID_EMPTY)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        if chat.blocked:
            raise ApiError(403, errors.BOT_BLOCKED)
        if not chat.started:
            raise ApiError(403, errors.CANT_INITIATE)
        return chat

    # -- messages ----------------------------------------------------------------------------

    def message_dict(self, message: SentMessage, *, with_reply: bool = True) -> dict[str, Any]:
        """A bot message as a Bot API Message object, as it currently looks."""
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user(),
            "chat": chat.user.chat_api(),
            "date": message.date,
        }
        if message.has_text:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.photo is not None:
            data["photo"] = [size.to_api() for size in message.photo]
        if message.document is not None:
            data["document"] = message.document.to_api()
        if message.caption:
            data["caption"] = message.caption
            if message.caption_entities:
                data["caption_entities"] = message.caption_entities
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        keyboard = inline_keyboard_to_api(message.inline_keyboard)
        if keyboard is not None:
            data["reply_markup"] = keyboard
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if with_reply and message.reply_to_message_id is not None:
            replied = self.any_message_dict(chat, message.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = replied
        return data

    def any_message_dict(self, chat: ChatState, message_id: int) -> dict[str, Any] | None:
        """A user's or the bot's message in the chat, without nested replies."""
        if message_id in chat.user_messages:
            return chat.user_messages[message_id]
        bot_message = chat.bot_message(message_id)
        if bot_message is None or bot_message.deleted:
            return None
        return self.message_dict(bot_message, with_reply=False)

    def add_bot_message(self, chat: ChatState, message: SentMessage) -> SentMessage:
        """Record a message the bot sent and tell the listeners."""
        chat.bot_messages.append(message)
        self.emit("sent", chat.id, message)
        return message

    def emit(self, event: str, chat_id: int, message: SentMessage) -> None:
        """Tell message listeners about a sent, edited or deleted bot message."""
        for listener in list(self.listeners):
            try:
                listener(event, chat_id, message)
            except Exception:
                # A broken listener (e.g. a closed terminal) must not fail the bot's API call.
                logger.exception("emulator message listener failed")

    def record_call(self, call: ApiCall) -> None:
        """Remember an API call and tell the call listeners."""
        self.calls.append(call)
        if call.method != "getUpdates":
            self.activity += 1
        for listener in list(self.call_listeners):
            try:
                listener(call)
            except Exception:
                logger.exception("emulator call listener failed")

    # -- callback queries ----------------------------------------------------------------------

    def new_query(self, chat_id: int, data: str | None) -> str:
        """Register a callback query awaiting an answer and return its id."""
        query_id = str(self._next_query_id)
        self._next_query_id += 1
        self.queries[query_id] = PendingQuery(chat_id, data)
        return query_id

    # -- updates -------------------------------------------------------------------------------

    @staticmethod
    def now() -> int:
        """Unix time, as Telegram stamps messages."""
        return int(time.time())

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for getUpdates and return its update_id. Call notify() after."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: payload})
        return update_id

    @property
    def pending_updates(self) -> int:
        """How many updates the bot has not confirmed yet."""
        return len(self._updates)

    def confirm(self, offset: int | None) -> None:
        """Apply getUpdates' offset: drop confirmed updates, or keep only the last -offset."""
        if offset is None or offset == 0:
            return
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    def drop_pending(self) -> None:
        """deleteWebhook(drop_pending_updates=True)."""
        self._updates.clear()

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _OPT_IN_UPDATES

    async def poll(self, limit: int, wait_seconds: float) -> list[dict[str, Any]]:
        """getUpdates: wait up to ``wait_seconds`` for updates, returning as soon as any
        arrive. A newer poll ends an older one with 409, as Telegram does."""
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            return (
                self.closing
                or self._poll_generation != generation
                or any(self._allowed(u) for u in self._updates)
            )

        async with self.changed:
            waiting = wait_seconds > 0 and not ready()
            self.waiting_polls += waiting
            self.changed.notify_all()  # wake an older poll so that it ends with 409
            try:
                if waiting:
                    async with asyncio.timeout(wait_seconds):
                        await self.changed.wait_for(ready)
            except TimeoutError:
                pass
            finally:
                self.waiting_polls -= waiting
        if self._poll_generation != generation:
            raise ApiError(409, errors.CONFLICT_OTHER_POLL)
        # Telegram does not keep updates the bot did not ask for.
        self._updates = [u for u in self._updates if self._allowed(u)]
        return self._updates[:limit]

    # -- webhook -----------------------------------------------------------------------------

    def start_pushing(self) -> None:
        """setWebhook: push each update to the URL, one at a time and in order, as Telegram
        does; an answer other than 2xx (or no answer) is retried a moment later."""
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.get_running_loop().create_task(self._push())

    async def stop_pushing(self) -> None:
        """deleteWebhook (or the emulator closing)."""
        pusher, self._pusher = self._pusher, None
        if pusher is not None:
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pusher

    async def _push(self) -> None:
        import aiohttp  # the sandbox extra

        async with aiohttp.ClientSession() as http:
            while self.webhook_url:
                await self.wait_for(lambda: bool(self._updates) or not self.webhook_url, 3600)
                if not self._updates or not self.webhook_url:
                    continue
                update = self._updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
                try:
                    async with http.post(
                        self.webhook_url,
                        json=update,
                        headers=headers,
                        timeout=aiohttp.ClientTimeout(total=5),
                    ) as answer:
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                self.webhook_answers.append(status)
                if 200 <= status < 300:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                    await self.notify()
                else:
                    await asyncio.sleep(0.2)

    # -- waiting -----------------------------------------------------------------------------

    async def notify(self) -> None:
        """Wake everyone waiting for a change (long polls, tests, the sandbox)."""
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``predicate()`` holds; False if ``seconds`` pass first."""
        async with self.changed:
            if predicate():
                return True
            try:
                async with asyncio.timeout(seconds):
                    await self.changed.wait_for(predicate)
            except TimeoutError:
                return predicate()
        return True
