#!/usr/bin/env python3
"""Write the same call records as bare JSON lines and framed as the
collectors frame them, for the `sockshim report` benchmark:

    reportlog.py N DIR    ->  DIR/bare.json, DIR/file.log (RSYSLOG_FileFormat),
                              DIR/trad.log (RSYSLOG_TraditionalFileFormat),
                              DIR/5424.log (RFC 5424)

The records are a mix a busy host writes (socket, policy and program
setsockopt, accept4, close) from 50 processes of 5 programs on 4 hosts.
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
progs = ["nginx", "python3", "curl", "redis-server", "java"]
hosts = ["web1", "web2", "db1", "cache1"]
tpl = [
    '{"ts":"2026-11-28T04:03:29.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"socket","fd":7,"ret":7,"origin":"app","family":"AF_INET","type":"SOCK_STREAM|SOCK_CLOEXEC","proto":"IPPROTO_TCP"}',
    '{"ts":"2026-11-28T04:03:29.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"setsockopt","fd":7,"ret":0,"origin":"policy","level":"IPPROTO_TCP","opt":"TCP_NODELAY","val":1,"action":"set"}',
    '{"ts":"2026-11-28T04:03:29.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"setsockopt","fd":7,"ret":0,"origin":"app","level":"SOL_SOCKET","opt":"SO_LINGER","val":[0,0],"app_val":[1,0],"action":"graceful"}',
    '{"ts":"2026-11-28T04:03:29.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"accept4","fd":8,"ret":8,"origin":"app","listen_fd":6,"peer":"10.0.0.1:5000","flags":2048}',
    '{"ts":"2026-11-28T04:03:29.%06dZ","pid":%d,"tid":%d,"prog":"%s","call":"close","fd":7,"ret":0,"origin":"app"}',
]
with open(out + "/bare.json", "w") as bare, open(out + "/file.log", "w") as ff, \
     open(out + "/trad.log", "w") as tf, open(out + "/5424.log", "w") as rf:
    for i in range(n):
        pid = 1000 + i % 50
        us = i % 1000000
        host = hosts[i % 4]
        rec = tpl[i % 5] % (us, pid, pid, progs[pid % 5])
        bare.write(rec + "\n")
        ff.write("2026-11-28T04:03:29.%06d+00:00 %s sockshim[%d]: %s\n" % (us, host, pid, rec))
        tf.write("Nov 28 04:03:29 %s sockshim[%d]: %s\n" % (host, pid, rec))
        rf.write("<14>1 2026-11-28T04:03:29.%06d+00:00 %s sockshim %d - -  %s\n" % (us, host, pid, rec))
