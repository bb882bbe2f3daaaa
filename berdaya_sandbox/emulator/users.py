"""Simulated Telegram users: they write to the bot, press its buttons and read its replies."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .files import sample_png
from .models import CallbackAnswer, ReplyButton, SentMessage
from .state import ChatState, EmulatorState, UserInfo

# A leading bot command as Telegram detects it: "/cmd" or "/cmd@botname", then no word char.
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")
_SAMPLE_VOICE = b"OggS\x00\x02" + bytes(58)
_SAMPLE_STICKER = b"RIFF\x1a\x00\x00\x00WEBPVP8L" + bytes(14)
_SAMPLE_DOCUMENT = b"%PDF-1.4\n%emulated\n"
# Kabupaten Bojonegoro, a plausible place for a Jawa Timur beneficiary.
DEFAULT_LOCATION = (-7.1502, 111.8817)


def _entities(text: str) -> list[dict[str, Any]]:
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": match.end()}]


class SimulatedUser:
    """A person chatting privately with the bot. Every action queues an update for getUpdates
    and returns its update_id; the bot's replies show up in ``messages``."""

    def __init__(self, state: EmulatorState, chat: ChatState, phone_number: str) -> None:
        self._st = state
        self._chat = chat
        self.phone_number = phone_number
        self._sent_ids: list[int] = []
        self.actions = 0  # messages sent and buttons pressed, to count a dialog's answers

    # -- who ---------------------------------------------------------------------------------

    @property
    def info(self) -> UserInfo:
        """The Telegram user."""
        return self._chat.user

    @property
    def id(self) -> int:
        """The user id (also the id of the private chat)."""
        return self._chat.user.id

    @property
    def first_name(self) -> str:
        """The user's first name."""
        return self._chat.user.first_name

    @property
    def language_code(self) -> str | None:
        """The language Telegram reports for the user (None happens in real life too)."""
        return self._chat.user.language_code

    # -- what the bot did --------------------------------------------------------------------

    @property
    def messages(self) -> list[SentMessage]:
        """Bot messages in this chat, oldest first; edits and deletions are reflected."""
        return list(self._chat.bot_messages)

    @property
    def visible_messages(self) -> list[SentMessage]:
        """Bot messages not deleted."""
        return [m for m in self._chat.bot_messages if not m.deleted]

    @property
    def last(self) -> SentMessage:
        """The newest bot message in this chat."""
        if not self._chat.bot_messages:
            raise AssertionError(f"the bot has not sent {self.first_name} anything yet")
        return self._chat.bot_messages[-1]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's button presses, in order."""
        return list(self._chat.callback_answers)

    @property
    def chat_actions(self) -> list[str]:
        """sendChatAction actions ("typing", ...) the bot sent to this chat."""
        return list(self._chat.chat_actions)

    @property
    def reply_keyboard(self) -> list[list[ReplyButton]] | None:
        """The reply keyboard currently shown to the user, if any."""
        return self._chat.reply_keyboard()

    @property
    def last_text_message_id(self) -> int | None:
        """The id of this user's newest text message (what ``edit`` can change), if any."""
        texts = [i for i in self._sent_ids if "text" in self._chat.user_messages.get(i, {})]
        return texts[-1] if texts else None

    @property
    def sent_message_ids(self) -> list[int]:
        """Ids of the messages this user sent, oldest first."""
        return list(self._sent_ids)

    def transcript(self) -> str:
        """The bot's side of the chat as text, for assertion messages and debugging."""
        lines = []
        for m in self._chat.bot_messages:
            flags = " (deleted)" if m.deleted else " (edited)" if m.edited else ""
            body = m.text if m.has_text else f"[{'photo' if m.photo else 'document'}] {m.caption}"
            buttons = f" {m.button_labels}" if m.inline_keyboard else ""
            lines.append(f"#{m.message_id}{flags}: {body}{buttons}")
        return "\n".join(lines) or "(no bot messages)"

    # -- sending -----------------------------------------------------------------------------

    async def _deliver(self, content: dict[str, Any]) -> int:
        chat = self._chat
        if chat.blocked:
            raise AssertionError(
                f"{self.first_name} has blocked the bot; call emu.unblock({self.id}) first"
            )
        chat.started = True
        self.actions += 1
        message = {
            "message_id": chat.take_message_id(),
            "from": chat.user.to_api(),
            "chat": chat.user.chat_api(),
            "date": self._st.now(),
            **content,
        }
        # The update gets its own copy: a later edit must not change an unread update.
        chat.user_messages[message["message_id"]] = message
        self._sent_ids.append(message["message_id"])
        update_id = self._st.enqueue("message", dict(message))
        await self._st.notify()
        return update_id

    async def send(self, text: str) -> int:
        """Send a text message; a leading /command gets its bot_command entity."""
        content: dict[str, Any] = {"text": text}
        entities = _entities(text)
        if entities:
            content["entities"] = entities
        return await self._deliver(content)

    async def send_sticker(self, emoji: str = "👍") -> int:
        """Send a (static) sticker."""
        stored = self._st.files.add("sticker", _SAMPLE_STICKER, mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.data),
        }
        return await self._deliver({"sticker": sticker})

    async def send_photo(self, data: bytes | None = None, caption: str | None = None) -> int:
        """Send a photo (a small generated PNG unless ``data`` is given)."""
        stored = self._st.files.add("photo", data or sample_png(), mime_type="image/png")
        content: dict[str, Any] = {
            "photo": [size.to_api() for size in self._st.files.photo_sizes(stored)]
        }
        if caption:
            content["caption"] = caption
        return await self._deliver(content)

    async def send_album(self, count: int = 2) -> list[int]:
        """Send ``count`` photos as one album: one update each, sharing a ``media_group_id``
        (as Telegram delivers them). Returns every update id, in order."""
        group = f"album-{self.id}-{self._st.now()}-{len(self._sent_ids)}"
        ids = []
        for index in range(count):
            stored = self._st.files.add(
                "photo", sample_png() + bytes([index]), mime_type="image/png"
            )
            sizes = [size.to_api() for size in self._st.files.photo_sizes(stored)]
            ids.append(await self._deliver({"photo": sizes, "media_group_id": group}))
        return ids

    async def send_voice(self, data: bytes | None = None, duration: int = 3) -> int:
        """Send a voice note."""
        stored = self._st.files.add("voice", data or _SAMPLE_VOICE, mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(stored.data),
        }
        return await self._deliver({"voice": voice})

    async def send_document(
        self,
        data: bytes | None = None,
        file_name: str = "dokumen.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> int:
        """Send a file as a document."""
        stored = self._st.files.add(
            "document", data or _SAMPLE_DOCUMENT, file_name=file_name, mime_type=mime_type
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(stored.data),
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return await self._deliver(content)

    async def send_contact(
        self,
        phone_number: str | None = None,
        *,
        own: bool = True,
        first_name: str | None = None,
    ) -> int:
        """Share a contact; ``own=True`` is the user's own number (contact.user_id = their id),
        as a request_contact button sends it."""
        contact: dict[str, Any] = {
            "phone_number": phone_number or self.phone_number,
            "first_name": first_name or (self.first_name if own else "Kontak"),
        }
        if own:
            contact["user_id"] = self.id
            if self.info.last_name:
                contact["last_name"] = self.info.last_name
        return await self._deliver({"contact": contact})

    async def send_location(
        self, latitude: float = DEFAULT_LOCATION[0], longitude: float = DEFAULT_LOCATION[1]
    ) -> int:
        """Share a location."""
        return await self._deliver({"location": {"latitude": latitude, "longitude": longitude}})

    async def edit(self, message_id: int, text: str) -> int:
        """Edit one of this user's text messages (an ``edited_message`` update)."""
        message = self._chat.user_messages.get(message_id)
        if message is None or "text" not in message:
            raise AssertionError(f"{self.first_name} has no text message {message_id} to edit")
        edited = {k: v for k, v in message.items() if k != "entities"}
        edited["text"] = text
        edited["edit_date"] = self._st.now()
        entities = _entities(text)
        if entities:
            edited["entities"] = entities
        self._chat.user_messages[message_id] = edited
        update_id = self._st.enqueue("edited_message", dict(edited))
        await self._st.notify()
        return update_id

    async def change_membership(self, old: str, new: str) -> int:
        """A ``my_chat_member`` update for this chat, as Telegram would send it, without
        changing whether the emulator lets the bot write here (a late or repeated notice;
        ``BotApiEmulator.block`` does both). Statuses: "member", "kicked", "left", …"""
        bot = self._st.bot_user()
        members: list[dict[str, Any]] = []
        for status in (old, new):
            member: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                member["until_date"] = 0
            members.append(member)
        update_id = self._st.enqueue(
            "my_chat_member",
            {
                "chat": self._chat.user.chat_api(),
                "from": self.info.to_api(),
                "date": self._st.now(),
                "old_chat_member": members[0],
                "new_chat_member": members[1],
            },
        )
        await self._st.notify()
        return update_id

    # -- buttons -----------------------------------------------------------------------------

    def _message(self, message: SentMessage | int | None) -> SentMessage | None:
        if message is None:
            return None
        message_id = message if isinstance(message, int) else message.message_id
        found = self._chat.bot_message(message_id)
        if found is None or found.deleted:
            raise AssertionError(f"bot message {message_id} is not in {self.first_name}'s chat")
        return found

    async def press(self, label: str, message: SentMessage | int | None = None) -> int:
        """Press the inline button labelled ``label``: on ``message`` if given, else on the
        newest bot message showing such a button."""
        target = self._message(message)
        candidates = [target] if target else list(reversed(self.visible_messages))
        for candidate in candidates:
            button = candidate.find_button(label)
            if button is None:
                continue
            if button.callback_data is None:
                raise AssertionError(
                    f"button {label!r} opens {button.url or button.extra}; it sends no callback"
                )
            return await self._callback(candidate, button.callback_data)
        shown = [m.button_labels for m in candidates if m.inline_keyboard]
        raise AssertionError(
            f"no inline button {label!r} in {self.first_name}'s chat"
            + (f" on message {target.message_id}" if target else "")
            + f"; buttons shown (newest message first): {shown}"
        )

    async def press_data(self, data: str, message: SentMessage | int | None = None) -> int:
        """Send a callback query with any data, even one no button carries (a forged or
        outdated press), on ``message`` or the newest bot message."""
        target = self._message(message)
        if target is None:
            visible = self.visible_messages
            if not visible:
                raise AssertionError(f"no bot message in {self.first_name}'s chat to press on")
            target = visible[-1]
        return await self._callback(target, data)

    async def _callback(self, message: SentMessage, data: str) -> int:
        if self._chat.blocked:
            raise AssertionError(f"{self.first_name} has blocked the bot")
        self.actions += 1
        query = {
            "id": self._st.new_query(self.id, data),
            "from": self.info.to_api(),
            "message": self._st.message_dict(message),
            "chat_instance": str(-(8_000_000_000 + self.id)),
            "data": data,
        }
        update_id = self._st.enqueue("callback_query", query)
        await self._st.notify()
        return update_id

    async def tap_reply_button(self, label: str) -> int:
        """Tap a button of the reply keyboard shown: it sends its text, or the user's contact
        or location when the button requests one."""
        keyboard = self.reply_keyboard
        if keyboard is None:
            raise AssertionError(f"no reply keyboard is shown to {self.first_name}")
        buttons = [button for row in keyboard for button in row]
        button = next((b for b in buttons if b.text == label), None)
        if button is None:
            raise AssertionError(
                f"no reply button {label!r}; the keyboard has {[b.text for b in buttons]}"
            )
        if button.request_contact:
            return await self.send_contact(own=True)
        if button.request_location:
            return await self.send_location()
        return await self.send(button.text)

    # -- waiting -----------------------------------------------------------------------------

    # These helpers take a timeout (ASYNC109) because on expiry they fail with the transcript,
    # which an asyncio.timeout around the call could not add.
    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> None:
        """Wait (without polling) until ``predicate()`` holds; AssertionError on timeout."""
        if not await self._st.wait_for(predicate, timeout):
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what} in {self.first_name}'s chat; "
                f"bot messages so far:\n{self.transcript()}"
            )

    async def wait_for_messages(
        self,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least ``count`` messages to this chat; return them."""
        await self.wait_until(
            lambda: len(self._chat.bot_messages) >= count, timeout, f"{count} bot messages"
        )
        return self.messages

    async def wait_for_answers(
        self,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[CallbackAnswer]:
        """Wait until the bot has answered at least ``count`` of this user's button presses."""
        await self.wait_until(
            lambda: len(self._chat.callback_answers) >= count, timeout, f"{count} answers"
        )
        return self.callback_answers
