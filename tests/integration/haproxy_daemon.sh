#!/bin/bash
# haproxy_daemon — haproxy as it is really run: `-D`, `user nobody`, a
# chroot, in front of a backend (python3's http.server, without the
# shim). The process that serves is the daemon forked after the start,
# running as nobody in an empty root-owned directory, its standard error
# /dev/null; its records are kept: accept records = requests = connect
# records to the backend = requests the backend saw.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" ss haproxy curl
[ "$(id -u)" = 0 ] || skip "haproxy must start as root to chroot and become nobody"
id nobody >/dev/null 2>&1 || skip "no nobody user"

N=20
FRONT=$(free_port)
BACK=$(free_port)
[ "$FRONT" != "$BACK" ] || BACK=$(free_port)
mkdir -m 0755 "$T/logs" "$T/empty" "$T/www"
echo ok >"$T/www/index.html"
group=$(id -gn nobody)
cat >"$T/haproxy.cfg" <<EOF
global
	daemon
	user nobody
	group $group
	chroot $T/empty
	pidfile $T/haproxy.pid
defaults
	mode http
	timeout connect 2s
	timeout client 5s
	timeout server 5s
frontend front
	bind 127.0.0.1:$FRONT
	default_backend back
backend back
	server web 127.0.0.1:$BACK
EOF
C=$(conf policy <<'EOF'
log = { format = "json"; };
EOF
)

bg "$PYTHON3" -m http.server "$BACK" --bind 127.0.0.1 --directory "$T/www" 2>"$T/backend.log" >/dev/null
wait_listen "$BACK"

daemon=
stop_haproxy() {
	[ -n "$daemon" ] || return 0
	kill -USR1 "$daemon" 2>/dev/null	# soft stop: finish, then exit
	for _ in $(seq 100); do
		kill -0 "$daemon" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -TERM "$daemon" 2>/dev/null
	return 1
}
trap 'stop_haproxy; cleanup' EXIT

under "$C" "$T/logs/haproxy.%p.json" timeout 20 haproxy -D -f "$T/haproxy.cfg" \
	>"$T/haproxy.out" 2>&1 || fail "haproxy did not start: $(cat "$T/haproxy.out")"
for _ in $(seq 100); do
	[ -s "$T/haproxy.pid" ] && break
	sleep 0.05
done
daemon=$(head -n 1 "$T/haproxy.pid" 2>/dev/null)
[ -n "$daemon" ] || fail "haproxy wrote no pid file: $(cat "$T/haproxy.out")"
wait_listen "$FRONT"
[ "$(stat -c %U /proc/"$daemon")" = nobody ] || fail "haproxy $daemon runs as $(stat -c %U /proc/"$daemon")"
[ "$(readlink /proc/"$daemon"/root)" = "$T/empty" ] || fail "haproxy is not chrooted: $(readlink /proc/"$daemon"/root)"
ok "haproxy daemon $daemon: nobody, chrooted in $T/empty"

answered=0
for i in $(seq $N); do
	r=$(curl -s --max-time 5 "http://127.0.0.1:$FRONT/") && [ "$r" = ok ] && answered=$((answered + 1))
done
expect "requests answered through haproxy" "$answered" "$N"
stop_haproxy || fail "haproxy did not stop on SIGUSR1 within 5 s"
expect "requests the backend saw" "$(grep -c '"GET / ' "$T/backend.log")" "$N"

ls -l "$T/logs"
f=$T/logs/haproxy.$daemon.json
[ -f "$f" ] || fail "the daemon $daemon has no log file; haproxy said: $(cat "$T/haproxy.out")"
logcheck "$f"
connects=$(jcount "$f" "r['call'] == 'connect' and r.get('addr') == '127.0.0.1:$BACK'")
echo "  daemon $daemon: $records records, $accepts accepts, $connects connects to the backend"
expect "accept records of the daemon" "$accepts" "$N"
expect "connect records of the daemon to the backend" "$connects" "$N"
logcheck "$T"/logs/*
expect "accept records in all files" "$accepts" "$N"
