package dev.etcddr.kube;

import java.time.Instant;
import java.util.List;

/**
 * What identifies a stored Kubernetes object: its type (apiVersion, kind) and the parts of metadata an undelete
 * needs. Strings are empty, never null, when the object does not set them (as protobuf and the API read a missing
 * field); {@code creationTimestamp} is null when absent.
 */
public record ObjectMetadata(String apiVersion, String kind, String namespace, String name, String uid,
    Instant creationTimestamp, List<OwnerReference> ownerReferences) {
  public ObjectMetadata {
    ownerReferences = List.copyOf(ownerReferences);
  }
}
