# Locates LibTorch in this order and stops at the first hit:
#   1. LIBTORCH (environment or -DLIBTORCH=...): an unpacked LibTorch folder, or a
#      Python torch package folder (site-packages/torch)
#   2. Torch_DIR / CMAKE_PREFIX_PATH (CMake's own package search)
#   3. the cmake prefix of a Python torch install (python3 -c "import torch")
#   4. the system (Debian's libtorch-dev)
# Exports TORCH_LIBRARIES, TORCH_CXX_FLAGS, PTYCHOPINN_TORCH_LIBDIR, PTYCHOPINN_TORCH_SOURCE.
#
# The chosen LibTorch is also the one linked. TorchConfig.cmake looks up its Caffe2
# targets and libc10 with CMake's default search before its own folder, so with
# Debian's libtorch-dev installed a pip or unpacked LibTorch got 2.x headers but the
# system's 1.13 libraries (undefined symbols at load). Each candidate is therefore
# loaded with its Caffe2 folder and libraries pinned to its own prefix, and the
# result is checked.

if(NOT LIBTORCH AND DEFINED ENV{LIBTORCH})
  set(LIBTORCH "$ENV{LIBTORCH}")
endif()
if(NOT Torch_DIR AND DEFINED ENV{Torch_DIR})
  set(Torch_DIR "$ENV{Torch_DIR}")
endif()

# Loads the TorchConfig.cmake in config_dir with everything it pulls in taken from
# the same prefix.
macro(ptychopinn_find_torch_at config_dir)
  get_filename_component(_pp_prefix "${config_dir}/../../.." ABSOLUTE)
  set(_pp_caffe2 "${_pp_prefix}/share/cmake/Caffe2")
  if(NOT EXISTS "${_pp_caffe2}/Caffe2Config.cmake")
    # Debian keeps Caffe2's config beside Torch's under lib/<triplet>/cmake.
    get_filename_component(_pp_caffe2 "${config_dir}/../Caffe2" ABSOLUTE)
  endif()
  set(Caffe2_DIR "${_pp_caffe2}" CACHE PATH "Caffe2 config of the chosen LibTorch" FORCE)
  unset(c10_LIBRARY CACHE)
  unset(TORCH_LIBRARY CACHE)
  get_filename_component(_pp_libdir "${config_dir}/../.." ABSOLUTE)  # lib/<triplet> on Debian
  find_library(c10_LIBRARY c10 PATHS "${_pp_prefix}/lib" "${_pp_libdir}" NO_DEFAULT_PATH)
  find_library(TORCH_LIBRARY torch PATHS "${_pp_prefix}/lib" "${_pp_libdir}" NO_DEFAULT_PATH)
  find_package(Torch CONFIG QUIET PATHS "${config_dir}" NO_DEFAULT_PATH)
  # Where the LibTorch used came from, for tests and tools that inspect the build.
  set(PTYCHOPINN_TORCH_CONFIG_DIR "${config_dir}" CACHE INTERNAL "TorchConfig.cmake folder of the LibTorch used")
endmacro()

set(PTYCHOPINN_TORCH_SOURCE "")
if(LIBTORCH)
  ptychopinn_find_torch_at("${LIBTORCH}/share/cmake/Torch")
  if(NOT Torch_FOUND)
    message(FATAL_ERROR "LIBTORCH=${LIBTORCH} does not contain a LibTorch "
      "(no share/cmake/Torch/TorchConfig.cmake). Point LIBTORCH at an unpacked LibTorch folder "
      "or at a Python torch package folder (…/site-packages/torch).")
  endif()
  set(PTYCHOPINN_TORCH_SOURCE "LIBTORCH")
endif()

if(NOT Torch_FOUND)
  set(_pp_candidate "")
  if(Torch_DIR AND EXISTS "${Torch_DIR}/TorchConfig.cmake")
    set(_pp_candidate "${Torch_DIR}")
  else()
    foreach(_pp_root ${CMAKE_PREFIX_PATH})
      if(NOT _pp_candidate AND EXISTS "${_pp_root}/share/cmake/Torch/TorchConfig.cmake")
        set(_pp_candidate "${_pp_root}/share/cmake/Torch")
      endif()
    endforeach()
  endif()
  if(_pp_candidate)
    ptychopinn_find_torch_at("${_pp_candidate}")
    if(Torch_FOUND)
      set(PTYCHOPINN_TORCH_SOURCE "Torch_DIR/CMAKE_PREFIX_PATH")
    endif()
  endif()
endif()

if(NOT Torch_FOUND)
  find_program(PTYCHOPINN_PYTHON NAMES python3 python)
  if(PTYCHOPINN_PYTHON)
    execute_process(
      COMMAND "${PTYCHOPINN_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
      OUTPUT_VARIABLE PTYCHOPINN_PY_TORCH_PREFIX OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_QUIET RESULT_VARIABLE PTYCHOPINN_PY_RESULT)
    if(PTYCHOPINN_PY_RESULT EQUAL 0 AND EXISTS "${PTYCHOPINN_PY_TORCH_PREFIX}/Torch/TorchConfig.cmake")
      ptychopinn_find_torch_at("${PTYCHOPINN_PY_TORCH_PREFIX}/Torch")
      if(Torch_FOUND)
        set(PTYCHOPINN_TORCH_SOURCE "python torch (${PTYCHOPINN_PYTHON})")
      endif()
    endif()
  endif()
endif()

if(NOT Torch_FOUND)
  file(GLOB _pp_system_configs "/usr/lib/*/cmake/Torch/TorchConfig.cmake" "/usr/lib/cmake/Torch/TorchConfig.cmake"
    "/usr/local/share/cmake/Torch/TorchConfig.cmake" "/usr/share/cmake/Torch/TorchConfig.cmake")
  if(_pp_system_configs)
    list(GET _pp_system_configs 0 _pp_system_config)
    get_filename_component(_pp_system_dir "${_pp_system_config}" DIRECTORY)
    ptychopinn_find_torch_at("${_pp_system_dir}")
    if(Torch_FOUND)
      set(PTYCHOPINN_TORCH_SOURCE "system")
    endif()
  endif()
endif()

if(NOT Torch_FOUND)
  message(FATAL_ERROR
    "ptychopinn: LibTorch was not found.\n"
    "Searched: LIBTORCH, Torch_DIR/CMAKE_PREFIX_PATH, a Python torch install, the system.\n"
    "Fix one of:\n"
    "  - pip's torch (recommended): pip install torch==2.13.0+cpu, then make `python3 -c 'import torch'` work\n"
    "    or export LIBTORCH=<site-packages>/torch\n"
    "  - an unpacked LibTorch: export LIBTORCH=/path/to/libtorch\n"
    "  - Debian/Ubuntu: apt-get install libtorch-dev (LibTorch 1.13)")
endif()

# The folder holding libtorch*.so / libc10.so, for the addon's rpath.
get_filename_component(PTYCHOPINN_TORCH_LIBDIR "${c10_LIBRARY}" DIRECTORY)

# Every library the addon will link must come from that folder: a mix of two
# LibTorch installs compiles and then fails to load.
foreach(_pp_target torch torch_cpu c10 torch_cuda c10_cuda)
  if(TARGET ${_pp_target})
    get_target_property(_pp_location ${_pp_target} IMPORTED_LOCATION_RELEASE)
    if(NOT _pp_location)
      get_target_property(_pp_location ${_pp_target} IMPORTED_LOCATION_RELWITHDEBINFO)
    endif()
    if(NOT _pp_location)
      get_target_property(_pp_location ${_pp_target} IMPORTED_LOCATION)
    endif()
    if(_pp_location)
      get_filename_component(_pp_location_dir "${_pp_location}" DIRECTORY)
      get_filename_component(_pp_location_dir "${_pp_location_dir}" REALPATH)
      get_filename_component(_pp_expected_dir "${PTYCHOPINN_TORCH_LIBDIR}" REALPATH)
      if(NOT _pp_location_dir STREQUAL _pp_expected_dir)
        message(FATAL_ERROR "ptychopinn: LibTorch from ${PTYCHOPINN_TORCH_SOURCE} (${PTYCHOPINN_TORCH_LIBDIR}) "
          "would link ${_pp_target} from ${_pp_location}: two LibTorch installs are mixed. "
          "Remove the build folder (npm run rebuild) and point LIBTORCH at one install.")
      endif()
    endif()
  endif()
endforeach()
message(STATUS "ptychopinn: LibTorch ${Torch_VERSION} from ${PTYCHOPINN_TORCH_SOURCE} (${PTYCHOPINN_TORCH_LIBDIR})")
