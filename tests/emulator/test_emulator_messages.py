"""Sending, editing and deleting through PTB's real Bot, and the errors Telegram would give."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from berdaya_sandbox.emulator import BotApiEmulator, SentMessage
from berdaya_sandbox.emulator.files import sample_png

from .conftest import make_bot


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"pick:{label}") for label in labels]]
    )


async def test_send_edit_delete_round_trip_and_transcript(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    events: list[tuple[str, int, int]] = []
    emu.add_listener(lambda event, chat_id, m: events.append((event, chat_id, m.message_id)))

    sent = await bot.send_message(
        siti.id,
        "<b>Halo</b> Siti &amp; keluarga",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("Lancar", "Macet"),
    )
    assert sent.text == "Halo Siti & keluarga"
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.chat.id == siti.id and sent.chat.type == "private"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 4
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][1].callback_data == "pick:Macet"

    edited = await bot.edit_message_text(
        "Terima kasih", chat_id=siti.id, message_id=sent.message_id
    )
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    await bot.delete_message(siti.id, sent.message_id)

    [message] = siti.messages
    assert message.text == "Terima kasih" and message.html is None
    assert message.history == ["Halo Siti & keluarga"]
    assert message.edited and message.deleted
    # Editing without reply_markup removes the inline keyboard, as Telegram does.
    assert message.inline_keyboard == []
    assert events == [("sent", siti.id, 2), ("edited", siti.id, 2), ("deleted", siti.id, 2)]
    assert [c.method for c in emu.calls if c.method != "getMe"] == [
        "sendMessage",
        "editMessageText",
        "deleteMessage",
    ]
    assert emu.calls_to("sendmessage")[0].params["chat_id"] == siti.id
    assert emu.calls_to("sendMessage")[0].params["reply_markup"]["inline_keyboard"]


async def test_keyboards_are_recorded(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("halo")
    await bot.send_message(
        siti.id,
        "Bagikan nomor Anda",
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("Bagikan nomor", request_contact=True)], ["Batal"]],
            resize_keyboard=True,
        ),
    )
    assert siti.last.reply_labels == ["Bagikan nomor", "Batal"]
    assert siti.last.reply_keyboard is not None and siti.last.reply_keyboard[0][0].request_contact
    await bot.send_message(siti.id, "Balas pesan ini", reply_markup=ForceReply())
    assert siti.last.force_reply
    # The reply keyboard stays on screen until removed.
    assert siti.reply_keyboard is not None
    await bot.send_message(siti.id, "Oke", reply_markup=ReplyKeyboardRemove())
    assert siti.last.keyboard_removed and siti.reply_keyboard is None


async def test_tap_reply_button_sends_contact(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti", phone_number="+6281234567890")
    await siti.send("/start")
    await bot.send_message(
        siti.id,
        "Bagikan nomor",
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("Bagikan nomor", request_contact=True), "Nanti saja"]]
        ),
    )
    await siti.tap_reply_button("Bagikan nomor")
    await siti.tap_reply_button("Nanti saja")
    updates = await bot.get_updates()
    contact = updates[1].message.contact  # type: ignore[union-attr]
    assert contact is not None and contact.user_id == siti.id
    assert contact.phone_number == "+6281234567890"
    assert updates[2].message is not None and updates[2].message.text == "Nanti saja"
    with pytest.raises(AssertionError, match="no reply button 'Ya'"):
        await siti.tap_reply_button("Ya")


async def test_text_limits(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(siti.id, "   ")
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(siti.id, "x" * 4097)
    # The limit applies to the text after entity parsing, so markup does not count.
    html = "<b>" + "x" * 4096 + "</b>"
    assert (await bot.send_message(siti.id, html, parse_mode=ParseMode.HTML)).text
    # HTML that leaves no text is empty too.
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(siti.id, "<b> </b>", parse_mode=ParseMode.HTML)
    assert emu.calls_to("sendMessage")[0].description == "Bad Request: message text is empty"


@pytest.mark.parametrize("data", ["", "x" * 65, "é" * 33])
async def test_callback_data_must_be_1_to_64_bytes(
    emu: BotApiEmulator, bot: Bot, data: str
) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Lancar", callback_data=data)]])
    # PTB capitalizes the description after stripping "Bad Request: ".
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(siti.id, "x", reply_markup=markup)
    assert emu.calls[-1].description == "Bad Request: BUTTON_DATA_INVALID"


async def test_callback_data_of_64_bytes_is_fine(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    sent = await bot.send_message(
        siti.id, "x", reply_markup=keyboard("a" * 58)
    )  # "pick:" + 58 = 63 bytes
    assert sent.reply_markup is not None
    await bot.send_message(
        siti.id,
        "x",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("é", callback_data="é" * 32)]]),
    )


async def test_html_errors_surface_as_bad_request(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    cases = {
        "<br>": 'Unsupported start tag "br" at byte offset 0',
        "Rp <b>3 juta": 'Can\'t find end tag corresponding to start tag "b"',
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        "3 < 5": 'Unsupported start tag "" at byte offset 2',
        "Tom & Jerry": 'Character "&" at byte offset 4',
    }
    for html, error in cases.items():
        with pytest.raises(BadRequest) as caught:
            await bot.send_message(siti.id, html, parse_mode=ParseMode.HTML)
        description = emu.calls[-1].description or ""
        assert description.startswith("Bad Request: can't parse entities: " + error), html
        assert caught.value.message.startswith("Can't parse entities: ")
    assert siti.messages == []


async def test_edit_errors(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    sent = await bot.send_message(siti.id, "Pilih", reply_markup=keyboard("Lancar"))
    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message"):
        await bot.edit_message_text(
            "Pilih", chat_id=siti.id, message_id=sent.message_id, reply_markup=keyboard("Lancar")
        )
    assert emu.calls[-1].description == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(
            siti.id, sent.message_id, reply_markup=keyboard("Lancar")
        )
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=siti.id, message_id=999)
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_text("x", chat_id=siti.id, message_id=siti.sent_message_ids[0])
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(siti.id, 999)
    await bot.edit_message_reply_markup(siti.id, sent.message_id, reply_markup=None)
    assert siti.last.inline_keyboard == [] and siti.last.text == "Pilih"
    await bot.delete_message(siti.id, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(siti.id, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=siti.id, message_id=sent.message_id)


async def test_chat_errors(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(siti.id, "halo")
    await siti.send("/start")
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(12345, "halo")
    emu.block(siti.id)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(siti.id, "halo")
    with pytest.raises(AssertionError, match="blocked the bot"):
        await siti.send("halo")
    emu.unblock(siti.id)
    assert (await bot.send_message(siti.id, "halo lagi")).text == "halo lagi"
    updates = await bot.get_updates(offset=2)
    kinds = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert kinds == ["kicked", "member"]


async def test_retry_after_on_demand(
    emu: BotApiEmulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    siti = emu.user("Siti")
    await siti.send("/start")
    emu.fail_next("sendMessage", retry_after=3, times=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(siti.id, "halo")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    failed = emu.calls[-1]
    assert (failed.status, failed.description) == (429, "Too Many Requests: retry after 3")
    assert (await bot.send_message(siti.id, "halo")).text == "halo"
    assert len(siti.messages) == 1


async def test_unknown_method_and_wrong_token(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("send_pigeon", api_kwargs={"chat_id": 1})
    assert [c.method for c in emu.unknown_calls] == ["sendPigeon"]
    assert emu.unknown_calls[0].status == 404
    with pytest.raises(InvalidToken):
        async with make_bot(emu, token="654321:WRONG-TOKEN"):
            pass
    assert (await bot.get_me()).username == "berdaya_test_bot"
    # Method names are case-insensitive, like Telegram's.
    assert (await bot.do_api_request("GETME"))["id"] == 123456


async def test_photo_upload_then_download(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    png = sample_png(200, 100)
    sent = await bot.send_photo(
        siti.id, png, caption="<i>Sertifikat</i>", parse_mode=ParseMode.HTML
    )
    assert [(p.width, p.height) for p in sent.photo] == [(90, 45), (200, 100)]
    assert sent.caption == "Sertifikat"
    assert emu.calls_to("sendPhoto")[0].uploads["photo"].data == png
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None and file.file_path.startswith(emu.base_url)
    assert bytes(await file.download_as_bytearray()) == png
    # An existing file_id is re-sent without an upload.
    again = await bot.send_photo(siti.id, sent.photo[-1].file_id)
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    message: SentMessage = siti.last
    assert message.photo is not None and message.text == "" and not message.has_text
    with pytest.raises(BadRequest, match=r"^Wrong file identifier/http url specified$"):
        await bot.send_photo(siti.id, "no-such-file")
    with pytest.raises(BadRequest, match=r"^Invalid file_id$"):
        await bot.get_file("no-such-file")


async def test_document_upload_and_user_photo_download(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send_photo(sample_png(10, 10), caption="usaha saya")
    sent = await bot.send_document(siti.id, b"a;b\n1;2\n", filename="laporan.csv")
    assert sent.document is not None and sent.document.file_name == "laporan.csv"
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None and file.file_path.endswith(".csv")
    assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"
    with pytest.raises(BadRequest, match=r"^Type of file mismatch$"):
        await bot.send_photo(siti.id, sent.document.file_id)
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.caption == "usaha saya"
    photo = await update.message.photo[-1].get_file()
    assert bytes(await photo.download_as_bytearray()) == sample_png(10, 10)


async def test_media_group_by_file_id_and_its_limits(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    photos = [(await bot.send_photo(siti.id, sample_png(5, 5 + i))).photo[-1] for i in range(3)]
    document = await bot.send_document(siti.id, b"%PDF", filename="ktp.pdf")
    assert document.document is not None

    album = await bot.send_media_group(
        siti.id,
        [
            InputMediaPhoto(photos[0].file_id, caption="<b>Foto</b>", parse_mode=ParseMode.HTML),
            InputMediaPhoto(photos[1].file_id),
            InputMediaPhoto(photos[2].file_id),
        ],
    )
    assert [m.photo[-1].file_id for m in album] == [p.file_id for p in photos]
    assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
    assert [m.caption for m in album] == ["Foto", None, None]
    assert siti.last.media_group_id == album[0].media_group_id

    with pytest.raises(BadRequest, match="mixed"):
        await bot.send_media_group(
            siti.id,
            [InputMediaPhoto(photos[0].file_id), InputMediaDocument(document.document.file_id)],
        )
    with pytest.raises(BadRequest, match="Wrong number of media"):
        await bot.send_media_group(siti.id, [InputMediaPhoto(p.file_id) for p in photos * 4])
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_media_group(siti.id, [InputMediaPhoto("nope"), InputMediaPhoto("nope")])
    before = len(siti.messages)
    emu.fail_next("sendMediaGroup", error_code=502, description="Bad Gateway")
    with pytest.raises(NetworkError):
        await bot.send_media_group(siti.id, [InputMediaPhoto(p.file_id) for p in photos[:2]])
    assert len(siti.messages) == before  # an album arrives whole or not at all


async def test_download_faults_on_demand(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send_photo(sample_png(4, 4))
    file_id = emu.state.files.all()[-1].file_id
    emu.fail_next("download", error_code=502, description="Bad Gateway")
    found = await bot.get_file(file_id)
    with pytest.raises(NetworkError):
        await found.download_as_bytearray()
    assert bytes(await found.download_as_bytearray()) == sample_png(4, 4)


async def test_commands_and_chat_action(emu: BotApiEmulator, bot: Bot) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    await bot.set_my_commands([("start", "Mulai"), ("lapor", "Lapor usaha")])
    await bot.set_my_commands([("start", "Start")], language_code="en")
    assert emu.commands[("default", None)] == [
        {"command": "start", "description": "Mulai"},
        {"command": "lapor", "description": "Lapor usaha"},
    ]
    assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["start"]
    await bot.delete_my_commands(language_code="en")
    assert ("default", "en") not in emu.commands
    with pytest.raises(BadRequest, match=r"^Bot_command_invalid$"):
        await bot.set_my_commands([("Lapor-Usaha", "x")])
    await bot.send_chat_action(siti.id, "typing")
    assert siti.chat_actions == ["typing"]
