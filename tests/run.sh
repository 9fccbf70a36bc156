#!/usr/bin/env bash
# Installs what the tests need and runs every test. The README's second Quick start command;
# .ci/run calls it. From Debian (only what is missing): Chromium for the browser and
# accessibility tests, a Java runtime for the Nu HTML checker, npm, and nginx and openssl for
# the test of docs/nginx/notulist.conf. From npm (package.json, pinned in package-lock.json):
# axe-core and vnu-jar.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime when none is on the
# PATH; the tests use the system's java instead.
npm_flags=(--no-audit --no-fund --ignore-scripts --loglevel=error)
if [ -f package-lock.json ]; then
    npm ci "${npm_flags[@]}" >/dev/null
else
    npm install "${npm_flags[@]}" >/dev/null
fi
python3 -m pytest -q "$@"
