# SPDX-License-Identifier: MIT
# vmar: every user-facing build option, in one place.
#
# Included from the top-level CMakeLists.txt after project() and, when we are
# the root project, after include(CTest), so BUILD_TESTING is known here.

include_guard(GLOBAL)

# Backend: chosen once, at configure time.
set(VMAR_BACKEND "auto" CACHE STRING
    "Backend compiled into vmar: auto, posix or zircon")
set_property(CACHE VMAR_BACKEND PROPERTY STRINGS auto posix zircon)

# Tests default on only for the root project with CTest's BUILD_TESTING on, so
# a project that vendors vmar never builds our tests by accident.
set(_vmar_default_tests OFF)
if(PROJECT_IS_TOP_LEVEL AND BUILD_TESTING)
  set(_vmar_default_tests ON)
endif()
option(VMAR_BUILD_TESTS "Build the cmocka test suites" ${_vmar_default_tests})
unset(_vmar_default_tests)

option(VMAR_BUILD_EXAMPLES "Build the examples" ${PROJECT_IS_TOP_LEVEL})

# The benchmarks are built (never run) in the default build of the root
# project so that they keep compiling as the API moves.
option(VMAR_BUILD_BENCH "Build the benchmarks" ${PROJECT_IS_TOP_LEVEL})

set(_vmar_default_install ${PROJECT_IS_TOP_LEVEL})
if(CMAKE_SKIP_INSTALL_RULES)
  set(_vmar_default_install OFF)
endif()
option(VMAR_INSTALL "Generate install and package rules" ${_vmar_default_install})
unset(_vmar_default_install)
if(VMAR_INSTALL AND CMAKE_SKIP_INSTALL_RULES)
  message(STATUS "vmar: CMAKE_SKIP_INSTALL_RULES is set; ignoring VMAR_INSTALL")
  set(VMAR_INSTALL OFF)
endif()

option(VMAR_POSIX_PORTABLE
  "POSIX backend: do without memfd_create, MAP_FIXED_NOREPLACE and fallocate even where the host has them, so the paths other hosts take are built and tested"
  OFF)

option(VMAR_EMULATE_DARWIN
  "Linux only: build the POSIX backend taking every decision it takes on macOS (VMO backing, root range, W^X policy, no /proc, no Linux-only calls), for tests under the XNU rules shim (tests/darwin)"
  OFF)
if(VMAR_EMULATE_DARWIN AND NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  message(FATAL_ERROR
    "vmar: VMAR_EMULATE_DARWIN is for Linux hosts (on macOS the backend "
    "takes these decisions anyway)")
endif()
if(VMAR_EMULATE_DARWIN AND VMAR_POSIX_PORTABLE)
  message(FATAL_ERROR
    "vmar: VMAR_EMULATE_DARWIN and VMAR_POSIX_PORTABLE choose different host "
    "families; pick one")
endif()

# Compile definitions for every target that builds the POSIX backend's
# sources (the library, its copy inside the fake kernel, the fuzz build).
set(VMAR_POSIX_DEFINITIONS "")
if(VMAR_POSIX_PORTABLE)
  list(APPEND VMAR_POSIX_DEFINITIONS VMAR_POSIX_PORTABLE=1)
endif()
if(VMAR_EMULATE_DARWIN)
  list(APPEND VMAR_POSIX_DEFINITIONS VMAR_EMULATE_DARWIN=1)
endif()

option(VMAR_WERROR "Treat compiler warnings as errors (presets and CI turn it on)" OFF)

# Checked in VmarSanitizers.cmake: "", "address,undefined" or "thread".
set(VMAR_SANITIZE "" CACHE STRING
    "Sanitizers for vmar's own targets: empty, address,undefined or thread")
set_property(CACHE VMAR_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")

# Zircon backend tests against the host fake kernel (zx_host/):
# the API suite runs once per backend.
set(_vmar_default_zircon_host OFF)
if(VMAR_BUILD_TESTS AND NOT CMAKE_SYSTEM_NAME STREQUAL "Fuchsia")
  set(_vmar_default_zircon_host ON)
endif()
option(VMAR_ZIRCON_HOST_TESTS
       "Build the Zircon backend against the fake kernel and test it on this host"
       ${_vmar_default_zircon_host})
unset(_vmar_default_zircon_host)

# The host zx_* component (vmar::zx_host) for projects that vendor vmar: lets
# Fuchsia code calling zx_vmar_*/zx_vmo_* directly build and run in host
# tests. Always built with VMAR_ZIRCON_HOST_TESTS.
option(VMAR_ZX_HOST "Build vmar::zx_host, the host zx_* system calls" OFF)

# Resolve "auto" once so the rest of the build reads VMAR_BACKEND_RESOLVED.
if(VMAR_BACKEND STREQUAL "auto")
  if(CMAKE_SYSTEM_NAME STREQUAL "Fuchsia")
    set(VMAR_BACKEND_RESOLVED zircon)
  else()
    set(VMAR_BACKEND_RESOLVED posix)
  endif()
elseif(VMAR_BACKEND STREQUAL "posix" OR VMAR_BACKEND STREQUAL "zircon")
  set(VMAR_BACKEND_RESOLVED ${VMAR_BACKEND})
else()
  message(FATAL_ERROR
    "vmar: VMAR_BACKEND is '${VMAR_BACKEND}'; expected auto, posix or zircon")
endif()
