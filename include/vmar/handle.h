// SPDX-License-Identifier: MIT
// vmar: handle operations (twins of zx_handle_* and ZX_INFO_HANDLE_BASIC).
//
// A handle names an object (a VMAR or a VMO) and carries rights. Closing a
// handle drops it; it never destroys a VMAR's range or removes a mapping.

#ifndef VMAR_INCLUDE_VMAR_HANDLE_H_
#define VMAR_INCLUDE_VMAR_HANDLE_H_

#include <vmar/options.h>
#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// Closes |handle|. The object lives on while other handles or mappings refer
// to it; a VMAR's range stays in place until vmar_destroy.
// VMAR_OK: closed, or |handle| is VMAR_HANDLE_INVALID (nothing to do).
// VMAR_ERR_BAD_HANDLE: |handle| is not a live handle.
VMAR_API vmar_status_t vmar_handle_close(vmar_handle_t handle);

// Creates a second handle to the same object.
//   |rights| : VMAR_RIGHT_SAME_RIGHTS, or a subset of |handle|'s rights
//              (VMAR_RIGHT_NONE included).
//   |out|    : receives the new handle.
// VMAR_OK: |*out| is a new handle.
// VMAR_ERR_BAD_HANDLE: |handle| is not a live handle.
// VMAR_ERR_ACCESS_DENIED: |handle| lacks VMAR_RIGHT_DUPLICATE.
// VMAR_ERR_INVALID_ARGS: |rights| is not a subset of |handle|'s rights.
// VMAR_ERR_INVALID_ARGS: |out| is NULL.
// VMAR_ERR_NO_RESOURCES: the handle table is full.
VMAR_API vmar_status_t vmar_handle_duplicate(vmar_handle_t handle,
                                             vmar_rights_t rights,
                                             vmar_handle_t* out);

// Replaces |handle| by a new handle with |rights| (no right is needed).
// |handle| is invalid afterwards in every case except VMAR_ERR_BAD_HANDLE.
// VMAR_OK: |*out| is the new handle.
// VMAR_ERR_BAD_HANDLE: |handle| is not a live handle.
// VMAR_ERR_INVALID_ARGS: |rights| is not a subset of |handle|'s rights, or
//   |out| is NULL (|handle| is closed all the same).
VMAR_API vmar_status_t vmar_handle_replace(vmar_handle_t handle,
                                           vmar_rights_t rights,
                                           vmar_handle_t* out);

// Reports the rights |handle| carries.
// VMAR_OK: |*rights| is set.
// VMAR_ERR_BAD_HANDLE: |handle| is not a live handle.
// VMAR_ERR_INVALID_ARGS: |rights| is NULL.
VMAR_API vmar_status_t vmar_handle_get_rights(vmar_handle_t handle,
                                              vmar_rights_t* rights);

// Reports the object's id, type and the handle's rights. Two handles name the
// same object exactly when their koids are equal.
// VMAR_OK: |*info| is set.
// VMAR_ERR_BAD_HANDLE: |handle| is not a live handle.
// VMAR_ERR_INVALID_ARGS: |info| is NULL.
VMAR_API vmar_status_t vmar_handle_get_info(vmar_handle_t handle,
                                            vmar_handle_info_t* info);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_HANDLE_H_
