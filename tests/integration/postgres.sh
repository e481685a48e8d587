#!/bin/bash
# postgres — PostgreSQL under the shim with a %p log: the postmaster
# forks a backend per connection (and its background workers). K psql
# connections over TCP all answer; the postmaster's accept records = K;
# each backend psql talked to has its own file; after a fast shutdown
# every file is whole (no padding, no NUL, every line JSON).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
[ -z "$SOCKSHIM_ASAN" ] ||
	skip "PostgreSQL hangs at start with the ASan runtime preloaded, shim or not; the plain build runs this test"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/postgres" ] || need postgres
need "$PYTHON3" ss psql runuser
[ "$(id -u)" = 0 ] || skip "needs root to run PostgreSQL as the postgres user"
id postgres >/dev/null 2>&1 || skip "no postgres user"

K=4
PORT=$(free_port)
chmod 0755 "$T"
mkdir -m 0755 "$T/pg" "$T/logs" "$T/sock"
chown postgres "$T/pg" "$T/logs" "$T/sock"
runuser -u postgres -- "$PGBIN/initdb" -D "$T/pg/data" -A trust -U postgres \
	--no-sync >"$T/initdb.log" 2>&1 || fail "initdb: $(tail -n 5 "$T/initdb.log")"
C=$(conf policy <<'EOF'
log = { format = "json"; };
EOF
)
chmod 0644 "$C"

runuser -u postgres -- env SOCKSHIM_CONFIG="$C" SOCKSHIM_LOG="$T/logs/pg.%p.json" \
	LD_PRELOAD="$SOCKSHIM_PRELOAD" "$PGBIN/postgres" -D "$T/pg/data" -p "$PORT" \
	-c listen_addresses=127.0.0.1 -c unix_socket_directories="$T/sock" \
	-c fsync=off >"$T/pg.log" 2>&1 &
runner=$!
_pids="$_pids $runner"
wait_listen "$PORT"
postmaster=$(head -n 1 "$T/pg/data/postmaster.pid")
ok "postmaster $postmaster listens on 127.0.0.1:$PORT"
stop_pg() {
	[ -n "$postmaster" ] || return 0
	kill -INT "$postmaster" 2>/dev/null	# fast shutdown
	for _ in $(seq 200); do
		kill -0 "$postmaster" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -QUIT "$postmaster" 2>/dev/null
	return 1
}
trap 'stop_pg; cleanup' EXIT

backends=
for i in $(seq $K); do
	b=$(timeout 20 psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atc \
		'select pg_backend_pid()' 2>"$T/psql.err") || fail "psql $i: $(cat "$T/psql.err")"
	backends="$backends $b"
done
expect "psql connections answered" "$(echo $backends | wc -w)" "$K"
stop_pg || fail "PostgreSQL did not stop on SIGINT within 10 s: $(tail -n 5 "$T/pg.log")"
postmaster_done=$postmaster
postmaster=

ls "$T/logs" | head -n 20
logcheck --pid "$postmaster_done" "$T/logs/pg.$postmaster_done.json"
expect "accept records of the postmaster" "$accepts" "$K"
missing=
for b in $backends; do
	[ -s "$T/logs/pg.$b.json" ] || missing="$missing $b"
done
[ -z "$missing" ] || fail "backends without a log file:$missing"
ok "each of the $K backends has its own log file"
logcheck "$T"/logs/*
echo "  $files files, $records records"
