#!/bin/bash
# logrotate — the real logrotate, both modes, on a live server's %p log.
#   create: the file is renamed and a new one created; the shim notices
#     within about a second and reopens the configured path: the requests
#     made from then on have their records in the new file, the renamed
#     file keeps the earlier ones, whole, and no record is lost.
#   copytruncate: the file is copied, then truncated in place; the
#     server lives, writing goes on at the new end — no NUL bytes, every
#     line one JSON record — and the two files add up to every call (a
#     record the shim was writing as it found the file cut may be counted
#     in a "dropped" record instead, reason "truncated").
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" logrotate

C=$(conf rotate <<'EOC'
log = { format = "json"; };
EOC
)

# rotate MODE FILE: logrotate, forced, with its own state file.
rotate_cmd() {
	cat >"$T/$1.lr" <<EOL
$2 {
	$1
	rotate 1
	nocompress
}
EOL
	echo "logrotate -s '$T/$1.state' -f '$T/$1.lr'"
}

create() {
	mkdir "$T/create"
	start_server "$C" "$T/create/log.%p"
	local log=$T/create/log.$SRV_PID
	requests 5
	# 30 requests 0.1 s apart; logrotate renames the file before the 6th.
	requests 30 --interval 0.1 --at 5 "$(rotate_cmd create "$log")"
	cp "$T/client.out" "$T/create.out"
	stop_server
	ok "create: the server answered every request and exited 0"
	[ -f "$log.1" ] || fail "create: logrotate left no $log.1: $(ls "$T/create")"
	[ -s "$log" ] || fail "create: nothing reached the new file $log (size $(stat -c %s "$log" 2>/dev/null || echo none)); the renamed one has $(grep -c accept "$log.1") accepts"
	logcheck "$log.1"
	local old=$accepts oldrec=$records
	logcheck "$log"
	echo "  renamed file: $old accepts ($oldrec records); new file: $accepts accepts ($records records)"
	# 5 + 30 requests and the quit; socket, bind, listen, accept + close
	# per request, the listener's close.
	expect "create: accepts in both files, records in both files, dropped" \
		"$((old + accepts)) $((oldrec + records)) $dropped" "36 76 0"
	# Where each request of the timed run was logged: its client port
	# is the accept record's peer.
	"$PYTHON3" - "$log.1" "$log" "$T/create.out" <<'PY' || fail "create: records in the wrong file"
import json, sys
where = {}
for name, path in (("old", sys.argv[1]), ("new", sys.argv[2])):
    for line in open(path):
        r = json.loads(line)
        if r["call"] in ("accept", "accept4") and r["ret"] >= 0:
            where[int(r["peer"].rsplit(":", 1)[1])] = name
runs = [(float(t), where.get(int(p), "none")) for p, t in
        (l.split() for l in open(sys.argv[3]))]
first = next((t for t, w in runs if w == "new"), None)
print("  first request logged in the new file: %.2f s after the rotation" % first
      if first is not None else "  no request logged in the new file")
bad = [(t, w) for t, w in runs if w == "none" or (t < 0 and w != "old")
       or (first is not None and t >= first and w != "new")]
late = [t for t, w in runs if t >= 1.5 and w != "new"]
if bad:
    sys.exit("requests logged out of order or not at all (s after rotation, file): %s" % bad)
if late:
    sys.exit("requests 1.5 s or more after the rotation still in the renamed file: %s" % late)
PY
	ok "create: from at most 1.5 s after the rotation on, records go to the new file"
}

copytruncate() {
	mkdir "$T/copy"
	start_server "$C" "$T/copy/log.%p"
	local log=$T/copy/log.$SRV_PID
	requests 8
	eval "$(rotate_cmd copytruncate "$log")" || fail "copytruncate: logrotate failed"
	requests 6
	stop_server
	ok "copytruncate: the server answered every request and exited 0"
	# The copy was taken from a live file: its reserve may follow.
	logcheck --live "$log.1"
	expect "copytruncate: the copy: accepts, records" "$accepts $records" "8 19"
	logcheck "$log"
	echo "  the truncated file: $records records, $accepts accepts; $dropped dropped records counting $lost ($reasons)"
	# 6 requests and the quit, the listener's close; a record the shim
	# was writing when it found the file cut may be counted instead.
	expect "copytruncate: the truncated file: records written + counted as dropped" \
		"$((records + lost))" 15
	[ "$lost" -le 1 ] || fail "copytruncate: $lost records lost while the server was idle"
	case ",$reasons," in
	,,|,truncated,) ;;
	*) fail "copytruncate: dropped records with reasons '$reasons', expected 'truncated'" ;;
	esac
}

part "logrotate create" create
part "logrotate copytruncate" copytruncate
parts_done
