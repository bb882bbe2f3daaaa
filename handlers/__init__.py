"""Handlers: features that translate what people do into service calls, and the Telegram router.

`all_features` is the list of features, in the order their hooks run. Adding a feature is one
line here.
"""

from __future__ import annotations

from handlers.features import Feature


def all_features() -> tuple[Feature, ...]:
    """Every feature of the bot."""
    from handlers import (
        alerts,
        audit,
        caseload,
        checkins,
        core,
        data_rights,
        marketing,
        media,
        onboarding,
        programs,
        report,
        requests_status,
        staff_admin,
        staff_checkins,
        statistics,
    )

    return (
        onboarding.FEATURE,
        report.FEATURE,
        marketing.FEATURE,
        programs.FEATURE,
        core.FEATURE,
        checkins.FEATURE,
        alerts.FEATURE,
        caseload.FEATURE,
        staff_admin.FEATURE,
        audit.FEATURE,
        statistics.FEATURE,
        staff_checkins.FEATURE,
        data_rights.FEATURE,
        media.FEATURE,
        requests_status.FEATURE,
    )
