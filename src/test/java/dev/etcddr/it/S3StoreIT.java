package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.S3Server;
import dev.etcddr.testing.SnapshotSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * push, list, latest, prune and pull against a real S3 server on loopback (S3Proxy, see {@link S3Server}), checked
 * with a second client (rclone) and on the server's disk: nothing here trusts the AWS SDK under test to say what is
 * stored. Sizes and SHA-256s are computed with MessageDigest ({@link SnapshotSets}).
 */
class S3StoreIT {
  private static final String PREFIX = "prod/lab-a";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves the server's log and disk to look at
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  /** Snapshot sets an hour apart with default names; the first {@code withBundle} also have a bundle. */
  private List<Path> sets(int count, int size) throws Exception {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = new SnapshotName(0xabcdefL, Instant.parse("2026-11-27T10:00:00Z").plusSeconds(3600L * i), 9 + i,
          "cp1").fileName();
      out.add(SnapshotSets.write(work.resolve("local"), name, SnapshotSets.bytes(i, size + i),
          SnapshotSets.bytes(100 + i, 5000), "lab-a"));
    }
    return out;
  }

  private static CliRun cli(S3Server s, String... args) {
    return CliRun.of(Stream.concat(Stream.of(args), s.flags().stream()).toArray(String[]::new));
  }

  private static CliRun push(S3Server s, Path file, String... more) {
    return cli(s, Stream.concat(Stream.of("snapshot", "push", file.toString(), "--to", s.url(PREFIX)),
        Stream.of(more)).toArray(String[]::new));
  }

  private static String key(Path file, String suffix) {
    return PREFIX + "/" + file.getFileName() + suffix;
  }

  /** What rclone lists in the store's folder: name → the object's size and sha256 metadata. */
  private JsonNode rcloneList(S3Server s) throws Exception {
    Proc.Result r = s.rclone("lsjson", "--metadata", "--files-only", ":s3:" + S3Server.BUCKET + "/" + PREFIX);
    assertEquals(0, r.exitCode(), r.stderr());
    return json.readTree(r.stdout());
  }

  @Test
  void push_list_and_pull_over_s3_give_back_the_same_bytes_that_rclone_and_the_disk_see() throws Exception {
    List<Path> files = sets(3, 40 << 20); // 40 MiB: three parts of a multipart upload
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      for (Path f : files) {
        CliRun r = push(server, f, "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(json.readTree(r.out()).get("files").get(0).get("already_there").asBoolean(), r.out());
      }
      JsonNode listed = rcloneList(server);
      assertEquals(9, listed.size(), listed.toString());
      for (Path f : files) {
        for (String suffix : List.of("", ".bundle.tar.gz", ".json")) {
          Path local = f.resolveSibling(f.getFileName() + suffix);
          assertEquals(SnapshotSets.sha256(local), SnapshotSets.sha256(server.objectFile(key(f, suffix))), suffix);
          JsonNode o = find(listed, local.getFileName().toString());
          assertEquals(Files.size(local), o.get("Size").asLong());
          assertEquals(SnapshotSets.sha256(local), o.get("Metadata").get("sha256").asText(), "x-amz-meta-sha256");
        }
      }
      assertEquals(List.of(), server.openUploads(), "no upload left open");

      JsonNode list = json.readTree(cli(server, "snapshot", "list", server.url(PREFIX), "-o", "json").out());
      assertEquals(3, list.get("snapshots").size(), list.toString());
      assertEquals(files.get(2).getFileName().toString(), list.get("snapshots").get(0).get("name").asText());
      assertTrue(list.get("snapshots").get(0).get("verified").asBoolean(), list.toString());

      Path pulled = work.resolve("pulled");
      CliRun pull = cli(server, "snapshot", "pull", files.get(1).getFileName().toString(), "--from",
          server.url(PREFIX), "--to", pulled.toString());
      assertEquals(0, pull.exitCode(), pull.toString());
      for (String suffix : List.of("", ".bundle.tar.gz", ".json")) {
        Path f = files.get(1).resolveSibling(files.get(1).getFileName() + suffix);
        assertEquals(-1, Files.mismatch(f, pulled.resolve(f.getFileName())), suffix);
      }
      assertEquals(SnapshotSets.sha256(files.get(1)), SnapshotSets.sha256(pulled.resolve(files.get(1).getFileName())));
    }
  }

  private static JsonNode find(JsonNode listed, String name) {
    for (JsonNode o : listed) {
      if (o.get("Name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError(name + " not listed by rclone: " + listed);
  }

  @Test
  void the_same_set_again_is_already_there_and_another_file_under_its_name_is_refused() throws Exception {
    List<Path> files = sets(2, 1 << 20);
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      assertEquals(0, push(server, files.get(0)).exitCode());
      CliRun again = push(server, files.get(0), "-o", "json");
      assertEquals(0, again.exitCode(), again.toString());
      for (JsonNode f : json.readTree(again.out()).get("files")) {
        assertTrue(f.get("already_there").asBoolean(), again.out());
      }

      // Another client stores other bytes of the same size under the next snapshot's name.
      Path f = files.get(1);
      byte[] impostor = Files.readAllBytes(f);
      impostor[impostor.length / 2] ^= 1;
      Path impostorFile = Files.write(work.resolve("impostor"), impostor);
      Proc.Result put = server.rclone("copyto", impostorFile.toString(), ":s3:" + S3Server.BUCKET + "/" + key(f, ""));
      assertEquals(0, put.exitCode(), put.stderr());
      CliRun r = push(server, f);
      assertEquals(7, r.exitCode(), r.toString());
      assertTrue(r.err().contains(SnapshotSets.sha256(impostor)) && r.err().contains(SnapshotSets.sha256(f)), r.err());
      assertEquals(SnapshotSets.sha256(impostor), SnapshotSets.sha256(server.objectFile(key(f, ""))), "not replaced");
      assertFalse(Files.exists(server.objectFile(key(f, ".json"))), "no sidecar vouches for it");
    }
  }

  @Test
  void latest_hashes_the_objects_rather_than_trusting_their_metadata_and_prune_keeps_the_newest() throws Exception {
    List<Path> files = sets(4, 1 << 20);
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      for (Path f : files) {
        assertEquals(0, push(server, f).exitCode());
      }
      // Rot on the server's disk, same size: the object's sha256 metadata still says the old value.
      Path newest = server.objectFile(key(files.get(3), ""));
      byte[] rotten = Files.readAllBytes(newest);
      rotten[100] ^= 1;
      Files.write(newest, rotten);
      CliRun r = cli(server, "snapshot", "latest", server.url(PREFIX), "-o", "json");
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode j = json.readTree(r.out());
      assertEquals(files.get(2).getFileName().toString(), j.get("file").asText(), r.out());
      assertEquals(SnapshotSets.sha256(files.get(2)), j.get("sha256").asText());
      assertTrue(j.get("path").isNull(), r.out());
      assertEquals(files.get(3).getFileName().toString(), j.get("skipped").get(0).get("file").asText());
      assertTrue(j.get("skipped").get(0).get("reason").asText().contains(SnapshotSets.sha256(rotten)), r.out());

      CliRun prune = cli(server, "snapshot", "prune", server.url(PREFIX), "--keep-last", "2", "-o", "json");
      assertEquals(0, prune.exitCode(), prune.toString());
      List<String> left = new ArrayList<>();
      rcloneList(server).forEach(o -> left.add(o.get("Name").asText()));
      List<String> expected = new ArrayList<>();
      for (Path f : files.subList(2, 4)) {
        expected.addAll(List.of(f.getFileName().toString(), f.getFileName() + ".bundle.tar.gz",
            f.getFileName() + ".json"));
      }
      assertEquals(expected.stream().sorted().toList(), left.stream().sorted().toList());
    }
  }

  @Test
  void a_server_killed_mid_upload_leaves_nothing_under_the_key_and_the_next_push_starts_over() throws Exception {
    Path small = sets(1, 1 << 20).get(0);
    String name = new SnapshotName(0xabcdefL, Instant.parse("2026-11-28T10:00:00Z"), 99, "cp1").fileName();
    Path big = SnapshotSets.write(work.resolve("local"), name, SnapshotSets.bytes(7, 200 << 20), null, "lab-a");
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      assertEquals(0, push(server, small).exitCode());
      CompletableFuture<CliRun> pushing = CompletableFuture.supplyAsync(() -> push(server, big));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (bytesUnder(work.resolve("s3/data")) < (40L << 20) + Files.size(small) && !pushing.isDone()) {
        assertTrue(System.nanoTime() < deadline, "the upload did not get going");
        Thread.sleep(20);
      }
      assertFalse(pushing.isDone(), () -> "the upload ended before the server could be killed: " + pushing.join());
      server.kill();
      CliRun r = pushing.get(5, TimeUnit.MINUTES);
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains(server.endpoint()) && r.err().contains(S3Server.BUCKET)
          && r.err().contains(key(big, "")), "names endpoint, bucket and key: " + r.err());
      assertTrue(r.err().contains("nothing stored under that name"), r.err());
      assertFalse(Files.exists(server.objectFile(key(big, ""))), "no object under the final key");
      assertEquals(SnapshotSets.sha256(small), SnapshotSets.sha256(server.objectFile(key(small, ""))),
          "the earlier set is intact");

      server.restart();
      assertFalse(rcloneList(server).toString().contains(big.getFileName().toString()), "not listed after restart");
      CliRun again = push(server, big, "-o", "json");
      assertEquals(0, again.exitCode(), again.toString());
      JsonNode first = json.readTree(again.out()).get("files").get(0);
      assertEquals(0, first.get("resumed_from").asLong(), again.out());
      assertEquals(SnapshotSets.sha256(big), SnapshotSets.sha256(server.objectFile(key(big, ""))));
      // The killed upload is aborted; S3Proxy may fail to list it (a part it was writing when killed has no
      // attributes: 500), and the push then says so and goes on: such an upload is invisible, only its space is lost.
      String note = first.get("restarted").asText();
      System.out.println("S3StoreIT: after the kill the next push said: " + note);
      if (note.startsWith("aborted 1 unfinished upload")) {
        assertEquals(List.of(), server.openUploads(), "the stale upload is gone");
      } else {
        assertTrue(note.startsWith("could not clear unfinished uploads of " + key(big, "")), again.out());
        assertEquals(1, server.openUploads().size(), "the one the server cannot list stays: " + note);
      }
    }
  }

  @Test
  void an_upload_an_earlier_push_left_unfinished_is_aborted_before_the_key_is_uploaded_again() throws Exception {
    Path f = sets(1, 20 << 20).get(0);
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      // What a push cut off for good leaves: an upload with a part, never completed (made with the SDK directly).
      try (S3Client s3 = S3Client.builder().endpointOverride(java.net.URI.create(server.endpoint()))
          .region(Region.US_EAST_1).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED) // S3Proxy refuses trailers
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY,
              S3Server.SECRET_KEY))).build()) {
        String id = s3.createMultipartUpload(r -> r.bucket(S3Server.BUCKET).key(key(f, ""))).uploadId();
        s3.uploadPart(r -> r.bucket(S3Server.BUCKET).key(key(f, "")).uploadId(id).partNumber(1),
            RequestBody.fromBytes(SnapshotSets.bytes(1, 5 << 20)));
      }
      assertEquals(1, server.openUploads().size(), "the unfinished upload is there");
      CliRun r = push(server, f, "-o", "json");
      assertEquals(0, r.exitCode(), r.toString());
      assertEquals("aborted 1 unfinished upload(s) of " + key(f, "") + " left by an earlier push; uploaded from the"
          + " start", json.readTree(r.out()).get("files").get(0).get("restarted").asText(), r.out());
      assertEquals(List.of(), server.openUploads(), "aborted");
      assertEquals(SnapshotSets.sha256(f), SnapshotSets.sha256(server.objectFile(key(f, ""))));
    }
  }

  @Test
  void a_pull_from_a_server_that_hangs_fails_on_the_read_timeout_and_the_next_pull_resumes_with_a_range()
      throws Exception {
    Path f = sets(1, 64 << 20).get(0);
    String name = f.getFileName().toString();
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      assertEquals(0, push(server, f).exitCode());
      Path into = work.resolve("pulled");
      Path part = into.resolve(name + ".part");
      CompletableFuture<CliRun> pulling = CompletableFuture.supplyAsync(() -> cli(server, "snapshot", "pull", name,
          "--from", server.url(PREFIX), "--to", into.toString(), "--timeout", "2s"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((!Files.exists(part) || Files.size(part) < (16 << 20)) && !pulling.isDone()) {
        assertTrue(System.nanoTime() < deadline, "the pull did not get going");
        Thread.sleep(5);
      }
      assertFalse(pulling.isDone(), () -> "the pull ended before the server could be stopped: " + pulling.join());
      server.freeze(true);
      long stopped = System.nanoTime();
      CliRun r = pulling.get(2, TimeUnit.MINUTES);
      long took = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped);
      server.freeze(false);
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains(key(f, "")) && r.err().contains(server.endpoint()), r.err());
      assertTrue(took < 30, "a read timeout of twice --timeout, not minutes: " + took + " s");
      assertFalse(Files.exists(into.resolve(name)), "nothing under the final name");
      long kept = Files.size(part);

      CliRun again = cli(server, "snapshot", "pull", name, "--from", server.url(PREFIX), "--to", into.toString(),
          "-o", "json");
      assertEquals(0, again.exitCode(), again.toString());
      assertEquals(kept, json.readTree(again.out()).get("files").get(0).get("resumed_from").asLong(), again.out());
      assertEquals(-1, Files.mismatch(f, into.resolve(name)));
    }
  }

  private static long bytesUnder(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void keys_from_a_credentials_file_are_in_no_output_and_not_on_the_jar_command_line() throws Exception {
    Path f = sets(1, 8 << 20).get(0);
    try (S3Server server = S3Server.start(work.resolve("s3"))) {
      List<String> argv = new ArrayList<>(List.of("java", "-jar", System.getProperty("etcddr.jar"), "snapshot",
          "push", f.toString(), "--to", server.url(PREFIX)));
      argv.addAll(server.flags());
      Process p = new ProcessBuilder(argv).redirectOutput(work.resolve("out").toFile())
          .redirectError(work.resolve("err").toFile()).start();
      String cmdline = Proc.run(List.of("ps", "-o", "args=", "-p", String.valueOf(p.pid()))).stdout();
      assertTrue(p.waitFor(2, TimeUnit.MINUTES));
      String output = Files.readString(work.resolve("out")) + Files.readString(work.resolve("err"));
      assertEquals(0, p.exitValue(), output);
      assertTrue(cmdline.contains("--s3-credentials"), cmdline);
      for (String secret : List.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)) {
        assertFalse(cmdline.contains(secret), "argv: " + cmdline);
        assertFalse(output.contains(secret), output);
      }

      // Refused keys: the message says so without quoting them.
      Path wrong = Files.writeString(work.resolve("wrong-credentials"), "[backup]\naws_access_key_id = "
          + S3Server.ACCESS_KEY + "\naws_secret_access_key = not-the-" + S3Server.SECRET_KEY + "\n");
      Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
      CliRun r = CliRun.of("snapshot", "list", server.url(PREFIX), "--s3-endpoint", server.endpoint(),
          "--s3-path-style", "--s3-credentials", wrong.toString(), "--s3-profile", "backup");
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains("refused the credentials"), r.err());
      assertFalse(r.toString().contains(S3Server.ACCESS_KEY) || r.toString().contains(S3Server.SECRET_KEY), r.err());

      Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-r--r--"));
      r = CliRun.of("snapshot", "list", server.url(PREFIX), "--s3-endpoint", server.endpoint(), "--s3-path-style",
          "--s3-credentials", wrong.toString(), "--s3-profile", "backup");
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains("chmod 600"), r.err());

      r = CliRun.of("snapshot", "push", f.toString(), "--to", "s3://no-such-bucket/x", "--s3-endpoint",
          server.endpoint(), "--s3-path-style", "--s3-credentials", server.credentials().toString());
      assertEquals(10, r.exitCode(), r.toString());
      assertTrue(r.err().contains("there is no bucket no-such-bucket at " + server.endpoint()), r.err());
    }
  }

  @Test
  void https_trusts_exactly_the_ca_file_and_refuses_a_changed_certificate() throws Exception {
    List<Path> files = sets(2, 1 << 20);
    try (S3Server server = S3Server.start(work.resolve("s3"), true)) {
      CliRun ok = push(server, files.get(0));
      assertEquals(0, ok.exitCode(), ok.toString());
      assertEquals(SnapshotSets.sha256(files.get(0)), SnapshotSets.sha256(server.objectFile(key(files.get(0), ""))));

      List<String> noCa = new ArrayList<>(List.of("snapshot", "push", files.get(1).toString(), "--to",
          server.url(PREFIX), "--s3-endpoint", server.endpoint(), "--s3-path-style", "--s3-credentials",
          server.credentials().toString()));
      CliRun r = CliRun.of(noCa.toArray(String[]::new));
      assertEquals(10, r.exitCode(), "Java's default CAs do not vouch for it: " + r);
      assertTrue(r.err().contains("TLS to " + server.endpoint() + " failed"), r.err());

      Path otherCa = S3Server.newCa(Files.createDirectories(work.resolve("other")), "other");
      noCa.addAll(List.of("--s3-ca-file", otherCa.toString()));
      r = CliRun.of(noCa.toArray(String[]::new));
      assertEquals(10, r.exitCode(), "another CA: " + r);
      assertTrue(r.err().contains("TLS to " + server.endpoint() + " failed")
          && r.err().contains("only the CA in --s3-ca-file " + otherCa), r.err());
      assertFalse(Files.exists(server.objectFile(key(files.get(1), ""))), "nothing was sent");

      Path firstCa = Files.copy(server.caFile(), work.resolve("first-ca.crt"));
      server.changeCertificate();
      r = CliRun.of("snapshot", "push", files.get(1).toString(), "--to", server.url(PREFIX), "--s3-endpoint",
          server.endpoint(), "--s3-path-style", "--s3-credentials", server.credentials().toString(), "--s3-ca-file",
          firstCa.toString());
      assertEquals(10, r.exitCode(), "the server's certificate changed: " + r);
      assertTrue(r.err().contains("TLS to " + server.endpoint() + " failed"), r.err());
      assertFalse(Files.exists(server.objectFile(key(files.get(1), ""))), "nothing was sent");
      assertEquals(0, push(server, files.get(1)).exitCode(), "with the new CA it is trusted again");
    }
  }
}
