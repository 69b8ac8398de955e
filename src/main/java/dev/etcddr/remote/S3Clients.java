package dev.etcddr.remote;

import dev.etcddr.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the S3 client of one store: credentials from a shared-credentials file or the SDK's default chain (never
 * from the command line), trust in exactly the CA of --s3-ca-file when given, and timeouts.
 *
 * <p>Timeouts: {@code timeout} bounds the connect, and a response that sends no byte for {@link #readTimeout} fails.
 * One attempt of a request may take that read timeout plus its body at {@link #MIN_BYTES_PER_SECOND}, so a 16 MiB
 * part gets two minutes by default rather than a fixed 30 s, and a stalled server (its socket open, nothing moving)
 * ends the attempt; a download is held to the same rate as it is read ({@link S3Side}). The SDK retries an attempt
 * that failed (3 attempts, with backoff); a part's bytes are in memory, so a retry resends exactly what was hashed.
 */
final class S3Clients {
  /** 256 KiB/s, about 2 Mbit/s: slower than that, a backup of a few GB would not finish in a night. */
  static final long MIN_BYTES_PER_SECOND = 256 * 1024;

  private S3Clients() {}

  /** No byte for this long while a response is read: the server is gone or stalled. */
  static Duration readTimeout(Duration timeout) {
    return timeout.multipliedBy(2);
  }

  /** How long one attempt of a request carrying {@code bytes} may take. */
  static Duration attemptTimeout(Duration timeout, long bytes) {
    return readTimeout(timeout).plusSeconds(bytes / MIN_BYTES_PER_SECOND);
  }

  static S3Client open(S3Location where, Duration timeout) {
    UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder().connectionTimeout(timeout)
        .socketTimeout(readTimeout(timeout));
    if (where.caFile() != null) {
      TrustManager[] trust = trustOnly(where.caFile());
      http.tlsTrustManagersProvider(() -> trust);
    }
    S3ClientBuilder b = S3Client.builder().httpClient(http.build()).credentialsProvider(credentials(where))
        .region(region(where)).forcePathStyle(where.pathStyle())
        // Checksums are ours: each part's (SHA-256 or MD5) is computed from the bytes in memory and sent as a header,
        // and what is read is hashed whole. The SDK's own (aws-chunked trailers) are refused by several S3-compatible
        // servers (S3Proxy answers 501), so it adds none.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> o.apiCallAttemptTimeout(attemptTimeout(timeout, 0)));
    if (where.endpoint() != null) {
      b.endpointOverride(where.endpoint());
    } else {
      b.crossRegionAccessEnabled(true); // a bucket in another region than the one signed for still works on AWS
    }
    try {
      return b.build();
    } catch (SdkException e) {
      throw new RemoteStoreException(where + ": cannot set up the S3 client for " + where.server() + ": "
          + e.getMessage(), e);
    }
  }

  private static Region region(S3Location where) {
    if (where.region() != null) {
      return Region.of(where.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException e) {
      return Region.US_EAST_1; // what S3-compatible servers expect when they have no region of their own
    }
  }

  private static AwsCredentialsProvider credentials(S3Location where) {
    Path file = where.credentials();
    String profile = where.profile() == null ? "default" : where.profile();
    if (file == null) {
      DefaultCredentialsProvider.Builder chain = DefaultCredentialsProvider.builder();
      if (where.profile() != null) {
        chain.profileName(where.profile());
      }
      return chain.build();
    }
    if (!Files.isReadable(file)) {
      throw new RemoteStoreException("--s3-credentials " + file + ": not found or not readable");
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new RemoteStoreException("--s3-credentials " + file + " can be read by other users; it holds keys"
            + " to every backup: chmod 600 it");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no POSIX modes here (a rare filesystem): nothing to check
    }
    ProfileFile parsed;
    try {
      parsed = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
    } catch (RuntimeException e) {
      // The SDK's own message may quote a line of the file, and so a key: it is not passed on.
      throw new RemoteStoreException("--s3-credentials " + file + " is not an AWS shared credentials file ([profile]"
          + " lines, then aws_access_key_id = ... and aws_secret_access_key = ...)");
    }
    if (parsed.profile(profile).isEmpty()) {
      throw new RemoteStoreException("--s3-credentials " + file + " has no profile [" + profile + "]"
          + (where.profile() == null ? " (choose one with --s3-profile)" : ""));
    }
    return ProfileCredentialsProvider.builder().profileFile(parsed).profileName(profile).build();
  }

  /** Trust managers that accept exactly the chains ending at a certificate of the file: no default CA at all. */
  private static TrustManager[] trustOnly(Path caFile) {
    List<X509Certificate> cas = PemFiles.certificates(caFile, "--s3-ca-file");
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      return f.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new RemoteStoreException("--s3-ca-file " + caFile + ": cannot be used as a trust store: "
          + e.getMessage(), e);
    }
  }
}
