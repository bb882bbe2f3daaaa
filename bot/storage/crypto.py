"""Personal data at rest: AES-256-GCM column encryption and keyed-hash (HMAC) lookups.

Names, NIKs, phone numbers and message texts are stored encrypted; the models declare them
with `EncryptedText` / `EncryptedJSON`, so repositories and services read and write plain
values. A NIK is found through `nik_hash`, an HMAC-SHA256 of it, never by its plaintext.

A ciphertext is `<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id is derived from
the key itself, so any of the configured keys can decrypt and the first one encrypts:
rotation is "put a new key first, run `berdaya keys rotate`, drop the old key".

The keys belong to a `Database` (they are set on its engine's dialect): the column types find
them there, so two databases in one process may have different keys. See docs/PRIVACY.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Text, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

logger = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256, and the HMAC key
_NONCE_BYTES = 12
DATA_KEYS_VARIABLE = "BERDAYA_DATA_KEYS"
HMAC_KEY_VARIABLE = "BERDAYA_HMAC_KEY"
_DIALECT_ATTRIBUTE = "berdaya_keys"
_KEY_ID = re.compile(r"[0-9a-f]{8}")


class KeysError(Exception):
    """Keys are missing, malformed, or do not open a stored value (the message names no data)."""


def new_key() -> str:
    """A fresh random key, base64 (for BERDAYA_DATA_KEYS or BERDAYA_HMAC_KEY)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def decode_key(text: str, *, variable: str) -> bytes:
    """A base64 key of 32 bytes; a KeysError naming the variable otherwise (never the key)."""
    cleaned = text.strip()
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise KeysError(f"{variable}: not base64 (make one with `berdaya keys new`)") from None
    if len(raw) != KEY_BYTES:
        raise KeysError(f"{variable}: a key must be {KEY_BYTES} bytes, base64-encoded")
    return raw


def key_id(key: bytes) -> str:
    """A short public name of a data key, derived from it (stored in front of ciphertexts)."""
    return hashlib.sha256(b"berdaya data key id\0" + key).hexdigest()[:8]


@dataclass(frozen=True)
class Keys:
    """The data keys (the first encrypts, every one decrypts) and the lookup-hash key."""

    data: tuple[bytes, ...] = field(repr=False)
    lookup: bytes = field(repr=False)
    _by_id: dict[str, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.data:
            raise KeysError(f"{DATA_KEYS_VARIABLE}: at least one key is needed")
        if any(len(k) != KEY_BYTES for k in (*self.data, self.lookup)):
            raise KeysError(f"keys must be {KEY_BYTES} bytes")
        object.__setattr__(self, "_by_id", {key_id(k): AESGCM(k) for k in self.data})

    @classmethod
    def from_text(cls, data_keys: Sequence[str], lookup_key: str) -> Keys:
        """Keys from their base64 forms (as in the settings)."""
        return cls(
            data=tuple(decode_key(k, variable=DATA_KEYS_VARIABLE) for k in data_keys),
            lookup=decode_key(lookup_key, variable=HMAC_KEY_VARIABLE),
        )

    @classmethod
    def generate(cls) -> Keys:
        """Random keys (an in-memory database, or a key file being made)."""
        return cls(data=(secrets.token_bytes(KEY_BYTES),), lookup=secrets.token_bytes(KEY_BYTES))

    @property
    def current_id(self) -> str:
        """The id of the key new values are encrypted with."""
        return key_id(self.data[0])

    def encrypt(self, plaintext: str) -> str:
        """The stored form of a value (random nonce: equal values encrypt differently)."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._by_id[self.current_id].encrypt(nonce, plaintext.encode(), None)
        token = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{self.current_id}:{token}"

    def decrypt(self, stored: str) -> str:
        """The value behind a stored ciphertext."""
        kid, sep, token = stored.partition(":")
        cipher = self._by_id.get(kid)
        if cipher is None:
            if not sep or not _KEY_ID.fullmatch(kid):  # plaintext: quote none of it
                raise KeysError("a stored value is not encrypted (was migration 0006 run?)")
            raise KeysError(
                f"a stored value is encrypted with key {kid}, which is not among "
                f"{DATA_KEYS_VARIABLE} (a lost key file, or a key removed too early?)"
            )
        try:
            blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            return cipher.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], None).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise KeysError(f"a stored value under key {kid!r} does not decrypt") from None

    def lookup_hash(self, purpose: str, value: str) -> str:
        """HMAC-SHA256 (hex) of a value, per purpose ("nik", "invitation"): equal values give
        equal hashes, so a unique index and an equality search work without the plaintext."""
        message = purpose.encode() + b"\0" + value.encode()
        return hmac.new(self.lookup, message, hashlib.sha256).hexdigest()


# --- where a database's keys come from ------------------------------------------------------


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def key_file_for(database: Path) -> Path:
    """Where the generated keys of a SQLite database live: `berdaya.db` → `berdaya.db.keys`."""
    return database.with_name(database.name + ".keys")


def _key_file_text(database_name: str, data_keys: Sequence[str], lookup_key: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"# Berdaya keys for {database_name}, written {stamp}.\n"
        "# Without them the names, NIKs and messages in the database cannot be read: back\n"
        "# this file up, apart from the database. See docs/PRIVACY.md.\n"
        f"{DATA_KEYS_VARIABLE}={','.join(data_keys)}\n"
        f"{HMAC_KEY_VARIABLE}={lookup_key}\n"
    )


def _private_temporary(path: Path, text: str) -> Path:
    """A new file (mode 0600) beside `path` holding `text`."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return temporary


def write_key_file(database: Path, data_keys: Sequence[str], lookup_key: str) -> Path:
    """Replace a SQLite database's key file atomically (mode 0600); returns its path."""
    path = key_file_for(database)
    temporary = _private_temporary(path, _key_file_text(database.name, data_keys, lookup_key))
    os.replace(temporary, path)
    return path


def read_key_file_lines(database: Path) -> tuple[list[str], str]:
    """The base64 data keys and lookup key in a SQLite database's key file."""
    path = key_file_for(database)
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip()
    data = [k.strip() for k in values.get(DATA_KEYS_VARIABLE, "").split(",") if k.strip()]
    if not data or HMAC_KEY_VARIABLE not in values:
        raise KeysError(f"{path}: needs {DATA_KEYS_VARIABLE}= and {HMAC_KEY_VARIABLE}= lines")
    if path.stat().st_mode & 0o077:
        logger.warning("Key file %s is readable by others; chmod 600 it", path)
    return data, values[HMAC_KEY_VARIABLE]


def sqlite_keys(database: Path) -> Keys:
    """The keys in the key file next to a SQLite database, made (once) when there is none."""
    path = key_file_for(database)
    if not path.exists():
        text = _key_file_text(database.name, [new_key()], new_key())
        temporary = _private_temporary(path, text)
        try:
            os.link(temporary, path)  # fails if another process made it first: theirs wins
            logger.warning(
                "Generated the data keys of %s into %s (mode 0600): back it up apart from the "
                "database, or set %s and %s instead",
                database.name,
                path,
                DATA_KEYS_VARIABLE,
                HMAC_KEY_VARIABLE,
            )
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return Keys.from_text(*read_key_file_lines(database))


def default_keys(url: str) -> Keys | None:
    """Keys when none are configured: SQLite's key file, fresh ones for an in-memory database;
    None for PostgreSQL (it needs configured keys)."""
    path = sqlite_path(url)
    if path is not None:
        return sqlite_keys(path)
    if make_url(url).get_backend_name() == "sqlite":
        return Keys.generate()
    return None


# --- the column types -------------------------------------------------------------------------


def attach(dialect: Dialect, keys: Keys | None) -> None:
    """Give an engine's dialect the keys its encrypted columns use."""
    setattr(dialect, _DIALECT_ATTRIBUTE, keys)


def keys_of(dialect: Dialect) -> Keys:
    """The keys of the database this dialect belongs to."""
    keys: Keys | None = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    if keys is None:
        raise KeysError(
            f"{DATA_KEYS_VARIABLE} and {HMAC_KEY_VARIABLE} are not set: PostgreSQL needs them "
            "(make each with `berdaya keys new`)"
        )
    return keys


def session_keys(session: Session | Any) -> Keys:
    """The keys of the database a session works on (an AsyncSession or a Session)."""
    sync = getattr(session, "sync_session", session)
    return keys_of(sync.get_bind().dialect)


def lookup_hash(session: Session | Any, purpose: str, value: str) -> str:
    """The keyed hash of a value for an equality search (see Keys.lookup_hash)."""
    return session_keys(session).lookup_hash(purpose, value)


class EncryptedText(TypeDecorator[str]):
    """A string stored encrypted (TEXT holding `<key id>:<base64>`)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keys_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else keys_of(dialect).decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored encrypted: the column holds a JSON string, the ciphertext."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return keys_of(dialect).encrypt(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(keys_of(dialect).decrypt(value))


# --- lookup hashes kept in step with their source column -----------------------------------

_LOOKUPS: list[tuple[type, str, str, str]] = []


def keep_lookup_hash(model: type, source: str, target: str, *, purpose: str) -> None:
    """Before every flush, set `target` to the keyed hash of `source` on new and changed rows
    of `model` (so code that sets `client.nik` never has to remember `nik_hash`)."""
    _LOOKUPS.append((model, source, target, purpose))


def lookups() -> list[tuple[type, str, str, str]]:
    """Every kept lookup hash: (model, source attribute, hash attribute, purpose)."""
    return list(_LOOKUPS)


@event.listens_for(Session, "before_flush")
def _update_lookup_hashes(session: Session, _context: Any, _instances: Any) -> None:
    if not _LOOKUPS:
        return
    for row in (*session.new, *session.dirty):
        for model, source, target, purpose in _LOOKUPS:
            if isinstance(row, model):
                value = getattr(row, source)
                wanted = None if value is None else lookup_hash(session, purpose, value)
                if getattr(row, target) != wanted:
                    setattr(row, target, wanted)
