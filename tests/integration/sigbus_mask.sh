#!/bin/bash
# sigbus_mask — with a per-process log the shim keeps SIGBUS unblocked in
# the program's threads (a blocked fault would kill it), yet the program
# sees the mask it set, and a program it execs inherits that mask: a
# python3 that blocks SIGBUS reads it back as blocked, and the image it
# execs (without the preload) finds SIGBUS in its SigBlk.
. "$TESTLIB"
need "$PYTHON3"

C=$(conf policy <<'EOC'
log = { format = "json"; };
EOC
)
for how in plain thread; do
	out=$(under "$C" "$T/log.%p.json" "$PYTHON3" - "$how" <<'EOP'
import os, signal, socket, sys, threading
socket.socket().close()                     # the log file is open, mapped
def block():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGBUS})
    print("seen", signal.SIGBUS in signal.pthread_sigmask(signal.SIG_BLOCK, set()), flush=True)
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    os.execve("/bin/grep", ["grep", "SigBlk", "/proc/self/status"], env)
if sys.argv[1] == "thread":
    t = threading.Thread(target=block); t.start(); t.join()
else:
    block()
EOP
) || fail "$how: the program failed: $out"
	echo "$out" | grep -qx 'seen True' || fail "$how: the program does not see SIGBUS blocked: $out"
	blk=$(echo "$out" | sed -n 's/^SigBlk:[[:space:]]*//p')
	[ -n "$blk" ] || fail "$how: no SigBlk line: $out"
	# SIGBUS is signal 7: bit 6 of the mask.
	[ $(( 0x$blk & 0x40 )) != 0 ] || fail "$how: the exec'd image has SIGBUS unblocked (SigBlk $blk)"
	ok "$how: blocked as the program asked, and so in the image it execs (SigBlk $blk)"
done
