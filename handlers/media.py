"""Media: the job that downloads the photos and documents people sent into the media folder.

A turn that confirms a request or an application only records the files by their Telegram
file id (`bot.services.media.attach`). This tick (every 15 s, on the leader) fetches them with
getFile, writes each to `<media dir>/<owner kind>/<owner id>/<media id>.<ext>` (a temporary
file renamed into place, mode 0600) and records the path. A file Telegram cannot be reached for
is tried again with a backoff; one Telegram refuses (an unknown file id, over 20 MB) is given up
after a few attempts, with the reason kept in `last_error`. Logs name media ids only.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from bot.services import media
from bot.services.media import FetchFailed, FileSource
from bot.services_container import AppServices
from bot.storage.models import MediaFile
from handlers.features import Courier, Feature, PeriodicJob

log = logging.getLogger(__name__)
TICK = timedelta(seconds=15)
BATCH = 20  # files per tick: a few hundred MB at most, then the next tick goes on


@dataclass(frozen=True)
class DownloadResult:
    """What one tick did."""

    stored: int = 0
    retrying: int = 0
    given_up: int = 0
    erased: int = 0  # erased (/hapus) while downloading: the file was removed again


async def download_job(services: AppServices, courier: Courier) -> DownloadResult:
    """The periodic tick: download the files that are due."""
    return await download_due(services, courier.files)


async def download_due(
    services: AppServices, source: FileSource, *, limit: int = BATCH
) -> DownloadResult:
    """Fetch and store the files due now, one at a time, each recorded in its own write (no
    transaction is held open across a download)."""
    async with services.db.transaction() as session:
        due = await media.due_downloads(session, now=services.clock.now(), limit=limit)
    outcomes = Counter([await _download(services, source, row) for row in due])
    result = DownloadResult(**outcomes)
    if due:
        log.info(
            "media: %d stored, %d to retry, %d given up, %d erased",
            result.stored,
            result.retrying,
            result.given_up,
            result.erased,
        )
    return result


async def _download(services: AppServices, source: FileSource, row: MediaFile) -> str:
    """What became of the file: stored, retrying, given_up or erased."""
    try:
        fetched = await source.fetch(row.file_id)
        relative = media.relative_path(row, fetched.extension)
        await asyncio.to_thread(
            media.write_file, services.settings.media_dir, relative, fetched.data
        )
    except FetchFailed as error:
        failure = error
    except OSError as error:  # the disk is full, or the folder is not writable
        log.error("media %d: could not be written (%s)", row.id, type(error).__name__)
        failure = FetchFailed(type(error).__name__, permanent=False)
    else:
        async with services.db.transaction() as session:
            kept = await media.record_stored(
                session,
                media_id=row.id,
                path=relative,
                size=len(fetched.data),
                now=services.clock.now(),
            )
        if not kept:  # erased (/hapus) while it was downloading: no copy may outlive the row
            media.unlink_files(services.settings, [relative])
            return "erased"
        return "stored"
    async with services.db.transaction() as session:
        gave_up = await media.record_failure(
            session, row=row, error=failure, now=services.clock.now()
        )
    log.log(
        logging.WARNING if gave_up else logging.INFO,
        "media %d: %s (%s, attempt %d)",
        row.id,
        "given up" if gave_up else "to retry",
        "refused" if failure.permanent else "unreachable",
        row.attempts + 1,
    )
    return "given_up" if gave_up else "retrying"


FEATURE = Feature(name="media", jobs=(PeriodicJob("media-downloads", TICK, download_job),))
