// SPDX-License-Identifier: MIT
// vmar: virtual memory objects (twins of zx_vmo_*).
//
// A VMO is a resizable-or-not array of pages that reads as zero until
// written. Mapping it (vmar_map) shares the same pages: a write through one
// mapping is seen through every other mapping and by vmar_vmo_read.

#ifndef VMAR_INCLUDE_VMAR_VMO_H_
#define VMAR_INCLUDE_VMAR_VMO_H_

#include <vmar/options.h>
#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// Creates a VMO of |size| bytes, rounded up to whole pages (0 is allowed);
// its content size is |size|.
//   |options| : 0, VMAR_VMO_RESIZABLE, VMAR_VMO_DISCARDABLE (or both).
//   |out|     : receives a handle with VMAR_DEFAULT_VMO_RIGHTS, plus
//               VMAR_RIGHT_RESIZE when resizable. Never EXECUTE: see
//               vmar_vmo_replace_as_executable.
// VMAR_OK: created, all zeros.
// VMAR_ERR_INVALID_ARGS: unknown |options|.
// VMAR_ERR_OUT_OF_RANGE: |size| is too large (rounding overflows, or more
//   than the host can back).
// VMAR_ERR_NO_RESOURCES: the host refused a backing object (e.g. out of file
//   descriptors) or the handle table is full.
// VMAR_ERR_NO_MEMORY: bookkeeping memory could not be allocated.
// VMAR_ERR_INVALID_ARGS: |out| is NULL.
VMAR_API vmar_status_t vmar_vmo_create(uint64_t size, uint32_t options,
                                       vmar_handle_t* out);

// Copies |len| bytes at |offset| of |vmo| into |buf| (all or nothing).
// VMAR_OK: copied.
// VMAR_ERR_BAD_HANDLE: |vmo| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |vmo| is not a VMO.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_READ.
// VMAR_ERR_OUT_OF_RANGE: |offset| + |len| is past the VMO's size.
// VMAR_ERR_INVALID_ARGS: |buf| is NULL and |len| is not 0.
// VMAR_ERR_ACCESS_DENIED: |buf| lies in a vmar mapping that is not writable.
// VMAR_ERR_NOT_FOUND: |buf| is not accessible memory.
// VMAR_ERR_IO: the host failed to read the backing (POSIX).
VMAR_API vmar_status_t vmar_vmo_read(vmar_handle_t vmo, void* buf,
                                     uint64_t offset, size_t len);

// Copies |len| bytes from |buf| to |offset| of |vmo| (all or nothing).
// As vmar_vmo_read, with VMAR_RIGHT_WRITE, and |buf| must be readable.
// VMAR_ERR_BAD_STATE (POSIX, hosts without /proc): the VMO was made with
//   vmar_vmo_create_from_fd and that descriptor was put in append mode since.
VMAR_API vmar_status_t vmar_vmo_write(vmar_handle_t vmo, const void* buf,
                                      uint64_t offset, size_t len);

// Reports the VMO's size in bytes (a multiple of the page size). No right
// is needed.
// VMAR_OK, VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE;
// VMAR_ERR_INVALID_ARGS: |size| is NULL.
VMAR_API vmar_status_t vmar_vmo_get_size(vmar_handle_t vmo, uint64_t* size);

// Resizes a resizable VMO to |size| rounded up to whole pages, and sets its
// content size to |size|. New pages, and the bytes from |size| to the end of
// its page, read as zero. Mappings keep their address and length: pages past
// the new end fault when touched, and become usable again if the VMO grows
// back. VMAR_OK: resized. VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for
// vmar_vmo_read. VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_WRITE.
// VMAR_ERR_UNAVAILABLE: the VMO was not created resizable.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_RESIZE.
// VMAR_ERR_OUT_OF_RANGE: |size| is too large.
// VMAR_ERR_NO_RESOURCES: the host could not grow the backing.
// VMAR_ERR_NO_MEMORY: no memory to keep the last page's tail while it is
//   zeroed (an unaligned shrink); VMAR_ERR_IO: the host failed to read or
//   write the backing. Nothing changes in either case.
VMAR_API vmar_status_t vmar_vmo_set_size(vmar_handle_t vmo, uint64_t size);

// Applies |op| (VMAR_VMO_OP_*) to [offset, offset + size) of |vmo|, as
// zx_vmo_op_range does. COMMIT backs pages with memory; DECOMMIT and ZERO
// make them read as zero everywhere; DONT_NEED, ALWAYS_NEED, PREFETCH and the
// cache operations are hints; LOCK, TRY_LOCK and UNLOCK keep a discardable
// VMO's pages (a host never discards them) and nest with a count.
// The checks, in order:
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_vmo_read.
// VMAR_ERR_INVALID_ARGS: unknown |op|.
// DONT_NEED, ALWAYS_NEED: VMAR_OK, whatever the range.
// VMAR_ERR_ACCESS_DENIED: the handle lacks the right: WRITE for COMMIT,
//   DECOMMIT, ZERO and CACHE_INVALIDATE; READ for PREFETCH, CACHE_SYNC,
//   CACHE_CLEAN and CACHE_CLEAN_INVALIDATE; READ or WRITE for LOCK, TRY_LOCK
//   and UNLOCK.
// LOCK, TRY_LOCK, UNLOCK: VMAR_ERR_NOT_SUPPORTED on a VMO not created
//   discardable; VMAR_ERR_OUT_OF_RANGE unless the range is exactly
//   [0, size of the VMO); UNLOCK with nothing locked: VMAR_ERR_BAD_STATE.
//   LOCK through this call reports its state nowhere (see
//   vmar_vmo_op_range_with_buffer).
// The cache operations: VMAR_ERR_INVALID_ARGS when |size| is 0.
// DECOMMIT: VMAR_ERR_INVALID_ARGS unless |offset| and |size| are page
//   aligned.
// VMAR_ERR_OUT_OF_RANGE: the range (rounded out to pages) overflows or is not
//   inside the VMO.
// DECOMMIT: VMAR_ERR_NOT_SUPPORTED when the VMO's pages have copy-on-write
//   relatives: it or a VMO it shares pages with (a slice, a reference, the
//   VMO they were made from) is a snapshot child or has one
//   (docs/design.md §5).
// VMAR_OK: done (a zero |size| does nothing).
// VMAR_ERR_NO_MEMORY: the host could not back the pages (COMMIT).
VMAR_API vmar_status_t vmar_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                         uint64_t offset, uint64_t size);

// As vmar_vmo_op_range, with the buffer zx_vmo_op_range takes: LOCK writes a
// vmar_vmo_lock_state_t there; every other op ignores it.
// For LOCK, after the checks of vmar_vmo_op_range and with the lock taken:
// VMAR_ERR_INVALID_ARGS: |buffer_size| is below sizeof(vmar_vmo_lock_state_t)
//   or |buffer| is NULL; the lock is undone.
VMAR_API vmar_status_t
vmar_vmo_op_range_with_buffer(vmar_handle_t vmo, uint32_t op, uint64_t offset,
                              uint64_t size, void* buffer, size_t buffer_size);

// Creates a child of |vmo|, as zx_vmo_create_child does.
//   |options| : one kind, and RESIZABLE or NO_WRITE (VMAR_VMO_CHILD_*):
//     SNAPSHOT, SNAPSHOT_AT_LEAST_ON_WRITE, SNAPSHOT_MODIFIED: the window
//       [|offset|, |offset| + |size|) of |vmo| as it is now; afterwards writes
//       on either side stay invisible to the other (the three behave alike
//       for VMOs that no pager supplies, which is every VMO here). Pages past
//       |vmo|'s end read as zero.
//     SLICE: the same pages, both ways: a window onto |vmo|'s pages. |vmo|
//       must not be resizable; the window must lie inside it.
//     REFERENCE: all of |vmo| (|offset| and |size| 0): same pages, same size
//       as it changes, same content size.
//     RESIZABLE: the child can be resized (REFERENCE: only if |vmo| is).
//       A reference is resizable whenever |vmo| is, as its size is
//       |vmo|'s: without RESIZABLE its handle just lacks RESIZE.
//     NO_WRITE: the child's handle lacks VMAR_RIGHT_WRITE.
//   |size| : rounded up to whole pages (REFERENCE: must be 0).
//   |out|  : receives a handle to the child: the rights of |vmo|'s handle
//     without RESIZE, plus GET_PROPERTY and SET_PROPERTY; snapshots without
//     NO_WRITE swap EXECUTE for WRITE; NO_WRITE removes WRITE only;
//     RESIZABLE adds RESIZE.
// The child is named as |vmo| when |vmo|'s handle has GET_PROPERTY. In
// vmar_vmo_get_info it shows IS_COW_CLONE if it is a snapshot (not on
// slices and references of one), and IMMUTABLE if it was made with
// exactly SNAPSHOT and NO_WRITE.
// A child lives on after its parent goes; its own children then count as
// children of its parent (vmar_vmo_get_info). The checks, in order:
// VMAR_ERR_OUT_OF_RANGE: |size| rounded up to whole pages overflows, or is
//   2^63 or more, which a host file cannot hold.
// VMAR_ERR_INVALID_ARGS: NO_WRITE with RESIZABLE.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_vmo_read.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_READ or
//   VMAR_RIGHT_DUPLICATE; or REFERENCE with RESIZABLE and it lacks
//   VMAR_RIGHT_RESIZE.
// VMAR_ERR_NOT_SUPPORTED: |vmo| is discardable.
// VMAR_ERR_INVALID_ARGS: no kind, two kinds, an unknown bit, or RESIZABLE
//   with SLICE.
// SLICE: VMAR_ERR_INVALID_ARGS when |offset| is not page aligned or the
//   window is not inside |vmo|; VMAR_ERR_NOT_SUPPORTED when |vmo| is
//   resizable.
// REFERENCE: VMAR_ERR_INVALID_ARGS unless |offset| and |size| are 0;
//   VMAR_ERR_NOT_SUPPORTED when |vmo| is a slice, or for RESIZABLE when
//   |vmo| is not resizable.
// Snapshots: VMAR_ERR_INVALID_ARGS when |offset| is not page aligned;
//   VMAR_ERR_OUT_OF_RANGE when |offset| + |size| (rounded) overflows;
//   INVALID_ARGS when the window, seen from the VMO |vmo| is a slice of,
//   overflows.
// VMAR_ERR_NO_MEMORY, VMAR_ERR_NO_RESOURCES: out of memory, host files or
//   handles.
// VMAR_ERR_INVALID_ARGS: |out| is NULL (nothing is created).
VMAR_API vmar_status_t vmar_vmo_create_child(vmar_handle_t vmo,
                                             uint32_t options, uint64_t offset,
                                             uint64_t size, vmar_handle_t* out);

// Reports what ZX_INFO_VMO does about |vmo| and this handle (no right is
// needed beyond the handle's own; see vmar_vmo_info_t).
// VMAR_OK: |*info| is set.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_vmo_read.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_INSPECT.
// VMAR_ERR_INVALID_ARGS: |info| is NULL.
VMAR_API vmar_status_t vmar_vmo_get_info(vmar_handle_t vmo,
                                         vmar_vmo_info_t* info);

// Reads the VMO's content size (ZX_PROP_VMO_CONTENT_SIZE): a byte count the
// VMO carries next to its page-rounded size, set by vmar_vmo_create,
// vmar_vmo_set_size and vmar_vmo_set_content_size to the size asked for.
// VMAR_OK: |*size| is set.
// VMAR_ERR_INVALID_ARGS: |size| is NULL.
// VMAR_ERR_BAD_HANDLE: |vmo| is not a live handle.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_GET_PROPERTY.
// VMAR_ERR_WRONG_TYPE: |vmo| is not a VMO.
VMAR_API vmar_status_t vmar_vmo_get_content_size(vmar_handle_t vmo,
                                                 uint64_t* size);

// Sets the VMO's content size to |size|, as the newest Zircon does: the
// bytes from the lower of the old and the new content size to the end of
// the VMO read as zero afterwards; the VMO's size does not change.
// VMAR_OK: set (nothing changes when |size| is the current content size).
// VMAR_ERR_BAD_HANDLE: |vmo| is not a live handle.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_SET_PROPERTY or
//   VMAR_RIGHT_WRITE.
// VMAR_ERR_WRONG_TYPE: |vmo| is not a VMO.
// VMAR_ERR_OUT_OF_RANGE: |size| is above the VMO's size.
VMAR_API vmar_status_t vmar_vmo_set_content_size(vmar_handle_t vmo,
                                                 uint64_t size);

// Names the VMO (shown by vmar_get_maps and vmar_dump). Longer names are cut
// to VMAR_MAX_NAME_LEN - 1 bytes; NULL sets "".
// VMAR_OK, VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE;
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_SET_PROPERTY.
VMAR_API vmar_status_t vmar_vmo_set_name(vmar_handle_t vmo, const char* name);

// Copies the VMO's name, NUL-terminated, into |name|.
// VMAR_OK, VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE;
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_GET_PROPERTY;
// VMAR_ERR_INVALID_ARGS: |name| is NULL.
VMAR_API vmar_status_t vmar_vmo_get_name(vmar_handle_t vmo,
                                         char name[VMAR_MAX_NAME_LEN]);

// Replaces |vmo| by a handle with the same rights plus VMAR_RIGHT_EXECUTE.
// |vmo| is invalid afterwards in every case except VMAR_ERR_BAD_HANDLE (a
// VMAR handle passed by mistake is closed too; the VMAR itself lives on).
// VMAR_OK: |*out| can be mapped executable.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_vmo_read.
// VMAR_ERR_INVALID_ARGS: |out| is NULL.
VMAR_API vmar_status_t vmar_vmo_replace_as_executable(vmar_handle_t vmo,
                                                      vmar_handle_t* out);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_VMO_H_
