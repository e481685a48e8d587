# hardening_perms — strict_perms: a process running as root refuses a
# policy file that others could write or that root does not own (it is
# invalid, and on_error decides); without strict_perms, or with a file
# only root can write, the policy applies. The kernel is the judge:
# SO_REUSEADDR reads 1 only when the policy was applied.
. "$TESTLIB"

[ "$(id -u)" = 0 ] || skip "strict_perms acts only for root (running as $(id -un))"
PROG=$PROGS/opts
cat >"$T/p.conf" <<'EOF2'
strict_perms = true;
log = { path = "none"; };
options = { SO_REUSEADDR = { force = true; }; };
EOF2

# try MODE OWNER WANT: the value the program reads, and stderr.
try() {
	chmod "$1" "$T/p.conf"
	chown "$2" "$T/p.conf"
	under_timeout 10 "$T/p.conf" none "$PROG" tcp SO_REUSEADDR >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 0 ] || fail "mode $1 owner $2: exit $rc: $(cat "$T/err")"
	grep -qx "SO_REUSEADDR initial $3" "$T/out" ||
		fail "mode $1 owner $2: expected SO_REUSEADDR $3: $(cat "$T/out" "$T/err")"
	echo "    mode $1 owner $2: SO_REUSEADDR $3 $(head -1 "$T/err")"
}
try 644 root 1
[ -s "$T/err" ] && fail "0644 root: a message: $(cat "$T/err")"
try 666 root 0
grep -q "^sockshim: $T/p.conf:1: strict_perms: the file is writable by others (mode 0666)" "$T/err" ||
	fail "0666: no strict_perms message"
grep -q 'running opts without sockshim' "$T/err" || fail "0666: not passthrough"
try 664 root 0
grep -q "strict_perms: the file is writable by its group" "$T/err" || fail "0664: no message"
try 644 nobody 0
grep -q "strict_perms: the file is owned by uid $(id -u nobody), not root" "$T/err" ||
	fail "owned by nobody: no message"

# on_error = "abort" follows, as for any invalid file.
sed -i '1i on_error = "abort";' "$T/p.conf"
chown root "$T/p.conf"
chmod 666 "$T/p.conf"
under_timeout 10 "$T/p.conf" none "$PROG" tcp SO_REUSEADDR >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 78 ] || fail "abort: exit $rc"
[ -s "$T/out" ] && fail "abort: main ran"
grep -q "p.conf:2: strict_perms:" "$T/err" || fail "abort: $(cat "$T/err")"

# Without strict_perms a world-writable file is used (the default).
sed -i -e '/strict_perms/d' -e '/on_error/d' "$T/p.conf"
try 666 root 1
ok "strict_perms: refuses group/world-writable and non-root files as root"
