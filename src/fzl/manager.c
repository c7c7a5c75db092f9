// SPDX-License-Identifier: MIT
// VmarManager: a refcounted owner of one VMAR, chained to its parent manager
// so that a parent VMAR always outlives its children's managers. Built only on
// the public region and handle calls, so it is the same on every backend.

#include <pthread.h>
#include <stdatomic.h>

#include "base/alloc.h"
#include "base/util.h"

struct vmar_manager {
  vmar__refcount_t refs;
  bool owned;         // created here: destroyed at end of life
  vmar_handle_t vmar; // owned handle (a duplicate for used managers)
  vmar_vaddr_t start;
  uint64_t size;
  vmar_manager_t* parent; // a reference, or NULL for the root
  vmar_manager_t* next_parked;
};

// Managers whose last reference went but whose VMAR the host refused to
// destroy (design.md §4 says when): kept here, linked through
// |next_parked|, and tried again by every later create and release.
static pthread_mutex_t parked_lock = PTHREAD_MUTEX_INITIALIZER;
static vmar_manager_t* parked;
static atomic_bool any_parked;

// Destroys |m|'s VMAR if |m| created it. An ancestor destroyed first took it
// with it (BAD_STATE): that is done too.
static vmar_status_t end_of_life(vmar_manager_t* m) {
  if (!m->owned) {
    return VMAR_OK;
  }
  vmar_status_t st = vmar_destroy(m->vmar);
  return st == VMAR_ERR_BAD_STATE ? VMAR_OK : st;
}

// Frees |m|, whose VMAR is gone, and drops its reference on the parent,
// which may be the parent's last; returns the parent when it was.
static vmar_manager_t* free_one(vmar_manager_t* m) {
  (void)vmar_handle_close(m->vmar);
  vmar_manager_t* parent = m->parent;
  vmar__free(m);
  return parent != NULL && vmar__ref_release(&parent->refs) ? parent : NULL;
}

// Ends the life of managers whose last reference is gone, |m| and then each
// parent whose last reference that drops. A manager whose VMAR cannot be
// destroyed yet is parked (and its parent kept) when |park|, else it gets
// its reference back and the status is returned.
static vmar_status_t finish(vmar_manager_t* m, bool park) {
  while (m != NULL) {
    vmar_status_t st = end_of_life(m);
    if (st != VMAR_OK) {
      if (!park) {
        vmar__ref_init(&m->refs);
        return st;
      }
      pthread_mutex_lock(&parked_lock);
      m->next_parked = parked;
      parked = m;
      atomic_store(&any_parked, true);
      pthread_mutex_unlock(&parked_lock);
      return VMAR_OK;
    }
    m = free_one(m);
    park = true; // an ancestor's failure is no failure of this call
  }
  return VMAR_OK;
}

// Tries the parked managers again (the host may have room now).
static void retry_parked(void) {
  if (!atomic_load(&any_parked)) {
    return;
  }
  pthread_mutex_lock(&parked_lock);
  vmar_manager_t* list = parked;
  parked = NULL;
  atomic_store(&any_parked, false);
  pthread_mutex_unlock(&parked_lock);
  while (list != NULL) {
    vmar_manager_t* next = list->next_parked;
    (void)finish(list, true);
    list = next;
  }
}

vmar_status_t vmar_manager_create(size_t size, vmar_manager_t* parent,
                                  vmar_vm_option_t options,
                                  vmar_manager_t** out) {
  retry_parked();
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

size_t vmar_manager_parked_count(void) {
  size_t n = 0;
  pthread_mutex_lock(&parked_lock);
  for (const vmar_manager_t* m = parked; m != NULL; m = m->next_parked) {
    n++;
  }
  pthread_mutex_unlock(&parked_lock);
  return n;
}

void vmar_manager_release(vmar_manager_t* m) {
  retry_parked();
  if (m != NULL && vmar__ref_release(&m->refs)) {
    (void)finish(m, true);
  }
}

vmar_status_t vmar_manager_try_release(vmar_manager_t* m) {
  retry_parked();
  if (m == NULL || !vmar__ref_release(&m->refs)) {
    return VMAR_OK;
  }
  return finish(m, false);
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
