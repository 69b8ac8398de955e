package dev.etcddr.access;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to reach etcd, as the operator gave it. Anything left empty is taken from this host's etcd manifest.
 *
 * @param manifest the kubeadm etcd static pod manifest
 * @param endpoints explicit client URLs; empty = the manifest's advertised client URL (this host's member)
 * @param caFile CA that signed etcd's server certificate; empty = the manifest's --trusted-ca-file, at its host path
 * @param certFile client certificate; empty = kubeadm's apiserver-etcd-client.crt, else the manifest's --cert-file
 *     (host paths: the container's, translated through the etcd pod's hostPath volumes)
 * @param keyFile client key, paired with certFile
 * @param timeout how long one member may take to answer
 */
public record AccessOptions(
    Path manifest,
    List<String> endpoints,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Duration timeout) {}
