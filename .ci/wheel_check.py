"""Build the wheel, install it the production way into a fresh venv, and run it from outside
the source tree (CI calls this through .ci/wheel_check.sh, after lint and the tests).

1. Build the wheel from a copy of the tree (what git tracks or would track), with the build
   backend from the dev venv: `pip wheel --no-deps --no-build-isolation`.
2. Check it carries the catalogs (bot.locales) and the migrations (bot.migrations), not tests.
3. New venv in a temp dir: `pip install --require-hashes -r requirements-sandbox.lock`, then the
   wheel with `--no-deps`, then `pip check`.
4. From a temp folder, with no PYTHONPATH, .ci/wheel_probe.py (copied there) runs
   `berdaya db upgrade`, `berdaya run` against the emulator, /start from en, jv and id users, and
   SIGTERM.

Prints a short report and exits 1 on any failure (the temp dir is then kept for a look).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements-sandbox.lock"
PROBE = ROOT / ".ci" / "wheel_probe.py"
LANGUAGES = ("id", "jv", "en")
NOT_IN_TREE_COPY = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.db*")


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"FAIL: {' '.join(map(str, args[:6]))} … exited {result.returncode}")
    return result


def _copy_tree(target: Path) -> None:
    """The files git tracks or would track (others' new files included), so a stale build/
    folder or a local database never gets into the wheel."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
    )
    if listed.returncode != 0:  # not a git checkout: copy all but the usual litter
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*NOT_IN_TREE_COPY))
        return
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _check_contents(wheel: Path) -> list[str]:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [f"bot/locales/{lang}/LC_MESSAGES/messages.po" for lang in LANGUAGES] + [
        "bot/locales/messages.pot",
        "bot/migrations/env.py",
        "bot/migrations/script.py.mako",
        "bot/data/jatim_regions.csv",
        "berdaya_sandbox/emulator/server.py",
    ]
    problems = [f"the wheel lacks {name}" for name in wanted if name not in names]
    revisions = [n for n in names if n.startswith("bot/migrations/versions/0")]
    if len(revisions) != len(list((ROOT / "migrations" / "versions").glob("0*.py"))):
        problems.append(f"the wheel has {len(revisions)} migrations, the tree has more")
    strays = sorted({n.split("/")[0] for n in names} - {"bot", "handlers", "conversations"})
    strays = [s for s in strays if s != "berdaya_sandbox" and not s.endswith(".dist-info")]
    if strays:
        problems.append(f"the wheel has unexpected top-level entries: {strays}")
    return problems


def main() -> int:
    started = time.monotonic()
    sys.path.insert(0, str(ROOT))
    import dev  # the dev venv is where the build backend comes from

    dev.ensure_env()
    temp = Path(tempfile.mkdtemp(prefix="berdaya-wheel-"))
    print(f"== wheel check (in {temp})")

    tree, dist = temp / "src", temp / "dist"
    _copy_tree(tree)
    _run(dev.PY, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, tree)
    [wheel] = dist.glob("berdaya-*.whl")
    print(f"  wheel:                  {wheel.name}, {wheel.stat().st_size / 1024:.0f} KiB")
    problems = _check_contents(wheel)

    fresh = temp / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(fresh)
    pip: list[str | Path] = [fresh / "bin" / "python", "-m", "pip", "--disable-pip-version-check"]
    pip.append("-q")
    _run(*pip, "install", "--require-hashes", "-r", LOCK)
    _run(*pip, "install", "--no-deps", wheel)
    _run(*pip, "check")
    frozen = _run(*pip[:-1], "freeze", "--all").stdout.split()
    print(
        f"  installed:              {LOCK.name} ({len(frozen)} distributions in the venv)"
        f" + {wheel.name} --no-deps; pip check OK"
    )

    workdir = temp / "run"
    workdir.mkdir()
    shutil.copy2(PROBE, workdir / PROBE.name)
    probe = subprocess.run(
        [fresh / "bin" / "python", "-I", workdir / PROBE.name, ROOT],
        cwd=workdir,
        env={"PATH": f"{fresh / 'bin'}:/usr/bin:/bin", "HOME": str(temp), "LANG": "C.UTF-8"},
        timeout=240,
    )
    if probe.returncode != 0:
        problems.append(f"the installed package failed its run (exit {probe.returncode})")

    for problem in problems:
        print(f"  PROBLEM: {problem}")
    verdict = "FAIL" if problems else "PASS"
    print(f"== wheel check: {verdict} in {time.monotonic() - started:.0f} s")
    if problems:
        print(f"   (kept {temp} for a look)")
        return 1
    shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
