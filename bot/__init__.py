"""Berdaya: a Telegram bot that keeps Dinas Sosial Jawa Timur in touch with its former clients."""
