#!/usr/bin/env bash
# clang-format over native/: checks by default, rewrites with --fix.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'native/*.cpp' 'native/*.h' 'native/*.cu' 'native/**/*.cpp' 'native/**/*.h' 'native/**/*.cu' | sort -u)
[ ${#files[@]} -gt 0 ] || exit 0
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run --Werror "${files[@]}"
fi
