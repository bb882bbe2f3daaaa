"""Print the coverage total of the last `BERDAYA_COVERAGE=1 python3 dev.py test`, and check
per-file minimums when given.

    .venv/bin/python .ci/coverage_check.py                          # the total, per package
    .venv/bin/python .ci/coverage_check.py bot/i18n.py=90 handlers/router.py=80

Exits 1 when a named file is below its percentage (or was never measured), 2 on bad arguments
or when there is no coverage data. Reads .coverage in the project root and [tool.coverage] in
pyproject.toml. CI (.ci/run) requires every line of handlers/errors.py and
bot/outbox_sender.py to be exercised.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import coverage
from coverage.exceptions import NoDataError

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "conversations")


def _percent(cov: coverage.Coverage, include: list[str] | None = None) -> float | None:
    try:
        return float(cov.report(include=include, file=io.StringIO()))
    except NoDataError:
        return None


def _requirements(argv: list[str]) -> dict[str, float]:
    wanted: dict[str, float] = {}
    for arg in argv:
        path, _, percent = arg.partition("=")
        try:
            minimum = float(percent)
        except ValueError:
            minimum = -1.0
        if not 0 <= minimum <= 100 or not (ROOT / path).is_file():
            print(f"coverage_check: {arg!r} is not FILE=PERCENT with an existing FILE")
            raise SystemExit(2)
        wanted[path] = minimum
    return wanted


def main(argv: list[str]) -> int:
    wanted = _requirements(argv)
    os.chdir(ROOT)  # [tool.coverage] and the data file are found from here
    cov = coverage.Coverage()
    cov.load()
    total = _percent(cov)
    if total is None:
        print("coverage_check: no coverage data; run BERDAYA_COVERAGE=1 python3 dev.py test")
        return 2
    by_package = (f"{p} {_percent(cov, [f'{p}/*']) or 0.0:.1f}%" for p in PACKAGES)
    print(f"coverage total: {total:.1f}% ({', '.join(by_package)})")
    failed = 0
    for path, minimum in wanted.items():
        measured = _percent(cov, [path])
        verdict = "ok" if measured is not None and measured >= minimum else "BELOW"
        failed += verdict != "ok"
        shown = "not measured" if measured is None else f"{measured:.1f}%"
        print(f"  {path}: {shown} (minimum {minimum:g}%) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
