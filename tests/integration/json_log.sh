# json_log — the JSON call log of a real python3 client/server exchange,
# checked field by field against the record format (README, "The log"), and
# against what the program itself got from the kernel.
. "$TESTLIB"

need "$PYTHON3"

mkdir "$T/logs"
C=$(conf json <<EOF
mode = "enforce";
log = { path = "$T/logs/j-%p-%n.json"; format = "json"; calls = "all"; };
options = {
  SO_REUSEADDR = { force = true; };
  TCP_NODELAY  = { force = true; };
  SO_LINGER    = { max = 5; abortive = "graceful"; };
};
EOF
)

# The program: a listener, a client with explicit IPPROTO_TCP that asks
# for SO_REUSEADDR 0 (forced to 1), SO_LINGER [1,30] (clamped to 5) and
# TCP_NODELAY 1 (the policy's value: passes untouched), an exchange, and
# a bind that must fail. It prints what the kernel told it, as JSON.
cat >"$T/exchange.py" <<'EOF'
import errno, json, os, socket, struct
facts = {"pid": os.getpid()}
with open("/proc/self/comm") as f:
    facts["comm"] = f.read().strip()
lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lst.bind(("127.0.0.1", 0))
lst.listen(1)
port = lst.getsockname()[1]
cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
cli.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 30))
cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
facts["cli_reuseaddr"] = cli.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
facts["cli_linger"] = list(struct.unpack("ii",
    cli.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)))
cli.settimeout(10)
cli.connect(("127.0.0.1", port))
lst.settimeout(10)
acc, peer = lst.accept()
cli.sendall(b"ping")
assert acc.recv(4) == b"ping"
acc.sendall(b"pong")
assert cli.recv(4) == b"pong"
dup = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    dup.bind(("127.0.0.1", port))
    facts["bind_errno"] = "none"
except OSError as e:
    facts["bind_errno"] = errno.errorcode.get(e.errno, str(e.errno))
facts.update(port=port, listen_fd=lst.fileno(), cli_fd=cli.fileno(),
             acc_fd=acc.fileno(), dup_fd=dup.fileno(),
             peer="%s:%d" % peer, cli_local="127.0.0.1:%d" % cli.getsockname()[1])
for s in (dup, acc, cli, lst):
    s.close()
print(json.dumps(facts))
EOF

under "$C" "" timeout 20 "$PYTHON3" "$T/exchange.py" >"$T/facts.json" ||
	fail "the exchange failed under the shim"
echo "program's view: $(cat "$T/facts.json")"
pid=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$T/facts.json")
LOG="$T/logs/j-$pid-python3.json"
ls "$T/logs"
[ -s "$LOG" ] || fail "no log at $LOG (%p -> pid, %n -> python3 expected)"
ok "log.path expanded to $(basename "$LOG")"
assert_json "$LOG"
ok "every line of the log is JSON with the contract's fields"

"$PYTHON3" - "$LOG" "$T/facts.json" <<'EOF' || fail "the JSON log does not match the contract"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
facts = json.load(open(sys.argv[2]))
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)
def one(what, pred):
    hits = [r for r in recs if pred(r)]
    check(len(hits) == 1, "%s: one record (found %d)" % (what, len(hits)))
    return hits[0] if hits else {}

print("%d records" % len(recs))
isnum = lambda v: isinstance(v, int) and not isinstance(v, bool)
check(all(r["pid"] == facts["pid"] for r in recs), "pid is the program's pid")
check(all(isnum(r["pid"]) and isnum(r["tid"]) for r in recs), "pid, tid are numbers")
check(all(r["prog"] == "python3" == facts["comm"] for r in recs),
      'prog is "python3" (the kernel\'s comm: %s)' % facts["comm"])
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:?\d\d)?$")
check(all(isinstance(r["ts"], str) and ts.match(r["ts"]) for r in recs),
      "ts has microseconds: %s" % recs[0]["ts"])

# socket records: symbolic family, type, proto
socks = [r for r in recs if r["call"] == "socket"]
check(len(socks) == 3, "three socket records (found %d)" % len(socks))
check(all(r["family"] == "AF_INET" for r in socks), "family AF_INET")
check(all(isinstance(r["type"], str) and r["type"].split("|")[0] == "SOCK_STREAM"
          for r in socks), "type symbolic SOCK_STREAM[|flags]: %s" % socks[0]["type"])
cli = one("socket of the client", lambda r: r["call"] == "socket" and r["fd"] == facts["cli_fd"])
check(cli.get("proto") == "IPPROTO_TCP", "explicit protocol logged as IPPROTO_TCP: %r" % cli.get("proto"))
zero = [r["proto"] for r in socks if r["fd"] != facts["cli_fd"]]
check(zero and all(p == "IPPROTO_TCP" for p in zero),
      "protocol 0 logged as the protocol it gets, IPPROTO_TCP: %r" % zero)

# the policy's own calls
pol = [r for r in recs if r["origin"] == "policy"]
check(len(pol) > 0, "policy records exist (%d)" % len(pol))
check(all(r["call"] == "setsockopt" and r.get("action") == "set" for r in pol),
      'policy records are setsockopt with action "set"')
for fd in (facts["listen_fd"], facts["cli_fd"], facts["acc_fd"]):
    opts = {r["opt"] for r in pol if r["fd"] == fd and r["ret"] == 0}
    check({"SO_REUSEADDR", "TCP_NODELAY"} <= opts,
          "fd %d: policy set SO_REUSEADDR and TCP_NODELAY (%s)" % (fd, sorted(opts)))

# the program's own setsockopt calls on the client
app = lambda opt: one("app setsockopt %s" % opt, lambda r: r["call"] == "setsockopt"
                      and r["origin"] == "app" and r["opt"] == opt and r["fd"] == facts["cli_fd"])
r = app("SO_REUSEADDR")
check(r.get("action") == "forced" and r.get("app_val") == 0 and r.get("val") == 1,
      "forced: app_val 0, val 1: %s" % r)
check(facts["cli_reuseaddr"] == 1, "the kernel reads back SO_REUSEADDR=%d" % facts["cli_reuseaddr"])
r = app("SO_LINGER")
check(r.get("action") == "clamped" and r.get("app_val") == [1, 30] and r.get("val") == [1, 5],
      "clamped: app_val [1,30], val [1,5]: %s" % r)
check(facts["cli_linger"] == [1, 5], "the kernel reads back SO_LINGER=%s" % facts["cli_linger"])
r = app("TCP_NODELAY")
check(r.get("val") == 1 and "action" not in r and "app_val" not in r,
      "the same value as forced passes untouched: %s" % r)
check(r.get("level") == "IPPROTO_TCP", "level symbolic: %s" % r.get("level"))

# the failed bind
r = one("failed bind", lambda r: r["call"] == "bind" and r["fd"] == facts["dup_fd"])
check(facts["bind_errno"] == "EADDRINUSE", "the program got %s" % facts["bind_errno"])
check(r.get("ret") == -1 and r.get("errno") == "EADDRINUSE",
      "bind logged ret -1 errno EADDRINUSE: %s" % r)
check(r.get("addr") == "127.0.0.1:%d" % facts["port"], "bind addr %s" % r.get("addr"))
check(all("errno" not in r for r in recs if r["ret"] != -1), "errno only on failures")

# accept
r = one("accept", lambda r: r["call"] in ("accept", "accept4"))
check(r.get("fd") == facts["acc_fd"] and r.get("ret") == facts["acc_fd"],
      "accept fd/ret = the new socket %d" % facts["acc_fd"])
check(r.get("listen_fd") == facts["listen_fd"], "listen_fd %s" % r.get("listen_fd"))
check(r.get("peer") == facts["peer"] == facts["cli_local"],
      "peer %s = the client's address %s" % (r.get("peer"), facts["cli_local"]))
r = one("connect", lambda r: r["call"] == "connect")
# With a timeout set, python connects a non-blocking socket: EINPROGRESS.
check(r.get("addr") == "127.0.0.1:%d" % facts["port"] and
      (r.get("ret") == 0 or r.get("errno") == "EINPROGRESS"),
      "connect addr %s ret %s %s" % (r.get("addr"), r.get("ret"), r.get("errno", "")))
closes = sorted(r["fd"] for r in recs if r["call"] == "close")
check(closes == sorted([facts[k] for k in ("listen_fd", "cli_fd", "acc_fd", "dup_fd")]),
      "one close per socket: %s" % closes)
sys.exit(1 if bad else 0)
EOF
ok "the JSON records match the contract and the program's view"

# SOCKSHIM_LOG overrides log.path, with the same expansions.
under "$C" "$T/env-%n-%p.log" timeout 20 "$PYTHON3" -c \
	'import os, socket; socket.socket().close(); print(os.getpid())' \
	>"$T/pid2" || fail "second run failed"
[ -s "$T/env-python3-$(cat "$T/pid2").log" ] ||
	fail "SOCKSHIM_LOG=env-%n-%p.log did not give env-python3-$(cat "$T/pid2").log: $(ls "$T")"
assert_json "$T/env-python3-$(cat "$T/pid2").log"
ok "SOCKSHIM_LOG overrides log.path"
exit 0
