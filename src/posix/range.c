// SPDX-License-Identifier: MIT
// Locks, walks and tree edits shared by the calls on mapped ranges (see
// range.h).

#include "range.h"

#include <errno.h>
#include <string.h>

#include "sys.h"

static uintptr_t min_addr(uintptr_t a, uintptr_t b) { return a < b ? a : b; }
static uintptr_t max_addr(uintptr_t a, uintptr_t b) { return a > b ? a : b; }

// ---- Page ranges -----------------------------------------------------------

// ---- Locking a range -------------------------------------------------------

void vmar__unlock_range_slow(vmar__lockset_t* ls) {
  while (ls->n > 0) {
    vmar__unlock(&ls->tops[--ls->n]->lock);
  }
  vmar__unlock(&ls->region->top->lock);
  if (ls->tops != ls->small) {
    vmar__free(ls->tops);
  }
}

// Appends |t| to the locked reservations, growing the list if needed.
static bool lockset_push(vmar__lockset_t* ls, vmar__top_t* t) {
  if (ls->n == ls->cap) {
    vmar__top_t** bigger = vmar__malloc(2 * ls->cap * sizeof(*bigger));
    if (bigger == NULL) {
      return false;
    }
    memcpy(bigger, ls->tops, ls->n * sizeof(*bigger));
    if (ls->tops != ls->small) {
      vmar__free(ls->tops);
    }
    ls->tops = bigger;
    ls->cap *= 2;
  }
  vmar__lock(&t->lock);
  ls->tops[ls->n++] = t;
  return true;
}

vmar_status_t vmar__lock_range_in_root(vmar__region_t* r, uintptr_t a,
                                       uintptr_t b, vmar__lockset_t* ls) {
  ls->tops = ls->small;
  ls->n = 0;
  ls->cap = sizeof(ls->small) / sizeof(ls->small[0]);
  vmar__lock(&r->top->lock);
  for (vmar__gap_node_t* n = vmar__gap_tree_lower_bound(&r->children, a);
       n != NULL && n->base < b; n = vmar__gap_tree_next(n)) {
    if (!vmar__is_mapping(n) && !lockset_push(ls, vmar__as_region(n)->top)) {
      vmar__unlock_range(ls);
      return VMAR_ERR_NO_MEMORY;
    }
  }
  return VMAR_OK;
}

// ---- Walking a range at every depth ----------------------------------------

vmar__gap_node_t* vmar__walk_first(vmar__walk_t* w, vmar__region_t* r,
                                   uintptr_t a, uintptr_t b) {
  return vmar__walk_from(w, r, vmar__gap_tree_lower_bound(&r->children, a), a,
                         b);
}

vmar__gap_node_t* vmar__walk_from(vmar__walk_t* w, vmar__region_t* r,
                                  vmar__gap_node_t* first, uintptr_t a,
                                  uintptr_t b) {
  w->r = r;
  w->a = a;
  w->b = b;
  w->depth = 1;
  return first != NULL && first->base < b ? first : NULL;
}

static vmar__region_t* holder_of(vmar__gap_node_t* n) {
  return vmar__is_mapping(n) ? vmar__as_mapping(n)->region
                             : vmar__as_region(n)->parent;
}

vmar__gap_node_t* vmar__walk_next(vmar__walk_t* w, vmar__gap_node_t* n) {
  if (!vmar__is_mapping(n)) {
    vmar__gap_node_t* c =
        vmar__gap_tree_lower_bound(&vmar__as_region(n)->children, w->a);
    if (c != NULL && c->base < w->b) {
      w->depth++;
      return c;
    }
  }
  for (;;) {
    // Whatever follows |n| (or a VMAR holding it) starts at its end or
    // later: once that reaches b the walk is over, no successor needed.
    if (vmar__end_of(n) >= w->b) {
      return NULL;
    }
    vmar__gap_node_t* s = vmar__gap_tree_next(n);
    if (s != NULL && s->base < w->b) {
      return s;
    }
    vmar__region_t* h = holder_of(n);
    if (h == w->r) {
      return NULL;
    }
    n = &h->node;
    w->depth--;
  }
}

// ---- Editing mapping pieces ------------------------------------------------

void vmar__piece_trim(vmar__mapping_t* m, uintptr_t base, size_t size) {
  vmar__gap_tree_t* t = &m->region->children;
  vmar__gap_tree_remove(t, &m->node);
  m->vmo_offset += base - m->node.base;
  m->node.base = base;
  m->node.size = size;
  vmar__root_taken(m->region);
  vmar__gap_tree_insert(t, &m->node);
}

void vmar__piece_add(vmar__mapping_t* m, vmar__mapping_t* piece, uintptr_t base,
                     size_t size) {
  m->split = true;
  *piece = *m;
  piece->node.left = piece->node.right = NULL;
  vmar__gap_node_set_link_next(&piece->node, NULL); // keeps the kind
  piece->vmo_offset = m->vmo_offset + (base - m->node.base);
  piece->node.base = base;
  piece->node.size = size;
  vmar__object_retain(&piece->vmo->obj);
  vmar__root_taken(m->region);
  vmar__gap_tree_insert(&m->region->children, &piece->node);
}

// Queues a node that left its tree for dropping after the locks are gone.
static void bury_mapping(vmar__graveyard_t* g, vmar__gap_node_t* n) {
  n->right = g->mappings;
  g->mappings = n;
}

// Counts a mapping more or less for |m|'s VMO.
static void count_mappings(const vmar__mapping_t* m, int delta) {
  if (delta > 0) {
    atomic_fetch_add_explicit(&m->vmo->mappings, 1, memory_order_relaxed);
  } else if (delta < 0) {
    atomic_fetch_sub_explicit(&m->vmo->mappings, 1, memory_order_relaxed);
  }
}

// |m| is about to lose its end: a piece of the same mapping right after it
// starts a mapping of its own from then on.
static void detach_successor(vmar__mapping_t* m) {
  if (!m->split) {
    return; // no other piece shares its id
  }
  vmar__gap_node_t* s = vmar__gap_tree_next(&m->node);
  if (s != NULL && vmar__is_mapping(s) && s->base == vmar__end_of(&m->node)) {
    vmar__mapping_t* q = vmar__as_mapping(s);
    if (q->id == m->id && !q->head) {
      q->head = true;
      count_mappings(q, +1);
    }
  }
}

// Cutting keeps Zircon's count of mappings: a mapping cut in two is two,
// and a piece whose neighbour of the same mapping goes starts one.
void vmar__cut_range(vmar__region_t* r, vmar__gap_node_t* first, uintptr_t a,
                     uintptr_t b, vmar__mapping_t** spare,
                     vmar__graveyard_t* g) {
  vmar__gap_node_t* n = first;
  while (n != NULL && n->base < b) {
    // Children never overlap: once one reaches b, no later one starts
    // before it, and its successor need not be looked up.
    const uintptr_t nb = n->base;
    const uintptr_t ne = vmar__end_of(n);
    vmar__gap_node_t* next = ne >= b ? NULL : vmar__gap_tree_next(n);
    if (!vmar__is_mapping(n)) {
      vmar__gap_tree_remove(&r->children, n);
      vmar__region_kill(vmar__as_region(n), g);
      n = next;
      continue;
    }
    vmar__mapping_t* m = vmar__as_mapping(n);
    if (nb < a && ne > b) {
      vmar__piece_add(m, *spare, b, ne - b);
      (*spare)->head = true; // the part after the hole: a mapping of its own
      count_mappings(*spare, +1);
      *spare = NULL;
      vmar__piece_trim(m, nb, a - nb);
    } else if (nb < a) {
      detach_successor(m);
      vmar__piece_trim(m, nb, a - nb);
    } else if (ne > b) {
      if (!m->head) {
        m->head = true; // what came before it is gone
        count_mappings(m, +1);
      }
      vmar__piece_trim(m, b, ne - b);
    } else {
      detach_successor(m);
      if (m->head) {
        count_mappings(m, -1);
      }
      vmar__gap_tree_remove(&r->children, n);
      bury_mapping(g, n);
    }
    n = next;
  }
}

// Pieces |p| and |q| (adjacent, q after p) can be one piece again.
static bool mergeable(const vmar__mapping_t* p, const vmar__mapping_t* q) {
  return p->region == q->region && p->id == q->id && p->perms == q->perms &&
         p->backed == q->backed && vmar__end_of(&p->node) == q->node.base &&
         p->vmo_offset + p->node.size == q->vmo_offset;
}

void vmar__coalesce(vmar__region_t* r, uintptr_t a, uintptr_t b,
                    vmar__graveyard_t* g) {
  vmar__walk_t w;
  uintptr_t from = a > r->node.base ? a - 1 : a;
  uintptr_t to = min_addr(b + 1, vmar__end_of(&r->node));
  for (vmar__gap_node_t* n = vmar__walk_first(&w, r, from, to); n != NULL;
       n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n)) {
      continue;
    }
    vmar__mapping_t* p = vmar__as_mapping(n);
    vmar__gap_node_t* s;
    while ((s = vmar__gap_tree_next(n)) != NULL && vmar__is_mapping(s) &&
           mergeable(p, vmar__as_mapping(s))) {
      size_t grown = p->node.size + s->size;
      vmar__gap_tree_remove(&p->region->children, s);
      bury_mapping(g, s);
      vmar__piece_trim(p, p->node.base, grown);
    }
  }
}

// ---- Giving a range back to its reservation --------------------------------
//
// At vm.max_map_count Linux refuses even a reservation that only replaces
// whole host mappings (it counts the new one before the old ones go), and
// says ENOMEM, as it does for a real shortage; /proc tells which it is.
// Taking every permission from those mappings needs no new host mapping, so
// it still works: the pieces are *retired* in place, inaccessible like the
// reservation around them, and the span is remembered on the reservation.
// Their pages are held until the span is laid over again: by the next clear
// in the same reservation that the host accepts, by a mapping placed there,
// or by destroying the reservation.

// Makes room for one more retired span; false when memory runs out.
static bool retired_room(vmar__top_t* t) {
  if (t->retired_cap == 0) {
    t->retired = t->retired_inline;
    t->retired_cap = sizeof(t->retired_inline) / (2 * sizeof(uintptr_t));
  }
  if (t->retired_count < t->retired_cap) {
    return true;
  }
  size_t cap = 2 * t->retired_cap;
  uintptr_t* bigger = vmar__malloc(2 * cap * sizeof(*bigger));
  if (bigger == NULL) {
    return false;
  }
  if (t->retired_count > 0) {
    memcpy(bigger, t->retired, 2 * t->retired_count * sizeof(*bigger));
  }
  if (t->retired != t->retired_inline) {
    vmar__free(t->retired);
  }
  t->retired = bigger;
  t->retired_cap = cap;
  return true;
}

// Takes every permission from [lo, hi), which holds mapping pieces, the last
// starting at |last|. Only the two ends can need a host mapping split; the
// last piece goes first, so either step fails before it changed anything,
// and the first step is undone if the second fails.
static int retire(uintptr_t lo, uintptr_t last, uintptr_t hi, int last_prot) {
  int err = vmar__sys_protect(last, hi - last, vmar__sys_prot(0));
  if (err != 0 || last == lo) {
    return err;
  }
  err = vmar__sys_protect(lo, last - lo, vmar__sys_prot(0));
  if (err != 0) {
    (void)vmar__sys_protect(last, hi - last, last_prot);
  }
  return err;
}

// The first and last backed mapping pieces in [a, b) of |r|, at any depth.
// Unbacked pieces were never given to the host: their range is reserved.
static bool backed_span(vmar__region_t* r, vmar__gap_node_t* from, uintptr_t a,
                        uintptr_t b, const vmar__mapping_t** first,
                        const vmar__mapping_t** last) {
  *first = NULL;
  *last = NULL;
  if (from != NULL && vmar__is_mapping(from) && from->base <= a &&
      vmar__end_of(from) >= b) {
    // One mapping covers the range (the usual unmap): nothing else can.
    *first = *last = vmar__as_mapping(from);
    return (*first)->backed;
  }
  vmar__walk_t w;
  for (vmar__gap_node_t* n = vmar__walk_from(&w, r, from, a, b); n != NULL;
       n = vmar__walk_next(&w, n)) {
    if (vmar__is_mapping(n) && vmar__as_mapping(n)->backed) {
      *first = *first != NULL ? *first : vmar__as_mapping(n);
      *last = vmar__as_mapping(n);
    }
  }
  return *first != NULL;
}

// Lays a reservation over the parts of [a, b) that no backed mapping covers
// (the rest of a retired span may have been mapped again since). Returns 0,
// or the first error, at which it stops.
static int reserve_free_parts(vmar__region_t* top, uintptr_t a, uintptr_t b) {
  vmar__walk_t w;
  uintptr_t cursor = a;
  int err = 0;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, top, a, b);
       n != NULL && err == 0; n = vmar__walk_next(&w, n)) {
    if (vmar__is_mapping(n) && vmar__as_mapping(n)->backed) {
      if (n->base > cursor) {
        err = vmar__sys_rereserve(cursor, n->base - cursor);
      }
      cursor = max_addr(cursor, vmar__end_of(n));
    }
  }
  if (err == 0 && cursor < b) {
    err = vmar__sys_rereserve(cursor, b - cursor);
  }
  return err;
}

// After the host accepted a new reservation in |t|, the retired spans get
// theirs too, while it keeps accepting.
static void sweep_retired(vmar__top_t* t) {
  if (t->retired == NULL) {
    return;
  }
  while (t->retired_count > 0) {
    const size_t i = t->retired_count - 1;
    if (reserve_free_parts(&t->region, t->retired[2 * i],
                           t->retired[2 * i + 1]) != 0) {
      return;
    }
    t->retired_count--;
  }
  if (t->retired != t->retired_inline) {
    vmar__free(t->retired);
  }
  t->retired = NULL;
  t->retired_cap = 0;
}

int vmar__clear_range(vmar__region_t* r, vmar__gap_node_t* from, uintptr_t a,
                      uintptr_t b) {
  const vmar__mapping_t* first;
  const vmar__mapping_t* last;
  if (!backed_span(r, from, a, b, &first, &last)) {
    return 0; // nothing mapped: the range is reserved already
  }
  const uintptr_t lo = max_addr(a, first->node.base);
  const uintptr_t hi = min_addr(b, vmar__end_of(&last->node));
  return vmar__cleared(r->top, lo, hi, last, vmar__sys_rereserve(lo, hi - lo));
}

int vmar__cleared(vmar__top_t* t, uintptr_t lo, uintptr_t hi,
                  const vmar__mapping_t* last, int err) {
  if (err == 0) {
    sweep_retired(t);
  } else if (err == ENOMEM && vmar__sys_at_map_limit() && retired_room(t)) {
    err = retire(lo, max_addr(lo, last->node.base), hi,
                 vmar__sys_prot(last->perms));
    if (err == 0) {
      t->retired[2 * t->retired_count] = lo;
      t->retired[2 * t->retired_count + 1] = hi;
      t->retired_count++;
    }
  }
  return err;
}
