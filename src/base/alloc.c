// SPDX-License-Identifier: MIT
// The allocator wrappers (see alloc.h).

#include "alloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

// Fails the allocation when the MALLOC site is armed for this call.
static bool injected(void) {
  int err;
  if (vmar__fault_hit(VMAR__FAULT_MALLOC, &err)) {
    errno = err;
    return true;
  }
  return false;
}

void* vmar__malloc(size_t size) { return injected() ? NULL : malloc(size); }

void* vmar__calloc(size_t count, size_t size) {
  return injected() ? NULL : calloc(count, size);
}

void* vmar__calloc_lines(size_t size) {
  enum { LINE = 64 };
  if (injected() || size > SIZE_MAX - (LINE - 1)) {
    return NULL;
  }
  size_t rounded = (size + (LINE - 1)) & ~(size_t)(LINE - 1);
  void* p = aligned_alloc(LINE, rounded);
  if (p != NULL) {
    memset(p, 0, rounded);
  }
  return p;
}

void vmar__free(void* p) { free(p); }
