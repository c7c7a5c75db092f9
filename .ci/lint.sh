#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vmar lint: clang-format on every C/C++ source and header, then clang-tidy
# (.clang-tidy) on the library's sources with a compile database.
#   .ci/lint.sh          check; exits non-zero on any finding
#   .ci/lint.sh --fix    reformat the files in place instead of checking them
# Installs clang-format/clang-tidy when missing (as root on Debian), like
# .ci/run does for the rest.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

banner() {
  printf '\n==== %s ====\n' "$*"
}

die() {
  printf 'lint: error: %s\n' "$*" >&2
  exit 1
}

fix=0
case "${1:-}" in
"") ;;
--fix) fix=1 ;;
*) die "usage: .ci/lint.sh [--fix]" ;;
esac

missing=()
for tool in clang-format clang-tidy; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
  else
    die "missing: ${missing[*]} (install them, or run as root on Debian)"
  fi
fi

# Every C/C++ file git knows or would add (build trees are ignored), as it
# is in the working tree (a file deleted there is not looked at).
mapfile -t sources < <(git ls-files --cached --others --exclude-standard -- \
  '*.c' '*.h' '*.cpp' '*.hpp' | while read -r f; do [ -e "$f" ] && echo "$f"; done)
[ "${#sources[@]}" -gt 0 ] || die "no sources found (not a git checkout?)"

banner "Lint: clang-format ($(clang-format --version | grep -o '[0-9][0-9.]*' | head -n 1)), ${#sources[@]} files"
if [ "$fix" -eq 1 ]; then
  clang-format -i "${sources[@]}"
  echo "reformatted"
  exit 0
fi
if ! clang-format --dry-run --Werror "${sources[@]}"; then
  die "files above are not clang-formatted; run .ci/lint.sh --fix"
fi
echo "clang-format: clean"

# clang-tidy needs the flags each file is built with: configure (no build) a
# library-only tree that writes compile_commands.json.
banner "Lint: clang-tidy on src/"
build=build/lint
mkdir -p build
cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DBUILD_TESTING=OFF \
  -DVMAR_BUILD_EXAMPLES=OFF -DVMAR_BUILD_BENCH=OFF -DVMAR_INSTALL=OFF \
  >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; die "configure failed"; }

root=$(pwd)
mapfile -t files < <(grep -o '"file": *"[^"]*"' "$build/compile_commands.json" |
  sed 's/^"file": *"//; s/"$//' | grep "^$root/src/" | sort -u)
[ "${#files[@]}" -gt 0 ] || die "no src/ files in the compile database"

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
if printf '%s\n' "${files[@]}" |
  xargs -P "$jobs" -n 2 clang-tidy -p "$build" --quiet; then
  echo "clang-tidy: clean (${#files[@]} files)"
else
  die "clang-tidy reported findings (above)"
fi
