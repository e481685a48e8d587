# valgrind — the Check unit tests under memcheck (no invalid access, no
# definite or possible leak; CK_FORK=no so that the tests run in the
# process valgrind watches), and a threaded program under the shim under
# helgrind (no data race, no lock order problem). Known and understood
# reports are in valgrind.supp, each with its reason.
. "$TESTLIB"

[ -n "$SOCKSHIM_ASAN" ] && skip "sanitizer build: valgrind and ASan do not mix"
need valgrind
SUPP=$(dirname "$TESTLIB")/valgrind.supp
B=$(cd "$(dirname "$PROGS")/../.." && pwd)
VG=(valgrind -q --error-exitcode=1 --suppressions="$SUPP")

n=0
for t in "$B"/tests/unit/check_*; do
	case $t in *.o | *.c | *.log | *.trs) continue ;; esac
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t")
	cmd=("${VG[@]}" --leak-check=full --errors-for-leak-kinds=definite,possible "$t")
	# A libtool wrapper script: libtool runs valgrind on the real binary.
	head -c 2 "$t" | grep -q '#!' && cmd=("$B/libtool" --mode=execute "${cmd[@]}")
	CK_FORK=no timeout 600 "${cmd[@]}" >"$T/$name.out" 2>&1
	rc=$?
	tail -n 1 "$T/$name.out" | sed "s/^/    $name: /"
	[ $rc = 124 ] && fail "$name: valgrind timed out"
	[ $rc = 0 ] || { cat "$T/$name.out"; fail "$name under memcheck: exit $rc"; }
	n=$((n + 1))
done
[ $n -ge 3 ] || fail "only $n unit test programs found in $B/tests/unit"
ok "$n unit test programs clean under memcheck"

C=$(conf helgrind <<'EOF2'
log = { format = "json"; };
options = { SO_REUSEADDR = { force = true; }; TCP_NODELAY = { set = 1; }; };
EOF2
)
# The program reads SO_REUSEADDR back in each thread: it fails unless the
# shim forced it, so this is the shim at work, not a program alone.
SOCKSHIM_CONFIG=$C SOCKSHIM_LOG=$T/hg.log LD_PRELOAD=$SOCKSHIM_PRELOAD \
	timeout 600 "${VG[@]}" --tool=helgrind "$PROGS/h_hthreads" 4 100 \
	>"$T/hg.out" 2>&1
rc=$?
cat "$T/hg.out" | head -n 80
[ $rc = 124 ] && fail "helgrind timed out"
[ $rc = 0 ] || fail "helgrind: exit $rc"
grep -qx 'threads=4 loops=100 bad=0' "$T/hg.out" || fail "h_hthreads did not run as expected"
[ "$(grep -c '"action":"forced"' "$T/hg.log")" = 400 ] ||
	fail "not 400 forced records in the log"
ok "4 threads under the shim, clean under helgrind"
