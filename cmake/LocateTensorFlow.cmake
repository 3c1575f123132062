# Locates the TensorFlow C API for the optional second addon (ptychopinn_tf.node),
# in this order, stopping at the first hit:
#   1. LIBTENSORFLOW (environment or -DLIBTENSORFLOW=...): an unpacked libtensorflow
#      (include/, lib/libtensorflow.so.2) or a Python tensorflow package folder
#      (site-packages/tensorflow: include/, libtensorflow_cc.so.2, which exports the C API)
#   2. the package folder of a Python tensorflow install (python3 -c "import tensorflow")
# Sets PTYCHOPINN_TF_FOUND and, when found, PTYCHOPINN_TF_INCLUDE_DIR,
# PTYCHOPINN_TF_LIBRARIES, PTYCHOPINN_TF_LIBDIR and PTYCHOPINN_TF_SOURCE. Nothing
# found is not an error: the LibTorch addon is built alone.

if(NOT LIBTENSORFLOW AND DEFINED ENV{LIBTENSORFLOW})
  set(LIBTENSORFLOW "$ENV{LIBTENSORFLOW}")
endif()

# Looks for the C API header and libraries under `root` (either layout); sets
# _pp_tf_include, _pp_tf_libraries and _pp_tf_libdir when both are there.
function(ptychopinn_tensorflow_at root)
  unset(_pp_tf_include PARENT_SCOPE)
  if(NOT EXISTS "${root}/include/tensorflow/c/c_api.h")
    return()
  endif()
  foreach(_pp_dir "${root}/lib" "${root}")
    # The C API lives in libtensorflow.so.2 (the C tarball) or libtensorflow_cc.so.2 (pip).
    foreach(_pp_name libtensorflow.so.2 libtensorflow_cc.so.2)
      if(EXISTS "${_pp_dir}/${_pp_name}" AND EXISTS "${_pp_dir}/libtensorflow_framework.so.2")
        set(_pp_tf_include "${root}/include" PARENT_SCOPE)
        set(_pp_tf_libraries "${_pp_dir}/${_pp_name}" "${_pp_dir}/libtensorflow_framework.so.2" PARENT_SCOPE)
        get_filename_component(_pp_real "${_pp_dir}" REALPATH)
        set(_pp_tf_libdir "${_pp_real}" PARENT_SCOPE)
        return()
      endif()
    endforeach()
  endforeach()
endfunction()

set(PTYCHOPINN_TF_FOUND FALSE)
if(LIBTENSORFLOW)
  ptychopinn_tensorflow_at("${LIBTENSORFLOW}")
  if(NOT _pp_tf_include)
    message(FATAL_ERROR "LIBTENSORFLOW=${LIBTENSORFLOW} does not contain the TensorFlow C API "
      "(include/tensorflow/c/c_api.h and libtensorflow.so.2 or libtensorflow_cc.so.2 with "
      "libtensorflow_framework.so.2). Point it at an unpacked libtensorflow folder or at a Python "
      "tensorflow package folder (…/site-packages/tensorflow), or unset it.")
  endif()
  set(PTYCHOPINN_TF_SOURCE "LIBTENSORFLOW")
else()
  find_program(PTYCHOPINN_PYTHON NAMES python3 python)
  if(PTYCHOPINN_PYTHON)
    # find_spec locates the package without importing it (an import takes seconds).
    execute_process(
      COMMAND "${PTYCHOPINN_PYTHON}" -c
        "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('tensorflow').origin))"
      OUTPUT_VARIABLE _pp_py_tf OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _pp_py_result)
    if(_pp_py_result EQUAL 0)
      ptychopinn_tensorflow_at("${_pp_py_tf}")
      set(PTYCHOPINN_TF_SOURCE "python tensorflow (${PTYCHOPINN_PYTHON})")
    endif()
  endif()
endif()

if(_pp_tf_include)
  set(PTYCHOPINN_TF_FOUND TRUE)
  set(PTYCHOPINN_TF_INCLUDE_DIR "${_pp_tf_include}")
  set(PTYCHOPINN_TF_LIBRARIES ${_pp_tf_libraries})
  set(PTYCHOPINN_TF_LIBDIR "${_pp_tf_libdir}")
  message(STATUS "ptychopinn: TensorFlow C API from ${PTYCHOPINN_TF_SOURCE} (${PTYCHOPINN_TF_LIBDIR})")
else()
  message(STATUS "ptychopinn: TensorFlow not found (LIBTENSORFLOW, python3 tensorflow): "
    "ptychopinn_tf.node is not built; see README, TensorFlow")
endif()
