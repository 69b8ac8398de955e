#!/usr/bin/env bash
# Benchmark: `etcd-dr snapshot restore` (bin/etcd-dr) against `etcdutl snapshot restore` (3.5.16) on the same
# snapshot, same 3-member flags, in one run.
#
#   sudo bench/snapshot-restore.sh [--sizes 100M,1G] [--runs 3]
#
# Grows a throwaway etcd 3.5.16 to each size, saves one snapshot with etcdctl, restores it with both tools into
# fresh data dirs (median of --runs, alternating) and prints wall time, peak RSS and the ratio. Targets: ratio
# <= 1.0; etcd-dr's memory flat in the db size.
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
flags=(--name m1 --initial-cluster m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380,m3=https://10.0.0.3:2380
  --initial-cluster-token bench --initial-advertise-peer-urls https://10.0.0.1:2380)

printf '%-8s %-11s %10s %10s %14s %16s %8s\n' size db_bytes jar_s etcdutl_s jar_rss_mib etcdutl_rss_mib ratio
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  grow_to "$(bytes "$size")"
  rm -f "$work/s.db"
  etcdctl snapshot save "$work/s.db" >/dev/null 2>&1
  db=$(stat -c %s "$work/s.db")
  jar_t=(); utl_t=(); jar_m=(); utl_m=()
  for _ in $(seq 1 "$runs"); do
    rm -rf "$work/r"
    m=$(bench/measure.py -- bin/etcd-dr snapshot restore "$work/s.db" --data-dir "$work/r" "${flags[@]}")
    jar_t+=("$(field wall_s "$m")"); jar_m+=("$(field peak_rss_mib "$m")")
    rm -rf "$work/r"
    m=$(bench/measure.py -- "$ETCD_BIN/etcdutl" snapshot restore "$work/s.db" --data-dir "$work/r" "${flags[@]}")
    utl_t+=("$(field wall_s "$m")"); utl_m+=("$(field peak_rss_mib "$m")")
  done
  rm -rf "$work/r"
  jt=$(printf '%s\n' "${jar_t[@]}" | median); ut=$(printf '%s\n' "${utl_t[@]}" | median)
  jm=$(printf '%s\n' "${jar_m[@]}" | median); um=$(printf '%s\n' "${utl_m[@]}" | median)
  printf '%-8s %-11s %10s %10s %14s %16s %8s\n' "$size" "$db" "$jt" "$ut" "$jm" "$um" "$(ratio "$jt" "$ut")"
done
echo "(median of $runs runs each, alternating tools; ratio = etcd-dr wall time / etcdutl wall time; target <= 1.0)"
