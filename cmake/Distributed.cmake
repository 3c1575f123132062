# Data-parallel training through LibTorch's c10d: ProcessGroupGloo on CPUs,
# ProcessGroupNCCL on CUDA devices. Sets PTYCHOPINN_WITH_GLOO, PTYCHOPINN_WITH_NCCL,
# PTYCHOPINN_DISTRIBUTED_INCLUDE_DIRS and, when Gloo is left out,
# PTYCHOPINN_WITHOUT_GLOO_REASON (the addon repeats it when asked for more than one
# process).
#
# c10d's ProcessGroupGloo.hpp includes gloo's own headers, which pip's torch wheels
# do not ship (Debian's libtorch-dev takes them from libgloo-dev). The addon only
# constructs the process group (its constructor is compiled into libtorch_cpu) and
# calls it through c10d's virtual collectives, never a gloo type, so gloo's headers
# are needed to parse c10d's header, not to match the gloo revision inside LibTorch.

set(PTYCHOPINN_WITH_GLOO OFF)
set(PTYCHOPINN_WITH_NCCL OFF)
set(PTYCHOPINN_DISTRIBUTED_INCLUDE_DIRS "")
set(PTYCHOPINN_WITHOUT_GLOO_REASON "")

find_path(PTYCHOPINN_C10D_INCLUDE_DIR torch/csrc/distributed/c10d/ProcessGroupGloo.hpp
  HINTS ${TORCH_INCLUDE_DIRS} NO_DEFAULT_PATH)
find_path(PTYCHOPINN_GLOO_INCLUDE_DIR gloo/context.h HINTS ${TORCH_INCLUDE_DIRS})
if(NOT PTYCHOPINN_C10D_INCLUDE_DIR)
  set(PTYCHOPINN_WITHOUT_GLOO_REASON "LibTorch ${Torch_VERSION} has no c10d ProcessGroupGloo header")
elseif(NOT PTYCHOPINN_GLOO_INCLUDE_DIR)
  set(PTYCHOPINN_WITHOUT_GLOO_REASON
    "the headers of gloo were not found at build time (install them, e.g. apt-get install libgloo-dev, and rebuild)")
else()
  set(PTYCHOPINN_WITH_GLOO ON)
  list(APPEND PTYCHOPINN_DISTRIBUTED_INCLUDE_DIRS "${PTYCHOPINN_GLOO_INCLUDE_DIR}")
endif()

# NCCL: a CUDA build whose LibTorch has c10d's NCCL process group, with nccl.h from
# the toolkit or from pip's nvidia-nccl wheel beside torch.
if(PTYCHOPINN_WITH_GLOO AND PTYCHOPINN_WITH_CUDA)
  find_path(PTYCHOPINN_C10D_NCCL_DIR torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp
    HINTS ${TORCH_INCLUDE_DIRS} NO_DEFAULT_PATH)
  file(GLOB _pp_nccl_wheel_includes "${PTYCHOPINN_TORCH_LIBDIR}/../../nvidia/nccl/include"
    "${PTYCHOPINN_TORCH_LIBDIR}/../../nvidia/cu*/include")
  find_path(PTYCHOPINN_NCCL_INCLUDE_DIR nccl.h HINTS ${_pp_nccl_wheel_includes} ${CMAKE_CUDA_TOOLKIT_INCLUDE_DIRECTORIES})
  if(PTYCHOPINN_C10D_NCCL_DIR AND PTYCHOPINN_NCCL_INCLUDE_DIR)
    set(PTYCHOPINN_WITH_NCCL ON)
    list(APPEND PTYCHOPINN_DISTRIBUTED_INCLUDE_DIRS "${PTYCHOPINN_NCCL_INCLUDE_DIR}")
  endif()
endif()

if(PTYCHOPINN_WITH_GLOO)
  message(STATUS "ptychopinn: distributed training: gloo (${PTYCHOPINN_GLOO_INCLUDE_DIR}), nccl ${PTYCHOPINN_WITH_NCCL}")
else()
  message(STATUS "ptychopinn: distributed training left out: ${PTYCHOPINN_WITHOUT_GLOO_REASON}")
endif()
