"""/ringkasan: the figures of the staff member's scope (her area; the province for an
administrator) as a short text, readable by a screen reader, then the same as a chart.

The text is the whole answer; the chart repeats its main figures as a picture for a phone.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from typing import TypeVar

from bot import charts
from bot.chat.actions import RunCommand
from bot.chat.messages import Message
from bot.chat.turn import Turn
from bot.domain.reference import region_by_code
from bot.domain.vocabulary import (
    APPLICATION_STATUS_LABELS,
    BUSINESS_STATUS_LABELS,
    REQUEST_STATUS_LABELS,
)
from bot.i18n import N_, Translator
from bot.services import statistics
from bot.services.statistics import RegionFigures, Summary
from handlers.features import CASEWORKERS, Command, Feature, Menu, MenuEntry

K = TypeVar("K")
MAX_REGIONS = 10  # per list in the text and per panel of the chart
NEVER = N_("Belum pernah lapor")


def _region(code: str) -> str:
    region = region_by_code(code)
    return region.label if region else code


def _percent(t: Translator, rate: float | None) -> str:
    return f"{round(rate * 100)}%" if rate is not None else t.gettext("belum ada data")


def _millions(value: int) -> str:
    return f"Rp{value / 1_000_000:.1f} jt".replace(".", ",")


def _trend(region: RegionFigures) -> str:
    now, before = region.median_income, region.previous_median
    if now is None or before is None or now == before:
        return ""
    return " ↑" if now > before else " ↓"


def _counts(t: Translator, labels: Mapping[K, str], counts: Mapping[K, int]) -> str:
    shown = [f"{t.gettext(labels[s])} {n}" for s, n in counts.items() if n]
    return " · ".join(shown) if shown else "0"


def render(t: Translator, found: Summary) -> str:
    """The screen-reader text: every figure, in sentences and short lists."""
    _ = t.gettext
    scope = _("Provinsi Jawa Timur") if found.province else _("wilayah Anda")
    lines = [
        _("<b>📊 Ringkasan · {scope}</b>").format(scope=scope),
        _("Klien terverifikasi: {count} (menunggu verifikasi: {pending})").format(
            count=found.clients, pending=found.pending
        ),
        "",
        _("<b>Status usaha</b> (laporan terakhir):"),
    ]
    for status, count in found.by_status.items():
        lines.append(f"• {_(BUSINESS_STATUS_LABELS[status])}: {count}")
    lines.append(f"• {_(NEVER)}: {found.never_reported}")
    lines += [
        "",
        _("Tingkat pelaporan 30 hari: {rate} ({count} dari {total} klien)").format(
            rate=_percent(t, found.reporting_rate),
            count=found.reported_recently,
            total=found.clients,
        ),
        _("Tanggapan check-in 90 hari: {rate} ({answered} dijawab, {missed} tidak)").format(
            rate=_percent(t, found.response_rate),
            answered=found.checkins_answered,
            missed=found.checkins_missed,
        ),
        _("Permintaan pemasaran terbuka: {requests} · pengajuan program terbuka: {apps}").format(
            requests=found.open_requests, apps=found.open_applications
        ),
        _("Permintaan pemasaran: {counts}").format(
            counts=_counts(t, REQUEST_STATUS_LABELS, found.requests)
        ),
        _("Pengajuan program: {counts}").format(
            counts=_counts(t, APPLICATION_STATUS_LABELS, found.applications)
        ),
    ]
    incomes = [r for r in found.regions if r.median_income is not None]
    lines += [
        "",
        _(
            "<b>Median pendapatan per bulan</b> "
            "(30 hari terakhir; ↑↓ dibanding 30 hari sebelumnya):"
        ),
    ]
    if not incomes:
        lines.append(_("Belum ada laporan dalam 30 hari terakhir."))
    for region in sorted(incomes, key=lambda r: -r.clients)[:MAX_REGIONS]:
        assert region.median_income is not None
        lines.append(
            f"• {_region(region.region_code)}: {t.money(region.median_income)}{_trend(region)}"
        )
    if len(incomes) > MAX_REGIONS:
        lines.append(
            _("… dan {count} kabupaten/kota lain").format(count=len(incomes) - MAX_REGIONS)
        )
    silent = [r for r in found.regions if r.silent]
    lines += ["", _("<b>Tidak ada kabar 90 hari:</b> {count} klien").format(count=found.silent)]
    for region in sorted(silent, key=lambda r: -r.silent)[:MAX_REGIONS]:
        lines.append(f"• {_region(region.region_code)}: {region.silent}")
    if len(silent) > MAX_REGIONS:
        lines.append(_("… dan {count} kabupaten/kota lain").format(count=len(silent) - MAX_REGIONS))
    return "\n".join(lines)


def chart_panels(t: Translator, found: Summary) -> list[charts.Panel]:
    """The chart: business status, median income and the silent ones, by kabupaten/kota."""
    _ = t.gettext
    statuses = [
        (_(BUSINESS_STATUS_LABELS[s]), float(n), str(n)) for s, n in found.by_status.items()
    ]
    statuses.append((_(NEVER), float(found.never_reported), str(found.never_reported)))
    incomes = sorted(
        (r for r in found.regions if r.median_income is not None), key=lambda r: -r.clients
    )[: charts.MAX_BARS]
    silent = sorted((r for r in found.regions if r.silent), key=lambda r: -r.silent)
    return [
        charts.Panel(_("Status usaha klien"), statuses if found.clients else []),
        charts.Panel(
            _("Median pendapatan per bulan"),
            [
                (
                    _region(r.region_code),
                    float(r.median_income or 0),
                    _millions(r.median_income or 0),
                )
                for r in incomes
            ],
        ),
        charts.Panel(
            _("Tidak ada kabar 90 hari"),
            [
                (_region(r.region_code), float(r.silent), str(r.silent))
                for r in silent[: charts.MAX_BARS]
            ],
        ),
    ]


async def show_summary(turn: Turn, _args: str = "") -> None:
    """/ringkasan: the text, then the chart (when there is anything to draw)."""
    assert turn.staff is not None  # the dispatcher checked the role
    found = await statistics.summary(turn.session, viewer=turn.staff, now=turn.now)
    turn.say(render(turn.t, found))
    panels = chart_panels(turn.t, found)
    if not any(p.bars for p in panels):
        return
    title = turn.gettext("Ringkasan {date}").format(date=turn.t.date(turn.now))
    png = await asyncio.to_thread(charts.draw, title, panels)
    caption = turn.gettext("📊 Grafik ringkasan (angka lengkapnya ada di pesan sebelumnya)")
    turn.replies.append(Message(caption, picture=("ringkasan.png", base64.b64encode(png).decode())))


FEATURE = Feature(
    name="statistics",
    commands=(Command("ringkasan", show_summary, N_("Ringkasan angka dan grafik"), CASEWORKERS),),
    menu=(
        MenuEntry(
            Menu.STAFF, N_("📊 Ringkasan"), RunCommand("ringkasan"), row=11, roles=CASEWORKERS
        ),
    ),
)
