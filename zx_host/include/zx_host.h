// SPDX-License-Identifier: MIT
// Controls of the host fake kernel (vmar::zx_host), which exists only off
// Fuchsia: fault injection, a handle count for leak checks and the placement
// entropy. Never include this from code that must also build for Fuchsia.

#ifndef VMAR_FAKE_ZIRCON_ZX_HOST_H_
#define VMAR_FAKE_ZIRCON_ZX_HOST_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// The system calls that can be made to fail. zx_system_get_page_size and
// zx_vmar_root_self cannot fail and are not counted.
typedef enum zx_host_call {
  ZX_HOST_CALL_VMAR_ALLOCATE,
  ZX_HOST_CALL_VMAR_DESTROY,
  ZX_HOST_CALL_VMAR_MAP,
  ZX_HOST_CALL_VMAR_UNMAP,
  ZX_HOST_CALL_VMAR_PROTECT,
  ZX_HOST_CALL_VMAR_OP_RANGE,
  ZX_HOST_CALL_VMO_CREATE,
  ZX_HOST_CALL_VMO_READ,
  ZX_HOST_CALL_VMO_WRITE,
  ZX_HOST_CALL_VMO_GET_SIZE,
  ZX_HOST_CALL_VMO_SET_SIZE,
  ZX_HOST_CALL_VMO_OP_RANGE,
  ZX_HOST_CALL_VMO_CREATE_CHILD,
  ZX_HOST_CALL_VMO_REPLACE_AS_EXECUTABLE,
  ZX_HOST_CALL_HANDLE_CLOSE,
  ZX_HOST_CALL_HANDLE_DUPLICATE,
  ZX_HOST_CALL_HANDLE_REPLACE,
  ZX_HOST_CALL_OBJECT_GET_INFO,
  ZX_HOST_CALL_OBJECT_GET_PROPERTY,
  ZX_HOST_CALL_OBJECT_SET_PROPERTY,
  ZX_HOST_CALL_COUNT, // not a call; also "none" for zx_host_fault_fired
} zx_host_call_t;

// A set of calls, one bit per zx_host_call_t.
#define ZX_HOST_CALL_BIT(call) ((uint64_t)1 << (call))
#define ZX_HOST_CALLS_ALL (ZX_HOST_CALL_BIT(ZX_HOST_CALL_COUNT) - 1)

// Arms a fault: from now on, calls in |calls| are counted, and the |nth| of
// them (1 for the next one) fails with |status| without doing anything, as
// the real call fails: zx_handle_replace and zx_vmo_replace_as_executable
// still consume their handle unless |status| is ZX_ERR_BAD_HANDLE. Replaces
// any earlier arming. |nth| == 0 only counts. Process-wide.
void zx_host_fault_set(uint64_t calls, uint64_t nth, zx_status_t status);

// Disarms and stops counting.
void zx_host_fault_clear(void);

// Calls counted since the last zx_host_fault_set.
uint64_t zx_host_fault_calls(void);

// True when the armed fault has fired; |*which| (may be NULL) receives the
// call it failed.
bool zx_host_fault_fired(zx_host_call_t* which);

// Live handles in the fake kernel (the root VMAR's included).
size_t zx_host_handle_count(void);

// Bits of entropy for randomised placement in non-COMPACT VMARs (Zircon's
// aslr.entropy_bits boot option; default 30; 0 = lowest address first).
// ZX_ERR_INVALID_ARGS when |bits| is above 36.
zx_status_t zx_host_set_entropy_bits(uint32_t bits);

#ifdef __cplusplus
}
#endif

#endif // VMAR_FAKE_ZIRCON_ZX_HOST_H_
