// SPDX-License-Identifier: MIT
// POSIX backend: VMO children (zx_vmo_create_child), the family they form,
// and ZX_INFO_VMO (docs/design.md §5).
//
// A slice and a reference share their parent's file (the store), a slice at
// an offset; a snapshot gets a file of its own holding a copy of the window
// made at creation (only the parts that hold data are copied, so a sparse
// parent makes a sparse child). The three snapshot kinds behave alike: no
// pager supplies pages here, and for such VMOs Zircon itself upgrades the
// other two to a full snapshot.

#include <pthread.h>
#include <string.h>

#include "backend.h"
#include "internal.h"
#include "sys.h"

// Guards every VMO's family links and counts. Lock order: after a store's
// I/O lock, before a name lock.
static pthread_mutex_t family_lock = PTHREAD_MUTEX_INITIALIZER;

#define TYPE_BITS                                                              \
  (VMAR_VMO_CHILD_SNAPSHOT | VMAR_VMO_CHILD_SLICE |                            \
   VMAR_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | VMAR_VMO_CHILD_REFERENCE |      \
   VMAR_VMO_CHILD_SNAPSHOT_MODIFIED)

// ---- The family ------------------------------------------------------------

static void link_child(vmar__vmo_t* parent, vmar__vmo_t* child) {
  atomic_store_explicit(&parent->family, true, memory_order_relaxed);
  atomic_store_explicit(&child->family, true, memory_order_relaxed);
  child->parent = parent;
  child->prev_sibling = NULL;
  child->next_sibling = parent->children;
  if (parent->children != NULL) {
    parent->children->prev_sibling = child;
  }
  parent->children = child;
  parent->num_children++;
  parent->store->snapshots += vmar__vmo_kind(child) == VMAR__VMO_SNAPSHOT;
}

static void unlink_child(vmar__vmo_t* child) {
  vmar__vmo_t* parent = child->parent;
  if (child->prev_sibling != NULL) {
    child->prev_sibling->next_sibling = child->next_sibling;
  } else {
    parent->children = child->next_sibling;
  }
  if (child->next_sibling != NULL) {
    child->next_sibling->prev_sibling = child->prev_sibling;
  }
  parent->num_children--;
  parent->store->snapshots -= vmar__vmo_kind(child) == VMAR__VMO_SNAPSHOT;
  child->parent = NULL;
}

// As the kernel does when a VMO with children dies: they become children of
// its own parent, or parentless.
void vmar__vmo_leave_family(vmar__vmo_t* v) {
  // Nobody can link a dying VMO any more: without a family so far it has
  // none to leave.
  if (!atomic_load_explicit(&v->family, memory_order_relaxed)) {
    return;
  }
  pthread_mutex_lock(&family_lock);
  vmar__vmo_t* grand = v->parent;
  if (grand != NULL) {
    unlink_child(v);
  }
  while (v->children != NULL) {
    vmar__vmo_t* c = v->children;
    unlink_child(c);
    if (grand != NULL) {
      link_child(grand, c);
    }
  }
  pthread_mutex_unlock(&family_lock);
}

// Counted per store: a slice or reference shares its pages with the VMO it
// was made from, so a snapshot of either is a relative of all of them.
bool vmar__vmo_has_snapshot_relatives(const vmar__vmo_t* v) {
  if (v->store->snapshot_copy) {
    return true;
  }
  pthread_mutex_lock(&family_lock);
  const bool any = v->store->snapshots != 0;
  pthread_mutex_unlock(&family_lock);
  return any;
}

// ---- zx_vmo_create_child ---------------------------------------------------

typedef struct child_call {
  vmar__vmo_t* parent;
  vmar_rights_t rights; // the parent handle's
  uint32_t options;     // NO_WRITE removed
  bool no_write;
  unsigned kind;
  uint64_t offset;
  uint64_t size;    // rounded
  uint64_t content; // the size asked for
} child_call_t;

// The kinds of child by their option bit, in the kernel's precedence.
static const struct {
  uint32_t type;
  unsigned kind;
} kKinds[] = {
    {VMAR_VMO_CHILD_SLICE, VMAR__VMO_SLICE},
    {VMAR_VMO_CHILD_REFERENCE, VMAR__VMO_REFERENCE},
    {VMAR_VMO_CHILD_SNAPSHOT, VMAR__VMO_SNAPSHOT},
    {VMAR_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, VMAR__VMO_SNAPSHOT},
    {VMAR_VMO_CHILD_SNAPSHOT_MODIFIED, VMAR__VMO_SNAPSHOT},
};

// Which kind |options| asks for; INVALID_ARGS for none, two, an unknown bit,
// or a modifier the kind does not take.
static vmar_status_t decode(child_call_t* c) {
  const uint32_t o = c->options;
  for (size_t i = 0; i < sizeof(kKinds) / sizeof(kKinds[0]); i++) {
    if (o & kKinds[i].type) {
      c->kind = kKinds[i].kind;
      const uint32_t modifiers =
          c->kind == VMAR__VMO_SLICE ? 0 : VMAR_VMO_CHILD_RESIZABLE;
      return (o & ~(kKinds[i].type | modifiers)) == 0 ? VMAR_OK
                                                      : VMAR_ERR_INVALID_ARGS;
    }
  }
  return VMAR_ERR_INVALID_ARGS;
}

// The per-kind checks, in the kernel's order for each.
static vmar_status_t check_kind(const child_call_t* c) {
  const vmar__vmo_t* p = c->parent;
  const uint64_t page = vmar__page_size();
  const bool parent_resizable = (p->obj.flags & VMAR_VMO_RESIZABLE) != 0;
  if (c->kind == VMAR__VMO_SLICE) {
    const uint64_t end = c->offset + c->size;
    if (!vmar__is_aligned(c->offset, page) || end < c->offset ||
        end > vmar__vmo_size(p)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    return parent_resizable ? VMAR_ERR_NOT_SUPPORTED : VMAR_OK;
  }
  if (c->kind == VMAR__VMO_REFERENCE) {
    if (c->offset != 0 || c->size != 0) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (vmar__vmo_kind(p) == VMAR__VMO_SLICE) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
    return (c->options & VMAR_VMO_CHILD_RESIZABLE) && !parent_resizable
               ? VMAR_ERR_NOT_SUPPORTED
               : VMAR_OK;
  }
  if (!vmar__is_aligned(c->offset, page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (c->offset + c->size < c->offset) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  // The window seen from the file the parent is a window onto.
  const uint64_t at = p->base + c->offset;
  return at < p->base || at + c->size < at ? VMAR_ERR_INVALID_ARGS : VMAR_OK;
}

// The rights of the child's handle (zx_vmo_create_child's rules).
static vmar_rights_t child_rights(const child_call_t* c) {
  vmar_rights_t r = (c->rights & ~VMAR_RIGHT_RESIZE) | VMAR_RIGHT_GET_PROPERTY |
                    VMAR_RIGHT_SET_PROPERTY;
  if (c->options & VMAR_VMO_CHILD_RESIZABLE) {
    r |= VMAR_RIGHT_RESIZE;
  }
  if (c->no_write) {
    r &= ~VMAR_RIGHT_WRITE;
  } else if (c->kind == VMAR__VMO_SNAPSHOT) {
    r = (r & ~VMAR_RIGHT_EXECUTE) | VMAR_RIGHT_WRITE;
  }
  return r;
}

// A new file holding the parent's window as it is now: the parts inside
// the parent that hold data, copied; the rest, holes (zeros). The parent
// store's I/O lock is held for writing, so no write, resize or zeroing of
// the parent interleaves and the copy is one instant of the parent (stores
// through mappings are the caller's to order, as on Zircon).
static vmar_status_t snapshot_store(const child_call_t* c,
                                    vmar__store_t** out) {
  const vmar__vmo_t* p = c->parent;
  int fd = -1;
  int export_fd = -1;
  int err = vmar__vmo_open_file(&fd, &export_fd);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  if (c->size != 0 && (err = vmar__sys_ftruncate(fd, c->size)) != 0) {
    vmar__vmo_close_file(fd, export_fd);
    return vmar__status_of_resize(err);
  }
  pthread_rwlock_wrlock(&p->store->io_lock);
  const uint64_t psize = vmar__vmo_size(p);
  uint64_t len = 0;
  if (c->offset < psize) {
    len = psize - c->offset < c->size ? psize - c->offset : c->size;
  }
  err = len == 0 ? 0
                 : vmar__sys_copy_data(p->store->fd, p->base + c->offset, fd, 0,
                                       len, atomic_load(&p->store->shared_io));
  pthread_rwlock_unlock(&p->store->io_lock);
  if (err != 0) {
    vmar__vmo_close_file(fd, export_fd);
    return vmar__status_of_commit(err);
  }
  *out = vmar__store_new(fd, export_fd, c->size, c->content,
                         (c->options & VMAR_VMO_CHILD_RESIZABLE) != 0, false);
  if (*out == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  (*out)->snapshot_copy = true;
  return VMAR_OK;
}

// The child object: on a new store for snapshots, on the parent's for
// slices and references.
static vmar_status_t make_child(const child_call_t* c, vmar__vmo_t** out) {
  vmar__vmo_t* p = c->parent;
  vmar__store_t* store = p->store;
  uint32_t options = 0;
  if (c->kind == VMAR__VMO_SNAPSHOT) {
    vmar_status_t st = snapshot_store(c, &store);
    if (st != VMAR_OK) {
      return st;
    }
    options = c->options & VMAR_VMO_CHILD_RESIZABLE ? VMAR_VMO_RESIZABLE : 0;
  } else {
    vmar__ref_acquire(&store->refs);
    options = p->obj.flags & VMAR_VMO_RESIZABLE; // references follow
  }
  // Only a SNAPSHOT itself (not the other two kinds) made without WRITE is
  // immutable, as Zircon flags it.
  unsigned state = c->kind;
  if ((c->options & VMAR_VMO_CHILD_SNAPSHOT) && c->no_write) {
    state |= VMAR__VMO_IMMUTABLE;
  }
  vmar__vmo_t* v = vmar__vmo_new(store, state, options);
  if (v == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  if (c->kind == VMAR__VMO_SLICE) {
    v->base = p->base + c->offset;
    v->window = c->size;
    v->content_size = c->content;
  }
  if (c->rights & VMAR_RIGHT_GET_PROPERTY) {
    pthread_mutex_lock(&p->name_lock);
    memcpy(v->name, p->name, sizeof(v->name));
    pthread_mutex_unlock(&p->name_lock);
  }
  *out = v;
  return VMAR_OK;
}

// The checks after the handle lookup, in the kernel's order.
static vmar_status_t check_child(child_call_t* c) {
  const vmar_rights_t need = VMAR_RIGHT_READ | VMAR_RIGHT_DUPLICATE;
  if ((c->rights & need) != need) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  // The newest kernels: a resizable reference resizes its parent.
  if ((c->options & VMAR_VMO_CHILD_REFERENCE) &&
      (c->options & VMAR_VMO_CHILD_RESIZABLE) &&
      !(c->rights & VMAR_RIGHT_RESIZE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (c->parent->obj.flags & VMAR_VMO_DISCARDABLE) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  vmar_status_t st = decode(c);
  return st != VMAR_OK ? st : check_kind(c);
}

vmar_status_t vmar__os_vmo_create_child(vmar_handle_t vmo, uint32_t options,
                                        uint64_t offset, uint64_t size,
                                        vmar_handle_t* out) {
  child_call_t c = {.offset = offset, .content = size};
  if (!vmar__vmo_round_size(size, &c.size)) {
    return VMAR_ERR_OUT_OF_RANGE; // before the handle, as the kernel
  }
  if ((options & VMAR_VMO_CHILD_NO_WRITE) &&
      (options & VMAR_VMO_CHILD_RESIZABLE)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  c.no_write = (options & VMAR_VMO_CHILD_NO_WRITE) != 0;
  c.options = options & ~VMAR_VMO_CHILD_NO_WRITE;
  vmar_status_t st = vmar__vmo_open(vmo, 0, true, &c.parent, &c.rights);
  if (st != VMAR_OK) {
    return st;
  }
  vmar__vmo_t* child = NULL;
  st = check_child(&c);
  if (st == VMAR_OK && out == NULL) {
    st = VMAR_ERR_INVALID_ARGS; // nothing made, as the header promises
  }
  if (st == VMAR_OK) {
    st = make_child(&c, &child);
  }
  if (st == VMAR_OK) {
    pthread_mutex_lock(&family_lock);
    link_child(c.parent, child);
    pthread_mutex_unlock(&family_lock);
    st = vmar__vmo_publish(child, child_rights(&c), out);
  }
  vmar__object_release(&c.parent->obj);
  return st;
}

// ---- ZX_INFO_VMO -----------------------------------------------------------

// Memory behind the VMO as the host tells it: the blocks its own file holds,
// at most its size. Slices and references share their parent's pages and
// are charged nothing, as Zircon attributes them.
static uint64_t committed(const vmar__vmo_t* v) {
  if (vmar__vmo_kind(v) == VMAR__VMO_SLICE ||
      vmar__vmo_kind(v) == VMAR__VMO_REFERENCE) {
    return 0;
  }
  uint64_t bytes = 0;
  if (vmar__sys_file_bytes(v->store->fd, &bytes) != 0) {
    return 0;
  }
  const uint64_t size = vmar__vmo_size(v);
  return bytes < size ? bytes : size;
}

static uint32_t info_flags(const vmar__vmo_t* v) {
  uint32_t f = VMAR_INFO_VMO_TYPE_PAGED | VMAR_INFO_VMO_VIA_HANDLE;
  if (v->obj.flags & VMAR_VMO_RESIZABLE) {
    f |= VMAR_INFO_VMO_RESIZABLE;
  }
  if (v->obj.flags & VMAR_VMO_DISCARDABLE) {
    f |= VMAR_INFO_VMO_DISCARDABLE;
  }
  if (vmar__vmo_kind(v) == VMAR__VMO_SNAPSHOT) {
    f |= VMAR_INFO_VMO_IS_COW_CLONE;
  }
  if (v->obj.state & VMAR__VMO_IMMUTABLE) {
    f |= VMAR_INFO_VMO_IMMUTABLE;
  }
  return f;
}

vmar_status_t vmar__os_vmo_get_info(vmar_handle_t vmo, vmar_vmo_info_t* info) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st =
      vmar__vmo_open(vmo, VMAR_RIGHT_INSPECT, info != NULL, &v, &rights);
  if (st == VMAR_OK) {
    vmar_vmo_info_t i = {.koid = v->obj.koid,
                         .size_bytes = vmar__vmo_size(v),
                         .flags = info_flags(v),
                         .committed_bytes = committed(v),
                         .handle_rights = rights};
    i.num_mappings = atomic_load(&v->mappings);
    i.share_count = 1; // one address space; Zircon says 1 below two mappings
    pthread_mutex_lock(&family_lock);
    i.parent_koid = v->parent != NULL ? v->parent->obj.koid : 0;
    i.num_children = v->num_children;
    pthread_mutex_unlock(&family_lock);
    pthread_mutex_lock(&v->name_lock);
    memcpy(i.name, v->name, sizeof(i.name));
    pthread_mutex_unlock(&v->name_lock);
    *info = i;
    vmar__object_release(&v->obj);
  }
  return st;
}
