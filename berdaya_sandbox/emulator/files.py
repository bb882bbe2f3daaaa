"""Files known to the emulator: uploads from the bot and media sent by simulated users."""

from __future__ import annotations

import mimetypes
import struct
import zlib

from .models import PhotoSize, StoredFile

# Telegram's getFile refuses files over 20 MB for bots on the public Bot API.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_THUMBNAIL_SIDE = 90
_FOLDERS = {
    "photo": "photos",
    "document": "documents",
    "voice": "voice",
    "sticker": "stickers",
}
_DEFAULT_EXTENSION = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp", "document": ""}


def sample_png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG (solid colour), for simulated users who send a photo."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xd0\x60\x30" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; a plausible default for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        if width and height:
            return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data) and data[index] == 0xFF:
            marker = data[index + 1]
            length = int.from_bytes(data[index + 2 : index + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return int(width), int(height)
            index += 2 + length
    return 800, 600


class FileStore:
    """Stores file contents under file_ids and download paths, as getFile hands them out."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0
        self.forgotten: set[str] = set()  # file ids a test made Telegram refuse

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Store new content of the given kind (photo, document, voice, sticker)."""
        self._counter += 1
        number = self._counter
        # Telegram re-encodes photos as JPEG; other files keep a sensible extension.
        extension = _DEFAULT_EXTENSION.get(kind, "")
        suffix = file_name.rsplit(".", 1)[1] if file_name and "." in file_name else ""
        if kind == "document" and suffix.isalnum() and len(suffix) <= 5:
            extension = "." + suffix
        elif kind == "document" and mime_type:
            extension = mimetypes.guess_extension(mime_type) or ""
        stored = StoredFile(
            file_id=f"emu-{kind}-{number:05d}",
            file_unique_id=f"emu{kind[:2]}{number:05d}",
            kind=kind,
            data=data,
            file_path=f"{_FOLDERS.get(kind, 'files')}/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def all(self) -> list[StoredFile]:
        """Every file, oldest first (each photo's thumbnail after it)."""
        return list(self._by_id.values())

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this file_id, if known."""
        return self._by_id.get(file_id)

    def forget(self, file_id: str) -> None:
        """Telegram no longer accepts this file_id (sending by it answers "wrong file
        identifier"); getFile's old download path goes too."""
        self.forgotten.add(file_id)
        stored = self._by_id.pop(file_id, None)
        if stored is not None:
            self._by_path.pop(stored.file_path, None)

    def by_path(self, file_path: str) -> StoredFile | None:
        """The file behind a download path from getFile."""
        return self._by_path.get(file_path)

    def photo_sizes(self, stored: StoredFile) -> list[PhotoSize]:
        """The sizes Telegram would offer for a photo: a thumbnail and the full image.

        Both ids download the same bytes here; what matters to a bot is that ``photo[-1]`` is
        the largest and that a thumbnail comes first.
        """
        width, height = image_size(stored.data)
        full = PhotoSize(stored.file_id, stored.file_unique_id, width, height, len(stored.data))
        if max(width, height) <= _THUMBNAIL_SIDE:
            return [full]
        scale = _THUMBNAIL_SIDE / max(width, height)
        thumb_id = stored.file_id + "-s"
        if thumb_id not in self._by_id:
            thumb = StoredFile(
                thumb_id,
                stored.file_unique_id + "s",
                "photo",
                stored.data,
                stored.file_path.replace("/file_", "/thumb_"),
            )
            self._by_id[thumb.file_id] = thumb
            self._by_path[thumb.file_path] = thumb
        small = PhotoSize(
            thumb_id,
            stored.file_unique_id + "s",
            max(1, round(width * scale)),
            max(1, round(height * scale)),
            len(stored.data),
        )
        return [small, full]
