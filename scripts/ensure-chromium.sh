#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
# Installs it when missing; needs root (as on CI and the development machines) or sudo.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium not found at $CHROMIUM; installing Debian's chromium package..."
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  "$CHROMIUM" --version
fi

# Chromium 150 (Debian bookworm's main archive) as well, unpacked beside the project: some
# browser behaviour differs from 156 (navigator.onLine stays true under offline emulation), and
# the tests tagged @chromium-150 must hold on both. playwright.config.ts runs them on it when present.
OLD_DIR="$(dirname "$0")/../.cache/chromium-150"
OLD_VERSION="150.0.7871.100-1~deb12u1"
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x "$OLD_DIR/usr/lib/chromium/chromium" ]; then
  TMP=$(mktemp -d)
  if (cd "$TMP" && apt-get download -qq "chromium=$OLD_VERSION" "chromium-common=$OLD_VERSION" >/dev/null 2>&1); then
    mkdir -p "$OLD_DIR"
    for deb in "$TMP"/*.deb; do dpkg -x "$deb" "$OLD_DIR"; done
    "$OLD_DIR/usr/lib/chromium/chromium" --version
  else
    echo "Chromium $OLD_VERSION is not in the package archive here; the @chromium-150 tests run on $CHROMIUM only."
  fi
  rm -rf "$TMP"
fi
