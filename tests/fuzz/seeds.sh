# seeds — every seed input through the fuzz harnesses (built without
# libFuzzer): no crash, and in the sanitizer build no sanitizer report.
# scripts/fuzz does the fuzzing proper.
. "$TESTLIB"

top=$(cd "$FIXTURES/../.." && pwd)
export LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for h in config value report; do
	bin=$(dirname "$PROGS")/../fuzz/fuzz_$h
	[ -x "$bin" ] || fail "no $bin"
	timeout 120 "$bin" "$top/tests/fuzz/corpus/$h" >"$T/$h.out" 2>&1
	rc=$?
	cat "$T/$h.out"
	[ $rc = 0 ] || fail "fuzz_$h exited $rc on its seed corpus"
	grep -q 'runtime error\|Sanitizer' "$T/$h.out" && fail "fuzz_$h: sanitizer report"
	n=$(sed -n 's/.*: \([0-9]*\) inputs$/\1/p' "$T/$h.out")
	[ "${n:-0}" -ge 5 ] || fail "fuzz_$h ran ${n:-no} inputs"
done
ok "seed corpora replayed through fuzz_config, fuzz_value and fuzz_report"
