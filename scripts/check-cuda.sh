#!/usr/bin/env bash
# Compiles every native/cuda/*.cu on its own with nvcc, so CUDA code cannot rot on
# machines without a GPU or a CUDA LibTorch. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC=${NVCC:-nvcc}
if ! command -v "$NVCC" >/dev/null; then
  echo "check:cuda: nvcc not found (set NVCC or install the CUDA toolkit)" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count=0
for file in native/cuda/*.cu; do
  "$NVCC" -std=c++17 -O2 -Xcompiler -fPIC -Inative -c "$file" -o "$out/$(basename "$file").o"
  echo "check:cuda: compiled $file"
  count=$((count + 1))
done
echo "check:cuda: $count CUDA sources compiled with $("$NVCC" --version | tail -n 1)"
