// SPDX-License-Identifier: MIT
// POSIX backend: one-time set-up (page size, root VMAR, randomness), the
// object header's life cycle (koids, references), and the handle calls, which
// apply to every object type.

#include "backend.h"
#include "internal.h"
#include "platform.h"
#include "sys.h"

// Koids are handed to each thread in blocks, so creating objects does not
// bounce one counter between cores.
#define KOID_BLOCK 256u

_Alignas(64) vmar__posix_t vmar__posix_state;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t rng_counter;
static atomic_uint_fast32_t entropy_bits = 30;
static atomic_uint_fast64_t next_koid = 1024;
static _Thread_local uint64_t koid_next;
static _Thread_local uint64_t koid_end;

static void init_state(void) {
  vmar__posix_state.page = vmar__sys_page_size();
  atomic_store(&rng_counter, vmar__sys_seed());

  vmar__top_t* root = vmar__calloc_lines(sizeof(*root));
  if (root == NULL) {
    return; // every call on the root will see VMAR_HANDLE_INVALID
  }
  vmar__region_t* r = &root->region;
  vmar__object_init(&r->obj, VMAR_OBJ_TYPE_VMAR);
  (void)vmar__lock_init(&root->lock);
  r->node.base = VMAR__ROOT_BASE;
  r->node.size = VMAR__ROOT_END - vmar__posix_state.page - VMAR__ROOT_BASE;
  vmar__gap_node_set_kind(&r->node, VMAR__NODE_REGION);
  vmar__gap_tree_init(&r->children, &r->node);
  r->top = root;
  r->obj.flags = VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE |
                 VMAR_VM_CAN_MAP_EXECUTE | VMAR_VM_CAN_MAP_SPECIFIC |
                 VMAR__REGION_RESERVATION;
  r->obj.state = VMAR__REGION_ALIVE;
  const vmar_rights_t rights = VMAR_DEFAULT_VMAR_RIGHTS | VMAR_RIGHT_READ |
                               VMAR_RIGHT_WRITE | VMAR_RIGHT_EXECUTE;
  // The root keeps its initial reference forever: it is never freed.
  if (vmar__handle_create(&r->obj, rights, &vmar__posix_state.root_handle) !=
      VMAR_OK) {
    vmar__posix_state.root_handle = VMAR_HANDLE_INVALID;
  }
  vmar__posix_state.root = root;
  atomic_store_explicit(&vmar__posix_state.ready, true, memory_order_release);
}

const vmar__posix_t* vmar__posix_init(void) {
  pthread_once(&state_once, init_state);
  return &vmar__posix_state;
}

size_t vmar__os_page_size(void) { return vmar__posix()->page; }

vmar_handle_t vmar__os_root_self(void) { return vmar__posix()->root_handle; }

uint64_t vmar__random(void* unused) {
  (void)unused;
  // SplitMix64 over a shared counter: lock-free and well mixed.
  uint64_t z = (uint64_t)atomic_fetch_add_explicit(
      &rng_counter, 0x9E3779B97F4A7C15ull, memory_order_relaxed);
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint32_t vmar__entropy_bits(void) {
  return (uint32_t)atomic_load_explicit(&entropy_bits, memory_order_relaxed);
}

void vmar__set_entropy_bits(uint32_t bits) {
  atomic_store_explicit(&entropy_bits, bits, memory_order_relaxed);
}

void vmar__object_init(vmar__object_t* o, uint32_t type) {
  vmar__ref_init(&o->refs);
  o->type = (uint8_t)type;
  if (koid_next == koid_end) {
    koid_next = (uint64_t)atomic_fetch_add_explicit(&next_koid, KOID_BLOCK,
                                                    memory_order_relaxed);
    koid_end = koid_next + KOID_BLOCK;
  }
  o->koid = koid_next++;
}

void vmar__object_release(vmar__object_t* o) {
  if (!vmar__ref_release(&o->refs)) {
    return;
  }
  switch (o->type) {
  case VMAR_OBJ_TYPE_VMAR:
    vmar__region_free(VMAR__CONTAINER_OF(o, vmar__region_t, obj));
    break;
  case VMAR_OBJ_TYPE_VMO:
    vmar__vmo_free(VMAR__CONTAINER_OF(o, vmar__vmo_t, obj));
    break;
  default:
    break;
  }
}

void vmar__object_dispose(vmar__object_t* o) {
  if (o->type == VMAR_OBJ_TYPE_VMAR) {
    vmar__region_dispose(VMAR__CONTAINER_OF(o, vmar__region_t, obj));
  } else {
    vmar__free_lines(o); // a VMO
  }
}

vmar_status_t vmar__object_lookup(vmar_handle_t h, uint32_t type,
                                  vmar_rights_t need, vmar__object_t** out,
                                  vmar_rights_t* rights) {
  vmar__object_t* o;
  vmar_rights_t have;
  vmar_status_t st = vmar__handle_get(h, &o, &have);
  if (st == VMAR_OK &&
      (st = vmar__object_check(o, type, have, need)) != VMAR_OK) {
    vmar__object_release(o);
  }
  if (st == VMAR_OK) {
    *out = o;
    if (rights != NULL) {
      *rights = have;
    }
  }
  return st;
}

vmar_status_t vmar__os_handle_close(vmar_handle_t handle) {
  vmar__object_t* o;
  vmar_status_t st = vmar__handle_take(handle, &o);
  if (st == VMAR_OK) {
    vmar__object_release(o);
  }
  return st;
}

vmar_status_t vmar__os_handle_duplicate(vmar_handle_t handle,
                                        vmar_rights_t rights,
                                        vmar_handle_t* out) {
  vmar__object_t* o;
  vmar_rights_t have;
  vmar_status_t st = vmar__object_open(
      handle, VMAR_OBJ_TYPE_NONE, VMAR_RIGHT_DUPLICATE, out != NULL, &o, &have);
  if (st != VMAR_OK) {
    return st;
  }
  if (!vmar__rights_subset(rights, have)) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    st = vmar__handle_create(
        o, rights == VMAR_RIGHT_SAME_RIGHTS ? have : rights, out);
  }
  vmar__object_release(o);
  return st;
}

vmar_status_t vmar__os_handle_replace(vmar_handle_t handle,
                                      vmar_rights_t rights,
                                      vmar_handle_t* out) {
  vmar__object_t* dropped;
  vmar_status_t st = vmar__handle_replace(handle, rights, 0, out, &dropped);
  if (dropped != NULL) {
    vmar__object_release(dropped);
  }
  return st;
}

vmar_status_t vmar__os_handle_get_info(vmar_handle_t handle,
                                       vmar_handle_info_t* info) {
  vmar__object_t* o;
  vmar_rights_t rights;
  vmar_status_t st = vmar__object_open(handle, VMAR_OBJ_TYPE_NONE, 0,
                                       info != NULL, &o, &rights);
  if (st == VMAR_OK) {
    info->koid = o->koid;
    info->rights = rights;
    info->type = o->type;
    vmar__object_release(o);
  }
  return st;
}
