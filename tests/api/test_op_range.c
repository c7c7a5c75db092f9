// SPDX-License-Identifier: MIT
// vmar_op_range: every status in zx_vmar_op_range's order, with every op
// (docs/design.md §5 says what each op does on a host).
// APIs covered: vmar_op_range (with vmar_map, vmar_protect, vmar_allocate and
//   vmar_vmo_* as helpers and witnesses).

#include "test.h"

#include <stdlib.h>

#define SENTINEL_ADDR ((vmar_vaddr_t)0xDEADBEE0u)

#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)
#define PERM_R VMAR_VM_PERM_READ
#define PERM_RW (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)

#define FIX_PAGES 64
#define VMO_PAGES 16

// The VMAR ops; the first three change or need WRITE, as zx_vmar_op_range
// checks the handle's rights.
static const uint32_t kOps[] = {
    VMAR_OP_COMMIT,   VMAR_OP_DECOMMIT,  VMAR_OP_ZERO,        VMAR_OP_MAP_RANGE,
    VMAR_OP_PREFETCH, VMAR_OP_DONT_NEED, VMAR_OP_ALWAYS_NEED,
};
#define N_OPS (sizeof(kOps) / sizeof(kOps[0]))

typedef struct fixture {
  vmar_handle_t vmar; // top-level, CAN_MAP_READ|WRITE|SPECIFIC
  vmar_vaddr_t base;
  size_t len;
  vmar_handle_t vmo;  // VMO_PAGES pages, page i filled with pat(0x40, i)
  vmar_handle_t dead; // a destroyed sub-VMAR
  vmar_vaddr_t dead_base;
} fixture_t;

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

static bool vmo_is(vmar_handle_t vmo, uint64_t offset, size_t len,
                   uint8_t byte) {
  unsigned char* buf = malloc(len);
  assert_non_null(buf);
  assert_status(VMAR_OK, vmar_vmo_read(vmo, buf, offset, len));
  bool same = true;
  for (size_t i = 0; i < len && same; i++) {
    same = buf[i] == byte;
  }
  free(buf);
  return same;
}

// True iff fx->vmo still holds its pattern everywhere.
static bool vmo_intact(const fixture_t* fx) {
  for (size_t p = 0; p < VMO_PAGES; p++) {
    if (!vmo_is(fx->vmo, p * PAGE, PAGE, pat(0x40, p))) {
      return false;
    }
  }
  return true;
}

// Maps |vmo| pages [page, page + pages) at the same fixture page.
static vmar_vaddr_t map_at(const fixture_t* fx, vmar_vm_option_t perms,
                           vmar_handle_t vmo, size_t page, size_t pages) {
  vmar_vaddr_t a = map_ok(fx->vmar, perms | VMAR_VM_SPECIFIC, page * PAGE, vmo,
                          page * PAGE, pages * PAGE);
  assert_int_equal(a, fx->base + page * PAGE);
  return a;
}

static vmar_vaddr_t page_addr(const fixture_t* fx, size_t page) {
  return fx->base + page * PAGE;
}

// op_range must fail with |expected| and leave fx->vmo's contents alone.
static void expect_op_fails(const fixture_t* fx, vmar_status_t expected,
                            vmar_handle_t vmar, uint32_t op, vmar_vaddr_t addr,
                            size_t len) {
  assert_status(expected, vmar_op_range(vmar, op, addr, len));
  assert_true(vmo_intact(fx));
}

static int group_setup(void** state) {
  (void)state;
  (void)test_maps_count();
  return 0;
}

static int setup(void** state) {
  fixture_t* fx = calloc(1, sizeof(*fx));
  if (fx == NULL) {
    return -1;
  }
  fx->len = FIX_PAGES * PAGE;
  if (vmar_allocate(vmar_root_self(), CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, 0,
                    fx->len, &fx->vmar, &fx->base) != VMAR_OK) {
    free(fx);
    return -1;
  }
  fx->vmo = vmo_patterned(VMO_PAGES, 0x40);
  fx->dead = alloc_ok(fx->vmar, CAN_RW | VMAR_VM_SPECIFIC,
                      (FIX_PAGES - 8) * PAGE, 8 * PAGE, &fx->dead_base);
  map_ok(fx->dead, PERM_RW, 0, fx->vmo, 0, 8 * PAGE);
  assert_status(VMAR_OK, vmar_destroy(fx->dead));
  *state = fx;
  return 0;
}

static int teardown(void** state) {
  fixture_t* fx = *state;
  int rc = 0;
  rc |= vmar_handle_close(fx->dead) != VMAR_OK;
  rc |= vmar_handle_close(fx->vmo) != VMAR_OK;
  rc |= vmar_destroy(fx->vmar) != VMAR_OK;
  rc |= vmar_handle_close(fx->vmar) != VMAR_OK;
  free(fx);
  return rc ? -1 : 0;
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
      assert_true(vmo_is(v, p * PAGE, PAGE, want));
    }
    assert_true(mem_is(m3, PAGE, 0));
    // Through a read-only mapping (its ceiling has WRITE) it works too.
    assert_status(VMAR_OK,
                  vmar_op_range(fx->vmar, kZeroing[i], m2 + 3 * PAGE, PAGE));
    assert_true(mem_is(m1 + 3 * PAGE, PAGE, 0));
    assert_true(vmo_is(v, 3 * PAGE, PAGE, 0));
    assert_true(mem_is(m1, PAGE, pat(0x50, 0)));
    // The pages are usable again afterwards.
    ((volatile unsigned char*)m1)[PAGE + 5] = 0x99;
    assert_int_equal(((const volatile unsigned char*)m2)[PAGE + 5], 0x99);
    assert_status(VMAR_OK, vmar_unmap(fx->vmar, fx->base, fx->len));
    close_ok(v);
  }
}

// The length is rounded up: one byte zeroes a whole page, no more.
static void op_range__len_rounded_up(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, PERM_RW, fx->vmo, 0, 3);
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, a, 1));
  assert_true(mem_is(a, PAGE, 0));
  assert_true(mem_is(a + PAGE, PAGE, pat(0x40, 1)));
  assert_status(VMAR_OK,
                vmar_op_range(fx->vmar, VMAR_OP_DECOMMIT, a + PAGE, PAGE + 1));
  assert_true(mem_is(a + PAGE, 2 * PAGE, 0));
  assert_true(vmo_is(fx->vmo, 3 * PAGE, PAGE, pat(0x40, 3)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, a, 3 * PAGE));
}

// A range spanning adjacent mappings of different VMOs zeroes both parts.
static void op_range__spanning_mappings_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t other = vmo_patterned(VMO_PAGES, 0x40);
  map_at(fx, PERM_RW, fx->vmo, 2, 2);
  map_at(fx, PERM_R, other, 4, 2);
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, page_addr(fx, 3),
                                       2 * PAGE));
  assert_true(mem_is(page_addr(fx, 2), PAGE, pat(0x40, 2)));
  assert_true(mem_is(page_addr(fx, 3), 2 * PAGE, 0));
  assert_true(mem_is(page_addr(fx, 5), PAGE, pat(0x40, 5)));
  assert_true(vmo_is(fx->vmo, 3 * PAGE, PAGE, 0));
  assert_true(vmo_is(other, 4 * PAGE, PAGE, 0));
  assert_true(vmo_is(other, 3 * PAGE, PAGE, pat(0x40, 3)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, fx->base, fx->len));
  close_ok(other);
}

// COMMIT and the hints keep the contents; on a fresh VMO, COMMIT keeps zeros.
static void op_range__commit_and_hints_keep_contents(void** state) {
  fixture_t* fx = *state;
  map_at(fx, PERM_RW, fx->vmo, 0, 4);
  map_at(fx, PERM_R, fx->vmo, 4, 4);
  for (size_t i = 0; i < N_OPS; i++) {
    if (op_zeroes(kOps[i])) {
      continue;
    }
    assert_status(VMAR_OK,
                  vmar_op_range(fx->vmar, kOps[i], fx->base, 8 * PAGE));
    assert_true(vmo_intact(fx));
    for (size_t p = 0; p < 8; p++) {
      assert_true(mem_is(page_addr(fx, p), PAGE, pat(0x40, p)));
    }
  }
  vmar_handle_t fresh = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create(4 * PAGE, 0, &fresh));
  vmar_vaddr_t f = map_ok(fx->vmar, PERM_RW, 0, fresh, 0, 4 * PAGE);
  for (size_t i = 0; i < N_OPS; i++) {
    assert_status(VMAR_OK, vmar_op_range(fx->vmar, kOps[i], f, 4 * PAGE));
    assert_true(mem_is(f, 4 * PAGE, 0));
  }
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, fx->base, fx->len));
  close_ok(fresh);
}

// ---------------------------------------------------------------------------
// Failures, in zx_vmar_op_range's order

// Step 1: invalid handles are BAD_HANDLE, a VMO is WRONG_TYPE.
static void op_range__bad_handles(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, PERM_RW, fx->vmo, 0, 2);
  for (size_t i = 0; i < N_OPS; i++) {
    expect_op_fails(fx, VMAR_ERR_BAD_HANDLE, VMAR_HANDLE_INVALID, kOps[i], a,
                    PAGE);
    expect_op_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, kOps[i], a, PAGE);
  }
  expect_op_fails(fx, VMAR_ERR_BAD_HANDLE, 0x12345678u, 999u, a + 1, 0);
  expect_op_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, 999u, a + 1, 0);
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, a, 2 * PAGE));
}

// Step 2: unknown ops (VMO-only codes too): INVALID_ARGS, before rights.
static void op_range__unknown_op_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, PERM_RW, fx->vmo, 0, 2);
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
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, a, 2 * PAGE));
}

// Step 3: each op's handle right; ACCESS_DENIED before every later check.
static void op_range__handle_rights_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, PERM_RW, fx->vmo, 0, 4);
  vmar_handle_t nw = dup_without(fx->vmar, VMAR_RIGHT_WRITE);
  vmar_handle_t nr = dup_without(fx->vmar, VMAR_RIGHT_READ);
  vmar_handle_t none =
      dup_without(fx->vmar, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE);
  vmar_handle_t dead_none =
      dup_without(fx->dead, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE);
  for (size_t i = 0; i < N_OPS; i++) {
    uint32_t op = kOps[i];
    const struct {
      vmar_handle_t h;
      bool r, w;
    } kHandles[] = {{nw, true, false}, {nr, false, true}, {none, false, false}};
    for (size_t j = 0; j < 3; j++) {
      bool denied = (op_needs_write(op) && !kHandles[j].w) ||
                    (op_needs_read(op) && !kHandles[j].r);
      if (!denied) {
        if (!op_zeroes(op)) {
          assert_status(VMAR_OK, vmar_op_range(kHandles[j].h, op, a, 4 * PAGE));
        }
        continue;
      }
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, kHandles[j].h, op, a,
                      4 * PAGE);
      // Before len 0, unaligned, outside, hole.
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, kHandles[j].h, op, a, 0);
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, kHandles[j].h, op, a + 1,
                      PAGE);
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, kHandles[j].h, op,
                      fx->base - PAGE, PAGE);
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, kHandles[j].h, op, a,
                      8 * PAGE);
    }
    if (op_needs_write(op) || op_needs_read(op)) {
      expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, dead_none, op, fx->dead_base,
                      PAGE);
    }
  }
  // DECOMMIT and ZERO with enough rights, on a handle without READ.
  assert_status(VMAR_OK, vmar_op_range(nr, VMAR_OP_ZERO, a, PAGE));
  assert_true(mem_is(a, PAGE, 0));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  close_ok(dead_none);
  close_ok(none);
  close_ok(nr);
  close_ok(nw);
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, a, 4 * PAGE));
}

// Step 5: len rounding to 0 or unaligned: INVALID_ARGS, before 6 and 7.
static void op_range__len_zero_or_unaligned_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, PERM_RW, fx->vmo, 0, 4);
  for (size_t i = 0; i < N_OPS; i++) {
    uint32_t op = kOps[i];
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, a, 0);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, a, SIZE_MAX);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, a,
                    SIZE_MAX - PAGE + 2);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, a + 1, PAGE);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, a + PAGE / 2,
                    PAGE);
    // Outside the VMAR, or on a destroyed one: still INVALID_ARGS.
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op,
                    fx->base - PAGE + 1, PAGE);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, op, fx->dead_base, 0);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->dead, op, fx->dead_base + 1,
                    PAGE);
  }
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, a, 4 * PAGE));
}

// Step 6: a range not inside the VMAR is OUT_OF_RANGE, before BAD_STATE.
static void op_range__outside_out_of_range(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, PERM_RW, fx->vmo, 0, 4);
  for (size_t i = 0; i < N_OPS; i++) {
    uint32_t op = kOps[i];
    expect_op_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, op, fx->base - PAGE,
                    2 * PAGE);
    expect_op_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, op,
                    fx->base + fx->len - PAGE, 2 * PAGE);
    expect_op_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, op, fx->base + fx->len,
                    PAGE);
    expect_op_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->vmar, op, fx->base,
                    (SIZE_MAX - fx->base) + 1 + PAGE);
    expect_op_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->dead, op,
                    fx->dead_base - PAGE, PAGE);
    expect_op_fails(fx, VMAR_ERR_OUT_OF_RANGE, fx->dead, op, fx->dead_base,
                    9 * PAGE);
  }
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, a, 4 * PAGE));
}

// Step 7: a destroyed VMAR is BAD_STATE.
static void op_range__destroyed_bad_state(void** state) {
  fixture_t* fx = *state;
  for (size_t i = 0; i < N_OPS; i++) {
    expect_op_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, kOps[i], fx->dead_base,
                    PAGE);
    expect_op_fails(fx, VMAR_ERR_BAD_STATE, fx->dead, kOps[i], fx->dead_base,
                    8 * PAGE);
  }
}

// Step 8: any hole (incl. an empty sub-VMAR) is BAD_STATE; nothing zeroed.
static void op_range__hole_bad_state(void** state) {
  fixture_t* fx = *state;
  for (size_t i = 0; i < N_OPS; i++) {
    expect_op_fails(fx, VMAR_ERR_BAD_STATE, fx->vmar, kOps[i], fx->base, PAGE);
  }
  map_at(fx, PERM_RW, fx->vmo, 2, 2);
  map_at(fx, PERM_RW, fx->vmo, 4, 2);
  map_at(fx, PERM_RW, fx->vmo, 8, 2);
  vmar_handle_t empty =
      alloc_ok(fx->vmar, CAN_RW | VMAR_VM_SPECIFIC, 10 * PAGE, 2 * PAGE, NULL);
  map_at(fx, PERM_RW, fx->vmo, 12, 2);
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
                      page_addr(fx, kRange[r][0]), kRange[r][1] * PAGE);
    }
  }
  for (size_t p = 2; p < 14; p++) {
    if (p == 6 || p == 7 || p == 10 || p == 11) {
      continue;
    }
    assert_true(mem_is(page_addr(fx, p), PAGE, pat(0x40, p)));
  }
  // The mapped run [2, 6) on its own is fine.
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_COMMIT,
                                       page_addr(fx, 2), 4 * PAGE));
  destroy_close(empty);
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, fx->base, fx->len));
}

// Step 9: into a sub-VMAR: never COMMIT/DECOMMIT/PREFETCH; OP_CHILDREN.
static void op_range__sub_vmar_mapping(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub =
      alloc_ok(fx->vmar, VMAR_VM_SPECIFIC | CAN_RW, 4 * PAGE, 4 * PAGE, &sa);
  vmar_vaddr_t inner = map_ok(sub, PERM_RW, 0, fx->vmo, 4 * PAGE, 4 * PAGE);
  assert_int_equal(inner, sa);
  map_at(fx, PERM_RW, fx->vmo, 2, 2);
  vmar_handle_t weak = dup_without(fx->vmar, VMAR_RIGHT_OP_CHILDREN);
  for (size_t i = 0; i < N_OPS; i++) {
    uint32_t op = kOps[i];
    bool never = op == VMAR_OP_COMMIT || op == VMAR_OP_DECOMMIT ||
                 op == VMAR_OP_PREFETCH;
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, weak, op, sa, PAGE);
    expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, weak, op, page_addr(fx, 2),
                    6 * PAGE);
    if (never) {
      expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, sa, PAGE);
      expect_op_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, op, page_addr(fx, 2),
                      6 * PAGE);
    } else if (!op_zeroes(op)) {
      assert_status(VMAR_OK,
                    vmar_op_range(fx->vmar, op, page_addr(fx, 2), 6 * PAGE));
    }
    // The direct mapping alone never needs OP_CHILDREN.
    if (!op_zeroes(op)) {
      assert_status(VMAR_OK,
                    vmar_op_range(weak, op, page_addr(fx, 2), 2 * PAGE));
      assert_status(VMAR_OK, vmar_op_range(sub, op, sa, 4 * PAGE));
    }
    assert_true(vmo_intact(fx));
  }
  // ZERO through the parent reaches into the sub-VMAR.
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, page_addr(fx, 3),
                                       2 * PAGE));
  assert_true(mem_is(page_addr(fx, 2), PAGE, pat(0x40, 2)));
  assert_true(mem_is(page_addr(fx, 3), 2 * PAGE, 0));
  assert_true(mem_is(page_addr(fx, 5), PAGE, pat(0x40, 5)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  // DECOMMIT through the sub-VMAR's handle.
  assert_status(VMAR_OK, vmar_op_range(sub, VMAR_OP_DECOMMIT, sa, PAGE));
  assert_true(vmo_is(fx->vmo, 4 * PAGE, PAGE, 0));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  close_ok(weak);
  destroy_close(sub);
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, fx->base, fx->len));
}

// Step 10: the mapping's ceiling, not its current protection, decides.
static void op_range__mapping_ceiling_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  vmar_vaddr_t a = map_at(fx, PERM_R, ro, 0, 2);
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
  vmar_vaddr_t b = map_at(fx, PERM_RW, fx->vmo, 4, 2);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, b, 2 * PAGE));
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_DECOMMIT, b, PAGE));
  assert_true(mem_is(b, PAGE, 0));
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, b + PAGE, PAGE));
  assert_true(vmo_is(fx->vmo, 5 * PAGE, PAGE, 0));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  // Mapped with no permissions from a handle without READ: the ceiling has
  // WRITE only. PREFETCH is refused; the WRITE ops are fine.
  vmar_handle_t wo = dup_without(fx->vmo, VMAR_RIGHT_READ);
  vmar_vaddr_t c = map_at(fx, 0, wo, 8, 2);
  close_ok(wo);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_PREFETCH, c,
                  2 * PAGE);
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_COMMIT, c, 2 * PAGE));
  assert_true(vmo_intact(fx));
  assert_status(VMAR_OK, vmar_op_range(fx->vmar, VMAR_OP_ZERO, c, PAGE));
  assert_true(vmo_is(fx->vmo, 8 * PAGE, PAGE, 0));
  assert_true(vmo_is(fx->vmo, 9 * PAGE, PAGE, pat(0x40, 9)));
  fill_pages(fx->vmo, VMO_PAGES, 0x40);
  // A range over a fine mapping and then a ceiling-limited one: the call
  // fails as a whole and the fine mapping is not zeroed either (design.md §2:
  // all or nothing).
  vmar_vaddr_t d = map_at(fx, PERM_RW, fx->vmo, 2, 2);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_ZERO, a,
                  4 * PAGE);
  vmar_handle_t ro2 = dup_without(fx->vmo, VMAR_RIGHT_WRITE);
  map_at(fx, PERM_R, ro2, 10, 2);
  close_ok(ro2);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_ZERO, c,
                  4 * PAGE);
  expect_op_fails(fx, VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_OP_DECOMMIT, c,
                  4 * PAGE);
  assert_true(mem_is(d, PAGE, pat(0x40, 2)));
  assert_true(mem_is(d + PAGE, PAGE, pat(0x40, 3)));
  assert_status(VMAR_OK, vmar_unmap(fx->vmar, fx->base, fx->len));
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
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
  };
#undef T
  return cmocka_run_group_tests_name("api.op_range", tests, group_setup, NULL);
}
