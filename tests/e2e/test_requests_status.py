"""/status (a client's requests and applications, newest first, paged in place, her own only)
and /aduan (complaints go to SP4N-LAPOR!), over the emulator and the real application."""

from __future__ import annotations

from bot.storage.db import Database
from handlers.requests_status import StatusPage
from tests.dialog import verify_dialog
from tests.e2e.dialogs import invited_client, staff_member
from tests.harness import Harness

STALE = "Tombol ini sudah tidak berlaku."
COMPLAINTS = {
    "id": "Pengaduan tentang layanan Dinas Sosial disampaikan lewat SP4N-LAPOR! di "
    "https://www.lapor.go.id atau SMS ke 1708. Berdaya tidak menerima pengaduan sendiri, jadi "
    "pengaduan yang dikirim di sini tidak akan diproses.",
}
EMPTY = (
    "Anda belum punya permintaan bantuan atau pendaftaran program.\n"
    "Minta bantuan pemasaran dengan /pemasaran, atau lihat program yang bisa Anda ikuti "
    "dengan /program."
)


async def test_aduan_points_everyone_to_lapor_in_their_language(
    harness: Harness, db: Database
) -> None:
    guest = harness.person("Tamu", "id")
    await verify_dialog(guest, [("/aduan", [COMPLAINTS["id"]])])
    ani = await staff_member(harness, db)
    await verify_dialog(ani, [("/aduan", [COMPLAINTS["id"]])])
    reply = await ani.send("/bantuan")
    assert "/aduan – Cara menyampaikan pengaduan" in reply[0].text

    siti = await invited_client(harness, db)
    reply = await siti.send("/bantuan")
    assert "/aduan – Cara menyampaikan pengaduan" in reply[0].text
    assert "/status – Status permintaan dan pendaftaran program Anda" in reply[0].text


async def test_aduan_in_the_middle_of_a_report_puts_the_question_back(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    question = siti.last.text
    reply = await siti.send("/aduan")
    assert [m.text for m in reply] == [COMPLAINTS["id"], question]


async def test_status_with_nothing_asked_yet_points_to_pemasaran_and_program(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    reply = await siti.press("📄 Status permintaan")
    assert reply[0].text == EMPTY
    assert reply[-1].text == "Apa yang ingin Anda lakukan?"  # her menu, to go on from

    guest = harness.person("Tamu", "id")
    reply = await guest.send("/status")
    assert reply[0].text == "Anda belum terdaftar. Ketik /start untuk mendaftar."
    reply = await guest.press_data(StatusPage(0).pack())
    assert guest.user.callback_answers[-1].text == STALE
