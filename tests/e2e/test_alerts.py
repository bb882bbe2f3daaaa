"""Alerts over the emulator: the caseworker learns at once, takes the case, talks, closes it."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from bot.services.alerts import AlertPress, Op
from bot.storage.db import Database
from bot.storage.models import Alert, ClientEvent, StaffRole
from handlers.alerts import escalation_job, strip_stale_buttons
from tests.e2e.dialogs import (
    NIK_SARI,
    file_report,
    invited_client,
    register_herself,
    staff_member,
)
from tests.harness import Harness, Person

CASE_BUTTONS = ["🙋 Saya tangani", "💬 Balas", "✅ Selesai"]
STALE = "Tombol ini sudah tidak berlaku."


def since(person: Person, before: int) -> list[SentMessage]:
    """The bot's messages to this person after the first `before`."""
    return person.messages[before:]


def current(person: Person, message: SentMessage) -> SentMessage:
    """How a message looks now, after any edits."""
    return next(m for m in person.messages if m.message_id == message.message_id)


def edits(harness: Harness, person: Person) -> list[list[str]]:
    """The buttons each edit of this person's messages asked for, labels only, in order."""
    return [
        [
            b["text"]
            for row in (c.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        for c in harness.emulator.calls_to("editMessageReplyMarkup")
        if str(c.params.get("chat_id")) == str(person.id)
    ]


async def _alerts(db: Database) -> list[Alert]:
    async with db.transaction() as session:
        return list((await session.execute(select(Alert).order_by(Alert.id))).scalars())


async def test_a_client_in_bojonegoro_stops_and_her_caseworker_knows_at_once(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)  # Bojonegoro
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    seen_ani, seen_rina = len(ani.messages), len(rina.messages)
    await file_report(siti, status_index=2, income="0")  # ⏸️ Berhenti sementara
    [alert] = since(ani, seen_ani)  # delivered right after the report was saved
    assert "Usaha berhenti" in alert.text and "berhenti sementara" in alert.text
    assert "Siti Rahayu" in alert.text and "Kab. Bojonegoro" in alert.text
    assert alert.button_labels == CASE_BUTTONS
    assert since(rina, seen_rina) == []  # another region sees nothing


async def test_claim_reply_and_close_relay_messages_both_ways(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    dewi = await staff_member(harness, db, first_name="Bu Dewi", full_name="Dewi Lestari")
    await file_report(siti, status_index=3, income="0")  # ❌ Sudah tutup
    alert_ani, alert_dewi = ani.last, dewi.last
    seen_dewi = len(dewi.messages)
    reply = await ani.press("🙋 Saya tangani", alert_ani)
    assert "Anda menangani kasus Siti Rahayu" in ani.text(reply)
    assert current(ani, alert_ani).button_labels == ["💬 Balas", "✅ Selesai"]
    [notice] = since(dewi, seen_dewi)
    assert "sudah ditangani oleh Ani Pendamping" in notice.text
    await harness.run_job(strip_stale_buttons)
    assert current(dewi, alert_dewi).button_labels == []  # her buttons are gone
    claim_data = alert_ani.buttons[0].callback_data
    assert claim_data is not None
    reply = await dewi.press_data(claim_data, message=alert_dewi)  # too late
    assert "sudah ditangani oleh Ani Pendamping" in dewi.text(reply)

    reply = await ani.press("💬 Balas", alert_ani)
    assert "Tulis pesan untuk Siti Rahayu" in ani.text(reply)
    reply = await ani.send("Selamat siang Bu Siti, usahanya kenapa tutup?")
    assert "Terkirim ke Siti Rahayu" in ani.text(reply)
    assert "Pesan dari pendamping Dinas Sosial (Ani Pendamping)" in siti.last.text
    assert "usahanya kenapa tutup?" in siti.last.text
    reply = await siti.send("Mesin jahit saya rusak, Bu <3")
    assert "sudah diteruskan ke pendamping" in siti.text(reply)
    assert "Pesan dari Siti Rahayu" in ani.last.text and "rusak, Bu <3" in ani.last.text
    await ani.press("⏹️ Selesai membalas")
    await siti.send("Bisa dibantu?")  # still reaches her, until the case is closed
    forwarded = ani.last
    assert "Bisa dibantu?" in forwarded.text
    assert forwarded.button_labels == ["💬 Balas", "✅ Selesai"]

    reply = await ani.press("✅ Selesai", forwarded)
    assert "catatan penutup" in ani.text(reply)
    reply = await ani.send("Dikunjungi; mesin diperbaiki lewat bantuan UEP.")
    assert "Kasus Siti Rahayu ditutup" in ani.text(reply)
    assert "Percakapan dengan pendamping Dinas Sosial sudah selesai" in siti.last.text
    seen_ani = len(ani.messages)
    reply = await siti.send("Terima kasih")
    assert "sudah diteruskan" not in siti.text(reply)  # back to the ordinary menu
    assert since(ani, seen_ani) == []
    [alert] = await _alerts(db)
    assert alert.closed_at is not None
    assert alert.close_note == "Dikunjungi; mesin diperbaiki lewat bantuan UEP."
    async with db.transaction() as session:
        kinds = (await session.execute(select(ClientEvent.kind).order_by(ClientEvent.id))).scalars()
        assert list(kinds) == ["case_claimed", "case_closed"]
    await harness.run_job(strip_stale_buttons)
    assert current(ani, alert_ani).button_labels == []


async def test_another_region_cannot_act_on_an_alert_by_forging_its_buttons(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    rina = await staff_member(
        harness, db, first_name="Bu Rina", full_name="Rina Malang", regions=("3507",)
    )
    await file_report(siti, status_index=3, income="0")
    data = [b.callback_data for b in ani.last.buttons]
    assert all(d is not None and d.startswith("al:") for d in data)
    for forged in data:
        assert forged is not None
        reply = await rina.press_data(forged)
        assert rina.user.callback_answers[-1].text == STALE
        assert "Siti" not in rina.text(reply)
        await siti.press_data(forged)  # a client is no staff at all
        assert siti.user.callback_answers[-1].text == STALE
    [alert] = await _alerts(db)
    assert alert.claimed_by_staff_id is None and alert.relay_started_at is None
    assert alert.closed_at is None
    await ani.press("🙋 Saya tangani")
    seen_siti = len(siti.messages)
    await rina.press_data(AlertPress(alert.id, Op.CLOSE).pack())  # not after the claim either
    assert rina.user.callback_answers[-1].text == STALE
    await rina.send("Halo Bu Siti")  # and she has no relay open
    assert since(siti, seen_siti) == []
    assert (await _alerts(db))[0].closed_at is None


async def test_income_halved_and_health_each_make_one_alert(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    seen = len(ani.messages)
    await file_report(siti, income="4 juta")
    await file_report(siti, income="2,1 juta")  # down 47%: no alert
    assert since(ani, seen) == []
    await file_report(siti, status_index=1, income="1 juta", obstacles=(4,))  # -52%, Kesehatan
    texts = [m.text for m in since(ani, seen)]
    assert len(texts) == 2
    assert "Penghasilan turun tajam" in texts[0]
    assert "turun dari Rp2.100.000 menjadi Rp1.000.000" in texts[0]
    assert "Kendala kesehatan" in texts[1]


async def test_a_self_registration_waiting_for_verification_alerts_the_region(
    harness: Harness, db: Database
) -> None:
    ani = await staff_member(harness, db)
    seen = len(ani.messages)
    await register_herself(harness.person("Siti", "id"))
    await harness.deliver()
    [alert] = since(ani, seen)
    assert "Pendaftaran menunggu verifikasi" in alert.text and "Siti Rahayu" in alert.text


async def test_claim_then_reply_and_close_from_a_relayed_message_edit_each_message_once(
    harness: Harness, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """No edit that changes nothing (the autouse fixture fails any HTTP 400), and each alert
    message is edited exactly as often as its buttons really change."""
    caplog.set_level(logging.INFO)  # the production level (bot.logging_setup)
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    dewi = await staff_member(harness, db, first_name="Bu Dewi", full_name="Dewi Lestari")
    await file_report(siti, status_index=3, income="0")
    alert_ani, alert_dewi = ani.last, dewi.last
    await ani.press("🙋 Saya tangani", alert_ani)
    assert edits(harness, ani) == [["💬 Balas", "✅ Selesai"]]
    reply = await ani.press("💬 Balas", alert_ani)  # already shows exactly these: no edit
    assert "Tulis pesan untuk Siti Rahayu" in ani.text(reply)
    assert edits(harness, ani) == [["💬 Balas", "✅ Selesai"]]
    await ani.send("Rahasia pendamping 4471")
    await siti.send("Rahasia klien 5582")
    forwarded = ani.last
    assert forwarded.button_labels == ["💬 Balas", "✅ Selesai"]
    reply = await ani.press("✅ Selesai", forwarded)  # a relayed message: no edit either
    assert "catatan penutup" in ani.text(reply)
    assert current(ani, forwarded).button_labels == ["💬 Balas", "✅ Selesai"]
    await ani.send("Sudah dikunjungi.")
    for _ in range(2):  # the clean-up removes each stale keyboard once
        await harness.run_job(strip_stale_buttons)
    assert edits(harness, ani) == [["💬 Balas", "✅ Selesai"], []]
    assert edits(harness, dewi) == [[]]
    assert current(ani, alert_ani).button_labels == []
    assert current(dewi, alert_dewi).button_labels == []
    seen = len(ani.messages)
    await ani.press("💬 Balas", forwarded)  # the case is closed: a toast, nothing else
    assert ani.user.callback_answers[-1].text == "Kasus ini sudah selesai."
    assert since(ani, seen) == [] and len(edits(harness, ani)) == 2
    logged = [r.getMessage() for r in caplog.records]
    assert logged and not any("Rahasia" in line for line in logged)  # never logged


async def test_a_forged_or_malformed_alert_button_is_stale_and_changes_nothing(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    sari = await invited_client(
        harness, db, first_name="Sari", full_name="Sari Wulandari", nik=NIK_SARI, region="3507"
    )
    ani = await staff_member(harness, db)  # Bojonegoro only
    await staff_member(harness, db, first_name="Bu Rina", full_name="Rina", regions=("3507",))
    await file_report(siti, status_index=3, income="0")
    await file_report(sari, status_index=3, income="0")
    alert_siti, alert_sari = await _alerts(db)
    seen = len(ani.messages)
    for op in Op:  # Sari's alert, from Malang
        reply = await ani.press_data(AlertPress(alert_sari.id, op).pack())
        assert ani.user.callback_answers[-1].text == STALE
        assert "Sari" not in ani.text(reply)
    for data in (
        "al:99999999999999999999999:c",
        "al:2147483648:c",
        "al:²:c",
        "al:1:zz",
        "al:1",
        "al::c",
        "al:-1:c",
        f"al:{alert_siti.id}:c:x",
        "al:999999:c",  # no such alert
    ):
        await ani.press_data(data)
        assert ani.user.callback_answers[-1].text == STALE, data
    assert all("Maaf" not in m.text for m in since(ani, seen))  # no error apology
    assert [(a.claimed_by_staff_id, a.closed_at) for a in await _alerts(db)] == [
        (None, None),
        (None, None),
    ]


async def test_an_administrator_may_close_a_case_someone_else_handles(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    ani = await staff_member(harness, db)
    boss = await staff_member(
        harness, db, role=StaffRole.ADMIN, first_name="Pak Budi", full_name="Budi", regions=()
    )
    await file_report(siti, status_index=3, income="0")
    alert_ani = ani.last
    harness.clock.advance(timedelta(hours=48))
    await harness.run_job(escalation_job)
    escalated = boss.last
    assert "48 jam" in escalated.text and escalated.button_labels == CASE_BUTTONS
    await ani.press("🙋 Saya tangani", alert_ani)
    reply = await boss.press("🙋 Saya tangani", escalated)  # taken: told so, nothing edited
    assert "sudah ditangani oleh Ani Pendamping" in boss.text(reply)
    reply = await boss.press("✅ Selesai", escalated)
    assert "catatan penutup" in boss.text(reply)
    assert edits(harness, boss) == []
    reply = await boss.send("Ditutup oleh kantor.")
    assert "Kasus Siti Rahayu ditutup" in boss.text(reply)
    [alert] = await _alerts(db)
    assert alert.claimed_by_staff_id is not None and alert.close_note == "Ditutup oleh kantor."
    await harness.run_job(strip_stale_buttons)
    assert edits(harness, boss) == [[]] and current(boss, escalated).button_labels == []
    assert edits(harness, ani) == [["💬 Balas", "✅ Selesai"], []]
