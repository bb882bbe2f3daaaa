"""getUpdates long polling, offsets, callback queries and simulated users' other actions."""

from __future__ import annotations

import asyncio
import datetime as dtm

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict

from berdaya_sandbox.emulator import BotApiEmulator

from .conftest import make_bot


async def test_long_poll_returns_as_soon_as_a_user_sends(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    assert await emu.wait_for(lambda: emu.waiting_polls == 1, timeout=5)
    started = asyncio.get_running_loop().time()
    update_id = await siti.send("/start abc")
    async with asyncio.timeout(5):
        [update] = await poll
    assert asyncio.get_running_loop().time() - started < 5
    assert update.update_id == update_id == 1
    assert update.message is not None and update.message.text == "/start abc"
    assert update.message.from_user is not None
    assert update.message.from_user.language_code == "id"
    assert update.message.chat.id == siti.id
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)


async def test_long_poll_times_out_empty(emu: BotApiEmulator, bot: Bot) -> None:
    assert await bot.get_updates(timeout=dtm.timedelta(milliseconds=100)) == ()


async def test_offset_confirms_and_limit(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    budi = emu.user("Budi", language_code=None)
    for text in ("satu", "dua", "tiga"):
        await siti.send(text)
    await budi.send("/start@berdaya_test_bot")
    assert [u.update_id for u in await bot.get_updates(limit=2)] == [1, 2]
    # Unconfirmed updates come again.
    assert [u.update_id for u in await bot.get_updates()] == [1, 2, 3, 4]
    assert [u.update_id for u in await bot.get_updates(offset=3)] == [3, 4]
    assert emu.pending_updates == 2
    assert [u.update_id for u in await bot.get_updates(offset=1)] == [3, 4]
    [last] = await bot.get_updates(offset=-1)
    assert last.message is not None and last.message.from_user is not None
    assert last.message.from_user.language_code is None
    assert last.message.entities[0].length == len("/start@berdaya_test_bot")
    assert await bot.get_updates(offset=5) == ()
    assert emu.pending_updates == 0


async def test_a_newer_poll_ends_the_older_one_with_conflict(emu: BotApiEmulator, bot: Bot) -> None:
    # Two bot instances with one token, as when a second process starts by mistake.
    first = asyncio.create_task(bot.get_updates(timeout=30))
    assert await emu.wait_for(lambda: emu.waiting_polls == 1, timeout=5)
    async with make_bot(emu) as other_bot:
        second = asyncio.create_task(other_bot.get_updates(timeout=30))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        await emu.user("Siti").send("halo")
        assert len(await second) == 1


async def test_allowed_updates_filter(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("halo")
    await siti.send("/start")
    await bot.send_message(
        siti.id,
        "Pilih",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]]),
    )
    await siti.press("Ya")
    [update] = await bot.get_updates(allowed_updates=["callback_query"])
    assert update.callback_query is not None
    # The filter stays in force: messages are not kept for the bot at all.
    await siti.send("hilang")
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    # An empty list restores the default kinds.
    assert await bot.get_updates(allowed_updates=[]) == ()
    await siti.send("lagi")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["lagi"]


async def test_webhook_blocks_get_updates(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await emu.user("Siti").send("halo")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_press_reaches_get_updates_and_answer_once(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/lapor")
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Lancar", callback_data="status:ok")],
            [InlineKeyboardButton("Macet", callback_data="status:stuck")],
        ]
    )
    sent = await bot.send_message(siti.id, "Bagaimana usaha Anda?", reply_markup=markup)
    update_id = await siti.press("Macet")
    [update] = await bot.get_updates(offset=update_id)
    query = update.callback_query
    assert query is not None and query.data == "status:stuck"
    assert query.from_user.id == siti.id and query.chat_instance
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.message.text == "Bagaimana usaha Anda?"  # type: ignore[attr-defined]
    assert await query.answer("Dicatat", show_alert=True)
    with pytest.raises(BadRequest, match=r"^Query is too old and response timeout expired"):
        await query.answer("lagi")
    assert emu.calls[-1].description == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    [answer] = siti.callback_answers
    assert (answer.text, answer.show_alert, answer.data) == ("Dicatat", True, "status:stuck")


async def test_press_old_message_forged_data_and_missing_label(
    emu: BotApiEmulator, bot: Bot
) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    old = await bot.send_message(
        siti.id,
        "Lama",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Lancar", callback_data="old:ok")]]
        ),
    )
    await bot.send_message(
        siti.id,
        "Baru",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Lancar", callback_data="new:ok"),
                    InlineKeyboardButton("Situs", url="https://jatimprov.go.id"),
                ]
            ]
        ),
    )
    old_message = siti.messages[0]
    await siti.press("Lancar")
    await siti.press("Lancar", message=old_message)
    await siti.press("Lancar", message=old.message_id)
    await siti.press_data("forged:data")
    updates = await bot.get_updates(offset=2)
    data = [u.callback_query.data for u in updates if u.callback_query]
    assert data == ["new:ok", "old:ok", "old:ok", "forged:data"]
    assert updates[-1].callback_query is not None
    assert updates[-1].callback_query.message.text == "Baru"  # type: ignore[union-attr]
    with pytest.raises(AssertionError, match=r"no inline button 'Macet'.*\['Lancar', 'Situs'\]"):
        await siti.press("Macet")
    with pytest.raises(AssertionError, match="sends no callback"):
        await siti.press("Situs")
    await bot.delete_message(siti.id, old.message_id)
    with pytest.raises(AssertionError, match="is not in Siti's chat"):
        await siti.press("Lancar", message=old_message)


async def test_user_edits_and_media(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti", last_name="Aminah", username="siti_aminah")
    await siti.send("Omzet 3 juta")
    await siti.edit(siti.sent_message_ids[0], "Omzet 3,5 juta")
    await siti.send_sticker()
    await siti.send_voice()
    await siti.send_location()
    await siti.send_contact("+6289876543210", own=False, first_name="Budi")
    await siti.send_document(b"%PDF-1.4", file_name="nib.pdf")
    updates = await bot.get_updates()
    # The original update keeps the original text; the edit comes as its own update.
    assert updates[0].message is not None and updates[0].message.text == "Omzet 3 juta"
    assert updates[1].edited_message is not None
    assert updates[1].edited_message.text == "Omzet 3,5 juta"
    assert updates[1].edited_message.message_id == updates[0].message.message_id  # type: ignore[union-attr]
    messages = [u.message for u in updates[2:]]
    assert messages[0] is not None and messages[0].sticker is not None
    assert messages[1] is not None and messages[1].voice is not None
    assert messages[2] is not None and messages[2].location is not None
    assert messages[3] is not None and messages[3].contact is not None
    assert messages[3].contact.user_id is None
    assert messages[4] is not None and messages[4].document is not None
    assert messages[4].document.file_name == "nib.pdf"
    assert messages[0].chat.username == "siti_aminah"
    assert [m.message_id for m in messages if m] == [2, 3, 4, 5, 6]


async def test_wait_for_messages_times_out_with_transcript(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    await bot.send_message(siti.id, "Halo")
    assert [m.text for m in await siti.wait_for_messages(1)] == ["Halo"]
    with pytest.raises(AssertionError, match="#2: Halo"):
        await siti.wait_for_messages(2, timeout=0.05)
