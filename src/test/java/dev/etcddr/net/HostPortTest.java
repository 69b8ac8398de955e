package dev.etcddr.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void a_bracketed_ipv6_url_gives_the_bare_address_and_prints_brackets_again() {
    HostPort h = HostPort.ofUrl("https://[fd00::11]:2379", -1);
    assertEquals("fd00::11", h.host());
    assertEquals(2379, h.port());
    assertTrue(h.isIpv6());
    assertEquals("[fd00::11]:2379", h.toString());
    assertEquals("10.0.0.1:2379", HostPort.ofUrl("https://10.0.0.1:2379", -1).toString());
  }

  @Test
  void an_unbracketed_ipv6_url_is_refused_with_the_bracketed_form() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HostPort.ofUrl("https://fd00::11:2379", -1));
    assertEquals("an IPv6 address must be in brackets: https://[fd00::11]:2379", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HostPort.ofUrl("sftp://u@fd00::1:22/srv", 22));
    assertEquals("an IPv6 address must be in brackets: sftp://u@[fd00::1]:22/srv", e.getMessage());
  }

  @Test
  void a_port_is_required_unless_there_is_a_default() {
    assertThrows(IllegalArgumentException.class, () -> HostPort.ofUrl("https://[::1]", -1));
    assertEquals(22, HostPort.ofUrl("sftp://u@[::1]/srv", 22).port());
  }

  @Test
  void an_rfc6874_zone_is_decoded_for_the_socket_and_escaped_again_for_a_url() {
    HostPort h = HostPort.ofUrl("https://[fe80::1%25eth0]:2379", -1);
    assertEquals("fe80::1%eth0", h.host());
    assertEquals("[fe80::1%25eth0]:2379", h.toString());
  }

  @Test
  void ip_literals_compare_as_addresses_names_without_case() {
    assertTrue(HostPort.sameHost("fd00:0:0::11", "fd00::11"));
    assertTrue(HostPort.sameHost("0:0:0:0:0:0:0:1", "::1"));
    assertTrue(HostPort.sameHost("FD00::11", "fd00::11"));
    assertFalse(HostPort.sameHost("fd00::11", "fd00::12"));
    assertFalse(HostPort.sameHost("fe80::1%eth0", "fe80::1%eth1"));
    assertTrue(HostPort.sameHost("CP1.example", "cp1.example"));
    assertFalse(HostPort.sameHost("::1", "localhost"));
  }

  @Test
  void urls_written_two_ways_are_one_url() {
    assertTrue(HostPort.sameUrl("https://[fd00:0:0::11]:2379/", "https://[fd00::11]:2379"));
    assertFalse(HostPort.sameUrl("https://[fd00::11]:2379", "http://[fd00::11]:2379"));
    assertFalse(HostPort.sameUrl("https://[fd00::11]:2379", "https://[fd00::11]:2380"));
  }
}
