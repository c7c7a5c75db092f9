// SPDX-License-Identifier: MIT
// Public entry points for VMARs. Each is a direct call into the backend, which
// applies Zircon's checks in Zircon's order (on Fuchsia: the kernel itself).

#include "backend.h"

size_t vmar_page_size(void) { return vmar__os_page_size(); }

vmar_handle_t vmar_root_self(void) { return vmar__os_root_self(); }

vmar_status_t vmar_allocate(vmar_handle_t parent, vmar_vm_option_t options,
                            size_t offset, size_t size, vmar_handle_t* child,
                            vmar_vaddr_t* child_addr) {
  return vmar__os_allocate(parent, options, offset, size, child, child_addr);
}

vmar_status_t vmar_destroy(vmar_handle_t vmar) {
  return vmar__os_destroy(vmar);
}

vmar_status_t vmar_get_info(vmar_handle_t vmar, vmar_info_t* info) {
  return vmar__os_get_info(vmar, info);
}

vmar_status_t vmar_posix_set_entropy_bits(uint32_t bits) {
  if (bits > 36) {
    return VMAR_ERR_INVALID_ARGS;
  }
  return vmar__os_set_entropy_bits(bits);
}
