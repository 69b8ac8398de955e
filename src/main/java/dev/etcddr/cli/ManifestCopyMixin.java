package dev.etcddr.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The manifest a rewrite reads and where its copy goes, for every command that writes one (repoint, join). */
final class ManifestCopyMixin {
  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "The kubeadm etcd static pod manifest to copy; only read (default: ${DEFAULT-VALUE}).")
  Path manifest;

  @Option(names = "--out", paramLabel = "FILE", required = true,
      description = "Where to write the copy. Must not exist unless --force; never the manifest itself.")
  Path out;

  @Option(names = "--force", description = "Replace an existing FILE (never the manifest).")
  boolean force;
}
