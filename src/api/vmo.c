// SPDX-License-Identifier: MIT
// Public entry points for VMOs: direct calls into the backend.

#include "backend.h"

vmar_status_t vmar_vmo_create(uint64_t size, uint32_t options,
                              vmar_handle_t* out) {
  return vmar__os_vmo_create(size, options, out);
}

vmar_status_t vmar_vmo_read(vmar_handle_t vmo, void* buf, uint64_t offset,
                            size_t len) {
  return vmar__os_vmo_read(vmo, buf, offset, len);
}

vmar_status_t vmar_vmo_write(vmar_handle_t vmo, const void* buf,
                             uint64_t offset, size_t len) {
  return vmar__os_vmo_write(vmo, buf, offset, len);
}

vmar_status_t vmar_vmo_get_size(vmar_handle_t vmo, uint64_t* size) {
  return vmar__os_vmo_get_size(vmo, size);
}

vmar_status_t vmar_vmo_set_size(vmar_handle_t vmo, uint64_t size) {
  return vmar__os_vmo_set_size(vmo, size);
}

vmar_status_t vmar_vmo_op_range(vmar_handle_t vmo, uint32_t op, uint64_t offset,
                                uint64_t size) {
  // LOCK's report goes to a buffer of our own, and nowhere after.
  vmar_vmo_lock_state_t state;
  return vmar__os_vmo_op_range(vmo, op, offset, size, &state, sizeof(state));
}

vmar_status_t vmar_vmo_op_range_with_buffer(vmar_handle_t vmo, uint32_t op,
                                            uint64_t offset, uint64_t size,
                                            void* buffer, size_t buffer_size) {
  return vmar__os_vmo_op_range(vmo, op, offset, size, buffer, buffer_size);
}

vmar_status_t vmar_vmo_create_child(vmar_handle_t vmo, uint32_t options,
                                    uint64_t offset, uint64_t size,
                                    vmar_handle_t* out) {
  return vmar__os_vmo_create_child(vmo, options, offset, size, out);
}

vmar_status_t vmar_vmo_get_info(vmar_handle_t vmo, vmar_vmo_info_t* info) {
  return vmar__os_vmo_get_info(vmo, info);
}

vmar_status_t vmar_vmo_get_content_size(vmar_handle_t vmo, uint64_t* size) {
  return vmar__os_vmo_get_content_size(vmo, size);
}

vmar_status_t vmar_vmo_set_content_size(vmar_handle_t vmo, uint64_t size) {
  return vmar__os_vmo_set_content_size(vmo, size);
}

vmar_status_t vmar_vmo_set_name(vmar_handle_t vmo, const char* name) {
  return vmar__os_vmo_set_name(vmo, name);
}

vmar_status_t vmar_vmo_get_name(vmar_handle_t vmo,
                                char name[VMAR_MAX_NAME_LEN]) {
  return vmar__os_vmo_get_name(vmo, name);
}

vmar_status_t vmar_vmo_replace_as_executable(vmar_handle_t vmo,
                                             vmar_handle_t* out) {
  return vmar__os_vmo_replace_as_executable(vmo, out);
}
