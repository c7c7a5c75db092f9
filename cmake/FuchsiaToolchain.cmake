# SPDX-License-Identifier: MIT
# vmar: CMake toolchain file for Fuchsia. With it, VMAR_BACKEND=auto resolves
# to zircon and vmar is built with the Zircon backend: every call is the
# matching zx_* system call.
#
#   cmake -S . -B build/fuchsia-x64 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/FuchsiaToolchain.cmake \
#     -DFUCHSIA_SDK=/path/to/fuchsia-sdk -DFUCHSIA_ARCH=x64
#
# Inputs (cache variables, or environment variables of the same name):
#   FUCHSIA_SDK        the Fuchsia SDK (IDK) root; its sysroot for the arch is
#                      ${FUCHSIA_SDK}/arch/<arch>/sysroot. Required.
#   FUCHSIA_ARCH       x64 (default) or arm64.
#   FUCHSIA_CLANG_DIR  a clang toolchain with Fuchsia support (its bin/ holds
#                      clang and llvm-ar). Optional: clang from PATH otherwise.
#   FUCHSIA_SYSROOT    overrides the sysroot directory (for other layouts).
#
# Tests, examples and benchmarks are host programs; they are off by default
# in this build (VMAR_BUILD_TESTS needs a test runner on the device).

set(CMAKE_SYSTEM_NAME Fuchsia)

foreach(var FUCHSIA_SDK FUCHSIA_ARCH FUCHSIA_CLANG_DIR FUCHSIA_SYSROOT)
  if(NOT DEFINED ${var} AND DEFINED ENV{${var}})
    set(${var} "$ENV{${var}}")
  endif()
endforeach()

if(NOT FUCHSIA_ARCH)
  set(FUCHSIA_ARCH x64)
endif()
if(FUCHSIA_ARCH STREQUAL "x64")
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
elseif(FUCHSIA_ARCH STREQUAL "arm64")
  set(CMAKE_SYSTEM_PROCESSOR aarch64)
else()
  message(FATAL_ERROR
    "FuchsiaToolchain: FUCHSIA_ARCH is '${FUCHSIA_ARCH}'; expected x64 or arm64")
endif()
set(_vmar_fuchsia_triple ${CMAKE_SYSTEM_PROCESSOR}-unknown-fuchsia)

if(NOT FUCHSIA_SYSROOT)
  if(NOT FUCHSIA_SDK)
    message(FATAL_ERROR
      "FuchsiaToolchain: set FUCHSIA_SDK to the Fuchsia SDK root "
      "(-DFUCHSIA_SDK=... or the FUCHSIA_SDK environment variable)")
  endif()
  set(FUCHSIA_SYSROOT "${FUCHSIA_SDK}/arch/${FUCHSIA_ARCH}/sysroot")
endif()
if(NOT EXISTS "${FUCHSIA_SYSROOT}/include/zircon/syscalls.h")
  message(FATAL_ERROR
    "FuchsiaToolchain: no Fuchsia sysroot at '${FUCHSIA_SYSROOT}' "
    "(include/zircon/syscalls.h is missing)")
endif()

# Keep the inputs for CMake's compiler checks, which re-read this file.
set(FUCHSIA_SDK "${FUCHSIA_SDK}" CACHE PATH "Fuchsia SDK root")
set(FUCHSIA_ARCH "${FUCHSIA_ARCH}" CACHE STRING "Fuchsia target arch: x64 or arm64")
set(FUCHSIA_SYSROOT "${FUCHSIA_SYSROOT}" CACHE PATH "Fuchsia sysroot")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
  FUCHSIA_SDK FUCHSIA_ARCH FUCHSIA_CLANG_DIR FUCHSIA_SYSROOT)

if(FUCHSIA_CLANG_DIR)
  set(CMAKE_C_COMPILER "${FUCHSIA_CLANG_DIR}/bin/clang")
  set(CMAKE_CXX_COMPILER "${FUCHSIA_CLANG_DIR}/bin/clang++")
  set(CMAKE_AR "${FUCHSIA_CLANG_DIR}/bin/llvm-ar" CACHE FILEPATH "")
  set(CMAKE_RANLIB "${FUCHSIA_CLANG_DIR}/bin/llvm-ranlib" CACHE FILEPATH "")
else()
  set(CMAKE_C_COMPILER clang)
  set(CMAKE_CXX_COMPILER clang++)
endif()
set(CMAKE_C_COMPILER_TARGET ${_vmar_fuchsia_triple})
set(CMAKE_CXX_COMPILER_TARGET ${_vmar_fuchsia_triple})
set(CMAKE_ASM_COMPILER_TARGET ${_vmar_fuchsia_triple})
set(CMAKE_SYSROOT "${FUCHSIA_SYSROOT}")

# Find headers and libraries in the sysroot only; programs on the host.
set(CMAKE_FIND_ROOT_PATH "${FUCHSIA_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Host programs (tests, examples, benchmarks) do not run here.
set(VMAR_BUILD_TESTS OFF CACHE BOOL "Build the tests")
set(VMAR_BUILD_EXAMPLES OFF CACHE BOOL "Build the examples")
set(VMAR_BUILD_BENCH OFF CACHE BOOL "Build the benchmarks")
