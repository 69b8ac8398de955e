package dev.etcddr.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One file into one object, so that nothing is under the key unless all of it arrived: a file of up to one part is
 * read into memory, checked, and PUT; a larger one goes up as a multipart upload, 16 MiB parts read one at a time
 * (memory stays at one part, whatever the file's size), and is completed only after the whole file's SHA-256 was
 * checked; on any failure the upload is aborted. Each part carries its own checksum, computed here from the bytes in
 * memory: SHA-256 ({@code x-amz-checksum-sha256}) when the server took {@code ChecksumAlgorithm=SHA256} when the upload
 * was created (AWS, MinIO), else Content-MD5, which every S3 server checks. The object records the sidecar's SHA-256
 * as {@code x-amz-meta-sha256}.
 *
 * <p>Never replaces: the key is looked up just before the object would appear, and the PUT or complete carries
 * {@code If-None-Match: *} (AWS since 2024, MinIO). A server that ignores that header (S3Proxy 2.7 does) is protected
 * by the look-up alone, which a writer of the same key could beat by milliseconds; only a push of the same
 * snapshot writes that key.
 *
 * <p>No resume: an upload that failed is started again from byte 0 by the next push, which first aborts the
 * unfinished uploads of the same key (S3 lists them by key only: their metadata cannot be read before they complete,
 * so a key of this store's folder is taken to be etcd-dr's, as the folder is).
 */
final class S3Upload {
  static final int PART_SIZE = 16 << 20;
  static final String SHA256_METADATA = "sha256";
  private static final String CONTENT_TYPE = "application/octet-stream";

  private final S3Location where;
  private final S3Client s3;
  private final Duration timeout;
  private byte[] buffer;

  S3Upload(S3Location where, S3Client s3, Duration timeout) {
    this.where = where;
    this.s3 = s3;
    this.timeout = timeout;
  }

  /** See {@link dev.etcddr.snapshot.StoreSide#writeWhole}. */
  String write(String name, String sha256, InputStream in, Runnable verify) throws IOException {
    String key = where.key(name);
    if (buffer == null) {
      buffer = new byte[PART_SIZE];
    }
    String cleaned = abortUnfinished(key);
    int n = in.readNBytes(buffer, 0, PART_SIZE);
    if (n < PART_SIZE) {
      verify.run();
      put(key, sha256, n);
    } else {
      multipart(key, sha256, n, in, verify);
    }
    return cleaned;
  }

  private void put(String key, String sha256, int n) throws IOException {
    refuseExisting(key);
    try {
      s3.putObject(r -> r.bucket(where.bucket()).key(key).ifNoneMatch("*").metadata(Map.of(SHA256_METADATA, sha256))
          .contentType(CONTENT_TYPE)
          .contentLength((long) n).contentMD5(base64("MD5", n))
          .overrideConfiguration(o -> o.apiCallAttemptTimeout(S3Clients.attemptTimeout(timeout, n))), body(n));
    } catch (SdkException e) {
      throw asIo(key, e);
    }
    checkStored(key, n);
  }

  private void multipart(String key, String sha256, int first, InputStream in, Runnable verify)
      throws IOException {
    String uploadId;
    boolean partSha256;
    long total;
    try {
      var created = s3.createMultipartUpload(r -> r.bucket(where.bucket()).key(key)
          .metadata(Map.of(SHA256_METADATA, sha256)).contentType(CONTENT_TYPE)
          .checksumAlgorithm(ChecksumAlgorithm.SHA256));
      uploadId = created.uploadId();
      partSha256 = created.checksumAlgorithm() == ChecksumAlgorithm.SHA256;
    } catch (SdkException e) {
      throw S3Failures.io(where, key, e);
    }
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long sent = 0;
      int n = first;
      while (n > 0) {
        parts.add(part(key, uploadId, parts.size() + 1, n, partSha256));
        sent += n;
        n = in.readNBytes(buffer, 0, PART_SIZE);
      }
      verify.run();
      refuseExisting(key);
      s3.completeMultipartUpload(r -> r.bucket(where.bucket()).key(key).uploadId(uploadId).ifNoneMatch("*")
          .multipartUpload(m -> m.parts(parts))
          .overrideConfiguration(o -> o.apiCallAttemptTimeout(S3Clients.attemptTimeout(timeout, 0)
              .plusSeconds(parts.size()))));
      total = sent;
    } catch (SdkException e) {
      abort(key, uploadId, e);
      throw asIo(key, e);
    } catch (IOException | RuntimeException | Error e) {
      abort(key, uploadId, e);
      throw e;
    }
    checkStored(key, total);
  }

  /**
   * The object as the server now has it must be as long as what was sent; a server that lost or doubled a part
   * would otherwise leave a wrong file under the final key. Such an object (just created by us) is deleted.
   */
  private void checkStored(String key, long sent) throws IOException {
    long stored;
    try {
      stored = s3.headObject(r -> r.bucket(where.bucket()).key(key)).contentLength();
    } catch (SdkException e) {
      throw S3Failures.io(where, key, e);
    }
    if (stored != sent) {
      try {
        s3.deleteObject(r -> r.bucket(where.bucket()).key(key));
      } catch (SdkException e) {
        throw new IOException("the server stored " + stored + " bytes under " + key + ", not the " + sent
            + " sent, and the object could not be deleted: delete it by hand (" + S3Failures.explain(where, key, e)
            + ")", e);
      }
      throw new IOException("the server stored " + stored + " bytes under " + key + ", not the " + sent + " sent;"
          + " the object was deleted");
    }
  }

  private CompletedPart part(String key, String uploadId, int number, int n, boolean partSha256)
      throws IOException {
    UploadPartRequest.Builder r = UploadPartRequest.builder().bucket(where.bucket()).key(key).uploadId(uploadId)
        .partNumber(number).contentLength((long) n)
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(S3Clients.attemptTimeout(timeout, n)));
    String sha = partSha256 ? base64("SHA-256", n) : null;
    if (partSha256) {
      r.checksumSHA256(sha);
    } else {
      r.contentMD5(base64("MD5", n));
    }
    UploadPartResponse done = s3.uploadPart(r.build(), body(n));
    if (sha != null && done.checksumSHA256() != null && !done.checksumSHA256().equals(sha)) {
      throw new IOException("part " + number + " of " + key + " was stored with SHA-256 " + done.checksumSHA256()
          + ", not the " + sha + " sent");
    }
    return CompletedPart.builder().partNumber(number).eTag(done.eTag()).checksumSHA256(sha).build();
  }

  /** The buffer's first {@code n} bytes, resent as they are when the SDK retries an attempt. */
  private RequestBody body(int n) {
    byte[] b = buffer;
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(b, 0, n), n, CONTENT_TYPE);
  }

  private String base64(String algorithm, int n) {
    try {
      MessageDigest d = MessageDigest.getInstance(algorithm);
      d.update(buffer, 0, n);
      return Base64.getEncoder().encodeToString(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has " + algorithm, e);
    }
  }

  private void refuseExisting(String key) throws IOException {
    try {
      s3.headObject(r -> r.bucket(where.bucket()).key(key));
    } catch (SdkException e) {
      if (S3Failures.status(e) == 404) {
        return;
      }
      throw S3Failures.io(where, key, e);
    }
    throw new FileAlreadyExistsException(key, null, "stored by someone else during this upload");
  }

  /** A name that appeared meanwhile (If-None-Match: 412) is reported as such; anything else explained. */
  private IOException asIo(String key, SdkException e) {
    if (S3Failures.status(e) == 412 || S3Failures.code(e).equals("ConditionalRequestConflict")) {
      return new FileAlreadyExistsException(key, null, "stored by someone else during this upload");
    }
    return S3Failures.io(where, key, e);
  }

  private void abort(String key, String uploadId, Throwable failure) {
    try {
      s3.abortMultipartUpload(r -> r.bucket(where.bucket()).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      failure.addSuppressed(new IOException("the unfinished upload " + uploadId + " could not be aborted (the next"
          + " push aborts it; a bucket lifecycle rule for incomplete uploads also does): "
          + S3Failures.explain(where, key, e)));
    }
  }

  /**
   * Aborts what earlier pushes of this key left unfinished, and says what, or null. Best effort: those uploads are
   * invisible and harmless but for their storage, so a server that cannot list them (no permission, no support, or
   * a fault of its own) does not stop the backup; the note says so.
   */
  private String abortUnfinished(String key) {
    List<MultipartUpload> stale = new ArrayList<>();
    try {
      s3.listMultipartUploadsPaginator(r -> r.bucket(where.bucket()).prefix(key)).uploads().stream()
          .filter(u -> u.key().equals(key)).forEach(stale::add);
      for (MultipartUpload u : stale) {
        s3.abortMultipartUpload(r -> r.bucket(where.bucket()).key(key).uploadId(u.uploadId()));
      }
    } catch (SdkException e) {
      return "could not clear unfinished uploads of " + key + " (" + S3Failures.explain(where, key, e) + "); any"
          + " left stay invisible until aborted (a bucket lifecycle rule for incomplete uploads does it)";
    }
    return stale.isEmpty() ? null : "aborted " + stale.size() + " unfinished upload(s) of " + key + " left by an"
        + " earlier push; uploaded from the start";
  }
}
