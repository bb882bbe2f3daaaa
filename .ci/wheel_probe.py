"""Runs inside the fresh venv of .ci/wheel_check.py, from a folder outside the source tree.

It uses only what the wheel and requirements-sandbox.lock installed: `berdaya db upgrade` on a new
SQLite file, then `berdaya run` against the installed Bot API emulator, and three simulated users
(en, jv, id) who send /start. The replies are checked against the installed catalogs, not against
wording written here: the id reply names the message (the id catalog's msgstr equals its msgid),
and the en and jv replies must be that message as the installed translator renders it.

Usage: python -I wheel_probe.py SOURCE_TREE  (SOURCE_TREE only to prove nothing comes from it)
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

FIRST_REPLY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
DEV_TOOLS = ("pytest", "pytest-cov", "coverage", "hypothesis", "ruff", "mypy")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass
class Probe:
    """What the probe found; `problems` empty means PASS."""

    problems: list[str]

    def check(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok


def _environment(database_url: str, api_url: str = "", token: str = "") -> dict[str, str]:
    """This process's environment without anything that could point at the source tree or
    carry settings from outside, plus the bot's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "TELEGRAM_", "BERDAYA_", "COVERAGE_", "VIRTUAL_ENV"))
        and k != "DATABASE_URL"
    }
    env.update(DATABASE_URL=database_url, BERDAYA_RATE_LIMIT="0")
    if api_url:
        env.update(TELEGRAM_API_URL=api_url, TELEGRAM_BOT_TOKEN=token)
    return env


def _pattern(template: str) -> re.Pattern[str]:
    """A catalog string as a regex: its {placeholders} match any text."""
    parts = _PLACEHOLDER.split(template)
    return re.compile("(?s)" + "(.+?)".join(re.escape(part) for part in parts))


def _catalog_messages() -> list[str]:
    """Every singular msgid of the installed Indonesian catalog (its msgstr is the msgid)."""
    from babel.messages.pofile import read_po

    from bot.i18n import catalog_file

    catalog = read_po(io.BytesIO(catalog_file("id").read_bytes()), locale="id")
    return [str(m.id) for m in catalog if m.id and isinstance(m.id, str)]


def _as_sent(message: object) -> str:
    """The message as the bot sent it: its HTML markup when it used HTML, else its text."""
    html = getattr(message, "html", None)
    return str(html if html is not None else getattr(message, "text", ""))


def _name_the_message(id_reply: str) -> list[str]:
    """The msgid(s) the Indonesian reply was rendered from: one message that matches the whole
    reply (fewest placeholders first), or else the catalog messages it is composed of."""
    from bot.i18n import translator

    indonesian = translator("id")
    msgids = _catalog_messages()
    whole = [m for m in msgids if _pattern(indonesian.gettext(m)).fullmatch(id_reply)]
    if whole:
        whole.sort(key=lambda m: (len(_PLACEHOLDER.findall(m)), -len(m)))
        return whole[:1]
    pieces = [
        m
        for m in msgids
        if not _PLACEHOLDER.search(m) and len(m) >= 8 and indonesian.gettext(m) in id_reply
    ]
    return [m for m in pieces if not any(m != other and m in other for other in pieces)]


async def _conversation(probe: Probe, venv_bin: Path, database_url: str, log: Path) -> None:
    from berdaya_sandbox.emulator import BotApiEmulator
    from bot.i18n import translator

    emulator = BotApiEmulator(bot_username="berdaya_wheel_bot")
    await emulator.start()
    users = {
        lang: emulator.user(f"Wheel {lang}", language_code=lang) for lang in ("en", "jv", "id")
    }
    env = _environment(database_url, emulator.base_url, emulator.token)
    try:
        with log.open("wb") as sink:
            bot = await asyncio.create_subprocess_exec(
                str(venv_bin / "berdaya"), "run", env=env, stdout=sink, stderr=sink
            )
            polling = await emulator.wait_for(lambda: emulator.waiting_polls > 0, 60)
            probe.check(polling, "`berdaya run` never polled the emulator for updates")
            started = time.monotonic()
            for user in users.values():
                await user.send("/start")
            for lang, user in users.items():
                try:
                    await user.wait_for_messages(1, timeout=FIRST_REPLY_TIMEOUT)
                except AssertionError as error:
                    probe.check(False, f"{lang} user got no reply to /start: {error}")
            if all(u.messages for u in users.values()):
                print(f"  first replies after     {time.monotonic() - started:.1f} s")
            bot.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            try:
                code = await asyncio.wait_for(bot.wait(), STOP_TIMEOUT)
                took = time.monotonic() - stopped
                probe.check(code == 0, f"`berdaya run` exited {code} after SIGTERM, not 0")
                print(f"  SIGTERM:                exit {code} after {took:.1f} s")
            except TimeoutError:
                probe.check(False, f"`berdaya run` still runs {STOP_TIMEOUT:.0f} s after SIGTERM")
                bot.kill()
                await bot.wait()
    finally:
        await emulator.stop()

    replies = {lang: _as_sent(u.messages[0]) for lang, u in users.items() if u.messages}
    for lang, reply in replies.items():
        print(f"  /start, {lang} user:".ljust(26) + repr(reply[:110]))
    if len(replies) < len(users):
        return
    probe.check(replies["en"] != replies["id"], "the en user got the Indonesian reply")
    probe.check(replies["jv"] != replies["id"], "the jv user got the Indonesian reply")
    msgids = _name_the_message(replies["id"])
    if not probe.check(bool(msgids), "the id reply matches no message of the id catalog"):
        return
    print("  rendered from msgid:    " + " + ".join(repr(m[:70]) for m in msgids))
    for lang in ("en", "jv"):
        rendered = [translator(lang).gettext(m) for m in msgids]
        probe.check(
            all(r != m for r, m in zip(rendered, msgids, strict=True)),
            f"the installed {lang} catalog does not translate {msgids!r}",
        )
        if len(msgids) == 1:
            ok = _pattern(rendered[0]).fullmatch(replies[lang]) is not None
        else:
            ok = all(r in replies[lang] for r in rendered)
        probe.check(ok, f"the {lang} reply is not the installed {lang} catalog's rendering")


def main(argv: list[str]) -> int:
    source_tree = Path(argv[0]).resolve() if argv else None
    probe = Probe([])
    import berdaya_sandbox
    import bot

    installed = Path(bot.__file__).resolve().parent
    venv_bin = Path(sys.executable).parent
    print(f"  bot imported from       {installed}")
    if source_tree is not None:
        for module in (bot, berdaya_sandbox):
            probe.check(
                source_tree not in Path(module.__file__ or "").resolve().parents,
                f"{module.__name__} was imported from the source tree",
            )
        probe.check(
            all(source_tree != Path(p or ".").resolve() for p in sys.path),
            "the source tree is on sys.path",
        )
    present = [name for name in DEV_TOOLS if _installed(name)]
    probe.check(not present, f"development tools installed in production: {present}")
    print(f"  dev tools installed:    {present or 'none'}")

    workdir = Path.cwd()
    database_url = f"sqlite+aiosqlite:///{workdir / 'berdaya.db'}"
    upgrade = subprocess.run(
        [str(venv_bin / "berdaya"), "db", "upgrade"],
        env=_environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    last = (upgrade.stdout.strip().splitlines() or ["(nothing)"])[-1]
    print(f"  berdaya db upgrade:     exit {upgrade.returncode}, {last!r}")
    if probe.check(upgrade.returncode == 0, f"`berdaya db upgrade` failed:\n{upgrade.stderr}"):
        log = workdir / "bot.log"
        asyncio.run(_conversation(probe, venv_bin, database_url, log))
        if probe.problems and log.exists():
            print("  --- berdaya run's log (last 40 lines) ---")
            print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
    for problem in probe.problems:
        print(f"  PROBLEM: {problem}")
    return 1 if probe.problems else 0


def _installed(distribution: str) -> bool:
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
