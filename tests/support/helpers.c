// SPDX-License-Identifier: MIT
// vmar tests: checked API wrappers behind helpers.h.

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "test.h"

// Out-parameter values no successful call leaves behind.
#define HELPERS_SENTINEL_RIGHTS ((vmar_rights_t)0x0BADBAD0u)
#define HELPERS_SENTINEL_ADDR ((vmar_vaddr_t)0xDEADBEE0u)
#define HELPERS_SENTINEL_SIZE ((uint64_t)0x0123456789ABCDEFull)

void close_ok(vmar_handle_t h) { assert_status(VMAR_OK, vmar_handle_close(h)); }

void close_all_ok(const vmar_handle_t* h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    close_ok(h[i]);
  }
}

vmar_rights_t rights_of(vmar_handle_t h) {
  vmar_rights_t r = HELPERS_SENTINEL_RIGHTS;
  assert_status(VMAR_OK, vmar_handle_get_rights(h, &r));
  return r;
}

vmar_handle_info_t hinfo_of(vmar_handle_t h) {
  vmar_handle_info_t info;
  memset(&info, 0, sizeof(info));
  assert_status(VMAR_OK, vmar_handle_get_info(h, &info));
  return info;
}

vmar_koid_t koid_of(vmar_handle_t h) { return hinfo_of(h).koid; }

bool handle_alive(vmar_handle_t h) {
  vmar_rights_t rights = 0;
  return vmar_handle_get_rights(h, &rights) == VMAR_OK;
}

vmar_handle_t dup_without(vmar_handle_t h, vmar_rights_t removed) {
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(h, rights_of(h) & ~removed, &d));
  return d;
}

vmar_handle_t dup_with(vmar_handle_t h, vmar_rights_t rights) {
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(h, rights, &d));
  return d;
}

vmar_info_t info_of(vmar_handle_t h) {
  vmar_info_t info = {0, 0};
  assert_status(VMAR_OK, vmar_get_info(h, &info));
  return info;
}

vmar_handle_t alloc_ok(vmar_handle_t parent, vmar_vm_option_t options,
                       size_t offset, size_t size, vmar_vaddr_t* addr) {
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_allocate(parent, options, offset, size, &h, &a));
  assert_int_not_equal(h, VMAR_HANDLE_INVALID);
  assert_int_equal(h & VMAR_HANDLE_FIXED_BITS_MASK,
                   VMAR_HANDLE_FIXED_BITS_MASK);
  assert_int_not_equal(a, 0);
  assert_int_equal(a % PAGE, 0);
  if (addr != NULL) {
    *addr = a;
  }
  return h;
}

vmar_handle_t alloc_top(vmar_vm_option_t options, size_t size,
                        vmar_vaddr_t* addr) {
  return alloc_ok(vmar_root_self(), options, 0, size, addr);
}

void destroy_close(vmar_handle_t h) {
  assert_status(VMAR_OK, vmar_destroy(h));
  close_ok(h);
}

void destroy_unmapped(vmar_handle_t h, vmar_vaddr_t addr, size_t len) {
  destroy_close(h);
  assert_true(test_maps_range_unmapped(addr, len));
}

vmar_vaddr_t map_ok(vmar_handle_t vmar, vmar_vm_option_t options, size_t offset,
                    vmar_handle_t vmo, uint64_t vmo_offset, size_t len) {
  vmar_vaddr_t a = HELPERS_SENTINEL_ADDR;
  assert_status(VMAR_OK,
                vmar_map(vmar, options, offset, vmo, vmo_offset, len, &a));
  assert_int_not_equal(a, HELPERS_SENTINEL_ADDR);
  assert_int_not_equal(a, 0);
  assert_int_equal(a % PAGE, 0);
  return a;
}

vmar_vaddr_t map_pages_ok(vmar_handle_t vmar, vmar_vaddr_t base, size_t page,
                          vmar_handle_t vmo, size_t vmo_page, size_t pages) {
  vmar_vaddr_t a =
      map_ok(vmar, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE | VMAR_VM_SPECIFIC,
             page * PAGE, vmo, vmo_page * PAGE, pages * PAGE);
  assert_int_equal(a, base + page * PAGE);
  return a;
}

void unmap_ok(vmar_handle_t vmar, vmar_vaddr_t addr, size_t len) {
  assert_status(VMAR_OK, vmar_unmap(vmar, addr, len));
}

vmar_map_info_t* maps_take(vmar_handle_t vmar, size_t* n) {
  size_t avail = 0, actual = 0;
  assert_status(VMAR_OK, vmar_get_maps(vmar, NULL, 0, NULL, &avail));
  vmar_map_info_t* out = calloc(avail + 1, sizeof(*out));
  assert_non_null(out);
  assert_status(VMAR_OK, vmar_get_maps(vmar, out, avail + 1, &actual, &avail));
  assert_int_equal(actual, avail);
  *n = actual;
  return out;
}

void assert_mapping(const vmar_map_info_t* e, vmar_vaddr_t base, size_t size,
                    vmar_koid_t koid, uint64_t vmo_offset) {
  assert_int_equal(e->type, VMAR_MAP_INFO_TYPE_MAPPING);
  assert_int_equal(e->base, base);
  assert_int_equal(e->size, size);
  assert_int_equal(e->vmo_id, koid);
  assert_int_equal(e->vmo_offset, vmo_offset);
}

bool mem_is(vmar_vaddr_t addr, size_t len, uint8_t byte) {
  const volatile unsigned char* p = (const volatile unsigned char*)addr;
  for (size_t i = 0; i < len; i++) {
    if (p[i] != byte) {
      return false;
    }
  }
  return true;
}

uint8_t pat(uint8_t seed, size_t page) {
  return (uint8_t)(seed + 17u * (unsigned)page + 1u);
}

bool vmo_bytes_are(vmar_handle_t vmo, uint64_t offset, size_t len,
                   uint8_t byte) {
  unsigned char* buf = malloc(len);
  assert_non_null(buf);
  memset(buf, (uint8_t)~byte, len);
  assert_status(VMAR_OK, vmar_vmo_read(vmo, buf, offset, len));
  bool same = true;
  for (size_t i = 0; i < len && same; i++) {
    same = buf[i] == byte;
  }
  free(buf);
  return same;
}

vmar_handle_t vmo_new(uint64_t size, uint32_t options) {
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create(size, options, &h));
  assert_int_not_equal(h, VMAR_HANDLE_INVALID);
  return h;
}

uint64_t vmo_size_of(vmar_handle_t vmo) {
  uint64_t s = HELPERS_SENTINEL_SIZE;
  assert_status(VMAR_OK, vmar_vmo_get_size(vmo, &s));
  return s;
}

void fill_pages(vmar_handle_t vmo, size_t pages, uint8_t seed) {
  unsigned char* buf = malloc(PAGE);
  assert_non_null(buf);
  for (size_t i = 0; i < pages; i++) {
    memset(buf, pat(seed, i), PAGE);
    assert_status(VMAR_OK, vmar_vmo_write(vmo, buf, i * PAGE, PAGE));
  }
  free(buf);
}

vmar_handle_t vmo_patterned(size_t pages, uint8_t seed) {
  vmar_handle_t h = vmo_new(pages * PAGE, 0);
  fill_pages(h, pages, seed);
  return h;
}

size_t round_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

unsigned page_shift(void) {
  unsigned s = 0;
  while (((size_t)1 << s) < PAGE) {
    s++;
  }
  return s;
}

vmar_vm_option_t align_option(unsigned shift) {
  return (vmar_vm_option_t)shift << VMAR_VM_ALIGN_BASE;
}

size_t maps_count_in(uintptr_t start, size_t len) {
  size_t n = 0;
  assert_true(test_maps_count_in(start, len, &n));
  return n;
}

int maps_group_setup(void** state) {
  (void)state;
  (void)test_maps_count();
  return 0;
}

reserved_snapshot_t reserved_take(void) {
  for (;;) {
    size_t cap = test_maps_read(NULL, 0) + 64;
    test_map_entry_t* all = malloc(cap * sizeof(*all));
    assert_non_null(all);
    size_t n = test_maps_read(all, cap);
    assert_true(n > 0);
    if (n > cap) {
      free(all);
      continue;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
      if (strcmp(all[i].perms, "---p") == 0) {
        all[k++] = all[i];
      }
    }
    reserved_snapshot_t s = {all, k};
    return s;
  }
}

void reserved_free(reserved_snapshot_t* s) {
  free(s->entries);
  s->entries = NULL;
  s->count = 0;
}

size_t reserved_new_bytes(const reserved_snapshot_t* before) {
  reserved_snapshot_t now = reserved_take();
  size_t fresh = 0;
  for (size_t i = 0; i < now.count; i++) {
    size_t bytes = now.entries[i].end - now.entries[i].start;
    for (size_t j = 0; j < before->count; j++) {
      uintptr_t lo = now.entries[i].start > before->entries[j].start
                         ? now.entries[i].start
                         : before->entries[j].start;
      uintptr_t hi = now.entries[i].end < before->entries[j].end
                         ? now.entries[i].end
                         : before->entries[j].end;
      if (lo < hi) {
        bytes -= hi - lo;
      }
    }
    fresh += bytes;
  }
  reserved_free(&now);
  return fresh;
}

void maps_assert_equal(const vmar_map_info_t* a, size_t na,
                       const vmar_map_info_t* b, size_t nb) {
  assert_int_equal(na, nb);
  for (size_t i = 0; i < na; i++) {
    assert_string_equal(a[i].name, b[i].name);
    assert_int_equal(a[i].base, b[i].base);
    assert_int_equal(a[i].size, b[i].size);
    assert_int_equal(a[i].depth, b[i].depth);
    assert_int_equal(a[i].type, b[i].type);
    assert_int_equal(a[i].mmu_flags, b[i].mmu_flags);
    assert_int_equal(a[i].vmo_id, b[i].vmo_id);
    assert_int_equal(a[i].vmo_offset, b[i].vmo_offset);
  }
}

maps_snap_t maps_snap_take(uintptr_t start, size_t len) {
  maps_snap_t s = {0, NULL};
  size_t cap = 0;
  for (;;) {
    size_t total = test_maps_read(s.e, cap);
    if (total <= cap) {
      s.n = total;
      break;
    }
    cap = total + 64;
    test_map_entry_t* bigger = realloc(s.e, cap * sizeof(*bigger));
    assert_non_null(bigger);
    s.e = bigger;
  }
  size_t k = 0;
  for (size_t i = 0; i < s.n; i++) {
    test_map_entry_t e = s.e[i];
    if (e.end <= start || e.start >= start + len) {
      continue;
    }
    e.start = e.start < start ? start : e.start;
    e.end = e.end > start + len ? start + len : e.end;
    s.e[k++] = e;
  }
  s.n = k;
  return s;
}

void maps_snap_assert_equal(const maps_snap_t* a, const maps_snap_t* b) {
  assert_int_equal(a->n, b->n);
  for (size_t i = 0; i < a->n; i++) {
    assert_int_equal(a->e[i].start, b->e[i].start);
    assert_int_equal(a->e[i].end, b->e[i].end);
    assert_string_equal(a->e[i].perms, b->e[i].perms);
  }
}
