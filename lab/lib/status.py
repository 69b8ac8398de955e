#!/usr/bin/python3
"""`lab status`: members, leader, cluster ID, revision and key counts from etcd; which stand-ins run where.

  status.py STATE_DIR [--json] [--wait SECONDS]
Exit 0 when every member answers, all report one cluster ID and (with --wait) every host's apiserver stand-in has
written its heartbeat; 1 otherwise. --wait polls until then or until the time is up. A host whose init is not
running (after `lab poweroff`) is reported with "power": "off" and no stand-ins, whatever its stale kubelet state
says.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from etcdgw import Gateway  # noqa: E402

PREFIXES = ["/registry/services/specs/", "/registry/secrets/", "/registry/configmaps/", "/registry/lab/heartbeats/",
            "/registry/"]


def load_env(state):
    env = {}
    with open(os.path.join(state, "lab.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v.strip("\"")
    return env


def powered_on(state, name):
    """As lab/lab's host_init_pid: the recorded unshare PID must still be this host's unshare."""
    host_dir = os.path.join(state, "hosts", name)
    try:
        with open(os.path.join(host_dir, "unshare.pid")) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = [os.path.normpath(a.decode(errors="replace")) for a in f.read().split(b"\0") if a]
    except (OSError, ValueError):
        return False
    lib = os.path.dirname(os.path.abspath(__file__))
    want = [os.path.join(lib, "host-enter.sh"), os.path.normpath(host_dir)]
    return any(argv[i:i + 2] == want for i in range(len(argv)))


def url_host(ip):
    return "[%s]" % ip if ":" in ip else ip


def main():
    state = sys.argv[1]
    as_json = "--json" in sys.argv
    if "--wait" in sys.argv:
        deadline = time.time() + float(sys.argv[sys.argv.index("--wait") + 1])
        while True:
            report, ok = collect(state)
            beats = [h["etcd"]["keys"]["/registry/lab/heartbeats/"] for h in report["hosts"] if h["etcd"]]
            if ok and beats and min(beats) >= len(report["hosts"]):
                break
            if time.time() > deadline:
                show(report, as_json)
                print("lab: not healthy within %s s" % sys.argv[sys.argv.index("--wait") + 1], file=sys.stderr)
                return 1
            time.sleep(0.5)
    report, ok = collect(state)
    show(report, as_json)
    return 0 if ok else 1


def collect(state):
    env = load_env(state)
    hosts = env["LAB_HOSTS"].split()
    report = {"etcd_version": env["LAB_ETCD_VERSION"], "hosts": []}
    ok = True
    cluster_ids = set()
    for spec in hosts:
        name, ip = spec.split("=", 1)
        pki = os.path.join(state, "hosts", name, "etc-kubernetes", "pki")
        power = powered_on(state, name)
        entry = {"name": name, "address": ip, "power": "on" if power else "off", "etcd": None, "standins": []}
        try:
            gw = Gateway(["https://%s:2379" % url_host(ip)], os.path.join(pki, "etcd", "ca.crt"),
                         os.path.join(pki, "etcd", "healthcheck-client.crt"),
                         os.path.join(pki, "etcd", "healthcheck-client.key"), timeout=3)
            st = gw.call("/v3/maintenance/status", {})
            hdr = st["header"]
            entry["etcd"] = {"member_id": "%016x" % int(hdr["member_id"]), "cluster_id": "%016x" % int(hdr["cluster_id"]),
                             "revision": int(hdr.get("revision", 0)), "version": st.get("version"),
                             "leader": st.get("leader") == hdr["member_id"], "db_size": int(st.get("dbSize", 0))}
            cluster_ids.add(entry["etcd"]["cluster_id"])
            entry["etcd"]["keys"] = {p: gw.count(p)[0] for p in PREFIXES}
            gw.close()
        except Exception as e:
            entry["etcd_error"] = str(e)
            ok = False
        try:
            if not power:
                raise OSError("powered off: its kubelet state is from before the cut")
            with open(os.path.join(state, "hosts", name, "var-lib", "kubelet-standin", "state.json")) as f:
                for pod in json.load(f)["pods"]:
                    for c in pod["containers"]:
                        entry["standins"].append({"name": c["name"], "state": c["state"], "pid": c["pid"]})
        except (OSError, ValueError):
            pass
        report["hosts"].append(entry)
    if len(cluster_ids) > 1:
        ok = False
    report["cluster_ids"] = sorted(cluster_ids)
    report["healthy"] = ok
    return report, ok


def show(report, as_json):
    hosts = report["hosts"]
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        print("lab: %d hosts, etcd %s, cluster %s" % (len(hosts), report["etcd_version"],
                                                      ",".join(report["cluster_ids"]) or "?"))
        width = max([12] + [len(h["address"]) for h in hosts])
        for h in report["hosts"]:
            e = h["etcd"]
            if e:
                etcd = "member %s%s rev %d keys %d" % (e["member_id"], " (leader)" if e["leader"] else "",
                                                       e["revision"], e["keys"]["/registry/"])
            elif h["power"] == "off":
                etcd = "POWERED OFF"
            else:
                etcd = "etcd DOWN (%s)" % h.get("etcd_error", "?")
            running = [s["name"] for s in h["standins"] if s["state"] == "CONTAINER_RUNNING"]
            print("  %-4s %-*s %s; running: %s" % (h["name"], width, h["address"], etcd, ", ".join(running) or "-"))


if __name__ == "__main__":
    sys.exit(main())
