package dev.etcddr.it;

import dev.etcddr.testing.EtcdVersion;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotStatusEtcd34IT extends SnapshotStatusContract {
  @Override
  EtcdVersion version() {
    return EtcdVersion.V3_4;
  }
}
