#!/usr/bin/env bash
# Samples what PostgreSQL's client backends wait on, every 20 ms for about
# 8 s, into ${PG_WAITS_OUT:-/tmp/pg-waits.txt}: one line per busy backend,
# "wait_event_type:wait_event query". Meant as ROSTER_SAMPLE for
# scripts/scim-load.sh, which sources it with ROSTER_TEST_POSTGRES set:
#   ROSTER_SAMPLE=scripts/pg-waits.sh ./scripts/scim-load.sh postgres -users 3000 -groups 0 -c 8
#   awk '{print $1}' /tmp/pg-waits.txt | sort | uniq -c | sort -rn
psql_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)/psql
( for _ in $(seq 1 400); do
	"$psql_bin" -Atq "$ROSTER_TEST_POSTGRES" -c "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, 'running') || ' ' ||
		left(regexp_replace(query, '\s+', ' ', 'g'), 50) FROM pg_stat_activity
		WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()" 2>/dev/null
	sleep 0.02
done ) >"${PG_WAITS_OUT:-/tmp/pg-waits.txt}" &
