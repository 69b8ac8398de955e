#!/usr/bin/python3
"""controller-manager / scheduler stand-in: a process that runs until told to stop (flags are ignored)."""
import signal
import sys
import time

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(3600)
