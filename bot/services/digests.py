"""The daily digest for caseworkers and the weekly follow-up summary for administrators."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reference import region_by_code
from bot.i18n import N_, Translator, translator
from bot.services import client_requests, followups, outbox, staff
from bot.services.overview import DigestCounts
from bot.storage import followups as repo
from bot.storage.models import AlertKind, BusinessStatus, CheckInStatus

OVERDUE_AFTER = timedelta(days=3)  # a check-in unanswered this long is overdue
MISSED_WITHIN = timedelta(days=30)  # older missed check-ins are the weekly list's business
MAX_NAMES = 10  # per section: a digest is read on a phone in the field
MAX_TEXT = 3900  # below Telegram's 4096, with room for the closing line
NOTABLE = {
    BusinessStatus.PAUSED.value: N_("berhenti sementara"),
    BusinessStatus.CLOSED.value: N_("sudah tutup"),
    BusinessStatus.DECLINING.value: N_("menurun"),
}
ALERT_LABELS = {
    AlertKind.BUSINESS_STOPPED.value: N_("usaha berhenti"),
    AlertKind.INCOME_DROP.value: N_("penghasilan turun"),
    AlertKind.HEALTH.value: N_("masalah kesehatan"),
    AlertKind.CHECKIN_MISSED.value: N_("pertanyaan rutin tidak dijawab"),
    AlertKind.AWAITING_VERIFICATION.value: N_("menunggu verifikasi"),
    AlertKind.MARKETING_REQUEST.value: N_("minta bantuan pemasaran"),
    AlertKind.PROGRAM_APPLICATION.value: N_("mengajukan program"),
}
OVERDUE_LABELS = {
    CheckInStatus.MISSED.value: N_("terlewat"),
    CheckInStatus.SENT.value: N_("belum dijawab"),
    CheckInStatus.REMINDED.value: N_("belum dijawab setelah pengingat"),
}
Named = tuple[str, str]  # (client name, what about her, untranslated)


@dataclass(frozen=True)
class Digest:
    """What one caseworker should know this morning about her own area."""

    report_count: int = 0
    notable: list[Named] = field(default_factory=list)
    unclaimed: list[Named] = field(default_factory=list)
    mine: list[Named] = field(default_factory=list)  # open cases she claimed
    overdue: list[Named] = field(default_factory=list)
    pending: list[followups.Pending] = field(default_factory=list)
    # Per kind of request (its label, a msgid): new ones, and open ones unanswered for 3 days.
    requests: list[tuple[str, DigestCounts]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to say: no digest is sent."""
        return not (
            self.report_count
            or self.unclaimed
            or self.mine
            or self.overdue
            or self.pending
            or self.requests
        )


async def build_digest(
    session: AsyncSession,
    *,
    profile: staff.StaffProfile,
    since: datetime,
    until: datetime,
    now: datetime,
) -> Digest:
    """Her area only: new reports in [since, until), open alerts, overdue check-ins, follow-ups."""
    regions, upts = profile.region_codes, profile.upt_ids
    reports = await repo.reports_between(
        session, region_codes=regions, upt_ids=upts, since=since, until=until
    )
    alerts = await repo.open_alerts(
        session, staff_id=profile.id, region_codes=regions, upt_ids=upts
    )
    overdue = await repo.overdue_checkins(
        session,
        region_codes=regions,
        upt_ids=upts,
        now=now,
        unanswered_after=OVERDUE_AFTER,
        missed_since=now - MISSED_WITHIN,
    )
    counts = await client_requests.digest_counts(
        session, client_ids=repo.client_ids_in(regions, upts), since=since, now=until
    )
    return Digest(
        report_count=len(reports),
        notable=[(name, status) for status, name in reports if status in NOTABLE],
        unclaimed=[(name, kind) for kind, claimer, name in alerts if claimer is None],
        mine=[(name, kind) for kind, claimer, name in alerts if claimer is not None],
        overdue=[(name, status) for status, name in overdue],
        pending=await followups.unanswered(session, profile=profile, before=until),
        requests=[(p.digest_label, c) for p, c in counts if c.new or c.unanswered],
    )


def _names(t: Translator, items: list[Named], labels: dict[str, str]) -> list[str]:
    """Bullet lines 'name — what', at most MAX_NAMES, then how many more."""
    lines = [
        f"• {escape(name)} — {t.gettext(labels[what]) if what in labels else escape(what)}"
        for name, what in items[:MAX_NAMES]
    ]
    if len(items) > MAX_NAMES:
        more = len(items) - MAX_NAMES
        lines.append(t.gettext("• … dan {count} lainnya").format(count=more))
    return lines


def render_digest(t: Translator, digest: Digest, day: date) -> str:
    """The digest as one message, each section only when it has something."""
    _ = t.gettext
    lines = [_("☀️ <b>Ringkasan harian, {date}</b>").format(date=t.date(day))]
    if digest.report_count:
        lines += ["", _("📝 <b>Laporan baru: {count}</b>").format(count=digest.report_count)]
        lines += _names(t, digest.notable, NOTABLE)
    if digest.requests:
        lines += ["", _("📬 <b>Permintaan dan pendaftaran program</b>")]
        lines += [
            _("• {label}: {new} baru, {unanswered} belum dijawab lebih dari 3 hari").format(
                label=_(label), new=counts.new, unanswered=counts.unanswered
            )
            for label, counts in digest.requests
        ]
    if digest.unclaimed or digest.mine:
        heading = _(
            "🚨 <b>Peringatan terbuka: {unclaimed} belum ditangani, {mine} Anda tangani</b>"
        )
        lines += ["", heading.format(unclaimed=len(digest.unclaimed), mine=len(digest.mine))]
        lines += _names(t, digest.unclaimed + digest.mine, ALERT_LABELS)
    if digest.overdue:
        lines += [
            "",
            _("⏰ <b>Pertanyaan rutin terlambat: {count}</b>").format(count=len(digest.overdue)),
        ]
        lines += _names(t, digest.overdue, OVERDUE_LABELS)
    if digest.pending:
        heading = _("📋 <b>Tindak lanjut yang belum dicatat: {count}</b>")
        lines += ["", heading.format(count=len(digest.pending))]
        pending = [(p.client_name, p.reason) for p in digest.pending]
        lines += _names(
            t, pending, {r.value: label for r, label in followups.REASON_LABELS.items()}
        )
    return "\n".join(lines)


async def queue_daily_digests(
    session: AsyncSession, *, since: datetime, until: datetime, now: datetime, timezone: ZoneInfo
) -> int:
    """One digest per caseworker with something to say; returns how many were queued."""
    day = until.astimezone(timezone).date()
    queued = 0
    for caseworker in await followups.caseworkers(session):
        digest = await build_digest(session, profile=caseworker, since=since, until=until, now=now)
        if digest.empty or caseworker.telegram_id is None:
            continue
        t = translator(caseworker.language, timezone)
        if await outbox.enqueue(
            session,
            chat_id=caseworker.telegram_id,
            text=render_digest(t, digest, day),
            purpose="digest",
            now=now,
            buttons=followups.list_button(t) if digest.pending else (),
            dedupe_key=f"digest:{caseworker.id}:{day.isoformat()}",
        ):
            queued += 1
    return queued


@dataclass(frozen=True)
class CoverageLine:
    """Follow-up coverage of one region, one caseworker, or everyone."""

    label: str
    needed: int
    got: int
    median: timedelta | None  # from the request to its answer


@dataclass(frozen=True)
class Coverage:
    """One week's follow-up coverage, overall, per kabupaten/kota and per caseworker."""

    week_start: date
    total: CoverageLine
    regions: list[CoverageLine]
    caseworkers: list[CoverageLine]


def _line(label: str, items: dict[int, list[tuple[datetime, datetime | None]]]) -> CoverageLine:
    """Per key (a client, or a request): needed once; got when answered; time to first answer."""
    waits: list[float] = []  # seconds: statistics.median wants numbers
    for pairs in items.values():
        answered = [a for _, a in pairs if a is not None]
        if answered:
            waits.append((min(answered) - min(c for c, _ in pairs)).total_seconds())
    median = timedelta(seconds=statistics.median(waits)) if waits else None
    return CoverageLine(label, len(items), len(waits), median)


async def week_coverage(session: AsyncSession, *, week_start: date) -> Coverage:
    """How many clients needed a follow-up that week, how many got one, and how fast."""
    rows = await repo.week_coverage_rows(session, week_start=week_start.isoformat())
    by_client: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    by_region: dict[str, dict[int, list[tuple[datetime, datetime | None]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    by_staff: dict[tuple[str, int], dict[int, list[tuple[datetime, datetime | None]]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for client_id, region, staff_id, staff_name, created, answered in rows:
        pair = (created, answered)
        by_client[client_id].append(pair)
        by_region[region][client_id].append(pair)
        by_staff[(staff_name, staff_id)][client_id].append(pair)
    regions = [_line(_region_label(code), items) for code, items in sorted(by_region.items())]
    caseworkers = [
        _line(name, items) for (name, _), items in sorted(by_staff.items(), key=lambda kv: kv[0])
    ]
    return Coverage(week_start, _line("", by_client), regions, caseworkers)


def _region_label(code: str) -> str:
    region = region_by_code(code)
    return region.label if region else code


def format_duration(t: Translator, span: timedelta) -> str:
    """A waiting time in minutes, hours (under two days) or days with one decimal."""
    minutes = span.total_seconds() / 60
    if minutes < 1:
        return t.gettext("kurang dari 1 menit")
    if minutes < 60:
        n = round(minutes)
        return t.ngettext("{n} menit", "{n} menit", n).format(n=n)
    if minutes < 48 * 60:
        n = round(minutes / 60)
        return t.ngettext("{n} jam", "{n} jam", n).format(n=n)
    days = round(minutes / (24 * 60), 1)
    shown = format_decimal(days, format="#,##0.#", locale=t.language)
    return t.ngettext("{n} hari", "{n} hari", 2).format(n=shown)


def _coverage_line(t: Translator, line: CoverageLine) -> str:
    median = format_duration(t, line.median) if line.median is not None else "–"
    return t.gettext("• {label}: {got} dari {needed}, median {median}").format(
        label=escape(line.label), got=line.got, needed=line.needed, median=median
    )


def render_summary(t: Translator, coverage: Coverage) -> str:
    """The week's coverage: overall, per kabupaten/kota, per caseworker (cut to fit a message)."""
    _ = t.gettext
    total = coverage.total
    end = coverage.week_start + timedelta(days=6)
    lines = [
        _("📊 <b>Tindak lanjut minggu {start} – {end}</b>").format(
            start=t.date(coverage.week_start), end=t.date(end)
        ),
        _("Semua: {got} dari {needed} klien ditindaklanjuti ({percent}%), median {median}.").format(
            got=total.got,
            needed=total.needed,
            percent=round(total.got * 100 / total.needed) if total.needed else 0,
            median=format_duration(t, total.median) if total.median is not None else "–",
        ),
        "",
        _("<b>Per kabupaten/kota</b>"),
        *(_coverage_line(t, line) for line in coverage.regions),
        "",
        _("<b>Per pendamping</b>"),
        *(_coverage_line(t, line) for line in coverage.caseworkers),
    ]
    text = ""
    for index, line in enumerate(lines):
        if len(text) + len(line) + 1 > MAX_TEXT:
            more = len(lines) - index
            return text + _("… dan {count} baris lainnya").format(count=more)
        text += line + "\n"
    return text.rstrip("\n")


async def queue_admin_summaries(
    session: AsyncSession, *, moment: datetime, now: datetime, timezone: ZoneInfo
) -> int:
    """Last week's follow-up coverage to every administrator; nothing when nobody needed one."""
    week = followups.week_start_of(moment, timezone) - timedelta(days=7)
    coverage = await week_coverage(session, week_start=week)
    if coverage.total.needed == 0:
        return 0
    queued = 0
    for admin in await staff.administrators(session):
        if admin.telegram_id is None:
            continue
        t = translator(admin.language, timezone)
        if await outbox.enqueue(
            session,
            chat_id=admin.telegram_id,
            text=render_summary(t, coverage),
            purpose="summary",
            now=now,
            dedupe_key=f"summary:{admin.id}:{week.isoformat()}",
        ):
            queued += 1
    return queued
