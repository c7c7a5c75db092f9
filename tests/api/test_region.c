// SPDX-License-Identifier: MIT
// VMAR creation, placement, destruction and inspection, with Zircon's statuses.
// APIs covered: vmar_allocate, vmar_destroy, vmar_get_info, vmar_root_self,
//   vmar_page_size, vmar_posix_set_entropy_bits (placement knob).

#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#include "bad_input.h"
#include "fixture.h"

// Size of the per-test parent: room for 1 MiB alignments and many children.
#define PARENT_BYTES ((size_t)16 << 20)

// Default entropy (design.md §6); restored after tests that change it.
#define DEFAULT_ENTROPY_BITS 30u

// Per-test: a fresh top-level VMAR with CAN_MAP_READ|WRITE|SPECIFIC.
static const fixture_params_t kFixture = {
    .bytes = PARENT_BYTES,
    .options = CAN_RW | CAN_SPEC,
};

static void assert_inside(vmar_vaddr_t a, size_t size, vmar_vaddr_t base,
                          size_t len) {
  assert_true(a >= base);
  assert_true(a + size > a);
  assert_true(a + size <= base + len);
}

// Proves |vmar| has no children: the only full-size child fits at its base.
static void assert_vmar_empty(vmar_handle_t vmar) {
  vmar_info_t info = info_of(vmar);
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(vmar, 0, 0, info.len, &a);
  assert_int_equal(a, info.base);
  destroy_close(h);
}

// The running test's fixture, for checks inside helpers.
static const fixture_t* g_fx;

// A CAN_MAP_SPECIFIC child of the fixture whose base is one page past a
// 2 MiB boundary: misaligned for every alignment above a page, whatever the
// host did with the fixture's own base.
static vmar_handle_t misaligned_child(const fixture_t* fx,
                                      vmar_vm_option_t options, size_t size,
                                      vmar_vaddr_t* base) {
  size_t big = (size_t)2 << 20;
  size_t off = round_up(fx->base, big) - fx->base + PAGE;
  assert_true(off + size <= fx->len);
  vmar_handle_t c =
      alloc_ok(fx->vmar, options | VMAR_VM_SPECIFIC | VMAR_VM_CAN_MAP_SPECIFIC,
               off, size, base);
  assert_int_equal(*base % big, PAGE);
  return c;
}

// allocate must fail with |expected|, leave the outputs alone, reserve
// nothing new, and leave the fixture's range reserved with the same VMAs.
// (Whole-process VMA counts are not compared: sanitizer runtimes map memory
// of their own at any moment.)
static void expect_alloc_fails(vmar_status_t expected, vmar_handle_t parent,
                               vmar_vm_option_t options, size_t offset,
                               size_t size) {
  vmar_handle_t child = SENTINEL_HANDLE;
  vmar_vaddr_t addr = SENTINEL_ADDR;
  reserved_snapshot_t before = reserved_take();
  size_t vmas = g_fx != NULL ? maps_count_in(g_fx->base, g_fx->len) : 0;
  assert_status(expected,
                vmar_allocate(parent, options, offset, size, &child, &addr));
  assert_int_equal(child, SENTINEL_HANDLE);
  assert_int_equal(addr, SENTINEL_ADDR);
  assert_int_equal(reserved_new_bytes(&before), 0);
  reserved_free(&before);
  if (g_fx != NULL) {
    assert_int_equal(maps_count_in(g_fx->base, g_fx->len), vmas);
    assert_true(test_maps_range_reserved(g_fx->base, g_fx->len));
  }
}

// As expect_alloc_fails, then checks that |parent| gained no child.
static void expect_alloc_fails_empty(vmar_status_t expected,
                                     vmar_handle_t parent,
                                     vmar_vm_option_t options, size_t offset,
                                     size_t size) {
  expect_alloc_fails(expected, parent, options, offset, size);
  assert_vmar_empty(parent);
}

// The fixture, with g_fx set for the checks in helpers.
static int setup(void** state) {
  int rc = fixture_setup(state);
  g_fx = rc == 0 ? *state : NULL;
  return rc;
}

// The fixture's teardown, after the default entropy is back.
static int teardown(void** state) {
  g_fx = NULL;
  (void)test_set_entropy_bits(DEFAULT_ENTROPY_BITS);
  return fixture_teardown(state);
}

// ---------------------------------------------------------------------------
// vmar_page_size / vmar_root_self

// The page size is the host's, a power of two.
static void page_size__matches_host(void** state) {
  (void)state;
  size_t p = vmar_page_size();
  assert_int_equal(p, (size_t)sysconf(_SC_PAGESIZE));
  assert_true(p >= 1024);
  assert_int_equal(p & (p - 1), 0);
  assert_int_equal(vmar_page_size(), p);
}

// The root handle is stable, looks like a handle, and carries 0x20801F.
static void root_self__stable_handle_full_rights(void** state) {
  (void)state;
  vmar_handle_t root = vmar_root_self();
  assert_int_not_equal(root, VMAR_HANDLE_INVALID);
  assert_int_equal(root & VMAR_HANDLE_FIXED_BITS_MASK,
                   VMAR_HANDLE_FIXED_BITS_MASK);
  assert_int_equal(vmar_root_self(), root);
  assert_int_equal(rights_of(root), 0x0020801Fu);
}

// The root spans page-aligned user space and contains its children.
static void root_self__info_contains_children(void** state) {
  fixture_t* fx = *state;
  vmar_info_t root = info_of(vmar_root_self());
  assert_true(root.base > 0);
  assert_int_equal(root.base % PAGE, 0);
  assert_int_equal(root.len % PAGE, 0);
  assert_true(root.len > PARENT_BYTES);
  assert_true(fx->base >= root.base);
  assert_true(fx->base + fx->len <= root.base + root.len);
}

// ---------------------------------------------------------------------------
// vmar_allocate: success

// A plain child: outputs set, info agrees, default rights, inside the parent.
static void allocate__plain_child_ok(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(fx->vmar, 0, 0, 3 * PAGE, &a);
  vmar_info_t info = info_of(h);
  assert_int_equal(info.base, a);
  assert_int_equal(info.len, 3 * PAGE);
  assert_true(a >= fx->base);
  assert_true(a + 3 * PAGE <= fx->base + fx->len);
  assert_int_equal(rights_of(h), 0x00208003u);
  destroy_close(h);
  assert_vmar_empty(fx->vmar);
}

// A full-size child always lands at the parent's base (random or compact).
static void allocate__full_size_at_base(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(fx->vmar, 0, 0, fx->len, &a);
  assert_int_equal(a, fx->base);
  // Inside it, a COMPACT grandchild of full size lands at the same base.
  vmar_vaddr_t ga = 0;
  vmar_handle_t c = alloc_ok(h, VMAR_VM_COMPACT, 0, fx->len, &ga);
  vmar_vaddr_t gga = 0;
  vmar_handle_t g = alloc_ok(c, 0, 0, fx->len, &gga);
  assert_int_equal(ga, fx->base);
  assert_int_equal(gga, fx->base);
  CLOSE_ALL_OK(g, c);
  destroy_close(h);
}

// Every CAN_MAP combination from the root gives 0x208003 | R/W/X rights.
static void allocate__can_map_bits_set_handle_rights(void** state) {
  (void)state;
  for (unsigned combo = 0; combo < 8; combo++) {
    vmar_vm_option_t opts = 0;
    vmar_rights_t want = 0x00208003u;
    if (combo & 1u) {
      opts |= VMAR_VM_CAN_MAP_READ;
      want |= VMAR_RIGHT_READ;
    }
    if (combo & 2u) {
      opts |= VMAR_VM_CAN_MAP_WRITE;
      want |= VMAR_RIGHT_WRITE;
    }
    if (combo & 4u) {
      opts |= VMAR_VM_CAN_MAP_EXECUTE;
      want |= VMAR_RIGHT_EXECUTE;
    }
    vmar_handle_t h = alloc_top(opts, PAGE, NULL);
    assert_int_equal(rights_of(h), want);
    // CAN_MAP_SPECIFIC and COMPACT add no right.
    vmar_handle_t s = alloc_top(
        opts | VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_COMPACT, PAGE, NULL);
    assert_int_equal(rights_of(s), want);
    destroy_close(s);
    destroy_close(h);
  }
}

// CAN_MAP_SPECIFIC is exempt from the ceiling: a child may have it anyway.
static void allocate__can_map_specific_exempt_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t plain = alloc_ok(fx->vmar, CAN_RW, 0, 64 * PAGE, NULL);
  vmar_handle_t c =
      alloc_ok(plain, VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_CAN_MAP_READ, 0,
               16 * PAGE, NULL);
  vmar_info_t ci = info_of(c);
  // ... and the child really accepts SPECIFIC placement.
  vmar_vaddr_t ga = 0;
  vmar_handle_t g = alloc_ok(c, VMAR_VM_SPECIFIC, 4 * PAGE, PAGE, &ga);
  assert_int_equal(ga, ci.base + 4 * PAGE);
  CLOSE_ALL_OK(g, c);
  destroy_close(plain);
}

// A parent handle with READ but not WRITE may still create CAN_MAP_READ.
static void allocate__reduced_parent_handle_subset_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro = dup_without(fx->vmar, VMAR_RIGHT_WRITE);
  vmar_handle_t h = alloc_ok(ro, VMAR_VM_CAN_MAP_READ, 0, PAGE, NULL);
  assert_int_equal(rights_of(h), 0x00208003u | VMAR_RIGHT_READ);
  destroy_close(h);
  close_ok(ro);
}

// The largest legal alignment field (ALIGN_4GB) is accepted in the root.
static void allocate__align_4gb_in_root_ok(void** state) {
  (void)state;
  if (sizeof(void*) < 8) {
    print_message("skipped: a 32-bit address space has no 4 GiB alignment\n");
    skip();
  }
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_top(VMAR_VM_ALIGN_4GB, PAGE, &a);
  assert_int_equal((uint64_t)a % ((uint64_t)1 << 32), 0);
  destroy_close(h);
}

// ---------------------------------------------------------------------------
// vmar_allocate: failures in zx_vmar_allocate's order

// Step 1: an invalid, closed or forged parent handle is BAD_HANDLE.
static void allocate__bad_parent_handle_bad_handle(void** state) {
  fixture_t* fx = *state;
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, VMAR_HANDLE_INVALID, 0, 0, PAGE);
  vmar_handle_t d = dup_without(fx->vmar, 0);
  close_ok(d);
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, d, 0, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, (vmar_handle_t)0x12345678u, 0, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, 0xFFFFFFFFu, 0, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, 0xFFFFFFFCu, 0, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, fx->vmar & ~(vmar_handle_t)3u, 0, 0,
                     PAGE);
  // BAD_HANDLE comes before every other check.
  expect_alloc_fails(VMAR_ERR_BAD_HANDLE, VMAR_HANDLE_INVALID,
                     VMAR_VM_PERM_READ | VMAR_VM_CAN_MAP_EXECUTE, PAGE + 1, 0);
  assert_vmar_empty(fx->vmar);
}

// Step 1: the parent handle lacks WRITE for CAN_MAP_WRITE (or READ for READ).
static void allocate__parent_handle_lacks_right_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t nw = dup_without(fx->vmar, VMAR_RIGHT_WRITE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, nw, VMAR_VM_CAN_MAP_WRITE, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, nw, CAN_RW, 0, PAGE);
  vmar_handle_t nr = dup_without(fx->vmar, VMAR_RIGHT_READ);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, nr, VMAR_VM_CAN_MAP_READ, 0, PAGE);
  // The parent's handle has no EXECUTE right at all.
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, fx->vmar, VMAR_VM_CAN_MAP_EXECUTE,
                     0, PAGE);
  // Rights are checked before option decoding and size checks (step 1 < 2, 3).
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, nw,
                     VMAR_VM_CAN_MAP_WRITE | VMAR_VM_PERM_READ, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, nw,
                     VMAR_VM_CAN_MAP_WRITE | align_option(9), 0, PAGE + 1);
  CLOSE_ALL_OK(nr, nw);
  assert_vmar_empty(fx->vmar);
}

// Step 2: unused bits 16..23 are INVALID_ARGS.
static void allocate__unknown_option_bits_invalid_args(void** state) {
  fixture_t* fx = *state;
  for (unsigned bit = 16; bit < 24; bit++) {
    expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar,
                       (vmar_vm_option_t)1u << bit, 0, PAGE);
  }
  assert_vmar_empty(fx->vmar);
}

// Step 2: alignment fields 1..9 and >= 33 (incl. bit 31 alone) are rejected.
static void allocate__bad_align_field_invalid_args(void** state) {
  fixture_t* fx = *state;
  static const unsigned kBad[] = {1, 2, 8, 9, 33, 34, 63, 64, 127, 128, 255};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, align_option(kBad[i]),
                       0, PAGE);
  }
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0x80000000u, 0, PAGE);
  assert_vmar_empty(fx->vmar);
}

// Step 2: PERM_* bits and MAP_RANGE are not allocate options.
static void allocate__perm_or_map_range_invalid_args(void** state) {
  fixture_t* fx = *state;
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_PERM_READ, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_PERM_WRITE, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_PERM_EXECUTE, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar,
                     VMAR_VM_PERM_READ | VMAR_VM_CAN_MAP_READ, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_MAP_RANGE, 0,
                     PAGE);
  assert_vmar_empty(fx->vmar);
}

// PERM_READ_IF_XOM_UNSUPPORTED is silently ignored by zx_vmar_allocate (the
// kernel's observed behaviour): OK, and it grants no READ.
static void allocate__xom_flag_ignored_ok(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = 0;
  vmar_handle_t h =
      alloc_ok(fx->vmar, VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED, 0, 4 * PAGE, &a);
  assert_inside(a, 4 * PAGE, fx->base, fx->len);
  assert_int_equal(rights_of(h), 0x00208003u);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, h, VMAR_VM_CAN_MAP_READ, 0, PAGE);
  destroy_close(h);
}

// Step 3: size not page-aligned (incl. SIZE_MAX - page + 2) is INVALID_ARGS.
static void allocate__size_unaligned_invalid_args(void** state) {
  fixture_t* fx = *state;
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, PAGE + 1);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, PAGE - 1);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, 1);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, PAGE / 2);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0,
                     SIZE_MAX - PAGE + 2);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, SIZE_MAX);
  // Allocate never rounds: the unaligned size is refused even with room.
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC, 0,
                     2 * PAGE - 1);
  assert_vmar_empty(fx->vmar);
}

// Step 4: map-only options are INVALID_ARGS for allocate.
static void allocate__map_only_options_invalid_args(void** state) {
  fixture_t* fx = *state;
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar,
                     VMAR_VM_SPECIFIC_OVERWRITE, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar,
                     VMAR_VM_REQUIRE_NON_RESIZABLE, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_ALLOW_FAULTS, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar,
                     VMAR_VM_FAULT_BEYOND_STREAM_SIZE, 0, PAGE);
  assert_vmar_empty(fx->vmar);
}

// Step 5: a destroyed parent is BAD_STATE; steps 2-4 still come first.
static void allocate__destroyed_parent_bad_state(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t c = alloc_ok(fx->vmar, CAN_RW, 0, 64 * PAGE, NULL);
  assert_status(VMAR_OK, vmar_destroy(c));
  expect_alloc_fails(VMAR_ERR_BAD_STATE, c, 0, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_STATE, c, CAN_RW | VMAR_VM_COMPACT, 0, PAGE);
  // Before step 5: options, size alignment and map-only options.
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, VMAR_VM_PERM_READ, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, align_option(9), 0, PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, 0, 0, PAGE + 1);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, VMAR_VM_SPECIFIC_OVERWRITE, 0,
                     PAGE);
  // After step 5: size 0, SPECIFIC without CAN_MAP_SPECIFIC, bounds.
  expect_alloc_fails(VMAR_ERR_BAD_STATE, c, 0, 0, 0);
  expect_alloc_fails(VMAR_ERR_BAD_STATE, c, VMAR_VM_SPECIFIC, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_STATE, c, 0, 0, 128 * PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_STATE, c, 0, PAGE, PAGE);
  // A reduced handle to the dead parent: rights (step 1) before state.
  vmar_handle_t nw = dup_without(c, VMAR_RIGHT_WRITE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, nw, VMAR_VM_CAN_MAP_WRITE, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_BAD_STATE, nw, VMAR_VM_CAN_MAP_READ, 0, PAGE);
  CLOSE_ALL_OK(nw, c);
  assert_vmar_empty(fx->vmar);
}

// Step 6: size 0 is INVALID_ARGS, and it is checked before steps 7-12.
static void allocate__size_zero_invalid_args(void** state) {
  fixture_t* fx = *state;
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, 0);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC, 0, 0);
  vmar_handle_t plain = alloc_ok(fx->vmar, 0, 0, 64 * PAGE, NULL);
  // Would be ACCESS_DENIED (step 9) with a non-zero size.
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, plain, VMAR_VM_SPECIFIC, 0, 0);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, plain,
                     VMAR_VM_OFFSET_IS_UPPER_LIMIT, PAGE, 0);
  destroy_close(plain);
  assert_vmar_empty(fx->vmar);
}

// Step 7: a CAN_MAP bit above the parent's own ceiling is ACCESS_DENIED.
static void allocate__can_map_above_parent_ceiling_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t ro =
      alloc_ok(fx->vmar, VMAR_VM_CAN_MAP_READ, 0, 64 * PAGE, NULL);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, ro, VMAR_VM_CAN_MAP_WRITE, 0,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, ro, CAN_RW, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, ro, VMAR_VM_CAN_MAP_EXECUTE, 0,
                     PAGE);
  vmar_handle_t none = alloc_ok(fx->vmar, 0, 0, 64 * PAGE, NULL);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, none, VMAR_VM_CAN_MAP_READ, 0,
                     PAGE);
  assert_vmar_empty(ro);
  assert_vmar_empty(none);
  destroy_close(none);
  destroy_close(ro);
}

// Step 8: SPECIFIC with UPPER_LIMIT, offset without either, unaligned offset.
static void allocate__offset_mode_invalid_args(void** state) {
  fixture_t* fx = *state;
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar,
                           VMAR_VM_SPECIFIC | VMAR_VM_OFFSET_IS_UPPER_LIMIT,
                           4 * PAGE, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, PAGE, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_COMPACT,
                           4 * PAGE, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC,
                           PAGE + PAGE / 2, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC, 1,
                           PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar,
                           VMAR_VM_OFFSET_IS_UPPER_LIMIT, 8 * PAGE - 1, PAGE);
  // Step 8 precedes step 9 (parent without CAN_MAP_SPECIFIC).
  vmar_handle_t plain = alloc_ok(fx->vmar, 0, 0, 64 * PAGE, NULL);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, plain,
                     VMAR_VM_SPECIFIC | VMAR_VM_OFFSET_IS_UPPER_LIMIT, 4 * PAGE,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, plain, VMAR_VM_SPECIFIC, PAGE + 1,
                     PAGE);
  assert_vmar_empty(plain);
  destroy_close(plain);
}

// Step 9: SPECIFIC / UPPER_LIMIT in a parent without CAN_MAP_SPECIFIC.
static void
allocate__specific_without_can_map_specific_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t plain = alloc_ok(fx->vmar, CAN_RW, 0, 64 * PAGE, NULL);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, plain, VMAR_VM_SPECIFIC, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, plain, VMAR_VM_SPECIFIC, 4 * PAGE,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, plain,
                     VMAR_VM_OFFSET_IS_UPPER_LIMIT, 8 * PAGE, PAGE);
  // Step 9 precedes bounds (10) and alignment (11).
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, plain, VMAR_VM_SPECIFIC, 64 * PAGE,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_ACCESS_DENIED, plain,
                     VMAR_VM_OFFSET_IS_UPPER_LIMIT, 128 * PAGE, PAGE);
  assert_vmar_empty(plain);
  destroy_close(plain);
}

// Step 10: ranges that do not fit in the parent are INVALID_ARGS.
static void allocate__out_of_bounds_invalid_args(void** state) {
  fixture_t* fx = *state;
  size_t len = fx->len;
  size_t huge = SIZE_MAX - PAGE + 1; // page-aligned
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, len + PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, 0, 0, huge);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC,
                           len, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC,
                           len - PAGE, 2 * PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC,
                           huge, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC,
                           PAGE, huge);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC, 0,
                           len + PAGE);
  // The last page is fine.
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(fx->vmar, VMAR_VM_SPECIFIC, len - PAGE, PAGE, &a);
  assert_int_equal(a, fx->base + len - PAGE);
  // Bounds (10) come before overlap (11): reaching past the end over |h|.
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, VMAR_VM_SPECIFIC,
                     len - PAGE, 2 * PAGE);
  destroy_close(h);
  assert_vmar_empty(fx->vmar);
}

// Step 11: SPECIFIC|ALIGN_x needs an absolutely aligned address. The test
// VMAR's base is deliberately misaligned (hosts often align big mappings),
// so an offset aligned relative to the base is misaligned in absolute terms.
static void allocate__specific_misaligned_absolute_invalid_args(void** state) {
  fixture_t* fx = *state;
  // ALIGN_64KB as in KT1, or twice the page where pages are that large.
  unsigned shift = page_shift() + 1 > 16 ? page_shift() + 1 : 16;
  size_t align = (size_t)1 << shift;
  vmar_vm_option_t opt = align_option(shift);
  size_t coff = round_up(fx->base, align) - fx->base + PAGE;
  size_t clen = 4 * align;
  vmar_vaddr_t cb = 0;
  vmar_handle_t c = alloc_ok(
      fx->vmar, VMAR_VM_SPECIFIC | VMAR_VM_CAN_MAP_SPECIFIC, coff, clen, &cb);
  assert_int_equal(cb % align, PAGE);
  // Offsets: |good| is aligned in absolute terms, |bad| and |rel| are not
  // (|rel| is aligned relative to the base only).
  size_t good = align - PAGE;
  size_t bad = PAGE;
  size_t rel = align;
  assert_int_equal((cb + good) % align, 0);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, VMAR_VM_SPECIFIC | opt, bad,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, VMAR_VM_SPECIFIC | opt, rel,
                     PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, VMAR_VM_SPECIFIC | opt, 0, PAGE);
  assert_vmar_empty(c);
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(c, VMAR_VM_SPECIFIC | opt, good, PAGE, &a);
  assert_int_equal(a, cb + good);
  assert_int_equal(a % align, 0);
  vmar_handle_t h2 =
      alloc_ok(c, VMAR_VM_SPECIFIC | opt, good + align, 2 * PAGE, &a);
  assert_int_equal(a % align, 0);
  destroy_close(h2);
  // Alignment (11) is checked before overlap: a misaligned spot over |other|.
  vmar_handle_t other = alloc_ok(c, VMAR_VM_SPECIFIC, rel, PAGE, NULL);
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, c, VMAR_VM_SPECIFIC, rel, PAGE);
  expect_alloc_fails(VMAR_ERR_INVALID_ARGS, c, VMAR_VM_SPECIFIC | opt, rel,
                     PAGE);
  destroy_close(other);
  destroy_close(h);
  // A page-sized alignment is satisfied by every page.
  h = alloc_ok(c, VMAR_VM_SPECIFIC | align_option(page_shift()), bad, PAGE, &a);
  assert_int_equal(a, cb + bad);
  destroy_close(h);
  assert_vmar_empty(c);
  destroy_close(c);
}

// Step 11: SPECIFIC overlapping an existing child is ALREADY_EXISTS.
static void allocate__specific_overlap_already_exists(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = fixture_sub(fx, 0, 8, 4, &a);
  assert_int_equal(a, fx->base + 8 * PAGE);
  // Same range, head overlap, tail overlap, inside, around.
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, fx->vmar, VMAR_VM_SPECIFIC,
                     8 * PAGE, 4 * PAGE);
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, fx->vmar, VMAR_VM_SPECIFIC,
                     6 * PAGE, 3 * PAGE);
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, fx->vmar, VMAR_VM_SPECIFIC,
                     11 * PAGE, 2 * PAGE);
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, fx->vmar, VMAR_VM_SPECIFIC,
                     9 * PAGE, PAGE);
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, fx->vmar, VMAR_VM_SPECIFIC, 0,
                     fx->len);
  // Adjacent on both sides is fine: the failures added nothing.
  vmar_handle_t left = fixture_sub(fx, 0, 6, 2, NULL);
  vmar_handle_t right = fixture_sub(fx, 0, 12, 2, NULL);
  destroy_close(left);
  destroy_close(right);
  destroy_close(h);
  assert_vmar_empty(fx->vmar);
}

// Step 12: no free spot is NO_RESOURCES (full, or only too-small holes).
static void allocate__no_spot_no_resources(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t c =
      alloc_ok(fx->vmar, VMAR_VM_CAN_MAP_SPECIFIC, 0, 8 * PAGE, NULL);
  vmar_handle_t full = alloc_ok(c, 0, 0, 8 * PAGE, NULL);
  expect_alloc_fails(VMAR_ERR_NO_RESOURCES, c, 0, 0, PAGE);
  expect_alloc_fails(VMAR_ERR_NO_RESOURCES, c, VMAR_VM_COMPACT, 0, 8 * PAGE);
  destroy_close(full);
  // Holes of one page each: a two-page child does not fit.
  vmar_handle_t kids[4];
  for (size_t i = 0; i < 4; i++) {
    kids[i] = alloc_ok(c, VMAR_VM_SPECIFIC, (2 * i + 1) * PAGE, PAGE, NULL);
  }
  expect_alloc_fails(VMAR_ERR_NO_RESOURCES, c, 0, 0, 2 * PAGE);
  // A one-page child still fits, in a hole at an even page.
  vmar_vaddr_t a = 0;
  vmar_handle_t one = alloc_ok(c, 0, 0, PAGE, &a);
  assert_int_equal(((a - info_of(c).base) / PAGE) % 2, 0);
  destroy_close(one);
  for (size_t i = 0; i < 4; i++) {
    destroy_close(kids[i]);
  }
  destroy_close(c);
}

// Step 13: NULL out-pointers are INVALID_ARGS, and nothing is created.
static void allocate__null_outputs_invalid_args(void** state) {
  fixture_t* fx = *state;
  reserved_snapshot_t before = reserved_take();
  vmar_handle_t h = SENTINEL_HANDLE;
  vmar_vaddr_t a = SENTINEL_ADDR;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_allocate(fx->vmar, 0, 0, PAGE, NULL, &a));
  assert_int_equal(a, SENTINEL_ADDR);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_allocate(fx->vmar, 0, 0, PAGE, &h, NULL));
  assert_int_equal(h, SENTINEL_HANDLE);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_allocate(fx->vmar, VMAR_VM_SPECIFIC, 0, PAGE, NULL, NULL));
  assert_int_equal(reserved_new_bytes(&before), 0);
  assert_vmar_empty(fx->vmar);
  // Also in the root: no top-level reservation is left behind.
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_allocate(vmar_root_self(), 0, 0, 16 * PAGE, NULL, &a));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_allocate(vmar_root_self(), 0, 0, 16 * PAGE, &h, NULL));
  assert_int_equal(reserved_new_bytes(&before), 0);
  reserved_free(&before);
  assert_int_equal(h, SENTINEL_HANDLE);
  assert_int_equal(a, SENTINEL_ADDR);
}

// Step 13 is last: earlier failures win over NULL out-pointers.
static void allocate__null_outputs_checked_last(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = SENTINEL_HANDLE;
  vmar_vaddr_t a = SENTINEL_ADDR;
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_allocate(VMAR_HANDLE_INVALID, 0, 0, PAGE, NULL, NULL));
  vmar_handle_t full = alloc_ok(fx->vmar, 0, 0, fx->len, NULL);
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_allocate(fx->vmar, 0, 0, PAGE, NULL, &a));
  assert_status(VMAR_ERR_ALREADY_EXISTS,
                vmar_allocate(fx->vmar, VMAR_VM_SPECIFIC, 0, PAGE, &h, NULL));
  assert_status(VMAR_OK, vmar_destroy(full));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_allocate(full, 0, 0, PAGE, NULL, NULL));
  close_ok(full);
  assert_int_equal(h, SENTINEL_HANDLE);
  assert_int_equal(a, SENTINEL_ADDR);
  assert_vmar_empty(fx->vmar);
}

// Bad input, as a table (bad_input.h): h1 parent, opt, a offset, b size;
// NULL1: no child pointer, NULL2: no address pointer.

static const bad_row_t kAllocateBad[] = {
    NOT_LIVE("parent", H_NONE, CAN_RW, V0, PG(1), V0, 0),
    {"parent is a VMO", WRONG_TYPE, H_VMO, H_NONE, CAN_RW, V0, PG(1), V0, 0},
    {"CAN_MAP_WRITE, parent handle lacks WRITE", ACCESS_DENIED, H_TOP_RO,
     H_NONE, CAN_RW, V0, PG(1), V0, 0},
    {"missing right checked before unknown bits", ACCESS_DENIED, H_TOP_RO,
     H_NONE, CAN_RW | UNKNOWN_BIT, V0, PG(1), V0, 0},
    {"unknown option bit", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | UNKNOWN_BIT,
     V0, PG(1), V0, 0},
    {"alignment field below 1KB", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | BAD_ALIGN_LOW, V0, PG(1), V0, 0},
    {"alignment field above 4GB", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | BAD_ALIGN_HIGH, V0, PG(1), V0, 0},
    {"PERM_READ", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | PERM_R, V0, PG(1), V0,
     0},
    {"MAP_RANGE", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | VMAR_VM_MAP_RANGE, V0,
     PG(1), V0, 0},
    {"SPECIFIC_OVERWRITE", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | OVERWRITE,
     PG(5), PG(1), V0, 0},
    {"ALLOW_FAULTS", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | VMAR_VM_ALLOW_FAULTS,
     V0, PG(1), V0, 0},
    {"size not page-aligned", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0,
     PGB(1, 1), V0, 0},
    {"size rounds past the top (not rounded: unaligned)", INVALID_ARGS, H_TOP,
     H_NONE, CAN_RW, V0, VOVF, V0, 0},
    {"unaligned size checked before destroyed parent", INVALID_ARGS, H_DEAD,
     H_NONE, CAN_RW, V0, PGB(1, 1), V0, 0},
    {"parent destroyed", BAD_STATE, H_DEAD, H_NONE, CAN_RW, V0, PG(1), V0, 0},
    {"destroyed parent checked before size 0", BAD_STATE, H_DEAD, H_NONE,
     CAN_RW, V0, V0, V0, 0},
    {"size 0", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0, V0, V0, 0},
    {"CAN_MAP_EXECUTE above sub's ceiling", ACCESS_DENIED, H_SUB, H_NONE,
     CAN_RW | CAN_X, V0, PG(1), V0, 0},
    {"SPECIFIC with OFFSET_IS_UPPER_LIMIT", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | SPEC | UPPER, PG(5), PG(1), V0, 0},
    {"offset without SPECIFIC", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, PG(5),
     PG(1), V0, 0},
    {"SPECIFIC offset not page-aligned", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | SPEC, PGB(5, 1), PG(1), V0, 0},
    {"SPECIFIC in a parent without CAN_MAP_SPECIFIC", ACCESS_DENIED, H_SUB,
     H_NONE, CAN_RW | SPEC, PG(2), PG(1), V0, 0},
    {"UPPER_LIMIT in a parent without CAN_MAP_SPECIFIC", ACCESS_DENIED, H_SUB,
     H_NONE, CAN_RW | UPPER, PG(4), PG(1), V0, 0},
    {"SPECIFIC offset at the parent's end", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | SPEC, PG(TOP_PAGES), PG(1), V0, 0},
    {"SPECIFIC range past the parent's end", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | SPEC, PG(TOP_PAGES - 1), PG(2), V0, 0},
    {"SPECIFIC offset near 2^64", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | SPEC,
     VTOP, PG(1), V0, 0},
    {"size larger than the parent", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0,
     PG(TOP_PAGES + 1), V0, 0},
    {"UPPER_LIMIT above the parent's size", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | UPPER, PG(TOP_PAGES + 1), PG(1), V0, 0},
    {"UPPER_LIMIT below the size", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | UPPER,
     PG(1), PG(2), V0, 0},
    {"SPECIFIC over a mapping", ALREADY_EXISTS, H_TOP, H_NONE, CAN_RW | SPEC,
     PG(3), PG(2), V0, 0},
    {"SPECIFIC over a sub-VMAR", ALREADY_EXISTS, H_TOP, H_NONE, CAN_RW | SPEC,
     PG(SUB_AT), PG(1), V0, 0},
    {"no spot large enough", NO_RESOURCES, H_TOP, H_NONE, CAN_RW, V0, PG(5), V0,
     0},
    {"child pointer NULL", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0, PG(1), V0,
     NULL1},
    {"address pointer NULL", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0, PG(1), V0,
     NULL2},
    {"NULL output noticed after no spot", NO_RESOURCES, H_TOP, H_NONE, CAN_RW,
     V0, PG(5), V0, NULL1},
};

// A child that is made is destroyed again.
static vmar_status_t allocate_row(const bad_call_t* c) {
  vmar_status_t st = vmar_allocate(c->h1, (vmar_vm_option_t)c->row->opt, c->az,
                                   c->bz, c->out1, c->out2);
  if (st == VMAR_OK) {
    destroy_close(BAD_OUT(vmar_handle_t, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// vmar_allocate: placement

// Kernel-chosen placement honours every ALIGN_* up to 1 MiB (1/2 KiB = page).
static void allocate__align_placement_aligned_inside(void** state) {
  fixture_t* fx = *state;
  vmar_info_t ci = {0, (size_t)8 << 20};
  for (size_t compact = 0; compact < 2; compact++) {
    vmar_handle_t c =
        misaligned_child(fx, compact ? VMAR_VM_COMPACT : 0, ci.len, &ci.base);
    for (unsigned shift = 10; shift <= 20; shift++) {
      size_t align = (size_t)1 << shift;
      size_t eff = align > PAGE ? align : PAGE;
      for (size_t round = 0; round < 6; round++) {
        size_t size = (round % 3 + 1) * PAGE;
        vmar_vaddr_t a = 0;
        vmar_handle_t h = alloc_ok(c, align_option(shift), 0, size, &a);
        assert_int_equal(a % eff, 0);
        assert_inside(a, size, ci.base, ci.len);
        destroy_close(h);
      }
    }
    assert_vmar_empty(c);
    destroy_close(c);
  }
}

// Aligned placement in a COMPACT VMAR is the first aligned spot that fits.
static void allocate__align_in_compact_first_aligned_fit(void** state) {
  fixture_t* fx = *state;
  unsigned shift = page_shift() + 1 > 16 ? page_shift() + 1 : 16;
  size_t align = (size_t)1 << shift;
  vmar_vaddr_t cb = 0;
  vmar_handle_t c = misaligned_child(fx, VMAR_VM_COMPACT, 4 * align, &cb);
  vmar_vaddr_t a0 = 0, a1 = 0, a2 = 0;
  vmar_handle_t h0 = alloc_ok(c, 0, 0, PAGE, &a0);
  assert_int_equal(a0, cb);
  vmar_handle_t h1 = alloc_ok(c, align_option(shift), 0, PAGE, &a1);
  assert_int_equal(a1, round_up(cb + PAGE, align));
  // An unaligned request still fills the lowest hole.
  vmar_handle_t h2 = alloc_ok(c, 0, 0, PAGE, &a2);
  assert_int_equal(a2, a1 == cb + PAGE ? cb + 2 * PAGE : cb + PAGE);
  destroy_close(h2);
  destroy_close(h1);
  destroy_close(h0);
  destroy_close(c);
}

// An alignment no spot can satisfy is NO_RESOURCES; one spot is found exactly.
static void allocate__align_unsatisfiable_no_resources(void** state) {
  fixture_t* fx = *state;
  unsigned shift = page_shift() + 1;
  size_t align = (size_t)1 << shift;
  // A 2-page VMAR whose base is odd in pages: its only 2-page-aligned
  // address is its second page.
  size_t off = round_up(fx->base, align) - fx->base + PAGE;
  vmar_vaddr_t cb = 0;
  vmar_handle_t c = alloc_ok(fx->vmar, VMAR_VM_SPECIFIC, off, 2 * PAGE, &cb);
  assert_int_equal(cb % align, PAGE);
  expect_alloc_fails(VMAR_ERR_NO_RESOURCES, c, align_option(shift), 0,
                     2 * PAGE);
  if ((uint64_t)(cb + PAGE) % ((uint64_t)1 << 32) != 0) {
    expect_alloc_fails(VMAR_ERR_NO_RESOURCES, c, VMAR_VM_ALIGN_4GB, 0, PAGE);
  }
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(c, align_option(shift), 0, PAGE, &a);
  assert_int_equal(a, cb + PAGE);
  destroy_close(h);
  destroy_close(c);
}

// COMPACT: 1..N-page children pack from the base; holes are reused first-fit.
static void allocate__compact_packed_and_reuses_hole(void** state) {
  fixture_t* fx = *state;
  enum { N = 8 };
  vmar_handle_t runs[2];
  size_t offs[2][N];
  for (size_t run = 0; run < 2; run++) {
    vmar_vaddr_t cb = 0;
    vmar_handle_t c = alloc_ok(fx->vmar, VMAR_VM_COMPACT, 0, 64 * PAGE, &cb);
    vmar_handle_t kids[N];
    size_t expect = 0;
    for (size_t i = 0; i < N; i++) {
      vmar_vaddr_t a = 0;
      kids[i] = alloc_ok(c, 0, 0, (i + 1) * PAGE, &a);
      offs[run][i] = a - cb;
      assert_int_equal(offs[run][i], expect);
      expect += (i + 1) * PAGE;
    }
    // Free the 4-page child (offset 6 pages): a 3-page child takes the hole,
    // then a 1-page child the remaining page, then the next goes to the end.
    destroy_close(kids[3]);
    vmar_vaddr_t a = 0;
    vmar_handle_t h3 = alloc_ok(c, 0, 0, 3 * PAGE, &a);
    assert_int_equal(a, cb + 6 * PAGE);
    vmar_handle_t h1 = alloc_ok(c, 0, 0, PAGE, &a);
    assert_int_equal(a, cb + 9 * PAGE);
    vmar_handle_t hend = alloc_ok(c, 0, 0, PAGE, &a);
    assert_int_equal(a, cb + expect);
    // A child too large for the first hole skips it.
    destroy_close(kids[1]); // 2 pages at offset 1
    vmar_handle_t h2big = alloc_ok(c, 0, 0, 3 * PAGE, &a);
    assert_int_equal(a, cb + expect + PAGE);
    vmar_handle_t h2 = alloc_ok(c, 0, 0, 2 * PAGE, &a);
    assert_int_equal(a, cb + PAGE);
    destroy_close(h2);
    destroy_close(h2big);
    destroy_close(hend);
    destroy_close(h1);
    destroy_close(h3);
    for (size_t i = 0; i < N; i++) {
      if (i != 3 && i != 1) {
        destroy_close(kids[i]);
      }
    }
    runs[run] = c;
  }
  // Deterministic: both runs chose the same offsets.
  assert_memory_equal(offs[0], offs[1], sizeof(offs[0]));
  destroy_close(runs[0]);
  destroy_close(runs[1]);
}

// Default entropy: a non-COMPACT VMAR spreads a re-allocated page around.
static void allocate__random_placement_varies(void** state) {
  fixture_t* fx = *state;
  enum { ROUNDS = 32 };
  vmar_vaddr_t seen[ROUNDS];
  size_t distinct = 0;
  for (size_t i = 0; i < ROUNDS; i++) {
    vmar_vaddr_t a = 0;
    vmar_handle_t h = alloc_ok(fx->vmar, 0, 0, PAGE, &a);
    assert_inside(a, PAGE, fx->base, fx->len);
    destroy_close(h);
    bool dup = false;
    for (size_t j = 0; j < distinct; j++) {
      dup = dup || seen[j] == a;
    }
    if (!dup) {
      seen[distinct++] = a;
    }
  }
  assert_true(distinct > 8);
}

static int cmp_addr(const void* x, const void* y) {
  const vmar_vaddr_t* a = x;
  const vmar_vaddr_t* b = y;
  return (a[0] > b[0]) - (a[0] < b[0]);
}

// Default entropy: many live children stay inside, never overlap, spread out.
static void allocate__random_placement_disjoint_inside(void** state) {
  fixture_t* fx = *state;
  enum { N = 200 };
  vmar_vaddr_t spans[N][2]; // base, size
  vmar_handle_t hs[N];
  size_t total = 0;
  for (size_t i = 0; i < N; i++) {
    size_t size = (i % 4 + 1) * PAGE;
    vmar_vaddr_t a = 0;
    hs[i] = alloc_ok(fx->vmar, (i % 3 == 0) ? VMAR_VM_COMPACT : 0, 0, size, &a);
    assert_inside(a, size, fx->base, fx->len);
    spans[i][0] = a;
    spans[i][1] = size;
    total += size;
  }
  qsort(spans, N, sizeof(spans[0]), cmp_addr);
  for (size_t i = 0; i + 1 < N; i++) {
    assert_true(spans[i][0] + spans[i][1] <= spans[i + 1][0]);
  }
  // Not packed at the bottom: the extent is far larger than the sum of sizes.
  assert_true(spans[N - 1][0] + spans[N - 1][1] - spans[0][0] > 2 * total);
  for (size_t i = 0; i < N; i++) {
    destroy_close(hs[i]);
  }
  assert_vmar_empty(fx->vmar);
}

// Entropy 0: a non-COMPACT VMAR is first fit; restoring 30 re-randomises.
static void allocate__entropy_zero_first_fit(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_posix_set_entropy_bits(37));
  if (TEST_BACKEND_ZIRCON) {
    // A kernel boot option on Zircon; the fake kernel has its own knob.
    assert_status(VMAR_ERR_NOT_SUPPORTED, vmar_posix_set_entropy_bits(0));
  }
  assert_status(VMAR_ERR_INVALID_ARGS, test_set_entropy_bits(37));
  assert_status(VMAR_OK, test_set_entropy_bits(36));
  assert_status(VMAR_OK, test_set_entropy_bits(0));
  vmar_vaddr_t cb = 0;
  vmar_handle_t c = alloc_ok(fx->vmar, 0, 0, 256 * PAGE, &cb);
  vmar_handle_t kids[5];
  size_t expect = 0;
  for (size_t i = 0; i < 5; i++) {
    vmar_vaddr_t a = 0;
    kids[i] = alloc_ok(c, 0, 0, (i + 1) * PAGE, &a);
    assert_int_equal(a, cb + expect);
    expect += (i + 1) * PAGE;
  }
  destroy_close(kids[2]); // 3 pages at offset 3
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(c, 0, 0, 2 * PAGE, &a);
  assert_int_equal(a, cb + 3 * PAGE);
  destroy_close(h);
  // Back to the default: the same VMAR spreads placements again.
  assert_status(VMAR_OK, test_set_entropy_bits(DEFAULT_ENTROPY_BITS));
  size_t moved = 0;
  for (size_t i = 0; i < 16; i++) {
    vmar_handle_t r = alloc_ok(c, 0, 0, PAGE, &a);
    moved += a != cb + 3 * PAGE;
    destroy_close(r);
  }
  assert_true(moved > 4);
  for (size_t i = 0; i < 5; i++) {
    if (i != 2) {
      destroy_close(kids[i]);
    }
  }
  destroy_close(c);
}

// OFFSET_IS_UPPER_LIMIT: the child always ends at or below base + offset.
static void allocate__upper_limit_respected(void** state) {
  fixture_t* fx = *state;
  size_t limit = 8 * PAGE;
  size_t lowest = SIZE_MAX, highest = 0;
  for (size_t i = 0; i < 32; i++) {
    vmar_vaddr_t a = 0;
    vmar_handle_t h =
        alloc_ok(fx->vmar, VMAR_VM_OFFSET_IS_UPPER_LIMIT, limit, 2 * PAGE, &a);
    assert_true(a >= fx->base);
    assert_true(a + 2 * PAGE <= fx->base + limit);
    size_t off = a - fx->base;
    lowest = off < lowest ? off : lowest;
    highest = off > highest ? off : highest;
    destroy_close(h);
  }
  // A non-COMPACT parent still randomises among the 7 candidates.
  assert_true(lowest < highest);
  // size == offset: the only spot is the base.
  vmar_vaddr_t a = 0;
  vmar_handle_t h =
      alloc_ok(fx->vmar, VMAR_VM_OFFSET_IS_UPPER_LIMIT, limit, limit, &a);
  assert_int_equal(a, fx->base);
  destroy_close(h);
  // offset == parent size: the whole parent.
  h = alloc_ok(fx->vmar, VMAR_VM_OFFSET_IS_UPPER_LIMIT, fx->len, fx->len, &a);
  assert_int_equal(a, fx->base);
  destroy_close(h);
  assert_vmar_empty(fx->vmar);
}

// OFFSET_IS_UPPER_LIMIT: size > offset or offset > parent size: INVALID_ARGS.
static void allocate__upper_limit_bounds_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vm_option_t ul = VMAR_VM_OFFSET_IS_UPPER_LIMIT;
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, ul, 2 * PAGE,
                           3 * PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, ul, 0, PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, ul, fx->len + PAGE,
                           PAGE);
  expect_alloc_fails_empty(VMAR_ERR_INVALID_ARGS, fx->vmar, ul, fx->len,
                           fx->len + PAGE);
}

// OFFSET_IS_UPPER_LIMIT with the space below the limit taken: NO_RESOURCES.
static void allocate__upper_limit_full_below_no_resources(void** state) {
  fixture_t* fx = *state;
  size_t limit = 8 * PAGE;
  vmar_handle_t low = alloc_ok(fx->vmar, VMAR_VM_SPECIFIC, 0, 7 * PAGE, NULL);
  // One page is left below the limit: two pages do not fit, one does.
  expect_alloc_fails(VMAR_ERR_NO_RESOURCES, fx->vmar,
                     VMAR_VM_OFFSET_IS_UPPER_LIMIT, limit, 2 * PAGE);
  vmar_vaddr_t a = 0;
  vmar_handle_t one =
      alloc_ok(fx->vmar, VMAR_VM_OFFSET_IS_UPPER_LIMIT, limit, PAGE, &a);
  assert_int_equal(a, fx->base + 7 * PAGE);
  expect_alloc_fails(VMAR_ERR_NO_RESOURCES, fx->vmar,
                     VMAR_VM_OFFSET_IS_UPPER_LIMIT, limit, PAGE);
  // The rest of the parent is free all the while.
  vmar_handle_t above =
      alloc_ok(fx->vmar, VMAR_VM_SPECIFIC, limit, fx->len - limit, NULL);
  destroy_close(above);
  destroy_close(one);
  destroy_close(low);
  assert_vmar_empty(fx->vmar);
}

// Bad input (bad_input.h): a raw number of bits.

static const bad_row_t kEntropyBad[] = {
    {"37 bits", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 37), V0, V0,
     RAW | POSIX},
};

static vmar_status_t set_entropy_bits_row(const bad_call_t* c) {
  return vmar_posix_set_entropy_bits((uint32_t)c->a);
}

// ---------------------------------------------------------------------------
// vmar_destroy

// Destroy frees the range in the parent: SPECIFIC at the same spot succeeds.
static void destroy__range_reusable_in_parent(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = fixture_sub(fx, 0, 16, 16, &a);
  expect_alloc_fails(VMAR_ERR_ALREADY_EXISTS, fx->vmar, VMAR_VM_SPECIFIC,
                     16 * PAGE, 16 * PAGE);
  assert_status(VMAR_OK, vmar_destroy(h));
  vmar_vaddr_t b = 0;
  vmar_handle_t again = fixture_sub(fx, 0, 16, 16, &b);
  assert_int_equal(b, a);
  destroy_close(again);
  close_ok(h);
  assert_vmar_empty(fx->vmar);
}

// Destroy needs OP_CHILDREN; without it nothing happens.
static void destroy__without_op_children_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = alloc_ok(fx->vmar, CAN_RW, 0, 16 * PAGE, NULL);
  vmar_handle_t weak = dup_without(h, VMAR_RIGHT_OP_CHILDREN);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_destroy(weak));
  // Still alive and still occupying its range.
  vmar_handle_t g = alloc_ok(h, 0, 0, PAGE, NULL);
  close_ok(g);
  // A handle with only OP_CHILDREN is enough.
  vmar_handle_t only = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(h, VMAR_RIGHT_OP_CHILDREN, &only));
  assert_status(VMAR_OK, vmar_destroy(only));
  expect_alloc_fails(VMAR_ERR_BAD_STATE, h, 0, 0, PAGE);
  // ACCESS_DENIED is checked before BAD_STATE.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_destroy(weak));
  CLOSE_ALL_OK(only, weak, h);
  assert_vmar_empty(fx->vmar);
}

// The root cannot be destroyed; without OP_CHILDREN it is ACCESS_DENIED first.
static void destroy__root_not_supported(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_NOT_SUPPORTED, vmar_destroy(vmar_root_self()));
  vmar_handle_t root2 = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_root_self(),
                                               VMAR_RIGHT_SAME_RIGHTS, &root2));
  assert_status(VMAR_ERR_NOT_SUPPORTED, vmar_destroy(root2));
  vmar_handle_t weak = dup_without(vmar_root_self(), VMAR_RIGHT_OP_CHILDREN);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_destroy(weak));
  CLOSE_ALL_OK(weak, root2);
  // The root and its children are unaffected.
  vmar_handle_t h = alloc_top(0, PAGE, NULL);
  destroy_close(h);
  assert_vmar_empty(fx->vmar);
}

// A second destroy is BAD_STATE; get_info still reports the old range.
static void destroy__twice_bad_state(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(fx->vmar, 0, 0, 8 * PAGE, &a);
  assert_status(VMAR_OK, vmar_destroy(h));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(h));
  vmar_info_t info = info_of(h);
  assert_int_equal(info.base, a);
  assert_int_equal(info.len, 8 * PAGE);
  assert_int_equal(rights_of(h), 0x00208003u);
  close_ok(h);
  assert_vmar_empty(fx->vmar);
}

// Destroy is recursive: every descendant is BAD_STATE, info still works.
static void destroy__descendants_bad_state(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t ca = 0, ga = 0, gga = 0;
  vmar_handle_t c =
      alloc_ok(fx->vmar, CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, 0, 64 * PAGE, &ca);
  vmar_handle_t g = alloc_ok(c, CAN_RW, 0, 16 * PAGE, &ga);
  vmar_handle_t gg = alloc_ok(g, VMAR_VM_CAN_MAP_READ, 0, 4 * PAGE, &gga);
  vmar_handle_t sib = alloc_ok(c, 0, 0, 4 * PAGE, NULL);
  assert_status(VMAR_OK, vmar_destroy(c));
  vmar_handle_t out = SENTINEL_HANDLE;
  vmar_vaddr_t oa = SENTINEL_ADDR;
  assert_status(VMAR_ERR_BAD_STATE, vmar_allocate(c, 0, 0, PAGE, &out, &oa));
  assert_status(VMAR_ERR_BAD_STATE, vmar_allocate(g, 0, 0, PAGE, &out, &oa));
  assert_status(VMAR_ERR_BAD_STATE, vmar_allocate(gg, 0, 0, PAGE, &out, &oa));
  assert_status(VMAR_ERR_BAD_STATE, vmar_allocate(sib, 0, 0, PAGE, &out, &oa));
  assert_int_equal(out, SENTINEL_HANDLE);
  assert_int_equal(oa, SENTINEL_ADDR);
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(g));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(gg));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(sib));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(c));
  vmar_info_t info = info_of(g);
  assert_int_equal(info.base, ga);
  assert_int_equal(info.len, 16 * PAGE);
  info = info_of(gg);
  assert_int_equal(info.base, gga);
  assert_int_equal(info.len, 4 * PAGE);
  // Handle operations still work on the dead objects.
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(gg, VMAR_RIGHT_SAME_RIGHTS, &d));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(d));
  CLOSE_ALL_OK(d, sib, gg, g, c);
  assert_vmar_empty(fx->vmar);
}

// Destroying a grandchild leaves the middle VMAR alive and frees the spot.
static void destroy__grandchild_only(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t c =
      alloc_ok(fx->vmar, VMAR_VM_CAN_MAP_SPECIFIC, 0, 16 * PAGE, NULL);
  vmar_handle_t g = alloc_ok(c, VMAR_VM_SPECIFIC, 4 * PAGE, 4 * PAGE, NULL);
  assert_status(VMAR_OK, vmar_destroy(g));
  vmar_handle_t g2 = alloc_ok(c, VMAR_VM_SPECIFIC, 4 * PAGE, 4 * PAGE, NULL);
  destroy_close(g2);
  close_ok(g);
  assert_vmar_empty(c);
  destroy_close(c);
}

// Bad handles are BAD_HANDLE for destroy.
static void destroy__bad_handle(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_destroy(VMAR_HANDLE_INVALID));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_destroy(0x12345678u));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_destroy(0xFFFFFFFFu));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_destroy(fx->vmar & ~(vmar_handle_t)1u));
  vmar_handle_t h = alloc_ok(fx->vmar, 0, 0, PAGE, NULL);
  vmar_handle_t d = dup_without(h, 0);
  close_ok(h);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_destroy(h));
  // The closed handle's VMAR is still alive through the duplicate.
  destroy_close(d);
  assert_vmar_empty(fx->vmar);
}

// Bad input, as a table (bad_input.h): h1 the VMAR.

static const bad_row_t kDestroyBad[] = {
    NOT_LIVE("vmar", H_NONE, 0, V0, V0, V0, 0),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, V0, V0, V0, 0},
    {"handle lacks OP_CHILDREN", ACCESS_DENIED, H_TOP_NOOPCH, H_NONE, 0, V0, V0,
     V0, 0},
    {"the root", NOT_SUPPORTED, H_ROOT, H_NONE, 0, V0, V0, V0, 0},
    {"already destroyed", BAD_STATE, H_DEAD, H_NONE, 0, V0, V0, V0, 0},
};

static vmar_status_t destroy_row(const bad_call_t* c) {
  return vmar_destroy(c->h1);
}

// ---------------------------------------------------------------------------
// vmar_get_info

// NULL |info| is INVALID_ARGS.
static void get_info__null_invalid_args(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_get_info(fx->vmar, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_get_info(vmar_root_self(), NULL));
}

// A handle without INSPECT is ACCESS_DENIED, and info is left alone.
static void get_info__without_inspect_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t weak = dup_without(fx->vmar, VMAR_RIGHT_INSPECT);
  vmar_info_t info = {SENTINEL_ADDR, 12345};
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_get_info(weak, &info));
  assert_int_equal(info.base, SENTINEL_ADDR);
  assert_int_equal(info.len, 12345);
  // ACCESS_DENIED precedes INVALID_ARGS for NULL.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_get_info(weak, NULL));
  close_ok(weak);
  // Only INSPECT is needed.
  vmar_handle_t only = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(fx->vmar, VMAR_RIGHT_INSPECT, &only));
  info = info_of(only);
  assert_int_equal(info.base, fx->base);
  assert_int_equal(info.len, fx->len);
  close_ok(only);
}

// Invalid, closed and forged handles are BAD_HANDLE, never a crash.
static void get_info__bad_handles_bad_handle(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = alloc_ok(fx->vmar, 0, 0, PAGE, NULL);
  vmar_handle_t closed = h;
  close_ok(h);
  const vmar_handle_t kBad[] = {
      VMAR_HANDLE_INVALID,
      closed,
      0x12345678u,
      0xFFFFFFFFu,
      0xFFFFFFFCu,
      0x80000000u,
      0x10u,
      0x1u,
      0x2u,
      fx->vmar & ~(vmar_handle_t)3u,
      fx->vmar & ~(vmar_handle_t)1u,
      fx->vmar & ~(vmar_handle_t)2u,
      vmar_root_self() & ~(vmar_handle_t)3u,
  };
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    vmar_info_t info = {SENTINEL_ADDR, 777};
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_get_info(kBad[i], &info));
    assert_int_equal(info.base, SENTINEL_ADDR);
    assert_int_equal(info.len, 777);
    // BAD_HANDLE precedes INVALID_ARGS for NULL.
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_get_info(kBad[i], NULL));
  }
  // Random values with the low bits clear can never be handles.
  unsigned seed = 12345;
  for (size_t i = 0; i < 2000; i++) {
    vmar_handle_t v = (vmar_handle_t)rand_r(&seed) << 2;
    v ^= (vmar_handle_t)rand_r(&seed) << 17;
    v &= ~(vmar_handle_t)(i % 3 + 1); // clear bit 0, bit 1 or both
    vmar_info_t info = {SENTINEL_ADDR, 777};
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_get_info(v, &info));
    assert_int_equal(info.base, SENTINEL_ADDR);
  }
  // Random values with the low bits set: any answer but never a crash.
  for (size_t i = 0; i < 2000; i++) {
    vmar_handle_t v =
        (((vmar_handle_t)rand_r(&seed) << 7) ^ (vmar_handle_t)rand_r(&seed)) |
        3u;
    vmar_info_t info;
    vmar_status_t s = vmar_get_info(v, &info);
    assert_true(s == VMAR_ERR_BAD_HANDLE || s == VMAR_OK ||
                s == VMAR_ERR_ACCESS_DENIED || s == VMAR_ERR_WRONG_TYPE);
  }
}

// Info of a child and of a destroyed child (old base/len, still OK).
static void get_info__child_and_destroyed_ok(void** state) {
  fixture_t* fx = *state;
  vmar_info_t pi = info_of(fx->vmar);
  assert_int_equal(pi.base, fx->base);
  assert_int_equal(pi.len, fx->len);
  vmar_vaddr_t a = 0;
  vmar_handle_t h = fixture_sub(fx, 0, 5, 3, &a);
  vmar_info_t info = info_of(h);
  assert_int_equal(info.base, fx->base + 5 * PAGE);
  assert_int_equal(info.len, 3 * PAGE);
  assert_status(VMAR_OK, vmar_destroy(h));
  info = info_of(h);
  assert_int_equal(info.base, a);
  assert_int_equal(info.len, 3 * PAGE);
  close_ok(h);
}

// Bad input, as a table (bad_input.h): h1 the VMAR; NULL1: no info.

static const bad_row_t kGetInfoBad[] = {
    NOT_LIVE("vmar", H_NONE, 0, V0, V0, V0, 0),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, V0, V0, V0, 0},
    {"handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0, V0, V0, V0,
     0},
    {"info NULL", INVALID_ARGS, H_TOP, H_NONE, 0, V0, V0, V0, NULL1},
    {"destroyed VMAR still answers", OK, H_DEAD, H_NONE, 0, V0, V0, V0,
     SAMEBACK},
};

static vmar_status_t get_info_row(const bad_call_t* c) {
  return vmar_get_info(c->h1, c->out1);
}

int main(void) {
#define T(f) FIXTURE_TEST_WITH(f, &kFixture, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(page_size__matches_host),
      T(root_self__stable_handle_full_rights),
      T(root_self__info_contains_children),
      T(allocate__plain_child_ok),
      T(allocate__full_size_at_base),
      T(allocate__can_map_bits_set_handle_rights),
      T(allocate__can_map_specific_exempt_ok),
      T(allocate__reduced_parent_handle_subset_ok),
      T(allocate__align_4gb_in_root_ok),
      T(allocate__bad_parent_handle_bad_handle),
      T(allocate__parent_handle_lacks_right_access_denied),
      T(allocate__unknown_option_bits_invalid_args),
      T(allocate__bad_align_field_invalid_args),
      T(allocate__perm_or_map_range_invalid_args),
      T(allocate__xom_flag_ignored_ok),
      T(allocate__size_unaligned_invalid_args),
      T(allocate__map_only_options_invalid_args),
      T(allocate__destroyed_parent_bad_state),
      T(allocate__size_zero_invalid_args),
      T(allocate__can_map_above_parent_ceiling_access_denied),
      T(allocate__offset_mode_invalid_args),
      T(allocate__specific_without_can_map_specific_access_denied),
      T(allocate__out_of_bounds_invalid_args),
      T(allocate__specific_misaligned_absolute_invalid_args),
      T(allocate__specific_overlap_already_exists),
      T(allocate__no_spot_no_resources),
      T(allocate__null_outputs_invalid_args),
      T(allocate__null_outputs_checked_last),
      BAD_INPUT_TEST(allocate__bad_input_exact_status, "vmar_allocate",
                     kAllocateBad, allocate_row),
      T(allocate__align_placement_aligned_inside),
      T(allocate__align_in_compact_first_aligned_fit),
      T(allocate__align_unsatisfiable_no_resources),
      T(allocate__compact_packed_and_reuses_hole),
      T(allocate__random_placement_varies),
      T(allocate__random_placement_disjoint_inside),
      T(allocate__entropy_zero_first_fit),
      T(allocate__upper_limit_respected),
      T(allocate__upper_limit_bounds_invalid_args),
      T(allocate__upper_limit_full_below_no_resources),
      BAD_INPUT_TEST(set_entropy_bits__bad_input_exact_status,
                     "vmar_posix_set_entropy_bits", kEntropyBad,
                     set_entropy_bits_row),
      T(destroy__range_reusable_in_parent),
      T(destroy__without_op_children_access_denied),
      T(destroy__root_not_supported),
      T(destroy__twice_bad_state),
      T(destroy__descendants_bad_state),
      T(destroy__grandchild_only),
      T(destroy__bad_handle),
      BAD_INPUT_TEST(destroy__bad_input_exact_status, "vmar_destroy",
                     kDestroyBad, destroy_row),
      T(get_info__null_invalid_args),
      T(get_info__without_inspect_access_denied),
      T(get_info__bad_handles_bad_handle),
      T(get_info__child_and_destroyed_ok),
      BAD_INPUT_TEST(get_info__bad_input_exact_status, "vmar_get_info",
                     kGetInfoBad, get_info_row),
  };
#undef T
  return cmocka_run_group_tests_name("api.region", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
