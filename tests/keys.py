"""Fixed, obviously fake keys for tests (the bot and a test's own handle must agree, also on
PostgreSQL, where nothing is generated). Never use them anywhere else."""

from __future__ import annotations

import base64

from bot.storage.crypto import Keys

TEST_DATA_KEY = base64.b64encode(b"berdaya test data key: not real!").decode()
TEST_HMAC_KEY = base64.b64encode(b"berdaya test hmac key: not real!").decode()
OLD_TEST_DATA_KEY = base64.b64encode(b"berdaya old test key: not real!!").decode()
TEST_KEYS = Keys.from_text([TEST_DATA_KEY], TEST_HMAC_KEY)
# As environment variables, for a bot started as a process.
TEST_KEY_ENV = {"BERDAYA_DATA_KEYS": TEST_DATA_KEY, "BERDAYA_HMAC_KEY": TEST_HMAC_KEY}
