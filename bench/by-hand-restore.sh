#!/usr/bin/env bash
# The restore restore.yml replaces, done the way the etcd and Kubernetes docs describe it, scripted so that it can
# be timed against the play on the same lab and the same snapshot (bench/restore-play.sh runs both):
#
#   bench/by-hand-restore.sh INVENTORY SNAPSHOT
#
# Over plain ssh (the lab's key and known_hosts, host keys checked), each step on every host at once, as a
# hurried but careful SRE with a for loop would:
#   1. copy the snapshot to every host (scp);
#   2. stop every kube-apiserver, then every etcd: move their static pod manifests out of the kubelet's dir, and
#      wait until crictl shows neither running;
#   3. `etcdutl snapshot restore` on each host, with --name and --initial-advertise-peer-urls read from its
#      etcd.yaml and --initial-cluster built from all of them, into a new dir that then takes the place of the
#      --data-dir (the old one kept beside it);
#   4. put etcd.yaml back, wait until every member answers `etcdctl endpoint health`;
#   5. put kube-apiserver.yaml back, wait until every apiserver answers /readyz.
# No verification of the snapshot beyond what etcdutl does, no check of space, versions or membership, no way
# back but the old dir: that is what the play adds, and what this benchmark weighs.
# Prints one JSON line: the seconds of each step and start -> apiservers ready.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
inventory=$1
snapshot=$2
lab_ssh "$inventory"
on() { ssh "${ssh_opts[@]}" "root@$1" "$2"; }
# on_all CMD: CMD on every host at once ({name} replaced by the host's name), failing if any fails.
on_all() {
  local pids=() spec
  for spec in "${hosts[@]}"; do on "${spec#*=}" "${1//\{name\}/${spec%%=*}}" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
}
t0=$(now)

for spec in "${hosts[@]}"; do
  scp -q "${common[@]}" -P "$port" "$snapshot" "root@${spec#*=}:/root/restore.db" &
done
wait
t1=$(now)

wait_gone() { # NAME: until crictl runs no container of that name on any host
  local spec
  for spec in "${hosts[@]}"; do
    on "${spec#*=}" "until [ -z \"\$(crictl ps --name '^$1\$' -q)\" ]; do sleep 0.2; done"
  done
}
on_all "mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/kube-apiserver.yaml"
wait_gone kube-apiserver
on_all "mv /etc/kubernetes/manifests/etcd.yaml /root/etcd.yaml"
wait_gone etcd
t2=$(now)

cluster=""
for spec in "${hosts[@]}"; do
  peer=$(on "${spec#*=}" "sed -n 's/^ *- --initial-advertise-peer-urls=//p' /root/etcd.yaml")
  cluster+="${cluster:+,}${spec%%=*}=$peer"
done
stamp=$(date +%s)
on_all "peer=\$(sed -n 's/^ *- --initial-advertise-peer-urls=//p' /root/etcd.yaml) &&
  dir=\$(sed -n 's/^ *- --data-dir=//p' /root/etcd.yaml) &&
  $ETCD_BIN/etcdutl snapshot restore /root/restore.db --name {name} --initial-cluster '$cluster' \
    --initial-advertise-peer-urls \"\$peer\" --data-dir \"\$dir.from-backup\" >/dev/null 2>&1 &&
  mv \"\$dir\" \"\$dir.before-$stamp\" && mv \"\$dir.from-backup\" \"\$dir\""
t3=$(now)

on_all "mv /root/etcd.yaml /etc/kubernetes/manifests/etcd.yaml"
for spec in "${hosts[@]}"; do
  ip=${spec#*=}
  pki=/etc/kubernetes/pki
  on "$ip" "until ETCDCTL_API=3 $ETCD_BIN/etcdctl --endpoints https://$ip:2379 --cacert $pki/etcd/ca.crt \
    --cert $pki/apiserver-etcd-client.crt --key $pki/apiserver-etcd-client.key --dial-timeout 1s \
    endpoint health >/dev/null 2>&1; do sleep 0.2; done"
done
t4=$(now)

on_all "mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/kube-apiserver.yaml"
for spec in "${hosts[@]}"; do
  until curl -ksf --max-time 2 "https://${spec#*=}:6443/readyz" >/dev/null; do sleep 0.2; done
done
t5=$(now)
/usr/bin/python3 -c '
import json, sys
t = [float(x) for x in sys.argv[1:]]
print(json.dumps({"copy": round(t[1] - t[0], 1), "stop": round(t[2] - t[1], 1), "restore": round(t[3] - t[2], 1),
                  "etcd_healthy": round(t[4] - t[3], 1), "apiservers": round(t[5] - t[4], 1),
                  "to_apiservers_ready": round(t[5] - t[0], 1)}))' "$t0" "$t1" "$t2" "$t3" "$t4" "$t5"
