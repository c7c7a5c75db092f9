// SPDX-License-Identifier: MIT
// Fault injection for tests: every host call the library makes, and every
// allocation, passes through a named site that a test can arm to fail its
// N-th call with a chosen errno. Disarmed, a site costs one relaxed atomic
// load. Also the library's allocator wrappers, so allocations can fail on
// demand like host calls.

#ifndef VMAR_SRC_FAULT_H_
#define VMAR_SRC_FAULT_H_

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum vmar__fault_site {
  VMAR__FAULT_MALLOC, // vmar__malloc / vmar__calloc
  VMAR__FAULT_MMAP,   // every mmap (reserve, map, re-reserve)
  VMAR__FAULT_MPROTECT,
  VMAR__FAULT_MUNMAP,
  VMAR__FAULT_MADVISE,
  VMAR__FAULT_OPEN, // memfd_create, shm_open, mkstemp
  VMAR__FAULT_FTRUNCATE,
  VMAR__FAULT_FALLOCATE,
  VMAR__FAULT_PREAD,
  VMAR__FAULT_PWRITE,
  VMAR__FAULT_CLOSE,
  VMAR__FAULT_SITE_COUNT
} vmar__fault_site_t;

// Starts counting calls at every site from zero (nothing fails yet).
void vmar__fault_start(void);

// Makes the |n|-th call of |site| since the last start fail with |err|
// (n >= 1; 0 disarms the site). Starts counting if it was off.
void vmar__fault_arm(vmar__fault_site_t site, uint64_t n, int err);

// Stops counting and disarms every site.
void vmar__fault_reset(void);

// Calls |site| has seen since the last start.
uint64_t vmar__fault_calls(vmar__fault_site_t site);

// For the wrappers: true (and |*err| set) when this call must fail.
extern atomic_bool vmar__fault_active;
bool vmar__fault_hit_slow(vmar__fault_site_t site, int* err);
static inline bool vmar__fault_hit(vmar__fault_site_t site, int* err) {
  return atomic_load_explicit(&vmar__fault_active, memory_order_relaxed) &&
         vmar__fault_hit_slow(site, err);
}

// The library's allocator: malloc/calloc/free behind the MALLOC site.
void* vmar__malloc(size_t size);
void* vmar__calloc(size_t count, size_t size);
// Zeroed memory starting on a cache line and covering whole cache lines, for
// objects that threads hammer independently (locks, reference counts), so
// two of them never share a line. Freed with vmar__free.
void* vmar__calloc_lines(size_t size);
void vmar__free(void* p);

#endif // VMAR_SRC_FAULT_H_
