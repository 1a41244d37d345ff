#!/usr/bin/env bash
# Installs Debian's Chromium for the end-to-end tests when it is missing. Idempotent: a machine
# that already has /usr/bin/chromium returns at once. Playwright's own browser download does not
# work on our machines (no access to its CDN), so the browser comes from the distribution.
set -euo pipefail

chromium=/usr/bin/chromium
if [ -x "$chromium" ]; then
  exit 0
fi

echo "ensure-chromium: $chromium is missing; installing Debian's chromium package (one-time, ~1 minute)..." >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
  echo "ensure-chromium: not root and no sudo: install it yourself with 'apt-get install chromium'." >&2
  exit 1
fi

log=$(mktemp)
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "ensure-chromium: installing chromium with apt-get failed (see above); the e2e tests need $chromium." >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"

if [ ! -x "$chromium" ]; then
  echo "ensure-chromium: apt-get finished but $chromium is still missing." >&2
  exit 1
fi
echo "ensure-chromium: installed $("$chromium" --version 2>/dev/null || echo chromium)." >&2
