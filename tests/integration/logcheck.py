"""Judge JSON log files and add up their records.

  logcheck.py [--live] [--pid P] FILE...

Fails (exit 1, the reason on stderr) when a file holds a NUL byte, a line
that is not one whole JSON object, or padding: a blank line, or a last
byte that is not a newline. With --live (a file a running process still
writes) blank lines are allowed at the end only: the reserve ahead of the
writers. With --pid only the records of that process count.

Prints shell assignments, summed over the files:
  records=  records other than "dropped" ones
  accepts=  successful accept/accept4 calls
  closes=   close calls
  dropped=  "dropped" records;  lost=  the sum of their counts
  blank=    blank lines;  files=  files read
  reasons=  the dropped records' reasons, comma-separated
"""
import json
import sys


def main():
    args = sys.argv[1:]
    live = False
    pid = None
    while args and args[0].startswith("--"):
        if args[0] == "--live":
            live = True
            args = args[1:]
        elif args[0] == "--pid":
            pid = int(args[1])
            args = args[2:]
        else:
            sys.exit("logcheck: unknown option " + args[0])
    tot = dict(records=0, accepts=0, closes=0, dropped=0, lost=0, blank=0,
               files=0)
    reasons = []
    for path in args:
        data = open(path, "rb").read()
        tot["files"] += 1
        if b"\0" in data:
            first = data.index(b"\0")
            sys.exit("%s: NUL bytes (%d of %d bytes, the first at offset %d)"
                     % (path, data.count(b"\0"), len(data), first))
        if not data:
            continue
        if not live and not data.endswith(b"\n"):
            sys.exit("%s: the last byte is %r, not a newline: %r"
                     % (path, data[-1:], data[-80:]))
        lines = data.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        blank = 0
        for i, line in enumerate(lines, 1):
            if not line.strip():
                blank += 1
                continue
            if blank:
                sys.exit("%s:%d: a record after %d blank lines" % (path, i, blank))
            try:
                r = json.loads(line)
            except ValueError as e:
                sys.exit("%s:%d: not JSON (%s): %r" % (path, i, e, line[:200]))
            if not isinstance(r, dict) or "call" not in r or "pid" not in r:
                sys.exit("%s:%d: not a record: %r" % (path, i, line[:200]))
            if pid is not None and r["pid"] != pid:
                continue
            if r["call"] == "dropped":
                tot["dropped"] += 1
                tot["lost"] += int(r.get("count", 0))
                reasons.append(str(r.get("reason", "?")).replace(" ", "_"))
                continue
            tot["records"] += 1
            if r["call"] in ("accept", "accept4") and r.get("ret", -1) >= 0:
                tot["accepts"] += 1
            elif r["call"] == "close":
                tot["closes"] += 1
        if blank and not live:
            sys.exit("%s: %d blank padding lines at the end" % (path, blank))
        tot["blank"] += blank
    for k, v in tot.items():
        print("%s=%d" % (k, v))
    print("reasons=%s" % ",".join(reasons))


if __name__ == "__main__":
    main()
