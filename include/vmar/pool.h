// SPDX-License-Identifier: MIT
// vmar: a pool of VMO buffers handed out for writing (fzl::VmoPool in C).
//
// The pool duplicates the VMOs it is given, optionally maps them all, and
// lends them out one at a time: the most recently returned buffer is lent
// next. Not thread-safe, like fzl's. Misuse returns a status; nothing aborts.

#ifndef VMAR_INCLUDE_VMAR_POOL_H_
#define VMAR_INCLUDE_VMAR_POOL_H_

#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

typedef struct vmar_vmo_pool vmar_vmo_pool_t;

// A lent buffer. Invalid when |pool| is NULL (zero-initialise to get one).
typedef struct vmar_vmo_pool_buffer {
  vmar_vmo_pool_t* pool; // private
  size_t index;          // private
} vmar_vmo_pool_buffer_t;
#define VMAR_VMO_POOL_BUFFER_INIT                                              \
  { NULL, 0 }

// Creates an empty pool.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: |out| is NULL; VMAR_ERR_NO_MEMORY.
VMAR_API vmar_status_t vmar_vmo_pool_create(vmar_vmo_pool_t** out);

// Unmaps and closes everything the pool holds and frees it. NULL is a no-op.
// Buffers still lent out become invalid.
VMAR_API void vmar_vmo_pool_destroy(vmar_vmo_pool_t* p);

// Replaces the pool's contents with duplicates of |vmos| (the caller keeps
// its handles). All buffers start free and unmapped.
// VMAR_OK: initialised.
// VMAR_ERR_INVALID_ARGS: |p| is NULL, or |vmos| is NULL with |n| > 0.
// Otherwise what vmar_vmo_get_size or vmar_handle_duplicate return, or
// VMAR_ERR_NO_MEMORY; any failure leaves the pool empty.
VMAR_API vmar_status_t vmar_vmo_pool_init(vmar_vmo_pool_t* p,
                                          const vmar_handle_t* vmos, size_t n);

// Maps every VMO whole, readable and writable, in the root VMAR.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: |p| is NULL; otherwise what vmar_map
// returns, and any failure leaves the pool empty.
VMAR_API vmar_status_t vmar_vmo_pool_map_vmos(vmar_vmo_pool_t* p);

// Pinning for device DMA needs an IOMMU; hosts have none.
// VMAR_ERR_NOT_SUPPORTED always (VMAR_ERR_INVALID_ARGS for a NULL |p|).
VMAR_API vmar_status_t vmar_vmo_pool_pin_vmos(vmar_vmo_pool_t* p);

// Lends the most recently freed buffer.
// VMAR_OK: |*out| is valid.
// VMAR_ERR_INVALID_ARGS: |p| or |out| is NULL.
// VMAR_ERR_NO_RESOURCES: no buffer is free.
VMAR_API vmar_status_t vmar_vmo_pool_lock_buffer_for_write(
    vmar_vmo_pool_t* p, vmar_vmo_pool_buffer_t* out);

// Returns |b|'s buffer to the free list and invalidates |b|.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: |b| is NULL; VMAR_ERR_BAD_STATE: |b| is not
// valid; VMAR_ERR_NOT_FOUND: the buffer is already free.
VMAR_API vmar_status_t vmar_vmo_pool_buffer_release(vmar_vmo_pool_buffer_t* b);

// Invalidates |b| without freeing its buffer (it stays out, "read-locked") and
// reports its index for a later vmar_vmo_pool_release_buffer.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: |b| or |index| is NULL;
// VMAR_ERR_BAD_STATE: |b| is not valid.
VMAR_API vmar_status_t vmar_vmo_pool_buffer_release_write_lock(
    vmar_vmo_pool_buffer_t* b, size_t* index);

// Returns buffer |index| to the free list.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: |p| is NULL or |index| is out of range;
// VMAR_ERR_NOT_FOUND: the buffer is already free.
VMAR_API vmar_status_t vmar_vmo_pool_release_buffer(vmar_vmo_pool_t* p,
                                                    size_t index);

// Frees every buffer that is lent out. NULL is a no-op.
VMAR_API void vmar_vmo_pool_reset(vmar_vmo_pool_t* p);

// Buffer counts; 0 for NULL.
VMAR_API size_t vmar_vmo_pool_total_buffers(const vmar_vmo_pool_t* p);
VMAR_API size_t vmar_vmo_pool_free_buffers(const vmar_vmo_pool_t* p);

// Size in bytes of buffer |index|.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: |p| or |size| is NULL, or |index| is out of
// range.
VMAR_API vmar_status_t vmar_vmo_pool_buffer_size_at(const vmar_vmo_pool_t* p,
                                                    size_t index,
                                                    uint64_t* size);

// Accessors of a lent buffer.
// VMAR_OK; VMAR_ERR_INVALID_ARGS: an argument is NULL; VMAR_ERR_BAD_STATE:
// |b| is not valid, or (for the address) the pool's VMOs are not mapped.
VMAR_API vmar_status_t
vmar_vmo_pool_buffer_size(const vmar_vmo_pool_buffer_t* b, uint64_t* size);
VMAR_API vmar_status_t vmar_vmo_pool_buffer_virtual_address(
    const vmar_vmo_pool_buffer_t* b, void** addr);
// The buffer's VMO handle, borrowed from the pool: do not close it.
VMAR_API vmar_status_t vmar_vmo_pool_buffer_vmo(const vmar_vmo_pool_buffer_t* b,
                                                vmar_handle_t* vmo);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_POOL_H_
