#!/bin/sh
# SPDX-License-Identifier: MIT
# Consumer without CMake: compiles and links against an installed vmar with
# nothing but pkg-config, the way a Makefile would.
#   CC=<compiler> PKG_CONFIG_PATH=<prefix>/lib/pkgconfig build.sh <output>
# --static adds Libs.private (the thread flags), which a static libvmar needs.
set -eu
here=$(dirname "$0")
out=${1:?usage: build.sh <output>}
cflags=$(pkg-config --cflags vmar)
libs=$(pkg-config --libs --static vmar)
# shellcheck disable=SC2086 # the flags are word lists on purpose
${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags \
  "$here/../common/consumer.c" -o "$out" $libs
