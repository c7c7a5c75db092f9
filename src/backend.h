// SPDX-License-Identifier: MIT
// The backend contract (docs/design.md §1). Each backend directory
// (src/posix, src/zircon) defines every function below under the same name;
// CMake compiles exactly one of them. The public entry points in src/api call
// these directly, so on Fuchsia each one is a single zx_* system call.
//
// The contract sits at the system-call level: each function has the exact
// semantics, checks and status order of its Zircon twin (the doc comment of
// the public function of the same name says them), including every check of
// its arguments. The entry points add nothing that changes a result.

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

// zx_vmar_map, zx_vmar_unmap, zx_vmar_protect, zx_vmar_op_range.
vmar_status_t vmar__os_map(vmar_handle_t vmar, vmar_vm_option_t options,
                           size_t vmar_offset, vmar_handle_t vmo,
                           uint64_t vmo_offset, size_t len,
                           vmar_vaddr_t* mapped_addr);
vmar_status_t vmar__os_unmap(vmar_handle_t vmar, vmar_vaddr_t addr, size_t len);
vmar_status_t vmar__os_protect(vmar_handle_t vmar, vmar_vm_option_t options,
                               vmar_vaddr_t addr, size_t len);
vmar_status_t vmar__os_op_range(vmar_handle_t vmar, uint32_t op,
                                vmar_vaddr_t addr, size_t len);

// zx_object_get_info(ZX_INFO_VMAR_MAPS).
vmar_status_t vmar__os_get_maps(vmar_handle_t vmar, vmar_map_info_t* out,
                                size_t count, size_t* actual, size_t* avail);

// zx_vmo_create, zx_vmo_read/write, zx_vmo_get_size/set_size,
// zx_vmo_op_range (with its buffer), zx_vmo_create_child,
// zx_object_get_info(ZX_INFO_VMO), ZX_PROP_VMO_CONTENT_SIZE, ZX_PROP_NAME,
// zx_vmo_replace_as_executable.
vmar_status_t vmar__os_vmo_create(uint64_t size, uint32_t options,
                                  vmar_handle_t* out);
vmar_status_t vmar__os_vmo_read(vmar_handle_t vmo, void* buf, uint64_t offset,
                                size_t len);
vmar_status_t vmar__os_vmo_write(vmar_handle_t vmo, const void* buf,
                                 uint64_t offset, size_t len);
vmar_status_t vmar__os_vmo_get_size(vmar_handle_t vmo, uint64_t* size);
vmar_status_t vmar__os_vmo_set_size(vmar_handle_t vmo, uint64_t size);
vmar_status_t vmar__os_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                    uint64_t offset, uint64_t size,
                                    void* buffer, size_t buffer_size);
vmar_status_t vmar__os_vmo_create_child(vmar_handle_t vmo, uint32_t options,
                                        uint64_t offset, uint64_t size,
                                        vmar_handle_t* out);
vmar_status_t vmar__os_vmo_get_info(vmar_handle_t vmo, vmar_vmo_info_t* info);
vmar_status_t vmar__os_vmo_get_content_size(vmar_handle_t vmo, uint64_t* size);
vmar_status_t vmar__os_vmo_set_content_size(vmar_handle_t vmo, uint64_t size);
vmar_status_t vmar__os_vmo_set_name(vmar_handle_t vmo, const char* name);
vmar_status_t vmar__os_vmo_get_name(vmar_handle_t vmo,
                                    char name[VMAR_MAX_NAME_LEN]);
vmar_status_t vmar__os_vmo_replace_as_executable(vmar_handle_t vmo,
                                                 vmar_handle_t* out);

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

#endif // VMAR_SRC_BACKEND_H_
