# log_fd — the log file's descriptor survives the program's housekeeping.
#
# progs/closeall closes every fd in 3..1023 one by one, then calls
# close_range(3, ~0U, 0), closefrom(3), and dup2()s a socket onto every
# fd in 3..1100; after each phase it makes 5 socket + setsockopt
# (SO_PRIORITY = phase) + close rounds. Every round must be in the log,
# close() on the shim's log fd (found through /proc/self/fd) must be
# EBADF as if it were not open, and the program's output must match a
# run without the shim. Run with RLIMIT_NOFILE 4096 and 1024: with 1024
# there is no fd left for the log once the program has dup2()ed onto all
# of them, and the shim must stop logging rather than write into the
# program's socket.
. "$TESTLIB"

C=$(conf logfd <<'EOF'
log = { path = "stderr"; format = "json"; };
options = { TCP_NODELAY = { force = true; }; };
EOF
)

for lim in 4096 1024; do
	log=$T/closeall-$lim.log
	( ulimit -n $lim && timeout 30 "$PROGS/closeall" "$log" ) \
		>"$T/bare-$lim.out" 2>&1 || fail "closeall failed without the shim"
	( ulimit -n $lim && timeout 30 env SOCKSHIM_CONFIG="$C" \
		SOCKSHIM_LOG="$log" LD_PRELOAD="$SOCKSHIM_LIB" \
		"$PROGS/closeall" "$log" ) >"$T/shim-$lim.out" 2>"$T/shim-$lim.err"
	rc=$?
	sed "s/^/    $lim: /" "$T/shim-$lim.out" "$T/shim-$lim.err"
	[ $rc = 0 ] || fail "limit $lim: closeall exited $rc under the shim"
	grep -qx done "$T/shim-$lim.out" || fail "limit $lim: closeall did not finish"
	grep -v '^logfd' "$T/shim-$lim.out" >"$T/shim-$lim.cmp"
	grep -v '^logfd' "$T/bare-$lim.out" >"$T/bare-$lim.cmp"
	diff -u "$T/bare-$lim.cmp" "$T/shim-$lim.cmp" >&2 ||
		fail "limit $lim: output differs under the shim"
	# The program saw the log's fd and could not close it.
	grep -Eq '^logfd start ([0-9]+ close=-1 EBADF still=yes|none)$' "$T/shim-$lim.out" ||
		fail "limit $lim: close() on the log fd was not EBADF"
	assert_json "$log"
	# Phases 0-3 (close loop, close_range, closefrom): 5 rounds each.
	for phase in 0 1 2 3; do
		n=$(jcount "$log" "r['call'] == 'setsockopt' and r.get('opt') == 'SO_PRIORITY' and r.get('val') == $phase and r['ret'] == 0")
		[ "$n" = 5 ] || fail "limit $lim: phase $phase: $n of 5 rounds logged"
	done
	echo "    $lim: phases 0-3: 5 rounds each in the log"
done

# 4096: the log moved out of the way of dup2 and kept every record.
lim=4096
log=$T/closeall-$lim.log
n=$(jcount "$log" "r['call'] == 'setsockopt' and r.get('opt') == 'SO_PRIORITY' and r.get('val') == 4 and r['ret'] == 0")
[ "$n" = 5 ] || fail "limit $lim: phase 4: $n of 5 rounds logged after the dup2 loop"
n=$(jcount "$log" "r['call'] == 'dup2' and r['ret'] >= 3")
want=$(sed -n 's/^phase 4 dup2 ok=\([0-9]*\) .*/\1/p' "$T/shim-$lim.out")
[ "$n" = "$want" ] || fail "limit $lim: $n dup2 records, the program made $want"
n=$(jcount "$log" "r['call'] == 'socket' and r['ret'] >= 0")
[ "$n" = 26 ] || fail "limit $lim: $n socket records, expected 26"
n=$(jcount "$log" "r['call'] == 'close' and r['ret'] == 0")
[ "$n" = 25 ] || fail "limit $lim: $n close records, expected 25"
grep -Eq '^logfd end [0-9]+ close=-1 EBADF still=yes$' "$T/shim-$lim.out" ||
	fail "limit $lim: the log fd is gone at the end"
[ -s "$T/shim-$lim.err" ] && fail "limit $lim: stderr: $(cat "$T/shim-$lim.err")"
ok "limit 4096: all $(wc -l <"$log") records kept through close loop, close_range, closefrom and dup2 onto every fd"

# 1024: no fd left for the log — logging stops, with a warning, and no
# record went into the program's socket (which would raise SIGPIPE).
lim=1024
grep -q 'no file descriptor left for the log' "$T/shim-$lim.err" ||
	fail "limit $lim: no warning that logging stopped"
n=$(jcount "$T/closeall-$lim.log" "r['call'] == 'dup2'")
echo "    $lim: $n dup2 records before the log had to go"
ok "limit 1024: program unharmed when no fd is left for the log"
exit 0
