// SPDX-License-Identifier: MIT
// POSIX backend: vmar_get_maps (ZX_INFO_VMAR_MAPS), and the check of the
// caller's buffer of vmar_vmo_read/write against vmar's own mappings.

#include <string.h>

#include "backend.h"
#include "range.h"

static uintptr_t max_addr(uintptr_t a, uintptr_t b) { return a > b ? a : b; }
static uintptr_t min_addr(uintptr_t a, uintptr_t b) { return a < b ? a : b; }

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

// Fills |out| with the first |count| entries, depth first, and returns how
// many there are in all. Called with the locks held.
static size_t collect(vmar__region_t* r, vmar_map_info_t* out, size_t count) {
  if (count > 0) {
    fill_entry(&out[0], &r->node, 0);
  }
  size_t total = 1;
  vmar__walk_t w;
  const vmar__mapping_t* last = NULL; // the mapping piece reported last
  for (vmar__gap_node_t* n =
           vmar__walk_first(&w, r, r->node.base, vmar__end_of(&r->node));
       n != NULL; n = vmar__walk_next(&w, n)) {
    const vmar__mapping_t* m = vmar__is_mapping(n) ? vmar__as_mapping(n) : NULL;
    // Pieces that differ only in what the host backs (a slice mapped past
    // its window) are one entry, as on Zircon. (Ids are unique within a
    // VMAR's reservation only: the pieces must share their VMAR.)
    if (m != NULL && last != NULL && last->region == m->region &&
        last->id == m->id && last->perms == m->perms &&
        vmar__end_of(&last->node) == n->base) {
      if (total - 1 < count) {
        out[total - 1].size += n->size;
      }
      last = m;
      continue;
    }
    last = m;
    if (total < count) {
      fill_entry(&out[total], n, w.depth);
    }
    total++;
  }
  return total;
}

vmar_status_t vmar__os_get_maps(vmar_handle_t vmar, vmar_map_info_t* out,
                                size_t count, size_t* actual, size_t* avail) {
  vmar__region_t* r;
  vmar_status_t st = vmar__region_open(vmar, VMAR_RIGHT_INSPECT,
                                       out != NULL || count == 0, &r, NULL);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__lockset_t ls;
  size_t total = 0;
  st = vmar__lock_range(r, r->node.base, vmar__end_of(&r->node), &ls);
  if (st == VMAR_OK) {
    if (!vmar__region_alive(r)) {
      st = VMAR_ERR_BAD_STATE;
    } else {
      total = collect(r, out, count);
    }
    vmar__unlock_range(&ls);
  }
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

// Checks the part of [a, b) inside |r| (a reservation), at every depth.
// Called with the reservation's lock held.
static vmar_status_t check_buffer_in(vmar__region_t* r, uintptr_t a,
                                     uintptr_t b, uint32_t need) {
  vmar__walk_t w;
  uintptr_t cursor = a;
  for (vmar__gap_node_t* n = vmar__walk_first(&w, r, a, b);
       n != NULL && cursor < b; n = vmar__walk_next(&w, n)) {
    if (!vmar__is_mapping(n)) {
      continue;
    }
    const vmar__mapping_t* m = vmar__as_mapping(n);
    if (n->base > cursor) {
      return VMAR_ERR_NOT_FOUND; // reserved, nothing mapped
    }
    // A mapping without the permission is ACCESS_DENIED even when the host
    // could not back it; one with it but unbacked faults.
    if ((m->perms & need) != need) {
      return VMAR_ERR_ACCESS_DENIED;
    }
    if (!m->backed) {
      return VMAR_ERR_NOT_FOUND;
    }
    cursor = vmar__end_of(n);
  }
  return cursor < b ? VMAR_ERR_NOT_FOUND : VMAR_OK;
}

// The free stretch of the root where this thread's last buffer lay, and
// the root's generation then: while no insertion into the root happened
// since, a buffer inside it is outside everything vmar manages, without a
// lock. Buffers are nearly always reused (and the stack or the heap lies
// far from vmar's reservations), so I/O from many threads shares nothing.
static _Thread_local struct {
  uintptr_t lo, hi;
  uint64_t generation;
} outside;

// Remembers the free stretch of the root around [addr, end), when there is
// one. Called with the root's lock held.
static void remember_outside(const vmar__region_t* root, uintptr_t addr,
                             uintptr_t end, const vmar__gap_node_t* next,
                             uint64_t generation) {
  if (next != NULL && next->base < end) {
    return;
  }
  const vmar__gap_node_t* prev = next != NULL
                                     ? vmar__gap_tree_prev(next)
                                     : vmar__gap_tree_last(&root->children);
  uintptr_t lo = prev != NULL ? vmar__end_of(prev) : 0;
  if (lo > addr) {
    return; // |prev| reaches into the buffer: not a free stretch
  }
  outside.lo = lo;
  outside.hi = next != NULL ? next->base : UINTPTR_MAX;
  outside.generation = generation;
}

vmar_status_t vmar__check_user_buffer(uintptr_t addr, size_t len, bool write) {
  const uint32_t need = write ? VMAR_VM_PERM_WRITE : VMAR_VM_PERM_READ;
  const uintptr_t end = len > UINTPTR_MAX - addr ? UINTPTR_MAX : addr + len;
  vmar__region_t* root = vmar__root_region();
  if (root == NULL) {
    return VMAR_OK; // no root: vmar manages no memory at all
  }
  if (addr >= outside.lo && end <= outside.hi &&
      outside.generation == vmar__root_generation()) {
    return VMAR_OK;
  }
  vmar_status_t st = VMAR_OK;
  vmar__lock(&root->top->lock);
  vmar__gap_node_t* first = vmar__gap_tree_lower_bound(&root->children, addr);
  // Under the root's lock nothing is inserted into it: this generation is
  // the tree's.
  remember_outside(root, addr, end, first, vmar__root_generation());
  for (vmar__gap_node_t* n = first; n != NULL && n->base < end && st == VMAR_OK;
       n = vmar__gap_tree_next(n)) {
    if (vmar__is_mapping(n)) {
      if ((vmar__as_mapping(n)->perms & need) != need) {
        st = VMAR_ERR_ACCESS_DENIED;
      }
      continue;
    }
    vmar__region_t* t = vmar__as_region(n);
    vmar__lock(&t->top->lock);
    st = check_buffer_in(t, max_addr(addr, n->base),
                         min_addr(end, vmar__end_of(n)), need);
    vmar__unlock(&t->top->lock);
  }
  vmar__unlock(&root->top->lock);
  return st;
}
