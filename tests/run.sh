#!/usr/bin/env bash
# Installs what the tests need (the package with its test extras, Debian's Chromium for the
# browser tests) and runs every test. The README's second Quick start command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m pytest -q "$@"
