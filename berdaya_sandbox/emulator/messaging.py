"""Bot API methods that send, edit and delete messages, and answer buttons."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .errors import ApiError, bad_request
from .html import HtmlParseError, parse_html, strip_text
from .markup import ParsedMarkup, parse_reply_markup
from .models import CallbackAnswer, DocumentInfo, SentMessage, StoredFile, Upload
from .params import Params
from .registry import method
from .state import ChatState, EmulatorState

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


@dataclass(frozen=True)
class FormattedText:
    """Text after parse_mode: the plain text, its entities and the raw HTML if any."""

    text: str
    html: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)


def format_text(
    st: EmulatorState,
    raw: str,
    parse_mode: str | None,
    entities: Any,
    *,
    limit: int,
    too_long: str,
    empty: str | None,
) -> FormattedText:
    """Apply parse_mode and Telegram's length rules (measured on the plain text).

    ``empty`` is the error for empty text, or None where empty is fine (captions).
    """
    mode = (parse_mode or "").lower()
    html: str | None = None
    if mode == "html":
        try:
            parsed = parse_html(raw, strict_ampersand=st.strict_html)
        except HtmlParseError as exc:
            raise bad_request(errors.CANT_PARSE_ENTITIES + str(exc)) from None
        html = raw
        parsed = strip_text(parsed.text, parsed.entities)
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed; Berdaya formats with HTML only.
        given = entities if isinstance(entities, list) and not mode else []
        parsed = strip_text(raw, given)
    else:
        raise bad_request(errors.UNSUPPORTED_PARSE_MODE)
    if not parsed.text and empty is not None:
        raise bad_request(empty)
    if len(parsed.text) > limit:
        raise bad_request(too_long)
    return FormattedText(parsed.text, html, parsed.entities)


def _chat_id(p: Params) -> int | None:
    try:
        return p.get_int("chat_id")
    except ApiError:
        # "@channelusername" and other non-numeric ids: the emulator only has private chats.
        raise bad_request(errors.CHAT_NOT_FOUND) from None


def _markup(p: Params) -> ParsedMarkup:
    return parse_reply_markup(p.get_json("reply_markup", bad_request(errors.MARKUP_UNPARSABLE)))


def _inline_markup(p: Params) -> ParsedMarkup:
    markup = _markup(p)
    if markup.reply_keyboard is not None or markup.remove_keyboard or markup.force_reply:
        raise bad_request(errors.INLINE_KEYBOARD_EXPECTED)
    return markup


def _reply_target(chat: ChatState, p: Params) -> int | None:
    params = p.get_json("reply_parameters")
    allow_missing = p.get_bool("allow_sending_without_reply")
    target = p.get_int("reply_to_message_id")
    if isinstance(params, dict) and params.get("message_id") is not None:
        target = int(params["message_id"])
        allow_missing = bool(params.get("allow_sending_without_reply"))
    if target is None:
        return None
    exists = target in chat.user_messages or (
        (message := chat.bot_message(target)) is not None and not message.deleted
    )
    if exists:
        return target
    if allow_missing:
        return None
    raise bad_request(errors.REPLY_NOT_FOUND)


def _new_message(
    st: EmulatorState, chat: ChatState, p: Params, markup: ParsedMarkup
) -> SentMessage:
    return SentMessage(
        message_id=chat.take_message_id(),
        chat_id=chat.id,
        date=st.now(),
        inline_keyboard=markup.inline_keyboard,
        reply_keyboard=markup.reply_keyboard,
        keyboard_removed=markup.remove_keyboard,
        force_reply=markup.force_reply,
        reply_to_message_id=_reply_target(chat, p),
    )


@method("sendMessage")
async def send_message(st: EmulatorState, p: Params) -> Any:
    """sendMessage: text with optional HTML and any kind of reply markup."""
    chat = st.chat_for_bot(_chat_id(p))
    text = format_text(
        st,
        p.get_str("text") or "",
        p.get_str("parse_mode"),
        p.get_json("entities"),
        limit=TEXT_LIMIT,
        too_long=errors.TEXT_TOO_LONG,
        empty=errors.TEXT_EMPTY,
    )
    message = _new_message(st, chat, p, _markup(p))
    message.text, message.html, message.entities = text.text, text.html, text.entities
    st.add_bot_message(chat, message)
    return st.message_dict(message)


def _resolve_file(st: EmulatorState, source: Upload | str | None, kind: str) -> StoredFile:
    if source is None:
        raise bad_request(errors.no_file_in_request(kind))
    if isinstance(source, Upload):
        if not source.data:
            raise bad_request(errors.FILE_EMPTY)
        mime = source.content_type
        if kind == "document" and (not mime or mime == "application/octet-stream"):
            mime = mimetypes.guess_type(source.filename or "")[0] or mime
        return st.files.add(kind, source.data, file_name=source.filename, mime_type=mime)
    source = source.strip()
    if source.startswith(("http://", "https://")):
        # The emulator does not fetch URLs; the message just refers to an empty file.
        name = source.rstrip("/").rsplit("/", 1)[-1] or None
        return st.files.add(kind, b"", file_name=name)
    stored = st.files.get(source)
    if stored is None:
        injected = source in st.files.forgotten  # the test asked for this refusal
        raise ApiError(400, errors.WRONG_FILE_ID, injected=injected)
    if stored.kind != kind:
        raise bad_request(errors.FILE_TYPE_MISMATCH)
    return stored


def _caption(st: EmulatorState, raw: str, parse_mode: str | None, entities: Any) -> FormattedText:
    return format_text(
        st,
        raw,
        parse_mode,
        entities,
        limit=CAPTION_LIMIT,
        too_long=errors.CAPTION_TOO_LONG,
        empty=None,
    )


async def _send_media(st: EmulatorState, p: Params, kind: str) -> Any:
    chat = st.chat_for_bot(_chat_id(p))
    stored = _resolve_file(st, p.get_file(kind), kind)
    caption = _caption(
        st, p.get_str("caption") or "", p.get_str("parse_mode"), p.get_json("caption_entities")
    )
    message = _new_message(st, chat, p, _markup(p))
    _attach(st, message, stored, kind, caption)
    st.add_bot_message(chat, message)
    return st.message_dict(message)


def _attach(
    st: EmulatorState, message: SentMessage, stored: StoredFile, kind: str, caption: FormattedText
) -> None:
    if kind == "photo":
        message.photo = st.files.photo_sizes(stored)
    else:
        message.document = DocumentInfo(
            stored.file_id,
            stored.file_unique_id,
            stored.file_name,
            stored.mime_type,
            len(stored.data),
        )
    message.caption = caption.text or None
    message.caption_html = caption.html
    message.caption_entities = caption.entities


@method("sendPhoto")
async def send_photo(st: EmulatorState, p: Params) -> Any:
    """sendPhoto: a multipart upload, a known photo file_id or a URL."""
    return await _send_media(st, p, "photo")


@method("sendDocument")
async def send_document(st: EmulatorState, p: Params) -> Any:
    """sendDocument: a multipart upload, a known document file_id or a URL."""
    return await _send_media(st, p, "document")


@method("sendMediaGroup")
async def send_media_group(st: EmulatorState, p: Params) -> Any:
    """sendMediaGroup: an album of 2–10 photos, or of 2–10 documents (not mixed), each a file_id,
    an ``attach://`` upload or a URL; a caption on any item; no reply markup. Returns the
    messages, which share a ``media_group_id``."""
    chat = st.chat_for_bot(_chat_id(p))
    items = p.get_json("media", bad_request(errors.MEDIA_TYPE_INVALID))
    if not isinstance(items, list) or not 2 <= len(items) <= 10:
        raise bad_request(errors.MEDIA_GROUP_SIZE)
    kinds = [item.get("type") if isinstance(item, dict) else None for item in items]
    if any(kind not in ("photo", "document") for kind in kinds):
        raise bad_request(errors.MEDIA_TYPE_INVALID)
    if "document" in kinds and "photo" in kinds:
        raise bad_request(errors.MEDIA_GROUP_MIXED)
    prepared = []
    for item, kind in zip(items, kinds, strict=True):
        source = item.get("media")
        if isinstance(source, str) and source.startswith("attach://"):
            source = p.uploads.get(source.removeprefix("attach://"))
        stored = _resolve_file(st, source, str(kind))
        caption = _caption(
            st,
            str(item.get("caption") or ""),
            item.get("parse_mode"),
            item.get("caption_entities"),
        )
        prepared.append((stored, str(kind), caption))
    group = f"emu-album-{st.next_media_group()}"
    sent = []
    for stored, kind, caption in prepared:  # all checked first: an album arrives whole or not
        message = _new_message(st, chat, p, ParsedMarkup())
        message.media_group_id = group
        _attach(st, message, stored, kind, caption)
        st.add_bot_message(chat, message)
        sent.append(st.message_dict(message))
    return sent


def _message_to_edit(st: EmulatorState, p: Params) -> SentMessage:
    if p.has("inline_message_id"):
        # The emulator has no inline mode, so no inline message can exist.
        raise bad_request(errors.EDIT_NOT_FOUND)
    chat_id = _chat_id(p)
    if chat_id is None:
        raise bad_request(errors.CHAT_ID_EMPTY)
    chat = st.chats.get(chat_id)
    if chat is None:
        raise bad_request(errors.CHAT_NOT_FOUND)
    if chat.blocked:
        raise ApiError(403, errors.BOT_BLOCKED)
    message_id = p.get_int("message_id")
    if message_id is not None and message_id in chat.user_messages:
        raise bad_request(errors.CANT_BE_EDITED)
    message = chat.bot_message(message_id) if message_id is not None else None
    if message is None or message.deleted:
        raise bad_request(errors.EDIT_NOT_FOUND)
    return message


def _finish_edit(st: EmulatorState, message: SentMessage, previous: str | None) -> Any:
    if previous is not None:
        message.history.append(previous)
    message.edited = True
    message.edit_date = st.now()
    st.emit("edited", message.chat_id, message)
    return st.message_dict(message)


@method("editMessageText")
async def edit_message_text(st: EmulatorState, p: Params) -> Any:
    """editMessageText. Without reply_markup the inline keyboard goes away, as on Telegram."""
    message = _message_to_edit(st, p)
    if not message.has_text:
        raise bad_request(errors.NO_TEXT_TO_EDIT)
    text = format_text(
        st,
        p.get_str("text") or "",
        p.get_str("parse_mode"),
        p.get_json("entities"),
        limit=TEXT_LIMIT,
        too_long=errors.TEXT_TOO_LONG,
        empty=errors.TEXT_EMPTY,
    )
    keyboard = _inline_markup(p).inline_keyboard
    unchanged = (text.text, text.entities, keyboard) == (
        message.text,
        message.entities,
        message.inline_keyboard,
    )
    if unchanged:
        raise bad_request(errors.NOT_MODIFIED)
    previous = message.text
    message.text, message.html, message.entities = text.text, text.html, text.entities
    message.inline_keyboard = keyboard
    return _finish_edit(st, message, previous)


@method("editMessageCaption")
async def edit_message_caption(st: EmulatorState, p: Params) -> Any:
    """editMessageCaption for photos and documents."""
    message = _message_to_edit(st, p)
    if message.has_text:
        raise bad_request(errors.NO_CAPTION_TO_EDIT)
    caption = format_text(
        st,
        p.get_str("caption") or "",
        p.get_str("parse_mode"),
        p.get_json("caption_entities"),
        limit=CAPTION_LIMIT,
        too_long=errors.CAPTION_TOO_LONG,
        empty=None,
    )
    keyboard = _inline_markup(p).inline_keyboard
    unchanged = (caption.text or None, caption.entities, keyboard) == (
        message.caption,
        message.caption_entities,
        message.inline_keyboard,
    )
    if unchanged:
        raise bad_request(errors.NOT_MODIFIED)
    previous = message.caption or ""
    message.caption, message.caption_html = caption.text or None, caption.html
    message.caption_entities = caption.entities
    message.inline_keyboard = keyboard
    return _finish_edit(st, message, previous)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(st: EmulatorState, p: Params) -> Any:
    """editMessageReplyMarkup; no reply_markup removes the inline keyboard."""
    message = _message_to_edit(st, p)
    keyboard = _inline_markup(p).inline_keyboard
    if keyboard == message.inline_keyboard:
        raise bad_request(errors.NOT_MODIFIED)
    message.inline_keyboard = keyboard
    return _finish_edit(st, message, None)  # the text stays; history records texts only


def _delete(st: EmulatorState, chat: ChatState, message_id: int) -> bool:
    if chat.user_messages.pop(message_id, None) is not None:
        return True  # bots may delete incoming messages in private chats
    message = chat.bot_message(message_id)
    if message is None or message.deleted:
        return False
    message.deleted = True
    st.emit("deleted", chat.id, message)
    return True


def _chat_for_delete(st: EmulatorState, p: Params) -> ChatState:
    chat_id = _chat_id(p)
    if chat_id is None:
        raise bad_request(errors.CHAT_ID_EMPTY)
    chat = st.chats.get(chat_id)
    if chat is None:
        raise bad_request(errors.CHAT_NOT_FOUND)
    return chat


@method("deleteMessage")
async def delete_message(st: EmulatorState, p: Params) -> Any:
    """deleteMessage: marks the bot message deleted (it stays in the transcript)."""
    chat = _chat_for_delete(st, p)
    message_id = p.get_int("message_id")
    if message_id is None or not _delete(st, chat, message_id):
        raise bad_request(errors.DELETE_NOT_FOUND)
    return True


@method("deleteMessages")
async def delete_messages(st: EmulatorState, p: Params) -> Any:
    """deleteMessages: deletes those it finds; fails only if it finds none."""
    chat = _chat_for_delete(st, p)
    ids = p.get_json("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("Bad Request: message identifiers are not specified")
    found = [_delete(st, chat, int(message_id)) for message_id in ids]
    if not any(found):
        raise bad_request(errors.DELETE_NOT_FOUND)
    return True


@method("answerCallbackQuery")
async def answer_callback_query(st: EmulatorState, p: Params) -> Any:
    """answerCallbackQuery: each query can be answered once."""
    query_id = p.get_str("callback_query_id") or ""
    query = st.queries.pop(query_id, None)
    if query is None:
        raise bad_request(errors.QUERY_INVALID)
    st.chats[query.chat_id].callback_answers.append(
        CallbackAnswer(
            query_id=query_id,
            data=query.data,
            text=p.get_str("text"),
            show_alert=p.get_bool("show_alert"),
            url=p.get_str("url"),
        )
    )
    return True


@method("sendChatAction")
async def send_chat_action(st: EmulatorState, p: Params) -> Any:
    """sendChatAction: recorded per chat."""
    chat = st.chat_for_bot(_chat_id(p))
    action = p.get_str("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request(errors.WRONG_ACTION)
    chat.chat_actions.append(action)
    return True
