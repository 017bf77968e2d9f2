#!/usr/bin/env bash
# Debian packages the browser tests need: Chromium and CJK fonts (pages are in Chinese).
# Installs only what is missing; without root or apt it says what to install and goes on
# (the browser tests then skip and say why).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (Debian packages for the browser tests)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "browser tests need: ${missing[*]} (apt-get install ${missing[*]}); they will be skipped" >&2
fi
