#!/bin/sh
# The Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the tree
# (the build directories stay untouched) makes sockshim_*.deb; lintian
# finds no error; the package holds the command, the library in the
# multiarch directory, the conffiles, man pages, logrotate and rsyslog
# snippets and bash completion; the installed command finds the installed
# library (checked in a private mount namespace, the machine's /usr is
# never changed).
. "$TESTLIB"

# The package is built from the sources with Debian's flags, whatever this
# build's: once, in the plain build, is enough.
[ -n "$SOCKSHIM_ASAN" ] && skip "sanitizer build: the package does not depend on it (checked in the plain build)"
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -e "$top/.git" ] && command -v git >/dev/null 2>&1 ||
	skip "not a git checkout: the package is built from the repository's files"
need dpkg-buildpackage dh dh_bash-completion lintian fakeroot dpkg-deb logrotate rsyslogd

# The tree as a clean checkout would have it: tracked and new files, not
# the ignored build products.
mkdir "$T/src"
(cd "$top" && git ls-files -co --exclude-standard -z |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf -) | tar -x -C "$T/src" || fail "cannot copy the tree"
[ -d "$T/src/debian" ] || fail "no debian/ in the tree"

(cd "$T/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SOCKSHIM_LIB \
	-u SOCKSHIM_BIN -u SOCKSHIM_CONFIG -u LD_PRELOAD DEB_BUILD_OPTIONS=parallel=2 \
	dpkg-buildpackage -us -uc -b) \
	>"$T/build.log" 2>&1 || { tail -n 40 "$T/build.log"; fail "dpkg-buildpackage failed"; }
set -- "$T"/sockshim_*.deb
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one sockshim_*.deb, got: $*"
deb=$1
ok "dpkg-buildpackage built $(basename "$deb")"
grep -q '^PASS: tests/unit/check_config' "$T/build.log" ||
	fail "the package build did not run the unit tests"

lintian --fail-on error "$deb" >"$T/lintian.log" 2>&1 ||
	{ cat "$T/lintian.log"; fail "lintian reports errors"; }
grep '^E:' "$T/lintian.log" && fail "lintian reports errors"
ok "lintian: no errors ($(grep -c '^W:' "$T/lintian.log") warnings)"

triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
lib=usr/lib/$triplet/sockshim/libsockshim.so
dpkg -c "$deb" >"$T/contents" || fail "dpkg -c failed"
mkdir "$T/root"
dpkg -x "$deb" "$T/root" || fail "dpkg -x failed"
R=$T/root
for f in usr/bin/sockshim "$lib" etc/sockshim.conf \
	usr/share/man/man1/sockshim.1.gz usr/share/man/man5/sockshim.conf.5.gz \
	etc/logrotate.d/sockshim etc/rsyslog.d/sockshim.conf \
	usr/share/bash-completion/completions/sockshim \
	usr/share/doc/sockshim/copyright; do
	[ -f "$R/$f" ] || fail "the package lacks /$f"
	grep -q " \./$f\$" "$T/contents" || fail "dpkg -c does not list /$f"
done
[ -x "$R/usr/bin/sockshim" ] || fail "/usr/bin/sockshim is not executable"
n=$(grep -c -E '\.(la|a)$' "$T/contents")
[ "$n" -eq 0 ] || fail "$n libtool archives or static libraries in the package"
n=$(find "$R" -name 'libsockshim*' | wc -l)
[ "$n" -eq 1 ] || fail "expected 1 libsockshim file in the package, found $n"
cmp -s "$R/etc/sockshim.conf" "$top/conf/sockshim.conf" ||
	fail "/etc/sockshim.conf is not conf/sockshim.conf"
zcat "$R/usr/share/man/man5/sockshim.conf.5.gz" | grep -q 'TCP_NODELAY' ||
	fail "sockshim.conf(5) lacks the option catalogue"
ok "the package holds the command, /$lib, the policy, man pages, snippets, completion"

dpkg-deb -e "$deb" "$T/control" || fail "dpkg-deb -e failed"
for f in /etc/sockshim.conf /etc/logrotate.d/sockshim /etc/rsyslog.d/sockshim.conf; do
	grep -qx "$f" "$T/control/conffiles" || fail "$f is not a conffile"
done
n=$(grep -c . "$T/control/conffiles")
[ "$n" -eq 3 ] || fail "expected 3 conffiles, got $n"
ok "3 conffiles"
# The library loads libconfig when it first reads a policy: no NEEDED
# entry names it, so the dependency is written out.
grep -q '^Depends:.*libconfig[0-9]' "$T/control/control" ||
	fail "the package does not depend on libconfig: $(grep '^Depends:' "$T/control/control")"

logrotate -d -s "$T/logrotate.state" "$R/etc/logrotate.d/sockshim" >"$T/lr.log" 2>&1 ||
	{ cat "$T/lr.log"; fail "logrotate rejects /etc/logrotate.d/sockshim"; }
rsyslogd -N1 -f "$R/etc/rsyslog.d/sockshim.conf" >"$T/rs.log" 2>&1 ||
	{ cat "$T/rs.log"; fail "rsyslogd rejects /etc/rsyslog.d/sockshim.conf"; }
ok "logrotate and rsyslogd accept the snippets"

# Completion: subcommands, and option names from `sockshim options`.
complete_words() {
	PATH=$R/usr/bin:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_sockshim sockshim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh \
		"$R/usr/share/bash-completion/completions/sockshim" "$@"
}
got=$(complete_words sockshim '' | sort | tr '\n' ' ')
for w in run check options report service host; do
	case " $got" in *" $w "*) ;; *) fail "completion of 'sockshim ' lacks $w: $got" ;; esac
done
got=$(complete_words sockshim options TCP_NODEL | tr '\n' ' ')
[ "$got" = "TCP_NODELAY " ] || fail "completion of 'sockshim options TCP_NODEL': '$got'"
want=$("$R/usr/bin/sockshim" options | awk 'NR > 1 && $2 ~ /^SO_/' | wc -l)
got=$(complete_words sockshim report --option SO_ | wc -l)
[ "$got" -eq "$want" ] && [ "$want" -gt 20 ] ||
	fail "completion of '--option SO_' gave $got names, sockshim options lists $want"
ok "bash completion: subcommands, $want SO_ option names"

# The installed command finds the installed library by itself (no
# SOCKSHIM_LIB): /usr/lib/<triplet> gets the package's files as an overlay
# in a private mount namespace only.
command -v unshare >/dev/null 2>&1 || fail "unshare is not installed"
probe='import socket; s = socket.socket(); print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))'
out=$(env -u SOCKSHIM_LIB -u LD_PRELOAD unshare -m sh -c '
	mount --make-rprivate / &&
	mount -t overlay overlay -o "lowerdir=$1/usr/lib/$2:/usr/lib/$2" "/usr/lib/$2" &&
	"$1/usr/bin/sockshim" run -c "$1/etc/sockshim.conf" -- "$3" -c "$4"
	' sh "$R" "$triplet" "$PYTHON3" "$probe" 2>"$T/run.err") ||
	{ cat "$T/run.err"; fail "the installed sockshim run failed"; }
[ "$out" = 1 ] || { cat "$T/run.err"; fail "TCP_NODELAY under the installed command: '$out', want 1"; }
out=$("$PYTHON3" -c "$probe")
[ "$out" = 0 ] || fail "TCP_NODELAY without the shim: '$out', want 0"
grep -q 'policy setsockopt(3, IPPROTO_TCP, TCP_NODELAY' "$T/run.err" ||
	fail "the installed library did not log its policy call"
ok "the installed command preloads /$lib (TCP_NODELAY 0 -> 1)"
