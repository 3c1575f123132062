# Locates LibTorch in this order and stops at the first hit:
#   1. LIBTORCH (environment or -DLIBTORCH=...): an unpacked LibTorch folder
#   2. Torch_DIR / CMAKE_PREFIX_PATH (CMake's own package search)
#   3. the cmake prefix of a Python torch install (python3 -c "import torch")
#   4. the system (Debian's libtorch-dev)
# Exports TORCH_LIBRARIES, TORCH_CXX_FLAGS, PTYCHOPINN_TORCH_LIBDIR, PTYCHOPINN_TORCH_SOURCE.

if(NOT LIBTORCH AND DEFINED ENV{LIBTORCH})
  set(LIBTORCH "$ENV{LIBTORCH}")
endif()
if(NOT Torch_DIR AND DEFINED ENV{Torch_DIR})
  set(Torch_DIR "$ENV{Torch_DIR}")
endif()

set(PTYCHOPINN_TORCH_SOURCE "")
if(LIBTORCH)
  find_package(Torch CONFIG PATHS "${LIBTORCH}" "${LIBTORCH}/share/cmake/Torch" NO_DEFAULT_PATH)
  if(NOT Torch_FOUND)
    message(FATAL_ERROR "LIBTORCH=${LIBTORCH} does not contain a LibTorch "
      "(no share/cmake/Torch/TorchConfig.cmake). Point LIBTORCH at an unpacked LibTorch folder.")
  endif()
  set(PTYCHOPINN_TORCH_SOURCE "LIBTORCH")
endif()

if(NOT Torch_FOUND)
  find_package(Torch CONFIG QUIET NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH)
  if(Torch_FOUND)
    set(PTYCHOPINN_TORCH_SOURCE "Torch_DIR/CMAKE_PREFIX_PATH")
  endif()
endif()

if(NOT Torch_FOUND)
  find_program(PTYCHOPINN_PYTHON NAMES python3 python)
  if(PTYCHOPINN_PYTHON)
    execute_process(
      COMMAND "${PTYCHOPINN_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
      OUTPUT_VARIABLE PTYCHOPINN_PY_TORCH_PREFIX OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET RESULT_VARIABLE PTYCHOPINN_PY_RESULT)
    if(PTYCHOPINN_PY_RESULT EQUAL 0 AND PTYCHOPINN_PY_TORCH_PREFIX)
      find_package(Torch CONFIG QUIET PATHS "${PTYCHOPINN_PY_TORCH_PREFIX}" NO_DEFAULT_PATH)
      if(Torch_FOUND)
        set(PTYCHOPINN_TORCH_SOURCE "python torch (${PTYCHOPINN_PYTHON})")
      endif()
    endif()
  endif()
endif()

if(NOT Torch_FOUND)
  find_package(Torch CONFIG QUIET)
  if(Torch_FOUND)
    set(PTYCHOPINN_TORCH_SOURCE "system")
  endif()
endif()

if(NOT Torch_FOUND)
  message(FATAL_ERROR
    "ptychopinn: LibTorch was not found.\n"
    "Searched: LIBTORCH, Torch_DIR/CMAKE_PREFIX_PATH, a Python torch install, the system.\n"
    "Fix one of:\n"
    "  - Debian/Ubuntu: apt-get install libtorch-dev\n"
    "  - an unpacked LibTorch: export LIBTORCH=/path/to/libtorch\n"
    "  - pip's torch: make `python3 -c 'import torch'` work, or export Torch_DIR=<torch>/share/cmake/Torch")
endif()

# The folder holding libtorch*.so / libc10.so, for the addon's rpath.
find_library(PTYCHOPINN_C10_LIBRARY c10 HINTS "${TORCH_INSTALL_PREFIX}/lib" ${TORCH_LIBRARIES})
if(PTYCHOPINN_C10_LIBRARY)
  get_filename_component(PTYCHOPINN_TORCH_LIBDIR "${PTYCHOPINN_C10_LIBRARY}" DIRECTORY)
else()
  set(PTYCHOPINN_TORCH_LIBDIR "${TORCH_INSTALL_PREFIX}/lib")
endif()
message(STATUS "ptychopinn: LibTorch ${Torch_VERSION} from ${PTYCHOPINN_TORCH_SOURCE} (${PTYCHOPINN_TORCH_LIBDIR})")
