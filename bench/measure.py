#!/usr/bin/python3
"""Runs a command and prints its wall time (s) and peak resident memory (MiB) as one JSON line.

  measure.py -- COMMAND [ARGS...]
Peak RSS is the kernel's ru_maxrss for that child (and its waited-for descendants), from wait4.
"""
import json
import os
import subprocess
import sys
import time

argv = sys.argv[sys.argv.index("--") + 1:]
start = time.monotonic()
proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_pid, status, usage = os.wait4(proc.pid, 0)
wall = time.monotonic() - start
code = os.waitstatus_to_exitcode(status)
if code != 0:
    sys.stderr.write(proc.stderr.read().decode(errors="replace"))
print(json.dumps({"wall_s": round(wall, 3), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "exit": code}))
sys.exit(code)
