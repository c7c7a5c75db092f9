// SPDX-License-Identifier: MIT
// Public entry points for handles.

#include "backend.h"

vmar_status_t vmar_handle_close(vmar_handle_t handle) {
  // As zx_handle_close: closing the invalid handle is a successful no-op.
  if (handle == VMAR_HANDLE_INVALID) {
    return VMAR_OK;
  }
  return vmar__os_handle_close(handle);
}

vmar_status_t vmar_handle_duplicate(vmar_handle_t handle, vmar_rights_t rights,
                                    vmar_handle_t* out) {
  return vmar__os_handle_duplicate(handle, rights, out);
}

vmar_status_t vmar_handle_replace(vmar_handle_t handle, vmar_rights_t rights,
                                  vmar_handle_t* out) {
  return vmar__os_handle_replace(handle, rights, out);
}

vmar_status_t vmar_handle_get_info(vmar_handle_t handle,
                                   vmar_handle_info_t* info) {
  return vmar__os_handle_get_info(handle, info);
}

vmar_status_t vmar_handle_get_rights(vmar_handle_t handle,
                                     vmar_rights_t* rights) {
  vmar_handle_info_t info;
  vmar_status_t st = vmar__os_handle_get_info(handle, &info);
  if (st != VMAR_OK) {
    return st;
  }
  if (rights == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  *rights = info.rights;
  return VMAR_OK;
}
