// SPDX-License-Identifier: MIT
// vmar tests: the API suites' per-test fixture and unchanged-state check.
//
// The fixture is a top-level VMAR (a child of the root) with, as a suite
// asks, a patterned VMO, a resizable VMO, an executable handle to the VMO and
// a destroyed sub-VMAR. A suite describes it once with fixture_params_t and
// registers its tests with FIXTURE_TEST(); each test then finds its
// fixture_t (or the suite's larger struct that starts with one) in *state.

#ifndef VMAR_TESTS_SUPPORT_FIXTURE_H_
#define VMAR_TESTS_SUPPORT_FIXTURE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmar/vmar.h>

#include "helpers.h"

// Option shorthands.
#define PERM_R VMAR_VM_PERM_READ
#define PERM_W VMAR_VM_PERM_WRITE
#define PERM_X VMAR_VM_PERM_EXECUTE
#define PERM_RW (PERM_R | PERM_W)
#define PERM_RX (PERM_R | PERM_X)
#define PERM_RWX (PERM_RW | PERM_X)
#define CAN_R VMAR_VM_CAN_MAP_READ
#define CAN_W VMAR_VM_CAN_MAP_WRITE
#define CAN_X VMAR_VM_CAN_MAP_EXECUTE
#define CAN_RW (CAN_R | CAN_W)
#define CAN_RWX (CAN_RW | CAN_X)
#define CAN_SPEC VMAR_VM_CAN_MAP_SPECIFIC

// Values preset into out-parameters: a failing call must leave them alone.
#define SENTINEL_HANDLE ((vmar_handle_t)0x5EEDF00Du)
#define SENTINEL_ADDR ((vmar_vaddr_t)0xDEADBEE0u)
#define SENTINEL_U64 ((uint64_t)0x0123456789ABCDEFull)

// What the fixture holds. Zero members ask for nothing.
typedef struct fixture_params {
  size_t pages;             // the top-level VMAR's size, in pages
  size_t bytes;             // or in bytes (rounded up), when |pages| is 0
  vmar_vm_option_t options; // its CAN_MAP_* bits
  // fx->vmo: |pages| pages, page i filled with pat(seed, i).
  struct {
    size_t pages;
    uint8_t seed;
  } vmo;
  size_t rvmo_pages; // fx->rvmo: a resizable VMO (contents zero)
  bool xvmo;         // fx->xvmo: a second handle to fx->vmo, with EXECUTE
  // fx->dead: a sub-VMAR of |pages| pages allocated with |options| at page
  // |at|, with fx->vmo's first |mapped| pages mapped RW in it, then destroyed
  // (its handle stays open).
  struct {
    size_t pages;
    vmar_vm_option_t options;
    size_t at;
    size_t mapped;
  } dead;
  // Bytes to allocate for the suite's own struct, which starts with a
  // fixture_t; 0 for a plain fixture_t.
  size_t size;
} fixture_params_t;

typedef struct fixture {
  vmar_handle_t vmar;
  vmar_vaddr_t base;
  size_t len;
  vmar_handle_t vmo;
  vmar_handle_t rvmo;
  vmar_handle_t xvmo;
  vmar_handle_t dead;
  vmar_vaddr_t dead_base;
} fixture_t;

// cmocka setup and teardown: fixture_setup expects *state to point to the
// fixture_params_t (FIXTURE_TEST passes it) and replaces it with the fixture.
int fixture_setup(void** state);
int fixture_teardown(void** state);

// A test of |f| against a fresh fixture described by |params| (a
// fixture_params_t*).
#define FIXTURE_TEST(f, params)                                                \
  FIXTURE_TEST_WITH(f, params, fixture_setup, fixture_teardown)

// The same with the suite's own |setup| and |teardown|, which call
// fixture_setup and fixture_teardown.
#define FIXTURE_TEST_WITH(f, params, setup, teardown)                          \
  cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void*)(params))

// Closes the |n| handles of |h| (VMAR_HANDLE_INVALID ones too, a no-op);
// returns how many closes failed.
int close_all(const vmar_handle_t* h, size_t n);

// The address of page |page| of the fixture.
vmar_vaddr_t fixture_page(const fixture_t* fx, size_t page);

// Maps |vmo| pages [page, page + pages) SPECIFIC at the same fixture page
// with |perms|, checking the address.
vmar_vaddr_t fixture_map_at(const fixture_t* fx, vmar_vm_option_t perms,
                            vmar_handle_t vmo, size_t page, size_t pages);

// Two adjacent mappings of different VMOs: fx->vmo RW over fixture pages
// [2, 4), then |other| read-only over pages [4, 4 + other_pages), each with
// fixture_map_at (so from the VMO page of the same number).
void fixture_map_beside(const fixture_t* fx, vmar_handle_t other,
                        size_t other_pages);

// A sub-VMAR of the fixture with |options| (SPECIFIC added) over pages
// [page, page + pages); its base goes to |*base| unless NULL.
vmar_handle_t fixture_sub(const fixture_t* fx, vmar_vm_option_t options,
                          size_t page, size_t pages, vmar_vaddr_t* base);

// Maps fx->vmo RW over all of |sub| (|pages| pages at |base|, from
// fixture_sub) from VMO page |vmo_page| on, checking that it lands at |base|.
vmar_vaddr_t fixture_map_sub(const fixture_t* fx, vmar_handle_t sub,
                             vmar_vaddr_t base, size_t pages, size_t vmo_page);

// Proves the fixture's VMAR holds nothing: vmar_get_maps lists only itself,
// its range is reserved ("---p"), and fx->vmo maps over the whole of it
// (SPECIFIC at offset 0; unmapped again).
void fixture_assert_empty(const fixture_t* fx);

// What a failing call must leave as it was, taken just before the call:
// |vmar|'s tree (vmar_get_maps), the /proc/self/maps lines over [base,
// base + len) and the process's VMA count.
typedef struct unchanged {
  vmar_handle_t vmar;
  vmar_map_info_t* tree;
  size_t ntree;
  uintptr_t base;
  size_t len;
  maps_snap_t maps;
  size_t vmas;
} unchanged_t;

unchanged_t unchanged_take(vmar_handle_t vmar, uintptr_t base, size_t len);

// The same for the fixture's VMAR and range.
unchanged_t fixture_unchanged(const fixture_t* fx);

// Fails unless everything in |before| is as it was (the VMA count only in
// builds without a sanitizer, see assert_vma_count); frees |before|.
void unchanged_assert(unchanged_t* before);

#endif // VMAR_TESTS_SUPPORT_FIXTURE_H_
