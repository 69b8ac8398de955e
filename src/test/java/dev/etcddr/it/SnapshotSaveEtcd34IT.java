package dev.etcddr.it;

import dev.etcddr.testing.EtcdVersion;

class SnapshotSaveEtcd34IT extends SnapshotSaveContract {
  @Override
  EtcdVersion version() {
    return EtcdVersion.V3_4;
  }
}
