package dev.etcddr.remote;

import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.snapshot.SnapshotStore;
import dev.etcddr.snapshot.StoreSide;
import dev.etcddr.snapshot.StoredSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A folder of an S3 bucket (AWS, or any S3-compatible server through --s3-endpoint). The same semantics as the
 * other stores: each file checked against the sidecar by {@link dev.etcddr.snapshot.SetCopy}, a key never replaced,
 * nothing under a final key unless the whole file arrived. The folder's keys are listed with ListObjectsV2 (pages of
 * 1000), one level deep: keys further down the prefix are other folders.
 */
public final class S3Store implements SnapshotStore {
  private final S3Location where;
  private final S3Client s3;
  private final Duration timeout;

  private S3Store(S3Location where, S3Client s3, Duration timeout) {
    this.where = where;
    this.s3 = s3;
    this.timeout = timeout;
  }

  public static S3Store connect(S3Location where, Duration timeout) {
    return new S3Store(where, S3Clients.open(where, timeout), timeout);
  }

  @Override
  public String location() {
    return where.toString();
  }

  @Override
  public List<StoredSnapshot> list() {
    List<S3Object> objects = new ArrayList<>();
    try {
      s3.listObjectsV2Paginator(r -> r.bucket(where.bucket()).prefix(where.keyPrefix()).delimiter("/")).contents()
          .forEach(objects::add);
    } catch (SdkException e) {
      throw new RemoteStoreException("cannot list " + where + ": " + S3Failures.explain(where, null, e), e);
    }
    Set<String> names = new HashSet<>();
    objects.forEach(o -> names.add(o.key().substring(where.keyPrefix().length())));
    List<StoredSnapshot> out = new ArrayList<>();
    for (S3Object o : objects) {
      String name = o.key().substring(where.keyPrefix().length());
      Optional<SnapshotName> parsed = SnapshotName.parse(name);
      if (parsed.isPresent()) {
        out.add(new StoredSnapshot(name, parsed.get().takenAt(), parsed.get().revision(), o.size(),
            names.contains(name + ".json")));
      }
    }
    out.sort(Comparator.comparing(StoredSnapshot::takenAt).reversed());
    return out;
  }

  @Override
  public StoreSide side() {
    return new S3Side(where, s3, timeout);
  }

  @Override
  public void remove(String fileName) {
    String key = where.key(fileName);
    try {
      s3.deleteObject(r -> r.bucket(where.bucket()).key(key));
    } catch (SdkException e) {
      throw new RemoteStoreException("cannot delete " + fileName + " from " + where + ": "
          + S3Failures.explain(where, key, e), e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
