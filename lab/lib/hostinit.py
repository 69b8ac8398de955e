#!/usr/bin/python3
"""PID 1 of one lab host's PID namespace: starts the host's sshd and kubelet stand-in, reaps orphans, and on
SIGTERM stops the kubelet (which stops its pods gracefully), then sshd. When it exits, the kernel ends every
process left in the namespace, so `lab down` leaves nothing behind.

usage: hostinit.py SSHD_CONFIG KUBELET_LOG
"""
import os
import signal
import subprocess
import sys
import time

LIB = os.path.dirname(os.path.abspath(__file__))
stopping = False


def on_term(_signum, _frame):
    global stopping
    stopping = True


def main():
    sshd_config, kubelet_log = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    os.makedirs("/run/sshd", exist_ok=True)
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", sshd_config],
                            stdout=open(kubelet_log + ".sshd", "ab"), stderr=subprocess.STDOUT)
    kubelet = subprocess.Popen(["/usr/bin/python3", os.path.join(LIB, "kubelet.py")],
                               stdout=open(kubelet_log, "ab"), stderr=subprocess.STDOUT)
    while not stopping:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)  # reap anything re-parented to us
        except ChildProcessError:
            pid = 0
        if pid == 0:
            time.sleep(0.2)
        elif pid == kubelet.pid:
            kubelet = subprocess.Popen(["/usr/bin/python3", os.path.join(LIB, "kubelet.py")],
                                       stdout=open(kubelet_log, "ab"), stderr=subprocess.STDOUT)
    kubelet.send_signal(signal.SIGTERM)
    try:
        kubelet.wait(60)
    except subprocess.TimeoutExpired:
        kubelet.kill()
    sshd.terminate()
    try:
        sshd.wait(5)
    except subprocess.TimeoutExpired:
        sshd.kill()


if __name__ == "__main__":
    main()
