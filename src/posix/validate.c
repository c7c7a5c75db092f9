// SPDX-License-Identifier: MIT
// Pure argument checks in Zircon's order (see validate.h).

#include "validate.h"

bool vmar__decode_align(vmar_vm_option_t options, uint32_t* log2_out) {
  uint32_t field = (options & VMAR_VM_ALIGN_MASK) >> VMAR_VM_ALIGN_BASE;
  if (field != 0 && (field < 10 || field > 32)) {
    return false;
  }
  *log2_out = field;
  return true;
}

bool vmar__align_of(uint32_t align_log2, size_t page, size_t* align_out) {
  size_t align = page;
  if (align_log2 != 0 && ((uint64_t)1 << align_log2) > page) {
    if (align_log2 >= sizeof(size_t) * 8) {
      return false;
    }
    align = (size_t)1 << align_log2;
  }
  *align_out = align;
  return true;
}

bool vmar__check_map_options(vmar_vm_option_t options, uint32_t* align_log2) {
  const vmar_vm_option_t known =
      VMAR__PERM_BITS | VMAR_VM_COMPACT | VMAR_VM_SPECIFIC |
      VMAR_VM_SPECIFIC_OVERWRITE | VMAR_VM_CAN_MAP_SPECIFIC |
      VMAR_VM_MAP_RANGE | VMAR_VM_REQUIRE_NON_RESIZABLE | VMAR_VM_ALLOW_FAULTS |
      VMAR_VM_OFFSET_IS_UPPER_LIMIT | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  return (options & ~VMAR_VM_ALIGN_MASK & ~known) == 0 &&
         vmar__decode_align(options, align_log2);
}

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

vmar_status_t vmar__check_placement(vmar_vm_option_t options, size_t offset,
                                    size_t size, size_t page,
                                    vmar_vm_option_t parent_flags,
                                    size_t parent_size) {
  const bool specific =
      (options & (VMAR_VM_SPECIFIC | VMAR_VM_SPECIFIC_OVERWRITE)) != 0;
  const bool upper = (options & VMAR_VM_OFFSET_IS_UPPER_LIMIT) != 0;
  if (specific && upper) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!specific && !upper && offset != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!vmar__is_aligned(offset, page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((specific || upper) && !(parent_flags & VMAR_VM_CAN_MAP_SPECIFIC)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (upper) {
    if (offset > parent_size || size > parent_size || size > offset) {
      return VMAR_ERR_INVALID_ARGS;
    }
  } else if (offset >= parent_size || size > parent_size - offset) {
    return VMAR_ERR_INVALID_ARGS;
  }
  return VMAR_OK;
}
