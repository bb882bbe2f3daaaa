"""The onboarding flow's states and draft, shared by its two modules."""

from __future__ import annotations

from enum import StrEnum

from conversations.engine import Draft


class S(StrEnum):
    """Onboarding, in order: language, consent, how to link, then the registration form."""

    LANGUAGE = "lang"
    CONSENT = "consent"
    LINK = "link"
    CODE = "code"
    NAME = "name"
    NIK = "nik"
    REGION = "region"
    TRAINING = "training"
    BUSINESS = "business"
    PHONE = "phone"
    CONFIRM = "confirm"


class OnboardingDraft(Draft):
    """What onboarding has gathered so far (nothing is stored elsewhere before consent)."""

    code: str | None = None  # a deep-link invitation code, redeemed after consent
    name: str | None = None
    nik: str | None = None
    region: str | None = None
    training: str | None = None
    business: str | None = None
    phone: str | None = None
