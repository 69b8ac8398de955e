package dev.etcddr.it;

import dev.etcddr.testing.EtcdVersion;

class SnapshotSaveEtcd35IT extends SnapshotSaveContract {
  @Override
  EtcdVersion version() {
    return EtcdVersion.V3_5;
  }
}
