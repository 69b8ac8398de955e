package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.SftpServer;
import dev.etcddr.testing.SnapshotFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** push, list, prune and pull against a real OpenSSH sftp server on loopback, and against a local directory. */
class SftpStoreIT {
  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  /** Four real snapshot files with default names an hour apart, each with a sidecar. */
  private List<Path> backups() throws Exception {
    Path src = SnapshotFixtures.of(EtcdVersion.V3_5).snapshots().get("one-key");
    List<Path> out = new ArrayList<>();
    Path dir = Files.createDirectories(work.resolve("local"));
    for (int i = 0; i < 4; i++) {
      String name = new SnapshotName(0xabcdefL, Instant.parse("2026-11-27T10:00:00Z").plusSeconds(3600L * i),
          9 + i, "cp1").fileName();
      Files.copy(src, dir.resolve(name));
      Files.writeString(dir.resolve(name + ".json"), "{\"file\":\"" + name + "\"}");
      out.add(dir.resolve(name));
    }
    return out;
  }

  private String[] store(SftpServer s, String... args) {
    return Stream.concat(Stream.of(args), Stream.of("--identity", s.identity().toString(), "--known-hosts",
        s.knownHosts().toString())).toArray(String[]::new);
  }

  @Test
  void push_list_prune_pull_over_sftp() throws Exception {
    List<Path> files = backups();
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path remoteDir = work.resolve("remote-store");
      String url = server.url(remoteDir);
      for (Path f : files) {
        CliRun r = CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", url));
        assertEquals(0, r.exitCode(), r.toString());
      }
      CliRun again = CliRun.of(store(server, "snapshot", "push", files.get(3).toString(), "--to", url));
      assertEquals(0, again.exitCode(), "pushing again is a no-op: " + again);
      assertEquals(8, Files.list(remoteDir).count());
      assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(remoteDir)));

      JsonNode list = json.readTree(CliRun.of(store(server, "snapshot", "list", url, "-o", "json")).out());
      assertEquals(4, list.get("snapshots").size());
      assertEquals(files.get(3).getFileName().toString(), list.get("snapshots").get(0).get("name").asText(),
          "newest first");

      CliRun prune = CliRun.of(store(server, "snapshot", "prune", url, "--keep-last", "2", "-o", "json"));
      assertEquals(0, prune.exitCode(), prune.toString());
      try (Stream<Path> s = Files.list(remoteDir)) {
        List<String> left = s.map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of(files.get(2).getFileName().toString(), files.get(2).getFileName() + ".json",
            files.get(3).getFileName().toString(), files.get(3).getFileName() + ".json"), left);
      }

      Path pulled = work.resolve("pulled");
      CliRun pull = CliRun.of(store(server, "snapshot", "pull", files.get(3).getFileName().toString(), "--from",
          url, "--to", pulled.toString()));
      assertEquals(0, pull.exitCode(), pull.toString());
      assertEquals(-1, Files.mismatch(files.get(3), pulled.resolve(files.get(3).getFileName())));
    }
  }

  @Test
  void a_leftover_part_file_is_resumed_and_the_final_name_appears_only_when_complete() throws Exception {
    Path f = backups().get(0);
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path remoteDir = Files.createDirectories(work.resolve("remote-resume"));
      byte[] all = Files.readAllBytes(f);
      Files.write(remoteDir.resolve(f.getFileName() + ".part"), java.util.Arrays.copyOf(all, all.length / 3));
      assertTrue(CliRun.of(store(server, "snapshot", "list", server.url(remoteDir), "-o", "json")).out()
          .contains("\"snapshots\" : [ ]"), "a .part is not a snapshot");
      CliRun r = CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", server.url(remoteDir)));
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals(-1, Files.mismatch(f, remoteDir.resolve(f.getFileName())));
      assertFalse(Files.exists(remoteDir.resolve(f.getFileName() + ".part")));
    }
  }

  @Test
  void a_changed_host_key_is_refused_and_nothing_is_uploaded() throws Exception {
    Path f = backups().get(0);
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      server.changeHostKey();
      Path remoteDir = work.resolve("remote-refused");
      CliRun r = CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", server.url(remoteDir)));
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains("has CHANGED since it was recorded"), r.err());
      assertFalse(Files.exists(remoteDir), "nothing created on the server");
    }
  }

  @Test
  void an_unknown_host_key_and_a_wrong_client_key_are_refused() throws Exception {
    Path f = backups().get(0);
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path empty = Files.writeString(work.resolve("empty_known_hosts"), "");
      CliRun r = CliRun.of("snapshot", "push", f.toString(), "--to", server.url(work.resolve("x")), "--identity",
          server.identity().toString(), "--known-hosts", empty.toString());
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains("is not in " + empty), r.err());
      dev.etcddr.testing.Proc.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
          work.resolve("stranger").toString())).requireSuccess();
      r = CliRun.of("snapshot", "push", f.toString(), "--to", server.url(work.resolve("x")), "--identity",
          work.resolve("stranger").toString(), "--known-hosts", server.knownHosts().toString());
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains("authentication to"), r.err());
    }
  }

  @Test
  void a_local_directory_store_works_the_same() throws Exception {
    List<Path> files = backups();
    Path store = work.resolve("controller-store");
    for (Path f : files) {
      assertEquals(0, CliRun.of("snapshot", "push", f.toString(), "--to", store.toString()).exitCode());
    }
    Files.writeString(store.resolve("etcd-0000000000abcdef-20261127T170000Z-r99-cp1.db.part"), "partial");
    CliRun prune = CliRun.of("snapshot", "prune", store.toString(), "--keep-last", "2");
    assertEquals(0, prune.exitCode(), prune.toString());
    try (Stream<Path> s = Files.list(store)) {
      assertEquals(5, s.count(), "2 pairs kept, the .part untouched");
    }
  }

  @Test
  void only_default_names_with_sidecars_are_pushed() throws Exception {
    Path odd = Files.writeString(work.resolve("backup.db"), "x");
    CliRun r = CliRun.of("snapshot", "push", odd.toString(), "--to", work.resolve("s").toString());
    assertEquals(8, r.exitCode(), r.toString());
    assertTrue(r.err().contains("not a default snapshot name"), r.err());
  }
}
