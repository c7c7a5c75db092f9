// SPDX-License-Identifier: MIT
// Fault injection counters and the allocator wrappers (see fault.h).

#include "fault.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

atomic_bool vmar__fault_active;

static atomic_uint_fast64_t calls[VMAR__FAULT_SITE_COUNT];
static atomic_uint_fast64_t fail_at[VMAR__FAULT_SITE_COUNT];
static atomic_int fail_err[VMAR__FAULT_SITE_COUNT];

void vmar__fault_start(void) {
  for (int i = 0; i < VMAR__FAULT_SITE_COUNT; i++) {
    atomic_store(&calls[i], 0);
    atomic_store(&fail_at[i], 0);
  }
  atomic_store(&vmar__fault_active, true);
}

void vmar__fault_arm(vmar__fault_site_t site, uint64_t n, int err) {
  // A failure must carry an error: 0 would read as success with no result.
  atomic_store(&fail_err[site], err != 0 ? err : EIO);
  atomic_store(&fail_at[site], n);
  atomic_store(&vmar__fault_active, true);
}

void vmar__fault_reset(void) {
  atomic_store(&vmar__fault_active, false);
  for (int i = 0; i < VMAR__FAULT_SITE_COUNT; i++) {
    atomic_store(&fail_at[i], 0);
  }
}

uint64_t vmar__fault_calls(vmar__fault_site_t site) {
  return atomic_load(&calls[site]);
}

bool vmar__fault_hit_slow(vmar__fault_site_t site, int* err) {
  uint64_t n = atomic_fetch_add(&calls[site], 1) + 1;
  if (n != atomic_load(&fail_at[site])) {
    return false;
  }
  *err = atomic_load(&fail_err[site]);
  return true;
}

void* vmar__malloc(size_t size) {
  int err;
  if (vmar__fault_hit(VMAR__FAULT_MALLOC, &err)) {
    errno = err;
    return NULL;
  }
  return malloc(size);
}

void* vmar__calloc(size_t count, size_t size) {
  int err;
  if (vmar__fault_hit(VMAR__FAULT_MALLOC, &err)) {
    errno = err;
    return NULL;
  }
  return calloc(count, size);
}

void* vmar__calloc_lines(size_t size) {
  enum { LINE = 64 };
  int err;
  if (vmar__fault_hit(VMAR__FAULT_MALLOC, &err)) {
    errno = err;
    return NULL;
  }
  if (size > SIZE_MAX - (LINE - 1)) {
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
