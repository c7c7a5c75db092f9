// SPDX-License-Identifier: MIT
// The library's allocator: malloc, calloc and free behind one fault site
// (VMAR__FAULT_MALLOC), so tests can make any allocation fail on demand.

#ifndef VMAR_SRC_BASE_ALLOC_H_
#define VMAR_SRC_BASE_ALLOC_H_

#include <stddef.h>

void* vmar__malloc(size_t size);
void* vmar__calloc(size_t count, size_t size);

// Zeroed memory starting on a cache line and covering whole cache lines, for
// objects that threads hammer independently (locks, reference counts), so
// two of them never share a line. Freed with vmar__free_lines.
void* vmar__calloc_lines(size_t size);
void vmar__free_lines(void* p);

void vmar__free(void* p);

#endif // VMAR_SRC_BASE_ALLOC_H_
