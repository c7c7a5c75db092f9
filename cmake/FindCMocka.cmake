# SPDX-License-Identifier: MIT
# vmar: find the cmocka unit-test library and expose it as cmocka::cmocka.
#
# cmocka 1.1.x installs a package config that only sets CMOCKA_INCLUDE_DIR and
# CMOCKA_LIBRARY and defines no imported target, so we look the files up
# ourselves. pkg-config, when present, only supplies search hints and the
# version.
#
# Result variables:
#   CMocka_FOUND, CMOCKA_FOUND    true when header and library were found
#   CMocka_VERSION                version from pkg-config, if known
#   CMOCKA_INCLUDE_DIR            directory holding cmocka.h (cache)
#   CMOCKA_LIBRARY                the cmocka library (cache)
# Imported target:
#   cmocka::cmocka

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_CMOCKA QUIET cmocka)
endif()

find_path(CMOCKA_INCLUDE_DIR
  NAMES cmocka.h
  HINTS ${PC_CMOCKA_INCLUDEDIR} ${PC_CMOCKA_INCLUDE_DIRS})

find_library(CMOCKA_LIBRARY
  NAMES cmocka cmocka_shared cmocka-static
  HINTS ${PC_CMOCKA_LIBDIR} ${PC_CMOCKA_LIBRARY_DIRS})

if(PC_CMOCKA_VERSION)
  set(CMocka_VERSION ${PC_CMOCKA_VERSION})
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CMocka
  REQUIRED_VARS CMOCKA_LIBRARY CMOCKA_INCLUDE_DIR
  VERSION_VAR CMocka_VERSION)

if(CMocka_FOUND AND NOT TARGET cmocka::cmocka)
  add_library(cmocka::cmocka UNKNOWN IMPORTED)
  set_target_properties(cmocka::cmocka PROPERTIES
    IMPORTED_LOCATION "${CMOCKA_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CMOCKA_INCLUDE_DIR}")
endif()

mark_as_advanced(CMOCKA_INCLUDE_DIR CMOCKA_LIBRARY)
