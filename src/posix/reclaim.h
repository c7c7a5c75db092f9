// SPDX-License-Identifier: MIT
// Deferred freeing of objects that lock-free readers may still be looking
// at (epoch-based reclamation). Handle lookups read a slot and take a
// reference on the object they find without any lock; an object whose last
// reference goes may therefore still be read (its reference count only) by
// a lookup that found it just before. Its memory is freed once every thread
// that was reading then has finished.
//
// Readers bracket their lock-free reads with vmar__reclaim_enter/leave,
// which write only the calling thread's own record. The last owner of an
// object gives its memory to vmar__reclaim_retire instead of freeing it.

#ifndef VMAR_SRC_POSIX_RECLAIM_H_
#define VMAR_SRC_POSIX_RECLAIM_H_

#include "handle_table.h"

// An open read section. Never held across a call that may block or free.
typedef struct vmar__reclaim_guard {
  void* rec; // the thread's record
} vmar__reclaim_guard_t;

void vmar__reclaim_enter(vmar__reclaim_guard_t* g);
void vmar__reclaim_leave(vmar__reclaim_guard_t* g);

// Frees the object |o| (allocated starting at |o|, with vmar__calloc_lines
// when |lines|, else vmar__calloc) once no read section that could have
// found it is open. |o|'s reference count must be 0 and stay 0; nothing else
// of it is read.
void vmar__reclaim_retire(vmar__object_t* o, bool lines);

// Moves the epoch on as far as open read sections allow and frees what the
// calling thread (and ended threads) retired before. With no other thread
// inside a read section, everything retired so far is freed: tests that
// count live heap blocks call this first.
void vmar__reclaim_quiesce(void);

#endif // VMAR_SRC_POSIX_RECLAIM_H_
