// SPDX-License-Identifier: MIT
// The calls of <vmar/posix.h>, which only this backend has: the placement
// entropy, and VMOs exported to and imported from file descriptors.

#include <vmar/posix.h>

#include "internal.h"
#include "sys.h"

vmar_status_t vmar_posix_set_entropy_bits(uint32_t bits) {
  if (bits > VMAR_POSIX_MAX_ENTROPY_BITS) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar__set_entropy_bits(bits);
  return VMAR_OK;
}

vmar_status_t vmar_vmo_get_fd(vmar_handle_t vmo, int* fd) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmar_rights_t needed =
      VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP | VMAR_RIGHT_TRANSFER;
  if ((rights & needed) != needed) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (fd == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    st = vmar__status_from_errno(vmar__sys_dup(v->fd, fd));
  }
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar_vmo_create_from_fd(int fd, uint32_t options,
                                      vmar_handle_t* out) {
  if (fd < 0 || (options & ~VMAR_VMO_RESIZABLE) != 0 || out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t size = 0;
  int kind = VMAR__SYS_FILE_OTHER;
  int err = vmar__sys_file_info(fd, &size, &kind);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  if (kind == VMAR__SYS_FILE_OTHER) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (kind != VMAR__SYS_FILE_RW) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint64_t rounded;
  if (!vmar__vmo_round_size(size, &rounded)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  int own = -1;
  if ((err = vmar__sys_dup(fd, &own)) != 0) {
    return vmar__status_from_errno(err);
  }
  if (rounded != size && (err = vmar__sys_ftruncate(own, rounded)) != 0) {
    vmar__sys_close(own);
    return vmar__status_of_resize(err);
  }
  return vmar__vmo_wrap_file(own, rounded, options, out);
}
