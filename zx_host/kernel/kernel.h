// SPDX-License-Identifier: MIT
// Private to the host fake kernel: the fault hook every zx_* call runs first.

#ifndef VMAR_FAKE_ZIRCON_KERNEL_KERNEL_H_
#define VMAR_FAKE_ZIRCON_KERNEL_KERNEL_H_

#include <stdbool.h>

#include <zx_host.h>

// True (and |*status| set) when this call of |call| must fail. Hidden: the
// library exports only the zx_* calls and the zx_host_* controls.
#if defined(__GNUC__) || defined(__clang__)
__attribute__((visibility("hidden")))
#endif
bool zx_host__fault_hit(zx_host_call_t call, zx_status_t* status);

#endif // VMAR_FAKE_ZIRCON_KERNEL_KERNEL_H_
