#!/usr/bin/env bash
# Measures SCIM provisioning: starts `roster serve` on 127.0.0.1 with a
# fresh database (SQLite by default; `postgres` as the first argument uses
# a throwaway cluster from scripts/pg.sh), makes an admin and an API key
# with the command line, runs cmd/roster-load against it and stops it.
# Further arguments go to roster-load, e.g. -users 10000 -groups 100 -c 32.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
engine=sqlite
if [ "${1:-}" = postgres ] || [ "${1:-}" = sqlite ]; then engine=$1; shift; fi

work=$(mktemp -d /tmp/roster-load.XXXXXX)
go build -o "$work/roster" ./cmd/roster
go build -o "$work/roster-load" ./cmd/roster-load
if [ "$engine" = postgres ]; then
	source scripts/pg.sh
	export ROSTER_DB="$ROSTER_TEST_POSTGRES"
else
	export ROSTER_DB="sqlite:$work/roster.db"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export ROSTER_ADDR="127.0.0.1:$port" ROSTER_LOG_LEVEL=warn
"$work/roster" migrate >/dev/null
echo "load admin password" | "$work/roster" admin create --username loadadmin --email loadadmin@example.com >/dev/null
key=$("$work/roster" admin api-key create --user loadadmin --name load | tail -1)
"$work/roster" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf "http://$ROSTER_ADDR/healthz" >/dev/null && break; sleep 0.1; done
echo "engine: $engine"
"$work/roster-load" -url "http://$ROSTER_ADDR" -key "$key" "$@"
echo "server CPU time: $(ps -o cputime= -p $server)"
