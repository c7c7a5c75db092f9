// SPDX-License-Identifier: MIT
// Objects of the POSIX backend: VMARs (regions) and how they nest, plus the
// backend-wide state (root VMAR, page size, placement randomness).

#ifndef VMAR_SRC_POSIX_OBJECT_H_
#define VMAR_SRC_POSIX_OBJECT_H_

#include <pthread.h>

#include "gap_tree.h"
#include "handle_table.h"

// Kinds of node in a VMAR's children tree.
enum { VMAR__NODE_REGION = 1, VMAR__NODE_MAPPING = 2 };

typedef struct vmar__top vmar__top_t;

// A VMAR. Its range is node.base/node.size; it is immutable, so it can be
// read without a lock. Everything else changes only under top->lock.
typedef struct vmar__region {
  vmar__object_t obj;
  vmar__gap_node_t node;     // place among the parent's children
  vmar__gap_tree_t children; // sub-VMARs and mappings
  struct vmar__region* parent; // NULL for the root and once destroyed
  vmar__top_t* top;          // the reservation this VMAR lives in
  vmar_vm_option_t flags;    // CAN_MAP_*, CAN_MAP_SPECIFIC, COMPACT
  uint8_t state;             // VMAR__REGION_*
} vmar__region_t;

enum {
  VMAR__REGION_NOT_READY = 0,
  VMAR__REGION_ALIVE = 1,
  VMAR__REGION_DEAD = 2,
};

// A reservation: the root VMAR or a child of it, with the lock that guards it
// and every VMAR and mapping inside it. Operations in unrelated reservations
// never share a lock. Lock order: the root's lock before any other.
struct vmar__top {
  vmar__region_t region;
  pthread_mutex_t lock;
};

// Backend-wide state, set up once on first use.
typedef struct vmar__posix {
  size_t page;
  vmar__top_t* root;
  vmar_handle_t root_handle;
} vmar__posix_t;

// Returns the initialised backend state.
const vmar__posix_t* vmar__posix(void);

// Looks |h| up as a VMAR: BAD_HANDLE or WRONG_TYPE, else the region with a
// reference (drop it with vmar__object_release(&r->obj)) and the rights.
vmar_status_t vmar__region_get(vmar_handle_t h, vmar__region_t** out,
                               vmar_rights_t* rights);

// Frees a region whose last reference is gone.
void vmar__region_free(vmar__region_t* r);

// 64 random bits (thread-safe, not for cryptography).
uint64_t vmar__random(void* unused);

// Current entropy for randomised placement, in bits.
uint32_t vmar__entropy_bits(void);

// Converts an errno value from a host call to a status (one table).
vmar_status_t vmar__status_from_errno(int err);

#endif // VMAR_SRC_POSIX_OBJECT_H_
