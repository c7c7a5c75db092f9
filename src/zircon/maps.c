// SPDX-License-Identifier: MIT
// Zircon backend: vmar_get_maps, from ZX_INFO_VMAR_MAPS records converted to
// vmar_map_info_t.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zircon/errors.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "backend.h"
#include "base/alloc.h"

// zx_info_maps_t is larger than vmar_map_info_t and laid out differently, so
// the kernel cannot write into the caller's array. The records are fetched
// into a buffer of our own and converted. ZX_INFO_VMAR_MAPS always starts at
// the queried VMAR, so the records cannot be fetched piecewise through a small
// buffer: a short buffer just gets the first records again. Hence:
//   - one call into a small array on the stack, which answers every query of
//     a tree of up to STACK_RECORDS entries (and every count-only query);
//   - only when the caller wants more records than that and the tree has
//     more, a second call into a heap array sized for min(count, avail).
// The second call sees the tree as it is then; what it returns is one
// consistent snapshot. A failed allocation is VMAR_ERR_NO_MEMORY.

enum { STACK_RECORDS = 8 };

static void convert(const zx_info_maps_t* in, size_t n, vmar_map_info_t* out) {
  for (size_t i = 0; i < n; i++) {
    vmar_map_info_t r;
    memset(&r, 0, sizeof(r));
    memcpy(r.name, in[i].name, sizeof(r.name));
    r.name[sizeof(r.name) - 1] = '\0';
    r.base = in[i].base;
    r.size = in[i].size;
    r.depth = in[i].depth;
    r.type = in[i].type;
    if (in[i].type == ZX_INFO_MAPS_TYPE_MAPPING) {
      r.mmu_flags = in[i].u.mapping.mmu_flags;
      r.vmo_id = in[i].u.mapping.vmo_koid;
      r.vmo_offset = in[i].u.mapping.vmo_offset;
    }
    out[i] = r;
  }
}

vmar_status_t vmar__os_get_maps(vmar_handle_t vmar, vmar_map_info_t* out,
                                size_t count, size_t* actual, size_t* avail) {
  if (out == NULL) {
    // A count-only query, or a NULL array the kernel refuses (INVALID_ARGS
    // after its handle checks), exactly as it would ours.
    size_t n = count < SIZE_MAX / sizeof(zx_info_maps_t)
                   ? count
                   : SIZE_MAX / sizeof(zx_info_maps_t);
    return zx_object_get_info(vmar, ZX_INFO_VMAR_MAPS, NULL,
                              n * sizeof(zx_info_maps_t), actual, avail);
  }
  zx_info_maps_t local[STACK_RECORDS];
  size_t want = count < STACK_RECORDS ? count : STACK_RECORDS;
  size_t got = 0;
  size_t total = 0;
  zx_status_t st =
      zx_object_get_info(vmar, ZX_INFO_VMAR_MAPS, local,
                         want * sizeof(zx_info_maps_t), &got, &total);
  if (st != ZX_OK) {
    return st;
  }
  if (got >= total || got >= count) {
    convert(local, got, out);
  } else {
    size_t n = count < total ? count : total;
    if (n > SIZE_MAX / sizeof(zx_info_maps_t)) {
      return ZX_ERR_NO_MEMORY;
    }
    zx_info_maps_t* heap = vmar__malloc(n * sizeof(zx_info_maps_t));
    if (heap == NULL) {
      return ZX_ERR_NO_MEMORY;
    }
    st = zx_object_get_info(vmar, ZX_INFO_VMAR_MAPS, heap,
                            n * sizeof(zx_info_maps_t), &got, &total);
    if (st == ZX_OK) {
      convert(heap, got, out);
    }
    vmar__free(heap);
    if (st != ZX_OK) {
      return st;
    }
  }
  if (actual != NULL) {
    *actual = got;
  }
  if (avail != NULL) {
    *avail = total;
  }
  return ZX_OK;
}
