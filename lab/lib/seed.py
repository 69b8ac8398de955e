#!/usr/bin/python3
"""Writes Kubernetes-like objects into etcd through its JSON gateway, in transactions of up to 100 puts.

  seed.py --endpoints URL[,URL] --cacert F --cert F --key F (--count N | --size BYTES) [--prefix-seed S]

Objects go to /registry/services/specs/<ns>/<name>, /registry/secrets/<ns>/<name> and
/registry/configmaps/<ns>/<name> with realistic JSON bodies; --size pads configmaps until about that many value
bytes are written (for large-db benchmarks). Prints one JSON line: keys written, bytes, final revision.
"""
import argparse
import base64
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from etcdgw import Gateway  # noqa: E402

NAMESPACES = ["default", "kube-system", "payments", "web", "monitoring", "batch"]
BATCH_BYTES = 1_000_000  # etcd's default request limit is 1.5 MiB
BATCH_OPS = 100  # below etcd's default --max-txn-ops 128


def meta(kind, ns, name, uid):
    return {"kind": kind, "apiVersion": "v1", "metadata": {
        "name": name, "namespace": ns, "uid": uid, "resourceVersion": "",
        "creationTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "labels": {"app": name.rsplit("-", 1)[0], "tier": random.choice(["frontend", "backend", "data"])}}}


def service(ns, name, uid):
    obj = meta("Service", ns, name, uid)
    obj["spec"] = {"type": "ClusterIP", "clusterIP": "10.96.%d.%d" % (random.randrange(256), random.randrange(256)),
                   "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
                   "selector": {"app": obj["metadata"]["labels"]["app"]}}
    return obj


def secret(ns, name, uid):
    obj = meta("Secret", ns, name, uid)
    obj["type"] = "Opaque"
    obj["data"] = {"password": base64.b64encode(os.urandom(24)).decode(),
                   "token": base64.b64encode(os.urandom(48)).decode()}
    return obj


def configmap(ns, name, uid, pad):
    obj = meta("ConfigMap", ns, name, uid)
    obj["data"] = {"app.properties": "log.level=info\nfeature.x=true\n", "blob": "x" * pad}
    return obj


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoints", required=True)
    p.add_argument("--cacert", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--count", type=int, help="number of objects")
    g.add_argument("--size", type=int, help="about this many bytes of values")
    p.add_argument("--prefix-seed", default=str(int(time.time())), help="makes names unique across runs")
    a = p.parse_args()
    gw = Gateway(a.endpoints.split(","), a.cacert, a.cert, a.key, timeout=30)
    random.seed(a.prefix_seed)
    written = total = 0
    batch, batch_bytes = [], 0
    revision = 0
    i = 0
    while (a.count is not None and i < a.count) or (a.size is not None and total < a.size):
        ns = NAMESPACES[i % len(NAMESPACES)]
        name = "obj-%s-%d" % (a.prefix_seed, i)
        uid = "%08x-0000-4000-8000-%012x" % (random.getrandbits(32), i)
        kind = i % 3
        if kind == 0:
            key, obj = "/registry/services/specs/%s/%s" % (ns, name), service(ns, name, uid)
        elif kind == 1:
            key, obj = "/registry/secrets/%s/%s" % (ns, name), secret(ns, name, uid)
        else:
            pad = 0 if a.size is None else 60_000
            key, obj = "/registry/configmaps/%s/%s" % (ns, name), configmap(ns, name, uid, pad)
        value = json.dumps(obj, separators=(",", ":"))
        batch.append((key, value))
        batch_bytes += len(key) + len(value)
        total += len(value)
        i += 1
        if len(batch) >= BATCH_OPS or batch_bytes >= BATCH_BYTES:
            revision = int(gw.put_many(batch)["header"]["revision"])
            written += len(batch)
            batch, batch_bytes = [], 0
    if batch:
        revision = int(gw.put_many(batch)["header"]["revision"])
        written += len(batch)
    print(json.dumps({"keys_written": written, "value_bytes": total, "revision": revision}))


if __name__ == "__main__":
    main()
