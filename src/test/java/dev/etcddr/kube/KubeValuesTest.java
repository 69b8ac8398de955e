package dev.etcddr.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import dev.etcddr.testing.ProtoBytes;
import org.junit.jupiter.api.Test;

/**
 * Values encoded here by hand from the published wire formats (protobuf's varint / length-delimited fields, the
 * apiserver's {@code k8s\0} + runtime.Unknown envelope, ObjectMeta's field numbers in apimachinery's
 * generated.proto, the encryption providers' {@code k8s:enc:} prefixes), not by the decoder's own code.
 */
class KubeValuesTest {
  private static final Instant CREATED = Instant.parse("2026-05-01T10:00:00.123456789Z");

  /** runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentType} behind the magic. */
  private static byte[] stored(String apiVersion, String kind, ProtoBytes object) {
    return stored(new ProtoBytes().message(1, new ProtoBytes().string(1, apiVersion).string(2, kind)).message(2, object)
        .string(4, "application/vnd.kubernetes.protobuf"));
  }

  private static byte[] stored(ProtoBytes unknown) {
    return ProtoBytes.kubernetesStored(unknown);
  }


  private static ProtoBytes serviceMeta() {
    return new ProtoBytes()
        .string(1, "web")
        .string(3, "shop")
        .string(5, "0b5e7c1e-8d7f-4f5a-9c43-3c4d9e2a1f00")
        .message(8, new ProtoBytes().varint(1, CREATED.getEpochSecond()).varint(2, CREATED.getNano()))
        .message(11, new ProtoBytes().string(1, "app").string(2, "web")) // labels: a map entry, skipped
        .message(13, new ProtoBytes().string(1, "Deployment").string(3, "web").string(4, "owner-uid").string(5, "apps/v1")
            .varint(6, 1).varint(7, 1))
        .message(17, new ProtoBytes().string(1, "kubectl").string(2, "Apply")); // managedFields, skipped
  }

  @Test
  void a_protobuf_service_gives_its_type_and_metadata() {
    ProtoBytes service = new ProtoBytes().message(1, serviceMeta()).message(2, new ProtoBytes().string(1, "ClusterIP"));
    KubeValue v = KubeValues.decode(stored("v1", "Service", service));
    KubeValue.Decoded d = assertInstanceOf(KubeValue.Decoded.class, v);
    assertEquals("protobuf", d.encoding());
    assertEquals(new ObjectMetadata("v1", "Service", "shop", "web", "0b5e7c1e-8d7f-4f5a-9c43-3c4d9e2a1f00", CREATED,
        List.of(new OwnerReference("apps/v1", "Deployment", "web", "owner-uid", true))), d.metadata());
  }

  @Test
  void fields_of_every_wire_type_it_does_not_know_are_skipped() {
    ProtoBytes meta = new ProtoBytes().fixed32(40).string(1, "cm").fixed64(41).varint(42, 300).string(3, "ns").string(43, "x");
    ProtoBytes object = new ProtoBytes().fixed64(9).message(1, meta).fixed32(10);
    KubeValue.Decoded d = assertInstanceOf(KubeValue.Decoded.class,
        KubeValues.decode(stored("v1", "ConfigMap", object)));
    assertEquals(new ObjectMetadata("v1", "ConfigMap", "ns", "cm", "", null, List.of()), d.metadata());
  }

  @Test
  void a_cut_value_is_opaque_at_every_length_and_never_throws() {
    // the object's bytes last: every cut past the magic loses them or breaks a field (a cut between two top-level
    // fields of a longer envelope is a valid, shorter message: protobuf cannot tell)
    byte[] whole = stored(new ProtoBytes().message(1, new ProtoBytes().string(1, "v1").string(2, "Service"))
        .message(2, new ProtoBytes().message(1, serviceMeta())));
    assertInstanceOf(KubeValue.Decoded.class, KubeValues.decode(whole));
    for (int n = 0; n < whole.length; n++) {
      assertInstanceOf(KubeValue.Opaque.class, KubeValues.decode(Arrays.copyOf(whole, n)), "cut at " + n);
    }
    KubeValue.Opaque last = assertInstanceOf(KubeValue.Opaque.class,
        KubeValues.decode(Arrays.copyOf(whole, whole.length - 1)));
    assertTrue(last.why().startsWith("protobuf"), last.why());
  }

  @Test
  void group_wire_types_and_objects_without_metadata_are_opaque() {
    ProtoBytes withGroup = new ProtoBytes().message(1, new ProtoBytes().string(1, "a").group(5));
    assertTrue(((KubeValue.Opaque) KubeValues.decode(stored("v1", "Pod", withGroup))).why().contains("wire type 3"));
    ProtoBytes noMeta = new ProtoBytes().message(2, new ProtoBytes().string(1, "spec only"));
    assertEquals(new KubeValue.Opaque("Pod object without ObjectMeta (field 1)"),
        KubeValues.decode(stored("v1", "Pod", noMeta)));
  }

  @Test
  void a_json_custom_resource_gives_its_type_and_metadata() {
    String cr = """
        {"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"nightly","namespace":"ops",
         "uid":"1d2c","creationTimestamp":"2026-05-01T10:00:00Z","generation":3,
         "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"cfg","uid":"9a"}]},"spec":{"x":1}}
        """;
    KubeValue.Decoded d = assertInstanceOf(KubeValue.Decoded.class,
        KubeValues.decode(cr.getBytes(StandardCharsets.UTF_8)));
    assertEquals("json", d.encoding());
    assertEquals(new ObjectMetadata("stable.example.com/v1", "CronTab", "ops", "nightly", "1d2c",
        Instant.parse("2026-05-01T10:00:00Z"), List.of(new OwnerReference("v1", "ConfigMap", "cfg", "9a", false))),
        d.metadata());
  }

  @Test
  void values_encrypted_at_rest_name_their_provider_and_key() {
    byte[] cipher = {(byte) 0x9f, 0, 0x3a, (byte) 0xff, 0x10};
    assertEquals(new KubeValue.Encrypted("aescbc", "v1", "key1"), KubeValues.decode(concat("k8s:enc:aescbc:v1:key1:",
        cipher)));
    assertEquals(new KubeValue.Encrypted("kms", "v2", "vault-kms"), KubeValues.decode(concat(
        "k8s:enc:kms:v2:vault-kms:", cipher)));
    assertEquals(new KubeValue.Encrypted("secretbox", "v1", "k"), KubeValues.decode(concat("k8s:enc:secretbox:v1:k:",
        cipher)));
    assertInstanceOf(KubeValue.Opaque.class, KubeValues.decode(concat("k8s:enc:aescbc", cipher)));
  }

  @Test
  void values_that_are_not_kubernetes_objects_are_opaque() {
    for (String s : List.of("", "12345", "[1,2]", "{not json", "{\"kind\":\"NoMeta\"}")) {
      assertInstanceOf(KubeValue.Opaque.class, KubeValues.decode(s.getBytes(StandardCharsets.UTF_8)), s);
    }
  }

  private static byte[] concat(String prefix, byte[] tail) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(p, p.length + tail.length);
    System.arraycopy(tail, 0, all, p.length, tail.length);
    return all;
  }
}
