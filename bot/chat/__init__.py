"""The channel-neutral core of a conversation: turns, messages, button actions, features.

Nothing in this package imports `telegram`. Flows (`conversations/`) and feature modules
(`handlers/`) are written against it; `handlers/router.py` and `bot/outbox_sender.py` translate
between it and the Bot API, so another channel could reuse every flow unchanged.
"""
