"""Photos and documents people send: downloaded into the media folder by the media job, shown
again to staff by file id through the outbox, and erased with their request.

Over the real application and the emulator: getFile and the download over HTTP, the files on
disk, sendPhoto / sendDocument / sendMediaGroup by file id, with the emulator's faults.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from berdaya_sandbox.emulator import SentMessage
from berdaya_sandbox.emulator.files import sample_png
from bot.chat.messages import Button
from bot.services import accounts, media, outbox
from bot.services.media import FileRef
from bot.storage.db import Database
from bot.storage.models import MediaFile, MediaKind, MediaOwner, OutboxMessage, OutboxStatus
from handlers.media import DownloadResult, download_due, download_job
from tests.harness import Harness, Person

REQUEST_ID = 7


async def _photo_from(person: Person, data: bytes) -> str:
    """The person sends a photo to the bot; the file id Telegram gave it."""
    await person.do(person.user.send_photo(data))
    stored = person.harness.emulator.state.files.all()[-1]
    assert stored.data == data
    return stored.file_id


async def _attach(db: Database, harness: Harness, *refs: FileRef) -> list[MediaFile]:
    async with db.transaction() as session:
        return await media.attach(
            session,
            owner=MediaOwner.MARKETING,
            owner_id=REQUEST_ID,
            files=list(refs),
            now=harness.clock.now(),
        )


async def _rows(db: Database) -> list[MediaFile]:
    async with db.transaction() as session:
        return list(await session.scalars(select(MediaFile).order_by(MediaFile.id)))


async def _tick(harness: Harness) -> DownloadResult:
    result = await harness.run_job(download_job)
    assert isinstance(result, DownloadResult)
    return result


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_photo_she_sent_is_downloaded_into_the_media_folder_readable_by_the_bot_only(
    harness: Harness, db: Database, log_lines: Callable[[], str]
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    data = sample_png(40, 30) + b"batik tulis"
    file_id = await _photo_from(siti, data)
    [attached] = await _attach(db, harness, FileRef(file_id))

    assert await _tick(harness) == DownloadResult(stored=1)

    [row] = await _rows(db)
    assert row.path == f"marketing/{REQUEST_ID}/{attached.id}.jpg"
    assert row.size == len(data)
    assert row.stored_at == harness.clock.now()
    on_disk = harness.media_dir / row.path
    assert on_disk.read_bytes() == data  # exactly what Telegram holds
    assert _mode(on_disk) == 0o600
    assert _mode(on_disk.parent) == 0o700
    assert _mode(harness.media_dir / "marketing") == 0o700
    assert _mode(harness.media_dir) == 0o700
    assert [p.name for p in on_disk.parent.iterdir()] == [on_disk.name]  # no temporary left
    assert file_id not in log_lines() and row.path not in log_lines()  # ids only in the log

    assert await _tick(harness) == DownloadResult()  # done once; the next tick has nothing
    assert len(harness.emulator.calls_to("getFile")) == 1


async def test_a_document_keeps_its_extension(harness: Harness, db: Database) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    await siti.do(siti.user.send_document(b"%PDF-1.4 surat keterangan usaha", "SKU Siti.pdf"))
    stored = harness.emulator.state.files.all()[-1]
    [attached] = await _attach(
        db, harness, FileRef(stored.file_id, MediaKind.DOCUMENT, "SKU Siti.pdf", "application/pdf")
    )

    await _tick(harness)

    [row] = await _rows(db)
    assert row.path == f"marketing/{REQUEST_ID}/{attached.id}.pdf"  # ids only, no file name
    assert (harness.media_dir / row.path).read_bytes() == b"%PDF-1.4 surat keterangan usaha"


async def test_a_502_on_getfile_is_tried_again_after_a_backoff(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    file_id = await _photo_from(siti, sample_png(20, 20))
    await _attach(db, harness, FileRef(file_id))
    harness.emulator.fail_next("getFile", error_code=502, description="Bad Gateway")

    assert await _tick(harness) == DownloadResult(retrying=1)
    [row] = await _rows(db)
    assert (row.stored_at, row.attempts, row.last_error) == (None, 1, "NetworkError")
    assert await _tick(harness) == DownloadResult()  # not before its backoff (30 s)

    harness.clock.advance(timedelta(seconds=30))
    assert await _tick(harness) == DownloadResult(stored=1)
    [row] = await _rows(db)
    assert row.path is not None and row.last_error is None and row.retry_at is None
    assert (harness.media_dir / row.path).read_bytes() == sample_png(20, 20)


async def test_a_failed_download_after_getfile_is_tried_again(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    file_id = await _photo_from(siti, sample_png(10, 10))
    await _attach(db, harness, FileRef(file_id))
    harness.emulator.fail_next("download", error_code=500, description="Internal Server Error")

    assert await _tick(harness) == DownloadResult(retrying=1)
    assert list(harness.media_dir.rglob("*.jpg")) == []

    harness.clock.advance(timedelta(seconds=30))
    assert await _tick(harness) == DownloadResult(stored=1)


async def test_a_media_folder_that_cannot_be_written_is_tried_again_later(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    await _attach(db, harness, FileRef(await _photo_from(siti, sample_png(6, 6))))
    harness.media_dir.write_bytes(b"")  # a file where the folder should be: a broken disk

    assert await _tick(harness) == DownloadResult(retrying=1)
    [row] = await _rows(db)
    assert (row.stored_at, row.last_error) == (None, "FileExistsError")

    harness.media_dir.unlink()  # repaired
    harness.clock.advance(timedelta(seconds=30))
    assert await _tick(harness) == DownloadResult(stored=1)
    [row] = await _rows(db)
    assert (harness.media_dir / str(row.path)).read_bytes() == sample_png(6, 6)


async def test_a_429_on_getfile_waits_exactly_as_long_as_asked(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    await _attach(db, harness, FileRef(await _photo_from(siti, sample_png(8, 8))))
    harness.emulator.fail_next("getFile", retry_after=120)

    assert await _tick(harness) == DownloadResult(retrying=1)
    harness.clock.advance(timedelta(seconds=119))
    assert await _tick(harness) == DownloadResult()
    harness.clock.advance(timedelta(seconds=1))
    assert await _tick(harness) == DownloadResult(stored=1)


async def test_a_file_telegram_refuses_is_given_up_after_three_attempts_and_recorded(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    await _attach(db, harness, FileRef(await _photo_from(siti, sample_png(12, 12))))
    harness.emulator.fail_next(
        "getFile", error_code=400, description="Bad Request: file is too big", times=3
    )

    assert await _tick(harness) == DownloadResult(retrying=1)  # refused once: tried again
    harness.clock.advance(timedelta(seconds=30))
    assert await _tick(harness) == DownloadResult(retrying=1)
    harness.clock.advance(timedelta(seconds=60))
    assert await _tick(harness) == DownloadResult(given_up=1)

    [refused] = await _rows(db)
    assert (refused.stored_at, refused.path) == (None, None)
    assert refused.attempts == 3
    assert refused.last_error == "File is too big"
    assert refused.retry_at is None  # given up
    assert list(harness.media_dir.rglob("*.jpg")) == []
    harness.clock.advance(timedelta(days=2))
    assert await _tick(harness) == DownloadResult()
    assert len(harness.emulator.calls_to("getFile")) == 3  # never asked for again


async def test_staff_see_three_photos_as_one_album_with_the_caption(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    ids = [await _photo_from(siti, sample_png(30 + i, 20)) for i in range(3)]
    files = await _attach(db, harness, *(FileRef(i) for i in ids))
    budi = harness.person("Budi")
    await budi.send("/start")

    async with db.transaction() as session:
        await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="📷 <b>Foto produk</b> — permintaan #7",
            media=media.as_outbox_media(files),
            purpose="alert",
            now=harness.clock.now(),
            dedupe_key="mr:7:photos",
        )
        again = await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="📷 <b>Foto produk</b> — permintaan #7",
            media=media.as_outbox_media(files),
            purpose="alert",
            now=harness.clock.now(),
            dedupe_key="mr:7:photos",
        )
    assert again is None
    before = len(budi.messages)
    assert await harness.deliver() == 1

    album = budi.messages[before:]
    assert [m.photo[-1].file_id for m in album if m.photo] == ids
    assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
    assert [m.caption for m in album] == ["📷 Foto produk — permintaan #7", None, None]
    assert album[0].caption_html == "📷 <b>Foto produk</b> — permintaan #7"
    assert [m.photo[-1].file_id for m in siti.messages if m.photo] == []  # never to her


async def test_one_photo_comes_with_its_caption_and_buttons(harness: Harness, db: Database) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    files = await _attach(db, harness, FileRef(await _photo_from(siti, sample_png(50, 40))))
    budi = harness.person("Budi")
    await budi.send("/start")

    async with db.transaction() as session:
        await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="Permintaan #7: batik tulis",
            media=media.as_outbox_media(files),
            buttons=((Button("✋ Saya tangani", "x:7"), Button("Tutup", "x:8")),),
            purpose="alert",
            now=harness.clock.now(),
        )
    await harness.deliver()

    shown = budi.last
    assert shown.photo is not None and shown.photo[-1].file_id == files[0].file_id
    assert shown.caption == "Permintaan #7: batik tulis"
    assert shown.button_labels == ["✋ Saya tangani", "Tutup"]


async def test_documents_by_file_id_one_with_buttons_and_two_as_an_album(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    ids = []
    for name in ("KTP.pdf", "SKU.pdf"):
        await siti.do(siti.user.send_document(b"%PDF " + name.encode(), name))
        ids.append(harness.emulator.state.files.all()[-1].file_id)
    budi = harness.person("Budi")
    await budi.send("/start")

    async with db.transaction() as session:
        for media_ids, text in (([ids[0]], "KTP"), (ids, "Dokumen lamaran #3")):
            await outbox.enqueue(
                session,
                chat_id=budi.id,
                text=text,
                media=[(MediaKind.DOCUMENT.value, i) for i in media_ids],
                buttons=((Button("Tinjau", "x:3"),),) if len(media_ids) == 1 else (),
                purpose="alert",
                now=harness.clock.now(),
            )
    before = len(budi.messages)
    await harness.deliver()

    single, *album = budi.messages[before:]
    assert single.document is not None and single.document.file_id == ids[0]
    assert (single.caption, single.button_labels) == ("KTP", ["Tinjau"])
    assert [m.document.file_id for m in album if m.document] == ids
    assert [m.caption for m in album] == ["Dokumen lamaran #3", None]


async def test_an_album_answered_429_or_502_comes_once_after_the_wait(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    files = await _attach(
        db, harness, *[FileRef(await _photo_from(siti, sample_png(9, 9 + i))) for i in range(2)]
    )
    budi = harness.person("Budi")
    await budi.send("/start")
    harness.emulator.fail_next("sendMediaGroup", retry_after=3)
    harness.emulator.fail_next("sendMediaGroup", error_code=502, description="Bad Gateway")
    async with db.transaction() as session:
        await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="Foto",
            media=media.as_outbox_media(files),
            purpose="alert",
            now=harness.clock.now(),
        )
    before = len(budi.messages)

    assert await harness.deliver() == 0  # 429: wait 3 s
    harness.clock.advance(timedelta(seconds=2))
    assert await harness.deliver() == 0  # not yet
    harness.clock.advance(timedelta(seconds=1))
    assert await harness.deliver() == 0  # 502: again after a backoff
    harness.clock.advance(timedelta(seconds=2))
    assert await harness.deliver() == 1

    assert len(budi.messages[before:]) == 2  # the album, once
    assert len(harness.emulator.calls_to("sendMediaGroup")) == 3


async def _outbox_rows(db: Database, chat_id: int) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id, OutboxMessage.purpose == "alert")
                .order_by(OutboxMessage.id)
            )
        )


def _bytes_shown(harness: Harness, message: SentMessage) -> bytes:
    """The content of the photo or document a message shows, as Telegram holds it."""
    file_id = message.photo[-1].file_id if message.photo else message.document.file_id  # type: ignore[union-attr]
    stored = harness.emulator.state.files.get(file_id)
    assert stored is not None
    return stored.data


async def test_an_album_whose_file_ids_telegram_refuses_is_uploaded_from_the_media_folder(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    photos = [sample_png(7, 7 + i) + b"batik" for i in range(2)]
    ids = [await _photo_from(siti, data) for data in photos]
    files = await _attach(db, harness, *(FileRef(i) for i in ids))
    assert await _tick(harness) == DownloadResult(stored=2)
    for file_id in ids:  # Telegram no longer holds them
        harness.emulator.forget_file(file_id)
    budi = harness.person("Budi")
    await budi.send("/start")
    async with db.transaction() as session:
        for text, media_of in (("Foto", media.as_outbox_media(files)), ("Sesudahnya", ())):
            await outbox.enqueue(
                session,
                chat_id=budi.id,
                text=text,
                media=media_of,
                purpose="alert",
                now=harness.clock.now(),
            )
    before = len(budi.messages)

    await harness.deliver()

    *album, after = budi.messages[before:]
    assert [_bytes_shown(harness, m) for m in album] == photos  # the stored copies, in order
    assert len({m.media_group_id for m in album}) == 1 and album[0].caption == "Foto"
    assert after.text == "Sesudahnya"
    assert [r.status for r in await _outbox_rows(db, budi.id)] == ["sent", "sent"]
    uploads = harness.emulator.calls_to("sendMediaGroup")[-1].uploads
    assert sorted(u.data for u in uploads.values()) == sorted(photos)


async def test_a_file_never_downloaded_is_named_in_a_note_and_the_message_still_arrives(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    kept = sample_png(9, 4)
    [first] = await _attach(db, harness, FileRef(await _photo_from(siti, kept)))
    assert await _tick(harness) == DownloadResult(stored=1)
    [second] = await _attach(db, harness, FileRef(await _photo_from(siti, sample_png(9, 5))))
    lone = await _photo_from(siti, sample_png(9, 6))  # never attached, never downloaded
    for file_id in (first.file_id, second.file_id, lone):
        harness.emulator.forget_file(file_id)
    budi = harness.person("Budi")
    await budi.send("/start")
    async with db.transaction() as session:
        await accounts.record_consent(  # Budi reads English
            session, telegram_id=budi.id, language="en", now=harness.clock.now()
        )
        await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="Foto",
            media=media.as_outbox_media([first, second]),
            purpose="alert",
            now=harness.clock.now(),
        )
        await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="Permintaan #7",
            media=[(MediaKind.PHOTO.value, lone)],
            buttons=((Button("✋ Saya tangani", "x:7"),),),
            purpose="alert",
            now=harness.clock.now(),
        )
    before = len(budi.messages)

    await harness.deliver()

    one, text_only = budi.messages[before:]
    assert _bytes_shown(harness, one) == kept  # the one stored copy, with the note
    assert one.caption == "Foto\n\n⚠️ 1 file can no longer be shown."
    assert text_only.photo is None and text_only.button_labels == ["✋ Saya tangani"]
    assert text_only.text == "Permintaan #7\n\n⚠️ 1 file can no longer be shown."
    assert [r.status for r in await _outbox_rows(db, budi.id)] == ["sent", "sent"]


async def test_an_album_refused_for_another_reason_is_failed_and_the_next_message_goes_on(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    files = await _attach(
        db, harness, *[FileRef(await _photo_from(siti, sample_png(7, 7 + i))) for i in range(2)]
    )
    assert await _tick(harness) == DownloadResult(stored=2)  # a stored copy changes nothing
    budi = harness.person("Budi")
    await budi.send("/start")
    harness.emulator.fail_next(
        "sendMediaGroup", error_code=400, description="Bad Request: message caption is too long"
    )
    async with db.transaction() as session:
        await outbox.enqueue(
            session,
            chat_id=budi.id,
            text="Foto",
            media=media.as_outbox_media(files),
            purpose="alert",
            now=harness.clock.now(),
        )
        await outbox.enqueue(
            session, chat_id=budi.id, text="Sesudahnya", purpose="alert", now=harness.clock.now()
        )

    await harness.deliver()

    rows = await _outbox_rows(db, budi.id)
    assert [r.status for r in rows] == [OutboxStatus.FAILED.value, OutboxStatus.SENT.value]
    assert rows[0].last_error == "Message caption is too long"
    assert budi.last.text == "Sesudahnya"
    assert not any(m.photo for m in budi.messages)


class _ErasedWhileDownloading:
    """Telegram's files, with the request erased (/hapus) while its photo is on the wire."""

    def __init__(self, harness: Harness, db: Database) -> None:
        self.real = harness.parts.sender.files
        self.db = db

    async def fetch(self, file_id: str) -> media.Fetched:
        fetched = await self.real.fetch(file_id)
        async with self.db.transaction() as session:
            await media.erase_owned(session, owner=MediaOwner.MARKETING, owner_ids=[REQUEST_ID])
        return fetched


async def test_a_file_erased_while_it_downloads_leaves_no_copy(
    harness: Harness, db: Database
) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    await _attach(db, harness, FileRef(await _photo_from(siti, sample_png(4, 9))))

    result = await download_due(harness.parts.services, _ErasedWhileDownloading(harness, db))

    assert result == DownloadResult(erased=1)  # fetched and written, then found erased
    assert await _rows(db) == []
    assert [p for p in harness.media_dir.rglob("*") if p.is_file()] == []


async def test_erasing_a_request_removes_its_rows_and_files(harness: Harness, db: Database) -> None:
    siti = harness.person("Siti")
    await siti.send("/start")
    ids = [await _photo_from(siti, sample_png(5, 5 + i)) for i in range(2)]
    await _attach(db, harness, *(FileRef(i) for i in ids))
    async with db.transaction() as session:  # another request's file stays
        await media.attach(
            session,
            owner=MediaOwner.MARKETING,
            owner_id=REQUEST_ID + 1,
            files=[FileRef(ids[0])],
            now=harness.clock.now(),
        )
    await _tick(harness)
    assert len(list(harness.media_dir.rglob("*.jpg"))) == 3

    async with db.transaction() as session:
        paths = await media.erase_owned(session, owner=MediaOwner.MARKETING, owner_ids=[REQUEST_ID])
    assert media.unlink_files(harness.settings, paths) == 2

    assert not (harness.media_dir / "marketing" / str(REQUEST_ID)).exists()
    [left] = await _rows(db)
    assert left.owner_id == REQUEST_ID + 1
    assert (harness.media_dir / str(left.path)).is_file()
    assert media.unlink_files(harness.settings, paths) == 0  # erased before: fine
