// SPDX-License-Identifier: MIT
// The handle table: a bounded array of slots, grown in chunks that are never
// moved or freed, so a lookup of any 32-bit value is a bounds check, a few
// atomic loads and comparisons.
//
// A lookup takes no lock and writes nothing shared: it reads the slot's
// value, object and rights, reads the value again (a slot's object and
// rights never change without its value changing), and takes a reference
// with a compare-and-swap that fails on a dying object. The object's memory
// cannot go meanwhile: lookups run in a read section (reclaim.h) and dead
// objects are freed only after every such section that began earlier ended.
//
// Creating, closing and replacing handles change slots under locks. The
// chunks are dealt out to 64 stripes (chunk c belongs to stripe c % 64),
// each with its own lock, free list and supply of fresh slots. A thread
// creates handles in its home stripe, so threads working on unrelated
// objects share no lock and no cache line.

#include "handle_table.h"

#include <pthread.h>

#include "base/alloc.h"
#include "reclaim.h"

#define IDX_BITS VMAR__HANDLE_IDX_BITS
#define MAX_SLOTS (1u << IDX_BITS)
#define CHUNK_SHIFT VMAR__HANDLE_CHUNK_SHIFT
#define CHUNK_SLOTS (1u << CHUNK_SHIFT)
#define NUM_CHUNKS VMAR__HANDLE_NUM_CHUNKS
#define GEN_SHIFT (2u + IDX_BITS)
#define GEN_BITS (32u - GEN_SHIFT)
#define GEN_MASK ((1u << GEN_BITS) - 1u)
#define NUM_STRIPES 64u
// A stripe reuses a closed slot only once this many of its slots are free,
// least recently freed first. A slot's generation then moves on once per
// MIN_FREE_BEFORE_REUSE handles created in its stripe, and comes round only
// after 2^GEN_BITS such moves: a closed value is not handed out again before
// at least MIN_FREE_BEFORE_REUSE << GEN_BITS (2^20) more handles were
// created in its stripe (unless the stripe has no fresh slot left).
#define MIN_FREE_BEFORE_REUSE 1024u

_Static_assert((uint64_t)MIN_FREE_BEFORE_REUSE << GEN_BITS >= 1000000u,
               "a closed value must stay dead for a million creations");

// Everything in a stripe is guarded by its lock. Aligned so two stripes never
// share a cache line.
typedef struct stripe {
  _Alignas(64) pthread_mutex_t lock;
  uint32_t free_head; // slot index + 1, 0: empty
  uint32_t free_tail; // slot index + 1
  uint32_t free_count;
  uint32_t next_fresh; // next never-used slot of this stripe; MAX_SLOTS: none
  size_t live;
} stripe_t;

typedef vmar__handle_slot_t slot_t;
_Atomic(slot_t*) vmar__handle_chunks[NUM_CHUNKS];
static stripe_t stripes[NUM_STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t chunk_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint next_home;
static _Thread_local unsigned home_stripe = NUM_STRIPES;

// A cap below the natural MAX_SLOTS (tests set one to reach the limit).
// While one is set, creation is serialised by |limit_lock| so it is exact.
static atomic_size_t live_limit = MAX_SLOTS;
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

static void init_stripes(void) {
  for (unsigned i = 0; i < NUM_STRIPES; i++) {
    pthread_mutex_init(&stripes[i].lock, NULL);
    stripes[i].next_fresh = i * CHUNK_SLOTS; // the first slot of chunk i
  }
}

static stripe_t* stripe_of(uint32_t idx) {
  return &stripes[(idx >> CHUNK_SHIFT) % NUM_STRIPES];
}

static slot_t* slot_of(uint32_t idx) {
  slot_t* chunk = atomic_load_explicit(&vmar__handle_chunks[idx >> CHUNK_SHIFT],
                                       memory_order_acquire);
  return chunk == NULL ? NULL : &chunk[idx & (CHUNK_SLOTS - 1)];
}

// Makes sure the chunk holding |idx| exists.
static bool ensure_chunk(uint32_t idx) {
  if (slot_of(idx) != NULL) {
    return true;
  }
  pthread_mutex_lock(&chunk_lock);
  bool ok = slot_of(idx) != NULL;
  if (!ok) {
    slot_t* chunk = vmar__calloc(CHUNK_SLOTS, sizeof(slot_t));
    if (chunk != NULL) {
      atomic_store_explicit(&vmar__handle_chunks[idx >> CHUNK_SHIFT], chunk,
                            memory_order_release);
      ok = true;
    }
  }
  pthread_mutex_unlock(&chunk_lock);
  return ok;
}

// Picks a slot of |s| for a new handle. Called with s->lock held.
static vmar_status_t claim_slot(stripe_t* s, uint32_t* out) {
  if (s->free_head != 0 &&
      (s->free_count >= MIN_FREE_BEFORE_REUSE || s->next_fresh == MAX_SLOTS)) {
    uint32_t idx = s->free_head - 1;
    s->free_head =
        atomic_load_explicit(&slot_of(idx)->aux, memory_order_relaxed);
    if (s->free_head == 0) {
      s->free_tail = 0;
    }
    s->free_count--;
    *out = idx;
    return VMAR_OK;
  }
  if (s->next_fresh == MAX_SLOTS) {
    return VMAR_ERR_NO_RESOURCES;
  }
  uint32_t idx = s->next_fresh;
  if (!ensure_chunk(idx)) {
    return VMAR_ERR_NO_MEMORY;
  }
  // Next slot of this chunk, or the first of this stripe's next chunk.
  uint32_t next = idx + 1;
  if ((next & (CHUNK_SLOTS - 1)) == 0) {
    next += (NUM_STRIPES - 1) * CHUNK_SLOTS;
  }
  s->next_fresh = next >= MAX_SLOTS ? MAX_SLOTS : next;
  *out = idx;
  return VMAR_OK;
}

static vmar_handle_t next_value(vmar_handle_t old, uint32_t idx) {
  uint32_t gen = ((old >> GEN_SHIFT) + 1u) & GEN_MASK;
  return (gen << GEN_SHIFT) | (idx << 2) | VMAR_HANDLE_FIXED_BITS_MASK;
}

static size_t count_live(void) {
  size_t n = 0;
  for (unsigned i = 0; i < NUM_STRIPES; i++) {
    pthread_mutex_lock(&stripes[i].lock);
    n += stripes[i].live;
    pthread_mutex_unlock(&stripes[i].lock);
  }
  return n;
}

// Creates the handle in the first stripe, from the home stripe on, that has
// a slot; the home stripe nearly always does.
static vmar_status_t create_in_stripes(vmar__object_t* o, vmar_rights_t rights,
                                       vmar_handle_t* out) {
  if (home_stripe == NUM_STRIPES) {
    home_stripe = atomic_fetch_add(&next_home, 1) % NUM_STRIPES;
  }
  vmar_status_t st = VMAR_ERR_NO_RESOURCES;
  for (unsigned k = 0; k < NUM_STRIPES; k++) {
    stripe_t* s = &stripes[(home_stripe + k) % NUM_STRIPES];
    uint32_t idx;
    pthread_mutex_lock(&s->lock);
    st = claim_slot(s, &idx);
    if (st == VMAR_OK) {
      slot_t* slot = slot_of(idx);
      vmar__object_retain(o);
      const vmar_handle_t value = next_value(
          atomic_load_explicit(&slot->value, memory_order_relaxed), idx);
      // The value last, releasing: a lookup that sees it sees the object
      // and rights. (No ordering against reclamation is needed: nothing
      // becomes unreachable here.)
      atomic_store_explicit(&slot->aux, rights, memory_order_relaxed);
      atomic_store_explicit(&slot->obj, o, memory_order_relaxed);
      atomic_store_explicit(&slot->value, value, memory_order_release);
      s->live++;
      *out = value;
    }
    pthread_mutex_unlock(&s->lock);
    if (st != VMAR_ERR_NO_RESOURCES) {
      break;
    }
  }
  return st;
}

vmar_status_t vmar__handle_create(vmar__object_t* o, vmar_rights_t rights,
                                  vmar_handle_t* out) {
  pthread_once(&stripes_once, init_stripes);
  if (atomic_load_explicit(&live_limit, memory_order_relaxed) == MAX_SLOTS) {
    return create_in_stripes(o, rights, out);
  }
  pthread_mutex_lock(&limit_lock);
  vmar_status_t st = count_live() >= atomic_load(&live_limit)
                         ? VMAR_ERR_NO_RESOURCES
                         : create_in_stripes(o, rights, out);
  pthread_mutex_unlock(&limit_lock);
  return st;
}

// Finds the live slot of |h| and locks its stripe; NULL when |h| is not
// live.
static slot_t* lock_live(vmar_handle_t h, stripe_t** stripe_out,
                         uint32_t* idx_out) {
  if ((h & VMAR_HANDLE_FIXED_BITS_MASK) != VMAR_HANDLE_FIXED_BITS_MASK) {
    return NULL;
  }
  uint32_t idx = (h >> 2) & (MAX_SLOTS - 1u);
  slot_t* slot = slot_of(idx);
  if (slot == NULL) {
    return NULL;
  }
  stripe_t* s = stripe_of(idx);
  pthread_mutex_lock(&s->lock);
  if (atomic_load_explicit(&slot->obj, memory_order_relaxed) == NULL ||
      atomic_load_explicit(&slot->value, memory_order_relaxed) != h) {
    pthread_mutex_unlock(&s->lock);
    return NULL;
  }
  *stripe_out = s;
  *idx_out = idx;
  return slot;
}

vmar_status_t vmar__handle_get(vmar_handle_t h, vmar__object_t** obj,
                               vmar_rights_t* rights) {
  vmar__reclaim_guard_t guard;
  vmar__reclaim_enter(&guard);
  vmar_status_t st = vmar__handle_borrow(h, obj, rights);
  // A dying object is refused: its handle was closed since.
  if (st == VMAR_OK && !vmar__ref_try_acquire(&(*obj)->refs)) {
    st = VMAR_ERR_BAD_HANDLE;
  }
  vmar__reclaim_leave(&guard);
  return st;
}

// Empties a locked live slot, queues it on its stripe's free list and
// unlocks; returns the slot's object, whose reference now belongs to the
// caller.
static vmar__object_t* empty_slot(stripe_t* s, slot_t* slot, uint32_t idx) {
  vmar__object_t* o = atomic_load_explicit(&slot->obj, memory_order_relaxed);
  // The value first: a lookup that still sees the object then sees the
  // value changed.
  atomic_store(&slot->value,
               atomic_load_explicit(&slot->value, memory_order_relaxed) &
                   ~VMAR_HANDLE_FIXED_BITS_MASK);
  atomic_store(&slot->obj, NULL);
  atomic_store(&slot->aux, 0);
  if (s->free_tail != 0) {
    atomic_store_explicit(&slot_of(s->free_tail - 1)->aux, idx + 1,
                          memory_order_relaxed);
  } else {
    s->free_head = idx + 1;
  }
  s->free_tail = idx + 1;
  s->free_count++;
  s->live--;
  pthread_mutex_unlock(&s->lock);
  return o;
}

vmar_status_t vmar__handle_take(vmar_handle_t h, vmar__object_t** obj) {
  stripe_t* s;
  uint32_t idx;
  slot_t* slot = lock_live(h, &s, &idx);
  if (slot == NULL) {
    return VMAR_ERR_BAD_HANDLE;
  }
  *obj = empty_slot(s, slot, idx);
  return VMAR_OK;
}

vmar_status_t vmar__handle_replace(vmar_handle_t h, vmar_rights_t rights,
                                   vmar_rights_t add, vmar_handle_t* out,
                                   vmar__object_t** dropped) {
  *dropped = NULL;
  stripe_t* s;
  uint32_t idx;
  slot_t* slot = lock_live(h, &s, &idx);
  if (slot == NULL) {
    return VMAR_ERR_BAD_HANDLE;
  }
  const vmar_rights_t have =
      atomic_load_explicit(&slot->aux, memory_order_relaxed);
  if (!vmar__rights_subset(rights, have) || out == NULL) {
    *dropped = empty_slot(s, slot, idx);
    return VMAR_ERR_INVALID_ARGS;
  }
  const vmar_rights_t now =
      (rights == VMAR_RIGHT_SAME_RIGHTS ? have : rights) | add;
  const vmar_handle_t value = next_value(h, idx);
  // The value first: a lookup of |h| that reads the new rights then sees
  // |h| gone.
  atomic_store(&slot->value, value);
  atomic_store(&slot->aux, now);
  *out = value;
  pthread_mutex_unlock(&s->lock);
  return VMAR_OK;
}

size_t vmar__handle_count(void) {
  pthread_once(&stripes_once, init_stripes);
  return count_live();
}

size_t vmar__handle_set_limit(size_t limit) {
  pthread_mutex_lock(&limit_lock);
  size_t old = atomic_load(&live_limit);
  atomic_store(&live_limit,
               (limit == 0 || limit > MAX_SLOTS) ? MAX_SLOTS : limit);
  pthread_mutex_unlock(&limit_lock);
  return old;
}
