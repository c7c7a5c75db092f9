// SPDX-License-Identifier: MIT
// The calls of <vmar/posix.h> on Fuchsia: there is no host file to share and
// the placement entropy is the kernel's aslr.entropy_bits boot option, so
// each answers NOT_SUPPORTED once its arguments are checked.

#include <zircon/errors.h>

#include <vmar/posix.h>

vmar_status_t vmar_posix_set_entropy_bits(uint32_t bits) {
  return bits > VMAR_POSIX_MAX_ENTROPY_BITS ? ZX_ERR_INVALID_ARGS
                                            : ZX_ERR_NOT_SUPPORTED;
}

// The signatures are <vmar/posix.h>'s, shared with the POSIX backend.
// NOLINTBEGIN(readability-non-const-parameter)
vmar_status_t vmar_vmo_get_fd(vmar_handle_t vmo, int* fd) {
  (void)vmo;
  (void)fd;
  return ZX_ERR_NOT_SUPPORTED;
}

vmar_status_t vmar_vmo_create_from_fd(int fd, uint32_t options,
                                      vmar_handle_t* out) {
  (void)fd;
  (void)options;
  (void)out;
  return ZX_ERR_NOT_SUPPORTED;
}
// NOLINTEND(readability-non-const-parameter)
