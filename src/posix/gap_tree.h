// SPDX-License-Identifier: MIT
// Placement tree: the children of one VMAR (sub-VMARs and mappings) as disjoint
// ranges in a balanced (red-black) search tree keyed by base address,
// augmented so that every subtree knows its largest free gap. Finding a spot,
// inserting and removing are O(log n); nothing walks the children linearly.
// Platform-neutral: it never touches memory, only numbers.

#ifndef VMAR_SRC_GAP_TREE_H_
#define VMAR_SRC_GAP_TREE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Embedded in each child object. The tree owns nothing: callers allocate and
// free nodes and find their object with container_of.
//
// |parent_bits| packs three things into one word; use the accessors below
// instead of touching it:
//   bits 3..  the parent node (nodes are at least 8-byte aligned),
//   bits 1-2  the owner's kind (0..3), kept by every tree operation,
//   bit 0     the red-black colour (tree-internal).
// On a node that is in no tree, |left|, |right| and the parent part of
// |parent_bits| (via vmar__gap_node_link_next / set_link_next) are free for
// the owner to use as links.
typedef struct vmar__gap_node {
  // _Alignas: three low bits of a node's address must be zero, also on
  // 32-bit hosts whose pointers only need 4-byte alignment.
  _Alignas(8) struct vmar__gap_node* left;
  struct vmar__gap_node* right;
  uintptr_t parent_bits;
  uintptr_t base; // first byte
  size_t size;    // bytes, > 0
  size_t gap;     // free bytes between the previous node's end (or the tree's
                  // base) and |base|
  size_t max_gap; // largest |gap| in this subtree
} vmar__gap_node_t;

#define VMAR__GAP_NODE_COLOR_BIT ((uintptr_t)1)
#define VMAR__GAP_NODE_KIND_SHIFT 1
#define VMAR__GAP_NODE_KIND_MASK ((uintptr_t)6)
#define VMAR__GAP_NODE_PTR_MASK (~(uintptr_t)7)

_Static_assert(_Alignof(vmar__gap_node_t) >= 8,
               "gap nodes need three free low address bits");
#if UINTPTR_MAX > 0xFFFFFFFFu
_Static_assert(sizeof(vmar__gap_node_t) == 7 * sizeof(void*),
               "vmar__gap_node_t must stay 56 bytes on 64-bit hosts");
#endif

// The owner's tag (0..3). Survives insert, remove, rebalancing, detach_all
// and set_link_next.
static inline unsigned vmar__gap_node_kind(const vmar__gap_node_t* n) {
  return (unsigned)((n->parent_bits & VMAR__GAP_NODE_KIND_MASK) >>
                    VMAR__GAP_NODE_KIND_SHIFT);
}

// pre: kind <= 3.
static inline void vmar__gap_node_set_kind(vmar__gap_node_t* n, unsigned kind) {
  n->parent_bits = (n->parent_bits & ~VMAR__GAP_NODE_KIND_MASK) |
                   (((uintptr_t)kind << VMAR__GAP_NODE_KIND_SHIFT) &
                    VMAR__GAP_NODE_KIND_MASK);
}

// The parent of a node in a tree (NULL for the root).
static inline vmar__gap_node_t*
vmar__gap_node_parent(const vmar__gap_node_t* n) {
  return (vmar__gap_node_t*)(n->parent_bits & VMAR__GAP_NODE_PTR_MASK);
}

// A free link through the parent word, for nodes in no tree only (removed,
// detached or never inserted). set_link_next keeps the kind.
static inline vmar__gap_node_t*
vmar__gap_node_link_next(const vmar__gap_node_t* n) {
  return vmar__gap_node_parent(n);
}

static inline void vmar__gap_node_set_link_next(vmar__gap_node_t* n,
                                                vmar__gap_node_t* next) {
  n->parent_bits =
      (n->parent_bits & VMAR__GAP_NODE_KIND_MASK) | (uintptr_t)next;
}

// The tree's range is [owner->base, owner->base + owner->size): the node of
// the object whose children the tree holds. It is only read, never linked.
// A tree covers the range of its owner: the node stored right before it in
// memory (a VMAR's own node, followed by the tree of its children). Keeping
// no pointer to it keeps a child VMAR in 104 bytes.
typedef struct vmar__gap_tree {
  vmar__gap_node_t* root;
  vmar__gap_node_t* last; // the highest node: appending, and finding the
                          // most recent child of a compact VMAR, are O(1)
} vmar__gap_tree_t;

_Static_assert(sizeof(vmar__gap_tree_t) == 2 * sizeof(void*),
               "vmar__gap_tree_t must stay two pointers");
_Static_assert(sizeof(vmar__gap_node_t) % _Alignof(vmar__gap_tree_t) == 0,
               "a tree can follow its owner's node without padding");

// The node whose range |t| covers: the one right before it.
static inline const vmar__gap_node_t*
vmar__gap_tree_owner(const vmar__gap_tree_t* t) {
  return (const vmar__gap_node_t*)(const void*)((const char*)t -
                                                sizeof(vmar__gap_node_t));
}

// pre: |owner| is the node right before |t| in memory (owner + 1 == t);
//      its base and size are set and never change while the tree is in
//      use; owner->size > 0; owner->base + owner->size does not overflow.
static inline void vmar__gap_tree_init(vmar__gap_tree_t* t,
                                       const vmar__gap_node_t* owner) {
  (void)owner; // found from |t|
  t->root = NULL;
  t->last = NULL;
}

// Inserts |n| (base and size set by the caller; its kind is kept).
// pre: [n->base, n->base + n->size) lies inside the tree's range and
//      overlaps no node already in the tree.
void vmar__gap_tree_insert(vmar__gap_tree_t* t, vmar__gap_node_t* n);

// Where a placement found room: the node the spot lies before, or none (the
// spot follows |last|, which may be NULL in an empty tree). Valid until the
// tree changes; saves vmar__gap_tree_insert_at its descent.
typedef struct vmar__gap_pos {
  vmar__gap_node_t* succ;
  vmar__gap_node_t* last;
} vmar__gap_pos_t;

// As vmar__gap_tree_insert, for a node placed by first_fit or random_fit:
// |pos| is what the placement reported and nothing changed in the tree
// since. O(1) amortised before rebalancing.
void vmar__gap_tree_insert_at(vmar__gap_tree_t* t, vmar__gap_node_t* n,
                              const vmar__gap_pos_t* pos);

// Removes |n| (its kind is kept; its links are cleared).
// pre: |n| is in |t|.
void vmar__gap_tree_remove(vmar__gap_tree_t* t, vmar__gap_node_t* n);

// The node whose range contains |addr|, or NULL.
vmar__gap_node_t* vmar__gap_tree_find(const vmar__gap_tree_t* t,
                                      uintptr_t addr);

// The lowest node whose end is above |addr| (the first node that contains or
// follows |addr|), or NULL.
vmar__gap_node_t* vmar__gap_tree_lower_bound(const vmar__gap_tree_t* t,
                                             uintptr_t addr);

// In-order iteration; NULL at either end.
vmar__gap_node_t* vmar__gap_tree_first(const vmar__gap_tree_t* t);
static inline vmar__gap_node_t* vmar__gap_tree_last(const vmar__gap_tree_t* t) {
  return t->last;
}
vmar__gap_node_t* vmar__gap_tree_next(const vmar__gap_node_t* n);
vmar__gap_node_t* vmar__gap_tree_prev(const vmar__gap_node_t* n);

// True when no node overlaps [base, base + size).
// pre: size > 0, base + size does not overflow.
bool vmar__gap_tree_range_free(const vmar__gap_tree_t* t, uintptr_t base,
                               size_t size);

// Finds the lowest address a such that a is a multiple of |align|,
// [a, a + size) is free, inside the tree's range, and a + size <= |limit|
// (pass UINTPTR_MAX for no limit). Returns false when there is none.
// pre: size > 0; align is a power of two.
// |pos| (may be NULL) receives where the spot is, for insert_at.
bool vmar__gap_tree_first_fit(const vmar__gap_tree_t* t, size_t size,
                              size_t align, uintptr_t limit, uintptr_t* out,
                              vmar__gap_pos_t* pos);

// Like first_fit, but picks a random spot among the candidates (legal aligned
// starts) below lo + |window|, lo being the first-fit result. One draw from
// |rand| (which returns 64 uniformly random bits) picks an address r
// uniformly among the starts that could still fit, [lo, min(lo + window,
// E - size + 1)) with E = min(limit, end of the tree's range); r is rounded
// down to |align| and the first candidate at or after it is taken if it lies
// in the window. So the distribution is not uniform over candidates:
// candidates |align| apart inside one gap are equally likely, but the first
// candidate after a stretch that cannot hold the request (a node, or gaps
// too small or misaligned) also collects every draw that landed in that
// stretch. When no candidate follows r inside the window and the limit, a
// second draw picks a uniformly random candidate inside the gap holding lo
// (still inside the window). Expected O(log n), like first_fit.
// |window| == 0 (or |rand| == NULL) means first fit, without calling |rand|.
// |pos| (may be NULL) receives where the spot is, for insert_at.
bool vmar__gap_tree_random_fit(const vmar__gap_tree_t* t, size_t size,
                               size_t align, uintptr_t limit, size_t window,
                               uint64_t (*rand)(void* ctx), void* ctx,
                               uintptr_t* out, vmar__gap_pos_t* pos);

// Empties the tree in O(n) without rebalancing and returns its nodes as a
// list linked through |left| (|right| is undefined, the parent link is NULL,
// the kind is kept). Used to tear down a destroyed VMAR.
vmar__gap_node_t* vmar__gap_tree_detach_all(vmar__gap_tree_t* t);

// Checks every invariant (order, no overlap, containment, red-black colours
// and black heights, parent links and the augmented fields) in O(n). Returns
// false on the first violation. For tests and debug builds.
bool vmar__gap_tree_check(const vmar__gap_tree_t* t);

#endif // VMAR_SRC_GAP_TREE_H_
