# SPDX-License-Identifier: MIT
# vmar: the warning set, applied per target and never globally.

include_guard(GLOBAL)

# vmar_set_warnings(<target>)
# Adds our warning flags as PRIVATE compile options of <target>, so they never
# leak to projects that link or vendor vmar. -Werror only with VMAR_WERROR.
# -Wconversion is left out on purpose: it is too noisy for size/offset math.
function(vmar_set_warnings target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "vmar_set_warnings: '${target}' is not a target")
  endif()
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall
      -Wextra
      -Wpedantic
      -Wshadow
      -Wstrict-prototypes
      -Wmissing-prototypes)
    if(VMAR_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(VMAR_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  endif()
endfunction()
