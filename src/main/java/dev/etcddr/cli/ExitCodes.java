package dev.etcddr.cli;

import dev.etcddr.EtcdDrException;
import dev.etcddr.HeapExhaustedException;
import dev.etcddr.crypt.AgeException;
import dev.etcddr.crypt.AgeKeyException;
import dev.etcddr.drill.EtcdBinaryException;
import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.etcd.MembershipRefusedException;
import dev.etcddr.manifest.ManifestException;
import dev.etcddr.remote.RemoteStoreException;
import dev.etcddr.restore.DataDirStateException;
import dev.etcddr.restore.RestoreConfigException;
import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import dev.etcddr.tls.TlsException;
import dev.etcddr.undelete.UndeleteRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place where failures become exit codes. Listed in every command's --help; a stable contract. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int INTERNAL = 1;
  public static final int USAGE = 2;
  public static final int MANIFEST = 3;
  public static final int TLS = 4;
  public static final int ETCD_UNAVAILABLE = 5;
  public static final int SNAPSHOT_INTEGRITY = 6;
  public static final int OUTPUT_REFUSED = 7;
  public static final int INPUT_FILE = 8;
  public static final int RESTORE_CONFIG = 9;
  public static final int REMOTE_STORE = 10;
  public static final int ETCD_BINARY = 11;
  public static final int DATA_DIR = 12;
  public static final int OUT_OF_MEMORY = 13;
  public static final int MEMBERSHIP = 14;
  public static final int AGE_KEY = 15;

  private ExitCodes() {}

  /** Code and a short stable name (used in JSON errors) for a failure. */
  public record Failure(int code, String kind) {}

  public static Failure of(Throwable e) {
    if (outOfMemory(e)) {
      return new Failure(OUT_OF_MEMORY, "out_of_memory");
    }
    if (e instanceof picocli.CommandLine.ParameterException || e instanceof UndeleteRequestException) {
      return new Failure(USAGE, "usage");
    }
    if (e instanceof ManifestException) {
      return new Failure(MANIFEST, "manifest");
    }
    if (e instanceof TlsException) {
      return new Failure(TLS, "tls");
    }
    if (e instanceof EtcdUnavailableException) {
      return new Failure(ETCD_UNAVAILABLE, "etcd_unavailable");
    }
    if (e instanceof AgeKeyException) {
      return new Failure(AGE_KEY, "age_key");
    }
    // Any other age failure is the file's: damaged, changed or cut short, as a wrong checksum is.
    if (e instanceof SnapshotIntegrityException || e instanceof AgeException) {
      return new Failure(SNAPSHOT_INTEGRITY, "snapshot_integrity");
    }
    if (e instanceof OutputRefusedException) {
      return new Failure(OUTPUT_REFUSED, "output_refused");
    }
    if (e instanceof InputFileException) {
      return new Failure(INPUT_FILE, "input_file");
    }
    if (e instanceof RestoreConfigException) {
      return new Failure(RESTORE_CONFIG, "restore_config");
    }
    if (e instanceof RemoteStoreException) {
      return new Failure(REMOTE_STORE, "remote_store");
    }
    if (e instanceof EtcdBinaryException) {
      return new Failure(ETCD_BINARY, "etcd_binary");
    }
    if (e instanceof DataDirStateException) {
      return new Failure(DATA_DIR, "data_dir");
    }
    if (e instanceof MembershipRefusedException) {
      return new Failure(MEMBERSHIP, "membership");
    }
    if (e instanceof EtcdDrException) {
      return new Failure(INTERNAL, "internal");
    }
    return new Failure(INTERNAL, "internal");
  }

  /**
   * Whether the JVM ran out of heap, here or in a cause: an exhausted heap fails whatever was running (a gRPC
   * stream, a future), and the fix is the heap, not what failed.
   */
  static boolean outOfMemory(Throwable e) {
    for (int depth = 0; e != null && depth < 16; e = e.getCause(), depth++) {
      if (e instanceof OutOfMemoryError || e instanceof HeapExhaustedException) {
        return true;
      }
    }
    return false;
  }

  /** For picocli's exit code section of --help. */
  static Map<String, String> helpList() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("0", "success");
    m.put("1", "internal error (a bug: please report it with the message)");
    m.put("2", "usage error: unknown or conflicting flags");
    m.put("3", "etcd manifest missing, unreadable or incomplete");
    m.put("4", "TLS: certificate or key missing, mismatched, expired, or refused");
    m.put("5", "etcd unavailable: down, timed out, unhealthy, or not one cluster");
    m.put("6", "snapshot integrity: checksum missing or wrong, stream cut short, a verify check failed, a packed"
        + " file damaged (zstd or age authentication failed)");
    m.put("7", "output refused: target exists, directory not writable, disk full");
    m.put("8", "input file missing or unreadable");
    m.put("9", "restore flags do not describe a valid cluster (names, peer URLs, token, bump)");
    m.put("10", "remote store: unreachable, host key unknown or changed, authentication or transfer failed");
    m.put("11", "no usable etcd binary for the drill (--etcd, ETCD_DR_ETCD, PATH), or one older than the snapshot");
    m.put("12", "data dir not in a state an in-place restore or rollback can act on (no member dir, member or WAL"
        + " on another filesystem or behind a link, nothing to roll back to)");
    m.put("13", "out of memory: the JVM heap (-Xmx) is too small for this input; give it more");
    m.put("14", "membership change refused by etcd or unsafe: peer URL taken, member still up, learner not caught"
        + " up in time, quorum at risk");
    m.put("15", "age key: an encrypted file without --age-identity, a key or key file that does not parse or"
        + " cannot be read, or no identity given opens the file (it was encrypted to other recipients)");
    return m;
  }
}
