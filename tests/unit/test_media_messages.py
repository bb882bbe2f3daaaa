"""How files shown by file id become outbox messages, and the media setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.messages import Button, Message, media_messages
from bot.config import Settings
from bot.media_fetcher import extension_of
from bot.services.media import backoff, unlink_files, write_file

BUTTONS = ((Button("Ambil", "x:1"),),)


def _photos(count: int) -> list[tuple[str, str]]:
    return [("photo", f"p{i}") for i in range(count)]


def test_one_photo_carries_the_text_and_the_buttons() -> None:
    assert media_messages("Foto", BUTTONS, _photos(1)) == [
        Message("Foto", BUTTONS, media=(("photo", "p0"),))
    ]


def test_an_album_carries_the_caption_when_there_are_no_buttons() -> None:
    assert media_messages("Foto", (), _photos(3)) == [Message("Foto", media=tuple(_photos(3)))]


def test_buttons_under_an_album_follow_it_as_a_message_of_their_own() -> None:
    assert media_messages("Permintaan #7", BUTTONS, _photos(2)) == [
        Message("", media=tuple(_photos(2))),
        Message("Permintaan #7", BUTTONS),
    ]


def test_more_than_ten_files_or_mixed_kinds_are_split_into_albums_telegram_accepts() -> None:
    mixed = [*_photos(12), ("document", "d0"), ("document", "d1")]
    messages = media_messages("Berkas", (), mixed)
    assert [len(m.media) for m in messages] == [10, 2, 2]
    assert [m.text for m in messages] == ["Berkas", "", ""]
    assert {kind for kind, _ in messages[2].media} == {"document"}


def test_a_text_too_long_for_a_caption_goes_after_the_files() -> None:
    text = "a" * 1025
    assert media_messages(text, (), _photos(1)) == [
        Message("", media=(("photo", "p0"),)),
        Message(text),
    ]


def test_buttons_without_a_text_cannot_follow_an_album() -> None:
    with pytest.raises(ValueError):
        media_messages("", BUTTONS, _photos(2))


def test_media_survive_the_outbox_json() -> None:
    message = Message("Foto", BUTTONS, media=(("photo", "p0"), ("photo", "p1")))
    assert Message.from_json(message.text, message.to_json()) == message
    assert Message.from_json("x", Message("x").to_json()).media == ()


def test_the_media_folder_is_set_by_berdaya_media_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BERDAYA_MEDIA_DIR", raising=False)
    assert Settings(_env_file=None).media_dir == Path("berdaya-media")  # type: ignore[call-arg]
    monkeypatch.setenv("BERDAYA_MEDIA_DIR", str(tmp_path))
    assert Settings(_env_file=None).media_dir == tmp_path  # type: ignore[call-arg]


def test_downloads_back_off_from_30_seconds_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


@pytest.mark.parametrize(
    ("path", "extension"),
    [
        ("photos/file_1.jpg", ".jpg"),
        ("documents/file_2.PDF", ".pdf"),
        ("documents/file_3", ".bin"),
        ("documents/file_4.tar.gz", ".gz"),
        ("documents/file_5.a b", ".bin"),
        (None, ".bin"),
    ],
)
def test_only_a_short_plain_extension_reaches_the_media_folder(
    path: str | None, extension: str
) -> None:
    assert extension_of(path) == extension


def test_files_are_written_whole_and_private_and_nothing_outside_the_folder_is_removed(
    tmp_path: Path,
) -> None:
    media_dir = tmp_path / "media"
    outside = tmp_path / "berdaya.db"
    outside.write_bytes(b"keep me")
    write_file(media_dir, "marketing/1/1.jpg", b"photo")
    assert (media_dir / "marketing/1/1.jpg").read_bytes() == b"photo"
    settings = Settings(_env_file=None, media_dir=media_dir)  # type: ignore[call-arg]

    assert unlink_files(settings, ["../berdaya.db", "marketing/1/1.jpg"]) == 1
    assert outside.read_bytes() == b"keep me"
    assert list(media_dir.iterdir()) == []  # the emptied folders went too


def test_a_write_that_fails_leaves_no_partial_file(tmp_path: Path) -> None:
    media_dir = tmp_path / "media"
    with pytest.raises(TypeError):
        write_file(media_dir, "marketing/1/1.jpg", "not bytes")  # type: ignore[arg-type]
    assert list((media_dir / "marketing/1").iterdir()) == []
