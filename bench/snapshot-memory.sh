#!/usr/bin/env bash
# Benchmark: heap-bounded memory of `etcd-dr snapshot status --count-keys`, `snapshot verify` and `snapshot restore`
# under the roles' Java options, against `etcdutl snapshot status` and `etcdutl snapshot restore` (3.5.16), on
# synthetic snapshots of 100 k, 1 M and 5 M Kubernetes-shaped keys.
#
#   bench/snapshot-memory.sh [--sizes 100k,1M,5M] [--value-bytes 128] [--runs 1]
#
# The snapshots are written by the project's own bbolt writer (src/test/.../SyntheticSnapshot: keys
# /registry/<resource>/<ns>/<name>, events on a lease, then 5 % re-puts, some moving a key on or off its lease, and
# 2 % deletes), so no etcd is needed and any size takes seconds. Prints wall time and peak RSS (the kernel's
# ru_maxrss) per command and size, and the ratios to etcdutl's status. Files live in a private dir under /tmp,
# removed on exit; the 5 M snapshot is about 1.2 GB.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=100k,1M,5M
value_bytes=128
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --value-bytes) value_bytes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes 100k,1M,5M] [--value-bytes 128] [--runs 1]" >&2; exit 2 ;;
  esac
done
. bench/lib.sh
[ -x "$ETCD_BIN/etcdutl" ] || { echo "etcd 3.5.16 missing at $ETCD_BIN: run scripts/install-deps" >&2; exit 1; }
[ -f target/etcd-dr.jar ] || mvn -B -q -ntp package -DskipTests
[ -f target/test-classes/dev/etcddr/testing/SyntheticSnapshot.class ] || mvn -B -q -ntp test-compile
# What the roles run the jar with (one place builds it there; keep this in step).
export ETCD_DR_JAVA_OPTS="-Xmx160m -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr -XX:+DisplayVMOutputToStderr"
work=$(mktemp -d /tmp/etcd-dr-bench-memory.XXXXXX)
trap 'rm -rf "$work"' EXIT
restore_flags=(--name m1 --initial-cluster m1=https://10.0.0.1:2380 --initial-advertise-peer-urls
  https://10.0.0.1:2380 --initial-cluster-token bench --bump-revision 1000000000 --mark-compacted)

keys() { case "$1" in *k) echo $(( ${1%k} * 1000 ));; *M) echo $(( ${1%M} * 1000000 ));; *) echo "$1";; esac; }

# run NAME COMMAND...: median wall time and peak RSS of --runs runs into t[NAME], m[NAME]; the exit code into x[NAME].
declare -A t m x
run() {
  local name=$1 ts="" ms="" r code
  shift
  for _ in $(seq 1 "$runs"); do
    rm -rf "$work/restored"
    code=0
    r=$(bench/measure.py -- "$@" 2>"$work/err") || code=$?
    ts+="$(field wall_s "$r") "; ms+="$(field peak_rss_mib "$r") "
  done
  t[$name]=$(tr ' ' '\n' <<< "$ts" | grep . | median)
  m[$name]=$(tr ' ' '\n' <<< "$ms" | grep . | median)
  x[$name]=$code
  if [ "$code" -ne 0 ]; then sed 's/^/    /' "$work/err" | tail -2 >&2; fi
  rm -rf "$work/restored"
}

echo "JVM options: $ETCD_DR_JAVA_OPTS"
printf '%-6s %-52s %8s %8s %5s %8s %8s\n' keys command wall_s rss_mib exit t_ratio m_ratio
for size in ${sizes//,/ }; do
  n=$(keys "$size")
  db=$work/s$size.db
  java -cp target/test-classes:target/etcd-dr.jar dev.etcddr.testing.SyntheticSnapshot "$n" "$db" "$value_bytes" \
    > "$work/made"
  run etcdutl_status "$ETCD_BIN/etcdutl" snapshot status "$db"
  run status bin/etcd-dr snapshot status --count-keys /registry/ -o json "$db"
  run verify bin/etcd-dr snapshot verify "$db"
  run restore bin/etcd-dr snapshot restore "$db" "${restore_flags[@]}" --data-dir "$work/restored"
  run etcdutl_restore "$ETCD_BIN/etcdutl" snapshot restore "$db" --name m1 \
    --initial-cluster m1=https://10.0.0.1:2380 --initial-advertise-peer-urls https://10.0.0.1:2380 \
    --initial-cluster-token bench --bump-revision 1000000000 --mark-compacted --data-dir "$work/restored"
  echo "$size: $(cut -d: -f2- "$work/made")"
  for k in etcdutl_status status verify restore etcdutl_restore; do
    case $k in
      etcdutl_status) name="etcdutl snapshot status" ;;
      status) name="etcd-dr snapshot status --count-keys /registry/" ;;
      verify) name="etcd-dr snapshot verify" ;;
      restore) name="etcd-dr snapshot restore (--bump-revision)" ;;
      etcdutl_restore) name="etcdutl snapshot restore (--bump-revision)" ;;
    esac
    printf '%-6s %-52s %8s %8s %5s %8s %8s\n' "$size" "$name" "${t[$k]}" "${m[$k]}" "${x[$k]}" \
      "$(ratio "${t[$k]}" "${t[etcdutl_status]}")" "$(ratio "${m[$k]}" "${m[etcdutl_status]}")"
  done
  rm -f "$db"
done
echo "(median of $runs run(s); peak RSS is the whole process: heap cap 160 MiB plus the JVM's own ~60 MiB;"
echo " ratios are to etcdutl snapshot status on the same file: t = wall time, m = peak RSS)"
