"""Personal data at rest, on every backend: what is stored, how a NIK is found, a same-NIK race,
key rotation, and migration 0006 encrypting rows written before it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import Connection, make_url

from bot.config import SettingsError
from bot.services import accounts, registration
from bot.services.registration import RedeemResult, RegistrationForm, RegistrationResult
from bot.storage import clients, rekey
from bot.storage.crypto import Keys, KeysError
from bot.storage.db import Database
from bot.storage.migrate import alembic_config, sqlite_pragma, upgrade_to_head
from bot.storage.models import Client, Conversation, Invitation, OutboxMessage
from tests.conftest import PG_URL
from tests.keys import OLD_TEST_DATA_KEY, TEST_DATA_KEY, TEST_HMAC_KEY, TEST_KEYS

NOW = datetime(2026, 8, 12, 3, 0, tzinfo=UTC)
TODAY = date(2026, 8, 12)
NIK = "3522015408900001"  # made up
NAME = "Wulan Kusumawardani"  # made up
PHONE = "+6281234567890"  # made up
FORM = RegistrationForm(
    full_name=NAME,
    nik=NIK,
    region_code="3522",
    training="Menjahit",
    business_type="Jahit seragam",
    phone=PHONE,
)


async def _raw(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(text(sql))]


async def test_names_niks_phones_and_drafts_are_stored_encrypted(db: Database) -> None:
    async with db.transaction() as session:
        await accounts.record_consent(session, telegram_id=701, language="id", now=NOW)
        assert (
            await registration.register_self(session, telegram_id=701, form=FORM, now=NOW)
            is RegistrationResult.REGISTERED
        )
        session.add(
            Conversation(telegram_id=701, flow="f", state="s", data={"nik": NIK}, updated_at=NOW)
        )
    [(name, nik, nik_hash, phone)] = await _raw(
        db, "SELECT full_name, nik, nik_hash, phone FROM clients"
    )
    [(data,)] = await _raw(db, "SELECT CAST(data AS TEXT) FROM conversations")
    stored = " ".join(str(v) for v in (name, nik, nik_hash, phone, data))
    for secret in (NAME, NIK, PHONE, "Wulan"):
        assert secret not in stored
    assert str(name).startswith(TEST_KEYS.current_id + ":")
    assert nik_hash == TEST_KEYS.lookup_hash("nik", NIK)
    async with db.transaction() as session:  # and read back as they were written
        found = await clients.get_by_nik(session, nik=NIK)
        assert found is not None and (found.full_name, found.nik, found.phone) == (NAME, NIK, PHONE)
        row = await session.get(Conversation, 701)
        assert row is not None and row.data == {"nik": NIK}


async def test_an_invitation_code_is_stored_as_a_keyed_hash(db: Database) -> None:
    async with db.transaction() as session:
        invitation = await registration.invite_client(
            session, full_name=NAME, nik=NIK, region_code="3522", now=NOW, today=TODAY
        )
    [(code_hash,)] = await _raw(db, "SELECT code_hash FROM invitations")
    bare = hashlib.sha256(invitation.code.encode()).hexdigest()
    assert code_hash != bare
    assert code_hash == TEST_KEYS.lookup_hash("invitation", bare)
    async with db.transaction() as session:
        await accounts.record_consent(session, telegram_id=702, language="id", now=NOW)
        linked = await registration.redeem_invitation(
            session, telegram_id=702, code=invitation.code.lower(), now=NOW
        )
    assert linked.result is RedeemResult.LINKED and linked.full_name == NAME


async def test_a_database_read_with_other_keys_says_so_without_the_value(db: Database) -> None:
    async with db.transaction() as session:
        await registration.invite_client(
            session, full_name=NAME, nik=NIK, region_code="3522", now=NOW, today=TODAY
        )
    stranger = Database(db.url, keys=Keys.from_text([OLD_TEST_DATA_KEY], TEST_HMAC_KEY))
    try:
        with pytest.raises(KeysError) as caught:
            async with stranger.transaction() as session:
                await session.execute(select(Client))
    finally:
        await stranger.dispose()
    assert NAME not in str(caught.value) and NIK not in str(caught.value)


async def test_a_nik_registered_between_the_check_and_the_insert_answers_nik_taken(
    db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people register the same NIK at once. On PostgreSQL both pass the check before
    either inserts, and the unique index decides; SQLite runs the two one after the other."""
    async with db.transaction() as session:
        for telegram_id in (711, 712):
            await accounts.record_consent(session, telegram_id=telegram_id, language="id", now=NOW)
    checked = asyncio.Barrier(2)
    misses: list[int] = []
    original = clients.get_by_nik

    async def check_then_wait(session: object, *, nik: str) -> Client | None:
        found = await original(session, nik=nik)  # type: ignore[arg-type]
        if found is None:
            misses.append(1)
        # On SQLite the other writer waits for this one's lock and cannot come: go on alone.
        with contextlib.suppress(TimeoutError, asyncio.BrokenBarrierError):
            await asyncio.wait_for(checked.wait(), timeout=1)
        return found

    monkeypatch.setattr(clients, "get_by_nik", check_then_wait)

    async def register(telegram_id: int) -> RegistrationResult:
        async with db.transaction() as session:
            return await registration.register_self(
                session, telegram_id=telegram_id, form=FORM, now=NOW
            )

    results = await asyncio.gather(register(711), register(712))
    assert sorted(results) == [RegistrationResult.NIK_TAKEN, RegistrationResult.REGISTERED]
    if backend == "postgresql":
        assert len(misses) == 2  # both missed the other: the unique index answered
    [(count,)] = await _raw(db, "SELECT COUNT(*) FROM clients")
    assert count == 1


async def test_the_check_missing_a_nik_still_ends_in_nik_taken_and_the_turn_goes_on(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with db.transaction() as session:
        await registration.invite_client(
            session, full_name="Siti", nik=NIK, region_code="3522", now=NOW, today=TODAY
        )
        await accounts.record_consent(session, telegram_id=721, language="id", now=NOW)

    async def missed(_session: object, *, nik: str) -> None:
        return None

    monkeypatch.setattr(clients, "get_by_nik", missed)
    async with db.transaction() as session:
        result = await registration.register_self(session, telegram_id=721, form=FORM, now=NOW)
        assert result is RegistrationResult.NIK_TAKEN
        # Only the insert was undone: the turn's transaction writes on and commits.
        session.add(Conversation(telegram_id=721, flow="f", state="s", data={}, updated_at=NOW))
        with pytest.raises(ValueError, match="exists already"):
            await registration.invite_client(
                session, full_name="Dewi", nik=NIK, region_code="3522", now=NOW, today=TODAY
            )
    async with db.transaction() as session:
        assert await session.get(Conversation, 721) is not None


async def test_rotation_moves_everything_to_the_first_key_and_renews_the_nik_hashes(
    database_url: str,
) -> None:
    old = Keys.from_text([OLD_TEST_DATA_KEY], TEST_HMAC_KEY)
    new_hmac = TEST_DATA_KEY  # any other 32 bytes
    before = Database(database_url, keys=old)
    try:
        async with before.transaction() as session:
            await registration.invite_client(
                session, full_name=NAME, nik=NIK, region_code="3522", now=NOW, today=TODAY
            )
            session.add(
                OutboxMessage(
                    chat_id=1,
                    text=NAME,
                    payload={"name": NAME},
                    purpose="relay",
                    created_at=NOW,
                    not_before=NOW,
                )
            )
    finally:
        await before.dispose()
    both = Database(database_url, keys=Keys.from_text([TEST_DATA_KEY, OLD_TEST_DATA_KEY], new_hmac))
    try:
        rotation = await rekey.rotate(both)
        assert rotation.reencrypted == {"clients": 1, "outbox": 1}
        assert rotation.rehashed == {"clients": 1}
        assert (await rekey.rotate(both)).lines() == [
            "Every value was already under the current key."
        ]
    finally:
        await both.dispose()
    after = Database(database_url, keys=Keys.from_text([TEST_DATA_KEY], new_hmac))
    try:
        async with after.transaction() as session:
            found = await clients.get_by_nik(session, nik=NIK)
            assert found is not None and found.full_name == NAME
            message = (await session.execute(select(OutboxMessage))).scalar_one()
            assert (message.text, message.payload) == (NAME, {"name": NAME})
    finally:
        await after.dispose()


# --- migration 0006 on rows written before it ---------------------------------------------


@pytest.fixture
async def empty_url(backend: str, tmp_path: object) -> AsyncIterator[str]:
    """A database with nothing in it yet (not even migrations)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/old.db"
        return
    admin = make_url(PG_URL)
    name = f"berdaya_m6_{uuid.uuid4().hex[:8]}"

    async def _admin(sql: str) -> None:
        db = Database(admin.render_as_string(hide_password=False))
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
        await db.dispose()

    await _admin(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_migration_0006_encrypts_rows_written_before_it(empty_url: str) -> None:
    db = Database(empty_url, keys=TEST_KEYS)

    def _to(revision: str) -> object:
        def run(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

        return run

    code = "K7QF3MZP2A"
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_to("0005"))  # type: ignore[arg-type]
            await conn.execute(
                text(
                    "INSERT INTO clients (id, full_name, nik, phone, region_code, status, origin,"
                    " checkin_sequence, checkin_cadence_days, created_at) VALUES (1, :name,"
                    " :nik, :phone, '3522', 'verified', 'invited', 0, 30, :now)"
                ),
                {"name": NAME, "nik": NIK, "phone": PHONE, "now": NOW},
            )
            await conn.execute(
                text(
                    "INSERT INTO invitations (client_id, code_hash, created_at, expires_at)"
                    " VALUES (1, :hash, :now, :later)"
                ),
                {
                    "hash": hashlib.sha256(code.encode()).hexdigest(),
                    "now": NOW,
                    "later": datetime(2026, 8, 20, tzinfo=UTC),
                },
            )
            await conn.execute(
                text(
                    "INSERT INTO business_reports (client_id, business_status, monthly_income,"
                    " employees, obstacles, photos, created_at)"
                    " VALUES (1, 'running', 1, 0, '', '[]', :now)"
                ),
                {"now": NOW},
            )
        await upgrade_to_head(db)
        [(name, nik)] = await _raw(db, "SELECT full_name, nik FROM clients")
        assert NAME not in str(name) and NIK not in str(nik)
        [(reports,)] = await _raw(db, "SELECT COUNT(*) FROM business_reports")
        assert reports == 1  # SQLite copies `clients`; the rows that refer to it stay
        async with db.transaction() as session:
            found = await clients.get_by_nik(session, nik=NIK)
            assert found is not None and (found.full_name, found.phone) == (NAME, PHONE)
            await accounts.record_consent(session, telegram_id=731, language="id", now=NOW)
            linked = await registration.redeem_invitation(
                session, telegram_id=731, code=code, now=NOW
            )
            assert linked.result is RedeemResult.LINKED  # a code handed out before still works
            assert (await session.execute(select(Invitation))).scalar_one().used_at == NOW
        async with db.engine.connect() as conn:  # and back: plaintext again, nothing lost
            if db.is_sqlite:
                await conn.run_sync(sqlite_pragma, "PRAGMA foreign_keys=OFF")
            async with conn.begin():
                await conn.run_sync(_down_to("0005"))  # type: ignore[arg-type]
        assert await _raw(db, "SELECT full_name, nik, phone FROM clients") == [(NAME, NIK, PHONE)]
        assert await _raw(db, "SELECT COUNT(*) FROM business_reports") == [(1,)]
    finally:
        await db.dispose()


def _down_to(revision: str) -> object:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    return run


async def test_the_startup_check_opens_every_encrypted_column_or_names_the_setting(
    db: Database,
) -> None:
    await rekey.check_keys(db)  # nothing stored yet: nothing to check
    async with db.transaction() as session:
        await registration.invite_client(
            session, full_name=NAME, nik=NIK, region_code="3522", now=NOW, today=TODAY
        )
        session.add(
            OutboxMessage(
                chat_id=1,
                text=NAME,
                payload={"name": NAME},
                purpose="relay",
                created_at=NOW,
                not_before=NOW,
            )
        )
        session.add(
            OutboxMessage(
                chat_id=2, text=NAME, payload=None, purpose="relay", created_at=NOW, not_before=NOW
            )
        )
    await rekey.check_keys(db)
    stranger = Database(db.url, keys=Keys.from_text([OLD_TEST_DATA_KEY], TEST_HMAC_KEY))
    try:
        with pytest.raises(
            SettingsError, match=r"^BERDAYA_DATA_KEYS: cannot read \w+\.\w+: a stored value"
        ) as caught:
            await rekey.check_keys(stranger)
    finally:
        await stranger.dispose()
    assert NAME not in str(caught.value)
