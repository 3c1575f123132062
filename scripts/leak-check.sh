#!/usr/bin/env bash
# Runs the addon's whole surface (scripts/leak-check/workload.js: physics ops,
# stitching, models built, trained, aborted, inferred, disposed or left to the
# finalizers, error paths) under valgrind's memcheck, once, and fails when a block
# is definitely lost, or memory is misused, on a stack through ptychopinn.node.
# LibTorch, oneDNN, OpenMP and Node keep process-lifetime allocations; those are
# "still reachable", or suppressed in scripts/leak-check/valgrind.supp.
# Takes about 6 minutes on 2 cores (valgrind runs LibTorch some 50× slower).
#
#   bash scripts/leak-check.sh        (apt-get install valgrind; npm run compile first)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
  echo "leak-check: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
}
log=$(mktemp /tmp/ptychopinn-leak-check.XXXXXX.log)
# One intra-op thread: valgrind serialises threads anyway.
PTYCHOPINN_NUM_THREADS=1 valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,possible \
  --num-callers=40 --suppressions=scripts/leak-check/valgrind.supp --log-file="$log" \
  node --expose-gc scripts/leak-check/workload.js
sed -n '/LEAK SUMMARY/,/suppressed:/p;/ERROR SUMMARY/p' "$log" | sed 's/^==[0-9]*== //'
# A loss record or error runs from its heading to the next empty line; ours name ptychopinn.node.
ours=$(awk '
  /are definitely lost in loss record|== (Invalid|Mismatched|Conditional|Use of uninitialised|Syscall param|Source and destination)/ {
    record = $0; open = 1; next
  }
  open && /^==[0-9]+== *$/ { if (record ~ /ptychopinn\.node/) print record "\n"; open = 0; next }
  open { record = record "\n" $0 }
' "$log")
if [ -n "$ours" ]; then
  printf '%s\n' "$ours"
  echo "leak-check: FAILED: leaks or memory errors in ptychopinn (full log: $log)"
  exit 1
fi
echo "leak-check: nothing definitely lost and no memory errors in ptychopinn (full log: $log)"
