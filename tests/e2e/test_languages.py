"""The same flows in Basa Jawa and English, and language changes at any time."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import BusinessReport, Client
from tests.e2e.dialogs import file_report, invited_client, register_herself
from tests.harness import Harness


async def test_a_javanese_speaker_registers_and_reports_in_basa_jawa(
    harness: Harness, db: Database
) -> None:
    sri = harness.person("Sri", "jv")
    reply = await sri.send("/start")
    assert "Basa Jawa" in reply[-1].button_labels
    await register_herself(sri, language_button="Basa Jawa")
    menu = sri.last
    assert "📋" in menu.button_labels[0]
    reply = await file_report(sri, income="telung yuta", obstacles=(0,))
    text = sri.text(reply)
    assert "Rp3.000.000" not in text  # the receipt, not the summary
    async with db.transaction() as session:
        client = (await session.execute(select(Client))).scalar_one()
        report = (await session.execute(select(BusinessReport))).scalar_one()
    assert client.full_name == "Siti Rahayu"
    assert report.monthly_income == 3_000_000 and report.obstacles == "capital"
    transcript = "\n".join(m.text for m in sri.messages)
    for indonesian_only in ("Apakah Anda setuju?", "Berapa penghasilan bersih", "Sudah benar?"):
        assert indonesian_only not in transcript


async def test_an_english_speaker_gets_english(harness: Harness, db: Database) -> None:
    amy = await invited_client(
        harness, db, first_name="Amy", language_code="en-GB", language_button="English"
    )
    reply = await amy.send("/lapor")
    assert "business" in reply[-1].text.lower()


async def test_the_language_can_change_in_the_middle_of_a_report(
    harness: Harness, db: Database
) -> None:
    siti = await invited_client(harness, db)
    await siti.send("/lapor")
    await siti.press("👍 Berjalan lancar")
    await siti.send("/bahasa")
    reply = await siti.press("English")
    assert "English" in reply[0].text
    assert "income" in reply[-1].text.lower()  # the open question again, now in English
    reply = await siti.send("3jt")
    assert "How many employees help in your business" in reply[-1].text


async def test_commands_are_registered_in_each_language(harness: Harness) -> None:
    commands = harness.emulator.commands
    indonesian = commands[("all_private_chats", "id")]
    javanese = commands[("all_private_chats", "jv")]
    english = commands[("all_private_chats", "en")]
    assert [c["command"] for c in indonesian] == [
        "start",
        "lapor",
        "pemasaran",
        "program",
        "bahasa",
        "bantuan",
        "batal",
        "berhenti",
        "mulai",
        "dataku",
        "perbaiki",
        "hapus",
        "privasi",
        "status",
        "aduan",
    ]
    assert indonesian[1]["description"] == "Laporkan keadaan usaha"
    assert javanese[1]["description"] != indonesian[1]["description"]
    assert english[1]["description"] != indonesian[1]["description"]
