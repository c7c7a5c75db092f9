# SPDX-License-Identifier: MIT
# The consumer projects' shared parts: the vmar source tree, consumer programs.

# vmar_consumer_source_dir(<what the tree is for>)
# Declares the cache variable VMAR_SOURCE_DIR and fails the configure unless
# it names a vmar source tree.
function(vmar_consumer_source_dir doc)
  set(VMAR_SOURCE_DIR "" CACHE PATH "${doc}")
  if(NOT EXISTS "${VMAR_SOURCE_DIR}/CMakeLists.txt")
    message(FATAL_ERROR "VMAR_SOURCE_DIR='${VMAR_SOURCE_DIR}' is not a vmar tree")
  endif()
endfunction()

# vmar_add_consumer(<target> <source in common/> <C|CXX> <standard>)
# A program linked to vmar::vmar, built as strict <standard> C or C++ with
# every warning an error.
function(vmar_add_consumer target source lang standard)
  add_executable(${target} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${source}")
  target_link_libraries(${target} PRIVATE vmar::vmar)
  set_target_properties(${target} PROPERTIES
    ${lang}_STANDARD ${standard}
    ${lang}_STANDARD_REQUIRED ON
    ${lang}_EXTENSIONS OFF)
  if(CMAKE_${lang}_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  endif()
endfunction()
