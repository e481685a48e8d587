#!/bin/bash
# sshd_login — OpenSSH's sshd with a %p log: privilege separation on, so
# each connection's pre-authentication child chroots, becomes the sshd
# user and installs OpenSSH's seccomp sandbox, which allows few system
# calls, after setting its RLIMIT_FSIZE to 0. Every login succeeds (the
# sandboxed child lives: no SIGSYS from a call of ours, no SIGXFSZ from a
# write of ours), the listener keeps its records (accept records =
# logins), and every file is whole (each child's was finished before its
# sandbox). The children's "seccomp" records meet the size limit of 0:
# they are dropped, as the limit requires, and none is written.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/logtest.sh"
need "$PYTHON3" ss ssh ssh-keygen
[ -x /usr/sbin/sshd ] || need sshd
[ "$(id -u)" = 0 ] || skip "sshd must start as root"
id sshd >/dev/null 2>&1 || skip "no sshd privilege separation user"
# Privilege separation chroots into /run/sshd (made by the service
# manager when sshd runs as a service).
[ -d /run/sshd ] || mkdir -m 0755 /run/sshd || skip "cannot make /run/sshd"

K=3
PORT=$(free_port)
mkdir -m 0755 "$T/logs"
ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" || fail "ssh-keygen (host key)"
ssh-keygen -q -t ed25519 -N '' -f "$T/id" || fail "ssh-keygen (user key)"
cp "$T/id.pub" "$T/authorized_keys"
cat >"$T/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
LogLevel VERBOSE
EOF
/usr/sbin/sshd -t -f "$T/sshd_config" 2>"$T/sshd.t" || fail "sshd -t: $(cat "$T/sshd.t")"
C=$(conf policy <<'EOF'
log = { format = "json"; };
EOF
)

# -D: the listener stays this test's child; -e: its messages to stderr.
SOCKSHIM_CONFIG=$C SOCKSHIM_LOG="$T/logs/sshd.%p.json" LD_PRELOAD=$SOCKSHIM_PRELOAD \
	/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
listener=$!
_pids="$_pids $listener"
wait_listen "$PORT"

logins=0
for i in $(seq $K); do
	if out=$(timeout 20 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -i "$T/id" \
		-p "$PORT" root@127.0.0.1 'echo logged-in' 2>"$T/ssh.err") && [ "$out" = logged-in ]; then
		logins=$((logins + 1))
	else
		echo "  login $i failed: '$out' $(grep -v 'Permanently added' "$T/ssh.err")"
	fi
done
kill -TERM "$listener"
wait "$listener" 2>/dev/null
if [ "$logins" != "$K" ]; then
	echo "  sshd said:"
	grep -v '^Server listening' "$T/sshd.log" | head -n 20 | sed 's/^/    /'
	echo "  the last record of each process:"
	for f in "$T"/logs/*; do
		[ -s "$f" ] && echo "    $(grep . "$f" | tail -n 1)"
	done
fi
expect "logins that succeeded" "$logins" "$K"

ls -l "$T/logs"
f=$T/logs/sshd.$listener.json
[ -f "$f" ] || fail "the listener $listener has no log file"
logcheck "$f"
expect "accept records of the listener" "$accepts" "$K"
logcheck "$T"/logs/*
n=$(cat "$T"/logs/* | jcount /dev/stdin "r['call'] == 'seccomp'")
expect "seccomp records (children write none under RLIMIT_FSIZE 0)" "$n" 0
