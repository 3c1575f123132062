#!/usr/bin/env bash
# Builds and links the addon with its CUDA kernels against a CUDA LibTorch (pip's
# CUDA torch wheel), in build-cuda/, so that a CUDA build is known to link on a
# machine without a GPU. Running the kernels needs a GPU; this checks the link only.
#   LIBTORCH=<site-packages>/torch of a CUDA torch   (required)
#   CUDA_HOME=/usr/local/cuda-13.0                   (default: /usr/local/cuda, else the nvcc on PATH)
#   NVRTC=<path to libnvrtc.so.13>                   (default: the nvidia-cuda-nvrtc wheel beside torch)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LIBTORCH:?set LIBTORCH to a CUDA LibTorch (for example <venv>/lib/python3.11/site-packages/torch)}"
if [ -z "${CUDA_HOME:-}" ]; then
  # /usr/local/bin/nvcc may be a wrapper script, from which CMake cannot tell the toolkit.
  CUDA_HOME=/usr/local/cuda
  [ -x "$CUDA_HOME/bin/nvcc" ] || CUDA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")
fi
[ -x "$CUDA_HOME/bin/nvcc" ] || { echo "check:cuda-link: no nvcc under CUDA_HOME=$CUDA_HOME" >&2; exit 1; }
NVRTC=${NVRTC:-$(ls "$LIBTORCH"/../nvidia/cu*/lib/libnvrtc.so.* 2>/dev/null | grep -v builtins | grep -v alt | head -n1 || true)}
[ -n "$NVRTC" ] || { echo "check:cuda-link: libnvrtc not found beside $LIBTORCH (pip install nvidia-cuda-nvrtc, or set NVRTC)" >&2; exit 1; }

echo "check:cuda-link: LibTorch $LIBTORCH, CUDA $CUDA_HOME, nvrtc $NVRTC"
PTYCHOPINN_CUDA=on CUDACXX="$CUDA_HOME/bin/nvcc" TORCH_CUDA_ARCH_LIST="8.0;9.0" \
  node scripts/build-native.js rebuild --out build-cuda \
  --CDCUDA_TOOLKIT_ROOT_DIR="$CUDA_HOME" --CDCUDA_nvrtc_LIBRARY="$NVRTC"

addon=build-cuda/Release/ptychopinn.node
needed=$(readelf -d "$addon" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')
for lib in libtorch_cuda.so libc10_cuda.so; do
  grep -qx "$lib" <<<"$needed" || { echo "check:cuda-link: $addon does not link $lib" >&2; exit 1; }
done
# The CUDA kernels are in the binary, not left undefined. (nm's output is held in a
# variable: `nm | grep -q` fails under pipefail when grep stops reading early.)
undefined=$(nm -D --undefined-only "$addon" | c++filt)
if grep -q 'ptychopinn' <<<"$undefined"; then
  echo "check:cuda-link: $addon leaves ptychopinn symbols undefined:" >&2
  grep ptychopinn <<<"$undefined" >&2
  exit 1
fi
grep -q 'ptychopinn::cuda::shiftGatherTensor' <<<"$(nm -C "$addon")" || { echo "check:cuda-link: CUDA dispatch missing" >&2; exit 1; }
echo "check:cuda-link: $addon links $(grep -c . <<<"$needed") libraries including libtorch_cuda.so and libc10_cuda.so (not run on a GPU)"
