"""Dialog steps many tests share, written the way a person would go through them."""

from __future__ import annotations

from bot.emulator import SentMessage
from bot.services import registration, staff
from bot.storage.db import Database
from bot.storage.models import StaffRole
from tests.harness import Harness, Person

# Made-up NIKs: Bojonegoro (3522), district 01, born 14 Aug 1990 (women: day + 40).
NIK_SITI = "3522015408900001"
NIK_SARI = "3507016108850002"  # Kab. Malang, born 21 Aug 1985 (day + 40)


async def register_herself(
    person: Person,
    *,
    language_button: str = "Bahasa Indonesia",
    nik: str = NIK_SITI,
    region_typed: str = "bojonegoro",
) -> None:
    """Self-registration from /start to the saved record, answering every question."""
    await person.send("/start")
    await person.press(language_button)
    await person.press(person.last.button_labels[0])  # consent
    await person.press(person.last.button_labels[1])  # register on my own
    await person.send("Siti Rahayu")
    await person.send(nik)
    await person.send(region_typed)
    await person.press(person.last.button_labels[-1])  # next page of PPKS categories
    await person.press(person.last.button_labels[1])  # no. 9, Penyandang Disabilitas
    await person.send("Menjahit di UPT Bina Daksa Pasuruan")
    await person.send("Jahit seragam")
    skip = person.last.reply_keyboard[-1][0].text if person.last.reply_keyboard else ""
    await person.send(skip)
    await person.press(person.last.button_labels[0])  # save


async def invited_client(
    harness: Harness,
    db: Database,
    *,
    first_name: str = "Siti",
    full_name: str = "Siti Rahayu",
    nik: str = NIK_SITI,
    region: str = "3522",
    language_code: str | None = "id",
    language_button: str = "Bahasa Indonesia",
) -> Person:
    """A client invited by her caseworker, who has opened the deep link and consented."""
    now = harness.clock.now()
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session, full_name=full_name, nik=nik, region_code=region, now=now, today=now.date()
        )
    person = harness.person(first_name, language_code)
    await person.send(f"/start {invitation.code}")
    await person.press(language_button)
    await person.press(person.last.button_labels[0])  # consent
    return person


async def file_report(
    person: Person,
    *,
    status_index: int = 0,
    income: str = "3jt",
    employees: str = "2",
    obstacles: tuple[int, ...] = (),
) -> list[SentMessage]:
    """A whole report by buttons, with the income typed; returns the bot's final answer."""
    await person.send("/lapor")
    await person.press(person.last.button_labels[status_index])
    await person.send(income)
    await person.press(employees)
    for index in obstacles:
        await person.press(person.last.button_labels[index])
    await person.press(person.last.button_labels[-1])  # no obstacles / continue
    await person.press(person.last.button_labels[-1])  # skip the photo
    return await person.press(person.last.button_labels[0])  # save


async def staff_member(
    harness: Harness,
    db: Database,
    *,
    role: StaffRole = StaffRole.CASEWORKER,
    first_name: str = "Bu Ani",
    full_name: str = "Ani Pendamping",
    regions: tuple[str, ...] = ("3522",),
) -> Person:
    """A staff member already linked to Telegram, who has written to the bot once."""
    person = harness.person(first_name, "id")
    async with db.transaction() as session:
        await staff.add_staff(
            session,
            telegram_id=person.id,
            role=role,
            full_name=full_name,
            now=harness.clock.now(),
            region_codes=regions,
        )
    await person.send("/start")
    return person
