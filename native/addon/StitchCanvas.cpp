// StitchCanvas: a native canvas that patches are added to chunk by chunk
// (reference §7 stitching on the scatter kernel), so memory is the canvas plus one
// chunk however many patterns a scan has.
#include <chrono>

#include "addon/Args.h"
#include "addon/Guard.h"
#include "addon/JsTensor.h"
#include "addon/Registry.h"
#include "physics/PatchOps.h"

namespace ptychopinn::addon {
namespace {

// Added to the weight before dividing, so pixels no patch reached come out 0 (§7).
constexpr double kWeightEpsilon = 1e-9;

class StitchCanvas : public Napi::ObjectWrap<StitchCanvas> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "StitchCanvas",
                       {InstanceMethod<&StitchCanvas::Add>("add"), InstanceMethod<&StitchCanvas::Result>("result"),
                        InstanceMethod<&StitchCanvas::Dispose>("dispose")});
  }

  // new StitchCanvas(height, width, dtype): dtype of the patches to come.
  explicit StitchCanvas(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StitchCanvas>(info) {
    guarded(info.Env(), [&] {
      const double height = numberArg(info, 0, "height"), width = numberArg(info, 1, "width");
      if (!(height >= 1 && width >= 1) || height * width > 1e10) {
        throw ArgumentError("StitchCanvas: height and width must be >= 1 and the canvas at most 1e10 pixels, got " +
                            std::to_string(height) + " x " + std::to_string(width));
      }
      const auto scalar =
          scalarTypeNamed(info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "", "StitchCanvas dtype");
      const auto h = static_cast<int64_t>(height), w = static_cast<int64_t>(width);
      canvas_ = torch::zeros({h, w}, torch::TensorOptions().dtype(scalar));
      weight_ = torch::zeros({h, w}, torch::TensorOptions().dtype(c10::toRealValueType(scalar)));
      bytes_ = static_cast<int64_t>(canvas_.nbytes() + weight_.nbytes());
      Napi::MemoryManagement::AdjustExternalMemory(info.Env(), bytes_);
      return 0;
    });
  }

  ~StitchCanvas() override { release(); }

 private:
  // add(patches (M, n, n), centres (M, 2) [x, y] canvas coordinates, crop) -> kernel ms
  Napi::Value Add(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      requireLive();
      // Read in place: the call is synchronous, so the array outlives its use here, and
      // only each patch's central crop is read (copying whole patches cost 10x the kernel).
      Napi::ObjectReference keepAlive;
      auto patches = borrowTensorFromJs(info[0], "patches", keepAlive);
      requireShape(patches, "patches", {-1, -1, -1});
      const int64_t n = patches.size(1);
      if (patches.size(2) != n) throw ArgumentError("patches: must be square, got " + shapeString(patches.sizes()));
      if (patches.scalar_type() != canvas_.scalar_type()) {
        throw ArgumentError(std::string("patches: dtype must match the canvas (") +
                            c10::toString(canvas_.scalar_type()) + ")");
      }
      auto centres = tensorFromJs(info[1], "centres");
      requireReal(centres, "centres");
      requireShape(centres, "centres", {patches.size(0), 2});
      requireFinite(centres, "centres");
      const auto crop = static_cast<int64_t>(numberArg(info, 2, "crop"));
      if (crop < 1 || crop > n || (n - crop) % 2 != 0) {
        throw ArgumentError("crop: must be between 1 and the patch size " + std::to_string(n) +
                            " with (patch size - crop) even, got " + std::to_string(crop));
      }
      auto yx = torch::stack({centres.select(1, 1), centres.select(1, 0)}, 1).to(torch::kFloat64);
      auto start = std::chrono::steady_clock::now();
      physics::scatterCrops(patches, yx, crop, canvas_, weight_);
      std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
      return Napi::Number::New(env, elapsed.count());
    });
  }

  // result() -> { object: Σ crops / (Σ weights + 1e-9), weight: Σ weights }
  Napi::Value Result(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      requireLive();
      auto out = Napi::Object::New(env);
      out.Set("object", tensorToJs(env, canvas_ / (weight_ + kWeightEpsilon)));
      out.Set("weight", tensorToJs(env, weight_));
      return out;
    });
  }

  // dispose(): frees the canvas now instead of at garbage collection.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    release();
    return info.Env().Undefined();
  }

  void requireLive() const {
    if (!canvas_.defined()) throw std::runtime_error("StitchCanvas: used after dispose()");
  }

  // Also runs from the finalizer; AdjustExternalMemory takes a BasicEnv and so is
  // allowed there, even during environment teardown (it calls no JS).
  void release() {
    if (!canvas_.defined()) return;
    canvas_ = torch::Tensor();
    weight_ = torch::Tensor();
    Napi::MemoryManagement::AdjustExternalMemory(Env(), -bytes_);
  }

  torch::Tensor canvas_;
  torch::Tensor weight_;
  int64_t bytes_ = 0;
};

}  // namespace

void registerStitchCanvas(Napi::Env env, Napi::Object exports) {
  exports.Set("StitchCanvas", StitchCanvas::Define(env));
}

}  // namespace ptychopinn::addon
