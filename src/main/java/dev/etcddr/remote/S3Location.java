package dev.etcddr.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code s3://bucket/prefix}: a folder of an S3 bucket, the prefix possibly empty (the bucket's top level), plus how
 * to reach the server. The bucket must exist; etcd-dr never creates one (its region, policy, versioning and
 * lifecycle are the owner's choice).
 *
 * @param endpoint the S3 API's base URL for MinIO, Ceph RGW, S3Proxy and the like; null for AWS
 * @param region null to take the SDK's (AWS_REGION, the profile's), else us-east-1
 * @param caFile PEM with the only CA certificates to trust for an https endpoint; null for Java's defaults
 * @param credentials an AWS shared credentials file; null for the SDK's default chain
 * @param profile the profile in {@code credentials} (or in ~/.aws without it); null for the default one
 */
public record S3Location(String bucket, String prefix, URI endpoint, String region, boolean pathStyle, Path caFile,
    Path credentials, String profile) {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._=+@-]+");

  /** How to reach an S3 server, as the CLI's --s3-* flags give it; all null or false for AWS's defaults. */
  public record Options(String endpoint, String region, boolean pathStyle, Path caFile, Path credentials,
      String profile) {
    public static final Options NONE = new Options(null, null, false, null, null, null);
  }

  public static boolean isS3(String location) {
    return location.startsWith("s3://");
  }

  public static S3Location parse(String location, Options o) {
    String rest = location.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new RemoteStoreException("store '" + location + "': '" + bucket + "' is not an S3 bucket name (3-63"
          + " lower-case letters, digits, dots and hyphens); the form is s3://bucket/prefix, e.g."
          + " s3://etcd-backups/prod");
    }
    for (String segment : prefix.isEmpty() ? new String[0] : prefix.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new RemoteStoreException("store '" + location + "': the prefix '" + prefix + "' has a part '"
            + segment + "' that is empty, . or .., or has characters other than letters, digits and ._=+@-");
      }
    }
    return new S3Location(bucket, prefix, endpoint(o.endpoint(), o.caFile()), o.region(), o.pathStyle(),
        o.caFile(), o.credentials(), o.profile());
  }

  private static URI endpoint(String endpoint, Path caFile) {
    if (endpoint == null) {
      if (caFile != null) {
        throw new RemoteStoreException("--s3-ca-file is for an https --s3-endpoint; AWS's endpoints are checked"
            + " against Java's own CAs");
      }
      return null;
    }
    URI u;
    try {
      u = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new RemoteStoreException("--s3-endpoint '" + endpoint + "' is not a URL: " + e.getReason());
    }
    boolean https = "https".equals(u.getScheme());
    if (!https && !"http".equals(u.getScheme()) || u.getHost() == null
        || u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/") || u.getQuery() != null
        || u.getUserInfo() != null) {
      throw new RemoteStoreException("--s3-endpoint '" + endpoint + "' is not http(s)://host[:port] (credentials"
          + " never go in the URL: --s3-credentials)");
    }
    if (caFile != null && !https) {
      throw new RemoteStoreException("--s3-ca-file is given but --s3-endpoint " + endpoint + " is plain http;"
          + " use https:// so that the CA is checked");
    }
    return URI.create(u.getScheme() + "://" + u.getRawAuthority());
  }

  /** The object key of a file of this folder. */
  public String key(String name) {
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(name + ": not a plain file name");
    }
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** What keys of this folder start with: {@code prefix/}, or nothing at the bucket's top level. */
  public String keyPrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  /** The server, for messages: the endpoint, or AWS with the region when one was given. */
  public String server() {
    return endpoint != null ? endpoint.toString() : "AWS S3" + (region == null ? "" : " " + region);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }
}
