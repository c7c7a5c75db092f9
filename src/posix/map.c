// SPDX-License-Identifier: MIT
// POSIX backend: vmar_map and vmar_unmap.
//
// Inside a reservation a mapping is a MAP_SHARED|MAP_FIXED mapping of the
// VMO's file laid over the PROT_NONE reservation; unmapping lays a fresh
// reservation back over it, so the host merges it with the free space around
// it and the reservation never gets a hole. In the root a mapping is an
// ordinary host mapping placed by the host.
//
// Each call runs in three steps: check (arguments and state; nothing
// changes), apply (the host calls; a failure undoes what it did), commit (the
// trees; cannot fail). One cleanup path drops what the call held.

#include "backend.h"
#include "range.h"
#include "reclaim.h"
#include "sys.h"
#include "validate.h"

static uintptr_t max_addr(uintptr_t a, uintptr_t b) { return a > b ? a : b; }
static uintptr_t min_addr(uintptr_t a, uintptr_t b) { return a < b ? a : b; }

// ---- vmar_map --------------------------------------------------------------

typedef struct map_call {
  vmar__region_t* r;
  vmar_rights_t rr;
  vmar__vmo_t* v;
  vmar_rights_t vr;
  vmar_vm_option_t options; // PERM_READ added for READ_IF_XOM_UNSUPPORTED
  size_t offset;
  uint64_t vmo_offset;
  size_t len;        // rounded to pages
  size_t align;      // placement alignment, at least a page
  uint64_t file_off; // where |vmo_offset| is in the VMO's file
  size_t backed_len; // the first bytes, given to the host: |len|, or less
                     // (a slice's window ends), or 0 (the host cannot
                     // express the offset)
  bool in_root, overwrite;
  bool placed;            // |pos| holds where the placement put it
  vmar__gap_pos_t pos;    // for the insertion, saving it a descent
  vmar__mapping_t* m;     // the new mapping, allocated by the check
  bool m_spare;           // |m| is its reservation's spare
  vmar__mapping_t* tail;  // its unbacked piece, when only part is backed
  vmar__mapping_t* spare; // for SPECIFIC_OVERWRITE splitting a mapping
  uintptr_t addr;
  vmar__graveyard_t g; // what SPECIFIC_OVERWRITE replaced
} map_call_t;

static uint32_t map_perms(const map_call_t* c) {
  return c->options & VMAR__PERM_BITS;
}

// How much of the mapping the host backs. It takes a file offset as a
// signed 64-bit number: a mapping past that is tracked but not backed
// (every access faults, as past the end of the VMO it is). A slice is a
// window onto a larger file: past the window the range stays reserved, so
// that touching it faults there too.
static bool host_can_offset(const vmar__vmo_t* v, uint64_t vmo_offset,
                            uint64_t len) {
  const uint64_t max = (uint64_t)INT64_MAX;
  return vmo_offset <= max - v->base && v->base + vmo_offset <= max - len;
}

static void set_backing(map_call_t* c) {
  const vmar__vmo_t* v = c->v;
  c->file_off = v->base + c->vmo_offset;
  c->backed_len = c->len;
  if (!host_can_offset(v, c->vmo_offset, c->len)) {
    c->backed_len = 0;
  } else if (vmar__vmo_kind(v) == VMAR__VMO_SLICE) {
    const uint64_t room =
        c->vmo_offset < v->window ? v->window - c->vmo_offset : 0;
    c->backed_len = room < c->len ? (size_t)room : c->len;
  }
}

// The checks of zx_vmar_map that need no lock, in its order (after the
// handle lookups): the VMO's MAP right, permissions, option bits, the VMO's
// kind, the VMAR's ceiling, then offset and length.
static vmar_status_t map_check_args(map_call_t* c, size_t len) {
  const size_t page = vmar__page_size();
  vmar_vm_option_t o = c->options;
  if (!(c->vr & VMAR_RIGHT_MAP)) {
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
  if (perms & ~vmar__perms_of_rights(c->rr, c->vr)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint32_t align_log2;
  if (!vmar__check_map_options(o, &align_log2)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((o & VMAR_VM_REQUIRE_NON_RESIZABLE) &&
      (c->v->obj.flags & VMAR_VMO_RESIZABLE)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if ((c->v->obj.flags & VMAR_VMO_DISCARDABLE) && !(o & VMAR_VM_ALLOW_FAULTS)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (o & (VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (perms & ~vmar__perms_of_can_map(c->r->obj.flags)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (!vmar__is_aligned(c->vmo_offset, page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t rounded;
  if (!vmar__round_up(len, page, &rounded) || rounded > SIZE_MAX ||
      c->vmo_offset + rounded < c->vmo_offset) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (!vmar__align_of(align_log2, page, &c->align)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  c->len = (size_t)rounded;
  c->options = o;
  if (vmar__check_host_perms(perms) != VMAR_OK) {
    return VMAR_ERR_ACCESS_DENIED; // after every argument check
  }
  set_backing(c);
  c->in_root = c->r == vmar__root_region();
  c->overwrite = (o & VMAR_VM_SPECIFIC_OVERWRITE) != 0;
  return VMAR_OK;
}

// SPECIFIC_OVERWRITE: the spot is given; what it covers must be mappings
// only (never sub-VMARs), and a mapping that surrounds it is split, which
// needs a spare piece.
static vmar_status_t map_check_overwrite(map_call_t* c) {
  c->addr = c->r->node.base + c->offset;
  if (!vmar__is_aligned(c->addr, c->align)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const uintptr_t end = c->addr + c->len;
  for (vmar__gap_node_t* n =
           vmar__gap_tree_lower_bound(&c->r->children, c->addr);
       n != NULL && n->base < end; n = vmar__gap_tree_next(n)) {
    if (!vmar__is_mapping(n)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (n->base < c->addr && vmar__end_of(n) > end &&
        (c->spare = vmar__malloc(sizeof(*c->spare))) == NULL) {
      return VMAR_ERR_NO_MEMORY;
    }
  }
  // After the argument checks, as the header lists it: overwriting in the
  // root could clobber memory vmar does not own.
  return c->in_root ? VMAR_ERR_NOT_SUPPORTED : VMAR_OK;
}

// The checks that need the reservation's lock, then the spot (no host call
// yet, except in the root, where the host places the mapping).
static vmar_status_t map_check_locked(map_call_t* c) {
  const size_t page = vmar__page_size();
  if (!vmar__region_alive(c->r)) {
    return VMAR_ERR_BAD_STATE;
  }
  if (c->len == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_status_t st = vmar__check_placement(c->options, c->offset, c->len, page,
                                           c->r->obj.flags, c->r->node.size);
  if (st != VMAR_OK) {
    return st;
  }
  // Not zeroed: map_commit sets every field of |m|, and |tail| is made a
  // copy of it. The reservation's spare, if it has one, goes back there if
  // the call fails.
  vmar__top_t* t = c->r->top;
  c->m = t->spare_mapping;
  t->spare_mapping = NULL;
  c->m_spare = c->m != NULL;
  if ((c->m == NULL && (c->m = vmar__malloc(sizeof(*c->m))) == NULL) ||
      (c->backed_len != 0 && c->backed_len < c->len &&
       (c->tail = vmar__malloc(sizeof(*c->tail))) == NULL)) {
    return VMAR_ERR_NO_MEMORY;
  }
  if (c->overwrite) {
    return map_check_overwrite(c);
  }
  if (c->in_root) {
    return VMAR_OK; // the host chooses, in map_apply_root
  }
  c->placed = true;
  return vmar__region_place(c->r, c->options, c->offset, c->len, c->align,
                            &c->addr, &c->pos);
}

// In the root: host-placed unless SPECIFIC; aligned, bounded or partly
// backed requests reserve the spot first, then lay the file over it.
static vmar_status_t map_apply_root(map_call_t* c, int prot) {
  const size_t page = vmar__page_size();
  const int fd = c->v->fd;
  const bool whole = c->backed_len == c->len;
  c->addr = c->r->node.base + c->offset;
  int err = 0;
  if (c->options & VMAR_VM_SPECIFIC) {
    if (!vmar__is_aligned(c->addr, c->align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (whole) {
      return vmar__status_from_errno(vmar__sys_map_file(
          &c->addr, c->len, prot, fd, c->file_off, VMAR__SYS_AT_NOREPLACE));
    }
    err = vmar__sys_reserve_at(c->addr, c->len);
  } else if (whole && c->align == page &&
             !(c->options & VMAR_VM_OFFSET_IS_UPPER_LIMIT)) {
    return vmar__status_from_errno(vmar__sys_map_file(
        &c->addr, c->len, prot, fd, c->file_off, VMAR__SYS_ANYWHERE));
  } else {
    vmar_status_t st = vmar__root_reserve(c->r, c->options, c->offset, c->len,
                                          c->align, &c->addr);
    if (st != VMAR_OK) {
      return st;
    }
  }
  if (err == 0 && c->backed_len != 0) {
    err = vmar__sys_map_file(&c->addr, c->backed_len, prot, fd, c->file_off,
                             VMAR__SYS_AT_FIXED);
    if (err != 0) {
      vmar__sys_release(c->addr, c->len);
    }
  }
  return vmar__status_from_errno(err);
}

// Lays the host mappings of the backed pieces in [lo, hi) of |r|'s direct
// children back (undo, best effort: only a shortage of host mappings can
// stop it, and those were just given back).
static void relay_pieces(vmar__region_t* r, uintptr_t lo, uintptr_t hi) {
  for (vmar__gap_node_t* n = vmar__gap_tree_lower_bound(&r->children, lo);
       n != NULL && n->base < hi; n = vmar__gap_tree_next(n)) {
    if (!vmar__is_mapping(n) || !vmar__as_mapping(n)->backed) {
      continue;
    }
    const vmar__mapping_t* m = vmar__as_mapping(n);
    uintptr_t a = max_addr(n->base, lo);
    const uintptr_t b = min_addr(vmar__end_of(n), hi);
    (void)vmar__sys_map_file(&a, b - a, vmar__sys_prot(m->perms), m->vmo->fd,
                             m->vmo->base + m->vmo_offset + (a - n->base),
                             VMAR__SYS_AT_FIXED);
  }
}

// The host calls. |out_ok| is false when the caller gave no place for the
// address, which Zircon notices last: in the root the new host mapping is
// given back; inside a reservation nothing was done yet.
static vmar_status_t map_apply(map_call_t* c, bool out_ok) {
  const int prot = vmar__sys_prot(map_perms(c));
  if (c->in_root) {
    vmar_status_t st = map_apply_root(c, prot);
    if (st == VMAR_OK && !out_ok) {
      vmar__sys_release(c->addr, c->len);
      st = VMAR_ERR_INVALID_ARGS;
    }
    return st;
  }
  if (!out_ok) {
    return VMAR_ERR_INVALID_ARGS;
  }
  // Laid over the reservation (or, for SPECIFIC_OVERWRITE, over the old
  // mappings) in one host call, which replaces atomically. When only a part
  // is backed and old mappings are replaced, the rest gets a reservation
  // first, and its old mappings come back if the second call fails.
  const uintptr_t split = c->addr + c->backed_len;
  const uintptr_t end = c->addr + c->len;
  int err = 0;
  if (c->overwrite && split < end) {
    err = vmar__sys_rereserve(split, end - split);
  }
  if (err == 0 && c->backed_len != 0) {
    err = vmar__sys_map_file(&c->addr, c->backed_len, prot, c->v->fd,
                             c->file_off, VMAR__SYS_AT_FIXED);
    if (err != 0 && c->overwrite && split < end) {
      relay_pieces(c->r, split, end);
    }
  }
  return vmar__status_from_errno(err);
}

// Sets every field of a new mapping |m| (a whole one: its own head, never
// split) of |v| at |vmo_offset|, covering [addr, addr + size) of |r|, and
// counts it for |v|. |v|'s reference passes to |m|. The insertion links it.
static inline void mapping_init(vmar__mapping_t* m, vmar__region_t* r,
                                vmar__vmo_t* v, uint64_t vmo_offset,
                                uintptr_t addr, size_t size, uint32_t ceiling,
                                uint32_t perms, bool backed) {
  m->node.base = addr;
  m->node.size = size;
  m->node.parent_bits = 0; // the links and gaps are the insertion's
  vmar__gap_node_set_kind(&m->node, VMAR__NODE_MAPPING);
  m->region = r;
  m->vmo = v;
  m->vmo_offset = vmo_offset;
  m->id = ++r->top->next_mapping_id; // pieces never leave their reservation
  m->ceiling = (uint8_t)ceiling;
  m->perms = (uint8_t)perms;
  m->backed = backed;
  m->split = false;
  m->head = true;
  atomic_fetch_add_explicit(&v->mappings, 1, memory_order_relaxed);
}

// The trees: what SPECIFIC_OVERWRITE replaced goes, the new mapping comes.
static void map_commit(map_call_t* c) {
  vmar__region_t* r = c->r;
  if (c->overwrite) {
    vmar__cut_range(r, vmar__gap_tree_lower_bound(&r->children, c->addr),
                    c->addr, c->addr + c->len, &c->spare, &c->g);
  }
  vmar__mapping_t* m = c->m;
  c->m = NULL;
  const bool partial = c->tail != NULL;
  // The lookup's VMO reference passes to the mapping.
  mapping_init(
      m, r, c->v, c->vmo_offset, c->addr, partial ? c->backed_len : c->len,
      vmar__perms_of_rights(c->rr, c->vr), map_perms(c), c->backed_len != 0);
  c->v = NULL;
  vmar__region_insert(r, &m->node, c->placed ? &c->pos : NULL);
  if (partial) {
    vmar__piece_add(m, c->tail, c->addr + c->backed_len,
                    c->len - c->backed_len);
    c->tail->backed = false;
    c->tail->head = false;
    c->tail = NULL;
  }
  if (m->backed && (c->options & VMAR_VM_MAP_RANGE)) {
    vmar__sys_will_need(c->addr, c->backed_len);
  }
}

// Opens the call's objects, borrowing them for its read section: the VMAR
// is checked for life under its lock; the VMO gets the reference a new
// mapping holds now, which fails if its last handle was closed since the
// lookup (the call then comes after the close).
static vmar_status_t map_open(map_call_t* c, vmar_handle_t vmar,
                              vmar_handle_t vmo) {
  vmar_status_t st = vmar__region_borrow(vmar, 0, true, &c->r, &c->rr);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__vmo_t* v;
  st = vmar__vmo_borrow(vmo, 0, true, &v, &c->vr);
  if (st != VMAR_OK) {
    return st;
  }
  if (!vmar__ref_try_acquire(&v->obj.refs)) {
    return VMAR_ERR_BAD_HANDLE;
  }
  c->v = v;
  return VMAR_OK;
}

// Every map: each check in Zircon's order, then the host calls and the
// trees, in the caller's read section |guard|, which it ends.
static VMAR__NOINLINE vmar_status_t
map_full(vmar_handle_t vmar, vmar_vm_option_t options, size_t vmar_offset,
         vmar_handle_t vmo, uint64_t vmo_offset, size_t len,
         vmar_vaddr_t* mapped_addr, vmar__reclaim_guard_t* guard) {
  // Field by field: a zeroed struct costs a block clear on every map. The
  // rest is set by the checks before anything reads it.
  map_call_t c;
  c.options = options;
  c.offset = vmar_offset;
  c.vmo_offset = vmo_offset;
  c.v = NULL;
  c.m = NULL;
  c.m_spare = false;
  c.spare = NULL;
  c.tail = NULL;
  c.placed = false;
  c.overwrite = false;
  c.g.regions = NULL;
  c.g.mappings = NULL;
  c.g.kept_vmo = NULL;
  vmar_status_t st = map_open(&c, vmar, vmo);
  if (st == VMAR_OK) {
    st = map_check_args(&c, len);
  }
  if (st == VMAR_OK) {
    vmar__lock(&c.r->top->lock);
    st = map_check_locked(&c);
    if (st == VMAR_OK) {
      st = map_apply(&c, mapped_addr != NULL);
    }
    if (st == VMAR_OK) {
      map_commit(&c);
    } else if (c.m_spare) {
      c.r->top->spare_mapping = c.m;
      c.m = NULL;
    }
    vmar__unlock(&c.r->top->lock);
  }
  vmar__reclaim_leave(guard);
  if (st != VMAR_OK || c.overwrite) { // else nothing is left over
    vmar__graveyard_empty(&c.g);
    vmar__free(c.spare);
    vmar__free(c.m);
    vmar__free(c.tail);
    if (c.v != NULL) { // not taken by a new mapping
      vmar__object_release(&c.v->obj);
    }
  }
  if (st == VMAR_OK) {
    *mapped_addr = c.addr;
  }
  return st;
}

// ---- vmar_unmap ------------------------------------------------------------

typedef struct unmap_call {
  vmar__region_t* r;
  vmar_rights_t rights;
  uintptr_t a, b;
  bool in_root;
  vmar__gap_node_t* first; // lower bound of |a| in r's children
  vmar__mapping_t* spare;  // for a mapping that surrounds the range
  vmar__graveyard_t g;
} unmap_call_t;

// Every check before any change, as Zircon verifies: sub-VMARs go whole and
// only with OP_CHILDREN; a mapping surrounding the range needs a spare piece.
static vmar_status_t unmap_check(unmap_call_t* c,
                                 const vmar__page_range_t* pr) {
  vmar_status_t st = vmar__range_check(c->r, pr);
  if (st != VMAR_OK) {
    return st;
  }
  c->first = vmar__gap_tree_lower_bound(&c->r->children, c->a);
  for (vmar__gap_node_t* n = c->first; n != NULL && n->base < c->b;
       n = vmar__end_of(n) >= c->b ? NULL : vmar__gap_tree_next(n)) {
    if (vmar__is_mapping(n)) {
      if (n->base < c->a && vmar__end_of(n) > c->b && c->spare == NULL &&
          (c->spare = vmar__malloc(sizeof(*c->spare))) == NULL) {
        return VMAR_ERR_NO_MEMORY;
      }
    } else if (n->base < c->a || vmar__end_of(n) > c->b ||
               !(c->rights & VMAR_RIGHT_OP_CHILDREN)) {
      return VMAR_ERR_INVALID_ARGS;
    }
  }
  return VMAR_OK;
}

// Undoes the host calls of an unmap in the root that failed at |failed| in
// pass |pass|: lays back the partly covered mappings given to the host in
// pass 0 and, when pass 1 failed, the whole mappings before |failed|. Best
// effort: it fails only if a third party mapped into a hole meanwhile. A
// whole child VMAR cannot be laid back with its contents; on Linux pass 1
// (munmap of whole host mappings) never fails for want of memory.
static void root_unrelease(const unmap_call_t* c, vmar__gap_node_t* failed,
                           int pass) {
  for (vmar__gap_node_t* n = c->first; n != NULL && n->base < c->b;
       n = vmar__gap_tree_next(n)) {
    if (n == failed && pass == 0) {
      break;
    }
    uintptr_t lo = max_addr(n->base, c->a);
    uintptr_t hi = min_addr(vmar__end_of(n), c->b);
    const bool whole = lo == n->base && hi == vmar__end_of(n);
    if (!vmar__is_mapping(n) ||
        (whole && (pass == 0 || n->base >= failed->base))) {
      continue;
    }
    const vmar__mapping_t* m = vmar__as_mapping(n);
    if (m->backed) {
      (void)vmar__sys_map_file(&lo, hi - lo, vmar__sys_prot(m->perms),
                               m->vmo->fd,
                               m->vmo->base + m->vmo_offset + (lo - n->base),
                               VMAR__SYS_AT_NOREPLACE);
    } else {
      (void)vmar__sys_reserve_at(lo, hi - lo);
    }
  }
}

// The root owns no reservation: each of our ranges goes back to the host.
// Partial ones first (they may need new host mappings and fail); whole ones
// cannot fail.
static int unmap_apply_root(const unmap_call_t* c) {
  for (int pass = 0; pass < 2; pass++) {
    for (vmar__gap_node_t* n = c->first; n != NULL && n->base < c->b;
         n = vmar__gap_tree_next(n)) {
      uintptr_t lo = max_addr(n->base, c->a);
      uintptr_t hi = min_addr(vmar__end_of(n), c->b);
      bool partial = lo != n->base || hi != vmar__end_of(n);
      int err = partial == (pass == 0) ? vmar__sys_release(lo, hi - lo) : 0;
      if (err != 0) {
        root_unrelease(c, n, pass);
        return err;
      }
    }
  }
  return 0;
}

static vmar_status_t unmap_apply(const unmap_call_t* c) {
  if (c->first == NULL || c->first->base >= c->b) {
    return VMAR_OK; // nothing there
  }
  return vmar__status_from_errno(
      c->in_root ? unmap_apply_root(c)
                 : vmar__clear_range(c->r, c->first, c->a, c->b));
}

// Every unmap, in the caller's read section |guard|, which it ends.
static VMAR__NOINLINE vmar_status_t unmap_full(vmar_handle_t vmar,
                                               vmar_vaddr_t addr, size_t len,
                                               size_t page,
                                               vmar__reclaim_guard_t* guard) {
  unmap_call_t c = {0};
  // The VMAR is borrowed for the call's read section: its lock and life are
  // all the call needs of it.
  vmar_status_t st = vmar__region_borrow(vmar, 0, true, &c.r, &c.rights);
  vmar__page_range_t pr;
  vmar__lockset_t ls;
  if (st == VMAR_OK && (!vmar__is_aligned(addr, page) ||
                        !vmar__page_range(addr, len, page, &pr))) {
    st = VMAR_ERR_INVALID_ARGS;
  }
  if (st == VMAR_OK &&
      (st = vmar__lock_range(c.r, pr.a, pr.b, &ls)) == VMAR_OK) {
    c.a = pr.a;
    c.b = pr.b;
    c.in_root = c.r == vmar__root_region();
    st = unmap_check(&c, &pr);
    if (st == VMAR_OK) {
      st = unmap_apply(&c);
    }
    if (st == VMAR_OK) {
      vmar__cut_range(c.r, c.first, c.a, c.b, &c.spare, &c.g);
      vmar__graveyard_keep_spare(&c.g, c.r->top);
    }
    vmar__unlock_range(&ls);
  }
  vmar__reclaim_leave(guard);
  vmar__graveyard_empty(&c.g);
  vmar__free(c.spare);
  return st;
}

// ---- The usual map and unmap -----------------------------------------------
//
// Most maps ask for READ or READ|WRITE on a VMO range, anywhere in a VMAR
// inside a reservation, and most unmaps remove exactly one such mapping.
// These short paths do only that, in a few lines of straight code; the full
// paths above hold everything else. A short path gives up, having changed
// nothing, at the first check that it does not handle or that fails, and
// the full path then runs the call from the start: every argument and state
// error comes from the full path, in Zircon's order. Once every check has
// passed, and before it spends anything (an allocation, a host call), a
// short path is committed and ends the call itself, with the status the
// full path gives at that point: a failure there happens once and is
// reported once. For the same reason the call opens its read section (which
// may allocate the thread's record) once, before either path, and sets the
// backend up no earlier than the full path would.

// The map, in the read section |guard|; false when the full path must run
// (|guard| still open), else the call's status in |*out| (|guard| ended).
static inline bool map_short(vmar_handle_t vmar, vmar_vm_option_t options,
                             size_t vmar_offset, vmar_handle_t vmo,
                             uint64_t vmo_offset, size_t len,
                             vmar_vaddr_t* mapped_addr,
                             vmar__reclaim_guard_t* guard, vmar_status_t* out) {
  const uint32_t perms = options; // READ or READ|WRITE, checked next
  vmar__region_t* r;
  vmar__vmo_t* v;
  vmar_rights_t rr;
  vmar_rights_t vr;
  if ((options | VMAR_VM_PERM_WRITE) !=
          (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE) ||
      vmar_offset != 0 || mapped_addr == NULL || len == 0 ||
      vmar__region_borrow(vmar, 0, true, &r, &rr) != VMAR_OK ||
      vmar__vmo_borrow(vmo, 0, true, &v, &vr) != VMAR_OK) {
    return false;
  }
  // Set up already (handles exist), as the full path finds it here.
  const vmar__posix_t* px = vmar__posix();
  const size_t page = px->page;
  uint64_t rounded;
  // The checks of map_check_args that can fail for these options, and the
  // backing (set_backing): the whole range must be given to the host.
  if (!vmar__round_up(len, page, &rounded) || rounded > SIZE_MAX ||
      !vmar__is_aligned(vmo_offset, page) || !(vr & VMAR_RIGHT_MAP) ||
      (perms & ~vmar__perms_of_rights(rr, vr)) ||
      (perms & ~vmar__perms_of_can_map(r->obj.flags)) ||
      (v->obj.flags & VMAR_VMO_DISCARDABLE) ||
      vmar__vmo_kind(v) == VMAR__VMO_SLICE || r->top == px->root ||
      !host_can_offset(v, vmo_offset, rounded) ||
      !vmar__ref_try_acquire(&v->obj.refs)) {
    return false;
  }
  const size_t size = (size_t)rounded;
  vmar__top_t* t = r->top;
  uintptr_t addr;
  vmar__gap_pos_t pos;
  vmar__lock(&t->lock);
  if (!vmar__region_alive(r) || size > r->node.size) {
    vmar__unlock(&t->lock);
    vmar__object_release(&v->obj); // the section keeps it readable
    return false;
  }
  // From here on the call ends here, in map_check_locked's order: the new
  // mapping's memory (the spare, else the allocator's), the spot, the host.
  vmar__mapping_t* m = t->spare_mapping;
  const bool spare = m != NULL;
  vmar_status_t st = VMAR_OK;
  if (!spare && (m = vmar__malloc(sizeof(*m))) == NULL) {
    st = VMAR_ERR_NO_MEMORY;
  } else {
    st = vmar__region_place_anywhere(r, size, page, UINTPTR_MAX, &addr, &pos);
  }
  if (st == VMAR_OK) {
    st = vmar__status_from_errno(
        vmar__sys_map_file(&addr, size, vmar__sys_prot(perms), v->fd,
                           v->base + vmo_offset, VMAR__SYS_AT_FIXED));
  }
  if (st == VMAR_OK) {
    if (spare) {
      t->spare_mapping = NULL;
    }
    mapping_init(m, r, v, vmo_offset, addr, size, vmar__perms_of_rights(rr, vr),
                 perms, true);
    vmar__region_insert(r, &m->node, &pos);
  }
  vmar__unlock(&t->lock);
  vmar__reclaim_leave(guard);
  if (st != VMAR_OK) {
    if (!spare) {
      vmar__free(m);
    }
    vmar__object_release(&v->obj);
  } else {
    *mapped_addr = addr;
  }
  *out = st;
  return true;
}

vmar_status_t vmar__os_map(vmar_handle_t vmar, vmar_vm_option_t options,
                           size_t vmar_offset, vmar_handle_t vmo,
                           uint64_t vmo_offset, size_t len,
                           vmar_vaddr_t* mapped_addr) {
  vmar__reclaim_guard_t guard;
  vmar__reclaim_enter(&guard);
  vmar_status_t st;
  if (map_short(vmar, options, vmar_offset, vmo, vmo_offset, len, mapped_addr,
                &guard, &st)) {
    return st;
  }
  return map_full(vmar, options, vmar_offset, vmo, vmo_offset, len, mapped_addr,
                  &guard);
}

// The unmap, in the read section |guard|, as map_short.
static inline bool unmap_short(vmar_handle_t vmar, vmar_vaddr_t addr,
                               size_t len, size_t page,
                               vmar__reclaim_guard_t* guard,
                               vmar_status_t* out) {
  vmar__page_range_t pr;
  vmar__region_t* r;
  vmar_rights_t rights;
  if (!vmar__is_aligned(addr, page) ||
      !vmar__page_range(addr, len, page, &pr) || pr.wraps ||
      vmar__region_borrow(vmar, 0, true, &r, &rights) != VMAR_OK ||
      r->top == vmar__posix()->root) {
    return false;
  }
  const uintptr_t b = pr.b;
  // One whole mapping, never split (so no other piece shares its id), that
  // the host backs: cut_range would remove it and nothing else.
  vmar__top_t* t = r->top;
  vmar__lock(&t->lock);
  vmar__gap_node_t* n = vmar__range_check(r, &pr) == VMAR_OK
                            ? vmar__gap_tree_lower_bound(&r->children, addr)
                            : NULL;
  vmar__mapping_t* m = n != NULL ? vmar__as_mapping(n) : NULL;
  if (m == NULL || !vmar__is_mapping(n) || n->base != addr ||
      vmar__end_of(n) != b || m->split || !m->backed) {
    vmar__unlock(&t->lock);
    return false;
  }
  int err = vmar__sys_rereserve(addr, b - addr);
  if (err != 0 || t->retired != NULL) {
    err = vmar__cleared(t, addr, b, m, err);
  }
  vmar__vmo_t* v = m->vmo;
  if (err == 0) {
    if (m->head) {
      atomic_fetch_sub_explicit(&v->mappings, 1, memory_order_relaxed);
    }
    vmar__gap_tree_remove(&r->children, n);
    if (t->spare_mapping == NULL) {
      t->spare_mapping = m; // for the next map; its VMO reference goes
      m = NULL;
    }
  }
  vmar__unlock(&t->lock);
  vmar__reclaim_leave(guard);
  if (err == 0) {
    vmar__object_release(&v->obj);
    vmar__free(m);
  }
  *out = vmar__status_from_errno(err);
  return true;
}

vmar_status_t vmar__os_unmap(vmar_handle_t vmar, vmar_vaddr_t addr,
                             size_t len) {
  // The backend first, then the section, as unmap_full always did.
  const size_t page = vmar__page_size();
  vmar__reclaim_guard_t guard;
  vmar__reclaim_enter(&guard);
  vmar_status_t st;
  if (unmap_short(vmar, addr, len, page, &guard, &st)) {
    return st;
  }
  return unmap_full(vmar, addr, len, page, &guard);
}
