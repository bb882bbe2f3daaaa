"""Staff actions from the command line, until staff can do them in the bot."""

from __future__ import annotations

import argparse

from telegram import Bot

from bot.clock import SystemClock
from bot.config import Settings, SettingsError
from bot.domain.nik import NikError
from bot.i18n import translator
from bot.runtime import prepare_database
from bot.services import registration
from bot.storage.db import Database


async def invite_client(settings: Settings, args: argparse.Namespace) -> str:
    """Create an invited client record; return the lines to print (code and deep link)."""
    await prepare_database(settings)
    db = Database(settings.database_url)
    clock = SystemClock()
    now = clock.now()
    try:
        async with db.transaction() as session:
            invitation = await registration.invite_client(
                session,
                full_name=args.name,
                nik=args.nik,
                region_code=args.region,
                now=now,
                today=now.astimezone(settings.timezone).date(),
            )
    except NikError as error:
        raise SettingsError(f"--nik: {error.problem.value.replace('_', ' ')}") from None
    except ValueError as error:
        raise SettingsError(str(error)) from None
    finally:
        await db.dispose()
    username = args.bot_username or await _bot_username(settings)
    expires = translator("id", settings.timezone).date(invitation.expires_at)
    return "\n".join(
        [
            f"Invitation code: {invitation.code}",
            f"Deep link: https://t.me/{username}?start={invitation.code}",
            f"Valid until: {expires} (one use)",
        ]
    )


async def _bot_username(settings: Settings) -> str:
    if settings.telegram_bot_token is None:
        return "<bot username>"
    api = settings.telegram_api_url
    async with Bot(settings.token(), base_url=f"{api}/bot", base_file_url=f"{api}/file/bot") as bot:
        return bot.username
