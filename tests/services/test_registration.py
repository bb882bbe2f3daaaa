"""Registration and invitations against a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.nik import NikError
from bot.services import accounts, registration
from bot.services.registration import RedeemResult, RegistrationForm, RegistrationResult
from bot.storage import users
from bot.storage.db import Database

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)
TODAY = date(2026, 8, 12)
FORM = RegistrationForm(
    full_name="Siti Rahayu",
    nik="3522015408900001",
    region_code="3522",
    training="Menjahit, UPT Bina Daksa Pasuruan",
    business_type="Jahit seragam",
    phone=None,
)


async def test_consent_is_recorded_with_the_notice_version_and_time(db: Database) -> None:
    async with db.transaction() as session:
        profile = await accounts.record_consent(session, telegram_id=501, language="jv", now=NOW)
    async with db.transaction() as session:
        consent = await users.latest_consent(session, user_id=profile.user_id)
    assert consent is not None and consent.granted
    assert consent.notice_version == accounts.NOTICE_VERSION
    assert consent.recorded_at == NOW
    assert profile.language == "jv" and not profile.registered


async def test_a_self_registered_client_waits_for_verification(db: Database) -> None:
    async with db.transaction() as session:
        await accounts.record_consent(session, telegram_id=502, language="id", now=NOW)
        result = await registration.register_self(session, telegram_id=502, form=FORM, now=NOW)
    assert result is RegistrationResult.REGISTERED
    async with db.transaction() as session:
        profile = await accounts.find_profile(session, telegram_id=502)
    assert profile is not None and profile.registered
    assert profile.client_status == "pending"
    assert profile.full_name == "Siti Rahayu"


async def test_a_nik_already_on_record_cannot_be_claimed_by_self_registration(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await registration.invite_client(
            session, full_name="Siti", nik=FORM.nik, region_code="3522", now=NOW, today=TODAY
        )
        await accounts.record_consent(session, telegram_id=503, language="id", now=NOW)
        result = await registration.register_self(session, telegram_id=503, form=FORM, now=NOW)
    assert result is RegistrationResult.NIK_TAKEN


async def test_an_invitation_links_once_and_then_is_used(db: Database) -> None:
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session, full_name="Dewi", nik=FORM.nik, region_code="3522", now=NOW, today=TODAY
        )
        await accounts.record_consent(session, telegram_id=601, language="id", now=NOW)
        await accounts.record_consent(session, telegram_id=602, language="id", now=NOW)
    async with db.transaction() as session:
        first = await registration.redeem_invitation(
            session, telegram_id=601, code=invitation.code.lower(), now=NOW
        )
    async with db.transaction() as session:
        second = await registration.redeem_invitation(
            session, telegram_id=602, code=invitation.code, now=NOW
        )
    assert first.result is RedeemResult.LINKED and first.full_name == "Dewi"
    assert second.result is RedeemResult.USED


async def test_an_expired_or_unknown_code_links_nothing(db: Database) -> None:
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session, full_name="Dewi", nik=FORM.nik, region_code="3522", now=NOW, today=TODAY
        )
        await accounts.record_consent(session, telegram_id=701, language="id", now=NOW)
    later = NOW + registration.INVITATION_VALIDITY + timedelta(seconds=1)
    async with db.transaction() as session:
        expired = await registration.redeem_invitation(
            session, telegram_id=701, code=invitation.code, now=later
        )
        unknown = await registration.redeem_invitation(
            session, telegram_id=701, code="NOSUCHCODE", now=NOW
        )
        profile = await accounts.find_profile(session, telegram_id=701)
    assert expired.result is RedeemResult.EXPIRED
    assert unknown.result is RedeemResult.UNKNOWN
    assert profile is not None and not profile.registered


async def test_staff_cannot_invite_with_a_malformed_nik_or_unknown_region(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(NikError):
            await registration.invite_client(
                session, full_name="X", nik="1234", region_code="3522", now=NOW, today=TODAY
            )
        with pytest.raises(ValueError, match="region"):
            await registration.invite_client(
                session, full_name="X", nik=FORM.nik, region_code="3599", now=NOW, today=TODAY
            )
