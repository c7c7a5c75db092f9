# SPDX-License-Identifier: MIT
# vmar: opt-in sanitizers (VMAR_SANITIZE), applied per target.
#
# VMAR_SANITIZE is one string: "" (none), "address,undefined" or "thread".
# ASan and TSan cannot share a process, so any other value is rejected here,
# at configure time, rather than failing later at link or run time.

include_guard(GLOBAL)

set(_vmar_sanitize_ok "" "address,undefined" "thread")
if(NOT VMAR_SANITIZE IN_LIST _vmar_sanitize_ok)
  message(FATAL_ERROR
    "vmar: VMAR_SANITIZE is '${VMAR_SANITIZE}'; expected one of: "
    "\"\" (none), \"address,undefined\", \"thread\"")
endif()
unset(_vmar_sanitize_ok)

if(NOT VMAR_SANITIZE STREQUAL "" AND NOT CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  message(FATAL_ERROR
    "vmar: VMAR_SANITIZE needs GCC or Clang (compiler is ${CMAKE_C_COMPILER_ID})")
endif()

# Runtime options for every test and example we run through ctest: findings
# are fatal and print a stack, and LeakSanitizer is on. Harmless without
# sanitizers.
set(VMAR_SANITIZER_ENVIRONMENT
  "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
  "TSAN_OPTIONS=halt_on_error=1")

# The environment every test and example runs in: the sanitizer options,
# and in the Darwin personality the shim that imposes macOS's kernel rules
# on the process's host calls (tests/darwin).
set(VMAR_RUN_ENVIRONMENT ${VMAR_SANITIZER_ENVIRONMENT})
if(VMAR_EMULATE_DARWIN)
  list(APPEND VMAR_RUN_ENVIRONMENT "LD_PRELOAD=$<TARGET_FILE:vmar_xnu_shim>")
endif()

# vmar_set_sanitizers(<target>)
# Compiles <target> with the sanitizers PRIVATE-ly. Link flags differ by kind:
# - executables and shared libraries link the runtime themselves (PRIVATE);
# - libraries also pass -fsanitize=... on to whatever links them (INTERFACE):
#   instrumented objects in a static vmar reference the sanitizer runtime, so
#   every executable that links vmar, ours or a consumer's, must pull it in.
function(vmar_set_sanitizers target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "vmar_set_sanitizers: '${target}' is not a target")
  endif()
  get_target_property(type ${target} TYPE)
  if(VMAR_SANITIZE STREQUAL "" OR type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()

  set(compile_flags -fsanitize=${VMAR_SANITIZE} -fno-omit-frame-pointer)
  if(VMAR_SANITIZE MATCHES "undefined")
    # Make UBSan findings fatal so ctest sees them as failures.
    list(APPEND compile_flags -fno-sanitize-recover=undefined)
  endif()
  set(link_flags -fsanitize=${VMAR_SANITIZE})

  target_compile_options(${target} PRIVATE ${compile_flags})

  if(type STREQUAL "EXECUTABLE" OR type STREQUAL "MODULE_LIBRARY")
    target_link_options(${target} PRIVATE ${link_flags})
  elseif(type STREQUAL "SHARED_LIBRARY")
    target_link_options(${target} PUBLIC ${link_flags})
  else() # STATIC_LIBRARY, OBJECT_LIBRARY
    # Static archives are not linked; only the consumers' link needs it.
    target_link_options(${target} INTERFACE ${link_flags})
  endif()
endfunction()
