#!/usr/bin/python3
"""kube-apiserver stand-in for the lab.

Started by the kubelet stand-in with the flags of kube-apiserver.yaml. It talks to etcd the way the real
apiserver does (the --etcd-servers, with the apiserver-etcd-client certificate) and writes a heartbeat key under
/registry/ every second, so a test can prove that no apiserver wrote to etcd while a restore ran, and a playbook can
wait for the apiservers to serve again.

Like the real one it serves HTTPS on --advertise-address:--secure-port with --tls-cert-file: /livez answers ok
while the process runs, /readyz only while its last write to etcd succeeded within READY_WINDOW seconds (the
real /readyz includes an etcd check), so a playbook can gate on /readyz with no lab-only branch.

Like kube-apiserver's lease endpoint reconciler (--endpoint-reconciler-type=lease, the default) it keeps
/registry/masterleases/<--advertise-address> on an etcd lease of MASTER_LEASE_TTL seconds, rewritten and renewed
every MASTER_LEASE_INTERVAL seconds. A power cut leaves the key to expire with its lease; a graceful stop deletes
it, as the real one removes its endpoint on shutdown. The real one attaches a freshly granted lease on most
rewrites; the stand-in renews one lease with keepalive and grants a new one when etcd no longer knows it (expired
while etcd was unreachable, or a restore), when renewing failed, or when it now talks to another etcd member
than the one that granted it (its etcd restarted or went away). Either way the key is gone about
MASTER_LEASE_TTL seconds after the last renewal.
"""
import argparse
import http.server
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from etcdgw import Gateway  # noqa: E402

running = True
READY_WINDOW = 3.0
MASTER_LEASE_TTL = 15
MASTER_LEASE_INTERVAL = 10.0
last_ok = {"time": 0.0, "error": "no write to etcd yet"}


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        if path == "/livez":
            self.answer(200, "ok")
        elif path == "/readyz":
            age = time.time() - last_ok["time"]
            if age <= READY_WINDOW:
                self.answer(200, "ok")
            else:
                self.answer(500, "[-]etcd failed: %s\nreadyz check failed" % last_ok["error"])
        else:
            self.answer(404, "404 page not found")

    def answer(self, code, body):
        data = (body + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # health probes would flood the pod log
        pass


class HealthServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)


def serve_health(address, port, cert, key):
    server = HealthServer((address, port), Health)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class MasterLease:
    """/registry/masterleases/<ip>: an Endpoints object on a lease (JSON here; the real one writes protobuf)."""

    def __init__(self, gw, ip, port):
        self.gw = gw
        self.ip = ip
        self.key = "/registry/masterleases/" + ip
        self.value = json.dumps({"kind": "Endpoints", "apiVersion": "v1",
                                 "metadata": {"name": ip, "creationTimestamp": None},
                                 "subsets": [{"addresses": [{"ip": ip}], "ports": [{"port": port, "protocol": "TCP"}]}]},
                                separators=(",", ":"))
        self.lease = None
        self.granted_by = None
        self.next_at = 0.0

    def tick(self):
        if time.time() < self.next_at:
            return
        try:
            if self.lease is not None and self.gw.endpoint() != self.granted_by:
                print("masterlease: now talking to %s, not %s; granting a new lease" % (self.gw.endpoint(),
                                                                                       self.granted_by), flush=True)
                self.lease = None
            if self.lease is not None and self.gw.lease_keepalive(self.lease) <= 0:
                print("masterlease: lease %x is gone; granting a new one" % self.lease, flush=True)
                self.lease = None
            if self.lease is None:
                self.lease = self.gw.lease_grant(MASTER_LEASE_TTL)
                self.granted_by = self.gw.endpoint()
                print("masterlease: %s on new lease %x (TTL %ds) at %s" % (self.key, self.lease, MASTER_LEASE_TTL,
                                                                            self.gw.endpoint()), flush=True)
            self.gw.put(self.key, self.value, lease=self.lease)
            self.next_at = time.time() + MASTER_LEASE_INTERVAL
        except Exception as e:  # etcd down or changed: retry soon, on a new lease
            print("masterlease: cannot renew %s: %s" % (self.key, e), flush=True)
            self.lease = None
            self.next_at = time.time() + 1

    def remove(self):
        try:
            # One endpoint only: without quorum every member would time out, and shutdown must not wait for that.
            self.gw.delete(self.key, tries=1)
            print("masterlease: removed %s" % self.key, flush=True)
        except Exception as e:
            print("masterlease: cannot remove %s (it expires with its lease): %s" % (self.key, e), flush=True)


def stop(_signum, _frame):
    global running
    running = False


class EtcdView:
    """What a real apiserver's watch cache depends on: one cluster, revisions that only grow. Every answer's header
    is checked and a breach is logged, so a test can prove no apiserver ever saw its etcd change cluster or go back
    in revision (the restore must stop every apiserver before etcd changes under it)."""

    def __init__(self):
        self.cluster = None
        self.revision = 0

    def saw(self, answer):
        header = (answer or {}).get("header", {})
        cluster, revision = header.get("cluster_id"), int(header.get("revision", 0))
        if cluster is None:
            return
        if self.cluster is None:
            print("heartbeat: etcd cluster %s at revision %d" % (cluster, revision), flush=True)
        elif cluster != self.cluster:
            print("heartbeat: etcd cluster changed from %s to %s" % (self.cluster, cluster), flush=True)
        elif revision < self.revision:
            print("heartbeat: etcd revision went back from %d to %d" % (self.revision, revision), flush=True)
        self.cluster, self.revision = cluster, max(self.revision, revision)


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument("--etcd-servers", required=True)
    p.add_argument("--etcd-cafile", required=True)
    p.add_argument("--etcd-certfile", required=True)
    p.add_argument("--etcd-keyfile", required=True)
    p.add_argument("--advertise-address", default="")
    p.add_argument("--secure-port", type=int, default=6443)
    p.add_argument("--tls-cert-file", default="")
    p.add_argument("--tls-private-key-file", default="")
    args, _unknown = p.parse_known_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host = socket.gethostname()
    if args.tls_cert_file and args.advertise_address:
        serve_health(args.advertise_address, args.secure_port, args.tls_cert_file, args.tls_private_key_file)
    gw = Gateway(args.etcd_servers.split(","), args.etcd_cafile, args.etcd_certfile, args.etcd_keyfile, timeout=2)
    key = "/registry/lab/heartbeats/" + host
    lease = MasterLease(gw, args.advertise_address, args.secure_port) if args.advertise_address else None
    seq = 0
    failing = False
    view = EtcdView()
    while running:
        if lease is not None:
            lease.tick()
        seq += 1
        value = json.dumps({"host": host, "seq": seq, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "pid": os.getpid()})
        try:
            view.saw(gw.put(key, value))
            last_ok["time"] = time.time()
            if failing:
                print("heartbeat: etcd answers again at %s" % gw.endpoint(), flush=True)
            failing = False
        except Exception as e:  # a real apiserver keeps retrying too
            last_ok["error"] = str(e)
            if not failing:
                print("heartbeat: cannot write to etcd: %s" % e, flush=True)
            failing = True
        for _ in range(10):
            if not running:
                break
            time.sleep(0.1)
    if lease is not None:
        lease.remove()
    print("apiserver stand-in on %s stopping after %d heartbeats" % (host, seq), flush=True)


if __name__ == "__main__":
    main()
