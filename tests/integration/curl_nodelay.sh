# curl_nodelay — a second program family: curl, a C program with its own
# ideas about TCP_NODELAY, against a python3 HTTP/1.1 server.
#
# Kernel's view: curl --no-tcp-nodelay uploads a small body over one
# keep-alive connection, N times. Headers and body go out as two writes,
# and the server answers in two writes too, so without TCP_NODELAY each
# request waits for a delayed ACK on both sides (~80 ms). The default
# policy forces TCP_NODELAY on curl's socket (one stall gone) and on the
# server's accepted socket (both gone).
# Log's view: curl's own setsockopt(TCP_NODELAY, 1) — the value the
# policy forces — passes through untouched: no action, no app_val.
. "$TESTLIB"

need "$PYTHON3" curl
DEFCONF=${FIXTURES%/tests/fixtures}/conf/sockshim.conf
[ -r "$DEFCONF" ] || fail "no default policy at $DEFCONF"
N=10

cat >"$T/server.py" <<'EOF'
import http.server, sys
class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
EOF
printf 0123456789 >"$T/body"

# The default policy, logging JSON to a file per process.
C=$(conf json <<EOF
$(sed '/^log = {/,/^};/d' "$DEFCONF")
log = { path = "$T/%n-%p.json"; format = "json"; };
EOF
)
SHIM=(env SOCKSHIM_CONFIG="$DEFCONF" SOCKSHIM_LOG=none LD_PRELOAD="$SOCKSHIM_LIB")

P_PLAIN=$(free_port)
P_SHIM=$(free_port)
bg timeout 30 "$PYTHON3" "$T/server.py" "$P_PLAIN"
bg timeout 30 "${SHIM[@]}" "$PYTHON3" "$T/server.py" "$P_SHIM"
wait_port "$P_PLAIN"
wait_port "$P_SHIM"

# uploads NAME PORT [prefix...] -- [curl options...]: N PUTs on one
# connection; prints the median time of requests 2..N in ms (a median:
# one scheduling hiccup on a busy machine moves a mean).
uploads() {
	local name=$1 port=$2 i
	local -a pre=() args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	for i in $(seq $N); do
		args+=(-T "$T/body" -o /dev/null "http://127.0.0.1:$port/r$i")
	done
	timeout 20 "${pre[@]}" curl -sS -H 'Expect:' "$@" \
		-w '%{http_code} %{num_connects} %{time_total}\n' "${args[@]}" \
		>"$T/$name.out" || fail "$name: curl failed"
	awk -v n=$N '
		$1 != 200 { bad = "HTTP " $1 }
		{ conns += $2 }
		END {
			if (NR != n) bad = NR " answers"
			if (conns != 1) bad = conns " connections"
			if (bad) { print "bad: " bad; exit 1 }
		}' "$T/$name.out" >"$T/$name.check" ||
		{ cat "$T/$name.out" >&2; fail "$name: $(cat "$T/$name.check")"; }
	awk 'NR > 1 { print $3 * 1000 }' "$T/$name.out" | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.3f\n", v[int((NR + 1) / 2)] }'
}

m_none=$(uploads none "$P_PLAIN" -- --no-tcp-nodelay)
m_curl=$(uploads curl "$P_PLAIN" "${SHIM[@]}" -- --no-tcp-nodelay)
m_both=$(uploads both "$P_SHIM" "${SHIM[@]}" -- --no-tcp-nodelay)
echo "curl --no-tcp-nodelay, median of requests 2..$N:"
echo "  no shim:                ${m_none} ms"
echo "  shim on curl only:      ${m_curl} ms"
echo "  shim on curl and server: ${m_both} ms"
awk -v a="$m_none" 'BEGIN { exit !(a >= 20) }' ||
	fail "without the shim a request took ${m_none} ms, expected >= 20 (Nagle)"
awk -v a="$m_none" -v b="$m_curl" 'BEGIN { exit !(a - b >= 20) }' ||
	fail "the shim on curl alone saved $m_none -> $m_curl ms: less than one delayed ACK"
awk -v a="$m_both" 'BEGIN { exit !(a < 5) }' ||
	fail "with the shim on both ends a request took ${m_both} ms, expected < 5"
ok "Nagle stalls: ${m_none} ms -> ${m_curl} ms (curl) -> ${m_both} ms (both)"

# The log of curl --no-tcp-nodelay, and of plain curl (sets it itself).
run_logged() {
	local name=$1
	shift
	timeout 20 env SOCKSHIM_CONFIG="$C" LD_PRELOAD="$SOCKSHIM_LIB" \
		curl -sS -H 'Expect:' "$@" -T "$T/body" \
		"http://127.0.0.1:$P_SHIM/$name" >"$T/$name.body" ||
		fail "$name: curl failed"
	[ "$(cat "$T/$name.body")" = 0123456789 ] || fail "$name: wrong answer"
	mv "$T"/curl-*.json "$T/$name.log" || fail "$name: no log curl-PID.json"
	assert_json "$T/$name.log"
}
run_logged forced --no-tcp-nodelay
run_logged own

"$PYTHON3" - "$T/forced.log" "$T/own.log" "$P_SHIM" <<'EOF' || fail "curl's log is not as expected"
import json, sys
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)
def load(path):
    return [json.loads(l) for l in open(path)]
port = int(sys.argv[3])
for name, path in (("--no-tcp-nodelay", sys.argv[1]), ("default", sys.argv[2])):
    recs = load(path)
    conn = [r for r in recs if r["call"] == "connect" and
            r.get("addr") == "127.0.0.1:%d" % port]
    check(len(conn) == 1, "%s: one connect to the server" % name)
    if not conn:
        continue
    fd, at = conn[0]["fd"], recs.index(conn[0])
    before = recs[:at]
    nd = [r for r in before if r["call"] == "setsockopt" and r["fd"] == fd
          and r["opt"] == "TCP_NODELAY"]
    pol = [r for r in nd if r["origin"] == "policy"]
    app = [r for r in nd if r["origin"] == "app"]
    check(all(r["prog"] == "curl" for r in recs), "%s: prog is curl" % name)
    check(len(pol) == 1 and pol[0]["val"] == 1 and pol[0]["action"] == "set"
          and pol[0]["ret"] == 0,
          "%s: the policy set TCP_NODELAY 1 before connect: %s" % (name, pol))
    if name == "default":
        check(len(app) == 1 and app[0]["val"] == 1 and app[0]["ret"] == 0 and
              "action" not in app[0] and "app_val" not in app[0],
              "%s: curl's own TCP_NODELAY 1 passed untouched: %s" % (name, app))
    else:
        check(app == [], "%s: curl did not set TCP_NODELAY itself" % name)
    others = [r for r in recs if r["origin"] == "app" and r["call"] == "setsockopt"
              and r["opt"] != "TCP_NODELAY"]
    check(all("action" not in r for r in others),
          "%s: curl's other options untouched: %s" % (name,
          ", ".join("%s=%s" % (r["opt"], r.get("val")) for r in others)))
sys.exit(1 if bad else 0)
EOF
ok "curl's log: policy TCP_NODELAY before connect; curl's own call untouched"
exit 0
