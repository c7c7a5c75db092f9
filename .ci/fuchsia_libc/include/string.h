// SPDX-License-Identifier: MIT
// ISO C <string.h> stand-in for the Fuchsia-target compile check (README.md).
#ifndef VMAR_FAKE_LIBC_STRING_H_
#define VMAR_FAKE_LIBC_STRING_H_
#include <stddef.h>
void* memcpy(void* restrict dst, const void* restrict src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);
#endif
