#!/usr/bin/env bash
# Benchmark: the whole game-day `playbooks/restore.yml` on the lab, 3 members, a db of --size: wall time from the
# play's start until every apiserver answers /readyz again, split by phase as the restore report records them.
# For scale, the same snapshot restored by hand with `etcdutl snapshot restore` on one member (the step the
# playbook replaces on every host, without stopping or starting anything) is printed beside it.
#
#   sudo bench/restore-play.sh [--size 1G]
#
# Brings a lab up on 127.0.8.x in its own state dir, seeds it, backs it up, restores, prints, takes the lab down.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
size_option "$@"
lab_bench_up restore "$size"
export ANSIBLE_NOCOLOR=1
ansible-playbook -i "$LAB_STATE/inventory.ini" playbooks/backup.yml -e etcd_dr_store="$work/store" \
  -e etcd_backup_timeout=120s > "$work/backup.log"
snapshot=$(ls "$work"/store/lab-127-0-8/etcd-*.db | tail -1)
echo "snapshot: $(du -h "$snapshot" | cut -f1) $snapshot"

# Per-task times too, where the ansible.posix collection (Debian's `ansible` package) has its profile_tasks.
if ansible-doc -t callback ansible.posix.profile_tasks >/dev/null 2>&1; then
  export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=12
fi
start=$(date +%s.%N)
ansible-playbook -i "$LAB_STATE/inventory.ini" playbooks/restore.yml -e etcd_dr_snapshot="$snapshot" \
  -e etcd_dr_confirm=lab-127-0-8 -e etcd_dr_restore_id=bench -e etcd_dr_store="$work/store" \
  > "$work/restore.log" || { tail -40 "$work/restore.log" >&2; exit 1; }
end=$(date +%s.%N)
/usr/bin/python3 - "$work/store/lab-127-0-8/restores/bench.json" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["seconds"]
print("restore.yml, 3 members, phases (s):")
for k in ["preflight", "stop", "restore", "etcd_start_and_gates", "apiservers"]:
    print("  %-22s %6.1f" % (k, s[k]))
print("  %-22s %6.1f   (goal < 120 s)" % ("start -> apiservers ready", s["to_apiservers_ready"]))
print("  %-22s %6.1f" % ("whole play", float(sys.argv[3]) - float(sys.argv[2])))
PY
if [ -n "${ANSIBLE_CALLBACKS_ENABLED:-}" ]; then
  echo "slowest tasks:"
  slowest=$(sed -n '/^=====/,$p' "$work/restore.log" | grep -E ' -+ +[0-9.]+s$' || true)
  sed -n '1,12p' <<<"$slowest"
fi
t0=$(date +%s.%N)
/opt/etcd-dr/etcd-3.5.16/usr/bin/etcdutl snapshot restore "$snapshot" --data-dir "$work/etcdutl-one" \
  --name cp1 --initial-cluster cp1=https://127.0.8.1:2380 --initial-advertise-peer-urls https://127.0.8.1:2380 \
  > /dev/null 2>&1
t1=$(date +%s.%N)
/usr/bin/python3 -c "print('for scale: etcdutl snapshot restore of one member by hand: %.1f s' % ($t1 - $t0))"
