# Writes kubeadm-shaped static pod manifests for one lab host. Sourced by lab/lab.
# write_manifests DIR NAME IP INITIAL_CLUSTER ETCD_VERSION ENCRYPTION_KEY
# (one encryption key for all hosts: control planes must share their EncryptionConfiguration)
write_manifests() {
  local dir=$1 name=$2 ip=$3 cluster=$4 version=$5 enc_key=$6
  local pki=/etc/kubernetes/pki url_ip=$ip
  # IPv6 literals in brackets in URLs and host:port pairs, bare in --advertise-address, as kubeadm writes them.
  local endpoint="$ip:6443"
  # A YAML value starting with "[" must be quoted, as kubeadm's YAML marshalling does: '[fd00::1]:6443'.
  [[ "$ip" == *:* ]] && { url_ip="[$ip]"; endpoint="'[$ip]:6443'"; }
  mkdir -p "$dir"
  cat > "$dir/etcd.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://$url_ip:2379
  creationTimestamp: null
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://$url_ip:2379
    - --cert-file=$pki/etcd/server.crt
    - --client-cert-auth=true
    - --data-dir=/var/lib/etcd
    - --experimental-initial-corrupt-check=true
    - --experimental-watch-progress-notify-interval=5s
    - --initial-advertise-peer-urls=https://$url_ip:2380
    - --initial-cluster=$cluster
    - --initial-cluster-state=new
    - --key-file=$pki/etcd/server.key
    - --listen-client-urls=https://$url_ip:2379
    - --listen-metrics-urls=http://$url_ip:2381
    - --listen-peer-urls=https://$url_ip:2380
    - --name=$name
    - --peer-cert-file=$pki/etcd/peer.crt
    - --peer-client-cert-auth=true
    - --peer-key-file=$pki/etcd/peer.key
    - --peer-trusted-ca-file=$pki/etcd/ca.crt
    - --snapshot-count=10000
    - --trusted-ca-file=$pki/etcd/ca.crt
    image: registry.k8s.io/etcd:$version-0
    imagePullPolicy: IfNotPresent
    name: etcd
    resources:
      requests:
        cpu: 100m
        memory: 100Mi
    volumeMounts:
    - mountPath: /var/lib/etcd
      name: etcd-data
    - mountPath: $pki/etcd
      name: etcd-certs
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: $pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: /var/lib/etcd
      type: DirectoryOrCreate
    name: etcd-data
status: {}
YAML
  local servers
  servers=$(echo "$cluster" | sed -E 's#[^=,]+=https://([^,]+):2380#https://\1:2379#g')
  cat > "$dir/kube-apiserver.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: $endpoint
  creationTimestamp: null
  labels:
    component: kube-apiserver
    tier: control-plane
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=$ip
    - --etcd-cafile=$pki/etcd/ca.crt
    - --etcd-certfile=$pki/apiserver-etcd-client.crt
    - --etcd-keyfile=$pki/apiserver-etcd-client.key
    - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml
    - --etcd-servers=$servers
    - --secure-port=6443
    - --client-ca-file=$pki/ca.crt
    - --tls-cert-file=$pki/apiserver.crt
    - --tls-private-key-file=$pki/apiserver.key
    image: registry.k8s.io/kube-apiserver:v1.31.4
    imagePullPolicy: IfNotPresent
    name: kube-apiserver
    volumeMounts:
    - mountPath: $pki
      name: k8s-certs
      readOnly: true
    - mountPath: /etc/kubernetes/enc
      name: k8s-enc
      readOnly: true
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: $pki
      type: DirectoryOrCreate
    name: k8s-certs
  - hostPath:
      path: /etc/kubernetes/enc
      type: DirectoryOrCreate
    name: k8s-enc
status: {}
YAML
  # Secrets encrypted at rest, as most hardened clusters have it: the key must survive with the backup.
  mkdir -p "$dir/../enc"
  chmod 700 "$dir/../enc"
  cat > "$dir/../enc/encryption-config.yaml" <<YAML
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: $enc_key
      - identity: {}
YAML
  chmod 600 "$dir/../enc/encryption-config.yaml"
  local component
  for component in kube-controller-manager kube-scheduler; do
    cat > "$dir/$component.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    component: $component
    tier: control-plane
  name: $component
  namespace: kube-system
spec:
  containers:
  - command:
    - $component
    - --kubeconfig=/etc/kubernetes/$( [ "$component" = kube-scheduler ] && echo scheduler || echo controller-manager ).conf
    - --leader-elect=true
    image: registry.k8s.io/$component:v1.31.4
    imagePullPolicy: IfNotPresent
    name: $component
  hostNetwork: true
  priorityClassName: system-node-critical
status: {}
YAML
  done
}
