"""Data rights: /dataku (see and copy), /perbaiki (correct), /hapus (erase), /privasi (the
notice, and withdrawing consent), and the jobs that keep the notice's promises in time."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from html import escape

from bot.chat.messages import Message
from bot.chat.turn import Turn
from bot.domain.reference import ppks_by_no, region_by_code
from bot.domain.vocabulary import (
    BUSINESS_STATUS_LABELS,
    CLIENT_STATUS_LABELS,
    BusinessStatus,
    ClientStatus,
    ppks_label,
)
from bot.i18n import N_
from bot.services import client_requests, data_rights
from bot.services.data_rights import Export
from bot.services.overview import StatusItem
from bot.services_container import AppServices
from conversations import client_invite, onboarding
from conversations import data_rights as flows
from conversations.engine import repeat
from handlers.features import Command, Courier, Feature, PeriodicJob

log = logging.getLogger(__name__)
RETENTION_TICK = timedelta(hours=1)
DRAFT_TICK = timedelta(hours=1)
SHOWN_REPORTS = 10  # in the message; the file has them all
SHOWN_REQUESTS = 10
# Self-registration, and a caseworker's invitation of a client: both ask for a NIK.
DRAFTS_WITH_NIK = (onboarding.FLOW.name, client_invite.FLOW.name)
NO_DATA = N_("Tidak ada data Anda yang tersimpan. Ketik /start untuk mendaftar.")


def readable(turn: Turn, data: Export, requests: Sequence[StatusItem] = ()) -> str:
    """Her data as a message in her language (with her requests and applications)."""
    _ = turn.gettext
    t = turn.t
    lines = [_("<b>Data Anda di Berdaya</b>")]
    if data.status is not None:
        region = region_by_code(data.region_code or "")
        ppks = ppks_by_no(data.ppks_category) if data.ppks_category else None
        status = ClientStatus(data.status)
        lines += [
            _("Nama: {value}").format(value=escape(data.full_name or "-")),
            _("NIK: {value}").format(value=escape(data.nik or "-")),
            _("Nomor HP: {value}").format(value=escape(data.phone or _("tidak diisi"))),
            _("Kabupaten/kota: {value}").format(value=escape(region.label if region else "-")),
            _("UPT: {value}").format(value=escape(data.upt or "-")),
            _("Pelatihan: {value}").format(value=escape(data.training or "-")),
            _("Usaha: {value}").format(value=escape(data.business_type or "-")),
            _("Kategori PPKS: {value}").format(value=_(ppks_label(ppks)) if ppks else "-"),
            _("Status: {value}").format(value=_(CLIENT_STATUS_LABELS[status])),
        ]
        if data.registered_at is not None:
            lines.append(_("Terdaftar sejak: {date}").format(date=t.date(data.registered_at)))
    consented = data.consented_at
    if data.consent_active and consented is not None:
        lines.append(_("Persetujuan diberikan: {date}").format(date=t.date(consented)))
    else:
        lines.append(_("Persetujuan: sudah ditarik"))
    if data.status is not None:
        if not data.consent_active or data.checkins_paused_since is not None:
            lines.append(_("Pertanyaan rutin: dihentikan"))
        elif data.next_checkin_at is not None:
            lines.append(
                _("Pertanyaan rutin: setiap {days} hari, berikutnya {date}").format(
                    days=data.checkin_cadence_days, date=t.date(data.next_checkin_at)
                )
            )
        else:
            lines.append(_("Pertanyaan rutin: menunggu jawaban Anda"))
        lines.append(_("Laporan usaha: {n}").format(n=len(data.reports)))
        for report in data.reports[-SHOWN_REPORTS:]:
            label = BUSINESS_STATUS_LABELS[BusinessStatus(report.business_status)]
            lines.append(
                _("• {date}: {status}, {income} sebulan, {employees} karyawan").format(
                    date=t.date(report.created_at),
                    status=_(label),
                    income=t.money(report.monthly_income),
                    employees=report.employees,
                )
            )
        lines.append(_("Permintaan dan pendaftaran program: {n}").format(n=len(requests)))
        for item in requests[:SHOWN_REQUESTS]:
            lines.append(
                _("• {date}: {kind}, {title} ({state})").format(
                    date=t.date(item.created_at),
                    kind=escape(item.kind_label),
                    title=escape(item.title),
                    state=escape(item.state_label),
                )
            )
    lines += ["", _("Salinan lengkapnya ada di berkas di bawah. Ketik /privasi untuk hak Anda.")]
    return "\n".join(lines)


async def show_my_data(turn: Turn, _args: str) -> None:
    """/dataku: the message, and the same data as a JSON file."""
    _ = turn.gettext
    data = await data_rights.export(turn.session, telegram_id=turn.telegram_id)
    if data is None:
        turn.say(_(NO_DATA))
        return
    client_id = turn.profile.client_id if turn.profile is not None else None
    requests = (
        await client_requests.items_of(turn.session, turn.t, client_id=client_id)
        if client_id is not None and data.status is not None
        else []
    )
    turn.say(readable(turn, data, requests))
    content = json.dumps(data.as_json(turn.now), ensure_ascii=False, indent=2)
    name = f"berdaya-data-{turn.now.date().isoformat()}.json"
    turn.replies.append(Message(_("📎 Salinan data Anda (JSON)"), document=(name, content)))
    if turn.flow_state is not None:
        await repeat(turn, turn.conductor.flow(turn.flow_state.flow))


async def correct_my_data(turn: Turn, _args: str) -> None:
    """/perbaiki: her data as a summary with Ubah."""
    _ = turn.gettext
    if turn.flow_state is not None and turn.flow_state.flow != flows.CORRECT.name:
        turn.say(_("Anda sedang mengisi data. Lanjutkan di bawah, atau ketik /batal."))
        await repeat(turn, turn.conductor.flow(turn.flow_state.flow))
        return
    details = await data_rights.details(turn.session, telegram_id=turn.telegram_id)
    if details is None:
        turn.say(_("Anda belum terdaftar. Ketik /start untuk mendaftar."))
        return
    await flows.start_correction(turn, details)


async def erase_my_data(turn: Turn, _args: str) -> None:
    """/hapus: asks for an explicit confirmation first."""
    _ = turn.gettext
    if turn.profile is None:
        turn.say(_(NO_DATA))
        return
    await flows.ERASE.start(turn, flows.EraseDraft())


async def privacy(turn: Turn, _args: str) -> None:
    """/privasi: the notice, her rights as buttons, and withdrawal."""
    if turn.profile is None:
        turn.say(turn.gettext(NO_DATA))
        return
    await flows.PRIVACY.start(turn, flows.PrivacyDraft())


async def retention_job(services: AppServices, _courier: Courier) -> int:
    """Finish erasures: what is left of them goes within a day (the notice says 3 × 24 h)."""
    async with services.db.transaction() as session:
        finished = await data_rights.finish_erasures(session, now=services.clock.now())
    if finished:
        log.info("erasures finished: %d", finished)
    return finished


async def draft_expiry_job(services: AppServices, _courier: Courier) -> int:
    """Registration (and client invitation) drafts holding a NIK, abandoned for 7 days, are
    deleted."""
    async with services.db.transaction() as session:
        expired = await data_rights.expire_drafts(
            session, flows=DRAFTS_WITH_NIK, now=services.clock.now()
        )
    if expired:
        log.info("abandoned registration drafts deleted: %d", expired)
    return expired


FEATURE = Feature(
    name="data_rights",
    commands=(
        Command(
            "dataku",
            show_my_data,
            N_("Lihat dan salin data saya"),
            clients_only=True,
            without_consent=True,
        ),
        Command("perbaiki", correct_my_data, N_("Perbaiki data saya"), clients_only=True),
        Command(
            "hapus", erase_my_data, N_("Hapus data saya"), clients_only=True, without_consent=True
        ),
        Command(
            "privasi",
            privacy,
            N_("Privasi dan persetujuan"),
            clients_only=True,
            without_consent=True,
        ),
    ),
    flows=flows.FLOWS,
    jobs=(
        PeriodicJob("erasures", RETENTION_TICK, retention_job),
        PeriodicJob("draft-expiry", DRAFT_TICK, draft_expiry_job),
    ),
)
