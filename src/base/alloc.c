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

// A plain malloc block with room to align inside it, its own address kept
// in the word before the aligned start: cheaper than aligned_alloc, whose
// blocks bypass the allocator's per-thread caches, for objects made and
// freed all the time (VMOs).
void* vmar__calloc_lines(size_t size) {
  enum { LINE = 64 };
  if (injected() || size > SIZE_MAX - 2 * LINE) {
    return NULL;
  }
  size_t rounded = (size + (LINE - 1)) & ~(size_t)(LINE - 1);
  char* raw = malloc(rounded + LINE);
  if (raw == NULL) {
    return NULL;
  }
  // malloc aligns to at least a pointer's size: the aligned start is one
  // word or more past |raw|, so the word before it is inside the block.
  char* p = (char*)(((uintptr_t)raw + LINE) & ~(uintptr_t)(LINE - 1));
  memcpy(p - sizeof(raw), &raw, sizeof(raw));
  memset(p, 0, rounded);
  return p;
}

void vmar__free_lines(void* p) {
  if (p != NULL) {
    char* raw;
    memcpy(&raw, (char*)p - sizeof(raw), sizeof(raw));
    free(raw);
  }
}

void vmar__free(void* p) { free(p); }
