#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmar CI, macOS: what can be checked without a Mac. Every C and C++ file of
# the library, tests, bench, examples and fuzz that is meant for macOS is
# compiled (clang -fsyntax-only, never linked) for arm64-apple-macos11 and
# x86_64-apple-macos11 with -Werror, against the real macOS 14.2 SDK headers
# of ../shared/sdk/macos-14.2-usr-include.tar.xz (README there). The archive
# is a checking tool, not a dependency: without it this step says "skipped"
# and passes. VMAR_SDK_DIR overrides where it is looked for (relative paths
# are taken from the repository root).
#
# Files come from git (tracked, or new and not ignored), so nothing here
# names a source file; only what is not meant for macOS is left out, by the
# rules below, each printed with its reason. Every unit is compiled even
# after a failure; the failing ones are listed at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

printf '\n==== %s ====\n' "macOS: compile check against the macOS 14.2 SDK headers"

die() {
  printf 'macos.sh: error: %s\n' "$*" >&2
  exit 1
}

sdk_dir=${VMAR_SDK_DIR:-../shared/sdk}
archive=$sdk_dir/macos-14.2-usr-include.tar.xz
if [ ! -f "$archive" ]; then
  echo "macos.sh: skipped: $archive not found (macOS SDK headers; see README there)"
  exit 0
fi

for tool in clang clang++ tar xz git; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
cmocka_h=/usr/include/cmocka.h
[ -f "$cmocka_h" ] || die "$cmocka_h not found (install libcmocka-dev)"

targets=(arm64-apple-macos11 x86_64-apple-macos11)
jobs=2 # two shared cores on the CI machines

# ---- Sysroot ---------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sysroot=$work/sdk
mkdir -p "$sysroot"
tar -C "$sysroot" -xJf "$archive"
[ -f "$sysroot/usr/include/sys/mman.h" ] ||
  die "$archive does not hold usr/include of a macOS SDK"
[ -d "$sysroot/usr/include/c++/v1" ] ||
  die "$archive has no libc++ headers (usr/include/c++/v1)"

# cmocka is not in the SDK: its header alone, never the host's /usr/include
# (glibc headers would leak in). It goes in as a system directory, as the
# build's cmocka::cmocka (an imported target) and /usr/include put it, so
# -Wpedantic judges our code, not cmocka's GNU-style variadic macros.
mkdir -p "$work/cmocka"
cp "$cmocka_h" "$work/cmocka/"

# ---- Units -----------------------------------------------------------------
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  '*.c' '*.cpp' | sort -u)
[ "${#files[@]}" -gt 0 ] || die "no sources found (not a git checkout?)"

# Exclusion rules: what is not meant for macOS, and why.
why_zircon="Fuchsia backend (zx_* system calls; checked by .ci/zircon.sh)"
why_libc="ISO C stand-in headers for the Fuchsia-target check, not host code"
why_shim="LD_PRELOAD shim, a Linux-only test tool"
declare -A matched=([src/zircon/*]=0 [.ci/fuchsia_libc/*]=0
  [tests/darwin/ LD_PRELOAD shim]=0)
units=()
excluded=0
for f in "${files[@]}"; do
  rule="" reason=""
  case "$f" in
  src/zircon/*) rule="src/zircon/*" reason=$why_zircon ;;
  .ci/fuchsia_libc/*) rule=".ci/fuchsia_libc/*" reason=$why_libc ;;
  tests/darwin/*)
    # The shim interposes on libc: known by its name or by LD_PRELOAD/RTLD_NEXT.
    case "${f##*/}" in
    *preload* | *shim* | *interpose*) rule="tests/darwin/ LD_PRELOAD shim" ;;
    *) if [ -f "$f" ] && grep -qE 'LD_PRELOAD|RTLD_NEXT' "$f"; then
      rule="tests/darwin/ LD_PRELOAD shim"
    fi ;;
    esac
    [ -z "$rule" ] || reason=$why_shim
    ;;
  esac
  if [ -n "$rule" ]; then
    printf 'excluded: %s: %s\n' "$f" "$reason"
    matched[$rule]=$((matched[$rule] + 1))
    excluded=$((excluded + 1))
    continue
  fi
  if [ ! -f "$f" ]; then
    # Known to git but gone from the working tree (being moved): nothing to compile.
    printf 'not on disk, not compiled: %s\n' "$f"
    continue
  fi
  # A unit is a file and the variant the build compiles it in: "plain", or
  # "zircon" (-DVMAR_TEST_BACKEND_ZIRCON=1) for the API suite, which runs
  # once per backend, and for tests/zircon, built for that backend only.
  case "$f" in
  tests/api/*) units+=("$f plain" "$f zircon") ;;
  tests/zircon/*) units+=("$f zircon") ;;
  *) units+=("$f plain") ;;
  esac
done
[ "${matched[src/zircon/*]}" -gt 0 ] ||
  printf 'excluded: src/zircon/*: (no file) %s\n' "$why_zircon"
[ "${matched[.ci/fuchsia_libc/*]}" -gt 0 ] ||
  printf 'excluded: .ci/fuchsia_libc/*: (no C/C++ file) %s\n' "$why_libc"
[ "${matched[tests/darwin/ LD_PRELOAD shim]}" -gt 0 ] ||
  printf 'excluded: tests/darwin/ LD_PRELOAD shim: (no file) %s\n' "$why_shim"
[ "${#units[@]}" -gt 0 ] || die "nothing to compile"

# ---- Compile ---------------------------------------------------------------
# Include directories: the public headers, the library's private ones, the
# test support, the fuzz harness and the fake Zircon headers of the host tools.
common=(-fsyntax-only -isysroot "$sysroot" -isystem "$work/cmocka"
  -Iinclude -Isrc -Isrc/posix -Itests/support -Ifuzz
  -Izx_host/include)
c_flags=(-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
  -Wmissing-prototypes -Werror)
cxx_flags=(-std=c++17 -stdlib=libc++ -Wall -Wextra -Wpedantic -Werror)

# The SDK's Availability headers set __MAC_OS_X_VERSION_MIN_REQUIRED from
# __ENVIRONMENT_OS_VERSION_MIN_REQUIRED__, which clang predefines only from
# version 17 on (Xcode 15). Older clangs leave it 0 in #if, and the headers
# then pick pre-10.15 paths (e.g. a constant 4096 PAGE_SIZE on x86_64, where
# macOS 11 has vm_page_size): define it as a Mac's clang would.
declare -A min_os=()
for target in "${targets[@]}"; do
  predef=$(clang -target "$target" -dM -E -x c /dev/null)
  if grep -q ' __ENVIRONMENT_OS_VERSION_MIN_REQUIRED__ ' <<<"$predef"; then
    min_os[$target]=-
  else
    v=$(awk '$2 == "__ENVIRONMENT_MAC_OS_X_VERSION_MIN_REQUIRED__" { print $3 }' <<<"$predef")
    [ -n "$v" ] || die "clang does not know the target $target"
    min_os[$target]=-D__ENVIRONMENT_OS_VERSION_MIN_REQUIRED__=$v
  fi
done

# One unit: compile_unit <log> <target> <file> <variant> <min-os define or
# ->. Always succeeds; a failed compile leaves <log>.fail next to its output.
compile_unit() {
  local log=$1 target=$2 file=$3 variant=$4 os_def=$5
  local cc=(clang) lang=("${c_flags[@]}")
  case "$file" in
  *.cpp) cc=(clang++) lang=("${cxx_flags[@]}") ;;
  esac
  local defs=()
  if [ "$os_def" != - ]; then
    defs+=("$os_def")
  fi
  if [ "$variant" = zircon ]; then
    defs+=(-DVMAR_TEST_BACKEND_ZIRCON=1)
  fi
  if ! "${cc[@]}" -target "$target" "${common[@]}" "${lang[@]}" \
    ${defs[@]+"${defs[@]}"} "$file" >"$log" 2>&1; then
    : >"$log.fail"
  fi
}

# xargs runs a child bash; hand it the function and the flag arrays.
export -f compile_unit
export VMAR_MACOS_COMMON VMAR_MACOS_C VMAR_MACOS_CXX
VMAR_MACOS_COMMON=$(printf '%s\n' "${common[@]}")
VMAR_MACOS_C=$(printf '%s\n' "${c_flags[@]}")
VMAR_MACOS_CXX=$(printf '%s\n' "${cxx_flags[@]}")
# shellcheck disable=SC2016 # expanded by the child bash
worker='mapfile -t common <<<"$VMAR_MACOS_COMMON"
mapfile -t c_flags <<<"$VMAR_MACOS_C"
mapfile -t cxx_flags <<<"$VMAR_MACOS_CXX"
compile_unit "$@"'

label() { # <file> <variant>
  if [ "$2" = plain ]; then printf '%s' "$1"; else printf '%s [%s]' "$1" "$2"; fi
}

printf '%d units (%d files excluded), clang %s, %d parallel jobs\n' \
  "${#units[@]}" "$excluded" \
  "$(clang --version | grep -o '[0-9][0-9]*\.[0-9.]*' | head -n 1)" "$jobs"
for target in "${targets[@]}"; do
  if [ "${min_os[$target]}" != - ]; then
    printf '%s: %s (clang predates it)\n' "$target" "${min_os[$target]}"
  fi
done

failed=()
errors=0
warnings=0
for target in "${targets[@]}"; do
  logs=$work/logs/$target
  mkdir -p "$logs"
  i=0
  for unit in "${units[@]}"; do
    read -r file variant <<<"$unit"
    printf '%s\0' "$logs/$i" "$target" "$file" "$variant" "${min_os[$target]}"
    i=$((i + 1))
  done | xargs -0 -n 5 -P "$jobs" bash -c "$worker" _

  target_failed=0
  i=0
  for unit in "${units[@]}"; do
    read -r file variant <<<"$unit"
    log=$logs/$i
    # With -Werror a warning shows as "error: ... [-Werror,-W...]".
    w=$(grep -cE 'warning:|\[-Werror' "$log" || true)
    e=$(grep -c 'error:' "$log" || true)
    warnings=$((warnings + w))
    errors=$((errors + e - $(grep -c '\[-Werror' "$log" || true)))
    if [ -f "$log.fail" ]; then
      target_failed=$((target_failed + 1))
      failed+=("$target: $(label "$file" "$variant")")
      printf '\n---- FAILED (%s): %s ----\n' "$target" "$(label "$file" "$variant")"
      head -n 40 "$log"
      lines=$(wc -l <"$log")
      if [ "$lines" -gt 40 ]; then
        printf '... (%d more lines)\n' $((lines - 40))
      fi
    fi
    i=$((i + 1))
  done
  printf '%s: %d units compiled, %d failed\n' "$target" \
    $((${#units[@]} - target_failed)) "$target_failed"
done

if [ "${#failed[@]}" -gt 0 ]; then
  printf '\nmacos.sh: failing units:\n'
  printf '  %s\n' "${failed[@]}"
  printf 'macos.sh: %d units x %d targets, %d failed (%d errors, %d warnings)\n' \
    "${#units[@]}" "${#targets[@]}" "${#failed[@]}" "$errors" "$warnings"
  exit 1
fi
printf 'macos.sh: %d units x %d targets, %d warnings\n' \
  "${#units[@]}" "${#targets[@]}" "$warnings"
