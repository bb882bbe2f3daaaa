"""The core button actions: a flow step's answer, a command from a menu, language, resume."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.callbacks import CallbackData


@dataclass(frozen=True)
class StepAnswer(CallbackData, prefix="s"):
    """A button of a flow's question; valid only while that flow is at that step."""

    flow: str
    step: str
    value: str


@dataclass(frozen=True)
class RunCommand(CallbackData, prefix="c"):
    """A menu button that does what its /command does (the role is checked the same way)."""

    command: str


@dataclass(frozen=True)
class ShowMenu(CallbackData, prefix="m"):
    """Back to the person's menu (the staff menu for staff)."""


@dataclass(frozen=True)
class ChooseLanguage(CallbackData, prefix="l"):
    """A language button outside onboarding."""

    language: str


@dataclass(frozen=True)
class ResumeDraft(CallbackData, prefix="r"):
    """Continue a flow closed for idleness, or start it again from the beginning."""

    fresh: bool
