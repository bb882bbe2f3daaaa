"""The HTTP side: an aiohttp server answering ``/bot<token>/<method>`` like api.telegram.org."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from . import bot_methods, errors, messaging  # noqa: F401  (importing registers the methods)
from .errors import ApiError
from .models import ApiCall, SentMessage, Upload
from .params import Params
from .registry import find_method
from .state import CallListener, CommandTable, EmulatorState, Failure, MessageListener
from .users import SimulatedUser

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-TOKEN-berdaya"
# The name fail_next takes for the file download (``/file/bot<token>/<path>``), not a method.
FILE_DOWNLOAD = "download"
# Uploads up to Telegram's 50 MB document limit, plus form overhead.
_MAX_REQUEST_BYTES = 60 * 1024 * 1024


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def _read_params(request: web.Request) -> Params:
    """Query string plus body: JSON, url-encoded or multipart (files become Uploads)."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise errors.bad_request("Bad Request: can't parse JSON request") from None
            if not isinstance(body, dict):
                raise errors.bad_request("Bad Request: can't parse JSON request")
            values.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(value.filename, value.content_type, value.file.read())
                elif isinstance(value, bytes):
                    values[name] = value.decode("utf-8", "replace")
                else:
                    values[name] = value
    return Params(values, uploads)


class BotApiEmulator:
    """A local Telegram Bot API for tests and the sandbox, driven by simulated users.

    Point PTB at it with ``base_url(f"{emu.base_url}/bot")`` and
    ``base_file_url(f"{emu.base_url}/file/bot")``. Use it in-process, on the same event loop.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "berdaya_test_bot",
        bot_first_name: str = "Berdaya",
        host: str = "127.0.0.1",
        port: int = 0,
        strict_html: bool = True,
    ) -> None:
        self.state = EmulatorState(token, bot_username, bot_first_name, strict_html)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._users: dict[int, SimulatedUser] = {}
        self._background: set[asyncio.Task[None]] = set()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def token(self) -> str:
        """The only token this server accepts."""
        return self.state.token

    @property
    def base_url(self) -> str:
        """``http://host:port`` once started."""
        if self._runner is None:
            raise RuntimeError("the emulator is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Start serving (picking a free port when port is 0)."""
        app = web.Application(client_max_size=_MAX_REQUEST_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        # A short shutdown grace: long polls are woken on stop, nothing else lingers.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        logger.debug("Bot API emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Stop serving; pending long polls return at once."""
        if self._runner is None:
            return
        self.state.closing = True
        await self.state.notify()
        await self.state.stop_pushing()
        await self._runner.cleanup()
        self._runner = None
        self.state.closing = False

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        st = self.state
        requested = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ApiError as exc:
            return _json(exc.to_json(), exc.error_code)
        if request.match_info["token"] != st.token:
            st.record_call(ApiCall(requested, params.for_record(), 401, errors.UNAUTHORIZED))
            return _json(ApiError(401, errors.UNAUTHORIZED).to_json(), 401)
        found = find_method(requested)
        if found is None:
            call = ApiCall(requested, params.for_record(), 404, errors.NOT_FOUND)
            st.unknown_calls.append(call)
            st.record_call(call)
            return _json(ApiError(404, errors.NOT_FOUND).to_json(), 404)
        name, handler = found
        result: Any = None
        failure = self._take_failure(name, params.for_record().get("chat_id"))
        if failure is not None and failure.mode == "drop":  # the connection dies unanswered
            st.record_call(ApiCall(name, params.for_record(), 0, "dropped", None, {}, True))
            await st.notify()
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=499)
        if failure is not None and failure.mode == "hang":  # no answer until the client gives up
            st.record_call(ApiCall(name, params.for_record(), 0, "timed out", None, {}, True))
            await st.notify()
            await asyncio.sleep(failure.seconds)
            return _json(ApiError(504, "Gateway Timeout").to_json(), 504)
        injected = failure is not None and failure.mode == "error"
        try:
            if failure is not None and failure.error is not None and failure.mode == "error":
                raise failure.error
            result = await handler(st, params)
            status, body = 200, {"ok": True, "result": result}
            if failure is not None and failure.mode == "hang_after":  # done, but answered late
                injected = True
                await asyncio.sleep(failure.seconds)
        except ApiError as exc:
            status, body = exc.error_code, exc.to_json()
            injected = injected or exc.injected
        except Exception as exc:
            # An emulator bug: answer like a server error so the bot's error path runs, and log.
            logger.exception("emulator failed on %s", name)
            status = 500
            body = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}").to_json()
        description = body.get("description")
        st.record_call(
            ApiCall(
                name, params.for_record(), status, description, result, params.uploads, injected
            )
        )
        await st.notify()
        return _json(body, status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return _json(ApiError(401, errors.UNAUTHORIZED).to_json(), 401)
        failure = self._take_failure(FILE_DOWNLOAD, None)  # fail_next("download", ...)
        if failure is not None and failure.error is not None:
            return _json(failure.error.to_json(), failure.error.error_code)
        stored = self.state.files.by_path(request.match_info["file_path"])
        if stored is None:
            return _json(ApiError(404, errors.NOT_FOUND).to_json(), 404)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return _json(ApiError(404, errors.NOT_FOUND).to_json(), 404)

    def _take_failure(self, method: str, chat_id: Any) -> Failure | None:
        """The next injected failure for this call, if a test asked for one."""
        found = None
        for failure in self.state.failures:
            if failure.method != method.lower() or failure.remaining <= 0:
                continue
            if failure.chat_id is not None and str(failure.chat_id) != str(chat_id):
                continue
            failure.remaining -= 1
            found = failure
            break
        self.state.failures = [f for f in self.state.failures if f.remaining > 0]
        return found

    # -- the Python API for tests and the sandbox -------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every API call, in order (getUpdates included)."""
        return self.state.calls

    @property
    def unknown_calls(self) -> list[ApiCall]:
        """Calls of methods the emulator does not implement (answered 404 Not Found)."""
        return self.state.unknown_calls

    @property
    def commands(self) -> CommandTable:
        """setMyCommands results by (scope, language_code); scope is the scope type, with
        ":<chat_id>" for chat scopes; language_code "" (or None) is the default."""
        return self.state.commands

    @property
    def users(self) -> list[SimulatedUser]:
        """The simulated users created so far."""
        return list(self._users.values())

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot."""
        return self.state.pending_updates

    @property
    def activity(self) -> int:
        """A counter of API calls other than getUpdates; it changes whenever the bot acts."""
        return self.state.activity

    @property
    def waiting_polls(self) -> int:
        """getUpdates calls currently waiting for updates (long polling)."""
        return self.state.waiting_polls

    def calls_to(self, method: str) -> list[ApiCall]:
        """The calls of one method (case-insensitive)."""
        return [c for c in self.state.calls if c.method.lower() == method.lower()]

    def user(
        self,
        first_name: str = "Siti",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        user_id: int | None = None,
        phone_number: str | None = None,
    ) -> SimulatedUser:
        """Create a simulated user. Ids are assigned from 7000000001 unless given; the private
        chat id equals the user id. The bot can write to them once they have sent anything."""
        chat = self.state.add_user(
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            user_id=user_id,
        )
        phone = phone_number or f"+6281{chat.id % 10**9:09d}"
        user = SimulatedUser(self.state, chat, phone)
        self._users[chat.id] = user
        return user

    def get_user(self, user_id: int) -> SimulatedUser:
        """The simulated user with this id."""
        return self._users[user_id]

    def fail_next(
        self,
        method: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        error_code: int | None = None,
        description: str | None = None,
        chat_id: int | None = None,
        drop: bool = False,
        hang: float | None = None,
        hang_after: float | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` only, if given) fail:

        - ``retry_after=N``: a 429 asking to wait N seconds;
        - ``error_code`` and ``description``: that answer (e.g. 502 "Bad Gateway");
        - ``drop=True``: the connection is closed without an answer (nothing is delivered);
        - ``hang=S``: no answer for S seconds (the client times out; nothing is delivered);
        - ``hang_after=S``: the call is carried out, then answered only after S seconds (the
          client times out although the message arrived: the duplicate case).

        ``method="download"`` makes the file downloads after getFile fail instead (with an
        error answer only: ``retry_after`` or ``error_code`` and ``description``).
        """
        error = None
        mode = "error"
        if retry_after is not None:
            error = ApiError(
                429, errors.too_many_requests(retry_after), {"retry_after": retry_after}
            )
        elif error_code is not None and description is not None:
            error = ApiError(error_code, description)
        elif drop:
            mode = "drop"
        elif hang is not None:
            mode = "hang"
        elif hang_after is not None:
            mode = "hang_after"
        else:
            raise ValueError(
                "give retry_after, error_code and description, drop, hang or hang_after"
            )
        found = find_method(method)
        name = found[0] if found else method
        seconds = hang if hang is not None else (hang_after or 0.0)
        self.state.failures.append(Failure(name.lower(), times, error, mode, seconds, chat_id))

    def forget_file(self, file_id: str) -> None:
        """Telegram no longer holds this file: sending it by file_id answers 400 "wrong file
        identifier" (a bot's file ids can outlive what Telegram keeps of the file)."""
        self.state.files.forget(file_id)

    def block(self, user_id: int, *, notify_bot: bool = True) -> None:
        """The user blocks the bot: sending to them fails with 403 from now on. Telegram also
        sends the bot a my_chat_member update (status "kicked"), unless notify_bot=False."""
        self._set_blocked(user_id, True, notify_bot)

    def unblock(self, user_id: int, *, notify_bot: bool = True) -> None:
        """The user unblocks (restarts) the bot."""
        self._set_blocked(user_id, False, notify_bot)

    def _set_blocked(self, user_id: int, blocked: bool, notify_bot: bool) -> None:
        st = self.state
        chat = st.chats[user_id]
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        if not notify_bot:
            return
        bot = st.bot_user()
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        member_old: dict[str, Any] = {"status": old, "user": bot}
        member_new: dict[str, Any] = {"status": new, "user": bot}
        for member in (member_old, member_new):
            if member["status"] == "kicked":
                member["until_date"] = 0
        st.enqueue(
            "my_chat_member",
            {
                "chat": chat.user.chat_api(),
                "from": chat.user.to_api(),
                "date": st.now(),
                "old_chat_member": member_old,
                "new_chat_member": member_new,
            },
        )
        self._notify_soon()

    async def post_in_channel(
        self,
        text: str,
        *,
        channel_id: int = -1_001_234_567_890,
        title: str = "Kanal Uji",
        edited: bool = False,
    ) -> int:
        """A post in a channel the bot was added to (a ``channel_post`` update, or an
        ``edited_channel_post`` with ``edited=True``); returns its update_id."""
        st = self.state
        chat = {"id": channel_id, "type": "channel", "title": title}
        post: dict[str, Any] = {
            "message_id": st._next_update_id,
            "sender_chat": chat,
            "chat": chat,
            "date": st.now(),
            "text": text,
        }
        if edited:
            post["edit_date"] = st.now()
        update_id = st.enqueue("edited_channel_post" if edited else "channel_post", post)
        await st.notify()
        return update_id

    def _notify_soon(self) -> None:
        # block()/unblock() are synchronous; the wake-up of long polls runs as a task.
        task = asyncio.get_running_loop().create_task(self.state.notify())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def add_listener(self, listener: MessageListener) -> None:
        """Call ``listener(event, chat_id, message)`` for each bot message "sent", "edited" or
        "deleted", right as the bot's request is handled."""
        self.state.listeners.append(listener)

    def remove_listener(self, listener: MessageListener) -> None:
        """Stop calling a message listener."""
        self.state.listeners.remove(listener)

    def add_call_listener(self, listener: CallListener) -> None:
        """Call ``listener(call)`` after each API call (e.g. to print failed calls)."""
        self.state.call_listeners.append(listener)

    def remove_call_listener(self, listener: CallListener) -> None:
        """Stop calling a call listener."""
        self.state.call_listeners.remove(listener)

    # The timeout parameter is part of this helper's contract: on expiry it returns False
    # rather than raising, which asyncio.timeout around the call could not do.
    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> bool:
        """Wait until ``predicate()`` holds, re-checked after every change; False on timeout."""
        return await self.state.wait_for(predicate, timeout)

    def messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in a chat."""
        return list(self.state.chats[chat_id].bot_messages)
