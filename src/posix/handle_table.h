// SPDX-License-Identifier: MIT
// The handle table of the POSIX backend, and the header every object a handle
// can name starts with. A handle is a 32-bit value naming a slot, a
// generation and the two fixed low bits; stale, forged and out-of-range
// values are recognised and never dereferenced blindly. Each live handle
// holds one reference on its object. The table only takes references; the
// object layer (object.c) drops them and frees objects.

#ifndef VMAR_SRC_POSIX_HANDLE_TABLE_H_
#define VMAR_SRC_POSIX_HANDLE_TABLE_H_

#include "base/util.h"

// Common header of every object a handle can name: 16 bytes, the last two
// fields free for the object's type to use.
typedef struct vmar__object {
  union {
    vmar_koid_t koid;
    struct vmar__object* next_retired; // once dead (reclaim.c)
  };
  vmar__refcount_t refs;
  uint8_t type;   // VMAR_OBJ_TYPE_*
  uint8_t state;  // meaning per type
  uint16_t flags; // meaning per type
} vmar__object_t;

static inline void vmar__object_retain(vmar__object_t* o) {
  vmar__ref_acquire(&o->refs);
}

// Frees the memory of an object that died and that no lookup can reach any
// more (defined by the object layer, called by reclamation: reclaim.h).
void vmar__object_dispose(vmar__object_t* o);

// Creates a handle to |o| with |rights|, taking a new reference on |o|.
// VMAR_ERR_NO_RESOURCES when the table is full.
vmar_status_t vmar__handle_create(vmar__object_t* o, vmar_rights_t rights,
                                  vmar_handle_t* out);

// Looks |h| up and returns its object with a reference the caller must drop
// with vmar__object_release, and the handle's rights.
// VMAR_ERR_BAD_HANDLE for anything that is not a live handle.
vmar_status_t vmar__handle_get(vmar_handle_t h, vmar__object_t** obj,
                               vmar_rights_t* rights);

// The table's slots, for lookups inlined into the calls (handle_table.c
// owns them). Value layout: | generation (10) | slot index (20) | 1 1 |.
#define VMAR__HANDLE_IDX_BITS 20u
#define VMAR__HANDLE_CHUNK_SHIFT 10u
#define VMAR__HANDLE_NUM_CHUNKS                                                \
  ((1u << VMAR__HANDLE_IDX_BITS) >> VMAR__HANDLE_CHUNK_SHIFT)

// 16 bytes: a live slot needs its rights, a free one its list link. Written
// under its stripe's lock, read by lookups without it.
typedef struct vmar__handle_slot {
  _Atomic(vmar__object_t*) obj; // NULL when free
  _Atomic vmar_handle_t value;  // live: the handle; free: the last value,
                                // low bits 0
  _Atomic uint32_t aux;         // live: the rights; free: the next free
                                // slot's index + 1, 0 ends the list
} vmar__handle_slot_t;
_Static_assert(sizeof(vmar__handle_slot_t) <= 16,
               "a handle slot must stay small");

// Chunks of slots, created on demand and never moved or freed.
extern _Atomic(vmar__handle_slot_t*)
    vmar__handle_chunks[VMAR__HANDLE_NUM_CHUNKS];

// Looks |h| up inside the caller's open read section (reclaim.h) and
// returns its object without taking a reference, and the handle's rights.
// The object's memory stays until the section ends, but it may die
// meanwhile (its last reference dropped by a close): a caller that needs
// more than its memory takes a reference with vmar__ref_try_acquire, which
// fails on a dying object. VMAR_ERR_BAD_HANDLE for anything that is not a
// live handle. Inline: every call on a mapping starts here.
static inline vmar_status_t vmar__handle_borrow(vmar_handle_t h,
                                                vmar__object_t** obj,
                                                vmar_rights_t* rights) {
  if ((h & VMAR_HANDLE_FIXED_BITS_MASK) != VMAR_HANDLE_FIXED_BITS_MASK) {
    return VMAR_ERR_BAD_HANDLE;
  }
  const uint32_t idx = (h >> 2) & ((1u << VMAR__HANDLE_IDX_BITS) - 1u);
  vmar__handle_slot_t* chunk = atomic_load_explicit(
      &vmar__handle_chunks[idx >> VMAR__HANDLE_CHUNK_SHIFT],
      memory_order_acquire);
  if (chunk == NULL) {
    return VMAR_ERR_BAD_HANDLE;
  }
  vmar__handle_slot_t* slot =
      &chunk[idx & ((1u << VMAR__HANDLE_CHUNK_SHIFT) - 1u)];
  if (atomic_load(&slot->value) != h) {
    return VMAR_ERR_BAD_HANDLE;
  }
  vmar__object_t* o = atomic_load(&slot->obj);
  const vmar_rights_t r = atomic_load(&slot->aux);
  // Still |h|: |o| and |r| belong to it (every change of a live slot's
  // object or rights changes its value), and the handle held a reference
  // then.
  if (o == NULL || atomic_load(&slot->value) != h) {
    return VMAR_ERR_BAD_HANDLE;
  }
  *obj = o;
  *rights = r;
  return VMAR_OK;
}

// Removes |h| from the table; its reference passes to the caller in |*obj|.
vmar_status_t vmar__handle_take(vmar_handle_t h, vmar__object_t** obj);

// As zx_handle_replace: |h| becomes a new value in the same slot carrying
// |rights| (SAME_RIGHTS or a subset) plus |add|, so it never runs out of
// slots. When |rights| is not a subset, or |out| is NULL, |h| is closed all
// the same and VMAR_ERR_INVALID_ARGS returned; the reference the handle held
// then passes to the caller in |*dropped| (NULL otherwise).
vmar_status_t vmar__handle_replace(vmar_handle_t h, vmar_rights_t rights,
                                   vmar_rights_t add, vmar_handle_t* out,
                                   vmar__object_t** dropped);

// Number of live handles (for leak checks in tests).
size_t vmar__handle_count(void);

// Caps the number of live handles (tests use small caps to reach the limit).
// 0 restores the default. Returns the previous cap.
size_t vmar__handle_set_limit(size_t limit);

// True when |requested| is SAME_RIGHTS or a subset of |have|.
static inline bool vmar__rights_subset(vmar_rights_t requested,
                                       vmar_rights_t have) {
  return requested == VMAR_RIGHT_SAME_RIGHTS || (requested & ~have) == 0;
}

#endif // VMAR_SRC_POSIX_HANDLE_TABLE_H_
