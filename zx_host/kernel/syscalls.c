// SPDX-License-Identifier: MIT
// Host fake kernel: the zx_* system calls vmar's Zircon backend makes,
// answered by vmar's POSIX backend, which already has Zircon's semantics,
// checks and status order (vmar__os_* contract). What the two do not share
// (record layouts, properties and the order of their checks, the |buffer|
// of zx_vmar_op_range) is adapted here, as strictly as the kernel checks it.
// Each call first consults the fault hook (zx_host.h).

#include <stdlib.h>
#include <string.h>

#include <zircon/errors.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include <vmar/vmar.h>

#include "kernel.h"

#define FAULT(call)                                                            \
  do {                                                                         \
    zx_status_t injected_;                                                     \
    if (zx_host__fault_hit(ZX_HOST_CALL_##call, &injected_)) {                 \
      return injected_;                                                        \
    }                                                                          \
  } while (0)

uint32_t zx_system_get_page_size(void) { return (uint32_t)vmar_page_size(); }

zx_handle_t zx_vmar_root_self(void) { return vmar_root_self(); }

// ---- VMARs -----------------------------------------------------------------

zx_status_t zx_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options,
                             size_t offset, size_t size,
                             zx_handle_t* child_vmar, zx_vaddr_t* child_addr) {
  FAULT(VMAR_ALLOCATE);
  return vmar_allocate(parent_vmar, options, offset, size, child_vmar,
                       child_addr);
}

zx_status_t zx_vmar_destroy(zx_handle_t handle) {
  FAULT(VMAR_DESTROY);
  return vmar_destroy(handle);
}

zx_status_t zx_vmar_map(zx_handle_t handle, zx_vm_option_t options,
                        size_t vmar_offset, zx_handle_t vmo,
                        uint64_t vmo_offset, size_t len,
                        zx_vaddr_t* mapped_addr) {
  FAULT(VMAR_MAP);
  return vmar_map(handle, options, vmar_offset, vmo, vmo_offset, len,
                  mapped_addr);
}

zx_status_t zx_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len) {
  FAULT(VMAR_UNMAP);
  return vmar_unmap(handle, addr, len);
}

zx_status_t zx_vmar_protect(zx_handle_t handle, zx_vm_option_t options,
                            zx_vaddr_t addr, size_t len) {
  FAULT(VMAR_PROTECT);
  return vmar_protect(handle, options, addr, len);
}

// The checks zx_vmar_op_range makes before it looks at |buffer| (handle, op,
// rights), for the rare caller that passes one.
static zx_status_t vmar_op_precheck(zx_handle_t handle, uint32_t op) {
  vmar_handle_info_t info;
  zx_status_t st = vmar_handle_get_info(handle, &info);
  if (st != ZX_OK) {
    return st;
  }
  if (info.type != ZX_OBJ_TYPE_VMAR) {
    return ZX_ERR_WRONG_TYPE;
  }
  zx_rights_t need;
  switch (op) {
  case ZX_VMAR_OP_COMMIT:
  case ZX_VMAR_OP_DECOMMIT:
  case ZX_VMAR_OP_ZERO:
    need = ZX_RIGHT_WRITE;
    break;
  case ZX_VMAR_OP_MAP_RANGE:
  case ZX_VMAR_OP_PREFETCH:
    need = ZX_RIGHT_READ;
    break;
  case ZX_VMAR_OP_DONT_NEED:
  case ZX_VMAR_OP_ALWAYS_NEED:
    need = ZX_RIGHT_NONE;
    break;
  default:
    return ZX_ERR_INVALID_ARGS;
  }
  return (info.rights & need) == need ? ZX_OK : ZX_ERR_ACCESS_DENIED;
}

zx_status_t zx_vmar_op_range(zx_handle_t handle, uint32_t op,
                             zx_vaddr_t address, size_t size, void* buffer,
                             size_t buffer_size) {
  FAULT(VMAR_OP_RANGE);
  if (buffer != NULL || buffer_size != 0) {
    zx_status_t st = vmar_op_precheck(handle, op);
    return st != ZX_OK ? st : ZX_ERR_INVALID_ARGS;
  }
  return vmar_op_range(handle, op, address, size);
}

// ---- VMOs ------------------------------------------------------------------

zx_status_t zx_vmo_create(uint64_t size, uint32_t options, zx_handle_t* out) {
  FAULT(VMO_CREATE);
  return vmar_vmo_create(size, options, out);
}

zx_status_t zx_vmo_read(zx_handle_t handle, void* buffer, uint64_t offset,
                        size_t buffer_size) {
  FAULT(VMO_READ);
  return vmar_vmo_read(handle, buffer, offset, buffer_size);
}

zx_status_t zx_vmo_write(zx_handle_t handle, const void* buffer,
                         uint64_t offset, size_t buffer_size) {
  FAULT(VMO_WRITE);
  return vmar_vmo_write(handle, buffer, offset, buffer_size);
}

zx_status_t zx_vmo_get_size(zx_handle_t handle, uint64_t* size) {
  FAULT(VMO_GET_SIZE);
  return vmar_vmo_get_size(handle, size);
}

zx_status_t zx_vmo_set_size(zx_handle_t handle, uint64_t size) {
  FAULT(VMO_SET_SIZE);
  return vmar_vmo_set_size(handle, size);
}

zx_status_t zx_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset,
                            uint64_t size, void* buffer, size_t buffer_size) {
  FAULT(VMO_OP_RANGE);
  return vmar_vmo_op_range_with_buffer(handle, op, offset, size, buffer,
                                       buffer_size);
}

zx_status_t zx_vmo_create_child(zx_handle_t handle, uint32_t options,
                                uint64_t offset, uint64_t size,
                                zx_handle_t* out) {
  FAULT(VMO_CREATE_CHILD);
  return vmar_vmo_create_child(handle, options, offset, size, out);
}

// A failing replace still consumes its handle, unless the handle was bad.
static zx_status_t fail_consuming(zx_handle_t handle, zx_status_t status) {
  if (status != ZX_ERR_BAD_HANDLE) {
    (void)vmar_handle_close(handle);
  }
  return status;
}

zx_status_t zx_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex,
                                         zx_handle_t* out) {
  zx_status_t injected;
  if (zx_host__fault_hit(ZX_HOST_CALL_VMO_REPLACE_AS_EXECUTABLE, &injected)) {
    return fail_consuming(handle, injected);
  }
  // Any |vmex| is accepted, as under a job policy that allows ambient
  // executable VMOs.
  (void)vmex;
  return vmar_vmo_replace_as_executable(handle, out);
}

// ---- Handles ---------------------------------------------------------------

zx_status_t zx_handle_close(zx_handle_t handle) {
  FAULT(HANDLE_CLOSE);
  return vmar_handle_close(handle);
}

zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights,
                                zx_handle_t* out) {
  FAULT(HANDLE_DUPLICATE);
  return vmar_handle_duplicate(handle, rights, out);
}

zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights,
                              zx_handle_t* out) {
  zx_status_t injected;
  if (zx_host__fault_hit(ZX_HOST_CALL_HANDLE_REPLACE, &injected)) {
    return fail_consuming(handle, injected);
  }
  return vmar_handle_replace(handle, rights, out);
}

// ---- Objects ---------------------------------------------------------------

static void set_counts(size_t* actual, size_t a, size_t* avail, size_t v) {
  if (actual != NULL) {
    *actual = a;
  }
  if (avail != NULL) {
    *avail = v;
  }
}

// ZX_INFO_VMAR_MAPS from vmar_get_maps: same records, another layout.
static zx_status_t get_vmar_maps(zx_handle_t handle, void* buffer,
                                 size_t buffer_size, size_t* actual,
                                 size_t* avail) {
  size_t cap = buffer_size / sizeof(zx_info_maps_t);
  size_t total = 0;
  // Handle, type, right and state checks; a NULL buffer with room for a
  // record is refused there too.
  zx_status_t st =
      vmar_get_maps(handle, NULL, buffer == NULL ? cap : 0, NULL, &total);
  if (st != ZX_OK || cap == 0 || buffer == NULL) {
    if (st == ZX_OK) {
      set_counts(actual, 0, avail, total);
    }
    return st;
  }
  size_t n = cap < total ? cap : total;
  vmar_map_info_t* recs = calloc(n, sizeof(*recs));
  if (recs == NULL) {
    return ZX_ERR_NO_MEMORY;
  }
  size_t got = 0;
  st = vmar_get_maps(handle, recs, n, &got, &total);
  if (st == ZX_OK) {
    zx_info_maps_t* out = buffer;
    for (size_t i = 0; i < got; i++) {
      zx_info_maps_t z;
      memset(&z, 0, sizeof(z));
      memcpy(z.name, recs[i].name, sizeof(z.name));
      z.base = recs[i].base;
      z.size = recs[i].size;
      z.depth = recs[i].depth;
      z.type = recs[i].type;
      if (z.type == ZX_INFO_MAPS_TYPE_MAPPING) {
        z.u.mapping.mmu_flags = recs[i].mmu_flags;
        z.u.mapping.vmo_koid = recs[i].vmo_id;
        z.u.mapping.vmo_offset = recs[i].vmo_offset;
      }
      memcpy(&out[i], &z, sizeof(z));
    }
    set_counts(actual, got, avail, total);
  }
  free(recs);
  return st;
}

// A topic with one record, |record| of |size| bytes, after the lookup that
// returned |st|: its error first, then a buffer too small (the counts say one
// record is available), then no buffer; else the record is copied out.
static zx_status_t one_record(zx_status_t st, const void* record, size_t size,
                              void* buffer, size_t buffer_size, size_t* actual,
                              size_t* avail) {
  if (st != ZX_OK) {
    return st;
  }
  if (buffer_size < size) {
    set_counts(actual, 0, avail, 1);
    return ZX_ERR_BUFFER_TOO_SMALL;
  }
  if (buffer == NULL) {
    return ZX_ERR_INVALID_ARGS;
  }
  memcpy(buffer, record, size);
  set_counts(actual, 1, avail, 1);
  return ZX_OK;
}

zx_status_t zx_object_get_info(zx_handle_t handle, uint32_t topic, void* buffer,
                               size_t buffer_size, size_t* actual,
                               size_t* avail) {
  FAULT(OBJECT_GET_INFO);
  switch (topic) {
  case ZX_INFO_HANDLE_VALID: {
    vmar_handle_info_t info;
    return vmar_handle_get_info(handle, &info);
  }
  case ZX_INFO_HANDLE_BASIC: {
    vmar_handle_info_t info;
    memset(&info, 0, sizeof(info));
    zx_status_t st = vmar_handle_get_info(handle, &info);
    zx_info_handle_basic_t basic;
    memset(&basic, 0, sizeof(basic));
    basic.koid = info.koid;
    basic.rights = info.rights;
    basic.type = info.type;
    return one_record(st, &basic, sizeof(basic), buffer, buffer_size, actual,
                      avail);
  }
  case ZX_INFO_VMAR: {
    vmar_info_t info = {0, 0};
    zx_status_t st = vmar_get_info(handle, &info);
    zx_info_vmar_t zi = {info.base, info.len};
    return one_record(st, &zi, sizeof(zi), buffer, buffer_size, actual, avail);
  }
  case ZX_INFO_VMAR_MAPS:
    return get_vmar_maps(handle, buffer, buffer_size, actual, avail);
  case ZX_INFO_VMO_V1: {
    vmar_vmo_info_t info;
    memset(&info, 0, sizeof(info));
    zx_status_t st = vmar_vmo_get_info(handle, &info);
    return one_record(st, &info, sizeof(info), buffer, buffer_size, actual,
                      avail);
  }
  default: {
    vmar_handle_info_t info;
    zx_status_t st = vmar_handle_get_info(handle, &info);
    return st != ZX_OK ? st : ZX_ERR_NOT_SUPPORTED;
  }
  }
}

// ZX_PROP_VMO_CONTENT_SIZE, read: |value| first, then the handle and its
// right, the size of the value, the type.
static zx_status_t get_content_size(zx_handle_t handle, void* value,
                                    size_t value_size) {
  if (value == NULL) {
    return ZX_ERR_INVALID_ARGS;
  }
  vmar_handle_info_t info;
  zx_status_t st = vmar_handle_get_info(handle, &info);
  if (st != ZX_OK) {
    return st;
  }
  if ((info.rights & ZX_RIGHT_GET_PROPERTY) == 0) {
    return ZX_ERR_ACCESS_DENIED;
  }
  if (value_size < sizeof(uint64_t)) {
    return ZX_ERR_BUFFER_TOO_SMALL;
  }
  uint64_t size = 0;
  st = vmar_vmo_get_content_size(handle, &size); // WRONG_TYPE
  if (st == ZX_OK) {
    memcpy(value, &size, sizeof(size));
  }
  return st;
}

zx_status_t zx_object_get_property(zx_handle_t handle, uint32_t property,
                                   void* value, size_t value_size) {
  FAULT(OBJECT_GET_PROPERTY);
  if (property == ZX_PROP_VMO_CONTENT_SIZE) {
    return get_content_size(handle, value, value_size);
  }
  if (property != ZX_PROP_NAME) {
    vmar_handle_info_t info;
    zx_status_t st = vmar_handle_get_info(handle, &info);
    return st != ZX_OK ? st : ZX_ERR_INVALID_ARGS;
  }
  char name[ZX_MAX_NAME_LEN];
  zx_status_t st = vmar_vmo_get_name(handle, name);
  if (st != ZX_OK) {
    return st;
  }
  if (value_size < ZX_MAX_NAME_LEN) {
    return ZX_ERR_BUFFER_TOO_SMALL;
  }
  if (value == NULL) {
    return ZX_ERR_INVALID_ARGS;
  }
  memcpy(value, name, sizeof(name));
  return ZX_OK;
}

// ZX_PROP_VMO_CONTENT_SIZE, written, in the newest kernel's order: the
// rights (SET_PROPERTY, then WRITE), the type, the size of the value, the
// value itself.
static zx_status_t set_content_size(zx_handle_t handle,
                                    const vmar_handle_info_t* info,
                                    const void* value, size_t value_size) {
  if ((info->rights & ZX_RIGHT_SET_PROPERTY) == 0 ||
      (info->rights & ZX_RIGHT_WRITE) == 0) {
    return ZX_ERR_ACCESS_DENIED;
  }
  if (info->type != ZX_OBJ_TYPE_VMO) {
    return ZX_ERR_WRONG_TYPE;
  }
  if (value_size < sizeof(uint64_t)) {
    return ZX_ERR_BUFFER_TOO_SMALL;
  }
  if (value == NULL) {
    return ZX_ERR_INVALID_ARGS;
  }
  uint64_t size;
  memcpy(&size, value, sizeof(size));
  return vmar_vmo_set_content_size(handle, size);
}

zx_status_t zx_object_set_property(zx_handle_t handle, uint32_t property,
                                   const void* value, size_t value_size) {
  FAULT(OBJECT_SET_PROPERTY);
  vmar_handle_info_t info;
  zx_status_t st = vmar_handle_get_info(handle, &info);
  if (st != ZX_OK) {
    return st;
  }
  if (property == ZX_PROP_VMO_CONTENT_SIZE) {
    return set_content_size(handle, &info, value, value_size);
  }
  if (property != ZX_PROP_NAME) {
    return ZX_ERR_INVALID_ARGS;
  }
  if (info.type != ZX_OBJ_TYPE_VMO) {
    return ZX_ERR_WRONG_TYPE;
  }
  if ((info.rights & ZX_RIGHT_SET_PROPERTY) == 0) {
    return ZX_ERR_ACCESS_DENIED;
  }
  if (value == NULL && value_size != 0) {
    return ZX_ERR_INVALID_ARGS;
  }
  // Longer names are cut to ZX_MAX_NAME_LEN - 1 bytes.
  char name[ZX_MAX_NAME_LEN];
  size_t n =
      value_size < ZX_MAX_NAME_LEN - 1 ? value_size : ZX_MAX_NAME_LEN - 1;
  if (n != 0) {
    memcpy(name, value, n);
  }
  name[n] = '\0';
  return vmar_vmo_set_name(handle, name);
}
