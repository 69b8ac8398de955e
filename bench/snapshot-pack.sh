#!/usr/bin/env bash
# Benchmark: `etcd-dr snapshot pack --zstd` (zstd-jni) at several levels, and `snapshot unpack`, on one snapshot,
# with the zstd tool (single thread) at the same level beside it, in one run; then zstd + age at the default level.
#
#   sudo bench/snapshot-pack.sh [--file SNAPSHOT | --count 200000 | --size 1G] [--levels 1,3,19]
#
# Without --file it grows a throwaway etcd 3.5.16 with --count Kubernetes-like objects from lab/lib/seed.py
# (services, secrets with random tokens, small configmaps: no padding, which would compress far better than real
# data) and saves one snapshot with etcdctl. --size instead grows the other benchmarks' db (configmaps padded with
# 60 kB of one letter): its ratio is far above any real cluster's, it is there to time zstd on 1 GB. Prints, per
# level: sizes, ratio (raw / packed), wall time and peak RSS of pack, wall time of unpack and of `zstd -LEVEL -T1`
# on the same file. The ratio depends on the data: measure
# on a copy of a real snapshot with --file for numbers that mean something for a given cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
file=""
count=200000
size=""
levels=1,3,19
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --levels) levels=$2; shift 2 ;;
    *) echo "usage: $0 [--file SNAPSHOT | --count 200000 | --size 1G] [--levels 1,3,19]" >&2; exit 2 ;;
  esac
done
command -v zstd >/dev/null && command -v age-keygen >/dev/null || { echo "zstd and age missing: run scripts/install-deps" >&2; exit 1; }
. bench/lib.sh
if [ -z "$file" ]; then
  bench_init
  if [ -n "$size" ]; then
    grow_to "$(bytes "$size")"
  else
    /usr/bin/python3 lab/lib/seed.py --endpoints "https://$ip:2379" "${tls[@]}" --count "$count" --prefix-seed pack \
      >/dev/null
  fi
  mkdir -p "$work/s"
  etcdctl snapshot save "$work/s/s.db" >/dev/null 2>&1
else
  [ -f target/etcd-dr.jar ] || mvn -B -q -ntp package -DskipTests
  work=$(mktemp -d /var/tmp/etcd-dr-bench.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/s"
  cp "$file" "$work/s/s.db"
fi
db=$work/s/s.db
raw=$(stat -c %s "$db")
# The sidecar pack needs: what `snapshot save` would have recorded of the file.
/usr/bin/python3 - "$db" <<'PY'
import hashlib, json, os, sys
p = sys.argv[1]
h = hashlib.sha256()
with open(p, "rb") as f:
    for b in iter(lambda: f.read(1 << 20), b""):
        h.update(b)
json.dump({"format": "etcd-dr.snapshot/v1", "file": os.path.basename(p), "file_size": os.path.getsize(p),
           "sha256": h.hexdigest()}, open(p + ".json", "w"))
PY
mib_s() { /usr/bin/python3 -c "print(round($raw / 1048576 / $1, 1))"; }

printf '%-10s %12s %12s %7s %8s %9s %9s %9s %12s\n' level raw_bytes packed_bytes ratio pack_s pack_MiB/s pack_rss \
  unpack_s zstd_tool_s
IFS=, read -r -a level_list <<< "$levels"
for level in "${level_list[@]}"; do
  m=$(bench/measure.py -- bin/etcd-dr snapshot pack "$db" --zstd --zstd-level "$level")
  pt=$(field wall_s "$m"); pm=$(field peak_rss_mib "$m")
  packed=$(stat -c %s "$db.zst")
  m=$(bench/measure.py -- bin/etcd-dr snapshot unpack "$db.zst" --out "$work/u.db")
  ut=$(field wall_s "$m")
  cmp -s "$db" "$work/u.db" || { echo "unpacked file differs from the snapshot" >&2; exit 1; }
  m=$(bench/measure.py -- zstd -q -T1 "-$level" -c "$db")
  zt=$(field wall_s "$m")
  printf '%-10s %12s %12s %7s %8s %9s %9s %9s %12s\n' "zstd-$level" "$raw" "$packed" "$(ratio "$raw" "$packed")" \
    "$pt" "$(mib_s "$pt")" "$pm" "$ut" "$zt"
  rm -f "$db.zst" "$db.zst.json" "$work/u.db"
done
age-keygen -o "$work/key" 2>/dev/null
m=$(bench/measure.py -- bin/etcd-dr snapshot pack "$db" --zstd --age-recipient "$(age-keygen -y "$work/key")")
pt=$(field wall_s "$m"); pm=$(field peak_rss_mib "$m")
packed=$(stat -c %s "$db.zst.age")
m=$(bench/measure.py -- bin/etcd-dr snapshot unpack "$db.zst.age" --age-identity "$work/key" --out "$work/u.db")
ut=$(field wall_s "$m")
cmp -s "$db" "$work/u.db" || { echo "unpacked file differs from the snapshot" >&2; exit 1; }
printf '%-10s %12s %12s %7s %8s %9s %9s %9s %12s\n' "zstd-3+age" "$raw" "$packed" "$(ratio "$raw" "$packed")" \
  "$pt" "$(mib_s "$pt")" "$pm" "$ut" "-"
echo "(one run each; ratio = raw / packed bytes; times include the JVM's start; zstd_tool_s: zstd -T1, to /dev/null)"
