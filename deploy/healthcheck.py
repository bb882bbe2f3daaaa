"""The container's health check (deploy/Containerfile): in webhook mode, GET /healthz on this
process's BERDAYA_WEBHOOK_LISTEN must answer 200; in long-polling mode there is no HTTP port,
so the check passes while the process runs. Standard library only; exit 0 healthy, 1 not."""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

# A listen address on every interface is reached through the loopback one.
ANY = {"", "0.0.0.0", "::", "[::]"}


def webhook_mode(cmdline: bytes) -> bool:
    """Whether the bot (the container's process 1) was started with --webhook."""
    return any(arg.startswith(b"--webhook") for arg in cmdline.split(b"\0"))


def health_url(listen: str) -> str:
    """The /healthz URL of a BERDAYA_WEBHOOK_LISTEN value (HOST:PORT)."""
    host, _, port = listen.rpartition(":")
    if host in ANY:
        host = "127.0.0.1"
    return f"http://{host}:{port}/healthz"


def main() -> int:
    try:
        cmdline = Path("/proc/1/cmdline").read_bytes()
    except OSError:
        return 1
    if not webhook_mode(cmdline):
        return 0
    url = health_url(os.environ.get("BERDAYA_WEBHOOK_LISTEN", "127.0.0.1:8080"))
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
