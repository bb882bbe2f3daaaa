"""Tests of the pure domain modules in bot.domain."""
