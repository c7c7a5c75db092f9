// SPDX-License-Identifier: MIT
// ISO C <stdlib.h> stand-in for the Fuchsia-target compile check (README.md).
#ifndef VMAR_FAKE_LIBC_STDLIB_H_
#define VMAR_FAKE_LIBC_STDLIB_H_
#include <stddef.h>
void* malloc(size_t size);
void* calloc(size_t count, size_t size);
void* aligned_alloc(size_t alignment, size_t size);
void* realloc(void* p, size_t size);
void free(void* p);
_Noreturn void abort(void);
#endif
