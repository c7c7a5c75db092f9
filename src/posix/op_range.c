// SPDX-License-Identifier: MIT
// POSIX backend: vmar_op_range. COMMIT, DECOMMIT and ZERO act on the files of
// the VMOs mapped in the range (so every mapping of those pages sees the
// result); MAP_RANGE, PREFETCH and ALWAYS_NEED become read-ahead hints;
// DONT_NEED is a hint a host cannot act on for shared pages.

#include "backend.h"
#include "range.h"
#include "sys.h"

static uintptr_t max_addr(uintptr_t a, uintptr_t b) { return a > b ? a : b; }
static uintptr_t min_addr(uintptr_t a, uintptr_t b) { return a < b ? a : b; }

enum action { ACT_NONE, ACT_COMMIT, ACT_ZERO, ACT_WILL_NEED };

// What each operation needs and does, as zx_vmar_op_range defines it.
typedef struct op_rule {
  uint32_t op;
  vmar_rights_t right; // handle right
  uint8_t ceiling;     // PERM bit every mapping's ceiling must include
  bool direct_only;    // never through a sub-VMAR
  enum action action;
} op_rule_t;

static const op_rule_t kRules[] = {
    {VMAR_OP_COMMIT, VMAR_RIGHT_WRITE, VMAR_VM_PERM_WRITE, true, ACT_COMMIT},
    {VMAR_OP_DECOMMIT, VMAR_RIGHT_WRITE, VMAR_VM_PERM_WRITE, true, ACT_ZERO},
    {VMAR_OP_MAP_RANGE, VMAR_RIGHT_READ, 0, false, ACT_WILL_NEED},
    {VMAR_OP_ZERO, VMAR_RIGHT_WRITE, VMAR_VM_PERM_WRITE, false, ACT_ZERO},
    {VMAR_OP_DONT_NEED, 0, 0, false, ACT_NONE},
    {VMAR_OP_ALWAYS_NEED, 0, 0, false, ACT_WILL_NEED},
    {VMAR_OP_PREFETCH, VMAR_RIGHT_READ, VMAR_VM_PERM_READ, true, ACT_WILL_NEED},
};

static const op_rule_t* rule_of(uint32_t op) {
  for (size_t i = 0; i < sizeof(kRules) / sizeof(kRules[0]); i++) {
    if (kRules[i].op == op) {
      return &kRules[i];
    }
  }
  return NULL;
}

typedef struct op_call {
  vmar__region_t* r;
  vmar_rights_t rights;
  const op_rule_t* rule;
  uintptr_t a, b;
} op_call_t;

// The checks before the range is looked at, in zx_vmar_op_range's order.
static vmar_status_t op_check_args(op_call_t* c, uint32_t op, vmar_vaddr_t addr,
                                   size_t len) {
  const size_t page = vmar__page_size();
  if ((c->rule = rule_of(op)) == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((c->rights & c->rule->right) != c->rule->right) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint64_t rlen = 0;
  if (!vmar__round_up(len, page, &rlen) || rlen == 0 ||
      !vmar__is_aligned(addr, page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const uintptr_t end = vmar__end_of(&c->r->node);
  if (addr < c->r->node.base || addr > end || rlen > end - addr) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  c->a = addr;
  c->b = addr + (uintptr_t)rlen;
  return VMAR_OK;
}

// The range must be mapped without holes, and every mapping must allow the
// operation.
static vmar_status_t op_check(const op_call_t* c) {
  if (!vmar__region_alive(c->r)) {
    return VMAR_ERR_BAD_STATE;
  }
  vmar__walk_t w;
  uintptr_t cursor = c->a;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, c->r, c->a, c->b);
       n != NULL && cursor < c->b; n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n)) {
      continue;
    }
    if (n->base > cursor) {
      return VMAR_ERR_BAD_STATE; // a hole
    }
    if (w.depth > 1 &&
        (c->rule->direct_only || !(c->rights & VMAR_RIGHT_OP_CHILDREN))) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (c->rule->ceiling & ~(uint32_t)vmar__as_mapping(n)->ceiling) {
      return VMAR_ERR_ACCESS_DENIED;
    }
    cursor = vmar__end_of(n);
  }
  return cursor < c->b ? VMAR_ERR_BAD_STATE : VMAR_OK;
}

// A run of consecutive pieces backed by one contiguous range of one VMO (the
// protection ranges of a mapping, say): it goes to the host as one call, so
// it changes whole or not at all.
typedef struct file_run {
  vmar__vmo_t* vmo;
  uint64_t off, cnt;
} file_run_t;

// Commits or zeroes the run's part inside the VMO (pages past its end are
// not the VMO's). The VMO's I/O lock keeps its size, and so its file's
// length, fixed meanwhile: a concurrent resize cannot cut the file under a
// hole punch or a temporary mapping.
static int run_flush(const op_call_t* c, const file_run_t* run) {
  if (run->vmo == NULL) {
    return 0;
  }
  vmar__vmo_t* v = run->vmo;
  vmar__store_t* s = v->store;
  int err = 0;
  pthread_rwlock_rdlock(&s->io_lock);
  const uint64_t size = vmar__vmo_size(v);
  uint64_t cnt = run->off >= size ? 0 : run->cnt;
  if (cnt > size - run->off) {
    cnt = size - run->off;
  }
  if (cnt != 0) {
    const uint64_t at = v->base + run->off; // in the file
    err = c->rule->action == ACT_COMMIT ? vmar__sys_commit_range(s->fd, at, cnt)
                                        : vmar__sys_zero_range(s->fd, at, cnt);
  }
  pthread_rwlock_unlock(&s->io_lock);
  return err;
}

// Adds [off, off + cnt) of |v| to |run|, flushing the run first when it
// does not continue it.
static int run_add(const op_call_t* c, file_run_t* run, vmar__vmo_t* v,
                   uint64_t off, uint64_t cnt) {
  if (v == run->vmo && run->off + run->cnt == off) {
    run->cnt += cnt;
    return 0;
  }
  int err = run_flush(c, run);
  run->vmo = v;
  run->off = off;
  run->cnt = cnt;
  return err;
}

// A read-ahead hint for the part of [lo, hi) that lies inside the VMO (a
// hint needs no lock: a stale size only makes it less useful).
static void will_need(const vmar__mapping_t* m, uintptr_t lo, uintptr_t hi) {
  const uint64_t size = vmar__vmo_size(m->vmo);
  const uint64_t off = m->vmo_offset + (lo - m->node.base);
  if (!m->backed || off >= size) {
    return;
  }
  uint64_t cnt = hi - lo;
  vmar__sys_will_need(lo, (size_t)(cnt < size - off ? cnt : size - off));
}

static vmar_status_t op_apply(const op_call_t* c) {
  vmar__walk_t w;
  file_run_t run = {NULL, 0, 0};
  int err = 0;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, c->r, c->a, c->b);
       n != NULL && err == 0; n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n)) {
      continue;
    }
    vmar__mapping_t* m = vmar__as_mapping(n);
    const uintptr_t lo = max_addr(n->base, c->a);
    const uintptr_t hi = min_addr(vmar__end_of(n), c->b);
    if (c->rule->action == ACT_COMMIT || c->rule->action == ACT_ZERO) {
      err = run_add(c, &run, m->vmo, m->vmo_offset + (lo - n->base), hi - lo);
    } else if (c->rule->action == ACT_WILL_NEED) {
      will_need(m, lo, hi);
    }
  }
  if (err == 0) {
    err = run_flush(c, &run);
  }
  return vmar__status_of_commit(err);
}

vmar_status_t vmar__os_op_range(vmar_handle_t vmar, uint32_t op,
                                vmar_vaddr_t addr, size_t len) {
  op_call_t c = {0};
  vmar_status_t st = vmar__region_open(vmar, 0, true, &c.r, &c.rights);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__lockset_t ls;
  st = op_check_args(&c, op, addr, len);
  if (st == VMAR_OK && (st = vmar__lock_range(c.r, c.a, c.b, &ls)) == VMAR_OK) {
    st = op_check(&c);
    if (st == VMAR_OK) {
      st = op_apply(&c);
    }
    vmar__unlock_range(&ls);
  }
  vmar__object_release(&c.r->obj);
  return st;
}
