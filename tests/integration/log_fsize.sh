#!/bin/bash
# log_fsize — RLIMIT_FSIZE (`ulimit -f 64`: 64 KiB) on a program that
# logs far more than that, into its %p file and into a shared file, and a
# program that lowers the limit itself half way. The program is not
# killed by SIGXFSZ (exit 153) and its exit status is its own; the file
# stays within the limit and holds whole records only; a "dropped" record,
# when there is one, accounts for every call.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3"

C=$(conf fsize <<'EOC'
log = { format = "json"; };
EOC
)
LIMIT=65536

# judge WHAT FILE CALLS RC
judge() {
	local what=$1 file=$2 calls=$3 rc=$4 size
	[ "$rc" = 0 ] || fail "$what: exit status $rc$([ "$rc" -gt 128 ] && echo " (signal $(kill -l "$rc"))"), expected 0"
	ok "$what: the program exited 0"
	[ -f "$file" ] || fail "$what: no log at $file"
	size=$(stat -c %s "$file")
	[ "$size" -le "$LIMIT" ] || fail "$what: the log is $size bytes, over the $LIMIT-byte limit"
	ok "$what: the log is $size bytes, within the limit"
	logcheck "$file"
	echo "  records $records of $calls calls; dropped records $dropped counting $lost ($reasons)"
	[ "$records" -gt 0 ] && [ "$records" -lt "$calls" ] ||
		fail "$what: $records records of $calls calls: the limit did not bite"
	if [ "$dropped" -gt 0 ]; then
		expect "$what: records written + counted as dropped" "$((records + lost))" "$calls"
	fi
}

# loss plain 3000: 3000 × (socket, setsockopt, close).
per_process() {
	mkdir "$T/pp"
	local rc=0
	(ulimit -f 64 && under "$C" "$T/pp/log.%p" "$PROGS/loss" plain 3000) || rc=$?
	set -- "$T"/pp/log.*
	[ $# = 1 ] || fail "per-process: $# files"
	judge "per-process file" "$1" 9000 "$rc"
}

shared() {
	local rc=0
	(ulimit -f 64 && under "$C" "$T/shared.log" "$PROGS/loss" plain 3000) || rc=$?
	judge "shared file" "$T/shared.log" 9000 "$rc"
}

# python3 ignores SIGXFSZ; the program puts back the default, as a C
# program has it, logs a little, lowers the limit to 64 KiB, logs more.
lowered() {
	mkdir "$T/low"
	local rc=0
	under "$C" "$T/low/log.%p" "$PYTHON3" -c '
import resource, signal, socket
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
def pairs(n):
    for _ in range(n):
        socket.socket().close()
pairs(50)
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, resource.RLIM_INFINITY))
pairs(3000)
' 2>"$T/low.err" || rc=$?
	set -- "$T"/low/log.*
	[ $# = 1 ] || fail "lowered: $# files"
	judge "limit lowered by the program" "$1" 6100 "$rc"
}

part "per-process file" per_process
part "shared file" shared
part "limit lowered by the program" lowered
parts_done
