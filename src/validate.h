// SPDX-License-Identifier: MIT
// Pure checks of call arguments, in the order and with the statuses Zircon
// uses. They look only at numbers, never at objects, so every emulating
// backend shares them.

#ifndef VMAR_SRC_VALIDATE_H_
#define VMAR_SRC_VALIDATE_H_

#include "internal.h"

// Permission bits and their CAN_MAP twins.
#define VMAR__PERM_BITS                                                        \
  (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)
#define VMAR__CAN_MAP_RWX                                                      \
  (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE | VMAR_VM_CAN_MAP_EXECUTE)

// Handle rights a VMAR handle needs for the CAN_MAP_* bits in |options|.
vmar_rights_t vmar__rights_for_can_map(vmar_vm_option_t options);

// Reads the alignment field of |options|: 0 means none, else log2 of the
// alignment in [10, 32]. Returns false for an illegal field.
bool vmar__decode_align(vmar_vm_option_t options, uint32_t* log2_out);

// The option checks of zx_vmar_allocate that need no object (steps 2-4 of
// SPEC 2.3: unknown bits, alignment field, PERM_* and other non-allocate
// options, size alignment). On success |*align_out| is the placement
// alignment in bytes (at least a page).
vmar_status_t vmar__check_allocate_args(vmar_vm_option_t options, size_t size,
                                        size_t page, size_t* align_out);

// Placement checks shared by allocate and map once the parent is known to be
// alive and |size| non-zero (SPEC 2.3 steps 8-10): how |offset| is read, its
// alignment, CAN_MAP_SPECIFIC, and the bounds. |parent_flags| are the
// parent's creation flags, |parent_size| its size.
vmar_status_t vmar__check_placement(vmar_vm_option_t options, size_t offset,
                                    size_t size, size_t page,
                                    vmar_vm_option_t parent_flags,
                                    size_t parent_size);

#endif // VMAR_SRC_VALIDATE_H_
