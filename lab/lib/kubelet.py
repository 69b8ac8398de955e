#!/usr/bin/python3
"""kubelet stand-in for one lab host: runs the processes its static pod manifests describe.

About once a second it reads every non-hidden file in /etc/kubernetes/manifests (as kubelet does: a forgotten
etcd.yaml.bak there is a second etcd pod) and reconciles:
  - a new manifest starts its process with exactly the manifest's command and args; since there are no
    containers, a flag value under a hostPath volume's mountPath is mapped to the hostPath (so repointing the
    etcd-data hostPath really changes the data dir, and changing only --data-dir does not survive, as with kubelet);
  - a changed manifest restarts it; a removed one stops it (SIGTERM, SIGKILL after the grace period);
  - a process that exits is restarted with back-off (restartPolicy: Always).
Every start and stop is logged with a timestamp. The state (pods, containers, PIDs) is written to
/var/lib/kubelet-standin/state.json, which the crictl stand-in reads. It is stamped with the host's boot (the
start time of the host's PID 1): after `lab poweroff` and `boot` the file from before the cut still names PIDs
that no longer exist, so the kubelet overwrites it at once and crictl ignores a file from another boot, as
containerd's state in /run does not survive a reboot.
"""
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import yaml

MANIFESTS = os.environ.get("LAB_MANIFESTS", "/etc/kubernetes/manifests")
STATE_DIR = os.environ.get("LAB_KUBELET_DIR", "/var/lib/kubelet-standin")
BIN_MAP = os.environ["LAB_BIN_MAP"]
GRACE_SECONDS = float(os.environ.get("LAB_GRACE_SECONDS", "10"))
HOST = socket.gethostname()

running = True


def now_ns():
    return time.time_ns()


def log(msg):
    line = "%s %s %s" % (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%03dZ" % (time.time() % 1 * 1000),
                         HOST, msg)
    print(line, flush=True)
    with open(os.path.join(STATE_DIR, "kubelet.log"), "a") as f:
        f.write(line + "\n")


class Pod:
    def __init__(self, path, digest, spec):
        self.path = path
        self.digest = digest
        self.spec = spec
        meta = spec.get("metadata") or {}
        self.name = "%s-%s" % (meta.get("name", os.path.basename(path)), HOST)
        self.namespace = meta.get("namespace", "default")
        self.uid = secrets.token_hex(16)
        self.pod_id = secrets.token_hex(32)
        self.created_ns = now_ns()
        container = spec["spec"]["containers"][0]
        self.container_name = container.get("name", "main")
        self.image = container.get("image", "")
        self.labels = meta.get("labels") or {}
        self.attempt = -1
        self.container_id = None
        self.container_created_ns = None
        self.proc = None
        self.exit_code = None
        self.restart_at = 0.0
        self.backoff = 1.0

    def argv(self, bin_map):
        container = self.spec["spec"]["containers"][0]
        cmd = list(container.get("command") or []) + list(container.get("args") or [])
        if not cmd:
            raise ValueError("container has no command")
        prefix = bin_map.get(os.path.basename(cmd[0]))
        if prefix is None:
            raise ValueError("no lab binary for command '%s'" % cmd[0])
        return prefix + [map_host_paths(a, self.spec) for a in cmd[1:]]

    def start(self, bin_map):
        self.attempt += 1
        self.container_id = secrets.token_hex(32)
        self.container_created_ns = now_ns()
        self.exit_code = None
        logs = os.path.join(STATE_DIR, "logs")
        os.makedirs(logs, exist_ok=True)
        out = open(os.path.join(logs, "%s_%s.log" % (self.name, self.container_name)), "ab")
        argv = self.argv(bin_map)
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        out.close()
        log("start %s (container %s, attempt %d, pid %d) from %s: %s" % (
            self.name, self.container_name, self.attempt, self.proc.pid, os.path.basename(self.path), " ".join(argv)))

    def stop(self, why):
        if self.proc is None or self.proc.poll() is not None:
            return
        pid = self.proc.pid
        log("stop %s (pid %d): %s; SIGTERM" % (self.name, pid, why))
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            log("stop %s (pid %d): still running after %.0fs; SIGKILL" % (self.name, pid, GRACE_SECONDS))
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.exit_code = self.proc.returncode
        log("stopped %s (pid %d, exit %s)" % (self.name, pid, self.exit_code))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def state(self):
        return {
            "id": self.pod_id, "name": self.name, "namespace": self.namespace, "uid": self.uid,
            "manifest": self.path, "created_ns": self.created_ns, "labels": self.labels,
            "ready": self.running(),
            "containers": [{
                "id": self.container_id, "name": self.container_name, "image": self.image,
                "attempt": max(self.attempt, 0), "created_ns": self.container_created_ns,
                "state": "CONTAINER_RUNNING" if self.running() else "CONTAINER_EXITED",
                "pid": self.proc.pid if self.proc else None, "exit_code": self.exit_code,
            }] if self.container_id else [],
        }


def map_host_paths(arg, spec):
    """--flag=/mount/path/x → --flag=/host/path/x when /mount/path is a hostPath volume's mountPath."""
    flag, sep, value = arg.partition("=")
    target = value if sep else arg
    if not target.startswith("/"):
        return arg
    container = spec["spec"]["containers"][0]
    volumes = {v.get("name"): v for v in (spec["spec"].get("volumes") or [])}
    best = None
    for m in container.get("volumeMounts") or []:
        mp = m.get("mountPath", "").rstrip("/") or "/"
        vol = volumes.get(m.get("name"))
        if not vol or "hostPath" not in vol:
            continue
        if target == mp or target.startswith(mp + "/"):
            if best is None or len(mp) > len(best[0]):
                best = (mp, vol["hostPath"]["path"].rstrip("/") or "/")
    if best is None or best[0] == best[1]:
        return arg
    mapped = best[1] + target[len(best[0]):]
    return flag + "=" + mapped if sep else mapped


def read_manifests():
    found = {}
    try:
        names = sorted(os.listdir(MANIFESTS))
    except FileNotFoundError:
        return found
    for name in names:
        path = os.path.join(MANIFESTS, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as f:
                data = f.read()
            spec = yaml.safe_load(data)
            if not isinstance(spec, dict) or spec.get("kind") != "Pod" or not spec.get("spec", {}).get("containers"):
                raise ValueError("not a Pod with containers")
        except Exception as e:  # kubelet logs a bad manifest and carries on
            found[path] = ("invalid", str(e))
            continue
        found[path] = (hashlib.sha256(data).hexdigest(), spec)
    return found


def boot_id():
    """The host's boot: the start time (clock ticks since the machine booted) of PID 1 of this PID namespace."""
    with open("/proc/1/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[19]


def write_state(pods):
    tmp = os.path.join(STATE_DIR, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump({"host": HOST, "boot": boot_id(), "updated_ns": now_ns(), "pods": [p.state() for p in pods.values()]},
                  f, indent=1)
    os.replace(tmp, os.path.join(STATE_DIR, "state.json"))


def handle_term(_signum, _frame):
    global running
    running = False


def main():
    os.makedirs(STATE_DIR, exist_ok=True)
    with open(BIN_MAP) as f:
        bin_map = json.load(f)
    signal.signal(signal.SIGTERM, handle_term)
    signal.signal(signal.SIGINT, handle_term)
    pods = {}
    invalid_logged = {}
    write_state(pods)  # whatever an earlier boot left there names PIDs that are gone
    log("kubelet stand-in watching %s" % MANIFESTS)
    while running:
        found = read_manifests()
        for path in list(pods):
            entry = found.get(path)
            if entry is None or entry[0] == "invalid":
                pods.pop(path).stop("manifest %s removed" % os.path.basename(path))
            elif entry[0] != pods[path].digest:
                pods.pop(path).stop("manifest %s changed" % os.path.basename(path))
        for path, (digest, spec) in found.items():
            if digest == "invalid":
                if invalid_logged.get(path) != spec:
                    log("cannot run %s: %s" % (os.path.basename(path), spec))
                    invalid_logged[path] = spec
                continue
            invalid_logged.pop(path, None)
            if path not in pods:
                pods[path] = Pod(path, digest, spec)
                try:
                    pods[path].start(bin_map)
                except (OSError, ValueError) as e:
                    log("cannot start %s: %s" % (os.path.basename(path), e))
                    pods[path].restart_at = time.time() + 5
        for pod in pods.values():
            if pod.proc is not None and pod.proc.poll() is not None and pod.restart_at == 0:
                pod.exit_code = pod.proc.returncode
                log("%s exited with %s; restarting in %.0fs" % (pod.name, pod.exit_code, pod.backoff))
                pod.restart_at = time.time() + pod.backoff
                pod.backoff = min(pod.backoff * 2, 10)
            elif pod.restart_at and time.time() >= pod.restart_at:
                pod.restart_at = 0
                try:
                    pod.start(bin_map)
                except (OSError, ValueError) as e:
                    log("cannot start %s: %s" % (pod.name, e))
                    pod.restart_at = time.time() + 5
            elif pod.running() and pod.container_created_ns and now_ns() - pod.container_created_ns > 30e9:
                pod.backoff = 1.0
        write_state(pods)
        for _ in range(10):
            if not running:
                break
            time.sleep(0.1)
    # Stop apiservers and the rest before etcd, as a node shutdown would.
    for path in sorted(pods, key=lambda p: "etcd" in os.path.basename(p)):
        pods[path].stop("kubelet stand-in shutting down")
    pods.clear()
    write_state(pods)
    log("kubelet stand-in stopped")


if __name__ == "__main__":
    sys.exit(main())
