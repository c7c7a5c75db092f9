// SPDX-License-Identifier: MIT
// vmar tests: checked API wrappers behind helpers.h.

#include "helpers.h"

#include <stdlib.h>

#include "test.h"

// Out-parameter values no successful call leaves behind.
#define HELPERS_SENTINEL_RIGHTS ((vmar_rights_t)0x0BADBAD0u)
#define HELPERS_SENTINEL_ADDR ((vmar_vaddr_t)0xDEADBEE0u)

void close_ok(vmar_handle_t h) { assert_status(VMAR_OK, vmar_handle_close(h)); }

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

void destroy_close(vmar_handle_t h) {
  assert_status(VMAR_OK, vmar_destroy(h));
  close_ok(h);
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

vmar_handle_t vmo_new(uint64_t size, uint32_t options) {
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create(size, options, &h));
  assert_int_not_equal(h, VMAR_HANDLE_INVALID);
  return h;
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
