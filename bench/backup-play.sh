#!/usr/bin/env bash
# Benchmark: the whole `playbooks/backup.yml` on the lab with a db of --size, split by phase (snapshot, verify,
# transfer + store + prune), as the play reports them, plus the play's wall time; against the same backup done by
# hand (bench/by-hand-backup.sh: etcdctl snapshot save on the first host, scp to this machine) on the same lab.
#
#   sudo bench/backup-play.sh [--size 1G] [--runs 1]
#
# Brings a lab up on 127.0.8.x in its own state dir, seeds it, runs the play once to install the jar and its
# class-data archive (printed as the first run: what a new host costs once), then the play and the by-hand backup
# alternately --runs times into a temporary controller store, prints each, the medians and their ratio, and takes
# the lab down again.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
size_option "${args[@]}"
lab_bench_up play --size "$size"
# Per-task times too, where the ansible.posix collection (Debian's `ansible` package) has its profile_tasks.
if ansible-doc -t callback ansible.posix.profile_tasks >/dev/null 2>&1; then
  export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=${PROFILE_TASKS_TASK_OUTPUT_LIMIT:-12}
fi
play() { # LOG: one backup.yml, its phases, then its wall time as the last line
  local start end
  start=$(date +%s.%N)
  ANSIBLE_NOCOLOR=1 ansible-playbook -i "$LAB_STATE/inventory.ini" playbooks/backup.yml \
    -e etcd_dr_store="$work/store" -e etcd_backup_timeout=120s > "$1"
  end=$(date +%s.%N)
  grep -o 'backup etcd-[^"]*phases:[^"]*' "$1" | sed 's/\\n/ /g'
  /usr/bin/python3 -c "print('%.1f' % ($end - $start))"
}
first=$(play "$work/play-0.log" | tail -1)
echo "backup.yml, first run (installs the jar and its class-data archive): $first s"
: > "$work/play.txt"
: > "$work/by-hand.jsonl"
for run in $(seq 1 "$runs"); do
  play "$work/play-$run.log" > "$work/phases.txt"
  head -n -1 "$work/phases.txt"
  tail -1 "$work/phases.txt" >> "$work/play.txt"
  bash bench/by-hand-backup.sh "$LAB_STATE/inventory.ini" "$work/by-hand" >> "$work/by-hand.jsonl"
done
/usr/bin/python3 - "$work/play.txt" "$work/by-hand.jsonl" <<'PY'
import json, statistics, sys
play = [float(l) for l in open(sys.argv[1])]
hand = [json.loads(l) for l in open(sys.argv[2])]
each = lambda xs: " ".join("%.1f" % x for x in xs)
print("backup.yml, whole play (s; median of %d, then each run): %.1f   %s" % (len(play), statistics.median(play), each(play)))
for k in ["save", "copy", "whole"]:
    xs = [r[k] for r in hand]
    print("by hand %-6s %6.1f   %s" % (k, statistics.median(xs), each(xs)))
ratio = statistics.median(play) / statistics.median(r["whole"] for r in hand)
print("ratio play / by hand: %.2f (goal <= 1.5)" % ratio)
PY
if [ -n "${ANSIBLE_CALLBACKS_ENABLED:-}" ]; then
  echo "slowest tasks (last run):"
  slowest=$(sed -n '/^=====/,$p' "$work/play-$runs.log" | grep -E ' -+ +[0-9.]+s$' || true)
  sed -n '1,12p' <<<"$slowest"
fi
