"""Repository: staff schedules, weekly follow-up requests, and what a caseworker's digest reads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.clients import in_areas
from bot.storage.models import (
    Alert,
    BusinessReport,
    BusinessStatus,
    CheckIn,
    CheckInStatus,
    Client,
    ClientStatus,
    FollowUpRequest,
    JobSchedule,
    Staff,
    User,
)

SLOW_STATUSES = (BusinessStatus.PAUSED.value, BusinessStatus.CLOSED.value)


def still_processed() -> ColumnElement[bool]:
    """SQL condition on Client: not erased, and no withdrawn consent (/privasi, /hapus)."""
    withdrawn = exists().where(User.id == Client.user_id, User.consent_active.is_(False))
    return and_(Client.status != ClientStatus.ERASED.value, ~withdrawn)


def client_ids_in(region_codes: Collection[str], upt_ids: Collection[int]) -> Select[Any]:
    """A SELECT of the ids of the clients in the area who are still processed (for `.in_()`)."""
    return select(Client.id).where(in_areas(region_codes, upt_ids), still_processed())


# -- schedules -------------------------------------------------------------------------------


async def insert_missing_schedules(
    session: AsyncSession, *, rows: Sequence[dict[str, Any]]
) -> None:
    """Insert schedule rows whose name is not there yet (two processes may race: no error)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for row in rows:
        await session.execute(insert(JobSchedule).values(**row).on_conflict_do_nothing())


async def all_schedules(session: AsyncSession) -> list[JobSchedule]:
    """Every schedule row."""
    result = await session.execute(select(JobSchedule).order_by(JobSchedule.name))
    return list(result.scalars())


async def lock_schedule(
    session: AsyncSession, *, name: str, skip_locked: bool = True
) -> JobSchedule | None:
    """The schedule row, locked; None when another process holds it (it is running it)."""
    query = select(JobSchedule).where(JobSchedule.name == name)
    result = await session.execute(query.with_for_update(skip_locked=skip_locked))
    return result.scalar_one_or_none()


# -- follow-up requests ----------------------------------------------------------------------


async def requests_of_week(
    session: AsyncSession, *, staff_id: int, week_start: str
) -> dict[int, FollowUpRequest]:
    """A caseworker's requests for one week, by client id."""
    result = await session.execute(
        select(FollowUpRequest).where(
            FollowUpRequest.staff_id == staff_id, FollowUpRequest.week_start == week_start
        )
    )
    return {r.client_id: r for r in result.scalars()}


async def add_request(session: AsyncSession, *, request: FollowUpRequest) -> FollowUpRequest:
    """Insert a follow-up request."""
    session.add(request)
    await session.flush()
    return request


async def request_with_client(
    session: AsyncSession, *, request_id: int
) -> tuple[FollowUpRequest, Client] | None:
    """A request and its client, the request locked while it is being answered."""
    result = await session.execute(
        select(FollowUpRequest, Client)
        .join(Client, Client.id == FollowUpRequest.client_id)
        .where(FollowUpRequest.id == request_id)
        .with_for_update(of=FollowUpRequest)
    )
    row = result.first()
    return (row[0], row[1]) if row else None


async def unanswered(
    session: AsyncSession,
    *,
    staff_id: int,
    region_codes: Collection[str],
    upt_ids: Collection[int],
    before: datetime,
) -> list[Row[tuple[int, int, str, str]]]:
    """(request id, client id, client name, reason) of her unanswered requests, oldest first."""
    result = await session.execute(
        select(FollowUpRequest.id, Client.id, Client.full_name, FollowUpRequest.reason)
        .join(Client, Client.id == FollowUpRequest.client_id)
        .where(
            FollowUpRequest.staff_id == staff_id,
            FollowUpRequest.answered_at.is_(None),
            FollowUpRequest.created_at < before,
            in_areas(region_codes, upt_ids),  # areas change: never show a client she lost
        )
        .order_by(FollowUpRequest.created_at, FollowUpRequest.id)
    )
    return list(result.all())


async def week_coverage_rows(
    session: AsyncSession, *, week_start: str
) -> list[Row[tuple[int, str, int, str, datetime, datetime | None]]]:
    """(client id, region, staff id, staff name, created, answered) for one week's requests."""
    result = await session.execute(
        select(
            FollowUpRequest.client_id,
            Client.region_code,
            FollowUpRequest.staff_id,
            Staff.full_name,
            FollowUpRequest.created_at,
            FollowUpRequest.answered_at,
        )
        .join(Client, Client.id == FollowUpRequest.client_id)
        .join(Staff, Staff.id == FollowUpRequest.staff_id)
        .where(FollowUpRequest.week_start == week_start)
    )
    return list(result.all())


# -- who needs a follow-up -------------------------------------------------------------------


def _latest_reports(area: ColumnElement[bool]) -> Any:
    """Each client's newest report in the area (a subquery with rn = 1 on the newest)."""
    newest_first = (BusinessReport.created_at.desc(), BusinessReport.id.desc())
    return (
        select(
            BusinessReport.client_id,
            BusinessReport.business_status,
            BusinessReport.created_at,
            func.row_number()
            .over(partition_by=BusinessReport.client_id, order_by=newest_first)
            .label("rn"),
        )
        .join(Client, Client.id == BusinessReport.client_id)
        .where(area)
        .subquery()
    )


async def needing_followup(
    session: AsyncSession,
    *,
    region_codes: Collection[str],
    upt_ids: Collection[int],
    silent_before: datetime,
    missed_since: datetime,
) -> list[Row[tuple[int, str, str | None, bool, bool]]]:
    """(client id, name, latest status, missed recently, silent) of clients who may need one."""
    area = in_areas(region_codes, upt_ids)
    latest = _latest_reports(area)
    missed = exists().where(
        CheckIn.client_id == Client.id,
        CheckIn.status == CheckInStatus.MISSED.value,
        func.coalesce(CheckIn.resolved_at, CheckIn.last_sent_at) >= missed_since,
    )
    last_heard = func.coalesce(latest.c.created_at, Client.verified_at, Client.created_at)
    silent = and_(Client.user_id.is_not(None), last_heard < silent_before)
    result = await session.execute(
        select(
            Client.id,
            Client.full_name,
            latest.c.business_status,
            missed.label("missed"),
            silent.label("silent"),
        )
        .outerjoin(latest, and_(latest.c.client_id == Client.id, latest.c.rn == 1))
        .outerjoin(User, User.id == Client.user_id)
        .where(
            area,
            Client.status != ClientStatus.REJECTED.value,
            # Someone who withdrew consent is not chased; an unlinked record has no user yet.
            or_(Client.user_id.is_(None), User.consent_active.is_(True)),
            or_(
                latest.c.business_status.in_((*SLOW_STATUSES, BusinessStatus.DECLINING.value)),
                missed,
                silent,
            ),
        )
    )
    # By name, sorted here: names are encrypted at rest, the database cannot order them.
    return sorted(result.all(), key=lambda row: (row[1].casefold(), row[1], row[0]))


# -- what a daily digest reads ---------------------------------------------------------------


async def reports_between(
    session: AsyncSession,
    *,
    region_codes: Collection[str],
    upt_ids: Collection[int],
    since: datetime,
    until: datetime,
) -> list[Row[tuple[str, str]]]:
    """(business status, client name) of reports filed in the area in [since, until)."""
    result = await session.execute(
        select(BusinessReport.business_status, Client.full_name)
        .join(Client, Client.id == BusinessReport.client_id)
        .where(
            in_areas(region_codes, upt_ids),
            still_processed(),
            BusinessReport.created_at >= since,
            BusinessReport.created_at < until,
        )
        .order_by(BusinessReport.created_at, BusinessReport.id)
    )
    return list(result.all())


async def open_alerts(
    session: AsyncSession, *, staff_id: int, region_codes: Collection[str], upt_ids: Collection[int]
) -> list[Row[tuple[str, int | None, str]]]:
    """(kind, claimed by, client name) of open alerts in the area: unclaimed or claimed by her."""
    result = await session.execute(
        select(Alert.kind, Alert.claimed_by_staff_id, Client.full_name)
        .join(Client, Client.id == Alert.client_id)
        .where(
            in_areas(region_codes, upt_ids),
            still_processed(),
            Alert.closed_at.is_(None),
            or_(Alert.claimed_by_staff_id.is_(None), Alert.claimed_by_staff_id == staff_id),
        )
        .order_by(Alert.created_at, Alert.id)
    )
    return list(result.all())


async def overdue_checkins(
    session: AsyncSession,
    *,
    region_codes: Collection[str],
    upt_ids: Collection[int],
    now: datetime,
    unanswered_after: timedelta,
    missed_since: datetime,
) -> list[Row[tuple[str, str]]]:
    """(status, client name) of each client's latest check-in when missed or long unanswered."""
    later = aliased(CheckIn)
    newer_exists = exists().where(later.client_id == CheckIn.client_id, later.id > CheckIn.id)
    result = await session.execute(
        select(CheckIn.status, Client.full_name)
        .join(Client, Client.id == CheckIn.client_id)
        .where(
            in_areas(region_codes, upt_ids),
            still_processed(),
            or_(
                and_(
                    CheckIn.status == CheckInStatus.MISSED.value,
                    func.coalesce(CheckIn.resolved_at, CheckIn.last_sent_at) >= missed_since,
                ),
                # A reminder goes out only after days of silence; "Nanti saja" re-asks reset it.
                CheckIn.status == CheckInStatus.REMINDED.value,
                and_(
                    CheckIn.status == CheckInStatus.SENT.value,
                    CheckIn.last_sent_at <= now - unanswered_after,
                ),
            ),
            ~newer_exists,
        )
        .order_by(CheckIn.due_at, CheckIn.id)
    )
    return list(result.all())
