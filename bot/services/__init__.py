"""Services: plain async functions that decide. They know nothing of Telegram and never commit;
the caller owns the unit of work."""
