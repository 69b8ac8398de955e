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
import dev.etcddr.testing.SnapshotSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** push, list, prune and pull against a real OpenSSH sftp server on loopback, and against a local directory. */
class SftpStoreIT {
  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  /**
   * Four real snapshot files with default names an hour apart, each with a sidecar whose size and SHA-256 are
   * computed here (MessageDigest), not by the code under test.
   */
  private List<Path> backups() throws Exception {
    Path src = SnapshotFixtures.of(EtcdVersion.V3_5).snapshots().get("one-key");
    List<Path> out = new ArrayList<>();
    Path dir = Files.createDirectories(work.resolve("local"));
    for (int i = 0; i < 4; i++) {
      String name = new SnapshotName(0xabcdefL, Instant.parse("2026-11-27T10:00:00Z").plusSeconds(3600L * i),
          9 + i, "cp1").fileName();
      out.add(SnapshotSets.write(dir, name, Files.readAllBytes(src)));
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
  void a_leftover_part_without_its_record_is_discarded_and_the_final_name_appears_only_when_complete()
      throws Exception {
    Path f = backups().get(0);
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path remoteDir = Files.createDirectories(work.resolve("remote-resume"));
      byte[] all = Files.readAllBytes(f);
      Files.write(remoteDir.resolve(f.getFileName() + ".part"), Arrays.copyOf(all, all.length / 3));
      assertTrue(CliRun.of(store(server, "snapshot", "list", server.url(remoteDir), "-o", "json")).out()
          .contains("\"snapshots\" : [ ]"), "a .part is not a snapshot");
      CliRun r = CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", server.url(remoteDir), "-o",
          "json"));
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode copied = json.readTree(r.out()).get("files").get(0);
      assertEquals(0, copied.get("resumed_from").asLong(), r.out());
      assertTrue(copied.get("restarted").asText().contains("no record"), r.out());
      assertEquals(SnapshotSets.sha256(f), SnapshotSets.sha256(remoteDir.resolve(f.getFileName())));
      assertFalse(Files.exists(remoteDir.resolve(f.getFileName() + ".part")));
    }
  }

  private static String record(Path f) throws Exception {
    return "{\"file\":\"" + f.getFileName() + "\",\"size\":" + Files.size(f) + ",\"sha256\":\""
        + SnapshotSets.sha256(f) + "\"}\n";
  }

  @Test
  void a_part_with_its_record_is_resumed_over_sftp_and_one_with_other_bytes_is_copied_again() throws Exception {
    List<Path> files = backups();
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path remoteDir = Files.createDirectories(work.resolve("remote-resume"));
      Path good = files.get(0);
      byte[] all = Files.readAllBytes(good);
      Files.write(remoteDir.resolve(good.getFileName() + ".part"), Arrays.copyOf(all, all.length / 3));
      Files.writeString(remoteDir.resolve(good.getFileName() + ".part.src"), record(good));
      CliRun r = CliRun.of(store(server, "snapshot", "push", good.toString(), "--to", server.url(remoteDir), "-o",
          "json"));
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode copied = json.readTree(r.out()).get("files").get(0);
      assertEquals(all.length / 3, copied.get("resumed_from").asLong(), r.out());
      assertTrue(copied.get("restarted").isNull(), r.out());
      assertEquals(SnapshotSets.sha256(all), SnapshotSets.sha256(remoteDir.resolve(good.getFileName())));

      // The record matches but the bytes do not: the final check catches it, and it is copied again from 0.
      Path other = files.get(1);
      byte[] wrong = Arrays.copyOf(Files.readAllBytes(other), all.length / 2);
      wrong[wrong.length / 2] ^= 1;
      Files.write(remoteDir.resolve(other.getFileName() + ".part"), wrong);
      Files.writeString(remoteDir.resolve(other.getFileName() + ".part.src"), record(other));
      r = CliRun.of(store(server, "snapshot", "push", other.toString(), "--to", server.url(remoteDir), "-o",
          "json"));
      assertEquals(0, r.exitCode(), r.toString());
      copied = json.readTree(r.out()).get("files").get(0);
      assertEquals(0, copied.get("resumed_from").asLong(), r.out());
      assertTrue(copied.get("restarted").asText().contains("held other bytes"), r.out());
      assertEquals(SnapshotSets.sha256(other), SnapshotSets.sha256(remoteDir.resolve(other.getFileName())));
      try (Stream<Path> s = Files.list(remoteDir)) {
        assertEquals(4, s.count(), "two pairs, no .part or record left");
      }
    }
  }

  @Test
  void push_to_a_missing_cluster_directory_creates_it_and_refuses_a_same_size_impostor() throws Exception {
    List<Path> files = backups();
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path base = work.resolve("remote-base");
      Path clusterDir = base.resolve("prod-1");
      CliRun r = CliRun.of(store(server, "snapshot", "push", files.get(0).toString(), "--to",
          server.url(clusterDir)));
      assertEquals(0, r.exitCode(), r.toString());
      for (Path d : List.of(base, clusterDir)) {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
      }
      Path f = files.get(1);
      byte[] impostor = Files.readAllBytes(f);
      impostor[impostor.length - 1] ^= 1;
      Files.write(clusterDir.resolve(f.getFileName()), impostor);
      r = CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", server.url(clusterDir)));
      assertEquals(7, r.exitCode(), r.toString());
      assertTrue(r.err().contains(SnapshotSets.sha256(impostor)) && r.err().contains(SnapshotSets.sha256(f)),
          r.err());
      assertEquals(SnapshotSets.sha256(impostor), SnapshotSets.sha256(clusterDir.resolve(f.getFileName())),
          "not replaced");
      assertFalse(Files.exists(clusterDir.resolve(f.getFileName() + ".json")));
    }
  }

  @Test
  void pull_over_sftp_checks_what_arrived_and_never_replaces_a_local_file() throws Exception {
    List<Path> files = backups();
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path remoteDir = work.resolve("remote-pull");
      String url = server.url(remoteDir);
      for (Path f : files.subList(0, 2)) {
        assertEquals(0, CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", url)).exitCode());
      }
      String name = files.get(0).getFileName().toString();
      Path into = work.resolve("pulled");
      CliRun r = CliRun.of(store(server, "snapshot", "pull", name, "--from", url, "--to", into.toString(), "-o",
          "json"));
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals(SnapshotSets.sha256(files.get(0)), SnapshotSets.sha256(into.resolve(name)));
      r = CliRun.of(store(server, "snapshot", "pull", name, "--from", url, "--to", into.toString(), "-o", "json"));
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(json.readTree(r.out()).get("files").get(0).get("already_there").asBoolean(), r.out());

      Files.write(into.resolve(name), "something else".getBytes());
      r = CliRun.of(store(server, "snapshot", "pull", name, "--from", url, "--to", into.toString()));
      assertEquals(7, r.exitCode(), r.toString());
      assertEquals("something else", Files.readString(into.resolve(name)), "not replaced");

      // Rot in the store, same size: only the hash of what arrived can tell.
      String second = files.get(1).getFileName().toString();
      byte[] rotten = Files.readAllBytes(remoteDir.resolve(second));
      rotten[rotten.length / 2] ^= 0x10;
      Files.write(remoteDir.resolve(second), rotten);
      r = CliRun.of(store(server, "snapshot", "pull", second, "--from", url, "--to", into.toString()));
      assertEquals(6, r.exitCode(), r.toString());
      assertTrue(r.err().contains(second) && r.err().contains(SnapshotSets.sha256(rotten)), r.err());
      assertFalse(Files.exists(into.resolve(second)));
      assertFalse(Files.exists(into.resolve(second + ".part")));
    }
  }

  @Test
  void latest_over_sftp_hashes_the_candidates_and_has_no_local_path() throws Exception {
    List<Path> files = backups();
    try (SftpServer server = SftpServer.start(work.resolve("sshd"))) {
      Path remoteDir = work.resolve("remote-latest");
      String url = server.url(remoteDir);
      for (Path f : files) {
        assertEquals(0, CliRun.of(store(server, "snapshot", "push", f.toString(), "--to", url)).exitCode());
      }
      Path newest = remoteDir.resolve(files.get(3).getFileName());
      byte[] rotten = Files.readAllBytes(newest);
      rotten[100] ^= 1;
      Files.write(newest, rotten);
      CliRun r = CliRun.of(store(server, "snapshot", "latest", url, "-o", "json"));
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode j = json.readTree(r.out());
      assertEquals(files.get(2).getFileName().toString(), j.get("file").asText());
      assertTrue(j.get("path").isNull(), r.out());
      assertEquals(SnapshotSets.sha256(files.get(2)), j.get("sha256").asText());
      assertEquals("size+sha256", j.get("checked").asText());
      assertEquals(files.get(3).getFileName().toString(), j.get("skipped").get(0).get("file").asText());
      CliRun text = CliRun.of(store(server, "snapshot", "latest", url));
      assertEquals(files.get(2).getFileName() + System.lineSeparator(), text.out());
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
