#!/usr/bin/env bash
# Benchmark: `etcd-dr snapshot save` (bin/etcd-dr, the launcher) against `etcdctl snapshot save` (etcd 3.5.16), same
# member, same data, one run.
#
#   sudo bench/snapshot-save.sh [--sizes 100M,1G] [--runs 3]
#
# Starts a throwaway single-member etcd 3.5.16 with kubeadm-style TLS on 127.0.9.1, grows it to each size with
# Kubernetes-like objects, then times both tools alternately (median of --runs) and prints wall time, peak RSS and
# the ratio etcd-dr/etcdctl. Targets: time ratio <= 1.1; the jar's peak RSS does not grow with the db size.
# Nothing here is a test: it prints numbers. It stops only the etcd it started, by PID, and removes its directory.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=100M,1G
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes 100M,1G] [--runs 3]" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
bench_init

printf '%-8s %-11s %10s %10s %14s %16s %8s\n' size db_bytes jar_s etcdctl_s jar_rss_mib etcdctl_rss_mib ratio
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  grow_to "$(bytes "$size")"
  db=$(db_size)
  jar_t=(); ctl_t=(); jar_m=(); ctl_m=()
  for _ in $(seq 1 "$runs"); do
    rm -f "$work"/out.db*
    m=$(bench/measure.py -- bin/etcd-dr snapshot save "$work/out.db" --endpoints "https://$ip:2379" "${tls[@]}" --timeout 60s)
    jar_t+=("$(field wall_s "$m")"); jar_m+=("$(field peak_rss_mib "$m")")
    rm -f "$work"/out.db*
    m=$(ETCDCTL_API=3 bench/measure.py -- "$ETCD_BIN/etcdctl" --endpoints "https://$ip:2379" "${tls[@]}" snapshot save "$work/out.db")
    ctl_t+=("$(field wall_s "$m")"); ctl_m+=("$(field peak_rss_mib "$m")")
  done
  jt=$(printf '%s\n' "${jar_t[@]}" | median); ct=$(printf '%s\n' "${ctl_t[@]}" | median)
  jm=$(printf '%s\n' "${jar_m[@]}" | median); cm=$(printf '%s\n' "${ctl_m[@]}" | median)
  printf '%-8s %-11s %10s %10s %14s %16s %8s\n' "$size" "$db" "$jt" "$ct" "$jm" "$cm" "$(ratio "$jt" "$ct")"
done
echo "(median of $runs runs each, alternating tools; ratio = etcd-dr wall time / etcdctl wall time; target <= 1.1)"
