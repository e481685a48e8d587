#!/bin/bash
# Nothing lost, nothing doubled: every record of a process reaches the
# log whether it exits, calls _exit, execs, is killed with SIGKILL, forks
# while 8 threads log, or shares one file with other processes. Counts
# are exact: each unit of loss.c is socket + setsockopt + close, and the
# policy adds one setsockopt, so 4 records a unit.
. "$TESTLIB"
need "$PYTHON3"
L=$PROGS/loss

policy=$(conf loss <<'EOF'
log = { format = "json"; };
options = { SO_REUSEADDR = { force = true; }; };
EOF
)

# count FILE... : per file "records pids tids blank_at_end", after checking
# that every non-blank line is one whole JSON record and that blank lines
# (the reserve a killed process leaves) only ever come at the end.
count() {
	"$PYTHON3" - "$@" <<'PY'
import json, sys
for path in sys.argv[1:]:
    lines = open(path, "rb").read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    n, pids, tids, blank, calls = 0, set(), set(), 0, {}
    for i, line in enumerate(lines, 1):
        if not line.strip():
            blank += 1
            continue
        if blank:
            sys.exit(f"{path}:{i}: a record after blank lines")
        if b"\0" in line:
            sys.exit(f"{path}:{i}: NUL bytes")
        rec = json.loads(line)
        n += 1
        pids.add(rec["pid"])
        tids.add(rec["tid"])
        calls[rec["call"]] = calls.get(rec["call"], 0) + 1
    print(n, len(pids), len(tids), blank)
PY
}

expect() { # expect WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	ok "$1: $2"
}

run() { # run LOGPATH loss ARGS...
	local log=$1
	shift
	timeout 60 env SOCKSHIM_CONFIG="$policy" SOCKSHIM_LOG="$log" \
		LD_PRELOAD="$SOCKSHIM_LIB" "$@"
}

# 1. SIGKILL: the records are in the kernel's page cache already.
mkdir "$T/kill"
coproc KILLED { run "$T/kill/log.%p" "$L" kill 20000; }
# bash unsets KILLED_PID once the coprocess is gone: keep it.
kpid=$KILLED_PID
read -r -t 30 word prog <&"${KILLED[0]}" || fail "kill: the program did not get ready"
[ "$word" = ready ] || fail "kill: unexpected '$word'"
kill -9 "$prog"
wait "$kpid" 2>/dev/null
set -- "$T"/kill/log.*
[ $# = 1 ] || fail "kill: $# log files"
read -r n pids tids blank < <(count "$1")
expect "SIGKILL after 20000 units: records" "$n" 80000
echo "  (blank reserve left at the end: $blank lines)"

# 2. _exit: no destructor runs; the file is still exact, with no reserve.
mkdir "$T/exit"
run "$T/exit/log.%p" "$L" _exit 5000 || fail "_exit run failed"
read -r n pids tids blank < <(count "$T"/exit/log.*)
expect "_exit after 5000 units: records, blank lines" "$n $blank" "20000 0"

# 3. exec: the same pid continues in a new image, in the same file.
mkdir "$T/exec"
run "$T/exec/log.%p" "$L" exec 3000 2000 || fail "exec run failed"
set -- "$T"/exec/log.*
[ $# = 1 ] || fail "exec: $# log files (expected one: same pid, same name)"
read -r n pids tids blank < <(count "$1")
expect "exec: 3000 + 2000 units in one file: records, pids, blank" \
	"$n $pids $blank" "20000 1 0"

# 4. 8 threads × 5000 units, 10 forks meanwhile, per-process files.
mkdir "$T/threads"
run "$T/threads/log.%p" "$L" threads 8 5000 10 100 || fail "threads run failed or timed out"
files=$(ls "$T"/threads | wc -l)
expect "threads + forks: log files" "$files" 11
total=0
while read -r n pids tids blank; do
	[ "$pids" = 1 ] || fail "threads: a file holds $pids processes' records"
	[ "$blank" = 0 ] || fail "threads: $blank blank lines"
	case $n in
	160000) [ "$tids" = 8 ] || fail "threads: parent file with $tids threads" ;;
	400) ;;
	*) fail "threads: a file with $n records (expected 160000 or 400)" ;;
	esac
	total=$((total + n))
done < <(count "$T"/threads/log.*)
expect "threads + forks: records in all files" "$total" 164000

# 5. The same into one file shared by parent and children.
run "$T/threads-shared.log" "$L" threads 8 5000 10 100 || fail "shared threads run failed"
read -r n pids tids blank < <(count "$T/threads-shared.log")
expect "threads + forks, one shared file: records, processes, blank" \
	"$n $pids $blank" "164000 11 0"

# 6. Four processes at once appending to one file: whole lines only.
run "$T/procs.log" "$L" procs 4 5000 || fail "procs run failed"
read -r n pids tids blank < <(count "$T/procs.log")
expect "4 processes, one file: records, processes" "$n $pids" "80000 4"

# 7. A new log file's mode: 0600 unless log.file_mode says otherwise
#    (the umask applies on top, as for any file a program creates).
mkdir "$T/modes"
run "$T/modes/default.%p" "$L" plain 1 || fail "mode run failed"
modes=$(cat <<'EOF'
log = { format = "json"; file_mode = "0640"; };
EOF
)
printf '%s\n' "$modes" >"$T/modes.conf"
(umask 022 && timeout 20 env SOCKSHIM_CONFIG="$T/modes.conf" \
	SOCKSHIM_LOG="$T/modes/custom.%p" LD_PRELOAD="$SOCKSHIM_LIB" "$L" plain 1) ||
	fail "file_mode run failed"
expect "log file modes: default, file_mode 0640" \
	"$(stat -c %a "$T"/modes/default.*) $(stat -c %a "$T"/modes/custom.*)" "600 640"
printf 'log = { file_mode = "0999"; };\n' >"$T/badmode.conf"
"$SOCKSHIM_BIN" check "$T/badmode.conf" 2>"$T/err" && fail "file_mode 0999 accepted"
grep -q 'badmode.conf:1: log.file_mode: "0999" is not a mode' "$T/err" ||
	fail "file_mode error message: $(cat "$T/err")"
ok "file_mode 0999 rejected with file:line:key"
