package dev.etcddr.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the type and metadata of a value the apiserver stored in etcd, the three ways it stores one:
 * <ul>
 *   <li>protobuf, for built-in types: the magic {@code k8s\0}, then a runtime.Unknown (field 1 TypeMeta with
 *       apiVersion 1 and kind 2, field 2 the object's own bytes). Every built-in object has ObjectMeta as field 1;
 *       ObjectMeta has name 1, namespace 3, uid 5, creationTimestamp 8 (seconds 1, nanos 2), ownerReferences 13
 *       (kind 1, name 3, uid 4, apiVersion 5, controller 6), the numbers of apimachinery's generated.proto;</li>
 *   <li>JSON, for custom resources (and any type an apiserver is told to store as JSON);</li>
 *   <li>encrypted at rest: {@code k8s:enc:PROVIDER:VERSION:NAME:} and ciphertext, whose prefix is all that can be
 *       read without the key.</li>
 * </ul>
 * Decoding never throws: what does not decode is {@link KubeValue.Opaque} with the reason.
 */
public final class KubeValues {
  private static final byte[] PROTOBUF_MAGIC = {'k', '8', 's', 0};
  private static final byte[] ENCRYPTED_PREFIX = "k8s:enc:".getBytes(StandardCharsets.US_ASCII);
  private static final int ENCRYPTED_SEGMENT_MAX = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubeValues() {}

  public static KubeValue decode(byte[] value) {
    try {
      if (startsWith(value, ENCRYPTED_PREFIX)) {
        return encrypted(value);
      }
      if (startsWith(value, PROTOBUF_MAGIC)) {
        return new KubeValue.Decoded("protobuf", protobuf(value));
      }
      int first = firstNonSpace(value);
      if (first < value.length && value[first] == '{') {
        return json(value);
      }
      return new KubeValue.Opaque("neither the k8s protobuf magic, a JSON object, nor an encryption prefix");
    } catch (KubeDecodeException e) {
      return new KubeValue.Opaque(e.getMessage());
    }
  }

  private static KubeValue encrypted(byte[] value) {
    int p = ENCRYPTED_PREFIX.length;
    String[] segments = new String[3];
    for (int i = 0; i < segments.length; i++) {
      int colon = p;
      while (colon < value.length && colon - p < ENCRYPTED_SEGMENT_MAX && value[colon] != ':') {
        if (value[colon] < 0x21 || value[colon] > 0x7e) {
          return new KubeValue.Opaque("an encrypted value whose prefix is not printable at byte " + colon);
        }
        colon++;
      }
      if (colon >= value.length || value[colon] != ':') {
        return new KubeValue.Opaque("an encrypted value without the k8s:enc:PROVIDER:VERSION:NAME: prefix");
      }
      segments[i] = new String(value, p, colon - p, StandardCharsets.US_ASCII);
      p = colon + 1;
    }
    return new KubeValue.Encrypted(segments[0], segments[1], segments[2]);
  }

  private static ObjectMetadata protobuf(byte[] value) {
    String apiVersion = "";
    String kind = "";
    ProtoReader object = null;
    ProtoReader unknown = new ProtoReader(value, PROTOBUF_MAGIC.length, value.length);
    while (unknown.next()) {
      switch (unknown.field()) {
        case 1 -> {
          ProtoReader typeMeta = unknown.message();
          while (typeMeta.next()) {
            if (typeMeta.field() == 1) {
              apiVersion = typeMeta.string();
            } else if (typeMeta.field() == 2) {
              kind = typeMeta.string();
            }
          }
        }
        case 2 -> object = unknown.message();
        case 3 -> {
          if (!unknown.string().isEmpty()) {
            throw new KubeDecodeException("runtime.Unknown with content encoding '" + unknown.string() + "'");
          }
        }
        default -> { } // contentType and fields of later versions
      }
    }
    if (object == null) {
      throw new KubeDecodeException("runtime.Unknown without the object's bytes (field 2)");
    }
    ProtoReader meta = null;
    while (object.next()) {
      if (object.field() == 1) {
        meta = object.message();
      }
    }
    if (meta == null) {
      throw new KubeDecodeException(kind + " object without ObjectMeta (field 1)");
    }
    return objectMeta(apiVersion, kind, meta);
  }

  private static ObjectMetadata objectMeta(String apiVersion, String kind, ProtoReader meta) {
    String name = "";
    String namespace = "";
    String uid = "";
    Instant created = null;
    List<OwnerReference> owners = new ArrayList<>();
    while (meta.next()) {
      switch (meta.field()) {
        case 1 -> name = meta.string();
        case 3 -> namespace = meta.string();
        case 5 -> uid = meta.string();
        case 8 -> created = time(meta.message());
        case 13 -> owners.add(ownerReference(meta.message()));
        default -> { } // labels, annotations, managedFields, ...
      }
    }
    return new ObjectMetadata(apiVersion, kind, namespace, name, uid, created, owners);
  }

  private static Instant time(ProtoReader t) {
    long seconds = 0;
    long nanos = 0;
    while (t.next()) {
      if (t.field() == 1) {
        seconds = t.varint();
      } else if (t.field() == 2) {
        nanos = (int) t.varint();
      }
    }
    if (nanos < 0 || nanos > 999_999_999) {
      throw new KubeDecodeException("creationTimestamp with nanos " + nanos);
    }
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (java.time.DateTimeException e) {
      throw new KubeDecodeException("creationTimestamp of " + seconds + " seconds");
    }
  }

  private static OwnerReference ownerReference(ProtoReader r) {
    String kind = "";
    String name = "";
    String uid = "";
    String apiVersion = "";
    boolean controller = false;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> kind = r.string();
        case 3 -> name = r.string();
        case 4 -> uid = r.string();
        case 5 -> apiVersion = r.string();
        case 6 -> controller = r.varint() != 0;
        default -> { }
      }
    }
    return new OwnerReference(apiVersion, kind, name, uid, controller);
  }

  private static KubeValue json(byte[] value) {
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return new KubeValue.Opaque("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new KubeValue.Opaque("not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return new KubeValue.Opaque("JSON that is not an object");
    }
    JsonNode meta = root.path("metadata");
    if (!meta.isObject()) {
      return new KubeValue.Opaque("a JSON object without metadata");
    }
    List<OwnerReference> owners = new ArrayList<>();
    for (JsonNode o : meta.path("ownerReferences")) {
      owners.add(new OwnerReference(o.path("apiVersion").asText(""), o.path("kind").asText(""),
          o.path("name").asText(""), o.path("uid").asText(""), o.path("controller").asBoolean(false)));
    }
    Instant created = null;
    String stamp = meta.path("creationTimestamp").asText("");
    if (!stamp.isEmpty()) {
      try {
        created = Instant.parse(stamp);
      } catch (DateTimeParseException e) {
        return new KubeValue.Opaque("creationTimestamp '" + stamp + "' is not RFC 3339");
      }
    }
    return new KubeValue.Decoded("json", new ObjectMetadata(root.path("apiVersion").asText(""),
        root.path("kind").asText(""), meta.path("namespace").asText(""), meta.path("name").asText(""),
        meta.path("uid").asText(""), created, owners));
  }

  private static boolean startsWith(byte[] value, byte[] prefix) {
    if (value.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int firstNonSpace(byte[] value) {
    int i = 0;
    while (i < value.length && (value[i] == ' ' || value[i] == '\n' || value[i] == '\r' || value[i] == '\t')) {
      i++;
    }
    return i;
  }
}
