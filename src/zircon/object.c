// SPDX-License-Identifier: MIT
// Zircon backend, handles: zx_handle_* and ZX_INFO_HANDLE_BASIC.

#include <zircon/errors.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "backend.h"

vmar_status_t vmar__os_handle_close(vmar_handle_t handle) {
  return zx_handle_close(handle);
}

vmar_status_t vmar__os_handle_duplicate(vmar_handle_t handle,
                                        vmar_rights_t rights,
                                        vmar_handle_t* out) {
  return zx_handle_duplicate(handle, rights, out);
}

vmar_status_t vmar__os_handle_replace(vmar_handle_t handle,
                                      vmar_rights_t rights,
                                      vmar_handle_t* out) {
  return zx_handle_replace(handle, rights, out);
}

vmar_status_t vmar__os_handle_get_info(vmar_handle_t handle,
                                       vmar_handle_info_t* info) {
  // zx_info_handle_basic_t carries more than vmar_handle_info_t; a NULL
  // |info| goes to the kernel as NULL, which refuses it after its checks.
  zx_info_handle_basic_t basic;
  zx_status_t st = zx_object_get_info(handle, ZX_INFO_HANDLE_BASIC,
                                      info != NULL ? &basic : NULL,
                                      sizeof(basic), NULL, NULL);
  if (st != ZX_OK) {
    return st;
  }
  if (info == NULL) {
    return ZX_ERR_INVALID_ARGS;
  }
  info->koid = basic.koid;
  info->rights = basic.rights;
  info->type = basic.type;
  return ZX_OK;
}
