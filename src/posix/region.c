// SPDX-License-Identifier: MIT
// POSIX backend: creating, destroying and describing VMARs.
//
// A child of the root is a reservation: one PROT_NONE mapping the host gives
// us. Everything inside it (sub-VMARs at any depth) is bookkeeping in the
// placement trees and costs no host call; the reservation keeps the host from
// putting anything else there. Destroying a reservation returns it to the
// host; destroying a sub-VMAR leaves its range reserved as free space of its
// parent.

#include <stdlib.h>

#include "backend.h"
#include "object.h"
#include "sys.h"
#include "validate.h"

// NULL only if the root could not be set up (out of memory at first use).
static vmar__region_t* root_region(void) {
  vmar__top_t* root = vmar__posix()->root;
  return root != NULL ? &root->region : NULL;
}

static bool is_top(const vmar__region_t* r) { return &r->top->region == r; }

// Takes the locks an operation on |r| needs: its reservation's lock, and the
// root's first when |r| itself is a reservation whose place in the root
// changes (|with_root|).
static void lock_region(vmar__region_t* r, bool with_root) {
  vmar__top_t* root = vmar__posix()->root;
  if (with_root && r->top != root) {
    pthread_mutex_lock(&root->lock);
  }
  pthread_mutex_lock(&r->top->lock);
}

static void unlock_region(vmar__region_t* r, bool with_root) {
  vmar__top_t* root = vmar__posix()->root;
  pthread_mutex_unlock(&r->top->lock);
  if (with_root && r->top != root) {
    pthread_mutex_unlock(&root->lock);
  }
}

void vmar__region_free(vmar__region_t* r) {
  if (is_top(r)) {
    vmar__top_t* t = r->top;
    pthread_mutex_destroy(&t->lock);
    vmar__free(t);
    return;
  }
  vmar__object_release(&r->top->region.obj);
  vmar__free(r);
}

static uintptr_t align_up(uintptr_t x, size_t align) {
  return (x + (align - 1)) & ~(uintptr_t)(align - 1);
}

static size_t sat_mul(size_t a, size_t b) {
  return (b != 0 && a > SIZE_MAX / b) ? SIZE_MAX : a * b;
}

// Chooses the spot of a new child inside a reservation: no host call, the
// tree knows every child.
vmar_status_t vmar__region_place(const vmar__region_t* parent,
                                 vmar_vm_option_t options, size_t offset,
                                 size_t size, size_t align, uintptr_t* out) {
  const uintptr_t base = parent->node.base;
  if (options & VMAR_VM_SPECIFIC) {
    uintptr_t addr = base + offset;
    if (!vmar__is_aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (!vmar__gap_tree_range_free(&parent->children, addr, size)) {
      return VMAR_ERR_ALREADY_EXISTS;
    }
    *out = addr;
    return VMAR_OK;
  }
  const uintptr_t limit =
      (options & VMAR_VM_OFFSET_IS_UPPER_LIMIT) ? base + offset : UINTPTR_MAX;
  const uint32_t bits = vmar__entropy_bits();
  bool found;
  if ((parent->obj.flags & VMAR_VM_COMPACT) || bits == 0) {
    // As Zircon's newest kernels: COMPACT is strict lowest-address first fit.
    found =
        vmar__gap_tree_first_fit(&parent->children, size, align, limit, out);
  } else {
    size_t window = bits >= sizeof(size_t) * 8
                        ? SIZE_MAX
                        : sat_mul((size_t)1 << bits, align);
    found = vmar__gap_tree_random_fit(&parent->children, size, align, limit,
                                      window, vmar__random, NULL, out);
  }
  return found ? VMAR_OK : VMAR_ERR_NO_RESOURCES;
}

// The host picks the spot unless SPECIFIC, and never lets it overlap
// anything the process already has.
vmar_status_t vmar__root_reserve(const vmar__region_t* root,
                                 vmar_vm_option_t options, size_t offset,
                                 size_t size, size_t align, uintptr_t* out) {
  const size_t page = vmar__posix()->page;
  const uintptr_t base = root->node.base;
  const uintptr_t end = base + root->node.size;
  if (options & VMAR_VM_SPECIFIC) {
    uintptr_t addr = base + offset;
    if (!vmar__is_aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    int err = vmar__sys_reserve_at(addr, size);
    if (err != 0) {
      return vmar__status_from_errno(err);
    }
    *out = addr;
    return VMAR_OK;
  }
  // Over-reserve by the extra alignment, then trim both ends.
  const size_t extra = align - page;
  if (size > SIZE_MAX - extra) {
    return VMAR_ERR_NO_RESOURCES;
  }
  uintptr_t p = 0;
  int err = vmar__sys_reserve_anywhere(size + extra, &p);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  uintptr_t addr = align_up(p, align);
  if (addr > p) {
    err = vmar__sys_release(p, addr - p);
  }
  if (err == 0 && p + extra > addr) {
    err = vmar__sys_release(addr + size, p + extra - addr);
  }
  if (err != 0) {
    // A trim failed: give the whole over-reservation back (what is already
    // gone is skipped by the host) rather than keep a stray piece.
    (void)vmar__sys_release(p, size + extra);
    return vmar__status_from_errno(err);
  }
  const uintptr_t limit =
      (options & VMAR_VM_OFFSET_IS_UPPER_LIMIT) ? base + offset : end;
  if (addr < base || addr + size > limit || addr + size > end) {
    // The host's choice breaks the upper limit: try the highest aligned spot
    // under it before giving up (the host's placement cannot be steered
    // further without scanning foreign mappings).
    vmar__sys_release(addr, size);
    uintptr_t top = (limit - size) & ~(uintptr_t)(align - 1);
    if (top < base || vmar__sys_reserve_at(top, size) != 0) {
      return VMAR_ERR_NO_RESOURCES;
    }
    addr = top;
  }
  *out = addr;
  return VMAR_OK;
}

// Frees a region that never became visible (no object set up yet).
static void discard_new_region(vmar__region_t* r, bool top) {
  if (top) {
    pthread_mutex_destroy(&r->top->lock);
    vmar__free(r->top);
  } else {
    vmar__free(r);
  }
}

static vmar__region_t* new_region(bool top) {
  if (top) {
    vmar__top_t* t = vmar__calloc_lines(sizeof(*t));
    if (t == NULL) {
      return NULL;
    }
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
      vmar__free(t);
      return NULL;
    }
    t->region.top = t;
    return &t->region;
  }
  return vmar__calloc(1, sizeof(vmar__region_t));
}

vmar_status_t vmar__os_allocate(vmar_handle_t parent_handle,
                                vmar_vm_option_t options, size_t offset,
                                size_t size, vmar_handle_t* child,
                                vmar_vaddr_t* child_addr) {
  const size_t page = vmar__posix()->page;
  vmar__region_t* parent;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(parent_handle, &parent, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmar_rights_t needed = vmar__rights_for_can_map(options);
  size_t align;
  if ((needed & ~rights) != 0) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else {
    st = vmar__check_allocate_args(options, size, page, &align);
  }
  if (st != VMAR_OK) {
    vmar__object_release(&parent->obj);
    return st;
  }

  const bool in_root = parent == root_region();
  lock_region(parent, false);
  if (parent->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else if (size == 0) {
    st = VMAR_ERR_INVALID_ARGS;
  } else if ((options & VMAR__CAN_MAP_RWX & ~parent->obj.flags) != 0) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else {
    st = vmar__check_placement(options, offset, size, page, parent->obj.flags,
                               parent->node.size);
  }
  vmar__region_t* r = NULL;
  if (st == VMAR_OK && (r = new_region(in_root)) == NULL) {
    st = VMAR_ERR_NO_MEMORY;
  }
  uintptr_t addr = 0;
  if (st == VMAR_OK) {
    st = in_root
             ? vmar__root_reserve(parent, options, offset, size, align, &addr)
             : vmar__region_place(parent, options, offset, size, align, &addr);
    // As Zircon, unusable output pointers are noticed last, once the child
    // could be made; it is unmade and nothing changes.
    if (st == VMAR_OK && (child == NULL || child_addr == NULL)) {
      if (in_root) {
        vmar__sys_release(addr, size);
      }
      st = VMAR_ERR_INVALID_ARGS;
    }
  }
  if (st != VMAR_OK) {
    unlock_region(parent, false);
    if (r != NULL) {
      discard_new_region(r, in_root);
    }
    vmar__object_release(&parent->obj);
    return st;
  }

  // The initial reference belongs to the parent's tree.
  vmar__object_init(&r->obj, VMAR_OBJ_TYPE_VMAR);
  r->node.base = addr;
  r->node.size = size;
  vmar__gap_node_set_kind(&r->node, VMAR__NODE_REGION);
  vmar__gap_tree_init(&r->children, &r->node);
  r->parent = parent;
  if (!in_root) {
    r->top = parent->top;
    vmar__object_retain(&r->top->region.obj);
  }
  r->obj.flags = options & (VMAR__CAN_MAP_RWX | VMAR_VM_CAN_MAP_SPECIFIC |
                            VMAR_VM_COMPACT);
  r->obj.state = VMAR__REGION_ALIVE;
  vmar__gap_tree_insert(&parent->children, &r->node);

  vmar_handle_t h;
  st = vmar__handle_create(&r->obj, VMAR_DEFAULT_VMAR_RIGHTS | needed, &h);
  if (st != VMAR_OK) {
    // Out of handles: undo, leaving the parent exactly as it was.
    vmar__gap_tree_remove(&parent->children, &r->node);
    if (in_root) {
      vmar__sys_release(addr, size);
    }
  }
  unlock_region(parent, false);
  if (st != VMAR_OK) {
    vmar__object_release(&r->obj);
  } else {
    *child = h;
    *child_addr = addr;
  }
  vmar__object_release(&parent->obj);
  return st;
}

void vmar__region_kill(vmar__region_t* r, vmar__graveyard_t* g) {
  // Iterative, not recursive: nesting can be arbitrarily deep. A dead node's
  // tree links are free, so they carry the work stack (the parent word, via
  // vmar__gap_node_link_next) and the graveyard lists (node.right).
  vmar__gap_node_t* work = &r->node;
  vmar__gap_node_set_link_next(&r->node, NULL);
  while (work != NULL) {
    vmar__region_t* x = VMAR__CONTAINER_OF(work, vmar__region_t, node);
    work = vmar__gap_node_link_next(work);
    x->obj.state = VMAR__REGION_DEAD;
    x->parent = NULL;
    vmar__gap_node_t* n = vmar__gap_tree_detach_all(&x->children);
    while (n != NULL) {
      vmar__gap_node_t* next = n->left;
      if (vmar__gap_node_kind(n) == VMAR__NODE_REGION) {
        vmar__gap_node_set_link_next(n, work);
        work = n;
      } else {
        n->right = g->mappings;
        g->mappings = n;
      }
      n = next;
    }
    x->node.right = g->regions;
    g->regions = &x->node;
  }
}

void vmar__graveyard_empty(vmar__graveyard_t* g) {
  while (g->mappings != NULL) {
    vmar__gap_node_t* next = g->mappings->right;
    vmar__mapping_t* m = VMAR__CONTAINER_OF(g->mappings, vmar__mapping_t, node);
    vmar__object_release(&m->vmo->obj);
    vmar__free(m);
    g->mappings = next;
  }
  while (g->regions != NULL) {
    vmar__gap_node_t* next = g->regions->right;
    vmar__object_release(
        &VMAR__CONTAINER_OF(g->regions, vmar__region_t, node)->obj);
    g->regions = next;
  }
}

vmar_status_t vmar__os_destroy(vmar_handle_t handle) {
  vmar__region_t* r;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(handle, &r, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_OP_CHILDREN)) {
    vmar__object_release(&r->obj);
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (r == root_region()) {
    vmar__object_release(&r->obj);
    return VMAR_ERR_NOT_SUPPORTED;
  }
  const bool top = is_top(r);
  lock_region(r, top);
  if (r->obj.state != VMAR__REGION_ALIVE) {
    st = VMAR_ERR_BAD_STATE;
  } else if (top || (r->obj.flags & VMAR__REGION_HAD_MAPPINGS)) {
    // Host first: if it refuses, nothing has changed yet. A reservation goes
    // back to the host; a sub-VMAR that held mappings is reserved afresh
    // (as free space of its parent).
    int err = top ? vmar__sys_release(r->node.base, r->node.size)
                  : vmar__sys_rereserve(r->node.base, r->node.size);
    if (err != 0) {
      st = vmar__status_from_errno(err);
    }
  }
  vmar__graveyard_t dead = {NULL, NULL};
  if (st == VMAR_OK) {
    vmar__gap_tree_remove(&r->parent->children, &r->node);
    vmar__region_kill(r, &dead);
  }
  unlock_region(r, top);
  vmar__graveyard_empty(&dead);
  vmar__object_release(&r->obj);
  return st;
}

vmar_status_t vmar__os_get_info(vmar_handle_t handle, vmar_info_t* info) {
  vmar__region_t* r;
  vmar_rights_t rights;
  vmar_status_t st = vmar__region_get(handle, &r, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_INSPECT)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (info == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    // The range never changes, so no lock; as on Zircon it is reported even
    // after the VMAR was destroyed.
    info->base = r->node.base;
    info->len = r->node.size;
  }
  vmar__object_release(&r->obj);
  return st;
}
