package dev.etcddr.cli;

import dev.etcddr.packing.PackRequest;
import dev.etcddr.packing.PackResult;
import dev.etcddr.packing.Packer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pack", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Compress (zstd) and/or encrypt (age) a saved set before it leaves the host: writes the packed set beside"
          + " FILE and leaves the raw one as it is. Compressed first, then encrypted, in one streaming pass.",
      "  FILE.zst, FILE.age or FILE.zst.age           the snapshot",
      "  <packed>.bundle.tar.gz[.age]                 the bundle, if the sidecar names one",
      "  <packed>.bundle.HOST.tar.gz[.age]            each host bundle the sidecar lists",
      "  <packed>.json                                its sidecar, written last",
      "With recipients the bundles are encrypted too (they hold the cluster CA keys: nothing leaves in the clear);"
          + " they are never recompressed (gzip already). Each raw file must match the old sidecar as it is read;"
          + " each packed file is written as .part and renamed; a failure removes what this run wrote.",
      "The new sidecar describes the packed file in file, file_size and sha256 (stores need nothing new), and adds"
          + " packing: {compression, zstd_level, encryption, recipients, raw_file, raw_size, raw_sha256, raw_bundle,"
          + " raw_bundle_sha256}; host_bundles entries get raw_file, raw_size, raw_sha256.",
      "Only public keys (age1...) are needed here; status, verify, restore, drill and unpack take the packed file"
          + " with --age-identity on the controller. Without etcd-dr: zstd -d FILE.zst; age -d -i KEY FILE.age"
          + " | zstd -d -o FILE.",
      "",
      "Examples:",
      "  etcd-dr snapshot pack /var/lib/etcd-dr/snapshots/etcd-…-r1042-cp1.db --zstd",
      "  etcd-dr snapshot pack etcd.db --zstd --age-recipients-file /etc/etcd-dr/recipients.txt -o json"
    })
public final class SnapshotPackCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The saved snapshot; FILE.json must be beside it.")
  Path file;

  @Option(names = "--zstd", description = "Compress the snapshot with zstd (with a content checksum).")
  boolean zstd;

  @Option(names = "--zstd-level", paramLabel = "N", defaultValue = "" + PackRequest.DEFAULT_ZSTD_LEVEL,
      description = "zstd level, 1 (fastest) to " + PackRequest.MAX_ZSTD_LEVEL + " (default: ${DEFAULT-VALUE},"
          + " as the zstd tool).")
  int zstdLevel;

  @Mixin
  AgeRecipientsOption age;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    if (!zstd && !age.any()) {
      throw new ParameterException(spec.commandLine(), "nothing to do: give --zstd, --age-recipient or"
          + " --age-recipients-file (or --zstd and recipients)");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--zstd-level") && !zstd) {
      throw new ParameterException(spec.commandLine(), "--zstd-level goes with --zstd");
    }
    if (zstdLevel < 1 || zstdLevel > PackRequest.MAX_ZSTD_LEVEL) {
      throw new ParameterException(spec.commandLine(), "--zstd-level " + zstdLevel + ": give 1 to "
          + PackRequest.MAX_ZSTD_LEVEL);
    }
    PackResult r = new Packer().pack(new PackRequest(file, zstd, zstdLevel, age.given(),
        age.file()));
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, r);
    } else {
      out.printf("packed %s as %s (%s%s%s): %d -> %d bytes (%.1f%%) in %.2fs%n", r.rawFile(),
          Path.of(r.file()).getFileName(), r.compression() == null ? "" : "zstd level " + r.zstdLevel(),
          r.compression() != null && r.encryption() != null ? ", then " : "",
          r.encryption() == null ? "" : "age to " + r.recipients().size() + " recipient"
              + (r.recipients().size() == 1 ? "" : "s"), r.rawSize(), r.size(),
          r.rawSize() == 0 ? 100.0 : 100.0 * r.size() / r.rawSize(), r.seconds());
      r.files().forEach(f -> out.printf("  wrote %s (%d bytes, sha256 %s)%n", f.file(), f.size(), f.sha256()));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
