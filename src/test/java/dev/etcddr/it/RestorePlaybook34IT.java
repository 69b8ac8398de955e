package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `ansible-playbook playbooks/restore.yml` on a lab of etcd 3.4.23: a member that starts on its old data after the
 * restore is caught by the gate and everything rolled back; then the restore completes with every key of the
 * snapshot, a new cluster ID and revisions above the old cluster's. Its own class so that it runs beside the 3.5 one.
 */
class RestorePlaybook34IT extends RestoreLabBase {
  @Test
  void etcd34_restore() throws Exception {
    try (Lab l = seededAndBackedUp("127.0.10", "3.4", 80)) {
      Map<String, String> inSnapshot = LabPlays.withoutStandIns(etcd.keys("/"));
      String oldCluster = clusterIds().get(0);
      damage(inSnapshot);
      Map<String, String> damaged = LabPlays.withoutStandIns(etcd.keys("/"));
      long maxBefore = maxRevision();

      // a member that starts on its OLD data after the restore (as when something swapped it back) is caught by
      // the gate, and everything is rolled back
      Path oldData = hostPath("cp2", "var-lib/swap-back-java");
      Files.writeString(oldData, """
          #!/bin/sh
          # java, except that after the in-place restore the old member is put back under etcd's data dir
          case "$*" in
            *"--dry-run"*) exec java "$@" ;;
            *"snapshot restore"*"--in-place"*)
              java "$@" || exit $?
              id=$(echo "$*" | sed -n 's/.*--restore-id \\([^ ]*\\).*/\\1/p')
              mv /var/lib/etcd/member "/var/lib/etcd/etcd-dr-$id/swapped-away" &&
                mv "/var/lib/etcd/etcd-dr-$id/original/member" /var/lib/etcd/member ;;
            *) exec java "$@" ;;
          esac
          """);
      oldData.toFile().setExecutable(true);
      Path hostVars = lab.state().resolve("host_vars");
      Files.createDirectories(hostVars);
      Files.writeString(hostVars.resolve("cp2.yml"), "etcd_dr_java: /var/lib/swap-back-java\n");
      Proc.Result wrong = restore("-e", "etcd_dr_restore_id=wrong34");
      Files.delete(hostVars.resolve("cp2.yml"));
      assertNotEquals(0, wrong.exitCode(), wrong.stdout());
      // cp2's old member has no quorum of its own, so it answers no status (or the wrong cluster ID): either way
      // it is not the member the restore built, and the gate does not pass
      assertTrue(wrong.stdout().contains("the restored cluster did not pass its gates")
          && wrong.stdout().contains("member cp2 is expected but not in the member list"), wrong.stdout());
      assertEquals("rolled-back", json.readTree(plays.clusterStore().resolve("restores/wrong34.json").toFile()).get("outcome")
          .asText());
      assertEquals(List.of(oldCluster), clusterIds());
      assertEquals(damaged, LabPlays.withoutStandIns(etcd.keys("/")));

      Proc.Result restored = restore("-e", "etcd_dr_restore_id=r34");
      assertEquals(0, restored.exitCode(), restored.stdout() + restored.stderr());
      assertEquals(inSnapshot, LabPlays.withoutStandIns(etcd.keys("/")));
      List<String> ids = clusterIds();
      assertEquals(1, ids.stream().distinct().count(), "one cluster: " + ids);
      assertNotEquals(oldCluster, ids.get(0));
      assertEquals(HOSTS, etcd.memberNames());
      assertApiserversServe();
      JsonNode report = json.readTree(plays.clusterStore().resolve("restores/r34.json").toFile());
      assertNoApiserverDuring(report.at("/times/stopped").asDouble(), report.at("/times/etcd_healthy").asDouble());
      assertTrue(etcd.put("/registry/after-restore", "x") > maxBefore);
    }
  }
}
