// SPDX-License-Identifier: MIT
// vmar: knobs that exist only on the POSIX backend.

#ifndef VMAR_INCLUDE_VMAR_POSIX_H_
#define VMAR_INCLUDE_VMAR_POSIX_H_

#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// Sets how many bits of entropy randomised (non-COMPACT) VMARs use when they
// place a child: a spot is drawn among roughly the first 2^|bits| aligned
// candidates. 0 makes every VMAR place children at the lowest address that
// fits, which gives deterministic layouts for tests. The default is 30, like
// Zircon's aslr.entropy_bits. COMPACT VMARs always use 0.
// VMAR_OK: set for every later placement in the process.
// VMAR_ERR_INVALID_ARGS: |bits| is above 36.
// VMAR_ERR_NOT_SUPPORTED: on the Zircon backend (a kernel boot option there).
VMAR_API vmar_status_t vmar_posix_set_entropy_bits(uint32_t bits);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_POSIX_H_
