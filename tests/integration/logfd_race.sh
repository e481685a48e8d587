#!/bin/bash
# logfd_race — the program dup2()s over the log's own descriptor while
# its threads log: the shim moves its descriptor out of the way behind
# its gate, so no writer that already took the old number writes into
# what the program put there. Every call's record is in the file, none
# lost to /dev/null, for a shared file and a per-process one.
. "$TESTLIB"
need "$PYTHON3"

C=$(conf policy <<'EOC'
log = { format = "json"; };
EOC
)
for kind in shared perproc; do
	log=$T/$kind.json
	[ $kind = perproc ] && log=$T/$kind.%p.json
	want=$(under "$C" "$log" "$PROGS/logfd_race" "$T/$kind." 4 3000 2>"$T/err") ||
		fail "$kind: the program failed: $(cat "$T/err")"
	grep -q '^moves: [1-9]' "$T/err" || fail "$kind: the log's descriptor was never taken over: $(cat "$T/err")"
	f=$(ls "$T"/$kind.*json | head -1)
	got=$(jcount "$f" "r['call'] in ('socket', 'close')")
	[ "$got" = "$want" ] || fail "$kind: $got socket/close records, $want calls ($(cat "$T/err"))"
	ok "$kind: $want records while the descriptor moved $(sed -n 's/moves: //p' "$T/err") times"
done
