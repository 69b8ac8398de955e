package dev.etcddr.cli;

import dev.etcddr.remote.S3Location;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to reach an s3:// store; unused for others. Credentials come from a file or the environment, never a flag. */
public final class S3Mixin {
  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 API of an s3:// store that is not AWS:"
      + " MinIO, Ceph RGW, S3Proxy... as http(s)://host[:port]. Default: AWS's endpoint for the region.")
  String endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION", description = "Region to sign s3:// requests for. Default:"
      + " AWS_REGION or the AWS profile's region, else us-east-1 (what most S3-compatible servers accept).")
  String region;

  @Option(names = "--s3-path-style", description = "Put the bucket in the URL's path (http://host/bucket/key), not"
      + " in its host name (bucket.host): what MinIO, Ceph and S3Proxy usually need, and any endpoint given by IP.")
  boolean pathStyle;

  @Option(names = "--s3-ca-file", paramLabel = "PEM", description = "Trust exactly the CA certificate(s) in this"
      + " file for an https --s3-endpoint, instead of Java's default CAs; a server certificate they did not sign, or"
      + " not for the endpoint's host name, is refused (exit 10). There is no way to skip the check.")
  Path caFile;

  @Option(names = "--s3-credentials", paramLabel = "FILE", description = "AWS shared credentials file for an s3://"
      + " store ([profile], aws_access_key_id = ..., aws_secret_access_key = ..., optional aws_session_token),"
      + " readable by its owner only. Without it: the SDK's default chain (AWS_ACCESS_KEY_ID and"
      + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, web identity such as IRSA, ECS and EC2 roles). Keys are"
      + " never taken on the command line, and never printed.")
  Path credentials;

  @Option(names = "--s3-profile", paramLabel = "NAME", description = "Profile to use in --s3-credentials (or in"
      + " ~/.aws without it). Default: default.")
  String profile;

  S3Location.Options options() {
    return new S3Location.Options(endpoint, region, pathStyle, caFile, credentials, profile);
  }
}
