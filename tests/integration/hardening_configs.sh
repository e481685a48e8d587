# hardening_configs — hostile policy files.
#
# Every fixture in tests/fixtures/hostile/ (EXPECT says what each should
# produce) and some made here (300 KB of braces, 20000 nested groups, a
# 1 MB line, 1000 rules, a 9 MB file, a directory, a FIFO, an @include of
# a FIFO, an unreadable file). For an invalid one, with on_error
# passthrough (the default) the program runs and exits 0, and stderr
# names the file and the line (and the key when one applies); with
# on_error = "abort" prepended, main never runs, the exit status is 78
# and the message is there. Never a crash (status >= 128), never a hang
# (timeout 10). The empty and comment-only files are valid.
. "$TESTLIB"

H=$FIXTURES/hostile
PROG=$PROGS/opts
mkdir -p "$T/made" "$T/abort"

# run NAME CONF: the program under the shim; $T/NAME.out, .err, $rc.
run() {
	under_timeout 10 "$2" none "$PROG" tcp SO_REUSEADDR \
		>"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	[ $rc = 124 ] && fail "$1: hung (killed after 10 s)"
	[ $rc -ge 128 ] && fail "$1: crashed (status $rc): $(head -c 600 "$T/$1.err")"
	# Messages never carry the file's control bytes to a terminal.
	LC_ALL=C grep -q "$(printf '\033')" "$T/$1.err" && fail "$1: escape bytes on stderr"
	return 0
}

# message NAME FILE LINE KEY: stderr names file:line (and the key).
message() {
	local re
	re="^sockshim: $(printf '%s' "$2" | sed 's/[][\.*^$]/\\&/g'):"
	if [ "$3" = - ]; then re="$re([0-9]+:)?"; else re="$re$3:"; fi
	[ "$4" = - ] || re="$re $(printf '%s' "$4" | sed 's/[][\.*^$]/\\&/g'):"
	grep -Eq "$re" "$T/$1.err" ||
		fail "$1: no message /$re/ in: $(head -c 600 "$T/$1.err")"
}

# invalid NAME FILE LINE KEY [noabort]
invalid() {
	local name=$1 f=$2 line=$3 key=$4 a
	run "$name" "$f"
	[ $rc = 0 ] || fail "$name: passthrough: exit $rc: $(head -c 600 "$T/$name.err")"
	grep -qx 'SO_REUSEADDR initial 0' "$T/$name.out" || fail "$name: the program did not run"
	message "$name" "$f" "$line" "$key"
	grep -q "running opts without sockshim" "$T/$name.err" ||
		fail "$name: no 'running without sockshim' line"
	[ "${5:-}" = noabort ] && return 0
	a=$T/abort/$(basename "$f")
	{ printf 'on_error = "abort";\n'; cat "$f"; } >"$a"
	run "$name-abort" "$a"
	[ $rc = 78 ] || fail "$name: abort: exit $rc, expected 78: $(head -c 600 "$T/$name-abort.err")"
	[ -s "$T/$name-abort.out" ] && fail "$name: abort: main ran"
	[ "$line" = - ] || line=$((line + 1))
	# A file that names on_error itself now names it twice: that is the
	# error on the same line.
	[ "$key" = on_error ] && key=-
	message "$name-abort" "$a" "$line" "$key"
	grep -q 'stopping opts (on_error = "abort")' "$T/$name-abort.err" ||
		fail "$name: abort: no 'stopping' line"
}

valid() {
	run "$1" "$2"
	[ $rc = 0 ] || fail "$1: exit $rc"
	grep -qx 'SO_REUSEADDR initial 0' "$T/$1.out" || fail "$1: the program did not run"
	[ -s "$T/$1.err" ] && fail "$1: valid, yet: $(cat "$T/$1.err")"
	return 0
}

n=0
while read -r name line key; do
	case $name in '#'* | '') continue ;; esac
	[ -f "$H/$name" ] || fail "EXPECT names $name, which is missing"
	if [ "$line" = valid ]; then
		valid "$name" "$H/$name"
	else
		invalid "$name" "$H/$name" "$line" "$key"
	fi
	n=$((n + 1))
done <"$H/EXPECT"
[ $n -ge 30 ] || fail "only $n fixtures"
for f in "$H"/*.conf; do
	grep -q "^$(basename "$f") " "$H/EXPECT" || fail "$(basename "$f") is not in EXPECT"
done
ok "$n fixtures from tests/fixtures/hostile"

# ---- made here: too big to ship, or not files at all
M=$T/made
"$PYTHON3" - "$M" <<'PY'
import sys
d = sys.argv[1]
open(f"{d}/braces.conf", "w").write("{" * 150000 + "}" * 150000 + "\n")
open(f"{d}/deep.conf", "w").write("deep = " + "{ a = " * 20000 + "1;" + " };" * 20000 + "\n")
open(f"{d}/longline.conf", "w").write('mode = "enforce"; log = { path = "/tmp/' + "x" * 1000000 + '"; };\n')
rules = ",\n".join('  { name = "r%d"; match = { local_port = %d; };\n'
                   '    options = { TCP_NODELAY = { set = 1; }; }; }' % (i, i) for i in range(1000))
open(f"{d}/rules1000.conf", "w").write("rules = (\n" + rules + "\n);\n")
open(f"{d}/huge.conf", "w").write("# padding\n" * 1000000)
PY
invalid braces "$M/braces.conf" 1 -
invalid deep "$M/deep.conf" 1 -
invalid longline "$M/longline.conf" 1 log.path
invalid rules1000 "$M/rules1000.conf" 1 rules
invalid huge "$M/huge.conf" - - noabort
grep -q 'File too large' "$T/huge.err" || fail "huge: $(cat "$T/huge.err")"
ok "300 KB of braces, 20000 nested groups, a 1 MB line, 1000 rules, a 10 MB file"

mkdir "$M/dir.conf"
invalid directory "$M/dir.conf" - - noabort
grep -q 'not a regular file' "$T/directory.err" || fail "directory: $(cat "$T/directory.err")"
mkfifo "$M/fifo.conf"
invalid fifo "$M/fifo.conf" - - noabort
# An @include of a FIFO (libconfig would block on it) or a directory
# (libconfig's scanner would exit the process).
printf 'mode = "enforce";\n@include "fifo.conf"\n' >"$M/inc-fifo.conf"
invalid inc-fifo "$M/inc-fifo.conf" 2 -
grep -q 'not a regular file' "$T/inc-fifo.err" || fail "inc-fifo: $(cat "$T/inc-fifo.err")"
ok "a directory, a FIFO, an @include of a FIFO: refused, nothing blocks"

# ---- unreadable: root reads anything, so as nobody.
if [ "$(id -u)" != 0 ]; then
	printf 'mode = "enforce";\n' >"$M/unreadable.conf"
	chmod 000 "$M/unreadable.conf"
	invalid unreadable "$M/unreadable.conf" - - noabort
	grep -q 'Permission denied' "$T/unreadable.err" || fail "unreadable: $(cat "$T/unreadable.err")"
	ok "an unreadable file (as $(id -un))"
elif ! command -v setpriv >/dev/null; then
	echo "unreadable file: skipped (running as root, and no setpriv to drop to nobody)"
else
	U=$(mktemp -d /tmp/sockshim-nobody.XXXXXX)
	chmod 755 "$U"
	printf 'options = { SO_REUSEADDR = { force = true; }; };\n' >"$U/ok.conf"
	printf 'options = { SO_REUSEADDR = { force = true; }; };\n' >"$U/unreadable.conf"
	chmod 644 "$U/ok.conf"
	chmod 000 "$U/unreadable.conf"
	as_nobody() {
		timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env SOCKSHIM_CONFIG="$1" SOCKSHIM_LOG=none \
			LD_PRELOAD="$SOCKSHIM_PRELOAD" "$PROG" tcp SO_REUSEADDR
	}
	# Can nobody load the library and run the program at all?
	if ! as_nobody "$U/ok.conf" 2>"$T/nobody.err" | grep -qx 'SO_REUSEADDR initial 1'; then
		echo "unreadable file: skipped (nobody cannot use the build tree here: $(head -c 200 "$T/nobody.err"))"
	else
		as_nobody "$U/unreadable.conf" >"$T/unreadable.out" 2>"$T/unreadable.err"
		rc=$?
		rm -rf "$U"
		[ $rc = 0 ] || fail "unreadable: exit $rc"
		grep -qx 'SO_REUSEADDR initial 0' "$T/unreadable.out" || fail "unreadable: the program did not run untouched"
		grep -q "unreadable.conf: cannot read: Permission denied" "$T/unreadable.err" ||
			fail "unreadable: $(cat "$T/unreadable.err")"
		ok "an unreadable file (as nobody): passthrough with the reason"
		# (on_error = "abort" in a file that cannot be read cannot be seen.)
	fi
	rm -rf "$U"
fi
exit 0
