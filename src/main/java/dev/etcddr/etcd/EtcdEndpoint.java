package dev.etcddr.etcd;

import com.google.protobuf.ByteString;
import dev.etcddr.net.HostPort;
import dev.etcddr.tls.ClientTls;
import dev.etcddr.tls.ServerCertificateCheck;
import dev.etcddr.tls.TlsException;
import dev.etcddr.tls.TlsProbe;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.maintenance.HashKVResponse;
import io.etcd.jetcd.maintenance.SnapshotResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A client bound to exactly ONE etcd member. etcd refuses a snapshot requested through a balancer over several
 * endpoints ("snapshot must be requested to one selected node"), and status must describe the member we asked, so
 * every call here goes to the single endpoint given.
 */
public final class EtcdEndpoint implements AutoCloseable {
  /** Chunks buffered between the network thread and the writer: 64 × 32 KiB, so memory stays flat. */
  private static final int QUEUE_CHUNKS = 64;

  private final String endpoint;
  /** The gRPC target of this member's channels, the main one and those jetcd opens per status or hashkv call. */
  private final String target;
  private final Duration timeout;
  private final ServerCertificateCheck serverCheck;
  private final ClientTls tls;
  private final Client client;

  private CompletableFuture<StatusResponse> pendingStatus;

  private EtcdEndpoint(String endpoint, ClientTls tls, Duration timeout, Clock clock, Vertx vertx) {
    this.endpoint = endpoint;
    this.tls = tls;
    this.timeout = timeout;
    URI uri = parse(endpoint);
    HostPort where = HostPort.of(uri, -1);
    this.target = grpcTarget(uri.getScheme(), where);
    this.serverCheck = new ServerCertificateCheck(tls, endpoint, where.host(), clock);
    var builder = Client.builder()
        .target(target)
        .connectTimeout(timeout)
        .retryMaxAttempts(1)
        .retryMaxDuration(timeout);
    if (vertx != null) {
      builder.vertx(vertx);
    }
    if ("https".equals(uri.getScheme())) {
      try {
        builder.sslContext(b -> b.sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
            .trustManager(serverCheck).keyManager(tls.keyManager()));
      } catch (javax.net.ssl.SSLException e) {
        throw new TlsException("cannot set up TLS for " + endpoint + ": " + e.getMessage(), e);
      }
    }
    this.client = builder.build();
  }

  /**
   * Connects to one member. The status request is sent at once and, while it is under way, a plain TLS handshake
   * checks the endpoint, so that a member that is down or refuses our certificates is reported at once with the
   * reason instead of as a gRPC timeout.
   *
   * @param vertx an event loop prepared ahead (see {@link EtcdConnector}), handed over to this client; or null
   */
  static EtcdEndpoint open(String endpoint, ClientTls tls, Duration timeout, Clock clock, Vertx vertx) {
    URI uri = parse(endpoint);
    HostPort where = HostPort.of(uri, -1);
    EtcdEndpoint e = new EtcdEndpoint(endpoint, tls, timeout, clock, vertx);
    try {
      e.pendingStatus = e.client.getMaintenanceClient().statusMember(e.target);
      TlsProbe.Outcome outcome = TlsProbe.probe(endpoint, where.host(), where.port(),
          "https".equals(uri.getScheme()), tls, e.serverCheck, timeout);
      if (outcome instanceof TlsProbe.Unreachable u) {
        throw new EtcdUnavailableException(u.why());
      }
      if (outcome instanceof TlsProbe.Refused r) {
        throw r.why();
      }
      return e;
    } catch (RuntimeException ex) {
      e.close();
      throw ex;
    }
  }

  public String endpoint() {
    return endpoint;
  }

  /** For {@link EtcdKeyWriter}: the key-value API of this member's client. */
  io.etcd.jetcd.KV kv() {
    return client.getKVClient();
  }

  private static URI parse(String endpoint) {
    String like = " (a URL like https://10.0.0.1:2379 or https://[fd00::11]:2379)";
    URI uri;
    try {
      uri = URI.create(endpoint);
      HostPort.of(uri, -1);
    } catch (IllegalArgumentException e) {
      String why = e.getCause() instanceof java.net.URISyntaxException s ? "not a URL (" + s.getReason() + ")"
          : e.getMessage();
      throw new EtcdUnavailableException("endpoint '" + endpoint + "': " + why + like);
    }
    if (!List.of("http", "https").contains(uri.getScheme())) {
      throw new EtcdUnavailableException("endpoint '" + endpoint + "' is not http:// or https://" + like);
    }
    return uri;
  }

  /**
   * The target jetcd hands to gRPC. Not {@code Client.builder().endpoints(uri)}: jetcd turns that into
   * {@code ip:///[fd00::11]:2379}, which gRPC cannot parse (brackets are not allowed in a URI path) and so finds no
   * name resolver for. The endpoint URL itself goes to jetcd's http/https resolver, the one it already uses for
   * the per-member status and hashkv channels; an IPv6 zone is written with a bare {@code %}, the only form
   * {@link java.net.InetAddress} reads.
   */
  static String grpcTarget(String scheme, HostPort where) {
    return scheme + "://" + (where.isIpv6() ? "[" + where.host() + "]" : where.host()) + ":" + where.port();
  }

  /** Status of this member, named through the member list. */
  public MemberStatus status() {
    CompletableFuture<StatusResponse> request = pendingStatus != null ? pendingStatus
        : client.getMaintenanceClient().statusMember(target);
    pendingStatus = null;
    StatusResponse status = await(request, "status");
    List<Member> members = await(client.getClusterClient().listMember(), "member list").getMembers();
    long id = status.getHeader().getMemberId();
    String name = members.stream().filter(m -> m.getId() == id).map(Member::getName).findFirst().orElse("");
    return new MemberStatus(endpoint, status.getHeader().getClusterId(), id, name, status.getVersion(),
        status.getHeader().getRevision(), status.getRaftIndex(), status.getRaftTerm(), status.getDbSize(),
        status.getLeader(), List.copyOf(status.getErrorList()));
  }

  /** The member list as this member sees it. */
  public List<MemberEntry> members() {
    return entries(await(client.getClusterClient().listMember(), "member list").getMembers());
  }

  /**
   * Status without the member list, which a learner refuses to serve (etcd lets a learner answer only status and
   * serializable reads: {@code v3rpc/util.go isRPCSupportedForLearner}); the name is left empty.
   */
  public MemberStatus statusOnly() {
    StatusResponse status = await(client.getMaintenanceClient().statusMember(target), "status");
    return new MemberStatus(endpoint, status.getHeader().getClusterId(), status.getHeader().getMemberId(), "",
        status.getVersion(), status.getHeader().getRevision(), status.getRaftIndex(), status.getRaftTerm(),
        status.getDbSize(), status.getLeader(), List.copyOf(status.getErrorList()));
  }

  /** Membership changes (add a learner, remove, promote), asked of this member. */
  public EtcdMembership membership() {
    return new EtcdMembership(this, client);
  }

  static List<MemberEntry> entries(List<Member> members) {
    return members.stream()
        .map(m -> new MemberEntry(m.getId(), m.getName(), m.getPeerURIs().stream().map(URI::toString).toList(),
            m.getClientURIs().stream().map(URI::toString).toList(), m.isLearner()))
        .toList();
  }

  /** This member's HashKV at {@code revision} (0 = its current revision). */
  public HashKv hashKv(long revision) {
    HashKVResponse r = await(client.getMaintenanceClient().hashKV(target, revision), "hashkv");
    return new HashKv(Integer.toUnsignedLong(r.getHash()), revision != 0 ? revision : r.getHeader().getRevision(),
        r.getCompacted());
  }

  /**
   * Hands every key under {@code prefix} to {@code visitor}, keys only, {@code pageSize} keys per request, every
   * page read at the revision of the first so the keys are one consistent view; memory holds one page at most.
   * An empty prefix means every key.
   *
   * @return the revision the keys were read at
   */
  public long forEachKey(byte[] prefix, int pageSize, Consumer<ByteBuffer> visitor) {
    return forEachKey(prefix, pageSize, 0, visitor);
  }

  /** As above, every page read at {@code atRevision} (0: the current revision when the first page is read). */
  public long forEachKey(byte[] prefix, int pageSize, long atRevision, Consumer<ByteBuffer> visitor) {
    return forEachKey(prefix, pageSize, atRevision, (key, lease) -> visitor.accept(key));
  }

  /** A key seen by {@link #forEachKey(byte[], int, long, KeyVisitor)}, with the lease it is on (0: none). */
  @FunctionalInterface
  public interface KeyVisitor {
    void visit(ByteBuffer key, long lease);
  }

  /** As above, with each key's lease: a keys-only range still carries it. */
  public long forEachKey(byte[] prefix, int pageSize, long atRevision, KeyVisitor visitor) {
    return forEachKeyRevision(prefix, pageSize, atRevision, (key, create, mod, lease) -> visitor.visit(key, lease));
  }

  /** A key with the revisions a keys-only range still carries: created at, last written at, its lease. */
  @FunctionalInterface
  public interface KeyRevisionVisitor {
    void visit(ByteBuffer key, long createRevision, long modRevision, long lease);
  }

  /** As above, with each key's create and mod revision (what tells a key rewritten or recreated since). */
  public long forEachKeyRevision(byte[] prefix, int pageSize, long atRevision, KeyRevisionVisitor visitor) {
    // etcd refuses an empty key; "\0" up to "\0" is its way of saying "every key" (as etcdctl --prefix "").
    byte[] start = prefix.length == 0 ? new byte[] {0} : prefix;
    ByteSequence end = ByteSequence.from(prefix.length == 0 ? new byte[] {0} : prefixEnd(prefix));
    long revision = atRevision;
    while (true) {
      GetOption.Builder options = GetOption.builder().withRange(end).withKeysOnly(true).withLimit(pageSize);
      if (revision != 0) {
        options.withRevision(revision);
      }
      GetResponse page = await(client.getKVClient().get(ByteSequence.from(start), options.build()), "range");
      if (revision == 0) {
        revision = page.getHeader().getRevision();
      }
      List<KeyValue> kvs = page.getKvs();
      for (KeyValue kv : kvs) {
        visitor.visit(ByteBuffer.wrap(kv.getKey().getBytes()), kv.getCreateRevision(), kv.getModRevision(),
            kv.getLease());
      }
      if (!page.isMore() || kvs.isEmpty()) {
        return revision;
      }
      byte[] last = kvs.get(kvs.size() - 1).getKey().getBytes();
      start = Arrays.copyOf(last, last.length + 1); // the smallest key after the last one seen
    }
  }

  /** The first key after every key starting with prefix; "\0" (to the end) when the prefix is all 0xff. */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return new byte[] {0};
  }

  private sealed interface StreamEvent permits Chunk, End, Failure {}

  private record Chunk(ByteString blob) implements StreamEvent {}

  private record End() implements StreamEvent {}

  private record Failure(Throwable error) implements StreamEvent {}

  /**
   * Streams this member's snapshot into {@code sink}: every blob etcd sends, including the final 32-byte SHA-256
   * message, in order. Fails when no data arrives for the timeout. Returns the number of bytes received.
   *
   * @throws IOException what the sink threw (the stream is cancelled first)
   */
  public long snapshot(SnapshotChunkSink sink) throws IOException {
    BlockingQueue<StreamEvent> events = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    client.getMaintenanceClient().snapshot(new StreamObserver<SnapshotResponse>() {
      @Override
      public void onNext(SnapshotResponse value) {
        put(events, new Chunk(value.getBlob()));
      }

      @Override
      public void onError(Throwable t) {
        put(events, new Failure(t));
      }

      @Override
      public void onCompleted() {
        put(events, new End());
      }
    });
    long received = 0;
    while (true) {
      StreamEvent event;
      try {
        event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EtcdUnavailableException("interrupted while receiving the snapshot from " + endpoint);
      }
      if (event == null) {
        throw new EtcdUnavailableException("etcd at " + endpoint + " sent no snapshot data for "
            + timeout.toSeconds() + "s (after " + received + " bytes); the stream was abandoned");
      }
      if (event instanceof Chunk c) {
        received += c.blob().size();
        sink.write(c.blob().asReadOnlyByteBuffer());
      } else if (event instanceof Failure f) {
        throw explain(f.error(), "snapshot (after " + received + " bytes)");
      } else {
        return received;
      }
    }
  }

  /** The network thread waits here when the writer is slower: backpressure instead of an unbounded buffer. */
  private static void put(BlockingQueue<StreamEvent> events, StreamEvent e) {
    try {
      events.put(e);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw serverCheck.refusal().<RuntimeException>map(TlsException::new).orElseGet(() ->
          new EtcdUnavailableException("etcd at " + endpoint + " did not answer " + what + " within "
              + timeout.toSeconds() + "s (down, or not reachable from this host?)"));
    } catch (ExecutionException e) {
      throw explain(e.getCause(), what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdUnavailableException("interrupted while waiting for " + what + " from " + endpoint);
    }
  }

  /** Turns a transport error into the one-line cause an operator can act on. */
  private RuntimeException explain(Throwable error, String what) {
    if (serverCheck.refusal().isPresent()) {
      return new TlsException(serverCheck.refusal().get(), error);
    }
    String chain = causeChain(error);
    String lower = chain.toLowerCase(java.util.Locale.ROOT);
    if (tls != null && (lower.contains("bad_certificate") || lower.contains("unknown_ca") || lower.contains("certificate_required")
        || lower.contains("certificate_unknown") || lower.contains("certificate_expired"))) {
      return new TlsException("etcd at " + endpoint + " rejected the client certificate " + tls.certFile()
          + " (issuer " + tls.clientCertificate().getIssuerX500Principal().getName() + "): is it signed by the"
          + " etcd CA and meant for client auth? (" + lastMessage(error) + ")", error);
    }
    if (lower.contains("sslhandshake") || lower.contains("not an ssl") || lower.contains("handshake")) {
      return new TlsException("TLS handshake with etcd at " + endpoint + " failed: " + lastMessage(error), error);
    }
    return new EtcdUnavailableException("etcd at " + endpoint + " failed " + what + ": " + lastMessage(error), error);
  }

  private static String causeChain(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 4000; c = c.getCause()) {
      sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }

  private static String lastMessage(Throwable t) {
    Throwable deepest = t;
    String message = t.getMessage();
    for (Throwable c = t; c != null; c = c.getCause()) {
      deepest = c;
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        message = c.getMessage();
      }
    }
    return message != null ? message : deepest.getClass().getSimpleName();
  }

  @Override
  public void close() {
    client.close();
  }
}
