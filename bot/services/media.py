"""Photos and documents people send: kept by Telegram file id at once, downloaded later.

`attach` is called in the turn that confirms a request or an application; the download into
`BERDAYA_MEDIA_DIR` happens in a background job (a slow or failing getFile never holds up a
person's turn). Staff are shown a file again by its file id; if Telegram refuses the id, the
outbox uploads the stored copy instead (`stored_copies`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.storage import media as repo
from bot.storage.models import MediaFile, MediaKind, MediaOwner

log = logging.getLogger(__name__)
# A refused file (unknown file id, too big) is tried this many times, then given up.
PERMANENT_ATTEMPTS = 3
# A file Telegram cannot be reached for is tried again for this long after it was attached.
TRANSIENT_WINDOW = timedelta(days=3)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class FileRef:
    """A file as it came in a message."""

    file_id: str
    kind: MediaKind = MediaKind.PHOTO
    file_name: str | None = None
    mime_type: str | None = None
    label: str | None = None  # what it answers, e.g. the required document's name


async def attach(
    session: AsyncSession,
    *,
    owner: MediaOwner,
    owner_id: int,
    files: Sequence[FileRef],
    now: datetime,
) -> list[MediaFile]:
    """Record the files of a request or an application, in order; the job downloads them."""
    rows = [
        MediaFile(
            owner_kind=owner.value,
            owner_id=owner_id,
            position=position,
            label=ref.label,
            kind=ref.kind.value,
            file_id=ref.file_id[:255],
            file_name=ref.file_name,
            mime_type=ref.mime_type,
            created_at=now,
            attempts=0,
        )
        for position, ref in enumerate(files)
    ]
    return await repo.add_all(session, files=rows)


async def files_of(session: AsyncSession, *, owner: MediaOwner, owner_id: int) -> list[MediaFile]:
    """The files of one request or application, in the order they were sent."""
    return await repo.of_owner(session, owner_kind=owner.value, owner_id=owner_id)


@dataclass(frozen=True)
class Fetched:
    """A file's bytes from Telegram, and the extension to store it under (".jpg")."""

    data: bytes
    extension: str


class FetchFailed(Exception):
    """A download that did not work; `permanent` when the same request can never succeed."""

    def __init__(
        self, reason: str, *, permanent: bool, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.permanent = permanent
        self.retry_after = retry_after


class FileSource(Protocol):
    """Where files are fetched from by their file id (the Bot API's getFile and download)."""

    async def fetch(self, file_id: str) -> Fetched:
        """The file's content; raises FetchFailed."""
        ...


def backoff(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 … minutes after each failed download, at most an hour."""
    delay: timedelta = FIRST_BACKOFF * 2 ** max(attempts - 1, 0)
    return min(delay, MAX_BACKOFF)


async def due_downloads(session: AsyncSession, *, now: datetime, limit: int) -> list[MediaFile]:
    """Files not yet downloaded whose (next) attempt is due, oldest first."""
    return await repo.due(session, now=now, limit=limit)


def relative_path(row: MediaFile, extension: str) -> str:
    """Where a file lives inside the media folder: `<owner kind>/<owner id>/<media id><ext>`
    (ids only: nothing a person typed or named ends up in a path)."""
    return f"{row.owner_kind}/{row.owner_id}/{row.id}{extension}"


def write_file(media_dir: Path, relative: str, data: bytes) -> None:
    """Write atomically (a temporary file in the same folder, then a rename): mode 0600 for the
    file, 0700 for the folders. A crash leaves either nothing or the whole file."""
    target = media_dir / relative
    _make_private_dirs(media_dir, target.parent)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _make_private_dirs(root: Path, folder: Path) -> None:
    """Create the media folder and `folder` below it, each new one mode 0700."""
    for directory in [*reversed(folder.relative_to(root).parents), folder.relative_to(root)]:
        path = root / directory
        if not path.is_dir():
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.chmod(0o700)  # whatever the umask


async def record_stored(
    session: AsyncSession, *, media_id: int, path: str, size: int, now: datetime
) -> bool:
    """The file is on disk; False when its row was erased meanwhile (remove the file then)."""
    return await repo.update(
        session,
        media_id=media_id,
        values={"path": path, "size": size, "stored_at": now, "retry_at": None, "last_error": None},
    )


async def record_failure(
    session: AsyncSession, *, row: MediaFile, error: FetchFailed, now: datetime
) -> bool:
    """A failed download: tried again later with a backoff, or given up (no `retry_at`) after
    PERMANENT_ATTEMPTS refusals or TRANSIENT_WINDOW of trying. True when given up."""
    attempts = row.attempts + 1
    if error.permanent:
        give_up = attempts >= PERMANENT_ATTEMPTS
    else:
        give_up = now - row.created_at >= TRANSIENT_WINDOW
    delay = error.retry_after or backoff(attempts)
    await repo.update(
        session,
        media_id=row.id,
        values={
            "attempts": attempts,
            "last_error": error.reason,
            "retry_at": None if give_up else now + delay,
        },
    )
    return give_up


async def erase_owned(
    session: AsyncSession, *, owner: MediaOwner, owner_ids: Iterable[int]
) -> list[str]:
    """Delete the file rows of these requests or applications; the paths of those downloaded,
    to remove from disk with `unlink_files` once the transaction has committed."""
    return await repo.delete_of_owners(session, owner_kind=owner.value, owner_ids=list(owner_ids))


def unlink_files(settings: Settings, paths: Iterable[str]) -> int:
    """Remove files (paths as `erase_owned` returned them) and the folders left empty; how many
    files were removed. Missing files are fine (erased before, or never downloaded)."""
    root = settings.media_dir
    removed = 0
    for relative in paths:
        target = root / relative
        if not _inside(root, target):
            log.warning("media: a stored path outside the media folder was not removed")
            continue
        try:
            target.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        for folder in (target.parent, target.parent.parent):
            if folder != root and _inside(root, folder):
                try:
                    folder.rmdir()  # only when empty
                except OSError:
                    break
    return removed


@dataclass(frozen=True)
class StoredCopy:
    """A file's bytes from the media folder, to upload when Telegram refuses its file id."""

    kind: str
    file_name: str
    data: bytes


async def stored_copies(
    session: AsyncSession, settings: Settings, *, file_ids: Sequence[str]
) -> dict[str, StoredCopy]:
    """The copies in the media folder of the files behind these file ids, by file id; a file
    never downloaded, or gone from the folder, is left out."""
    rows = await repo.stored_with_file_ids(session, file_ids=file_ids)
    copies: dict[str, StoredCopy] = {}
    for file_id, row in rows.items():
        assert row.path is not None
        data = await asyncio.to_thread(_read_inside, settings.media_dir, row.path)
        if data is not None:
            name = row.file_name if row.kind == MediaKind.DOCUMENT and row.file_name else None
            copies[file_id] = StoredCopy(row.kind, name or Path(row.path).name, data)
    return copies


def _read_inside(root: Path, relative: str) -> bytes | None:
    target = root / relative
    if not _inside(root, target):
        log.warning("media: a stored path outside the media folder was not read")
        return None
    try:
        return target.read_bytes()
    except OSError:
        return None


def _inside(root: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def as_outbox_media(files: Sequence[MediaFile]) -> tuple[tuple[str, str], ...]:
    """Files as the outbox shows them again, by file id: `((kind, file_id), ...)`."""
    return tuple((row.kind, row.file_id) for row in files)
