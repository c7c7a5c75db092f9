// SPDX-License-Identifier: MIT
// The backend contract. Each backend directory (src/posix, src/zircon)
// defines every function below under the same name; CMake compiles exactly
// one of them. The public entry points in src/ call these directly, so on
// Fuchsia each one is a single zx_* system call.
//
// The contract sits at the system-call level: each function has the exact
// semantics, checks and status order of its Zircon twin (SPEC.md, and the
// doc comment of the public function of the same name), including every
// check of its arguments. Shared code adds nothing that changes a result.

#ifndef VMAR_SRC_BACKEND_H_
#define VMAR_SRC_BACKEND_H_

#include <vmar/vmar.h>

// Page size in bytes, a power of two. Never fails; cheap after the first call.
size_t vmar__os_page_size(void);

// The root VMAR's handle (zx_vmar_root_self). Never fails.
vmar_handle_t vmar__os_root_self(void);

// zx_vmar_allocate. Output pointers may be NULL (INVALID_ARGS after every
// other check, with nothing created).
vmar_status_t vmar__os_allocate(vmar_handle_t parent, vmar_vm_option_t options,
                                size_t offset, size_t size,
                                vmar_handle_t* child, vmar_vaddr_t* child_addr);

// zx_vmar_destroy.
vmar_status_t vmar__os_destroy(vmar_handle_t vmar);

// zx_object_get_info(ZX_INFO_VMAR). A NULL |info| is INVALID_ARGS after the
// handle checks.
vmar_status_t vmar__os_get_info(vmar_handle_t vmar, vmar_info_t* info);

// zx_handle_close. pre: handle != VMAR_HANDLE_INVALID.
vmar_status_t vmar__os_handle_close(vmar_handle_t handle);

// zx_handle_duplicate. A NULL |out| is INVALID_ARGS after the other checks.
vmar_status_t vmar__os_handle_duplicate(vmar_handle_t handle,
                                        vmar_rights_t rights,
                                        vmar_handle_t* out);

// zx_handle_replace. |out| may be NULL (the source is closed all the same,
// as on Zircon, whose copy-out fails after the replace).
vmar_status_t vmar__os_handle_replace(vmar_handle_t handle,
                                      vmar_rights_t rights, vmar_handle_t* out);

// zx_object_get_info(ZX_INFO_HANDLE_BASIC): koid, rights, type. A NULL
// |info| is INVALID_ARGS after the handle check.
vmar_status_t vmar__os_handle_get_info(vmar_handle_t handle,
                                       vmar_handle_info_t* info);

// Entropy bits for randomised placement (POSIX only; NOT_SUPPORTED on
// Zircon). pre: bits <= 36.
vmar_status_t vmar__os_set_entropy_bits(uint32_t bits);

#endif // VMAR_SRC_BACKEND_H_
