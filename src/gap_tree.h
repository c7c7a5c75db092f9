// SPDX-License-Identifier: MIT
// Placement tree: the children of one VMAR (sub-VMARs and mappings) as disjoint
// ranges in a balanced search tree keyed by base address, augmented so that
// every subtree knows its largest free gap and its total free bytes. Finding a
// spot, inserting and removing are O(log n); nothing walks the children
// linearly. Platform-neutral: it never touches memory, only numbers.

#ifndef VMAR_SRC_GAP_TREE_H_
#define VMAR_SRC_GAP_TREE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Embedded in each child object. The tree owns nothing: callers allocate and
// free nodes and find their object with container_of.
typedef struct vmar__gap_node {
  struct vmar__gap_node* left;
  struct vmar__gap_node* right;
  struct vmar__gap_node* parent;
  uintptr_t base; // first byte
  size_t size;    // bytes, > 0
  size_t gap;     // free bytes between the previous node's end (or the tree's
                  // base) and |base|
  size_t max_gap; // largest |gap| in this subtree
  size_t sum_gap; // sum of |gap| over this subtree
  int8_t height;  // AVL height of this subtree (leaf = 1)
  uint8_t kind;   // free for the owner (e.g. region or mapping)
  uint8_t spare[6];
} vmar__gap_node_t;

typedef struct vmar__gap_tree {
  vmar__gap_node_t* root;
  uintptr_t base; // the range the children live in: [base, base + size)
  size_t size;
  size_t count;
} vmar__gap_tree_t;

// pre: size > 0, base + size does not overflow.
void vmar__gap_tree_init(vmar__gap_tree_t* t, uintptr_t base, size_t size);

// Inserts |n| (base and size set by the caller).
// pre: [n->base, n->base + n->size) lies inside the tree's range and
//      overlaps no node already in the tree.
void vmar__gap_tree_insert(vmar__gap_tree_t* t, vmar__gap_node_t* n);

// Removes |n|. pre: |n| is in |t|.
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
vmar__gap_node_t* vmar__gap_tree_last(const vmar__gap_tree_t* t);
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
bool vmar__gap_tree_first_fit(const vmar__gap_tree_t* t, size_t size,
                              size_t align, uintptr_t limit, uintptr_t* out);

// Like first_fit, but picks a random spot among the candidates whose start
// is below (lowest candidate + |window|): free bytes in the window are drawn
// uniformly (via |rand|, which returns 64 uniformly random bits), the gap
// holding the drawn byte is used if the request fits there (the aligned
// candidate nearest the drawn byte is taken), and the draw is repeated a
// bounded number of times before falling back to a random candidate inside
// the lowest fitting gap. Expected O(log n). |window| == 0 means first fit.
bool vmar__gap_tree_random_fit(const vmar__gap_tree_t* t, size_t size,
                               size_t align, uintptr_t limit, size_t window,
                               uint64_t (*rand)(void* ctx), void* ctx,
                               uintptr_t* out);

// Empties the tree in O(n) without rebalancing and returns its nodes as a
// list linked through |left| (other link fields are undefined). Used to tear
// down a destroyed VMAR.
vmar__gap_node_t* vmar__gap_tree_detach_all(vmar__gap_tree_t* t);

// Checks every invariant (order, no overlap, containment, AVL balance, parent
// links and the augmented fields) in O(n). Returns false on the first
// violation. For tests and debug builds.
bool vmar__gap_tree_check(const vmar__gap_tree_t* t);

#endif // VMAR_SRC_GAP_TREE_H_
