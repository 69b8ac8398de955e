# Shared pieces of the benchmarks: a throwaway etcd 3.5.16 with kubeadm-style TLS, growing it, medians.
# Sourced; sets $work, $ip, $pki, tls=(...), and cleans up on exit. Nothing here kills what it did not start.

ETCD_BIN=${ETCD_BIN:-/opt/etcd-dr/etcd-3.5.16/usr/bin}
ip=${BENCH_IP:-127.0.9.1}

bench_init() {
  [ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
  [ -x "$ETCD_BIN/etcd" ] || { echo "etcd 3.5.16 missing at $ETCD_BIN: run scripts/install-deps" >&2; exit 1; }
  [ -f target/etcd-dr.jar ] || mvn -B -q -ntp package -DskipTests
  work=$(mktemp -d /var/tmp/etcd-dr-bench.XXXXXX)
  etcd_pid=""
  trap bench_cleanup EXIT
  bash lab/lib/pki.sh hosts "$work/pki" "bench=$ip" >/dev/null
  pki=$work/pki/bench/pki
  tls=(--cacert "$pki/etcd/ca.crt" --cert "$pki/apiserver-etcd-client.crt" --key "$pki/apiserver-etcd-client.key")
  "$ETCD_BIN/etcd" --name bench --data-dir "$work/data" --quota-backend-bytes 8589934592 \
    --listen-client-urls "https://$ip:2379" --advertise-client-urls "https://$ip:2379" \
    --listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
    --initial-cluster "bench=http://$ip:2380" --client-cert-auth --trusted-ca-file "$pki/etcd/ca.crt" \
    --cert-file "$pki/etcd/server.crt" --key-file "$pki/etcd/server.key" > "$work/etcd.log" 2>&1 &
  etcd_pid=$!
  for _ in $(seq 1 50); do
    kill -0 "$etcd_pid" 2>/dev/null || { tail -5 "$work/etcd.log" >&2; exit 1; }
    etcdctl --dial-timeout 1s endpoint health >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "bench etcd did not become healthy" >&2
  exit 1
}

bench_cleanup() {
  if [ -n "${etcd_pid:-}" ]; then kill "$etcd_pid" 2>/dev/null || true; wait "$etcd_pid" 2>/dev/null || true; fi
  [ -n "${work:-}" ] && rm -rf "$work"
}

etcdctl() { ETCDCTL_API=3 "$ETCD_BIN/etcdctl" --endpoints "https://$ip:2379" "${tls[@]}" "$@"; }

seeded=0
# grow_to BYTES: adds Kubernetes-like objects until about that many value bytes are in etcd.
grow_to() {
  if [ "$1" -gt "$seeded" ]; then
    /usr/bin/python3 lab/lib/seed.py --endpoints "https://$ip:2379" "${tls[@]}" --size $(($1 - seeded)) \
      --prefix-seed "s$1" >/dev/null
    seeded=$1
  fi
}

db_size() {
  etcdctl endpoint status -w json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Status"]["dbSize"])'
}

bytes() { case "$1" in *M) echo $(( ${1%M} * 1000000 ));; *G) echo $(( ${1%G} * 1000000000 ));; *) echo "$1";; esac; }
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$2"; }
ratio() { /usr/bin/python3 -c "print(round($1 / $2, 2))"; }

# lab_bench_up NAME SEED...: a lab of its own on 127.0.8.x seeded by `lab/lab seed SEED...` (--size 1G,
# --count 1000); sets $work and LAB_STATE, and takes the lab down and removes $work on exit. For the benchmarks of
# whole plays.
lab_bench_up() {
  [ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
  [ -f target/etcd-dr.jar ] || mvn -B -q -ntp package -DskipTests
  work=$(mktemp -d "/var/tmp/etcd-dr-bench-$1.XXXXXX")
  export LAB_STATE=$work/lab
  trap 'lab/lab down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  lab/lab up --net 127.0.8 >/dev/null
  shift
  lab/lab seed "$@" >/dev/null
}

# size_option "$@": --size VALUE (default 1G) into $size, or usage and exit 2.
size_option() {
  size=1G
  while [ $# -gt 0 ]; do
    case "$1" in
      --size) size=$2; shift 2 ;;
      *) echo "usage: $0 [--size 1G]" >&2; exit 2 ;;
    esac
  done
}

# lab_ssh INVENTORY: how the by-hand scripts reach the lab's hosts, read from its inventory (the lab's key and
# known_hosts, host keys checked): sets common=(...) for ssh and scp, ssh_opts=(...) with the port, port, and
# hosts=(name=address ...).
lab_ssh() {
  local state key
  state=$(dirname "$1")
  key=$(sed -n 's/^ansible_ssh_private_key_file=//p' "$1")
  port=$(sed -n 's/^ansible_port=//p' "$1")
  port=${port:-22}
  common=(-o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$state/ssh/known_hosts" -i "$key")
  ssh_opts=("${common[@]}" -p "$port")
  mapfile -t hosts < <(sed -n 's/^\([A-Za-z0-9-]*\) ansible_host=\([0-9.]*\)$/\1=\2/p' "$1")
}
