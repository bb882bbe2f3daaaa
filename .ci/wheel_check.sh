#!/usr/bin/env bash
# The wheel check: build the wheel, install it with requirements-sandbox.lock into a fresh venv,
# and run it from outside the source tree (see .ci/wheel_check.py). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 .ci/wheel_check.py "$@"
