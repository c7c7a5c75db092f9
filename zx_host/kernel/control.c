// SPDX-License-Identifier: MIT
// Host fake kernel: fault injection and the other zx_host_* controls.

#include <stdatomic.h>

#include <vmar/vmar.h>

#include "kernel.h"
#include "posix/handle_table.h"

// |armed| gates the slow path, so unarmed calls cost one relaxed load.
static atomic_bool armed;
static _Atomic uint64_t counted_calls; // bit set of counted calls
static _Atomic uint64_t fail_at;       // 0: count only
static _Atomic int32_t fail_status;
static _Atomic uint64_t seen;
static _Atomic int fired = ZX_HOST_CALL_COUNT;

void zx_host_fault_set(uint64_t calls, uint64_t nth, zx_status_t status) {
  atomic_store(&armed, false);
  atomic_store(&counted_calls, calls);
  atomic_store(&fail_at, nth);
  atomic_store(&fail_status, status);
  atomic_store(&seen, 0);
  atomic_store(&fired, ZX_HOST_CALL_COUNT);
  atomic_store(&armed, true);
}

void zx_host_fault_clear(void) {
  atomic_store(&armed, false);
  atomic_store(&fail_at, 0);
}

uint64_t zx_host_fault_calls(void) { return atomic_load(&seen); }

bool zx_host_fault_fired(zx_host_call_t* which) {
  int f = atomic_load(&fired);
  if (which != NULL) {
    *which = (zx_host_call_t)f;
  }
  return f != ZX_HOST_CALL_COUNT;
}

bool zx_host__fault_hit(zx_host_call_t call, zx_status_t* status) {
  if (!atomic_load_explicit(&armed, memory_order_relaxed)) {
    return false;
  }
  if ((atomic_load(&counted_calls) & ZX_HOST_CALL_BIT(call)) == 0) {
    return false;
  }
  uint64_t n = atomic_fetch_add(&seen, 1) + 1;
  if (n != atomic_load(&fail_at)) {
    return false;
  }
  atomic_store(&fired, (int)call);
  *status = atomic_load(&fail_status);
  return true;
}

size_t zx_host_handle_count(void) { return vmar__handle_count(); }

zx_status_t zx_host_set_entropy_bits(uint32_t bits) {
  return vmar_posix_set_entropy_bits(bits);
}
