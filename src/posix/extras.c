// SPDX-License-Identifier: MIT
// The calls of <vmar/posix.h>, which only this backend has: the placement
// entropy, and VMOs exported to and imported from file descriptors.

#include <errno.h>

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

// A descriptor for someone else, whose open file description is not the one
// the library does its own I/O through: a reopened one where /proc allows,
// else a duplicate of the VMO's second description. Only where neither
// exists (a VMO imported on such a host, or /proc not mounted) is the
// library's own description shared, and its writes check it from then on.
static int export_descriptor(vmar__store_t* s, int* out) {
  int err = vmar__sys_reopen(s->fd, out);
  if (err != ENOSYS) {
    return err;
  }
  if (s->export_fd >= 0) {
    return vmar__sys_dup(s->export_fd, out);
  }
  err = vmar__sys_dup(s->fd, out);
  if (err == 0) {
    atomic_store(&s->shared_io, true);
  }
  return err;
}

// The VMO's own descriptor for |fd|, imported: reopened where /proc allows
// (so later changes to |fd|'s status flags do not reach it), else a
// duplicate sharing |fd|'s open file description, which must not be in
// append mode now (INVALID_ARGS) and is checked before every write.
static vmar_status_t import_descriptor(int fd, int* own, bool* shared) {
  *shared = false;
  int err = vmar__sys_reopen(fd, own);
  if (err != ENOSYS) {
    return vmar__status_from_errno(err);
  }
  bool appends = false;
  err = vmar__sys_appends(fd, &appends);
  if (err == 0 && appends) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (err == 0) {
    err = vmar__sys_dup(fd, own);
  }
  *shared = err == 0;
  return vmar__status_from_errno(err);
}

vmar_status_t vmar_vmo_get_fd(vmar_handle_t vmo, int* fd) {
  const vmar_rights_t needed =
      VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP | VMAR_RIGHT_TRANSFER;
  vmar__vmo_t* v;
  vmar_status_t st = vmar__vmo_open(vmo, needed, fd != NULL, &v, NULL);
  if (st != VMAR_OK) {
    return st;
  }
  if (vmar__vmo_kind(v) == VMAR__VMO_SLICE) {
    st = VMAR_ERR_NOT_SUPPORTED; // its file holds more than the slice
  } else {
    st = vmar__status_from_errno(export_descriptor(v->store, fd));
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
  bool shared = false;
  vmar_status_t st = import_descriptor(fd, &own, &shared);
  if (st != VMAR_OK) {
    return st;
  }
  if (rounded != size && (err = vmar__sys_ftruncate(own, rounded)) != 0) {
    vmar__sys_close(own);
    return vmar__status_of_resize(err);
  }
  vmar__store_t* store = vmar__store_new(
      own, -1, rounded, size, (options & VMAR_VMO_RESIZABLE) != 0, shared);
  vmar__vmo_t* v =
      store != NULL ? vmar__vmo_new(store, VMAR__VMO_PLAIN, options) : NULL;
  if (v == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  return vmar__vmo_publish(v, vmar__vmo_default_rights(options), out);
}
