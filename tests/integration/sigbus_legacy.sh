#!/bin/bash
# sigbus_legacy — the older signal interfaces (sysv_signal, bsd_signal,
# sigset, sigignore, sighold) reach the kernel through libc's internal
# sigaction and sigprocmask, which no hook sees by those names. A program
# that sets SIGBUS with one of them keeps the log's guard underneath: its
# log is truncated, it goes on making sockets, and it lives; it reads back
# its own disposition and mask, not the shim's. The same program without
# the hooks dies of SIGBUS (exit 135).
. "$TESTLIB"
need "$PYTHON3"

C=$(conf policy <<'EOC'
log = { format = "json"; };
EOC
)
for how in sysv_signal bsd_signal sigset sigignore sighold; do
	mkdir "$T/$how"
	rc=0
	out=$(under "$C" "$T/$how/log.%p.json" "$PYTHON3" - "$how" "$T/$how" <<'EOP'
import ctypes, glob, os, signal, socket, sys
how, d = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
socket.socket().close()                 # the log file is open and mapped
fn = getattr(libc, how)
if how in ("sigignore", "sighold"):
    fn.restype = ctypes.c_int
    print("ret", fn(signal.SIGBUS))
else:
    fn.restype = ctypes.c_void_p
    # SIG_DFL; what was there before, as the program sees it: SIG_DFL too.
    print("prev", fn(signal.SIGBUS, ctypes.c_void_p(0)) or 0)
if how == "sighold":
    print("held", signal.SIGBUS in signal.pthread_sigmask(signal.SIG_BLOCK, set()))
else:
    act = ctypes.create_string_buffer(256)  # struct sigaction: the handler first
    if libc.sigaction(signal.SIGBUS, None, act) != 0:
        sys.exit("sigaction failed")
    print("disp", int.from_bytes(act.raw[:8], sys.byteorder))
log = glob.glob(d + "/log.*.json")[0]
os.truncate(log, 0)                     # someone empties the log
for _ in range(50):
    socket.socket().close()             # records into the truncated file
print("alive", flush=True)
EOP
) || rc=$?
	[ "$rc" = 0 ] || fail "$how: the program exited $rc after its log was truncated: $out"
	echo "$out" | grep -qx alive || fail "$how: no 'alive': $out"
	case $how in
	sigignore | sighold) echo "$out" | grep -qx 'ret 0' || fail "$how: did not return 0: $out" ;;
	*)	# (The sanitizer runtime has a SIGBUS handler of its own.)
		[ -n "$SOCKSHIM_ASAN" ] || echo "$out" | grep -qx 'prev 0' ||
			fail "$how: the previous disposition is not SIG_DFL: $out" ;;
	esac
	if [ "$how" = sighold ]; then
		echo "$out" | grep -qx 'held True' || fail "sighold: the program does not see SIGBUS held: $out"
	else
		want=0	# SIG_DFL; sigignore: SIG_IGN
		[ "$how" = sigignore ] && want=1
		echo "$out" | grep -qx "disp $want" || fail "$how: the program does not see its disposition ($want): $out"
	fi
	f=$(ls "$T/$how"/log.*.json)
	# After the truncation the file holds what followed it: the sockets
	# made after it, and no record of before.
	n=$(jcount "$f" "r['call'] == 'socket'")
	[ "$n" -ge 49 ] && [ "$n" -le 50 ] || fail "$how: $n socket records after the truncation, expected 49 or 50"
	ok "$how: SIGBUS set through it, the log truncated, the program lives ($n records after)"
done

# On other signals the older interfaces do exactly what libc's own do:
# the same return values, errors and dispositions (handler and flags, read
# back with sigaction) with the shim as without, signal 64 included.
cat >"$T/same.py" <<'EOP'
import ctypes, signal
libc = ctypes.CDLL(None, use_errno=True)
def fn(name, res=ctypes.c_void_p):
    f = getattr(libc, name); f.restype = res; return f
def disp(sig):
    act = ctypes.create_string_buffer(256)
    libc.sigaction(sig, None, act)
    # the handler, and the flags that follow the mask on this ABI
    return act.raw[:8].hex() + "/" + act.raw[136:144].hex()
SIG_IGN = ctypes.c_void_p(1)
out = []
out.append(("sysv_signal USR1", fn("sysv_signal")(signal.SIGUSR1, SIG_IGN), disp(signal.SIGUSR1)))
out.append(("bsd_signal USR2", fn("bsd_signal")(signal.SIGUSR2, SIG_IGN), disp(signal.SIGUSR2)))
out.append(("siginterrupt USR2", fn("siginterrupt", ctypes.c_int)(signal.SIGUSR2, 1), disp(signal.SIGUSR2)))
out.append(("signal USR2 after", fn("signal")(signal.SIGUSR2, SIG_IGN), disp(signal.SIGUSR2)))
out.append(("sigset HOLD 64", fn("sigset")(64, ctypes.c_void_p(2)), disp(64)))
out.append(("held 64", 64 in signal.pthread_sigmask(signal.SIG_BLOCK, set())))
out.append(("sigrelse 64", fn("sigrelse", ctypes.c_int)(64)))
out.append(("sigignore 64", fn("sigignore", ctypes.c_int)(64), disp(64)))
for bad in (0, 65):
    ctypes.set_errno(0)
    r = fn("sysv_signal")(bad, SIG_IGN)
    out.append(("sysv_signal %d" % bad, r, ctypes.get_errno()))
    ctypes.set_errno(0)
    out.append(("siginterrupt %d" % bad, fn("siginterrupt", ctypes.c_int)(bad, 1), ctypes.get_errno()))
for o in out:
    print(*o)
EOP
"$PYTHON3" "$T/same.py" >"$T/same.bare" || fail "the older interfaces, bare: the script failed"
under "$C" "$T/same.log.%p.json" "$PYTHON3" "$T/same.py" >"$T/same.shim" ||
	fail "the older interfaces under the shim: the script failed"
diff "$T/same.bare" "$T/same.shim" >"$T/same.diff" ||
	fail "the older interfaces differ under the shim: $(cat "$T/same.diff")"
ok "on other signals, sysv_signal, bsd_signal, siginterrupt, signal, sigset, sigrelse, sigignore return and set what libc's do ($(grep -c . "$T/same.bare") checks)"
