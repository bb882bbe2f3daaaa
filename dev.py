#!/usr/bin/env python3
"""Berdaya's developer entry point: installs what it needs, then runs the task.

Usage (only Python 3.11+ is needed; the first run creates .venv from requirements-dev.lock):

    python3 dev.py sandbox      # the bot and a local Bot API emulator in this terminal
    python3 dev.py test         # all tests (PostgreSQL too when TEST_DATABASE_URL is set;
                                #   with BERDAYA_COVERAGE=1, a coverage report as well)
    python3 dev.py lint         # ruff and mypy
    python3 dev.py i18n         # extract, update and check the gettext catalogs
    python3 dev.py bench        # check-in tick and memory with 100,000 clients
    python3 dev.py berdaya ...  # any berdaya command, e.g. `python3 dev.py berdaya --help`
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Everything for development, tests and lint: the production lock, the sandbox extra and the
# dev dependency group (pip 23 cannot read dependency groups, so the lock is what is installed).
LOCK = ROOT / "requirements-dev.lock"
STAMP = VENV / ".berdaya-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml", ROOT / "setup.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_env() -> None:
    """Create .venv and install the locked dependencies once, or again when the lock changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("Berdaya needs Python 3.11 or newer.")
    wanted = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing locked dependencies (first run only) …", flush=True)
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--require-hashes", "-r", str(LOCK)], check=True)
    # The lock brings the build backend (setuptools), so the editable install needs no download.
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True
    )
    STAMP.write_text(wanted)


def _coverage_options() -> list[str]:
    """pytest-cov's options when BERDAYA_COVERAGE=1 (CI sets it); what to measure and how is
    [tool.coverage] in pyproject.toml. The data stays in .coverage for .ci/coverage_check.py."""
    if os.environ.get("BERDAYA_COVERAGE", "") in {"", "0"}:
        return []
    return ["--cov", "--cov-report=term:skip-covered"]


def run(*args: str) -> int:
    """Run a command inside the virtual environment and return its exit code."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.call(list(args), cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    task, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if task in {"help", "-h", "--help"}:
        print(__doc__)
        return 0
    ensure_env()
    py = str(PY)
    if task == "sandbox":
        return run(py, "-m", "bot", "sandbox", *rest)
    if task == "test":
        return run(py, "-m", "pytest", *_coverage_options(), *rest)
    if task == "lint":
        code = run(py, "-m", "ruff", "check", ".")
        code |= run(py, "-m", "ruff", "format", "--check", ".")
        code |= run(py, "-m", "mypy")
        return code
    if task == "bench":
        return run(py, "-m", "bench.checkin_tick", *rest)
    if task == "i18n":
        return run(py, "-m", "bot.i18n_tools", *rest)
    if task == "berdaya":
        return run(py, "-m", "bot", *rest)
    print(f"Unknown task {task!r}.\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
