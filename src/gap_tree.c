// SPDX-License-Identifier: MIT
// Placement tree: an AVL tree keyed by base address whose nodes also carry the
// free gap in front of them, plus the max and sum of those gaps per subtree.

#include "gap_tree.h"

typedef vmar__gap_node_t node_t;
typedef vmar__gap_tree_t tree_t;

// An AVL tree of 2^64 nodes is shorter than 93 levels, so anything deeper
// than this is a corrupted (or cyclic) tree, not a big one.
#define MAX_DEPTH 100

// The draw in random_fit is retried this many times before it settles for a
// spot in the lowest fitting gap; it bounds the expected work per call.
#define RANDOM_ATTEMPTS 16

// ---------------------------------------------------------------------------
// Arithmetic. Callers pass sizes and alignments straight from users, so every
// sum that could wrap is checked.

static uintptr_t sat_add(uintptr_t a, size_t b) {
  return a > UINTPTR_MAX - b ? UINTPTR_MAX : a + b;
}

static uintptr_t align_down(uintptr_t x, size_t align) {
  return x & ~((uintptr_t)align - 1);
}

// False when rounding up would run past the top of the address space.
static bool align_up(uintptr_t x, size_t align, uintptr_t* out) {
  uintptr_t mask = (uintptr_t)align - 1;
  if (x > UINTPTR_MAX - mask)
    return false;
  *out = (x + mask) & ~mask;
  return true;
}

static uintptr_t end_of(const node_t* n) { return n->base + n->size; }

static uintptr_t tree_end(const tree_t* t) { return t->base + t->size; }

// ---------------------------------------------------------------------------
// Augmentation and rebalancing.

static int height(const node_t* n) { return n ? n->height : 0; }

static size_t max_gap(const node_t* n) { return n ? n->max_gap : 0; }

static size_t sum_gap(const node_t* n) { return n ? n->sum_gap : 0; }

static void update(node_t* n) {
  int hl = height(n->left);
  int hr = height(n->right);
  n->height = (int8_t)(1 + (hl > hr ? hl : hr));
  size_t m = n->gap;
  if (max_gap(n->left) > m)
    m = max_gap(n->left);
  if (max_gap(n->right) > m)
    m = max_gap(n->right);
  n->max_gap = m;
  n->sum_gap = n->gap + sum_gap(n->left) + sum_gap(n->right);
}

// Points whatever referred to |old| (its parent or the root) at |with|.
static void replace(tree_t* t, node_t* parent, node_t* old, node_t* with) {
  if (!parent)
    t->root = with;
  else if (parent->left == old)
    parent->left = with;
  else
    parent->right = with;
}

static node_t* rotate_left(tree_t* t, node_t* x) {
  node_t* y = x->right;
  x->right = y->left;
  if (y->left)
    y->left->parent = x;
  y->parent = x->parent;
  replace(t, x->parent, x, y);
  y->left = x;
  x->parent = y;
  update(x);
  update(y);
  return y;
}

static node_t* rotate_right(tree_t* t, node_t* x) {
  node_t* y = x->left;
  x->left = y->right;
  if (y->right)
    y->right->parent = x;
  y->parent = x->parent;
  replace(t, x->parent, x, y);
  y->right = x;
  x->parent = y;
  update(x);
  update(y);
  return y;
}

// Re-augments |x| and restores its balance; returns the subtree's new root.
static node_t* rebalance(tree_t* t, node_t* x) {
  update(x);
  int bal = height(x->left) - height(x->right);
  if (bal > 1) {
    if (height(x->left->left) < height(x->left->right))
      rotate_left(t, x->left);
    return rotate_right(t, x);
  }
  if (bal < -1) {
    if (height(x->right->right) < height(x->right->left))
      rotate_right(t, x->right);
    return rotate_left(t, x);
  }
  return x;
}

// Always walks to the root, not just until heights settle: every gap change
// alters sum_gap (and possibly max_gap) of all ancestors.
static void retrace(tree_t* t, node_t* x) {
  while (x) {
    x = rebalance(t, x);
    x = x->parent;
  }
}

static void reaugment(node_t* x) {
  for (; x; x = x->parent)
    update(x);
}

// ---------------------------------------------------------------------------
// Basic operations.

void vmar__gap_tree_init(vmar__gap_tree_t* t, uintptr_t base, size_t size) {
  t->root = NULL;
  t->base = base;
  t->size = size;
  t->count = 0;
}

void vmar__gap_tree_insert(vmar__gap_tree_t* t, vmar__gap_node_t* n) {
  node_t* parent = NULL;
  node_t* pred = NULL;
  node_t* succ = NULL;
  node_t** link = &t->root;
  while (*link) {
    parent = *link;
    if (n->base < parent->base) {
      succ = parent;
      link = &parent->left;
    } else {
      pred = parent;
      link = &parent->right;
    }
  }
  n->left = NULL;
  n->right = NULL;
  n->parent = parent;
  n->gap = n->base - (pred ? end_of(pred) : t->base);
  *link = n;
  // A new leaf's successor is always one of its ancestors, so the retrace
  // below re-augments it after its gap shrinks.
  if (succ)
    succ->gap = succ->base - end_of(n);
  t->count++;
  retrace(t, n);
}

void vmar__gap_tree_remove(vmar__gap_tree_t* t, vmar__gap_node_t* n) {
  node_t* pred = vmar__gap_tree_prev(n);
  node_t* succ = vmar__gap_tree_next(n);
  if (succ) {
    // The successor absorbs |n| and its gap. Fixing the augmentation now,
    // while the shape is intact, leaves only the spliced path stale.
    succ->gap = succ->base - (pred ? end_of(pred) : t->base);
    reaugment(succ);
  }

  node_t* start;
  if (n->left && n->right) {
    // |succ| is the minimum of the right subtree; it takes |n|'s place.
    if (succ->parent == n) {
      start = succ;
    } else {
      start = succ->parent;
      start->left = succ->right;
      if (succ->right)
        succ->right->parent = start;
      succ->right = n->right;
      n->right->parent = succ;
    }
    succ->left = n->left;
    n->left->parent = succ;
    succ->parent = n->parent;
    replace(t, n->parent, n, succ);
  } else {
    node_t* child = n->left ? n->left : n->right;
    if (child)
      child->parent = n->parent;
    replace(t, n->parent, n, child);
    start = n->parent;
  }
  retrace(t, start);
  t->count--;
  n->left = NULL;
  n->right = NULL;
  n->parent = NULL;
}

vmar__gap_node_t* vmar__gap_tree_find(const vmar__gap_tree_t* t,
                                      uintptr_t addr) {
  node_t* x = t->root;
  while (x) {
    if (addr < x->base)
      x = x->left;
    else if (addr - x->base < x->size)
      return x;
    else
      x = x->right;
  }
  return NULL;
}

vmar__gap_node_t* vmar__gap_tree_lower_bound(const vmar__gap_tree_t* t,
                                             uintptr_t addr) {
  node_t* best = NULL;
  node_t* x = t->root;
  while (x) {
    // Ends are ordered like bases because nodes are disjoint.
    if (x->base > addr || addr - x->base < x->size) {
      best = x;
      x = x->left;
    } else {
      x = x->right;
    }
  }
  return best;
}

vmar__gap_node_t* vmar__gap_tree_first(const vmar__gap_tree_t* t) {
  node_t* x = t->root;
  if (x)
    while (x->left)
      x = x->left;
  return x;
}

vmar__gap_node_t* vmar__gap_tree_last(const vmar__gap_tree_t* t) {
  node_t* x = t->root;
  if (x)
    while (x->right)
      x = x->right;
  return x;
}

vmar__gap_node_t* vmar__gap_tree_next(const vmar__gap_node_t* n) {
  if (n->right) {
    node_t* x = n->right;
    while (x->left)
      x = x->left;
    return x;
  }
  while (n->parent && n->parent->right == n)
    n = n->parent;
  return n->parent;
}

vmar__gap_node_t* vmar__gap_tree_prev(const vmar__gap_node_t* n) {
  if (n->left) {
    node_t* x = n->left;
    while (x->right)
      x = x->right;
    return x;
  }
  while (n->parent && n->parent->left == n)
    n = n->parent;
  return n->parent;
}

bool vmar__gap_tree_range_free(const vmar__gap_tree_t* t, uintptr_t base,
                               size_t size) {
  const node_t* n = vmar__gap_tree_lower_bound(t, base);
  // |n| either contains |base| (base <= n->base fails) or follows it.
  return !n || (n->base >= base && n->base - base >= size);
}

// ---------------------------------------------------------------------------
// Placement.

// Lowest aligned a with [a, a + size) inside [gs, min(ge, limit)).
static bool fit_in(uintptr_t gs, uintptr_t ge, size_t size, size_t align,
                   uintptr_t limit, uintptr_t* out) {
  if (ge > limit)
    ge = limit;
  if (gs >= ge || ge - gs < size)
    return false;
  uintptr_t a;
  if (!align_up(gs, align, &a) || a > ge || ge - a < size)
    return false;
  *out = a;
  return true;
}

// Lowest node of the subtree whose gap is >= size. pre: x->max_gap >= size.
static const node_t* first_cand(const node_t* x, size_t size) {
  for (;;) {
    if (max_gap(x->left) >= size)
      x = x->left;
    else if (x->gap >= size)
      return x;
    else
      x = x->right;
  }
}

// The in-order next node after |x| whose gap is >= size, skipping subtrees
// whose max_gap rules them out.
static const node_t* next_cand(const node_t* x, size_t size) {
  if (max_gap(x->right) >= size)
    return first_cand(x->right, size);
  for (; x->parent; x = x->parent) {
    const node_t* p = x->parent;
    if (p->left == x) {
      if (p->gap >= size)
        return p;
      if (max_gap(p->right) >= size)
        return first_cand(p->right, size);
    }
  }
  return NULL;
}

// First fit that also reports the gap [*gs, *ge) holding the result.
static bool first_fit(const tree_t* t, size_t size, size_t align,
                      uintptr_t limit, uintptr_t* out, uintptr_t* gs,
                      uintptr_t* ge) {
  if (size == 0 || size > t->size)
    return false;
  const node_t* x = NULL;
  if (t->root && t->root->max_gap >= size)
    x = first_cand(t->root, size);
  for (; x; x = next_cand(x, size)) {
    uintptr_t start = x->base - x->gap;
    // Gaps only move up from here, so once one starts too close to the
    // limit no later gap (nor the tail) can do better.
    if (start > limit || limit - start < size)
      return false;
    if (fit_in(start, x->base, size, align, limit, out)) {
      *gs = start;
      *ge = x->base;
      return true;
    }
  }
  const node_t* last = vmar__gap_tree_last(t);
  uintptr_t start = last ? end_of(last) : t->base;
  if (fit_in(start, tree_end(t), size, align, limit, out)) {
    *gs = start;
    *ge = tree_end(t);
    return true;
  }
  return false;
}

bool vmar__gap_tree_first_fit(const vmar__gap_tree_t* t, size_t size,
                              size_t align, uintptr_t limit, uintptr_t* out) {
  uintptr_t gs, ge;
  return first_fit(t, size, align, limit, out, &gs, &ge);
}

// Free bytes in [t->base, x). pre: t->base <= x <= tree end.
static size_t free_below(const tree_t* t, uintptr_t x) {
  size_t acc = 0;
  const node_t* pred = NULL; // last node with base <= x
  const node_t* n = t->root;
  while (n) {
    if (n->base <= x) {
      acc += sum_gap(n->left) + n->gap;
      pred = n;
      n = n->right;
    } else {
      n = n->left;
    }
  }
  // Whatever follows |pred| (the next node's gap or the tail) starts at its
  // end and reaches past x, so only the part below x counts.
  uintptr_t start = pred ? end_of(pred) : t->base;
  if (x > start)
    acc += x - start;
  return acc;
}

// Finds the free byte with index |k| (counting free bytes from the tree's
// base) and the gap [*gs, *ge) holding it. pre: k < total free bytes.
static uintptr_t locate(const tree_t* t, size_t k, uintptr_t* gs,
                        uintptr_t* ge) {
  const node_t* pred = NULL; // last node passed on the right
  const node_t* n = t->root;
  while (n) {
    size_t l = sum_gap(n->left);
    if (k < l) {
      n = n->left;
    } else if (k - l < n->gap) {
      *gs = n->base - n->gap;
      *ge = n->base;
      return *gs + (k - l);
    } else {
      k -= l + n->gap;
      pred = n;
      n = n->right;
    }
  }
  // Past every stored gap: the byte is in the tail, behind the last node.
  *gs = pred ? end_of(pred) : t->base;
  *ge = tree_end(t);
  return *gs + k;
}

bool vmar__gap_tree_random_fit(const vmar__gap_tree_t* t, size_t size,
                               size_t align, uintptr_t limit, size_t window,
                               uint64_t (*rand)(void* ctx), void* ctx,
                               uintptr_t* out) {
  uintptr_t lo, lo_gs, lo_ge;
  if (!first_fit(t, size, align, limit, &lo, &lo_gs, &lo_ge))
    return false;
  if (window == 0 || !rand) {
    *out = lo;
    return true;
  }

  uintptr_t hi = sat_add(lo, window);
  if (hi > limit)
    hi = limit;
  if (hi > tree_end(t))
    hi = tree_end(t);
  size_t below = free_below(t, lo);
  size_t nfree = free_below(t, hi) - below;

  for (int i = 0; i < RANDOM_ATTEMPTS && nfree > 0; i++) {
    size_t k = below + (size_t)(rand(ctx) % nfree);
    uintptr_t gs, ge;
    uintptr_t byte = locate(t, k, &gs, &ge);
    if (ge > limit)
      ge = limit;
    if (ge <= gs || ge - gs < size)
      continue;
    uintptr_t first;
    if (!align_up(gs, align, &first))
      continue;
    uintptr_t last = align_down(ge - size, align);
    if (first > last)
      continue;
    uintptr_t a = align_down(byte, align);
    if (a < first)
      a = first;
    if (a > last)
      a = last;
    // The clamp may push a spot out of the window; the window is a promise.
    if (a < lo || a - lo >= window)
      continue;
    *out = a;
    return true;
  }

  // The window is mostly gaps too small for the request: pick among the
  // candidates in the lowest fitting gap, which exist by construction.
  if (lo_ge > limit)
    lo_ge = limit;
  uintptr_t last = align_down(lo_ge - size, align);
  size_t count = (last - lo) / align + 1;
  size_t in_window = (window - 1) / align + 1;
  if (count > in_window)
    count = in_window;
  *out = lo + (uintptr_t)align * (uintptr_t)(rand(ctx) % count);
  return true;
}

// ---------------------------------------------------------------------------
// Teardown and validation.

vmar__gap_node_t* vmar__gap_tree_detach_all(vmar__gap_tree_t* t) {
  node_t* list = NULL;
  node_t* x = t->root;
  // Post-order walk that unhooks each leaf from its parent, so every node
  // becomes a leaf in turn and the walk needs no stack.
  while (x) {
    if (x->left) {
      x = x->left;
    } else if (x->right) {
      x = x->right;
    } else {
      node_t* p = x->parent;
      if (p) {
        if (p->left == x)
          p->left = NULL;
        else
          p->right = NULL;
      }
      x->left = list;
      list = x;
      x = p;
    }
  }
  t->root = NULL;
  t->count = 0;
  return list;
}

typedef struct check_state {
  const tree_t* t;
  uintptr_t prev_end; // end of the in-order previous node, or tree base
  size_t count;
} check_state_t;

// Returns the subtree height, or -1 on any violation. Recursion depth is the
// AVL height, bounded by MAX_DEPTH even for a corrupted tree.
static int check_node(check_state_t* s, const node_t* n, const node_t* parent,
                      int depth) {
  if (!n)
    return 0;
  if (depth > MAX_DEPTH || n->parent != parent)
    return -1;
  int hl = check_node(s, n->left, n, depth + 1);
  if (hl < 0)
    return -1;

  if (n->size == 0 || n->base < s->prev_end)
    return -1;
  if (n->base >= tree_end(s->t) || n->size > tree_end(s->t) - n->base)
    return -1;
  if (n->gap != n->base - s->prev_end)
    return -1;
  s->prev_end = end_of(n);
  s->count++;

  int hr = check_node(s, n->right, n, depth + 1);
  if (hr < 0)
    return -1;
  if (hl - hr > 1 || hr - hl > 1)
    return -1;
  int h = 1 + (hl > hr ? hl : hr);
  if (n->height != h)
    return -1;

  size_t m = n->gap;
  if (max_gap(n->left) > m)
    m = max_gap(n->left);
  if (max_gap(n->right) > m)
    m = max_gap(n->right);
  if (n->max_gap != m)
    return -1;
  if (n->sum_gap != n->gap + sum_gap(n->left) + sum_gap(n->right))
    return -1;
  return h;
}

bool vmar__gap_tree_check(const vmar__gap_tree_t* t) {
  if (t->size == 0 || t->base > UINTPTR_MAX - t->size)
    return false;
  check_state_t s = {t, t->base, 0};
  if (check_node(&s, t->root, NULL, 0) < 0)
    return false;
  return s.count == t->count;
}
