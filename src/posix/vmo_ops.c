// SPDX-License-Identifier: MIT
// POSIX backend: zx_vmo_op_range and the content size property
// (ZX_PROP_VMO_CONTENT_SIZE) of VMOs.

#include <string.h>

#include "backend.h"
#include "internal.h"
#include "sys.h"

// ---- zx_vmo_op_range -------------------------------------------------------

// How an operation checks its range, and what it does.
enum vmo_range { RANGE_ANY, RANGE_ROUNDED, RANGE_PAGES, RANGE_NONEMPTY };
enum vmo_action { VMO_HINT, VMO_COMMIT, VMO_ZERO, VMO_LOCK, VMO_UNLOCK };

typedef struct vmo_op_rule {
  uint32_t op;
  vmar_rights_t rights; // any one of them will do (0: none needed)
  enum vmo_range range;
  enum vmo_action action;
} vmo_op_rule_t;

// Zircon's rules (docs/design.md §5): COMMIT and ZERO round the range out to
// pages, DECOMMIT wants it page aligned, the cache operations refuse an empty
// one; LOCK, TRY_LOCK and UNLOCK take exactly the whole VMO.
static const vmo_op_rule_t kRules[] = {
    {VMAR_VMO_OP_COMMIT, VMAR_RIGHT_WRITE, RANGE_ROUNDED, VMO_COMMIT},
    {VMAR_VMO_OP_DECOMMIT, VMAR_RIGHT_WRITE, RANGE_PAGES, VMO_ZERO},
    {VMAR_VMO_OP_ZERO, VMAR_RIGHT_WRITE, RANGE_ROUNDED, VMO_ZERO},
    {VMAR_VMO_OP_LOCK, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, RANGE_ANY, VMO_LOCK},
    {VMAR_VMO_OP_TRY_LOCK, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, RANGE_ANY,
     VMO_LOCK},
    {VMAR_VMO_OP_UNLOCK, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, RANGE_ANY,
     VMO_UNLOCK},
    {VMAR_VMO_OP_CACHE_SYNC, VMAR_RIGHT_READ, RANGE_NONEMPTY, VMO_HINT},
    {VMAR_VMO_OP_CACHE_CLEAN, VMAR_RIGHT_READ, RANGE_NONEMPTY, VMO_HINT},
    {VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE, VMAR_RIGHT_READ, RANGE_NONEMPTY,
     VMO_HINT},
    {VMAR_VMO_OP_PREFETCH, VMAR_RIGHT_READ, RANGE_ROUNDED, VMO_HINT},
};

static const vmo_op_rule_t* rule_of(uint32_t op) {
  for (size_t i = 0; i < sizeof(kRules) / sizeof(kRules[0]); i++) {
    if (kRules[i].op == op) {
      return &kRules[i];
    }
  }
  return NULL;
}

// The range checks of |rule|: INVALID_ARGS or OUT_OF_RANGE, else OK.
static vmar_status_t check_range(const vmo_op_rule_t* rule, uint64_t offset,
                                 uint64_t size, uint64_t vmo_size) {
  const uint64_t page = vmar__page_size();
  if (rule->range == RANGE_NONEMPTY && size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (rule->range == RANGE_PAGES &&
      (!vmar__is_aligned(offset, page) || !vmar__is_aligned(size, page))) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t end = offset + size;
  if (end < offset ||
      (rule->range == RANGE_ROUNDED && !vmar__round_up(end, page, &end))) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  return end <= vmo_size ? VMAR_OK : VMAR_ERR_OUT_OF_RANGE;
}

// LOCK, TRY_LOCK and UNLOCK of a discardable VMO (docs/design.md §5): a
// count, never a discard, so LOCK reports nothing discarded and TRY_LOCK
// never finds the contents gone. |state| receives LOCK's report.
static vmar_status_t lock_op(vmar__vmo_t* v, const vmo_op_rule_t* rule,
                             uint64_t offset, uint64_t size,
                             vmar_vmo_lock_state_t* state) {
  if (!(v->obj.flags & VMAR_VMO_DISCARDABLE)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (offset + size < offset || offset != 0 || size != vmar__vmo_size(v)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (rule->action == VMO_UNLOCK) {
    if (v->locks == 0) {
      return VMAR_ERR_BAD_STATE;
    }
    v->locks--;
    return VMAR_OK;
  }
  v->locks++;
  *state = (vmar_vmo_lock_state_t){offset, size, 0, 0};
  return VMAR_OK;
}

// Whether |v|'s pages can be decommitted: Zircon documents DECOMMIT for
// VMOs without copy-on-write relatives only, and a slice or reference
// decommits the pages of the VMO it shares them with.
static bool decommit_allowed(const vmar__vmo_t* v) {
  return !vmar__vmo_has_snapshot_relatives(v);
}

// The checks and the work of one operation, with the store's I/O lock held
// for writing (LOCK counts change) or reading.
static vmar_status_t op_locked(vmar__vmo_t* v, const vmo_op_rule_t* rule,
                               uint64_t offset, uint64_t size,
                               vmar_vmo_lock_state_t* state) {
  if (rule->action == VMO_LOCK || rule->action == VMO_UNLOCK) {
    return lock_op(v, rule, offset, size, state);
  }
  vmar_status_t st = check_range(rule, offset, size, vmar__vmo_size(v));
  if (st == VMAR_OK && rule->op == VMAR_VMO_OP_DECOMMIT &&
      !decommit_allowed(v)) {
    st = VMAR_ERR_NOT_SUPPORTED;
  }
  if (st != VMAR_OK || size == 0 || rule->action == VMO_HINT) {
    return st; // hints: a host keeps every page
  }
  vmar__store_t* s = v->store;
  const uint64_t at = v->base + offset;
  const uint64_t end = vmar__vmo_size(v) - offset < size
                           ? vmar__vmo_size(v) - offset
                           : size; // a rounded COMMIT stops at the VMO's end
  int err = rule->action == VMO_COMMIT ? vmar__sys_commit_range(s->fd, at, end)
                                       : vmar__sys_zero_range(s->fd, at, size);
  return vmar__status_of_commit(err);
}

vmar_status_t vmar__os_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                    uint64_t offset, uint64_t size,
                                    void* buffer, size_t buffer_size) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_open(vmo, 0, true, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmo_op_rule_t* rule = rule_of(op);
  vmar_vmo_lock_state_t state;
  if (op == VMAR_VMO_OP_DONT_NEED || op == VMAR_VMO_OP_ALWAYS_NEED) {
    st = VMAR_OK; // hints, before any check of the range
  } else if (op == VMAR_VMO_OP_CACHE_INVALIDATE) {
    // Zircon allows it only with its debugging system calls switched on (a
    // boot option, off by default): NOT_SUPPORTED, before the rights.
    st = VMAR_ERR_NOT_SUPPORTED;
  } else if (rule == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else if ((rights & rule->rights) == 0) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else {
    const bool counts = rule->action == VMO_LOCK || rule->action == VMO_UNLOCK;
    pthread_rwlock_t* lock = &v->store->io_lock;
    counts ? pthread_rwlock_wrlock(lock) : pthread_rwlock_rdlock(lock);
    st = op_locked(v, rule, offset, size, &state);
    if (st == VMAR_OK && rule->op == VMAR_VMO_OP_LOCK &&
        (buffer == NULL || buffer_size < sizeof(state))) {
      v->locks--; // no place for the report: the lock is undone
      st = VMAR_ERR_INVALID_ARGS;
    }
    pthread_rwlock_unlock(lock);
  }
  if (st == VMAR_OK && op == VMAR_VMO_OP_LOCK) {
    memcpy(buffer, &state, sizeof(state));
  }
  vmar__object_release(&v->obj);
  return st;
}

// ---- ZX_PROP_VMO_CONTENT_SIZE ----------------------------------------------

// Opens |vmo| for a property call, which checks the rights before the type
// (zx_object_get_property and zx_object_set_property).
static vmar_status_t open_property(vmar_handle_t vmo, vmar_rights_t need,
                                   vmar__vmo_t** out) {
  vmar__object_t* o;
  vmar_status_t st =
      vmar__object_open(vmo, VMAR_OBJ_TYPE_NONE, need, true, &o, NULL);
  if (st != VMAR_OK) {
    return st;
  }
  if (o->type != VMAR_OBJ_TYPE_VMO) {
    vmar__object_release(o);
    return VMAR_ERR_WRONG_TYPE;
  }
  *out = VMAR__CONTAINER_OF(o, vmar__vmo_t, obj);
  return VMAR_OK;
}

vmar_status_t vmar__os_vmo_get_content_size(vmar_handle_t vmo, uint64_t* size) {
  if (size == NULL) {
    return VMAR_ERR_INVALID_ARGS; // before the handle, as Zircon
  }
  vmar__vmo_t* v;
  vmar_status_t st = open_property(vmo, VMAR_RIGHT_GET_PROPERTY, &v);
  if (st == VMAR_OK) {
    pthread_rwlock_rdlock(&v->store->io_lock);
    *size = *vmar__vmo_content_size(v);
    pthread_rwlock_unlock(&v->store->io_lock);
    vmar__object_release(&v->obj);
  }
  return st;
}

// The newest Zircon's rule: the VMO's size bounds the value, and the bytes
// from the lower of the old and new value to the VMO's end read as zero.
static vmar_status_t set_content_locked(vmar__vmo_t* v, uint64_t size) {
  uint64_t* content = vmar__vmo_content_size(v);
  const uint64_t vmo_size = vmar__vmo_size(v);
  if (size == *content) {
    return VMAR_OK;
  }
  if (size > vmo_size) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  const uint64_t from = size < *content ? size : *content;
  if (from < vmo_size) {
    int err =
        vmar__sys_zero_range(v->store->fd, v->base + from, vmo_size - from);
    if (err != 0) {
      return vmar__status_of_commit(err);
    }
  }
  *content = size;
  return VMAR_OK;
}

vmar_status_t vmar__os_vmo_set_content_size(vmar_handle_t vmo, uint64_t size) {
  vmar__vmo_t* v;
  vmar_status_t st =
      open_property(vmo, VMAR_RIGHT_SET_PROPERTY | VMAR_RIGHT_WRITE, &v);
  if (st == VMAR_OK) {
    pthread_rwlock_wrlock(&v->store->io_lock);
    st = set_content_locked(v, size);
    pthread_rwlock_unlock(&v->store->io_lock);
    vmar__object_release(&v->obj);
  }
  return st;
}
