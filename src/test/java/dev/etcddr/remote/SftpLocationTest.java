package dev.etcddr.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SftpLocationTest {
  private static SftpLocation parse(String location) {
    return SftpLocation.parse(location, Path.of("id"), Path.of("known_hosts"));
  }

  @Test
  void an_ipv6_store_gives_jsch_the_bare_address_and_messages_the_brackets() {
    SftpLocation l = parse("sftp://backup@[::1]:2222/srv/etcd");
    // JSch looks the key up as [::1]:2222, as OpenSSH records it; "[::1]" here would make that [[::1]]:2222.
    assertEquals("::1", l.host());
    assertEquals(2222, l.port());
    assertEquals("/srv/etcd", l.dir());
    assertEquals("[::1]:2222", l.address());
    assertEquals("sftp://backup@[::1]:2222/srv/etcd", l.toString());
    SftpLocation d = parse("sftp://backup@[fd00::1]:22/path/");
    assertEquals("fd00::1", d.host());
    assertEquals("sftp://backup@[fd00::1]/path", d.toString());
  }

  @Test
  void a_store_without_a_user_is_refused_with_an_example_in_its_own_form() {
    RemoteStoreException e = assertThrows(RemoteStoreException.class, () -> parse("sftp://[fd00::1]:22/path"));
    assertTrue(e.getMessage().contains("sftp://backup@[fd00::1]/srv/etcd-backups"), e.getMessage());
  }

  @Test
  void an_unbracketed_ipv6_store_is_refused() {
    RemoteStoreException e = assertThrows(RemoteStoreException.class, () -> parse("sftp://u@fd00::1:22/path"));
    assertTrue(e.getMessage().contains("must be in brackets: sftp://u@[fd00::1]:22/path"), e.getMessage());
  }
}
