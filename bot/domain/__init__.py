"""Pure domain logic: parsing typed answers, NIK checks and reference data (no I/O, no Telegram)."""
