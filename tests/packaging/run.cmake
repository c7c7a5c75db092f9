# SPDX-License-Identifier: MIT
# vmar packaging checks, run by ctest as `cmake -P run.cmake` (label
# "packaging"). Every step works in WORK_DIR, a scratch directory of the build
# tree, and nothing touches the network.
#
#   -DMODE=install       build vmar (static and shared) and install each into
#                        WORK_DIR/prefix-<kind>; the fixture the others need
#   -DMODE=symbols       the shared library exports vmar_* and nothing else
#   -DMODE=find_package  consumer via find_package, against prefix-${KIND}
#   -DMODE=subdir        consumer that add_subdirectory()s the source tree
#   -DMODE=fetchcontent  consumer that FetchContent()s the source tree
#   -DMODE=pkgconfig     consumer compiled with pkg-config flags only
#   -DMODE=zx_host       install with the zx_host component, build a
#                        Zircon-only program against it
# Also: -DVMAR_SOURCE_DIR, -DWORK_DIR, -DGENERATOR, -DMAKE_PROGRAM,
# -DC_COMPILER, optional -DCXX_COMPILER, and -DKIND=static|shared.

cmake_minimum_required(VERSION 3.21)

foreach(var IN ITEMS MODE VMAR_SOURCE_DIR WORK_DIR GENERATOR C_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT KIND)
  set(KIND static)
endif()
set(here "${CMAKE_CURRENT_LIST_DIR}")

# Runs a command; stops with its output when it fails.
function(run)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# The compilers and generator of the build that runs us.
set(toolchain_args -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}")
if(MAKE_PROGRAM)
  list(APPEND toolchain_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND toolchain_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()

# Configures, builds and runs the consumer project in <dir>.
function(build_and_run_consumer dir build)
  file(REMOVE_RECURSE "${build}")
  run("${CMAKE_COMMAND}" -S "${dir}" -B "${build}" ${toolchain_args}
      -DCMAKE_BUILD_TYPE=Debug ${ARGN})
  run("${CMAKE_COMMAND}" --build "${build}")
  foreach(exe IN ITEMS consumer consumer_cxx)
    if(EXISTS "${build}/${exe}")
      run("${build}/${exe}")
      message(STATUS "${exe}: ${run_output}")
    endif()
  endforeach()
endfunction()

# Fails if installing the consumer put anything of vmar's into the prefix.
function(check_installs_nothing_of_vmar build)
  set(prefix "${build}-prefix")
  file(REMOVE_RECURSE "${prefix}")
  run("${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}")
  file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
  list(REMOVE_ITEM installed bin/consumer)
  if(installed)
    message(FATAL_ERROR "the vendored vmar installed files: ${installed}")
  endif()
endfunction()

if(MODE STREQUAL "install")
  foreach(kind IN ITEMS static shared)
    set(build "${WORK_DIR}/vmar-${kind}")
    set(prefix "${WORK_DIR}/prefix-${kind}")
    set(shared OFF)
    if(kind STREQUAL "shared")
      set(shared ON)
    endif()
    file(REMOVE_RECURSE "${build}" "${prefix}")
    run("${CMAKE_COMMAND}" -S "${VMAR_SOURCE_DIR}" -B "${build}"
        ${toolchain_args} -DCMAKE_BUILD_TYPE=Release
        -DBUILD_SHARED_LIBS=${shared} -DBUILD_TESTING=OFF
        -DVMAR_BUILD_EXAMPLES=OFF -DVMAR_BUILD_BENCH=OFF -DVMAR_WERROR=ON
        "-DCMAKE_INSTALL_PREFIX=${prefix}")
    run("${CMAKE_COMMAND}" --build "${build}")
    run("${CMAKE_COMMAND}" --install "${build}")
    foreach(file IN ITEMS include/vmar/vmar.h include/vmar/vmar.hpp)
      if(NOT EXISTS "${prefix}/${file}")
        message(FATAL_ERROR "${kind} install lacks ${file}")
      endif()
    endforeach()
    file(GLOB_RECURSE config "${prefix}/*/vmarConfig.cmake")
    file(GLOB_RECURSE version "${prefix}/*/vmarConfigVersion.cmake")
    file(GLOB_RECURSE pc "${prefix}/*/vmar.pc")
    if(NOT config OR NOT version OR NOT pc)
      message(FATAL_ERROR "${kind} install lacks vmarConfig, its version "
                          "file or vmar.pc")
    endif()
    message(STATUS "installed ${kind} vmar into ${prefix}")
  endforeach()

elseif(MODE STREQUAL "zx_host")
  # The optional component: installed with VMAR_ZX_HOST, found with
  # COMPONENTS zx_host, and a program written against <zircon/*.h> only
  # builds and runs with it. Without the component, asking for it fails.
  set(build "${WORK_DIR}/vmar-zx_host")
  set(prefix "${WORK_DIR}/prefix-zx_host")
  file(REMOVE_RECURSE "${build}" "${prefix}")
  run("${CMAKE_COMMAND}" -S "${VMAR_SOURCE_DIR}" -B "${build}"
      ${toolchain_args} -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
      -DVMAR_BUILD_EXAMPLES=OFF -DVMAR_BUILD_BENCH=OFF -DVMAR_WERROR=ON
      -DVMAR_ZX_HOST=ON "-DCMAKE_INSTALL_PREFIX=${prefix}")
  run("${CMAKE_COMMAND}" --build "${build}")
  run("${CMAKE_COMMAND}" --install "${build}")
  foreach(file IN ITEMS include/vmar/zx_host/zircon/syscalls.h
                        include/vmar/zx_host/zx_host.h)
    if(NOT EXISTS "${prefix}/${file}")
      message(FATAL_ERROR "the zx_host install lacks ${file}")
    endif()
  endforeach()
  # The library exports the system calls and their controls, nothing else
  # (its private copy of vmar stays inside).
  file(GLOB_RECURSE zx_libs "${prefix}/*/libvmar_zx_host.so")
  find_program(NM nm)
  if(zx_libs AND NM)
    list(GET zx_libs 0 lib)
    run("${NM}" -D --defined-only "${lib}")
    string(REPLACE "\n" ";" lines "${run_output}")
    foreach(line IN LISTS lines)
      if(line MATCHES "^[0-9a-fA-F]* +[A-Za-z] +([^ ]+)$" AND
         NOT CMAKE_MATCH_1 MATCHES "^zx_")
        message(FATAL_ERROR "${lib} exports ${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endif()
  build_and_run_consumer("${here}/zx_host" "${WORK_DIR}/zx_host-consumer"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DVMAR_SOURCE_DIR=${VMAR_SOURCE_DIR}")
  # The plain install has no zx_host: the same consumer must fail to
  # configure, saying why.
  set(plain "${WORK_DIR}/zx_host-missing")
  file(REMOVE_RECURSE "${plain}")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${here}/zx_host" -B "${plain}"
            ${toolchain_args} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix-static"
            "-DVMAR_SOURCE_DIR=${VMAR_SOURCE_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc EQUAL 0 OR NOT out MATCHES "zx_host")
    message(FATAL_ERROR "find_package(vmar COMPONENTS zx_host) did not fail "
                        "on an install without it:\n${out}")
  endif()
  message(STATUS "zx_host: installed, found, built and ran; refused where "
                 "missing")

elseif(MODE STREQUAL "symbols")
  file(GLOB_RECURSE libs "${WORK_DIR}/prefix-shared/*.so")
  if(NOT libs)
    message(STATUS "vmar-packaging: skipped: no .so in the shared install (not an ELF host)")
    return()
  endif()
  find_program(NM nm)
  if(NOT NM)
    message(STATUS "vmar-packaging: skipped: nm not found")
    return()
  endif()
  list(GET libs 0 lib)
  run("${NM}" -D --defined-only "${lib}")
  string(REPLACE "\n" ";" lines "${run_output}")
  set(api 0)
  set(stray "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]* +[A-Za-z] +([^ ]+)$")
      set(sym "${CMAKE_MATCH_1}")
      if(sym MATCHES "^vmar_" AND NOT sym MATCHES "^vmar__")
        math(EXPR api "${api} + 1")
      else()
        list(APPEND stray "${sym}")
      endif()
    endif()
  endforeach()
  if(stray)
    message(FATAL_ERROR "${lib} exports symbols outside the API: ${stray}")
  endif()
  if(api EQUAL 0)
    message(FATAL_ERROR "${lib} exports no vmar_* symbol")
  endif()
  message(STATUS "${lib}: ${api} symbols, all vmar_*")

elseif(MODE STREQUAL "find_package")
  build_and_run_consumer("${here}/find_package"
    "${WORK_DIR}/find_package-${KIND}"
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix-${KIND}")

elseif(MODE STREQUAL "subdir" OR MODE STREQUAL "fetchcontent")
  set(build "${WORK_DIR}/${MODE}")
  build_and_run_consumer("${here}/${MODE}" "${build}"
    "-DVMAR_SOURCE_DIR=${VMAR_SOURCE_DIR}")
  if(EXISTS "${build}/CTestTestfile.cmake")
    message(FATAL_ERROR "the vendored vmar registered tests")
  endif()
  check_installs_nothing_of_vmar("${build}")

elseif(MODE STREQUAL "pkgconfig")
  find_program(PKG_CONFIG pkg-config)
  if(NOT PKG_CONFIG)
    message(STATUS "vmar-packaging: skipped: pkg-config not found")
    return()
  endif()
  file(GLOB_RECURSE pc "${WORK_DIR}/prefix-static/*/vmar.pc")
  list(GET pc 0 pc)
  get_filename_component(pc_dir "${pc}" DIRECTORY)
  set(out "${WORK_DIR}/pkgconfig-consumer")
  file(REMOVE "${out}")
  run("${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${pc_dir}"
      "CC=${C_COMPILER}" sh "${here}/pkgconfig/build.sh" "${out}")
  run("${out}")
  message(STATUS "consumer: ${run_output}")

else()
  message(FATAL_ERROR "run.cmake: unknown MODE '${MODE}'")
endif()
