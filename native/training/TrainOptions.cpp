#include "training/TrainOptions.h"

#include <stdexcept>
#include <string>

namespace ptychopinn::training {

void checkInvariants(const TrainOptions& t) {
  auto broken = [](const std::string& what) {
    throw std::logic_error("internal error: " + what + " (the configuration schema should have refused it)");
  };
  if (t.epochs < 0) broken("epochs < 0");
  if (t.batchSize < 1) broken("batch size < 1");
  if (!(t.learningRate > 0)) broken("learning rate not > 0");
  if (!(t.validationFraction >= 0 && t.validationFraction < 1)) broken("validation fraction outside [0, 1)");
  if (t.plateauPatience < 1 || !(t.plateauFactor > 0 && t.plateauFactor <= 1)) broken("plateau schedule");
  const auto& d = t.distributed;
  if (d.worldSize < 1 || d.rank < 0 || d.rank >= d.worldSize) broken("rank outside [0, world size)");
  if (!(d.timeoutSeconds > 0)) broken("distributed timeout not > 0");
  if (d.worldSize > 1 && (d.masterAddress.empty() || d.masterPort < 1 || d.masterPort > 65535)) {
    broken("master address or port");
  }
}

}  // namespace ptychopinn::training
