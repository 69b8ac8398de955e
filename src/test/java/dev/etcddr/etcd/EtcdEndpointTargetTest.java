package dev.etcddr.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.net.HostPort;
import org.junit.jupiter.api.Test;

class EtcdEndpointTargetTest {
  @Test
  void the_grpc_target_keeps_the_brackets_of_an_ipv6_endpoint() {
    assertEquals("https://[fd00::11]:2379", EtcdEndpoint.grpcTarget("https",
        HostPort.ofUrl("https://[fd00::11]:2379", -1)));
    assertEquals("https://10.0.0.1:2379", EtcdEndpoint.grpcTarget("https",
        HostPort.ofUrl("https://10.0.0.1:2379", -1)));
  }

  @Test
  void a_zone_is_written_with_a_bare_percent_the_form_inetaddress_reads() {
    assertEquals("https://[fe80::1%eth0]:2379", EtcdEndpoint.grpcTarget("https",
        HostPort.ofUrl("https://[fe80::1%25eth0]:2379", -1)));
  }
}
