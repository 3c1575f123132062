// Raw-pointer patch kernels shared by the CPU implementation (native/physics) and
// the CUDA one (native/cuda/*.cu). No LibTorch or ATen headers here: the .cu files
// include this and must compile with nvcc alone.
#pragma once
#include <cstdint>

namespace ptychopinn::kernels {

// A bilinear shift-gather. For output plane o, pixel (y, x) and channel k:
//   out[o, y, x, k] = Σ_t bilinear(in[plane(o, t)], y + dy(o, t), x + dx(o, t))[k]
// with bilinear interpolation on integer pixel centres and zero outside the input.
// Channels are innermost (1 for real, 2 for interleaved complex) and share weights.
// translate, merge-sum and extract are all instances; the adjoint of each is another
// (a bilinear shift by d has the shift by -d as its exact adjoint).
struct GatherShape {
  int64_t outPlanes;
  int64_t taps;  // taps per output plane
  int64_t inH, inW;
  int64_t outH, outW;
  int64_t channels;
};

// Tap t of output plane o: input plane tapPlane[o*taps + t], offset
// (tapShift[2*(o*taps + t)], tapShift[2*(o*taps + t) + 1]) = (dy, dx).

// Scatter of patch crops onto a canvas: crop pixel (j, i) of patch p (the central
// crop×crop of an n×n patch) is splatted bilinearly at canvas coordinate
// (centres[2p] - crop/2 + j, centres[2p+1] - crop/2 + i) (centres are (y, x) pairs);
// `weight` receives the same
// splat of ones. Splatting is the adjoint of bilinear sampling, so this is the
// "translate each crop by +offset and sum" of PtychoPINN's stitching at a cost of
// patches × crop² instead of patches × canvas².
struct ScatterShape {
  int64_t patches;
  int64_t n;     // patch size
  int64_t crop;  // central crop size
  int64_t canvasH, canvasW;
  int64_t channels;
};

}  // namespace ptychopinn::kernels
