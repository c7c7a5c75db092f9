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
//   |options|    : CAN_MAP_READ/WRITE/EXECUTE (permission ceiling of the
//   child),
//                  CAN_MAP_SPECIFIC (the child accepts SPECIFIC placement),
//                  COMPACT (children of the child are packed at the lowest
//                  address that fits), SPECIFIC or OFFSET_IS_UPPER_LIMIT
//                  (how |offset| is read) and one VMAR_VM_ALIGN_* value.
//                  PERM_READ_IF_XOM_UNSUPPORTED is accepted and ignored,
//                  as by Zircon; any other option is INVALID_ARGS.
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

// Maps |len| bytes of |vmo| starting at |vmo_offset| into |vmar|.
//   |options|     : PERM_READ/WRITE/EXECUTE (WRITE and EXECUTE need READ; no
//                   PERM bit gives an inaccessible mapping),
//                   PERM_READ_IF_XOM_UNSUPPORTED (adds READ: hosts have no
//                   execute-only memory), SPECIFIC (at |vmar_offset|, which
//                   must be free), SPECIFIC_OVERWRITE (at |vmar_offset|,
//                   atomically replacing mappings there; never sub-VMARs),
//                   OFFSET_IS_UPPER_LIMIT (end at or below base +
//                   |vmar_offset|), one VMAR_VM_ALIGN_*, MAP_RANGE
//                   (pre-populate committed pages), REQUIRE_NON_RESIZABLE,
//                   ALLOW_FAULTS.
//   |vmar_offset| : relative to |vmar|'s base; 0 unless placed as above.
//   |vmo_offset|  : page-aligned; may lie past the VMO's end (those pages
//                   fault when touched, as do pages past a later shrink).
//   |len|         : rounded up to whole pages.
//   |mapped_addr| : receives the absolute address of the mapping.
// VMAR_OK: mapped. The mapping keeps |vmo| alive until it is unmapped; its
//   permission ceiling is fixed now from the rights of both handles.
// VMAR_ERR_BAD_HANDLE: |vmar| or |vmo| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |vmar| is not a VMAR or |vmo| is not a VMO.
// VMAR_ERR_ACCESS_DENIED: |vmo| lacks VMAR_RIGHT_MAP.
// VMAR_ERR_INVALID_ARGS: WRITE or EXECUTE without READ, MAP_RANGE with
//   SPECIFIC_OVERWRITE, or a CAN_MAP_* bit.
// VMAR_ERR_ACCESS_DENIED: a PERM bit whose right is missing on either handle.
// VMAR_ERR_INVALID_ARGS: unknown option bits or a bad alignment field.
// VMAR_ERR_NOT_SUPPORTED: REQUIRE_NON_RESIZABLE with a resizable VMO, or a
//   discardable VMO without ALLOW_FAULTS.
// VMAR_ERR_INVALID_ARGS: COMPACT or CAN_MAP_SPECIFIC.
// VMAR_ERR_ACCESS_DENIED: a PERM bit above |vmar|'s CAN_MAP_* ceiling.
// VMAR_ERR_INVALID_ARGS: |vmo_offset| not page-aligned.
// VMAR_ERR_OUT_OF_RANGE: rounding |len| or |vmo_offset| + |len| overflows.
// VMAR_ERR_BAD_STATE: |vmar| has been destroyed.
// VMAR_ERR_INVALID_ARGS: |len| is 0, |vmar_offset| given without a placement
//   option or not page-aligned.
// VMAR_ERR_ACCESS_DENIED: SPECIFIC, SPECIFIC_OVERWRITE or
//   OFFSET_IS_UPPER_LIMIT in a VMAR without CAN_MAP_SPECIFIC.
// VMAR_ERR_INVALID_ARGS: the range does not fit in |vmar|, or breaks the
//   requested alignment.
// VMAR_ERR_ALREADY_EXISTS: SPECIFIC and the range is not free.
// VMAR_ERR_INVALID_ARGS: SPECIFIC_OVERWRITE over (part of) a sub-VMAR.
// VMAR_ERR_NOT_SUPPORTED: SPECIFIC_OVERWRITE in the root VMAR (it could
//   clobber memory vmar does not own).
// VMAR_ERR_NO_RESOURCES: no free spot, or the host ran out of address space
//   or memory maps.
// VMAR_ERR_NO_MEMORY: bookkeeping memory could not be allocated.
// VMAR_ERR_INVALID_ARGS: |mapped_addr| is NULL (nothing is mapped).
VMAR_API vmar_status_t vmar_map(vmar_handle_t vmar, vmar_vm_option_t options,
                                size_t vmar_offset, vmar_handle_t vmo,
                                uint64_t vmo_offset, size_t len,
                                vmar_vaddr_t* mapped_addr);

// Unmaps [addr, addr + len) in |vmar|: mappings there are removed (partly
// covered ones are trimmed or split), and sub-VMARs entirely inside are
// destroyed. Holes are fine. The range stays reserved for |vmar|.
// VMAR_OK: done (also when nothing was mapped there).
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_map.
// VMAR_ERR_INVALID_ARGS: |addr| not page-aligned, or |len| rounds to 0.
// VMAR_ERR_BAD_STATE: |vmar| has been destroyed.
// VMAR_ERR_INVALID_ARGS: the range is not inside |vmar|; it covers part of a
//   sub-VMAR; or it covers a whole sub-VMAR and the handle lacks
//   VMAR_RIGHT_OP_CHILDREN. Nothing changes in these cases.
// VMAR_ERR_NO_RESOURCES: the host could not re-reserve the range (nothing
//   changes).
VMAR_API vmar_status_t vmar_unmap(vmar_handle_t vmar, vmar_vaddr_t addr,
                                  size_t len);

// Sets the permissions of every page of [addr, addr + len) to |options|
// (PERM_* bits only; 0 makes them inaccessible). The range must be entirely
// mapped, at any depth below |vmar|.
// VMAR_OK: done.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_map.
// VMAR_ERR_ACCESS_DENIED: the handle lacks the right for a PERM bit.
// VMAR_ERR_INVALID_ARGS: WRITE or EXECUTE without READ; |addr| unaligned; a
//   non-PERM option; |len| rounds to 0.
// VMAR_ERR_BAD_STATE: |vmar| has been destroyed.
// VMAR_ERR_INVALID_ARGS: the range is not inside |vmar|.
// VMAR_ERR_NOT_FOUND: part of the range is not mapped.
// VMAR_ERR_ACCESS_DENIED: a mapping's ceiling (fixed at map time) forbids it.
// VMAR_ERR_INVALID_ARGS: a mapping inside a sub-VMAR and the handle lacks
//   VMAR_RIGHT_OP_CHILDREN.
// VMAR_ERR_ACCESS_DENIED: through a parent, permissions may only be reduced.
// VMAR_ERR_NO_RESOURCES: the host ran out of memory maps (nothing changes).
VMAR_API vmar_status_t vmar_protect(vmar_handle_t vmar,
                                    vmar_vm_option_t options, vmar_vaddr_t addr,
                                    size_t len);

// Applies |op| (VMAR_OP_*) to the memory mapped at [addr, addr + len).
// COMMIT backs pages with memory; DECOMMIT and ZERO make them read as zero in
// every mapping of the VMO; MAP_RANGE, PREFETCH, DONT_NEED and ALWAYS_NEED
// are hints.
// VMAR_OK: done.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_map.
// VMAR_ERR_INVALID_ARGS: unknown |op|.
// VMAR_ERR_ACCESS_DENIED: COMMIT, DECOMMIT and ZERO need VMAR_RIGHT_WRITE;
//   MAP_RANGE and PREFETCH need VMAR_RIGHT_READ.
// VMAR_ERR_INVALID_ARGS: |len| rounds to 0 or |addr| is unaligned.
// VMAR_ERR_OUT_OF_RANGE: the range is not inside |vmar|.
// VMAR_ERR_BAD_STATE: |vmar| destroyed, or the range has an unmapped hole.
// VMAR_ERR_INVALID_ARGS: COMMIT, DECOMMIT or PREFETCH reaching a mapping in a
//   sub-VMAR, or any op doing so without VMAR_RIGHT_OP_CHILDREN.
// VMAR_ERR_ACCESS_DENIED: COMMIT, DECOMMIT and ZERO on a mapping whose
//   ceiling lacks WRITE; PREFETCH on one whose ceiling lacks READ.
VMAR_API vmar_status_t vmar_op_range(vmar_handle_t vmar, uint32_t op,
                                     vmar_vaddr_t addr, size_t len);

// Describes |vmar| and everything inside it, depth-first in address order:
// the first entry is |vmar| itself at depth 0, then each child (VMARs and
// mappings) followed by its own children. A mapping whose pages carry
// different permissions is one entry per permission range.
//   |out|, |count| : where to write up to |count| entries (NULL if 0).
//   |actual|       : receives how many were written (may be NULL).
//   |avail|        : receives how many exist (may be NULL).
// VMAR_OK: written; |*actual| < |*avail| when |out| was too short.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_map.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_INSPECT.
// VMAR_ERR_INVALID_ARGS: |out| is NULL while |count| is not 0.
// VMAR_ERR_BAD_STATE: |vmar| has been destroyed.
// VMAR_ERR_NO_MEMORY: Zircon backend only: more than 8 entries were asked
//   for and exist, and the buffer to convert them in could not be allocated.
VMAR_API vmar_status_t vmar_get_maps(vmar_handle_t vmar, vmar_map_info_t* out,
                                     size_t count, size_t* actual,
                                     size_t* avail);

// Writes a human-readable tree of |vmar| (one line per vmar_get_maps entry,
// indented by depth, with range, size, permissions and VMO) into |buf|,
// NUL-terminated and truncated to |cap| bytes.
//   |needed| : receives the length the whole dump needs, NUL included (may be
//              NULL).
// VMAR_OK: written (check |*needed| <= |cap| for completeness).
// VMAR_ERR_INVALID_ARGS: |buf| is NULL while |cap| is not 0.
// Otherwise as vmar_get_maps, or VMAR_ERR_NO_MEMORY.
VMAR_API vmar_status_t vmar_dump(vmar_handle_t vmar, char* buf, size_t cap,
                                 size_t* needed);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_REGION_H_
