# self_binding — inside the library, only real.* reaches libc's socket and
# fd calls.
#
# libsockshim.so exports hooks named after libc functions (close, fcntl,
# _exit, ...). A call to one of those names from the library's own code
# does not reach libc: the link binds it to the library's own hook, and
# the dynamic relocation says so (an unversioned `close`, not
# `close@GLIBC_2.2.5`). Such a call re-enters the shim (logs, fd
# bookkeeping, recursion) where it meant to reach the kernel.
#
# The exports are what `nm -D --defined-only` lists (and must be what
# src/libsockshim.map says); every dynamic relocation is read with
# `readelf -rW` and `readelf -rW --use-dynamic`. One relocation against an
# exported name fails the test, naming the object file that makes the call.
. "$TESTLIB"
need readelf nm

lib=$SOCKSHIM_LIB
core=$(dirname "$lib")/libsockshim-core.a
map=${FIXTURES%/tests/fixtures}/src/libsockshim.map
[ -f "$lib" ] || fail "$lib not built"

# What the library exports: defined dynamic symbols, version suffix off.
nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWiV]$/ { sub(/@.*/, "", $3); print $3 }' |
	sort -u >"$T/exports"
[ -s "$T/exports" ] || fail "nm -D found no exported symbol in $lib"
grep -qx close "$T/exports" || fail "close is not exported: $(tr '\n' ' ' <"$T/exports")"

# ...is exactly the version script's global list.
sed -n '/global:/,/local:/p' "$map" | sed 's#/\*.*\*/##' | tr ' \t;' '\n\n\n' |
	grep -E '^[A-Za-z_][A-Za-z0-9_]*$' | grep -vx -e global -e local |
	sort -u >"$T/map"
diff -u "$T/map" "$T/exports" >"$T/map.diff" ||
	fail "exports differ from $map: $(cat "$T/map.diff")"

# Every relocation that names a symbol: TYPE NAME (NAME keeps @VERSION).
for opt in "" --use-dynamic; do
	readelf -rW $opt "$lib" | awk '$3 ~ /^R_/ && NF >= 5 { print $3, $5 }'
done | sort -u >"$T/relocs"
# The parse works: libc calls the library surely makes are there.
for sym in dlsym pthread_once; do
	grep -q " $sym@" "$T/relocs" ||
		fail "no relocation for $sym in readelf's output: parse broken?"
done

# Self-bindings: a relocation against an exported name, unversioned (a
# versioned name is a reference to that version in another object).
awk 'NR == FNR { hook[$1] = 1; next } $2 in hook { print $2, $1 }' \
	"$T/exports" "$T/relocs" >"$T/self.raw" || fail "awk failed"
sort -u "$T/self.raw" >"$T/self"
if [ -s "$T/self" ]; then
	while read -r sym type; do
		from=
		[ -f "$core" ] &&
			from=$(nm -A --undefined-only "$core" 2>/dev/null |
				awk -v s="$sym" '$NF == s { n = split($1, p, ":"); print p[n - 1] }' |
				sed 's#^libsockshim_core_la-#src/#; s/\.o$/.c/' | sort -u | xargs)
		echo "self-binding: $sym ($type)${from:+ called from $from}" >&2
	done <"$T/self"
	fail "$(wc -l <"$T/self") relocation(s) bind to the library's own" \
		"hooks (above): inside the library, call them through real.*" \
		"(src/real.h)"
fi
ok "$(wc -l <"$T/relocs") relocations, none against the $(wc -l <"$T/exports") exported hooks"
