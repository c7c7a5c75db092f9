// SPDX-License-Identifier: MIT
// Regressions found by the differential fuzzer (fuzz/): each test pins one
// status the library once got wrong against the public headers and
// docs/design.md. APIs covered: vmar_unmap, vmar_protect, vmar_op_range,
// vmar_map,
//   vmar_vmo_read (with vmar_allocate, vmar_destroy, vmar_vmo_create as
//   helpers).

#include "test.h"

#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)

// A top-level VMAR of |pages| pages that accepts SPECIFIC placement.
static vmar_handle_t top(size_t pages, vmar_vaddr_t* base) {
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_allocate(vmar_root_self(),
                                       CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, 0,
                                       pages * PAGE, &h, base));
  return h;
}

// The last page of the address space: any range from it wraps around.
static vmar_vaddr_t last_page(void) {
  return (vmar_vaddr_t)0 - (vmar_vaddr_t)PAGE;
}

// unmap of a destroyed VMAR whose range wraps past the end of the address
// space: BAD_STATE (the range check comes after the liveness check).
static void unmap__destroyed_wrapping_range_bad_state(void** state) {
  (void)state;
  vmar_vaddr_t base;
  vmar_handle_t v = top(4, &base);
  assert_status(VMAR_OK, vmar_destroy(v));
  assert_status(VMAR_ERR_BAD_STATE, vmar_unmap(v, last_page(), 4 * PAGE));
  assert_status(VMAR_OK, vmar_handle_close(v));
}

// The same wrapping range on a live VMAR is outside it: INVALID_ARGS.
static void unmap__wrapping_range_invalid_args(void** state) {
  (void)state;
  vmar_vaddr_t base;
  vmar_handle_t v = top(4, &base);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_unmap(v, last_page(), 4 * PAGE));
  assert_status(VMAR_OK, vmar_destroy(v));
  assert_status(VMAR_OK, vmar_handle_close(v));
}

// protect of a destroyed VMAR with a wrapping range: BAD_STATE.
static void protect__destroyed_wrapping_range_bad_state(void** state) {
  (void)state;
  vmar_vaddr_t base;
  vmar_handle_t v = top(4, &base);
  assert_status(VMAR_OK, vmar_destroy(v));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_protect(v, VMAR_VM_PERM_READ, last_page(), 8 * PAGE));
  assert_status(VMAR_OK, vmar_handle_close(v));
}

// op_range starting past the VMAR's end is OUT_OF_RANGE, also when the
// range wraps around the address space.
static void op_range__past_end_out_of_range(void** state) {
  (void)state;
  vmar_vaddr_t base;
  vmar_handle_t v = top(4, &base);
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_op_range(v, VMAR_OP_DONT_NEED, base + 8 * PAGE, PAGE));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_op_range(v, VMAR_OP_DONT_NEED, last_page(), 3 * PAGE));
  assert_status(VMAR_OK, vmar_destroy(v));
  assert_status(VMAR_OK, vmar_handle_close(v));
}

// SPECIFIC_OVERWRITE in the root at an address that breaks the requested
// alignment: the alignment check (INVALID_ARGS) comes before the root's
// NOT_SUPPORTED.
static void map__root_overwrite_misaligned_invalid_args(void** state) {
  (void)state;
  vmar_info_t root;
  assert_status(VMAR_OK, vmar_get_info(vmar_root_self(), &root));
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create(PAGE, 0, &vmo));
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
  assert_status(VMAR_OK, vmar_handle_close(vmo));
}

// vmo_read into a mapping that lacks WRITE is ACCESS_DENIED even when the
// mapping's VMO offset is beyond what the host can map (design.md §5: the
// buffer lies in a vmar mapping without the permission).
static void
vmo_read__into_unbacked_readonly_mapping_access_denied(void** state) {
  (void)state;
  vmar_vaddr_t base;
  vmar_handle_t v = top(4, &base);
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create(PAGE, 0, &vmo));
  vmar_vaddr_t addr = 0;
  const uint64_t far = (uint64_t)INT64_MAX + 1; // past any host file offset
  assert_status(VMAR_OK,
                vmar_map(v, VMAR_VM_PERM_READ, 0, vmo, far, PAGE, &addr));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(vmo, (void*)addr, 0, 16));
  assert_status(VMAR_OK, vmar_destroy(v));
  assert_status(VMAR_OK, vmar_handle_close(v));
  assert_status(VMAR_OK, vmar_handle_close(vmo));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unmap__destroyed_wrapping_range_bad_state),
      cmocka_unit_test(unmap__wrapping_range_invalid_args),
      cmocka_unit_test(protect__destroyed_wrapping_range_bad_state),
      cmocka_unit_test(op_range__past_end_out_of_range),
      cmocka_unit_test(map__root_overwrite_misaligned_invalid_args),
      cmocka_unit_test(vmo_read__into_unbacked_readonly_mapping_access_denied),
  };
  return cmocka_run_group_tests_name("api.regress_fuzz", tests, NULL, NULL);
}
