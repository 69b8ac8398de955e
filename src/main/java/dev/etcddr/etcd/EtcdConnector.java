package dev.etcddr.etcd;

import dev.etcddr.tls.ClientTls;
import io.etcd.jetcd.Client;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Opens {@link EtcdEndpoint}s. Starting the gRPC stack (Vert.x, Netty, BoringSSL) costs most of a second in a fresh
 * JVM; a connector begins that on a second thread as soon as it is created, while the caller reads the manifest and
 * loads certificates, and hands the prepared event loop to the first endpoint it opens.
 */
public final class EtcdConnector implements AutoCloseable {
  private final Clock clock;
  private final CompletableFuture<Vertx> prepared;
  private final AtomicBoolean handedOut = new AtomicBoolean();

  private EtcdConnector(Clock clock) {
    this.clock = clock;
    this.prepared = CompletableFuture.supplyAsync(EtcdConnector::prepare, r -> {
      Thread t = new Thread(r, "etcd-dr-grpc-warmup");
      t.setDaemon(true);
      t.start();
    });
  }

  public static EtcdConnector start(Clock clock) {
    return new EtcdConnector(clock);
  }

  private static Vertx prepare() {
    OpenSsl.isAvailable(); // loads the native library
    Client.builder(); // loads jetcd's client classes
    return Vertx.vertx(new VertxOptions().setUseDaemonThread(true));
  }

  public EtcdEndpoint open(String endpoint, ClientTls tls, Duration timeout) {
    Vertx vertx = null;
    if (handedOut.compareAndSet(false, true)) {
      try {
        vertx = prepared.join();
      } catch (RuntimeException e) {
        vertx = null; // the client will make its own and report any real failure itself
      }
    }
    return EtcdEndpoint.open(endpoint, tls, timeout, clock, vertx);
  }

  /**
   * Runs {@code step} through the first of {@code endpoints} that answers it: a member that is down, or that the
   * step finds unfit by throwing {@link EtcdUnavailableException}, is passed over, and when none is left every
   * endpoint is named with why.
   *
   * @param what what was asked, for the message when no endpoint answered
   */
  public <T> T throughFirst(List<String> endpoints, ClientTls tls, Duration timeout, String what,
      Function<EtcdEndpoint, T> step) {
    List<String> tried = new ArrayList<>();
    for (String endpoint : endpoints) {
      try (EtcdEndpoint member = open(endpoint, tls, timeout)) {
        return step.apply(member);
      } catch (EtcdUnavailableException e) {
        tried.add(endpoint + ": " + e.getMessage());
      }
    }
    throw new EtcdUnavailableException("no endpoint answered " + what + ": " + String.join("; ", tried));
  }

  /**
   * A plain-http client for a member that serves no TLS: only the drill's throwaway etcd, which listens on
   * loopback alone. Refuses https URLs, which always need {@link #open}'s credentials.
   */
  public EtcdEndpoint openPlain(String endpoint, Duration timeout) {
    if (!endpoint.startsWith("http://")) {
      throw new IllegalArgumentException("openPlain takes http:// URLs only, not " + endpoint);
    }
    return open(endpoint, null, timeout);
  }

  @Override
  public void close() {
    if (handedOut.compareAndSet(false, true)) {
      prepared.thenAccept(Vertx::close);
    }
  }
}
