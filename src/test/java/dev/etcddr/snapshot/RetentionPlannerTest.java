package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {
  private static StoredSnapshot s(String time, long rev, boolean verified) {
    Instant t = Instant.parse(time);
    return new StoredSnapshot(new SnapshotName(7, t, rev, "cp1").fileName(), t, rev, 100, verified);
  }

  @Test
  void keeps_the_newest_by_time_not_by_name() {
    // r9 sorts after r10 as a string; time decides.
    var old = s("2026-01-01T00:00:00Z", 9, true);
    var mid = s("2026-01-02T00:00:00Z", 10, true);
    var neu = s("2026-01-03T00:00:00Z", 100, true);
    var plan = RetentionPlanner.plan(List.of(mid, neu, old), 2, 0, 0);
    assertEquals(List.of(old), plan.delete());
  }

  @Test
  void the_newest_verified_survives_even_past_keep_last() {
    var verified = s("2026-01-01T00:00:00Z", 1, true);
    var u1 = s("2026-01-02T00:00:00Z", 2, false);
    var u2 = s("2026-01-03T00:00:00Z", 3, false);
    var plan = RetentionPlanner.plan(List.of(verified, u1, u2), 1, 0, 0);
    assertEquals(List.of(u1), plan.delete());
    assertTrue(plan.reasons().stream().anyMatch(r -> r.contains("newest verified")));
  }

  @Test
  void daily_and_weekly_tiers_keep_one_per_period() {
    List<StoredSnapshot> all = new ArrayList<>();
    Instant t = Instant.parse("2026-03-01T06:00:00Z");
    for (int i = 0; i < 60; i++) { // two a day for 30 days
      all.add(new StoredSnapshot(new SnapshotName(7, t, i, "cp1").fileName(), t, i, 1, true));
      t = t.plus(Duration.ofHours(12));
    }
    var plan = RetentionPlanner.plan(all, 3, 7, 4);
    Set<String> days = new HashSet<>();
    plan.keep().forEach(k -> days.add(k.takenAt().toString().substring(0, 10)));
    assertTrue(plan.keep().size() >= 7 && plan.keep().size() <= 3 + 7 + 4, plan.keep().toString());
    assertTrue(days.size() >= 7, days.toString());
  }

  @Test
  void never_empties_a_store() {
    assertThrows(IllegalArgumentException.class, () -> RetentionPlanner.plan(List.of(), 0, 0, 0));
  }

  @Test
  void random_stores_keep_their_invariants() {
    Random rnd = new Random(3);
    for (int round = 0; round < 500; round++) {
      List<StoredSnapshot> all = new ArrayList<>();
      int n = rnd.nextInt(20);
      for (int i = 0; i < n; i++) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(rnd.nextInt(90 * 86400));
        all.add(new StoredSnapshot(new SnapshotName(7, t, i, "cp1").fileName(), t, i, 1, rnd.nextInt(4) > 0));
      }
      Collections.shuffle(all, rnd);
      int keepLast = 1 + rnd.nextInt(5);
      var plan = RetentionPlanner.plan(all, keepLast, rnd.nextInt(4), rnd.nextInt(3));
      assertEquals(all.size(), plan.keep().size() + plan.delete().size());
      List<StoredSnapshot> byTime = new ArrayList<>(all);
      byTime.sort((a, b) -> b.takenAt().compareTo(a.takenAt()));
      for (int i = 0; i < Math.min(keepLast, byTime.size()); i++) {
        assertTrue(plan.keep().contains(byTime.get(i)), "keep-last kept");
      }
      byTime.stream().filter(StoredSnapshot::verified).findFirst()
          .ifPresent(v -> assertTrue(plan.keep().contains(v), "newest verified kept"));
      if (!all.isEmpty()) {
        assertTrue(!plan.keep().isEmpty());
      }
    }
  }
}
