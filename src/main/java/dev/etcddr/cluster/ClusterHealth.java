package dev.etcddr.cluster;

import dev.etcddr.EtcdDrException;
import dev.etcddr.access.EtcdAccess;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.etcd.HashKv;
import dev.etcddr.etcd.MemberEntry;
import dev.etcddr.etcd.MemberStatus;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.net.HostPort;
import dev.etcddr.snapshot.KeyGroups;
import dev.etcddr.tls.TlsException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * {@code cluster health}: asks every endpoint at once for its status (each bounded by the timeout, so a dead member
 * costs one timeout, not one per member), then the optional HashKV and key count, and reports every problem found.
 * An unhealthy cluster is a report, not an exception; only what stops us from asking at all (a manifest or
 * credentials we cannot use, or the same TLS refusal from every endpoint) is thrown.
 */
public final class ClusterHealth {
  /** Keys per range request when counting: a page of 10 000 keys-only entries stays around a megabyte. */
  static final int KEYS_PER_PAGE = 10_000;

  private final Clock clock;

  public ClusterHealth(Clock clock) {
    this.clock = clock;
  }

  /** One endpoint's answer to open + status; client is null when it could not be opened. */
  private record Probe(String endpoint, EtcdEndpoint client, MemberStatus status, EtcdDrException failure) {}

  public HealthReport check(HealthRequest request) {
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      EtcdAccess access = EtcdAccess.resolve(request.access(), new ManifestReader(), clock);
      ExecutorService pool = Executors.newFixedThreadPool(access.endpoints().size(), r -> {
        Thread t = new Thread(r, "etcd-dr-health");
        t.setDaemon(true);
        return t;
      });
      List<Probe> probes = List.of();
      try {
        probes = inParallel(pool, access.endpoints(), endpoint -> probe(connector, access, endpoint));
        return check(request, probes, pool);
      } finally {
        probes.stream().map(Probe::client).filter(c -> c != null).forEach(EtcdEndpoint::close);
        pool.shutdownNow();
      }
    }
  }

  private static Probe probe(EtcdConnector connector, EtcdAccess access, String endpoint) {
    EtcdEndpoint client = null;
    try {
      client = connector.open(endpoint, access.tls(), access.timeout());
      try {
        return new Probe(endpoint, client, client.status(), null);
      } catch (EtcdUnavailableException e) {
        if (!e.getMessage().contains("not supported for learner")) {
          throw e;
        }
        // A learner answers status but not the member list; its name comes from a voter's list.
        return new Probe(endpoint, client, client.statusOnly(), null);
      }
    } catch (EtcdDrException e) {
      return new Probe(endpoint, client, null, e);
    }
  }

  private HealthReport check(HealthRequest request, List<Probe> probes, ExecutorService pool) {
    List<Probe> up = probes.stream().filter(p -> p.status() != null).toList();
    if (up.isEmpty() && probes.stream().allMatch(p -> p.failure() instanceof TlsException)) {
      // The same credentials fail everywhere: that is ours to fix (exit 4), not the cluster's health.
      throw probes.get(0).failure();
    }
    List<String> failures = new ArrayList<>();
    List<MemberEntry> memberList = List.of();
    // The first endpoint that serves the member list: a learner does not.
    for (Probe p : up) {
      try {
        memberList = p.client().members();
        break;
      } catch (EtcdDrException e) {
        if (p == up.get(up.size() - 1)) {
          failures.add(up.get(0).endpoint() + ": member list failed: " + e.getMessage());
        }
      }
    }
    List<MemberReport> members = memberList.stream().map(MemberReport::of).toList();
    List<EndpointReport> endpoints = new ArrayList<>();
    for (Probe p : probes) {
      endpoints.add(p.status() != null ? EndpointReport.answered(named(p.status(), memberList))
          : unreachable(p.endpoint(), p.failure().getMessage(), memberList));
    }
    if (!up.isEmpty() && (request.hash() || request.hashRevision().isPresent())) {
      // Members at one revision hash "the current revision" (0): right after a restore with --mark-compacted the
      // current revision is also the compacted one, and etcd refuses HashKV at a compacted revision given by number.
      long revision = request.hashRevision().orElseGet(() -> {
        long min = up.stream().mapToLong(p -> p.status().revision()).min().orElseThrow();
        long max = up.stream().mapToLong(p -> p.status().revision()).max().orElseThrow();
        return min == max ? 0 : min;
      });
      hash(pool, probes, endpoints, revision, failures);
    }
    Map<String, Long> keyCounts = null;
    Map<String, Long> unleasedKeyCounts = null;
    Long keyCountRevision = null;
    if (request.countKeysPrefix().isPresent()) {
      KeyGroups groups = new KeyGroups(request.countKeysPrefix().get());
      Probe source = up.stream().filter(p -> p.status().isLeader()).findFirst().or(() -> up.stream().findFirst())
          .orElse(null);
      if (source == null) {
        failures.add("cannot count keys under '" + groups.prefix() + "': no endpoint answered");
      } else {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> unleased = new TreeMap<>();
        try {
          keyCountRevision = source.client().forEachKey(groups.prefixBytes(), KEYS_PER_PAGE, 0, (key, lease) -> {
            String group = groups.groupOf(key);
            if (group != null) {
              counts.merge(group, 1L, Long::sum);
              if (lease == 0) {
                unleased.merge(group, 1L, Long::sum);
              }
            }
          });
          keyCounts = counts;
          unleasedKeyCounts = unleased;
        } catch (EtcdDrException e) {
          failures.add(source.endpoint() + ": counting keys under '" + groups.prefix() + "' failed: "
              + e.getMessage());
        }
      }
    }
    List<String> problems = new ArrayList<>(HealthChecks.problems(endpoints, members, request));
    problems.addAll(failures);
    List<EndpointReport> answered = endpoints.stream().filter(EndpointReport::reachable).toList();
    List<String> clusterIds = answered.stream().map(EndpointReport::clusterId).distinct().toList();
    List<String> unanswered = request.quorum() ? HealthChecks.unanswered(endpoints) : List.of();
    return new HealthReport(problems.isEmpty(), clusterIds.size() == 1 ? clusterIds.get(0) : "",
        answered.stream().mapToLong(EndpointReport::revision).max().orElse(0), members, List.copyOf(endpoints),
        keyCounts, unleasedKeyCounts, keyCountRevision, List.copyOf(problems), unanswered,
        Diagnosis.of(endpoints, members, problems));
  }

  /** One member's HashKV answer, or why there is none; both null for an endpoint that did not answer status. */
  private record HashAnswer(HashKv hash, EtcdDrException failure) {}

  /** Every reachable member hashes the same revision at once; a failure is a problem of that member. */
  private static void hash(ExecutorService pool, List<Probe> probes, List<EndpointReport> endpoints, long revision,
      List<String> failures) {
    List<HashAnswer> answers = inParallel(pool, probes, p -> {
      if (p.status() == null) {
        return new HashAnswer(null, null);
      }
      try {
        return new HashAnswer(p.client().hashKv(revision), null);
      } catch (EtcdDrException e) {
        return new HashAnswer(null, e);
      }
    });
    for (int i = 0; i < probes.size(); i++) {
      HashAnswer a = answers.get(i);
      if (a.hash() != null) {
        endpoints.set(i, endpoints.get(i).withHash(a.hash()));
      } else if (a.failure() != null) {
        failures.add(endpoints.get(i).who() + ": hashkv at revision " + revision + " failed: "
            + a.failure().getMessage());
      }
    }
  }

  /** A learner's status comes without its name; the member list has it. */
  private static MemberStatus named(MemberStatus s, List<MemberEntry> members) {
    if (!s.memberName().isEmpty()) {
      return s;
    }
    String name = members.stream().filter(m -> m.id() == s.memberId()).map(MemberEntry::name).findFirst().orElse("");
    return new MemberStatus(s.endpoint(), s.clusterId(), s.memberId(), name, s.version(), s.revision(), s.raftIndex(),
        s.raftTerm(), s.dbSize(), s.leaderId(), s.errors());
  }

  /** The member list knows an endpoint that did not answer by its client URL: name it in the report. */
  private static EndpointReport unreachable(String endpoint, String error, List<MemberEntry> members) {
    Optional<MemberEntry> m = members.stream()
        .filter(e -> e.clientUrls().stream().anyMatch(u -> HostPort.sameUrl(u, endpoint))).findFirst();
    return EndpointReport.unreachable(endpoint, error, m.map(e -> Ids.hex(e.id())).orElse(""),
        m.map(MemberEntry::name).orElse(""));
  }

  private static <T, R> List<R> inParallel(ExecutorService pool, List<T> items, Function<T, R> work) {
    List<CompletableFuture<R>> futures = items.stream()
        .map(item -> CompletableFuture.supplyAsync(() -> work.apply(item), pool)).toList();
    List<R> results = new ArrayList<>();
    for (CompletableFuture<R> f : futures) {
      try {
        results.add(f.join());
      } catch (CompletionException e) {
        // Expected failures are answers already; what remains is a bug, reported with its own message.
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    return results;
  }
}
