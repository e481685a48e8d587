#!/bin/sh
# sockshim host enable/disable, in a private mount namespace whose /etc
# (and the system policy's directory) are overlays on a tmpfs: the
# machine's own /etc/ld.so.preload is never read or written by the test's
# changes. Enable refuses a policy that logs to stderr, one with
# on_error = "abort", a broken one (file:line), a system policy others
# may write and a file log, leaving the file as it was; it keeps other entries, is
# idempotent, and puts every new process under the system policy with no
# environment (SO_KEEPALIVE as the kernel shows it). ping, curl, python3,
# su, a shell loop, ping and passwd as nobody and an ssh login to a real
# sshd give exactly the same output and status with the preload as
# without. Disable gives back the file byte for byte.

if [ "${SOCKSHIM_HOST_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a mount namespace" >&2; exit 77; }
	command -v unshare >/dev/null 2>&1 || { echo "SKIP: no unshare" >&2; exit 77; }
	SOCKSHIM_HOST_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$TESTLIB"
[ -n "$SOCKSHIM_ASAN" ] &&
	skip "sanitizer build: an ASan library cannot be preloaded host-wide (its runtime must come first in every process)"
need ping curl su "$PYTHON3"

# Overlays: writes land in a tmpfs of this namespace only (taken down
# before lib.sh removes $T).
mounted=""
unmount_all() {
	for m in $mounted; do umount -l "$m" 2>/dev/null; done
	cleanup
}
trap unmount_all EXIT
mkdir "$T/ov" && mount -t tmpfs tmpfs "$T/ov" || skip "cannot mount a tmpfs in the namespace"
mounted=$T/ov
overlay() {
	n=$(echo "$1" | tr / _)
	mkdir "$T/ov/$n.u" "$T/ov/$n.w" &&
		mount -t overlay overlay \
			-o "lowerdir=$1,upperdir=$T/ov/$n.u,workdir=$T/ov/$n.w" "$1" &&
		mounted="$1 $mounted"
}
overlay /etc || skip "cannot mount an overlay on /etc in the namespace"
syspolicy=$("$SOCKSHIM_BIN" host status | sed -n 's/.*, policy //p')
sysdir=$(dirname "$syspolicy")
[ -d "$sysdir" ] || skip "the system policy's directory $sysdir does not exist"
[ "$sysdir" = /etc ] || overlay "$sysdir" || fail "cannot overlay $sysdir"
lib=$(readlink -f "$SOCKSHIM_LIB")

# Another entry to keep: a harmless library of glibc's.
other=$(ldconfig -p | awk '$1 == "libdl.so.2" && /x86-64|64bit/ { print $NF; exit }')
[ -n "$other" ] || other=$(ldconfig -p | awk '$1 == "libm.so.6" { print $NF; exit }')
[ -f "$other" ] || skip "no libdl.so.2 or libm.so.6 to keep in ld.so.preload"
printf '%s\n' "$other" >/etc/ld.so.preload
cp /etc/ld.so.preload "$T/preload.before"

# Baseline, no preload of ours: what each program prints and returns.
mkdir "$T/www" && seq 1 2000 >"$T/www/data.txt"
port=$(free_port)
bg "$PYTHON3" -m http.server -b 127.0.0.1 -d "$T/www" "$port"
wait_port "$port"
cat >"$T/echo.py" <<'PY'
import socket, threading
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()
t = threading.Thread(target=serve); t.start()
cl = socket.create_connection(srv.getsockname())
data = bytes(range(256)) * 400
cl.sendall(data); cl.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = cl.recv(65536)
    if not b:
        break
    got += b
t.join()
print(len(got), got == data)
PY
# sshd, started before the preload: each connection's re-executed sshd
# (privilege separation, its sandbox) starts under it once enabled.
sshport=
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && id sshd >/dev/null 2>&1 &&
   { [ -d /run/sshd ] || mkdir -m 0755 /run/sshd; }; then
	sshport=$(free_port)
	ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$T/id" ||
		fail "ssh-keygen"
	cp "$T/id.pub" "$T/authorized_keys"
	cat >"$T/sshd_config" <<EOF2
Port $sshport
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile none
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
EOF2
	bg /usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log"
	wait_port "$sshport"
elif [ "${SOCKSHIM_TESTS_STRICT:-0}" = 1 ]; then
	fail "no sshd, ssh or sshd user for the login check"
fi
programs() {
	out=$1
	if [ -n "$sshport" ]; then
		{ timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
			-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$T/id" \
			-p "$sshport" root@127.0.0.1 'echo logged-in; id -un'; echo "exit $?"; } >"$out.ssh" 2>&1
	else
		: >"$out.ssh"
	fi
	{ ping -c 1 -W 2 127.0.0.1; echo "exit $?"; } 2>&1 |
		grep -E 'packets transmitted|^exit' | sed 's/, time .*//' >"$out.ping"
	{ curl -sS "http://127.0.0.1:$port/data.txt" | md5sum; echo "exit $?"; } >"$out.curl" 2>&1
	{ "$PYTHON3" "$T/echo.py"; echo "exit $?"; } >"$out.python" 2>&1
	{ su nobody -s /bin/sh -c 'id -un; echo hi | cat'; echo "exit $?"; } >"$out.su" 2>&1
	# Set-id and capability programs run by a user: the loader's secure mode.
	{ su nobody -s /bin/sh -c 'ping -c 1 -W 2 127.0.0.1; echo "exit $?"; passwd -S; echo "exit $?"'
	} 2>&1 | sed 's/, time .*//; /^rtt /d; /^PING /d; /bytes from/d' >"$out.secure"
	{ sh -c 'i=0; while [ $i -lt 100 ]; do /bin/true || exit 1; echo $i; i=$((i + 1)); done' |
		md5sum; echo "exit $?"; } >"$out.loop" 2>&1
}
programs "$T/bare"
grep -q ' 1 received' "$T/bare.secure" || fail "ping as nobody fails without the shim: $(cat "$T/bare.secure")"
[ -z "$sshport" ] || grep -qx logged-in "$T/bare.ssh" || fail "ssh login fails without the shim: $(cat "$T/bare.ssh")"
grep -q ' 1 received' "$T/bare.ping" || fail "ping 127.0.0.1 fails without the shim: $(cat "$T/bare.ping")"
grep -qx '102400 True' "$T/bare.python" ||
	fail "python3 echo fails without the shim: $(cat "$T/bare.python")"
keepalive='import socket; s = socket.socket(); print(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))'
[ "$("$PYTHON3" -c "$keepalive")" = 0 ] || fail "SO_KEEPALIVE already on without the shim"

unchanged() {
	cmp -s /etc/ld.so.preload "$T/preload.before" || fail "$1 changed /etc/ld.so.preload"
}
# Refused: each with its reason, the file left alone.
pstderr=$(conf stderr <<'EOF2'
options = { SO_KEEPALIVE = { force = true; }; };
EOF2
)
"$SOCKSHIM_BIN" host enable -c "$pstderr" 2>"$T/err" && fail "enable took a policy logging to stderr"
grep -q 'logs to stderr' "$T/err" || { cat "$T/err"; fail "no reason given for the stderr policy"; }
unchanged "a refused stderr policy"
pabort=$(conf abort <<EOF2
on_error = "abort";
log = { path = "none"; };
EOF2
)
"$SOCKSHIM_BIN" host enable -c "$pabort" 2>"$T/err" && fail "enable took on_error = abort"
grep -q 'abort' "$T/err" || { cat "$T/err"; fail "no reason given for on_error = abort"; }
unchanged "a refused abort policy"
pbad=$(conf bad <<'EOF2'
log = { path = "none"; };
options = { SO_KEEPALIVE = { force = 3; }; };
EOF2
)
"$SOCKSHIM_BIN" host enable -c "$pbad" 2>"$T/err" && fail "enable took a broken policy"
grep -q "$pbad:2" "$T/err" || { cat "$T/err"; fail "no file:line for the broken policy"; }
unchanged "a broken policy"
printf 'log = { path = "none"; };\n' >"$syspolicy" && chmod 666 "$syspolicy"
"$SOCKSHIM_BIN" host enable 2>"$T/err" && fail "enable took a system policy anyone may write"
grep -q 'root only' "$T/err" || { cat "$T/err"; fail "no reason given for a writable system policy"; }
unchanged "a writable system policy"
ok "refused: stderr log, on_error abort, broken policy (file:line), policy others may write"

pfile=$(conf file <<EOF2
log = { path = "$T/file.json"; format = "json"; };
EOF2
)
"$SOCKSHIM_BIN" host enable -c "$pfile" 2>"$T/err" && fail "enable took a policy logging to a file"
grep -q 'other users' "$T/err" || { cat "$T/err"; fail "no reason given for the file log"; }
unchanged "a refused file log"
ok "refused: a file log (other users' processes could not open it)"

# The host's log: a stand-in syslog daemon (started before the preload)
# writes each record's JSON as a line of host.json; "sync TOKEN"
# datagrams go to sync.
chmod 755 "$T"	# processes of other users (su nobody) reach the socket
sock=$T/log.sock
: >"$T/host.json"
: >"$T/sync"
cat >"$T/syslogd.py" <<'PY'
import os, socket, sys
path, out, sync = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
s.settimeout(120)
while True:
    try:
        msg = s.recv(65536).decode("utf-8", "replace")
    except socket.timeout:
        break
    if msg.startswith("sync "):
        with open(sync, "a") as f:
            f.write(msg[5:] + "\n")
        continue
    i = msg.find("{")
    with open(out, "a") as f:
        f.write((msg[i:] if i >= 0 else "?" + msg).rstrip("\n") + "\n")
PY
bg "$PYTHON3" "$T/syslogd.py" "$sock" "$T/host.json" "$T/sync"
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "the stand-in syslog daemon did not start"
# sync_log: every record sent so far is in host.json (a unix datagram
# socket keeps each sender's order; this one comes after them all).
nsync=0
sync_log() {
	nsync=$((nsync + 1))
	"$PYTHON3" -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(("sync " + sys.argv[2]).encode(), sys.argv[1])' "$sock" "$nsync"
	for _ in $(seq 100); do grep -qx "$nsync" "$T/sync" && return; sleep 0.05; done
	fail "the stand-in syslog daemon did not answer"
}
policy=$(conf host <<EOF2
log = { path = "syslog:$sock"; format = "json"; };
options = { SO_KEEPALIVE = { force = true; }; };
EOF2
)
"$SOCKSHIM_BIN" host enable -c "$policy" >"$T/out" 2>&1 || { cat "$T/out"; fail "enable failed"; }
printf '%s\n%s\n' "$other" "$lib" | cmp -s - /etc/ld.so.preload ||
	{ cat /etc/ld.so.preload; fail "ld.so.preload is not the other entry and the library"; }
[ "$(stat -c %a /etc/ld.so.preload)" = 644 ] || fail "ld.so.preload mode $(stat -c %a /etc/ld.so.preload)"
cmp -s "$policy" "$syspolicy" || fail "the policy was not installed as $syspolicy"
[ "$(stat -c %a:%u "$syspolicy")" = 644:0 ] || fail "system policy mode/owner $(stat -c %a:%u "$syspolicy")"
sync_log
n=$(jcount "$T/host.json" 'r["prog"] == "sockshim" and r["call"] == "socket" and r["family"] == "AF_INET"')
[ "$n" -eq 1 ] || fail "$n socket records of enable's test process, want 1"
ok "enabled: other entry kept, library added, policy installed, test process ran"

# No environment of ours: the system policy governs a new process.
env | grep -q '^SOCKSHIM_CONFIG=' && fail "SOCKSHIM_CONFIG is set in the test"
got=$(env -u LD_PRELOAD "$PYTHON3" -c "$keepalive")
[ "$got" = 1 ] || fail "SO_KEEPALIVE of a new process under the host preload: $got, want 1"
ok "a new process gets SO_KEEPALIVE from the system policy, no environment"

sync_log
: >"$T/host.json"
programs "$T/pre"
sync_log
for p in ping curl python su secure loop ssh; do
	cmp -s "$T/bare.$p" "$T/pre.$p" || {
		diff "$T/bare.$p" "$T/pre.$p"
		fail "$p behaves differently with the host preload"
	}
done
n=$(jcount "$T/host.json" 'r["prog"] == "curl" and r["call"] == "connect" and r.get("addr") == "127.0.0.1:'"$port"'"')
[ "$n" -eq 1 ] || fail "$n connect records from curl, want 1"
n=$(jcount "$T/host.json" 'r["prog"] == "curl" and r.get("opt") == "SO_KEEPALIVE" and r["origin"] == "policy"')
[ "$n" -eq 1 ] || fail "$n forced SO_KEEPALIVE records from curl, want 1"
n=$(jcount "$T/host.json" 'r["prog"] == "python3" and r.get("opt") == "SO_KEEPALIVE" and r["origin"] == "policy"')
[ "$n" -eq 3 ] || fail "$n forced SO_KEEPALIVE records from python3's echo, want 3 (listener, client, accepted)"
if [ -n "$sshport" ]; then
	n=$(jcount "$T/host.json" 'r["prog"] == "ssh" and r["call"] == "connect" and r.get("addr") == "127.0.0.1:'"$sshport"'"')
	[ "$n" -eq 1 ] || fail "$n connect records from ssh, want 1"
	n=$(jcount "$T/host.json" 'r["prog"] == "sshd"')
	[ "$n" -ge 1 ] || fail "no record from the connection's sshd: not under the host preload"
fi
n=$(jcount "$T/host.json" 'r["prog"] == "true"')
[ "$n" -eq 0 ] || fail "$n records from /bin/true, which makes no socket"
n=$(jcount "$T/host.json" 'r["prog"] == "ping" and r["call"] == "socket" and r["family"] == "AF_INET" and r.get("proto") == "IPPROTO_ICMP" and r["ret"] >= 0')
[ "$n" -eq 2 ] || fail "$n ICMP sockets in ping's records (root and nobody), want 2"
ok "ping, curl, python3, su, a shell loop, ping and passwd as nobody, an ssh login: same output and status as without; curl and python3 governed"

# A user cannot point a set-id or capability program elsewhere: its
# environment is not read, its records go to the system policy's log.
sync_log
: >"$T/host.json"
mkdir -m 1777 "$T/user"
printf 'log = { path = "%s/user/mine.json"; format = "json"; };\n' "$T" >"$T/user/mine.conf"
chmod 644 "$T/user/mine.conf"
su nobody -s /bin/sh -c "SOCKSHIM_CONFIG=$T/user/mine.conf SOCKSHIM_LOG=$T/user/env.json SOCKSHIM_MODE=audit ping -c 1 -W 2 127.0.0.1" >/dev/null 2>&1 ||
	fail "ping as nobody failed"
[ -e "$T/user/mine.json" ] || [ -e "$T/user/env.json" ] &&
	fail "a capability program logged where the user's environment said"
sync_log
n=$(jcount "$T/host.json" 'r["prog"] == "ping" and r["call"] == "socket" and r["family"] == "AF_INET" and r.get("proto") == "IPPROTO_ICMP" and r["ret"] >= 0')
[ "$n" -eq 1 ] || fail "$n ICMP sockets in the records of ping as nobody in the system log, want 1"
su nobody -s /bin/sh -c "SOCKSHIM_CONFIG=$T/user/mine.conf $PYTHON3 -c 'import socket; socket.socket()'" ||
	fail "python3 as nobody failed"
[ -e "$T/user/mine.json" ] || fail "a plain program did not take the user's SOCKSHIM_CONFIG"
ok "set-id/capability programs: only the system policy and its log; plain ones honour SOCKSHIM_CONFIG"

"$SOCKSHIM_BIN" host enable -c "$policy" >"$T/out" || fail "a second enable failed"
grep -q 'already enabled' "$T/out" || fail "a second enable did not say so"
[ "$(grep -c libsockshim /etc/ld.so.preload)" -eq 1 ] || fail "a second enable added a line"
"$SOCKSHIM_BIN" host status >/dev/null || fail "status: not enabled"

"$SOCKSHIM_BIN" host disable >"$T/out" || fail "disable failed"
cmp -s /etc/ld.so.preload "$T/preload.before" ||
	{ cat /etc/ld.so.preload; fail "disable did not give the file back as it was"; }
got=$("$PYTHON3" -c "$keepalive")
[ "$got" = 0 ] || fail "SO_KEEPALIVE after disable: $got, want 0"
"$SOCKSHIM_BIN" host status >/dev/null && fail "status: enabled after disable"
"$SOCKSHIM_BIN" host disable >"$T/out" || fail "a second disable failed"
grep -q 'not enabled' "$T/out" || fail "a second disable did not say so"
ok "idempotent enable; disable gives the file back byte for byte"

# No file before: enable makes it, disable takes it away.
rm /etc/ld.so.preload
"$SOCKSHIM_BIN" host enable >/dev/null || fail "enable with the installed system policy failed"
printf '%s\n' "$lib" | cmp -s - /etc/ld.so.preload || fail "new ld.so.preload is not the library alone"
"$SOCKSHIM_BIN" host disable >/dev/null || fail "disable failed"
[ -e /etc/ld.so.preload ] && fail "disable left an ld.so.preload that was not there before"
ok "no file before: enable creates it, disable removes it"
