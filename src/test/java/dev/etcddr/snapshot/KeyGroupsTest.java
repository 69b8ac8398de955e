package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyGroupsTest {
  private static String group(String prefix, String key) {
    return new KeyGroups(prefix).groupOf(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void groups_by_the_segment_after_the_prefix() {
    assertEquals("/registry/pods/", group("/registry/", "/registry/pods/ns/x"));
    assertEquals("/registry/services/", group("/registry/", "/registry/services/specs/ns/a"));
    assertEquals("/registry/services/", group("/registry/", "/registry/services/endpoints/ns/a"));
    assertEquals("/registry/namespaces/", group("/registry/", "/registry/namespaces/default"));
  }

  @Test
  void a_key_with_no_slash_after_its_segment_is_its_own_group() {
    assertEquals("/registry/health", group("/registry/", "/registry/health"));
    assertEquals("/registry/", group("/registry/", "/registry/"), "the prefix itself as a key");
  }

  @Test
  void keys_outside_the_prefix_have_no_group() {
    assertNull(group("/registry/", "/other/pods/x"));
    assertNull(group("/registry/", "/registry"));
    assertNull(group("/registry/", "/regist"));
  }

  @Test
  void a_prefix_without_its_trailing_slash_groups_by_the_next_segment() {
    assertEquals("/registry/pods/", group("/registry", "/registry/pods/ns/x"));
    assertEquals("/registry/health", group("/registry", "/registry/health"));
    assertEquals("/registryx", group("/registry", "/registryx"));
    assertEquals("/registry2/", group("/registry", "/registry2/a/b"), "the segment goes on past the prefix");
  }

  @Test
  void an_empty_prefix_groups_by_the_first_segment() {
    assertEquals("/registry/", group("", "/registry/pods/ns/x"));
    assertEquals("foo/", group("", "foo/bar"));
    assertEquals("foo", group("", "foo"));
  }

  @Test
  void reads_only_between_position_and_limit() {
    byte[] bytes = "xx/registry/pods/a/yy".getBytes(StandardCharsets.UTF_8);
    ByteBuffer view = ByteBuffer.wrap(bytes, 2, 17);
    assertEquals("/registry/pods/", new KeyGroups("/registry/").groupOf(view));
    assertEquals(2, view.position(), "the buffer is not moved");
  }
}
