# hardening_signal — a SIGALRM handler (every 200 µs for a second) closes
# the socket the main loop is in the middle of creating or configuring.
# No crash, no hang (no round of the loop takes half a second: a handler
# that logs while its thread is inside the log's gate must not wait for
# the gate to empty), the handler really ran and really closed sockets.
. "$TESTLIB"

C=$(conf signal <<'EOF2'
log = { format = "json"; };
options = { SO_REUSEADDR = { force = true; }; SO_KEEPALIVE = { set = 1; }; };
EOF2
)
for run in 1 2 3; do
	under_timeout 20 "$C" "$T/log" "$PROGS/h_sigclose" 1000 >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 124 ] && fail "run $run: hung (killed after 20 s)"
	[ $rc -ge 128 ] && fail "run $run: killed by signal $((rc - 128)): $(cat "$T/err")"
	[ $rc = 0 ] || fail "run $run: exit $rc: $(cat "$T/err")"
	echo "    run $run: $(cat "$T/out")"
	read -r loops signals closed max_ms < <(sed 's/[a-z_]*=//g' "$T/out")
	[ "${loops:-0}" -gt 100 ] || fail "run $run: only ${loops:-0} loops"
	[ "${signals:-0}" -gt 10 ] || fail "run $run: only ${signals:-0} signals"
	[ "${closed:-0}" -gt 0 ] || fail "run $run: the handler never closed a socket"
	[ -n "$max_ms" ] && [ "$max_ms" -lt 500 ] || fail "run $run: a round of the loop took ${max_ms:-?} ms"
	rm -f "$T/log"
done
ok "signal handlers closing sockets mid-call: no crash, no hang"
