// SPDX-License-Identifier: MIT
// The handle table: a bounded array of slots, grown in chunks that are never
// moved or freed, so a lookup of any 32-bit value is a bounds check, one
// atomic load and one comparison. Slots are guarded by striped locks: lookups
// of unrelated handles rarely share a lock, and only creating or closing a
// handle touches the free list's lock.

#include "handle_table.h"

#include <pthread.h>
#include <stdlib.h>

// Value layout: | generation (10) | slot index (20) | 1 1 |.
#define IDX_BITS 20u
#define MAX_SLOTS (1u << IDX_BITS)
#define CHUNK_SHIFT 10u
#define CHUNK_SLOTS (1u << CHUNK_SHIFT)
#define NUM_CHUNKS (MAX_SLOTS / CHUNK_SLOTS)
#define GEN_SHIFT (2u + IDX_BITS)
#define GEN_MASK ((1u << (32u - GEN_SHIFT)) - 1u)
#define NUM_STRIPES 64u
// A closed slot is reused only once this many slots are free, so a stale
// value survives many open/close cycles before its generation comes round.
#define MIN_FREE_BEFORE_REUSE 256u

// 16 bytes: a live slot needs its rights, a free one its list link.
typedef struct slot {
  vmar__object_t* obj; // NULL when free
  vmar_handle_t value; // live: the handle; free: the last value, low bits 0
  union {
    vmar_rights_t rights; // live
    uint32_t next_free;   // free: the next free slot's index + 1, 0 ends
  } u;
} slot_t;
_Static_assert(sizeof(slot_t) <= 16, "a handle slot must stay small");

static _Atomic(slot_t*) chunks[NUM_CHUNKS];
static pthread_mutex_t stripes[NUM_STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;

// Guards everything below.
static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t free_head; // index + 1
static uint32_t free_tail; // index + 1
static uint32_t free_count;
static uint32_t high_water; // slots ever handed out
static size_t live_count;
static size_t live_limit = MAX_SLOTS;

static atomic_uint_fast64_t next_koid = 1024;

static void init_stripes(void) {
  for (unsigned i = 0; i < NUM_STRIPES; i++) {
    pthread_mutex_init(&stripes[i], NULL);
  }
}

static pthread_mutex_t* stripe_of(uint32_t idx) {
  return &stripes[idx % NUM_STRIPES];
}

static slot_t* slot_of(uint32_t idx) {
  slot_t* chunk =
      atomic_load_explicit(&chunks[idx >> CHUNK_SHIFT], memory_order_acquire);
  return chunk == NULL ? NULL : &chunk[idx & (CHUNK_SLOTS - 1)];
}

void vmar__object_init(vmar__object_t* o, uint32_t type) {
  vmar__ref_init(&o->refs);
  o->type = type;
  o->koid = (vmar_koid_t)atomic_fetch_add_explicit(&next_koid, 1,
                                                   memory_order_relaxed);
}

void vmar__object_release(vmar__object_t* o) {
  if (vmar__ref_release(&o->refs)) {
    vmar__object_free(o);
  }
}

// Picks a slot index for a new handle. Called with alloc_lock held.
static vmar_status_t claim_slot(uint32_t* out) {
  if (live_count >= live_limit) {
    return VMAR_ERR_NO_RESOURCES;
  }
  if (free_head != 0 &&
      (free_count >= MIN_FREE_BEFORE_REUSE || high_water == MAX_SLOTS)) {
    uint32_t idx = free_head - 1;
    free_head = slot_of(idx)->u.next_free;
    if (free_head == 0) {
      free_tail = 0;
    }
    free_count--;
    *out = idx;
    return VMAR_OK;
  }
  if (high_water == MAX_SLOTS) {
    return VMAR_ERR_NO_RESOURCES;
  }
  uint32_t idx = high_water;
  if ((idx & (CHUNK_SLOTS - 1)) == 0 && slot_of(idx) == NULL) {
    slot_t* chunk = vmar__calloc(CHUNK_SLOTS, sizeof(slot_t));
    if (chunk == NULL) {
      return VMAR_ERR_NO_MEMORY;
    }
    atomic_store_explicit(&chunks[idx >> CHUNK_SHIFT], chunk,
                          memory_order_release);
  }
  high_water++;
  *out = idx;
  return VMAR_OK;
}

static void release_slot(uint32_t idx) {
  pthread_mutex_lock(&alloc_lock);
  slot_t* s = slot_of(idx);
  s->u.next_free = 0;
  if (free_tail != 0) {
    slot_of(free_tail - 1)->u.next_free = idx + 1;
  } else {
    free_head = idx + 1;
  }
  free_tail = idx + 1;
  free_count++;
  live_count--;
  pthread_mutex_unlock(&alloc_lock);
}

static vmar_handle_t next_value(vmar_handle_t old, uint32_t idx) {
  uint32_t gen = ((old >> GEN_SHIFT) + 1u) & GEN_MASK;
  return (gen << GEN_SHIFT) | (idx << 2) | VMAR_HANDLE_FIXED_BITS_MASK;
}

vmar_status_t vmar__handle_create(vmar__object_t* o, vmar_rights_t rights,
                                  vmar_handle_t* out) {
  pthread_once(&stripes_once, init_stripes);
  uint32_t idx;
  pthread_mutex_lock(&alloc_lock);
  vmar_status_t st = claim_slot(&idx);
  if (st == VMAR_OK) {
    live_count++;
  }
  pthread_mutex_unlock(&alloc_lock);
  if (st != VMAR_OK) {
    return st;
  }
  slot_t* s = slot_of(idx);
  vmar__object_retain(o);
  pthread_mutex_lock(stripe_of(idx));
  s->value = next_value(s->value, idx);
  s->obj = o;
  s->u.rights = rights;
  *out = s->value;
  pthread_mutex_unlock(stripe_of(idx));
  return VMAR_OK;
}

// Finds the live slot of |h| and locks its stripe; NULL when |h| is not live.
static slot_t* lock_live(vmar_handle_t h, uint32_t* idx_out) {
  if ((h & VMAR_HANDLE_FIXED_BITS_MASK) != VMAR_HANDLE_FIXED_BITS_MASK) {
    return NULL;
  }
  uint32_t idx = (h >> 2) & (MAX_SLOTS - 1u);
  slot_t* s = slot_of(idx);
  if (s == NULL) {
    return NULL;
  }
  pthread_mutex_lock(stripe_of(idx));
  if (s->obj == NULL || s->value != h) {
    pthread_mutex_unlock(stripe_of(idx));
    return NULL;
  }
  *idx_out = idx;
  return s;
}

vmar_status_t vmar__handle_get(vmar_handle_t h, vmar__object_t** obj,
                               vmar_rights_t* rights) {
  uint32_t idx;
  slot_t* s = lock_live(h, &idx);
  if (s == NULL) {
    return VMAR_ERR_BAD_HANDLE;
  }
  vmar__object_retain(s->obj);
  *obj = s->obj;
  *rights = s->u.rights;
  pthread_mutex_unlock(stripe_of(idx));
  return VMAR_OK;
}

// Empties a locked live slot and unlocks it; returns the slot's object, whose
// reference now belongs to the caller.
static vmar__object_t* empty_slot(slot_t* s, uint32_t idx) {
  vmar__object_t* o = s->obj;
  s->obj = NULL;
  s->value &= ~VMAR_HANDLE_FIXED_BITS_MASK;
  pthread_mutex_unlock(stripe_of(idx));
  release_slot(idx);
  return o;
}

vmar_status_t vmar__handle_take(vmar_handle_t h, vmar__object_t** obj) {
  uint32_t idx;
  slot_t* s = lock_live(h, &idx);
  if (s == NULL) {
    return VMAR_ERR_BAD_HANDLE;
  }
  *obj = empty_slot(s, idx);
  return VMAR_OK;
}

vmar_status_t vmar__handle_replace(vmar_handle_t h, vmar_rights_t rights,
                                   vmar_rights_t add, vmar_handle_t* out) {
  uint32_t idx;
  slot_t* s = lock_live(h, &idx);
  if (s == NULL) {
    return VMAR_ERR_BAD_HANDLE;
  }
  if (!vmar__rights_subset(rights, s->u.rights) || out == NULL) {
    vmar__object_release(empty_slot(s, idx));
    return VMAR_ERR_INVALID_ARGS;
  }
  if (rights != VMAR_RIGHT_SAME_RIGHTS) {
    s->u.rights = rights;
  }
  s->u.rights |= add;
  s->value = next_value(s->value, idx);
  *out = s->value;
  pthread_mutex_unlock(stripe_of(idx));
  return VMAR_OK;
}

size_t vmar__handle_count(void) {
  pthread_mutex_lock(&alloc_lock);
  size_t n = live_count;
  pthread_mutex_unlock(&alloc_lock);
  return n;
}

size_t vmar__handle_set_limit(size_t limit) {
  pthread_mutex_lock(&alloc_lock);
  size_t old = live_limit;
  live_limit = (limit == 0 || limit > MAX_SLOTS) ? MAX_SLOTS : limit;
  pthread_mutex_unlock(&alloc_lock);
  return old;
}
