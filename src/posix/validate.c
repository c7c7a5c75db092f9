// SPDX-License-Identifier: MIT
// Pure argument checks in Zircon's order (see validate.h).

#include "validate.h"

vmar_status_t vmar__check_allocate_args(vmar_vm_option_t options, size_t size,
                                        size_t page, size_t* align_out) {
  // Everything allocate understands. PERM_READ_IF_XOM_UNSUPPORTED is accepted
  // and ignored, as the kernel does.
  const vmar_vm_option_t allowed = VMAR_VM_SPECIFIC | VMAR_VM_CAN_MAP_SPECIFIC |
                                   VMAR_VM_COMPACT | VMAR__CAN_MAP_RWX |
                                   VMAR_VM_OFFSET_IS_UPPER_LIMIT |
                                   VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  uint32_t align_log2;
  if (!vmar__decode_align(options, &align_log2) ||
      (options & ~VMAR_VM_ALIGN_MASK & ~allowed) != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!vmar__is_aligned(size, page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  // A 4 GiB alignment on a 32-bit host cannot be had.
  return vmar__align_of(align_log2, page, align_out) ? VMAR_OK
                                                     : VMAR_ERR_INVALID_ARGS;
}
