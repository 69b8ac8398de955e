package dev.etcddr.undelete;

import dev.etcddr.kube.KubeValue;
import dev.etcddr.manifest.ApiserverManifest;
import dev.etcddr.manifest.EncryptionConfig;
import dev.etcddr.manifest.ManifestReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the apiserver could read a value encrypted at rest, by the key name in its prefix: from the
 * EncryptionConfiguration given, or else the one this host's kube-apiserver manifest names. Read only when a value
 * to bring back is encrypted, so an undelete of plain objects needs neither file.
 */
final class EncryptionKeys implements UndeletePlan.Decryption {
  private final Undelete.EncryptionSource source;
  private Optional<EncryptionConfig> config;
  private String noConfig;

  EncryptionKeys(Undelete.EncryptionSource source) {
    this.source = source;
  }

  @Override
  public Optional<String> problem(KubeValue.Encrypted value) {
    if (config == null) {
      load();
    }
    String key = value.provider() + " key " + value.keyName() + " (" + value.version() + ")";
    if (config.isEmpty()) {
      return Optional.of("encrypted with " + key + " and " + noConfig);
    }
    return config.get().canRead(value.provider(), value.version(), value.keyName()) ? Optional.empty()
        : Optional.of("encrypted with " + key + ", which " + config.get().file() + " no longer has: the"
            + " apiserver could not read it");
  }

  private void load() {
    if (source.config() != null) {
      config = Optional.of(EncryptionConfig.read(source.config()));
      return;
    }
    Path manifest = source.apiserverManifest();
    if (!Files.exists(manifest)) {
      config = Optional.empty();
      noConfig = "there is no kube-apiserver manifest at " + manifest + " to tell whether the apiserver has that"
          + " key (pass --encryption-config)";
      return;
    }
    ApiserverManifest apiserver = new ManifestReader().readApiserver(manifest);
    config = apiserver.encryptionProviderConfig().map(EncryptionConfig::read);
    noConfig = manifest + " has no --encryption-provider-config: the apiserver could not read it";
  }
}
