// SPDX-License-Identifier: MIT
// vmar_unmap: rounding, holes, splits, sub-VMARs and every status of
// zx_vmar_unmap.
// APIs covered: vmar_unmap (with vmar_map, vmar_allocate, vmar_get_maps and
//   vmar_vmo_* as helpers and witnesses).

#include "test.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "bad_input.h"
#include "fixture.h"

#define SPEC_RW (PERM_RW | VMAR_VM_SPECIFIC)

enum { FIX_PAGES = 128, VMO_PAGES = 16 };

// Per-test: a top-level VMAR (CAN_MAP_READ|WRITE|SPECIFIC) and fx->vmo (page
// i filled with pat(0x20, i)).
static const fixture_params_t kFixture = {
    .pages = FIX_PAGES, .options = CAN_RW | CAN_SPEC, .vmo = {VMO_PAGES, 0x20}};

// ---------------------------------------------------------------------------
// Helpers

// True iff no page of [addr, addr + pages * PAGE) can be read.
static bool pages_fault(vmar_vaddr_t addr, size_t pages) {
  for (size_t p = 0; p < pages; p++) {
    if (test_probe_read((const volatile void*)(addr + p * PAGE)) ||
        test_probe_read((const volatile void*)(addr + p * PAGE + PAGE - 1))) {
      return false;
    }
  }
  return true;
}

// Maps fx->vmo pages [vmo_page, vmo_page + pages) at fixture page |page|.
static vmar_vaddr_t map_at(const fixture_t* fx, size_t page, size_t vmo_page,
                           size_t pages) {
  return map_pages_ok(fx->vmar, fx->base, page, fx->vmo, vmo_page, pages);
}

// True iff fixture pages [page, page + pages) show VMO pages from vmo_page on.
static bool shows(const fixture_t* fx, size_t page, size_t vmo_page,
                  size_t pages) {
  for (size_t i = 0; i < pages; i++) {
    if (!mem_is(fx->base + (page + i) * PAGE, PAGE, pat(0x20, vmo_page + i))) {
      return false;
    }
  }
  return test_maps_range_perms(fx->base + page * PAGE, pages * PAGE, "rw-s");
}

// unmap must fail with |expected| and change nothing (unchanged_assert).
static void expect_unmap_fails(const fixture_t* fx, vmar_status_t expected,
                               vmar_handle_t vmar, vmar_vaddr_t addr,
                               size_t len) {
  unchanged_t before = fixture_unchanged(fx);
  assert_status(expected, vmar_unmap(vmar, addr, len));
  unchanged_assert(&before);
}

// ---------------------------------------------------------------------------
// Success

// A whole mapping goes: pages fault, "---p" again, the spot is reusable.
static void unmap__whole_mapping_faults_rereserved(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, 4, 0, 4);
  assert_true(shows(fx, 4, 0, 4));
  unmap_ok(fx->vmar, a, 4 * PAGE);
  assert_true(pages_fault(a, 4));
  assert_false(test_probe_write((volatile void*)a));
  assert_true(test_maps_range_reserved(fx->base, fx->len));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 1);
  free(m);
  vmar_vaddr_t b = map_at(fx, 4, 1, 4);
  assert_true(shows(fx, 4, 1, 4));
  unmap_ok(fx->vmar, b, 4 * PAGE);
  fixture_assert_empty(fx);
}

// The length is rounded up to whole pages.
static void unmap__len_rounded_up_ok(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, 0, 0, 4);
  unmap_ok(fx->vmar, a, 1);
  assert_true(pages_fault(a, 1));
  assert_true(shows(fx, 1, 1, 3));
  unmap_ok(fx->vmar, a + PAGE, PAGE + 1);
  assert_true(pages_fault(a, 3));
  assert_true(shows(fx, 3, 3, 1));
  assert_true(test_maps_range_reserved(a, 3 * PAGE));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_mapping(&m[1], a + 3 * PAGE, PAGE, koid_of(fx->vmo), 3 * PAGE);
  free(m);
  unmap_ok(fx->vmar, a + 3 * PAGE, PAGE - 1);
  fixture_assert_empty(fx);
}

// Unmapping the middle splits a mapping; each piece keeps its VMO offset.
static void unmap__split_keeps_vmo_offsets(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, 0, 2, 8); // VMO pages 2..9
  unmap_ok(fx->vmar, a + 3 * PAGE, 2 * PAGE);
  assert_true(shows(fx, 0, 2, 3));
  assert_true(shows(fx, 5, 7, 3));
  assert_true(pages_fault(a + 3 * PAGE, 2));
  assert_true(test_maps_range_reserved(a + 3 * PAGE, 2 * PAGE));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 3);
  assert_mapping(&m[1], a, 3 * PAGE, koid_of(fx->vmo), 2 * PAGE);
  assert_mapping(&m[2], a + 5 * PAGE, 3 * PAGE, koid_of(fx->vmo), 7 * PAGE);
  assert_int_equal(m[1].mmu_flags, PERM_RW);
  assert_int_equal(m[2].mmu_flags, PERM_RW);
  free(m);
  // A write through the right piece lands at the right VMO offset.
  ((volatile unsigned char*)a)[6 * PAGE + 3] = 0xA7;
  unsigned char byte = 0;
  assert_status(VMAR_OK, vmar_vmo_read(fx->vmo, &byte, 8 * PAGE + 3, 1));
  assert_int_equal(byte, 0xA7);
  byte = pat(0x20, 8);
  assert_status(VMAR_OK, vmar_vmo_write(fx->vmo, &byte, 8 * PAGE + 3, 1));
  // Split the right piece again.
  unmap_ok(fx->vmar, a + 6 * PAGE, PAGE);
  m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 4);
  assert_mapping(&m[2], a + 5 * PAGE, PAGE, koid_of(fx->vmo), 7 * PAGE);
  assert_mapping(&m[3], a + 7 * PAGE, PAGE, koid_of(fx->vmo), 9 * PAGE);
  free(m);
  assert_true(shows(fx, 5, 7, 1));
  assert_true(shows(fx, 7, 9, 1));
  unmap_ok(fx->vmar, a, 8 * PAGE);
  fixture_assert_empty(fx);
}

// Trimming the head or the tail keeps the rest at the right offsets.
static void unmap__trim_head_and_tail(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t a = map_at(fx, 10, 0, 6);
  unmap_ok(fx->vmar, a, 2 * PAGE);
  unmap_ok(fx->vmar, a + 5 * PAGE, PAGE);
  assert_true(shows(fx, 12, 2, 3));
  assert_true(pages_fault(a, 2));
  assert_true(pages_fault(a + 5 * PAGE, 1));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_mapping(&m[1], a + 2 * PAGE, 3 * PAGE, koid_of(fx->vmo), 2 * PAGE);
  free(m);
  unmap_ok(fx->vmar, a + 2 * PAGE, 3 * PAGE);
  fixture_assert_empty(fx);
}

// Holes are fine: ranges partly or wholly unmapped succeed.
static void unmap__gaps_ok(void** state) {
  fixture_t* fx = *state;
  // Nothing mapped at all: the whole VMAR, and a page of it.
  unmap_ok(fx->vmar, fx->base, fx->len);
  unmap_ok(fx->vmar, fx->base + 7 * PAGE, PAGE);
  assert_true(test_maps_range_reserved(fx->base, fx->len));
  vmar_vaddr_t a = map_at(fx, 4, 0, 2);
  vmar_vaddr_t b = map_at(fx, 10, 5, 2);
  // Entirely in a hole.
  unmap_ok(fx->vmar, fx->base + 6 * PAGE, 4 * PAGE);
  assert_true(shows(fx, 4, 0, 2));
  assert_true(shows(fx, 10, 5, 2));
  // Starting a page before a mapping (KT1 UnmapBaseNotMappedTest).
  unmap_ok(fx->vmar, a - PAGE, 2 * PAGE);
  assert_true(pages_fault(a, 1));
  assert_true(shows(fx, 5, 1, 1));
  // Hole, mapping, hole, mapping, hole in one call.
  unmap_ok(fx->vmar, fx->base, 20 * PAGE);
  assert_true(pages_fault(a, 2));
  assert_true(pages_fault(b, 2));
  fixture_assert_empty(fx);
}

// One call trims one mapping, removes the next and trims a third.
static void unmap__several_mappings_one_call(void** state) {
  fixture_t* fx = *state;
  map_at(fx, 0, 0, 4);
  map_at(fx, 4, 4, 4);
  map_at(fx, 10, 10, 4);
  unmap_ok(fx->vmar, fx->base + 2 * PAGE, 10 * PAGE);
  assert_true(shows(fx, 0, 0, 2));
  assert_true(shows(fx, 12, 12, 2));
  assert_true(pages_fault(fx->base + 2 * PAGE, 10));
  assert_true(test_maps_range_reserved(fx->base + 2 * PAGE, 10 * PAGE));
  size_t n = 0;
  vmar_map_info_t* m = maps_take(fx->vmar, &n);
  assert_int_equal(n, 3);
  assert_mapping(&m[1], fx->base, 2 * PAGE, koid_of(fx->vmo), 0);
  assert_mapping(&m[2], fx->base + 12 * PAGE, 2 * PAGE, koid_of(fx->vmo),
                 12 * PAGE);
  free(m);
  unmap_ok(fx->vmar, fx->base, fx->len);
  fixture_assert_empty(fx);
}

// A sub-VMAR wholly in range is destroyed: BAD_STATE, its pages fault.
static void unmap__whole_sub_vmar_destroyed(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub =
      fixture_sub(fx, VMAR_VM_CAN_MAP_SPECIFIC | CAN_RW, 8, 8, &sa);
  vmar_handle_t grand =
      alloc_ok(sub, VMAR_VM_SPECIFIC | CAN_RW, 0, 2 * PAGE, NULL);
  vmar_vaddr_t inner = map_pages_ok(sub, sa, 4, fx->vmo, 0, 2);
  vmar_vaddr_t before = map_at(fx, 6, 0, 2);
  // Exactly the sub-VMAR.
  unmap_ok(fx->vmar, sa, 8 * PAGE);
  assert_true(pages_fault(inner, 2));
  assert_true(test_maps_range_reserved(sa, 8 * PAGE));
  vmar_vaddr_t x = SENTINEL_ADDR;
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_map(sub, PERM_RW, 0, fx->vmo, 0, PAGE, &x));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_map(grand, PERM_RW, 0, fx->vmo, 0, PAGE, &x));
  assert_true(shows(fx, 6, 0, 2));
  CLOSE_ALL_OK(grand, sub);
  // A sub-VMAR and a mapping next to it in one range.
  sub = fixture_sub(fx, CAN_RW, 8, 4, &sa);
  inner = map_ok(sub, PERM_RW, 0, fx->vmo, 0, PAGE);
  unmap_ok(fx->vmar, before, 6 * PAGE);
  assert_true(pages_fault(before, 2));
  assert_true(pages_fault(inner, 1));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_map(sub, PERM_RW, 0, fx->vmo, 0, PAGE, &x));
  assert_int_equal(x, SENTINEL_ADDR);
  close_ok(sub);
  fixture_assert_empty(fx);
}

// Part of a sub-VMAR: INVALID_ARGS even with OP_CHILDREN; no change.
static void unmap__partial_sub_vmar_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub = fixture_sub(fx, CAN_RW, 8, 8, &sa);
  fixture_map_sub(fx, sub, sa, 8, 3);
  map_at(fx, 0, 0, 4);
  map_at(fx, 4, 4, 4);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base, 10 * PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, sa + 4 * PAGE,
                     8 * PAGE);
  // A range wholly inside the sub-VMAR, from the parent: unmap never
  // reaches through a sub-VMAR.
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, sa + PAGE, PAGE);
  assert_true(shows(fx, 0, 0, 8));
  assert_true(shows(fx, 8, 3, 8));
  // Through the sub-VMAR's own handle it works.
  unmap_ok(sub, sa + PAGE, PAGE);
  assert_true(pages_fault(sa + PAGE, 1));
  assert_true(shows(fx, 8, 3, 1));
  assert_true(shows(fx, 10, 5, 6));
  destroy_close(sub);
  unmap_ok(fx->vmar, fx->base, 8 * PAGE);
  fixture_assert_empty(fx);
}

// A whole sub-VMAR needs OP_CHILDREN (INVALID_ARGS); mappings do not.
static void unmap__sub_vmar_without_op_children_invalid_args(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub = fixture_sub(fx, CAN_RW, 8, 4, &sa);
  fixture_map_sub(fx, sub, sa, 4, 0);
  map_at(fx, 4, 4, 4);
  map_at(fx, 12, 12, 2);
  vmar_handle_t weak = dup_without(fx->vmar, VMAR_RIGHT_OP_CHILDREN);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, weak, fx->base + 4 * PAGE,
                     10 * PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, weak, sa, 4 * PAGE);
  assert_true(shows(fx, 4, 4, 4));
  assert_true(shows(fx, 8, 0, 4));
  assert_true(shows(fx, 12, 12, 2));
  unmap_ok(weak, fx->base + 4 * PAGE, 4 * PAGE);
  unmap_ok(weak, fx->base + 12 * PAGE, 4 * PAGE);
  assert_true(pages_fault(fx->base + 4 * PAGE, 4));
  assert_true(shows(fx, 8, 0, 4));
  close_ok(weak);
  // With OP_CHILDREN the same range destroys it.
  unmap_ok(fx->vmar, sa, 4 * PAGE);
  assert_true(pages_fault(sa, 4));
  close_ok(sub);
  fixture_assert_empty(fx);
}

// ---------------------------------------------------------------------------
// Failures, in zx_vmar_unmap's order

// Invalid handles are BAD_HANDLE, a VMO is WRONG_TYPE (before the rest).
static void unmap__bad_handles(void** state) {
  fixture_t* fx = *state;
  map_at(fx, 0, 0, 2);
  expect_unmap_fails(fx, VMAR_ERR_BAD_HANDLE, VMAR_HANDLE_INVALID, fx->base,
                     PAGE);
  expect_unmap_fails(fx, VMAR_ERR_BAD_HANDLE, 0x12345678u, fx->base + 1, 0);
  expect_unmap_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, fx->base, PAGE);
  expect_unmap_fails(fx, VMAR_ERR_WRONG_TYPE, fx->vmo, fx->base + 1, 0);
  vmar_handle_t d = dup_without(fx->vmar, 0);
  close_ok(d);
  expect_unmap_fails(fx, VMAR_ERR_BAD_HANDLE, d, fx->base, PAGE);
  assert_true(shows(fx, 0, 0, 2));
  unmap_ok(fx->vmar, fx->base, 2 * PAGE);
}

// Unaligned address or length rounding to 0: INVALID_ARGS, even if dead.
static void unmap__unaligned_or_len_zero_invalid_args(void** state) {
  fixture_t* fx = *state;
  map_at(fx, 0, 0, 4);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base + 1, PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base + PAGE / 2,
                     PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base, 0);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base, SIZE_MAX);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base,
                     SIZE_MAX - PAGE + 2);
  assert_true(shows(fx, 0, 0, 4));
  vmar_vaddr_t da = 0;
  vmar_handle_t dead = alloc_ok(fx->vmar, CAN_RW, 0, 4 * PAGE, &da);
  assert_status(VMAR_OK, vmar_destroy(dead));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_unmap(dead, da + 1, PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_unmap(dead, da, 0));
  close_ok(dead);
  unmap_ok(fx->vmar, fx->base, 4 * PAGE);
  fixture_assert_empty(fx);
}

// A destroyed VMAR is BAD_STATE, before the bounds check.
static void unmap__destroyed_bad_state(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t da = 0;
  vmar_handle_t dead = alloc_ok(fx->vmar, CAN_RW, 0, 4 * PAGE, &da);
  assert_status(VMAR_OK, vmar_destroy(dead));
  assert_status(VMAR_ERR_BAD_STATE, vmar_unmap(dead, da, PAGE));
  assert_status(VMAR_ERR_BAD_STATE, vmar_unmap(dead, da, 4 * PAGE));
  assert_status(VMAR_ERR_BAD_STATE, vmar_unmap(dead, da - PAGE, 100 * PAGE));
  close_ok(dead);
  fixture_assert_empty(fx);
}

// A range not wholly inside the VMAR is INVALID_ARGS; nothing changes.
static void unmap__outside_vmar_invalid_args(void** state) {
  fixture_t* fx = *state;
  map_at(fx, 0, 0, 2);
  map_at(fx, FIX_PAGES - 2, 0, 2);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base - PAGE,
                     2 * PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar,
                     fx->base + fx->len - PAGE, 2 * PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base + fx->len,
                     PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base - PAGE,
                     fx->len + 2 * PAGE);
  // A range that wraps around the top of the address space.
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, fx->vmar, fx->base,
                     (SIZE_MAX - fx->base) + 1 + PAGE);
  assert_true(shows(fx, 0, 0, 2));
  assert_true(shows(fx, FIX_PAGES - 2, 0, 2));
  // A sub-VMAR's handle may not reach outside itself.
  vmar_vaddr_t sa = 0;
  vmar_handle_t sub = fixture_sub(fx, CAN_RW, 8, 4, &sa);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, sub, sa - PAGE, 2 * PAGE);
  expect_unmap_fails(fx, VMAR_ERR_INVALID_ARGS, sub, fx->base, PAGE);
  destroy_close(sub);
  unmap_ok(fx->vmar, fx->base, fx->len);
  fixture_assert_empty(fx);
}

// Bad input, as a table (bad_input.h): h1 the VMAR, a the address
// (top-relative), b len.

static const bad_row_t kUnmapBad[] = {
    NOT_LIVE("vmar", H_NONE, 0, PG(0), PG(1), V0, 0),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, PG(0), PG(1), V0, 0},
    {"addr not page-aligned", INVALID_ARGS, H_TOP, H_NONE, 0, PGB(0, 1), PG(1),
     V0, 0},
    {"unaligned addr checked before destroyed vmar", INVALID_ARGS, H_DEAD,
     H_NONE, 0, PGB(0, 1), PG(1), V0, 0},
    {"len 0", INVALID_ARGS, H_TOP, H_NONE, 0, PG(0), V0, V0, 0},
    {"len rounds to 0 (overflow)", INVALID_ARGS, H_TOP, H_NONE, 0, PG(0), VOVF,
     V0, 0},
    {"vmar destroyed", BAD_STATE, H_DEAD, H_NONE, 0, PG(12), PG(1), V0, 0},
    {"range past the end", INVALID_ARGS, H_TOP, H_NONE, 0, PG(TOP_PAGES - 1),
     PG(2), V0, 0},
    {"range before the start", INVALID_ARGS, H_TOP, H_NONE, 0, PG(-1), PG(2),
     V0, 0},
    {"addr + len wraps", INVALID_ARGS, H_TOP, H_NONE, 0, PG(1), VTOP, V0, 0},
    {"part of a sub-VMAR", INVALID_ARGS, H_TOP, H_NONE, 0, PG(SUB_AT + 1),
     PG(1), V0, 0},
    {"whole sub-VMAR without OP_CHILDREN", INVALID_ARGS, H_TOP_NOOPCH, H_NONE,
     0, PG(SUB_AT), PG(SUB_PAGES), V0, 0},
    {"a hole", OK, H_TOP, H_NONE, 0, PG(5), PG(2), V0, SAMEBACK},
};

static vmar_status_t unmap_row(const bad_call_t* c) {
  return vmar_unmap(c->h1, c->addr, c->bz);
}

// ---------------------------------------------------------------------------
// The root VMAR

// Root: skips foreign memory; a top-level VMAR goes whole or not at all.
static void unmap__root_skips_foreign_memory(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t root = vmar_root_self();
  vmar_info_t ri = info_of(root);
  unsigned char* f = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(f != MAP_FAILED);
  memset(f, 0x4B, 5 * PAGE);
  uintptr_t fa = (uintptr_t)f;
  assert_int_equal(munmap(f + PAGE, 3 * PAGE), 0);
  vmar_vaddr_t m =
      map_ok(root, SPEC_RW, fa + 2 * PAGE - ri.base, fx->vmo, 0, PAGE);
  assert_int_equal(m, fa + 2 * PAGE);
  assert_true(mem_is(m, PAGE, pat(0x20, 0)));
  unmap_ok(root, fa, 5 * PAGE);
  assert_true(pages_fault(m, 1));
  assert_true(mem_is(fa, PAGE, 0x4B));
  assert_true(mem_is(fa + 4 * PAGE, PAGE, 0x4B));
  assert_true(test_maps_range_perms(fa, PAGE, "rw-p"));
  assert_true(test_maps_range_perms(fa + 4 * PAGE, PAGE, "rw-p"));
  assert_int_equal(munmap(f, PAGE), 0);
  assert_int_equal(munmap(f + 4 * PAGE, PAGE), 0);

  // The fixture is a child of the root: part of it is INVALID_ARGS.
  vmar_vaddr_t a = map_at(fx, 0, 0, 2);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_unmap(root, fx->base, PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_unmap(root, fx->base + PAGE, fx->len));
  assert_true(shows(fx, 0, 0, 2));
  assert_true(test_maps_range_reserved(a + 2 * PAGE, fx->len - 2 * PAGE));
  // A whole top-level VMAR goes back to the host.
  vmar_vaddr_t ta = 0;
  vmar_handle_t t = alloc_ok(root, CAN_RW, 0, 4 * PAGE, &ta);
  map_ok(t, PERM_RW, 0, fx->vmo, 0, PAGE);
  unmap_ok(root, ta, 4 * PAGE);
  assert_true(test_maps_range_unmapped(ta, 4 * PAGE));
  vmar_vaddr_t x = SENTINEL_ADDR;
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_map(t, PERM_RW, 0, fx->vmo, 0, PAGE, &x));
  close_ok(t);
  unmap_ok(fx->vmar, a, 2 * PAGE);
}

// Mapping and unmapping leaves the process with as many VMAs as before.
static void unmap__vma_count_restored(void** state) {
  fixture_t* fx = *state;
  vmar_vaddr_t warm = map_at(fx, 3, 0, 3);
  unmap_ok(fx->vmar, warm, 3 * PAGE);
  size_t before = test_maps_count();
  map_at(fx, 3, 0, 3);
  map_at(fx, 7, 4, 1);
  map_at(fx, 8, 0, 5);
  unmap_ok(fx->vmar, fx->base + 9 * PAGE, 2 * PAGE); // split
  unmap_ok(fx->vmar, fx->base + 4 * PAGE, PAGE);     // split
  assert_true(test_maps_count() > before);
  unmap_ok(fx->vmar, fx->base, 20 * PAGE);
  assert_vma_count(before);
  fixture_assert_empty(fx);
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(unmap__whole_mapping_faults_rereserved),
      T(unmap__len_rounded_up_ok),
      T(unmap__split_keeps_vmo_offsets),
      T(unmap__trim_head_and_tail),
      T(unmap__gaps_ok),
      T(unmap__several_mappings_one_call),
      T(unmap__whole_sub_vmar_destroyed),
      T(unmap__partial_sub_vmar_invalid_args),
      T(unmap__sub_vmar_without_op_children_invalid_args),
      T(unmap__bad_handles),
      T(unmap__unaligned_or_len_zero_invalid_args),
      T(unmap__destroyed_bad_state),
      T(unmap__outside_vmar_invalid_args),
      BAD_INPUT_TEST(unmap__bad_input_exact_status, "vmar_unmap", kUnmapBad,
                     unmap_row),
      T(unmap__root_skips_foreign_memory),
      T(unmap__vma_count_restored),
  };
#undef T
  return cmocka_run_group_tests_name("api.unmap", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
