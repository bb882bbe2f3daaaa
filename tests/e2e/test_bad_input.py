"""Whatever a person sends, at whatever step, gets a short answer and loses nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from bot.storage.db import Database
from bot.storage.models import BusinessReport
from tests.e2e.dialogs import invited_client
from tests.harness import Harness, Person

Oddity = Callable[[Person], Awaitable[list[SentMessage]]]

ODDITIES: dict[str, Oddity] = {
    "sticker": lambda p: p.do(p.user.send_sticker()),
    "photo": lambda p: p.do(p.user.send_photo(b"\x89PNG not wanted here")),
    "voice": lambda p: p.do(p.user.send_voice()),
    "location": lambda p: p.do(p.user.send_location(-7.15, 111.88)),
    "contact": lambda p: p.do(p.user.send_contact(phone_number="+6281200000000", own=True)),
    "4000 chars": lambda p: p.send("x" * 4000),
    "unknown command": lambda p: p.send("/entahlah"),
    "forged button": lambda p: p.press_data("rep:summary:save"),
    "garbage button": lambda p: p.press_data("\u0000;DROP TABLE"),
    "old button": lambda p: (
        p.press("✅ Simpan", message=p.messages[0])
        if "✅ Simpan" in p.messages[0].button_labels
        else p.press_data("onb:consent:yes", message=p.messages[0])
    ),
}

# Each report step, the answer that moves past it, and what its question says.
STEPS = [
    ("status", lambda p: p.press("👍 Berjalan lancar"), "keadaan usaha Anda bulan ini"),
    ("income", lambda p: p.send("3jt"), "penghasilan bersih"),
    ("employees", lambda p: p.press("2"), "karyawan"),
    ("obstacles", lambda p: p.press("Tidak ada kendala"), "kendala utama"),
    ("photo", lambda p: p.press("⏭️ Lewati"), "foto produk"),
]


@pytest.mark.parametrize("oddity", list(ODDITIES))
async def test_odd_input_at_every_report_step_is_answered_and_the_report_still_saves(
    harness: Harness, db: Database, oddity: str
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    for _name, answer, question in STEPS:
        if oddity == "photo" and question == "foto produk":
            await answer(siti)  # a photo is exactly what this step wants
            continue
        reply = await ODDITIES[oddity](siti)
        assert reply, f"no answer to a {oddity} at {question}"
        assert question in reply[-1].text, (oddity, question, siti.text(reply))
        assert "Traceback" not in siti.text(reply)
        await answer(siti)
    reply = await siti.press("✅ Simpan")
    assert "Laporan Anda sudah tersimpan" in siti.text(reply)
    async with db.transaction() as session:
        reports = (await session.execute(select(BusinessReport))).scalars().all()
    assert [(r.monthly_income, r.employees) for r in reports] == [(3_000_000, 2)]


async def test_an_edited_message_is_not_read_again(harness: Harness, db: Database) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("3jt")
    reply = await siti.do(siti.user.edit(siti.user.last_text_message_id or 0, "30jt"))
    assert "diubah" in siti.text(reply)
    assert "karyawan" in reply[-1].text


async def test_a_stale_button_says_so_and_shows_the_current_question(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    status_message = siti.last
    await siti.press("👍 Berjalan lancar")
    reply = await siti.press_data("rep:status:declining", message=status_message)
    assert siti.user.callback_answers[-1].text == "Tombol ini sudah tidak berlaku."
    assert "penghasilan bersih" in reply[-1].text


async def test_text_where_a_button_is_expected_is_matched_or_explained(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    reply = await siti.send("berjalan lancar")  # typed like the button: taken as the button
    assert "penghasilan bersih" in reply[-1].text
    await siti.send("3jt")
    await siti.send("2")
    reply = await siti.send("apa ini")
    assert "Silakan pilih salah satu tombol" in siti.text(reply)
    assert "kendala utama" in reply[-1].text


async def test_onboarding_steps_answer_odd_input_too(harness: Harness) -> None:
    budi = harness.person("Budi", "id")
    await budi.send("/start")
    for step_answer in ("Bahasa Indonesia", "✅ Saya setuju", "📝 Daftar sendiri"):
        for oddity in ("sticker", "voice", "4000 chars", "forged button"):
            reply = await ODDITIES[oddity](budi)
            assert reply, (oddity, step_answer)
            assert step_answer in reply[-1].button_labels, (oddity, step_answer)
        await budi.press(step_answer)
    reply = await budi.do(budi.user.send_sticker())
    assert "nama lengkap" in reply[-1].text
    reply = await budi.send("x" * 4000)
    assert reply[0].text == "Nama terlalu panjang: paling banyak 100 huruf."
