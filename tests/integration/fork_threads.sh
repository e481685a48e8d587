# fork_threads — 4 threads × 1000 socket + setsockopt + close, a fork in
# the middle whose child makes 10 rounds of its own; a JSON log per
# process (%p). Every line parses, each process's file holds exactly its
# own records, nothing deadlocks (timeout 30). Run a few times: fork
# lands at a different point of the other threads' calls each time.
. "$TESTLIB"

C=$(conf threads <<'EOF'
log = { path = "stderr"; format = "json"; };
options = { TCP_NODELAY = { force = true; }; };
EOF
)
THREADS=4 LOOPS=1000 CHILD=10

for run in 1 2 3; do
	d=$T/run$run
	mkdir "$d"
	timeout 30 env SOCKSHIM_CONFIG="$C" SOCKSHIM_LOG="$d/log.%p" \
		LD_PRELOAD="$SOCKSHIM_LIB" \
		"$PROGS/threads" $THREADS $LOOPS $CHILD >"$d/out" 2>"$d/err"
	rc=$?
	[ $rc = 124 ] && fail "run $run: deadlock (killed after 30 s)"
	[ $rc = 0 ] || fail "run $run: threads exited $rc: $(cat "$d/out" "$d/err")"
	[ -s "$d/err" ] && fail "run $run: stderr: $(cat "$d/err")"
	sed "s/^/    run $run: /" "$d/out"
	grep -qx 'child exit=0' "$d/out" || fail "run $run: the child failed"
	ppid=$(sed -n 's/^parent pid=\([0-9]*\) .*/\1/p' "$d/out")
	cpid=$(sed -n 's/^child pid=\([0-9]*\) .*/\1/p' "$d/out")
	[ -n "$ppid" ] && [ -n "$cpid" ] || fail "run $run: no pids printed"
	[ "$(ls "$d" | grep -c '^log\.')" = 2 ] ||
		fail "run $run: expected 2 log files, got: $(ls "$d")"
	[ -f "$d/log.$ppid" ] && [ -f "$d/log.$cpid" ] ||
		fail "run $run: no log.$ppid and log.$cpid: $(ls "$d")"
	assert_json "$d/log.$ppid"
	assert_json "$d/log.$cpid"
	"$PYTHON3" - "$d/log.$ppid" "$ppid" $((THREADS * LOOPS)) "$THREADS" \
		"$d/log.$cpid" "$cpid" "$CHILD" 1 <<'PY' || fail "run $run: wrong records"
import collections, json, sys
args = sys.argv[1:]
for path, pid, n, nthreads in (args[0:4], args[4:8]):
    pid, n, nthreads = int(pid), int(n), int(nthreads)
    recs = [json.loads(l) for l in open(path)]
    count = collections.Counter((r["call"], r["origin"]) for r in recs)
    want = {("socket", "app"): n, ("setsockopt", "app"): n,
            ("setsockopt", "policy"): n, ("close", "app"): n}
    print(f"    {path.rsplit('/', 1)[1]}: {len(recs)} records",
          dict(sorted((f"{c}/{o}", k) for (c, o), k in count.items())))
    if dict(count) != want:
        sys.exit(f"{path}: expected {want}")
    if len(recs) != 4 * n:
        sys.exit(f"{path}: {len(recs)} records, expected {4 * n}")
    if {r["pid"] for r in recs} != {pid}:
        sys.exit(f"{path}: records of other processes: {sorted({r['pid'] for r in recs})}")
    tids = {r["tid"] for r in recs}
    if len(tids) != nthreads or (nthreads == 1 and tids != {pid}):
        sys.exit(f"{path}: {len(tids)} thread ids, expected {nthreads}")
    bad = [r for r in recs if r["ret"] < 0 or
           (r["origin"] == "policy" and (r["opt"], r["val"]) != ("TCP_NODELAY", 1))
           or (r["call"] == "setsockopt" and r["origin"] == "app" and
               (r["opt"], r["val"]) != ("SO_KEEPALIVE", 1))]
    if bad:
        sys.exit(f"{path}: unexpected records, first: {bad[0]}")
    # Each thread's records are in its call order: socket, the policy's
    # setsockopt, the program's, close on one fd, again and again.
    seq = collections.defaultdict(list)
    for r in recs:
        seq[r["tid"]].append(r)
    for tid, rs in seq.items():
        for i in range(0, len(rs), 4):
            q = rs[i:i + 4]
            if ([(r["call"], r["origin"]) for r in q] !=
                    [("socket", "app"), ("setsockopt", "policy"),
                     ("setsockopt", "app"), ("close", "app")] or
                    len({r["fd"] for r in q}) != 1):
                sys.exit(f"{path}: thread {tid}: out of order at {q}")
PY
done
ok "3 runs: parent and child logs hold exactly their records, no deadlock"
exit 0
