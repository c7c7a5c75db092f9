// SPDX-License-Identifier: MIT
// POSIX backend: vmar_protect. Zircon keeps per-page protection ranges
// inside a mapping; here a mapping whose pages differ is stored as adjacent
// pieces, split where a protect starts or ends inside one and merged again
// when neighbours become equal.

#include "backend.h"
#include "range.h"
#include "sys.h"
#include "validate.h"

static uintptr_t max_addr(uintptr_t a, uintptr_t b) { return a > b ? a : b; }
static uintptr_t min_addr(uintptr_t a, uintptr_t b) { return a < b ? a : b; }

typedef struct protect_call {
  vmar__region_t* r;
  vmar_rights_t rights;
  uint32_t perms;
  uintptr_t a, b;
  vmar__mapping_t* spares[2]; // the pieces split off at the two edges
  vmar__graveyard_t g;        // pieces merged away
} protect_call_t;

// The checks zx_vmar_protect makes before it looks at the range, in its
// order.
static vmar_status_t protect_check_args(protect_call_t* c,
                                        vmar_vm_option_t options,
                                        vmar_vaddr_t addr, size_t len,
                                        vmar__page_range_t* pr) {
  const size_t page = vmar__page_size();
  if (options & VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED) {
    options |= VMAR_VM_PERM_READ; // hosts cannot map execute-only
  }
  c->perms = options & VMAR__PERM_BITS;
  if (c->perms & ~vmar__perms_of_rights(c->rights, c->rights)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if ((c->perms & (VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)) &&
      !(c->perms & VMAR_VM_PERM_READ)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const vmar_vm_option_t allowed =
      VMAR__PERM_BITS | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  if (!vmar__is_aligned(addr, page) || (options & ~allowed) != 0 ||
      !vmar__page_range(addr, len, page, pr)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  c->a = pr->a;
  c->b = pr->b;
  return vmar__check_host_perms(c->perms); // after every argument check
}

// Whether one mapping piece of the range allows the change. |depth| > 1:
// reached through a sub-VMAR, which needs OP_CHILDREN and may only reduce.
static vmar_status_t protect_check_piece(const protect_call_t* c,
                                         const vmar__mapping_t* m,
                                         size_t depth) {
  if (c->perms & ~(uint32_t)m->ceiling) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (depth > 1 && !(c->rights & VMAR_RIGHT_OP_CHILDREN)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (depth > 1 && (c->perms & ~(uint32_t)m->perms)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  return VMAR_OK;
}

// The whole range must be mapped and every piece must allow the change;
// the edge pieces that will split get their spare memory now.
static vmar_status_t protect_check(protect_call_t* c,
                                   const vmar__page_range_t* pr) {
  vmar_status_t st = vmar__range_check(c->r, pr);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__walk_t w;
  uintptr_t cursor = c->a;
  size_t splits = 0;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, c->r, c->a, c->b);
       n != NULL && cursor < c->b; n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n)) {
      continue;
    }
    const vmar__mapping_t* m = vmar__as_mapping(n);
    if (n->base > cursor) {
      return VMAR_ERR_NOT_FOUND;
    }
    st = protect_check_piece(c, m, w.depth);
    if (st != VMAR_OK) {
      return st;
    }
    cursor = vmar__end_of(n);
    if (m->perms != c->perms) {
      splits += (n->base < c->a) + (vmar__end_of(n) > c->b);
    }
  }
  if (cursor < c->b) {
    return VMAR_ERR_NOT_FOUND;
  }
  for (size_t i = 0; i < splits; i++) {
    if ((c->spares[i] = vmar__malloc(sizeof(vmar__mapping_t))) == NULL) {
      return VMAR_ERR_NO_MEMORY;
    }
  }
  return VMAR_OK;
}

// Sets the new protection on the backed pieces of the range whose
// permissions differ, one host call per contiguous run. With |undo|, puts
// back each piece's own permissions below |stop| instead (to roll back a
// failure).
static int protect_host(const protect_call_t* c, bool undo, uintptr_t stop) {
  vmar__walk_t w;
  uintptr_t run_lo = 0;
  uintptr_t run_hi = 0;
  int run_prot = 0;
  int err = 0;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, c->r, c->a, c->b);
       n != NULL && err == 0; n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n)) {
      continue;
    }
    const vmar__mapping_t* m = vmar__as_mapping(n);
    uintptr_t lo = max_addr(n->base, c->a);
    uintptr_t hi = min_addr(vmar__end_of(n), c->b);
    if (undo && lo >= stop) {
      break;
    }
    if (!m->backed || m->perms == c->perms) {
      continue;
    }
    int prot = vmar__sys_prot(undo ? m->perms : c->perms);
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

static vmar_status_t protect_apply(const protect_call_t* c) {
  int err = protect_host(c, false, 0);
  if (err != 0) {
    (void)protect_host(c, true, c->b);
  }
  return vmar__status_from_errno(err);
}

// The trees: split the edge pieces, set the permissions, then coalesce.
static void protect_commit(protect_call_t* c) {
  vmar__walk_t w;
  size_t used = 0;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, c->r, c->a, c->b); n != NULL;
       n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n) || vmar__as_mapping(n)->perms == c->perms) {
      continue;
    }
    vmar__mapping_t* m = vmar__as_mapping(n);
    const uintptr_t nb = n->base;
    const uintptr_t ne = vmar__end_of(n);
    if (nb < c->a) {
      vmar__piece_add(m, c->spares[used], nb, c->a - nb); // keeps m's head
      c->spares[used++] = NULL;
      vmar__piece_trim(m, c->a, ne - c->a);
      m->head = false;
    }
    if (ne > c->b) {
      vmar__piece_add(m, c->spares[used], c->b, ne - c->b);
      c->spares[used]->head = false;
      c->spares[used++] = NULL;
      vmar__piece_trim(m, m->node.base, c->b - m->node.base);
    }
    m->perms = (uint8_t)c->perms;
  }
  vmar__coalesce(c->r, c->a, c->b, &c->g);
}

vmar_status_t vmar__os_protect(vmar_handle_t vmar, vmar_vm_option_t options,
                               vmar_vaddr_t addr, size_t len) {
  protect_call_t c = {0};
  vmar_status_t st = vmar__region_open(vmar, 0, true, &c.r, &c.rights);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__page_range_t pr;
  vmar__lockset_t ls;
  st = protect_check_args(&c, options, addr, len, &pr);
  if (st == VMAR_OK && (st = vmar__lock_range(c.r, c.a, c.b, &ls)) == VMAR_OK) {
    st = protect_check(&c, &pr);
    if (st == VMAR_OK) {
      st = protect_apply(&c);
    }
    if (st == VMAR_OK) {
      protect_commit(&c);
    }
    vmar__unlock_range(&ls);
  }
  vmar__graveyard_empty(&c.g);
  vmar__free(c.spares[0]);
  vmar__free(c.spares[1]);
  vmar__object_release(&c.r->obj);
  return st;
}
