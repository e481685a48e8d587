#!/bin/bash
# nginx_privdrop — nginx as it is really run: a master started as root
# that daemonizes and forks workers which become www-data. The %p log
# goes to a root-owned 0755 directory the workers can no longer write
# to; every request a worker accepts still has its accept record:
# accept records across the workers' files = requests = lines in
# nginx's own access log.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" ss nginx curl
[ "$(id -u)" = 0 ] || skip "nginx's master must start as root to become www-data"
id www-data >/dev/null 2>&1 || skip "no www-data user"

N=20
PORT=$(free_port)
# Only the log directory's own mode is in the way: the workers can reach
# it, and cannot create files in it.
chmod 0755 "$T"
mkdir -m 0755 "$T/logs" "$T/tmp"
cat >"$T/nginx.conf" <<EOF
user www-data;
worker_processes 2;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 64; }
http {
	access_log $T/access.log;
	keepalive_timeout 0;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	server {
		listen 127.0.0.1:$PORT;
		location / { return 200 "ok\n"; }
	}
}
EOF
C=$(conf policy <<'EOC'
log = { format = "json"; };
EOC
)

master=
stop_nginx() {
	[ -n "$master" ] || return 0
	kill -QUIT "$master" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$master" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -TERM "$master" 2>/dev/null
	return 1
}
trap 'stop_nginx; cleanup' EXIT

under "$C" "$T/logs/nginx.%p.json" timeout 20 nginx -p "$T/" -c "$T/nginx.conf" 2>"$T/nginx.err" ||
	fail "nginx did not start: $(cat "$T/nginx.err" "$T/error.log" 2>/dev/null)"
for _ in $(seq 100); do
	[ -s "$T/nginx.pid" ] && break
	sleep 0.05
done
master=$(cat "$T/nginx.pid" 2>/dev/null)
[ -n "$master" ] || fail "nginx wrote no pid file: $(cat "$T/error.log")"
wait_listen "$PORT"
workers=$(pgrep -P "$master" | sort -n)
[ "$(echo $workers | wc -w)" = 2 ] || fail "nginx has workers '$workers', expected 2"
for w in $workers; do
	[ "$(stat -c %U /proc/"$w")" = www-data ] || fail "worker $w runs as $(stat -c %U /proc/"$w")"
done
ok "nginx: master $master as root, workers $(echo $workers) as www-data"

answered=0
for i in $(seq $N); do
	r=$(curl -s --max-time 5 "http://127.0.0.1:$PORT/") && [ "$r" = ok ] && answered=$((answered + 1))
done
expect "requests answered" "$answered" "$N"
stop_nginx || fail "nginx did not stop on SIGQUIT within 5 s"
expect "lines in nginx's access log" "$(wc -l <"$T/access.log")" "$N"

ls -l "$T/logs"
if grep -q 'cannot open log' "$T/error.log" "$T/nginx.err" 2>/dev/null; then
	echo "  warnings: $(grep -h 'cannot open log' "$T/error.log" "$T/nginx.err" | sort | uniq -c)"
fi
total=0
for w in $workers; do
	f=$T/logs/nginx.$w.json
	if [ -f "$f" ]; then
		logcheck "$f"
		echo "  worker $w: $accepts accepts, $records records"
		total=$((total + accepts))
	else
		echo "  worker $w: no log file"
	fi
done
expect "accept records in the workers' files" "$total" "$N"
logcheck "$T"/logs/*
expect "accept records in all files" "$accepts" "$N"
