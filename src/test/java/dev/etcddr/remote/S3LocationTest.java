package dev.etcddr.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class S3LocationTest {
  private static S3Location parse(String location, String endpoint, Path ca) {
    return S3Location.parse(location, new S3Location.Options(endpoint, null, true, ca, null, null));
  }

  @Test
  void a_prefix_is_a_folder_of_the_bucket_and_an_empty_one_its_top_level() {
    S3Location l = parse("s3://etcd-backups/prod/lab-a/", "http://127.0.0.1:9000", null);
    assertEquals("etcd-backups", l.bucket());
    assertEquals("prod/lab-a/etcd-x.db", l.key("etcd-x.db"));
    assertEquals("prod/lab-a/", l.keyPrefix());
    assertEquals("s3://etcd-backups/prod/lab-a", l.toString());
    assertEquals("http://127.0.0.1:9000", l.server());
    S3Location top = parse("s3://etcd-backups", null, null);
    assertEquals("etcd-x.db", top.key("etcd-x.db"));
    assertEquals("", top.keyPrefix());
    assertEquals("AWS S3", top.server());
    assertThrows(IllegalArgumentException.class, () -> top.key("../x"));
  }

  @Test
  void names_that_s3_or_a_folder_cannot_be_are_refused_with_the_form_to_use() {
    for (String bad : new String[] {"s3://", "s3://Backups/x", "s3://ab/x", "s3://a..b/x", "s3://etcd_b/x"}) {
      RemoteStoreException e = assertThrows(RemoteStoreException.class, () -> parse(bad, null, null), bad);
      assertTrue(e.getMessage().contains("s3://bucket/prefix"), e.getMessage());
    }
    for (String bad : new String[] {"s3://etcd-backups/a//b", "s3://etcd-backups/a/../b", "s3://etcd-backups/a b"}) {
      RemoteStoreException e = assertThrows(RemoteStoreException.class, () -> parse(bad, null, null), bad);
      assertTrue(e.getMessage().contains("the prefix"), e.getMessage());
    }
  }

  @Test
  void an_endpoint_is_a_bare_http_url_and_a_ca_file_needs_https() {
    assertEquals("https://minio.example:9000", parse("s3://b-1/x", "https://minio.example:9000/", null).server());
    for (String bad : new String[] {"ftp://h", "https://h/bucket", "https://key:secret@h", "h:9000"}) {
      RemoteStoreException e = assertThrows(RemoteStoreException.class, () -> parse("s3://b-1/x", bad, null), bad);
      assertTrue(e.getMessage().contains("--s3-endpoint"), e.getMessage());
    }
    RemoteStoreException http = assertThrows(RemoteStoreException.class,
        () -> parse("s3://b-1/x", "http://h:9000", Path.of("ca.crt")));
    assertTrue(http.getMessage().contains("use https://"), http.getMessage());
    RemoteStoreException aws = assertThrows(RemoteStoreException.class, () -> parse("s3://b-1/x", null,
        Path.of("ca.crt")));
    assertTrue(aws.getMessage().contains("for an https --s3-endpoint"), aws.getMessage());
  }

  @Test
  void the_store_flags_teach_s3_and_take_no_keys() {
    CliRun help = CliRun.of("snapshot", "push", "--help");
    for (String flag : new String[] {"--s3-endpoint", "--s3-region", "--s3-path-style", "--s3-ca-file",
        "--s3-credentials", "--s3-profile"}) {
      assertTrue(help.out().contains(flag), flag + " in " + help.out());
    }
    assertTrue(help.out().contains("never taken on the command line"), help.out());
    CliRun r = CliRun.of("snapshot", "list", "s3://b-1/x", "--s3-access-key", "AKID");
    assertEquals(2, r.exitCode(), "no such flag: " + r);
  }
}
