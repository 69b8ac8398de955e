package dev.etcddr.membership;

import dev.etcddr.EtcdDrException;
import dev.etcddr.access.EtcdAccess;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.etcd.MemberEntry;
import dev.etcddr.etcd.MemberStatus;
import dev.etcddr.etcd.MembershipRefusedException;
import dev.etcddr.etcd.MembershipRefusedException.Reason;
import dev.etcddr.manifest.ManifestReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code member add-learner | promote | remove}: the steps of replacing one member while the others keep serving
 * (remove the dead member, add it back as a learner, start it with the current member list, promote it once it
 * has caught up). Each step can be repeated: one already done is reported as such, so a play that stopped halfway
 * runs again from the top. The changes are asked of the first endpoint that answers as a voting member with a
 * leader; etcd itself refuses a change that would risk quorum (its strict reconfiguration check).
 */
public final class MemberChanges {
  /** Pause between checks of a learner's progress. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** How long a change refused by etcd's quorum checks is asked again: three of its 5 s health intervals. */
  static final Duration QUORUM_CHECK_RETRY = Duration.ofSeconds(15);

  /** How the wait between checks is spent; tests pass one that advances a fake clock. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Clock clock;
  private final Sleeper sleeper;

  public MemberChanges(Clock clock, Sleeper sleeper) {
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public MemberChangeReport addLearner(MemberChangeRequest r) {
    return withVoter(r, (voter, access) -> {
      List<MemberEntry> members = voter.members();
      HashSet<String> wanted = new HashSet<>(r.peerUrls());
      for (MemberEntry m : members) {
        HashSet<String> theirs = new HashSet<>(m.peerUrls());
        if (theirs.equals(wanted) && m.learner()) {
          return report("add-learner", "already_learner", m, r.member(), members, -1, 0, 0);
        }
        if (theirs.equals(wanted)) {
          throw new MembershipRefusedException(Reason.PEER_URLS_EXIST, "member " + describe(m) + " already has"
              + " peer URLs " + r.peerUrls() + " as a voting member: remove it first (member remove)", null);
        }
        if (theirs.stream().anyMatch(wanted::contains)) {
          throw new MembershipRefusedException(Reason.PEER_URLS_EXIST, "member " + describe(m) + " shares a peer URL"
              + " with " + r.peerUrls() + ": etcd allows each peer URL once", null);
        }
        if (!m.name().equals(r.member()) && m.name().isEmpty()) {
          throw new MembershipRefusedException(Reason.OTHER, "member " + describe(m) + " was added but never"
              + " started: start or remove it before adding another (etcd admits one pending member at a time"
              + " safely)", null);
        }
        if (m.name().equals(r.member())) {
          throw new MembershipRefusedException(Reason.OTHER, "a member named " + r.member() + " already exists with"
              + " other peer URLs " + m.peerUrls() + ": remove it first", null);
        }
      }
      List<MemberEntry> after = retryingQuorumChecks(() -> voter.membership().addLearner(r.peerUrls()));
      MemberEntry added = after.stream().filter(m -> new HashSet<>(m.peerUrls()).equals(wanted)).findFirst()
          .orElseThrow(() -> new EtcdUnavailableException("etcd at " + voter.endpoint() + " accepted the learner but"
              + " its member list does not show " + r.peerUrls()));
      return report("add-learner", "added", added, r.member(), after, -1, 0, 0);
    });
  }

  public MemberChangeReport remove(MemberChangeRequest r) {
    return withVoter(r, (voter, access) -> {
      List<MemberEntry> members = voter.members();
      Optional<MemberEntry> target = find(members, r.member());
      if (target.isEmpty()) {
        return new MemberChangeReport("remove", "already_removed", isId(r.member()) ? r.member() : null,
            isId(r.member()) ? null : r.member(), List.of(), initialCluster(members, null, null), views(members), -1,
            0, 0);
      }
      MemberEntry m = target.get();
      if (r.expectDown()) {
        refuseIfAnswering(m, access);
      }
      try {
        List<MemberEntry> after = retryingQuorumChecks(() -> voter.membership().removeMember(m.id()));
        return report("remove", "removed", m, m.name(), after, -1, 1, 0);
      } catch (MembershipRefusedException e) {
        if (e.reason() == Reason.MEMBER_NOT_FOUND) {
          return report("remove", "already_removed", m, m.name(), voter.members(), -1, 1, 0);
        }
        throw e;
      }
    });
  }

  public MemberChangeReport promote(MemberChangeRequest r) {
    return withVoter(r, (voter, access) -> {
      Instant start = clock.instant();
      Instant deadline = start.plus(r.catchUpWait().orElse(Duration.ZERO));
      int attempts = 0;
      long lag = -1;
      String lastRefusal = "not tried";
      while (true) {
        List<MemberEntry> members = voter.members();
        Optional<MemberEntry> found = find(members, r.member());
        // A learner has no name until its etcd has started and published it: wait for a pending one to.
        boolean unnamedLearner = members.stream().anyMatch(e -> e.learner() && e.name().isEmpty());
        if (found.isEmpty() && (!unnamedLearner || !clock.instant().isBefore(deadline))) {
          throw new MembershipRefusedException(Reason.MEMBER_NOT_FOUND, "no member " + r.member() + " in the member"
              + " list of " + voter.endpoint() + " (" + members.stream().map(MemberChanges::describe)
                  .collect(Collectors.joining(", ")) + ")" + (unnamedLearner ? "; a learner there never started"
                  + " within the wait: start its etcd, or promote it by ID" : ""), null);
        }
        if (found.isEmpty()) {
          lastRefusal = "not started yet";
          pause("learner " + r.member());
          continue;
        }
        MemberEntry m = found.get();
        if (!m.learner()) {
          return report("promote", attempts == 0 ? "already_voter" : "promoted", m, m.name(), members, lag, attempts,
              waited(start));
        }
        lag = lag(voter, m, access);
        if (lag >= 0 && lag <= r.maxLag()) {
          attempts++;
          try {
            List<MemberEntry> after = voter.membership().promoteMember(m.id());
            return report("promote", "promoted", m, m.name(), after, lag, attempts, waited(start));
          } catch (MembershipRefusedException e) {
            if (e.reason() == Reason.NOT_A_LEARNER) {
              return report("promote", "promoted", m, m.name(), voter.members(), lag, attempts, waited(start));
            }
            if (e.reason() != Reason.LEARNER_NOT_READY) {
              throw e;
            }
            lastRefusal = "etcd: not yet in sync with the leader";
          }
        } else {
          lastRefusal = lag < 0 ? "its status cannot be read on " + m.clientUrls()
              : lag + " revisions behind (at most " + r.maxLag() + ")";
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new MembershipRefusedException(Reason.LEARNER_NOT_READY, "learner " + describe(m) + " did not catch"
              + " up within " + r.catchUpWait().orElse(Duration.ZERO).toSeconds() + "s: " + lastRefusal + " after "
              + attempts + " promote attempt(s); it is still a learner", null);
        }
        pause("learner " + describe(m));
      }
    });
  }

  private void pause(String waitingFor) {
    try {
      sleeper.sleep(POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdUnavailableException("interrupted while waiting for " + waitingFor);
    }
  }

  /**
   * etcd refuses a membership change until every voting member has been connected for its health interval (5 s,
   * {@code etcdserver isConnectedFullySince}), so one just after a start or another change is refused as an
   * "unhealthy cluster"; asked again for up to {@link #QUORUM_CHECK_RETRY}, as etcdctl users do by hand.
   */
  private <T> T retryingQuorumChecks(java.util.function.Supplier<T> change) {
    Instant deadline = clock.instant().plus(QUORUM_CHECK_RETRY);
    while (true) {
      try {
        return change.get();
      } catch (MembershipRefusedException e) {
        if (e.reason() != Reason.WOULD_RISK_QUORUM || !clock.instant().isBefore(deadline)) {
          throw e;
        }
      }
      pause("the cluster to accept a membership change");
    }
  }

  /** The learner's revision behind the voter's, from their status; -1 when the learner does not answer. */
  private long lag(EtcdEndpoint voter, MemberEntry learner, EtcdAccess access) {
    long voterRevision = voter.statusOnly().revision();
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      for (String url : learner.clientUrls()) {
        try (EtcdEndpoint e = connector.open(url, access.tls(), access.timeout())) {
          MemberStatus s = e.statusOnly();
          if (s.memberId() == learner.id()) {
            return Math.max(0, voterRevision - s.revision());
          }
        } catch (EtcdDrException e) {
          // the next URL, or unknown
        }
      }
    }
    return -1;
  }

  private void refuseIfAnswering(MemberEntry m, EtcdAccess access) {
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      for (String url : m.clientUrls()) {
        try (EtcdEndpoint e = connector.open(url, access.tls(), access.timeout())) {
          MemberStatus s = e.statusOnly();
          if (s.memberId() == m.id()) {
            throw new MembershipRefusedException(Reason.OTHER, "member " + describe(m) + " still answers on " + url
                + " (revision " + s.revision() + "): stop its etcd before removing it, or drop --expect-down", null);
          }
        } catch (EtcdUnavailableException e) {
          // down, as expected
        }
      }
    }
  }

  private interface VoterStep {
    MemberChangeReport run(EtcdEndpoint voter, EtcdAccess access);
  }

  /** Runs a step against the first endpoint that answers as a voting member with a leader. */
  private MemberChangeReport withVoter(MemberChangeRequest r, VoterStep step) {
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      EtcdAccess access = EtcdAccess.resolve(r.access(), new ManifestReader(), clock);
      List<String> tried = new ArrayList<>();
      for (String endpoint : access.endpoints()) {
        try (EtcdEndpoint voter = connector.open(endpoint, access.tls(), access.timeout())) {
          MemberStatus s = voter.status();
          if (s.leaderId() == 0) {
            tried.add(endpoint + ": no leader");
            continue;
          }
          boolean learner = voter.members().stream().anyMatch(m -> m.id() == s.memberId() && m.learner());
          if (learner) {
            tried.add(endpoint + ": a learner");
            continue;
          }
          return step.run(voter, access);
        } catch (EtcdUnavailableException e) {
          tried.add(e.getMessage());
        }
      }
      throw new EtcdUnavailableException("no voting member with a leader answered: " + String.join("; ", tried));
    }
  }

  static Optional<MemberEntry> find(List<MemberEntry> members, String nameOrId) {
    if (isId(nameOrId)) {
      long id = Long.parseUnsignedLong(nameOrId, 16);
      return members.stream().filter(m -> m.id() == id).findFirst();
    }
    List<MemberEntry> named = members.stream().filter(m -> m.name().equals(nameOrId)).toList();
    if (named.size() > 1) {
      throw new MembershipRefusedException(Reason.OTHER, named.size() + " members are named " + nameOrId
          + ": give the ID instead", null);
    }
    return named.stream().findFirst();
  }

  static boolean isId(String s) {
    return s.matches("[0-9a-f]{16}");
  }

  /** name=url,... over the member list; the pending member (empty name) takes {@code pendingName}. */
  static String initialCluster(List<MemberEntry> members, MemberEntry pending, String pendingName) {
    List<String> parts = new ArrayList<>();
    for (MemberEntry m : members) {
      String name = m.name().isEmpty() && pending != null && m.id() == pending.id() ? pendingName : m.name();
      if (name.isEmpty()) {
        return null; // a member that never started has no name to list
      }
      m.peerUrls().forEach(u -> parts.add(name + "=" + u));
    }
    return String.join(",", parts);
  }

  private MemberChangeReport report(String action, String outcome, MemberEntry m, String name,
      List<MemberEntry> after, long lag, int attempts, long waited) {
    return new MemberChangeReport(action, outcome, hex(m.id()), name, m.peerUrls(), initialCluster(after, m, name),
        views(after), lag, attempts, waited);
  }

  private long waited(Instant start) {
    return Duration.between(start, clock.instant()).toMillis();
  }

  private static List<MemberChangeReport.MemberView> views(List<MemberEntry> members) {
    return members.stream().map(m -> new MemberChangeReport.MemberView(hex(m.id()), m.name(), m.peerUrls(),
        m.clientUrls(), m.learner())).toList();
  }

  static String hex(long id) {
    return String.format("%016x", id);
  }

  static String describe(MemberEntry m) {
    return hex(m.id()) + (m.name().isEmpty() ? " (not started)" : " (" + m.name() + ")") + " " + m.peerUrls();
  }
}
