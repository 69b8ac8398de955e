package dev.etcddr.snapshot;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which stored snapshots to delete: keep the newest {@code keepLast}, the newest of each of the last
 * {@code keepDaily} UTC days and {@code keepWeekly} ISO weeks that have one, and always the newest verified
 * snapshot. Ordered by the time parsed from the name, never by string sort. Pure: nothing is deleted here.
 */
public final class RetentionPlanner {
  /** The decision, with the reason each kept snapshot was kept. */
  public record Plan(List<StoredSnapshot> keep, List<StoredSnapshot> delete, List<String> reasons) {}

  private RetentionPlanner() {}

  public static Plan plan(List<StoredSnapshot> stored, int keepLast, int keepDaily, int keepWeekly) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keep-last must be at least 1: a prune never empties a store");
    }
    if (keepDaily < 0 || keepWeekly < 0) {
      throw new IllegalArgumentException("keep-daily and keep-weekly must not be negative");
    }
    List<StoredSnapshot> newestFirst = new ArrayList<>(stored);
    newestFirst.sort(Comparator.comparing(StoredSnapshot::takenAt).reversed()
        .thenComparing(StoredSnapshot::name, Comparator.reverseOrder()));
    Set<StoredSnapshot> keep = new LinkedHashSet<>();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < Math.min(keepLast, newestFirst.size()); i++) {
      keep.add(newestFirst.get(i));
      reasons.add(newestFirst.get(i).name() + ": one of the last " + keepLast);
    }
    Set<LocalDate> days = new HashSet<>();
    Set<String> weeks = new HashSet<>();
    for (StoredSnapshot s : newestFirst) {
      LocalDate day = s.takenAt().atZone(ZoneOffset.UTC).toLocalDate();
      if (days.size() < keepDaily && days.add(day) && keep.add(s)) {
        reasons.add(s.name() + ": newest of " + day);
      }
      String week = day.get(IsoFields.WEEK_BASED_YEAR) + "-W" + day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      if (weeks.size() < keepWeekly && weeks.add(week) && keep.add(s)) {
        reasons.add(s.name() + ": newest of week " + week);
      }
    }
    newestFirst.stream().filter(StoredSnapshot::verified).findFirst().ifPresent(s -> {
      if (keep.add(s)) {
        reasons.add(s.name() + ": the newest verified snapshot");
      }
    });
    List<StoredSnapshot> delete = newestFirst.stream().filter(s -> !keep.contains(s)).toList();
    return new Plan(List.copyOf(keep), delete, List.copyOf(reasons));
  }
}
