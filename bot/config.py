"""Settings, read from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./berdaya.db"
# Days after the end of training of the first check-ins (like RapidPro campaign events).
DEFAULT_CHECKIN_OFFSETS: tuple[int, ...] = (30, 90, 180)
# Telegram tokens look like "<bot id>:<secret>"; the secret is 35 chars for real bots.
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class Settings(BaseSettings):
    """Everything Berdaya can be told from the outside. Field names map to env variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    berdaya_timezone: str = "Asia/Jakarta"
    berdaya_admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    # Flood control toward the Bot API; 0 turns the overall limiter off (the emulator in tests).
    rate_limit_per_second: float = Field(
        default=30.0,
        ge=0,
        validation_alias=AliasChoices("BERDAYA_RATE_LIMIT", "rate_limit_per_second"),
    )
    # Idle minutes after which an open flow is closed and its draft kept.
    flow_idle_minutes: int = Field(
        default=30,
        ge=1,
        validation_alias=AliasChoices("BERDAYA_IDLE_MINUTES", "flow_idle_minutes"),
    )
    # Seconds to wait for the Bot API to connect, take a request or answer it (not long polls).
    api_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        validation_alias=AliasChoices("BERDAYA_API_TIMEOUT", "api_timeout_seconds"),
    )
    # How long the first photo of an album waits for the rest (Telegram sends one update each).
    album_window_seconds: float = Field(
        default=1.0,
        gt=0,
        le=10,
        validation_alias=AliasChoices("BERDAYA_ALBUM_SECONDS", "album_window_seconds"),
    )
    # Updates handled at the same time by one process (each person's stay in order).
    workers: int = Field(
        default=8, ge=1, le=256, validation_alias=AliasChoices("BERDAYA_WORKERS", "workers")
    )
    # Updates one person may have waiting; beyond it she is asked to slow down, the rest dropped.
    backlog_cap: int = Field(
        default=50,
        ge=1,
        le=10_000,
        validation_alias=AliasChoices("BERDAYA_BACKLOG_CAP", "backlog_cap"),
    )
    # Webhook mode (`berdaya run --webhook URL`): the secret Telegram sends with each update,
    # and where this process listens (behind the TLS proxy or load balancer).
    webhook_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("BERDAYA_WEBHOOK_SECRET", "webhook_secret"),
    )
    webhook_listen: str = Field(
        default="127.0.0.1:8080",
        validation_alias=AliasChoices("BERDAYA_WEBHOOK_LISTEN", "webhook_listen"),
    )
    # Photos and documents people send (docs/PRIVACY.md): downloaded here by the media job,
    # one folder per request or application; created (mode 0700) on the first download.
    media_dir: Path = Field(
        default=Path("./berdaya-media"),
        validation_alias=AliasChoices("BERDAYA_MEDIA_DIR", "media_dir"),
    )
    checkin_offsets: Annotated[tuple[int, ...], NoDecode] = Field(
        default=DEFAULT_CHECKIN_OFFSETS,
        validation_alias=AliasChoices("BERDAYA_CHECKIN_OFFSETS", "checkin_offsets"),
    )
    # Personal data at rest (docs/PRIVACY.md): base64 AES-256 keys, comma-separated; the first
    # encrypts, all decrypt. The HMAC key makes the NIK and invitation-code lookup hashes.
    # Unset on SQLite: generated once into a key file next to the database.
    data_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(), validation_alias=AliasChoices("BERDAYA_DATA_KEYS", "data_keys")
    )
    hmac_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("BERDAYA_HMAC_KEY", "hmac_key")
    )

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token (expected <digits>:<secret>)")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1–256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not _SECRET_RE.match(value.get_secret_value()):
            raise ValueError("must be 16–256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _listen_shape(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:8080")
        return value

    @field_validator("data_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(SecretStr(p.strip()) for p in value.split(",") if p.strip())
        return value

    @field_validator("data_keys")
    @classmethod
    def _data_key_shape(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for key in value:
            _check_key(key)
        return value

    @field_validator("hmac_key")
    @classmethod
    def _hmac_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            _check_key(value)
        return value

    @field_validator("berdaya_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not a known IANA timezone") from exc
        return value

    @field_validator("berdaya_admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.isdigit() for p in parts):
                raise ValueError("must be comma-separated Telegram user ids")
            return tuple(int(p) for p in parts)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("checkin_offsets", mode="before")
    @classmethod
    def _split_offsets(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not parts or not all(p.isdigit() for p in parts):
                raise ValueError("must be comma-separated days, e.g. 30,90,180")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("checkin_offsets")
    @classmethod
    def _increasing_offsets(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or value[0] < 1 or any(b <= a for a, b in pairwise(value)):
            raise ValueError("must be at least one day, each later than the one before")
        return value

    @property
    def timezone(self) -> ZoneInfo:
        """The configured timezone (WIB by default)."""
        return ZoneInfo(self.berdaya_timezone)

    def token(self) -> str:
        """The bot token, or a SettingsError naming TELEGRAM_BOT_TOKEN when it is missing."""
        if self.telegram_bot_token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
        return self.telegram_bot_token.get_secret_value()


def _check_key(key: SecretStr) -> None:
    """A base64 key of 32 bytes; the error never repeats the key."""
    from bot.storage.crypto import KeysError, decode_key

    try:
        decode_key(key.get_secret_value(), variable="key")
    except KeysError:
        raise ValueError("must be 32 random bytes in base64 (make one: berdaya keys new)") from None


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it and fits on one line."""


def load_settings() -> Settings:
    """Read the settings, turning a validation failure into a one-line SettingsError."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
