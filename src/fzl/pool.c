// SPDX-License-Identifier: MIT
// VMO pool (fzl's VmoPool): duplicated VMO handles lent out one at a time
// from an intrusive LIFO free list. Built only on the public API.

#include <stdlib.h>

#include "base/alloc.h"
#include "base/util.h"

// End of the free list.
#define NO_BUFFER SIZE_MAX

typedef struct pool_buffer {
  vmar_handle_t vmo;    // owned duplicate
  uint64_t size;        // VMO size when the pool was initialised
  vmar_mapper_t mapper; // mapped by vmar_vmo_pool_map_vmos, else unmapped
  size_t next_free;     // free list link, NO_BUFFER at the end
  bool free;            // in the free list (else lent or read-locked)
} pool_buffer_t;

struct vmar_vmo_pool {
  pool_buffer_t* buffers;
  size_t count;
  size_t free_head; // most recently freed buffer, or NO_BUFFER
  size_t free_count;
};

static void push_free(vmar_vmo_pool_t* p, size_t i) {
  p->buffers[i].free = true;
  p->buffers[i].next_free = p->free_head;
  p->free_head = i;
  p->free_count++;
}

static size_t pop_free(vmar_vmo_pool_t* p) {
  size_t i = p->free_head;
  p->free_head = p->buffers[i].next_free;
  p->buffers[i].next_free = NO_BUFFER;
  p->buffers[i].free = false;
  p->free_count--;
  return i;
}

// Unmaps and closes every buffer and leaves the pool empty.
static void clear(vmar_vmo_pool_t* p) {
  for (size_t i = 0; i < p->count; i++) {
    vmar_mapper_unmap(&p->buffers[i].mapper);
    (void)vmar_handle_close(p->buffers[i].vmo);
  }
  vmar__free(p->buffers);
  p->buffers = NULL;
  p->count = 0;
  p->free_head = NO_BUFFER;
  p->free_count = 0;
}

// A buffer handle is usable while it names a pool and a slot that exists.
// The checks of every call on a buffer: INVALID_ARGS without one (or when
// the call's other arguments are not |args_ok|), BAD_STATE unless it names a
// buffer of a pool.
static vmar_status_t check_buffer(const vmar_vmo_pool_buffer_t* b,
                                  bool args_ok) {
  if (b == NULL || !args_ok) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const bool valid = b->pool != NULL && b->index < b->pool->count;
  return valid ? VMAR_OK : VMAR_ERR_BAD_STATE;
}

vmar_status_t vmar_vmo_pool_create(vmar_vmo_pool_t** out) {
  if (out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_vmo_pool_t* p = vmar__calloc(1, sizeof(*p));
  if (p == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  p->free_head = NO_BUFFER;
  *out = p;
  return VMAR_OK;
}

void vmar_vmo_pool_destroy(vmar_vmo_pool_t* p) {
  if (p == NULL) {
    return;
  }
  clear(p);
  vmar__free(p);
}

vmar_status_t vmar_vmo_pool_init(vmar_vmo_pool_t* p, const vmar_handle_t* vmos,
                                 size_t n) {
  if (p == NULL || (vmos == NULL && n > 0)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  clear(p);
  if (n == 0) {
    return VMAR_OK;
  }
  pool_buffer_t* bufs = vmar__calloc(n, sizeof(*bufs));
  if (bufs == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  for (size_t i = 0; i < n; i++) {
    vmar_status_t st = vmar_vmo_get_size(vmos[i], &bufs[i].size);
    if (st == VMAR_OK) {
      st = vmar_handle_duplicate(vmos[i], VMAR_RIGHT_SAME_RIGHTS, &bufs[i].vmo);
    }
    if (st != VMAR_OK) {
      for (size_t j = 0; j < i; j++) {
        (void)vmar_handle_close(bufs[j].vmo);
      }
      vmar__free(bufs);
      return st;
    }
    bufs[i].mapper = (vmar_mapper_t)VMAR_MAPPER_INIT;
  }
  p->buffers = bufs;
  p->count = n;
  // Pushed in index order, so the last buffer is lent first, as fzl's
  // push_front loop does.
  for (size_t i = 0; i < n; i++) {
    push_free(p, i);
  }
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_map_vmos(vmar_vmo_pool_t* p) {
  if (p == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  for (size_t i = 0; i < p->count; i++) {
    pool_buffer_t* b = &p->buffers[i];
    if (vmar_mapper_start(&b->mapper) != NULL) {
      continue; // mapped by an earlier call
    }
    vmar_status_t st = vmar_mapper_map(&b->mapper, b->vmo, 0, 0,
                                       VMAR_MAPPER_DEFAULT_FLAGS, NULL);
    if (st != VMAR_OK) {
      clear(p);
      return st;
    }
  }
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_pin_vmos(vmar_vmo_pool_t* p) {
  if (p == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  return VMAR_ERR_NOT_SUPPORTED;
}

vmar_status_t vmar_vmo_pool_lock_buffer_for_write(vmar_vmo_pool_t* p,
                                                  vmar_vmo_pool_buffer_t* out) {
  if (p == NULL || out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (p->free_head == NO_BUFFER) {
    return VMAR_ERR_NO_RESOURCES;
  }
  out->pool = p;
  out->index = pop_free(p);
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_buffer_release(vmar_vmo_pool_buffer_t* b) {
  vmar_status_t st = check_buffer(b, true);
  if (st != VMAR_OK) {
    return st;
  }
  st = vmar_vmo_pool_release_buffer(b->pool, b->index);
  if (st != VMAR_OK) {
    return st;
  }
  b->pool = NULL;
  b->index = 0;
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_buffer_release_write_lock(vmar_vmo_pool_buffer_t* b,
                                                      size_t* index) {
  vmar_status_t st = check_buffer(b, index != NULL);
  if (st != VMAR_OK) {
    return st;
  }
  *index = b->index;
  b->pool = NULL;
  b->index = 0;
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_release_buffer(vmar_vmo_pool_t* p, size_t index) {
  if (p == NULL || index >= p->count) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (p->buffers[index].free) {
    return VMAR_ERR_NOT_FOUND;
  }
  push_free(p, index);
  return VMAR_OK;
}

void vmar_vmo_pool_reset(vmar_vmo_pool_t* p) {
  if (p == NULL) {
    return;
  }
  for (size_t i = 0; i < p->count; i++) {
    if (!p->buffers[i].free) {
      push_free(p, i);
    }
  }
}

size_t vmar_vmo_pool_total_buffers(const vmar_vmo_pool_t* p) {
  return p != NULL ? p->count : 0;
}

size_t vmar_vmo_pool_free_buffers(const vmar_vmo_pool_t* p) {
  return p != NULL ? p->free_count : 0;
}

vmar_status_t vmar_vmo_pool_buffer_size_at(const vmar_vmo_pool_t* p,
                                           size_t index, uint64_t* size) {
  if (p == NULL || size == NULL || index >= p->count) {
    return VMAR_ERR_INVALID_ARGS;
  }
  *size = p->buffers[index].size;
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_buffer_size(const vmar_vmo_pool_buffer_t* b,
                                        uint64_t* size) {
  vmar_status_t st = check_buffer(b, size != NULL);
  if (st == VMAR_OK) {
    *size = b->pool->buffers[b->index].size;
  }
  return st;
}

vmar_status_t
vmar_vmo_pool_buffer_virtual_address(const vmar_vmo_pool_buffer_t* b,
                                     void** addr) {
  vmar_status_t st = check_buffer(b, addr != NULL);
  if (st != VMAR_OK) {
    return st;
  }
  void* start = vmar_mapper_start(&b->pool->buffers[b->index].mapper);
  if (start == NULL) {
    return VMAR_ERR_BAD_STATE;
  }
  *addr = start;
  return VMAR_OK;
}

vmar_status_t vmar_vmo_pool_buffer_vmo(const vmar_vmo_pool_buffer_t* b,
                                       vmar_handle_t* vmo) {
  vmar_status_t st = check_buffer(b, vmo != NULL);
  if (st == VMAR_OK) {
    *vmo = b->pool->buffers[b->index].vmo;
  }
  return st;
}
