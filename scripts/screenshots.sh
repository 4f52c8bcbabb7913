#!/usr/bin/env bash
# Regenerates screenshots/: every main page at desktop (1280 px) and phone
# (390 px) width from TestBrowserScreenshots, and the moments the other
# browser tests of internal/web photograph (a dialog open, a refusal, a
# 2,001-member team). Other test runs write their screenshots into a
# temporary folder, so they leave the working tree alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
bash scripts/chromium.sh
mkdir -p screenshots
rm -f screenshots/*.png
ROSTER_SCREENSHOTS=screenshots go test -count=1 -run '^TestBrowser' -skip 'Lighthouse|Accessibility' ./internal/web/
ls screenshots | wc -l | xargs echo "screenshots.sh: screenshots/ holds these many PNGs:"
