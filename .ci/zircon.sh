#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmar CI, Zircon backend for Fuchsia: what can be checked without a Fuchsia
# SDK. (The backend's behaviour is tested by the main workflows, which run the
# API suite against the host fake kernel: ctest label "zircon".)
#
# 1. Compile src/zircon/*.c and every shared source the Zircon build uses for
#    x86_64-unknown-fuchsia and aarch64-unknown-fuchsia (clang -fsyntax-only,
#    -Wall -Wextra -Werror, strict C11) against the host Zircon headers
#    (zx_host/include) and the ISO C stand-ins of .ci/fuchsia_libc/include
#    (README there).
# 2. The same against a real Fuchsia sysroot's headers (Zircon's and the C
#    library's), when an archive of them is at $VMAR_FUCHSIA_SYSROOT_ARCHIVE
#    or ../shared/sdk/fuchsia-sysroot-headers.tar.xz (x64/ and arm64/
#    sysroots inside); skipped, saying so, when there is none.
# 3. Configure and build the vmar library with cmake/FuchsiaToolchain.cmake
#    against a stand-in SDK made of the stand-in headers (compile and archive
#    only; nothing is linked), so the toolchain file keeps working.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

printf '\n==== %s ====\n' \
  "Zircon backend: Fuchsia-target compile check and toolchain file"

command -v clang >/dev/null 2>&1 || {
  echo "zircon.sh: clang is needed" >&2
  exit 1
}

# The Zircon build's sources: CMakeLists.txt's VMAR_SHARED_SOURCES and
# VMAR_ZIRCON_SOURCES, read from there so the lists cannot drift apart.
sources=()
for list in VMAR_SHARED_SOURCES VMAR_ZIRCON_SOURCES; do
  while read -r src; do
    sources+=("$src")
  done < <(awk -v name="$list" '
    $0 == "set(" name { on = 1; next }
    on {
      sub(/#.*/, "")
      done_ = index($0, ")") > 0
      gsub(/[()]/, "")
      for (i = 1; i <= NF; i++) print $i
      if (done_) on = 0
    }' CMakeLists.txt)
done
if [ "${#sources[@]}" -lt 10 ]; then
  echo "zircon.sh: could not read the source lists from CMakeLists.txt" >&2
  exit 1
fi

flags=(-fsyntax-only -std=c11 -Wall -Wextra -Wpedantic -Wshadow
  -Wstrict-prototypes -Wmissing-prototypes -Werror
  -Iinclude -Isrc)

for triple in x86_64-unknown-fuchsia aarch64-unknown-fuchsia; do
  printf 'syntax check, stand-in headers (%s): %d files\n' "$triple" \
    "${#sources[@]}"
  for src in "${sources[@]}"; do
    clang --target="$triple" "${flags[@]}" -Izx_host/include \
      -I.ci/fuchsia_libc/include "$src"
  done
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- Real sysroot headers, when there are some -----------------------------
archive=${VMAR_FUCHSIA_SYSROOT_ARCHIVE:-../shared/sdk/fuchsia-sysroot-headers.tar.xz}
if [ -f "$archive" ]; then
  mkdir -p "$work/real"
  tar -C "$work/real" -xJf "$archive"
  for pair in x64:x86_64 arm64:aarch64; do
    sysroot="$work/real/${pair%%:*}"
    triple="${pair##*:}-unknown-fuchsia"
    [ -f "$sysroot/include/zircon/syscalls.h" ] || {
      echo "zircon.sh: $archive has no ${pair%%:*}/include/zircon" >&2
      exit 1
    }
    printf 'syntax check, real sysroot headers (%s): %d files\n' "$triple" \
      "${#sources[@]}"
    for src in "${sources[@]}"; do
      clang --target="$triple" --sysroot="$sysroot" "${flags[@]}" "$src"
    done
  done
else
  echo "zircon.sh: skipped the real-sysroot check: no $archive" \
    "(set VMAR_FUCHSIA_SYSROOT_ARCHIVE to a sysroot-headers archive)"
fi

# ---- The toolchain file against a stand-in SDK -----------------------------
ar_tool=ar
if command -v llvm-ar >/dev/null 2>&1; then
  ar_tool=$(command -v llvm-ar)
fi
arches=(x64)
if [ "$ar_tool" != ar ]; then
  arches+=(arm64) # GNU ar may not know aarch64 objects
fi

for arch in "${arches[@]}"; do
  sysroot="$work/sdk/arch/$arch/sysroot"
  mkdir -p "$sysroot/include"
  cp -R zx_host/include/zircon "$sysroot/include/"
  cp .ci/fuchsia_libc/include/*.h "$sysroot/include/"
  printf 'toolchain file (%s): configure and build vmar\n' "$arch"
  cmake -S . -B "$work/build-$arch" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/FuchsiaToolchain.cmake" \
    -DFUCHSIA_SDK="$work/sdk" -DFUCHSIA_ARCH="$arch" \
    -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY \
    -DCMAKE_AR="$ar_tool" \
    -DVMAR_WERROR=ON -DVMAR_INSTALL=OFF -DCMAKE_BUILD_TYPE=Release \
    >"$work/configure-$arch.log" 2>&1 || {
    cat "$work/configure-$arch.log"
    exit 1
  }
  grep -q 'vmar: backend zircon' "$work/configure-$arch.log" || {
    echo "zircon.sh: the toolchain file did not select the zircon backend" >&2
    exit 1
  }
  cmake --build "$work/build-$arch" --target vmar
done

echo "zircon.sh: passed"
