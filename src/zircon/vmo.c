// SPDX-License-Identifier: MIT
// Zircon backend, VMOs: zx_vmo_*, ZX_INFO_VMO and the ZX_PROP_NAME and
// ZX_PROP_VMO_CONTENT_SIZE properties.

#include <stddef.h>

#include <zircon/errors.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "backend.h"

vmar_status_t vmar__os_vmo_create(uint64_t size, uint32_t options,
                                  vmar_handle_t* out) {
  return zx_vmo_create(size, options, out);
}

vmar_status_t vmar__os_vmo_read(vmar_handle_t vmo, void* buf, uint64_t offset,
                                size_t len) {
  return zx_vmo_read(vmo, buf, offset, len);
}

vmar_status_t vmar__os_vmo_write(vmar_handle_t vmo, const void* buf,
                                 uint64_t offset, size_t len) {
  return zx_vmo_write(vmo, buf, offset, len);
}

vmar_status_t vmar__os_vmo_get_size(vmar_handle_t vmo, uint64_t* size) {
  return zx_vmo_get_size(vmo, size);
}

vmar_status_t vmar__os_vmo_set_size(vmar_handle_t vmo, uint64_t size) {
  return zx_vmo_set_size(vmo, size);
}

vmar_status_t vmar__os_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                    uint64_t offset, uint64_t size,
                                    void* buffer, size_t buffer_size) {
  return zx_vmo_op_range(vmo, op, offset, size, buffer, buffer_size);
}

vmar_status_t vmar__os_vmo_create_child(vmar_handle_t vmo, uint32_t options,
                                        uint64_t offset, uint64_t size,
                                        vmar_handle_t* out) {
  return zx_vmo_create_child(vmo, options, offset, size, out);
}

// vmar_vmo_info_t is zx_info_vmo_v1_t (abi.c proves it): the kernel writes
// the caller's record directly.
vmar_status_t vmar__os_vmo_get_info(vmar_handle_t vmo, vmar_vmo_info_t* info) {
  return zx_object_get_info(vmo, ZX_INFO_VMO_V1, info, sizeof(*info), NULL,
                            NULL);
}

vmar_status_t vmar__os_vmo_get_content_size(vmar_handle_t vmo, uint64_t* size) {
  return zx_object_get_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, size,
                                sizeof(*size));
}

vmar_status_t vmar__os_vmo_set_content_size(vmar_handle_t vmo, uint64_t size) {
  return zx_object_set_property(vmo, ZX_PROP_VMO_CONTENT_SIZE, &size,
                                sizeof(size));
}

vmar_status_t vmar__os_vmo_set_name(vmar_handle_t vmo, const char* name) {
  // The kernel keeps at most ZX_MAX_NAME_LEN - 1 bytes; counting no further
  // gives the same name without scanning a long string. NULL means "".
  size_t len = 0;
  if (name != NULL) {
    while (len < ZX_MAX_NAME_LEN - 1 && name[len] != '\0') {
      len++;
    }
  }
  return zx_object_set_property(vmo, ZX_PROP_NAME, name != NULL ? name : "",
                                len);
}

vmar_status_t vmar__os_vmo_get_name(vmar_handle_t vmo,
                                    char name[VMAR_MAX_NAME_LEN]) {
  return zx_object_get_property(vmo, ZX_PROP_NAME, name, VMAR_MAX_NAME_LEN);
}

vmar_status_t vmar__os_vmo_replace_as_executable(vmar_handle_t vmo,
                                                 vmar_handle_t* out) {
  // No vmex resource: allowed where the job policy permits ambient
  // executable VMOs (ZX_POL_AMBIENT_MARK_VMO_EXEC), as for most components.
  return zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, out);
}
