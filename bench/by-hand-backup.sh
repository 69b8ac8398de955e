#!/usr/bin/env bash
# The backup backup.yml replaces, done the way the etcd and Kubernetes docs describe it, scripted so that it can be
# timed against the play on the same lab (bench/backup-play.sh runs both):
#
#   bench/by-hand-backup.sh INVENTORY DEST_DIR
#
# Over plain ssh (the lab's key and known_hosts, host keys checked), on the inventory's first host:
#   1. `etcdctl snapshot save` from its own member, with the apiserver's etcd client certificate;
#   2. copy the file to DEST_DIR on this machine (scp), then remove it from the host.
# No verification beyond what etcdctl does, no sidecar, no retention, no lock against a restore, no bundle of the
# host's certificates: that is what the play adds, and what this benchmark weighs.
# Prints one JSON line: the seconds of each step and the whole.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
inventory=$1
dest=$2
lab_ssh "$inventory"
ip=${hosts[0]#*=}
pki=/etc/kubernetes/pki
mkdir -p "$dest"
t0=$(now)
ssh "${ssh_opts[@]}" "root@$ip" "ETCDCTL_API=3 $ETCD_BIN/etcdctl --endpoints https://$ip:2379 \
  --cacert $pki/etcd/ca.crt --cert $pki/apiserver-etcd-client.crt --key $pki/apiserver-etcd-client.key \
  --command-timeout 120s snapshot save /root/by-hand-backup.db >/dev/null 2>&1"
t1=$(now)
scp -q "${common[@]}" -P "$port" "root@$ip:/root/by-hand-backup.db" "$dest/etcd-by-hand.db"
ssh "${ssh_opts[@]}" "root@$ip" "rm -f /root/by-hand-backup.db"
t2=$(now)
/usr/bin/python3 -c '
import json, sys
t = [float(x) for x in sys.argv[1:]]
print(json.dumps({"save": round(t[1] - t[0], 1), "copy": round(t[2] - t[1], 1), "whole": round(t[2] - t[0], 1)}))' \
  "$t0" "$t1" "$t2"
