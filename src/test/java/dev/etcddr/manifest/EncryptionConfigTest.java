package dev.etcddr.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionConfigTest {
  @TempDir
  Path dir;

  @Test
  void every_provider_key_is_named_as_the_value_prefix_names_it() throws Exception {
    Path f = Files.writeString(dir.resolve("enc.yaml"), """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers:
              - aescbc:
                  keys:
                    - name: key2
                      secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==
                    - name: key1
                      secret: dGhpcyBpcyBwYXNzd29yZA==
              - kms:
                  apiVersion: v2
                  name: vault
                  endpoint: unix:///run/kms.sock
              - identity: {}
          - resources: [configmaps]
            providers:
              - secretbox:
                  keys:
                    - name: sb1
                      secret: YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=
              - kms:
                  name: legacy
                  endpoint: unix:///run/kms1.sock
        """);
    EncryptionConfig c = EncryptionConfig.read(f);
    assertEquals(Set.of("aescbc:v1:key1", "aescbc:v1:key2", "kms:v2:vault", "secretbox:v1:sb1", "kms:v1:legacy"),
        c.keys());
    assertTrue(c.canRead("aescbc", "v1", "key1"));
    assertFalse(c.canRead("aescbc", "v1", "key0"));
    assertFalse(c.canRead("kms", "v1", "vault"), "a v2 plugin does not read v1 values");
  }

  @Test
  void a_file_that_is_not_one_is_refused_without_quoting_it() throws Exception {
    Path pod = Files.writeString(dir.resolve("pod.yaml"), "apiVersion: v1\nkind: Pod\n");
    assertTrue(assertThrows(ManifestException.class, () -> EncryptionConfig.read(pod)).getMessage()
        .contains("is not an EncryptionConfiguration (kind: Pod)"));
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "kind: EncryptionConfiguration\nsecret: [c2VjcmV0\n");
    String message = assertThrows(ManifestException.class, () -> EncryptionConfig.read(broken)).getMessage();
    assertTrue(message.contains("not valid YAML") && !message.contains("c2VjcmV0"), message);
    assertTrue(assertThrows(ManifestException.class, () -> EncryptionConfig.read(dir.resolve("none.yaml")))
        .getMessage().contains("not found"));
  }
}
