#!/usr/bin/env bash
# Benchmark: the whole game-day `playbooks/restore.yml` on the lab, 3 members, against the same restore done by hand
# (bench/by-hand-restore.sh: the etcd docs' steps with etcdutl over ssh) on the same lab and the same snapshot,
# alternating, --runs times each: start -> every apiserver answers /readyz again, the play's phases as its restore
# report records them, the by-hand steps, medians, and the ratio play / by hand.
#
#   sudo bench/restore-play.sh [--size 1G | --count 1000] [--runs 3] [--logs DIR]
#
# --logs DIR keeps every play's log there (with per-task times where ansible.posix is installed).
# Brings a lab up on 127.0.8.x in its own state dir, seeds it, backs it up, restores, prints, takes the lab down.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
seed=(--size 1G)
runs=3
logs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size|--count) seed=("$1" "$2"); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    *) echo "usage: $0 [--size 1G | --count 1000] [--runs 3] [--logs DIR]" >&2; exit 2 ;;
  esac
done
lab_bench_up restore "${seed[@]}"
export ANSIBLE_NOCOLOR=1
ansible-playbook -i "$LAB_STATE/inventory.ini" playbooks/backup.yml -e etcd_dr_store="$work/store" \
  -e etcd_backup_timeout=120s > "$work/backup.log"
snapshot=$(ls "$work"/store/lab-127-0-8/etcd-*.db | tail -1)
echo "snapshot: $(du -h "$snapshot" | cut -f1) $snapshot"

# Per-task times too, where the ansible.posix collection (Debian's `ansible` package) has its profile_tasks.
if ansible-doc -t callback ansible.posix.profile_tasks >/dev/null 2>&1; then
  export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=${PROFILE_TASKS_TASK_OUTPUT_LIMIT:-12}
fi
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  ansible-playbook -i "$LAB_STATE/inventory.ini" playbooks/restore.yml -e etcd_dr_snapshot="$snapshot" \
    -e etcd_dr_confirm=lab-127-0-8 -e etcd_dr_restore_id="bench$run" -e etcd_dr_store="$work/store" \
    > "$work/restore-$run.log" || { tail -40 "$work/restore-$run.log" >&2; exit 1; }
  end=$(date +%s.%N)
  /usr/bin/python3 - "$work/store/lab-127-0-8/restores/bench$run.json" "$start" "$end" >> "$work/play.jsonl" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["seconds"]
s["whole_play"] = round(float(sys.argv[3]) - float(sys.argv[2]), 1)
print(json.dumps(s))
PY
  [ -z "$logs" ] || { mkdir -p "$logs" && cp "$work/restore-$run.log" "$logs/"; }
  bash bench/by-hand-restore.sh "$LAB_STATE/inventory.ini" "$snapshot" >> "$work/by-hand.jsonl"
  lab/lab status >/dev/null || { echo "the lab is not healthy after run $run" >&2; exit 1; }
done
/usr/bin/python3 - "$work/play.jsonl" "$work/by-hand.jsonl" <<'PY'
import json, statistics, sys
play = [json.loads(l) for l in open(sys.argv[1])]
hand = [json.loads(l) for l in open(sys.argv[2])]
med = lambda rows, k: statistics.median(r[k] for r in rows)
each = lambda rows, k: " ".join("%.1f" % r[k] for r in rows)
print("restore.yml, 3 members (s; median of %d, then each run):" % len(play))
for k in ["preflight", "stop", "restore", "etcd_start_and_gates", "apiservers", "to_apiservers_ready", "whole_play"]:
    print("  %-22s %6.1f   %s" % (k, med(play, k), each(play, k)))
print("by hand (bench/by-hand-restore.sh):")
for k in ["copy", "stop", "restore", "etcd_healthy", "apiservers", "to_apiservers_ready"]:
    print("  %-22s %6.1f   %s" % (k, med(hand, k), each(hand, k)))
h = med(hand, "to_apiservers_ready")
print("ratio play / by hand, start -> apiservers ready: %.2f (goal <= 1.25); whole play / by hand: %.2f"
      % (med(play, "to_apiservers_ready") / h, med(play, "whole_play") / h))
PY
echo "tasks run by the last play: $(grep -c '^TASK \[' "$work/restore-$runs.log"), on 3 hosts"
if [ -n "${ANSIBLE_CALLBACKS_ENABLED:-}" ]; then
  echo "slowest tasks (last run):"
  slowest=$(sed -n '/^=====/,$p' "$work/restore-$runs.log" | grep -E ' -+ +[0-9.]+s$' || true)
  sed -n '1,12p' <<<"$slowest"
fi
