#!/bin/sh
# sockshim service UNIT: the drop-in it writes passes systemd-analyze
# verify without a message (a broken one does not), --print writes
# nothing, --audit adds SOCKSHIM_MODE, --remove takes the file and its
# empty directory away; the Environment= words, as systemd splits them,
# put a real python3 under the policy (TCP_NODELAY as the kernel shows it).
. "$TESTLIB"
need systemd-analyze "$PYTHON3"

SD=$T/system
mkdir "$SD"
export SOCKSHIM_SYSTEMD_DIR=$SD
policy=$(conf nodelay <<EOF2
log = { path = "$T/svc.json"; format = "json"; };
options = { TCP_NODELAY = { force = true; }; };
EOF2
)
cat >"$SD/demo.service" <<EOF2
[Unit]
Description=sockshim drop-in test

[Service]
ExecStart=$PYTHON3 -c "print(1)"
EOF2

verify() {
	SYSTEMD_UNIT_PATH="$SD:" systemd-analyze verify demo.service >"$T/verify.out" 2>&1
}
verify || { cat "$T/verify.out"; fail "systemd-analyze verify fails on the bare unit"; }
cp "$T/verify.out" "$T/verify.bare"

"$SOCKSHIM_BIN" service demo -c "$policy" --print >"$T/printed" ||
	fail "service --print failed"
[ -e "$SD/demo.service.d" ] && fail "--print created $SD/demo.service.d"
"$SOCKSHIM_BIN" service demo -c "$policy" >"$T/out" || fail "service failed"
drop=$SD/demo.service.d/sockshim.conf
[ -f "$drop" ] || fail "no $drop"
cmp -s "$drop" "$T/printed" || fail "--print and the written drop-in differ"
grep -q "wrote $drop" "$T/out" || fail "service did not say what it wrote"
[ "$(stat -c %a "$drop")" = 644 ] || fail "drop-in mode $(stat -c %a "$drop"), want 644"
n=$(grep -c '^Environment=' "$drop")
[ "$n" -eq 1 ] || fail "$n Environment= lines, want 1"
grep -qx '\[Service\]' "$drop" || fail "no [Service] section"
grep -q '^Environment=.*SOCKSHIM_MODE' "$drop" && fail "SOCKSHIM_MODE without --audit"

verify || { cat "$T/verify.out"; fail "systemd-analyze verify fails with the drop-in"; }
cmp -s "$T/verify.out" "$T/verify.bare" ||
	{ cat "$T/verify.out"; fail "systemd-analyze verify says more with the drop-in"; }
ok "systemd-analyze verify: the drop-in is clean"

# The check can fail: systemd reads the drop-in and complains of a bad one.
cp "$drop" "$T/good.conf"
printf '[Service]\nEnvironment="LD_PRELOAD=/x\nPreload=yes\n' >"$drop"
verify
grep -q "sockshim.conf" "$T/verify.out" ||
	fail "systemd-analyze verify did not read the drop-in (no word on a broken one)"
cp "$T/good.conf" "$drop"

# What systemd hands the service: the quoted words of Environment=, %%
# undone. The same python3, with and without them.
probe='import socket; s = socket.socket(); print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))'
run_env() {
	"$PYTHON3" - "$1" "$PYTHON3" "$probe" "${SOCKSHIM_ASAN}" <<'PY'
import os, shlex, subprocess, sys
env = dict(os.environ)
for k in ("LD_PRELOAD", "SOCKSHIM_CONFIG", "SOCKSHIM_MODE", "SOCKSHIM_LOG"):
    env.pop(k, None)
for line in open(sys.argv[1]):
    if line.startswith("Environment="):
        for w in shlex.split(line[len("Environment="):].replace("%%", "%")):
            k, v = w.split("=", 1)
            env[k] = v
if sys.argv[4] and "LD_PRELOAD" in env:
    env["LD_PRELOAD"] = sys.argv[4] + ":" + env["LD_PRELOAD"]
sys.exit(subprocess.run([sys.argv[2], "-c", sys.argv[3]], env=env).returncode)
PY
}
got=$("$PYTHON3" -c "$probe")
[ "$got" = 0 ] || fail "TCP_NODELAY without the shim: $got"
got=$(run_env "$drop") || fail "python3 with the drop-in's environment failed"
[ "$got" = 1 ] || fail "TCP_NODELAY with the drop-in's environment: $got, want 1"
n=$(jcount "$T/svc.json" 'r["call"] == "setsockopt" and r.get("opt") == "TCP_NODELAY" and r["origin"] == "policy"')
[ "$n" -eq 1 ] || fail "$n policy TCP_NODELAY records, want 1"
ok "the drop-in's environment preloads the library with the policy (TCP_NODELAY 0 -> 1)"

"$SOCKSHIM_BIN" service demo.service -c "$policy" --audit >/dev/null || fail "service --audit failed"
grep -q '^Environment=SOCKSHIM_MODE=audit$' "$drop" || fail "--audit: no SOCKSHIM_MODE=audit"
verify && cmp -s "$T/verify.out" "$T/verify.bare" ||
	{ cat "$T/verify.out"; fail "systemd-analyze verify: audit drop-in"; }
: >"$T/svc.json"
got=$(run_env "$drop") || fail "python3 under the audit drop-in failed"
[ "$got" = 0 ] || fail "TCP_NODELAY under --audit: $got, want 0 (audit changes nothing)"
n=$(jcount "$T/svc.json" 'r.get("opt") == "TCP_NODELAY" and r.get("action", "").startswith("would-")')
[ "$n" -eq 1 ] || fail "$n would- TCP_NODELAY records under --audit, want 1"
ok "--audit: SOCKSHIM_MODE=audit, nothing changed, 1 would- record"

# A broken policy writes nothing and names file and line.
bad=$(conf bad <<'EOF2'
options = { TCP_NODELAY = { force = 7; }; };
EOF2
)
"$SOCKSHIM_BIN" service other -c "$bad" 2>"$T/err" && fail "service accepted a broken policy"
grep -q "$bad:1" "$T/err" || { cat "$T/err"; fail "no file:line for the broken policy"; }
[ -e "$SD/other.service.d" ] && fail "a broken policy still made other.service.d"
"$SOCKSHIM_BIN" service 'x/../y' -c "$policy" 2>/dev/null && fail "a unit name with / accepted"
ok "broken policy and bad unit name refused"

"$SOCKSHIM_BIN" service demo --remove >/dev/null || fail "--remove failed"
[ -e "$drop" ] && fail "--remove left $drop"
[ -e "$SD/demo.service.d" ] && fail "--remove left the empty directory"
verify && cmp -s "$T/verify.out" "$T/verify.bare" || fail "unit broken after --remove"
mkdir "$SD/demo.service.d" && echo '[Service]' >"$SD/demo.service.d/site.conf"
"$SOCKSHIM_BIN" service demo -c "$policy" >/dev/null &&
	"$SOCKSHIM_BIN" service demo --remove >/dev/null || fail "write/remove beside another drop-in"
[ -f "$SD/demo.service.d/site.conf" ] && [ ! -e "$drop" ] ||
	fail "--remove touched another drop-in"
"$SOCKSHIM_BIN" service demo --remove >"$T/out" || fail "a second --remove failed"
grep -q 'no drop-in' "$T/out" || fail "a second --remove did not say there is nothing"
ok "--remove: only sockshim.conf, the directory when empty"
