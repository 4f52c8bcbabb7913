#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port for tests.
# Source it: it exports ROSTER_TEST_POSTGRES and stops the cluster on exit.
# Installs Debian's postgresql-15 when no server binaries are found.

pg_bin=""
for d in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
	if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pg_bin=$d; break; fi
done
if [ -z "$pg_bin" ]; then
	echo "pg.sh: installing postgresql-15" >&2
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
	pg_bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
fi

pg_dir=$(mktemp -d /tmp/roster-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
	chown postgres "$pg_dir"
	as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-sync >"$pg_dir/initdb.log" 2>&1 || {
	cat "$pg_dir/initdb.log" >&2; return 1 2>/dev/null || exit 1; }

# Tests run without fsync; ROSTER_PG_DURABLE=1 keeps PostgreSQL's defaults
# (fsync, synchronous commit), for benchmarks.
pg_durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${ROSTER_PG_DURABLE:-}" = 1 ]; then pg_durability="-c fsync=on -c synchronous_commit=on"; fi

# Pick a free port: try random ones until the server starts on one.
for _ in $(seq 1 20); do
	pg_port=$(( 20000 + RANDOM % 30000 ))
	(exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null && continue
	if "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir $pg_durability -c max_connections=300" \
		start >/dev/null; then
		export ROSTER_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
		break
	fi
done
if [ -z "${ROSTER_TEST_POSTGRES:-}" ]; then
	echo "pg.sh: could not start PostgreSQL; see $pg_dir/server.log" >&2
	cat "$pg_dir/server.log" >&2 2>/dev/null
	return 1 2>/dev/null || exit 1
fi

pg_stop() {
	"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$pg_dir"
}
trap pg_stop EXIT
echo "pg.sh: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port" >&2
