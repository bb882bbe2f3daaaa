"""Berdaya's sandbox: a local Bot API emulator and a terminal chat with the bot.

Installed with the `sandbox` extra (`pip install berdaya[sandbox]`), which brings in aiohttp.
The bot itself never imports this package; tests, the sandbox and benchmarks do.
"""
