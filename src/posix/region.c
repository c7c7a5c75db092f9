// SPDX-License-Identifier: MIT
// POSIX backend: creating, destroying and describing VMARs.
//
// A child of the root is a reservation: one PROT_NONE mapping the host gives
// us. Everything inside it (sub-VMARs at any depth) is bookkeeping in the
// placement trees and costs no host call; the reservation keeps the host from
// putting anything else there. Destroying a reservation returns it to the
// host; destroying a sub-VMAR leaves its range reserved as free space of its
// parent.

#include "backend.h"
#include "range.h"
#include "reclaim.h"
#include "sys.h"
#include "validate.h"

static bool is_top(const vmar__region_t* r) {
  return (r->obj.flags & VMAR__REGION_RESERVATION) != 0;
}

// Takes the locks an operation on |r| needs: its reservation's lock, and the
// root's first when |r| itself is a reservation whose place in the root
// changes (|with_root|).
static void lock_region(vmar__region_t* r, bool with_root) {
  vmar__top_t* root = vmar__posix()->root;
  if (with_root && r->top != root) {
    vmar__lock(&root->lock);
  }
  vmar__lock(&r->top->lock);
}

static void unlock_region(vmar__region_t* r, bool with_root) {
  vmar__top_t* root = vmar__posix()->root;
  vmar__unlock(&r->top->lock);
  if (with_root && r->top != root) {
    vmar__unlock(&root->lock);
  }
}

// Frees a region's memory: a reservation's lock goes with it.
static void discard_region(vmar__region_t* r, bool top) {
  if (top) {
    vmar__lock_destroy(&r->top->lock);
    vmar__free_lines(r->top);
  } else {
    vmar__free(r);
  }
}

void vmar__region_free(vmar__region_t* r) {
  if (is_top(r)) {
    vmar__top_t* t = r->top;
    if (t->retired != t->retired_inline) {
      vmar__free(t->retired);
    }
    vmar__free(t->spare_mapping);
  } else {
    vmar__object_release(&r->top->region.obj);
  }
  // A call that borrowed the region may still lock its reservation: the
  // memory, lock included, goes once no such call is running.
  vmar__reclaim_retire(&r->obj);
}

void vmar__region_dispose(vmar__region_t* r) { discard_region(r, is_top(r)); }

static vmar__region_t* new_region(bool top) {
  if (top) {
    vmar__top_t* t = vmar__calloc_lines(sizeof(*t));
    if (t == NULL) {
      return NULL;
    }
    if (!vmar__lock_init(&t->lock)) {
      vmar__free_lines(t);
      return NULL;
    }
    t->region.top = t;
    return &t->region;
  }
  return vmar__calloc(1, sizeof(vmar__region_t));
}

// ---- vmar_allocate ---------------------------------------------------------

typedef struct allocate_call {
  vmar__region_t* parent;
  vmar_rights_t rights;
  vmar_vm_option_t options;
  size_t offset, size, align;
  bool in_root;          // the child is a reservation of its own
  vmar__region_t* child; // allocated by the check, not yet visible
  uintptr_t addr;
  vmar__gap_pos_t pos; // where the placement put it in the parent's tree
} allocate_call_t;

// The checks that need the parent's lock, in zx_vmar_allocate's order, then
// the child's memory.
static vmar_status_t allocate_check(allocate_call_t* c) {
  const vmar__region_t* p = c->parent;
  if (!vmar__region_alive(p)) {
    return VMAR_ERR_BAD_STATE;
  }
  if (c->size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((c->options & VMAR__CAN_MAP_RWX & ~p->obj.flags) != 0) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  vmar_status_t st =
      vmar__check_placement(c->options, c->offset, c->size, vmar__page_size(),
                            p->obj.flags, p->node.size);
  if (st != VMAR_OK) {
    return st;
  }
  c->child = new_region(c->in_root);
  return c->child != NULL ? VMAR_OK : VMAR_ERR_NO_MEMORY;
}

// The spot: a new host reservation in the root, bookkeeping elsewhere. As
// Zircon, unusable output pointers are noticed last, once the child could
// be made; it is unmade and nothing changes.
static vmar_status_t allocate_apply(allocate_call_t* c, bool out_ok) {
  vmar_status_t st =
      c->in_root ? vmar__root_reserve(c->parent, c->options, c->offset, c->size,
                                      c->align, &c->addr)
                 : vmar__region_place(c->parent, c->options, c->offset, c->size,
                                      c->align, &c->addr, &c->pos);
  if (st == VMAR_OK && !out_ok) {
    if (c->in_root) {
      vmar__sys_release(c->addr, c->size);
    }
    st = VMAR_ERR_INVALID_ARGS;
  }
  return st;
}

// Makes the child visible and gives it a handle. The only failure left is a
// full handle table, which undoes everything.
static vmar_status_t allocate_commit(allocate_call_t* c, vmar_handle_t* h) {
  vmar__region_t* r = c->child;
  vmar__region_t* parent = c->parent;
  // The initial reference belongs to the parent's tree.
  vmar__object_init(&r->obj, VMAR_OBJ_TYPE_VMAR);
  r->node.base = c->addr;
  r->node.size = c->size;
  vmar__gap_node_set_kind(&r->node, VMAR__NODE_REGION);
  vmar__gap_tree_init(&r->children, &r->node);
  r->parent = parent;
  if (!c->in_root) {
    r->top = parent->top;
    vmar__object_retain(&r->top->region.obj);
  }
  r->obj.flags =
      (uint16_t)((c->options & (VMAR__CAN_MAP_RWX | VMAR_VM_CAN_MAP_SPECIFIC |
                                VMAR_VM_COMPACT)) |
                 (c->in_root ? VMAR__REGION_RESERVATION : 0u));
  r->obj.state = VMAR__REGION_ALIVE;
  vmar__region_insert(parent, &r->node, c->in_root ? NULL : &c->pos);
  vmar_status_t st = vmar__handle_create(
      &r->obj, VMAR_DEFAULT_VMAR_RIGHTS | vmar__rights_for_can_map(c->options),
      h);
  if (st != VMAR_OK) {
    vmar__gap_tree_remove(&parent->children, &r->node);
    if (c->in_root) {
      vmar__sys_release(c->addr, c->size);
    }
    return st; // the caller drops the child's reference, which frees it
  }
  c->child = NULL;
  return VMAR_OK;
}

vmar_status_t vmar__os_allocate(vmar_handle_t parent_handle,
                                vmar_vm_option_t options, size_t offset,
                                size_t size, vmar_handle_t* child,
                                vmar_vaddr_t* child_addr) {
  allocate_call_t c = {.options = options, .offset = offset, .size = size};
  vmar_status_t st =
      vmar__region_open(parent_handle, 0, true, &c.parent, &c.rights);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  bool made = false; // the child was initialised (released, not discarded)
  if ((vmar__rights_for_can_map(options) & ~c.rights) != 0) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else {
    st = vmar__check_allocate_args(options, size, vmar__page_size(), &c.align);
  }
  if (st == VMAR_OK) {
    c.in_root = c.parent == vmar__root_region();
    lock_region(c.parent, false);
    st = allocate_check(&c);
    if (st == VMAR_OK) {
      st = allocate_apply(&c, child != NULL && child_addr != NULL);
    }
    if (st == VMAR_OK) {
      made = true;
      st = allocate_commit(&c, &h);
    }
    unlock_region(c.parent, false);
  }
  if (c.child != NULL) {
    if (made) {
      vmar__object_release(&c.child->obj);
    } else {
      discard_region(c.child, c.in_root);
    }
  }
  vmar__object_release(&c.parent->obj);
  if (st == VMAR_OK) {
    *child = h;
    *child_addr = c.addr;
  }
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
        if (VMAR__CONTAINER_OF(n, vmar__mapping_t, node)->head) {
          atomic_fetch_sub_explicit(
              &VMAR__CONTAINER_OF(n, vmar__mapping_t, node)->vmo->mappings, 1,
              memory_order_relaxed);
        }
        n->right = g->mappings;
        g->mappings = n;
      }
      n = next;
    }
    x->node.right = g->regions;
    g->regions = &x->node;
  }
}

void vmar__graveyard_keep_spare(vmar__graveyard_t* g, vmar__top_t* t) {
  if (t->spare_mapping == NULL && g->mappings != NULL && g->kept_vmo == NULL) {
    vmar__mapping_t* m = VMAR__CONTAINER_OF(g->mappings, vmar__mapping_t, node);
    g->mappings = m->node.right;
    g->kept_vmo = m->vmo;
    t->spare_mapping = m;
  }
}

void vmar__drop_spare_mappings(void) {
  vmar__top_t* root = vmar__posix()->root;
  if (root == NULL) {
    return;
  }
  vmar__lock(&root->lock);
  vmar__free(root->spare_mapping);
  root->spare_mapping = NULL;
  for (vmar__gap_node_t* n = vmar__gap_tree_first(&root->region.children);
       n != NULL; n = vmar__gap_tree_next(n)) {
    if (!vmar__is_mapping(n)) {
      vmar__top_t* t = vmar__as_region(n)->top;
      vmar__lock(&t->lock);
      vmar__free(t->spare_mapping);
      t->spare_mapping = NULL;
      vmar__unlock(&t->lock);
    }
  }
  vmar__unlock(&root->lock);
}

void vmar__graveyard_empty(vmar__graveyard_t* g) {
  if (g->kept_vmo != NULL) {
    vmar__object_release(&g->kept_vmo->obj);
    g->kept_vmo = NULL;
  }
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
  vmar_status_t st =
      vmar__region_open(handle, VMAR_RIGHT_OP_CHILDREN, true, &r, NULL);
  if (st != VMAR_OK) {
    return st;
  }
  if (r == vmar__root_region()) {
    vmar__object_release(&r->obj);
    return VMAR_ERR_NOT_SUPPORTED;
  }
  const bool top = is_top(r);
  lock_region(r, top);
  if (!vmar__region_alive(r)) {
    st = VMAR_ERR_BAD_STATE;
  } else {
    // Host first: if it refuses, nothing has changed yet. A reservation goes
    // back to the host; what is mapped in a sub-VMAR is reserved afresh (as
    // free space of its parent).
    const uintptr_t base = r->node.base;
    st = vmar__status_from_errno(
        top ? vmar__sys_release(base, r->node.size)
            : vmar__clear_range(r, vmar__gap_tree_first(&r->children), base,
                                base + r->node.size));
  }
  vmar__graveyard_t dead = {NULL, NULL, NULL};
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
  vmar_status_t st =
      vmar__region_open(handle, VMAR_RIGHT_INSPECT, info != NULL, &r, NULL);
  if (st == VMAR_OK) {
    // The range never changes, so no lock; as on Zircon it is reported even
    // after the VMAR was destroyed.
    info->base = r->node.base;
    info->len = r->node.size;
    vmar__object_release(&r->obj);
  }
  return st;
}
