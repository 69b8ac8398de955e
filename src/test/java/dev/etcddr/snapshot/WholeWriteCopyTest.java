package dev.etcddr.snapshot;

import static dev.etcddr.testing.SnapshotSets.bytes;
import static dev.etcddr.testing.SnapshotSets.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.testing.SnapshotSets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SetCopy's rules for a destination without rename (an object store), against an in-memory one. */
class WholeWriteCopyTest {
  private static final String NAME = "etcd-00000000000abcde-20261127T100000Z-r9-cp1.db";

  @TempDir
  Path work;

  private final byte[] content = bytes(1, 300_000);
  private final byte[] bundle = bytes(2, 4_000);

  /** Files by name; each appears only after verify passed, as an object does when its upload completes. */
  private static final class Bucket implements StoreSide {
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final Map<String, String> recorded = new HashMap<>();
    final List<String> verified = new ArrayList<>();
    /** Stored by "someone else" while the next writeWhole of that name runs. */
    final Map<String, byte[]> racing = new HashMap<>();

    @Override
    public String location() {
      return "mem://bucket";
    }

    @Override
    public OptionalLong size(String name) {
      return files.containsKey(name) ? OptionalLong.of(files.get(name).length) : OptionalLong.empty();
    }

    @Override
    public InputStream open(String name, long offset) {
      byte[] b = files.get(name);
      return new ByteArrayInputStream(b, (int) offset, b.length - (int) offset);
    }

    @Override
    public OutputStream create(String name, boolean append) {
      throw new AssertionError("a whole-writing side is never given a .part");
    }

    @Override
    public void publish(String from, String to) {
      throw new AssertionError("a whole-writing side is never asked to rename");
    }

    @Override
    public boolean writesWhole() {
      return true;
    }

    @Override
    public String writeWhole(String name, long size, String sha256, InputStream in, Runnable verify)
        throws IOException {
      byte[] all = in.readAllBytes();
      verify.run();
      verified.add(name);
      if (racing.containsKey(name)) {
        files.put(name, racing.remove(name));
        throw new FileAlreadyExistsException(name);
      }
      files.put(name, all);
      recorded.put(name, sha256);
      return null;
    }

    @Override
    public String recordedSha256(String name) throws IOException {
      return recorded.containsKey(name) ? recorded.get(name) : sha256Hex(name);
    }

    @Override
    public void delete(String name) {
      files.remove(name);
    }

    @Override
    public void makeDirectories() {}


    @Override
    public RuntimeException failure(String doing, IOException e) {
      return new IllegalStateException(doing + ": " + e.getMessage(), e);
    }
  }

  private Path local() throws IOException {
    return SnapshotSets.write(work.resolve("local"), NAME, content, bundle, null);
  }

  private List<SetCopy.CopiedFile> push(Bucket to) {
    return new SetCopy(new LocalSide(work.resolve("local")), to).copy(NAME);
  }

  @Test
  void every_file_of_the_set_is_written_whole_and_the_sidecar_last() throws IOException {
    local();
    Bucket b = new Bucket();
    List<SetCopy.CopiedFile> files = push(b);
    assertEquals(List.of(NAME, NAME + ".bundle.tar.gz", NAME + ".json"), List.copyOf(b.files.keySet()));
    assertEquals(sha256(content), sha256(b.files.get(NAME)));
    assertEquals(sha256(content), b.recorded.get(NAME), "the sidecar's SHA-256 is what the store records");
    assertTrue(files.stream().noneMatch(SetCopy.CopiedFile::alreadyThere));
    assertTrue(push(b).stream().allMatch(SetCopy.CopiedFile::alreadyThere), "a second push finds them there");
  }

  @Test
  void a_file_that_is_not_the_one_its_sidecar_describes_is_never_made_visible() throws IOException {
    Path f = local();
    byte[] other = content.clone();
    other[other.length / 2] ^= 1; // same size: only the hash of what was sent can tell
    Files.write(f, other);
    Bucket b = new Bucket();
    SnapshotIntegrityException e = assertThrows(SnapshotIntegrityException.class, () -> push(b));
    assertTrue(e.getMessage().contains(sha256(other)) && e.getMessage().contains("nothing stored under " + NAME),
        e.getMessage());
    assertFalse(b.files.containsKey(NAME));
    assertFalse(b.files.containsKey(NAME + ".json"), "no sidecar without its file");
  }

  @Test
  void a_file_already_there_is_judged_by_the_recorded_sha256_and_another_one_refused() throws IOException {
    local();
    Bucket b = new Bucket();
    b.files.put(NAME, content.clone());
    b.recorded.put(NAME, sha256(bytes(9, 10)));
    OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> push(b));
    assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains(sha256(bytes(9, 10))),
        e.getMessage());
    assertTrue(b.verified.isEmpty(), "nothing was uploaded");
  }

  @Test
  void a_name_stored_by_someone_else_during_the_upload_is_judged_like_any_file_already_there() throws IOException {
    local();
    Bucket same = new Bucket();
    same.racing.put(NAME, content.clone());
    List<SetCopy.CopiedFile> files = push(same);
    assertTrue(files.get(0).alreadyThere(), "identical bytes: already there");

    Bucket other = new Bucket();
    other.racing.put(NAME, bytes(5, content.length));
    OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> push(other));
    assertTrue(e.getMessage().contains(sha256(bytes(5, content.length))), e.getMessage());
    assertFalse(other.files.containsKey(NAME + ".json"));
  }
}
