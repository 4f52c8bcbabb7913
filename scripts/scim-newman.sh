#!/usr/bin/env bash
# Runs Microsoft's SCIM reference test collection (AzureAD/SCIMReferenceCode,
# PostmanCollection.json, MIT) with newman against a real Roster: on SQLite,
# and on PostgreSQL too when ROSTER_TEST_POSTGRES names a server (as after
# `source scripts/pg.sh`). For each engine it builds `roster`, migrates a
# fresh database, makes an admin and an API key with the command line,
# starts `roster serve` on a free loopback port, runs the collection and
# stops the server.
#
# The collection is read from the conformance data folder
# (ROSTER_CONFORMANCE_DIR, default ../shared/conformance beside the
# repository; see internal/scim/conformance.md) and never edited. What
# Roster deliberately does differently is handled in the open:
#   - ROSTER_SCIM_DELETE=remove for the run: the collection counts users
#     after deleting others and finally expects none left; Roster's default
#     DELETE deactivates (SPEC C1), and deactivated users stay listed.
#   - the environment passes the admin's key as {{token}}, and
#     {{rosterPreexistingUsers}}/{{rosterPreexistingIds}}: the users present
#     before the run (the admin), which Roster always has.
#   - ADAPTATIONS in scripts/scim-newman.js change a temporary copy of the
#     collection, each with why (they print as they apply).
#   - PENDING_MERGE in scripts/scim-newman.js lists the requests that fail
#     until the issue #11 fixes merge; a listed request that passes fails.
# newman 6 is installed with npm into .bin/node (git-ignored) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
root=$PWD
data=${ROSTER_CONFORMANCE_DIR:-$root/../shared/conformance}
collection=$data/scim-reference-code/PostmanCollection.json
if [ ! -f "$collection" ]; then
	echo "scim-newman: no $collection: put the conformance data there or set ROSTER_CONFORMANCE_DIR (internal/scim/conformance.md)" >&2
	if [ "${ROSTER_REQUIRE_CONFORMANCE:-}" = true ]; then exit 1; fi
	echo "scim-newman: NOT RUN: the collection is third-party data that only the steering repository's shared/ may hold (ROSTER_REQUIRE_CONFORMANCE=true makes this an error)" >&2
	exit 0
fi

newman=$root/.bin/node/node_modules/newman/bin/newman.js
if [ ! -f "$newman" ]; then
	echo "scim-newman: installing newman 6.2.2 into .bin/node" >&2
	npm install --prefix "$root/.bin/node" --no-audit --no-fund --loglevel=error newman@6.2.2 >/dev/null
fi

work=$(mktemp -d /tmp/roster-newman.XXXXXX)
server=""
pgdb=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	if [ -n "$pgdb" ]; then psql -q "$ROSTER_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/roster" ./cmd/roster
node scripts/scim-newman.js adapt "$collection" "$work/collection.json"

# run_engine ENGINE DBURL runs the collection against a fresh server.
run_engine() {
	local engine=$1
	export ROSTER_DB=$2 ROSTER_LOG_LEVEL=warn ROSTER_SCIM_DELETE=remove
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	export ROSTER_ADDR=127.0.0.1:$port
	"$work/roster" migrate >/dev/null
	echo "newman admin password" | "$work/roster" admin create --username scimadmin --email scimadmin@example.com >/dev/null
	local key
	key=$("$work/roster" admin api-key create --user scimadmin --name newman | tail -1)
	"$work/roster" serve >"$work/server-$engine.log" 2>&1 &
	server=$!
	for _ in $(seq 1 100); do curl -sf "http://$ROSTER_ADDR/healthz" >/dev/null && break; sleep 0.1; done
	local before
	before=$(curl -sf -H "Authorization: Bearer $key" "http://$ROSTER_ADDR/scim/v2/Users?attributes=id")
	node -e '
		const [key, port, list] = process.argv.slice(1);
		const ids = JSON.parse(list).Resources.map((r) => r.id);
		const v = { Protocol: "http", Server: "127.0.0.1", Port: ":" + port, Api: "scim/v2", token: key,
			rosterPreexistingUsers: String(ids.length), rosterPreexistingIds: JSON.stringify(ids) };
		console.log(JSON.stringify({ name: "roster", values: Object.entries(v).map(([key, value]) => ({ key, value })) }));
	' "$key" "$port" "$before" >"$work/env.json"
	echo "== newman on $engine (Roster at $ROSTER_ADDR)"
	local rc=0
	node "$newman" run "$work/collection.json" -e "$work/env.json" --color off --disable-unicode \
		--reporters cli,json --reporter-json-export "$work/report-$engine.json" >"$work/newman-$engine.txt" 2>&1 || rc=$?
	if ! node scripts/scim-newman.js check "$work/collection.json" "$work/report-$engine.json"; then
		cat "$work/newman-$engine.txt"
		echo "scim-newman: $engine failed (newman exit $rc); server log:" >&2
		tail -20 "$work/server-$engine.log" >&2
		return 1
	fi
	kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

run_engine sqlite "sqlite:$work/roster.db"
if [ -n "${ROSTER_TEST_POSTGRES:-}" ]; then
	pgdb=roster_newman_$$
	psql -q "$ROSTER_TEST_POSTGRES" -c "CREATE DATABASE $pgdb" >/dev/null
	run_engine postgres "$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$ROSTER_TEST_POSTGRES" "$pgdb")"
fi
