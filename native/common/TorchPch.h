// Precompiled header: LibTorch's headers dominate compile time, so every C++
// translation unit shares one parse of them (see CMakeLists.txt).
#pragma once
#include <torch/torch.h>
