// SPDX-License-Identifier: MIT
// Zircon backend, mappings: zx_vmar_map, zx_vmar_unmap, zx_vmar_protect and
// zx_vmar_op_range, each the system call itself.

#include <stddef.h>
#include <stdint.h>

#include <zircon/errors.h>
#include <zircon/syscalls.h>
#include <zircon/types.h>

#include "backend.h"

vmar_status_t vmar__os_map(vmar_handle_t vmar, vmar_vm_option_t options,
                           size_t vmar_offset, vmar_handle_t vmo,
                           uint64_t vmo_offset, size_t len,
                           vmar_vaddr_t* mapped_addr) {
  return zx_vmar_map(vmar, options, vmar_offset, vmo, vmo_offset, len,
                     mapped_addr);
}

vmar_status_t vmar__os_unmap(vmar_handle_t vmar, vmar_vaddr_t addr,
                             size_t len) {
  return zx_vmar_unmap(vmar, addr, len);
}

vmar_status_t vmar__os_protect(vmar_handle_t vmar, vmar_vm_option_t options,
                               vmar_vaddr_t addr, size_t len) {
  return zx_vmar_protect(vmar, options, addr, len);
}

vmar_status_t vmar__os_op_range(vmar_handle_t vmar, uint32_t op,
                                vmar_vaddr_t addr, size_t len) {
  return zx_vmar_op_range(vmar, op, addr, len, NULL, 0);
}
