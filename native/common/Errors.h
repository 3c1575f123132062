// Exceptions that engine code throws without knowing about JavaScript; the addon's
// error guard (addon/Guard.h) turns them into JS errors.
#pragma once
#include <stdexcept>

namespace ptychopinn {

// A value the caller passed is wrong: a JS TypeError whose message names it.
struct ArgumentError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

}  // namespace ptychopinn
