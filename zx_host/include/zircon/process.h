// SPDX-License-Identifier: MIT
// Host stand-in for <zircon/process.h>: the process's root VMAR.

#ifndef VMAR_FAKE_ZIRCON_PROCESS_H_
#define VMAR_FAKE_ZIRCON_PROCESS_H_

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// The calling process's root VMAR. The handle belongs to the runtime: never
// close, replace or destroy it.
zx_handle_t zx_vmar_root_self(void);

#ifdef __cplusplus
}
#endif

#endif // VMAR_FAKE_ZIRCON_PROCESS_H_
