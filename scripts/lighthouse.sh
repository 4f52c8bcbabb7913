#!/usr/bin/env bash
# Installs Lighthouse, which internal/web's TestBrowserLighthouse runs
# against the system Chromium on every main page, with npm into the
# git-ignored .bin/lighthouse-<version> when it is missing. 12.x is the last
# line that runs on Node 20 (13 needs Node 22.19). Source it: it exports
# ROSTER_LIGHTHOUSE (the CLI), and ROSTER_REQUIRE_LIGHTHOUSE=1 under CI
# (CI=true) so that a missing Lighthouse fails that test instead of
# skipping it, and ROSTER_LIGHTHOUSE_SMALL=1 so that CI scores the small
# organization's signed-in pages as well as the 2,000-user one's.

lighthouse_version=12.8.2
lighthouse_dir="$PWD/.bin/lighthouse-$lighthouse_version"
lighthouse_cli="$lighthouse_dir/node_modules/lighthouse/cli/index.js"
if [ ! -s "$lighthouse_cli" ]; then
	echo "lighthouse.sh: installing lighthouse $lighthouse_version into $lighthouse_dir" >&2
	mkdir -p "$lighthouse_dir"
	if ! npm install --silent --no-audit --no-fund --prefix "$lighthouse_dir" "lighthouse@$lighthouse_version" >/dev/null; then
		echo "lighthouse.sh: npm could not install lighthouse; the Lighthouse test will skip (and fail under CI=true)" >&2
	fi
fi
if [ -s "$lighthouse_cli" ]; then
	export ROSTER_LIGHTHOUSE="$lighthouse_cli"
fi
if [ "${CI:-}" = true ]; then
	export ROSTER_REQUIRE_LIGHTHOUSE=1
	# CI scores the small organization's signed-in pages too (#15).
	export ROSTER_LIGHTHOUSE_SMALL="${ROSTER_LIGHTHOUSE_SMALL:-1}"
fi
