#!/bin/sh
# SPDX-License-Identifier: MIT
# Doxygen input filter for vmar's headers: a // comment block on lines of its
# own documents what follows it, and a trailing // after a member documents
# that member. The file's opening block (up to the first blank line) is left
# alone. Prints the converted file on stdout.
exec sed -e '1,/^$/b' -e 's#^\( *\)//\( \|$\)#\1///\2#' \
  -e 's#\([;,]\) *// #\1 ///< #' "$1"
