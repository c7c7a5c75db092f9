// SPDX-License-Identifier: MIT
// The contended paths of the reservation lock (see lock.h).

#include "lock.h"

#if defined(VMAR__HAVE_FUTEX)

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

// Marks the lock as waited for and sleeps until it is free, then holds it
// (still marked: whoever else slept on it is woken by our unlock).
void vmar__lock_wait(vmar__lock_t* l) {
  while (atomic_exchange_explicit(&l->word, 2, memory_order_acquire) != 0) {
    // Returns at once if the word is no longer 2; a wake or a spurious
    // return sends the loop round again.
    (void)syscall(SYS_futex, &l->word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
  }
}

void vmar__lock_wake(vmar__lock_t* l) {
  (void)syscall(SYS_futex, &l->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

#else

typedef int vmar__lock_no_contended_path_t; // pthread mutexes sleep alone

#endif
