// SPDX-License-Identifier: MIT
// What the calls on mapped ranges share (map, unmap, protect, op_range,
// get_maps and the user-buffer checks): the locks a range needs, a walk over
// a range at every depth, and the edits that cut, split and merge mapping
// pieces in the placement trees. Private to src/posix.

#ifndef VMAR_SRC_POSIX_RANGE_H_
#define VMAR_SRC_POSIX_RANGE_H_

#include "internal.h"

// ---- Nodes ----

static inline bool vmar__is_mapping(const vmar__gap_node_t* n) {
  return vmar__gap_node_kind(n) == VMAR__NODE_MAPPING;
}

static inline vmar__mapping_t* vmar__as_mapping(vmar__gap_node_t* n) {
  return VMAR__CONTAINER_OF(n, vmar__mapping_t, node);
}

static inline vmar__region_t* vmar__as_region(vmar__gap_node_t* n) {
  return VMAR__CONTAINER_OF(n, vmar__region_t, node);
}

static inline uintptr_t vmar__end_of(const vmar__gap_node_t* n) {
  return n->base + n->size;
}

// ---- Page ranges ----

// The page range unmap, protect and op_range act on: [addr, addr + len
// rounded up to pages). A range running past the end of the address space
// comes back as [addr, UINTPTR_MAX) with |wraps| set: it is "not inside the
// VMAR", which Zircon reports only after its BAD_STATE check.
typedef struct vmar__page_range {
  uintptr_t a, b;
  bool wraps;
} vmar__page_range_t;

// False when |len| rounds to 0 or overflows.
static inline bool vmar__page_range(uintptr_t addr, size_t len, size_t page,
                                    vmar__page_range_t* out) {
  uint64_t rlen = 0;
  if (!vmar__round_up(len, page, &rlen) || rlen == 0) {
    return false;
  }
  out->wraps = rlen > UINTPTR_MAX - addr;
  out->a = addr;
  out->b = out->wraps ? UINTPTR_MAX : addr + (uintptr_t)rlen;
  return true;
}

// The first checks of unmap and protect under the lock: BAD_STATE once |r|
// is destroyed, INVALID_ARGS when the range does not lie inside it.
static inline vmar_status_t vmar__range_check(const vmar__region_t* r,
                                              const vmar__page_range_t* pr) {
  if (!vmar__region_alive(r)) {
    return VMAR_ERR_BAD_STATE;
  }
  const bool inside =
      !pr->wraps && pr->a >= r->node.base && pr->b <= vmar__end_of(&r->node);
  return inside ? VMAR_OK : VMAR_ERR_INVALID_ARGS;
}

// ---- Locking a range ----
//
// A call on a VMAR inside a reservation takes the reservation's lock. A call
// on the root that reaches into reservations also takes theirs, in address
// order after the root's (no other path takes two reservation locks).

typedef struct vmar__lockset {
  vmar__region_t* region;
  vmar__top_t** tops; // NULL: only region's reservation is locked
  size_t n;
  size_t cap;
  vmar__top_t* small[8];
} vmar__lockset_t;

vmar_status_t vmar__lock_range_in_root(vmar__region_t* r, uintptr_t a,
                                       uintptr_t b, vmar__lockset_t* ls);
void vmar__unlock_range_slow(vmar__lockset_t* ls);

// Locks what an operation on [a, b) of |r| needs. NO_MEMORY (nothing locked)
// when the list of reservations cannot grow. Inside a reservation it is its
// lock alone (inline: every call on a mapping takes it).
static inline vmar_status_t vmar__lock_range(vmar__region_t* r, uintptr_t a,
                                             uintptr_t b, vmar__lockset_t* ls) {
  ls->region = r;
  if (r != vmar__root_region() || a >= b) {
    ls->n = 0;
    ls->tops = NULL;
    vmar__lock(&r->top->lock);
    return VMAR_OK;
  }
  return vmar__lock_range_in_root(r, a, b, ls);
}

static inline void vmar__unlock_range(vmar__lockset_t* ls) {
  if (ls->tops == NULL) {
    vmar__unlock(&ls->region->top->lock);
  } else {
    vmar__unlock_range_slow(ls);
  }
}

// ---- Walking a range at every depth ----
//
// Depth-first, in address order, over the descendants of |r| that meet
// [a, b): a sub-VMAR comes before its contents. No recursion and no stack:
// every node knows the VMAR that holds it. Called with the locks held.

typedef struct vmar__walk {
  vmar__region_t* r;
  uintptr_t a, b;
  size_t depth; // 1 for direct children of r
} vmar__walk_t;

vmar__gap_node_t* vmar__walk_first(vmar__walk_t* w, vmar__region_t* r,
                                   uintptr_t a, uintptr_t b);
// As vmar__walk_first, with |first| the lower bound of |a| in r's children,
// already looked up.
vmar__gap_node_t* vmar__walk_from(vmar__walk_t* w, vmar__region_t* r,
                                  vmar__gap_node_t* first, uintptr_t a,
                                  uintptr_t b);
vmar__gap_node_t* vmar__walk_next(vmar__walk_t* w, vmar__gap_node_t* n);

// ---- Editing mapping pieces ----
//
// A mapping whose pages carry different permissions is stored as adjacent
// pieces sharing an id. These edits only change the trees; the host was
// asked first.

// Makes |piece| (spare memory) a copy of |m| covering [base, base + size) of
// m's range and inserts it next to |m|. The copy holds its own VMO reference.
void vmar__piece_add(vmar__mapping_t* m, vmar__mapping_t* piece, uintptr_t base,
                     size_t size);

// Moves |m| to [base, base + size), a part of its range.
void vmar__piece_trim(vmar__mapping_t* m, uintptr_t base, size_t size);

// Removes [a, b) from the direct children of |r|: mappings are trimmed,
// split (taking |*spare|, which the caller allocated if a split is needed) or
// removed, sub-VMARs (entirely inside, checked by the caller) killed. What
// must be dropped goes to |g|. |first| is the lower bound of |a| in r's
// children.
void vmar__cut_range(vmar__region_t* r, vmar__gap_node_t* first, uintptr_t a,
                     uintptr_t b, vmar__mapping_t** spare,
                     vmar__graveyard_t* g);

// Merges equal neighbouring pieces in [a, b) and at its edges, at every
// depth, so protection ranges coalesce as on Zircon.
void vmar__coalesce(vmar__region_t* r, uintptr_t a, uintptr_t b,
                    vmar__graveyard_t* g);

// ---- Giving a range back to its reservation ----

// Makes the host memory of [a, b) inside |r| (a VMAR within a reservation)
// reserved again: what is mapped there at any depth is gone and can never
// be touched. Only the span from the first to the last mapped byte is laid
// over, so edges in free space split nothing. Returns 0 or an errno value;
// on failure the host is as it was. The trees are the caller's to change.
// |from| is the lower bound of |a| in r's children.
int vmar__clear_range(vmar__region_t* r, vmar__gap_node_t* from, uintptr_t a,
                      uintptr_t b);

// The second half of vmar__clear_range, for a caller that laid the
// reservation over [lo, hi) itself, |last| being the last backed piece in
// it: |err| is what the host said. On success the retired spans of |t| get
// their reservation too; at the host's mapping limit the pieces are retired
// instead. Returns 0 or an errno value.
int vmar__cleared(vmar__top_t* t, uintptr_t lo, uintptr_t hi,
                  const vmar__mapping_t* last, int err);

#endif // VMAR_SRC_POSIX_RANGE_H_
