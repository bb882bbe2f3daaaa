"""Which update a log line belongs to: its id, flow and step, never who or what was said.

The router binds these for the duration of one update (context variables follow the task), and
`configure_logging` prints them on every line, e.g. ``[u=4711 rep/income]``.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

_update_id: ContextVar[int | None] = ContextVar("update_id", default=None)
_flow: ContextVar[str | None] = ContextVar("flow", default=None)
_step: ContextVar[str | None] = ContextVar("step", default=None)


def bind_update(update_id: int | None) -> None:
    """Start a new update's context (no flow known yet)."""
    _update_id.set(update_id)
    _flow.set(None)
    _step.set(None)


def bind_step(flow: str | None, step: str | None) -> None:
    """The flow and step the update is handled in."""
    _flow.set(flow)
    _step.set(step)


def current() -> tuple[int | None, str | None, str | None]:
    """(update id, flow, step) of the update being handled."""
    return _update_id.get(), _flow.get(), _step.get()


def describe() -> str:
    """The context as it appears in log lines: "u=4711 rep/income", or "-" outside updates."""
    update_id, flow, step = current()
    if update_id is None:
        return "-"
    where = f" {flow}/{step}" if flow else ""
    return f"u={update_id}{where}"


class UpdateContextFilter(logging.Filter):
    """Adds `record.turn` (see `describe`) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate and keep the record."""
        record.turn = describe()
        return True
