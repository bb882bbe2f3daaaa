"""Telegram's command menu ("/" list) for everyone and for each staff member's chat, over the
emulator: staff added from the shell, invited through /staf, given another role or deactivated.

`harness.emulator.commands` holds every setMyCommands call by (scope, language): everyone's
list is `("all_private_chats", <language>)`, a staff member's own list `("chat:<id>", "")`.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.vocabulary import StaffRole
from bot.i18n import LANGUAGES, translator
from bot.services import staff
from bot.storage.db import Database
from bot.storage.models import Staff
from tests.e2e.dialogs import staff_member
from tests.e2e.test_staff_admin import invite
from tests.harness import Harness, Person

CLIENT_ONLY = ("lapor", "berhenti", "mulai", "dataku", "perbaiki", "hapus", "privasi")


ADMIN_ONLY = ("staf", "jadwal")


def expected(
    harness: Harness, role: StaffRole | None, language: str = "id"
) -> list[dict[str, str]]:
    """The list the registry generates for a role (None: clients and newcomers)."""
    lines = harness.parts.registry.command_lines(translator(language), role)
    return [{"command": line.name, "description": line.description} for line in lines]


def chat_menu(harness: Harness, person: Person) -> list[dict[str, str]]:
    """The commands set for one chat ([] when none: the chat shows everyone's list)."""
    return harness.emulator.commands.lookup(f"chat:{person.id}", None)


def names(commands: list[dict[str, str]]) -> list[str]:
    return [c["command"] for c in commands]


def calls_for(harness: Harness, person: Person) -> int:
    """setMyCommands and deleteMyCommands calls for one chat so far."""
    calls = harness.emulator.calls_to("setMyCommands") + harness.emulator.calls_to(
        "deleteMyCommands"
    )
    return sum(1 for call in calls if str(person.id) in str(call.params.get("scope", "")))


async def _stored_menu(db: Database, person: Person) -> str | None:
    async with db.transaction() as session:
        found = await session.execute(
            select(Staff.command_menu).where(Staff.telegram_id == person.id)
        )
        return found.scalar_one()


async def test_everyone_s_list_has_the_client_commands_in_each_language(
    harness: Harness,
) -> None:
    commands = harness.emulator.commands
    for language in LANGUAGES:
        listed = commands[("all_private_chats", language)]
        assert listed == expected(harness, None, language), language
        assert set(CLIENT_ONLY) <= set(names(listed))
        assert not set(ADMIN_ONLY) & set(names(listed))
    assert commands[("all_private_chats", "")] == commands[("all_private_chats", "id")]
    jv, en = commands[("all_private_chats", "jv")], commands[("all_private_chats", "en")]
    indonesian = commands[("all_private_chats", "id")]
    lapor = names(indonesian).index("lapor")
    assert indonesian[lapor]["description"] == "Laporkan keadaan usaha"
    assert jv[lapor]["description"] != indonesian[lapor]["description"]
    assert en[lapor]["description"] != indonesian[lapor]["description"]


async def _added_from_the_shell(harness: Harness, db: Database, person: Person) -> None:
    async with db.transaction() as session:  # what `berdaya staff add` does, in its own process
        await staff.add_staff(
            session,
            telegram_id=person.id,
            role=StaffRole.CASEWORKER,
            full_name="Ani Pendamping",
            now=harness.clock.now(),
            region_codes=["3522"],
        )


async def test_a_caseworker_added_from_the_shell_gets_her_commands_at_the_next_tick(
    harness: Harness, db: Database
) -> None:
    ani = harness.person("Ani", "id")
    await ani.send("/start")  # she opened the bot once, before she was staff
    await _added_from_the_shell(harness, db, ani)
    assert chat_menu(harness, ani) == []
    assert await harness.parts.menus.sync_changed() == 1  # the staff-menus tick
    menu = chat_menu(harness, ani)
    assert menu == expected(harness, StaffRole.CASEWORKER)
    assert not set(CLIENT_ONLY + ADMIN_ONLY) & set(names(menu))
    assert await _stored_menu(db, ani) is not None
    before = calls_for(harness, ani)
    assert await harness.parts.menus.sync_changed() == 0  # set once, not at every tick
    await ani.send("/bantuan")  # nor at her next message
    assert calls_for(harness, ani) == before


async def test_one_who_never_opened_the_bot_gets_her_commands_with_her_first_message(
    harness: Harness, db: Database
) -> None:
    ani = harness.person("Ani", "id")
    await _added_from_the_shell(harness, db, ani)
    assert await harness.parts.menus.sync_changed() == 0  # her chat does not exist yet
    assert chat_menu(harness, ani) == []
    reply = await ani.send("/start")
    assert "<b>Menu staf</b>" not in reply[-1].text  # (HTML is stripped by the emulator)
    assert "Menu staf · Pendamping" in reply[-1].text
    assert chat_menu(harness, ani) == expected(harness, StaffRole.CASEWORKER)


async def _invited_partner_opens_her_link(harness: Harness, db: Database) -> Person:
    """An admin invites Dewi as a partner officer through /staf; Dewi opens the deep link."""
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    assert chat_menu(harness, admin) == expected(harness, StaffRole.ADMIN)
    assert set(ADMIN_ONLY) <= set(names(chat_menu(harness, admin)))
    payload = await invite(admin, "Dewi Mitra", "Petugas mitra OPD")
    dewi = harness.person("Dewi", "id")
    reply = await dewi.send(f"/start {payload}")
    assert "Selamat bergabung, Dewi Mitra" in dewi.text(reply)
    return dewi


async def test_staff_invited_through_staf_get_their_commands_when_they_open_the_link(
    harness: Harness, db: Database
) -> None:
    dewi = await _invited_partner_opens_her_link(harness, db)
    # Her own list is set in the turn that links her (command_menus.py: "set when she links").
    assert chat_menu(harness, dewi) == expected(harness, StaffRole.PARTNER)


async def test_staff_invited_through_staf_keep_their_commands_without_more_calls(
    harness: Harness, db: Database
) -> None:
    dewi = await _invited_partner_opens_her_link(harness, db)
    assert await harness.parts.menus.sync_changed() == 0  # set in the turn that linked her
    assert chat_menu(harness, dewi) == expected(harness, StaffRole.PARTNER)
    assert not set(CLIENT_ONLY + ADMIN_ONLY) & set(names(chat_menu(harness, dewi)))
    before = calls_for(harness, dewi)
    reply = await dewi.send("/start")
    assert "Menu staf · Petugas mitra OPD" in reply[-1].text
    assert calls_for(harness, dewi) == before


async def test_an_invited_caseworker_gets_her_commands_in_her_language(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    payload = await invite(admin, "Ani Pendamping", "Pendamping", "Kab. Malang")
    ani = harness.person("Ani", "jv")
    await ani.send(f"/start {payload}")
    await ani.send("/bantuan")
    assert chat_menu(harness, ani) == expected(harness, StaffRole.CASEWORKER, "jv")


async def test_a_role_change_and_a_deactivation_in_staf_change_the_chat_s_commands(
    harness: Harness, db: Database
) -> None:
    admin = await staff_member(harness, db, role=StaffRole.ADMIN, regions=())
    ani = await staff_member(harness, db, first_name="Bu Ani", full_name="Ani Pendamping")
    assert chat_menu(harness, ani) == expected(harness, StaffRole.CASEWORKER)

    await admin.send("/staf")
    await admin.press("👤 Ani Pendamping · Pendamping")
    await admin.press("🔁 Ubah peran")
    await admin.press("Administrator")
    assert chat_menu(harness, admin) == expected(harness, StaffRole.ADMIN)  # the admin's own
    assert await harness.parts.menus.sync_changed() == 1  # Ani's, within seconds
    assert chat_menu(harness, ani) == expected(harness, StaffRole.ADMIN)
    assert set(ADMIN_ONLY) <= set(names(chat_menu(harness, ani)))

    reply = await admin.press("⛔ Nonaktifkan")
    assert "Staf dinonaktifkan" in admin.text(reply)
    await ani.send("/bantuan")  # her next update removes her list, even before the tick
    assert chat_menu(harness, ani) == []
    assert ("chat:" + str(ani.id), "") not in harness.emulator.commands
    assert await harness.parts.menus.sync_changed() == 0

    await admin.press("✅ Aktifkan lagi")
    assert await harness.parts.menus.sync_changed() == 1
    assert chat_menu(harness, ani) == expected(harness, StaffRole.ADMIN)
    await admin.press("🔁 Ubah peran")
    await admin.press("Pendamping")
    await harness.stop()
    await harness.start()  # at start, every chat whose list is out of date is set again
    assert chat_menu(harness, ani) == expected(harness, StaffRole.CASEWORKER)
    assert chat_menu(harness, admin) == expected(harness, StaffRole.ADMIN)
