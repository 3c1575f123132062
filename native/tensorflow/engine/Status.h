// TF_Status as a C++ exception: every C API call that reports through a status is
// followed by check(), which throws std::runtime_error("TensorFlow: <what>: …").
#pragma once
#include <tensorflow/c/c_api.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace ptychopinn::tf {

class Status {
 public:
  Status() : status_(TF_NewStatus(), TF_DeleteStatus) {}
  TF_Status* get() const { return status_.get(); }
  void check(const std::string& what) const {
    if (TF_GetCode(status_.get()) != TF_OK) {
      throw std::runtime_error("TensorFlow: " + what + ": " + TF_Message(status_.get()));
    }
  }

 private:
  std::unique_ptr<TF_Status, decltype(&TF_DeleteStatus)> status_;
};

}  // namespace ptychopinn::tf
