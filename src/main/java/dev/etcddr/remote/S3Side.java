package dev.etcddr.remote;

import dev.etcddr.snapshot.StoreSide;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A folder of an S3 bucket as one end of a copy. Objects are written whole ({@link S3Upload}); reads stream with
 * GetObject (a range from an offset) and are held to {@link S3Clients#MIN_BYTES_PER_SECOND}.
 */
final class S3Side implements StoreSide {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final S3Location where;
  private final S3Client s3;
  private final Duration timeout;
  private final S3Upload upload;

  S3Side(S3Location where, S3Client s3, Duration timeout) {
    this.where = where;
    this.s3 = s3;
    this.timeout = timeout;
    this.upload = new S3Upload(where, s3, timeout);
  }

  @Override
  public String location() {
    return where.toString();
  }

  private Optional<HeadObjectResponse> head(String name) throws IOException {
    String key = where.key(name);
    try {
      return Optional.of(s3.headObject(r -> r.bucket(where.bucket()).key(key)));
    } catch (SdkException e) {
      if (S3Failures.status(e) == 404) {
        return Optional.empty();
      }
      throw S3Failures.io(where, key, e);
    }
  }

  @Override
  public OptionalLong size(String name) throws IOException {
    Optional<HeadObjectResponse> h = head(name);
    return h.isPresent() ? OptionalLong.of(h.get().contentLength()) : OptionalLong.empty();
  }

  @Override
  public InputStream open(String name, long offset) throws IOException {
    String key = where.key(name);
    try {
      return new Download(key, s3.getObject(r -> {
        r.bucket(where.bucket()).key(key);
        if (offset > 0) {
          r.range("bytes=" + offset + "-");
        }
      }));
    } catch (SdkException e) {
      throw S3Failures.io(where, key, e);
    }
  }

  /**
   * An object's bytes as they arrive. Besides the socket's read timeout (nothing at all for a while), the bytes
   * must keep coming at the minimum rate; closing before the end drops the connection rather than draining it.
   */
  private final class Download extends FilterInputStream {
    private final String key;
    private final ResponseInputStream<GetObjectResponse> response;
    private final long start = System.nanoTime();
    private long count;
    private boolean ended;

    Download(String key, ResponseInputStream<GetObjectResponse> response) {
      super(response);
      this.key = key;
      this.response = response;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int k;
      try {
        k = in.read(b, off, len);
      } catch (SdkException e) {
        throw S3Failures.io(where, key, e);
      } catch (IOException e) {
        throw new IOException("reading " + key + " from " + where.server() + " broke off after " + count
            + " bytes: " + e.getMessage(), e);
      }
      if (k < 0) {
        ended = true;
        return k;
      }
      count += k;
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (took.compareTo(S3Clients.attemptTimeout(timeout, count)) > 0) {
        response.abort();
        throw new IOException("reading " + key + " from " + where.server() + ": " + count + " bytes in "
            + took.toSeconds() + " s, slower than " + S3Clients.MIN_BYTES_PER_SECOND / 1024 + " KiB/s");
      }
      return k;
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        response.abort();
      }
      super.close();
    }
  }

  @Override
  public OutputStream create(String name, boolean append) {
    throw new UnsupportedOperationException(where + " has no rename: files are written whole");
  }

  @Override
  public void publish(String from, String to) {
    throw new UnsupportedOperationException(where + " has no rename: files are written whole");
  }

  @Override
  public boolean writesWhole() {
    return true;
  }

  @Override
  public String writeWhole(String name, long size, String sha256, InputStream in, Runnable verify)
      throws IOException {
    return upload.write(name, sha256, in, verify);
  }

  /** The {@code x-amz-meta-sha256} an upload recorded once the bytes sent matched it, else the object hashed. */
  @Override
  public String recordedSha256(String name) throws IOException {
    Optional<HeadObjectResponse> h = head(name);
    String recorded = h.isPresent() ? h.get().metadata().get(S3Upload.SHA256_METADATA) : null;
    return recorded != null && SHA256.matcher(recorded).matches() ? recorded : sha256Hex(name);
  }

  @Override
  public void delete(String name) throws IOException {
    String key = where.key(name);
    try {
      s3.deleteObject(r -> r.bucket(where.bucket()).key(key));
    } catch (SdkException e) {
      throw S3Failures.io(where, key, e);
    }
  }

  /** A bucket has no directories; it must exist, and is never created here. */
  @Override
  public void makeDirectories() throws IOException {
    try {
      s3.headBucket(r -> r.bucket(where.bucket()));
    } catch (SdkException e) {
      if (S3Failures.status(e) == 404) {
        throw new IOException("there is no bucket " + where.bucket() + " at " + where.server() + "; etcd-dr never"
            + " creates one (its region, policy and lifecycle are the owner's choice): create it first", e);
      }
      throw S3Failures.io(where, null, e);
    }
  }


  @Override
  public RuntimeException failure(String doing, IOException e) {
    return new RemoteStoreException(where + " (" + where.server() + "): " + doing + " failed: " + e.getMessage(), e);
  }
}
