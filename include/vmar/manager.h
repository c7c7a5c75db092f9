// SPDX-License-Identifier: MIT
// vmar: VmarManager, a refcounted owner of one sub-VMAR (fzl::VmarManager in
// C).
//
// A manager either created its VMAR (vmar_manager_create) and destroys it when
// the last reference goes, or wraps a VMAR someone else owns
// (vmar_manager_use) and never destroys it. A NULL manager means the root VMAR
// everywhere a manager is accepted.

#ifndef VMAR_INCLUDE_VMAR_MANAGER_H_
#define VMAR_INCLUDE_VMAR_MANAGER_H_

#include <vmar/options.h>
#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

typedef struct vmar_manager vmar_manager_t;

// fzl's defaults: a compact region that can hold readable, writable mappings.
#define VMAR_MANAGER_DEFAULT_OPTIONS                                           \
  (VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)

// Creates a sub-VMAR of |size| bytes at a spot the parent chooses and a
// manager owning it, holding one reference.
//   |size|    : page-aligned, non-zero.
//   |parent|  : manager whose VMAR becomes the parent; NULL = the root VMAR.
//               The new manager keeps a reference to it (parent chaining).
//   |options| : vmar_allocate options, usually VMAR_MANAGER_DEFAULT_OPTIONS;
//               passed unchanged, with an offset of 0.
//   |out|     : receives the manager.
// VMAR_OK: |*out| holds one reference.
// VMAR_ERR_INVALID_ARGS: |out| is NULL.
// Otherwise whatever vmar_allocate returns, e.g. VMAR_ERR_INVALID_ARGS for a
// zero or unaligned |size|, VMAR_ERR_BAD_STATE when the parent's VMAR was
// destroyed, VMAR_ERR_ACCESS_DENIED for a ceiling above the parent's, and
// VMAR_ERR_NO_RESOURCES when there is no room; VMAR_ERR_NO_MEMORY when the
// manager itself cannot be allocated.
VMAR_API vmar_status_t vmar_manager_create(size_t size, vmar_manager_t* parent,
                                           vmar_vm_option_t options,
                                           vmar_manager_t** out);

// Wraps the existing VMAR |vmar| in a manager that never destroys it. The
// handle is duplicated: the caller keeps owning |vmar| and must keep the VMAR
// alive for as long as the manager and every mapping made through it.
// VMAR_OK: |*out| holds one reference; for the root VMAR |*out| is NULL (the
//   root needs no manager).
// VMAR_ERR_INVALID_ARGS: |out| is NULL, or |vmar| is VMAR_HANDLE_INVALID.
// VMAR_ERR_BAD_HANDLE: |vmar| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |vmar| is not a VMAR.
// VMAR_ERR_ACCESS_DENIED: |vmar| lacks VMAR_RIGHT_INSPECT or
//   VMAR_RIGHT_DUPLICATE.
// VMAR_ERR_NO_MEMORY, VMAR_ERR_NO_RESOURCES: out of memory or handles.
VMAR_API vmar_status_t vmar_manager_use(vmar_handle_t vmar,
                                        vmar_manager_t** out);

// Adds a reference to |m| and returns |m| (NULL stays NULL).
VMAR_API vmar_manager_t* vmar_manager_retain(vmar_manager_t* m);

// Drops a reference to |m|; NULL is a no-op. The last release of a created
// manager destroys its VMAR (and everything in it), then closes the handle and
// releases the parent manager. A used manager only closes its handle. Should
// the host refuse the destroy (vmar_destroy's NO_RESOURCES; on a POSIX host
// practically never: docs/design.md §4), the manager is kept, with its VMAR
// and its parent, and every later vmar_manager_create, _release and
// _try_release tries again; vmar_manager_parked_count says how many wait.
VMAR_API void vmar_manager_release(vmar_manager_t* m);

// As vmar_manager_release, but a last release whose destroy fails keeps the
// reference instead: |m| stays valid and the caller may try again.
// VMAR_OK: the reference is gone (and, if it was the last, the VMAR).
// Any status of vmar_destroy but BAD_STATE (an ancestor destroyed first took
// the VMAR with it, which counts as done): nothing changed.
VMAR_API vmar_status_t vmar_manager_try_release(vmar_manager_t* m);

// How many managers wait for their VMAR to be destroyed (see
// vmar_manager_release).
VMAR_API size_t vmar_manager_parked_count(void);

// The manager's VMAR handle, borrowed: do not close it. The root's handle for
// NULL.
VMAR_API vmar_handle_t vmar_manager_vmar(const vmar_manager_t* m);

// Base address of the manager's VMAR; NULL for a NULL manager.
VMAR_API void* vmar_manager_start(const vmar_manager_t* m);

// Size in bytes of the manager's VMAR; 0 for a NULL manager.
VMAR_API uint64_t vmar_manager_size(const vmar_manager_t* m);

// The parent manager, borrowed; NULL when the parent is the root, for used
// managers and for a NULL manager.
VMAR_API vmar_manager_t* vmar_manager_parent(const vmar_manager_t* m);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_MANAGER_H_
