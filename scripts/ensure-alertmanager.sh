#!/usr/bin/env bash
# Install Debian's prometheus-alertmanager when it is missing (the notification tests start
# a real one on a free port). Needs root; otherwise it says what to install and goes on:
# those tests then skip, loudly.
set -euo pipefail

BIN=/usr/bin/prometheus-alertmanager
if [ -x "$BIN" ] || command -v prometheus-alertmanager >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "prometheus-alertmanager is missing: apt-get install prometheus-alertmanager (as root)" >&2
  exit 0
fi
echo "==> installing prometheus-alertmanager"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends prometheus-alertmanager >/dev/null 2>&1 || {
  apt-get update -qq && apt-get install -y --no-install-recommends prometheus-alertmanager
}
# The package starts a service where an init system runs it; the tests start their own.
command -v systemctl >/dev/null 2>&1 && systemctl disable --now prometheus-alertmanager 2>/dev/null || true
