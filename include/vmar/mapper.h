// SPDX-License-Identifier: MIT
// vmar: VMO mappers (fzl::VmoMapper, OwnedVmoMapper, ResizeableVmoMapper in C).
//
// A mapper is a small value you keep on the stack or in a struct: initialise
// it with its *_INIT macro (or zero it), map, and unmap or reset when done.
// Its fields are private. A mapper holds a reference on the manager it mapped
// into, so a sub-VMAR always outlives the mappings placed in it. A NULL
// manager means the root VMAR. Mappers are not thread-safe; use one from one
// thread at a time.

#ifndef VMAR_INCLUDE_VMAR_MAPPER_H_
#define VMAR_INCLUDE_VMAR_MAPPER_H_

#include <vmar/manager.h>
#include <vmar/options.h>
#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// Default mapping permissions of fzl's mappers.
#define VMAR_MAPPER_DEFAULT_FLAGS (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)

typedef struct vmar_mapper {
  vmar_manager_t* manager_; // private: reference, or NULL for the root
  vmar_vaddr_t start_;      // private: 0 when unmapped
  uint64_t size_;           // private: the size asked for, unrounded
} vmar_mapper_t;
#define VMAR_MAPPER_INIT                                                       \
  { NULL, 0, 0 }

// Creates a VMO of |size| bytes and maps all of it with |map_flags|.
//   |manager|    : where to map (NULL = the root VMAR); the mapper keeps a
//                  reference on it until unmapped.
//   |vmo_out|    : receives the VMO handle; NULL closes it (the mapping keeps
//                  the VMO alive).
//   |vmo_rights| : VMAR_RIGHT_SAME_RIGHTS, or the rights |*vmo_out| should
//                  carry (the handle is replaced with them).
//   |vmo_options|: vmar_vmo_create options.
// VMAR_OK: mapped; vmar_mapper_size() is |size| as given (not rounded).
// VMAR_ERR_INVALID_ARGS: |m| is NULL or |size| is 0.
// VMAR_ERR_BAD_STATE: |m| is already mapped.
// Otherwise what vmar_vmo_create, vmar_map or vmar_handle_replace return;
// on any failure nothing is left mapped or open and |m| is unchanged.
VMAR_API vmar_status_t vmar_mapper_create_and_map(
    vmar_mapper_t* m, uint64_t size, vmar_vm_option_t map_flags,
    vmar_manager_t* manager, vmar_handle_t* vmo_out, vmar_rights_t vmo_rights,
    uint32_t vmo_options);

// Maps [offset, offset + size) of |vmo| (which the caller keeps owning).
//   |size| : 0 maps from |offset| to the VMO's end.
// VMAR_OK: mapped.
// VMAR_ERR_INVALID_ARGS: |m| is NULL or |vmo| is VMAR_HANDLE_INVALID.
// VMAR_ERR_BAD_STATE: |m| is already mapped.
// VMAR_ERR_OUT_OF_RANGE: |offset| + |size| overflows or passes the VMO's end.
// Otherwise what vmar_vmo_get_size or vmar_map return (e.g. INVALID_ARGS for
// an unaligned |offset| or a zero length).
VMAR_API vmar_status_t vmar_mapper_map(vmar_mapper_t* m, vmar_handle_t vmo,
                                       uint64_t offset, uint64_t size,
                                       vmar_vm_option_t map_flags,
                                       vmar_manager_t* manager);

// Unmaps and drops the manager reference. Does nothing when unmapped or NULL.
// Should the host refuse (on a POSIX host practically never: at
// vm.max_map_count the mapping is retired in place, docs/design.md §4), the
// mapper keeps its mapping and its manager reference, so the mapping stays
// visible (vmar_mapper_start is not NULL) and a later call can try again.
// See vmar_mapper_try_unmap.
VMAR_API void vmar_mapper_unmap(vmar_mapper_t* m);

// As vmar_mapper_unmap, and says how it went.
// VMAR_OK: unmapped, or nothing was mapped, or |m| is NULL. (A VMAR
//   destroyed meanwhile took the mapping with it: that is done too.)
// VMAR_ERR_NO_RESOURCES, VMAR_ERR_NO_MEMORY: the host refused; nothing
//   changed and the mapper keeps its mapping.
// Any other status of vmar_unmap (the range was changed behind the mapper's
//   back, so that no retry could help): the mapper forgets the mapping.
VMAR_API vmar_status_t vmar_mapper_try_unmap(vmar_mapper_t* m);

// Moves |src|'s mapping into |dst| after unmapping |dst|'s own; |src| ends
// unmapped. Either may be NULL (then nothing happens); |dst| == |src| is a
// no-op.
VMAR_API void vmar_mapper_move(vmar_mapper_t* dst, vmar_mapper_t* src);

// The mapping's address (NULL when unmapped), the size asked for (0 when
// unmapped), and the manager (borrowed; NULL for the root or when unmapped).
VMAR_API void* vmar_mapper_start(const vmar_mapper_t* m);
VMAR_API uint64_t vmar_mapper_size(const vmar_mapper_t* m);
VMAR_API vmar_manager_t* vmar_mapper_manager(const vmar_mapper_t* m);

// ---- Owned mapper: a mapper that also owns its VMO ----

typedef struct vmar_owned_mapper {
  vmar_mapper_t mapper_; // private
  vmar_handle_t vmo_;    // private: owned, or VMAR_HANDLE_INVALID
} vmar_owned_mapper_t;
#define VMAR_OWNED_MAPPER_INIT                                                 \
  { VMAR_MAPPER_INIT, VMAR_HANDLE_INVALID }

// Creates a VMO named |name| (NULL = "") of |size| bytes, maps it and keeps it.
// VMAR_OK, or as vmar_mapper_create_and_map (BAD_STATE if |m| already holds a
// VMO).
VMAR_API vmar_status_t vmar_owned_mapper_create_and_map(
    vmar_owned_mapper_t* m, uint64_t size, const char* name,
    vmar_vm_option_t map_flags, vmar_manager_t* manager, uint32_t vmo_options);

// Maps |vmo| from offset 0 (|size| 0 = the whole VMO) and takes ownership of
// it on success only: on failure the caller still owns |vmo|.
// VMAR_OK, or as vmar_mapper_map (BAD_STATE if |m| already holds a VMO).
VMAR_API vmar_status_t vmar_owned_mapper_map(vmar_owned_mapper_t* m,
                                             vmar_handle_t vmo, uint64_t size,
                                             vmar_vm_option_t map_flags,
                                             vmar_manager_t* manager);

// Closes the VMO, then unmaps. Does nothing for NULL or an empty mapper.
VMAR_API void vmar_owned_mapper_reset(vmar_owned_mapper_t* m);

// Unmaps and hands the VMO to the caller (VMAR_HANDLE_INVALID if none).
VMAR_API vmar_handle_t vmar_owned_mapper_release(vmar_owned_mapper_t* m);

// The owned VMO, borrowed (VMAR_HANDLE_INVALID if none).
VMAR_API vmar_handle_t vmar_owned_mapper_vmo(const vmar_owned_mapper_t* m);

// Moves VMO and mapping from |src| to |dst| after resetting |dst|.
VMAR_API void vmar_owned_mapper_move(vmar_owned_mapper_t* dst,
                                     vmar_owned_mapper_t* src);

VMAR_API void* vmar_owned_mapper_start(const vmar_owned_mapper_t* m);
VMAR_API uint64_t vmar_owned_mapper_size(const vmar_owned_mapper_t* m);
VMAR_API vmar_manager_t*
vmar_owned_mapper_manager(const vmar_owned_mapper_t* m);

// ---- Resizeable mapper: an owned mapper whose VMO and mapping can grow and
// shrink ----

typedef struct vmar_resizeable_mapper {
  vmar_owned_mapper_t owned_;  // private
  vmar_vm_option_t map_flags_; // private: reused when growing
} vmar_resizeable_mapper_t;
#define VMAR_RESIZEABLE_MAPPER_INIT                                            \
  { VMAR_OWNED_MAPPER_INIT, 0 }

// Creates a resizable VMO named |name| of |size| bytes and maps it.
// VMAR_OK, or as vmar_owned_mapper_create_and_map.
VMAR_API vmar_status_t vmar_resizeable_mapper_create_and_map(
    vmar_resizeable_mapper_t* m, uint64_t size, const char* name,
    vmar_vm_option_t map_flags, vmar_manager_t* manager);

// Maps |vmo| (taking ownership on success). Growing later needs a resizable
// VMO (vmar_vmo_set_size's VMAR_ERR_UNAVAILABLE otherwise).
// VMAR_OK, or as vmar_owned_mapper_map.
VMAR_API vmar_status_t vmar_resizeable_mapper_map(vmar_resizeable_mapper_t* m,
                                                  vmar_handle_t vmo,
                                                  uint64_t size,
                                                  vmar_vm_option_t map_flags,
                                                  vmar_manager_t* manager);

// Grows VMO and mapping to |size| rounded up to whole pages. The mapping is
// extended in place when the pages after it are free and the VMAR allows
// SPECIFIC placement; otherwise the whole VMO is mapped anew elsewhere and the
// old mapping removed (the start address changes). Contents are kept.
// VMAR_OK: grown.
// VMAR_ERR_INVALID_ARGS: |m| is NULL.
// VMAR_ERR_BAD_STATE: no VMO.
// VMAR_ERR_INVALID_ARGS: |size| is below the current size.
// Otherwise what vmar_vmo_set_size or vmar_map return; on failure VMO and
// mapping are as before.
VMAR_API vmar_status_t vmar_resizeable_mapper_grow(vmar_resizeable_mapper_t* m,
                                                   uint64_t size);

// Shrinks mapping and VMO to |size| (page-aligned): the tail is unmapped, the
// VMO is resized (when resizable) and the tail's pages are released. The
// start address never changes.
// VMAR_OK: shrunk (or |size| equals the current size).
// VMAR_ERR_INVALID_ARGS: |m| is NULL.
// VMAR_ERR_BAD_STATE: no VMO.
// VMAR_ERR_INVALID_ARGS: |size| is 0, above the current size, or not
//   page-aligned.
// Otherwise what vmar_unmap or vmar_vmo_set_size return.
VMAR_API vmar_status_t
vmar_resizeable_mapper_shrink(vmar_resizeable_mapper_t* m, uint64_t size);

VMAR_API void vmar_resizeable_mapper_reset(vmar_resizeable_mapper_t* m);
VMAR_API vmar_handle_t
vmar_resizeable_mapper_release(vmar_resizeable_mapper_t* m);
VMAR_API vmar_handle_t
vmar_resizeable_mapper_vmo(const vmar_resizeable_mapper_t* m);
VMAR_API void vmar_resizeable_mapper_move(vmar_resizeable_mapper_t* dst,
                                          vmar_resizeable_mapper_t* src);
VMAR_API void* vmar_resizeable_mapper_start(const vmar_resizeable_mapper_t* m);
VMAR_API uint64_t
vmar_resizeable_mapper_size(const vmar_resizeable_mapper_t* m);
VMAR_API vmar_manager_t*
vmar_resizeable_mapper_manager(const vmar_resizeable_mapper_t* m);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_MAPPER_H_
