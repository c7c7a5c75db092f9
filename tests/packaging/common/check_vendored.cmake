# SPDX-License-Identifier: MIT
# vmar_check_vendored(<C flags before vmar was added>)
# Fails the consumer's configure if vendoring vmar changed anything outside
# vmar's own targets, or built what only vmar's own developers need.

function(vmar_check_vendored flags_before)
  if(NOT CMAKE_C_FLAGS STREQUAL flags_before)
    message(FATAL_ERROR
      "vmar changed CMAKE_C_FLAGS: '${flags_before}' -> '${CMAKE_C_FLAGS}'")
  endif()

  foreach(prop IN ITEMS COMPILE_OPTIONS COMPILE_DEFINITIONS LINK_OPTIONS
                        INCLUDE_DIRECTORIES)
    get_directory_property(value ${prop})
    if(value)
      message(FATAL_ERROR "vmar set the consumer's directory ${prop}: ${value}")
    endif()
  endforeach()

  if(NOT TARGET vmar::vmar)
    message(FATAL_ERROR "vmar::vmar is not defined")
  endif()
  # Warnings stay private to vmar; only the include path and C11 go public.
  get_target_property(iface_opts vmar INTERFACE_COMPILE_OPTIONS)
  if(iface_opts)
    message(FATAL_ERROR "vmar passes compile options on: ${iface_opts}")
  endif()
  get_target_property(system_dirs vmar INTERFACE_SYSTEM_INCLUDE_DIRECTORIES)
  if(NOT system_dirs)
    message(FATAL_ERROR "vmar's headers are not SYSTEM headers when vendored")
  endif()

  foreach(target IN ITEMS vmar_test_support vmar_example_tour vmar_bench_map
                          vmar_test_cpp run_example)
    if(TARGET ${target})
      message(FATAL_ERROR "vendored vmar defined its own target ${target}")
    endif()
  endforeach()
  foreach(option IN ITEMS VMAR_BUILD_TESTS VMAR_BUILD_EXAMPLES VMAR_BUILD_BENCH
                          VMAR_INSTALL)
    if(${option})
      message(FATAL_ERROR "vendored vmar turned ${option} on")
    endif()
  endforeach()
  if(BUILD_TESTING)
    message(FATAL_ERROR "vendored vmar included CTest")
  endif()
endfunction()
