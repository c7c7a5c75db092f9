// SPDX-License-Identifier: MIT
// Regressions found by the differential fuzzer (fuzz/): each test pins one
// status the library once got wrong against the public headers and
// docs/design.md.
// APIs covered: vmar_unmap, vmar_protect, vmar_op_range, vmar_map,
//   vmar_vmo_read, vmar_get_maps (with vmar_allocate, vmar_destroy,
//   vmar_vmo_create as helpers).

#include "test.h"

#include <stdlib.h>

#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)

// A top-level VMAR and its base.
typedef struct top {
  vmar_handle_t vmar;
  vmar_vaddr_t base;
} top_t;

// A top-level VMAR of |pages| pages that accepts SPECIFIC placement.
static top_t top(size_t pages) {
  top_t t = {VMAR_HANDLE_INVALID, 0};
  assert_status(VMAR_OK, vmar_allocate(vmar_root_self(),
                                       CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, 0,
                                       pages * PAGE, &t.vmar, &t.base));
  return t;
}

// The last page of the address space: any range from it wraps around.
static vmar_vaddr_t last_page(void) {
  return (vmar_vaddr_t)0 - (vmar_vaddr_t)PAGE;
}

// unmap of a destroyed VMAR whose range wraps past the end of the address
// space: BAD_STATE (the range check comes after the liveness check).
static void unmap__destroyed_wrapping_range_bad_state(void** state) {
  (void)state;
  const top_t t = top(4);
  assert_status(VMAR_OK, vmar_destroy(t.vmar));
  assert_status(VMAR_ERR_BAD_STATE, vmar_unmap(t.vmar, last_page(), 4 * PAGE));
  close_ok(t.vmar);
}

// The same wrapping range on a live VMAR is outside it: INVALID_ARGS.
static void unmap__wrapping_range_invalid_args(void** state) {
  (void)state;
  const top_t t = top(4);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_unmap(t.vmar, last_page(), 4 * PAGE));
  destroy_close(t.vmar);
}

// protect of a destroyed VMAR with a wrapping range: BAD_STATE.
static void protect__destroyed_wrapping_range_bad_state(void** state) {
  (void)state;
  const top_t t = top(4);
  assert_status(VMAR_OK, vmar_destroy(t.vmar));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_protect(t.vmar, VMAR_VM_PERM_READ, last_page(), 8 * PAGE));
  close_ok(t.vmar);
}

// op_range starting past the VMAR's end is OUT_OF_RANGE, also when the
// range wraps around the address space.
static void op_range__past_end_out_of_range(void** state) {
  (void)state;
  const top_t t = top(4);
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_op_range(t.vmar, VMAR_OP_DONT_NEED,
                                                     t.base + 8 * PAGE, PAGE));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_op_range(t.vmar, VMAR_OP_DONT_NEED,
                                                     last_page(), 3 * PAGE));
  destroy_close(t.vmar);
}

// SPECIFIC_OVERWRITE in the root at an address that breaks the requested
// alignment: the alignment check (INVALID_ARGS) comes before the root's
// NOT_SUPPORTED.
static void map__root_overwrite_misaligned_invalid_args(void** state) {
  (void)state;
  vmar_info_t root;
  assert_status(VMAR_OK, vmar_get_info(vmar_root_self(), &root));
  vmar_handle_t vmo = vmo_new(PAGE, 0);
  // An offset whose absolute address is odd in pages: never 4 GiB-aligned.
  size_t off = PAGE;
  while (((root.base + off) / PAGE) % 2 == 0) {
    off += PAGE;
  }
  vmar_vaddr_t addr = 0;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_map(vmar_root_self(),
                         VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC_OVERWRITE |
                             VMAR_VM_ALIGN_4GB,
                         off, vmo, 0, PAGE, &addr));
  // Aligned, it is refused for being in the root.
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_map(vmar_root_self(),
                         VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC_OVERWRITE, off,
                         vmo, 0, PAGE, &addr));
  close_ok(vmo);
}

// vmo_read into a mapping that lacks WRITE is ACCESS_DENIED even when the
// mapping's VMO offset is beyond what the host can map (design.md §5: the
// buffer lies in a vmar mapping without the permission).
static void
vmo_read__into_unbacked_readonly_mapping_access_denied(void** state) {
  (void)state;
  const top_t t = top(4);
  vmar_handle_t vmo = vmo_new(PAGE, 0);
  vmar_vaddr_t addr = 0;
  const uint64_t far = (uint64_t)INT64_MAX + 1; // past any host file offset
  assert_status(VMAR_OK,
                vmar_map(t.vmar, VMAR_VM_PERM_READ, 0, vmo, far, PAGE, &addr));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(vmo, (void*)addr, 0, 16));
  destroy_close(t.vmar);
  close_ok(vmo);
}

// The get_maps entry of the root's listing that starts at |base|, or NULL.
static const vmar_map_info_t* entry_at(const vmar_map_info_t* e, size_t n,
                                       vmar_vaddr_t base) {
  for (size_t i = 0; i < n; i++) {
    if (e[i].type == VMAR_MAP_INFO_TYPE_MAPPING && e[i].base == base) {
      return &e[i];
    }
  }
  return NULL;
}

// A mapping that ends a top-level VMAR and a root mapping right after it are
// two get_maps entries whatever their internal ids: each reservation numbers
// its own mappings, so the two once merged into one when the numbers met.
static void get_maps__adjacent_reservations_stay_apart(void** state) {
  (void)state;
  vmar_info_t root;
  assert_status(VMAR_OK, vmar_get_info(vmar_root_self(), &root));
  // Find three free pages, then put a two-page VMAR and a root mapping there.
  const top_t probe = top(3);
  const vmar_vaddr_t base = probe.base;
  destroy_close(probe.vmar);
  vmar_handle_t t = VMAR_HANDLE_INVALID;
  vmar_vaddr_t t_base = 0;
  if (vmar_allocate(vmar_root_self(),
                    CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_SPECIFIC,
                    base - root.base, 2 * PAGE, &t, &t_base) != VMAR_OK) {
    print_message("skipped: the host took the probed pages back\n");
    skip();
  }
  vmar_handle_t vmo = vmo_new(PAGE, 0);
  vmar_vaddr_t r_addr = 0;
  assert_status(VMAR_OK,
                vmar_map(vmar_root_self(), VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC,
                         base + 2 * PAGE - root.base, vmo, 0, PAGE, &r_addr));
  assert_int_equal(r_addr, base + 2 * PAGE);
  enum { kCap = 1 << 14 };
  vmar_map_info_t* e = malloc(kCap * sizeof(*e));
  assert_non_null(e);
  // The VMAR numbers its mappings 1, 2, 3, ...: one of them meets the root
  // mapping's number while the process has made fewer root mappings.
  for (int i = 0; i < 64; i++) {
    vmar_vaddr_t addr = 0;
    assert_status(VMAR_OK, vmar_map(t, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC,
                                    PAGE, vmo, 0, PAGE, &addr));
    size_t n = 0;
    size_t avail = 0;
    assert_status(VMAR_OK,
                  vmar_get_maps(vmar_root_self(), e, kCap, &n, &avail));
    assert_true(n == avail);
    const vmar_map_info_t* in_t = entry_at(e, n, base + PAGE);
    const vmar_map_info_t* in_root = entry_at(e, n, base + 2 * PAGE);
    assert_non_null(in_t);
    assert_non_null(in_root);
    assert_int_equal(in_t->size, PAGE);
    assert_int_equal(in_t->depth, 2);
    assert_int_equal(in_root->size, PAGE);
    assert_int_equal(in_root->depth, 1);
    assert_status(VMAR_OK, vmar_unmap(t, addr, PAGE));
  }
  free(e);
  assert_status(VMAR_OK, vmar_unmap(vmar_root_self(), r_addr, PAGE));
  destroy_close(t);
  close_ok(vmo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unmap__destroyed_wrapping_range_bad_state),
      cmocka_unit_test(unmap__wrapping_range_invalid_args),
      cmocka_unit_test(protect__destroyed_wrapping_range_bad_state),
      cmocka_unit_test(op_range__past_end_out_of_range),
      cmocka_unit_test(map__root_overwrite_misaligned_invalid_args),
      cmocka_unit_test(vmo_read__into_unbacked_readonly_mapping_access_denied),
      cmocka_unit_test(get_maps__adjacent_reservations_stay_apart),
  };
  return cmocka_run_group_tests_name("api.regress_fuzz", tests, NULL, NULL);
}
