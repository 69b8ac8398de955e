#!/usr/bin/env bash
# Runs inside a lab host's new mount, UTS and PID namespaces (started by `lab up` through unshare): gives the
# host its name and its own /etc/kubernetes, /var/lib and /root, then becomes the host's init.
#   host-enter.sh HOST_DIR NAME
set -euo pipefail
host_dir=$1 name=$2
lib=$(cd "$(dirname "$0")" && pwd)

hostname "$name"
# The machine's package database stays visible on every host, so apt and dpkg (and Ansible's package module)
# work there as on a real node.
for d in dpkg apt; do
  if [ -d "/var/lib/$d" ]; then
    mkdir -p "$host_dir/var-lib/$d"
    mount --bind "/var/lib/$d" "$host_dir/var-lib/$d"
  fi
done
mount --rbind "$host_dir/var-lib" /var/lib
# `lab up --data-disk`: the host's etcd disk, mounted by lab/lab in the machine's namespace (so it outlives a
# power cut), becomes /var/lib/etcd — a mount point of another filesystem, as on a node with an etcd disk.
if mountpoint -q "$host_dir/etcd-disk" 2>/dev/null; then
  mkdir -p /var/lib/etcd
  mount --bind "$host_dir/etcd-disk" /var/lib/etcd
fi
mount --bind "$host_dir/etc-kubernetes" /etc/kubernetes
# A home of its own, as every machine has: sshd runs commands through root's shell, which reads ~/.bashrc. With
# the machine's /root shared, a power cut of one host in the middle of a dotfile's work (pyenv's rehash lock) left
# a lock that stalled every ssh session of every host, in every lab, for a minute each.
mkdir -p "$host_dir/root"
chmod 700 "$host_dir/root"
mount --bind "$host_dir/root" /root
exec /usr/bin/python3 "$lib/hostinit.py" "$host_dir/sshd_config" "$host_dir/var-lib/kubelet-standin/kubelet.out"
