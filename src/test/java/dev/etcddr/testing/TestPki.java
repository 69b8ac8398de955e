package dev.etcddr.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kubeadm-shaped PKI made by the lab's own script (openssl), so tests and the lab share one generator. */
public final class TestPki {
  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** One CA and, per host name → IP, a kubeadm pki directory. */
  public static TestPki forHosts(Path dir, Map<String, String> hosts) {
    List<String> argv = new ArrayList<>(List.of("bash", Repo.pkiScript().toString(), "hosts", dir.toString()));
    hosts.forEach((name, ip) -> argv.add(name + "=" + ip));
    Proc.run(argv).requireSuccess();
    return new TestPki(dir);
  }

  /** A CA that has nothing to do with the cluster's. */
  public static Path unrelatedCa(Path dir) {
    Proc.run(List.of("bash", Repo.pkiScript().toString(), "ca", dir.toString())).requireSuccess();
    return dir.resolve("ca/ca.crt");
  }

  /** An extra client certificate signed by this CA: alg is rsa-pkcs1, rsa-pkcs8 or ec-sec1. */
  public Path[] client(String name, String alg, boolean expired) {
    Path prefix = dir.resolve(name);
    List<String> argv = new ArrayList<>(List.of("bash", Repo.pkiScript().toString(), "client", dir.toString(),
        prefix.toString(), alg));
    if (expired) {
      argv.add("expired");
    }
    Proc.run(argv).requireSuccess();
    return new Path[] {Path.of(prefix + ".crt"), Path.of(prefix + ".key")};
  }

  /** kubeadm's /etc/kubernetes/pki for a host. */
  public Path pkiDir(String host) {
    return dir.resolve(host).resolve("pki");
  }

  public Path caCert() {
    return dir.resolve("ca/ca.crt");
  }
}
