package dev.etcddr.cli;

import dev.etcddr.packing.UnpackResult;
import dev.etcddr.packing.Unpacker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "unpack", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Turn one packed file back into its raw bytes: a snapshot FILE.zst, FILE.age or FILE.zst.age, or a packed"
          + " set's bundle or host bundle (.tar.gz.age). Checked against the sidecar that speaks of it (FILE.json,"
          + " or the snapshot's for a bundle): sha256 of the packed file, raw_sha256 of what came out. Written as"
          + " .part and renamed only then; an existing RAW is never replaced.",
      "Not needed to read a packed snapshot: status, verify, restore and drill take it directly. Without etcd-dr:"
          + " zstd -d FILE.zst; age -d -i KEY -o FILE.zst FILE.zst.age; age -d -i KEY -o B.tar.gz B.tar.gz.age.",
      "",
      "Examples:",
      "  etcd-dr snapshot unpack etcd-…-r1042-cp1.db.zst",
      "  etcd-dr snapshot unpack etcd-…-r1042-cp1.db.zst.age --age-identity /root/etcd-dr.key --out /srv/x.db"
    })
public final class SnapshotUnpackCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The packed file.")
  Path file;

  @Mixin
  AgeIdentityOption ageIdentity;

  @Option(names = "--out", paramLabel = "RAW",
      description = "Where to write (default: FILE without .age and .zst, beside it).")
  Path out;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    UnpackResult r = new Unpacker().unpack(file, ageIdentity.get(), Optional.ofNullable(out));
    PrintWriter w = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(w, r);
    } else {
      w.printf("unpacked %s (%s) to %s: %d bytes, sha256 %s%s%n", r.file(), r.layers(), r.out(), r.rawSize(),
          r.rawSha256(), r.sidecar() == null ? "; no sidecar speaks of it, so only the format's own checks ran"
              : ", as " + r.sidecar() + " says");
    }
    w.flush();
    return ExitCodes.OK;
  }
}
