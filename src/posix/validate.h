// SPDX-License-Identifier: MIT
// Pure checks of call arguments, in the order and with the statuses Zircon
// uses. They look only at numbers, never at objects.

#ifndef VMAR_SRC_POSIX_VALIDATE_H_
#define VMAR_SRC_POSIX_VALIDATE_H_

#include "base/util.h"
#include "platform.h"

// Permission bits and their CAN_MAP twins.
#define VMAR__PERM_BITS                                                        \
  (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)
#define VMAR__CAN_MAP_RWX                                                      \
  (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE | VMAR_VM_CAN_MAP_EXECUTE)

// READ, WRITE and EXECUTE sit in the same order in three places: PERM_* bits
// 0-2, CAN_MAP_* bits 7-9, and rights bits 2-4. Converting is a shift.
_Static_assert(VMAR_VM_PERM_READ == 1u << 0 && VMAR_VM_PERM_WRITE == 1u << 1 &&
                   VMAR_VM_PERM_EXECUTE == 1u << 2,
               "PERM bits");
_Static_assert(VMAR__CAN_MAP_RWX == VMAR__PERM_BITS << 7, "CAN_MAP bits");
_Static_assert((VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_EXECUTE) ==
                   VMAR__PERM_BITS << 2,
               "R/W/X rights");

// Handle rights a VMAR handle needs for the CAN_MAP_* bits in |options|.
static inline vmar_rights_t vmar__rights_for_can_map(vmar_vm_option_t options) {
  return ((options & VMAR__CAN_MAP_RWX) >> 7) << 2;
}

// PERM_* bits a VMAR's CAN_MAP_* flags allow.
static inline uint32_t vmar__perms_of_can_map(vmar_vm_option_t flags) {
  return (flags & VMAR__CAN_MAP_RWX) >> 7;
}

// PERM_* bits that both |a| and |b| carry the rights for.
static inline uint32_t vmar__perms_of_rights(vmar_rights_t a, vmar_rights_t b) {
  return ((a & b) >> 2) & VMAR__PERM_BITS;
}

// ACCESS_DENIED when the host refuses memory that is writable and
// executable at once and |perms| asks for both (design.md §10), else OK.
static inline vmar_status_t vmar__check_host_perms(uint32_t perms) {
  const uint32_t wx = VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE;
  return VMAR__WX_EXCLUSIVE && (perms & wx) == wx ? VMAR_ERR_ACCESS_DENIED
                                                  : VMAR_OK;
}

// Reads the alignment field of |options|: 0 means none, else log2 of the
// alignment in [10, 32]. Returns false for an illegal field.
static inline bool vmar__decode_align(vmar_vm_option_t options,
                                      uint32_t* log2_out) {
  uint32_t field = (options & VMAR_VM_ALIGN_MASK) >> VMAR_VM_ALIGN_BASE;
  if (field != 0 && (field < 10 || field > 32)) {
    return false;
  }
  *log2_out = field;
  return true;
}

// The placement alignment in bytes for a decoded field: at least a page.
// False when the host cannot express it (4 GiB on a 32-bit host).
static inline bool vmar__align_of(uint32_t align_log2, size_t page,
                                  size_t* align_out) {
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

// True when |options| holds only bits zx_vmar_map knows and a legal
// alignment field, which goes to |*align_log2|.
static inline bool vmar__check_map_options(vmar_vm_option_t options,
                                           uint32_t* align_log2) {
  const vmar_vm_option_t known =
      VMAR__PERM_BITS | VMAR_VM_COMPACT | VMAR_VM_SPECIFIC |
      VMAR_VM_SPECIFIC_OVERWRITE | VMAR_VM_CAN_MAP_SPECIFIC |
      VMAR_VM_MAP_RANGE | VMAR_VM_REQUIRE_NON_RESIZABLE | VMAR_VM_ALLOW_FAULTS |
      VMAR_VM_OFFSET_IS_UPPER_LIMIT | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  return (options & ~VMAR_VM_ALIGN_MASK & ~known) == 0 &&
         vmar__decode_align(options, align_log2);
}

// The option checks of zx_vmar_allocate that need no object, in its order:
// unknown bits, the alignment field, PERM_* and other options allocate does
// not take, then the size's alignment. On success |*align_out| is the placement
// alignment in bytes (at least a page).
vmar_status_t vmar__check_allocate_args(vmar_vm_option_t options, size_t size,
                                        size_t page, size_t* align_out);

// Placement checks shared by allocate and map once the parent is known to be
// alive and |size| non-zero, in zx_vmar_allocate's order: how |offset| is
// read (SPECIFIC, OFFSET_IS_UPPER_LIMIT or neither), its alignment,
// CAN_MAP_SPECIFIC, then the bounds. |parent_flags| are the
// parent's creation flags, |parent_size| its size.
static inline vmar_status_t vmar__check_placement(vmar_vm_option_t options,
                                                  size_t offset, size_t size,
                                                  size_t page,
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

#endif // VMAR_SRC_POSIX_VALIDATE_H_
