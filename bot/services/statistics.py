"""The figures of /ringkasan for one staff member's scope: her area, or the province for an
administrator.

Definitions (also in docs/DESIGN.md, "Statistics"):
- *clients* are the verified ones in the scope; those awaiting verification are counted apart;
- *business status* is the one in each client's latest report (some never reported);
- the *reporting rate* is the share of clients with a report in the last 30 days;
- the *median income* of a kabupaten/kota is the median of each client's latest report in the
  last 30 days, and its *trend* compares it with the same figure for the 30 days before;
- the *check-in response rate* is answered / (answered + missed) among the check-ins sent in
  the last 90 days (those still waiting for an answer are left out);
- a client *not heard from in 90 days* has sent no report and answered no check-in for 90 days,
  and was verified more than 90 days ago.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.vocabulary import ApplicationStatus, BusinessStatus, ClientStatus, RequestStatus
from bot.services.staff import StaffProfile
from bot.storage import clients as clients_repo
from bot.storage import statistics as repo
from bot.storage.models import CheckInStatus

RECENT = timedelta(days=30)  # a report this recent counts for the reporting rate and incomes
SILENCE = timedelta(days=90)
OPEN_REQUESTS = frozenset(
    {RequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS, RequestStatus.REFERRED}
)
OPEN_APPLICATIONS = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW})


@dataclass(frozen=True)
class RegionFigures:
    """One kabupaten/kota of the scope."""

    region_code: str
    clients: int
    median_income: int | None  # of the latest reports of the last 30 days
    previous_median: int | None  # the same, for the 30 days before
    silent: int  # clients not heard from in 90 days


@dataclass(frozen=True)
class Summary:
    """Everything /ringkasan shows, for one scope."""

    province: bool  # the whole province (an administrator), else her area
    clients: int
    pending: int
    by_status: dict[BusinessStatus, int]
    never_reported: int
    reported_recently: int
    checkins_answered: int
    checkins_missed: int
    requests: dict[RequestStatus, int]
    applications: dict[ApplicationStatus, int]
    regions: tuple[RegionFigures, ...]

    @property
    def reporting_rate(self) -> float | None:
        """The share of clients with a report in the last 30 days."""
        return self.reported_recently / self.clients if self.clients else None

    @property
    def response_rate(self) -> float | None:
        """Answered / (answered + missed) among the check-ins of the last 90 days."""
        decided = self.checkins_answered + self.checkins_missed
        return self.checkins_answered / decided if decided else None

    @property
    def open_requests(self) -> int:
        """Marketing requests not yet done or declined."""
        return sum(n for s, n in self.requests.items() if s in OPEN_REQUESTS)

    @property
    def open_applications(self) -> int:
        """Applications submitted or under review."""
        return sum(n for s, n in self.applications.items() if s in OPEN_APPLICATIONS)

    @property
    def silent(self) -> int:
        """Clients not heard from in 90 days."""
        return sum(r.silent for r in self.regions)


def _median(values: list[int]) -> int | None:
    return round(median(values)) if values else None


async def summary(session: AsyncSession, *, viewer: StaffProfile, now: datetime) -> Summary:
    """The figures for the viewer's scope, as of `now`."""
    area = None if viewer.is_admin else clients_repo.in_areas(viewer.region_codes, viewer.upt_ids)
    people = await repo.clients(session, area=area)
    verified = {
        i: (region, since)
        for i, region, status, since in people
        if status == ClientStatus.VERIFIED.value
    }
    pending = sum(1 for _, _, status, _ in people if status == ClientStatus.PENDING.value)
    latest = await repo.latest_reports(session, area=area)
    answers = await repo.last_answers(session, area=area, answered=CheckInStatus.ANSWERED.value)

    by_status = dict.fromkeys(BusinessStatus, 0)
    never = recently = 0
    for client_id in verified:
        report = latest.get(client_id)
        if report is None:
            never += 1
            continue
        by_status[BusinessStatus(report[0])] += 1
        recently += report[1] >= now - RECENT

    current: dict[int, tuple[datetime, int]] = {}  # each client's latest in each window
    previous: dict[int, tuple[datetime, int]] = {}
    for client_id, _region, income, at in await repo.incomes_since(
        session, area=area, since=now - 2 * RECENT
    ):
        if client_id not in verified or at > now:
            continue
        window = current if at >= now - RECENT else previous
        if client_id not in window or window[client_id][0] < at:
            window[client_id] = (at, income)

    per_region: dict[str, list[int]] = defaultdict(list)
    for client_id, (region, _since) in verified.items():
        per_region[region].append(client_id)
    regions = []
    for region, members in sorted(per_region.items()):
        silent = 0
        for client_id in members:
            heard = [verified[client_id][1]]
            if client_id in latest:
                heard.append(latest[client_id][1])
            if client_id in answers:
                heard.append(answers[client_id])
            silent += max(heard) < now - SILENCE
        regions.append(
            RegionFigures(
                region_code=region,
                clients=len(members),
                median_income=_median([current[c][1] for c in members if c in current]),
                previous_median=_median([previous[c][1] for c in members if c in previous]),
                silent=silent,
            )
        )

    checkins = await repo.checkins_since(session, area=area, since=now - SILENCE)
    requests = await repo.requests_by_status(session, area=area)
    applications = await repo.applications_by_status(session, area=area)
    return Summary(
        province=viewer.is_admin,
        clients=len(verified),
        pending=pending,
        by_status=by_status,
        never_reported=never,
        reported_recently=recently,
        checkins_answered=checkins.get(CheckInStatus.ANSWERED.value, 0),
        checkins_missed=checkins.get(CheckInStatus.MISSED.value, 0),
        requests={s: requests.get(s.value, 0) for s in RequestStatus},
        applications={s: applications.get(s.value, 0) for s in ApplicationStatus},
        regions=tuple(regions),
    )
