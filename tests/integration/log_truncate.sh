#!/bin/bash
# log_truncate — `: > LOG` and `truncate -s0 LOG` on the log of a live
# server (its %p file, and a file it shares): the server lives and keeps
# answering, and the log goes on at the file's new end — no NUL bytes,
# every line one JSON record. Every call made after the truncation is
# accounted for: its record is there, or it is counted in a "dropped"
# record with reason "truncated" (at most the one record being written
# when the shim finds the file cut, since the server is idle then).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" truncate

C=$(conf trunc <<'EOC'
log = { format = "json"; };
EOC
)
# accounted WHAT CALLS: after logcheck, every call is a record or counted.
accounted() {
	echo "  $1: $records records, $accepts accepts; $dropped dropped records counting $lost ($reasons)"
	expect "$1: records written + counted as dropped" "$((records + lost))" "$2"
	[ "$lost" -le 1 ] || fail "$1: $lost records lost while the server was idle at the truncation"
	case ",$reasons," in
	,,|,truncated,) ;;
	*) fail "$1: dropped records with reasons '$reasons', expected 'truncated'" ;;
	esac
}

truncations() {
	local kind=$1
	mkdir "$T/$kind"
	if [ $kind = per-process ]; then
		start_server "$C" "$T/$kind/log.%p"
		LOG=$T/$kind/log.$SRV_PID
	else
		start_server "$C" "$T/$kind/log"
		LOG=$T/$kind/log
	fi
	requests 10
	[ -s "$LOG" ] || fail "$kind: no log at $LOG: $(ls "$T/$kind")"

	: >"$LOG"
	requests 7
	logcheck --live "$LOG"
	accounted "$kind, after ': >' and 7 requests" 14

	truncate -s0 "$LOG"
	requests 5
	stop_server
	ok "$kind: the server answered every request and exited 0"
	logcheck "$LOG"
	# 5 requests and the quit: accept + close each; the listener's close.
	accounted "$kind, after truncate -s0, 5 requests and quit" 13
}

part "per-process file" truncations per-process
part "shared file" truncations shared
parts_done
