# SPDX-License-Identifier: MIT
# vmar: the `docs` target (HTML API reference from the public headers), made
# only when Doxygen is installed. Nothing else depends on it.

include_guard(GLOBAL)

find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
  message(STATUS "vmar: Doxygen not found; no `docs` target")
  return()
endif()

set(VMAR_DOCS_OUTPUT "${PROJECT_BINARY_DIR}/docs")
configure_file("${PROJECT_SOURCE_DIR}/docs/Doxyfile.in"
               "${PROJECT_BINARY_DIR}/Doxyfile" @ONLY)
add_custom_target(docs
  COMMAND Doxygen::doxygen "${PROJECT_BINARY_DIR}/Doxyfile"
  WORKING_DIRECTORY "${PROJECT_BINARY_DIR}"
  COMMENT "vmar: API reference in ${VMAR_DOCS_OUTPUT}/html/index.html"
  VERBATIM)
