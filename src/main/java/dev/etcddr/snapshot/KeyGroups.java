package dev.etcddr.snapshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How keys under a prefix are grouped for counting: the prefix plus the next path segment and its '/', or the
 * whole key when no '/' follows that segment. Under {@code /registry/} that is one group per Kubernetes resource
 * ({@code /registry/pods/}, {@code /registry/services/}) and single keys like {@code /registry/health} alone.
 * {@code snapshot status --count-keys} and {@code cluster health --count-keys} both group here, so the counts of
 * a snapshot and of the cluster it came from can be compared group by group.
 */
public final class KeyGroups {
  private final String prefix;
  private final byte[] prefixBytes;

  public KeyGroups(String prefix) {
    this.prefix = prefix;
    this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
  }

  public String prefix() {
    return prefix;
  }

  public byte[] prefixBytes() {
    return prefixBytes.clone();
  }

  /** The group of {@code key} (its bytes from position to limit), or null when the key is not under the prefix. */
  public String groupOf(ByteBuffer key) {
    int p = key.position();
    int n = key.remaining();
    if (n < prefixBytes.length) {
      return null;
    }
    for (int i = 0; i < prefixBytes.length; i++) {
      if (key.get(p + i) != prefixBytes[i]) {
        return null;
      }
    }
    // A prefix without its trailing '/' ("/registry") still groups by the segment after the '/' that follows.
    int segment = prefixBytes.length;
    if (segment < n && key.get(p + segment) == '/') {
      segment++;
    }
    int end = n;
    for (int i = segment; i < n; i++) {
      if (key.get(p + i) == '/') {
        end = i + 1;
        break;
      }
    }
    return StandardCharsets.UTF_8.decode(key.duplicate().limit(p + end)).toString();
  }

  public String groupOf(byte[] key) {
    return groupOf(ByteBuffer.wrap(key));
  }
}
