// SPDX-License-Identifier: MIT
// Placement tree: a red-black tree keyed by base address whose nodes also
// carry the free gap in front of them and the largest gap of their subtree.
// The parent pointer, the colour and the owner's kind share one word.

#include "gap_tree.h"

typedef vmar__gap_node_t node_t;
typedef vmar__gap_tree_t tree_t;

// A red-black tree is at most 2 * log2(n + 1) high, and fewer than 2^60
// nodes fit in any address space, so anything deeper than this is a
// corrupted (or cyclic) tree, not a big one.
#define MAX_DEPTH 128

#define RED VMAR__GAP_NODE_COLOR_BIT
#define KIND_MASK VMAR__GAP_NODE_KIND_MASK
#define PTR_MASK VMAR__GAP_NODE_PTR_MASK

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

static uintptr_t tree_base(const tree_t* t) {
  return vmar__gap_tree_owner(t)->base;
}

static uintptr_t tree_end(const tree_t* t) {
  return end_of(vmar__gap_tree_owner(t));
}

// ---------------------------------------------------------------------------
// The packed parent word.

static node_t* parent_of(const node_t* n) {
  return (node_t*)(n->parent_bits & PTR_MASK);
}

static void set_parent(node_t* n, node_t* p) {
  n->parent_bits = (n->parent_bits & ~PTR_MASK) | (uintptr_t)p;
}

// NULL children count as black.
static bool is_red(const node_t* n) { return n && (n->parent_bits & RED); }

static void set_red(node_t* n) { n->parent_bits |= RED; }

static void set_black(node_t* n) { n->parent_bits &= ~RED; }

static void copy_color(node_t* n, const node_t* from) {
  n->parent_bits = (n->parent_bits & ~RED) | (from->parent_bits & RED);
}

// ---------------------------------------------------------------------------
// Augmentation and rebalancing.

static size_t max_gap(const node_t* n) { return n ? n->max_gap : 0; }

static size_t compute_max(const node_t* n) {
  size_t m = n->gap;
  if (max_gap(n->left) > m)
    m = max_gap(n->left);
  if (max_gap(n->right) > m)
    m = max_gap(n->right);
  return m;
}

// Re-augments |x| and its ancestors after one change below or at |x|,
// stopping as soon as a node's largest gap comes out unchanged: nothing above
// it can differ then.
static void propagate(node_t* x) {
  for (; x; x = parent_of(x)) {
    size_t m = compute_max(x);
    if (m == x->max_gap)
      return;
    x->max_gap = m;
  }
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

// A node's child on side |s|: 0 is left, 1 is right.
static inline node_t** child(node_t* n, int s) {
  return s ? &n->right : &n->left;
}

// Moves |x| down to side |s|; its child on the other side takes its place.
// Rotations keep colours and kinds, and the augmentation when it was correct
// before: the subtree as a whole holds the same gaps, so its new top takes the
// old top's max_gap and only the old top is recomputed.
static void rotate(tree_t* t, node_t* x, int s) {
  node_t* y = *child(x, !s);
  node_t* p = parent_of(x);
  node_t* inner = *child(y, s);
  *child(x, !s) = inner;
  if (inner)
    set_parent(inner, x);
  set_parent(y, p);
  replace(t, p, x, y);
  *child(y, s) = x;
  set_parent(x, y);
  y->max_gap = x->max_gap;
  x->max_gap = compute_max(x);
}

// Restores the colour rules after red |n| was linked in. Each case has a
// mirror image; |s| is the side of |n|'s parent under its grandparent.
static void insert_fixup(tree_t* t, node_t* n) {
  for (;;) {
    node_t* p = parent_of(n);
    if (!p || !is_red(p))
      break;
    node_t* g = parent_of(p); // exists: a red node is never the root
    const int s = p == g->right;
    node_t* u = *child(g, !s);
    if (is_red(u)) {
      set_black(p);
      set_black(u);
      set_red(g);
      n = g;
      continue;
    }
    if (n == *child(p, !s)) {
      rotate(t, p, s);
      p = n;
    }
    set_black(p);
    set_red(g);
    rotate(t, g, !s);
    break;
  }
  set_black(t->root);
}

// Restores the black heights after a black node was taken out above |x|
// (possibly NULL), whose parent is |p|. |s| is the side of |x|; its sibling
// |w| is on the other.
static void remove_fixup(tree_t* t, node_t* x, node_t* p) {
  while (x != t->root && !is_red(x)) {
    const int s = x == p->left ? 0 : 1;
    node_t* w = *child(p, !s); // not NULL: it carries the missing black
    if (is_red(w)) {
      set_black(w);
      set_red(p);
      rotate(t, p, s);
      w = *child(p, !s);
    }
    if (!is_red(w->left) && !is_red(w->right)) {
      set_red(w);
      x = p;
      p = parent_of(x);
      continue;
    }
    if (!is_red(*child(w, !s))) {
      set_black(*child(w, s));
      set_red(w);
      rotate(t, w, !s);
      w = *child(p, !s);
    }
    copy_color(w, p);
    set_black(p);
    set_black(*child(w, !s));
    rotate(t, p, s);
    x = t->root;
  }
  if (x)
    set_black(x);
}

// ---------------------------------------------------------------------------
// Basic operations.

// Links |n| as a new leaf at |*link| under |parent|, between its in-order
// neighbours |pred| and |succ| (either may be NULL), then fixes gaps, the
// augmentation, the last node and the colours.
static void link_leaf(tree_t* t, node_t* n, node_t* parent, node_t** link,
                      node_t* pred, node_t* succ) {
  n->left = NULL;
  n->right = NULL;
  n->parent_bits = (n->parent_bits & KIND_MASK) | (uintptr_t)parent | RED;
  n->gap = n->base - (pred ? end_of(pred) : tree_base(t));
  n->max_gap = n->gap;
  *link = n;
  propagate(parent);
  if (succ) {
    succ->gap = succ->base - end_of(n); // its gap shrinks
    propagate(succ);
  } else {
    t->last = n;
  }
  insert_fixup(t, n);
}

void vmar__gap_tree_insert(vmar__gap_tree_t* t, vmar__gap_node_t* n) {
  node_t* parent = NULL;
  node_t* pred = NULL;
  node_t* succ = NULL; // a new leaf's successor is one of its ancestors
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
  link_leaf(t, n, parent, link, pred, succ);
}

void vmar__gap_tree_insert_at(vmar__gap_tree_t* t, vmar__gap_node_t* n,
                              const vmar__gap_pos_t* pos) {
  node_t* succ = pos->succ;
  node_t* pred = succ ? vmar__gap_tree_prev(succ) : pos->last;
  // Between two neighbours one of the two links is free: the successor is
  // the leftmost node of the predecessor's right subtree, or the
  // predecessor the rightmost of the successor's left one.
  if (pred && !pred->right) {
    link_leaf(t, n, pred, &pred->right, pred, succ);
  } else if (succ) {
    link_leaf(t, n, succ, &succ->left, pred, succ);
  } else {
    link_leaf(t, n, NULL, &t->root, pred, succ);
  }
}

void vmar__gap_tree_remove(vmar__gap_tree_t* t, vmar__gap_node_t* n) {
  node_t* pred = vmar__gap_tree_prev(n);
  // The last node's successor would take a walk up to the root to find.
  node_t* succ = n == t->last ? NULL : vmar__gap_tree_next(n);
  if (n == t->last) {
    t->last = pred;
  }
  if (succ) {
    // The successor absorbs |n| and its gap. Fixing the augmentation now,
    // while the shape is intact, leaves only the spliced path stale.
    succ->gap = succ->base - (pred ? end_of(pred) : tree_base(t));
    propagate(succ);
  }

  node_t* np = parent_of(n);
  node_t* child; // takes the place of the node that leaves its spot
  node_t* cp;    // |child|'s parent afterwards
  bool black_removed;
  if (n->left && n->right) {
    // |succ| is the minimum of the right subtree; it takes |n|'s place and
    // colour, so the colour that goes missing is its own, from its old spot.
    black_removed = !is_red(succ);
    child = succ->right;
    if (parent_of(succ) == n) {
      cp = succ;
    } else {
      cp = parent_of(succ);
      cp->left = child;
      if (child)
        set_parent(child, cp);
      succ->right = n->right;
      set_parent(n->right, succ);
    }
    succ->left = n->left;
    set_parent(n->left, succ);
    succ->parent_bits = (succ->parent_bits & KIND_MASK) | (uintptr_t)np |
                        (n->parent_bits & RED);
    replace(t, np, n, succ);
    // The nodes between |succ|'s old and new spots changed shape: recompute
    // them all; above |succ| only |n|'s gap went missing.
    for (node_t* x = cp; x != succ; x = parent_of(x))
      x->max_gap = compute_max(x);
    succ->max_gap = compute_max(succ);
    propagate(np);
  } else {
    black_removed = !is_red(n);
    child = n->left ? n->left : n->right;
    cp = np;
    if (child)
      set_parent(child, np);
    replace(t, np, n, child);
    propagate(np);
  }
  if (black_removed)
    remove_fixup(t, child, cp);
  n->left = NULL;
  n->right = NULL;
  n->parent_bits &= KIND_MASK;
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
  // At or after the last node's start: no descent needed.
  if (t->last != NULL && addr >= t->last->base) {
    return addr - t->last->base < t->last->size ? t->last : NULL;
  }
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

// The in-order neighbour of |n| on side |s| (1: next, 0: previous).
static inline node_t* step(const node_t* n, int s) {
  node_t* x = s ? n->right : n->left;
  if (x) {
    for (node_t* y; (y = s ? x->left : x->right) != NULL;)
      x = y;
    return x;
  }
  node_t* p = parent_of(n);
  while (p && (s ? p->right : p->left) == n) {
    n = p;
    p = parent_of(p);
  }
  return p;
}

vmar__gap_node_t* vmar__gap_tree_next(const vmar__gap_node_t* n) {
  return step(n, 1);
}

vmar__gap_node_t* vmar__gap_tree_prev(const vmar__gap_node_t* n) {
  return step(n, 0);
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
  for (const node_t* p = parent_of(x); p; x = p, p = parent_of(p)) {
    if (p->left == x) {
      if (p->gap >= size)
        return p;
      if (max_gap(p->right) >= size)
        return first_cand(p->right, size);
    }
  }
  return NULL;
}

// The spot after the last node (or at the tree's base when it is empty), at
// or above |from|, with the bounds and outputs of fit_from (below).
static bool fit_tail(const tree_t* t, uintptr_t from, size_t size, size_t align,
                     uintptr_t limit, uintptr_t amax, uintptr_t* out,
                     uintptr_t* ge, vmar__gap_pos_t* pos) {
  const node_t* last = vmar__gap_tree_last(t);
  uintptr_t start = last ? end_of(last) : tree_base(t);
  if (start < from)
    start = from;
  uintptr_t a;
  if (start > amax || !fit_in(start, tree_end(t), size, align, limit, &a) ||
      a > amax)
    return false;
  *out = a;
  *ge = tree_end(t);
  pos->succ = NULL;
  pos->last = (node_t*)last;
  return true;
}

// First fit at or after an address: the lowest aligned a >= |from| with
// [a, a + size) free and inside the tree's range, a + size <= |limit| and
// a <= |amax|. Also reports the end of the gap holding a in |*ge|.
//
// Only the gap that holds |from| (or follows it) is looked at whatever its
// size, since |from| may cut it short; later gaps start above |from| and are
// reached with max_gap pruning, as in a plain first fit.
static bool fit_from(const tree_t* t, uintptr_t from, size_t size, size_t align,
                     uintptr_t limit, uintptr_t amax, uintptr_t* out,
                     uintptr_t* ge, vmar__gap_pos_t* pos) {
  if (size == 0 || size > vmar__gap_tree_owner(t)->size)
    return false;
  const node_t* c = NULL;
  if (from <= tree_base(t)) {
    // Nothing cuts the first gap short: straight to the lowest gap that is
    // big enough.
    if (t->root && t->root->max_gap >= size)
      c = first_cand(t->root, size);
  } else {
    // The first node starting above |from|: its gap is the one holding
    // |from| or the first one after it.
    for (const node_t* x = t->root; x;) {
      if (x->base > from) {
        c = x;
        x = x->left;
      } else {
        x = x->right;
      }
    }
  }
  for (; c; c = next_cand(c, size)) {
    uintptr_t start = c->base - c->gap;
    if (start < from)
      start = from;
    // Gaps only move up from here, so once one starts too high no later gap
    // (nor the tail) can do better.
    if (start > amax || start > limit || limit - start < size)
      return false;
    uintptr_t a;
    if (fit_in(start, c->base, size, align, limit, &a)) {
      if (a > amax)
        return false;
      *out = a;
      *ge = c->base;
      pos->succ = (node_t*)c;
      pos->last = NULL;
      return true;
    }
  }
  return fit_tail(t, from, size, align, limit, amax, out, ge, pos);
}

bool vmar__gap_tree_first_fit(const vmar__gap_tree_t* t, size_t size,
                              size_t align, uintptr_t limit, uintptr_t* out,
                              vmar__gap_pos_t* pos) {
  uintptr_t ge;
  vmar__gap_pos_t unused;
  if (t->root && t->root->max_gap < size) {
    // No gap between nodes can hold it: only the tail can, which is where
    // a compact VMAR that was never unmapped from places everything. The
    // tail starts at or above the tree's base, so fit_tail's bounds on the
    // start hold trivially; checked here directly, as it is the usual case.
    const node_t* last = t->last;
    uintptr_t a;
    if (!fit_in(end_of(last), tree_end(t), size, align, limit, &a))
      return false;
    *out = a;
    if (pos) {
      pos->succ = NULL;
      pos->last = (node_t*)last;
    }
    return true;
  }
  return fit_from(t, tree_base(t), size, align, limit, UINTPTR_MAX, out, &ge,
                  pos ? pos : &unused);
}

bool vmar__gap_tree_random_fit(const vmar__gap_tree_t* t, size_t size,
                               size_t align, uintptr_t limit, size_t window,
                               uint64_t (*rand)(void* ctx), void* ctx,
                               uintptr_t* out, vmar__gap_pos_t* pos) {
  uintptr_t lo, lo_ge;
  vmar__gap_pos_t lo_pos;
  vmar__gap_pos_t unused;
  if (!pos)
    pos = &unused;
  if (!fit_from(t, tree_base(t), size, align, limit, UINTPTR_MAX, &lo, &lo_ge,
                &lo_pos))
    return false;
  if (window == 0 || !rand) {
    *out = lo;
    *pos = lo_pos;
    return true;
  }

  // Every candidate lies in [lo, hi): inside the window, and low enough to
  // end by the limit and the range's end. lo itself qualifies, so hi > lo.
  uintptr_t end = limit < tree_end(t) ? limit : tree_end(t);
  uintptr_t hi = end - size + 1;
  uintptr_t amax = sat_add(lo, window - 1); // highest start in the window
  if (hi - 1 > amax)
    hi = amax + 1;
  uint64_t span = (uint64_t)(hi - lo);
  // lo is aligned, so rounding down keeps r >= lo.
  uintptr_t r = align_down(lo + (uintptr_t)(rand(ctx) % span), align);
  uintptr_t a, ge;
  if (fit_from(t, r, size, align, limit, amax, &a, &ge, pos)) {
    *out = a;
    return true;
  }

  // Nothing at or after the draw: pick among the candidates in the lowest
  // fitting gap, which exist by construction.
  if (lo_ge > limit)
    lo_ge = limit;
  uintptr_t last = align_down(lo_ge - size, align);
  size_t count = (last - lo) / align + 1;
  size_t in_window = (window - 1) / align + 1;
  if (count > in_window)
    count = in_window;
  *out = lo + (uintptr_t)align * (uintptr_t)(rand(ctx) % count);
  *pos = lo_pos; // in the same gap as lo
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
      node_t* p = parent_of(x);
      if (p) {
        if (p->left == x)
          p->left = NULL;
        else
          p->right = NULL;
      }
      x->parent_bits &= KIND_MASK;
      x->left = list;
      list = x;
      x = p;
    }
  }
  t->root = NULL;
  t->last = NULL;
  return list;
}

typedef struct check_state {
  const tree_t* t;
  uintptr_t prev_end; // end of the in-order previous node, or tree base
  size_t count;
} check_state_t;

// Returns the subtree's black height (NULL leaves count 1), or -1 on any
// violation. Recursion depth is the tree height, bounded by MAX_DEPTH even
// for a corrupted tree.
static int check_node(check_state_t* s, const node_t* n, const node_t* parent,
                      int depth) {
  if (!n)
    return 1;
  if (depth > MAX_DEPTH || parent_of(n) != parent)
    return -1;
  if (is_red(n) && (is_red(n->left) || is_red(n->right)))
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
  if (hr < 0 || hl != hr)
    return -1;
  if (n->max_gap != compute_max(n))
    return -1;
  return hl + (is_red(n) ? 0 : 1);
}

bool vmar__gap_tree_check(const vmar__gap_tree_t* t) {
  const node_t* o = vmar__gap_tree_owner(t);
  if (!o || o->size == 0 || o->base > UINTPTR_MAX - o->size)
    return false;
  if (is_red(t->root))
    return false;
  check_state_t s = {t, o->base, 0};
  int bh = check_node(&s, t->root, NULL, 0);
  if (bh < 0)
    return false;
  const node_t* last = t->root;
  if (last)
    while (last->right)
      last = last->right;
  if (t->last != last)
    return false;
  // A black height of bh needs at least 2^(bh-1) - 1 nodes: a cheap cross
  // check of the colours against the node count.
  return bh - 1 >= 64 || ((uint64_t)1 << (bh - 1)) - 1 <= s.count;
}
