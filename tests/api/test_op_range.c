// SPDX-License-Identifier: MIT
// vmar_op_range: every status in zx_vmar_op_range's order, with every op
// (docs/design.md §5 says what each op does on a host).
// APIs covered: vmar_op_range (with vmar_map, vmar_protect, vmar_allocate and
//   vmar_vmo_* as helpers and witnesses).

#include "test.h"

#include <stdlib.h>

#include "bad_input.h"
#include "fixture.h"

enum { FIX_PAGES = 64, VMO_PAGES = 16 };

// Per-test: a top-level VMAR (CAN_MAP_READ|WRITE|SPECIFIC), fx->vmo (page i
// filled with pat(0x40, i)) and fx->dead (a destroyed sub-VMAR over the last
// 8 pages, which had fx->vmo mapped).
static const fixture_params_t kFixture = {
    .pages = FIX_PAGES,
    .options = CAN_RW | CAN_SPEC,
    .vmo = {VMO_PAGES, 0x40},
    .dead = {8, CAN_RW | VMAR_VM_SPECIFIC, FIX_PAGES - 8, 8}};

// The VMAR ops; the first three change or need WRITE, as zx_vmar_op_range
// checks the handle's rights.
static const uint32_t kOps[] = {
    VMAR_OP_COMMIT,   VMAR_OP_DECOMMIT,  VMAR_OP_ZERO,        VMAR_OP_MAP_RANGE,
    VMAR_OP_PREFETCH, VMAR_OP_DONT_NEED, VMAR_OP_ALWAYS_NEED,
};
#define N_OPS (sizeof(kOps) / sizeof(kOps[0]))

// ---------------------------------------------------------------------------
// Helpers

static bool op_zeroes(uint32_t op) {
  return op == VMAR_OP_DECOMMIT || op == VMAR_OP_ZERO;
}

static bool op_needs_write(uint32_t op) {
  return op == VMAR_OP_COMMIT || op == VMAR_OP_DECOMMIT || op == VMAR_OP_ZERO;
}

static bool op_needs_read(uint32_t op) {
  return op == VMAR_OP_MAP_RANGE || op == VMAR_OP_PREFETCH;
}

// True iff fx->vmo still holds its pattern everywhere.
static bool vmo_intact(const fixture_t* fx) {
  for (size_t p = 0; p < VMO_PAGES; p++) {
    if (!vmo_bytes_are(fx->vmo, p * PAGE, PAGE, pat(0x40, p))) {
      return false;
    }
  }
  return true;
}

// op_range must fail with |expected|, leave fx->vmo's contents alone and
// change nothing else (unchanged_assert).
static void expect_op_fails(const fixture_t* fx, vmar_status_t expected,
                            vmar_handle_t vmar, uint32_t op, vmar_vaddr_t addr,
                            size_t len) {
  unchanged_t before = fixture_unchanged(fx);
  assert_status(expected, vmar_op_range(vmar, op, addr, len));
  assert_true(vmo_intact(fx));
  unchanged_assert(&before);
}

// A handle and range to call op_range with.
typedef struct op_call {
  vmar_handle_t vmar;
  vmar_vaddr_t addr;
  size_t len;
} op_call_t;

// For each op of kOps in turn, each of the |n| calls of |calls| must fail
// with |expected| (expect_op_fails).
static void expect_ops_fail(const fixture_t* fx, vmar_status_t expected,
                            const op_call_t* calls, size_t n) {
  for (size_t i = 0; i < N_OPS; i++) {
    for (size_t c = 0; c < n; c++) {
      expect_op_fails(fx, expected, calls[c].vmar, kOps[i], calls[c].addr,
                      calls[c].len);
    }
  }
}

// ---------------------------------------------------------------------------
// Success

// DECOMMIT and ZERO read zero through every mapping and via vmo_read.
static void op_range__decommit_zero_read_zero_everywhere(void** state) {
  fixture_t* fx = *state;
  const uint32_t kZeroing[] = {VMAR_OP_DECOMMIT, VMAR_OP_ZERO,
                               VMAR_VMO_OP_DECOMMIT};
  for (size_t i = 0; i < 3; i++) {
    vmar_handle_t v = vmo_patterned(4, 0x50);
    vmar_vaddr_t m1 = map_ok(fx->vmar, PERM_RW, 0, v, 0, 4 * PAGE);
    vmar_vaddr_t m2 = map_ok(fx->vmar, PERM_R, 0, v, 0, 4 * PAGE);
    vmar_vaddr_t m3 = map_ok(fx->vmar, PERM_R, 0, v, 2 * PAGE, PAGE);
    // Touch everything first, so the op has cached pages to drop.
    assert_true(mem_is(m1 + PAGE, PAGE, pat(0x50, 1)));
    assert_true(mem_is(m2 + 2 * PAGE, PAGE, pat(0x50, 2)));
    assert_true(mem_is(m3, PAGE, pat(0x50, 2)));
    assert_status(VMAR_OK,
                  vmar_op_range(fx->vmar, kZeroing[i], m1 + PAGE, 2 * PAGE));
    for (size_t p = 0; p < 4; p++) {
      uint8_t want = (p == 1 || p == 2) ? 0 : pat(0x50, p);
      assert_true(mem_is(m1 + p * PAGE, PAGE, want));
      assert_true(mem_is(m2 + p * PAGE, PAGE, want));
      assert_true(vmo_bytes_are(v, p * PAGE, PAGE, want));
    }
    assert_true(mem_is(m3, PAGE, 0));
    // Through a read-only mapping (its ceiling has WRITE) it works too.
    assert_status(VMAR_OK,
                  vmar_op_range(fx->vmar, kZeroing[i], m2 + 3 * PAGE, PAGE));
    assert_true(mem_is(m1 + 3 * PAGE, PAGE, 0));
    assert_true(vmo_bytes_are(v, 3 * PAGE, PAGE, 0));
    assert_true(mem_is(m1, PAGE, pat(0x50, 0)));
    // The pages are usable again afterwards.
    ((volatile unsigned char*)m1)[PAGE + 5] = 0x99;
    assert_int_equal(((const volatile unsigned char*)m2)[PAGE + 5], 0x99);
    unmap_ok(fx->vmar, fx->base, fx->len);
    close_ok(v);
  }
}

// The length is rounded up: one byte zeroes a whole page, no more.
static void op_range__len_rounded_up(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 3);
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, a, 1));
  assert_true(mem_is(a, PAGE, 0));
  assert_true(mem_is(a + PAGE, PAGE, pat(0x40, 1)));
  assert_status(VMAR_OK,
                vmar_op_range(fx->vmar, VMAR_OP_DECOMMIT, a + PAGE, PAGE + 1));
  assert_true(mem_is(a + PAGE, 2 * PAGE, 0));
  assert_true(vmo_bytes_are(fx->vmo, 3 * PAGE, PAGE, pat(0x40, 3)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  unmap_ok(fx->vmar, a, 3 * PAGE);
}

// A range spanning adjacent mappings of different VMOs zeroes both parts.
static void op_range__spanning_mappings_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t other = vmo_patterned(VMO_PAGES, 0x40);
  fixture_map_beside(fx, other, 2);
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO,
                                       fixture_page(fx, 3), 2 * PAGE));
  assert_true(mem_is(fixture_page(fx, 2), PAGE, pat(0x40, 2)));
  assert_true(mem_is(fixture_page(fx, 3), 2 * PAGE, 0));
  assert_true(mem_is(fixture_page(fx, 5), PAGE, pat(0x40, 5)));
  assert_true(vmo_bytes_are(fx->vmo, 3 * PAGE, PAGE, 0));
  assert_true(vmo_bytes_are(other, 4 * PAGE, PAGE, 0));
  assert_true(vmo_bytes_are(other, 3 * PAGE, PAGE, pat(0x40, 3)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  unmap_ok(fx->vmar, fx->base, fx->len);
  close_ok(other);
}

// COMMIT and the hints keep the contents; on a fresh VMO, COMMIT keeps zeros.
static void op_range__commit_and_hints_keep_contents(void** state) {
  fixture_t* fx = *state;
  fixture_map_at(fx, PERM_RW, fx->vmo, 0, 4);
  fixture_map_at(fx, PERM_R, fx->vmo, 4, 4);
  for (size_t i = 0; i < N_OPS; i++) {
    if (op_zeroes(kOps[i])) {
      continue;
    }
    assert_status(VMAR_OK,
                  vmar_op_range(fx->vmar, kOps[i], fx->base, 8 * PAGE));
    assert_true(vmo_intact(fx));
    for (size_t p = 0; p < 8; p++) {
      assert_true(mem_is(fixture_page(fx, p), PAGE, pat(0x40, p)));
    }
  }
  vmar_handle_t fresh = vmo_new(4 * PAGE, 0);
  vmar_vaddr_t f = map_ok(fx->vmar, PERM_RW, 0, fresh, 0, 4 * PAGE);
  for (size_t i = 0; i < N_OPS; i++) {
    assert_status(VMAR_OK, vmar_op_range(fx->vmar, kOps[i], f, 4 * PAGE));
    assert_true(mem_is(f, 4 * PAGE, 0));
  }
  unmap_ok(fx->vmar, fx->base, fx->len);
  close_ok(fresh);
}

// ---------------------------------------------------------------------------
// Failures, in zx_vmar_op_range's order

// Step 1: invalid handles are BAD_HANDLE, a VMO is WRONG_TYPE.
static void op_range__bad_handles(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 2);
  for (size_t i = 0; i < N_OPS; i++) {
    expect_op_fails(fx, VMAR_ERR_BAD_HANDLE, VMAR_HANDLE_INVALID, kOps[i], a,
                    PAGE);
    expect_op_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, kOps[i], a, PAGE);
  }
  expect_op_fails(fx, VMAR_ERR_BAD_HANDLE, 0x12345678u, 999u, a + 1, 0);
  expect_op_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, 999u, a + 1, 0);
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 2: unknown ops (VMO-only codes too): INVALID_ARGS, before rights.
static void op_range__unknown_op_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 2);
  vmar_handle_t none =
      dup_without(fx->vmar, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE);
  // (VMO_OP_LOCK is 3, which is VMAR_OP_MAP_RANGE; the other VMO-only codes
  // are not VMAR ops.)
  const uint32_t kBad[] = {0u,
                           VMAR_VMO_OP_UNLOCK,
                           5u,
                           VMAR_VMO_OP_CACHE_SYNC,
                           VMAR_VMO_OP_CACHE_INVALIDATE,
                           VMAR_VMO_OP_CACHE_CLEAN,
                           VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE,
                           VMAR_VMO_OP_TRY_LOCK,
                           11u,
                           15u,
                           100u,
                           UINT32_MAX};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, kBad[i], a, PAGE);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, none, kBad[i], a, PAGE);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, kBad[i],
                    fx->base - PAGE, 0);
  }
  close_ok(none);
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Step 3: each op's handle right; ACCESS_DENIED before every later check.
static void op_range__handle_rights_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 4);
  // Handles to the VMAR without WRITE, without READ and without both.
  const vmar_rights_t kRemoved[] = {VMAR_RIGHT_WRITE, VMAR_RIGHT_READ,
                                    VMAR_RIGHT_READ | VMAR_RIGHT_WRITE};
  vmar_handle_t weak[3];
  for (size_t j = 0; j < 3; j++) {
    weak[j] = dup_without(fx->vmar, kRemoved[j]);
  }
  vmar_handle_t dead_none =
      dup_without(fx->dead, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE);
  for (size_t i = 0; i < N_OPS; i++) {
    uint32_t op = kOps[i];
    for (size_t j = 0; j < 3; j++) {
      bool denied = (op_needs_write(op) && (kRemoved[j] & VMAR_RIGHT_WRITE)) ||
                    (op_needs_read(op) && (kRemoved[j] & VMAR_RIGHT_READ));
      if (!denied) {
        if (!op_zeroes(op)) {
          assert_status(VMAR_OK, vmar_op_range(weak[j], op, a, 4 * PAGE));
        }
        continue;
      }
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, weak[j], op, a, 4 * PAGE);
      // Before len 0, unaligned, outside, hole.
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, weak[j], op, a, 0);
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, weak[j], op, a + 1, PAGE);
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, weak[j], op, fx->base - PAGE,
                      PAGE);
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, weak[j], op, a, 8 * PAGE);
    }
    if (op_needs_write(op) || op_needs_read(op)) {
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, dead_none, op, fx->dead_base,
                      PAGE);
    }
  }
  // DECOMMIT and ZERO with enough rights, on the handle without READ.
  assert_status(VMAR_OK, vmar_op_range(weak[1], VMAR_OP_ZERO, a, PAGE));
  assert_true(mem_is(a, PAGE, 0));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  CLOSE_ALL_OK(dead_none, weak[2], weak[1], weak[0]);
  unmap_ok(fx->vmar, a, 4 * PAGE);
}

// Step 5: len rounding to 0 or unaligned: INVALID_ARGS, before 6 and 7.
static void op_range__len_zero_or_unaligned_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 4);
  const op_call_t kCalls[] = {
      {fx->vmar, a, 0},
      {fx->vmar, a, SIZE_MAX},
      {fx->vmar, a, SIZE_MAX - PAGE + 2},
      {fx->vmar, a + 1, PAGE},
      {fx->vmar, a + PAGE / 2, PAGE},
      // Outside the VMAR, or on a destroyed one: still INVALID_ARGS.
      {fx->vmar, fx->base - PAGE + 1, PAGE},
      {fx->dead, fx->dead_base, 0},
      {fx->dead, fx->dead_base + 1, PAGE},
  };
  expect_ops_fail(fx, VMAR_ERR_INVALID_ARGS, kCalls,
                  sizeof(kCalls) / sizeof(kCalls[0]));
  unmap_ok(fx->vmar, a, 4 * PAGE);
}

// Step 6: a range not inside the VMAR is OUT_OF_RANGE, before BAD_STATE.
static void op_range__outside_out_of_range(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = fixture_map_at(fx, PERM_RW, fx->vmo, 0, 4);
  const op_call_t kCalls[] = {
      {fx->vmar, fx->base - PAGE, 2 * PAGE},
      {fx->vmar, fx->base + fx->len - PAGE, 2 * PAGE},
      {fx->vmar, fx->base + fx->len, PAGE},
      {fx->vmar, fx->base, (SIZE_MAX - fx->base) + 1 + PAGE},
      {fx->dead, fx->dead_base - PAGE, PAGE},
      {fx->dead, fx->dead_base, 9 * PAGE},
  };
  expect_ops_fail(fx, VMAR_ERR_OUT_OF_RANGE, kCalls,
                  sizeof(kCalls) / sizeof(kCalls[0]));
  unmap_ok(fx->vmar, a, 4 * PAGE);
}

// Step 7: a destroyed VMAR is BAD_STATE.
static void op_range__destroyed_bad_state(void** state) {
  fixture_t* fx = *state;
  const op_call_t kCalls[] = {
      {fx->dead, fx->dead_base, PAGE},
      {fx->dead, fx->dead_base, 8 * PAGE},
  };
  expect_ops_fail(fx, VMAR_ERR_BAD_STATE, kCalls,
                  sizeof(kCalls) / sizeof(kCalls[0]));
}

// Step 8: any hole (incl. an empty sub-VMAR) is BAD_STATE; nothing zeroed.
static void op_range__hole_bad_state(void** state) {
  fixture_t* fx = *state;
  for (size_t i = 0; i < N_OPS; i++) {
    expect_op_fails(fx, VMAR_ERR_BAD_STATE, fx->vmar, kOps[i], fx->base, PAGE);
  }
  fixture_map_at(fx, PERM_RW, fx->vmo, 2, 2);
  fixture_map_at(fx, PERM_RW, fx->vmo, 4, 2);
  fixture_map_at(fx, PERM_RW, fx->vmo, 8, 2);
  vmar_handle_t empty = fixture_sub(fx, CAN_RW, 10, 2, NULL);
  fixture_map_at(fx, PERM_RW, fx->vmo, 12, 2);
  const size_t kRange[][2] = {
      {1, 2},  // hole at the start
      {2, 7},  // hole [6, 8) in the middle
      {4, 3},  // hole at the end
      {8, 6},  // the empty sub-VMAR in the middle
      {10, 2}, // only the empty sub-VMAR
      {1, 14}, // everything
  };
  for (size_t i = 0; i < N_OPS; i++) {
    for (size_t r = 0; r < sizeof(kRange) / sizeof(kRange[0]); r++) {
      expect_op_fails(fx, VMAR_ERR_BAD_STATE, fx->vmar, kOps[i],
                      fixture_page(fx, kRange[r][0]), kRange[r][1] * PAGE);
    }
  }
  for (size_t p = 2; p < 14; p++) {
    if (p == 6 || p == 7 || p == 10 || p == 11) {
      continue;
    }
    assert_true(mem_is(fixture_page(fx, p), PAGE, pat(0x40, p)));
  }
  // The mapped run [2, 6) on its own is fine.
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_COMMIT,
                                       fixture_page(fx, 2), 4 * PAGE));
  destroy_close(empty);
  unmap_ok(fx->vmar, fx->base, fx->len);
}

// Step 9: into a sub-VMAR: never COMMIT/DECOMMIT/PREFETCH; OP_CHILDREN.
static void op_range__sub_vmar_mapping(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub = fixture_sub(fx, CAN_RW, 4, 4, &sa);
  fixture_map_sub(fx, sub, sa, 4, 4);
  fixture_map_at(fx, PERM_RW, fx->vmo, 2, 2);
  vmar_handle_t weak = dup_without(fx->vmar, VMAR_RIGHT_OP_CHILDREN);
  for (size_t i = 0; i < N_OPS; i++) {
    uint32_t op = kOps[i];
    bool never = op == VMAR_OP_COMMIT || op == VMAR_OP_DECOMMIT ||
                 op == VMAR_OP_PREFETCH;
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, weak, op, sa, PAGE);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, weak, op, fixture_page(fx, 2),
                    6 * PAGE);
    if (never) {
      expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, sa, PAGE);
      expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op,
                      fixture_page(fx, 2), 6 * PAGE);
    } else if (!op_zeroes(op)) {
      assert_status(VMAR_OK,
                    vmar_op_range(fx->vmar, op, fixture_page(fx, 2), 6 * PAGE));
    }
    // The direct mapping alone never needs OP_CHILDREN.
    if (!op_zeroes(op)) {
      assert_status(VMAR_OK,
                    vmar_op_range(weak, op, fixture_page(fx, 2), 2 * PAGE));
      assert_status(VMAR_OK, vmar_op_range(sub, op, sa, 4 * PAGE));
    }
    assert_true(vmo_intact(fx));
  }
  // ZERO through the parent reaches into the sub-VMAR.
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO,
                                       fixture_page(fx, 3), 2 * PAGE));
  assert_true(mem_is(fixture_page(fx, 2), PAGE, pat(0x40, 2)));
  assert_true(mem_is(fixture_page(fx, 3), 2 * PAGE, 0));
  assert_true(mem_is(fixture_page(fx, 5), PAGE, pat(0x40, 5)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  // DECOMMIT through the sub-VMAR's handle.
  assert_status(VMAR_OK, vmar_op_range(sub, VMAR_OP_DECOMMIT, sa, PAGE));
  assert_true(vmo_bytes_are(fx->vmo, 4 * PAGE, PAGE, 0));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  close_ok(weak);
  destroy_close(sub);
  unmap_ok(fx->vmar, fx->base, fx->len);
}

// Step 10: the mapping's ceiling, not its current protection, decides.
static void op_range__mapping_ceiling_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  vmar_vaddr_t a = fixture_map_at(fx, PERM_R, ro, 0, 2);
  close_ok(ro);
  for (size_t i = 0; i < N_OPS; i++) {
    if (op_needs_write(kOps[i])) {
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, kOps[i], a,
                      2 * PAGE);
    } else {
      assert_status(VMAR_OK, vmar_op_range(fx->vmar, kOps[i], a, 2 * PAGE));
    }
  }
  assert_true(mem_is(a, PAGE, pat(0x40, 0)));
  // Mapped RW, then protected read-only: the ceiling still has WRITE.
  vmar_vaddr_t b = fixture_map_at(fx, PERM_RW, fx->vmo, 4, 2);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, b, 2 * PAGE));
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_DECOMMIT, b, PAGE));
  assert_true(mem_is(b, PAGE, 0));
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, b + PAGE, PAGE));
  assert_true(vmo_bytes_are(fx->vmo, 5 * PAGE, PAGE, 0));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  // Mapped with no permissions from a handle without READ: the ceiling has
  // WRITE only. PREFETCH is refused; the WRITE ops are fine.
  vmar_handle_t wo = dup_without(fx->vmo, VMAR_RIGHT_READ);
  vmar_vaddr_t c = fixture_map_at(fx, 0, wo, 8, 2);
  close_ok(wo);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_PREFETCH, c,
                  2 * PAGE);
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_COMMIT, c, 2 * PAGE));
  assert_true(vmo_intact(fx));
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, c, PAGE));
  assert_true(vmo_bytes_are(fx->vmo, 8 * PAGE, PAGE, 0));
  assert_true(vmo_bytes_are(fx->vmo, 9 * PAGE, PAGE, pat(0x40, 9)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  // A range over a fine mapping and then a ceiling-limited one: the call
  // fails as a whole and the fine mapping is not zeroed either (design.md §2:
  // all or nothing).
  vmar_vaddr_t d = fixture_map_at(fx, PERM_RW, fx->vmo, 2, 2);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_ZERO, a,
                  4 * PAGE);
  vmar_handle_t ro2 = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  fixture_map_at(fx, PERM_R, ro2, 10, 2);
  close_ok(ro2);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_ZERO, c,
                  4 * PAGE);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_DECOMMIT, c,
                  4 * PAGE);
  assert_true(mem_is(d, PAGE, pat(0x40, 2)));
  assert_true(mem_is(d + PAGE, PAGE, pat(0x40, 3)));
  unmap_ok(fx->vmar, fx->base, fx->len);
}

// Bad input, as a table (bad_input.h): h1 the VMAR, opt the op, a the
// address (top-relative), b len.

static const bad_row_t kOpRangeBad[] = {
    NOT_LIVE("vmar", H_NONE, VMAR_OP_COMMIT, PG(0), PG(1), V0, 0),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, VMAR_OP_COMMIT, PG(0), PG(1), V0, 0},
    {"unknown op", INVALID_ARGS, H_TOP, H_NONE, BAD_OP, PG(0), PG(1), V0, 0},
    {"VMO op UNLOCK (no VMAR twin)", INVALID_ARGS, H_TOP, H_NONE,
     VMAR_VMO_OP_UNLOCK, PG(0), PG(1), V0, 0},
    {"COMMIT, handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_NONE,
     VMAR_OP_COMMIT, PG(0), PG(1), V0, 0},
    {"ZERO, handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_NONE, VMAR_OP_ZERO,
     PG(0), PG(1), V0, 0},
    {"missing right checked before len 0", ACCESS_DENIED, H_TOP_RO, H_NONE,
     VMAR_OP_DECOMMIT, PG(0), V0, V0, 0},
    {"len 0", INVALID_ARGS, H_TOP, H_NONE, VMAR_OP_COMMIT, PG(0), V0, V0, 0},
    {"addr not page-aligned", INVALID_ARGS, H_TOP, H_NONE, VMAR_OP_COMMIT,
     PGB(0, 1), PG(1), V0, 0},
    {"range past the end", OUT_OF_RANGE, H_TOP, H_NONE, VMAR_OP_COMMIT,
     PG(TOP_PAGES - 1), PG(2), V0, 0},
    {"range before the start", OUT_OF_RANGE, H_TOP, H_NONE, VMAR_OP_DONT_NEED,
     PG(-1), PG(2), V0, 0},
    {"outside checked before destroyed", OUT_OF_RANGE, H_DEAD, H_NONE,
     VMAR_OP_COMMIT, PG(0), PG(2), V0, 0},
    {"vmar destroyed", BAD_STATE, H_DEAD, H_NONE, VMAR_OP_COMMIT, PG(12), PG(1),
     V0, 0},
    {"a hole", BAD_STATE, H_TOP, H_NONE, VMAR_OP_COMMIT, PG(5), PG(1), V0, 0},
    {"range running into a hole", BAD_STATE, H_TOP, H_NONE, VMAR_OP_DONT_NEED,
     PG(4), PG(2), V0, 0},
    {"COMMIT into a sub-VMAR", INVALID_ARGS, H_TOP, H_NONE, VMAR_OP_COMMIT,
     PG(SUB_AT), PG(1), V0, 0},
    {"DONT_NEED into a sub-VMAR without OP_CHILDREN", INVALID_ARGS,
     H_TOP_NOOPCH, H_NONE, VMAR_OP_DONT_NEED, PG(SUB_AT), PG(1), V0, 0},
    {"COMMIT on a mapping whose ceiling lacks WRITE", ACCESS_DENIED, H_TOP,
     H_NONE, VMAR_OP_COMMIT, PG(4), PG(1), V0, 0},
};

static vmar_status_t op_range_row(const bad_call_t* c) {
  return vmar_op_range(c->h1, (uint32_t)c->row->opt, c->addr, c->bz);
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(op_range__decommit_zero_read_zero_everywhere),
      T(op_range__len_rounded_up),
      T(op_range__spanning_mappings_ok),
      T(op_range__commit_and_hints_keep_contents),
      T(op_range__bad_handles),
      T(op_range__unknown_op_invalid_args),
      T(op_range__handle_rights_access_denied),
      T(op_range__len_zero_or_unaligned_invalid_args),
      T(op_range__outside_out_of_range),
      T(op_range__destroyed_bad_state),
      T(op_range__hole_bad_state),
      T(op_range__sub_vmar_mapping),
      T(op_range__mapping_ceiling_access_denied),
      BAD_INPUT_TEST(op_range__bad_input_exact_status, "vmar_op_range",
                     kOpRangeBad, op_range_row),
  };
#undef T
  return cmocka_run_group_tests_name("api.op_range", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
