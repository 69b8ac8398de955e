package dev.etcddr.cli;

import dev.etcddr.packing.PackedHostBundles;
import dev.etcddr.snapshot.SidecarFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "attach-bundles", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "List each host's own bundle (SNAPSHOT.bundle.HOST.tar.gz, beside the snapshot, from `bundle write` on that"
          + " host) in the snapshot's sidecar, so push, pull, latest and prune carry and check them with the set.",
      "Each bundle is read to its end first (gzip CRC, tar headers): a damaged one is refused (exit 6) and the"
          + " sidecar is left as it was. The sidecar is rewritten under a .part name. -o json: host_bundles, each"
          + " {host, file, size, sha256}.",
      "A packed SNAPSHOT (P.zst, P.age, P.zst.age, with the sidecar `snapshot pack` wrote) takes"
          + " P.bundle.HOST.tar.gz.age when P is encrypted (from `bundle write --age-recipient`), else"
          + " P.bundle.HOST.tar.gz. An encrypted bundle cannot be read without the identity, which the controller"
          + " does not hold at backup time: it must be an age file with one X25519 stanza per recipient in the"
          + " sidecar's packing.recipients;"
          + " a plain one where an encrypted one belongs, an encrypted one where a plain one belongs, or one"
          + " encrypted to a different number of keys is refused (exit 6; the bundle only under the other name:"
          + " exit 8). Its contents are checked when it is unpacked (snapshot unpack --age-identity).",
      "",
      "Examples:",
      "  etcd-dr snapshot attach-bundles ./etcd-...-r1042-cp1.db --host cp1 --host cp2 --host cp3",
      "  etcd-dr snapshot attach-bundles ./etcd-...-r1042-cp1.db.zst.age --host cp1 --host cp2 --host cp3"
    })
public final class SnapshotAttachBundlesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "SNAPSHOT", description = "The snapshot whose sidecar lists the bundles.")
  Path snapshot;

  @Option(names = "--host", required = true, paramLabel = "HOST", description = "A host whose bundle to list.")
  List<String> hosts;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    List<SidecarFacts.HostBundle> added = PackedHostBundles.attach(snapshot, hosts);
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, Map.of("host_bundles", added));
    } else {
      added.forEach(b -> out.println(b.host() + "  " + b.file() + "  sha256 " + b.sha256()));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
