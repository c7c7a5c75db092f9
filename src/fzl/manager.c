// SPDX-License-Identifier: MIT
// VmarManager: a refcounted owner of one VMAR, chained to its parent manager
// so that a parent VMAR always outlives its children's managers. Built only on
// the public region and handle calls, so it is the same on every backend.

#include <stdlib.h>

#include "base/alloc.h"
#include "base/util.h"

struct vmar_manager {
  vmar__refcount_t refs;
  bool owned;         // created here: destroyed at end of life
  vmar_handle_t vmar; // owned handle (a duplicate for used managers)
  vmar_vaddr_t start;
  uint64_t size;
  vmar_manager_t* parent; // a reference, or NULL for the root
};

vmar_status_t vmar_manager_create(size_t size, vmar_manager_t* parent,
                                  vmar_vm_option_t options,
                                  vmar_manager_t** out) {
  if (out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_manager_t* m = vmar__calloc(1, sizeof(*m));
  if (m == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  vmar_status_t st = vmar_allocate(vmar_manager_vmar(parent), options, 0, size,
                                   &m->vmar, &m->start);
  if (st != VMAR_OK) {
    vmar__free(m);
    return st;
  }
  vmar__ref_init(&m->refs);
  m->owned = true;
  m->size = size;
  m->parent = vmar_manager_retain(parent);
  *out = m;
  return VMAR_OK;
}

vmar_status_t vmar_manager_use(vmar_handle_t vmar, vmar_manager_t** out) {
  if (out == NULL || vmar == VMAR_HANDLE_INVALID) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_info_t info;
  vmar_status_t st = vmar_get_info(vmar, &info);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_handle_info_t mine;
  vmar_handle_info_t root;
  st = vmar_handle_get_info(vmar, &mine);
  if (st != VMAR_OK) {
    return st;
  }
  // A failure here must not pass for "not the root": that would wrap the
  // root in a manager instead of returning NULL.
  st = vmar_handle_get_info(vmar_root_self(), &root);
  if (st != VMAR_OK) {
    return st;
  }
  if (root.koid == mine.koid) {
    // As fzl: the root needs no manager; NULL stands for it everywhere.
    *out = NULL;
    return VMAR_OK;
  }
  vmar_manager_t* m = vmar__calloc(1, sizeof(*m));
  if (m == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  st = vmar_handle_duplicate(vmar, VMAR_RIGHT_SAME_RIGHTS, &m->vmar);
  if (st != VMAR_OK) {
    vmar__free(m);
    return st;
  }
  vmar__ref_init(&m->refs);
  m->owned = false;
  m->start = info.base;
  m->size = info.len;
  *out = m;
  return VMAR_OK;
}

vmar_manager_t* vmar_manager_retain(vmar_manager_t* m) {
  if (m != NULL) {
    vmar__ref_acquire(&m->refs);
  }
  return m;
}

void vmar_manager_release(vmar_manager_t* m) {
  // A loop, not recursion: the last release of a deep chain walks it upwards.
  while (m != NULL && vmar__ref_release(&m->refs)) {
    if (m->owned) {
      // Fails harmlessly with BAD_STATE when an ancestor was destroyed.
      (void)vmar_destroy(m->vmar);
    }
    (void)vmar_handle_close(m->vmar);
    vmar_manager_t* parent = m->parent;
    vmar__free(m);
    m = parent;
  }
}

vmar_handle_t vmar_manager_vmar(const vmar_manager_t* m) {
  return m != NULL ? m->vmar : vmar_root_self();
}

void* vmar_manager_start(const vmar_manager_t* m) {
  return m != NULL ? (void*)m->start : NULL;
}

uint64_t vmar_manager_size(const vmar_manager_t* m) {
  return m != NULL ? m->size : 0;
}

vmar_manager_t* vmar_manager_parent(const vmar_manager_t* m) {
  return m != NULL ? m->parent : NULL;
}
