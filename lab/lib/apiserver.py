#!/usr/bin/python3
"""kube-apiserver stand-in for the lab.

Started by the kubelet stand-in with the flags of kube-apiserver.yaml. It talks to etcd the way the real
apiserver does (the --etcd-servers, with the apiserver-etcd-client certificate) and writes a heartbeat key under
/registry/ every second, so a test can prove that no apiserver wrote to etcd while a restore ran, and a playbook can
wait for the apiservers to serve again.
"""
import argparse
import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from etcdgw import Gateway  # noqa: E402

running = True


def stop(_signum, _frame):
    global running
    running = False


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument("--etcd-servers", required=True)
    p.add_argument("--etcd-cafile", required=True)
    p.add_argument("--etcd-certfile", required=True)
    p.add_argument("--etcd-keyfile", required=True)
    p.add_argument("--advertise-address", default="")
    args, _unknown = p.parse_known_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host = socket.gethostname()
    gw = Gateway(args.etcd_servers.split(","), args.etcd_cafile, args.etcd_certfile, args.etcd_keyfile, timeout=2)
    key = "/registry/lab/heartbeats/" + host
    seq = 0
    failing = False
    while running:
        seq += 1
        value = json.dumps({"host": host, "seq": seq, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "pid": os.getpid()})
        try:
            gw.put(key, value)
            if failing:
                print("heartbeat: etcd answers again at %s" % gw.endpoint(), flush=True)
            failing = False
        except Exception as e:  # a real apiserver keeps retrying too
            if not failing:
                print("heartbeat: cannot write to etcd: %s" % e, flush=True)
            failing = True
        for _ in range(10):
            if not running:
                break
            time.sleep(0.1)
    print("apiserver stand-in on %s stopping after %d heartbeats" % (host, seq), flush=True)


if __name__ == "__main__":
    main()
