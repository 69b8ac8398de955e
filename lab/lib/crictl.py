#!/usr/bin/python3
"""crictl stand-in for lab hosts: answers the subset of real crictl the playbooks use, in crictl's own shapes,
from the kubelet stand-in's state:

  crictl ps   [-a] [--name REGEX] [--state running|exited] [--pod ID] [-q] [-o table|json]
  crictl pods [--name REGEX] [--state ready|notready] [-q] [-o table|json]

Anything else exits 1 with a message, rather than pretending.
"""
import argparse
import json
import os
import re
import sys
import time

STATE = os.path.join(os.environ.get("LAB_KUBELET_DIR", "/var/lib/kubelet-standin"), "state.json")


def boot_id():
    with open("/proc/1/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[19]


def load():
    """The kubelet stand-in's pods; none when its state is from an earlier boot of the host (after a power cut)."""
    try:
        with open(STATE) as f:
            state = json.load(f)
    except FileNotFoundError:
        return []
    if state.get("boot") != boot_id():
        return []
    return state.get("pods", [])


def ago(ns):
    s = max(0, time.time() - ns / 1e9)
    if s < 60:
        return "%d seconds ago" % s
    if s < 3600:
        return "%d minutes ago" % (s // 60) if s >= 120 else "About a minute ago"
    return "%d hours ago" % (s // 3600)


def table(rows, headers):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    for r in [headers] + rows:
        print("   ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def ps(args):
    out = []
    for pod in load():
        for c in pod["containers"]:
            state = c["state"]
            if args.state:
                if state != "CONTAINER_" + args.state.upper():
                    continue
            elif not args.all and state != "CONTAINER_RUNNING":
                continue
            if args.name and not re.search(args.name, c["name"]):
                continue
            if args.pod and not pod["id"].startswith(args.pod):
                continue
            out.append((pod, c))
    if args.quiet:
        for _, c in out:
            print(c["id"])
    elif args.output == "json":
        print(json.dumps({"containers": [{
            "id": c["id"], "podSandboxId": pod["id"],
            "metadata": {"name": c["name"], "attempt": c["attempt"]},
            "image": {"image": c["image"], "annotations": {}, "userSpecifiedImage": c["image"]},
            "imageRef": c["image"], "state": c["state"], "createdAt": str(c["created_ns"]),
            "labels": {"io.kubernetes.container.name": c["name"], "io.kubernetes.pod.name": pod["name"],
                       "io.kubernetes.pod.namespace": pod["namespace"], "io.kubernetes.pod.uid": pod["uid"]},
            "annotations": {}} for pod, c in out]}, indent=2))
    else:
        table([(c["id"][:13], c["image"], ago(c["created_ns"]), c["state"].replace("CONTAINER_", "").capitalize(),
                c["name"], c["attempt"], pod["id"][:13], pod["name"]) for pod, c in out],
              ("CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"))
    return 0


def pods(args):
    out = []
    for pod in load():
        state = "SANDBOX_READY" if pod["ready"] else "SANDBOX_NOTREADY"
        if args.state and state != "SANDBOX_" + args.state.upper():
            continue
        if args.name and not re.search(args.name, pod["name"]):
            continue
        out.append((pod, state))
    if args.quiet:
        for pod, _ in out:
            print(pod["id"])
    elif args.output == "json":
        print(json.dumps({"items": [{
            "id": pod["id"], "metadata": {"name": pod["name"], "uid": pod["uid"], "namespace": pod["namespace"],
                                          "attempt": 0},
            "state": state, "createdAt": str(pod["created_ns"]), "labels": pod["labels"], "annotations": {},
            "runtimeHandler": ""} for pod, state in out]}, indent=2))
    else:
        table([(pod["id"][:13], ago(pod["created_ns"]), state.replace("SANDBOX_", "").capitalize(), pod["name"],
                pod["namespace"], 0, "(default)") for pod, state in out],
              ("POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"))
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog="crictl", description="lab stand-in for crictl (ps, pods)")
    sub = p.add_subparsers(dest="command")
    ps_p = sub.add_parser("ps")
    ps_p.add_argument("-a", "--all", action="store_true")
    ps_p.add_argument("--name")
    ps_p.add_argument("--state", choices=["running", "exited", "Running", "Exited"])
    ps_p.add_argument("--pod", "-p")
    ps_p.add_argument("-q", "--quiet", action="store_true")
    ps_p.add_argument("-o", "--output", choices=["table", "json"], default="table")
    pods_p = sub.add_parser("pods")
    pods_p.add_argument("--name")
    pods_p.add_argument("--state", choices=["ready", "notready", "Ready", "NotReady"])
    pods_p.add_argument("-q", "--quiet", action="store_true")
    pods_p.add_argument("-o", "--output", choices=["table", "json"], default="table")
    args = p.parse_args(argv)
    if args.command == "ps":
        return ps(args)
    if args.command == "pods":
        return pods(args)
    print("crictl (lab stand-in): only 'ps' and 'pods' are implemented", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
