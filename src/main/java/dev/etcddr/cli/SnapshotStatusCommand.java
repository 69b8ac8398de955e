package dev.etcddr.cli;

import dev.etcddr.packing.PackedSnapshots;
import dev.etcddr.snapshot.StatusLayout;
import dev.etcddr.snapshot.StatusReport;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Hash, revision, total keys and total size of a snapshot, read from its bbolt pages: the same numbers and"
          + " text as `etcdctl snapshot status` (3.4) and `etcdutl snapshot status` (3.5 or 3.6), without them.",
      "Works on a saved snapshot, a packed one (zstd, age: unpacked into --work-dir and removed after; encrypted"
          + " ones need --age-identity) and on a raw member/snap/db copy. etcdutl 3.6 prints other numbers than 3.4/3.5:"
          + " TOTAL KEYS is the live user keys (3.4/3.5: every entry of every bucket), and a fifth field VERSION"
          + " holds the db's storage version (meta/storageVersion, e.g. 3.6.0). --as picks whose output -w prints;"
          + " auto, the default, prints a db with a storage version of 3.6 or newer as 3.6 does, any other as"
          + " 3.4/3.5 do. --as 3.6 on an older db prints what etcdutl 3.6 prints for it: an empty VERSION. A db"
          + " etcdutl 3.6 refuses (a revision key it cannot parse, a value it cannot decode, no meta bucket) is"
          + " refused in the 3.6 layout too (exit 6).",
      "-o json is the same for every --as: total_key (3.4/3.5's count), live_keys (3.6's), storage_version,"
          + " cluster_version (cluster/clusterVersion, the version the members agreed), needs_etcd (major.minor of"
          + " the oldest etcd that starts from the db once restored: the greater of those two; null when the db"
          + " records neither) and layout, the one -w prints.",
      "--count-keys PREFIX counts the live keys (latest revision not a delete) under PREFIX per group, grouped as"
          + " `cluster health --count-keys` groups them, so a snapshot and its cluster can be compared: -o json adds"
          + " \"key_counts\": {GROUP: COUNT}; simple and table output get a section after etcdctl's lines.",
      "",
      "Examples:",
      "  etcd-dr snapshot status /backup/etcd.db",
      "  etcd-dr snapshot status /backup/etcd.db -w table",
      "  etcd-dr snapshot status /backup/etcd.db --as 3.6 -w json",
      "  etcd-dr snapshot status /var/lib/etcd/member/snap/db -o json",
      "  etcd-dr snapshot status /backup/etcd.db --count-keys /registry/ -o json"
    })
public final class SnapshotStatusCommand implements Callable<Integer> {
  /** etcdctl's output forms, byte for byte. */
  enum WriteOut {
    simple,
    table,
    json,
    fields
  }

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot, or a raw bbolt db.")
  Path file;

  @Option(names = {"-w", "--write-out"}, paramLabel = "FORMAT", defaultValue = "simple",
      description = "etcdctl-compatible output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  WriteOut writeOut;

  @Option(names = "--count-keys", paramLabel = "PREFIX",
      description = "Also count live keys under PREFIX per group: PREFIX + the next path segment + '/' (e.g."
          + " /registry/pods/), or the whole key when no '/' follows that segment (/registry/health).")
  String countKeys;

  @Option(names = "--as", paramLabel = "VERSION", defaultValue = "auto", converter = AsConverter.class,
      completionCandidates = AsConverter.class,
      description = "Print -w output as this etcd release does: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE},"
          + " from the db's storage version). 3.5 also stands for etcdctl 3.4, which prints the same.")
  StatusLayout as;

  @Mixin
  AgeIdentityOption ageIdentity;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where a packed FILE is unpacked, in a private dir removed afterwards; it needs room for the"
          + " raw db (default: java.io.tmpdir).")
  Path workDir;

  @Mixin
  OutputOption output;

  /** "auto" is no layout (null), so the service picks it from the db; picocli enums cannot be named "3.5". */
  static final class AsConverter implements ITypeConverter<StatusLayout>, Iterable<String> {
    @Override
    public StatusLayout convert(String value) {
      if (value.equals("auto")) {
        return null;
      }
      return StatusLayout.byLabel(value).orElseThrow(() -> new TypeConversionException(
          "'" + value + "' is not one of 3.5, 3.6, auto"));
    }

    @Override
    public Iterator<String> iterator() {
      return List.of("3.5", "3.6", "auto").iterator();
    }
  }

  static Path workDir(Path given) {
    return given != null ? given : Path.of(System.getProperty("java.io.tmpdir"));
  }

  @Override
  public Integer call() {
    if (output.json() && spec.commandLine().getParseResult().hasMatchedOption("--write-out")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "-o json is etcd-dr's own JSON; -w is etcdctl's formats: give one of them");
    }
    if (countKeys != null && (writeOut == WriteOut.json || writeOut == WriteOut.fields)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--count-keys adds to -o json, -w simple and -w table; -w " + writeOut + " stays etcdctl's exactly");
    }
    StatusReport report = new PackedSnapshots().status(file, ageIdentity.get(), workDir(workDir),
        Optional.ofNullable(countKeys), Optional.ofNullable(as), !output.json());
    StatusPrinter.print(report, output.json() ? null : writeOut, spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
