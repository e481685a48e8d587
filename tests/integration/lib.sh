# Shared helpers for the integration tests (sourced, not run).
#
# Each test runs real programs with and without the shim and judges what
# the kernel shows. Exit codes follow automake: 0 pass, 1 fail, 77 skip.

set -u

: "${SOCKSHIM_LIB:?run through make check}"
PYTHON3=${PYTHON3:-python3}
SOCAT=${SOCAT:-socat}
[ "$PYTHON3" = no ] && PYTHON3=python3
[ "$SOCAT" = no ] && SOCAT=socat

# A sanitizer build's library needs the ASan runtime loaded before
# anything else: SOCKSHIM_PRELOAD is what LD_PRELOAD must hold to run a
# program under the shim. The programs under test are not ours: their
# leaks are not findings, and a test that preloads the library alone
# (without the runtime first) still runs.
SOCKSHIM_ASAN=
SOCKSHIM_PRELOAD=$SOCKSHIM_LIB
if ldd "$SOCKSHIM_LIB" 2>/dev/null | grep -q libasan; then
	SOCKSHIM_ASAN=$(ldd "$SOCKSHIM_LIB" | awk '/libasan/ { print $3; exit }')
	[ -f "$SOCKSHIM_ASAN" ] || SOCKSHIM_ASAN=$(gcc -print-file-name=libasan.so)
	SOCKSHIM_PRELOAD=$SOCKSHIM_ASAN:$SOCKSHIM_LIB
	export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
fi
export SOCKSHIM_PRELOAD

T=$(mktemp -d "${TMPDIR:-/tmp}/sockshim-test.XXXXXX")
_pids=""
cleanup() {
	for p in $_pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
ok() { echo "ok: $*"; }

# A missing tool skips the test, except where the suite must be complete
# (scripts/test and CI set SOCKSHIM_TESTS_STRICT=1): then it fails.
need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 && continue
		[ "${SOCKSHIM_TESTS_STRICT:-0}" = 1 ] && fail "$tool is not installed"
		skip "$tool is not installed"
	done
}

# Write a policy: conf NAME <<'EOF' ... EOF; prints its path.
conf() {
	cat >"$T/$1.conf"
	echo "$T/$1.conf"
}

# under CONF LOG cmd...: run cmd with the shim, policy CONF, log to LOG.
under() {
	local c=$1 l=$2
	shift 2
	SOCKSHIM_CONFIG=$c SOCKSHIM_LOG=$l LD_PRELOAD=$SOCKSHIM_PRELOAD "$@"
}

# under_timeout SECS CONF LOG cmd...: as under, killed after SECS seconds;
# the timeout command itself runs without the shim.
under_timeout() {
	local s=$1 c=$2 l=$3
	shift 3
	timeout "$s" env SOCKSHIM_CONFIG="$c" SOCKSHIM_LOG="$l" \
		LD_PRELOAD="$SOCKSHIM_PRELOAD" "$@"
}

# jcount LOG PYEXPR: how many JSON records r of LOG the expression holds
# for (blank lines, a killed process's reserve, are not records).
jcount() {
	"$PYTHON3" - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    if eval(sys.argv[2]):
        n += 1
print(n)
PY
}

# Start a background job and remember it for cleanup.
bg() {
	"$@" &
	_pids="$_pids $!"
	LAST_PID=$!
}

# An unused TCP port on 127.0.0.1.
free_port() {
	"$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens there (5 s at most).
wait_port() {
	local i
	for i in $(seq 50); do
		"$PYTHON3" - "$1" <<'PY' && return 0
import socket, sys
s = socket.socket()
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
		sleep 0.1
	done
	fail "nothing listens on port $1"
}

# assert_json LOG: every line parses as JSON with the contract's fields.
assert_json() {
	"$PYTHON3" - "$1" <<'PY' || fail "JSON log $1 is not valid"
import json, sys
need = {"ts", "pid", "tid", "prog", "call", "fd", "ret", "origin"}
n = 0
for i, line in enumerate(open(sys.argv[1]), 1):
    rec = json.loads(line)
    missing = need - rec.keys()
    if missing:
        sys.exit(f"line {i}: missing {sorted(missing)}: {line}")
    n += 1
if n == 0:
    sys.exit("empty log")
PY
}
