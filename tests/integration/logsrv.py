"""A line server and its client, for the tests of the log under pressure.

  logsrv.py serve                 listen on 127.0.0.1 (a free port), print
                                  the port, answer each connection's line
                                  with "ok"; the line "quit" ends the server
                                  with exit status 0
  logsrv.py client PORT N [--interval S] [--at K CMD]
                                  N connections, one after another, each
                                  sending a line and expecting "ok"; with
                                  --at, the shell command CMD runs before
                                  connection K (0-based). Prints one line a
                                  connection: "LOCALPORT SECONDS", seconds
                                  since CMD finished (negative before it).
                                  Exit 1 if any connection failed.
  logsrv.py quit PORT             ask the server to end

Each connection costs the server exactly two socket calls: accept and
close. The server's own calls are socket, bind, listen and, at "quit",
the close of the listener.
"""
import signal
import socket
import subprocess
import sys
import time


def serve():
    signal.alarm(120)  # never outlive a test that forgot it
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(128)
    print(lst.getsockname()[1], flush=True)
    while True:
        conn, _ = lst.accept()
        line = b""
        conn.settimeout(10)
        try:
            while not line.endswith(b"\n"):
                chunk = conn.recv(64)
                if not chunk:
                    break
                line += chunk
            if line.strip() != b"quit":
                conn.sendall(b"ok\n")
        except OSError:
            pass
        conn.close()
        if line.strip() == b"quit":
            lst.close()
            return 0


def one(port, what=b"hello\n"):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    local = s.getsockname()[1]
    s.sendall(what)
    reply = b""
    while True:
        chunk = s.recv(64)
        if not chunk:
            break
        reply += chunk
    s.close()
    return local, reply


def client(argv):
    port, n = int(argv[0]), int(argv[1])
    interval, at, cmd = 0.0, -1, None
    rest = argv[2:]
    while rest:
        if rest[0] == "--interval":
            interval = float(rest[1])
            rest = rest[2:]
        elif rest[0] == "--at":
            at, cmd = int(rest[1]), rest[2]
            rest = rest[3:]
        else:
            sys.exit("client: unknown argument " + rest[0])
    mark = None
    failed = 0
    start = time.monotonic()
    for i in range(n):
        if i == at:
            subprocess.run(cmd, shell=True, check=True)
            mark = time.monotonic()
        if interval:
            # A fixed schedule: connection i at start + i * interval
            # (after the command, if it took longer).
            delay = start + i * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        try:
            local, reply = one(port)
        except OSError as e:
            print("connection %d: %s" % (i, e), file=sys.stderr)
            failed += 1
            if isinstance(e, ConnectionRefusedError):
                print("the server is gone: %d connections not tried"
                      % (n - i - 1), file=sys.stderr)
                break
            continue
        if reply != b"ok\n":
            print("connection %d: reply %r" % (i, reply), file=sys.stderr)
            failed += 1
        t = time.monotonic() - mark if mark is not None else -1.0
        print("%d %.3f" % (local, t), flush=True)
    return 1 if failed else 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        return serve()
    if len(sys.argv) >= 4 and sys.argv[1] == "client":
        return client(sys.argv[2:])
    if len(sys.argv) == 3 and sys.argv[1] == "quit":
        one(int(sys.argv[2]), b"quit\n")
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
