#!/usr/bin/env bash
# A sweep through GNU parallel: the command `mlptrain sweep parallel` prints, run with two local
# "hosts" (an --sshloginfile naming this machine twice, as ':' and '1/:'), then run again (the
# joblog's --resume-failed runs nothing more), collected and compared with `compare` over the same
# grid.
#
#   check_parallel.sh MLPTRAIN WORKDIR
#
# Exits 1 on any failure, 77 (CTest's skip) when GNU parallel is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
mlptrain=$1
work=$2
if ! command -v parallel >/dev/null; then
  echo "skipped: GNU parallel is not installed (apt-get install parallel; scripts/test installs it)"
  exit 77
fi
source "$here/iris_sweep.sh"
rm -rf "$work" && mkdir -p "$work"
iris_sweep "$work" "1, 2, 3" 3
cd "$work"
"$mlptrain" sweep plan sweep.json sweep --quiet
printf ':\n1/:\n' >hosts
command=$("$mlptrain" sweep parallel sweep --sshloginfile hosts --jobs 2 --threads 1)
echo "$command"
case "$command" in *"--sshloginfile '$work/hosts'"*"--joblog '$work/sweep/parallel.joblog' --resume-failed"*) ;;
  *) echo "FAIL: the command lacks --sshloginfile, --joblog or --resume-failed"; exit 1 ;; esac
bash -c "$command" 2>parallel.err
ran=$(grep -c "done in" parallel.err || true)
[ "$ran" = 12 ] || { echo "FAIL: $ran of 12 tasks ran"; cat parallel.err; exit 1; }
[ "$(tail -n +2 sweep/parallel.joblog | wc -l)" = 12 ] || { echo "FAIL: the joblog lacks jobs"; exit 1; }
bash -c "$command" 2>again.err
if grep -q "done in" again.err; then echo "FAIL: --resume-failed ran a task again"; exit 1; fi
"$mlptrain" sweep collect sweep --quiet
compare_iris "1,2,3" compared
python3 "$here/same_as_compare.py" sweep compared
