"""docs/DEPLOYMENT.md and deploy/ stay honest: every environment variable they name is a
setting of bot/config.py (or a known outside one), and every `berdaya …` command line in them
parses with the real command line's parser."""

from __future__ import annotations

import argparse
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import AliasChoices

from bot.cli import _parser
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "DEPLOYMENT.md"
DEPLOY = ROOT / "deploy"

# Upper-case names with an underscore: how environment variables look.
NAME = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_])")
# Names of that shape in the texts that are not Berdaya's settings, and what they are.
EXTERNAL = {
    "PGDATA": "PostgreSQL's data directory",
    "POSTGRES_USER": "the postgres container image",
    "POSTGRES_DB": "the postgres container image",
    "POSTGRES_PASSWORD": "the postgres container image, and compose.yaml's interpolation",
    "POSTGRES_INITDB_ARGS": "the postgres container image",
    "PYTHON_IMAGE": "a build argument of the Containerfile",
    "PYTHONUNBUFFERED": "Python",
    "PYTHONDONTWRITEBYTECODE": "Python",
    "PIP_DISABLE_PIP_VERSION_CHECK": "pip",
    "PIP_NO_CACHE_DIR": "pip",
    "PIP_ROOT_USER_ACTION": "pip",
    "SO_REUSEPORT": "a socket option, not a variable",
    "AF_INET": "an address family (systemd's RestrictAddressFamilies)",
    "AF_INET6": "an address family (systemd's RestrictAddressFamilies)",
    "AF_UNIX": "an address family (systemd's RestrictAddressFamilies)",
}
# Berdaya's own prefixes: a name with one of these must be a real setting.
OURS = ("BERDAYA_", "TELEGRAM_", "DATABASE_")
# How a command may be introduced before `berdaya`: sudo (with its options) and assignments.
SUDO_OPTIONS_WITH_VALUE = {"-u", "-g", "--user", "--group"}
SEPARATORS = {"&&", "||", ";", "|"}


def texts() -> dict[str, str]:
    """The deployment doc and every file under deploy/, by their path (not the filled-in
    copies of the .env examples, which git ignores)."""
    deploy = [p for p in DEPLOY.rglob("*") if p.is_file() and not p.name.endswith(".env")]
    files = [DOC, *sorted(deploy)]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}


def setting_names() -> set[str]:
    """The environment variables Settings reads: field names, or their validation aliases."""
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(field_name.upper())
    return names


def test_the_external_names_are_not_ours() -> None:
    assert not [name for name in EXTERNAL if name.startswith(OURS)]


@pytest.mark.parametrize("path", sorted(texts()))
def test_every_environment_variable_named_is_a_setting_or_a_known_outside_one(
    path: str,
) -> None:
    known = setting_names()
    named = set(NAME.findall(texts()[path]))
    unknown = sorted(name for name in named if name not in known and name not in EXTERNAL)
    assert not unknown, f"{path} names variables that are not settings: {unknown}"


# --- `berdaya …` command lines ---------------------------------------------------------------


def _joined(lines: list[str]) -> Iterator[str]:
    """The lines with backslash continuations joined."""
    pending = ""
    for line in lines:
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""


def _code_lines(markdown: str) -> Iterator[str]:
    """The lines of the fenced code blocks."""
    inside = False
    block: list[str] = []
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            if inside:
                yield from _joined(block)
            inside, block = not inside, []
        elif inside:
            block.append(line)


def _file_lines(text: str) -> Iterator[str]:
    """The lines of a file under deploy/, the examples in its comments included."""
    for line in _joined(text.splitlines()):
        yield re.sub(r"^\s*#", "", line)


def _inline_spans(markdown: str) -> Iterator[str]:
    """The `code spans` of the prose (outside fenced blocks)."""
    prose = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    yield from re.findall(r"`([^`\n]+)`", prose)


def _words(line: str) -> list[str]:
    line = re.sub(r"^\s*ExecStart(?:Pre|Post)?=[-+!@:]*", "", line)
    try:
        return shlex.split(line, comments=True)
    except ValueError:  # not shell (SQL, nginx): nothing to find there
        return []


def _segments(words: list[str]) -> Iterator[list[str]]:
    segment: list[str] = []
    for word in words:
        if word in SEPARATORS:
            yield segment
            segment = []
        elif word.endswith(";"):  # `a; b`
            segment.append(word[:-1])
            yield segment
            segment = []
        else:
            segment.append(word)
    yield segment


def _berdaya_arguments(segment: list[str]) -> list[str] | None:
    """The arguments when the segment runs `berdaya` (or deploy/berdaya-cli), else None."""
    words = list(segment)
    if words[:1] == ["sudo"]:
        words.pop(0)
        while words and words[0].startswith("-"):
            option = words.pop(0)
            if option in SUDO_OPTIONS_WITH_VALUE and words:
                words.pop(0)
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words.pop(0)
    if words[:1] == ["exec"]:
        words.pop(0)
    if not words or not _is_berdaya(words[0]):
        return None
    return words[1:] or None


def _is_berdaya(word: str) -> bool:
    """`berdaya`, `/opt/berdaya/bin/berdaya`, or deploy/berdaya-cli (which runs it)."""
    return word in {"berdaya", "berdaya-cli"} or (
        word.startswith("/") and word.endswith("/bin/berdaya")
    )


def command_lines() -> list[tuple[str, list[str]]]:
    """(where, arguments) of every berdaya command line in the doc and in deploy/."""
    found: list[tuple[str, list[str]]] = []
    for path, text in texts().items():
        lines = _code_lines(text) if path.endswith(".md") else _file_lines(text)
        for line in lines:
            for segment in _segments(_words(line)):
                arguments = _berdaya_arguments(segment)
                if arguments is not None:
                    found.append((path, arguments))
    found += _container_commands()
    return found


def named_commands() -> list[list[str]]:
    """The `berdaya …` code spans of the doc's prose: whole command lines, or the name of a
    command (`berdaya clients invite`) whose required options the prose leaves out."""
    spans = [_words(span) for span in _inline_spans(DOC.read_text(encoding="utf-8"))]
    return [words[1:] for words in spans if len(words) > 1 and _is_berdaya(words[0])]


def _container_commands() -> list[tuple[str, list[str]]]:
    """The image's default command, and the commands compose.yaml gives it (JSON arrays)."""
    found: list[tuple[str, list[str]]] = []
    containerfile = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    entrypoint = re.findall(r"^ENTRYPOINT (\[.*\])$", containerfile, flags=re.MULTILINE)
    assert [json.loads(e) for e in entrypoint] == [["berdaya"]]
    for cmd in re.findall(r"^CMD (\[.*\])$", containerfile, flags=re.MULTILINE):
        found.append(("deploy/Containerfile", json.loads(cmd)))
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    for cmd in re.findall(r"^\s*#?\s*command: (\[.*\])$", compose, flags=re.MULTILINE):
        found.append(("deploy/compose.yaml", json.loads(cmd)))
    return found


def test_the_doc_and_the_units_are_searched_for_commands() -> None:
    seen = {" ".join(arguments[:2]) for _, arguments in command_lines()}
    seen |= {" ".join(arguments[:2]) for arguments in named_commands()}
    for wanted in ("run", "run --webhook", "db upgrade", "keys new", "keys rotate"):
        assert wanted in seen, f"no `berdaya {wanted}` found: is the extraction broken?"
    places = {path for path, _ in command_lines()}
    assert {
        "docs/DEPLOYMENT.md",
        "deploy/systemd/berdaya@.service",
        "deploy/systemd/berdaya-migrate.service",
        "deploy/systemd/webhook.conf",
        "deploy/Containerfile",
        "deploy/compose.yaml",
    } <= places


@pytest.mark.parametrize(
    ("path", "arguments"),
    command_lines(),
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_every_berdaya_command_line_parses(path: str, arguments: list[str]) -> None:
    try:
        _parser().parse_args(arguments)
    except SystemExit:
        pytest.fail(f"{path}: `berdaya {' '.join(arguments)}` does not parse")


def _is_a_command(words: list[str]) -> bool:
    """Whether the words, none of them an option, lead through the parser's subcommands to
    one that has none left (`clients invite`, not `clients` or `clients create`)."""
    parser: argparse.ArgumentParser = _parser()
    for word in words:
        if word.startswith("-"):
            return False
        choices = [
            action.choices
            for action in parser._actions
            if isinstance(action, argparse._SubParsersAction)
        ]
        if not choices or word not in choices[0]:
            return False
        parser = choices[0][word]
    return not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


@pytest.mark.parametrize("arguments", named_commands(), ids=" ".join)
def test_every_berdaya_command_in_the_prose_exists(arguments: list[str]) -> None:
    try:
        _parser().parse_args(arguments)
    except SystemExit:
        assert _is_a_command(arguments), f"`berdaya {' '.join(arguments)}` is not a command"


def test_a_wrong_command_would_be_caught() -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["db", "migrate"])
    assert not _is_a_command(["clients", "create"])
    assert not _is_a_command(["clients"])
    assert _is_a_command(["clients", "invite"])
