// SPDX-License-Identifier: MIT
// vmar: virtual memory address regions (twins of zx_vmar_*).
//
// Offsets passed to allocate are relative to the parent's base; every address
// returned or taken elsewhere is absolute. Sizes are in bytes and must be
// multiples of vmar_page_size() where stated.

#ifndef VMAR_INCLUDE_VMAR_REGION_H_
#define VMAR_INCLUDE_VMAR_REGION_H_

#include <vmar/options.h>
#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// Returns the size of a page in bytes: the unit of every size and offset
// below (4096 on most hosts, 16384 on Apple silicon).
VMAR_API size_t vmar_page_size(void);

// Returns a handle to the process's root VMAR. The handle is unowned: never
// close, replace or destroy it. Its rights are VMAR_DEFAULT_VMAR_RIGHTS plus
// READ, WRITE and EXECUTE; it may hold children with any CAN_MAP_* bit and
// allows SPECIFIC placement. On a POSIX host the root spans the user address
// space but only ever touches ranges vmar itself reserved.
VMAR_API vmar_handle_t vmar_root_self(void);

// Creates a child VMAR of |parent| covering |size| bytes.
//   |options|    : CAN_MAP_READ/WRITE/EXECUTE (permission ceiling of the child),
//                  CAN_MAP_SPECIFIC (the child accepts SPECIFIC placement),
//                  COMPACT (children of the child are packed at the lowest
//                  address that fits), SPECIFIC or OFFSET_IS_UPPER_LIMIT
//                  (how |offset| is read) and one VMAR_VM_ALIGN_* value.
//   |offset|     : with SPECIFIC, where the child starts relative to the
//                  parent's base; with OFFSET_IS_UPPER_LIMIT, the child must
//                  end at or below parent base + |offset|; otherwise 0.
//   |size|       : page-aligned, non-zero; it is not rounded.
//   |child|      : receives a handle with VMAR_DEFAULT_VMAR_RIGHTS plus
//                  READ/WRITE/EXECUTE for each CAN_MAP_* bit.
//   |child_addr| : receives the child's absolute base address.
// VMAR_OK: the child exists and is reserved; nothing else may land in it.
// VMAR_ERR_BAD_HANDLE: |parent| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |parent| is not a VMAR.
// VMAR_ERR_ACCESS_DENIED: |parent| lacks READ/WRITE/EXECUTE for a requested
//   CAN_MAP_READ/WRITE/EXECUTE.
// VMAR_ERR_INVALID_ARGS: unknown option bits, a PERM_* or other non-allocate
//   option, a bad alignment field, or |size| not page-aligned.
// VMAR_ERR_BAD_STATE: |parent| has been destroyed.
// VMAR_ERR_INVALID_ARGS: |size| is 0.
// VMAR_ERR_ACCESS_DENIED: a requested CAN_MAP_READ/WRITE/EXECUTE is not in the
//   parent's own ceiling.
// VMAR_ERR_INVALID_ARGS: SPECIFIC with OFFSET_IS_UPPER_LIMIT, a non-zero
//   |offset| with neither, or |offset| not page-aligned.
// VMAR_ERR_ACCESS_DENIED: SPECIFIC or OFFSET_IS_UPPER_LIMIT in a parent
//   without CAN_MAP_SPECIFIC.
// VMAR_ERR_INVALID_ARGS: the range does not fit in the parent, or a SPECIFIC
//   address breaks the requested alignment.
// VMAR_ERR_ALREADY_EXISTS: SPECIFIC and the range overlaps a child (or, in the
//   root, any memory of the process).
// VMAR_ERR_NO_RESOURCES: no free spot, or the host is out of address space.
// VMAR_ERR_NO_MEMORY: bookkeeping memory could not be allocated.
// VMAR_ERR_INVALID_ARGS: |child| or |child_addr| is NULL (nothing is created).
// Closing |child| does not free the range; only vmar_destroy does.
VMAR_API vmar_status_t vmar_allocate(vmar_handle_t parent,
                                     vmar_vm_option_t options, size_t offset,
                                     size_t size, vmar_handle_t* child,
                                     vmar_vaddr_t* child_addr);

// Destroys |vmar| and, recursively, every VMAR and mapping inside it. The range
// becomes free space of its parent (still reserved, unless the parent is the
// root, which gives it back to the host). Handles to it and its descendants
// stay valid but every later call on them except vmar_get_info and handle
// calls returns VMAR_ERR_BAD_STATE.
// VMAR_OK: destroyed.
// VMAR_ERR_BAD_HANDLE: |vmar| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |vmar| is not a VMAR.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_OP_CHILDREN.
// VMAR_ERR_NOT_SUPPORTED: |vmar| is the root VMAR.
// VMAR_ERR_BAD_STATE: already destroyed (itself or through an ancestor).
VMAR_API vmar_status_t vmar_destroy(vmar_handle_t vmar);

// Reports where |vmar| lies. Works on destroyed VMARs too (the old range).
// VMAR_OK: |*info| holds the base and length.
// VMAR_ERR_BAD_HANDLE: |vmar| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |vmar| is not a VMAR.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_INSPECT.
// VMAR_ERR_INVALID_ARGS: |info| is NULL.
VMAR_API vmar_status_t vmar_get_info(vmar_handle_t vmar, vmar_info_t* info);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_REGION_H_
