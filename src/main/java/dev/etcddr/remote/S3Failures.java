package dev.etcddr.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What an S3 failure means, in words that name the server, bucket and key and say what to do. Credentials never
 * appear: an S3 error carries none, and the SDK's messages about loading them are replaced, not quoted.
 */
final class S3Failures {
  private S3Failures() {}

  static int status(SdkException e) {
    return e instanceof S3Exception s ? s.statusCode() : 0;
  }

  static String code(SdkException e) {
    return e instanceof S3Exception s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
        ? s.awsErrorDetails().errorCode() : "";
  }

  /** As an IOException, so that the copy reports it with the store's exit code. */
  private static final String CHECK_CREDENTIALS =
      "check --s3-credentials and --s3-profile, or the AWS credentials of the environment";

  static IOException io(S3Location where, String key, SdkException e) {
    return new IOException(explain(where, key, e), e);
  }

  static String explain(S3Location where, String key, SdkException e) {
    String at = where.server() + ", bucket " + where.bucket() + (key == null ? "" : ", key " + key);
    if (e instanceof S3Exception s) {
      String code = code(s);
      String said = s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
          ? s.awsErrorDetails().errorMessage() : "";
      switch (code) {
        case "NoSuchBucket":
          return "there is no bucket " + where.bucket() + " at " + where.server() + "; etcd-dr never creates one"
              + " (its region, policy and lifecycle are the owner's choice): create it first";
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "InvalidSecurity":
          return where.server() + " refused the credentials (" + code + "): " + CHECK_CREDENTIALS;
        case "PermanentRedirect", "AuthorizationHeaderMalformed":
          return "bucket " + where.bucket() + " is in another region than the one signed for (" + code
              + "): give --s3-region";
        default:
          break;
      }
      if (s.statusCode() == 403 && code.isEmpty()) {
        // A HEAD's 403 has no body, so no code tells a bad signature from a missing permission.
        return "access denied (" + at + ", 403 without an S3 error code): either the credentials are wrong ("
            + CHECK_CREDENTIALS + ") or they lack a permission for this request";
      }
      if (s.statusCode() == 403) {
        return "access denied (" + at + "): the credentials lack a permission for this request (" + code + ")";
      }
      return "the server answered " + s.statusCode() + (code.isEmpty() ? " without an S3 error code" : " " + code)
          + (said.isEmpty() ? "" : ": " + said) + " (" + at + ")";
    }
    if (String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
      return "no S3 credentials found: give --s3-credentials FILE (an AWS shared credentials file), or provide"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE with ~/.aws, a web identity token, or an"
          + " ECS or EC2 role";
    }
    if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
      return where.server() + " did not finish the request in time (" + at + "; a request may take --timeout"
          + " twice plus its size at " + S3Clients.MIN_BYTES_PER_SECOND / 1024 + " KiB/s)";
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "TLS to " + where.server() + " failed (" + at + "): " + t.getMessage() + (where.caFile() != null
            ? " (only the CA in --s3-ca-file " + where.caFile() + " is trusted, for the endpoint's host name)"
            : " (checked against Java's default CAs; a private CA needs --s3-ca-file)");
      }
      if (t instanceof ConnectException) {
        return "cannot reach " + where.server() + ": " + t.getMessage() + " (" + at + ")";
      }
      if (t instanceof UnknownHostException) {
        return "cannot resolve " + t.getMessage() + " for " + where.server() + " (" + at + ")"
            + (where.endpoint() != null && !where.pathStyle() ? "; without --s3-path-style the bucket is put in the"
                + " host name, which an endpoint given by IP or without wildcard DNS cannot resolve" : "");
      }
      if (t instanceof SocketTimeoutException) {
        return where.server() + " sent nothing for too long (" + at + "): " + t.getMessage();
      }
    }
    return "S3 request failed (" + at + "): " + e.getMessage();
  }
}
