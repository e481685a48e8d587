#!/bin/bash
# seccomp_log — a program that installs its own seccomp filter (as sshd's
# sandboxed child does, through prctl or seccomp(2)) keeps running under
# the shim: no SIGSYS from a call of ours before or after the filter, its
# exit status unchanged. The log says what became of it: "continues"
# when the filter allows write(2) (and the records after it are there),
# "stops" when it does not (and nothing follows).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3"
# The sanitizer runtime makes system calls of its own (at exit, for its
# reports) that this filter kills: the test is about our calls.
[ -n "$SOCKSHIM_ASAN" ] && skip "the ASan runtime's own calls are outside the test's filter"

C=$(conf policy <<'EOC'
log = { format = "json"; };
EOC
)
for via in prctl syscall; do
	for w in write nowrite; do
		rm -rf "$T/logs" && mkdir "$T/logs"
		"$PROGS/sandboxed" "$w" "$via" || rc=$?
		rc=${rc:-0}
		[ "$rc" = 77 ] && skip "no seccomp test filter for this architecture"
		[ "$rc" = 7 ] || fail "$w/$via: exit status without the shim is $rc, not 7"
		unset rc
		under "$C" "$T/logs/sb.%p.json" "$PROGS/sandboxed" "$w" "$via" || rc=$?
		rc=${rc:-0}
		[ "$rc" = 7 ] || fail "$w/$via: exit status under the shim is $rc, not 7"
		unset rc
		f=$(ls "$T"/logs/sb.*.json)
		logcheck "$f"
		want=continues after=2
		[ "$w" = nowrite ] && want=stops after=0
		expect "$w/$via: seccomp record" \
			"$(jcount "$f" "r['call'] == 'seccomp' and r['log'] == '$want'")" 1
		# What follows the filter: the setsockopt and the close.
		n=$("$PYTHON3" - "$f" <<'EOP'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
i = [r['call'] for r in recs].index('seccomp')
print(len(recs) - i - 1)
EOP
)
		expect "$w/$via: records after the filter" "$n" "$after"
		expect "$w/$via: records before it (socket, setsockopt)" \
			"$(jcount "$f" "r['call'] in ('socket', 'setsockopt') and r.get('opt') != 'SO_KEEPALIVE'")" 2
	done
done
ok "a self-sandboxing program lives and exits 7; the log continues or stops as its filter says"
