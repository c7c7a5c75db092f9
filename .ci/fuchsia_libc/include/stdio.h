// SPDX-License-Identifier: MIT
// ISO C <stdio.h> stand-in for the Fuchsia-target compile check (README.md).
#ifndef VMAR_FAKE_LIBC_STDIO_H_
#define VMAR_FAKE_LIBC_STDIO_H_
#include <stdarg.h>
#include <stddef.h>
int snprintf(char* restrict buf, size_t size, const char* restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char* restrict buf, size_t size, const char* restrict fmt,
              va_list ap) __attribute__((format(printf, 3, 0)));
#endif
