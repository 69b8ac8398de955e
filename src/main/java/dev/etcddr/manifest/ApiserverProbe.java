package dev.etcddr.manifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A host's apiserver manifest as a restore's preflight needs it, read beside the etcd manifest in the same call:
 * absent (the host runs no apiserver), read, or refused with the reason. The manifest's own faults are an answer
 * here, not a failure, so the etcd manifest is still shown and the play names the host and file at fault.
 *
 * @param manifest the file looked at
 * @param read what it says, when it was read
 * @param error why it was refused, when it was
 */
public record ApiserverProbe(Path manifest, Optional<ApiserverManifest> read, Optional<String> error) {
  public static ApiserverProbe of(ManifestReader reader, Path manifest) {
    if (!Files.exists(manifest)) {
      return new ApiserverProbe(manifest, Optional.empty(), Optional.empty());
    }
    try {
      return new ApiserverProbe(manifest, Optional.of(reader.readApiserver(manifest)), Optional.empty());
    } catch (ManifestException e) {
      return new ApiserverProbe(manifest, Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  public boolean present() {
    return read.isPresent() || error.isPresent();
  }
}
