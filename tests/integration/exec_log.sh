#!/bin/bash
# exec_log — exec and the log of the same process (one %p file).
#   A failed exec (a missing program; execvp walking PATH) loses and
#   overwrites nothing: the calls before and after are all in the file,
#   whole, in order.
#   A socket inherited across a successful exec and closed by the new
#   image (python3, then bash) has its close record.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" bash

C=$(conf exec <<'EOC'
log = { format = "json"; };
EOC
)

failed_exec() {
	mkdir "$T/fail"
	under "$C" "$T/fail/log.%p" "$PYTHON3" -c '
import os, socket
def pairs(n):
    for _ in range(n):
        socket.socket().close()
pairs(10)
for prog in ("/nonexistent/program", "sockshim-no-such-program"):
    try:
        os.execvp(prog, [prog])
    except OSError:
        pass
    pairs(10)
' || fail "failed exec: the program failed"
	set -- "$T"/fail/log.*
	[ $# = 1 ] || fail "failed exec: $# log files"
	logcheck "$1"
	# socket + close, 10 before and 10 after each of the two failed execs.
	expect "failed exec: records (socket + close x 30)" "$records $closes" "60 30"
	"$PYTHON3" - "$1" <<'PY' || fail "failed exec: records out of order"
import json, sys
ts = [json.loads(l)["ts"] for l in open(sys.argv[1])]
if ts != sorted(ts):
    sys.exit("timestamps go back: a later record overwrote earlier ones")
PY
	ok "failed exec: records in the order of the calls"
}

# inherited IMAGE CODE: python3 makes an inheritable listening socket
# and execs IMAGE with CODE, which closes it. One file: the same pid.
inherited() {
	local image=$1 code=$2
	mkdir "$T/inh-$image"
	under "$C" "$T/inh-$image/log.%p" "$PYTHON3" -c '
import os, shutil, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
os.set_inheritable(s.fileno(), True)
print(s.fileno(), flush=True)
prog = shutil.which(sys.argv[1])
code = sys.argv[2].replace("FD", str(s.fileno()))
os.execv(prog, [prog, "-c", code])
' "$image" "$code" >"$T/inh.fd" || fail "$image: the program failed"
	local fd
	fd=$(cat "$T/inh.fd")
	set -- "$T"/inh-$image/log.*
	[ $# = 1 ] || fail "$image: $# log files"
	logcheck "$1"
	n=$(jcount "$1" "r['call'] == 'close' and r['fd'] == $fd and r['ret'] == 0 and r['prog'] == '$image'")
	expect "$image closing the inherited socket (fd $fd): close records" "$n" 1
	# socket, bind, listen before the exec (bash may copy the socket
	# to another fd before closing it: more records after the exec).
	n=$(jcount "$1" "r['call'] in ('socket', 'bind', 'listen')")
	expect "$image: records before the exec" "$n" 3
}

part "failed exec" failed_exec
part "inherited socket closed by python3" inherited python3 'import os; os.close(FD)'
part "inherited socket closed by bash" inherited bash 'exec FD>&-'
parts_done
