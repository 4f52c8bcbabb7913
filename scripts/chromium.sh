#!/usr/bin/env bash
# Makes sure headless Chromium is there for the browser tests of
# internal/web: installs Debian's package when /usr/bin/chromium is missing
# (CI runs as root on a fresh machine). Elsewhere without root it only
# warns: the browser tests then skip locally, and fail when CI=true.
set -euo pipefail
if [ -n "${ROSTER_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ]; then
	exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "chromium.sh: installing chromium" >&2
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	exit 0
fi
echo "chromium.sh: no /usr/bin/chromium and no root to install it; browser tests will skip (and fail under CI=true)" >&2
