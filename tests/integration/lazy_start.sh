#!/bin/bash
# lazy_start — preloaded for the whole host (/etc/ld.so.preload: no
# SOCKSHIM_* in the environment, LD_PRELOAD not naming the library), the
# shim starts on a process's first socket call: a process that makes none
# never reads the policy; one that does reads it then. (sockshim run and
# services name the library, and start it before main as before.)
. "$TESTLIB"
need strace "$PYTHON3"

# The library under a name that does not say "sockshim", as a host-wide
# preload would not put it in LD_PRELOAD.
cp "$SOCKSHIM_LIB" "$T/libpreloaded.so"
pre=$T/libpreloaded.so
[ -n "$SOCKSHIM_ASAN" ] && pre=$SOCKSHIM_ASAN:$pre
policy_reads() {	# how many times the traced command looked at a sockshim.conf
	grep -c 'sockshim\.conf' "$1"
}

env -u SOCKSHIM_CONFIG -u SOCKSHIM_LOG -u SOCKSHIM_MODE LD_PRELOAD="$pre" \
	strace -f -e trace=%file -o "$T/quiet" /bin/sh -c 'true; echo ok >/dev/null'
expect_quiet=$(policy_reads "$T/quiet")
[ "$expect_quiet" = 0 ] || fail "a process without sockets read the policy $expect_quiet times"

env -u SOCKSHIM_CONFIG -u SOCKSHIM_LOG -u SOCKSHIM_MODE LD_PRELOAD="$pre" \
	strace -f -e trace=%file -o "$T/busy" "$PYTHON3" -c 'import socket; socket.socket().close()' 2>"$T/busy.err"
n=$(policy_reads "$T/busy")
# No policy file here: the shim says so to syslog, never on the stderr
# of a program that did not ask for it.
[ -s "$T/busy.err" ] && fail "host-wide, the program's stderr got: $(cat "$T/busy.err")"
[ "$n" -ge 1 ] || fail "a process making a socket never read the policy"
# ...and only when the socket was made, not before main: the open comes
# after the interpreter's own start-up (its encodings module).
awk '/encodings/ { e = NR } /sockshim\.conf/ && !s { s = NR } END { exit !(e && s > e) }' "$T/busy" ||
	fail "the policy was read before the program started"

# libconfig is loaded when a policy is read, not with the library: a
# process without sockets never maps it.
env -u SOCKSHIM_CONFIG -u SOCKSHIM_LOG -u SOCKSHIM_MODE LD_PRELOAD="$pre" \
	cat /proc/self/maps >"$T/maps.quiet"
grep -q 'libpreloaded\.so' "$T/maps.quiet" || fail "the library was not preloaded into cat"
grep -q 'libconfig' "$T/maps.quiet" && fail "a process without sockets mapped libconfig"
C=$(conf lazy <<'EOC'
log = { path = "none"; };
EOC
)
# (With a policy named, the shim starts before main and so loads it.)
SOCKSHIM_CONFIG=$C LD_PRELOAD="$SOCKSHIM_PRELOAD" cat /proc/self/maps >"$T/maps.busy"
grep -q 'libconfig' "$T/maps.busy" || fail "reading a policy did not load libconfig"

# A program that sandboxes itself before its first socket call: the shim
# starts before the filter goes in, never under it (reading the policy
# under a filter that allows no open would kill the program).
if [ -z "$SOCKSHIM_ASAN" ]; then	# the ASan runtime's own calls meet the filter
	for via in prctl syscall; do
		rc=0
		"$PROGS/sandboxed" write "$via" first || rc=$?
		[ "$rc" = 77 ] && break
		[ "$rc" = 7 ] || fail "sandboxed first/$via: exit status without the shim is $rc, not 7"
		rc=0
		env -u SOCKSHIM_CONFIG -u SOCKSHIM_LOG -u SOCKSHIM_MODE LD_PRELOAD="$pre" \
			"$PROGS/sandboxed" write "$via" first 2>"$T/sb.err" || rc=$?
		[ "$rc" = 7 ] || fail "sandboxed first/$via under the host-wide preload: exit status $rc, not 7 ($(cat "$T/sb.err"))"
	done
fi

# Named by LD_PRELOAD (sockshim run): before main, as always.
env -u SOCKSHIM_CONFIG -u SOCKSHIM_LOG -u SOCKSHIM_MODE LD_PRELOAD="$SOCKSHIM_PRELOAD" \
	strace -f -e trace=%file -o "$T/eager" /bin/sh -c 'true' 2>/dev/null
[ "$(policy_reads "$T/eager")" -ge 1 ] || fail "named in LD_PRELOAD, the shim did not start before main"
ok "host-wide preload starts on the first socket call (before a seccomp filter at the latest), libconfig only then, its warnings off the program's stderr; sockshim run before main"
