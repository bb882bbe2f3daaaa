"""Bot API methods about the bot itself: identity, updates, webhook, commands, files, chats."""

from __future__ import annotations

import re
from typing import Any

from . import errors
from .errors import ApiError, bad_request
from .files import MAX_DOWNLOAD_BYTES
from .params import Params
from .registry import method
from .state import EmulatorState

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_MAX_COMMANDS = 100


@method("getMe")
async def get_me(st: EmulatorState, p: Params) -> Any:
    """getMe: the bot user with its capabilities."""
    return {
        **st.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(st: EmulatorState, p: Params) -> Any:
    """getUpdates: confirm by offset, then long-poll for up to ``timeout`` seconds."""
    if st.webhook_url:
        raise ApiError(409, errors.CONFLICT_WEBHOOK)
    allowed = p.get_json("allowed_updates")
    if isinstance(allowed, list):
        # Like Telegram, the last list given stays in force for later calls; [] means default.
        st.allowed_updates = frozenset(str(kind) for kind in allowed) or None
    st.confirm(p.get_int("offset"))
    limit = min(max(p.get_int("limit") or 100, 1), 100)
    timeout = max(p.get_float("timeout") or 0.0, 0.0)
    return await st.poll(limit, timeout)


@method("setWebhook")
async def set_webhook(st: EmulatorState, p: Params) -> Any:
    """setWebhook: updates are pushed to the URL from now on (with the secret token, as
    Telegram sends it); "" removes it."""
    st.webhook_url = p.get_str("url") or ""
    st.webhook_secret = p.get_str("secret_token") or ""
    if p.get_bool("drop_pending_updates"):
        st.drop_pending()
    if st.webhook_url:
        st.start_pushing()
    else:
        await st.stop_pushing()
    return True


@method("deleteWebhook")
async def delete_webhook(st: EmulatorState, p: Params) -> Any:
    """deleteWebhook, optionally dropping pending updates (PTB does so on start if asked)."""
    st.webhook_url = ""
    await st.stop_pushing()
    if p.get_bool("drop_pending_updates"):
        st.drop_pending()
    return True


@method("getWebhookInfo")
async def get_webhook_info(st: EmulatorState, p: Params) -> Any:
    """getWebhookInfo: the URL and the number of pending updates."""
    return {
        "url": st.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": st.pending_updates,
    }


def _scope_key(scope: Any) -> str:
    """The scope part of a command table key: the scope type, with the chat (and user) for the
    chat-specific scopes, e.g. "chat:7000000001"."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("Bad Request: can't parse BotCommandScope JSON object")
    parts = [scope["type"]]
    for key in ("chat_id", "user_id"):
        if key in scope:
            parts.append(str(scope[key]))
    return ":".join(parts)


def _chat_must_exist(st: EmulatorState, scope: Any) -> None:
    """A chat scope names a chat the user has opened; otherwise Telegram says it is unknown."""
    if isinstance(scope, dict) and scope.get("type") == "chat":
        chat = st.chats.get(int(scope.get("chat_id", 0)))
        if chat is None or not chat.started:
            raise bad_request(errors.CHAT_NOT_FOUND)


def _commands(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise bad_request("Bad Request: can't parse commands JSON object")
    if len(value) > _MAX_COMMANDS:
        raise bad_request("Bad Request: too many commands specified")
    commands: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("Bad Request: can't parse commands JSON object")
        command = str(item.get("command", ""))
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request(errors.BOT_COMMAND_INVALID)
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request(errors.BOT_COMMAND_DESCRIPTION_INVALID)
        commands.append({"command": command, "description": description})
    return commands


@method("setMyCommands")
async def set_my_commands(st: EmulatorState, p: Params) -> Any:
    """setMyCommands, stored under (scope, language_code); an empty list deletes."""
    commands = _commands(p.get_json("commands"))
    _chat_must_exist(st, p.get_json("scope"))
    key = (_scope_key(p.get_json("scope")), p.get_str("language_code") or "")
    if commands:
        st.commands[key] = commands
    else:
        st.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(st: EmulatorState, p: Params) -> Any:
    """getMyCommands for exactly this scope and language (no fallback, like Telegram)."""
    return st.commands.lookup(_scope_key(p.get_json("scope")), p.get_str("language_code"))


@method("deleteMyCommands")
async def delete_my_commands(st: EmulatorState, p: Params) -> Any:
    """deleteMyCommands for this scope and language."""
    _chat_must_exist(st, p.get_json("scope"))
    st.commands.pop((_scope_key(p.get_json("scope")), p.get_str("language_code") or ""), None)
    return True


@method("getFile")
async def get_file(st: EmulatorState, p: Params) -> Any:
    """getFile: the path to download a known file from ``/file/bot<token>/<path>``."""
    stored = st.files.get(p.get_str("file_id") or "")
    if stored is None:
        raise bad_request(errors.INVALID_FILE_ID)
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request(errors.FILE_TOO_BIG)
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


@method("getChat")
async def get_chat(st: EmulatorState, p: Params) -> Any:
    """getChat: the ChatFullInfo of a private chat with a simulated user."""
    try:
        chat = st.chats.get(p.get_int("chat_id") or 0)
    except ApiError:
        chat = None
    if chat is None:
        raise bad_request(errors.CHAT_NOT_FOUND)
    return {
        **chat.user.chat_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def _setting_key(name: str, p: Params) -> str:
    return f"{name}:{p.get_str('language_code') or ''}"


def _register_text_setting(setter: str, getter: str, field: str) -> None:
    """setMyDescription & co: remembered per language and read back by the getter."""

    async def set_value(st: EmulatorState, p: Params) -> Any:
        st.bot_settings[_setting_key(field, p)] = p.get_str(field) or ""
        return True

    async def get_value(st: EmulatorState, p: Params) -> Any:
        return {field: st.bot_settings.get(_setting_key(field, p), "")}

    method(setter)(set_value)
    method(getter)(get_value)


_register_text_setting("setMyDescription", "getMyDescription", "description")
_register_text_setting("setMyShortDescription", "getMyShortDescription", "short_description")
_register_text_setting("setMyName", "getMyName", "name")


@method("setChatMenuButton")
async def set_chat_menu_button(st: EmulatorState, p: Params) -> Any:
    """setChatMenuButton: remembered per chat (or as the default)."""
    button = p.get_json("menu_button") or {"type": "default"}
    st.bot_settings[f"menu_button:{p.get_str('chat_id') or ''}"] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(st: EmulatorState, p: Params) -> Any:
    """getChatMenuButton: what was set, else the commands menu."""
    key = f"menu_button:{p.get_str('chat_id') or ''}"
    return st.bot_settings.get(key, {"type": "commands"})
