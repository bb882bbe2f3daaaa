"""The layers stay apart: flows, services and the chat core never see Telegram, flows never
import handlers, and no two modules import each other."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEUTRAL = ["bot/chat", "bot/services", "bot/domain", "bot/storage", "conversations"]
# Feature modules in handlers/ are channel-neutral too; only these translate for Telegram.
TELEGRAM_ADAPTERS = {"router.py", "errors.py", "command_menus.py"}


def _modules(folder: str) -> Iterator[Path]:
    yield from sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_flows_services_and_the_chat_core_never_import_telegram() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in NEUTRAL
        for path in _modules(folder)
        if any(name == "telegram" or name.startswith("telegram.") for name in _imports(path))
    ]
    assert offenders == []


def test_feature_modules_never_import_telegram() -> None:
    offenders = [
        path.name
        for path in _modules("handlers")
        if path.name not in TELEGRAM_ADAPTERS
        and any(name == "telegram" or name.startswith("telegram.") for name in _imports(path))
    ]
    assert offenders == []


def test_flows_never_import_handlers() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _modules("conversations")
        if any(name == "handlers" or name.startswith("handlers.") for name in _imports(path))
    ]
    assert offenders == []


def test_there_are_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for folder in ("bot", "handlers", "conversations"):
        for path in _modules(folder):
            graph[_module_name(path)] = set()
    for folder in ("bot", "handlers", "conversations"):
        for path in _modules(folder):
            name = _module_name(path)
            for imported in _imports(path):
                # `from package import module` imports the module, not the package's own code
                submodules = [f"{imported}.{a}" for a in _from_names(path, imported)]
                submodules = [m for m in submodules if m in graph]
                candidates = submodules or [imported]
                graph[name] |= {c for c in candidates if c in graph and c != name}
    cycles = sorted(
        tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, set())
    )
    assert sorted(set(cycles)) == []


def _from_names(path: Path, module: str) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0:
            names += [alias.name for alias in node.names]
    return names
