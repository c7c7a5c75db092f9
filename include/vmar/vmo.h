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

// Creates a VMO of |size| bytes, rounded up to whole pages (0 is allowed).
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

// Resizes a resizable VMO to |size| rounded up to whole pages. New pages read
// as zero. Mappings keep their address and length: pages past the new end
// fault when touched, and become usable again if the VMO grows back.
// VMAR_OK: resized.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_vmo_read.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_WRITE.
// VMAR_ERR_UNAVAILABLE: the VMO was not created resizable.
// VMAR_ERR_ACCESS_DENIED: the handle lacks VMAR_RIGHT_RESIZE.
// VMAR_ERR_OUT_OF_RANGE: |size| is too large.
// VMAR_ERR_NO_RESOURCES: the host could not grow the backing.
// VMAR_ERR_NO_MEMORY: no memory to keep the last page's tail while it is
//   zeroed (an unaligned shrink); VMAR_ERR_IO: the host failed to read or
//   write the backing. Nothing changes in either case.
VMAR_API vmar_status_t vmar_vmo_set_size(vmar_handle_t vmo, uint64_t size);

// Applies |op| (VMAR_VMO_OP_*) to [offset, offset + size) of |vmo|.
// COMMIT backs pages with memory; DECOMMIT (page-aligned range) and ZERO make
// them read as zero everywhere; DONT_NEED, ALWAYS_NEED, PREFETCH and the
// cache operations are accepted hints; LOCK, TRY_LOCK and UNLOCK apply to
// discardable VMOs only (their pages are never discarded on a host).
// VMAR_OK: done.
// VMAR_ERR_BAD_HANDLE, VMAR_ERR_WRONG_TYPE: as for vmar_vmo_read.
// VMAR_ERR_INVALID_ARGS: unknown |op|.
// VMAR_ERR_ACCESS_DENIED: COMMIT, DECOMMIT, ZERO and CACHE_INVALIDATE need
//   VMAR_RIGHT_WRITE; the other cache operations need VMAR_RIGHT_READ; LOCK,
//   TRY_LOCK, UNLOCK and PREFETCH need READ or WRITE.
// VMAR_ERR_INVALID_ARGS: DECOMMIT of a range that is not page-aligned.
// VMAR_ERR_OUT_OF_RANGE: the range is not inside the VMO.
// VMAR_ERR_NOT_SUPPORTED: LOCK, TRY_LOCK or UNLOCK on a VMO that is not
//   discardable.
VMAR_API vmar_status_t vmar_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                         uint64_t offset, uint64_t size);

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
