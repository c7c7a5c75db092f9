# SPDX-License-Identifier: MIT
# vmar: install and export rules, included when VMAR_INSTALL is on.
#
# Installs the headers, the library, a CMake package (find_package(vmar
# CONFIG) gives vmar::vmar) and vmar.pc. The build tree is exported too, so a
# project can point vmar_DIR at a build directory without installing. With
# VMAR_ZX_HOST the host zx_* library and its Zircon headers come along as
# the optional component zx_host (find_package(vmar COMPONENTS zx_host) gives
# vmar::zx_host; its headers install under include/vmar/zx_host).

include_guard(GLOBAL)

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VMAR_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/vmar" CACHE STRING
    "Where vmarConfig.cmake is installed, relative to the prefix")
mark_as_advanced(VMAR_INSTALL_CMAKEDIR)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/vmar"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT vmar_development
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

install(TARGETS vmar
  EXPORT vmarTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT vmar_development
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT vmar_runtime
          NAMELINK_COMPONENT vmar_development
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT vmar_runtime
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT vmarTargets
  NAMESPACE vmar::
  FILE vmarTargets.cmake
  DESTINATION "${VMAR_INSTALL_CMAKEDIR}"
  COMPONENT vmar_development)

# The same targets, straight from this build tree.
export(EXPORT vmarTargets
  NAMESPACE vmar::
  FILE "${PROJECT_BINARY_DIR}/vmarTargets.cmake")

# The optional component: libvmar_zx_host and <zircon/*.h>, <zx_host.h>.
if(TARGET vmar_fake_kernel AND VMAR_ZX_HOST)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/zx_host/include/"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/vmar/zx_host"
    COMPONENT vmar_zx_host
    FILES_MATCHING PATTERN "*.h")
  install(TARGETS vmar_fake_kernel
    EXPORT vmarZxHostTargets
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT vmar_zx_host
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT vmar_zx_host)
  install(EXPORT vmarZxHostTargets
    NAMESPACE vmar::
    FILE vmarZxHostTargets.cmake
    DESTINATION "${VMAR_INSTALL_CMAKEDIR}"
    COMPONENT vmar_zx_host)
  export(EXPORT vmarZxHostTargets
    NAMESPACE vmar::
    FILE "${PROJECT_BINARY_DIR}/vmarZxHostTargets.cmake")
endif()

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/vmarConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/vmarConfig.cmake"
  INSTALL_DESTINATION "${VMAR_INSTALL_CMAKEDIR}"
  NO_SET_AND_CHECK_MACRO)

# Before 1.0 a minor release may break the API, but SameMinorVersion would
# refuse every 0.x upgrade a user asks for explicitly; SameMajorVersion is the
# documented promise from 1.0 on.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/vmarConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)

install(FILES
  "${PROJECT_BINARY_DIR}/vmarConfig.cmake"
  "${PROJECT_BINARY_DIR}/vmarConfigVersion.cmake"
  DESTINATION "${VMAR_INSTALL_CMAKEDIR}"
  COMPONENT vmar_development)

# ---- pkg-config ------------------------------------------------------------
# Threads: a static libvmar needs them on the consumer's link line; a shared
# one brings them itself. pkg-config's --static adds Libs.private.
set(VMAR_PC_THREADS_LIBS "")
if(CMAKE_THREAD_LIBS_INIT)
  set(VMAR_PC_THREADS_LIBS "${CMAKE_THREAD_LIBS_INIT}")
elseif(CMAKE_USE_PTHREADS_INIT AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  # POSIX threads live in libc here; -pthread is still the portable spelling.
  set(VMAR_PC_THREADS_LIBS "-pthread")
endif()

# Absolute install dirs are allowed by GNUInstallDirs; keep them absolute,
# otherwise express them relative to ${prefix} so the tree can be moved.
foreach(kind IN ITEMS LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(VMAR_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(VMAR_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()

configure_file(
  "${PROJECT_SOURCE_DIR}/cmake/vmar.pc.in"
  "${PROJECT_BINARY_DIR}/vmar.pc"
  @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/vmar.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
  COMPONENT vmar_development)
