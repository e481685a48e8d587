#!/bin/bash
# sigterm_trim — a server with a %p log stopped by SIGTERM, which it
# leaves at the default disposition (as most daemons' workers and plain
# programs do): it still dies of SIGTERM, as the kernel tells its parent,
# and its log is trimmed to its records: no blank reserve, no NUL bytes,
# the last byte a newline, every record there.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3"

C=$(conf term <<'EOC'
log = { format = "json"; };
EOC
)
mkdir "$T/logs"
start_server "$C" "$T/logs/log.%p"
requests 5
kill -TERM "$SRV_PID"
rc=0
wait "$SRV_PID" || rc=$?
expect "the server's end, as its parent sees it (143: SIGTERM)" "$rc" 143
LOG=$T/logs/log.$SRV_PID
echo "  log: $(stat -c %s "$LOG") bytes, $(wc -l <"$LOG") lines, last byte $(tail -c 1 "$LOG" | od -An -c | tr -d ' ')"
logcheck "$LOG"
# socket, bind, listen; accept + close for each of the 5 requests.
expect "records, accepts, closes" "$records $accepts $closes" "13 5 5"
