#!/usr/bin/env bash
# Benchmark: the whole `playbooks/backup.yml` on the lab with a db of --size, split by phase (snapshot, verify,
# transfer + store + prune), as the play reports them, plus the play's wall time.
#
#   sudo bench/backup-play.sh [--size 1G]
#
# Brings a lab up on 127.0.8.x in its own state dir, seeds it, runs the play once into a temporary controller
# store, prints the numbers, and takes the lab down again.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
size_option "$@"
lab_bench_up play --size "$size"
start=$(date +%s.%N)
ANSIBLE_NOCOLOR=1 ansible-playbook -i "$LAB_STATE/inventory.ini" playbooks/backup.yml \
  -e etcd_dr_store="$work/store" -e etcd_backup_timeout=120s > "$work/play.log"
end=$(date +%s.%N)
grep -o 'backup etcd-[^"]*phases:[^"]*' "$work/play.log" | sed 's/\\n/ /g'
/usr/bin/python3 -c "print('whole play: %.1f s' % ($end - $start))"
