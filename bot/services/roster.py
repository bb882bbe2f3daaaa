"""Client rosters from the office's spreadsheets: `berdaya clients import FILE` (.csv or .xlsx).

Every row is checked first (NIK structure, kabupaten/kota, PPKS category, UPT, dates, a NIK
twice in the file); if any row is bad, nothing is imported and the report names each bad row
with its line. Otherwise each row is upserted by NIK in one transaction: a new NIK becomes a
verified client with a one-time invitation code (the report carries it, for her caseworker to
pass on); a known NIK has its fields updated; importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.nik import NikError, validate_nik
from bot.domain.reference import PPKS_CATEGORIES, REGIONS, Region, ppks_by_no
from bot.services import audit, registration
from bot.services.audit import AuditAction
from bot.services.staff import StaffProfile
from bot.storage import caseload as caseload_repo
from bot.storage import clients as clients_repo

MAX_ROWS = 20_000
MAX_TEXT = 120
# Column headers (Indonesian; case, spaces and underscores do not matter) and the field each
# fills. NIK, name and kabupaten/kota are required.
COLUMNS = {
    "nik": "nik",
    "nama": "name",
    "namalengkap": "name",
    "kabupatenkota": "region",
    "kabkota": "region",
    "kodewilayah": "region",
    "kategorippks": "category",
    "upt": "upt",
    "pelatihan": "training",
    "jenisusaha": "business",
    "selesaipelatihan": "ended",
    "tanggalselesaipelatihan": "ended",
}
REQUIRED = ("nik", "name", "region")
TEMPLATE_HEADERS = (
    "NIK",
    "Nama",
    "Kabupaten/Kota",
    "Kategori PPKS",
    "UPT",
    "Pelatihan",
    "Jenis usaha",
    "Selesai pelatihan",
)
TEMPLATE_EXAMPLE = (
    "3522015408900001",
    "Siti Contoh",
    "Kab. Bojonegoro",
    "9",
    "",
    "Menjahit",
    "Jahit seragam",
    "2026-06-30",
)


class RosterError(ValueError):
    """The file as a whole cannot be read (not CSV or xlsx, no header row, too many rows)."""


class Outcome(StrEnum):
    """What became of a row."""

    CREATED = "baru"
    UPDATED = "diubah"
    UNCHANGED = "sama"


@dataclass(frozen=True)
class RosterRow:
    """One checked row."""

    line: int
    nik: str
    name: str
    region: str
    category: int | None
    upt_id: int | None
    training: str | None
    business: str | None
    ended: date | None


@dataclass
class ImportReport:
    """The outcome: the bad rows (then nothing was imported), or what each row became."""

    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    done: list[tuple[int, Outcome, str]] = field(default_factory=list)  # line, outcome, code

    def count(self, outcome: Outcome) -> int:
        """How many rows ended this way."""
        return sum(1 for _, o, _ in self.done if o is outcome)


def template_csv() -> str:
    """The template: the headers and one made-up example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()


def read_table(data: bytes, file_name: str) -> list[list[Any]]:
    """The rows of a .csv (UTF-8, comma or semicolon) or .xlsx file (its first sheet)."""
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # only when a workbook comes

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # a damaged or foreign file: openpyxl raises many kinds
            raise RosterError(f"not a readable .xlsx workbook ({type(error).__name__})") from None
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
            return [list(row) for row in rows]
        finally:
            book.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError("a .csv file must be UTF-8 text") from None
    first = text.split("\n", 1)[0]
    # Excel in an Indonesian locale writes semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _key(header: object) -> str:
    return re.sub(r"[^a-z]", "", str(header or "").lower())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _region_names() -> dict[str, Region]:
    names: dict[str, Region] = {}
    for region in REGIONS:
        names[_key(region.label)] = region
        names[_key(f"{region.kind} {region.name}")] = region
        if region.kind == "kabupaten":  # a bare name means the kabupaten, as people write it
            names.setdefault(_key(region.name), region)
    for region in REGIONS:  # a kota by its bare name only when no kabupaten has it
        names.setdefault(_key(region.name), region)
    return names


_REGION_NAMES = _region_names()
_CATEGORY_NAMES = {_key(c.name): c.no for c in PPKS_CATEGORIES} | {
    _key(c.short): c.no for c in PPKS_CATEGORIES if c.short
}


def _region_code(value: str) -> str | None:
    if value.isdigit():
        return value if any(r.code == value for r in REGIONS) else None
    found = _REGION_NAMES.get(_key(value))
    return found.code if found else None


def _category(value: str) -> int | None:
    if value.isdigit():
        return int(value) if ppks_by_no(int(value)) else None
    return _CATEGORY_NAMES.get(_key(value))


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


async def check(
    session: AsyncSession, table: Sequence[Sequence[Any]], *, today: date
) -> tuple[list[RosterRow], list[tuple[int, str]]]:
    """The good rows, and (line, what is wrong) for each bad one."""
    if not table:
        raise RosterError("the file is empty")
    if len(table) > MAX_ROWS + 1:
        raise RosterError(f"more than {MAX_ROWS} rows: split the file")
    header = [COLUMNS.get(_key(h)) for h in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise RosterError(
            "the header row needs the columns NIK, Nama and Kabupaten/Kota (see the template)"
        )
    upts = {_key(u.name): u.id for u in await caseload_repo.upts(session)}
    good: list[RosterRow] = []
    bad: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(table[1:], start=2):
        cells = {f: raw[i] for i, f in enumerate(header) if f and i < len(raw)}
        if not any(_text(v) for v in cells.values()):
            continue  # an empty row
        problems = []
        nik = _text(cells.get("nik"))
        try:
            nik = validate_nik(nik, today=today).nik
        except NikError as error:
            problems.append(f"NIK: {error.problem.value.replace('_', ' ')}")
        if nik in seen:
            problems.append(f"NIK sama dengan baris {seen[nik]}")
        seen.setdefault(nik, line)
        name = _text(cells.get("name"))
        if not name or len(name) > MAX_TEXT:
            problems.append(f"Nama: wajib, paling banyak {MAX_TEXT} huruf")
        region = _region_code(_text(cells.get("region")))
        if region is None:
            problems.append("Kabupaten/Kota: tidak dikenal di Jawa Timur")
        category = None
        if _text(cells.get("category")):
            category = _category(_text(cells.get("category")))
            if category is None:
                problems.append("Kategori PPKS: tidak dikenal (nomor 1-26 atau namanya)")
        upt_id = None
        if _text(cells.get("upt")):
            upt_id = upts.get(_key(cells.get("upt")))
            if upt_id is None:
                problems.append("UPT: tidak terdaftar (tambahkan dulu dengan berdaya upt add)")
        ended = None
        if _text(cells.get("ended")):
            try:
                ended = _date(cells.get("ended"))
            except ValueError:
                problems.append("Selesai pelatihan: tanggal tidak dikenal (pakai 2026-06-30)")
        training = _text(cells.get("training"))[:MAX_TEXT] or None
        business = _text(cells.get("business"))[:MAX_TEXT] or None
        if problems:
            bad.append((line, "; ".join(problems)))
            continue
        assert region is not None
        good.append(RosterRow(line, nik, name, region, category, upt_id, training, business, ended))
    return good, bad


async def apply(
    session: AsyncSession, rows: Iterable[RosterRow], *, now: datetime, today: date
) -> list[tuple[int, Outcome, str]]:
    """Upsert each row by NIK (in the caller's transaction)."""
    done = []
    for row in rows:
        client = await clients_repo.get_by_nik(session, nik=row.nik)
        code = ""
        if client is None:
            invitation = await registration.invite_client(
                session,
                full_name=row.name,
                nik=row.nik,
                region_code=row.region,
                now=now,
                today=today,
                training_ended_on=row.ended,
            )
            client = await clients_repo.get(session, client_id=invitation.client_id)
            assert client is not None
            outcome, code = Outcome.CREATED, invitation.code
        else:
            outcome = Outcome.UNCHANGED
        wanted = {
            "full_name": row.name,
            "region_code": row.region,
            "ppks_category": row.category,
            "upt_id": row.upt_id,
            "training": row.training,
            "business_type": row.business,
            "training_ended_on": row.ended,
        }
        for name, value in wanted.items():
            if getattr(client, name) != value:
                setattr(client, name, value)
                if outcome is Outcome.UNCHANGED:
                    outcome = Outcome.UPDATED
        done.append((row.line, outcome, code))
    return done


async def import_roster(
    session: AsyncSession,
    data: bytes,
    file_name: str,
    *,
    now: datetime,
    today: date,
    actor: StaffProfile | None = None,
) -> ImportReport:
    """Check the whole file, then (only if every row is good) upsert every row; recorded in
    the audit log as the actor's (None: the command line)."""
    good, bad = await check(session, read_table(data, file_name), today=today)
    if bad:
        return ImportReport(bad_rows=bad)
    report = ImportReport(done=await apply(session, good, now=now, today=today))
    await audit.record(
        session,
        actor=actor,
        action=AuditAction.ROSTER_IMPORTED,
        now=now,
        detail={outcome.name.lower(): report.count(outcome) for outcome in Outcome},
    )
    return report
