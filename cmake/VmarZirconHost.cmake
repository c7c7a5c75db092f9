# SPDX-License-Identifier: MIT
# vmar: the Zircon backend on a POSIX host.
#
#   vmar_posix_for_fake  a private, static copy of vmar with the POSIX backend,
#                        every symbol hidden;
#   vmar_fake_kernel     a shared library that implements the zx_* system
#                        calls on top of that copy and exports nothing else
#                        (alias vmar::zx_host, for users too);
#   vmar_zircon_host     the shared src/ code plus src/zircon/, compiled
#                        against the host Zircon headers and linked to the
#                        fake kernel: the library the zircon test runs use.
#
# The process then holds two copies of the shared code, one behind the
# zx_* calls; hidden visibility and --exclude-libs keep them from colliding.
# Included from the top-level CMakeLists.txt, which defines the source lists.
# With VMAR_INSTALL and VMAR_ZX_HOST the fake kernel is installed as the
# optional package component zx_host (cmake/VmarInstall.cmake).

include_guard(GLOBAL)

include(GNUInstallDirs)

set(VMAR_FAKE_ZIRCON_DIR "${PROJECT_SOURCE_DIR}/zx_host")

# ---- The private POSIX copy --------------------------------------------------
add_library(vmar_posix_for_fake STATIC
  ${VMAR_SHARED_SOURCES} ${VMAR_POSIX_SOURCES})
set_target_properties(vmar_posix_for_fake PROPERTIES
  C_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  POSITION_INDEPENDENT_CODE ON
  C_STANDARD 11
  C_STANDARD_REQUIRED ON
  C_EXTENSIONS OFF)
# VMAR_STATIC_DEFINE empties VMAR_API, so even the public vmar_* functions
# are hidden in this copy (and in the fake kernel that includes our headers).
target_compile_definitions(vmar_posix_for_fake
  PUBLIC VMAR_STATIC_DEFINE
  PRIVATE _GNU_SOURCE= ${VMAR_POSIX_DEFINITIONS})
target_include_directories(vmar_posix_for_fake PUBLIC
  "${PROJECT_SOURCE_DIR}/include"
  "${PROJECT_SOURCE_DIR}/src")
target_link_libraries(vmar_posix_for_fake PUBLIC Threads::Threads)
vmar_set_warnings(vmar_posix_for_fake)
vmar_set_sanitizers(vmar_posix_for_fake)

# ---- The fake kernel: zx_* and zx_host_* only ----------------------------------
add_library(vmar_fake_kernel SHARED
  "${VMAR_FAKE_ZIRCON_DIR}/kernel/control.c"
  "${VMAR_FAKE_ZIRCON_DIR}/kernel/syscalls.c")
add_library(vmar::zx_host ALIAS vmar_fake_kernel)
set_target_properties(vmar_fake_kernel PROPERTIES
  OUTPUT_NAME vmar_zx_host
  EXPORT_NAME zx_host
  VERSION "${PROJECT_VERSION}"
  SOVERSION "${PROJECT_VERSION_MAJOR}"
  C_STANDARD 11
  C_STANDARD_REQUIRED ON
  C_EXTENSIONS OFF)
target_include_directories(vmar_fake_kernel PUBLIC
  "$<BUILD_INTERFACE:${VMAR_FAKE_ZIRCON_DIR}/include>"
  "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/vmar/zx_host>")
target_link_libraries(vmar_fake_kernel PRIVATE vmar_posix_for_fake)
if(NOT APPLE AND NOT WIN32)
  # Symbols from the static copy become local to the shared library.
  target_link_options(vmar_fake_kernel PRIVATE "LINKER:--exclude-libs,ALL")
endif()
vmar_set_warnings(vmar_fake_kernel)
vmar_set_sanitizers(vmar_fake_kernel)

# ---- The Zircon backend, linked to the fake kernel -----------------------------
add_library(vmar_zircon_host STATIC
  ${VMAR_SHARED_SOURCES} ${VMAR_ZIRCON_SOURCES})
set_target_properties(vmar_zircon_host PROPERTIES
  C_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  C_STANDARD 11
  C_STANDARD_REQUIRED ON
  C_EXTENSIONS OFF)
target_compile_features(vmar_zircon_host PUBLIC c_std_11)
target_include_directories(vmar_zircon_host
  PUBLIC "${PROJECT_SOURCE_DIR}/include"
  PRIVATE "${PROJECT_SOURCE_DIR}/src")
target_link_libraries(vmar_zircon_host PUBLIC vmar_fake_kernel)
vmar_set_warnings(vmar_zircon_host)
vmar_set_sanitizers(vmar_zircon_host)
