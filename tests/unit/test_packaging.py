"""The package finds its catalogs and migrations through importlib.resources, the command line
has no import cycle, and the sandbox without its extra says so in one line.

The wheel itself is checked by .ci/wheel_check.sh (built, installed in a fresh venv, run).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.i18n import LANGUAGES, catalog_file, translator
from bot.i18n_tools import LOCALES_DIR, po_path
from bot.storage.migrate import alembic_config, migrations_dir

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_catalogs_are_the_source_folder_read_through_importlib_resources() -> None:
    # In a checkout (editable install) bot.locales *is* locales/, so what i18n_tools edits is
    # what the bot serves; a wheel carries a copy.
    assert Path(str(files("bot.locales"))).resolve() == LOCALES_DIR.resolve()
    for language in LANGUAGES:
        assert catalog_file(language).is_file(), language
        assert Path(str(catalog_file(language))).resolve() == po_path(language).resolve()
    assert translator("en").gettext("Pilih bahasa:") != "Pilih bahasa:"


def test_migrations_are_found_as_a_package_with_one_head() -> None:
    assert migrations_dir().resolve() == (ROOT / "migrations").resolve()
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    # Alembic skips the package's __init__.py files: every revision file is a revision.
    revisions = {rev.path for rev in script.walk_revisions()}
    assert {str(p) for p in (ROOT / "migrations" / "versions").glob("0*.py")} == revisions


def test_catalogs_and_migrations_load_outside_the_source_tree(tmp_path: Path) -> None:
    result = _python(
        "from bot.i18n import translator; from bot.storage.migrate import migrations_dir;"
        "print(translator('jv').gettext('Pilih bahasa:')); print(migrations_dir())",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    language_line, migrations_line = result.stdout.splitlines()
    assert language_line == translator("jv").gettext("Pilih bahasa:") != "Pilih bahasa:"
    assert Path(migrations_line).name == "migrations"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_entry_points_import_the_command_line() -> None:
    # bot/cli.py imports the command modules (lazily); they share bot/cli_errors.py, never cli.
    entry_points = {ROOT / "bot" / "cli.py", ROOT / "bot" / "__main__.py"}
    importers = [
        path.relative_to(ROOT).as_posix()
        for package in ("bot", "handlers", "conversations", "berdaya_sandbox")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path not in entry_points and "bot.cli" in _imports(path)
    ]
    assert importers == []
    assert "bot.cli_errors" in _imports(ROOT / "bot" / "admin_cli.py")


def test_the_sandbox_without_its_extra_says_so_in_one_line(tmp_path: Path) -> None:
    # aiohttp hidden as if the `sandbox` extra were not installed.
    result = _python(
        "import sys; sys.modules['aiohttp'] = None; from bot.cli import main;"
        f"raise SystemExit(main(['sandbox', '--data-dir', {str(tmp_path / 'data')!r}]))",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "berdaya: the sandbox needs the sandbox extra: pip install 'berdaya[sandbox]'"
    ]
