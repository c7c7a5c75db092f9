// SPDX-License-Identifier: MIT
// Fault injection for tests: every host call the POSIX backend makes, and
// every allocation of the library, passes through a named site that a test
// can arm to fail its N-th call with a chosen errno. Disarmed, a site costs
// one relaxed atomic load.

#ifndef VMAR_SRC_BASE_FAULT_H_
#define VMAR_SRC_BASE_FAULT_H_

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum vmar__fault_site {
  VMAR__FAULT_MALLOC, // every allocation (base/alloc.h)
  VMAR__FAULT_MMAP,   // every mmap (reserve, map, re-reserve)
  VMAR__FAULT_MPROTECT,
  VMAR__FAULT_MUNMAP,
  VMAR__FAULT_MADVISE,
  VMAR__FAULT_OPEN, // a new backing file or descriptor (memfd, shm, file, dup)
  VMAR__FAULT_FTRUNCATE,
  VMAR__FAULT_FALLOCATE, // hole punching and preallocation
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

// For the sites: true (and |*err| set) when this call must fail.
extern atomic_bool vmar__fault_active;
bool vmar__fault_hit_slow(vmar__fault_site_t site, int* err);
static inline bool vmar__fault_hit(vmar__fault_site_t site, int* err) {
  return atomic_load_explicit(&vmar__fault_active, memory_order_relaxed) &&
         vmar__fault_hit_slow(site, err);
}

#endif // VMAR_SRC_BASE_FAULT_H_
