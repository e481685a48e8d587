# report — `sockshim report` on the JSON logs of a real python3 server and
# its forked clients (one log per process), its numbers checked against
# what the program did; stdin, --json, usage errors, and a 1,000,000-record
# log summarised in reasonable time.
. "$TESTLIB"

need "$PYTHON3"
S=$SOCKSHIM_BIN
N=5

mkdir "$T/logs"
C=$(conf report <<EOF
mode = "enforce";
log = { path = "$T/logs/r-%p.json"; format = "json"; calls = "all"; };
options = {
  SO_REUSEADDR = { force = true; };
};
EOF
)

# The server accepts N clients; the forked child connects N times, each
# socket first asking for SO_REUSEADDR 0 (forced to 1), then once to a
# port where nothing listens. Then a bind on the listener's port fails.
cat >"$T/serve.py" <<'EOF'
import errno, json, os, socket, sys
n = int(sys.argv[1])
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(n)
port = lst.getsockname()[1]
child = os.fork()
if child == 0:
    for _ in range(n):
        c = socket.socket()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
        c.connect(("127.0.0.1", port))
        c.close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    c = socket.socket()
    try:
        c.connect(closed.getsockname())
        os._exit(3)
    except ConnectionRefusedError:
        os._exit(0)
for _ in range(n):
    a, _ = lst.accept()
    a.close()
_, status = os.waitpid(child, 0)
dup = socket.socket()
try:
    dup.bind(("127.0.0.1", port))
    err = "none"
except OSError as e:
    err = errno.errorcode.get(e.errno, str(e.errno))
print(json.dumps({"child_status": status, "bind_errno": err}))
EOF

under "$C" "" timeout 20 "$PYTHON3" "$T/serve.py" "$N" >"$T/facts.json" ||
	fail "the program failed under the shim"
echo "program's view: $(cat "$T/facts.json")"
grep -q '"child_status": 0' "$T/facts.json" || fail "the client half failed"
grep -q '"bind_errno": "EADDRINUSE"' "$T/facts.json" ||
	fail "the second bind did not fail with EADDRINUSE"
set -- "$T"/logs/r-*.json
[ $# = 2 ] || fail "expected two logs (server, client): $*"
# A log may end in newline padding (a process that exits without closing
# it, like the forked child here): records are the lines that hold one.
lines=$(cat "$@" | grep -ac '^{')
ok "two logs, $lines records"

# --- text: the numbers the program's actions imply
"$S" report "$@" >"$T/report.txt" 2>"$T/report.err" || fail "report failed: $(cat "$T/report.err")"
cat "$T/report.txt"
[ -s "$T/report.err" ] && fail "report complained: $(cat "$T/report.err")"
grep -q "^all programs (1): $lines records, 2 processes, 0 lines skipped$" "$T/report.txt" ||
	fail "totals line: not $lines records, 2 processes"
grep -q "listeners 1\|1 listeners" "$T/report.txt" || fail "one listener"
grep -q "^  accept: $N calls, 0 failed; connect: $((N + 1)) calls, 0 in progress, 1 failed$" \
	"$T/report.txt" || fail "accept/connect counts"
grep -q "$N accepted, $N clients" "$T/report.txt" || fail "roles: $N accepted, $N clients"
grep -Eq "^ +SOL_SOCKET +SO_REUSEADDR +$N +[0-9]+ +0 +(set [0-9]+, )?forced $N( |,|$)" "$T/report.txt" ||
	fail "SO_REUSEADDR: $N app calls, forced $N"
grep -Eq "^ +bind +EADDRINUSE +1$" "$T/report.txt" || fail "the EADDRINUSE bind"
grep -Eq "^ +connect +ECONNREFUSED +1$" "$T/report.txt" || fail "the refused connect"
ok "text report matches the program"

# --- JSON, checked against the logs counted independently
"$S" report --json "$@" >"$T/report.json" || fail "report --json failed"
"$PYTHON3" -c 'import json,sys; json.load(sys.stdin)' <"$T/report.json" ||
	fail "report --json is not JSON"
"$PYTHON3" - "$T/report.json" "$N" "$@" <<'EOF' || fail "JSON report does not match the logs"
import json, sys
rep = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
recs = [json.loads(l) for f in sys.argv[3:] for l in open(f) if l.strip()]
t = rep["totals"]
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)
check(rep["skipped"] == 0, "nothing skipped")
check(t["records"] == len(recs), "records %d = %d" % (t["records"], len(recs)))
check(t["processes"] == len({r["pid"] for r in recs}) == 2, "2 processes")
check(t["programs"] == 1 and rep["programs"][0]["prog"] == "python3", "one program, python3")
check(rep["programs"][0]["records"] == len(recs), "python3 has every record")
socks = sum(1 for r in recs if r["call"] == "socket" and r["ret"] >= 0)
check(t["sockets"]["created"] == socks, "sockets created %d = %d" % (t["sockets"]["created"], socks))
check(t["accept"] == {"calls": n, "failed": 0}, "accept %s" % t["accept"])
check(t["connect"] == {"calls": n + 1, "in_progress": 0, "failed": 1}, "connect %s" % t["connect"])
check(t["roles"] == {"listeners": 1, "accepted": n, "clients": n}, "roles %s" % t["roles"])
ra = [o for o in t["options"] if o["opt"] == "SO_REUSEADDR"]
check(len(ra) == 1, "one SO_REUSEADDR entry")
ra = ra[0]
pol = sum(1 for r in recs if r.get("opt") == "SO_REUSEADDR" and r["origin"] == "policy")
check(ra["setsockopt"] == n and ra["policy_setsockopt"] == pol,
      "SO_REUSEADDR: %d app, %d policy calls" % (n, pol))
check(ra["actions"].get("forced") == n and ra["actions"].get("set") == pol,
      "actions %s" % ra["actions"])
check(ra["values"] == [{"val": 1, "count": n + pol}], "values %s" % ra["values"])
fails = {(f["call"], f["errno"]): f["count"] for f in t["failures"]["by_errno"]}
check(fails.get(("bind", "EADDRINUSE")) == 1, "bind EADDRINUSE once")
check(fails.get(("connect", "ECONNREFUSED")) == 1, "connect ECONNREFUSED once")
errs = sum(1 for r in recs if "errno" in r)
check(t["failures"]["total"] == errs, "failures %d = %d" % (t["failures"]["total"], errs))
sys.exit(1 if bad else 0)
EOF
ok "JSON report matches the logs"

# --- stdin: the same report; lines that are not records are counted
cat "$@" | "$S" report --json - >"$T/stdin.json" || fail "report - failed"
cmp -s "$T/report.json" "$T/stdin.json" || fail "report - differs from the files' report"
{
	cat "$@"
	echo 'sockshim[1 x] close(3) = 0'
	echo '{"pid":1,"prog":"x","call":"clo'
	printf '\n\n\0\0\0\n'
} | "$S" report - >"$T/skip.txt" 2>"$T/skip.err" || fail "report - with junk failed"
grep -q "^all programs (1): $lines records, 2 processes, 2 lines skipped$" "$T/skip.txt" ||
	fail "junk lines not counted: $(head -1 "$T/skip.txt")"
grep -q "(stdin): 2 lines skipped" "$T/skip.err" || fail "no note on stderr: $(cat "$T/skip.err")"
ok "stdin gives the same report; junk lines are skipped, blank padding ignored"

# --- usage
"$S" report >/dev/null 2>&1
[ $? = 2 ] || fail "no log: exit status is not 2"
"$S" report --frob x >/dev/null 2>&1
[ $? = 2 ] || fail "bad option: exit status is not 2"
"$S" report --help | grep -q 'sockshim report' || fail "report --help"
"$S" report "$T/no-such.json" >/dev/null 2>"$T/err"
[ $? = 1 ] || fail "a missing log: exit status is not 1"
grep -q "no-such.json" "$T/err" || fail "a missing log is not named"
"$S" --help | grep -q 'sockshim report' || fail "sockshim --help does not list report"
ok "usage errors"

# --- performance: a million records from 50 processes of 5 programs
"$PYTHON3" - "$T/big.json" <<'EOF' || fail "generator failed"
import sys
progs = ["nginx", "python3", "curl", "redis-server", "java"]
tpl = [
    '{"ts":"2026-11-21T10:00:00.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"socket","fd":7,"ret":7,"origin":"app","family":"AF_INET","type":"SOCK_STREAM|SOCK_CLOEXEC","proto":0}\n',
    '{"ts":"2026-11-21T10:00:00.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"setsockopt","fd":7,"ret":0,"origin":"policy","level":"IPPROTO_TCP","opt":"TCP_NODELAY","val":1,"action":"set"}\n',
    '{"ts":"2026-11-21T10:00:00.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"setsockopt","fd":7,"ret":0,"origin":"app","level":"SOL_SOCKET","opt":"SO_LINGER","val":[1,5],"app_val":[1,30],"action":"clamped"}\n',
    '{"ts":"2026-11-21T10:00:00.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"accept4","fd":8,"ret":8,"origin":"app","listen_fd":6,"peer":"10.0.0.1:5000","flags":2048}\n',
    '{"ts":"2026-11-21T10:00:00.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"close","fd":7,"ret":0,"origin":"app"}\n',
]
with open(sys.argv[1], "w") as f:
    for i in range(1000000):
        pid = 1000 + i % 50
        f.write(tpl[i % 5] % (i % 1000000, pid, pid, progs[pid % 5]))
EOF
start=$(date +%s.%N)
timeout 20 "$S" report "$T/big.json" >"$T/big.txt" || fail "1,000,000 records: not done in 20 s"
end=$(date +%s.%N)
head -1 "$T/big.txt"
grep -q "^all programs (5): 1000000 records, 50 processes, 0 lines skipped$" "$T/big.txt" ||
	fail "1,000,000 records: wrong totals"
ok "1,000,000 records summarised in $(awk "BEGIN { printf \"%.2f\", $end - $start }") s"
exit 0
