// SPDX-License-Identifier: MIT
// The reservation lock: taken by every call on a mapping, so its uncontended
// path is a compare-and-swap to take it and an exchange to drop it, inline.
// On Linux it is a word with three states (free, held, held with waiters)
// and threads that find it held sleep on it with futex; elsewhere it is a
// pthread mutex.

#ifndef VMAR_SRC_POSIX_LOCK_H_
#define VMAR_SRC_POSIX_LOCK_H_

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

#if defined(VMAR__HAVE_FUTEX)

typedef struct vmar__lock {
  _Atomic uint32_t word; // 0 free, 1 held, 2 held and maybe waited for
} vmar__lock_t;

// The contended halves (lock.c).
void vmar__lock_wait(vmar__lock_t* l);
void vmar__lock_wake(vmar__lock_t* l);

static inline bool vmar__lock_init(vmar__lock_t* l) {
  atomic_init(&l->word, 0);
  return true;
}
static inline void vmar__lock_destroy(vmar__lock_t* l) { (void)l; }

static inline void vmar__lock(vmar__lock_t* l) {
  uint32_t free_word = 0;
  if (!atomic_compare_exchange_strong_explicit(&l->word, &free_word, 1,
                                               memory_order_acquire,
                                               memory_order_relaxed)) {
    vmar__lock_wait(l);
  }
}

static inline void vmar__unlock(vmar__lock_t* l) {
  if (atomic_exchange_explicit(&l->word, 0, memory_order_release) == 2) {
    vmar__lock_wake(l);
  }
}

#else

typedef struct vmar__lock {
  pthread_mutex_t mutex;
} vmar__lock_t;

static inline bool vmar__lock_init(vmar__lock_t* l) {
  return pthread_mutex_init(&l->mutex, NULL) == 0;
}
static inline void vmar__lock_destroy(vmar__lock_t* l) {
  (void)pthread_mutex_destroy(&l->mutex);
}
static inline void vmar__lock(vmar__lock_t* l) {
  (void)pthread_mutex_lock(&l->mutex);
}
static inline void vmar__unlock(vmar__lock_t* l) {
  (void)pthread_mutex_unlock(&l->mutex);
}

#endif

#endif // VMAR_SRC_POSIX_LOCK_H_
