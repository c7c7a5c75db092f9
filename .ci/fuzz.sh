#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmar CI: the differential fuzzer (fuzz/) with a fixed time budget.
#
#  1. vmar_fuzz_replay (any compiler): replays fuzz/corpus/, then runs random
#     seeds of VMAR_FUZZ_OPS calls each for VMAR_FUZZ_SECONDS (default 80 s);
#     then the same with the non-Linux paths forced (VMAR_POSIX_PORTABLE),
#     for VMAR_FUZZ_PORTABLE_SECONDS (default 30 s), once with the shm_open
#     and once with the unlinked-file VMO backing.
#  2. When clang is installed: the libFuzzer target mutates a copy of the
#     corpus for VMAR_LIBFUZZER_SECONDS (default 30 s).
# Each prints its figures (inputs, calls executed and checked); any
# divergence between the library and the reference model fails the script
# with the call, the expected and actual results, and the input to replay.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

replay_seconds=${VMAR_FUZZ_SECONDS:-80}
portable_seconds=${VMAR_FUZZ_PORTABLE_SECONDS:-30}
replay_ops=${VMAR_FUZZ_OPS:-500}
first_seed=${VMAR_FUZZ_FIRST_SEED:-1}
libfuzzer_seconds=${VMAR_LIBFUZZER_SECONDS:-30}

banner() {
  printf '\n==== %s ====\n' "$*"
}

banner "Fuzz: replay corpus + random seeds (${replay_seconds} s)"
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVMAR_WERROR=ON -DVMAR_BUILD_TESTS=ON -DVMAR_BUILD_EXAMPLES=OFF \
  -DVMAR_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz --target vmar_fuzz_replay
build/fuzz/fuzz/vmar_fuzz_replay --corpus fuzz/corpus \
  --seconds "$replay_seconds" --ops "$replay_ops" --first-seed "$first_seed"

banner "Fuzz: portable paths, replay + random seeds (${portable_seconds} s)"
cmake -S . -B build/fuzz-portable -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVMAR_WERROR=ON -DVMAR_BUILD_TESTS=ON -DVMAR_BUILD_EXAMPLES=OFF \
  -DVMAR_BUILD_BENCH=OFF -DVMAR_POSIX_PORTABLE=ON >/dev/null
cmake --build build/fuzz-portable --target vmar_fuzz_replay
half=$((portable_seconds / 2))
for backing in shm file; do
  VMAR_POSIX_VMO_BACKING=$backing build/fuzz-portable/fuzz/vmar_fuzz_replay \
    --corpus fuzz/corpus --seconds "$half" --ops "$replay_ops" \
    --first-seed "$first_seed"
done

if command -v clang >/dev/null 2>&1; then
  banner "Fuzz: libFuzzer on the corpus (${libfuzzer_seconds} s)"
  cmake -S . -B build/fuzz-clang -G Ninja -DCMAKE_C_COMPILER=clang \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVMAR_WERROR=ON \
    -DVMAR_BUILD_TESTS=ON -DVMAR_BUILD_EXAMPLES=OFF \
    -DVMAR_BUILD_BENCH=OFF >/dev/null
  if ! ninja -C build/fuzz-clang -t query vmar_fuzz >/dev/null 2>&1; then
    # The target exists only where clang's fuzzer runtime links.
    if [ "${CI:-}" = true ]; then
      echo "fuzz.sh: no libFuzzer target (clang's runtimes missing?)" >&2
      exit 1
    fi
    banner "Fuzz: clang's libFuzzer runtime is missing, libFuzzer run skipped"
    exit 0
  fi
  cmake --build build/fuzz-clang --target vmar_fuzz
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp fuzz/corpus/* "$work"/
  # Findings abort with the divergence report; the input that caused it is
  # kept under build/fuzz-clang/.
  build/fuzz-clang/fuzz/vmar_fuzz -max_total_time="$libfuzzer_seconds" \
    -max_len=4000 -print_final_stats=1 -artifact_prefix=build/fuzz-clang/ "$work"
else
  banner "Fuzz: clang not installed, libFuzzer run skipped"
fi
