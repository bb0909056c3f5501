#!/usr/bin/env bash
# Run labelled commands side by side and fail if any fails:
#   scripts/side-by-side.sh LABEL 'command' [LABEL 'command' ...]
# Each line of output is prefixed with its label as it happens (progress stays visible); the
# whole unprefixed output of each command is kept in $SIDE_BY_SIDE_LOGS/<label>.log (default
# .side-by-side/) so a failure can be read in one piece. The test suites it runs are
# independent by construction: each PostgreSQL test database has its own name, each stack
# and each Mosquitto its own free port, each e2e store its own results directory.
set -uo pipefail
set -m  # each command in a process group of its own, so a stop reaches all of its children

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOGS="${SIDE_BY_SIDE_LOGS:-$ROOT/.side-by-side}"
mkdir -p "$LOGS"
[ $(($# % 2)) -eq 0 ] && [ $# -gt 0 ] || { echo "usage: side-by-side.sh LABEL 'command' [LABEL 'command' ...]" >&2; exit 2; }

labels=() pids=()
start=$SECONDS
while [ $# -gt 0 ]; do
  label="$1" command="$2"
  shift 2
  log="$LOGS/$label.log"
  (
    t=$SECONDS
    bash -c "$command" > >(tee "$log" | sed -u "s/^/[$label] /") 2>&1
    status=$?
    wait  # let tee and sed drain before the verdict line
    if [ "$status" -eq 0 ]; then
      echo "==> $label: passed in $((SECONDS - t)) s"
    else
      echo "==> $label: FAILED (exit $status) after $((SECONDS - t)) s; whole output: $log" >&2
    fi
    exit "$status"
  ) &
  labels+=("$label") pids+=($!)
done

# Ctrl-C or a kill stops every command, not just this script.
trap 'for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null; done; wait; exit 130' INT TERM

status=0 failed=()
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { status=1; failed+=("${labels[$i]}"); }
done
if [ "$status" -eq 0 ]; then
  echo "==> side by side: ${labels[*]} passed in $((SECONDS - start)) s"
else
  # The failing tests' names last, so the tail of a long run says what failed.
  for label in "${failed[@]}"; do
    grep -E '^(FAILED|ERROR) |^  [✘x] |^ +[0-9]+\) \[' "$LOGS/$label.log" 2>/dev/null | cut -c1-300 | head -20 \
      | sed "s/^/[$label] failed: /" >&2
  done
  echo "==> side by side: FAILED: ${failed[*]} (logs in $LOGS)" >&2
fi
exit "$status"
