#include "physics/PatchKernelsCpu.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "physics/Bilinear.h"

namespace ptychopinn::kernels {
namespace {

// out[x] += a·in[x + ix] + b·in[x + ix + 1] over one row, zero outside [0, inW).
// The interior, where both neighbours exist, runs without bounds checks.
template <typename T, int K>
void accumulateRow(const T* inRow, int64_t inW, int64_t ix, T a, T b, T* outRow, int64_t outW) {
  auto checked = [&](int64_t x) {
    int64_t xi = x + ix;
    for (int k = 0; k < K; ++k) {
      T v = 0;
      if (inside(xi, inW)) v += a * inRow[xi * K + k];
      if (inside(xi + 1, inW)) v += b * inRow[(xi + 1) * K + k];
      outRow[x * K + k] += v;
    }
  };
  int64_t lo = std::clamp<int64_t>(-ix, 0, outW);
  int64_t hi = std::clamp<int64_t>(inW - 1 - ix, lo, outW);
  for (int64_t x = 0; x < lo; ++x) checked(x);
  const T* src = inRow + ix * K;
  for (int64_t x = lo; x < hi; ++x) {
    for (int k = 0; k < K; ++k) outRow[x * K + k] += a * src[x * K + k] + b * src[(x + 1) * K + k];
  }
  for (int64_t x = hi; x < outW; ++x) checked(x);
}

template <typename T, int K>
void shiftGatherImpl(const T* in, T* out, const int64_t* tapPlane, const double* tapShift, const GatherShape& s) {
  const int64_t planeSize = s.inH * s.inW * K;
  at::parallel_for(0, s.outPlanes * s.outH, 8, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r / s.outH, y = r % s.outH;
      T* outRow = out + r * s.outW * K;
      std::fill(outRow, outRow + s.outW * K, T(0));
      for (int64_t t = 0; t < s.taps; ++t) {
        const int64_t tap = o * s.taps + t;
        const T* plane = in + tapPlane[tap] * planeSize;
        BilinearTaps w(y + tapShift[2 * tap], tapShift[2 * tap + 1]);
        const T wx1 = static_cast<T>(w.wx1), wx0 = static_cast<T>(1.0 - w.wx1);
        const T wy[2] = {static_cast<T>(1.0 - w.wy1), static_cast<T>(w.wy1)};
        for (int dy = 0; dy < 2; ++dy) {
          const int64_t yi = w.y0 + dy;
          if (!inside(yi, s.inH) || wy[dy] == T(0)) continue;
          accumulateRow<T, K>(plane + yi * s.inW * K, s.inW, w.x0, wy[dy] * wx0, wy[dy] * wx1, outRow, s.outW);
        }
      }
    }
  });
}

template <typename T, int K>
void scatterCropsImpl(const T* patches, const double* centres, T* canvas, T* weight, const ScatterShape& s) {
  const int64_t margin = (s.n - s.crop) / 2;
  const int64_t half = s.crop / 2;
  // Threads own disjoint bands of canvas rows and visit patches in order, so every
  // pixel sums its contributions in the same order whatever the thread count.
  at::parallel_for(0, s.canvasH, 16, [&](int64_t rowBegin, int64_t rowEnd) {
    for (int64_t p = 0; p < s.patches; ++p) {
      BilinearTaps w(centres[2 * p] - half, centres[2 * p + 1] - half);
      const T wx1 = static_cast<T>(w.wx1), wx0 = static_cast<T>(1.0 - w.wx1);
      const T wy[2] = {static_cast<T>(1.0 - w.wy1), static_cast<T>(w.wy1)};
      // Crop row j lands on canvas rows y0 + j and y0 + j + 1.
      const int64_t jBegin = std::max<int64_t>(0, rowBegin - w.y0 - 1);
      const int64_t jEnd = std::min<int64_t>(s.crop, rowEnd - w.y0);
      for (int64_t j = jBegin; j < jEnd; ++j) {
        const T* src = patches + ((p * s.n + margin + j) * s.n + margin) * K;
        for (int dy = 0; dy < 2; ++dy) {
          const int64_t row = w.y0 + j + dy;
          if (row < rowBegin || row >= rowEnd || wy[dy] == T(0)) continue;
          T* dst = canvas + row * s.canvasW * K;
          T* dstWeight = weight + row * s.canvasW;
          for (int64_t i = 0; i < s.crop; ++i) {
            const int64_t cols[2] = {w.x0 + i, w.x0 + i + 1};
            const T wxs[2] = {wx0, wx1};
            for (int dx = 0; dx < 2; ++dx) {
              if (!inside(cols[dx], s.canvasW)) continue;
              const T f = wy[dy] * wxs[dx];
              for (int k = 0; k < K; ++k) dst[cols[dx] * K + k] += f * src[i * K + k];
              dstWeight[cols[dx]] += f;
            }
          }
        }
      }
    }
  });
}

}  // namespace

template <typename T>
void shiftGatherCpu(const T* in, T* out, const int64_t* tapPlane, const double* tapShift, const GatherShape& shape) {
  if (shape.channels == 2) {
    shiftGatherImpl<T, 2>(in, out, tapPlane, tapShift, shape);
  } else {
    shiftGatherImpl<T, 1>(in, out, tapPlane, tapShift, shape);
  }
}

template <typename T>
void scatterCropsCpu(const T* patches, const double* centres, T* canvas, T* weight, const ScatterShape& shape) {
  if (shape.channels == 2) {
    scatterCropsImpl<T, 2>(patches, centres, canvas, weight, shape);
  } else {
    scatterCropsImpl<T, 1>(patches, centres, canvas, weight, shape);
  }
}

template void shiftGatherCpu<float>(const float*, float*, const int64_t*, const double*, const GatherShape&);
template void shiftGatherCpu<double>(const double*, double*, const int64_t*, const double*, const GatherShape&);
template void scatterCropsCpu<float>(const float*, const double*, float*, float*, const ScatterShape&);
template void scatterCropsCpu<double>(const double*, const double*, double*, double*, const ScatterShape&);

}  // namespace ptychopinn::kernels
