package dev.etcddr.undelete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.etcd.EtcdKeyWriter.LiveRevisions;
import dev.etcddr.snapshot.SnapshotKeys.StoredKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UndeletePlanTest {
  private static final LiveRevisions ABSENT = new LiveRevisions(0, 0);
  private static final UndeletePlan.Owners NO_OWNER_LIVE = o -> Optional.of("is gone from the live cluster");
  private static final UndeletePlan.Decryption ANY_KEY = e -> Optional.empty();

  private static StoredKey object(String key, String kind, String uid, String ownerUid, long lease) {
    String owners = ownerUid == null ? "" : ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
        + "\"name\":\"rs-" + ownerUid + "\",\"uid\":\"" + ownerUid + "\",\"controller\":true}]";
    String json = "{\"apiVersion\":\"v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + uid
        + "\",\"namespace\":\"shop\",\"uid\":\"" + uid + "\"" + owners + "}}";
    return stored(key, json.getBytes(StandardCharsets.UTF_8), 10, lease);
  }

  private static StoredKey stored(String key, byte[] value, long createRevision, long lease) {
    return new StoredKey(key.getBytes(StandardCharsets.UTF_8), createRevision, createRevision + 1, 2, lease, value);
  }

  private static UndeletePlan.Plan plan(List<StoredKey> keys, Map<String, LiveRevisions> live, Set<String> overwrite,
      UndeletePlan.Owners owners, UndeletePlan.Decryption decryption, boolean writeHeld) {
    return UndeletePlan.plan(keys, i -> live.getOrDefault(keys.get(i).keyText(), ABSENT), overwrite, owners,
        decryption, writeHeld);
  }

  private static List<String> writes(UndeletePlan.Plan p) {
    List<String> out = new ArrayList<>();
    p.writes().forEach(w -> out.add(w.key().keyText() + "@" + w.expectedModRevision()));
    return out;
  }

  private static List<String> held(UndeletePlan.Plan p) {
    List<String> out = new ArrayList<>();
    p.held().forEach(h -> out.add(h.key().keyText() + ":" + h.reason().jsonName()));
    return out;
  }

  @Test
  void absent_keys_are_created_present_ones_left_alone_unless_named_for_overwrite() {
    StoredKey gone = object("/registry/services/specs/shop/a", "Service", "a", null, 0);
    StoredKey recreated = object("/registry/services/specs/shop/b", "Service", "b", null, 0);
    StoredKey rewritten = object("/registry/services/specs/shop/c", "Service", "c", null, 0);
    StoredKey same = object("/registry/services/specs/shop/d", "Service", "d", null, 0);
    List<StoredKey> keys = List.of(gone, recreated, rewritten, same);
    Map<String, LiveRevisions> live = Map.of(recreated.keyText(), new LiveRevisions(40, 40),
        rewritten.keyText(), new LiveRevisions(10, 41), same.keyText(), new LiveRevisions(10, 11));

    UndeletePlan.Plan p = plan(keys, live, Set.of(), NO_OWNER_LIVE, ANY_KEY, false);
    assertEquals(List.of(gone.keyText() + "@0"), writes(p));
    assertEquals(List.of(), p.held());
    assertEquals(List.of("b recreated", "c written since", "d unchanged"), p.present().stream()
        .map(x -> x.key().keyText().substring(x.key().keyText().length() - 1) + (x.recreated() ? " recreated"
            : x.unchanged() ? " unchanged" : " written since")).toList());

    UndeletePlan.Plan over = plan(keys, live, Set.of(rewritten.keyText()), NO_OWNER_LIVE, ANY_KEY, false);
    assertEquals(List.of(gone.keyText() + "@0", rewritten.keyText() + "@41"), writes(over),
        "an overwrite is guarded by the mod revision seen");
  }

  @Test
  void leased_keys_are_held_back_and_written_only_when_asked() {
    StoredKey event = object("/registry/events/shop/e1", "Event", "e1", null, 0x694d8a1b2c3d4e5fL);
    StoredKey svc = object("/registry/services/specs/shop/a", "Service", "a", null, 0);
    UndeletePlan.Plan p = plan(List.of(event, svc), Map.of(), Set.of(), NO_OWNER_LIVE, ANY_KEY, false);
    assertEquals(List.of(svc.keyText() + "@0"), writes(p));
    assertEquals(List.of(event.keyText() + ":leased"), held(p));
    assertTrue(p.held().get(0).detail().contains("694d8a1b2c3d4e5f"), p.held().get(0).detail());
    UndeletePlan.Plan all = plan(List.of(event, svc), Map.of(), Set.of(), NO_OWNER_LIVE, ANY_KEY, true);
    assertEquals(2, all.writes().size());
    assertEquals(1, all.held().size(), "still reported");
  }

  @Test
  void an_owner_coming_back_too_or_alive_keeps_its_dependents_a_missing_one_holds_them_down_the_chain() {
    StoredKey rs = object("/registry/replicasets/shop/rs", "ReplicaSet", "u-rs", "u-deploy", 0);
    StoredKey pod = object("/registry/pods/shop/p1", "Pod", "u-p1", "u-rs", 0);
    StoredKey orphanOfAlive = object("/registry/pods/shop/p2", "Pod", "u-p2", "u-alive", 0);
    UndeletePlan.Owners owners = o -> o.uid().equals("u-alive") ? Optional.empty()
        : Optional.of("is gone from the live cluster");
    UndeletePlan.Plan p = plan(List.of(rs, pod, orphanOfAlive), Map.of(), Set.of(), owners, ANY_KEY, false);
    assertEquals(List.of(orphanOfAlive.keyText() + "@0"), writes(p));
    assertEquals(List.of(rs.keyText() + ":owner_missing", pod.keyText() + ":owner_missing"), held(p));
    assertTrue(p.held().get(1).detail().contains("ReplicaSet/rs-u-rs (uid u-rs) is held back itself"),
        p.held().get(1).detail());

    UndeletePlan.Plan deployAlive = plan(List.of(rs, pod), Map.of(), Set.of(), o -> Optional.empty(), ANY_KEY,
        false);
    assertEquals(List.of(rs.keyText() + "@0", pod.keyText() + "@0"), writes(deployAlive));
  }

  @Test
  void a_value_encrypted_with_a_key_the_apiserver_lacks_is_held() {
    StoredKey old = stored("/registry/secrets/shop/old", "k8s:enc:aescbc:v1:key0:\u0001\u0002"
        .getBytes(StandardCharsets.ISO_8859_1), 5, 0);
    StoredKey current = stored("/registry/secrets/shop/new", "k8s:enc:aescbc:v1:key1:\u0001\u0002"
        .getBytes(StandardCharsets.ISO_8859_1), 6, 0);
    UndeletePlan.Decryption onlyKey1 = e -> e.keyName().equals("key1") ? Optional.empty()
        : Optional.of("no key " + e.keyName());
    UndeletePlan.Plan p = plan(List.of(old, current), Map.of(), Set.of(), NO_OWNER_LIVE, onlyKey1, false);
    assertEquals(List.of(current.keyText() + "@0"), writes(p));
    assertEquals(List.of(old.keyText() + ":encryption_key_missing"), held(p));
  }
}
