#!/usr/bin/env bash
# Benchmark: `etcd-dr snapshot status` and `etcd-dr snapshot verify` (bin/etcd-dr) against
# `etcdutl snapshot status` (3.5.16) on the same snapshot file, in one run.
#
#   sudo bench/snapshot-status.sh [--size 1G] [--runs 3]
#
# Grows a throwaway etcd 3.5.16 to --size, saves one snapshot with etcdctl, then times each command on that file
# (median of --runs, alternating) and prints wall time, peak RSS and the ratios to etcdutl. verify does more than
# etcdutl's status (SHA-256 of the whole file, structure and etcd checks), so its ratio is for information.
set -euo pipefail
cd "$(dirname "$0")/.."
size=1G
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--size 1G] [--runs 3]" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
bench_init
grow_to "$(bytes "$size")"
etcdctl snapshot save "$work/s.db" >/dev/null 2>&1
echo "snapshot: $(stat -c %s "$work/s.db") bytes"

declare -A t m
for _ in $(seq 1 "$runs"); do
  r=$(bench/measure.py -- "$ETCD_BIN/etcdutl" snapshot status "$work/s.db")
  t[etcdutl]+="$(field wall_s "$r") "; m[etcdutl]+="$(field peak_rss_mib "$r") "
  r=$(bench/measure.py -- bin/etcd-dr snapshot status "$work/s.db")
  t[status]+="$(field wall_s "$r") "; m[status]+="$(field peak_rss_mib "$r") "
  r=$(bench/measure.py -- bin/etcd-dr snapshot verify "$work/s.db")
  t[verify]+="$(field wall_s "$r") "; m[verify]+="$(field peak_rss_mib "$r") "
done
base=$(tr ' ' '\n' <<< "${t[etcdutl]}" | grep . | median)
printf '%-34s %8s %10s %8s\n' command wall_s rss_mib ratio
for k in etcdutl status verify; do
  wt=$(tr ' ' '\n' <<< "${t[$k]}" | grep . | median); rm_=$(tr ' ' '\n' <<< "${m[$k]}" | grep . | median)
  case $k in etcdutl) name="etcdutl snapshot status" ;; status) name="etcd-dr snapshot status" ;; verify) name="etcd-dr snapshot verify" ;; esac
  printf '%-34s %8s %10s %8s\n' "$name" "$wt" "$rm_" "$(ratio "$wt" "$base")"
done
echo "(median of $runs runs, same file; ratio = wall time / etcdutl snapshot status)"
