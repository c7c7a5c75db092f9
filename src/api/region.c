// SPDX-License-Identifier: MIT
// Public entry points for VMARs. Each is a direct call into the backend, which
// applies Zircon's checks in Zircon's order (on Fuchsia: the kernel itself).
// The calls of <vmar/posix.h> are each backend's own (extras.c there).

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

vmar_status_t vmar_map(vmar_handle_t vmar, vmar_vm_option_t options,
                       size_t vmar_offset, vmar_handle_t vmo,
                       uint64_t vmo_offset, size_t len,
                       vmar_vaddr_t* mapped_addr) {
  return vmar__os_map(vmar, options, vmar_offset, vmo, vmo_offset, len,
                      mapped_addr);
}

vmar_status_t vmar_unmap(vmar_handle_t vmar, vmar_vaddr_t addr, size_t len) {
  return vmar__os_unmap(vmar, addr, len);
}

vmar_status_t vmar_protect(vmar_handle_t vmar, vmar_vm_option_t options,
                           vmar_vaddr_t addr, size_t len) {
  return vmar__os_protect(vmar, options, addr, len);
}

vmar_status_t vmar_op_range(vmar_handle_t vmar, uint32_t op, vmar_vaddr_t addr,
                            size_t len) {
  return vmar__os_op_range(vmar, op, addr, len);
}

vmar_status_t vmar_get_maps(vmar_handle_t vmar, vmar_map_info_t* out,
                            size_t count, size_t* actual, size_t* avail) {
  return vmar__os_get_maps(vmar, out, count, actual, avail);
}
