"""Webhook mode: Telegram posts each update here; the 200 is sent only after the inbox commit.

The secret Telegram sends back in `X-Telegram-Bot-Api-Secret-Token` is compared in constant
time; a wrong or missing one gets 403 and nothing from the request is kept. When the database
cannot take the update the answer is 503, so Telegram delivers it again later. Any number of
processes may listen behind a load balancer (the socket is opened with SO_REUSEPORT, so several
processes on one host can share a port too).
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Bot, Update

from bot.intake import Intake

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few KiB; Telegram's limit for a request is far below


class WebhookServer:
    """An aiohttp server with one route: POST `path`."""

    def __init__(self, bot: Bot, intake: Intake, *, secret: str, path: str, listen: str) -> None:
        self.bot = bot
        self.intake = intake
        self._secret = secret.encode()
        self.path = path or "/"
        host, _, port = listen.rpartition(":")
        self.host, self.port = host, int(port)
        self._runner: web.AppRunner | None = None
        self.received = 0
        self.refused = 0

    def app(self) -> web.Application:
        """The aiohttp application (tests can serve it on their own)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.receive)
        app.router.add_get("/healthz", self.health)
        return app

    async def start(self) -> None:
        """Listen."""
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_port=True)
        await site.start()
        log.info("webhook listening on %s:%d%s", self.host, self.port, self.path)

    async def stop(self) -> None:
        """Stop listening (requests in hand finish first, briefly)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def health(self, _request: web.Request) -> web.Response:
        """For the load balancer."""
        return web.Response(text="ok")

    async def receive(self, request: web.Request) -> web.Response:
        """One update from Telegram."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self.refused += 1
            log.warning("webhook: a request without the right secret was refused")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook: a request that is not an update was refused")
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        try:
            await self.intake.take([update])
        except Exception as error:  # Telegram retries a non-2xx answer later
            log.warning("webhook: inbox unreachable (%s)", type(error).__name__)
            await self.intake.tell_busy([update])
            return web.Response(status=503)
        self.received += 1
        return web.Response(status=200)
