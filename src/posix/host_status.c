// SPDX-License-Identifier: MIT
// The one place where host errno values become statuses (see internal.h).

#include <errno.h>

#include "internal.h"

vmar_status_t vmar__status_of_host_error(int err) {
  switch (err) {
  case ENOMEM: // address space or vm.max_map_count exhausted
  case EAGAIN:
  case EMFILE:
  case ENFILE:
  case ENOSPC:
    return VMAR_ERR_NO_RESOURCES;
  case EEXIST:
    return VMAR_ERR_ALREADY_EXISTS;
  case EACCES:
  case EPERM:
    return VMAR_ERR_ACCESS_DENIED;
  case EINVAL:
    return VMAR_ERR_INVALID_ARGS;
  case EFBIG:
  case EOVERFLOW:
    return VMAR_ERR_OUT_OF_RANGE;
  case ENOSYS:
  case EOPNOTSUPP:
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
  case ENOTSUP:
#endif
    return VMAR_ERR_NOT_SUPPORTED;
  case EIO:
    return VMAR_ERR_IO;
  case EBADF: // a descriptor the caller passed is not open
    return VMAR_ERR_BAD_HANDLE;
  default:
    return VMAR_ERR_INTERNAL;
  }
}

vmar_status_t vmar__status_of_resize(int err) {
  return err == EFBIG || err == EINVAL ? VMAR_ERR_OUT_OF_RANGE
                                       : vmar__status_from_errno(err);
}

vmar_status_t vmar__status_of_commit(int err) {
  return err == ENOSPC ? VMAR_ERR_NO_MEMORY : vmar__status_from_errno(err);
}

vmar_status_t vmar__status_of_copy(int err) {
  return err == EFAULT ? VMAR_ERR_NOT_FOUND : vmar__status_from_errno(err);
}
