#!/usr/bin/env bash
# Measures SCIM provisioning: starts `roster serve` on 127.0.0.1 with a
# fresh database (SQLite by default; `postgres` as the first argument uses
# a throwaway cluster from scripts/pg.sh, durable: fsync and synchronous
# commit on), makes an admin and an API key with the command line, runs
# cmd/roster-load against it and stops it. On PostgreSQL it first measures
# the database's own single-row commit rate at c=1 and c=$ROSTER_CEILING_C
# (8) in the same run (roster-load -mode pg-ceiling).
# ROSTER_SERVERS=2 starts two Roster processes on the one database and
# spreads the requests over both (-c is the total in flight).
# ROSTER_SRC=dir builds the server from another checkout (a baseline).
# ROSTER_SAMPLE=file is sourced just before the load starts, e.g. to
# sample pg_stat_activity in the background.
# Further arguments go to roster-load, e.g. -users 10000 -groups 100 -c 32.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
engine=sqlite
if [ "${1:-}" = postgres ] || [ "${1:-}" = sqlite ]; then engine=$1; shift; fi
servers=${ROSTER_SERVERS:-1}

work=$(mktemp -d /tmp/roster-load.XXXXXX)
(cd "${ROSTER_SRC:-.}" && go build -o "$work/roster" ./cmd/roster)
go build -o "$work/roster-load" ./cmd/roster-load
if [ "$engine" = postgres ]; then
	export ROSTER_PG_DURABLE=${ROSTER_PG_DURABLE:-1}
	source scripts/pg.sh
	export ROSTER_DB="$ROSTER_TEST_POSTGRES"
else
	export ROSTER_DB="sqlite:$work/roster.db"
fi
export ROSTER_LOG_LEVEL=warn
"$work/roster" migrate >/dev/null
echo "load admin password" | "$work/roster" admin create --username loadadmin --email loadadmin@example.com >/dev/null
key=$("$work/roster" admin api-key create --user loadadmin --name load | tail -1)
pids=()
urls=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; wait $p 2>/dev/null; done; rm -rf "$work"' EXIT
for n in $(seq 1 "$servers"); do
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	ROSTER_ADDR="127.0.0.1:$port" "$work/roster" serve >"$work/server$n.log" 2>&1 &
	pids+=($!)
	urls+=("http://127.0.0.1:$port")
	for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
echo "engine: $engine, $servers server(s)"
if [ "$engine" = postgres ]; then
	"$work/roster-load" -mode pg-ceiling -db "$ROSTER_DB" -commits "${ROSTER_CEILING_COMMITS:-10000}" -c "${ROSTER_CEILING_C:-8}"
fi
[ -n "${ROSTER_SAMPLE:-}" ] && source "$ROSTER_SAMPLE"
"$work/roster-load" -url "$(IFS=,; echo "${urls[*]}")" -key "$key" "$@"
for p in "${pids[@]}"; do echo "server $p CPU time: $(ps -o cputime= -p "$p")"; done
