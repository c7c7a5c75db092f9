// SPDX-License-Identifier: MIT
// Unmap re-reserves and merges: VMA count back to baseline, VMARs reserved.
// APIs covered: vmar_map, vmar_unmap, vmar_protect, vmar_destroy (their
//   footprint in the host's mappings on the mmap backend).

#include "test.h"

#include <stdlib.h>

#define SENTINEL_ADDR ((vmar_vaddr_t)0xDEADBEE0u)

#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)
#define PERM_RW (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)

// How many one-page VMOs the baseline tests map side by side.
#define N_VMOS 200

// How many host mappings intersect [start, start + len).
#if !defined(__APPLE__)
static size_t vmas_in(uintptr_t start, size_t len) {
  size_t total = test_maps_read(NULL, 0);
  test_map_entry_t* e = calloc(total + 64, sizeof(*e));
  assert_non_null(e);
  size_t n = test_maps_read(e, total + 64);
  assert_true(n <= total + 64);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (e[i].end > start && e[i].start < start + len) {
      k++;
    }
  }
  free(e);
  return k;
}
#endif

// The range is one host mapping again: Linux merges neighbouring
// reservations. XNU keeps map entries apart, so on macOS only what vmar
// answers for is checked: the range holds nothing but reservations.
static void assert_merged(uintptr_t start, size_t len) {
#if defined(__APPLE__)
  assert_true(test_maps_range_reserved(start, len));
#else
  assert_int_equal(vmas_in(start, len), 1);
#endif
}

// The host's mappings at one moment (malloc'ed; the count in |*n|).
static test_map_entry_t* entries_take(size_t* n) {
  for (;;) {
    size_t total = test_maps_read(NULL, 0);
    test_map_entry_t* e = calloc(total + 64, sizeof(*e));
    assert_non_null(e);
    *n = test_maps_read(e, total + 64);
    if (*n <= total + 64) {
      return e;
    }
    free(e); // grew meanwhile: read again
  }
}

#if !defined(__APPLE__)
static bool entry_equal(const test_map_entry_t* a, const test_map_entry_t* b) {
  return a->start == b->start && a->end == b->end &&
         strcmp(a->perms, b->perms) == 0;
}

// Every entry of |a| that is not in |b| is private memory outside
// [start, start + len): a sanitizer runtime's own (its allocator's regions
// come, go and split), never vmar's. vmar maps VMOs shared, and a
// reservation of vmar's that came or went outside the range would be a leak
// the exact count of plain builds catches.
static void assert_only_foreign_private_differs(const test_map_entry_t* a,
                                                size_t na,
                                                const test_map_entry_t* b,
                                                size_t nb, uintptr_t start,
                                                size_t len) {
  for (size_t i = 0; i < na; i++) {
    bool found = false;
    for (size_t j = 0; j < nb && !found; j++) {
      found = entry_equal(&a[i], &b[j]);
    }
    const bool outside = a[i].end <= start || a[i].start >= start + len;
    if (!found && !(a[i].perms[3] == 'p' && outside)) {
      print_error("unexpected VMA change: %lx-%lx %s\n",
                  (unsigned long)a[i].start, (unsigned long)a[i].end,
                  a[i].perms);
      fail();
    }
  }
}
#endif

// The process's VMAs at one moment.
typedef struct {
  size_t count;
  test_map_entry_t* entries;
  size_t n;
} baseline_t;

static baseline_t baseline_take(void) {
  baseline_t b;
  b.count = test_maps_count();
  b.entries = entries_take(&b.n);
  return b;
}

// The VMA count is back to |b|'s exactly. Under a sanitizer the allocator's
// own anonymous regions may have come and gone meanwhile; then every VMA
// that differs must be such private memory outside [start, start + len),
// i.e. nothing of vmar's.
static void baseline_check(baseline_t* b, uintptr_t start, size_t len) {
#if defined(__APPLE__)
  // XNU keeps neighbouring map entries apart where Linux merges them, so the
  // count is the host's business there: what vmar answers for is that the
  // range holds only its reservations again, nothing mapped.
  print_message("vma_economy: on macOS the entry count is not compared "
                "(XNU does not merge entries as Linux does); the range must "
                "be reserved\n");
  assert_true(test_maps_range_reserved(start, len));
#else
  if (!TEST_SANITIZED) {
    assert_int_equal(test_maps_count(), b->count);
  } else {
    size_t n = 0;
    test_map_entry_t* now = entries_take(&n);
    assert_only_foreign_private_differs(now, n, b->entries, b->n, start, len);
    assert_only_foreign_private_differs(b->entries, b->n, now, n, start, len);
    free(now);
  }
#endif
  free(b->entries);
  b->entries = NULL;
}

// N_VMOS one-page VMOs, each holding its index in its first byte.
typedef struct {
  vmar_handle_t vmo[N_VMOS];
  vmar_vaddr_t addr[N_VMOS];
} set_t;

static set_t* set_new(void) {
  set_t* s = calloc(1, sizeof(*s));
  assert_non_null(s);
  for (size_t i = 0; i < N_VMOS; i++) {
    assert_status(VMAR_OK, vmar_vmo_create(PAGE, 0, &s->vmo[i]));
    unsigned char b = (unsigned char)i;
    assert_status(VMAR_OK, vmar_vmo_write(s->vmo[i], &b, 0, 1));
  }
  return s;
}

static void set_free(set_t* s) {
  for (size_t i = 0; i < N_VMOS; i++) {
    close_ok(s->vmo[i]);
  }
  free(s);
}

// Maps every VMO of |s| into the COMPACT |vmar| (packed from |base|).
static void set_map(set_t* s, vmar_handle_t vmar, vmar_vaddr_t base) {
  for (size_t i = 0; i < N_VMOS; i++) {
    s->addr[i] = map_ok(vmar, PERM_RW, 0, s->vmo[i], 0, PAGE);
    assert_int_equal(s->addr[i], base + i * PAGE);
    assert_int_equal(*(const volatile unsigned char*)s->addr[i],
                     (unsigned char)i);
  }
}

// N one-page maps unmapped one by one: VMA count back to baseline.
static void unmap__one_by_one_restores_vma_baseline(void** state) {
  (void)state;
  const size_t len = (N_VMOS + 8) * PAGE;
  vmar_vaddr_t base = 0;
  vmar_handle_t c = alloc_top(VMAR_VM_COMPACT | CAN_RW, len, &base);
  set_t* s = set_new();
  // Warm-up round: the library's and the allocator's bookkeeping settle.
  set_map(s, c, base);
  for (size_t i = 0; i < N_VMOS; i++) {
    unmap_ok(c, s->addr[i], PAGE);
  }
  baseline_t before = baseline_take();
  assert_merged(base, len);
  set_map(s, c, base);
  assert_true(test_maps_count() >= before.count + N_VMOS - 1);
  assert_true(test_maps_range_perms(base, N_VMOS * PAGE, "rw-s"));
  assert_true(test_maps_range_reserved(base + N_VMOS * PAGE, 8 * PAGE));
  for (size_t i = 1; i < N_VMOS; i += 2) {
    unmap_ok(c, s->addr[i], PAGE);
    assert_false(test_probe_read((const volatile void*)s->addr[i]));
  }
  for (size_t i = 0; i < N_VMOS; i += 2) {
    unmap_ok(c, s->addr[i], PAGE);
  }
  baseline_check(&before, base, len);
  assert_merged(base, len);
  assert_true(test_maps_range_reserved(base, len));
  set_free(s);
  destroy_unmapped(c, base, len);
}

// The same with one unmap over the whole range, and in reverse order.
static void unmap__whole_range_restores_vma_baseline(void** state) {
  (void)state;
  const size_t len = N_VMOS * PAGE;
  vmar_vaddr_t base = 0;
  vmar_handle_t c = alloc_top(VMAR_VM_COMPACT | CAN_RW, len, &base);
  set_t* s = set_new();
  set_map(s, c, base);
  unmap_ok(c, base, len);
  baseline_t before = baseline_take();
  set_map(s, c, base);
  unmap_ok(c, base, len);
  baseline_check(&before, base, len);
  assert_merged(base, len);
  assert_true(test_maps_range_reserved(base, len));
  before = baseline_take();
  set_map(s, c, base);
  for (size_t i = N_VMOS; i-- > 0;) {
    unmap_ok(c, s->addr[i], PAGE);
  }
  baseline_check(&before, base, len);
  assert_true(test_maps_range_reserved(base, len));
  set_free(s);
  destroy_close(c);
}

// Protect splits, unmap splits and overwrites leave no VMA behind.
static void unmap__after_splits_and_overwrite_no_vma_left(void** state) {
  (void)state;
  const size_t len = 64 * PAGE;
  vmar_vaddr_t base = 0;
  vmar_handle_t t = alloc_top(CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, len, &base);
  vmar_handle_t vmo = vmo_new(16 * PAGE, 0);
  vmar_handle_t other = vmo_new(16 * PAGE, 0);
  for (int round = 0; round < 2; round++) {
    baseline_t before = baseline_take();
    vmar_vaddr_t a =
        map_ok(t, PERM_RW | VMAR_VM_SPECIFIC, 4 * PAGE, vmo, 0, 16 * PAGE);
    for (size_t p = 0; p < 16; p += 2) {
      assert_status(VMAR_OK,
                    vmar_protect(t, VMAR_VM_PERM_READ, a + p * PAGE, PAGE));
    }
    assert_true(test_maps_count() > before.count);
    map_ok(t, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC_OVERWRITE, 8 * PAGE, other,
           0, 4 * PAGE);
    unmap_ok(t, a + 13 * PAGE, PAGE);
    assert_status(VMAR_OK, vmar_protect(t, PERM_RW, a, 4 * PAGE));
    unmap_ok(t, base, len);
    if (round == 1) {
      baseline_check(&before, base, len);
    } else {
      free(before.entries);
    }
    assert_merged(base, len);
    assert_true(test_maps_range_reserved(base, len));
  }
  CLOSE_ALL_OK(other, vmo);
  destroy_close(t);
}

// Nested VMARs: every unmapped page of a live VMAR stays "---p".
static void unmap__live_vmars_stay_reserved(void** state) {
  (void)state;
  vmar_vaddr_t top = 0;
  const size_t len = 128 * PAGE;
  vmar_handle_t t = alloc_top(CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, len, &top);
  vmar_handle_t vmo = vmo_new(8 * PAGE, 0);
  baseline_t before = baseline_take();
  vmar_handle_t a =
      alloc_ok(t, VMAR_VM_SPECIFIC | CAN_RW, 16 * PAGE, 32 * PAGE, NULL);
  vmar_handle_t b = alloc_ok(a, VMAR_VM_COMPACT | CAN_RW, 0, 8 * PAGE, NULL);
  vmar_handle_t c =
      alloc_ok(t, VMAR_VM_SPECIFIC | CAN_RW, 64 * PAGE, 16 * PAGE, NULL);
  vmar_info_t ai = info_of(a), bi = info_of(b), ci = info_of(c);
  vmar_vaddr_t m_top =
      map_ok(t, PERM_RW | VMAR_VM_SPECIFIC, 2 * PAGE, vmo, 0, 2 * PAGE);
  vmar_vaddr_t m_b = map_ok(b, PERM_RW, 0, vmo, 0, 3 * PAGE);
  vmar_vaddr_t m_c = map_ok(c, VMAR_VM_PERM_READ, 0, vmo, 0, 4 * PAGE);
  assert_int_equal(m_b, bi.base);
  assert_true(test_maps_range_perms(m_top, 2 * PAGE, "rw-s"));
  assert_true(test_maps_range_perms(m_b, 3 * PAGE, "rw-s"));
  assert_true(test_maps_range_perms(m_c, 4 * PAGE, "r--s"));
  // Everything else in the top-level VMAR is reserved.
  assert_true(test_maps_range_reserved(top, 2 * PAGE));
  assert_true(
      test_maps_range_reserved(m_top + 2 * PAGE, bi.base - (m_top + 2 * PAGE)));
  assert_true(test_maps_range_reserved(m_b + 3 * PAGE,
                                       ai.base + ai.len - (m_b + 3 * PAGE)));
  assert_true(
      test_maps_range_reserved(ai.base + ai.len, m_c - (ai.base + ai.len)));
  assert_true(
      test_maps_range_reserved(m_c + 4 * PAGE, top + len - (m_c + 4 * PAGE)));
  // Unmap and destroy parts: the live VMARs stay entirely reserved.
  unmap_ok(b, m_b, 3 * PAGE);
  assert_true(test_maps_range_reserved(bi.base, bi.len));
  assert_true(test_maps_range_reserved(ai.base, ai.len));
  assert_status(VMAR_OK, vmar_destroy(c));
  assert_true(test_maps_range_reserved(ci.base, ci.len));
  assert_status(VMAR_OK, vmar_destroy(a));
  unmap_ok(t, m_top, 2 * PAGE);
  assert_true(test_maps_range_reserved(top, len));
  assert_merged(top, len);
  baseline_check(&before, top, len);
  CLOSE_ALL_OK(c, b, a, vmo);
  destroy_unmapped(t, top, len);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unmap__one_by_one_restores_vma_baseline),
      cmocka_unit_test(unmap__whole_range_restores_vma_baseline),
      cmocka_unit_test(unmap__after_splits_and_overwrite_no_vma_left),
      cmocka_unit_test(unmap__live_vmars_stay_reserved),
  };
  return cmocka_run_group_tests_name("posix.vma_economy", tests,
                                     maps_group_setup, NULL);
}
