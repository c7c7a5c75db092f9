// SPDX-License-Identifier: MIT
// Zircon backend, VMARs: each contract function is its zx_* system call.

#include <zircon/errors.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include "backend.h"

size_t vmar__os_page_size(void) { return zx_system_get_page_size(); }

vmar_handle_t vmar__os_root_self(void) { return zx_vmar_root_self(); }

vmar_status_t vmar__os_allocate(vmar_handle_t parent, vmar_vm_option_t options,
                                size_t offset, size_t size,
                                vmar_handle_t* child,
                                vmar_vaddr_t* child_addr) {
  return zx_vmar_allocate(parent, options, offset, size, child, child_addr);
}

vmar_status_t vmar__os_destroy(vmar_handle_t vmar) {
  return zx_vmar_destroy(vmar);
}

vmar_status_t vmar__os_get_info(vmar_handle_t vmar, vmar_info_t* info) {
  if (info == NULL) {
    // The kernel's copy-out fails: INVALID_ARGS after its handle checks.
    return zx_object_get_info(vmar, ZX_INFO_VMAR, NULL, sizeof(zx_info_vmar_t),
                              NULL, NULL);
  }
  // Same layout (abi.c); a local record keeps the types apart.
  zx_info_vmar_t zi;
  zx_status_t st =
      zx_object_get_info(vmar, ZX_INFO_VMAR, &zi, sizeof(zi), NULL, NULL);
  if (st == ZX_OK) {
    info->base = zi.base;
    info->len = zi.len;
  }
  return st;
}
