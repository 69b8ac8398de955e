package dev.etcddr.cli;

import dev.etcddr.kube.KubeValue;
import dev.etcddr.kube.ObjectMetadata;
import dev.etcddr.kube.OwnerReference;
import dev.etcddr.snapshot.SnapshotKeys;
import java.io.PrintWriter;
import java.util.Base64;
import java.util.List;

/** The stable shapes of {@code snapshot ls} and {@code snapshot get}, and their text forms. */
final class KeyListPrinter {
  private KeyListPrinter() {}

  /**
   * One key. {@code encoding} is protobuf, json, encrypted or opaque; the object fields are null unless decoded,
   * the encryption fields unless encrypted, {@code undecoded} unless opaque (it then says why).
   */
  record KeyView(String key, long createRevision, long modRevision, long version, long lease, int valueBytes,
      String encoding, String apiVersion, String kind, String namespace, String name, String uid,
      String creationTimestamp, List<OwnerReference> ownerReferences, String encryptionProvider,
      String encryptionVersion, String encryptionKey, String undecoded) {}

  record ListView(String snapshot, long revision, int count, List<KeyView> keys) {}

  record GetView(String snapshot, long revision, KeyView key, String valueBase64) {}

  static KeyView view(SnapshotKeys.StoredKey k) {
    KubeValue v = k.decoded();
    if (v instanceof KubeValue.Decoded d) {
      ObjectMetadata m = d.metadata();
      return new KeyView(k.keyText(), k.createRevision(), k.modRevision(), k.version(), k.lease(), k.value().length,
          d.encoding(), m.apiVersion(), m.kind(), m.namespace(), m.name(), m.uid(),
          m.creationTimestamp() == null ? null : m.creationTimestamp().toString(), m.ownerReferences(), null, null,
          null, null);
    }
    if (v instanceof KubeValue.Encrypted e) {
      return new KeyView(k.keyText(), k.createRevision(), k.modRevision(), k.version(), k.lease(), k.value().length,
          "encrypted", null, null, null, null, null, null, null, e.provider(), e.version(), e.keyName(), null);
    }
    KubeValue.Opaque o = (KubeValue.Opaque) v;
    return new KeyView(k.keyText(), k.createRevision(), k.modRevision(), k.version(), k.lease(), k.value().length,
        "opaque", null, null, null, null, null, null, null, null, null, null, o.why());
  }

  static void printList(SnapshotKeys.Listing listing, boolean json, PrintWriter out) {
    List<KeyView> views = listing.keys().stream().map(KeyListPrinter::view).toList();
    if (json) {
      OutputOption.printJson(out, new ListView(listing.file().toString(), listing.revision(), views.size(), views));
      return;
    }
    for (KeyView k : views) {
      out.println(k.key() + "  " + what(k) + "  mod_revision=" + k.modRevision());
    }
    out.println(views.size() + (views.size() == 1 ? " key" : " keys") + " at revision " + listing.revision() + " in "
        + listing.file());
  }

  static void printGet(SnapshotKeys.Listing listing, SnapshotKeys.StoredKey key, PrintWriter out) {
    OutputOption.printJson(out, new GetView(listing.file().toString(), listing.revision(), view(key),
        Base64.getEncoder().encodeToString(key.value())));
  }

  /** "Service shop/web uid=..." or "encrypted aescbc/v1 key key1" or "opaque (why)". */
  static String what(KeyView k) {
    return switch (k.encoding()) {
      case "encrypted" -> "encrypted " + k.encryptionProvider() + "/" + k.encryptionVersion() + " key "
          + k.encryptionKey();
      case "opaque" -> "(" + k.undecoded() + ")";
      default -> k.kind() + " " + (k.namespace().isEmpty() ? "" : k.namespace() + "/") + k.name() + " uid="
          + k.uid() + (k.creationTimestamp() == null ? "" : " created=" + k.creationTimestamp());
    };
  }
}
