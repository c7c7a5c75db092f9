// SPDX-License-Identifier: MIT
// vmar_protect: statuses in zx_vmar_protect's order, ceilings, per-page ranges.
// APIs covered: vmar_protect (with vmar_map, vmar_allocate, vmar_get_maps and
//   vmar_vmo_* as helpers and witnesses).

#include "test.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "bad_input.h"
#include "fixture.h"

#define XOM VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED

enum { FIX_PAGES = 128, VMO_PAGES = 16 };

// Per-test: a top-level VMAR (CAN_MAP_READ|WRITE|EXECUTE|SPECIFIC), fx->vmo
// (page i filled with pat(0x30, i)), fx->xvmo (the same VMO with EXECUTE)
// and fx->dead (a destroyed sub-VMAR over the last 8 pages, which had a
// mapping).
static const fixture_params_t kFixture = {
    .pages = FIX_PAGES,
    .options = CAN_RWX | CAN_SPEC,
    .vmo = {VMO_PAGES, 0x30},
    .xvmo = true,
    .dead = {8, CAN_RWX | VMAR_VM_SPECIFIC, FIX_PAGES - 8, 1}};

// ---------------------------------------------------------------------------
// Helpers

// /proc/self/maps permissions of fixture pages [page, page + pages).
static bool perms_are(const fixture_t* fx, size_t page, size_t pages,
                      const char* perms) {
  return test_maps_range_perms(fixture_page(fx, page), pages * PAGE, perms);
}

// The probes agree with |perms| ("rw", "r-" or "--") on fixture page |page|,
// and a readable page shows its pattern.
static void assert_access(const fixture_t* fx, size_t page, const char* perms) {
  vmar_vaddr_t a = fixture_page(fx, page);
  bool r = test_probe_read((const volatile void*)(a + 1));
  bool w = test_probe_write((volatile void*)(a + 2));
  assert_int_equal(r, perms[0] == 'r');
  assert_int_equal(w, perms[1] == 'w');
  if (r) {
    assert_int_equal(*(const volatile unsigned char*)(a + PAGE - 1),
                     pat(0x30, page));
  }
}

// protect must fail with |expected| and change nothing (unchanged_assert).
static void expect_protect_fails(const fixture_t* fx, vmar_status_t expected,
                                 vmar_handle_t vmar, vmar_vm_option_t options,
                                 vmar_vaddr_t addr, size_t len) {
  unchanged_t before = fixture_unchanged(fx);
  assert_status(expected, vmar_protect(vmar, options, addr, len));
  unchanged_assert(&before);
}

// ---------------------------------------------------------------------------
// Success

// Per-page permissions in /proc/self/maps, get_maps, probes; then merged.
static void protect__per_page_ranges_visible(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 4, 4);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, a + PAGE, PAGE));
  assert_status(VMAR_OK, vmar_protect(fx->vmar, 0, a + 2 * PAGE, PAGE));
  assert_true(perms_are(fx, 4, 1, "rw-s"));
  assert_true(perms_are(fx, 5, 1, "r--s"));
  assert_true(perms_are(fx, 6, 1, "---s"));
  assert_true(perms_are(fx, 7, 1, "rw-s"));
  const char* const kAccess[] = {"rw", "r-", "--", "rw"};
  for (size_t p = 0; p < 4; p++) {
    assert_access(fx, 4 + p, kAccess[p]);
  }
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 5);
  const uint32_t kFlags[] = {PERM_RW, PERM_R, 0, PERM_RW};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(m[i + 1].type, VMAR_MAP_INFO_TYPE_MAPPING);
    assert_int_equal(m[i + 1].base, a + i * PAGE);
    assert_int_equal(m[i + 1].size, PAGE);
    assert_int_equal(m[i + 1].depth, 1);
    assert_int_equal(m[i + 1].mmu_flags, kFlags[i]);
    assert_int_equal(m[i + 1].vmo_offset, (4 + i) * PAGE);
  }
  free(m);
  // All back to RW: one range again.
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_RW, a, 4 * PAGE));
  assert_true(perms_are(fx, 4, 4, "rw-s"));
  for (size_t p = 4; p < 8; p++) {
    assert_access(fx, p, "rw");
  }
  m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_int_equal(m[1].base, a);
  assert_int_equal(m[1].size, 4 * PAGE);
  assert_int_equal(m[1].mmu_flags, PERM_RW);
  assert_int_equal(m[1].vmo_offset, 4 * PAGE);
  free(m);
  // Two pages R in the middle, then the neighbours too: one R range.
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, a + PAGE, 2 * PAGE));
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, a, PAGE));
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, a + 3 * PAGE, PAGE));
  m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_int_equal(m[1].mmu_flags, PERM_R);
  free(m);
  assert_true(perms_are(fx, 4, 4, "r--s"));
  assert_true(test_maps_range_reserved(fx->base, 4 * PAGE));
  assert_true(test_maps_range_reserved(fixture_page(fx, 8), 8 * PAGE));
  unmap_ok(fx->vmar, a, 4 * PAGE);
}

// The length is rounded up to whole pages.
static void protect__len_rounded_up(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 4);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, a, 1));
  assert_true(perms_are(fx, 0, 1, "r--s"));
  assert_true(perms_are(fx, 1, 3, "rw-s"));
  assert_status(VMAR_OK, vmar_protect(fx->vmar, 0, a + PAGE, PAGE + 1));
  assert_true(perms_are(fx, 1, 2, "---s"));
  assert_true(perms_are(fx, 3, 1, "rw-s"));
  const char* const kAccess[] = {"r-", "--", "--", "rw"};
  for (size_t p = 0; p < 4; p++) {
    assert_access(fx, p, kAccess[p]);
  }
  unmap_ok(fx->vmar, a, 4 * PAGE);
}

// Several adjacent mappings are protected in one call.
static void protect__adjacent_mappings_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t other = vmo_patterned(VMO_PAGES, 0x30);
  fixture_map_beside(fx, other, 3);
  fixture_map_at(fx, 0, fx->vmo, 7, 1);
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, PERM_RW, fixture_page(fx, 3), 5 * PAGE));
  assert_true(perms_are(fx, 2, 6, "rw-s"));
  for (size_t p = 2; p < 8; p++) {
    assert_access(fx, p, "rw");
  }
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, 0, fixture_page(fx, 2), 6 * PAGE));
  assert_true(perms_are(fx, 2, 6, "---s"));
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, fixture_page(fx, 2), 6 * PAGE));
  close_ok(other);
}

// PERM_READ_IF_XOM_UNSUPPORTED adds READ (no host has execute-only memory).
static void protect__read_if_xom_adds_read_ok(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->xvmo, 0, 2);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, XOM, a, PAGE));
  assert_true(perms_are(fx, 0, 1, "r--s"));
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, XOM | VMAR_VM_PERM_EXECUTE, a, PAGE));
  assert_true(perms_are(fx, 0, 1, "r-xs"));
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, XOM | VMAR_VM_PERM_WRITE, a, 2 * PAGE));
  assert_true(perms_are(fx, 0, 2, "rw-s"));
  assert_access(fx, 0, "rw");
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// ---------------------------------------------------------------------------
// Failures, in zx_vmar_protect's order

// Invalid handles are BAD_HANDLE; a VMO is WRONG_TYPE.
static void protect__bad_handles(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 2);
  expect_protect_fails(fx, VMAR_ERR_BAD_HANDLE, VMAR_HANDLE_INVALID, PERM_R, a,
                       PAGE);
  expect_protect_fails(fx, VMAR_ERR_BAD_HANDLE, 0x12345678u, VMAR_VM_PERM_WRITE,
                       a + 1, 0);
  expect_protect_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, PERM_R, a, PAGE);
  expect_protect_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, VMAR_VM_PERM_WRITE,
                       a + 1, 0);
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 2: handle lacks a PERM right: ACCESS_DENIED, before step 3 and on.
static void protect__handle_lacks_right_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->xvmo, 0, 2);
  vmar_handle_t nw = dup_without(fx->vmar, VMAR_RIGHT_WRITE);
  vmar_handle_t nx = dup_without(fx->vmar, VMAR_RIGHT_EXECUTE);
  vmar_handle_t nr = dup_without(fx->vmar, VMAR_RIGHT_READ);
  vmar_handle_t dead_nw = dup_without(fx->dead, VMAR_RIGHT_WRITE);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nw, PERM_RW, a, PAGE);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nx, PERM_RX, a, PAGE);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nr, PERM_R, a, PAGE);
  // READ_IF_XOM adds READ, which the handle must then carry.
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nr, XOM, a, PAGE);
  // WRITE alone via a handle without WRITE: ACCESS_DENIED, not INVALID_ARGS.
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nw, VMAR_VM_PERM_WRITE, a,
                       PAGE);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nx, VMAR_VM_PERM_EXECUTE, a,
                       PAGE);
  // With an unaligned address, a bad option, len 0, outside the VMAR.
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nw,
                       PERM_RW | VMAR_VM_SPECIFIC, a + 1, 0);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, nw, PERM_RW, fx->base - PAGE,
                       PAGE);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, dead_nw, PERM_RW,
                       fixture_page(fx, FIX_PAGES - 8), PAGE);
  // Lowering needs no right beyond READ.
  assert_status(VMAR_OK, vmar_protect(nw, PERM_R, a, PAGE));
  assert_status(VMAR_OK, vmar_protect(nr, 0, a, PAGE));
  assert_true(perms_are(fx, 0, 1, "---s"));
  CLOSE_ALL_OK(dead_nw, nr, nx, nw);
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 3: W or X without R: INVALID_ARGS, before every later check.
static void protect__write_or_execute_without_read_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  vmar_vaddr_t a = fixture_map_at(fx, PERM_R, ro, 0, 2);
  close_ok(ro);
  const vmar_vm_option_t kBad[] = {VMAR_VM_PERM_WRITE, VMAR_VM_PERM_EXECUTE,
                                   VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE};
  for (size_t i = 0; i < 3; i++) {
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], a, PAGE);
    // The mapping's ceiling lacks WRITE: still INVALID_ARGS.
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], a,
                         2 * PAGE);
    // A hole, and a destroyed VMAR.
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], a,
                         8 * PAGE);
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, kBad[i],
                         fixture_page(fx, FIX_PAGES - 8), PAGE);
  }
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 4: unaligned or a non-PERM option: INVALID_ARGS, even dead or holed.
static void protect__unaligned_or_bad_option_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 4);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R, a + 1,
                       PAGE);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R,
                       a + PAGE / 2, PAGE);
  const vmar_vm_option_t kBad[] = {
      VMAR_VM_SPECIFIC,
      VMAR_VM_SPECIFIC_OVERWRITE,
      VMAR_VM_COMPACT,
      VMAR_VM_CAN_MAP_READ,
      VMAR_VM_CAN_MAP_SPECIFIC,
      VMAR_VM_MAP_RANGE,
      VMAR_VM_REQUIRE_NON_RESIZABLE,
      VMAR_VM_ALLOW_FAULTS,
      VMAR_VM_OFFSET_IS_UPPER_LIMIT,
      (vmar_vm_option_t)1u << 16,
      (vmar_vm_option_t)1u << 23,
      VMAR_VM_ALIGN_4KB,
      VMAR_VM_ALIGN_1MB,
      0x80000000u,
  };
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R | kBad[i],
                         a, PAGE);
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], a,
                         8 * PAGE);
    expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, PERM_R | kBad[i],
                         fixture_page(fx, FIX_PAGES - 8), PAGE);
  }
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, PERM_R,
                       fixture_page(fx, FIX_PAGES - 8) + 1, PAGE);
  assert_true(perms_are(fx, 0, 4, "rw-s"));
  unmap_ok(fx->vmar, a, 4 * PAGE);
}

// Step 5: a length rounding to 0 is INVALID_ARGS, before BAD_STATE.
static void protect__len_zero_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 2);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R, a, 0);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R, a,
                       SIZE_MAX);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R, a,
                       SIZE_MAX - PAGE + 2);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, PERM_R,
                       fixture_page(fx, FIX_PAGES - 8), 0);
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 5: a destroyed VMAR is BAD_STATE, before the range check.
static void protect__destroyed_bad_state(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t d = fixture_page(fx, FIX_PAGES - 8);
  expect_protect_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_R, d, PAGE);
  expect_protect_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, 0, d, 8 * PAGE);
  expect_protect_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_R, fx->base,
                       PAGE);
  expect_protect_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, PERM_R, d, 100 * PAGE);
}

// Step 5: a range not inside the VMAR is INVALID_ARGS, before NOT_FOUND.
static void protect__outside_vmar_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 2);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R,
                       fx->base - PAGE, 2 * PAGE);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R,
                       fx->base + fx->len - PAGE, 2 * PAGE);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R,
                       fx->base + fx->len, PAGE);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, PERM_R, fx->base,
                       (SIZE_MAX - fx->base) + 1 + PAGE);
  assert_true(perms_are(fx, 0, 2, "rw-s"));
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 6: any hole (incl. an empty sub-VMAR) is NOT_FOUND; nothing changes.
static void protect__hole_not_found(void** state) {
  fixture_t* fx = *state;
  fixture_map_at(fx, PERM_RW, fx->vmo, 2, 2);
  fixture_map_at(fx, PERM_RW, fx->vmo, 4, 2);
  vmar_handle_t empty = fixture_sub(fx, CAN_RW, 6, 2, NULL);
  fixture_map_at(fx, PERM_RW, fx->vmo, 8, 2);
  fixture_map_at(fx, PERM_RW, fx->vmo, 12, 2);
  const size_t kRange[][2] = {
      {1, 2},  // hole at the start
      {0, 1},  // nothing at all
      {2, 8},  // the empty sub-VMAR in the middle
      {6, 2},  // only the empty sub-VMAR
      {8, 6},  // a plain hole in the middle
      {12, 3}, // hole at the end
      {2, 12}, // all of it
  };
  for (size_t i = 0; i < sizeof(kRange) / sizeof(kRange[0]); i++) {
    expect_protect_fails(fx, VMAR_ERR_NOT_FOUND, fx->vmar, PERM_R,
                         fixture_page(fx, kRange[i][0]), kRange[i][1] * PAGE);
  }
  assert_true(perms_are(fx, 2, 4, "rw-s"));
  assert_true(perms_are(fx, 8, 2, "rw-s"));
  assert_true(perms_are(fx, 12, 2, "rw-s"));
  // Hole first, ceiling violation later: NOT_FOUND.
  vmar_handle_t ro = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  fixture_map_at(fx, PERM_R, ro, 20, 2);
  close_ok(ro);
  expect_protect_fails(fx, VMAR_ERR_NOT_FOUND, fx->vmar, PERM_RW,
                       fixture_page(fx, 19), 3 * PAGE);
  // The mapped parts alone are fine.
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, PERM_R, fixture_page(fx, 2), 4 * PAGE));
  assert_true(perms_are(fx, 2, 4, "r--s"));
  destroy_close(empty);
  unmap_ok(fx->vmar, fx->base, fx->len);
}

// Step 6: a mapping's ceiling bounds protect; the rest of the range stays.
static void protect__ceiling_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  fixture_map_at(fx, PERM_RW, fx->vmo, 0, 2);
  fixture_map_at(fx, PERM_R, ro, 2, 2);
  close_ok(ro);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RW,
                       fixture_page(fx, 2), PAGE);
  // A range over both: the first mapping is not touched either.
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, PERM_R, fixture_page(fx, 0), 2 * PAGE));
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RW,
                       fixture_page(fx, 0), 4 * PAGE);
  assert_true(perms_are(fx, 0, 4, "r--s"));
  assert_access(fx, 0, "r-");
  // EXECUTE: a mapping of a VMO handle without EXECUTE.
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RX,
                       fixture_page(fx, 0), PAGE);
  // A mapping made through a VMAR handle without EXECUTE.
  vmar_handle_t nx = dup_without(fx->vmar, VMAR_RIGHT_EXECUTE);
  vmar_vaddr_t x =
      map_ok(nx, PERM_R | VMAR_VM_SPECIFIC, 8 * PAGE, fx->xvmo, 8 * PAGE, PAGE);
  close_ok(nx);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RX, x, PAGE);
  // The same VMO mapped through the full handle may become executable.
  vmar_vaddr_t y = map_ok(fx->vmar, PERM_R | VMAR_VM_SPECIFIC, 9 * PAGE,
                          fx->xvmo, 9 * PAGE, PAGE);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_RX, y, PAGE));
  assert_true(perms_are(fx, 9, 1, "r-xs"));
  if (TEST_HOST_WX_EXCLUSIVE) {
    // A host that refuses writable+executable memory (Apple silicon):
    // ACCESS_DENIED before any host call, the pages as they were
    // (design.md §10).
    expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RWX, y,
                         PAGE);
    assert_true(perms_are(fx, 9, 1, "r-xs"));
  } else {
    assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_RWX, y, PAGE));
    assert_true(perms_are(fx, 9, 1, "rwxs"));
  }
  unmap_ok(fx->vmar, fx->base, 10 * PAGE);
}

// Step 6: through a parent: OP_CHILDREN needed and permissions only reduce.
static void protect__through_parent_only_reduces(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub =
      fixture_sub(fx, VMAR_VM_CAN_MAP_SPECIFIC | CAN_RW, 4, 4, &sa);
  map_pages_ok(sub, sa, 0, fx->vmo, 4, 4);
  fixture_map_at(fx, PERM_RW, fx->vmo, 2, 2); // a direct mapping just before it
  vmar_handle_t weak = dup_without(fx->vmar, VMAR_RIGHT_OP_CHILDREN);
  // Without OP_CHILDREN even reducing is INVALID_ARGS.
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, weak, PERM_R, sa, PAGE);
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, weak, PERM_R,
                       fixture_page(fx, 2), 4 * PAGE);
  // A direct mapping needs no OP_CHILDREN.
  assert_status(VMAR_OK,
                vmar_protect(weak, PERM_R, fixture_page(fx, 2), 2 * PAGE));
  assert_status(VMAR_OK,
                vmar_protect(weak, PERM_RW, fixture_page(fx, 2), 2 * PAGE));
  close_ok(weak);
  // With OP_CHILDREN: reduce the sub-VMAR's mapping, partly.
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, sa, 2 * PAGE));
  assert_true(perms_are(fx, 4, 2, "r--s"));
  assert_true(perms_are(fx, 6, 2, "rw-s"));
  assert_access(fx, 4, "r-");
  assert_access(fx, 6, "rw");
  // Raising through the parent: ACCESS_DENIED, also in a mixed range where
  // only the sub-VMAR part would be raised.
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RW, sa, PAGE);
  expect_protect_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, PERM_RW,
                       fixture_page(fx, 2), 6 * PAGE);
  // Keeping the same permissions is not raising.
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, PERM_RW, sa + 2 * PAGE, 2 * PAGE));
  // Reducing a mixed range works, to no access too.
  assert_status(VMAR_OK,
                vmar_protect(fx->vmar, 0, fixture_page(fx, 2), 6 * PAGE));
  assert_true(perms_are(fx, 2, 6, "---s"));
  // The sub-VMAR's own handle raises back up to the ceiling.
  assert_status(VMAR_OK, vmar_protect(sub, PERM_RW, sa, 4 * PAGE));
  assert_true(perms_are(fx, 4, 4, "rw-s"));
  assert_access(fx, 5, "rw");
  // A sub-VMAR's handle cannot reach its parent's mappings.
  expect_protect_fails(fx, VMAR_ERR_INVALID_ARGS, sub, PERM_RW,
                       fixture_page(fx, 2), 2 * PAGE);
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 4);
  assert_int_equal(m[1].mmu_flags, 0); // the direct mapping
  assert_int_equal(m[2].type, VMAR_MAP_INFO_TYPE_VMAR);
  assert_int_equal(m[3].mmu_flags, PERM_RW); // inside the sub-VMAR
  assert_int_equal(m[3].depth, 2);
  free(m);
  destroy_close(sub);
  unmap_ok(fx->vmar, fx->base, fx->len);
}

// Bad input, as a table (bad_input.h): h1 the VMAR, opt the permissions,
// a the address (top-relative), b len.

static const bad_row_t kProtectBad[] = {
    NOT_LIVE("vmar", H_NONE, PERM_R, PG(0), PG(1), V0, 0),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, PERM_R, PG(0), PG(1), V0, 0},
    {"WRITE, handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_NONE, PERM_RW,
     PG(0), PG(1), V0, 0},
    {"missing right checked before WRITE without READ", ACCESS_DENIED, H_TOP_RO,
     H_NONE, PERM_W, PG(0), PG(1), V0, 0},
    {"WRITE without READ", INVALID_ARGS, H_TOP, H_NONE, PERM_W, PG(0), PG(1),
     V0, 0},
    {"addr not page-aligned", INVALID_ARGS, H_TOP, H_NONE, PERM_R, PGB(0, 1),
     PG(1), V0, 0},
    {"a non-PERM option", INVALID_ARGS, H_TOP, H_NONE, PERM_R | SPEC, PG(0),
     PG(1), V0, 0},
    {"an alignment field", INVALID_ARGS, H_TOP, H_NONE,
     PERM_R | VMAR_VM_ALIGN_64KB, PG(0), PG(1), V0, 0},
    {"len 0", INVALID_ARGS, H_TOP, H_NONE, PERM_R, PG(0), V0, V0, 0},
    {"vmar destroyed", BAD_STATE, H_DEAD, H_NONE, PERM_R, PG(12), PG(1), V0, 0},
    {"range past the end", INVALID_ARGS, H_TOP, H_NONE, PERM_R,
     PG(TOP_PAGES - 1), PG(2), V0, 0},
    {"a hole", NOT_FOUND, H_TOP, H_NONE, PERM_R, PG(5), PG(1), V0, 0},
    {"range running into a hole", NOT_FOUND, H_TOP, H_NONE, PERM_R, PG(3),
     PG(3), V0, 0},
    {"above the mapping's ceiling", ACCESS_DENIED, H_TOP, H_NONE, PERM_RW,
     PG(4), PG(1), V0, 0},
    {"mapping in a sub-VMAR without OP_CHILDREN", INVALID_ARGS, H_TOP_NOOPCH,
     H_NONE, 0, PG(SUB_AT), PG(1), V0, 0},
    {"raising through the parent", ACCESS_DENIED, H_TOP, H_NONE, PERM_RW,
     PG(SUB_AT), PG(1), V0, 0},
    {"reducing through the parent", OK, H_TOP, H_NONE, 0, PG(SUB_AT), PG(1), V0,
     SAMEBACK},
};

static vmar_status_t protect_row(const bad_call_t* c) {
  return vmar_protect(c->h1, (vmar_vm_option_t)c->row->opt, c->addr, c->bz);
}

// ---------------------------------------------------------------------------
// The root VMAR

// Root: vmar's own mappings work; untracked memory is NOT_FOUND, kept.
static void protect__root_untracked_not_found(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t root = vmar_root_self();
  vmar_vaddr_t m = map_ok(root, PERM_RW, 0, fx->vmo, 0, 2 * PAGE);
  assert_status(VMAR_OK, vmar_protect(root, PERM_R, m, PAGE));
  assert_true(test_maps_range_perms(m, PAGE, "r--s"));
  assert_false(test_probe_write((volatile void*)m));
  unsigned char* f = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(f != MAP_FAILED);
  f[0] = 0x11;
  assert_status(VMAR_ERR_NOT_FOUND,
                vmar_protect(root, PERM_R, (uintptr_t)f, PAGE));
  assert_status(VMAR_ERR_NOT_FOUND,
                vmar_protect(root, 0, (uintptr_t)f, 2 * PAGE));
  assert_true(test_maps_range_perms((uintptr_t)f, 2 * PAGE, "rw-p"));
  f[PAGE] = 0x22;
  assert_int_equal(f[0], 0x11);
  assert_int_equal(munmap(f, 2 * PAGE), 0);
  // Also a range reaching from vmar's mapping past it.
  unmap_ok(root, m + PAGE, PAGE);
  assert_status(VMAR_ERR_NOT_FOUND, vmar_protect(root, PERM_RW, m, 2 * PAGE));
  assert_true(test_maps_range_perms(m, PAGE, "r--s"));
  unmap_ok(root, m, PAGE);
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(protect__per_page_ranges_visible),
      T(protect__len_rounded_up),
      T(protect__adjacent_mappings_ok),
      T(protect__read_if_xom_adds_read_ok),
      T(protect__bad_handles),
      T(protect__handle_lacks_right_access_denied),
      T(protect__write_or_execute_without_read_invalid_args),
      T(protect__unaligned_or_bad_option_invalid_args),
      T(protect__len_zero_invalid_args),
      T(protect__destroyed_bad_state),
      T(protect__outside_vmar_invalid_args),
      T(protect__hole_not_found),
      T(protect__ceiling_access_denied),
      T(protect__through_parent_only_reduces),
      BAD_INPUT_TEST(protect__bad_input_exact_status, "vmar_protect",
                     kProtectBad, protect_row),
      T(protect__root_untracked_not_found),
  };
#undef T
  return cmocka_run_group_tests_name("api.protect", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
