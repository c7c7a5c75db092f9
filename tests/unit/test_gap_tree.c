// SPDX-License-Identifier: MIT
// Unit tests for the placement tree (red-black tree of ranges augmented with
// gaps).
// APIs covered: vmar__gap_tree_init, vmar__gap_tree_insert,
// vmar__gap_tree_remove, vmar__gap_tree_find, vmar__gap_tree_lower_bound,
// vmar__gap_tree_first, vmar__gap_tree_last, vmar__gap_tree_next,
// vmar__gap_tree_prev, vmar__gap_tree_range_free, vmar__gap_tree_first_fit,
// vmar__gap_tree_random_fit, vmar__gap_tree_insert_at,
// vmar__gap_tree_detach_all, vmar__gap_tree_check,
// vmar__gap_node_kind, vmar__gap_node_set_kind, vmar__gap_node_parent,
// vmar__gap_node_link_next, vmar__gap_node_set_link_next.

// cmocka needs these first, in this order.
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
// clang-format on

#include <cmocka.h>

#include <string.h>

#include "posix/gap_tree.h"

#define PG ((size_t)4096)
#define TBASE ((uintptr_t)0x100000)
#define TSIZE ((size_t)0x100000) // 256 pages

// ---------------------------------------------------------------------------
// Helpers.

typedef struct rng {
  uint64_t s;
} rng_t;

// splitmix64: small, fast and good enough to drive random tests.
static uint64_t rng_next(void* ctx) {
  rng_t* r = ctx;
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rng_below(rng_t* r, uint64_t n) { return rng_next(r) % n; }

// Returns a fixed value so a test can steer random_fit into a chosen gap.
static uint64_t const_rand(void* ctx) { return *(const uint64_t*)ctx; }

// A tree and the node that owns its range, which the tree must follow in
// memory.
typedef struct owned {
  vmar__gap_node_t o;
  vmar__gap_tree_t t;
} owned_t;

// Sets up |owner| as the node whose range [base, base + size) the tree
// covers, and an empty tree over it.
static void init_range(vmar__gap_tree_t* t, vmar__gap_node_t* owner,
                       uintptr_t base, size_t size) {
  assert_ptr_equal(vmar__gap_tree_owner(t), owner);
  memset(owner, 0, sizeof(*owner));
  owner->base = base;
  owner->size = size;
  vmar__gap_tree_init(t, owner);
}

// Makes |own| an empty tree over [base, base + size) with init_range and
// returns the tree.
static vmar__gap_tree_t* init_owned(owned_t* own, uintptr_t base, size_t size) {
  init_range(&own->t, &own->o, base, size);
  return &own->t;
}

static size_t count_nodes(const vmar__gap_tree_t* t) {
  size_t n = 0;
  for (const vmar__gap_node_t* x = vmar__gap_tree_first(t); x;
       x = vmar__gap_tree_next(x))
    n++;
  return n;
}

// Sum of the gaps in front of the nodes (the tail is not counted).
static size_t total_gap(const vmar__gap_tree_t* t) {
  size_t sum = 0;
  for (const vmar__gap_node_t* x = vmar__gap_tree_first(t); x;
       x = vmar__gap_tree_next(x))
    sum += x->gap;
  return sum;
}

// Height of a subtree (leaf = 1); the tree is checked, so depth is bounded.
static int height(const vmar__gap_node_t* n) {
  if (!n)
    return 0;
  int hl = height(n->left);
  int hr = height(n->right);
  return 1 + (hl > hr ? hl : hr);
}

static void add(vmar__gap_tree_t* t, vmar__gap_node_t* n, uintptr_t base,
                size_t size) {
  memset(n, 0, sizeof(*n));
  n->base = base;
  n->size = size;
  vmar__gap_tree_insert(t, n);
  assert_true(vmar__gap_tree_check(t));
}

static void del(vmar__gap_tree_t* t, vmar__gap_node_t* n) {
  vmar__gap_tree_remove(t, n);
  assert_true(vmar__gap_tree_check(t));
}

static uintptr_t ff(const vmar__gap_tree_t* t, size_t size, size_t align,
                    uintptr_t limit) {
  uintptr_t out = 0;
  assert_true(vmar__gap_tree_first_fit(t, size, align, limit, &out, NULL));
  return out;
}

static bool ff_fails(const vmar__gap_tree_t* t, size_t size, size_t align,
                     uintptr_t limit) {
  uintptr_t out = 0x5a5a;
  return !vmar__gap_tree_first_fit(t, size, align, limit, &out, NULL);
}

// Builds: [gap 2p][A 1p][gap 1p][B 2p][gap 4p][C 1p][tail 245p], i.e.
// A = [2p, 3p), B = [4p, 6p), C = [10p, 11p) from the tree's base.
typedef struct fixture {
  vmar__gap_node_t owner; // the range: [TBASE, TBASE + TSIZE)
  vmar__gap_tree_t t;
  vmar__gap_node_t a, b, c;
} fixture_t;

static void build(fixture_t* f) {
  init_range(&f->t, &f->owner, TBASE, TSIZE);
  add(&f->t, &f->b, TBASE + 4 * PG, 2 * PG);
  add(&f->t, &f->c, TBASE + 10 * PG, 1 * PG);
  add(&f->t, &f->a, TBASE + 2 * PG, 1 * PG);
}

// ---------------------------------------------------------------------------
// init / insert / remove.

// A fresh tree is empty, valid and offers its base to any request.
static void init__fresh_tree_is_empty_and_valid(void** state) {
  (void)state;
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  assert_null(t->root);
  assert_ptr_equal(vmar__gap_tree_owner(t), &own.o);
  assert_int_equal(count_nodes(t), 0);
  assert_null(vmar__gap_tree_first(t));
  assert_null(vmar__gap_tree_last(t));
  assert_true(vmar__gap_tree_check(t));
  assert_int_equal(ff(t, TSIZE, PG, UINTPTR_MAX), TBASE);
}

// Inserting before an existing node sets the new gap and shrinks the
// successor's.
static void insert__before_existing_updates_successor_gap(void** state) {
  (void)state;
  vmar__gap_node_t x, y;
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  add(t, &x, TBASE + 3 * PG, PG);
  assert_int_equal(x.gap, 3 * PG);
  add(t, &y, TBASE + PG, PG);
  assert_int_equal(y.gap, PG);
  assert_int_equal(x.gap, PG);
  assert_int_equal(count_nodes(t), 2);
  assert_int_equal(total_gap(t), 2 * PG);
  assert_int_equal(t->root->max_gap, PG);
}

// Ascending and descending insertion keep the tree red-black balanced.
static void insert__monotonic_order_stays_balanced(void** state) {
  (void)state;
  enum { N = 4000 };
  static vmar__gap_node_t up[N], down[N];
  owned_t own1;
  owned_t own2;
  vmar__gap_tree_t* t1 = init_owned(&own1, 0, (size_t)N * 2 * PG);
  vmar__gap_tree_t* t2 = init_owned(&own2, 0, (size_t)N * 2 * PG);
  for (size_t i = 0; i < N; i++) {
    add(t1, &up[i], (2 * i + 1) * PG, PG);
    add(t2, &down[i], (2 * (N - 1 - i) + 1) * PG, PG);
  }
  // Red-black height bound: 2 * log2(N + 1).
  int bits = 0;
  while (((size_t)1 << bits) < (size_t)N + 1)
    bits++;
  assert_true(height(t1->root) <= 2 * bits);
  assert_true(height(t2->root) <= 2 * bits);
  assert_int_equal(total_gap(t1), (size_t)N * PG);
  assert_int_equal(t1->root->max_gap, PG);
  assert_int_equal(total_gap(t2), (size_t)N * PG);
  assert_int_equal(t2->root->max_gap, PG);
}

// Removing a node folds its bytes and gap into its successor's gap.
static void remove__middle_node_merges_into_successor_gap(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  del(&f.t, &f.b);
  assert_int_equal(f.c.gap, 7 * PG);
  assert_int_equal(count_nodes(&f.t), 2);
  assert_int_equal(f.t.root->max_gap, 7 * PG);
  assert_int_equal(total_gap(&f.t), 9 * PG);
  assert_null(vmar__gap_tree_find(&f.t, TBASE + 4 * PG));
}

// Removing the last node leaves the tail larger; the first fit sees it.
static void remove__last_node_extends_tail(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  del(&f.t, &f.c);
  assert_ptr_equal(vmar__gap_tree_last(&f.t), &f.b);
  assert_int_equal(ff(&f.t, 5 * PG, PG, UINTPTR_MAX), TBASE + 6 * PG);
  del(&f.t, &f.a);
  del(&f.t, &f.b);
  assert_null(f.t.root);
  assert_int_equal(ff(&f.t, TSIZE, PG, UINTPTR_MAX), TBASE);
}

// Removing in random order (all node shapes) keeps every invariant.
static void remove__random_order_keeps_invariants(void** state) {
  (void)state;
  enum { N = 600 };
  static vmar__gap_node_t n[N];
  size_t order[N];
  rng_t r = {7};
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, 0, (size_t)N * 3 * PG);
  for (size_t i = 0; i < N; i++) {
    order[i] = i;
    add(t, &n[i], (3 * i + rng_below(&r, 2)) * PG, PG + rng_below(&r, PG));
  }
  for (size_t i = N - 1; i > 0; i--) {
    size_t j = (size_t)rng_below(&r, i + 1);
    size_t tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  for (size_t i = 0; i < N; i++) {
    del(t, &n[order[i]]);
    assert_int_equal(count_nodes(t), N - 1 - i);
  }
  assert_null(t->root);
}

// ---------------------------------------------------------------------------
// Lookup and iteration.

// find hits the first and last byte of a node and misses gaps and ends.
static void find__inside_and_outside_ranges_exact(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_ptr_equal(vmar__gap_tree_find(&f.t, TBASE + 4 * PG), &f.b);
  assert_ptr_equal(vmar__gap_tree_find(&f.t, TBASE + 6 * PG - 1), &f.b);
  assert_ptr_equal(vmar__gap_tree_find(&f.t, TBASE + 2 * PG), &f.a);
  assert_ptr_equal(vmar__gap_tree_find(&f.t, TBASE + 10 * PG + 7), &f.c);
  assert_null(vmar__gap_tree_find(&f.t, TBASE + 6 * PG));
  assert_null(vmar__gap_tree_find(&f.t, TBASE + 3 * PG));
  assert_null(vmar__gap_tree_find(&f.t, TBASE + 2 * PG - 1));
  assert_null(vmar__gap_tree_find(&f.t, TBASE + 11 * PG));
  assert_null(vmar__gap_tree_find(&f.t, 0));
  assert_null(vmar__gap_tree_find(&f.t, UINTPTR_MAX));
}

// lower_bound returns the node containing or following an address.
static void lower_bound__gap_and_inside_return_covering_or_next(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, 0), &f.a);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE), &f.a);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE + 3 * PG - 1), &f.a);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE + 3 * PG), &f.b);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE + 4 * PG - 1), &f.b);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE + 5 * PG), &f.b);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE + 6 * PG), &f.c);
  assert_ptr_equal(vmar__gap_tree_lower_bound(&f.t, TBASE + 11 * PG - 1), &f.c);
  assert_null(vmar__gap_tree_lower_bound(&f.t, TBASE + 11 * PG));
  assert_null(vmar__gap_tree_lower_bound(&f.t, UINTPTR_MAX));
}

// first/last/next/prev walk the nodes in address order and stop at the ends.
static void next__in_order_walk_visits_all_then_null(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_ptr_equal(vmar__gap_tree_first(&f.t), &f.a);
  assert_ptr_equal(vmar__gap_tree_next(&f.a), &f.b);
  assert_ptr_equal(vmar__gap_tree_next(&f.b), &f.c);
  assert_null(vmar__gap_tree_next(&f.c));
  assert_ptr_equal(vmar__gap_tree_last(&f.t), &f.c);
  assert_ptr_equal(vmar__gap_tree_prev(&f.c), &f.b);
  assert_ptr_equal(vmar__gap_tree_prev(&f.b), &f.a);
  assert_null(vmar__gap_tree_prev(&f.a));
}

// range_free rejects any overlap and accepts ranges touching nodes.
static void range_free__overlap_and_adjacent_exact(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_true(vmar__gap_tree_range_free(&f.t, TBASE, 2 * PG));
  assert_false(vmar__gap_tree_range_free(&f.t, TBASE, 2 * PG + 1));
  assert_true(vmar__gap_tree_range_free(&f.t, TBASE + 3 * PG, PG));
  assert_true(vmar__gap_tree_range_free(&f.t, TBASE + 6 * PG, 4 * PG));
  assert_false(vmar__gap_tree_range_free(&f.t, TBASE + 6 * PG - 1, 2));
  assert_false(vmar__gap_tree_range_free(&f.t, TBASE + 6 * PG, 4 * PG + 1));
  assert_false(vmar__gap_tree_range_free(&f.t, TBASE + 9 * PG, 2 * PG));
  assert_false(vmar__gap_tree_range_free(&f.t, TBASE, 20 * PG));
  assert_false(vmar__gap_tree_range_free(&f.t, TBASE + 5 * PG, 1));
  assert_true(vmar__gap_tree_range_free(&f.t, TBASE + 11 * PG, 100 * PG));
  assert_true(vmar__gap_tree_range_free(&f.t, 0, TBASE));
}

// ---------------------------------------------------------------------------
// first_fit.

// A request that fits the leading gap lands at the tree's base.
static void first_fit__gap_at_start_returns_base(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_int_equal(ff(&f.t, PG, PG, UINTPTR_MAX), TBASE);
  assert_int_equal(ff(&f.t, 2 * PG, PG, UINTPTR_MAX), TBASE);
  assert_int_equal(ff(&f.t, 1, 1, UINTPTR_MAX), TBASE);
}

// A request too big for the leading gap lands in the middle gap.
static void first_fit__gap_in_middle_returns_gap_start(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_int_equal(ff(&f.t, 3 * PG, PG, UINTPTR_MAX), TBASE + 6 * PG);
  // Exact fit: 4 pages into the 4-page gap.
  assert_int_equal(ff(&f.t, 4 * PG, PG, UINTPTR_MAX), TBASE + 6 * PG);
}

// A request bigger than every inner gap goes to the tail.
static void first_fit__only_tail_fits_returns_tail_start(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_int_equal(ff(&f.t, 4 * PG + 1, PG, UINTPTR_MAX), TBASE + 11 * PG);
  assert_int_equal(ff(&f.t, TSIZE - 11 * PG, PG, UINTPTR_MAX), TBASE + 11 * PG);
  assert_true(ff_fails(&f.t, TSIZE - 11 * PG + 1, 1, UINTPTR_MAX));
}

// Alignment skips a gap whose aligned start leaves too little room.
static void first_fit__alignment_skips_misaligned_gap(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  // TBASE is 256-page aligned. The 4-page gap [6p, 10p) is big enough for
  // 3 or 4 pages, but 4-page alignment moves the start to 8p, leaving 2.
  assert_int_equal(ff(&f.t, PG, 8 * PG, UINTPTR_MAX), TBASE);
  assert_int_equal(ff(&f.t, 2 * PG, 8 * PG, UINTPTR_MAX), TBASE);
  assert_int_equal(ff(&f.t, 3 * PG, 2 * PG, UINTPTR_MAX), TBASE + 6 * PG);
  assert_int_equal(ff(&f.t, 3 * PG, 4 * PG, UINTPTR_MAX), TBASE + 12 * PG);
  assert_int_equal(ff(&f.t, 4 * PG, 4 * PG, UINTPTR_MAX), TBASE + 12 * PG);
  assert_int_equal(ff(&f.t, 3 * PG, 8 * PG, UINTPTR_MAX), TBASE + 16 * PG);
  assert_int_equal(ff(&f.t, PG, TSIZE, UINTPTR_MAX), TBASE);
}

// A request too large for the tree or a huge alignment fails cleanly.
static void first_fit__oversized_or_unalignable_returns_false(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  del(&f.t, &f.a);
  assert_true(ff_fails(&f.t, TSIZE + 1, 1, UINTPTR_MAX));
  assert_true(ff_fails(&f.t, SIZE_MAX, PG, UINTPTR_MAX));
  assert_true(ff_fails(&f.t, PG, 2 * TSIZE, UINTPTR_MAX));
  assert_true(ff_fails(&f.t, SIZE_MAX - PG, (size_t)1 << 20, UINTPTR_MAX));
}

// The limit caps the end of the spot, excluding later gaps and the tail.
static void first_fit__limit_excludes_later_spots(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  assert_int_equal(ff(&f.t, 4 * PG, PG, TBASE + 10 * PG), TBASE + 6 * PG);
  assert_true(ff_fails(&f.t, 4 * PG, PG, TBASE + 10 * PG - 1));
  assert_int_equal(ff(&f.t, 5 * PG, PG, TBASE + 16 * PG), TBASE + 11 * PG);
  assert_true(ff_fails(&f.t, 5 * PG, PG, TBASE + 16 * PG - 1));
  assert_int_equal(ff(&f.t, 2 * PG, PG, TBASE + 2 * PG), TBASE);
  assert_true(ff_fails(&f.t, PG, PG, TBASE + PG - 1));
  assert_true(ff_fails(&f.t, PG, PG, 0));
  // A limit above the tree's end changes nothing.
  assert_int_equal(ff(&f.t, 5 * PG, PG, TBASE + 2 * TSIZE), TBASE + 11 * PG);
}

// A completely covered tree has no spot; freeing one page exposes it.
static void first_fit__full_tree_returns_false(void** state) {
  (void)state;
  vmar__gap_node_t n[3];
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  add(t, &n[0], TBASE, 100 * PG);
  add(t, &n[1], TBASE + 101 * PG, TSIZE - 101 * PG);
  add(t, &n[2], TBASE + 100 * PG, PG);
  assert_true(ff_fails(t, 1, 1, UINTPTR_MAX));
  assert_int_equal(total_gap(t), 0);
  assert_int_equal(t->root->max_gap, 0);
  del(t, &n[2]);
  assert_int_equal(ff(t, PG, PG, UINTPTR_MAX), TBASE + 100 * PG);
  assert_true(ff_fails(t, PG + 1, 1, UINTPTR_MAX));
}

// Unaligned byte-granular gaps: the exact aligned spot is returned.
static void first_fit__byte_granular_gaps_exact(void** state) {
  (void)state;
  vmar__gap_node_t n[2];
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, 1000, 10000);
  add(t, &n[0], 1003, 10);  // gap [1000, 1003)
  add(t, &n[1], 1030, 100); // gap [1013, 1030), tail [1130, 11000)
  assert_int_equal(ff(t, 3, 1, UINTPTR_MAX), 1000);
  assert_int_equal(ff(t, 3, 8, UINTPTR_MAX), 1000);
  assert_int_equal(ff(t, 3, 16, UINTPTR_MAX), 1024);
  assert_int_equal(ff(t, 6, 16, UINTPTR_MAX), 1024);
  assert_int_equal(ff(t, 7, 16, UINTPTR_MAX), 1136);
  assert_int_equal(ff(t, 4, 1, UINTPTR_MAX), 1013);
  assert_int_equal(ff(t, 17, 1, UINTPTR_MAX), 1013);
  assert_int_equal(ff(t, 17, 1, 1030), 1013);
  assert_true(ff_fails(t, 18, 1, 1147));
  assert_int_equal(ff(t, 18, 1, 1148), 1130);
}

// Near the top of the address space alignment rounding must not wrap.
static void first_fit__top_of_address_space_no_wrap(void** state) {
  (void)state;
  vmar__gap_node_t n;
  uintptr_t top = UINTPTR_MAX - 16 * PG + 1; // page aligned, end = MAX
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, top, 16 * PG - 1);
  add(t, &n, top + 4 * PG, PG);
  assert_int_equal(ff(t, 4 * PG, PG, UINTPTR_MAX), top);
  assert_int_equal(ff(t, 4 * PG, 4 * PG, UINTPTR_MAX), top);
  assert_int_equal(ff(t, 7 * PG, 8 * PG, UINTPTR_MAX), top + 8 * PG);
  // top + 16p would be one past UINTPTR_MAX.
  assert_true(ff_fails(t, 8 * PG, 8 * PG, UINTPTR_MAX));
  assert_true(ff_fails(t, 5 * PG, 16 * PG, UINTPTR_MAX));
  size_t huge = (size_t)1 << (sizeof(size_t) * 8 - 1);
  assert_true(ff_fails(t, PG, huge, UINTPTR_MAX));
  assert_true(ff_fails(t, 11 * PG, PG, UINTPTR_MAX));
  assert_int_equal(ff(t, 11 * PG - 1, PG, UINTPTR_MAX), top + 5 * PG);
  uintptr_t out;
  rng_t r = {3};
  for (int i = 0; i < 200; i++) {
    assert_true(vmar__gap_tree_random_fit(t, PG, PG, UINTPTR_MAX, SIZE_MAX,
                                          rng_next, &r, &out, NULL));
    assert_true(out % PG == 0 && out >= top && out != top + 4 * PG);
    assert_true(UINTPTR_MAX - out >= PG);
  }
}

// ---------------------------------------------------------------------------
// Randomised differential test against a page-granular model.

enum { MPAGES = 4096, OPS = 20000 };

typedef struct model {
  vmar__gap_node_t range; // the tree's owner
  vmar__gap_tree_t t;
  uintptr_t base;
  int owner[MPAGES];   // index of the node covering a page, or -1
  int run[MPAGES + 1]; // free pages starting at each page
  vmar__gap_node_t nodes[MPAGES];
  bool live[MPAGES];
  int live_list[MPAGES];
  int nlive;
} model_t;

static void model_runs(model_t* m) {
  m->run[MPAGES] = 0;
  for (int p = MPAGES - 1; p >= 0; p--)
    m->run[p] = m->owner[p] < 0 ? m->run[p + 1] + 1 : 0;
}

static bool model_ff(const model_t* m, size_t size, size_t align,
                     uintptr_t limit, uintptr_t* out) {
  size_t need = (size + PG - 1) / PG;
  if (size > MPAGES * PG)
    return false;
  for (int p = 0; p < MPAGES; p++) {
    uintptr_t a = m->base + (uintptr_t)p * PG;
    if (a & (align - 1))
      continue;
    if ((size_t)m->run[p] < need)
      continue;
    if (a > limit || limit - a < size)
      return false;
    *out = a;
    return true;
  }
  return false;
}

static int page_of(const model_t* m, uintptr_t a) {
  return (int)((a - m->base) / PG);
}

static bool model_spot_free(const model_t* m, uintptr_t a, size_t size) {
  uintptr_t end = m->base + MPAGES * PG;
  if (a < m->base || a >= end || size > end - a)
    return false;
  for (int p = page_of(m, a); p <= page_of(m, a + size - 1); p++)
    if (m->owner[p] >= 0)
      return false;
  return true;
}

// Inserts at |pos| (a placement's answer) when given, else by a descent.
static void model_insert(model_t* m, int first, int pages,
                         const vmar__gap_pos_t* pos) {
  int idx = first; // the first page names the node uniquely
  vmar__gap_node_t* n = &m->nodes[idx];
  memset(n, 0, sizeof(*n));
  n->base = m->base + (uintptr_t)first * PG;
  n->size = (size_t)pages * PG;
  // Every kind value, so rebalancing is seen to keep each node's own.
  vmar__gap_node_set_kind(n, (unsigned)idx % 4);
  if (pos != NULL) {
    vmar__gap_tree_insert_at(&m->t, n, pos);
  } else {
    vmar__gap_tree_insert(&m->t, n);
  }
  for (int p = first; p < first + pages; p++)
    m->owner[p] = idx;
  m->live[idx] = true;
  m->live_list[m->nlive++] = idx;
}

static void model_remove(model_t* m, int slot) {
  int idx = m->live_list[slot];
  vmar__gap_node_t* n = &m->nodes[idx];
  vmar__gap_tree_remove(&m->t, n);
  for (int p = page_of(m, n->base); p < page_of(m, n->base + n->size); p++)
    m->owner[p] = -1;
  m->live[idx] = false;
  m->live_list[slot] = m->live_list[--m->nlive];
}

static size_t rand_size(rng_t* r) {
  size_t pages = 1 + (size_t)rng_below(r, rng_below(r, 8) == 0 ? 256 : 8);
  size_t size = pages * PG;
  // Sub-page sizes round up to whole pages in the model, like mappings do.
  if (rng_below(r, 4) == 0)
    size -= (size_t)rng_below(r, PG);
  return size;
}

static size_t rand_align(rng_t* r) {
  if (rng_below(r, 8) == 0)
    return (size_t)1 << rng_below(r, 12); // below a page
  return PG << rng_below(r, 7);           // 1..64 pages
}

static uintptr_t rand_limit(const model_t* m, rng_t* r) {
  switch (rng_below(r, 4)) {
  case 0:
    return UINTPTR_MAX;
  case 1:
    return m->base + MPAGES * PG;
  default:
    return m->base + (uintptr_t)rng_below(r, MPAGES * PG + 2 * PG);
  }
}

static void model_verify_contents(const model_t* m) {
  size_t n = 0;
  uintptr_t prev_end = 0;
  for (const vmar__gap_node_t* x = vmar__gap_tree_first(&m->t); x;
       x = vmar__gap_tree_next(x)) {
    int idx = (int)(x - m->nodes);
    assert_true(idx >= 0 && idx < MPAGES && m->live[idx]);
    assert_int_equal(vmar__gap_node_kind(x), (unsigned)idx % 4);
    assert_true(x->base >= prev_end);
    prev_end = x->base + x->size;
    n++;
  }
  assert_int_equal(n, (size_t)m->nlive);
  assert_int_equal(count_nodes(&m->t), (size_t)m->nlive);
}

static void run_differential(uintptr_t base, uint64_t seed) {
  // Static, not heap: a failed assertion longjmps out and would leak.
  static model_t model;
  model_t* m = &model;
  memset(m, 0, sizeof(*m));
  rng_t r = {seed};
  m->base = base;
  init_range(&m->t, &m->range, base, MPAGES * PG);
  for (int p = 0; p < MPAGES; p++)
    m->owner[p] = -1;
  model_runs(m);
  int target = 0;

  for (int op = 0; op < OPS; op++) {
    // Drift the fill target so both sparse and crowded trees get tested.
    if (op % 2000 == 0)
      target = 50 + (int)rng_below(&r, 900);
    bool insert = m->nlive == 0 || (m->nlive < target && rng_below(&r, 3)) ||
                  rng_below(&r, 4) == 0;
    if (insert) {
      int pages = (int)(1 + rng_below(&r, rng_below(&r, 6) ? 4 : 64));
      int first = -1;
      vmar__gap_pos_t pos;
      bool placed = false;
      const uint64_t how = rng_below(&r, 4);
      if (how < 2) {
        // Where the tree says it fits (first or random fit), inserted where
        // the placement says; the model must agree it is free.
        uintptr_t a;
        size_t align = PG << rng_below(&r, 3);
        placed = how == 0
                     ? vmar__gap_tree_first_fit(&m->t, (size_t)pages * PG,
                                                align, UINTPTR_MAX, &a, &pos)
                     : vmar__gap_tree_random_fit(&m->t, (size_t)pages * PG,
                                                 align, UINTPTR_MAX, 64 * PG,
                                                 rng_next, &r, &a, &pos);
        if (placed)
          first = page_of(m, a);
      } else {
        first = (int)rng_below(&r, MPAGES);
      }
      if (first >= 0 && first + pages <= MPAGES && m->run[first] >= pages) {
        model_insert(m, first, pages, placed ? &pos : NULL);
      }
    } else {
      model_remove(m, (int)rng_below(&r, (uint64_t)m->nlive));
    }
    assert_true(vmar__gap_tree_check(&m->t));
    model_runs(m);
    if (op % 50 == 0)
      model_verify_contents(m);

    for (int q = 0; q < 3; q++) {
      size_t size = rand_size(&r);
      size_t align = rand_align(&r);
      uintptr_t limit = rand_limit(m, &r);
      uintptr_t want = 0, got = 0;
      bool want_ok = model_ff(m, size, align, limit, &want);
      bool got_ok =
          vmar__gap_tree_first_fit(&m->t, size, align, limit, &got, NULL);
      assert_int_equal(got_ok, want_ok);
      if (!want_ok)
        continue;
      assert_int_equal(got, want);

      size_t window = 0;
      switch (rng_below(&r, 5)) {
      case 4:
        window = 0; // first fit
        break;
      case 0:
        window = SIZE_MAX;
        break;
      case 1:
        window = 1 + (size_t)rng_below(&r, 4 * PG);
        break;
      default:
        window = 1 + (size_t)rng_below(&r, MPAGES * PG);
        break;
      }
      uintptr_t a = 0;
      assert_true(vmar__gap_tree_random_fit(&m->t, size, align, limit, window,
                                            rng_next, &r, &a, NULL));
      assert_int_equal(a & (align - 1), 0);
      if (window == 0)
        assert_int_equal(a, want);
      else
        assert_true(a >= want && a - want < window);
      assert_true(a <= limit && limit - a >= size);
      assert_true(model_spot_free(m, a, size));
      assert_true(vmar__gap_tree_range_free(&m->t, a, size));
    }

    // Point queries against the page model.
    uintptr_t addr = m->base + (uintptr_t)rng_below(&r, MPAGES * PG);
    int p = page_of(m, addr);
    vmar__gap_node_t* hit = vmar__gap_tree_find(&m->t, addr);
    if (m->owner[p] < 0)
      assert_null(hit);
    else
      assert_ptr_equal(hit, &m->nodes[m->owner[p]]);
    vmar__gap_node_t* lb = vmar__gap_tree_lower_bound(&m->t, addr);
    int q = p;
    while (q < MPAGES && m->owner[q] < 0)
      q++;
    if (q == MPAGES)
      assert_null(lb);
    else
      assert_ptr_equal(lb, &m->nodes[m->owner[q]]);
    size_t rsize = 1 + (size_t)rng_below(&r, 16 * PG);
    if (rsize > m->base + MPAGES * PG - addr)
      rsize = m->base + MPAGES * PG - addr;
    bool free_model = true;
    for (int k = p; k <= page_of(m, addr + rsize - 1); k++)
      free_model = free_model && m->owner[k] < 0;
    assert_int_equal(vmar__gap_tree_range_free(&m->t, addr, rsize), free_model);
  }
  model_verify_contents(m);
}

// 20000 random inserts/removes: first_fit equals the naive model's answer,
// random_fit is always legal and every invariant holds after each step.
static void first_fit__random_ops_match_naive_model(void** state) {
  (void)state;
  // An odd page offset so large alignments fall inside the range.
  run_differential((uintptr_t)0x10000000 + 5 * PG, 1);
}

// The same differential test with the range ending near the address-space
// top, where unchecked alignment or limit arithmetic would wrap.
static void first_fit__random_ops_near_top_match_naive_model(void** state) {
  (void)state;
  run_differential(UINTPTR_MAX - (uintptr_t)(MPAGES + 3) * PG + 1, 2);
}

// ---------------------------------------------------------------------------
// random_fit.

// Builds several large gaps separated by one-page nodes; the owner is
// spread.owner. The spread tree's storage.
typedef struct spread {
  vmar__gap_node_t owner;
  vmar__gap_tree_t t;
  vmar__gap_node_t n[4];
} spread_t;

static vmar__gap_tree_t* build_spread(spread_t* s) {
  vmar__gap_tree_t* t = &s->t;
  vmar__gap_node_t* n = s->n;
  init_range(t, &s->owner, TBASE, TSIZE);
  // Gaps: [0,16p) [17p,48p) [49p,96p) [97p,160p) and tail [161p,256p).
  add(t, &n[0], TBASE + 16 * PG, PG);
  add(t, &n[1], TBASE + 48 * PG, PG);
  add(t, &n[2], TBASE + 96 * PG, PG);
  add(t, &n[3], TBASE + 160 * PG, PG);
  return t;
}

// Window 0 returns exactly the first fit, without calling rand.
static void random_fit__window_zero_equals_first_fit(void** state) {
  (void)state;
  spread_t sp;
  vmar__gap_tree_t* t = build_spread(&sp);
  uintptr_t out = 0;
  assert_true(vmar__gap_tree_random_fit(t, 20 * PG, 4 * PG, UINTPTR_MAX, 0,
                                        NULL, NULL, &out, NULL));
  assert_int_equal(out, TBASE + 20 * PG);
  assert_int_equal(out, ff(t, 20 * PG, 4 * PG, UINTPTR_MAX));
  rng_t r = {9};
  assert_true(vmar__gap_tree_random_fit(t, PG, PG, UINTPTR_MAX, 0, rng_next, &r,
                                        &out, NULL));
  assert_int_equal(out, TBASE);
  assert_int_equal(r.s, 9); // rand was not called
}

// With an unbounded window, draws spread over several gaps and many spots.
static void random_fit__unbounded_window_spreads_over_gaps(void** state) {
  (void)state;
  spread_t sp;
  vmar__gap_tree_t* t = build_spread(&sp);
  rng_t r = {11};
  bool seen[256] = {false};
  bool gap_seen[5] = {false};
  int distinct = 0;
  for (int i = 0; i < 2000; i++) {
    uintptr_t a = 0;
    assert_true(vmar__gap_tree_random_fit(t, 2 * PG, PG, UINTPTR_MAX, SIZE_MAX,
                                          rng_next, &r, &a, NULL));
    assert_int_equal(a % PG, 0);
    assert_true(a >= TBASE && a + 2 * PG <= TBASE + TSIZE);
    assert_true(vmar__gap_tree_range_free(t, a, 2 * PG));
    size_t page = (a - TBASE) / PG;
    if (!seen[page]) {
      seen[page] = true;
      distinct++;
    }
    gap_seen[page < 16    ? 0
             : page < 48  ? 1
             : page < 96  ? 2
             : page < 160 ? 3
                          : 4] = true;
  }
  int gaps = 0;
  for (int g = 0; g < 5; g++)
    gaps += gap_seen[g];
  assert_true(gaps >= 4);
  assert_true(distinct > 100);
}

// Results never start at or beyond lowest candidate + window.
static void random_fit__small_window_stays_in_window(void** state) {
  (void)state;
  bool seen[8] = {false};
  spread_t sp;
  vmar__gap_tree_t* t = build_spread(&sp);
  rng_t r = {13};
  for (int i = 0; i < 1000; i++) {
    uintptr_t a = 0;
    assert_true(vmar__gap_tree_random_fit(t, 10 * PG, PG, UINTPTR_MAX, 4 * PG,
                                          rng_next, &r, &a, NULL));
    // Lowest candidate is TBASE (gap of 16 pages); window covers 4 spots.
    assert_true(a >= TBASE && a < TBASE + 4 * PG && a % PG == 0);
    seen[(a - TBASE) / PG] = true;
  }
  assert_true(seen[0] && seen[1] && seen[2] && seen[3]);
}

// Candidates |align| apart inside one gap are equally likely.
static void random_fit__one_gap_is_uniform_over_candidates(void** state) {
  (void)state;
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  rng_t r = {29};
  enum { DRAWS = 32000 };
  int hits[32] = {0};
  for (int i = 0; i < DRAWS; i++) {
    uintptr_t a = 0;
    // 2-page spots on a 2-page grid, window 64p: 32 candidates.
    assert_true(vmar__gap_tree_random_fit(t, 3 * PG, 2 * PG, UINTPTR_MAX,
                                          64 * PG, rng_next, &r, &a, NULL));
    assert_true(a >= TBASE && a < TBASE + 64 * PG && a % (2 * PG) == 0);
    hits[(a - TBASE) / (2 * PG)]++;
  }
  // Expected 1000 each; 6 standard deviations is about 190.
  for (int i = 0; i < 32; i++)
    assert_true(hits[i] > 800 && hits[i] < 1200);
}

// The limit also bounds random results.
static void random_fit__limit_bounds_result(void** state) {
  (void)state;
  spread_t sp;
  vmar__gap_tree_t* t = build_spread(&sp);
  rng_t r = {17};
  uintptr_t limit = TBASE + 60 * PG + 123;
  bool gap_seen[2] = {false};
  for (int i = 0; i < 1000; i++) {
    uintptr_t a = 0;
    assert_true(vmar__gap_tree_random_fit(t, 3 * PG, 2 * PG, limit, SIZE_MAX,
                                          rng_next, &r, &a, NULL));
    assert_true(a % (2 * PG) == 0 && a + 3 * PG <= limit);
    assert_true(vmar__gap_tree_range_free(t, a, 3 * PG));
    gap_seen[a >= TBASE + 17 * PG] = true;
  }
  assert_true(gap_seen[0] && gap_seen[1]);
  uintptr_t a;
  assert_false(vmar__gap_tree_random_fit(t, 3 * PG, PG, TBASE + 3 * PG - 1,
                                         SIZE_MAX, rng_next, &r, &a, NULL));
}

// When no candidate follows the draw, it falls back to the lowest gap.
static void random_fit__draws_past_every_fit_fall_back_to_lowest(void** state) {
  (void)state;
  vmar__gap_node_t n[40];
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  // [gap 4p][node 1p] then 38 one-page gaps between one-page nodes up to
  // 81p, then a node filling the rest: only the first gap fits 2 pages.
  add(t, &n[0], TBASE + 4 * PG, PG);
  for (int i = 1; i < 39; i++)
    add(t, &n[i], TBASE + (4 + 2 * (uintptr_t)i) * PG, PG);
  add(t, &n[39], TBASE + 81 * PG, TSIZE - 81 * PG);
  assert_int_equal(total_gap(t), 42 * PG);
  // Possible starts: [0, 254p]. A draw at 41p (a one-page gap) has no spot
  // at or after it; the fallback picks v % 3 among {0, 1p, 2p}.
  uint64_t v = 42 * PG - 1;
  uintptr_t a = 0;
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, PG, UINTPTR_MAX, SIZE_MAX,
                                        const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE + (v % 3) * PG);
  v = 42 * PG - 2 - PG; // draw at 40p, v % 3 == 0
  assert_int_equal(v % 3, 0);
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, PG, UINTPTR_MAX, SIZE_MAX,
                                        const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE);
  // A draw inside the lowest gap takes the candidate it falls on.
  v = 2 * PG + 5;
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, PG, UINTPTR_MAX, SIZE_MAX,
                                        const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE + 2 * PG);
  // A window of one byte allows only the lowest candidate.
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, PG, UINTPTR_MAX, 1,
                                        const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE);
}

// A fixed draw |v| and the offset from TBASE random_fit must return.
typedef struct draw_case {
  uint64_t v;
  uintptr_t want;
} draw_case_t;

// random_fit of |size| bytes aligned to 4 pages, in a window of |window|
// bytes, returns each case's address for its draw.
static void assert_draws(vmar__gap_tree_t* t, size_t size, size_t window,
                         const draw_case_t* cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint64_t v = cases[i].v;
    uintptr_t a = 0;
    assert_true(vmar__gap_tree_random_fit(t, size, 4 * PG, UINTPTR_MAX, window,
                                          const_rand, &v, &a, NULL));
    assert_int_equal(a, TBASE + cases[i].want);
  }
}

// A fixed draw r (rounded down to the alignment) maps to the first candidate
// at or after it.
static void random_fit__fixed_draw_returns_next_candidate(void** state) {
  (void)state;
  // size 2p, align 4p: lo = TBASE; window 50p, so draws are taken modulo
  // 50p. Candidates in the window: 0..12p in [0, 16p), 20p..44p in
  // [17p, 48p); the next one (52p) is outside.
  const draw_case_t cases[] = {
      {0, 0},
      {5 * PG + 17, 4 * PG},
      {16 * PG - 1, 12 * PG},
      {14 * PG + 3, 12 * PG},
      {16 * PG, 20 * PG},     // in the node at 16p: next gap's first
      {17 * PG + 9, 20 * PG}, // in the second gap, before its first spot
      {27 * PG, 24 * PG},     // rounded down to 24p
      {47 * PG - 1, 44 * PG},
      {50 * PG + 10 * PG, 8 * PG}, // wraps modulo 50p
  };
  spread_t sp;
  vmar__gap_tree_t* t = build_spread(&sp);
  assert_draws(t, 2 * PG, 50 * PG, cases, sizeof(cases) / sizeof(cases[0]));
  // A draw at 48p + 7 is followed only by 52p, outside the window: the
  // fallback picks candidate v % 4 among {0, 4p, 8p, 12p} of the lowest gap.
  uint64_t v = 48 * PG + 7;
  uintptr_t a = 0;
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, 4 * PG, UINTPTR_MAX, 50 * PG,
                                        const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE + (v % 4) * 4 * PG);
  // The window's edge: 52p is refused with a 52p window (the same fallback)
  // and taken with one byte more.
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, 4 * PG, UINTPTR_MAX, 52 * PG,
                                        const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE + (v % 4) * 4 * PG);
  assert_true(vmar__gap_tree_random_fit(t, 2 * PG, 4 * PG, UINTPTR_MAX,
                                        52 * PG + 1, const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE + 52 * PG);
}

// When alignment puts the lowest candidate inside its gap, draws start at
// that candidate, not at the gap's start.
static void random_fit__unaligned_gap_start_counts_from_lowest(void** state) {
  (void)state;
  spread_t sp;
  vmar__gap_tree_t* t = build_spread(&sp);
  // size 20p, align 4p: lo = 20p inside [17p, 48p), candidates 20p, 24p,
  // 28p; window 30p: draws in [20p, 50p).
  const draw_case_t cases[] = {
      {0, 20 * PG},           // draw 20p, the lowest candidate
      {4 * PG - 1, 20 * PG},  // draw 24p - 1
      {8 * PG - 1, 24 * PG},  // draw 28p - 1
      {8 * PG, 28 * PG},      // draw 28p
      {10 * PG + 5, 28 * PG}, // draw 30p + 5, rounded down to 28p
      {30 * PG, 20 * PG},     // wraps modulo 30p
  };
  assert_draws(t, 20 * PG, 30 * PG, cases, sizeof(cases) / sizeof(cases[0]));
  // A draw at 32p + 6: 32p + 20p passes the node at 48p and the third gap's
  // first candidate (52p) is outside the window: fallback among
  // {20p, 24p, 28p}.
  uint64_t v = 12 * PG + 6;
  uintptr_t a = 0;
  assert_true(vmar__gap_tree_random_fit(t, 20 * PG, 4 * PG, UINTPTR_MAX,
                                        30 * PG, const_rand, &v, &a, NULL));
  assert_int_equal(a, TBASE + 20 * PG + (v % 3) * 4 * PG);
}

// A full tree yields false whatever the window.
static void random_fit__full_tree_returns_false(void** state) {
  (void)state;
  vmar__gap_node_t n;
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  add(t, &n, TBASE, TSIZE);
  rng_t r = {19};
  uintptr_t a = 0x77;
  assert_false(vmar__gap_tree_random_fit(t, 1, 1, UINTPTR_MAX, SIZE_MAX,
                                         rng_next, &r, &a, NULL));
  assert_false(vmar__gap_tree_random_fit(t, 1, 1, UINTPTR_MAX, 0, rng_next, &r,
                                         &a, NULL));
  assert_int_equal(a, 0x77);
}

// ---------------------------------------------------------------------------
// Node layout and kind.

// The node is seven words and the tree two, as the VMAR budget requires.
static void layout__node_and_tree_sizes(void** state) {
  (void)state;
  if (sizeof(void*) == 8)
    assert_int_equal(sizeof(vmar__gap_node_t), 56);
  assert_int_equal(sizeof(vmar__gap_tree_t), 2 * sizeof(void*));
  assert_true(_Alignof(vmar__gap_node_t) >= 8);
}

// The kind survives insertion, rebalancing, removal, detach_all and use of
// the parent word as a free link; setting it leaves the tree intact.
static void kind__survives_tree_operations_and_links(void** state) {
  (void)state;
  enum { N = 300 };
  static vmar__gap_node_t n[N];
  memset(n, 0, sizeof(n));
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, 0, (size_t)N * 2 * PG);
  vmar__gap_node_set_kind(&own.o, 3);
  for (size_t i = 0; i < N; i++) {
    vmar__gap_node_set_kind(&n[i], (unsigned)i % 4);
    assert_int_equal(vmar__gap_node_kind(&n[i]), i % 4);
    n[i].base = (2 * i + 1) * PG; // ascending: many rotations
    n[i].size = PG;
    vmar__gap_tree_insert(t, &n[i]);
  }
  assert_true(vmar__gap_tree_check(t));
  for (size_t i = 0; i < N; i++) {
    assert_int_equal(vmar__gap_node_kind(&n[i]), i % 4);
    // Every node but the root has a parent that links back to it.
    vmar__gap_node_t* p = vmar__gap_node_parent(&n[i]);
    if (&n[i] == t->root)
      assert_null(p);
    else
      assert_true(p->left == &n[i] || p->right == &n[i]);
  }
  // Changing kinds in place leaves colours and parents alone.
  for (size_t i = 0; i < N; i++)
    vmar__gap_node_set_kind(&n[i], 3 - (unsigned)i % 4);
  assert_true(vmar__gap_tree_check(t));
  for (size_t i = 0; i < N; i += 2) {
    del(t, &n[i]);
    assert_int_equal(vmar__gap_node_kind(&n[i]), 3 - i % 4);
    assert_null(vmar__gap_node_link_next(&n[i]));
    assert_null(n[i].left);
    assert_null(n[i].right);
  }
  for (size_t i = 1; i < N; i += 2)
    assert_int_equal(vmar__gap_node_kind(&n[i]), 3 - i % 4);
  // Removed nodes chained through the parent word keep their kind.
  vmar__gap_node_t* chain = NULL;
  for (size_t i = 0; i < N; i += 2) {
    vmar__gap_node_set_link_next(&n[i], chain);
    chain = &n[i];
  }
  size_t walked = 0;
  for (vmar__gap_node_t* x = chain; x; x = vmar__gap_node_link_next(x)) {
    size_t i = (size_t)(x - n);
    assert_int_equal(vmar__gap_node_kind(x), 3 - i % 4);
    walked++;
  }
  assert_int_equal(walked, N / 2);
  // Reinserting a linked node works and keeps its kind.
  vmar__gap_node_t* x = chain;
  chain = vmar__gap_node_link_next(x);
  vmar__gap_tree_insert(t, x);
  assert_true(vmar__gap_tree_check(t));
  assert_int_equal(vmar__gap_node_kind(x), 3 - (size_t)(x - n) % 4);
  for (vmar__gap_node_t* d = vmar__gap_tree_detach_all(t); d; d = d->left)
    assert_int_equal(vmar__gap_node_kind(d), 3 - (size_t)(d - n) % 4);
  // The owner is never written.
  assert_int_equal(vmar__gap_node_kind(&own.o), 3);
  assert_int_equal(own.o.size, (size_t)N * 2 * PG);
}

// ---------------------------------------------------------------------------
// detach_all and check.

// Detaching 100000 nodes returns each exactly once and empties the tree.
static void detach_all__many_nodes_returns_each_once(void** state) {
  (void)state;
  enum { N = 100000 };
  rng_t r = {23};
  static vmar__gap_node_t n[N];
  memset(n, 0, sizeof(n));
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, 0, (size_t)N * 2 * PG);
  for (size_t i = 0; i < N; i++) {
    // Interleave two halves so the shape is not a plain ascending build.
    size_t slot = i % 2 ? i / 2 : N - 1 - i / 2;
    n[i].base = (2 * slot + rng_below(&r, 2)) * PG;
    n[i].size = PG;
    vmar__gap_tree_insert(t, &n[i]);
  }
  assert_true(vmar__gap_tree_check(t));
  assert_int_equal(count_nodes(t), N);
  size_t got = 0;
  for (vmar__gap_node_t* x = vmar__gap_tree_detach_all(t); x; x = x->left) {
    assert_true(x >= n && x < n + N);
    assert_int_equal(vmar__gap_node_kind(x), 0);
    assert_null(vmar__gap_node_link_next(x));
    vmar__gap_node_set_kind(x, 1);
    got++;
    assert_true(got <= N);
  }
  assert_int_equal(got, N);
  for (size_t i = 0; i < N; i++)
    assert_int_equal(vmar__gap_node_kind(&n[i]), 1);
  assert_null(t->root);
  assert_int_equal(count_nodes(t), 0);
  assert_true(vmar__gap_tree_check(t));
}

// Detaching an empty tree returns an empty list.
static void detach_all__empty_tree_returns_null(void** state) {
  (void)state;
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  assert_null(vmar__gap_tree_detach_all(t));
  assert_null(t->root);
}

// Replaces the parent part of |n|'s packed word, keeping colour and kind.
static void poke_parent(vmar__gap_node_t* n, vmar__gap_node_t* p) {
  n->parent_bits = (n->parent_bits & ~VMAR__GAP_NODE_PTR_MASK) | (uintptr_t)p;
}

static void flip_color(vmar__gap_node_t* n) {
  n->parent_bits ^= VMAR__GAP_NODE_COLOR_BIT;
}

// Corrupting any augmented field, link, colour or ordering makes check fail.
static void check__corrupted_fields_return_false(void** state) {
  (void)state;
  fixture_t f;
  build(&f);
  vmar__gap_node_t* root = f.t.root;
  assert_ptr_equal(root, &f.b);

  f.c.gap++;
  assert_false(vmar__gap_tree_check(&f.t));
  f.c.gap--;
  root->max_gap++;
  assert_false(vmar__gap_tree_check(&f.t));
  root->max_gap--;
  f.a.max_gap--;
  assert_false(vmar__gap_tree_check(&f.t));
  f.a.max_gap++;
  // Colours: a red root; a black leaf beside a red one (black heights
  // differ).
  flip_color(root);
  assert_false(vmar__gap_tree_check(&f.t));
  flip_color(root);
  flip_color(&f.a);
  assert_false(vmar__gap_tree_check(&f.t));
  flip_color(&f.a);
  poke_parent(&f.c, &f.a);
  assert_false(vmar__gap_tree_check(&f.t));
  poke_parent(&f.c, root);
  assert_true(vmar__gap_tree_check(&f.t));
  // The kind bits are not part of the tree's invariants.
  vmar__gap_node_set_kind(&f.c, 2);
  assert_true(vmar__gap_tree_check(&f.t));
  f.owner.size = 9 * PG; // C now pokes out of the range
  assert_false(vmar__gap_tree_check(&f.t));
  f.owner.size = TSIZE;
  assert_true(vmar__gap_tree_check(&f.t));

  // Overlap: B grows into C's first page (gaps adjusted to stay consistent
  // is impossible, so only ordering can flag it).
  f.b.size = 7 * PG;
  assert_false(vmar__gap_tree_check(&f.t));
  f.b.size = 2 * PG;
  assert_true(vmar__gap_tree_check(&f.t));

  // Imbalance: a right-leaning chain with correct augmentation fails under
  // any colouring: all black (black heights differ) or a red run.
  vmar__gap_node_t n[3];
  owned_t own;
  vmar__gap_tree_t* t = init_owned(&own, TBASE, TSIZE);
  memset(n, 0, sizeof(n));
  for (int i = 0; i < 3; i++) {
    n[i].base = TBASE + (2 * (uintptr_t)i + 1) * PG;
    n[i].size = PG;
    n[i].gap = PG;
    n[i].max_gap = PG;
  }
  n[0].right = &n[1];
  poke_parent(&n[1], &n[0]);
  n[1].right = &n[2];
  poke_parent(&n[2], &n[1]);
  t->root = &n[0];
  t->last = &n[2];
  assert_false(vmar__gap_tree_check(t));
  flip_color(&n[1]);
  flip_color(&n[2]);
  assert_false(vmar__gap_tree_check(t));
  flip_color(&n[1]);
  assert_false(vmar__gap_tree_check(t));
  // The same three nodes rebalanced pass.
  n[0].right = NULL;
  n[1].left = &n[0];
  poke_parent(&n[0], &n[1]);
  poke_parent(&n[1], NULL);
  flip_color(&n[0]);
  t->root = &n[1];
  assert_true(vmar__gap_tree_check(t));
  // A stale pointer to the highest node is caught too.
  t->last = &n[1];
  assert_false(vmar__gap_tree_check(t));
  t->last = NULL;
  assert_false(vmar__gap_tree_check(t));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(init__fresh_tree_is_empty_and_valid),
      cmocka_unit_test(insert__before_existing_updates_successor_gap),
      cmocka_unit_test(insert__monotonic_order_stays_balanced),
      cmocka_unit_test(remove__middle_node_merges_into_successor_gap),
      cmocka_unit_test(remove__last_node_extends_tail),
      cmocka_unit_test(remove__random_order_keeps_invariants),
      cmocka_unit_test(find__inside_and_outside_ranges_exact),
      cmocka_unit_test(lower_bound__gap_and_inside_return_covering_or_next),
      cmocka_unit_test(next__in_order_walk_visits_all_then_null),
      cmocka_unit_test(range_free__overlap_and_adjacent_exact),
      cmocka_unit_test(first_fit__gap_at_start_returns_base),
      cmocka_unit_test(first_fit__gap_in_middle_returns_gap_start),
      cmocka_unit_test(first_fit__only_tail_fits_returns_tail_start),
      cmocka_unit_test(first_fit__alignment_skips_misaligned_gap),
      cmocka_unit_test(first_fit__oversized_or_unalignable_returns_false),
      cmocka_unit_test(first_fit__limit_excludes_later_spots),
      cmocka_unit_test(first_fit__full_tree_returns_false),
      cmocka_unit_test(first_fit__byte_granular_gaps_exact),
      cmocka_unit_test(first_fit__top_of_address_space_no_wrap),
      cmocka_unit_test(first_fit__random_ops_match_naive_model),
      cmocka_unit_test(first_fit__random_ops_near_top_match_naive_model),
      cmocka_unit_test(random_fit__window_zero_equals_first_fit),
      cmocka_unit_test(random_fit__unbounded_window_spreads_over_gaps),
      cmocka_unit_test(random_fit__small_window_stays_in_window),
      cmocka_unit_test(random_fit__one_gap_is_uniform_over_candidates),
      cmocka_unit_test(random_fit__limit_bounds_result),
      cmocka_unit_test(random_fit__draws_past_every_fit_fall_back_to_lowest),
      cmocka_unit_test(random_fit__fixed_draw_returns_next_candidate),
      cmocka_unit_test(random_fit__unaligned_gap_start_counts_from_lowest),
      cmocka_unit_test(random_fit__full_tree_returns_false),
      cmocka_unit_test(layout__node_and_tree_sizes),
      cmocka_unit_test(kind__survives_tree_operations_and_links),
      cmocka_unit_test(detach_all__many_nodes_returns_each_once),
      cmocka_unit_test(detach_all__empty_tree_returns_null),
      cmocka_unit_test(check__corrupted_fields_return_false),
  };
  return cmocka_run_group_tests_name("unit.gap_tree", tests, NULL, NULL);
}
