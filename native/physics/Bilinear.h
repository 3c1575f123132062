// Bilinear weights shared by the CPU gather and scatter kernels.
#pragma once
#include <cmath>
#include <cstdint>

namespace ptychopinn::kernels {

// The four neighbours of (sy, sx) and their weights; a neighbour outside
// [0, h) × [0, w) gets weight 0 (zero padding).
struct BilinearTaps {
  int64_t y0, x0;
  double wy1, wx1;  // weights of y0+1 and x0+1; y0 and x0 get 1 - wy1, 1 - wx1

  BilinearTaps(double sy, double sx) {
    double fy = std::floor(sy), fx = std::floor(sx);
    y0 = static_cast<int64_t>(fy);
    x0 = static_cast<int64_t>(fx);
    wy1 = sy - fy;
    wx1 = sx - fx;
  }
};

inline bool inside(int64_t v, int64_t size) { return v >= 0 && v < size; }

}  // namespace ptychopinn::kernels
