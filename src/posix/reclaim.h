// SPDX-License-Identifier: MIT
// Deferred freeing of objects that lock-free readers may still be looking
// at (epoch-based reclamation). Handle lookups read a slot and take a
// reference on the object they find without any lock, or borrow it for the
// rest of a call; an object whose last reference goes may therefore still be
// read by a lookup that found it before. Its memory is freed once every
// thread that was reading then has finished.
//
// Readers bracket their lock-free reads with vmar__reclaim_enter/leave,
// which write only the calling thread's own record. The last owner of an
// object gives its memory to vmar__reclaim_retire instead of freeing it.

#ifndef VMAR_SRC_POSIX_RECLAIM_H_
#define VMAR_SRC_POSIX_RECLAIM_H_

#include "handle_table.h"

// An open read section. Sections do not nest, and a thread enters one before
// it takes any lock (a thread that could not get a record of its own reads
// under a shared mutex). A section may last one library call, host calls
// and lock waits included: objects retired meanwhile, by any thread, wait
// for its end, and it may itself retire objects.
typedef struct vmar__reclaim_guard {
  _Atomic uint64_t* word; // where the section's epoch is announced
  bool shared;            // in the shared record, under its mutex
} vmar__reclaim_guard_t;

// The current epoch, and the calling thread's announcement word (NULL until
// it has a record of its own): the fast paths below are inline, since every
// call on a mapping opens a section.
extern _Atomic uint64_t vmar__reclaim_epoch;
extern _Thread_local _Atomic uint64_t* vmar__reclaim_word;
void vmar__reclaim_enter_slow(vmar__reclaim_guard_t* g);
void vmar__reclaim_leave_shared(vmar__reclaim_guard_t* g);

static inline void vmar__reclaim_enter(vmar__reclaim_guard_t* g) {
  _Atomic uint64_t* w = vmar__reclaim_word;
  if (w == NULL) {
    vmar__reclaim_enter_slow(g);
    return;
  }
  // Sequentially consistent: the announcement is ordered before the reads
  // of the section, and against the scans of threads moving the epoch.
  atomic_store(w, atomic_load(&vmar__reclaim_epoch));
  g->word = w;
  g->shared = false;
}

static inline void vmar__reclaim_leave(vmar__reclaim_guard_t* g) {
  if (g->shared) {
    vmar__reclaim_leave_shared(g);
  } else {
    atomic_store_explicit(g->word, 0, memory_order_release);
  }
}

// Disposes of the object |o| with vmar__object_dispose once no read section
// that could have found it is open. |o|'s reference count must be 0 and
// stay 0; nothing of it but its type is read meanwhile.
void vmar__reclaim_retire(vmar__object_t* o);

// Moves the epoch on as far as open read sections allow and frees what the
// calling thread (and ended threads) retired before. With no other thread
// inside a read section, everything retired so far is freed: tests that
// count live heap blocks call this first.
void vmar__reclaim_quiesce(void);

// Tests only: when set, called by a thread that has just moved the epoch on
// from |g|, before it frees any orphan, so that a test can hold it there.
extern void (*vmar__reclaim_advanced_hook)(uint64_t g);

#endif // VMAR_SRC_POSIX_RECLAIM_H_
