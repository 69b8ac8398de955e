#!/usr/bin/env bash
# Benchmark: `etcd-dr snapshot save` (bin/etcd-dr, the launcher) against `etcdctl snapshot save` (etcd 3.5.16), same member, same data, one run.
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
[ "$(id -u)" -eq 0 ] || { echo "run as root (the lab's PKI script and etcd need it here)" >&2; exit 1; }
ETCD_BIN=${ETCD_BIN:-/opt/etcd-dr/etcd-3.5.16/usr/bin}
[ -x "$ETCD_BIN/etcd" ] || { echo "etcd 3.5.16 missing at $ETCD_BIN: run scripts/install-deps" >&2; exit 1; }
[ -f target/etcd-dr.jar ] || mvn -B -q -ntp package -DskipTests

work=$(mktemp -d /var/tmp/etcd-dr-bench.XXXXXX)
etcd_pid=""
cleanup() {
  if [ -n "$etcd_pid" ]; then kill "$etcd_pid" 2>/dev/null || true; wait "$etcd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ip=127.0.9.1
bash lab/lib/pki.sh hosts "$work/pki" "bench=$ip" >/dev/null
pki=$work/pki/bench/pki
"$ETCD_BIN/etcd" --name bench --data-dir "$work/data" --quota-backend-bytes 8589934592 \
  --listen-client-urls "https://$ip:2379" --advertise-client-urls "https://$ip:2379" \
  --listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
  --initial-cluster "bench=http://$ip:2380" --client-cert-auth --trusted-ca-file "$pki/etcd/ca.crt" \
  --cert-file "$pki/etcd/server.crt" --key-file "$pki/etcd/server.key" > "$work/etcd.log" 2>&1 &
etcd_pid=$!

tls=(--cacert "$pki/etcd/ca.crt" --cert "$pki/apiserver-etcd-client.crt" --key "$pki/apiserver-etcd-client.key")
etcdctl() { ETCDCTL_API=3 "$ETCD_BIN/etcdctl" --endpoints "https://$ip:2379" "${tls[@]}" "$@"; }
for _ in $(seq 1 50); do
  kill -0 "$etcd_pid" 2>/dev/null || { tail -5 "$work/etcd.log" >&2; exit 1; }
  etcdctl --dial-timeout 1s endpoint health >/dev/null 2>&1 && break
  sleep 0.2
done

bytes() { case "$1" in *M) echo $(( ${1%M} * 1000000 ));; *G) echo $(( ${1%G} * 1000000000 ));; *) echo "$1";; esac; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$2"; }

seeded=0
printf '%-8s %-9s %10s %10s %14s %14s %8s\n' size db_bytes jar_s etcdctl_s jar_rss_mib etcdctl_rss_mib ratio
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  want=$(bytes "$size")
  if [ "$want" -gt "$seeded" ]; then
    /usr/bin/python3 lab/lib/seed.py --endpoints "https://$ip:2379" "${tls[@]}" --size $((want - seeded)) \
      --prefix-seed "s$want" >/dev/null
    seeded=$want
  fi
  db=$(etcdctl endpoint status -w json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Status"]["dbSize"])')
  jar_t=(); ctl_t=(); jar_m=(); ctl_m=()
  for r in $(seq 1 "$runs"); do
    rm -f "$work"/out.db*
    m=$(bench/measure.py -- bin/etcd-dr snapshot save "$work/out.db" --endpoints "https://$ip:2379" "${tls[@]}" --timeout 60s)
    jar_t+=("$(field wall_s "$m")"); jar_m+=("$(field peak_rss_mib "$m")")
    rm -f "$work"/out.db*
    m=$(ETCDCTL_API=3 bench/measure.py -- "$ETCD_BIN/etcdctl" --endpoints "https://$ip:2379" "${tls[@]}" snapshot save "$work/out.db")
    ctl_t+=("$(field wall_s "$m")"); ctl_m+=("$(field peak_rss_mib "$m")")
  done
  jt=$(printf '%s\n' "${jar_t[@]}" | median); ct=$(printf '%s\n' "${ctl_t[@]}" | median)
  jm=$(printf '%s\n' "${jar_m[@]}" | median); cm=$(printf '%s\n' "${ctl_m[@]}" | median)
  ratio=$(/usr/bin/python3 -c "print(round($jt / $ct, 2))")
  printf '%-8s %-9s %10s %10s %14s %14s %8s\n' "$size" "$db" "$jt" "$ct" "$jm" "$cm" "$ratio"
done
echo "(median of $runs runs each, alternating tools; ratio = etcd-dr wall time / etcdctl wall time; target <= 1.1)"
