"""Fill a database with made-up clients for the benchmarks (bulk inserts, no ORM objects)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert

from bot.domain.reference import REGIONS
from bot.storage.db import Database
from bot.storage.models import Client, User

CHUNK = 5_000


async def seed_clients(db: Database, *, count: int, now: datetime, due_fraction: float) -> int:
    """Insert `count` linked, consenting clients; about `due_fraction` of them are due now.

    Returns how many were made due. NIKs are left empty: the benchmark needs none.
    """
    rng = random.Random(42)
    due = 0
    regions = [r.code for r in REGIONS]
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        user_rows = [
            {
                "id": start + i + 1,
                "telegram_id": 9_000_000_000 + start + i,
                "language": "id",
                "created_at": now - timedelta(days=200),
                "consent_active": True,
            }
            for i in range(size)
        ]
        client_rows = []
        for i in range(size):
            is_due = rng.random() < due_fraction
            due += is_due
            offset = -rng.uniform(0, 3600) if is_due else rng.uniform(3600, 30 * 86400)
            client_rows.append(
                {
                    "id": start + i + 1,
                    "user_id": start + i + 1,
                    "full_name": f"Klien Uji {start + i + 1}",
                    "region_code": regions[(start + i) % len(regions)],
                    "status": "verified",
                    "origin": "invited",
                    "created_at": now - timedelta(days=200),
                    "next_checkin_at": now + timedelta(seconds=offset),
                    "checkin_sequence": 3,
                    "checkin_cadence_days": 30,
                }
            )
        async with db.transaction() as session:
            await session.execute(insert(User), user_rows)
            await session.execute(insert(Client), client_rows)
    return due
