#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmar CI: the test suite under Valgrind memcheck.
#
# A plain Debug build (no sanitizer: memcheck and sanitizers do not mix) in
# build/valgrind, then `ctest -T memcheck`: every test runs under memcheck
# with --error-exitcode=1 and --leak-check=full, so an invalid access, a use
# of uninitialised memory or a definite or indirect leak fails the test.
# The suppressions (.ci/valgrind.supp) are the tests' deliberate probing
# of addresses that must fault, and one VMO read into such an address. VMAR_TEST_VALGRIND tells the tests' count
# of host mappings to leave out Valgrind's own memory.
#
# Excluded, to keep the run near 3 minutes on 2 cores: the "stress" label
# (tens of thousands of host mappings, and 8-thread runs that memcheck
# serialises), "fuzz" (the replay driver, time-budgeted by .ci/fuzz.sh),
# "portable" (the API suites again with the shm and file VMO backings),
# "packaging" (configures and builds other projects) and unit.gap_tree (a
# pure data-structure test of 10^5-node trees, minutes under memcheck). All
# of them run in every other build.
#
# ctest's "Defects" column counts what Valgrind's log mentions, suppressed
# probe faults and reachable blocks included; the verdict is each test's
# exit status, which --error-exitcode=1 makes non-zero on any real error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

banner() {
  printf '\n==== %s ====\n' "$*"
}

if ! command -v valgrind >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    banner "Installing: valgrind"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends valgrind
  else
    printf 'valgrind: error: valgrind is not installed\n' >&2
    exit 1
  fi
fi

banner "Valgrind memcheck: configure, build, test (Debug, no sanitizer)"
build=build/valgrind
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVMAR_WERROR=ON \
  -DVMAR_SANITIZE= -DVMAR_BUILD_TESTS=ON -DVMAR_BUILD_EXAMPLES=OFF \
  -DVMAR_BUILD_BENCH=OFF \
  -DMEMORYCHECK_COMMAND="$(command -v valgrind)" \
  "-DMEMORYCHECK_COMMAND_OPTIONS=--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet" \
  "-DMEMORYCHECK_SUPPRESSIONS_FILE=$PWD/.ci/valgrind.supp" \
  >/dev/null
cmake --build "$build"
start=$(date +%s)
(cd "$build" && VMAR_TEST_VALGRIND=1 ctest -T memcheck --output-on-failure \
  -j 2 --label-exclude '^(stress|fuzz|portable|packaging)$' \
  --exclude-regex '^unit\.gap_tree')
printf 'valgrind: memcheck run took %d s\n' "$(($(date +%s) - start))"
