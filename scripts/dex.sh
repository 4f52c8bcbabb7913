#!/usr/bin/env bash
# Builds the Dex OpenID Connect provider the SSO tests run, from the
# separate tools/dex module (its own go.mod keeps Dex's dependencies out of
# Roster's), into the git-ignored .bin/dex when it is missing or older than
# its sources; about 2 minutes cold. Source it: it exports ROSTER_DEX_BIN,
# and ROSTER_REQUIRE_DEX=1 under CI (CI=true) so that a missing Dex fails
# the SSO tests instead of skipping them.

dex_bin="$PWD/.bin/dex"
if [ ! -x "$dex_bin" ] || [ tools/dex/main.go -nt "$dex_bin" ] || [ tools/dex/go.mod -nt "$dex_bin" ]; then
	echo "dex.sh: building $dex_bin from tools/dex" >&2
	mkdir -p "$PWD/.bin"
	CGO_ENABLED=0 GOTOOLCHAIN=local go build -C tools/dex -o "$dex_bin" . || {
		echo "dex.sh: building Dex failed" >&2; return 1 2>/dev/null || exit 1; }
fi
export ROSTER_DEX_BIN="$dex_bin"
if [ "${CI:-}" = true ]; then
	export ROSTER_REQUIRE_DEX=1
fi
