#!/bin/bash
# service_syscalls — what sockshim calls on its own behalf stays inside
# systemd's @system-service, the set hardened units allow with
# SystemCallFilter=: python3 makes listeners, clients and accepted
# sockets under a policy that forces an option at socket() and clamps
# one the program sets, logging JSON to a mapped per-process file; every
# system call made under the shim and not by the bare program must be in
# the set (expanded by systemd-analyze). Under a filter inherited from the
# parent (which cannot be read back) the shim also keeps off
# process_vm_readv (systemd's @ipc, which units drop): it checks buffers
# with the madvise its log needs anyway.
. "$TESTLIB"
need strace systemd-analyze "$PYTHON3"
[ -n "$SOCKSHIM_ASAN" ] && skip "the sanitizer runtime makes calls of its own"

C=$(conf policy <<'EOC'
log = { format = "json"; };
options = { SO_RCVBUF = { max = 65536; }; SO_KEEPALIVE = { force = true; }; };
EOC
)
cat >"$T/prog.py" <<'EOP'
import socket
for i in range(3):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    c = socket.create_connection(s.getsockname())
    a, _ = s.accept()
    a.close(); c.close(); s.close()
print("done")
EOP
calls() {	# the distinct system calls of an strace -f output
	sed -E 's/^[0-9]+ +//; s/\(.*//' "$1" | grep -E '^[a-z_0-9]+$' | sort -u
}
"$PYTHON3" - >"$T/allowed" <<'EOP'
import subprocess
def expand(group, seen):
    out = set()
    text = subprocess.run(["systemd-analyze", "syscall-filter", group],
                          capture_output=True, text=True, check=True).stdout
    for line in text.splitlines()[1:]:
        t = line.strip()
        if not t or t.startswith("#"):
            continue
        if t.startswith("@"):
            if t not in seen:
                seen.add(t)
                out |= expand(t, seen)
        else:
            out.add(t)
    return out
print("\n".join(sorted(expand("@system-service", set()))))
EOP
[ "$(grep -c . "$T/allowed")" -gt 100 ] || fail "systemd-analyze gave no @system-service list"

for how in plain inherited; do
	mkdir "$T/$how"
	# As systemd starts a service: the filter first, then the program
	# with the environment that preloads the shim.
	wrap=()
	[ $how = inherited ] && wrap=("$PROGS/seccomp_exec" --)
	rc=0
	strace -f -qq -o "$T/$how.bare.st" "${wrap[@]}" env "$PYTHON3" "$T/prog.py" >/dev/null || rc=$?
	[ "$rc" = 77 ] && skip "no seccomp test filter for this architecture"
	[ "$rc" = 0 ] || fail "$how: the bare run failed ($rc)"
	strace -f -qq -o "$T/$how.st" "${wrap[@]}" env SOCKSHIM_CONFIG="$C" \
		SOCKSHIM_LOG="$T/$how/log.%p.json" LD_PRELOAD="$SOCKSHIM_PRELOAD" \
		"$PYTHON3" "$T/prog.py" >"$T/$how.out" || rc=$?
	[ "$rc" = 0 ] && grep -qx done "$T/$how.out" || fail "$how: the program failed ($rc)"
	n=$(jcount "$(ls "$T/$how"/log.*.json)" "r['call'] == 'setsockopt' and r.get('action') == 'clamped'")
	[ "$n" = 3 ] || fail "$how: $n clamp records, expected 3"
	added=$(comm -13 <(calls "$T/$how.bare.st") <(calls "$T/$how.st"))
	outside=$(comm -23 <(echo "$added" | grep . | sort -u) "$T/allowed")
	[ -z "$outside" ] || fail "$how: calls outside @system-service: $outside"
	if [ $how = inherited ]; then
		echo "$added" | grep -qx process_vm_readv &&
			fail "under an inherited filter the shim still calls process_vm_readv"
	fi
	ok "$how: the shim's own calls ($(echo $added)) are all in @system-service"
done
