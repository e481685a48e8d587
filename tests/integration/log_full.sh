#!/bin/bash
# log_full — the log's filesystem fills up (a 256 KiB tmpfs) under a live
# server, then space is freed. The server lives and answers every
# request; the records that did not fit are counted, and once there is
# room again logging resumes and a "dropped" record says how many were
# lost: records written + dropped = calls made, exactly. No NUL bytes,
# every line whole. Here a per-process JSON file; log_full_shared.sh runs
# the same with a shared text file (LOG_FULL_PART=text).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3"

[ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
mkdir "$T/probe"
mount -t tmpfs -o size=256k sockshim-test "$T/probe" 2>"$T/mount.err" ||
	skip "cannot mount a tmpfs here: $(cat "$T/mount.err")"
umount "$T/probe"
trap 'for p in $_pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null
	for m in "$T"/mnt-*; do umount "$m" 2>/dev/null; done; cleanup' EXIT

# small_fs NAME: a fresh 256 KiB tmpfs at $T/mnt-NAME, in M.
small_fs() {
	M=$T/mnt-$1
	mkdir "$M"
	mount -t tmpfs -o size=256k,mode=0755 sockshim-test "$M" || fail "mount $M"
}

# fill: take every free byte of the tmpfs.
fill() {
	dd if=/dev/zero of="$M/filler" bs=4k 2>/dev/null
	local avail
	avail=$(df -k --output=avail "$M" | tail -n 1 | tr -d ' ')
	[ "$avail" = 0 ] || fail "the tmpfs still has $avail KiB free"
}

# calls: socket, bind, listen; accept + close per request (5 before the
# filesystem is full, 400 while it is, 20 from when it has room again,
# the quit); the listener's close.
CALLS=$((3 + 2 * (5 + 400 + 20 + 1) + 1))

# after_free: 20 requests 0.1 s apart, the filler removed before the
# first; client.out then has each one's client port and time since.
after_free() {
	requests 20 --interval 0.1 --at 0 "rm '$M/filler'"
	cp "$T/client.out" "$T/after.out"
}

json() {
	local C
	C=$(conf full-json <<'EOC'
log = { format = "json"; };
EOC
)
	small_fs json
	start_server "$C" "$M/log.%p"
	local log=$M/log.$SRV_PID
	requests 5
	[ -s "$log" ] || fail "json: no log at $log"
	fill
	requests 400
	ok "json: 400 requests answered with the log's filesystem full"
	after_free
	stop_server
	ok "json: the server answered every request and exited 0"
	logcheck "$log"
	echo "  records $records, dropped records $dropped, counting $lost lost ($reasons)"
	[ "$dropped" -ge 1 ] && [ "$lost" -gt 0 ] ||
		fail "json: no \"dropped\" record with a count (dropped records: $dropped, count $lost)"
	expect "json: records written + counted as dropped" "$((records + lost))" "$CALLS"
	# Space is looked for again about once a second: the requests from
	# 1.5 s after the space came back on are logged, after a dropped record.
	"$PYTHON3" - "$log" "$T/after.out" <<'PY' || fail "json: logging did not resume once space came back"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
at = {r.get("peer"): i for i, r in enumerate(recs) if r["call"] in ("accept", "accept4")}
runs = [("127.0.0.1:" + p, float(t)) for p, t in (l.split() for l in open(sys.argv[2]))]
drops = [i for i, r in enumerate(recs) if r["call"] == "dropped"]
logged = [t for p, t in runs if p in at]
print("  after the space came back: %d of %d requests logged, the first %s s after"
      % (len(logged), len(runs), "%.2f" % logged[0] if logged else "-"))
late = [(p, t) for p, t in runs if t >= 1.5 and p not in at]
if late:
    print("not logged, 1.5 s or more after: %s; dropped records at %s of %d records"
          % (late, drops, len(recs)))
    sys.exit(1)
first = min(at[p] for p, t in runs if t >= 1.5)
if not drops or drops[0] > first:
    sys.exit("no dropped record before the records of the resumed log (dropped at %s, resumed at %d)"
             % (drops, first))
PY
	ok "json: logging resumed after a dropped record, within 1.5 s of space coming back"
}

text() {
	local C
	C=$(conf full-text <<'EOC'
log = { format = "text"; };
EOC
)
	small_fs text
	start_server "$C" "$M/shared.log"
	local log=$M/shared.log
	requests 5
	[ -s "$log" ] || fail "text: no log at $log"
	fill
	requests 400
	ok "text: 400 requests answered with the log's filesystem full"
	after_free
	stop_server
	ok "text: the server answered every request and exited 0"
	"$PYTHON3" - "$log" "$CALLS" <<'PY' || fail "text: the shared log is wrong"
import re, sys
data = open(sys.argv[1], "rb").read()
if b"\0" in data:
    sys.exit("NUL bytes in the file")
if not data.endswith(b"\n"):
    sys.exit("the last line is cut: %r" % data[-80:])
# One whole record a line: a call and its result, or a dropped line.
rec = re.compile(rb"^sockshim\[\d+ python3\] ([a-z0-9_]+\([^\[\]]*\) = -?\d+( E[A-Z]+ \([^()]*\))?"
                 rb"|dropped \d+ records? \([a-z ]+\))$")
drop = re.compile(rb"dropped (\d+) records? \(([^)]*)\)")
n = lost = drops = 0
for i, line in enumerate(data.split(b"\n")[:-1], 1):
    if not rec.match(line):
        sys.exit("line %d is not a whole record: %r" % (i, line[:200]))
    m = drop.search(line)
    if m:
        drops += 1
        lost += int(m.group(1))
        print("  line %d: %s" % (i, line.decode()))
    else:
        n += 1
print("  records %d, dropped lines %d counting %d lost" % (n, drops, lost))
if not drops or not lost:
    sys.exit("no 'dropped N records' line")
if n + lost != int(sys.argv[2]):
    sys.exit("records written + counted as dropped: %d, expected %s" % (n + lost, sys.argv[2]))
PY
	ok "text: records written + counted as dropped: $CALLS"
}

case ${LOG_FULL_PART:-json} in
json) part "JSON, per-process file" json ;;
text) part "text, shared file" text ;;
esac
parts_done
