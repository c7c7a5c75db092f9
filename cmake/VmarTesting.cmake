# SPDX-License-Identifier: MIT
# vmar: vmar_add_test(), the one way a cmocka suite becomes a ctest.

include_guard(GLOBAL)

# Backends a test can be built for. On a POSIX host, zircon means the Zircon
# backend linked to the fake kernel (vmar_zircon_host, from
# cmake/VmarZirconHost.cmake); it is skipped when that target is absent.
set(VMAR_TEST_KNOWN_BACKENDS posix zircon)

# Environment of every test: the sanitizer options (fatal findings, stacks,
# leak checks) and cmocka writing plain text to stdout, which ctest shows.
set(VMAR_TEST_ENVIRONMENT
  ${VMAR_RUN_ENVIRONMENT}
  "CMOCKA_MESSAGE_OUTPUT=stdout")

# vmar_add_test(<area> DIR <dir> SOURCES <file>...
#               [BACKENDS <backend>...] [LABELS <label>...] [TIMEOUT <seconds>]
#               [INTERNAL] [PORTABLE])
#
# For each backend (default: posix) builds the executable
# vmar_test_<area>_<backend> and registers the ctest <dir>.<area>.<backend>,
# labelled <dir>, <backend> and LABELS. A test that exits with 77 is reported
# as skipped. PORTABLE also registers <name>-shm and <name>-file, the same
# binary with VMAR_POSIX_VMO_BACKING forcing each portable VMO backing
# (label "portable"). INTERNAL puts src/ on the include path, for unit tests of
# private modules; those need vmar linked statically (hidden symbols).
#
# If another directory already took vmar_test_<area>_<backend> (say
# tests/api/test_map.c and tests/posix/test_map.c), the later one is built as
# vmar_test_<dir>_<area>_<backend>; the ctest names never collide.
function(vmar_add_test area)
  cmake_parse_arguments(PARSE_ARGV 1 arg
    "INTERNAL;PORTABLE" "DIR;TIMEOUT" "SOURCES;BACKENDS;LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "vmar_add_test(${area}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_DIR)
    message(FATAL_ERROR "vmar_add_test(${area}): DIR is required")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "vmar_add_test(${area}): SOURCES is required")
  endif()
  if(NOT arg_BACKENDS)
    set(arg_BACKENDS posix)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()

  if(arg_INTERNAL)
    get_target_property(vmar_type vmar TYPE)
    if(NOT vmar_type STREQUAL "STATIC_LIBRARY")
      message(STATUS
        "vmar: skipping ${arg_DIR}.${area}: internal tests need a static vmar")
      return()
    endif()
  endif()

  foreach(backend IN LISTS arg_BACKENDS)
    if(NOT backend IN_LIST VMAR_TEST_KNOWN_BACKENDS)
      message(FATAL_ERROR
        "vmar_add_test(${area}): unknown backend '${backend}' "
        "(known: ${VMAR_TEST_KNOWN_BACKENDS})")
    endif()

    # The library that implements this backend in this build.
    if(backend STREQUAL VMAR_BACKEND_RESOLVED)
      set(backend_lib vmar::vmar)
    elseif(backend STREQUAL "zircon" AND TARGET vmar_zircon_host)
      set(backend_lib vmar_zircon_host)
    else()
      message(VERBOSE
        "vmar: ${arg_DIR}.${area}.${backend} not built (no ${backend} library)")
      continue()
    endif()

    set(exe vmar_test_${area}_${backend})
    if(TARGET ${exe})
      set(exe vmar_test_${arg_DIR}_${area}_${backend})
    endif()

    add_executable(${exe} ${arg_SOURCES})
    target_link_libraries(${exe} PRIVATE
      ${backend_lib} vmar_test_support cmocka::cmocka Threads::Threads)
    # Empty value on purpose: identical to a source file's bare
    # "#define _GNU_SOURCE", so such a file does not trip -Werror.
    target_compile_definitions(${exe} PRIVATE _GNU_SOURCE=)
    # Lets tests/support/test.h pick the backend's knobs (e.g. entropy).
    if(backend STREQUAL "zircon")
      target_compile_definitions(${exe} PRIVATE VMAR_TEST_BACKEND_ZIRCON=1)
    endif()
    # Tests that check what a host family does see the family the library
    # was built for (src/posix/platform.h).
    target_compile_definitions(${exe} PRIVATE ${VMAR_POSIX_DEFINITIONS})
    if(arg_INTERNAL)
      target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/src)
    endif()
    vmar_set_warnings(${exe})
    vmar_set_sanitizers(${exe})

    set(name ${arg_DIR}.${area}.${backend})
    set(labels ${arg_DIR} ${backend} ${arg_LABELS})
    list(REMOVE_DUPLICATES labels)
    add_test(NAME ${name} COMMAND ${exe})
    set_tests_properties(${name} PROPERTIES
      LABELS "${labels}"
      TIMEOUT ${arg_TIMEOUT}
      SKIP_RETURN_CODE 77
      ENVIRONMENT "${VMAR_TEST_ENVIRONMENT}")

    # PORTABLE: on the POSIX backend, run the same binary again with each
    # non-Linux VMO backing forced (shm_open, and an unlinked temporary
    # file), so those paths are tested here too.
    if(arg_PORTABLE AND backend STREQUAL "posix")
      foreach(backing IN ITEMS shm file)
        set(variant ${name}-${backing})
        add_test(NAME ${variant} COMMAND ${exe})
        set_tests_properties(${variant} PROPERTIES
          LABELS "${labels};portable"
          TIMEOUT ${arg_TIMEOUT}
          SKIP_RETURN_CODE 77
          ENVIRONMENT
            "${VMAR_TEST_ENVIRONMENT};VMAR_POSIX_VMO_BACKING=${backing}")
      endforeach()
    endif()
  endforeach()
endfunction()
