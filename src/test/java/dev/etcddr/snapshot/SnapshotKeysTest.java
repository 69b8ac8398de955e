package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.kube.KubeValue;
import dev.etcddr.testing.EtcdDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a db's live keys: the last put wins, a later delete removes, the prefix filters, damage is refused. */
class SnapshotKeysTest {
  @TempDir
  Path dir;

  private static final String CM_V1 = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\","
      + "\"namespace\":\"a\",\"uid\":\"u1\"},\"data\":{\"k\":\"1\"}}";
  private static final String CM_V2 = CM_V1.replace("\"1\"", "\"2\"");

  private Path db() throws Exception {
    return EtcdDb.etcd35()
        .put(2, "/registry/configmaps/a/x", CM_V1)
        .put(3, "/registry/configmaps/a/y", CM_V1.replace("\"x\"", "\"y\""))
        .delete(4, "/registry/configmaps/a/y")
        .put(5, "/registry/configmaps/a/x", CM_V2)
        .put(6, "/registry/secrets/a/s", "k8s:enc:aescbc:v1:key1:\u0001\u0002")
        .put(7, "/registry/configmapsX", "not under the prefix /registry/configmaps/")
        .write(dir.resolve("etcd.db"));
  }

  @Test
  void the_last_put_of_a_key_not_deleted_since_is_its_value() throws Exception {
    SnapshotKeys.Listing l = SnapshotKeys.live(db(), "/registry/configmaps/".getBytes(StandardCharsets.UTF_8));
    assertEquals(7, l.revision());
    assertEquals(List.of("/registry/configmaps/a/x"), l.keys().stream().map(SnapshotKeys.StoredKey::keyText).toList());
    SnapshotKeys.StoredKey x = l.keys().get(0);
    assertEquals(5, x.modRevision());
    assertArrayEquals(CM_V2.getBytes(StandardCharsets.UTF_8), x.value());
    assertEquals("x", assertInstanceOf(KubeValue.Decoded.class, x.decoded()).metadata().name());
  }

  @Test
  void an_empty_prefix_lists_every_live_key_in_key_order() throws Exception {
    SnapshotKeys.Listing l = SnapshotKeys.live(db(), new byte[0]);
    assertEquals(List.of("/registry/configmaps/a/x", "/registry/configmapsX", "/registry/secrets/a/s"),
        l.keys().stream().map(SnapshotKeys.StoredKey::keyText).toList());
    assertEquals(new KubeValue.Encrypted("aescbc", "v1", "key1"), l.keys().get(2).decoded());
  }

  @Test
  void a_value_that_is_not_a_key_value_is_refused_with_its_revision() throws Exception {
    Path bad = EtcdDb.etcd35().put(2, "/a", "1")
        .raw("key", new byte[] {0, 0, 0, 0, 0, 0, 0, 3, '_', 0, 0, 0, 0, 0, 0, 0, 0}, new byte[] {(byte) 0xff})
        .write(dir.resolve("bad.db"));
    SnapshotIntegrityException e = assertThrows(SnapshotIntegrityException.class,
        () -> SnapshotKeys.live(bad, new byte[0]));
    assertTrue(e.getMessage().contains("not an mvccpb.KeyValue"), e.getMessage());
  }

  @Test
  void a_missing_file_is_an_input_error() {
    InputFileException e = assertThrows(InputFileException.class,
        () -> SnapshotKeys.live(dir.resolve("none.db"), new byte[0]));
    assertTrue(e.getMessage().contains("none.db"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("none.db")));
  }
}
