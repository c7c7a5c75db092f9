// SPDX-License-Identifier: MIT
// Epoch-based reclamation (see reclaim.h).
//
// A global epoch moves forward when every thread inside a read section has
// seen its current value. Each thread owns a record, on a cache line of its
// own, that says which epoch its open read section started in (0: none).
// Memory retired in epoch e goes on the retiring thread's list for e mod 3,
// and is freed once the thread sees the epoch reach e + 2: by then every
// read section that could have found it has closed. A thread frees only its
// own lists, so retiring into them needs no lock; a thread that ends hands
// its lists to a shared orphanage, which keeps the newest epoch of what each
// of its lists holds and is freed by whoever moves the epoch, list by list,
// once the epoch read under its lock is two past that.
//
// Records are never freed (a thread that ends leaves its record for the
// next one), so scanning them needs no lock either. A thread that cannot get
// a record (out of memory) reads under a mutex with a shared record instead.
//
// A process whose only reader is the retiring thread itself (one thread has
// a record, and none reads under the shared one) frees at once: no section
// is open, and one that opens later cannot find the object (it became
// unreachable before its last reference went, and a thread counts itself
// as a reader before its first announcement, both sequentially consistent).
// So a single-threaded program reuses the memory of objects that come and
// go (VMOs, child VMARs) while it is warm in the allocator's per-thread
// cache, and no thread reads another's record to find out. Such a retirement
// also frees what waits in the thread's own lists and in the orphanage:
// a program that is single-threaded again does not keep what its ended
// threads left until the next quiesce.

#include "reclaim.h"

#include <pthread.h>

#include "base/alloc.h"

// Retired objects are linked through next_retired, which shares its place
// with the koid: nothing reads that once the last reference is gone.
#define NEXT_OF(o) ((o)->next_retired)

// Epochs move on after this many retirements by one thread (or at its end).
#define RETIRES_PER_SCAN 32u

typedef struct record {
  _Alignas(64) _Atomic uint64_t epoch; // open read section's epoch; 0: none
  struct record* next;                 // registry, never changes once set
  atomic_bool taken;                   // owned by a live thread
  // The owner's alone:
  uint64_t seen;            // the global epoch when it last looked
  vmar__object_t* limbo[3]; // retired in an epoch of each residue mod 3
  unsigned since_scan;      // retirements since it last tried to move on
} record_t;

_Atomic uint64_t vmar__reclaim_epoch = 1;
static _Atomic(record_t*) registry;
static atomic_uint readers; // threads holding a record, or in the shared one

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static bool key_ok;
static _Thread_local record_t* mine;
_Thread_local _Atomic uint64_t* vmar__reclaim_word; // &mine->epoch

// For threads without a record: one shared record, one reader at a time.
static record_t shared_record;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

// Objects left by ended threads and by threads without a record, with the
// latest epoch any of them was retired in. Whoever moves the epoch frees a
// list once the epoch, read under the lock, is two past that: the list may
// have grown since the move, so the move itself proves nothing.
static pthread_mutex_t orphan_lock = PTHREAD_MUTEX_INITIALIZER;
static vmar__object_t* orphans[3];
static uint64_t orphan_epoch[3];
static atomic_bool orphans_pending; // some list is not empty

void (*vmar__reclaim_advanced_hook)(uint64_t g);

static void free_list(vmar__object_t* o) {
  while (o != NULL) {
    vmar__object_t* next = NEXT_OF(o);
    vmar__object_dispose(o);
    o = next;
  }
}

static void append(vmar__object_t** list, vmar__object_t* more) {
  if (more == NULL) {
    return;
  }
  vmar__object_t* tail = more;
  while (NEXT_OF(tail) != NULL) {
    tail = NEXT_OF(tail);
  }
  NEXT_OF(tail) = *list;
  *list = more;
}

// Adds |more|, retired in epoch |e| or before, to the orphans. Under
// orphan_lock.
static void orphan(vmar__object_t* more, uint64_t e) {
  if (more == NULL) {
    return;
  }
  append(&orphans[e % 3], more);
  if (orphan_epoch[e % 3] < e) {
    orphan_epoch[e % 3] = e;
  }
  atomic_store_explicit(&orphans_pending, true, memory_order_relaxed);
}

// Frees the orphans retired two epochs before the current one or earlier;
// with |all|, every orphan if the caller, outside any read section, is still
// the only reader. A list and its epoch are read together, under the lock
// every addition takes, so the epoch covers all a list holds; and the count
// of readers is read under it too, so what a thread orphans in a read
// section cannot be in a list taken while that thread counts as one.
static void free_orphans(bool all) {
  vmar__object_t* due = NULL;
  pthread_mutex_lock(&orphan_lock);
  all = all && atomic_load(&readers) == 1;
  const uint64_t now = atomic_load(&vmar__reclaim_epoch);
  bool left = false;
  for (int i = 0; i < 3; i++) {
    if (orphans[i] != NULL && (all || orphan_epoch[i] + 2 <= now)) {
      append(&due, orphans[i]);
      orphans[i] = NULL;
      orphan_epoch[i] = 0;
    }
    left |= orphans[i] != NULL;
  }
  atomic_store_explicit(&orphans_pending, left, memory_order_relaxed);
  pthread_mutex_unlock(&orphan_lock);
  free_list(due);
}

// The epoch is |g| now: what was retired in g - 2 (or earlier, in the same
// residue) can go.
static void free_old(vmar__object_t** limbo, uint64_t g) {
  vmar__object_t* old = limbo[(g + 1) % 3];
  limbo[(g + 1) % 3] = NULL;
  free_list(old);
}

static void thread_ends(void* arg) {
  record_t* r = arg;
  mine = NULL; // a later call in this thread's teardown takes a new one
  vmar__reclaim_word = NULL;
  pthread_mutex_lock(&orphan_lock);
  for (int i = 0; i < 3; i++) {
    orphan(r->limbo[i], r->seen); // nothing on them is newer than that
    r->limbo[i] = NULL;
  }
  pthread_mutex_unlock(&orphan_lock);
  atomic_fetch_sub(&readers, 1); // after its last section
  atomic_store_explicit(&r->taken, false, memory_order_release);
}

static void make_key(void) {
  key_ok = pthread_key_create(&key, thread_ends) == 0;
  atomic_store(&shared_record.taken, true); // never given to a thread
  record_t* head = atomic_load(&registry);
  do {
    shared_record.next = head;
  } while (!atomic_compare_exchange_weak(&registry, &head, &shared_record));
}

// The calling thread's record: a free one from the registry, else a new
// one; NULL when there is none to be had.
static record_t* my_record(void) {
  if (mine != NULL) {
    return mine;
  }
  pthread_once(&key_once, make_key);
  if (!key_ok) {
    return NULL;
  }
  record_t* r = atomic_load_explicit(&registry, memory_order_acquire);
  for (; r != NULL; r = r->next) {
    bool expected = false;
    if (!atomic_load_explicit(&r->taken, memory_order_relaxed) &&
        atomic_compare_exchange_strong(&r->taken, &expected, true)) {
      break;
    }
  }
  if (r == NULL) {
    r = vmar__calloc_lines(sizeof(*r));
    if (r == NULL) {
      return NULL;
    }
    atomic_init(&r->taken, true);
    record_t* head = atomic_load(&registry);
    do {
      r->next = head;
    } while (!atomic_compare_exchange_weak(&registry, &head, r));
  }
  if (pthread_setspecific(key, r) != 0) {
    atomic_store(&r->taken, false);
    return NULL;
  }
  atomic_fetch_add(&readers, 1); // before any announcement in |r|
  r->seen = atomic_load(&vmar__reclaim_epoch);
  mine = r;
  vmar__reclaim_word = &r->epoch;
  return r;
}

void vmar__reclaim_enter_slow(vmar__reclaim_guard_t* g) {
  record_t* r = my_record();
  g->shared = r == NULL;
  if (g->shared) {
    pthread_mutex_lock(&shared_lock);
    atomic_fetch_add(&readers, 1);
    r = &shared_record;
  }
  atomic_store(&r->epoch, atomic_load(&vmar__reclaim_epoch));
  g->word = &r->epoch;
}

void vmar__reclaim_leave_shared(vmar__reclaim_guard_t* g) {
  atomic_store_explicit(g->word, 0, memory_order_release);
  atomic_fetch_sub(&readers, 1);
  pthread_mutex_unlock(&shared_lock);
}

// Moves the epoch on from |g| if every open read section started in |g|;
// returns the epoch after the attempt.
static uint64_t try_advance(uint64_t g) {
  for (record_t* r = atomic_load_explicit(&registry, memory_order_acquire);
       r != NULL; r = r->next) {
    const uint64_t e = atomic_load(&r->epoch);
    if (e != 0 && e != g) {
      return atomic_load(&vmar__reclaim_epoch);
    }
  }
  if (atomic_compare_exchange_strong(&vmar__reclaim_epoch, &g, g + 1)) {
    if (vmar__reclaim_advanced_hook != NULL) {
      vmar__reclaim_advanced_hook(g);
    }
    if (atomic_load_explicit(&orphans_pending, memory_order_relaxed)) {
      free_orphans(false); // a list missed here waits for the next move
    }
    return g + 1;
  }
  return g; // another thread moved it: |g| holds its value now
}

void vmar__reclaim_retire(vmar__object_t* o) {
  record_t* r = my_record();
  if (r != NULL && atomic_load(&readers) == 1 &&
      atomic_load_explicit(&r->epoch, memory_order_relaxed) == 0) {
    // The only reader is this thread, not reading: no section is open, so
    // what waits for one can go too (a thread that has just become this
    // process's only one may have left some).
    vmar__object_dispose(o);
    if (atomic_load_explicit(&orphans_pending, memory_order_relaxed)) {
      free_orphans(true);
    }
    for (int i = 0; i < 3; i++) {
      vmar__object_t* old = r->limbo[i];
      r->limbo[i] = NULL;
      free_list(old);
    }
    return;
  }
  uint64_t g = atomic_load(&vmar__reclaim_epoch);
  if (r == NULL) {
    NEXT_OF(o) = NULL;
    pthread_mutex_lock(&orphan_lock);
    orphan(o, g);
    pthread_mutex_unlock(&orphan_lock);
    return;
  }
  if (g != r->seen) {
    free_old(r->limbo, g);
    r->seen = g;
  }
  NEXT_OF(o) = r->limbo[g % 3];
  r->limbo[g % 3] = o;
  if (++r->since_scan >= RETIRES_PER_SCAN) {
    r->since_scan = 0;
    const uint64_t now = try_advance(g);
    if (now != r->seen) {
      free_old(r->limbo, now);
      r->seen = now;
    }
  }
}

void vmar__reclaim_quiesce(void) {
  record_t* r = my_record();
  // Three moves free every residue: what was retired in the current epoch
  // goes at the second.
  for (int i = 0; i < 3; i++) {
    const uint64_t now = try_advance(atomic_load(&vmar__reclaim_epoch));
    if (r != NULL && now != r->seen) {
      free_old(r->limbo, now);
      r->seen = now;
    }
  }
}
