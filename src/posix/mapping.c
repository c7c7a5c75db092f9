// SPDX-License-Identifier: MIT
// POSIX backend: mappings of VMOs into VMARs, and the calls that act on
// mapped ranges (unmap, protect, op_range, get_maps).
//
// Inside a reservation a mapping is a MAP_SHARED|MAP_FIXED mapping of the
// VMO's file laid over the PROT_NONE reservation; unmapping lays a fresh
// reservation back over it, so the host merges it with the free space
// around it and the reservation never gets a hole. In the root a mapping is
// an ordinary host mapping placed by the host.
//
// Every call checks everything first, then makes its host calls, then
// changes the trees: a failing host call leaves the trees as they were.

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "object.h"
#include "sys.h"
#include "validate.h"

static atomic_uint_fast64_t next_mapping_id = 1;

// NULL only if the root could not be set up (out of memory at first use).
static vmar__region_t* root_region(void) {
  vmar__top_t* root = vmar__posix()->root;
  return root != NULL ? &root->region : NULL;
}

static bool is_mapping(const vmar__gap_node_t* n) {
  return vmar__gap_node_kind(n) == VMAR__NODE_MAPPING;
}

static vmar__mapping_t* as_mapping(vmar__gap_node_t* n) {
  return VMAR__CONTAINER_OF(n, vmar__mapping_t, node);
}

static vmar__region_t* as_region(vmar__gap_node_t* n) {
  return VMAR__CONTAINER_OF(n, vmar__region_t, node);
}

static uintptr_t end_of(const vmar__gap_node_t* n) { return n->base + n->size; }

static uintptr_t max_addr(uintptr_t a, uintptr_t b) { return a > b ? a : b; }
static uintptr_t min_addr(uintptr_t a, uintptr_t b) { return a < b ? a : b; }

// ---- Locking a range -------------------------------------------------------
//
// A call on a VMAR inside a reservation takes the reservation's lock. A call
// on the root that reaches into reservations also takes theirs, in address
// order after the root's (no other path takes two reservation locks).

typedef struct lockset {
  vmar__region_t* region;
  vmar__top_t** tops;
  size_t n;
  size_t cap;
  vmar__top_t* small[8];
} lockset_t;

static void unlock_range(lockset_t* ls) {
  while (ls->n > 0) {
    pthread_mutex_unlock(&ls->tops[--ls->n]->lock);
  }
  pthread_mutex_unlock(&ls->region->top->lock);
  if (ls->tops != ls->small) {
    vmar__free(ls->tops);
  }
}

static vmar_status_t lock_range(vmar__region_t* r, uintptr_t a, uintptr_t b,
                                lockset_t* ls) {
  ls->region = r;
  ls->tops = ls->small;
  ls->n = 0;
  ls->cap = sizeof(ls->small) / sizeof(ls->small[0]);
  pthread_mutex_lock(&r->top->lock);
  if (r != root_region() || a >= b) {
    return VMAR_OK;
  }
  for (vmar__gap_node_t* n = vmar__gap_tree_lower_bound(&r->children, a);
       n != NULL && n->base < b; n = vmar__gap_tree_next(n)) {
    if (is_mapping(n)) {
      continue;
    }
    if (ls->n == ls->cap) {
      vmar__top_t** bigger = vmar__malloc(2 * ls->cap * sizeof(*bigger));
      if (bigger == NULL) {
        unlock_range(ls);
        return VMAR_ERR_NO_MEMORY;
      }
      memcpy(bigger, ls->tops, ls->n * sizeof(*bigger));
      if (ls->tops != ls->small) {
        vmar__free(ls->tops);
      }
      ls->tops = bigger;
      ls->cap *= 2;
    }
    vmar__top_t* t = as_region(n)->top;
    pthread_mutex_lock(&t->lock);
    ls->tops[ls->n++] = t;
  }
  return VMAR_OK;
}

// ---- Walking a range at every depth ----------------------------------------
//
// Depth-first, in address order, over the descendants of |w->r| that meet
// [a, b): a sub-VMAR comes before its contents. No recursion and no stack:
// every node knows the VMAR that holds it.

typedef struct walk {
  vmar__region_t* r;
  uintptr_t a, b;
  size_t depth; // 1 for direct children of r
} walk_t;

static vmar__gap_node_t* walk_first(walk_t* w, vmar__region_t* r, uintptr_t a,
                                    uintptr_t b) {
  w->r = r;
  w->a = a;
  w->b = b;
  w->depth = 1;
  vmar__gap_node_t* n = vmar__gap_tree_lower_bound(&r->children, a);
  return n != NULL && n->base < b ? n : NULL;
}

static vmar__region_t* holder_of(vmar__gap_node_t* n) {
  return is_mapping(n) ? as_mapping(n)->region : as_region(n)->parent;
}

static vmar__gap_node_t* walk_next(walk_t* w, vmar__gap_node_t* n) {
  if (!is_mapping(n)) {
    vmar__gap_node_t* c =
        vmar__gap_tree_lower_bound(&as_region(n)->children, w->a);
    if (c != NULL && c->base < w->b) {
      w->depth++;
      return c;
    }
  }
  for (;;) {
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

// ---- Editing mappings ------------------------------------------------------

static void set_range(vmar__region_t* r, vmar__mapping_t* m, uintptr_t base,
                      size_t size) {
  vmar__gap_tree_remove(&r->children, &m->node);
  m->vmo_offset += base - m->node.base;
  m->node.base = base;
  m->node.size = size;
  vmar__gap_tree_insert(&r->children, &m->node);
}

// Makes |piece| (spare memory) a copy of |m| covering [base, base + size) of
// m's range, and inserts it. The copy holds its own VMO reference.
static void add_piece(vmar__mapping_t* m, vmar__mapping_t* piece,
                      uintptr_t base, size_t size) {
  *piece = *m;
  piece->node.left = piece->node.right = NULL;
  vmar__gap_node_set_link_next(&piece->node, NULL); // keeps the kind
  piece->vmo_offset = m->vmo_offset + (base - m->node.base);
  piece->node.base = base;
  piece->node.size = size;
  vmar__object_retain(&piece->vmo->obj);
  vmar__gap_tree_insert(&m->region->children, &piece->node);
}

// Removes [a, b) from the direct children of |r|: mappings are trimmed,
// split (using |*spare|) or removed, sub-VMARs (entirely inside, checked by
// the caller) destroyed. What must be dropped goes to |g|.
// |first| is the lower bound of |a| in r's children (the caller has it).
static void cut_range(vmar__region_t* r, vmar__gap_node_t* first, uintptr_t a,
                      uintptr_t b, vmar__mapping_t** spare,
                      vmar__graveyard_t* g) {
  vmar__gap_node_t* n = first;
  while (n != NULL && n->base < b) {
    // Children never overlap: once one reaches b, no later one starts
    // before it, and its successor need not be looked up.
    vmar__gap_node_t* next = end_of(n) >= b ? NULL : vmar__gap_tree_next(n);
    const uintptr_t nb = n->base;
    const uintptr_t ne = end_of(n);
    if (!is_mapping(n)) {
      vmar__gap_tree_remove(&r->children, n);
      vmar__region_kill(as_region(n), g);
    } else if (nb < a && ne > b) {
      vmar__mapping_t* m = as_mapping(n);
      add_piece(m, *spare, b, ne - b);
      *spare = NULL;
      set_range(r, m, nb, a - nb);
    } else if (nb < a) {
      set_range(r, as_mapping(n), nb, a - nb);
    } else if (ne > b) {
      set_range(r, as_mapping(n), b, ne - b);
    } else {
      vmar__gap_tree_remove(&r->children, n);
      n->right = g->mappings;
      g->mappings = n;
    }
    n = next;
  }
}

// Pieces |p| and |q| (adjacent, q after p) can be one piece again.
static bool mergeable(const vmar__mapping_t* p, const vmar__mapping_t* q) {
  return p->region == q->region && p->id == q->id && p->perms == q->perms &&
         p->backed == q->backed && end_of(&p->node) == q->node.base &&
         p->vmo_offset + p->node.size == q->vmo_offset;
}

// Merges equal neighbouring pieces in [a, b) and at its edges, so protection
// ranges coalesce as on Zircon.
static void coalesce(vmar__region_t* r, uintptr_t a, uintptr_t b,
                     vmar__graveyard_t* g) {
  walk_t w;
  uintptr_t from = a > r->node.base ? a - 1 : a;
  uintptr_t to = min_addr(b + 1, end_of(&r->node));
  for (vmar__gap_node_t* n = walk_first(&w, r, from, to); n != NULL;
       n = walk_next(&w, n)) {
    if (!is_mapping(n)) {
      continue;
    }
    vmar__mapping_t* p = as_mapping(n);
    vmar__gap_node_t* s;
    while ((s = vmar__gap_tree_next(n)) != NULL && is_mapping(s) &&
           mergeable(p, as_mapping(s))) {
      size_t grown = p->node.size + s->size;
      vmar__gap_tree_remove(&p->region->children, s);
      s->right = g->mappings;
      g->mappings = s;
      set_range(p->region, p, p->node.base, grown);
    }
  }
}

// Notes that something is mapped at or below |r|.
static void mark_mapped(vmar__region_t* r) {
  for (; r != NULL && !(r->obj.flags & VMAR__REGION_HAD_MAPPINGS);
       r = r->parent) {
    r->obj.flags |= VMAR__REGION_HAD_MAPPINGS;
  }
}

// ---- vmar_map --------------------------------------------------------------

// Checks of zx_vmar_map that need no lock (SPEC 2.4 steps 2-14).
static vmar_status_t check_map(const vmar__region_t* r, vmar_rights_t rr,
                               const vmar__vmo_t* v, vmar_rights_t vr,
                               vmar_vm_option_t* options, uint64_t vmo_offset,
                               size_t len, size_t* rlen, size_t* align) {
  const size_t page = vmar__os_page_size();
  vmar_vm_option_t o = *options;
  if (!(vr & VMAR_RIGHT_MAP)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (o & VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED) {
    o |= VMAR_VM_PERM_READ; // hosts cannot map execute-only
  }
  const uint32_t perms = o & VMAR__PERM_BITS;
  if ((perms & (VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)) &&
      !(perms & VMAR_VM_PERM_READ)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((o & VMAR_VM_MAP_RANGE) && (o & VMAR_VM_SPECIFIC_OVERWRITE)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (o & VMAR__CAN_MAP_RWX) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (perms & ~vmar__perms_of_rights(rr, vr)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  const vmar_vm_option_t known =
      VMAR__PERM_BITS | VMAR_VM_COMPACT | VMAR_VM_SPECIFIC |
      VMAR_VM_SPECIFIC_OVERWRITE | VMAR_VM_CAN_MAP_SPECIFIC |
      VMAR_VM_MAP_RANGE | VMAR_VM_REQUIRE_NON_RESIZABLE | VMAR_VM_ALLOW_FAULTS |
      VMAR_VM_OFFSET_IS_UPPER_LIMIT | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  uint32_t align_log2;
  if ((o & ~VMAR_VM_ALIGN_MASK & ~known) != 0 ||
      !vmar__decode_align(o, &align_log2)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((o & VMAR_VM_REQUIRE_NON_RESIZABLE) &&
      (v->options & VMAR_VMO_RESIZABLE)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if ((v->options & VMAR_VMO_DISCARDABLE) && !(o & VMAR_VM_ALLOW_FAULTS)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (o & (VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (perms & ~vmar__perms_of_can_map(r->obj.flags)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (!vmar__is_aligned(vmo_offset, page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t rounded;
  if (!vmar__round_up(len, page, &rounded) || rounded > SIZE_MAX ||
      vmo_offset + rounded < vmo_offset) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  *rlen = (size_t)rounded;
  *align = page;
  if (align_log2 != 0 && ((uint64_t)1 << align_log2) > page) {
    if (align_log2 >= sizeof(size_t) * 8) {
      return VMAR_ERR_INVALID_ARGS;
    }
    *align = (size_t)1 << align_log2;
  }
  *options = o;
  return VMAR_OK;
}

// True when the host can map |len| bytes of a file at |offset| (an off_t).
static bool host_offset_ok(uint64_t offset, size_t len) {
  return offset <= (uint64_t)INT64_MAX - len;
}

// Places and maps a new mapping in the root (host-placed unless SPECIFIC).
static vmar_status_t map_in_root(vmar__region_t* root, vmar_vm_option_t o,
                                 size_t offset, size_t len, size_t align,
                                 const vmar__vmo_t* v, uint64_t vmo_offset,
                                 int prot, bool backed, uintptr_t* out) {
  const size_t page = vmar__os_page_size();
  uintptr_t addr = root->node.base + offset;
  if (o & VMAR_VM_SPECIFIC) {
    if (!vmar__is_aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    int err = backed ? vmar__sys_map_file(&addr, len, prot, v->fd, vmo_offset,
                                          VMAR__SYS_AT_NOREPLACE)
                     : vmar__sys_reserve_at(addr, len);
    if (err != 0) {
      return vmar__status_from_errno(err);
    }
    *out = addr;
    return VMAR_OK;
  }
  if (backed && align == page && !(o & VMAR_VM_OFFSET_IS_UPPER_LIMIT)) {
    int err = vmar__sys_map_file(&addr, len, prot, v->fd, vmo_offset,
                                 VMAR__SYS_ANYWHERE);
    if (err != 0) {
      return vmar__status_from_errno(err);
    }
    *out = addr;
    return VMAR_OK;
  }
  // Aligned or bounded: reserve the spot, then lay the file over it.
  vmar_status_t st = vmar__root_reserve(root, o, offset, len, align, &addr);
  if (st != VMAR_OK) {
    return st;
  }
  if (backed) {
    int err = vmar__sys_map_file(&addr, len, prot, v->fd, vmo_offset,
                                 VMAR__SYS_AT_FIXED);
    if (err != 0) {
      vmar__sys_release(addr, len);
      return vmar__status_from_errno(err);
    }
  }
  *out = addr;
  return VMAR_OK;
}

vmar_status_t vmar__os_map(vmar_handle_t vmar, vmar_vm_option_t options,
                           size_t vmar_offset, vmar_handle_t vmo,
                           uint64_t vmo_offset, size_t len,
                           vmar_vaddr_t* mapped_addr) {
  vmar__region_t* r;
  vmar_rights_t rr;
  vmar_status_t st = vmar__region_get(vmar, &r, &rr);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__vmo_t* v;
  vmar_rights_t vr;
  st = vmar__vmo_get(vmo, &v, &vr);
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  size_t rlen = 0;
  size_t align = 0;
  st = check_map(r, rr, v, vr, &options, vmo_offset, len, &rlen, &align);
  if (st != VMAR_OK) {
    vmar__object_release(&v->obj);
    vmar__object_release(&r->obj);
    return st;
  }
  const size_t page = vmar__os_page_size();
  const bool in_root = r == root_region();
  const bool overwrite = (options & VMAR_VM_SPECIFIC_OVERWRITE) != 0;
  const uint32_t perms = options & VMAR__PERM_BITS;
  const int prot = vmar__prot_of(perms);
  const bool backed = host_offset_ok(vmo_offset, rlen);

  pthread_mutex_lock(&r->top->lock);
  vmar__mapping_t* m = NULL;
  vmar__mapping_t* spare = NULL;
  uintptr_t addr = 0;
  if (r->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else if (rlen == 0) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    st = vmar__check_placement(options, vmar_offset, rlen, page, r->obj.flags,
                               r->node.size);
  }
  if (st == VMAR_OK && (m = vmar__calloc(1, sizeof(*m))) == NULL) {
    st = VMAR_ERR_NO_MEMORY;
  }
  if (st == VMAR_OK && overwrite) {
    addr = r->node.base + vmar_offset;
    if (!vmar__is_aligned(addr, align)) {
      st = VMAR_ERR_INVALID_ARGS;
    }
    for (vmar__gap_node_t* n = vmar__gap_tree_lower_bound(&r->children, addr);
         st == VMAR_OK && n != NULL && n->base < addr + rlen;
         n = vmar__gap_tree_next(n)) {
      if (!is_mapping(n)) {
        st = VMAR_ERR_INVALID_ARGS; // never replaces sub-VMARs
      } else if (n->base < addr && end_of(n) > addr + rlen &&
                 (spare = vmar__malloc(sizeof(*spare))) == NULL) {
        st = VMAR_ERR_NO_MEMORY;
      }
    }
    if (st == VMAR_OK && in_root) {
      // After the argument checks, as the header lists it: overwriting in
      // the root could clobber memory vmar does not own.
      st = VMAR_ERR_NOT_SUPPORTED;
    }
  } else if (st == VMAR_OK && !in_root) {
    st = vmar__region_place(r, options, vmar_offset, rlen, align, &addr);
  }
  if (st == VMAR_OK && in_root) {
    st = map_in_root(r, options, vmar_offset, rlen, align, v, vmo_offset, prot,
                     backed, &addr);
    if (st == VMAR_OK && mapped_addr == NULL) {
      vmar__sys_release(addr, rlen);
      st = VMAR_ERR_INVALID_ARGS;
    }
  } else if (st == VMAR_OK) {
    if (mapped_addr == NULL) {
      st = VMAR_ERR_INVALID_ARGS; // noticed last, as on Zircon
    } else {
      // Laid over the reservation (or, for SPECIFIC_OVERWRITE, over the old
      // mappings) in one host call, which replaces atomically.
      int err = 0;
      if (backed) {
        err = vmar__sys_map_file(&addr, rlen, prot, v->fd, vmo_offset,
                                 VMAR__SYS_AT_FIXED);
      } else if (overwrite) {
        err = vmar__sys_rereserve(addr, rlen);
      }
      if (err != 0) {
        st = vmar__status_from_errno(err);
      }
    }
  }
  vmar__graveyard_t g = {NULL, NULL};
  if (st == VMAR_OK) {
    if (overwrite) {
      cut_range(r, vmar__gap_tree_lower_bound(&r->children, addr), addr,
                addr + rlen, &spare, &g);
    }
    m->node.base = addr;
    m->node.size = rlen;
    vmar__gap_node_set_kind(&m->node, VMAR__NODE_MAPPING);
    m->region = r;
    m->vmo = v;
    vmar__object_retain(&v->obj);
    m->vmo_offset = vmo_offset;
    m->id =
        atomic_fetch_add_explicit(&next_mapping_id, 1, memory_order_relaxed);
    m->ceiling = (uint8_t)vmar__perms_of_rights(rr, vr);
    m->perms = (uint8_t)perms;
    m->backed = backed;
    vmar__gap_tree_insert(&r->children, &m->node);
    mark_mapped(r);
    if (backed && (options & VMAR_VM_MAP_RANGE)) {
      vmar__sys_will_need(addr, rlen);
    }
    m = NULL;
  }
  pthread_mutex_unlock(&r->top->lock);
  vmar__graveyard_empty(&g);
  vmar__free(spare);
  vmar__free(m);
  if (st == VMAR_OK) {
    *mapped_addr = addr;
  }
  vmar__object_release(&v->obj);
  vmar__object_release(&r->obj);
  return st;
}

// ---- vmar_unmap ------------------------------------------------------------

// Undoes the host calls of an unmap in the root that failed at |failed| in
// pass |pass|: lays back the partly covered mappings given to the host in
// pass 0 and, when pass 1 failed, the whole mappings before |failed|. Best
// effort: it fails only if a third party mapped into a hole meanwhile. A
// whole child VMAR cannot be laid back with its contents; on Linux pass 1
// (munmap of whole host mappings) never fails for want of memory.
static void root_unrelease(vmar__gap_node_t* first, vmar__gap_node_t* failed,
                           int pass, uintptr_t a, uintptr_t b) {
  for (vmar__gap_node_t* n = first; n != NULL && n->base < b;
       n = vmar__gap_tree_next(n)) {
    if (n == failed && pass == 0) {
      break;
    }
    uintptr_t lo = max_addr(n->base, a);
    uintptr_t hi = min_addr(end_of(n), b);
    const bool whole = lo == n->base && hi == end_of(n);
    if (!is_mapping(n) || (whole && (pass == 0 || n->base >= failed->base))) {
      continue;
    }
    const vmar__mapping_t* m = as_mapping(n);
    if (m->backed) {
      (void)vmar__sys_map_file(&lo, hi - lo, vmar__prot_of(m->perms),
                               m->vmo->fd, m->vmo_offset + (lo - n->base),
                               VMAR__SYS_AT_NOREPLACE);
    } else {
      (void)vmar__sys_reserve_at(lo, hi - lo);
    }
  }
}

// The page range unmap and protect act on: [addr, addr + len rounded up).
// False when |len| rounds to 0. A range running past the end of the address
// space comes back as [addr, UINTPTR_MAX) with |*wraps| set: it is "not
// inside the VMAR", which Zircon reports only after the BAD_STATE check.
typedef struct page_range {
  uintptr_t a, b;
  bool wraps;
} page_range_t;

static bool page_range(uintptr_t addr, size_t len, size_t page,
                       page_range_t* out) {
  uint64_t rlen = 0;
  if (!vmar__round_up(len, page, &rlen) || rlen == 0) {
    return false;
  }
  out->wraps = rlen > UINTPTR_MAX - addr;
  out->a = addr;
  out->b = out->wraps ? UINTPTR_MAX : addr + (uintptr_t)rlen;
  return true;
}

static bool range_inside(const vmar__region_t* r, const page_range_t* pr) {
  return !pr->wraps && pr->a >= r->node.base && pr->b <= end_of(&r->node);
}

vmar_status_t vmar__os_unmap(vmar_handle_t vmar, vmar_vaddr_t addr,
                             size_t len) {
  const size_t page = vmar__os_page_size();
  vmar__region_t* r;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(vmar, &r, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  page_range_t pr;
  if (!vmar__is_aligned(addr, page) || !page_range(addr, len, page, &pr)) {
    vmar__object_release(&r->obj);
    return VMAR_ERR_INVALID_ARGS;
  }
  const uintptr_t a = pr.a;
  const uintptr_t b = pr.b;
  const bool in_root = r == root_region();
  lockset_t ls;
  st = lock_range(r, a, b, &ls);
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  vmar__mapping_t* spare = NULL;
  bool touched = false; // anything mapped in the range
  vmar__gap_node_t* first = NULL;
  if (r->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else if (!range_inside(r, &pr)) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    // Every check before any change (Zircon verifies the same way).
    first = vmar__gap_tree_lower_bound(&r->children, a);
    for (vmar__gap_node_t* n = first; n != NULL && n->base < b;
         n = end_of(n) >= b ? NULL : vmar__gap_tree_next(n)) {
      if (is_mapping(n)) {
        touched = true;
        if (n->base < a && end_of(n) > b && spare == NULL &&
            (spare = vmar__malloc(sizeof(*spare))) == NULL) {
          st = VMAR_ERR_NO_MEMORY;
          break;
        }
      } else if (n->base < a || end_of(n) > b ||
                 !(rights & VMAR_RIGHT_OP_CHILDREN)) {
        st = VMAR_ERR_INVALID_ARGS; // sub-VMARs go whole, with OP_CHILDREN
        break;
      } else {
        touched |= in_root ||
                   (as_region(n)->obj.flags & VMAR__REGION_HAD_MAPPINGS) != 0;
      }
    }
  }
  if (st == VMAR_OK && first != NULL && first->base < b) {
    int err = 0;
    if (!in_root) {
      if (touched) {
        err = vmar__sys_rereserve(a, b - a);
      }
    } else {
      // The root owns no reservation: give each of our ranges back.
      // Partial ones first (they may need new host mappings and fail);
      // whole ones cannot fail.
      for (int pass = 0; pass < 2 && err == 0; pass++) {
        for (vmar__gap_node_t* n = first; n != NULL && n->base < b;
             n = vmar__gap_tree_next(n)) {
          uintptr_t lo = max_addr(n->base, a);
          uintptr_t hi = min_addr(end_of(n), b);
          bool partial = lo != n->base || hi != end_of(n);
          if (partial == (pass == 0) &&
              (err = vmar__sys_release(lo, hi - lo)) != 0) {
            root_unrelease(first, n, pass, a, b);
            break;
          }
        }
      }
    }
    if (err != 0) {
      st = vmar__status_from_errno(err);
    }
  }
  vmar__graveyard_t g = {NULL, NULL};
  if (st == VMAR_OK) {
    cut_range(r, first, a, b, &spare, &g);
  }
  unlock_range(&ls);
  vmar__graveyard_empty(&g);
  vmar__free(spare);
  vmar__object_release(&r->obj);
  return st;
}

// ---- vmar_protect ----------------------------------------------------------

// Sets |prot| on the backed pieces of [a, b) whose permissions differ from
// |perms|, one host call per contiguous run. With |undo|, restores each
// piece's own permissions instead (used to roll back a failure).
static int protect_host(vmar__region_t* r, uintptr_t a, uintptr_t b,
                        uint32_t perms, bool undo, uintptr_t stop) {
  walk_t w;
  uintptr_t run_lo = 0;
  uintptr_t run_hi = 0;
  int run_prot = 0;
  int err = 0;
  for (vmar__gap_node_t* n = walk_first(&w, r, a, b); n != NULL && err == 0;
       n = walk_next(&w, n)) {
    if (!is_mapping(n)) {
      continue;
    }
    vmar__mapping_t* m = as_mapping(n);
    uintptr_t lo = max_addr(n->base, a);
    uintptr_t hi = min_addr(end_of(n), b);
    if (undo && lo >= stop) {
      break;
    }
    if (!m->backed || m->perms == perms) {
      continue;
    }
    int prot = vmar__prot_of(undo ? m->perms : perms);
    if (run_hi == lo && prot == run_prot) {
      run_hi = hi;
      continue;
    }
    if (run_hi > run_lo) {
      err = vmar__sys_protect(run_lo, run_hi - run_lo, run_prot);
    }
    run_lo = lo;
    run_hi = hi;
    run_prot = prot;
  }
  if (err == 0 && run_hi > run_lo) {
    err = vmar__sys_protect(run_lo, run_hi - run_lo, run_prot);
  }
  return err;
}

vmar_status_t vmar__os_protect(vmar_handle_t vmar, vmar_vm_option_t options,
                               vmar_vaddr_t addr, size_t len) {
  const size_t page = vmar__os_page_size();
  vmar__region_t* r;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(vmar, &r, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (options & VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED) {
    options |= VMAR_VM_PERM_READ;
  }
  const uint32_t perms = options & VMAR__PERM_BITS;
  page_range_t pr;
  if (perms & ~vmar__perms_of_rights(rights, rights)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if ((perms & (VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)) &&
             !(perms & VMAR_VM_PERM_READ)) {
    st = VMAR_ERR_INVALID_ARGS;
  } else if (!vmar__is_aligned(addr, page) ||
             (options &
              ~(VMAR__PERM_BITS | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED)) != 0) {
    st = VMAR_ERR_INVALID_ARGS;
  } else if (!page_range(addr, len, page, &pr)) {
    st = VMAR_ERR_INVALID_ARGS;
  }
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  const uintptr_t a = pr.a;
  const uintptr_t b = pr.b;
  lockset_t ls;
  st = lock_range(r, a, b, &ls);
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  vmar__mapping_t* spares[2] = {NULL, NULL};
  if (r->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else if (!range_inside(r, &pr)) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    // Pass 1: the whole range must be mapped and every piece must allow it.
    walk_t w;
    uintptr_t cursor = a;
    size_t splits = 0;
    for (vmar__gap_node_t* n = walk_first(&w, r, a, b);
         n != NULL && st == VMAR_OK && cursor < b; n = walk_next(&w, n)) {
      if (!is_mapping(n)) {
        continue;
      }
      vmar__mapping_t* m = as_mapping(n);
      if (n->base > cursor) {
        st = VMAR_ERR_NOT_FOUND;
      } else if (perms & ~(uint32_t)m->ceiling) {
        st = VMAR_ERR_ACCESS_DENIED;
      } else if (w.depth > 1 && !(rights & VMAR_RIGHT_OP_CHILDREN)) {
        st = VMAR_ERR_INVALID_ARGS;
      } else if (w.depth > 1 && (perms & ~(uint32_t)m->perms)) {
        st = VMAR_ERR_ACCESS_DENIED; // through a parent: only to reduce
      } else {
        cursor = end_of(n);
        if (m->perms != perms) {
          splits += (n->base < a) + (end_of(n) > b);
        }
      }
    }
    if (st == VMAR_OK && cursor < b) {
      st = VMAR_ERR_NOT_FOUND;
    }
    for (size_t i = 0; st == VMAR_OK && i < splits; i++) {
      if ((spares[i] = vmar__malloc(sizeof(vmar__mapping_t))) == NULL) {
        st = VMAR_ERR_NO_MEMORY;
      }
    }
  }
  if (st == VMAR_OK) {
    // Pass 2: the host. On failure, put back what was changed.
    int err = protect_host(r, a, b, perms, false, 0);
    if (err != 0) {
      (void)protect_host(r, a, b, perms, true, b);
      st = vmar__status_from_errno(err);
    }
  }
  vmar__graveyard_t g = {NULL, NULL};
  if (st == VMAR_OK) {
    // Pass 3: the trees: split the edge pieces, set, then coalesce.
    walk_t w;
    size_t used = 0;
    for (vmar__gap_node_t* n = walk_first(&w, r, a, b); n != NULL;
         n = walk_next(&w, n)) {
      if (!is_mapping(n) || as_mapping(n)->perms == perms) {
        continue;
      }
      vmar__mapping_t* m = as_mapping(n);
      const uintptr_t nb = n->base;
      const uintptr_t ne = end_of(n);
      if (nb < a) {
        add_piece(m, spares[used++], nb, a - nb);
        set_range(m->region, m, a, ne - a);
      }
      if (ne > b) {
        add_piece(m, spares[used++], b, ne - b);
        set_range(m->region, m, m->node.base, b - m->node.base);
      }
      m->perms = (uint8_t)perms;
    }
    coalesce(r, a, b, &g);
  }
  unlock_range(&ls);
  vmar__graveyard_empty(&g);
  if (st != VMAR_OK) {
    vmar__free(spares[0]);
    vmar__free(spares[1]);
  }
  vmar__object_release(&r->obj);
  return st;
}

// ---- vmar_op_range ---------------------------------------------------------

// COMMIT, DECOMMIT or ZERO on [off, off + cnt) of |v|'s file (nothing for a
// NULL |v| or an empty range).
static int file_range_op(uint32_t op, const vmar__vmo_t* v, uint64_t off,
                         uint64_t cnt) {
  if (v == NULL || cnt == 0) {
    return 0;
  }
  return op == VMAR_OP_COMMIT ? vmar__sys_commit_range(v->fd, off, cnt)
                              : vmar__sys_zero_range(v->fd, off, cnt);
}

vmar_status_t vmar__os_op_range(vmar_handle_t vmar, uint32_t op,
                                vmar_vaddr_t addr, size_t len) {
  const size_t page = vmar__os_page_size();
  vmar__region_t* r;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(vmar, &r, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_rights_t needed = 0;
  uint32_t ceiling_needed = 0;
  switch (op) {
  case VMAR_OP_COMMIT:
  case VMAR_OP_DECOMMIT:
  case VMAR_OP_ZERO:
    needed = VMAR_RIGHT_WRITE;
    ceiling_needed = VMAR_VM_PERM_WRITE;
    break;
  case VMAR_OP_MAP_RANGE:
    needed = VMAR_RIGHT_READ;
    break;
  case VMAR_OP_PREFETCH:
    needed = VMAR_RIGHT_READ;
    ceiling_needed = VMAR_VM_PERM_READ;
    break;
  case VMAR_OP_DONT_NEED:
  case VMAR_OP_ALWAYS_NEED:
    break;
  default:
    st = VMAR_ERR_INVALID_ARGS;
  }
  uint64_t rlen = 0;
  if (st == VMAR_OK && (rights & needed) != needed) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (st == VMAR_OK && (!vmar__round_up(len, page, &rlen) || rlen == 0 ||
                               !vmar__is_aligned(addr, page))) {
    st = VMAR_ERR_INVALID_ARGS;
  } else if (st == VMAR_OK && (addr < r->node.base || addr > end_of(&r->node) ||
                               rlen > end_of(&r->node) - addr)) {
    st = VMAR_ERR_OUT_OF_RANGE;
  }
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  const uintptr_t a = addr;
  const uintptr_t b = addr + (uintptr_t)rlen;
  lockset_t ls;
  st = lock_range(r, a, b, &ls);
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  walk_t w;
  if (r->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else {
    uintptr_t cursor = a;
    for (vmar__gap_node_t* n = walk_first(&w, r, a, b);
         n != NULL && st == VMAR_OK && cursor < b; n = walk_next(&w, n)) {
      if (!is_mapping(n)) {
        continue;
      }
      vmar__mapping_t* m = as_mapping(n);
      if (n->base > cursor) {
        st = VMAR_ERR_BAD_STATE; // a hole
      } else if (w.depth > 1 &&
                 (op == VMAR_OP_COMMIT || op == VMAR_OP_DECOMMIT ||
                  op == VMAR_OP_PREFETCH ||
                  !(rights & VMAR_RIGHT_OP_CHILDREN))) {
        st = VMAR_ERR_INVALID_ARGS;
      } else if (ceiling_needed & ~(uint32_t)m->ceiling) {
        st = VMAR_ERR_ACCESS_DENIED;
      } else {
        cursor = end_of(n);
      }
    }
    if (st == VMAR_OK && cursor < b) {
      st = VMAR_ERR_BAD_STATE;
    }
  }
  // COMMIT, DECOMMIT and ZERO act on the VMOs' files. Consecutive pieces
  // backed by one contiguous range of one VMO (e.g. the protection ranges of
  // a mapping) go to the host as one call, so they change whole or not at
  // all.
  const vmar__vmo_t* run_vmo = NULL;
  uint64_t run_off = 0;
  uint64_t run_cnt = 0;
  for (vmar__gap_node_t* n = st == VMAR_OK ? walk_first(&w, r, a, b) : NULL;
       n != NULL && st == VMAR_OK; n = walk_next(&w, n)) {
    if (!is_mapping(n)) {
      continue;
    }
    vmar__mapping_t* m = as_mapping(n);
    const uintptr_t lo = max_addr(n->base, a);
    const uintptr_t hi = min_addr(end_of(n), b);
    // The VMO range behind [lo, hi), cut at the VMO's end: pages past it are
    // not the VMO's.
    const uint64_t size = m->vmo->size;
    uint64_t off = m->vmo_offset + (lo - n->base);
    uint64_t cnt = hi - lo;
    if (off >= size) {
      cnt = 0;
    } else if (cnt > size - off) {
      cnt = size - off;
    }
    int err = 0;
    switch (op) {
    case VMAR_OP_COMMIT:
    case VMAR_OP_DECOMMIT:
    case VMAR_OP_ZERO:
      if (cnt != 0 && m->vmo == run_vmo && run_off + run_cnt == off) {
        run_cnt += cnt;
      } else if (cnt != 0) {
        err = file_range_op(op, run_vmo, run_off, run_cnt);
        run_vmo = m->vmo;
        run_off = off;
        run_cnt = cnt;
      }
      break;
    case VMAR_OP_MAP_RANGE:
    case VMAR_OP_PREFETCH:
    case VMAR_OP_ALWAYS_NEED:
      if (m->backed && cnt) {
        vmar__sys_will_need(lo, (size_t)cnt);
      }
      break;
    default:
      break; // DONT_NEED: a hint a host cannot act on for shared pages
    }
    if (err != 0) {
      st = err == ENOSPC ? VMAR_ERR_NO_MEMORY : vmar__status_from_errno(err);
    }
  }
  if (st == VMAR_OK) {
    int err = file_range_op(op, run_vmo, run_off, run_cnt);
    if (err != 0) {
      st = err == ENOSPC ? VMAR_ERR_NO_MEMORY : vmar__status_from_errno(err);
    }
  }
  unlock_range(&ls);
  vmar__object_release(&r->obj);
  return st;
}

// ---- vmar_get_maps ---------------------------------------------------------

// |depth| 0 is the queried VMAR itself: its node's kind is not read, since
// the word holding it belongs to its parent's tree, which may be changing
// under another lock.
static void fill_entry(vmar_map_info_t* e, const vmar__gap_node_t* n,
                       size_t depth) {
  memset(e, 0, sizeof(*e));
  e->base = n->base;
  e->size = n->size;
  e->depth = depth;
  if (depth > 0 && vmar__gap_node_kind(n) == VMAR__NODE_MAPPING) {
    const vmar__mapping_t* m = VMAR__CONTAINER_OF(n, vmar__mapping_t, node);
    e->type = VMAR_MAP_INFO_TYPE_MAPPING;
    e->mmu_flags = m->perms;
    e->vmo_id = m->vmo->obj.koid;
    e->vmo_offset = m->vmo_offset;
    pthread_mutex_lock(&m->vmo->name_lock);
    memcpy(e->name, m->vmo->name, sizeof(e->name));
    pthread_mutex_unlock(&m->vmo->name_lock);
  } else {
    e->type = VMAR_MAP_INFO_TYPE_VMAR;
  }
}

vmar_status_t vmar__os_get_maps(vmar_handle_t vmar, vmar_map_info_t* out,
                                size_t count, size_t* actual, size_t* avail) {
  vmar__region_t* r;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(vmar, &r, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_INSPECT)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (out == NULL && count != 0) {
    st = VMAR_ERR_INVALID_ARGS;
  }
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  const uintptr_t a = r->node.base;
  const uintptr_t b = end_of(&r->node);
  lockset_t ls;
  st = lock_range(r, a, b, &ls);
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
    return st;
  }
  size_t total = 0;
  if (r->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else {
    if (count > 0) {
      fill_entry(&out[0], &r->node, 0);
    }
    total = 1;
    walk_t w;
    for (vmar__gap_node_t* n = walk_first(&w, r, a, b); n != NULL;
         n = walk_next(&w, n)) {
      if (total < count) {
        fill_entry(&out[total], n, w.depth);
      }
      total++;
    }
  }
  unlock_range(&ls);
  vmar__object_release(&r->obj);
  if (st == VMAR_OK) {
    if (actual != NULL) {
      *actual = total < count ? total : count;
    }
    if (avail != NULL) {
      *avail = total;
    }
  }
  return st;
}

// ---- User buffers of vmar_vmo_read/write -----------------------------------

// Checks the part of [a, b) inside |r| (a reservation or a mapping's holder),
// at every depth. Called with the reservation's lock held.
static vmar_status_t check_buffer_in(vmar__region_t* r, uintptr_t a,
                                     uintptr_t b, uint32_t need) {
  walk_t w;
  uintptr_t cursor = a;
  for (vmar__gap_node_t* n = walk_first(&w, r, a, b); n != NULL && cursor < b;
       n = walk_next(&w, n)) {
    if (!is_mapping(n)) {
      continue;
    }
    vmar__mapping_t* m = as_mapping(n);
    if (n->base > cursor) {
      return VMAR_ERR_NOT_FOUND; // reserved, nothing mapped
    }
    // A mapping without the permission is ACCESS_DENIED even when the host
    // could not back it (SPEC §10.14); one with it but unbacked faults.
    if ((m->perms & need) != need) {
      return VMAR_ERR_ACCESS_DENIED;
    }
    if (!m->backed) {
      return VMAR_ERR_NOT_FOUND;
    }
    cursor = end_of(n);
  }
  return cursor < b ? VMAR_ERR_NOT_FOUND : VMAR_OK;
}

vmar_status_t vmar__check_user_buffer(uintptr_t addr, size_t len, bool write) {
  const uint32_t need = write ? VMAR_VM_PERM_WRITE : VMAR_VM_PERM_READ;
  const uintptr_t end = len > UINTPTR_MAX - addr ? UINTPTR_MAX : addr + len;
  vmar__region_t* root = root_region();
  vmar_status_t st = VMAR_OK;
  if (root == NULL) {
    return VMAR_OK; // no root: vmar manages no memory at all
  }
  pthread_mutex_lock(&root->top->lock);
  for (vmar__gap_node_t* n = vmar__gap_tree_lower_bound(&root->children, addr);
       n != NULL && n->base < end && st == VMAR_OK;
       n = vmar__gap_tree_next(n)) {
    if (is_mapping(n)) {
      vmar__mapping_t* m = as_mapping(n);
      if ((m->perms & need) != need) {
        st = VMAR_ERR_ACCESS_DENIED;
      }
      continue;
    }
    vmar__region_t* t = as_region(n);
    pthread_mutex_lock(&t->top->lock);
    st = check_buffer_in(t, max_addr(addr, n->base), min_addr(end, end_of(n)),
                         need);
    pthread_mutex_unlock(&t->top->lock);
  }
  pthread_mutex_unlock(&root->top->lock);
  return st;
}
