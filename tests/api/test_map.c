// SPDX-License-Identifier: MIT
// vmar_map: statuses in zx_vmar_map's order, placement, what mappings do.
// APIs covered: vmar_map (with vmar_unmap, vmar_protect, vmar_get_maps,
//   vmar_vmo_* and vmar_handle_* as helpers and witnesses).

#include "test.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "bad_input.h"
#include "fixture.h"

// An option bit no call accepts (bits 16..23 are unused).
#define BIT16 ((vmar_vm_option_t)1u << 16)

// Pages in the per-test VMAR and in its VMO.
enum { FIX_PAGES = 256, VMO_PAGES = 8 };

// Per-test: a top-level VMAR (CAN_MAP_READ|WRITE|EXECUTE|SPECIFIC), fx->vmo
// (page i filled with pat(0x10, i)), fx->rvmo (resizable, 4 pages) and
// fx->dead (a destroyed CAN_MAP_READ|WRITE|SPECIFIC sub-VMAR).
static const fixture_params_t kFixture = {
    .pages = FIX_PAGES,
    .options = CAN_RWX | CAN_SPEC,
    .vmo = {VMO_PAGES, 0x10},
    .rvmo_pages = 4,
    .dead = {.pages = 16, .options = CAN_RW | CAN_SPEC}};

// ---------------------------------------------------------------------------
// Helpers

// A VMO handle with EXECUTE (consumes |h|).
static vmar_handle_t make_exec(vmar_handle_t h) {
  vmar_handle_t x = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_replace_as_executable(h, &x));
  return x;
}

// vmar_map must fail with |expected| and change nothing: mapped_addr keeps
// its sentinel, and the fixture is as before (see unchanged_assert).
static void expect_map_fails(const fixture_t* fx, vmar_status_t expected,
                             vmar_handle_t vmar, vmar_vm_option_t options,
                             size_t offset, vmar_handle_t vmo,
                             uint64_t vmo_offset, size_t len) {
  unchanged_t before = fixture_unchanged(fx);
  vmar_vaddr_t a = SENTINEL_ADDR;
  assert_status(expected,
                vmar_map(vmar, options, offset, vmo, vmo_offset, len, &a));
  assert_int_equal(a, SENTINEL_ADDR);
  unchanged_assert(&before);
}

// ---------------------------------------------------------------------------
// Failures, in zx_vmar_map's order. Each case also sets faults that later steps
// would report, to prove the order.

// Step 1: a bad VMAR or VMO handle is BAD_HANDLE before anything else.
static void map__bad_handle_bad_handle(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t closed_vmo = dup_without(fx->vmo, 0);
  close_ok(closed_vmo);
  vmar_handle_t closed_vmar = dup_without(fx->vmar, 0);
  close_ok(closed_vmar);
  const vmar_handle_t kBad[] = {VMAR_HANDLE_INVALID, closed_vmar, 0x12345678u,
                                0xFFFFFFFFu, fx->vmar & ~(vmar_handle_t)3u};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    expect_map_fails(fx, VMAR_ERR_BAD_HANDLE, kBad[i], PERM_RW, 0, fx->vmo, 0,
                     PAGE);
    // Every later fault at once: still BAD_HANDLE.
    expect_map_fails(fx, VMAR_ERR_BAD_HANDLE, kBad[i],
                     VMAR_VM_PERM_WRITE | VMAR_VM_CAN_MAP_READ | BIT16,
                     PAGE + 1, closed_vmo, 1, 0);
    // A bad VMAR wins over a VMAR passed as the VMO.
    expect_map_fails(fx, VMAR_ERR_BAD_HANDLE, kBad[i], PERM_RW, 0, fx->vmar, 0,
                     PAGE);
  }
  const vmar_handle_t kBadVmo[] = {VMAR_HANDLE_INVALID, closed_vmo, 0x12345678u,
                                   fx->vmo & ~(vmar_handle_t)3u};
  for (size_t i = 0; i < sizeof(kBadVmo) / sizeof(kBadVmo[0]); i++) {
    expect_map_fails(fx, VMAR_ERR_BAD_HANDLE, fx->vmar, PERM_RW, 0, kBadVmo[i],
                     0, PAGE);
    expect_map_fails(fx, VMAR_ERR_BAD_HANDLE, fx->vmar,
                     VMAR_VM_PERM_WRITE | VMAR_VM_MAP_RANGE |
                         VMAR_VM_SPECIFIC_OVERWRITE | BIT16,
                     PAGE + 1, kBadVmo[i], 1, SIZE_MAX);
    expect_map_fails(fx, VMAR_ERR_BAD_HANDLE, fx->dead, PERM_RW, 0, kBadVmo[i],
                     0, 0);
  }
  fixture_assert_empty(fx);
}

// Step 1: a VMO as the VMAR, or a VMAR as the VMO, is WRONG_TYPE.
static void map__wrong_type_wrong_type(void** state) {
  fixture_t* fx = *state;
  expect_map_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, PERM_RW, 0, fx->vmo, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmar, PERM_RW, 0, fx->vmar, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmar, PERM_RW, 0,
                   vmar_root_self(), 0, PAGE);
  // With every later fault.
  vmar_handle_t nomap = dup_without(fx->vmo, VMAR_RIGHT_MAP);
  expect_map_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, VMAR_VM_PERM_WRITE | BIT16,
                   PAGE + 1, nomap, 1, 0);
  expect_map_fails(fx, VMAR_ERR_WRONG_TYPE, fx->dead,
                   VMAR_VM_PERM_WRITE | VMAR_VM_CAN_MAP_READ | BIT16, PAGE + 1,
                   fx->vmar, 1, 0);
  close_ok(nomap);
  fixture_assert_empty(fx);
}

// Step 2: a VMO handle without MAP is ACCESS_DENIED, before option checks.
static void map__vmo_without_map_right_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t nomap = dup_without(fx->vmo, VMAR_RIGHT_MAP);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_VM_PERM_READ, 0,
                   nomap, 0, PAGE);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, 0, 0, nomap, 0, PAGE);
  // Later faults: WRITE without READ (4), MAP_RANGE|OVERWRITE (5),
  // CAN_MAP (6), unknown bits (8), unaligned offsets, len 0, dead VMAR.
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_VM_PERM_WRITE, 0,
                   nomap, 0, PAGE);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar,
                   VMAR_VM_MAP_RANGE | VMAR_VM_SPECIFIC_OVERWRITE, 0, nomap, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar,
                   VMAR_VM_CAN_MAP_READ | BIT16 | align_option(3), PAGE + 1,
                   nomap, 1, 0);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->dead, PERM_RW, 0, nomap, 0,
                   SIZE_MAX);
  close_ok(nomap);
  fixture_assert_empty(fx);
}

// Step 4: W or X without R is INVALID_ARGS, before steps 7, 9, 14, 15.
static void map__write_or_execute_without_read_invalid_args(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t kBad[] = {VMAR_VM_PERM_WRITE, VMAR_VM_PERM_EXECUTE,
                                   VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE};
  vmar_handle_t weak = dup_without(fx->rvmo, VMAR_RIGHT_WRITE);
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], 0, fx->vmo,
                     0, PAGE);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                     kBad[i] | VMAR_VM_REQUIRE_NON_RESIZABLE, 0, weak, 0,
                     SIZE_MAX);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, kBad[i], 0, weak, 0,
                     PAGE);
  }
  close_ok(weak);
  fixture_assert_empty(fx);
}

// Step 5: MAP_RANGE with SPECIFIC_OVERWRITE is INVALID_ARGS.
static void map__map_range_with_overwrite_invalid_args(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t bad =
      VMAR_VM_MAP_RANGE | VMAR_VM_SPECIFIC_OVERWRITE | VMAR_VM_PERM_READ;
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, bad, 0, fx->vmo, 0,
                   PAGE);
  vmar_handle_t noread = dup_without(fx->rvmo, VMAR_RIGHT_READ);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                   bad | VMAR_VM_REQUIRE_NON_RESIZABLE, 0, noread, 0, SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, bad, 0, noread, 0,
                   PAGE);
  close_ok(noread);
  fixture_assert_empty(fx);
}

// Step 6: a CAN_MAP_* bit in a map call is INVALID_ARGS.
static void map__can_map_bits_invalid_args(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t kCan[] = {VMAR_VM_CAN_MAP_READ, VMAR_VM_CAN_MAP_WRITE,
                                   VMAR_VM_CAN_MAP_EXECUTE};
  vmar_handle_t noread = dup_without(fx->rvmo, VMAR_RIGHT_READ);
  for (size_t i = 0; i < 3; i++) {
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                     kCan[i] | VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                     kCan[i] | VMAR_VM_PERM_READ |
                         VMAR_VM_REQUIRE_NON_RESIZABLE,
                     0, noread, 0, SIZE_MAX);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, kCan[i], 0, fx->vmo,
                     0, PAGE);
  }
  close_ok(noread);
  fixture_assert_empty(fx);
}

// Step 7: a PERM right missing on either handle: ACCESS_DENIED, before 8+.
static void map__perm_right_missing_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t vmo_nw = dup_without(fx->rvmo, VMAR_RIGHT_WRITE);
  vmar_handle_t vmo_nr = dup_without(fx->vmo, VMAR_RIGHT_READ);
  vmar_handle_t vmar_nw = dup_without(fx->vmar, VMAR_RIGHT_WRITE);
  vmar_handle_t vmar_nx = dup_without(fx->vmar, VMAR_RIGHT_EXECUTE);
  vmar_handle_t dead_nw = dup_without(fx->dead, VMAR_RIGHT_WRITE);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RW, 0, vmo_nw, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_VM_PERM_READ, 0,
                   vmo_nr, 0, PAGE);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, vmar_nw, PERM_RW, 0, fx->vmo, 0,
                   PAGE);
  // A VMO without EXECUTE (every new VMO) cannot be mapped executable.
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RX, 0, fx->vmo, 0,
                   PAGE);
  vmar_handle_t xvmo = make_exec(dup_without(fx->vmo, 0));
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, vmar_nx, PERM_RX, 0, xvmo, 0,
                   PAGE);
  // Later faults do not matter.
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar,
                   PERM_RW | BIT16 | align_option(5) |
                       VMAR_VM_REQUIRE_NON_RESIZABLE | VMAR_VM_COMPACT,
                   PAGE + 1, vmo_nw, 1, SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, dead_nw, PERM_RW | BIT16, 0,
                   fx->vmo, 1, 0);
  CLOSE_ALL_OK(xvmo, dead_nw, vmar_nx, vmar_nw, vmo_nr, vmo_nw);
  fixture_assert_empty(fx);
}

// Step 8: unknown bits or bad alignment: INVALID_ARGS, before 9, 14, 15.
static void map__unknown_bits_or_bad_align_invalid_args(void** state) {
  fixture_t* fx = *state;
  for (unsigned bit = 16; bit < 24; bit++) {
    vmar_vm_option_t o = VMAR_VM_PERM_READ | ((vmar_vm_option_t)1u << bit);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, o, 0, fx->vmo, 0,
                     PAGE);
  }
  const unsigned kBadAlign[] = {1, 2, 9, 33, 64, 128, 255};
  for (size_t i = 0; i < sizeof(kBadAlign) / sizeof(kBadAlign[0]); i++) {
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                     VMAR_VM_PERM_READ | align_option(kBadAlign[i]), 0, fx->vmo,
                     0, PAGE);
  }
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                   BIT16 | VMAR_VM_REQUIRE_NON_RESIZABLE, 0, fx->rvmo, 0,
                   SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead,
                   align_option(9) | VMAR_VM_REQUIRE_NON_RESIZABLE, 0, fx->rvmo,
                   0, PAGE);
  fixture_assert_empty(fx);
}

// Step 9: REQUIRE_NON_RESIZABLE + resizable VMO: NOT_SUPPORTED, before 11+.
static void map__require_non_resizable_resizable_not_supported(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t o = VMAR_VM_PERM_READ | VMAR_VM_REQUIRE_NON_RESIZABLE;
  expect_map_fails(fx, VMAR_ERR_NOT_SUPPORTED, fx->vmar, o, 0, fx->rvmo, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_NOT_SUPPORTED, fx->vmar, o | VMAR_VM_COMPACT, 0,
                   fx->rvmo, 1, SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_NOT_SUPPORTED, fx->dead, o, 0, fx->rvmo, 0, 0);
  // A non-resizable VMO maps fine with it.
  vmar_vaddr_t a = map_ok(fx->vmar, o, 0, fx->vmo, 0, PAGE);
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  unmap_ok(fx->vmar, a, PAGE);
  fixture_assert_empty(fx);
}

// Step 10: discardable needs ALLOW_FAULTS; resizable and plain VMOs do not.
static void map__discardable_without_allow_faults_not_supported(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  expect_map_fails(fx, VMAR_ERR_NOT_SUPPORTED, fx->vmar, PERM_RW, 0, d, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_NOT_SUPPORTED, fx->vmar,
                   PERM_RW | VMAR_VM_COMPACT, 0, d, 1, SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_NOT_SUPPORTED, fx->dead, PERM_RW, 0, d, 0, 0);
  vmar_vaddr_t a =
      map_ok(fx->vmar, PERM_RW | VMAR_VM_ALLOW_FAULTS, 0, d, 0, 2 * PAGE);
  ((volatile unsigned char*)a)[PAGE + 3] = 0x77;
  unsigned char b = 0;
  assert_status(VMAR_OK, vmar_vmo_read(d, &b, PAGE + 3, 1));
  assert_int_equal(b, 0x77);
  unmap_ok(fx->vmar, a, 2 * PAGE);
  // Resizable without ALLOW_FAULTS, and ALLOW_FAULTS on a plain VMO: fine.
  a = map_ok(fx->vmar, PERM_RW, 0, fx->rvmo, 0, 4 * PAGE);
  unmap_ok(fx->vmar, a, 4 * PAGE);
  a = map_ok(fx->vmar, PERM_RW | VMAR_VM_ALLOW_FAULTS, 0, fx->vmo, 0, PAGE);
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  unmap_ok(fx->vmar, a, PAGE);
  close_ok(d);
  fixture_assert_empty(fx);
}

// Step 11: COMPACT or CAN_MAP_SPECIFIC: INVALID_ARGS, before 14 and 15.
static void map__compact_or_can_map_specific_invalid_args(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t kBad[] = {VMAR_VM_COMPACT, VMAR_VM_CAN_MAP_SPECIFIC};
  for (size_t i = 0; i < 2; i++) {
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                     kBad[i] | VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], 0, fx->vmo,
                     0, SIZE_MAX);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, kBad[i], 0, fx->vmo,
                     0, PAGE);
  }
  fixture_assert_empty(fx);
}

// Step 13: unaligned vmo_offset: INVALID_ARGS, before 14 and 15.
static void map__vmo_offset_unaligned_invalid_args(void** state) {
  fixture_t* fx = *state;
  const uint64_t kOff[] = {1, PAGE / 2, PAGE + 1, UINT64_MAX};
  for (size_t i = 0; i < sizeof(kOff) / sizeof(kOff[0]); i++) {
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_PERM_READ, 0,
                     fx->vmo, kOff[i], PAGE);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_PERM_READ, 0,
                     fx->vmo, kOff[i], SIZE_MAX);
    expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, VMAR_VM_PERM_READ, 0,
                     fx->vmo, kOff[i], PAGE);
  }
  fixture_assert_empty(fx);
}

// Step 14: len or vmo_offset + len overflowing: OUT_OF_RANGE, before 15.
static void map__len_overflow_out_of_range(void** state) {
  fixture_t* fx = *state;
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, VMAR_VM_PERM_READ, 0,
                   fx->vmo, 0, SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, VMAR_VM_PERM_READ, 0,
                   fx->vmo, 0, SIZE_MAX - PAGE + 2);
  // vmo_offset + rounded len reaches 2^64.
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, VMAR_VM_PERM_READ, 0,
                   fx->vmo, UINT64_MAX - PAGE + 1, PAGE);
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, VMAR_VM_PERM_READ, 0,
                   fx->vmo, UINT64_MAX - 2 * PAGE + 1, 2 * PAGE);
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, VMAR_VM_PERM_READ, 0,
                   fx->vmo, UINT64_MAX - 2 * PAGE + 1, PAGE + 1);
  // Before BAD_STATE, the zero-length check and placement checks.
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->dead, VMAR_VM_PERM_READ, 0,
                   fx->vmo, 0, SIZE_MAX);
  expect_map_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar,
                   VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC, fx->len * 2, fx->vmo,
                   UINT64_MAX - PAGE + 1, PAGE);
  fixture_assert_empty(fx);
}

// Step 15: a destroyed VMAR is BAD_STATE, before len 0 and placement checks.
static void map__destroyed_vmar_bad_state(void** state) {
  fixture_t* fx = *state;
  expect_map_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_RW, 0, fx->vmo, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_RW, 0, fx->vmo, 0, 0);
  expect_map_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_RW, PAGE, fx->vmo, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_RW | VMAR_VM_SPECIFIC,
                   1000 * PAGE, fx->vmo, 0, PAGE);
  // A descendant of a destroyed VMAR is dead too.
  vmar_handle_t c = alloc_ok(fx->vmar, CAN_RW, 0, 8 * PAGE, NULL);
  vmar_handle_t g = alloc_ok(c, CAN_RW, 0, 4 * PAGE, NULL);
  destroy_close(c);
  expect_map_fails(fx, VMAR_ERR_BAD_STATE, g, PERM_RW, 0, fx->vmo, 0, PAGE);
  close_ok(g);
  fixture_assert_empty(fx);
}

// Step 15: len 0 or a misplaced offset: INVALID_ARGS, before ACCESS_DENIED.
static void map__len_zero_or_bad_offset_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t plain = alloc_ok(fx->vmar, CAN_RW, 0, 16 * PAGE, NULL);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_RW, 0, fx->vmo, 0,
                   0);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, plain, PERM_RW | VMAR_VM_SPECIFIC,
                   0, fx->vmo, 0, 0);
  // A non-zero offset without SPECIFIC/OVERWRITE/UPPER_LIMIT.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_RW, PAGE, fx->vmo,
                   0, PAGE);
  // An unaligned offset, also in a VMAR without CAN_MAP_SPECIFIC.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                   PERM_RW | VMAR_VM_SPECIFIC, PAGE + 1, fx->vmo, 0, PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                   PERM_RW | VMAR_VM_SPECIFIC_OVERWRITE, PAGE / 2, fx->vmo, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, plain, PERM_RW | VMAR_VM_SPECIFIC,
                   PAGE + 1, fx->vmo, 0, PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, plain,
                   PERM_RW | VMAR_VM_OFFSET_IS_UPPER_LIMIT, 8 * PAGE + 1,
                   fx->vmo, 0, PAGE);
  destroy_close(plain);
  fixture_assert_empty(fx);
}

// Step 15: SPECIFIC* or UPPER_LIMIT without CAN_MAP_SPECIFIC: ACCESS_DENIED.
static void map__specific_without_can_map_specific_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t pa = 0;
  vmar_handle_t plain = alloc_ok(fx->vmar, CAN_RW, 0, 16 * PAGE, &pa);
  const vmar_vm_option_t kModes[] = {VMAR_VM_SPECIFIC,
                                     VMAR_VM_SPECIFIC_OVERWRITE,
                                     VMAR_VM_OFFSET_IS_UPPER_LIMIT};
  for (size_t i = 0; i < 3; i++) {
    expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, plain, PERM_RW | kModes[i],
                     4 * PAGE, fx->vmo, 0, PAGE);
    // Out of bounds too: still ACCESS_DENIED.
    expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, plain, PERM_RW | kModes[i],
                     64 * PAGE, fx->vmo, 0, 128 * PAGE);
  }
  // Non-specific placement in it works.
  vmar_vaddr_t a = map_ok(plain, PERM_RW, 0, fx->vmo, 0, PAGE);
  assert_true(a >= pa && a + PAGE <= pa + 16 * PAGE);
  unmap_ok(plain, a, PAGE);
  destroy_close(plain);
  fixture_assert_empty(fx);
}

// Step 15: a range that does not fit in the VMAR is INVALID_ARGS.
static void map__out_of_bounds_invalid_args(void** state) {
  fixture_t* fx = *state;
  const size_t n = fx->len;
  const vmar_vm_option_t spec = VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC;
  const vmar_vm_option_t over = VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC_OVERWRITE;
  const vmar_vm_option_t upper =
      VMAR_VM_PERM_READ | VMAR_VM_OFFSET_IS_UPPER_LIMIT;
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, spec, n, fx->vmo, 0,
                   PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, spec, n - PAGE, fx->vmo,
                   0, 2 * PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, spec, 0, fx->vmo, 0,
                   n + PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, over, n - PAGE, fx->vmo,
                   0, 2 * PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_PERM_READ, 0,
                   fx->vmo, 0, n + PAGE);
  // Upper limit: past the end, or shorter than the mapping.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, upper, n + PAGE,
                   fx->vmo, 0, PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, upper, 2 * PAGE,
                   fx->vmo, 0, 3 * PAGE);
  // SPECIFIC together with OFFSET_IS_UPPER_LIMIT.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                   spec | VMAR_VM_OFFSET_IS_UPPER_LIMIT, 4 * PAGE, fx->vmo, 0,
                   PAGE);
  // The last page fits exactly.
  vmar_vaddr_t a = map_ok(fx->vmar, spec, n - PAGE, fx->vmo, 0, PAGE);
  assert_int_equal(a, fx->base + n - PAGE);
  unmap_ok(fx->vmar, a, PAGE);
  fixture_assert_empty(fx);
}

// Step 15: SPECIFIC breaking ALIGN_*: INVALID_ARGS, before ALREADY_EXISTS.
static void map__specific_misaligned_for_align_invalid_args(void** state) {
  fixture_t* fx = *state;
  const unsigned shift = page_shift() + 4; // 16 pages
  const size_t align = (size_t)1 << shift;
  const size_t good = round_up(fx->base, align) - fx->base;
  const vmar_vm_option_t o =
      VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC | align_option(shift);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, o, good + PAGE, fx->vmo,
                   0, PAGE);
  // Occupied and misaligned: INVALID_ARGS, not ALREADY_EXISTS.
  vmar_vaddr_t blocker = map_ok(fx->vmar, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC,
                                good, fx->vmo, 0, 4 * PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, o, good + PAGE, fx->vmo,
                   0, PAGE);
  expect_map_fails(fx, VMAR_ERR_ALREADY_EXISTS, fx->vmar, o, good, fx->vmo, 0,
                   PAGE);
  unmap_ok(fx->vmar, blocker, 4 * PAGE);
  vmar_vaddr_t a = map_ok(fx->vmar, o, good, fx->vmo, 0, PAGE);
  assert_int_equal(a, fx->base + good);
  assert_int_equal(a % align, 0);
  unmap_ok(fx->vmar, a, PAGE);
  fixture_assert_empty(fx);
}

// Step 15: SPECIFIC over a mapping or sub-VMAR: ALREADY_EXISTS, untouched.
static void map__specific_overlap_already_exists(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t spec = PERM_RW | VMAR_VM_SPECIFIC;
  vmar_vaddr_t m = map_ok(fx->vmar, spec, 4 * PAGE, fx->vmo, 0, 4 * PAGE);
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub = fixture_sub(fx, CAN_RW, 16, 4, &sa);
  vmar_handle_t other = vmo_patterned(4, 0x80);
  const size_t kOff[][2] = {
      {4 * PAGE, PAGE},  {3 * PAGE, 2 * PAGE}, {7 * PAGE, 4 * PAGE},
      {0, 32 * PAGE},    {16 * PAGE, PAGE},    {15 * PAGE, 2 * PAGE},
      {19 * PAGE, PAGE}, {5 * PAGE, 2 * PAGE},
  };
  for (size_t i = 0; i < sizeof(kOff) / sizeof(kOff[0]); i++) {
    expect_map_fails(fx, VMAR_ERR_ALREADY_EXISTS, fx->vmar, spec, kOff[i][0],
                     other, 0, kOff[i][1]);
  }
  for (size_t p = 0; p < 4; p++) {
    assert_true(mem_is(m + p * PAGE, PAGE, pat(0x10, p)));
  }
  assert_true(test_maps_range_perms(m, 4 * PAGE, "rw-s"));
  assert_true(test_maps_range_reserved(sa, 4 * PAGE));
  // Right next to them is free.
  vmar_vaddr_t a = map_ok(fx->vmar, spec, 8 * PAGE, other, 0, 8 * PAGE);
  assert_int_equal(a, fx->base + 8 * PAGE);
  unmap_ok(fx->vmar, a, 8 * PAGE);
  unmap_ok(fx->vmar, m, 4 * PAGE);
  destroy_close(sub);
  close_ok(other);
  fixture_assert_empty(fx);
}

// No gap large enough: NO_RESOURCES; a smaller mapping still fits.
static void map__no_spot_no_resources(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t ca = 0;
  vmar_handle_t c =
      alloc_ok(fx->vmar, VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC | CAN_RW, 0,
               8 * PAGE, &ca);
  vmar_vaddr_t m1 =
      map_ok(c, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC, 0, fx->vmo, 0, 3 * PAGE);
  vmar_vaddr_t m2 = map_ok(c, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC, 5 * PAGE,
                           fx->vmo, 0, 3 * PAGE);
  expect_map_fails(fx, VMAR_ERR_NO_RESOURCES, c, VMAR_VM_PERM_READ, 0, fx->vmo,
                   0, 3 * PAGE);
  expect_map_fails(fx, VMAR_ERR_NO_RESOURCES, c,
                   VMAR_VM_PERM_READ | VMAR_VM_OFFSET_IS_UPPER_LIMIT, 4 * PAGE,
                   fx->vmo, 0, 2 * PAGE);
  // Alignment that no free page satisfies.
  size_t big = (size_t)1 << (page_shift() + 8);
  if ((ca + 3 * PAGE) % big != 0 && (ca + 4 * PAGE) % big != 0) {
    expect_map_fails(fx, VMAR_ERR_NO_RESOURCES, c,
                     VMAR_VM_PERM_READ | align_option(page_shift() + 8), 0,
                     fx->vmo, 0, PAGE);
  }
  vmar_vaddr_t m3 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, 0, 2 * PAGE);
  assert_int_equal(m3, ca + 3 * PAGE);
  expect_map_fails(fx, VMAR_ERR_NO_RESOURCES, c, VMAR_VM_PERM_READ, 0, fx->vmo,
                   0, PAGE);
  unmap_ok(c, m1, 3 * PAGE);
  unmap_ok(c, m2, 3 * PAGE);
  unmap_ok(c, m3, 2 * PAGE);
  destroy_close(c);
  fixture_assert_empty(fx);
}

// Step 18: NULL |mapped_addr| is INVALID_ARGS, last, and maps nothing.
static void map__null_mapped_addr_invalid_args(void** state) {
  fixture_t* fx = *state;
  size_t count = test_maps_count();
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_map(fx->vmar, PERM_RW, 0, fx->vmo, 0, PAGE, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_map(fx->vmar, PERM_RW | VMAR_VM_SPECIFIC, 2 * PAGE,
                         fx->vmo, 0, PAGE, NULL));
  assert_vma_count(count);
  fixture_assert_empty(fx);
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_map(fx->dead, PERM_RW, 0, fx->vmo, 0, PAGE, NULL));
  // An occupied SPECIFIC spot reports ALREADY_EXISTS; an OVERWRITE with NULL
  // must not replace anything.
  vmar_vaddr_t m =
      map_ok(fx->vmar, PERM_RW | VMAR_VM_SPECIFIC, 0, fx->vmo, 0, 4 * PAGE);
  vmar_handle_t other = vmo_patterned(4, 0x90);
  assert_status(VMAR_ERR_ALREADY_EXISTS,
                vmar_map(fx->vmar, PERM_RW | VMAR_VM_SPECIFIC, PAGE, other, 0,
                         PAGE, NULL));
  size_t nb = 0;
  vmar_map_info_t* mb = maps_take(fx->vmar, &nb);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_map(fx->vmar, PERM_RW | VMAR_VM_SPECIFIC_OVERWRITE, PAGE,
                         other, 0, 2 * PAGE, NULL));
  size_t na = 0;
  vmar_map_info_t* ma = maps_take(fx->vmar, &na);
  maps_assert_equal(mb, nb, ma, na);
  for (size_t p = 0; p < 4; p++) {
    assert_true(mem_is(m + p * PAGE, PAGE, pat(0x10, p)));
  }
  free(ma);
  free(mb);
  unmap_ok(fx->vmar, m, 4 * PAGE);
  close_ok(other);
  fixture_assert_empty(fx);
}

// ---------------------------------------------------------------------------
// Bad input, as a table (bad_input.h): h1 vmar, opt, a vmar_offset, h2 vmo,
// b vmo_offset, c len; NULL1: no mapped_addr.

static const bad_row_t kMapBad[] = {
    NOT_LIVE("vmar", H_VMO, PERM_RW, V0, V0, PG(1), 0),
    {"vmo invalid", BAD_HANDLE, H_TOP, H_NONE, PERM_RW, V0, V0, PG(1), 0},
    {"vmo forged", BAD_HANDLE, H_TOP, H_FORGED, PERM_RW, V0, V0, PG(1), 0},
    {"vmo stale", BAD_HANDLE, H_TOP, H_STALE, PERM_RW, V0, V0, PG(1), 0},
    {"vmar is a VMO", WRONG_TYPE, H_VMO, H_VMO, PERM_RW, V0, V0, PG(1), 0},
    {"vmo is a VMAR", WRONG_TYPE, H_TOP, H_SUB, PERM_RW, V0, V0, PG(1), 0},
    {"vmo lacks MAP", ACCESS_DENIED, H_TOP, H_VMO_NOMAP, PERM_RW, V0, V0, PG(1),
     0},
    {"MAP right checked before WRITE without READ", ACCESS_DENIED, H_TOP,
     H_VMO_NOMAP, PERM_W, V0, V0, PG(1), 0},
    {"WRITE without READ", INVALID_ARGS, H_TOP, H_VMO, PERM_W, V0, V0, PG(1),
     0},
    {"EXECUTE without READ", INVALID_ARGS, H_TOP, H_VMO, PERM_X, V0, V0, PG(1),
     0},
    {"MAP_RANGE with SPECIFIC_OVERWRITE", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | VMAR_VM_MAP_RANGE | OVERWRITE, PG(5), V0, PG(1), 0},
    {"a CAN_MAP bit", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | CAN_R, V0, V0,
     PG(1), 0},
    {"WRITE, vmo handle lacks WRITE", ACCESS_DENIED, H_TOP, H_VMO_NOWR, PERM_RW,
     V0, V0, PG(1), 0},
    {"WRITE, vmar handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_VMO, PERM_RW,
     V0, V0, PG(1), 0},
    {"EXECUTE, vmo lacks EXECUTE", ACCESS_DENIED, H_TOP, H_VMO, PERM_R | PERM_X,
     V0, V0, PG(1), 0},
    {"missing right checked before unknown bits", ACCESS_DENIED, H_TOP,
     H_VMO_NOWR, PERM_RW | UNKNOWN_BIT, V0, V0, PG(1), 0},
    {"unknown option bit", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | UNKNOWN_BIT,
     V0, V0, PG(1), 0},
    {"alignment field above 4GB", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | BAD_ALIGN_HIGH, V0, V0, PG(1), 0},
    {"REQUIRE_NON_RESIZABLE with a resizable VMO", NOT_SUPPORTED, H_TOP,
     H_VMO_RS, PERM_RW | VMAR_VM_REQUIRE_NON_RESIZABLE, V0, V0, PG(1), 0},
    {"discardable VMO without ALLOW_FAULTS", NOT_SUPPORTED, H_TOP, H_VMO_DISC,
     PERM_RW, V0, V0, PG(1), 0},
    {"COMPACT", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | VMAR_VM_COMPACT, V0, V0,
     PG(1), 0},
    {"CAN_MAP_SPECIFIC", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | CAN_SPEC, V0, V0,
     PG(1), 0},
    {"EXECUTE above sub's ceiling", ACCESS_DENIED, H_SUB,
     H_NONE /* replaced below */, PERM_R | PERM_X, V0, V0, PG(1), 0},
    {"vmo_offset not page-aligned", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0,
     PGB(0, 1), PG(1), 0},
    {"len rounds past 2^64", OUT_OF_RANGE, H_TOP, H_VMO, PERM_RW, V0, V0, VOVF,
     0},
    {"vmo_offset + len overflows", OUT_OF_RANGE, H_TOP, H_VMO, PERM_RW, V0,
     VTOP, PG(2), 0},
    {"overflow checked before destroyed vmar", OUT_OF_RANGE, H_DEAD, H_VMO,
     PERM_RW, V0, V0, VOVF, 0},
    {"vmar destroyed", BAD_STATE, H_DEAD, H_VMO, PERM_RW, V0, V0, PG(1), 0},
    {"destroyed checked before len 0", BAD_STATE, H_DEAD, H_VMO, PERM_RW, V0,
     V0, V0, 0},
    {"len 0", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0, V0, V0, 0},
    {"vmar_offset without a placement option", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW, PG(5), V0, PG(1), 0},
    {"SPECIFIC vmar_offset not page-aligned", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | SPEC, PGB(5, 1), V0, PG(1), 0},
    {"SPECIFIC in a VMAR without CAN_MAP_SPECIFIC", ACCESS_DENIED, H_SUB, H_VMO,
     PERM_R | SPEC, PG(2), V0, PG(1), 0},
    {"SPECIFIC_OVERWRITE without CAN_MAP_SPECIFIC", ACCESS_DENIED, H_SUB, H_VMO,
     PERM_R | OVERWRITE, PG(0), V0, PG(1), 0},
    {"SPECIFIC past the end", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | SPEC,
     PG(TOP_PAGES - 1), V0, PG(2), 0},
    {"SPECIFIC at the end", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | SPEC,
     PG(TOP_PAGES), V0, PG(1), 0},
    {"len larger than the VMAR", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0, V0,
     PG(TOP_PAGES + 1), 0},
    {"SPECIFIC over a mapping", ALREADY_EXISTS, H_TOP, H_VMO, PERM_RW | SPEC,
     PG(3), V0, PG(3), 0},
    {"SPECIFIC_OVERWRITE over a sub-VMAR", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | OVERWRITE, PG(7), V0, PG(2), 0},
    {"SPECIFIC_OVERWRITE in the root", NOT_SUPPORTED, H_ROOT, H_VMO,
     PERM_RW | OVERWRITE, PG(1), V0, PG(1), POSIX},
    {"no spot large enough", NO_RESOURCES, H_TOP, H_VMO, PERM_RW, V0, V0, PG(5),
     0},
    {"mapped_addr NULL", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0, V0, PG(1),
     NULL1},
    {"NULL output noticed after no spot", NO_RESOURCES, H_TOP, H_VMO, PERM_RW,
     V0, V0, PG(5), NULL1},
};

// A mapping that is made is unmapped again. "EXECUTE above sub's ceiling"
// (h1 sub, no h2) maps an executable duplicate of the fixture's VMO.
static vmar_status_t map_row(const bad_call_t* c) {
  vmar_handle_t vmo = c->h2;
  if (c->row->h1 == H_SUB && c->row->h2 == H_NONE) {
    vmo = make_exec(dup_without(c->fx->h[H_VMO], 0));
  }
  vmar_status_t st = vmar_map(c->h1, (vmar_vm_option_t)c->row->opt, c->az, vmo,
                              c->b, c->cz, c->out1);
  if (vmo != c->h2) {
    close_ok(vmo);
  }
  if (st == VMAR_OK) {
    unmap_ok(c->h1, BAD_OUT(vmar_vaddr_t, c->out1), c->cz);
  }
  return st;
}

// ---------------------------------------------------------------------------
// Success: placement

// A plain mapping: inside the VMAR, length rounded up, contents shared.
static void map__plain_inside_rounded_ok(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_ok(fx->vmar, PERM_RW, 0, fx->vmo, 0, PAGE + 1);
  assert_true(a >= fx->base && a + 2 * PAGE <= fx->base + fx->len);
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  assert_true(mem_is(a + PAGE, PAGE, pat(0x10, 1)));
  assert_true(test_maps_range_perms(a, 2 * PAGE, "rw-s"));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_mapping(&m[1], a, 2 * PAGE, koid_of(fx->vmo), 0);
  assert_int_equal(m[1].depth, 1);
  assert_int_equal(m[1].mmu_flags, PERM_RW);
  free(m);
  // The rest of the VMAR stays reserved.
  assert_true(test_maps_range_reserved(fx->base, a - fx->base) ||
              a == fx->base);
  unmap_ok(fx->vmar, a, 2 * PAGE);
  fixture_assert_empty(fx);
}

// ALIGN_* lands aligned and inside; 1 KiB and 2 KiB act like a page.
static void map__align_placement_aligned_inside(void** state) {
  fixture_t* fx = *state;
  const unsigned ps = page_shift();
  const unsigned kShifts[] = {10, 11, ps, ps + 1, ps + 2, ps + 4, ps + 6};
  for (size_t i = 0; i < sizeof(kShifts) / sizeof(kShifts[0]); i++) {
    size_t align = (size_t)1 << kShifts[i];
    if (align < PAGE) {
      align = PAGE;
    }
    for (int rep = 0; rep < 4; rep++) {
      vmar_vaddr_t a =
          map_ok(fx->vmar, VMAR_VM_PERM_READ | align_option(kShifts[i]), 0,
                 fx->vmo, 0, 2 * PAGE);
      assert_int_equal(a % align, 0);
      assert_true(a >= fx->base && a + 2 * PAGE <= fx->base + fx->len);
      assert_true(mem_is(a + PAGE, PAGE, pat(0x10, 1)));
      unmap_ok(fx->vmar, a, 2 * PAGE);
    }
  }
  // 1 MiB alignment in a VMAR that surely has such a spot.
  size_t big_len = round_up((size_t)4 << 20, PAGE);
  vmar_vaddr_t ba = 0;
  vmar_handle_t big = alloc_top(CAN_RW, big_len, &ba);
  vmar_vaddr_t a =
      map_ok(big, VMAR_VM_PERM_READ | VMAR_VM_ALIGN_1MB, 0, fx->vmo, 0, PAGE);
  assert_int_equal(a % ((size_t)1 << 20), 0);
  assert_true(a >= ba && a + PAGE <= ba + big_len);
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  destroy_close(big);
  fixture_assert_empty(fx);
}

// In a COMPACT VMAR, mappings pack from the base and refill holes first.
static void map__compact_packs_lowest_first(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t ca = 0;
  vmar_handle_t c =
      alloc_ok(fx->vmar, VMAR_VM_COMPACT | CAN_RW, 0, 64 * PAGE, &ca);
  vmar_vaddr_t a1 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
  vmar_vaddr_t a2 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, PAGE, 2 * PAGE);
  vmar_vaddr_t a3 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, 0, 3 * PAGE);
  assert_int_equal(a1, ca);
  assert_int_equal(a2, ca + PAGE);
  assert_int_equal(a3, ca + 3 * PAGE);
  assert_true(mem_is(a2, PAGE, pat(0x10, 1)));
  unmap_ok(c, a2, 2 * PAGE);
  vmar_vaddr_t b1 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
  assert_int_equal(b1, ca + PAGE);
  vmar_vaddr_t b2 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, 0, 2 * PAGE);
  assert_int_equal(b2, ca + 6 * PAGE);
  vmar_vaddr_t b3 = map_ok(c, VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
  assert_int_equal(b3, ca + 2 * PAGE);
  // Alignment in a COMPACT VMAR: the lowest aligned spot that fits.
  const unsigned shift = page_shift() + 3;
  const size_t align = (size_t)1 << shift;
  vmar_vaddr_t b4 =
      map_ok(c, VMAR_VM_PERM_READ | align_option(shift), 0, fx->vmo, 0, PAGE);
  assert_int_equal(b4, round_up(ca + 8 * PAGE, align));
  destroy_close(c);
  fixture_assert_empty(fx);
}

// Non-COMPACT placement: inside, aligned and pairwise disjoint.
static void map__random_placement_disjoint_inside(void** state) {
  fixture_t* fx = *state;
  enum { N = 24 };
  vmar_vaddr_t addr[N];
  size_t len[N];
  for (size_t i = 0; i < N; i++) {
    len[i] = (i % 3 + 1) * PAGE;
    addr[i] = map_ok(fx->vmar, PERM_RW, 0, fx->vmo, (i % 4) * PAGE, len[i]);
    assert_true(addr[i] >= fx->base && addr[i] + len[i] <= fx->base + fx->len);
    for (size_t j = 0; j < i; j++) {
      assert_true(addr[i] + len[i] <= addr[j] || addr[j] + len[j] <= addr[i]);
    }
    assert_true(mem_is(addr[i], PAGE, pat(0x10, i % 4)));
  }
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, N + 1);
  for (size_t i = 2; i < n; i++) {
    assert_true(m[i - 1].base + m[i - 1].size <= m[i].base);
  }
  free(m);
  for (size_t i = 0; i < N; i++) {
    unmap_ok(fx->vmar, addr[i], len[i]);
  }
  fixture_assert_empty(fx);
}

// SPECIFIC lands exactly at base + offset; neighbours may touch.
static void map__specific_exact_ok(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t spec = VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC;
  vmar_vaddr_t a = map_ok(fx->vmar, spec, 10 * PAGE, fx->vmo, 2 * PAGE, PAGE);
  assert_int_equal(a, fx->base + 10 * PAGE);
  vmar_vaddr_t b = map_ok(fx->vmar, spec, 11 * PAGE, fx->vmo, 0, PAGE);
  assert_int_equal(b, fx->base + 11 * PAGE);
  vmar_vaddr_t c = map_ok(fx->vmar, spec, 9 * PAGE, fx->vmo, 5 * PAGE, PAGE);
  assert_int_equal(c, fx->base + 9 * PAGE);
  assert_true(mem_is(c, PAGE, pat(0x10, 5)));
  assert_true(mem_is(a, PAGE, pat(0x10, 2)));
  assert_true(mem_is(b, PAGE, pat(0x10, 0)));
  assert_true(test_maps_range_perms(c, 3 * PAGE, "r--s"));
  assert_true(test_maps_range_reserved(fx->base, 9 * PAGE));
  assert_true(
      test_maps_range_reserved(fx->base + 12 * PAGE, fx->len - 12 * PAGE));
  unmap_ok(fx->vmar, c, 3 * PAGE);
  fixture_assert_empty(fx);
}

// OFFSET_IS_UPPER_LIMIT: ends below the limit and honours vmo_offset.
static void map__upper_limit_honours_vmo_offset(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t o = VMAR_VM_PERM_READ | VMAR_VM_OFFSET_IS_UPPER_LIMIT;
  for (int rep = 0; rep < 8; rep++) {
    vmar_vaddr_t a = map_ok(fx->vmar, o, 16 * PAGE, fx->vmo, PAGE, 2 * PAGE);
    assert_true(a >= fx->base);
    assert_true(a + 2 * PAGE <= fx->base + 16 * PAGE);
    assert_int_equal(*(const volatile unsigned char*)a, pat(0x10, 1));
    assert_true(mem_is(a, PAGE, pat(0x10, 1)));
    assert_true(mem_is(a + PAGE, PAGE, pat(0x10, 2)));
    unmap_ok(fx->vmar, a, 2 * PAGE);
  }
  // A limit equal to the length leaves only the base.
  vmar_vaddr_t a = map_ok(fx->vmar, o, 2 * PAGE, fx->vmo, 3 * PAGE, 2 * PAGE);
  assert_int_equal(a, fx->base);
  assert_true(mem_is(a, PAGE, pat(0x10, 3)));
  unmap_ok(fx->vmar, a, 2 * PAGE);
  fixture_assert_empty(fx);
}

// SPECIFIC_OVERWRITE replaces; split pieces keep their own VMO offsets.
static void map__specific_overwrite_replaces_and_splits(void** state) {
  fixture_t* fx = *state;
  const vmar_vm_option_t spec = PERM_RW | VMAR_VM_SPECIFIC;
  const vmar_vm_option_t over = PERM_RW | VMAR_VM_SPECIFIC_OVERWRITE;
  vmar_handle_t b = vmo_patterned(4, 0x60);
  vmar_vaddr_t a = map_ok(fx->vmar, spec, 0, fx->vmo, 0, 8 * PAGE);
  assert_int_equal(a, fx->base);
  vmar_vaddr_t o = map_ok(fx->vmar, over, 2 * PAGE, b, PAGE, 3 * PAGE);
  assert_int_equal(o, fx->base + 2 * PAGE);
  // Pages 0-1 and 5-7 still come from the first VMO at their own offsets.
  for (size_t p = 0; p < 8; p++) {
    uint8_t want = (p >= 2 && p < 5) ? pat(0x60, p - 2 + 1) : pat(0x10, p);
    assert_true(mem_is(a + p * PAGE, PAGE, want));
  }
  assert_true(test_maps_range_perms(a, 8 * PAGE, "rw-s"));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 4);
  const struct {
    size_t page, pages;
    vmar_koid_t koid;
    uint64_t off;
  } kWant[] = {{0, 2, koid_of(fx->vmo), 0},
               {2, 3, koid_of(b), PAGE},
               {5, 3, koid_of(fx->vmo), 5 * PAGE}};
  for (size_t i = 0; i < 3; i++) {
    assert_mapping(&m[i + 1], a + kWant[i].page * PAGE, kWant[i].pages * PAGE,
                   kWant[i].koid, kWant[i].off);
  }
  free(m);
  // Writes through the pieces go to the right VMO offsets.
  ((volatile unsigned char*)a)[6 * PAGE] = 0xAB;
  unsigned char byte = 0;
  assert_status(VMAR_OK, vmar_vmo_read(fx->vmo, &byte, 6 * PAGE, 1));
  assert_int_equal(byte, 0xAB);
  ((volatile unsigned char*)a)[3 * PAGE] = 0xCD;
  assert_status(VMAR_OK, vmar_vmo_read(b, &byte, 2 * PAGE, 1));
  assert_int_equal(byte, 0xCD);
  // Overwrite across three mappings and free space at once.
  vmar_vaddr_t o2 =
      map_ok(fx->vmar, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC_OVERWRITE, PAGE, b,
             0, 10 * PAGE);
  assert_int_equal(o2, fx->base + PAGE);
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  assert_true(mem_is(o2, PAGE, pat(0x60, 0)));
  assert_true(test_maps_range_perms(a, PAGE, "rw-s"));
  assert_true(test_maps_range_perms(o2, 10 * PAGE, "r--s"));
  m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 3);
  assert_int_equal(m[2].base, o2);
  assert_int_equal(m[2].size, 10 * PAGE);
  assert_int_equal(m[2].vmo_offset, 0);
  free(m);
  unmap_ok(fx->vmar, fx->base, 11 * PAGE);
  close_ok(b);
  fixture_assert_empty(fx);
}

// SPECIFIC_OVERWRITE never destroys a sub-VMAR: INVALID_ARGS, nothing changes.
static void map__specific_overwrite_sub_vmar_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a =
      map_ok(fx->vmar, PERM_RW | VMAR_VM_SPECIFIC, 0, fx->vmo, 0, 4 * PAGE);
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub =
      fixture_sub(fx, VMAR_VM_CAN_MAP_SPECIFIC | CAN_RW, 4, 4, &sa);
  vmar_vaddr_t inner = map_pages_ok(sub, sa, 1, fx->vmo, 5, 1);
  vmar_handle_t b = vmo_patterned(16, 0x70);
  const vmar_vm_option_t over = PERM_RW | VMAR_VM_SPECIFIC_OVERWRITE;
  // Partly over the mapping and partly over the sub-VMAR.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, over, 2 * PAGE, b, 0,
                   4 * PAGE);
  // Exactly the sub-VMAR, and beyond it on both sides.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, over, 4 * PAGE, b, 0,
                   4 * PAGE);
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, over, 0, b, 0,
                   16 * PAGE);
  // Only the empty part of the sub-VMAR.
  expect_map_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, over, 7 * PAGE, b, 0,
                   PAGE);
  for (size_t p = 0; p < 4; p++) {
    assert_true(mem_is(a + p * PAGE, PAGE, pat(0x10, p)));
  }
  assert_true(mem_is(inner, PAGE, pat(0x10, 5)));
  // Inside the sub-VMAR itself, overwrite works on its own mapping.
  vmar_vaddr_t r = map_ok(sub, over, PAGE, b, 3 * PAGE, PAGE);
  assert_int_equal(r, inner);
  assert_true(mem_is(r, PAGE, pat(0x70, 3)));
  unmap_ok(fx->vmar, a, 4 * PAGE);
  destroy_close(sub);
  close_ok(b);
  fixture_assert_empty(fx);
}

// SPECIFIC_OVERWRITE in the root: NOT_SUPPORTED; the mapping there stays.
static void map__specific_overwrite_in_root_not_supported(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t root = vmar_root_self();
  vmar_info_t ri = info_of(root);
  vmar_vaddr_t m = map_ok(root, PERM_RW, 0, fx->vmo, 0, 2 * PAGE);
  assert_true(test_maps_range_perms(m, 2 * PAGE, "rw-s"));
  vmar_handle_t b = vmo_patterned(2, 0x50);
  vmar_vaddr_t x = SENTINEL_ADDR;
  size_t count = test_maps_count();
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_map(root, PERM_RW | VMAR_VM_SPECIFIC_OVERWRITE,
                         m - ri.base, b, 0, 2 * PAGE, &x));
  assert_int_equal(x, SENTINEL_ADDR);
  assert_vma_count(count);
  assert_true(mem_is(m, PAGE, pat(0x10, 0)));
  assert_true(mem_is(m + PAGE, PAGE, pat(0x10, 1)));
  unmap_ok(root, m, 2 * PAGE);
  // Over a free spot (a top-level VMAR's range just given back) as well.
  vmar_vaddr_t fa = 0;
  vmar_handle_t f = alloc_ok(root, 0, 0, 4 * PAGE, &fa);
  destroy_close(f);
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_map(root, PERM_RW | VMAR_VM_SPECIFIC_OVERWRITE,
                         fa - ri.base, b, 0, 2 * PAGE, &x));
  assert_int_equal(x, SENTINEL_ADDR);
  // Nothing of vmar's came back there. (A sanitizer runtime may itself map
  // into a range just given back, so only plain builds check it is empty.)
  assert_false(test_maps_range_perms(fa, 2 * PAGE, "rw-s"));
  if (TEST_EXACT_VMA_COUNT) {
    assert_true(test_maps_range_unmapped(fa, 4 * PAGE));
  }
  close_ok(b);
}

// Maps in the root; SPECIFIC over foreign memory: ALREADY_EXISTS.
static void
map__in_root_ok_and_specific_over_foreign_already_exists(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t root = vmar_root_self();
  vmar_info_t ri = info_of(root);
  vmar_vaddr_t m = map_ok(root, PERM_RW, 0, fx->vmo, PAGE, 3 * PAGE);
  assert_true(m >= ri.base && m + 3 * PAGE <= ri.base + ri.len);
  assert_true(mem_is(m, PAGE, pat(0x10, 1)));
  assert_true(test_maps_range_perms(m, 3 * PAGE, "rw-s"));
  unmap_ok(root, m, 3 * PAGE);
  assert_false(test_probe_read((const volatile void*)m));
  // Foreign memory: an anonymous mapping the test made itself.
  unsigned char* f = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(f != MAP_FAILED);
  memset(f, 0x3C, 2 * PAGE);
  vmar_vaddr_t x = SENTINEL_ADDR;
  assert_status(VMAR_ERR_ALREADY_EXISTS,
                vmar_map(root, PERM_RW | VMAR_VM_SPECIFIC,
                         (uintptr_t)f + PAGE - ri.base, fx->vmo, 0, PAGE, &x));
  assert_int_equal(x, SENTINEL_ADDR);
  assert_status(VMAR_ERR_ALREADY_EXISTS,
                vmar_map(root, PERM_RW | VMAR_VM_SPECIFIC,
                         (uintptr_t)f - PAGE - ri.base, fx->vmo, 0, 2 * PAGE,
                         &x));
  assert_int_equal(x, SENTINEL_ADDR);
  assert_true(mem_is((uintptr_t)f, 2 * PAGE, 0x3C));
  assert_true(test_maps_range_perms((uintptr_t)f, 2 * PAGE, "rw-p"));
  assert_int_equal(munmap(f, 2 * PAGE), 0);
}

// MAP_RANGE maps committed and uncommitted VMOs alike; contents visible.
static void map__map_range_ok(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a =
      map_ok(fx->vmar, PERM_RW | VMAR_VM_MAP_RANGE, 0, fx->vmo, 0, 4 * PAGE);
  for (size_t p = 0; p < 4; p++) {
    assert_true(mem_is(a + p * PAGE, PAGE, pat(0x10, p)));
  }
  vmar_handle_t fresh = vmo_new(4 * PAGE, 0);
  vmar_vaddr_t b = map_ok(fx->vmar, VMAR_VM_PERM_READ | VMAR_VM_MAP_RANGE, 0,
                          fresh, 0, 4 * PAGE);
  assert_true(mem_is(b, 4 * PAGE, 0));
  // Past the VMO's end too (those pages still fault).
  vmar_vaddr_t c = map_ok(fx->vmar, VMAR_VM_PERM_READ | VMAR_VM_MAP_RANGE, 0,
                          fresh, 0, 6 * PAGE);
  assert_false(test_probe_read((const volatile void*)(c + 5 * PAGE)));
  unmap_ok(fx->vmar, a, 4 * PAGE);
  unmap_ok(fx->vmar, b, 4 * PAGE);
  unmap_ok(fx->vmar, c, 6 * PAGE);
  close_ok(fresh);
  fixture_assert_empty(fx);
}

// ---------------------------------------------------------------------------
// Success: what mappings do

// Mapping past the VMO's end is allowed; those pages fault.
static void map__past_vmo_end_pages_fault(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t one = vmo_new(PAGE, 0);
  vmar_vaddr_t a = map_ok(fx->vmar, PERM_RW, 0, one, 0, 4 * PAGE);
  assert_true(test_probe_write((volatile void*)a));
  assert_true(test_probe_read((const volatile void*)(a + PAGE - 1)));
  for (size_t p = 1; p < 4; p++) {
    assert_false(test_probe_read((const volatile void*)(a + p * PAGE)));
    assert_false(test_probe_write((volatile void*)(a + p * PAGE + 1)));
  }
  // Wholly past the end, and a zero-size VMO.
  vmar_vaddr_t b = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, fx->vmo,
                          (VMO_PAGES + 2) * PAGE, 2 * PAGE);
  assert_false(test_probe_read((const volatile void*)b));
  vmar_handle_t zero = vmo_new(0, 0);
  vmar_vaddr_t c = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, zero, 0, PAGE);
  assert_false(test_probe_read((const volatile void*)c));
  unmap_ok(fx->vmar, a, 4 * PAGE);
  unmap_ok(fx->vmar, b, 2 * PAGE);
  unmap_ok(fx->vmar, c, PAGE);
  CLOSE_ALL_OK(zero, one);
  fixture_assert_empty(fx);
}

// vmo_offset 2^64 - 2 pages is accepted and every access faults.
static void map__huge_vmo_offset_accepted_faults(void** state) {
  fixture_t* fx = *state;
  const uint64_t off = UINT64_MAX - 2 * PAGE + 1;
  vmar_vaddr_t a = map_ok(fx->vmar, PERM_RW, 0, fx->vmo, off, PAGE);
  assert_false(test_probe_read((const volatile void*)a));
  assert_false(test_probe_write((volatile void*)(a + 9)));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_int_equal(m[1].base, a);
  assert_int_equal(m[1].size, PAGE);
  assert_int_equal(m[1].vmo_offset, off);
  free(m);
  // It can be protected and unmapped like any other mapping.
  assert_status(VMAR_OK, vmar_protect(fx->vmar, VMAR_VM_PERM_READ, a, PAGE));
  assert_false(test_probe_read((const volatile void*)a));
  unmap_ok(fx->vmar, a, PAGE);
  fixture_assert_empty(fx);
}

// The ceiling is fixed at map time from both handles, after closing them.
static void map__ceiling_frozen_at_map_time(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  vmar_vaddr_t a = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, ro, 0, 2 * PAGE);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_protect(fx->vmar, PERM_RW, a, 2 * PAGE));
  close_ok(ro);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_protect(fx->vmar, PERM_RW, a, 2 * PAGE));
  assert_false(test_probe_write((volatile void*)a));
  assert_true(test_maps_range_perms(a, 2 * PAGE, "r--s"));
  assert_status(VMAR_OK, vmar_protect(fx->vmar, 0, a, 2 * PAGE));
  assert_status(VMAR_OK, vmar_protect(fx->vmar, VMAR_VM_PERM_READ, a, PAGE));
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  unmap_ok(fx->vmar, a, 2 * PAGE);
  // Through a VMAR handle without WRITE: the ceiling lacks WRITE for good.
  vmar_handle_t vro = dup_without(fx->vmar, VMAR_RIGHT_WRITE);
  vmar_vaddr_t b = map_ok(vro, VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
  close_ok(vro);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_protect(fx->vmar, PERM_RW, b, PAGE));
  unmap_ok(fx->vmar, b, PAGE);
  // Mapped read-only with full rights: may be raised to RW later.
  vmar_vaddr_t c = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, fx->vmo, 0, PAGE);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_RW, c, PAGE));
  assert_true(test_probe_write((volatile void*)c));
  // But not to EXECUTE: the VMO handle had no EXECUTE right.
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_protect(fx->vmar, PERM_RWX, c, PAGE));
  unmap_ok(fx->vmar, c, PAGE);
  fixture_assert_empty(fx);
}

// A mapping without PERM bits is legal and faults on any access.
static void map__no_permission_mapping_faults(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_ok(fx->vmar, 0, 0, fx->vmo, 0, 2 * PAGE);
  assert_false(test_probe_read((const volatile void*)a));
  assert_false(test_probe_read((const volatile void*)(a + PAGE + 5)));
  assert_false(test_probe_write((volatile void*)a));
  assert_true(test_maps_range_perms(a, 2 * PAGE, "---s"));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_int_equal(m[1].mmu_flags, 0);
  free(m);
  // Its ceiling still allows READ.
  assert_status(VMAR_OK, vmar_protect(fx->vmar, VMAR_VM_PERM_READ, a, PAGE));
  assert_true(mem_is(a, PAGE, pat(0x10, 0)));
  unmap_ok(fx->vmar, a, 2 * PAGE);
  fixture_assert_empty(fx);
}

// Two mappings of one VMO share memory with each other and with vmo_read.
static void map__two_mappings_share_memory(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_ok(fx->vmar, PERM_RW, 0, fx->vmo, 0, 4 * PAGE);
  vmar_vaddr_t b =
      map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, fx->vmo, 2 * PAGE, 2 * PAGE);
  assert_int_not_equal(a, b);
  volatile unsigned char* pa = (volatile unsigned char*)a;
  volatile const unsigned char* pb = (volatile const unsigned char*)b;
  pa[2 * PAGE + 11] = 0x5D;
  assert_int_equal(pb[11], 0x5D);
  unsigned char byte = 0;
  assert_status(VMAR_OK, vmar_vmo_read(fx->vmo, &byte, 2 * PAGE + 11, 1));
  assert_int_equal(byte, 0x5D);
  byte = 0x6E;
  assert_status(VMAR_OK, vmar_vmo_write(fx->vmo, &byte, 3 * PAGE + 1, 1));
  assert_int_equal(pa[3 * PAGE + 1], 0x6E);
  assert_int_equal(pb[PAGE + 1], 0x6E);
  unmap_ok(fx->vmar, a, 4 * PAGE);
  unmap_ok(fx->vmar, b, 2 * PAGE);
  fixture_assert_empty(fx);
}

// The host shows each mapping's permissions on a shared file mapping
// (/proc/self/maps, or the region list on macOS); READ|WRITE|EXECUTE is
// refused where the host refuses writable+executable memory.
static void map__proc_maps_shows_permissions(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t x = make_exec(dup_without(fx->vmo, 0));
  const struct {
    vmar_vm_option_t perms;
    vmar_handle_t vmo;
    const char* want;
  } kCases[] = {
      {PERM_RW, fx->vmo, "rw-s"},
      {VMAR_VM_PERM_READ, fx->vmo, "r--s"},
      {0, fx->vmo, "---s"},
      {PERM_RX, x, "r-xs"},
      {PERM_RWX, x, "rwxs"},
      {VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED | VMAR_VM_PERM_EXECUTE, x, "r-xs"},
      {VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED | VMAR_VM_PERM_WRITE, fx->vmo,
       "rw-s"},
      {VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED, fx->vmo, "r--s"},
  };
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    if (TEST_HOST_WX_EXCLUSIVE && (kCases[i].perms & PERM_RWX) == PERM_RWX) {
      // A host that refuses writable+executable memory (Apple silicon):
      // ACCESS_DENIED before any host call, nothing mapped (design.md §10).
      expect_map_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar,
                       kCases[i].perms | VMAR_VM_SPECIFIC, 8 * PAGE,
                       kCases[i].vmo, 0, 2 * PAGE);
      continue;
    }
    vmar_vaddr_t a = map_ok(fx->vmar, kCases[i].perms | VMAR_VM_SPECIFIC,
                            8 * PAGE, kCases[i].vmo, 0, 2 * PAGE);
    assert_true(test_maps_range_perms(a, 2 * PAGE, kCases[i].want));
    assert_true(test_maps_range_reserved(fx->base, 8 * PAGE));
    assert_true(test_maps_range_reserved(a + 2 * PAGE, fx->len - 10 * PAGE));
    size_t n = 0;
    vmar_map_info_t* m = maps_take(fx->vmar, &n);
    assert_int_equal(n, 2);
    vmar_vm_option_t want_flags =
        (kCases[i].want[0] == 'r' ? VMAR_VM_PERM_READ : 0) |
        (kCases[i].want[1] == 'w' ? VMAR_VM_PERM_WRITE : 0) |
        (kCases[i].want[2] == 'x' ? VMAR_VM_PERM_EXECUTE : 0);
    assert_int_equal(m[1].mmu_flags, want_flags);
    free(m);
    unmap_ok(fx->vmar, a, 2 * PAGE);
  }
  close_ok(x);
  fixture_assert_empty(fx);
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(map__bad_handle_bad_handle),
      T(map__wrong_type_wrong_type),
      T(map__vmo_without_map_right_access_denied),
      T(map__write_or_execute_without_read_invalid_args),
      T(map__map_range_with_overwrite_invalid_args),
      T(map__can_map_bits_invalid_args),
      T(map__perm_right_missing_access_denied),
      T(map__unknown_bits_or_bad_align_invalid_args),
      T(map__require_non_resizable_resizable_not_supported),
      T(map__discardable_without_allow_faults_not_supported),
      T(map__compact_or_can_map_specific_invalid_args),
      T(map__vmo_offset_unaligned_invalid_args),
      T(map__len_overflow_out_of_range),
      T(map__destroyed_vmar_bad_state),
      T(map__len_zero_or_bad_offset_invalid_args),
      T(map__specific_without_can_map_specific_access_denied),
      T(map__out_of_bounds_invalid_args),
      T(map__specific_misaligned_for_align_invalid_args),
      T(map__specific_overlap_already_exists),
      T(map__no_spot_no_resources),
      T(map__null_mapped_addr_invalid_args),
      BAD_INPUT_TEST(map__bad_input_exact_status, "vmar_map", kMapBad, map_row),
      T(map__plain_inside_rounded_ok),
      T(map__align_placement_aligned_inside),
      T(map__compact_packs_lowest_first),
      T(map__random_placement_disjoint_inside),
      T(map__specific_exact_ok),
      T(map__upper_limit_honours_vmo_offset),
      T(map__specific_overwrite_replaces_and_splits),
      T(map__specific_overwrite_sub_vmar_invalid_args),
      T(map__specific_overwrite_in_root_not_supported),
      T(map__in_root_ok_and_specific_over_foreign_already_exists),
      T(map__map_range_ok),
      T(map__past_vmo_end_pages_fault),
      T(map__huge_vmo_offset_accepted_faults),
      T(map__ceiling_frozen_at_map_time),
      T(map__no_permission_mapping_faults),
      T(map__two_mappings_share_memory),
      T(map__proc_maps_shows_permissions),
  };
#undef T
  return cmocka_run_group_tests_name("api.map", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
