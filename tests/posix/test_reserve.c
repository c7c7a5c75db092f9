// SPDX-License-Identifier: MIT
// The POSIX reservation rule (design.md §4), as the host's mappings show it.
// APIs covered: vmar_allocate, vmar_destroy, vmar_get_info (root and
//   top-level VMARs on the mmap backend).

#include "test.h"

#include <stdlib.h>
#include <sys/mman.h>

// mmap at exactly |addr| only if nothing is mapped there: Linux's
// MAP_FIXED_NOREPLACE, else (macOS has no such flag and refuses unknown ones)
// a plain hint, which Linux and macOS both follow when the range is free and
// move elsewhere when it is not. MAP_FAILED, |addr|, or another address.
static void* map_if_free(uintptr_t addr, size_t len, int prot) {
#if defined(MAP_FIXED_NOREPLACE) && !TEST_HOST_DARWIN
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
#else
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#endif
  return mmap((void*)addr, len, prot, flags, -1, 0);
}

static size_t root_offset_of(uintptr_t addr) {
  vmar_info_t root = info_of(vmar_root_self());
  assert_true(addr >= root.base);
  return addr - root.base;
}

// A child of the root is reserved "---p" over its whole range.
static void reserve__root_child_reserved(void** state) {
  (void)state;
  static const size_t kPages[] = {1, 2, 16, 257};
  for (size_t i = 0; i < sizeof(kPages) / sizeof(kPages[0]); i++) {
    size_t len = kPages[i] * PAGE;
    vmar_vaddr_t a = 0;
    vmar_handle_t h =
        alloc_top(VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE, len, &a);
    assert_true(test_maps_range_reserved(a, len));
    assert_true(test_maps_range_perms(a, len, "---p"));
    // Nothing is accessible in a reservation.
    assert_false(test_probe_read((const volatile void*)a));
    assert_false(test_probe_read((const volatile void*)(a + len - 1)));
    destroy_unmapped(h, a, len);
  }
}

// An aligned child of the root leaves no trimmed leftovers behind.
static void reserve__aligned_root_child_no_leftovers(void** state) {
  (void)state;
  reserved_snapshot_t before = reserved_take();
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_top(VMAR_VM_ALIGN_1MB, 4 * PAGE, &a);
  assert_int_equal(a % ((size_t)1 << 20), 0);
  assert_true(test_maps_range_reserved(a, 4 * PAGE));
  // The over-reservation was trimmed: exactly the child's pages are new.
  assert_int_equal(reserved_new_bytes(&before), 4 * PAGE);
  destroy_unmapped(h, a, 4 * PAGE);
  assert_int_equal(reserved_new_bytes(&before), 0);
  if (sizeof(void*) >= 8) {
    h = alloc_top(VMAR_VM_ALIGN_4GB, PAGE, &a);
    assert_int_equal((uint64_t)a % ((uint64_t)1 << 32), 0);
    assert_true(test_maps_range_reserved(a, PAGE));
    assert_int_equal(reserved_new_bytes(&before), PAGE);
    destroy_unmapped(h, a, PAGE);
    assert_int_equal(reserved_new_bytes(&before), 0);
  }
  reserved_free(&before);
}

// 100 nested and sibling sub-VMARs cost no new VMA and stay reserved.
static void reserve__sub_vmars_cost_no_vma(void** state) {
  (void)state;
  size_t len = 1024 * PAGE;
  vmar_vaddr_t top = 0;
  vmar_handle_t t = alloc_top(VMAR_VM_CAN_MAP_SPECIFIC, len, &top);
  size_t before = maps_count_in(top, len);
  assert_int_equal(before, 1);
  enum { SIBLINGS = 50, DEPTH = 50 };
  // A chain: each level smaller than the last, inside a 64-page slot at the
  // bottom of the range.
  vmar_handle_t holder = alloc_ok(t, VMAR_VM_SPECIFIC, 0, 64 * PAGE, NULL);
  vmar_handle_t chain[DEPTH];
  vmar_handle_t parent = VMAR_HANDLE_INVALID;
  vmar_handle_t sib[SIBLINGS];
  for (size_t i = 0; i < SIBLINGS; i++) {
    sib[i] =
        alloc_ok(t, i % 2 ? VMAR_VM_COMPACT : 0, 0, (i % 4 + 1) * PAGE, NULL);
    vmar_info_t si = info_of(sib[i]);
    assert_true(si.base >= top + 64 * PAGE && si.base + si.len <= top + len);
  }
  parent = holder;
  for (size_t i = 0; i < DEPTH; i++) {
    chain[i] = alloc_ok(parent, 0, 0, (DEPTH + 10 - i) * PAGE, NULL);
    parent = chain[i];
  }
  assert_int_equal(maps_count_in(top, len), before);
  assert_true(test_maps_range_reserved(top, len));

  // Destroy every other sibling and the lower half of the chain.
  for (size_t i = 0; i < SIBLINGS; i += 2) {
    destroy_close(sib[i]);
  }
  assert_status(VMAR_OK, vmar_destroy(chain[DEPTH / 2]));
  assert_int_equal(maps_count_in(top, len), before);
  // Every live VMAR is still entirely reserved PROT_NONE.
  assert_true(test_maps_range_reserved(top, len));
  for (size_t i = 1; i < SIBLINGS; i += 2) {
    vmar_info_t si = info_of(sib[i]);
    assert_true(test_maps_range_reserved(si.base, si.len));
  }
  for (size_t i = 0; i < DEPTH / 2; i++) {
    vmar_info_t ci = info_of(chain[i]);
    assert_true(test_maps_range_reserved(ci.base, ci.len));
  }
  // Destroyed chain members report BAD_STATE; the rest is alive.
  vmar_handle_t x = VMAR_HANDLE_INVALID;
  vmar_vaddr_t xa = 0;
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_allocate(chain[DEPTH - 1], 0, 0, PAGE, &x, &xa));
  vmar_handle_t g = alloc_ok(chain[DEPTH / 2 - 1], 0, 0, PAGE, NULL);
  destroy_close(g);
  for (size_t i = 0; i < DEPTH; i++) {
    close_ok(chain[i]);
  }
  close_ok(holder);
  for (size_t i = 1; i < SIBLINGS; i += 2) {
    destroy_close(sib[i]);
  }
  assert_true(test_maps_range_reserved(top, len));
  assert_int_equal(maps_count_in(top, len), before);
  destroy_unmapped(t, top, len);
}

// Destroying a child of the root returns the range to the host.
static void reserve__destroy_root_child_unmaps(void** state) {
  (void)state;
  size_t len = 32 * PAGE;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_top(0, len, &a);
  vmar_handle_t inner = alloc_ok(h, 0, 0, 8 * PAGE, NULL);
  assert_status(VMAR_OK, vmar_destroy(h));
  bool unmapped = test_maps_range_unmapped(a, len);
  void* p = map_if_free(a, len, PROT_READ | PROT_WRITE);
  bool placed = p == (void*)a;
  if (p != MAP_FAILED) {
    // The page is ours now and usable.
    if (placed) {
      ((volatile char*)p)[0] = 1;
    }
    assert_int_equal(munmap(p, len), 0);
  }
  assert_true(unmapped);
  assert_true(placed);
  CLOSE_ALL_OK(inner, h);
}

// Destroying a sub-VMAR keeps its range reserved inside the parent.
static void reserve__destroy_sub_vmar_rereserves(void** state) {
  (void)state;
  vmar_vaddr_t top = 0;
  size_t len = 64 * PAGE;
  vmar_handle_t t = alloc_top(VMAR_VM_CAN_MAP_SPECIFIC, len, &top);
  size_t before = maps_count_in(top, len);
  vmar_vaddr_t ca = 0;
  vmar_handle_t c = alloc_ok(t, VMAR_VM_SPECIFIC, 8 * PAGE, 16 * PAGE, &ca);
  destroy_close(c);
  assert_true(test_maps_range_reserved(top, len));
  assert_int_equal(maps_count_in(top, len), before);
  // A plain mmap over the freed sub-range cannot have it: still reserved.
  void* p = map_if_free(ca, PAGE, PROT_READ);
  bool refused = p == MAP_FAILED || p != (void*)ca;
  if (p != MAP_FAILED && p != (void*)ca) {
    assert_int_equal(munmap(p, PAGE), 0);
  }
  assert_true(refused);
  destroy_close(t);
}

// SPECIFIC in the root over memory the process already has: ALREADY_EXISTS,
// and that memory is left untouched.
static void reserve__specific_over_foreign_memory_already_exists(void** state) {
  (void)state;
  size_t page = PAGE;
  // A heap page.
  unsigned char* heap = malloc(4 * page);
  assert_non_null(heap);
  memset(heap, 0xA5, 4 * page);
  uintptr_t heap_page = ((uintptr_t)heap + page - 1) / page * page;
  // A stack page.
  volatile unsigned char local[64];
  for (size_t i = 0; i < sizeof(local); i++) {
    local[i] = (unsigned char)i;
  }
  uintptr_t stack_page = (uintptr_t)local / page * page;
  // A code page.
  uintptr_t code_page = (uintptr_t)&root_offset_of / page * page;
  // One of ours.
  vmar_vaddr_t ours = 0;
  vmar_handle_t h = alloc_top(0, 4 * PAGE, &ours);
  const uintptr_t kTargets[] = {heap_page, stack_page, code_page, ours,
                                ours + 3 * PAGE};
  reserved_snapshot_t before = reserved_take();
  for (size_t i = 0; i < sizeof(kTargets) / sizeof(kTargets[0]); i++) {
    vmar_handle_t x = (vmar_handle_t)0x5EEDF00Du;
    vmar_vaddr_t xa = 0xDEADBEE0u;
    assert_status(VMAR_ERR_ALREADY_EXISTS,
                  vmar_allocate(vmar_root_self(), VMAR_VM_SPECIFIC,
                                root_offset_of(kTargets[i]), page, &x, &xa));
    assert_int_equal(x, (vmar_handle_t)0x5EEDF00Du);
    assert_int_equal(xa, 0xDEADBEE0u);
    // Starting a page below and reaching into it fails the same way.
    assert_status(VMAR_ERR_ALREADY_EXISTS,
                  vmar_allocate(vmar_root_self(), VMAR_VM_SPECIFIC,
                                root_offset_of(kTargets[i]) - page, 2 * page,
                                &x, &xa));
  }
  assert_int_equal(reserved_new_bytes(&before), 0);
  reserved_free(&before);
  for (size_t i = 0; i < 4 * page; i++) {
    assert_int_equal(heap[i], 0xA5);
  }
  for (size_t i = 0; i < sizeof(local); i++) {
    assert_int_equal(local[i], (unsigned char)i);
  }
  assert_true(test_maps_range_reserved(ours, 4 * PAGE));
  free(heap);
  destroy_close(h);
}

// SPECIFIC in the root at a spot just freed succeeds and is reserved.
static void reserve__specific_in_root_free_spot_ok(void** state) {
  (void)state;
  size_t len = 8 * PAGE;
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_top(0, len, &a);
  destroy_unmapped(h, a, len);
  vmar_vaddr_t b = 0;
  h = alloc_ok(vmar_root_self(), VMAR_VM_SPECIFIC, root_offset_of(a), len, &b);
  assert_int_equal(b, a);
  assert_true(test_maps_range_reserved(a, len));
  destroy_unmapped(h, a, len);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reserve__root_child_reserved),
      cmocka_unit_test(reserve__aligned_root_child_no_leftovers),
      cmocka_unit_test(reserve__sub_vmars_cost_no_vma),
      cmocka_unit_test(reserve__destroy_root_child_unmaps),
      cmocka_unit_test(reserve__destroy_sub_vmar_rereserves),
      cmocka_unit_test(reserve__specific_over_foreign_memory_already_exists),
      cmocka_unit_test(reserve__specific_in_root_free_spot_ok),
  };
  return cmocka_run_group_tests_name("posix.reserve", tests, maps_group_setup,
                                     NULL);
}
