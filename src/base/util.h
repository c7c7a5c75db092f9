// SPDX-License-Identifier: MIT
// Helpers shared by every layer of the library: arithmetic on sizes and
// addresses that never overflows silently, and the atomic reference count.

#ifndef VMAR_SRC_BASE_UTIL_H_
#define VMAR_SRC_BASE_UTIL_H_

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmar/vmar.h>

#define VMAR__CONTAINER_OF(ptr, type, member)                                  \
  ((type*)(void*)((char*)(ptr)-offsetof(type, member)))

// Keeps a function out of its callers: a call's full path stays out of the
// short one that handles the usual case, so that the short one is a few
// contiguous cache lines of code.
#define VMAR__NOINLINE __attribute__((noinline))

// True when |x| is a multiple of |align| (a power of two).
static inline bool vmar__is_aligned(uint64_t x, uint64_t align) {
  return (x & (align - 1)) == 0;
}

// Rounds |x| up to |align| (a power of two). Returns false on overflow.
static inline bool vmar__round_up(uint64_t x, uint64_t align, uint64_t* out) {
  uint64_t r = (x + (align - 1)) & ~(align - 1);
  if (r < x) {
    return false;
  }
  *out = r;
  return true;
}

// A reference count. Starts at 1; the owner that drops the last reference
// frees the object.
typedef struct vmar__refcount {
  atomic_uint n;
} vmar__refcount_t;

static inline void vmar__ref_init(vmar__refcount_t* r) {
  atomic_init(&r->n, 1);
}

static inline void vmar__ref_acquire(vmar__refcount_t* r) {
  atomic_fetch_add_explicit(&r->n, 1, memory_order_relaxed);
}

// Takes a reference unless the count is already 0 (the object is dying):
// for lookups that found the object without holding a reference.
static inline bool vmar__ref_try_acquire(vmar__refcount_t* r) {
  unsigned n = atomic_load_explicit(&r->n, memory_order_relaxed);
  while (n != 0) {
    if (atomic_compare_exchange_weak_explicit(
            &r->n, &n, n + 1, memory_order_acquire, memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

// Returns true when this was the last reference. The decrement is
// acquire-release: every drop publishes the dropper's writes, and the last
// one sees them all before the object is freed. (A release decrement with a
// separate acquire fence would be as correct, but ThreadSanitizer does not
// model fences and would report the free as a race in users' programs.)
static inline bool vmar__ref_release(vmar__refcount_t* r) {
  return atomic_fetch_sub_explicit(&r->n, 1, memory_order_acq_rel) == 1;
}

#endif // VMAR_SRC_BASE_UTIL_H_
