#!/usr/bin/env bash
# kubeadm-shaped etcd PKI for the lab and the integration tests, made with openssl.
#
#   pki.sh hosts  DIR NAME=IP [NAME=IP ...]    one etcd CA in DIR/ca, and for each host DIR/NAME/pki laid out as
#                                              kubeadm lays out /etc/kubernetes/pki (etcd/ca.crt, etcd/server.*,
#                                              etcd/peer.*, etcd/healthcheck-client.*, apiserver-etcd-client.*;
#                                              and ca.crt + apiserver.* from a Kubernetes CA in DIR/kubernetes-ca)
#   pki.sh client DIR OUT_PREFIX ALG [expired] an extra client cert signed by DIR/ca: ALG is rsa-pkcs1, rsa-pkcs8
#                                              or ec-sec1; `expired` makes one whose validity ended in 2020
#   pki.sh ca     DIR                          only the CA (a second, unrelated CA for wrong-CA tests)
#
# Keys are written the way kubeadm writes them: RSA 2048 in PKCS#1 ("BEGIN RSA PRIVATE KEY"), mode 0600.
set -euo pipefail

die() { echo "pki.sh: $*" >&2; exit 1; }
command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"

rsa_pkcs1() { openssl genrsa -traditional -out "$1" 2048 2>/dev/null; chmod 600 "$1"; }

# make_ca DIR [SUBDIR CN]: the etcd CA in DIR/ca by default; the Kubernetes CA is DIR/kubernetes-ca
make_ca() {
  local dir=$1 sub=${2:-ca} cn=${3:-etcd-ca}
  [ -f "$dir/$sub/ca.crt" ] && return 0
  mkdir -p "$dir/$sub"
  rsa_pkcs1 "$dir/$sub/ca.key"
  openssl req -x509 -new -key "$dir/$sub/ca.key" -subj "/CN=$cn" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
    -out "$dir/$sub/ca.crt" 2>/dev/null
}

# sign CA_DIR KEY CRT CN USAGES SANS
sign() {
  local ca=$1 key=$2 crt=$3 cn=$4 usages=$5 sans=$6 ext
  ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usages"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$ext"
  openssl req -new -key "$key" -subj "/CN=$cn" 2>/dev/null |
    openssl x509 -req -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -set_serial "0x$(openssl rand -hex 12)" -days 365 -sha256 \
      -extfile "$ext" -out "$crt" 2>/dev/null
  rm -f "$ext"
}

host_pki() {
  local dir=$1 name=$2 ip=$3 peer_extra=${4:-} pki
  pki="$dir/$name/pki"
  mkdir -p "$pki/etcd"
  chmod 700 "$pki" "$pki/etcd"
  cp "$dir/ca/ca.crt" "$pki/etcd/ca.crt"
  cp "$dir/ca/ca.key" "$pki/etcd/ca.key"
  # The Kubernetes CA and the apiserver's serving certificate: clients check /readyz against them.
  cp "$dir/kubernetes-ca/ca.crt" "$pki/ca.crt"
  local sans="DNS:$name,DNS:localhost,IP:$ip,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
  for k in etcd/server etcd/peer etcd/healthcheck-client apiserver-etcd-client apiserver; do rsa_pkcs1 "$pki/$k.key" & done
  wait
  sign "$dir/ca" "$pki/etcd/server.key" "$pki/etcd/server.crt" "$name" serverAuth,clientAuth "$sans"
  sign "$dir/ca" "$pki/etcd/peer.key" "$pki/etcd/peer.crt" "$name" serverAuth,clientAuth "$sans$peer_extra"
  sign "$dir/ca" "$pki/etcd/healthcheck-client.key" "$pki/etcd/healthcheck-client.crt" kube-etcd-healthcheck-client clientAuth ""
  sign "$dir/ca" "$pki/apiserver-etcd-client.key" "$pki/apiserver-etcd-client.crt" kube-apiserver-etcd-client clientAuth ""
  sign "$dir/kubernetes-ca" "$pki/apiserver.key" "$pki/apiserver.crt" kube-apiserver serverAuth \
    "DNS:$name,DNS:kubernetes,DNS:kubernetes.default,IP:$ip,IP:127.0.0.1"
}

client() {
  local dir=$1 out=$2 alg=$3 expired=${4:-}
  case "$alg" in
    rsa-pkcs1) rsa_pkcs1 "$out.key" ;;
    rsa-pkcs8) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out.key" 2>/dev/null ;;
    ec-sec1) openssl ecparam -name prime256v1 -genkey -noout -out "$out.key" 2>/dev/null ;;
    *) die "unknown key algorithm '$alg' (rsa-pkcs1, rsa-pkcs8, ec-sec1)" ;;
  esac
  chmod 600 "$out.key"
  if [ "$expired" = expired ]; then
    # `openssl x509 -req` cannot back-date; `openssl ca` can, with a throwaway database.
    local db; db=$(mktemp -d)
    touch "$db/index.txt"
    cat > "$db/ca.cnf" <<CNF
[ca]
default_ca = lab
[lab]
database = $db/index.txt
new_certs_dir = $db
serial = $db/serial
default_md = sha256
policy = any
email_in_dn = no
unique_subject = no
[any]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
CNF
    echo 01 > "$db/serial"
    openssl req -new -key "$out.key" -subj "/CN=expired-client" -out "$db/req.csr" 2>/dev/null
    openssl ca -batch -config "$db/ca.cnf" -cert "$dir/ca/ca.crt" -keyfile "$dir/ca/ca.key" -extensions ext \
      -startdate 20200101000000Z -enddate 20200102000000Z -in "$db/req.csr" -out "$out.crt" 2>/dev/null
    rm -rf "$db"
  else
    sign "$dir/ca" "$out.key" "$out.crt" "etcd-dr-test-client" clientAuth ""
  fi
}

cmd=${1:-}; shift || true
case "$cmd" in
  hosts)
    [ $# -ge 2 ] || die "usage: pki.sh hosts DIR NAME=IP [NAME=IP ...]"
    dir=$1; shift
    make_ca "$dir"
    make_ca "$dir" kubernetes-ca kubernetes
    # IPv6 hosts on lo: the kernel picks the destination address as the source of a host-to-host connection
    # (cp2 → cp3 arrives from cp3's own address), and etcd rejects a peer whose certificate has IP SANs but not
    # the remote address ("tls: "fd00:..::3" does not match any of DNSNames [cp2 localhost]", seen with 3.4.23).
    # IPv4 labs avoid it with /8 addresses (the source is then 127.0.0.1, in every cert); for IPv6 there is no
    # such primary address, so each peer cert also names every lab host's address. Real hosts have one address
    # each and need none of this.
    peer_extra=""
    for spec in "$@"; do
      [[ "$spec" == *=* ]] || die "host '$spec' is not NAME=IP"
      [[ "${spec#*=}" == *:* ]] && peer_extra+=",IP:${spec#*=}"
    done
    for spec in "$@"; do
      host_pki "$dir" "${spec%%=*}" "${spec#*=}" "$peer_extra" &
    done
    wait ;;
  client)
    [ $# -ge 3 ] || die "usage: pki.sh client DIR OUT_PREFIX ALG [expired]"
    client "$@" ;;
  ca)
    [ $# -eq 1 ] || die "usage: pki.sh ca DIR"
    make_ca "$1" ;;
  *) die "usage: pki.sh hosts|client|ca ... (see the header of this file)" ;;
esac
