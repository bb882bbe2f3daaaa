"""The office's Excel workbook: clients, reports, marketing requests and program applications.

Written with openpyxl in write-only (streaming) mode while the rows stream from the database
(`yield_per`), so memory stays flat however many rows there are. Headers are Indonesian, cells
are typed (numbers as numbers, dates and times as Excel dates in WIB), and the header row is
frozen. Columns of personal data (name, NIK, phone) are written only for administrators.
The scope is the viewer's area (every region for an administrator or the command line), and
optionally one kabupaten/kota; the date range applies to reports, requests and applications
(by when they were made), while the clients sheet lists every client of the scope.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import plain
from bot.domain.reference import ppks_by_no, region_by_code
from bot.domain.vocabulary import (
    APPLICATION_STATUS_LABELS,
    BUSINESS_STATUS_LABELS,
    OBSTACLE_LABELS,
    REQUEST_STATUS_LABELS,
    ApplicationStatus,
    BusinessStatus,
    Obstacle,
    RequestStatus,
)
from bot.i18n import translator
from bot.services import audit
from bot.services.audit import AuditAction
from bot.services.staff import StaffProfile
from bot.storage import clients as clients_repo
from bot.storage.models import (
    BusinessReport,
    Client,
    MarketingRequest,
    Program,
    ProgramApplication,
    Upt,
)

BATCH = 1_000  # rows fetched at a time


@dataclass(frozen=True)
class ExportFilter:
    """Which rows: one kabupaten/kota (None: all of the scope) and a date range (inclusive)."""

    region_code: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class ExportCounts:
    """How many rows each sheet got."""

    clients: int
    reports: int
    requests: int
    applications: int


def _label(labels: dict[Any, str], key: Any) -> str:
    return plain(translator("id").gettext(labels[key])) if key in labels else str(key)


def _local(when: datetime | None, zone: ZoneInfo) -> datetime | None:
    """An Excel date and time: in WIB, without a zone (Excel has none)."""
    return when.astimezone(zone).replace(tzinfo=None) if when is not None else None


def _region(code: str) -> str:
    region = region_by_code(code)
    return region.label if region else code


async def _stream(session: AsyncSession, query: Select[Any]) -> AsyncIterator[Any]:
    result = await session.stream(query.execution_options(yield_per=BATCH))
    async for row in result:
        yield row


def _between(column: Any, found: ExportFilter, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    conditions = []
    if found.since is not None:
        conditions.append(column >= datetime.combine(found.since, time(), zone))
    if found.until is not None:
        conditions.append(column < datetime.combine(found.until + timedelta(days=1), time(), zone))
    return conditions


async def write_workbook(
    session: AsyncSession,
    path: Path,
    *,
    viewer: StaffProfile | None,
    which: ExportFilter,
    zone: ZoneInfo,
    now: datetime,
) -> ExportCounts:
    """Write the workbook to `path` (`viewer` None: the command line, everything) and record
    the export in the audit log."""
    from openpyxl import Workbook  # only when an export is asked for
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    personal = viewer is None or viewer.is_admin
    scope: list[ColumnElement[bool]] = []
    if viewer is not None and not viewer.is_admin:
        scope.append(clients_repo.in_areas(viewer.region_codes, viewer.upt_ids))
    if which.region_code is not None:
        scope.append(Client.region_code == which.region_code)
    in_scope = and_(*scope) if scope else None
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, headers: Sequence[str], widths: Sequence[int]) -> Any:
        new = book.create_sheet(title)
        new.freeze_panes = "A2"
        for index, width in enumerate(widths):
            new.column_dimensions[chr(ord("A") + index)].width = width
        cells = []
        for header in headers:
            cell = WriteOnlyCell(new, value=header)
            cell.font = bold
            cells.append(cell)
        new.append(cells)
        return new

    def scoped(query: Select[Any], *more: ColumnElement[bool]) -> Select[Any]:
        conditions = [c for c in (in_scope, *more) if c is not None]
        return query.where(*conditions) if conditions else query

    # Klien
    who = ["Nama", "NIK", "Nomor HP"] if personal else []
    clients_sheet = sheet(
        "Klien",
        [
            "ID klien",
            *who,
            "Kabupaten/Kota",
            "Kategori PPKS",
            "UPT",
            "Status",
            "Pelatihan",
            "Jenis usaha",
            "Selesai pelatihan",
            "Tercatat",
            "Diverifikasi",
        ],
        [10, *([28, 20, 16] if personal else []), 20, 30, 24, 14, 22, 22, 16, 18, 18],
    )
    counts = dict.fromkeys(("clients", "reports", "requests", "applications"), 0)
    query = scoped(select(Client, Upt.name).outerjoin(Upt, Upt.id == Client.upt_id)).order_by(
        Client.id
    )
    async for client, upt in _stream(session, query):
        category = ppks_by_no(client.ppks_category) if client.ppks_category else None
        row: list[Any] = [client.id]
        if personal:
            row += [client.full_name, client.nik, client.phone]
        row += [
            _region(client.region_code),
            category.name if category else None,
            upt,
            client.status,
            client.training,
            client.business_type,
            client.training_ended_on,
            _local(client.created_at, zone),
            _local(client.verified_at, zone),
        ]
        clients_sheet.append(row)
        counts["clients"] += 1

    # Laporan usaha
    reports_sheet = sheet(
        "Laporan",
        [
            "ID klien",
            *(["Nama"] if personal else []),
            "Kabupaten/Kota",
            "Tanggal",
            "Status usaha",
            "Pendapatan per bulan (Rp)",
            "Karyawan",
            "Kendala",
        ],
        [10, *([28] if personal else []), 20, 18, 24, 22, 10, 30],
    )
    query = scoped(
        select(BusinessReport, Client.full_name, Client.region_code).join(
            Client, Client.id == BusinessReport.client_id
        ),
        *_between(BusinessReport.created_at, which, zone),
    ).order_by(BusinessReport.created_at, BusinessReport.id)
    async for report, name, region in _stream(session, query):
        obstacles = [o for o in (report.obstacles or "").split(",") if o]
        reports_sheet.append(
            [
                report.client_id,
                *([name] if personal else []),
                _region(region),
                _local(report.created_at, zone),
                _label(BUSINESS_STATUS_LABELS, _enum(BusinessStatus, report.business_status)),
                report.monthly_income,
                report.employees,
                ", ".join(_label(OBSTACLE_LABELS, _enum(Obstacle, o)) for o in obstacles) or None,
            ]
        )
        counts["reports"] += 1

    # Permintaan pemasaran
    requests_sheet = sheet(
        "Permintaan pemasaran",
        [
            "ID",
            "ID klien",
            *(["Nama"] if personal else []),
            "Kabupaten/Kota",
            "Produk",
            "Harga terendah (Rp)",
            "Harga tertinggi (Rp)",
            "Kapasitas per bulan",
            "Status",
            "Diajukan",
            "Diperbarui",
        ],
        [8, 10, *([28] if personal else []), 20, 28, 16, 16, 14, 22, 18, 18],
    )
    query = scoped(
        select(MarketingRequest, Client.full_name, Client.region_code).join(
            Client, Client.id == MarketingRequest.client_id
        ),
        *_between(MarketingRequest.created_at, which, zone),
    ).order_by(MarketingRequest.id)
    async for request, name, region in _stream(session, query):
        requests_sheet.append(
            [
                request.id,
                request.client_id,
                *([name] if personal else []),
                _region(region),
                request.product,
                request.price_low,
                request.price_high,
                request.capacity,
                _label(REQUEST_STATUS_LABELS, _enum(RequestStatus, request.status)),
                _local(request.created_at, zone),
                _local(request.updated_at, zone),
            ]
        )
        counts["requests"] += 1

    # Pengajuan program
    applications_sheet = sheet(
        "Pengajuan program",
        [
            "ID",
            "ID klien",
            *(["Nama"] if personal else []),
            "Kabupaten/Kota",
            "Program",
            "Status",
            "Diajukan",
            "Diperiksa",
        ],
        [8, 10, *([28] if personal else []), 20, 30, 22, 18, 18],
    )
    query = scoped(
        select(ProgramApplication, Program.name, Client.full_name, Client.region_code)
        .join(Client, Client.id == ProgramApplication.client_id)
        .join(Program, Program.id == ProgramApplication.program_id),
        *_between(ProgramApplication.created_at, which, zone),
    ).order_by(ProgramApplication.id)
    async for application, program, name, region in _stream(session, query):
        applications_sheet.append(
            [
                application.id,
                application.client_id,
                *([name] if personal else []),
                _region(region),
                program,
                _label(APPLICATION_STATUS_LABELS, _enum(ApplicationStatus, application.status)),
                _local(application.created_at, zone),
                _local(application.reviewed_at, zone),
            ]
        )
        counts["applications"] += 1

    book.save(path)
    detail: dict[str, str | int | bool] = {"personal": personal, **counts}
    if which.region_code:
        detail["region"] = which.region_code
    await audit.record(session, actor=viewer, action=AuditAction.EXPORTED, now=now, detail=detail)
    return ExportCounts(**counts)


def _enum(kind: Any, value: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value
