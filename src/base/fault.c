// SPDX-License-Identifier: MIT
// Fault injection counters (see fault.h).

#include "fault.h"

#include <errno.h>

atomic_bool vmar__fault_active;

static atomic_uint_fast64_t calls[VMAR__FAULT_SITE_COUNT];
static atomic_uint_fast64_t fail_at[VMAR__FAULT_SITE_COUNT];
static atomic_int fail_err[VMAR__FAULT_SITE_COUNT];

void vmar__fault_start(void) {
  for (int i = 0; i < VMAR__FAULT_SITE_COUNT; i++) {
    atomic_store(&calls[i], 0);
    atomic_store(&fail_at[i], 0);
  }
  atomic_store(&vmar__fault_active, true);
}

void vmar__fault_arm(vmar__fault_site_t site, uint64_t n, int err) {
  // A failure must carry an error: 0 would read as success with no result.
  atomic_store(&fail_err[site], err != 0 ? err : EIO);
  atomic_store(&fail_at[site], n);
  atomic_store(&vmar__fault_active, true);
}

void vmar__fault_reset(void) {
  atomic_store(&vmar__fault_active, false);
  for (int i = 0; i < VMAR__FAULT_SITE_COUNT; i++) {
    atomic_store(&fail_at[i], 0);
  }
}

uint64_t vmar__fault_calls(vmar__fault_site_t site) {
  return atomic_load(&calls[site]);
}

bool vmar__fault_hit_slow(vmar__fault_site_t site, int* err) {
  uint64_t n = atomic_fetch_add(&calls[site], 1) + 1;
  if (n != atomic_load(&fail_at[site])) {
    return false;
  }
  *err = atomic_load(&fail_err[site]);
  return true;
}
