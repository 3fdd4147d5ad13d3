#!/usr/bin/env bash
# A sweep as a Slurm job array on a real single-node cluster started here: munged, slurmctld and
# slurmd with a generated slurm.conf, all in WORKDIR and stopped by pid on exit (also on failure).
#  1. `sweep slurm` writes the array script, sbatch runs it, `sweep collect` merges it, and the
#     result equals `compare` over the same grid (apart from timing).
#  2. A second sweep of slower tasks: one running array task is cancelled (scancel), the array is
#     submitted again, and every task ends done exactly once (its "done in" line in one output);
#     a task stopped by the SIGTERM continues from its checkpoint.
#
#   check_slurm.sh MLPTRAIN WORKDIR
#
# Exits 1 on any failure, 77 (CTest's skip) when not root or Slurm/munge are not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
mlptrain=$1
work=$2
if [ "$(id -u)" != 0 ]; then
  echo "skipped: starting slurmctld, slurmd and munged needs root"
  exit 77
fi
for tool in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: $tool is not installed (apt-get install slurm-wlm munge; scripts/test installs them)"
    exit 77
  fi
done
source "$here/iris_sweep.sh"
rm -rf "$work" && mkdir -p "$work"/{munge,state,spool,log}
work=$(cd "$work" && pwd)
pids=()
stop_all() {
  squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT
fail() {
  echo "FAIL: $*"
  tail -n 20 "$work"/log/*.log || true
  exit 1
}

mungekey --create --keyfile="$work/munge/munge.key" --force
chmod 600 "$work/munge/munge.key"
munged --force --foreground --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" \
  >"$work/log/munged.out" 2>&1 &
pids+=($!)

host=$(hostname -s)
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=mlptest
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
KillWait=5
NodeName=$host CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
for _ in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done
slurmctld -D -c -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.2; done
sinfo -h -o %T | grep -qx idle || fail "the node did not come up"

# Waits until no job of the cluster is left (squeue lists pending and running ones).
wait_for_jobs() {
  for _ in $(seq 600); do [ -z "$(squeue -h -o %i)" ] && return 0; sleep 0.2; done
  fail "jobs still queued after 120 s: $(squeue -h)"
}

# 1. The sweep as an array, collected, equal to compare.
mkdir -p "$work/a" && cd "$work/a"
iris_sweep "$work/a" "1, 2" 3
"$mlptrain" sweep plan sweep.json sweep --quiet
"$mlptrain" sweep slurm sweep --max-parallel 2 --cpus-per-task 1 --quiet
grep -q -- "--array=0-7%2" sweep/sweep.sbatch || fail "no --array=0-7%2 in the script"
start=$(date +%s.%N)
sbatch --parsable sweep/sweep.sbatch >job
wait_for_jobs
echo "8 tasks as a job array in $(echo "$(date +%s.%N) - $start" | bc) s"
"$mlptrain" sweep collect sweep --quiet || fail "collect refused the sweep: $(cat sweep/slurm/*.out)"
compare_iris "1,2" compared
python3 "$here/same_as_compare.py" sweep compared || fail "collect differs from compare"

# 2. Cancel a running task, submit again: nothing lost, nothing run twice.
mkdir -p "$work/b" && cd "$work/b"
iris_sweep "$work/b" "1" 30000  # about 2 s a task
"$mlptrain" sweep plan sweep.json sweep --quiet
"$mlptrain" sweep slurm sweep --max-parallel 2 --quiet
# The tasks' ids by array index, read before submitting: on a loaded machine a 2 s task can be
# over before a Python started after it has read them.
ids=($(python3 -c "import json; print(' '.join(t['id'] for t in json.load(open('sweep/sweep.json'))['tasks']))"))
job=$(sbatch --parsable sweep/sweep.sbatch)
# The first task found claimed is running mlptrain: cancel its array task.
claimed=""
for _ in $(seq 1200); do
  for i in "${!ids[@]}"; do
    if [ -f "sweep/tasks/${ids[$i]}/claim" ]; then claimed=$i && break; fi
  done
  [ -n "$claimed" ] && break
  sleep 0.05
done
[ -n "$claimed" ] || fail "no array task claimed its task within 60 s"
running=${job}_$claimed
id=${ids[$claimed]}
scancel "$running"
wait_for_jobs
# On a loaded machine the signal may come after the task has finished: then it is simply done.
if grep -q "interrupted by signal 15" "sweep/slurm/$running.out"; then
  echo "$running stopped on SIGTERM, checkpointed and released its task"
  [ -z "$(find sweep/tasks -name claim)" ] || fail "a claim was left behind"
  [ -f "sweep/tasks/$id/checkpoint.json" ] || fail "the stopped task left no checkpoint"
  resumed=1
elif grep -q "done in" "sweep/slurm/$running.out"; then
  echo "$running finished before scancel's SIGTERM reached it"
  [ -z "$(find sweep/tasks -name claim)" ] || fail "a claim was left behind"
else
  # Killed (SIGKILL after KillWait) before its handler ran: its claim names a process that is
  # gone on this host, which the resubmitted array takes over.
  [ ! -f "sweep/tasks/$id/result.json" ] || fail "the killed task left a result"
  echo "$running was killed; its claim is left for the resubmitted array to take over"
fi
sbatch --parsable sweep/sweep.sbatch >/dev/null
wait_for_jobs
"$mlptrain" sweep collect sweep --quiet || fail "tasks were lost: $(cat sweep/slurm/*.out)"
if [ -n "${resumed:-}" ]; then
  # grep reads the files itself: `cat | grep -q` fails under pipefail when grep stops at the first
  # match and cat, still writing, gets SIGPIPE.
  grep -q -h -F "task $claimed ($id): resumed from its checkpoint at epoch" sweep/slurm/*.out ||
    fail "the stopped task did not continue from its checkpoint"
  [ -z "$(find sweep/tasks -name checkpoint.json)" ] || fail "a done task kept its checkpoint"
fi
for i in 0 1 2 3; do
  runs=$(cat sweep/slurm/*.out | grep -c "task $i (.*): done in" || true)
  [ "$runs" = 1 ] || fail "task $i ran $runs times"
done
echo "cancelled $running, resubmitted: 4 of 4 tasks done once each"
