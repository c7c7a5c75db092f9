// SPDX-License-Identifier: MIT
// The one place where host errno values become statuses.

#include <errno.h>

#include "object.h"

vmar_status_t vmar__status_from_errno(int err) {
  switch (err) {
  case 0:
    return VMAR_OK;
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
  default:
    return VMAR_ERR_INTERNAL;
  }
}
