// SPDX-License-Identifier: MIT
// VMOs: creation, I/O, sizing, names, range ops, EXECUTE and lifetime.
// APIs covered: vmar_vmo_create, vmar_vmo_read, vmar_vmo_write,
//   vmar_vmo_get_size, vmar_vmo_set_size, vmar_vmo_op_range,
//   vmar_vmo_set_name, vmar_vmo_get_name, vmar_vmo_replace_as_executable,
//   vmar_vmo_get_fd, vmar_vmo_create_from_fd (bad input only; their success
//   paths are in tests/posix/test_backing.c) (with vmar_map/vmar_unmap where a
//   VMO's effect on mappings is checked).

#include "test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bad_input.h"
#include "fixture.h"

// Rights of a fresh VMO handle (as zx_vmo_create gives them), and with RESIZE.
#define VMO_RIGHTS 0x0000D0EFu
#define VMO_RIGHTS_RESIZABLE 0x0040D0EFu

// Per-test: a top-level VMAR of 64 pages that can hold R/W/X mappings
// anywhere.
static const fixture_params_t kFixture = {
    .pages = 64,
    .options = CAN_RWX | CAN_SPEC,
};

// ---------------------------------------------------------------------------
// vmar_vmo_create

// Sizes are rounded up to whole pages; 0 stays 0.
static void vmo_create__size_rounded_up_ok(void** state) {
  (void)state;
  const struct {
    uint64_t asked, got;
  } kCases[] = {
      {0, 0},
      {1, PAGE},
      {PAGE - 1, PAGE},
      {PAGE, PAGE},
      {PAGE + 1, 2 * PAGE},
      {3 * PAGE, 3 * PAGE},
      {5 * PAGE - 7, 5 * PAGE},
  };
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    vmar_handle_t h = vmo_new(kCases[i].asked, 0);
    assert_int_equal(vmo_size_of(h), kCases[i].got);
    close_ok(h);
    h = vmo_new(kCases[i].asked, VMAR_VMO_RESIZABLE);
    assert_int_equal(vmo_size_of(h), kCases[i].got);
    close_ok(h);
  }
}

// A new VMO reads as zero everywhere, via vmo_read and through a mapping.
static void vmo_create__contents_zero_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(3 * PAGE + 5, 0);
  assert_true(vmo_bytes_are(h, 0, 4 * PAGE, 0));
  vmar_vaddr_t a = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, h, 0, 4 * PAGE);
  assert_true(mem_is(a, 4 * PAGE, 0));
  unmap_ok(fx->vmar, a, 4 * PAGE);
  close_ok(h);
}

// Default rights 0xD0EF, +RESIZE iff resizable; type VMO; fresh koids.
static void vmo_create__default_rights_ok(void** state) {
  (void)state;
  const struct {
    uint32_t options;
    vmar_rights_t rights;
  } kCases[] = {
      {0, VMO_RIGHTS},
      {VMAR_VMO_RESIZABLE, VMO_RIGHTS_RESIZABLE},
      {VMAR_VMO_DISCARDABLE, VMO_RIGHTS},
      {VMAR_VMO_RESIZABLE | VMAR_VMO_DISCARDABLE, VMO_RIGHTS_RESIZABLE},
  };
  assert_int_equal(VMAR_DEFAULT_VMO_RIGHTS, VMO_RIGHTS);
  vmar_koid_t prev = VMAR_KOID_INVALID;
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
    vmar_handle_t h = vmo_new(PAGE, kCases[i].options);
    assert_int_equal(h & VMAR_HANDLE_FIXED_BITS_MASK,
                     VMAR_HANDLE_FIXED_BITS_MASK);
    assert_int_equal(rights_of(h), kCases[i].rights);
    assert_int_equal(rights_of(h) & VMAR_RIGHT_EXECUTE, 0);
    vmar_handle_info_t info = hinfo_of(h);
    assert_int_equal(info.type, VMAR_OBJ_TYPE_VMO);
    assert_int_equal(info.rights, kCases[i].rights);
    assert_int_not_equal(info.koid, VMAR_KOID_INVALID);
    assert_int_not_equal(info.koid, prev);
    prev = info.koid;
    close_ok(h);
  }
}

// Unknown option bits (incl. TRAP_DIRTY, UNBOUNDED) are INVALID_ARGS, first.
static void vmo_create__unknown_options_invalid_args(void** state) {
  (void)state;
  const uint32_t kBad[] = {
      0x1u,   VMAR_VMO_TRAP_DIRTY, VMAR_VMO_UNBOUNDED, 0x20u, 0x3u,
      0x100u, 0x80000000u,         0xFFFFFFFFu};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    vmar_handle_t h = SENTINEL_HANDLE;
    assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_create(PAGE, kBad[i], &h));
    assert_int_equal(h, SENTINEL_HANDLE);
    // Options are checked before the size and the out-pointer.
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_create(UINT64_MAX, kBad[i], &h));
    assert_int_equal(h, SENTINEL_HANDLE);
  }
}

// Sizes whose rounding overflows or that no host can back: OUT_OF_RANGE.
static void vmo_create__too_large_out_of_range(void** state) {
  (void)state;
  const uint64_t kBig[] = {UINT64_MAX, UINT64_MAX - PAGE + 2,
                           UINT64_MAX - PAGE + 1, (uint64_t)1 << 63};
  for (size_t i = 0; i < sizeof(kBig) / sizeof(kBig[0]); i++) {
    vmar_handle_t h = SENTINEL_HANDLE;
    assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_create(kBig[i], 0, &h));
    assert_int_equal(h, SENTINEL_HANDLE);
    assert_status(VMAR_ERR_OUT_OF_RANGE,
                  vmar_vmo_create(kBig[i], VMAR_VMO_RESIZABLE, &h));
    assert_int_equal(h, SENTINEL_HANDLE);
    // The size is checked before the out-pointer.
    assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_create(kBig[i], 0, NULL));
  }
}

// A NULL |out| is INVALID_ARGS.
static void vmo_create__null_out_invalid_args(void** state) {
  (void)state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_create(PAGE, 0, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_create(0, 0, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_create(PAGE, VMAR_VMO_RESIZABLE, NULL));
}

// Bad input, as a table (bad_input.h): a size, opt the options; NULL1: no
// handle pointer.

static const bad_row_t kVmoCreateBad[] = {
    {"unknown option", INVALID_ARGS, H_NONE, H_NONE, 1u << 5, PG(1), V0, V0, 0},
    {"TRAP_DIRTY (not emulated)", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_VMO_TRAP_DIRTY, PG(1), V0, V0, 0},
    {"size 2^64-1", OUT_OF_RANGE, H_NONE, H_NONE, 0, VMAX, V0, V0, 0},
    {"size rounds past 2^64", OUT_OF_RANGE, H_NONE, H_NONE, 0, VOVF, V0, V0, 0},
    {"unknown option checked before size", INVALID_ARGS, H_NONE, H_NONE,
     1u << 5, VMAX, V0, V0, 0},
    {"out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PG(1), V0, V0, NULL1},
    {"size 0 is fine", OK, H_NONE, H_NONE, 0, V0, V0, V0, SAMEBACK},
};

// A VMO that is made is closed again.
static vmar_status_t vmo_create_row(const bad_call_t* c) {
  vmar_status_t st = vmar_vmo_create(c->a, (uint32_t)c->row->opt, c->out1);
  if (st == VMAR_OK) {
    close_ok(BAD_OUT(vmar_handle_t, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// vmar_vmo_read / vmar_vmo_write

// Bytes written at any offset read back unchanged, across page boundaries.
static void vmo_read_write__round_trip_ok(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(4 * PAGE, 0);
  size_t n = 2 * PAGE + 100;
  unsigned char* out = malloc(n);
  unsigned char* in = malloc(n);
  assert_non_null(out);
  assert_non_null(in);
  for (size_t i = 0; i < n; i++) {
    out[i] = (unsigned char)(i * 7u + 3u);
  }
  uint64_t off = PAGE - 50; // straddles two page boundaries
  assert_status(VMAR_OK, vmar_vmo_write(h, out, off, n));
  memset(in, 0, n);
  assert_status(VMAR_OK, vmar_vmo_read(h, in, off, n));
  assert_memory_equal(in, out, n);
  // Around the written range nothing changed.
  assert_true(vmo_bytes_are(h, 0, off, 0));
  assert_true(vmo_bytes_are(h, off + n, 4 * PAGE - off - n, 0));
  // A one-byte read in the middle, and the very last byte.
  unsigned char b = 0;
  assert_status(VMAR_OK, vmar_vmo_read(h, &b, off + 1234, 1));
  assert_int_equal(b, out[1234]);
  b = 0xEE;
  assert_status(VMAR_OK, vmar_vmo_write(h, &b, 4 * PAGE - 1, 1));
  b = 0;
  assert_status(VMAR_OK, vmar_vmo_read(h, &b, 4 * PAGE - 1, 1));
  assert_int_equal(b, 0xEE);
  // Zero-length I/O is fine, with or without a buffer.
  assert_status(VMAR_OK, vmar_vmo_read(h, in, 0, 0));
  assert_status(VMAR_OK, vmar_vmo_write(h, out, 0, 0));
  assert_status(VMAR_OK, vmar_vmo_read(h, NULL, 0, 0));
  assert_status(VMAR_OK, vmar_vmo_write(h, NULL, 0, 0));
  free(in);
  free(out);
  close_ok(h);
}

// Reads and writes past the end fail whole: nothing is copied either way.
static void vmo_read_write__past_end_out_of_range(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(2 * PAGE, 0);
  fill_pages(h, 2, 0x10);
  unsigned char buf[64];
  memset(buf, 0x5A, sizeof(buf));
  // Straddles the end: the 8 bytes that would fit are not written either.
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_write(h, buf, 2 * PAGE - 8, 16));
  assert_true(vmo_bytes_are(h, 2 * PAGE - 8, 8, pat(0x10, 1)));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(h, buf, 2 * PAGE - 8, 16));
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 0x5A);
  }
  // Entirely past the end, and offset + len overflowing.
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_write(h, buf, 2 * PAGE, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(h, buf, 2 * PAGE, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_write(h, buf, UINT64_MAX, 2));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(h, buf, UINT64_MAX, 2));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_read(h, buf, UINT64_MAX - 7, sizeof(buf)));
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 0x5A);
  }
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x10, 0)));
  assert_true(vmo_bytes_are(h, PAGE, PAGE, pat(0x10, 1)));
  close_ok(h);
  // A zero-size VMO has no byte to read.
  h = vmo_new(0, 0);
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(h, buf, 0, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_write(h, buf, 0, 1));
  close_ok(h);
}

// READ gates vmo_read and WRITE gates vmo_write, before range and buffer.
static void vmo_read_write__missing_right_access_denied(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  unsigned char buf[16];
  memset(buf, 0x33, sizeof(buf));
  assert_status(VMAR_OK, vmar_vmo_write(h, buf, 0, sizeof(buf)));
  vmar_handle_t nr = dup_without(h, VMAR_RIGHT_READ);
  vmar_handle_t nw = dup_without(h, VMAR_RIGHT_WRITE);
  memset(buf, 0x44, sizeof(buf));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(nr, buf, 0, sizeof(buf)));
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 0x44);
  }
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_write(nw, buf, 0, sizeof(buf)));
  assert_true(vmo_bytes_are(h, 0, sizeof(buf), 0x33));
  // The other direction works on each.
  assert_status(VMAR_OK, vmar_vmo_write(nr, buf, 0, sizeof(buf)));
  memset(buf, 0, sizeof(buf));
  assert_status(VMAR_OK, vmar_vmo_read(nw, buf, 0, sizeof(buf)));
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 0x44);
  }
  // Rights come before OUT_OF_RANGE and before the NULL-buffer check.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(nr, buf, 9 * PAGE, 4));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_write(nw, buf, 9 * PAGE, 4));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(nr, NULL, 0, 4));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_write(nw, NULL, 0, 4));
  CLOSE_ALL_OK(nw, nr, h);
}

// A VMAR handle is WRONG_TYPE; invalid or closed handles are BAD_HANDLE.
static void vmo_read_write__bad_handles(void** state) {
  fixture_t* fx = *state;
  unsigned char buf[8] = {0};
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_read(fx->vmar, buf, 0, 1));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_write(fx->vmar, buf, 0, 1));
  assert_status(VMAR_ERR_WRONG_TYPE,
                vmar_vmo_read(vmar_root_self(), NULL, UINT64_MAX, 5));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_read(VMAR_HANDLE_INVALID, buf, 0, 1));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_write(VMAR_HANDLE_INVALID, buf, 0, 1));
  vmar_handle_t h = vmo_new(PAGE, 0);
  close_ok(h);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_read(h, buf, 0, 1));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_write(h, buf, 0, 1));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_read(0x12345678u, NULL, 0, 1));
}

// NULL with a non-zero length is INVALID_ARGS (after the range check).
static void vmo_read_write__null_buffer_invalid_args(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_read(h, NULL, 0, 1));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_write(h, NULL, 0, PAGE));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(h, NULL, PAGE, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_write(h, NULL, 0, PAGE + 1));
  assert_true(vmo_bytes_are(h, 0, PAGE, 0));
  close_ok(h);
}

// Read into a non-writable or write from a no-access mapping: ACCESS_DENIED.
static void
vmo_read_write__buffer_in_protected_mapping_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t a = vmo_new(PAGE, 0);
  vmar_handle_t b = vmo_new(PAGE, 0);
  fill_pages(a, 1, 0xA0);
  fill_pages(b, 1, 0xB0);
  vmar_vaddr_t ro = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, b, 0, PAGE);
  vmar_vaddr_t none = map_ok(fx->vmar, 0, 0, b, 0, PAGE);
  // vmo_read INTO the read-only mapping: the destination is not writable.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(a, (void*)ro, 0, 16));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(a, (void*)ro, 0, PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_read(a, (void*)(none + 8), 0, 16));
  assert_true(vmo_bytes_are(b, 0, PAGE, pat(0xB0, 0)));
  assert_true(mem_is(ro, PAGE, pat(0xB0, 0)));
  // vmo_write FROM the no-permission mapping: the source is not readable.
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_write(a, (const void*)none, 0, 16));
  assert_true(vmo_bytes_are(a, 0, PAGE, pat(0xA0, 0)));
  // vmo_write FROM the read-only mapping is fine.
  assert_status(VMAR_OK, vmar_vmo_write(a, (const void*)ro, 0, PAGE));
  assert_true(vmo_bytes_are(a, 0, PAGE, pat(0xB0, 0)));
  unmap_ok(fx->vmar, ro, PAGE);
  unmap_ok(fx->vmar, none, PAGE);
  CLOSE_ALL_OK(b, a);
}

// A buffer in reserved but unmapped address space is NOT_FOUND.
static void vmo_read_write__buffer_unmapped_not_found(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  fill_pages(h, 1, 0x20);
  // The fixture VMAR is reserved but holds no mapping.
  assert_status(VMAR_ERR_NOT_FOUND,
                vmar_vmo_read(h, (void*)(fx->base + 3 * PAGE), 0, 16));
  assert_status(VMAR_ERR_NOT_FOUND,
                vmar_vmo_write(h, (const void*)(fx->base + 3 * PAGE), 0, 16));
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x20, 0)));
  // The same after a mapping there has been unmapped again.
  vmar_vaddr_t m = map_ok(fx->vmar, PERM_RW, 0, h, 0, PAGE);
  unsigned char* rw = (unsigned char*)m;
  assert_status(VMAR_OK, vmar_vmo_read(h, rw, 0, 16));
  unmap_ok(fx->vmar, m, PAGE);
  assert_status(VMAR_ERR_NOT_FOUND, vmar_vmo_read(h, (void*)m, 0, 16));
  assert_status(VMAR_ERR_NOT_FOUND, vmar_vmo_write(h, (const void*)m, 0, 16));
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x20, 0)));
  close_ok(h);
}

// A buffer the calling thread last used outside everything vmar manages,
// in a spot that a new reservation then takes: the next copy sees the
// reservation's mapping and its permissions, not the free space that was.
static void vmo_read_write__buffer_in_space_taken_since(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  fill_pages(h, 1, 0x21);
  // A spot in the root that is free: a reservation's, given back.
  vmar_handle_t gone;
  vmar_vaddr_t spot;
  assert_status(VMAR_OK,
                vmar_allocate(vmar_root_self(), CAN_RW, 0, PAGE, &gone, &spot));
  assert_status(VMAR_OK, vmar_destroy(gone));
  close_ok(gone);
  // Nothing is mapped there: the copy faults (NOT_FOUND), changing nothing.
  assert_status(VMAR_ERR_NOT_FOUND, vmar_vmo_read(h, (void*)spot, 0, 16));
  // The spot becomes a read-only mapping of a new reservation.
  vmar_info_t root;
  assert_status(VMAR_OK, vmar_get_info(vmar_root_self(), &root));
  vmar_handle_t taken;
  vmar_vaddr_t at;
  if (vmar_allocate(vmar_root_self(), CAN_RW | VMAR_VM_SPECIFIC,
                    spot - root.base, PAGE, &taken, &at) != VMAR_OK) {
    close_ok(h);
    print_message("skipped: something else of the process took the spot "
                  "meanwhile\n");
    skip();
  }
  assert_int_equal(at, spot);
  vmar_vaddr_t m = map_ok(taken, VMAR_VM_PERM_READ, 0, h, 0, PAGE);
  assert_int_equal(m, spot);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_read(h, (void*)spot, 0, 16));
  assert_status(VMAR_OK, vmar_vmo_write(h, (const void*)spot, 0, 16));
  assert_status(VMAR_OK, vmar_destroy(taken));
  CLOSE_ALL_OK(taken, h);
}

// Bad input, as tables (bad_input.h): h1 the VMO, a the offset, b len. The
// buffer is a static one, or none (NULL1), or top page 4 (BUF_RO: mapped
// read-only) or 5 (BUF_GAP: reserved, nothing mapped).

static const bad_row_t kVmoReadBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, V0, PG(1), V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, PG(1), V0, 0},
    {"handle lacks READ", ACCESS_DENIED, H_VMO_NOREAD, H_NONE, 0, V0, PG(1), V0,
     0},
    {"offset past the end", OUT_OF_RANGE, H_VMO, H_NONE, 0, PG(5), PG(1), V0,
     0},
    {"offset + len past the end", OUT_OF_RANGE, H_VMO, H_NONE, 0, PG(3), PG(2),
     V0, 0},
    {"offset + len wraps", OUT_OF_RANGE, H_VMO, H_NONE, 0, VMAX, PG(1), V0, 0},
    {"buffer NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, PG(1), V0, NULL1},
    {"range checked before buffer NULL", OUT_OF_RANGE, H_VMO, H_NONE, 0, PG(4),
     PG(1), V0, NULL1},
    {"buffer NULL with len 0", OK, H_VMO, H_NONE, 0, V0, V0, V0,
     NULL1 | SAMEBACK},
    {"buffer in a read-only mapping", ACCESS_DENIED, H_VMO, H_NONE, 0, V0,
     PG(1), V0, BUF_RO},
    {"buffer in reserved, unmapped space", NOT_FOUND, H_VMO, H_NONE, 0, V0,
     PG(1), V0, BUF_GAP | POSIX},
};

static const bad_row_t kVmoWriteBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, V0, PG(1), V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, PG(1), V0, 0},
    {"handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE, 0, V0, PG(1), V0,
     0},
    {"offset + len past the end", OUT_OF_RANGE, H_VMO, H_NONE, 0, PGB(3, 1),
     PG(1), V0, 0},
    {"offset + len wraps", OUT_OF_RANGE, H_VMO, H_NONE, 0, VTOP, PG(2), V0, 0},
    {"buffer NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, PG(1), V0, NULL1},
    {"buffer in a read-only mapping is fine", OK, H_VMO, H_NONE, 0, V0, PG(1),
     V0, BUF_RO | SAMEBACK},
    {"buffer in reserved, unmapped space", NOT_FOUND, H_VMO, H_NONE, 0, V0,
     PG(1), V0, BUF_GAP | POSIX},
};

static void* row_buffer(const bad_call_t* c) {
  static unsigned char buf[4 * 16384];
  if (c->n1) {
    return NULL;
  }
  if (c->row->flags & BUF_RO) {
    return (void*)(c->fx->top_base + 4 * PAGE);
  }
  if (c->row->flags & BUF_GAP) {
    return (void*)(c->fx->top_base + 5 * PAGE);
  }
  return buf;
}

enum { READ, WRITE };

static vmar_status_t vmo_io_row(const bad_call_t* c) {
  return c->call == READ ? vmar_vmo_read(c->h1, row_buffer(c), c->a, c->bz)
                         : vmar_vmo_write(c->h1, row_buffer(c), c->a, c->bz);
}

// ---------------------------------------------------------------------------
// vmar_vmo_get_size / vmar_vmo_set_size

// get_size needs no right at all; bad arguments leave |size| alone.
static void vmo_get_size__no_right_needed_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(3 * PAGE - 1, 0);
  vmar_handle_t none = dup_with(h, VMAR_RIGHT_NONE);
  assert_int_equal(rights_of(none), 0);
  assert_int_equal(vmo_size_of(none), 3 * PAGE);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_get_size(h, NULL));
  uint64_t s = SENTINEL_U64;
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_get_size(fx->vmar, &s));
  assert_int_equal(s, SENTINEL_U64);
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_get_size(VMAR_HANDLE_INVALID, &s));
  assert_int_equal(s, SENTINEL_U64);
  close_ok(none);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_get_size(none, &s));
  assert_int_equal(s, SENTINEL_U64);
  close_ok(h);
}

// A resizable VMO grows (zero-filled) and shrinks (tail dropped), rounded.
static void vmo_set_size__resizable_grow_shrink_ok(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, VMAR_VMO_RESIZABLE);
  fill_pages(h, 1, 0x40);
  assert_status(VMAR_OK, vmar_vmo_set_size(h, 3 * PAGE + 1));
  assert_int_equal(vmo_size_of(h), 4 * PAGE);
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x40, 0)));
  assert_true(vmo_bytes_are(h, PAGE, 3 * PAGE, 0));
  fill_pages(h, 4, 0x50);
  assert_status(VMAR_OK, vmar_vmo_set_size(h, PAGE));
  assert_int_equal(vmo_size_of(h), PAGE);
  unsigned char b = 0;
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(h, &b, PAGE, 1));
  // Growing back gives zeros, not the old tail.
  assert_status(VMAR_OK, vmar_vmo_set_size(h, 2 * PAGE));
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x50, 0)));
  assert_true(vmo_bytes_are(h, PAGE, PAGE, 0));
  assert_status(VMAR_OK, vmar_vmo_set_size(h, 0));
  assert_int_equal(vmo_size_of(h), 0);
  assert_status(VMAR_OK, vmar_vmo_set_size(h, 1));
  assert_int_equal(vmo_size_of(h), PAGE);
  assert_true(vmo_bytes_are(h, 0, PAGE, 0));
  close_ok(h);
}

// Unaligned shrink: bytes from |size| to the page end read zero (as
// zx_vmo_set_size does).
static void vmo_set_size__unaligned_shrink_zeroes_page_tail(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(3 * PAGE, VMAR_VMO_RESIZABLE);
  fill_pages(h, 3, 0x70);
  vmar_vaddr_t m = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, h, 0, 3 * PAGE);
  assert_status(VMAR_OK, vmar_vmo_set_size(h, PAGE + 10));
  assert_int_equal(vmo_size_of(h), 2 * PAGE);
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x70, 0)));
  assert_true(vmo_bytes_are(h, PAGE, 10, pat(0x70, 1)));
  assert_true(vmo_bytes_are(h, PAGE + 10, PAGE - 10, 0));
  assert_true(mem_is(m + PAGE, 10, pat(0x70, 1)));
  assert_true(mem_is(m + PAGE + 10, PAGE - 10, 0));
  assert_false(test_probe_read((const volatile void*)(m + 2 * PAGE)));
  // Growing to an unaligned size adds a whole zero page.
  assert_status(VMAR_OK, vmar_vmo_set_size(h, 2 * PAGE + 1));
  assert_int_equal(vmo_size_of(h), 3 * PAGE);
  assert_true(vmo_bytes_are(h, PAGE, 10, pat(0x70, 1)));
  assert_true(mem_is(m + 2 * PAGE, PAGE, 0));
  unmap_ok(fx->vmar, m, 3 * PAGE);
  close_ok(h);
}

// Order: WRITE right, UNAVAILABLE, RESIZE right, OUT_OF_RANGE; size kept.
static void vmo_set_size__status_order(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t fixed = vmo_new(2 * PAGE, 0);
  vmar_handle_t fixed_nw = dup_without(fixed, VMAR_RIGHT_WRITE);
  // Not resizable, no WRITE: ACCESS_DENIED comes first.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(fixed_nw, PAGE));
  // Not resizable, with WRITE (it never has RESIZE): UNAVAILABLE.
  assert_int_equal(rights_of(fixed) & VMAR_RIGHT_RESIZE, 0);
  assert_status(VMAR_ERR_UNAVAILABLE, vmar_vmo_set_size(fixed, PAGE));
  assert_status(VMAR_ERR_UNAVAILABLE, vmar_vmo_set_size(fixed, 2 * PAGE));
  assert_status(VMAR_ERR_UNAVAILABLE, vmar_vmo_set_size(fixed, UINT64_MAX));
  assert_int_equal(vmo_size_of(fixed), 2 * PAGE);

  vmar_handle_t res = vmo_new(2 * PAGE, VMAR_VMO_RESIZABLE);
  vmar_handle_t res_nw = dup_without(res, VMAR_RIGHT_WRITE);
  vmar_handle_t res_nr = dup_without(res, VMAR_RIGHT_RESIZE);
  vmar_handle_t res_none =
      dup_without(res, VMAR_RIGHT_WRITE | VMAR_RIGHT_RESIZE);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(res_nw, PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(res_nr, PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(res_none, PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(res_nr, UINT64_MAX));
  // Too large: rounding overflows, or no host can back it.
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_set_size(res, UINT64_MAX));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_set_size(res, UINT64_MAX - PAGE + 2));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_set_size(res, UINT64_MAX - PAGE + 1));
  assert_int_equal(vmo_size_of(res), 2 * PAGE);
  // Handles: WRONG_TYPE for a VMAR, BAD_HANDLE for garbage.
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_set_size(fx->vmar, PAGE));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_set_size(VMAR_HANDLE_INVALID, PAGE));
  CLOSE_ALL_OK(res_none, res_nr, res_nw, res, fixed_nw, fixed);
}

// Shrink: the tail faults in every mapping; growing back reads zero.
static void vmo_set_size__shrink_faults_every_mapping(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(4 * PAGE, VMAR_VMO_RESIZABLE);
  fill_pages(h, 4, 0x60);
  vmar_vaddr_t m1 = map_ok(fx->vmar, PERM_RW, 0, h, 0, 4 * PAGE);
  vmar_vaddr_t m2 = map_ok(fx->vmar, PERM_RW, 0, h, 0, 4 * PAGE);
  assert_true(mem_is(m1 + 3 * PAGE, PAGE, pat(0x60, 3)));
  assert_status(VMAR_OK, vmar_vmo_set_size(h, PAGE));
  const vmar_vaddr_t maps[] = {m1, m2};
  for (size_t i = 0; i < 2; i++) {
    assert_true(mem_is(maps[i], PAGE, pat(0x60, 0)));
    for (size_t p = 1; p < 4; p++) {
      assert_false(test_probe_read((const volatile void*)(maps[i] + p * PAGE)));
      assert_false(test_probe_write((volatile void*)(maps[i] + p * PAGE + 5)));
    }
  }
  assert_status(VMAR_OK, vmar_vmo_set_size(h, 4 * PAGE));
  for (size_t i = 0; i < 2; i++) {
    assert_true(mem_is(maps[i], PAGE, pat(0x60, 0)));
    assert_true(mem_is(maps[i] + PAGE, 3 * PAGE, 0));
  }
  // And the regrown pages are shared again.
  ((volatile unsigned char*)m1)[2 * PAGE + 9] = 0x99;
  assert_int_equal(((volatile unsigned char*)m2)[2 * PAGE + 9], 0x99);
  unmap_ok(fx->vmar, m1, 4 * PAGE);
  unmap_ok(fx->vmar, m2, 4 * PAGE);
  close_ok(h);
}

// Bad input, as tables (bad_input.h): h1 the VMO; get_size: NULL1 no size
// pointer; set_size: a the size.

static const bad_row_t kVmoGetSizeBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, V0, V0, V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, 0},
    {"size NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0, NULL1},
    {"no right needed", OK, H_VMO_NOREAD, H_NONE, 0, V0, V0, V0, SAMEBACK},
};

static vmar_status_t vmo_get_size_row(const bad_call_t* c) {
  return vmar_vmo_get_size(c->h1, c->out1);
}

static const bad_row_t kVmoSetSizeBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, PG(2), V0, V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, PG(2), V0, V0, 0},
    {"handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE, 0, PG(2), V0, V0,
     0},
    {"not resizable", UNAVAILABLE, H_VMO, H_NONE, 0, PG(2), V0, V0, 0},
    {"handle lacks RESIZE", ACCESS_DENIED, H_VMO_NORSZ, H_NONE, 0, PG(2), V0,
     V0, 0},
    {"size 2^64-1", OUT_OF_RANGE, H_VMO_RS, H_NONE, 0, VMAX, V0, V0, 0},
    {"not resizable checked before size", UNAVAILABLE, H_VMO, H_NONE, 0, VMAX,
     V0, V0, 0},
};

static vmar_status_t vmo_set_size_row(const bad_call_t* c) {
  return vmar_vmo_set_size(c->h1, c->a);
}

// ---------------------------------------------------------------------------
// vmar_vmo_set_name / vmar_vmo_get_name

// A new VMO is named ""; a name round-trips and is shared by every handle.
static void vmo_name__default_empty_round_trip_ok(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  char name[VMAR_MAX_NAME_LEN];
  memset(name, 'X', sizeof(name));
  assert_status(VMAR_OK, vmar_vmo_get_name(h, name));
  assert_string_equal(name, "");
  assert_status(VMAR_OK, vmar_vmo_set_name(h, "hello"));
  memset(name, 'X', sizeof(name));
  assert_status(VMAR_OK, vmar_vmo_get_name(h, name));
  assert_string_equal(name, "hello");
  vmar_handle_t d = dup_without(h, 0);
  memset(name, 'X', sizeof(name));
  assert_status(VMAR_OK, vmar_vmo_get_name(d, name));
  assert_string_equal(name, "hello");
  assert_status(VMAR_OK, vmar_vmo_set_name(d, "other"));
  assert_status(VMAR_OK, vmar_vmo_get_name(h, name));
  assert_string_equal(name, "other");
  assert_status(VMAR_OK, vmar_vmo_set_name(h, ""));
  assert_status(VMAR_OK, vmar_vmo_get_name(d, name));
  assert_string_equal(name, "");
  CLOSE_ALL_OK(d, h);
}

// Sets |h|'s name to |set| and reads it back into |name| (filled with 'X'
// first), both of which must succeed.
static void set_get_name(vmar_handle_t h, const char* set,
                         char name[VMAR_MAX_NAME_LEN]) {
  assert_status(VMAR_OK, vmar_vmo_set_name(h, set));
  memset(name, 'X', VMAR_MAX_NAME_LEN);
  assert_status(VMAR_OK, vmar_vmo_get_name(h, name));
}

// Names longer than 31 characters are cut to 31 + NUL; 31 fit exactly.
static void vmo_name__long_truncated_to_31(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  const char* k40 = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
  char name[VMAR_MAX_NAME_LEN];
  set_get_name(h, k40, name);
  assert_int_equal(name[31], '\0');
  assert_int_equal(strlen(name), 31);
  assert_memory_equal(name, k40, 31);
  // Exactly 31 characters are kept whole; 32 lose the last one.
  char k31[32];
  memcpy(k31, k40 + 5, 31);
  k31[31] = '\0';
  set_get_name(h, k31, name);
  assert_string_equal(name, k31);
  char k32[33];
  memcpy(k32, k40 + 2, 32);
  k32[32] = '\0';
  set_get_name(h, k32, name);
  assert_int_equal(strlen(name), 31);
  assert_memory_equal(name, k32, 31);
  close_ok(h);
}

// A NULL name sets "".
static void vmo_name__null_sets_empty_ok(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_set_name(h, "something"));
  assert_status(VMAR_OK, vmar_vmo_set_name(h, NULL));
  char name[VMAR_MAX_NAME_LEN];
  memset(name, 'X', sizeof(name));
  assert_status(VMAR_OK, vmar_vmo_get_name(h, name));
  assert_string_equal(name, "");
  close_ok(h);
}

// SET_PROPERTY / GET_PROPERTY gate the name; failures change nothing.
static void vmo_name__missing_property_right_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_set_name(h, "kept"));
  vmar_handle_t nset = dup_without(h, VMAR_RIGHT_SET_PROPERTY);
  vmar_handle_t nget = dup_without(h, VMAR_RIGHT_GET_PROPERTY);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_name(nset, "lost"));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_name(nset, NULL));
  char name[VMAR_MAX_NAME_LEN];
  memset(name, 'X', sizeof(name));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_name(nget, name));
  for (size_t i = 0; i < sizeof(name); i++) {
    assert_int_equal(name[i], 'X');
  }
  // ACCESS_DENIED precedes the NULL check.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_name(nget, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_get_name(h, NULL));
  // The other direction works on each handle.
  assert_status(VMAR_OK, vmar_vmo_get_name(nset, name));
  assert_string_equal(name, "kept");
  assert_status(VMAR_OK, vmar_vmo_set_name(nget, "new"));
  assert_status(VMAR_OK, vmar_vmo_get_name(h, name));
  assert_string_equal(name, "new");
  // Handles.
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_set_name(fx->vmar, "x"));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_get_name(fx->vmar, name));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_set_name(VMAR_HANDLE_INVALID, "x"));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_get_name(VMAR_HANDLE_INVALID, name));
  CLOSE_ALL_OK(nget, nset, h);
}

// Bad input, as tables (bad_input.h): h1 the VMO; get_name: NULL1 no
// buffer.

static const bad_row_t kVmoSetNameBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, V0, V0, V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, 0},
    {"handle lacks SET_PROPERTY", ACCESS_DENIED, H_VMO_NOPROP, H_NONE, 0, V0,
     V0, V0, 0},
};

static vmar_status_t vmo_set_name_row(const bad_call_t* c) {
  return vmar_vmo_set_name(c->h1, "bad-input");
}

static const bad_row_t kVmoGetNameBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, V0, V0, V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, 0},
    {"handle lacks GET_PROPERTY", ACCESS_DENIED, H_VMO_NOPROP, H_NONE, 0, V0,
     V0, V0, 0},
    {"name NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0, NULL1},
};

static vmar_status_t vmo_get_name_row(const bad_call_t* c) {
  return vmar_vmo_get_name(c->h1, c->out1);
}

// ---------------------------------------------------------------------------
// vmar_vmo_op_range

static const uint32_t kAllVmoOps[] = {
    VMAR_VMO_OP_COMMIT,      VMAR_VMO_OP_DECOMMIT,
    VMAR_VMO_OP_LOCK,        VMAR_VMO_OP_UNLOCK,
    VMAR_VMO_OP_CACHE_SYNC,  VMAR_VMO_OP_CACHE_INVALIDATE,
    VMAR_VMO_OP_CACHE_CLEAN, VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE,
    VMAR_VMO_OP_ZERO,        VMAR_VMO_OP_TRY_LOCK,
    VMAR_VMO_OP_DONT_NEED,   VMAR_VMO_OP_ALWAYS_NEED,
    VMAR_VMO_OP_PREFETCH,
};

// Every hint and cache op succeeds and keeps the contents; COMMIT too.
// CACHE_INVALIDATE is refused, as by a Zircon kernel booted without its
// debugging system calls.
static void vmo_op_range__hints_keep_contents_ok(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(4 * PAGE, 0);
  fill_pages(h, 4, 0x70);
  const uint32_t kKeep[] = {
      VMAR_VMO_OP_COMMIT,      VMAR_VMO_OP_CACHE_SYNC,
      VMAR_VMO_OP_CACHE_CLEAN, VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE,
      VMAR_VMO_OP_DONT_NEED,   VMAR_VMO_OP_ALWAYS_NEED,
      VMAR_VMO_OP_PREFETCH,
  };
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_vmo_op_range(h, VMAR_VMO_OP_CACHE_INVALIDATE, 0, PAGE));
  for (size_t i = 0; i < sizeof(kKeep) / sizeof(kKeep[0]); i++) {
    assert_status(VMAR_OK, vmar_vmo_op_range(h, kKeep[i], 0, 4 * PAGE));
    // Unaligned ranges are fine for these.
    assert_status(VMAR_OK, vmar_vmo_op_range(h, kKeep[i], 10, PAGE + 3));
    for (size_t p = 0; p < 4; p++) {
      assert_true(vmo_bytes_are(h, p * PAGE, PAGE, pat(0x70, p)));
    }
  }
  // COMMIT of a never-written VMO keeps it zero.
  vmar_handle_t z = vmo_new(2 * PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_op_range(z, VMAR_VMO_OP_COMMIT, 0, 2 * PAGE));
  assert_true(vmo_bytes_are(z, 0, 2 * PAGE, 0));
  CLOSE_ALL_OK(z, h);
}

// LOCK, TRY_LOCK and UNLOCK: NOT_SUPPORTED unless the VMO is discardable.
static void vmo_op_range__lock_needs_discardable(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(2 * PAGE, 0);
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_vmo_op_range(h, VMAR_VMO_OP_LOCK, 0, 2 * PAGE));
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_vmo_op_range(h, VMAR_VMO_OP_TRY_LOCK, 0, 2 * PAGE));
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_vmo_op_range(h, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  vmar_handle_t d = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  fill_pages(d, 2, 0x80);
  assert_status(VMAR_OK, vmar_vmo_op_range(d, VMAR_VMO_OP_LOCK, 0, 2 * PAGE));
  assert_status(VMAR_OK, vmar_vmo_op_range(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  assert_status(VMAR_OK,
                vmar_vmo_op_range(d, VMAR_VMO_OP_TRY_LOCK, 0, 2 * PAGE));
  assert_status(VMAR_OK, vmar_vmo_op_range(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  // Pages of a discardable VMO are never discarded on a host.
  assert_true(vmo_bytes_are(d, 0, PAGE, pat(0x80, 0)));
  assert_true(vmo_bytes_are(d, PAGE, PAGE, pat(0x80, 1)));
  CLOSE_ALL_OK(d, h);
}

// Unknown ops are INVALID_ARGS, before rights and ranges.
static void vmo_op_range__unknown_op_invalid_args(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  vmar_handle_t none = dup_with(h, VMAR_RIGHT_NONE);
  const uint32_t kBad[] = {0u, 5u, 15u, 16u, 100u, 0x80000001u, UINT32_MAX};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_op_range(h, kBad[i], 0, PAGE));
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_op_range(none, kBad[i], 0, PAGE));
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_op_range(h, kBad[i], UINT64_MAX, UINT64_MAX));
  }
  CLOSE_ALL_OK(none, h);
}

// Each op's right; ACCESS_DENIED precedes alignment, range, discardable.
// CACHE_INVALIDATE is NOT_SUPPORTED before any right is looked at.
static void vmo_op_range__rights_per_op(void** state) {
  (void)state;
  // Discardable, so that the lock ops succeed when the rights allow.
  vmar_handle_t h = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  vmar_handle_t only_r = dup_without(h, VMAR_RIGHT_WRITE);
  vmar_handle_t only_w = dup_without(h, VMAR_RIGHT_READ);
  vmar_handle_t neither = dup_without(h, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE);
  enum { NEED_W, NEED_R, NEED_RW_ANY, NEED_NONE, REFUSED };
  for (size_t i = 0; i < sizeof(kAllVmoOps) / sizeof(kAllVmoOps[0]); i++) {
    uint32_t op = kAllVmoOps[i];
    int need;
    switch (op) {
    case VMAR_VMO_OP_COMMIT:
    case VMAR_VMO_OP_DECOMMIT:
    case VMAR_VMO_OP_ZERO:
      need = NEED_W;
      break;
    case VMAR_VMO_OP_CACHE_SYNC:
    case VMAR_VMO_OP_CACHE_CLEAN:
    case VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE:
    case VMAR_VMO_OP_PREFETCH:
      need = NEED_R;
      break;
    case VMAR_VMO_OP_LOCK:
    case VMAR_VMO_OP_TRY_LOCK:
    case VMAR_VMO_OP_UNLOCK:
      need = NEED_RW_ANY;
      break;
    case VMAR_VMO_OP_CACHE_INVALIDATE:
      need = REFUSED;
      break;
    default:
      need = NEED_NONE;
      break;
    }
    const struct {
      vmar_handle_t h;
      bool r, w;
    } kHandles[] = {
        {only_r, true, false}, {only_w, false, true}, {neither, false, false}};
    for (size_t j = 0; j < 3 && need == REFUSED; j++) {
      assert_status(VMAR_ERR_NOT_SUPPORTED,
                    vmar_vmo_op_range(kHandles[j].h, op, 0, 2 * PAGE));
    }
    for (size_t j = 0; j < 3 && need != REFUSED; j++) {
      bool allowed = need == NEED_NONE || (need == NEED_W && kHandles[j].w) ||
                     (need == NEED_R && kHandles[j].r) ||
                     (need == NEED_RW_ANY && (kHandles[j].r || kHandles[j].w));
      if (!allowed) {
        assert_status(VMAR_ERR_ACCESS_DENIED,
                      vmar_vmo_op_range(kHandles[j].h, op, 0, 2 * PAGE));
        // Rights come before alignment and range checks.
        assert_status(VMAR_ERR_ACCESS_DENIED,
                      vmar_vmo_op_range(kHandles[j].h, op, 1, PAGE));
        assert_status(VMAR_ERR_ACCESS_DENIED,
                      vmar_vmo_op_range(kHandles[j].h, op, 0, 9 * PAGE));
        continue;
      }
      if (op == VMAR_VMO_OP_UNLOCK) {
        continue; // exercised below, after a LOCK
      }
      assert_status(VMAR_OK, vmar_vmo_op_range(kHandles[j].h, op, 0, 2 * PAGE));
      if (op == VMAR_VMO_OP_LOCK || op == VMAR_VMO_OP_TRY_LOCK) {
        assert_status(
            VMAR_OK,
            vmar_vmo_op_range(kHandles[j].h, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
      }
    }
  }
  CLOSE_ALL_OK(neither, only_w, only_r, h);
}

// DECOMMIT needs a page-aligned range (INVALID_ARGS, before OUT_OF_RANGE).
static void vmo_op_range__decommit_unaligned_invalid_args(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(4 * PAGE, 0);
  fill_pages(h, 4, 0x90);
  const uint32_t op = VMAR_VMO_OP_DECOMMIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_op_range(h, op, PAGE / 2, PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_op_range(h, op, 0, PAGE + 1));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_op_range(h, op, 1, 1));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_op_range(h, op, 8 * PAGE + 1, PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_op_range(h, op, 8 * PAGE, PAGE - 1));
  for (size_t p = 0; p < 4; p++) {
    assert_true(vmo_bytes_are(h, p * PAGE, PAGE, pat(0x90, p)));
  }
  // ZERO has no such rule.
  assert_status(VMAR_OK,
                vmar_vmo_op_range(h, VMAR_VMO_OP_ZERO, PAGE / 2, PAGE));
  close_ok(h);
}

// A range outside the VMO: OUT_OF_RANGE, nothing changes; except the two
// hints, which succeed before any range check, CACHE_INVALIDATE, refused
// first, and the lock ops, which need a discardable VMO first.
static void vmo_op_range__outside_out_of_range(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(2 * PAGE, 0);
  vmar_handle_t d = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  fill_pages(h, 2, 0xA0);
  const struct {
    uint64_t offset, size;
  } kOutside[] = {
      {PAGE, 2 * PAGE},
      {2 * PAGE, PAGE},
      {0, 3 * PAGE},
      {UINT64_MAX - PAGE + 1, 2 * PAGE}, // offset + size overflows
      {PAGE, UINT64_MAX - PAGE + 1},
  };
  for (size_t i = 0; i < sizeof(kAllVmoOps) / sizeof(kAllVmoOps[0]); i++) {
    const uint32_t op = kAllVmoOps[i];
    const bool lock = op == VMAR_VMO_OP_LOCK || op == VMAR_VMO_OP_TRY_LOCK ||
                      op == VMAR_VMO_OP_UNLOCK;
    vmar_status_t want = VMAR_ERR_OUT_OF_RANGE;
    if (op == VMAR_VMO_OP_DONT_NEED || op == VMAR_VMO_OP_ALWAYS_NEED) {
      want = VMAR_OK;
    } else if (op == VMAR_VMO_OP_CACHE_INVALIDATE || lock) {
      want = VMAR_ERR_NOT_SUPPORTED;
    }
    for (size_t k = 0; k < sizeof(kOutside) / sizeof(kOutside[0]); k++) {
      assert_status(
          want, vmar_vmo_op_range(h, op, kOutside[k].offset, kOutside[k].size));
      if (lock) { // on a discardable VMO the range is what counts
        assert_status(
            VMAR_ERR_OUT_OF_RANGE,
            vmar_vmo_op_range(d, op, kOutside[k].offset, kOutside[k].size));
      }
    }
  }
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0xA0, 0)));
  assert_true(vmo_bytes_are(h, PAGE, PAGE, pat(0xA0, 1)));
  CLOSE_ALL_OK(d, h);
}

// DECOMMIT/ZERO read zero via vmo_read and every mapping; ZERO byte-exact.
static void vmo_op_range__decommit_zero_read_zero_everywhere(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(4 * PAGE, 0);
  fill_pages(h, 4, 0xB0);
  vmar_vaddr_t m1 = map_ok(fx->vmar, PERM_RW, 0, h, 0, 4 * PAGE);
  vmar_vaddr_t m2 = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, h, PAGE, 3 * PAGE);
  // Fault the pages in through both mappings first.
  assert_true(mem_is(m1, PAGE, pat(0xB0, 0)));
  assert_true(mem_is(m1 + PAGE, PAGE, pat(0xB0, 1)));
  assert_true(mem_is(m2, PAGE, pat(0xB0, 1)));
  assert_status(VMAR_OK,
                vmar_vmo_op_range(h, VMAR_VMO_OP_DECOMMIT, PAGE, PAGE));
  assert_true(vmo_bytes_are(h, PAGE, PAGE, 0));
  assert_true(mem_is(m1 + PAGE, PAGE, 0));
  assert_true(mem_is(m2, PAGE, 0));
  assert_true(mem_is(m1, PAGE, pat(0xB0, 0)));
  assert_true(mem_is(m1 + 2 * PAGE, PAGE, pat(0xB0, 2)));
  assert_true(mem_is(m2 + PAGE, PAGE, pat(0xB0, 2)));
  // ZERO of a few bytes inside page 2 leaves its neighbours alone.
  assert_status(VMAR_OK,
                vmar_vmo_op_range(h, VMAR_VMO_OP_ZERO, 2 * PAGE + 10, 20));
  assert_true(vmo_bytes_are(h, 2 * PAGE, 10, pat(0xB0, 2)));
  assert_true(vmo_bytes_are(h, 2 * PAGE + 10, 20, 0));
  assert_true(vmo_bytes_are(h, 2 * PAGE + 30, PAGE - 30, pat(0xB0, 2)));
  assert_true(mem_is(m1 + 2 * PAGE + 10, 20, 0));
  assert_true(mem_is(m2 + PAGE + 10, 20, 0));
  assert_true(mem_is(m2 + PAGE + 30, PAGE - 30, pat(0xB0, 2)));
  // ZERO of whole page 3.
  assert_status(VMAR_OK,
                vmar_vmo_op_range(h, VMAR_VMO_OP_ZERO, 3 * PAGE, PAGE));
  assert_true(vmo_bytes_are(h, 3 * PAGE, PAGE, 0));
  assert_true(mem_is(m1 + 3 * PAGE, PAGE, 0));
  assert_true(mem_is(m2 + 2 * PAGE, PAGE, 0));
  assert_true(mem_is(m1, PAGE, pat(0xB0, 0)));
  // Decommitted pages are usable again afterwards.
  ((volatile unsigned char*)m1)[PAGE + 1] = 0x42;
  assert_int_equal(((volatile unsigned char*)m2)[1], 0x42);
  unmap_ok(fx->vmar, m1, 4 * PAGE);
  unmap_ok(fx->vmar, m2, 3 * PAGE);
  close_ok(h);
}

// Handles: WRONG_TYPE for a VMAR, BAD_HANDLE for garbage (before the op).
static void vmo_op_range__bad_handles(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_WRONG_TYPE,
                vmar_vmo_op_range(fx->vmar, VMAR_VMO_OP_COMMIT, 0, PAGE));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_op_range(fx->vmar, 5u, 0, PAGE));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_op_range(VMAR_HANDLE_INVALID, 5u, 0, PAGE));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_op_range(0x12345673u, VMAR_VMO_OP_COMMIT, 0, PAGE));
}

// Bad input, as a table (bad_input.h): h1 the VMO, opt the op, a the
// offset, b size.

static const bad_row_t kVmoOpRangeBad[] = {
    NOT_LIVE("vmo", H_NONE, VMAR_VMO_OP_COMMIT, V0, PG(1), V0, 0),
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, VMAR_VMO_OP_COMMIT, V0, PG(1), V0, 0},
    {"unknown op", INVALID_ARGS, H_VMO, H_NONE, BAD_OP, V0, PG(1), V0, 0},
    {"op 5 (unassigned)", INVALID_ARGS, H_VMO, H_NONE, 5u, V0, PG(1), V0, 0},
    {"COMMIT, handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE,
     VMAR_VMO_OP_COMMIT, V0, PG(1), V0, 0},
    {"CACHE_SYNC, handle lacks READ", ACCESS_DENIED, H_VMO_NOREAD, H_NONE,
     VMAR_VMO_OP_CACHE_SYNC, V0, PG(1), V0, 0},
    {"DECOMMIT offset not page-aligned", INVALID_ARGS, H_VMO, H_NONE,
     VMAR_VMO_OP_DECOMMIT, PGB(0, 1), PG(1), V0, 0},
    {"DECOMMIT size not page-aligned", INVALID_ARGS, H_VMO, H_NONE,
     VMAR_VMO_OP_DECOMMIT, V0, PGB(0, 1), V0, 0},
    {"range past the end", OUT_OF_RANGE, H_VMO, H_NONE, VMAR_VMO_OP_ZERO, PG(3),
     PG(2), V0, 0},
    {"offset + size wraps", OUT_OF_RANGE, H_VMO, H_NONE, VMAR_VMO_OP_ZERO,
     PG(1), VMAX, V0, 0},
    {"LOCK on a VMO that is not discardable", NOT_SUPPORTED, H_VMO, H_NONE,
     VMAR_VMO_OP_LOCK, V0, PG(1), V0, 0},
    {"ZERO of an unaligned range is fine", OK, H_VMO, H_NONE, VMAR_VMO_OP_ZERO,
     PGB(0, 3), PGB(1, 5), V0, SAMEBACK},
};

static vmar_status_t vmo_op_range_row(const bad_call_t* c) {
  return vmar_vmo_op_range(c->h1, (uint32_t)c->row->opt, c->a, c->b);
}

// ---------------------------------------------------------------------------
// vmar_vmo_replace_as_executable

// Same rights plus EXECUTE, same koid, old handle gone; needed for PERM_X.
static void vmo_replace_as_executable__adds_execute_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  fill_pages(h, 1, 0xC0);
  vmar_koid_t koid = hinfo_of(h).koid;
  // Without EXECUTE, a PERM_EXECUTE mapping is refused.
  vmar_vaddr_t a = SENTINEL_ADDR;
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_map(fx->vmar, PERM_RX, 0, h, 0, PAGE, &a));
  assert_int_equal(a, SENTINEL_ADDR);
  vmar_handle_t x = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_replace_as_executable(h, &x));
  assert_int_equal(x & VMAR_HANDLE_FIXED_BITS_MASK,
                   VMAR_HANDLE_FIXED_BITS_MASK);
  assert_int_equal(rights_of(x), VMO_RIGHTS | VMAR_RIGHT_EXECUTE);
  assert_int_equal(hinfo_of(x).koid, koid);
  vmar_rights_t r = 0;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(h, &r));
  a = map_ok(fx->vmar, PERM_RX, 0, x, 0, PAGE);
  assert_true(test_maps_range_perms(a, PAGE, "r-xs"));
  assert_true(mem_is(a, PAGE, pat(0xC0, 0)));
  unmap_ok(fx->vmar, a, PAGE);
  // A reduced handle keeps its reductions and gains only EXECUTE.
  vmar_handle_t ro = dup_without(x, VMAR_RIGHT_WRITE | VMAR_RIGHT_EXECUTE);
  vmar_handle_t rox = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_replace_as_executable(ro, &rox));
  assert_int_equal(rights_of(rox),
                   (VMO_RIGHTS & ~VMAR_RIGHT_WRITE) | VMAR_RIGHT_EXECUTE);
  close_ok(rox);
  // Resizable VMOs keep RESIZE.
  vmar_handle_t rs = vmo_new(PAGE, VMAR_VMO_RESIZABLE);
  vmar_handle_t rsx = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_replace_as_executable(rs, &rsx));
  assert_int_equal(rights_of(rsx), VMO_RIGHTS_RESIZABLE | VMAR_RIGHT_EXECUTE);
  CLOSE_ALL_OK(rsx, x);
}

// BAD_HANDLE changes nothing; WRONG_TYPE and NULL |out| consume the handle.
static void vmo_replace_as_executable__errors(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t out = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_replace_as_executable(VMAR_HANDLE_INVALID, &out));
  assert_int_equal(out, SENTINEL_HANDLE);
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_replace_as_executable(0x12345673u, &out));
  assert_int_equal(out, SENTINEL_HANDLE);
  // A VMAR handle is WRONG_TYPE and is closed; the VMAR lives on.
  vmar_handle_t vd = dup_without(fx->vmar, 0);
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_replace_as_executable(vd, &out));
  assert_int_equal(out, SENTINEL_HANDLE);
  vmar_rights_t r = 0;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(vd, &r));
  vmar_info_t info = info_of(fx->vmar);
  assert_int_equal(info.base, fx->base);
  // NULL |out|: INVALID_ARGS, and the handle is gone too.
  vmar_handle_t h = vmo_new(PAGE, 0);
  fill_pages(h, 1, 0xD0);
  vmar_handle_t keep = dup_without(h, 0);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_replace_as_executable(h, NULL));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(h, &r));
  assert_true(vmo_bytes_are(keep, 0, PAGE, pat(0xD0, 0)));
  assert_int_equal(rights_of(keep) & VMAR_RIGHT_EXECUTE, 0);
  close_ok(keep);
}

// Bad input, as a table (bad_input.h): h1 the VMO (consumed unless the
// status is BAD_HANDLE); NULL1: no output pointer.

static const bad_row_t kVmoReplaceExecBad[] = {
    NOT_LIVE("vmo", H_NONE, 0, V0, V0, V0, 0),
    {"a VMAR (consumed)", WRONG_TYPE, H_SUB, H_NONE, 0, V0, V0, V0, 0},
    {"out NULL (consumed)", INVALID_ARGS, H_VMO_NODUP, H_NONE, 0, V0, V0, V0,
     NULL1},
};

// The handle is gone unless it was bad; an executable one is closed again.
static vmar_status_t vmo_replace_as_executable_row(const bad_call_t* c) {
  vmar_status_t st = vmar_vmo_replace_as_executable(c->h1, c->out1);
  if (st != VMAR_ERR_BAD_HANDLE) {
    bad_input_consumed(c);
  }
  if (st == VMAR_OK) {
    close_ok(BAD_OUT(vmar_handle_t, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// vmar_vmo_get_fd / vmar_vmo_create_from_fd (POSIX only: every row is marked
// POSIX)

// Bad input, as a table (bad_input.h): h1 the VMO; NULL1: no fd pointer.

static const bad_row_t kVmoGetFdBad[] = {
    {"invalid", BAD_HANDLE, H_NONE, H_NONE, 0, V0, V0, V0, POSIX},
    {"stale", BAD_HANDLE, H_STALE, H_NONE, 0, V0, V0, V0, POSIX},
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, POSIX},
    {"handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE, 0, V0, V0, V0,
     POSIX},
    {"handle lacks MAP", ACCESS_DENIED, H_VMO_NOMAP, H_NONE, 0, V0, V0, V0,
     POSIX},
    {"handle lacks TRANSFER", ACCESS_DENIED, H_VMO_NOXFER, H_NONE, 0, V0, V0,
     V0, POSIX},
    {"fd NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0, NULL1 | POSIX},
};

// A descriptor that is made is closed again.
static vmar_status_t vmo_get_fd_row(const bad_call_t* c) {
  vmar_status_t st = vmar_vmo_get_fd(c->h1, c->out1);
  if (st == VMAR_OK) {
    close(BAD_OUT(int, c->out1));
  }
  return st;
}

// Bad input, as a table (bad_input.h): FD_* says which descriptor (else -1),
// opt the options; NULL1: no handle pointer.

static const bad_row_t kVmoFromFdBad[] = {
    {"fd -1", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, POSIX},
    {"fd not open", BAD_HANDLE, H_NONE, H_NONE, 0, V0, V0, V0,
     FD_CLOSED | POSIX},
    {"a pipe", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, FD_PIPE | POSIX},
    {"a file open read-only", ACCESS_DENIED, H_NONE, H_NONE, 0, V0, V0, V0,
     FD_RDONLY | POSIX},
    {"unknown option", INVALID_ARGS, H_NONE, H_NONE, VMAR_VMO_DISCARDABLE, V0,
     V0, V0, FD_PIPE | POSIX},
    {"out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0,
     FD_PIPE | NULL1 | POSIX},
};

// The descriptor of a create_from_fd row; |*other| is a pipe's other end.
static int row_fd(const bad_call_t* c, int* other) {
  int fd = -1;
  *other = -1;
  if (c->row->flags & FD_PIPE) {
    int p[2];
    assert_int_equal(pipe(p), 0);
    fd = p[0];
    *other = p[1];
  } else if (c->row->flags & FD_RDONLY) {
    fd = test_temp_file(PAGE, O_RDONLY);
  } else if (c->row->flags & FD_CLOSED) {
    fd = dup(0);
    assert_true(fd >= 0);
    close(fd);
  }
  return fd;
}

// A VMO that is made is closed again, and so are the descriptors.
static vmar_status_t vmo_create_from_fd_row(const bad_call_t* c) {
  int other = -1;
  int fd = row_fd(c, &other);
  vmar_status_t st =
      vmar_vmo_create_from_fd(fd, (uint32_t)c->row->opt, c->out1);
  if (st == VMAR_OK) {
    close_ok(BAD_OUT(vmar_handle_t, c->out1));
  }
  if (fd >= 0 && !(c->row->flags & FD_CLOSED)) {
    close(fd);
  }
  if (other >= 0) {
    close(other);
  }
  return st;
}

// ---------------------------------------------------------------------------
// Lifetime

// Closing the last VMO handle while mapped keeps the memory alive.
static void
handle_close__last_vmo_handle_while_mapped_keeps_memory(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(2 * PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_set_name(h, "survivor"));
  fill_pages(h, 2, 0xE0);
  vmar_koid_t koid = hinfo_of(h).koid;
  vmar_vaddr_t m1 = map_ok(fx->vmar, PERM_RW, 0, h, 0, 2 * PAGE);
  vmar_vaddr_t m2 = map_ok(fx->vmar, VMAR_VM_PERM_READ, 0, h, 0, 2 * PAGE);
  close_ok(h);
  assert_true(mem_is(m1, PAGE, pat(0xE0, 0)));
  assert_true(mem_is(m1 + PAGE, PAGE, pat(0xE0, 1)));
  ((volatile unsigned char*)m1)[PAGE + 7] = 0x17;
  assert_int_equal(((volatile unsigned char*)m2)[PAGE + 7], 0x17);
  assert_true(test_maps_range_perms(m1, 2 * PAGE, "rw-s"));
  // The mapping still reports the VMO's koid and name.
  vmar_map_info_t e[4];
  size_t actual = 0, avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(fx->vmar, e, 4, &actual, &avail));
  assert_int_equal(actual, 3);
  assert_int_equal(avail, 3);
  for (size_t i = 1; i < 3; i++) {
    assert_int_equal(e[i].type, VMAR_MAP_INFO_TYPE_MAPPING);
    assert_int_equal(e[i].vmo_id, koid);
    assert_string_equal(e[i].name, "survivor");
  }
  // One mapping goes; the other still works.
  unmap_ok(fx->vmar, m1, 2 * PAGE);
  assert_true(mem_is(m2, PAGE, pat(0xE0, 0)));
  assert_int_equal(((volatile unsigned char*)m2)[PAGE + 7], 0x17);
  unmap_ok(fx->vmar, m2, 2 * PAGE);
  assert_false(test_probe_read((const volatile void*)m2));
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(vmo_create__size_rounded_up_ok),
      T(vmo_create__contents_zero_ok),
      T(vmo_create__default_rights_ok),
      T(vmo_create__unknown_options_invalid_args),
      T(vmo_create__too_large_out_of_range),
      T(vmo_create__null_out_invalid_args),
      BAD_INPUT_TEST(vmo_create__bad_input_exact_status, "vmar_vmo_create",
                     kVmoCreateBad, vmo_create_row),
      T(vmo_read_write__round_trip_ok),
      T(vmo_read_write__past_end_out_of_range),
      T(vmo_read_write__missing_right_access_denied),
      T(vmo_read_write__bad_handles),
      T(vmo_read_write__null_buffer_invalid_args),
      T(vmo_read_write__buffer_in_protected_mapping_access_denied),
      T(vmo_read_write__buffer_unmapped_not_found),
      T(vmo_read_write__buffer_in_space_taken_since),
      BAD_INPUT_TEST_OF(vmo_read__bad_input_exact_status, "vmar_vmo_read",
                        kVmoReadBad, vmo_io_row, READ),
      BAD_INPUT_TEST_OF(vmo_write__bad_input_exact_status, "vmar_vmo_write",
                        kVmoWriteBad, vmo_io_row, WRITE),
      T(vmo_get_size__no_right_needed_ok),
      T(vmo_set_size__resizable_grow_shrink_ok),
      T(vmo_set_size__unaligned_shrink_zeroes_page_tail),
      T(vmo_set_size__status_order),
      T(vmo_set_size__shrink_faults_every_mapping),
      BAD_INPUT_TEST(vmo_get_size__bad_input_exact_status, "vmar_vmo_get_size",
                     kVmoGetSizeBad, vmo_get_size_row),
      BAD_INPUT_TEST(vmo_set_size__bad_input_exact_status, "vmar_vmo_set_size",
                     kVmoSetSizeBad, vmo_set_size_row),
      T(vmo_name__default_empty_round_trip_ok),
      T(vmo_name__long_truncated_to_31),
      T(vmo_name__null_sets_empty_ok),
      T(vmo_name__missing_property_right_access_denied),
      BAD_INPUT_TEST(vmo_set_name__bad_input_exact_status, "vmar_vmo_set_name",
                     kVmoSetNameBad, vmo_set_name_row),
      BAD_INPUT_TEST(vmo_get_name__bad_input_exact_status, "vmar_vmo_get_name",
                     kVmoGetNameBad, vmo_get_name_row),
      T(vmo_op_range__hints_keep_contents_ok),
      T(vmo_op_range__lock_needs_discardable),
      T(vmo_op_range__unknown_op_invalid_args),
      T(vmo_op_range__rights_per_op),
      T(vmo_op_range__decommit_unaligned_invalid_args),
      T(vmo_op_range__outside_out_of_range),
      T(vmo_op_range__decommit_zero_read_zero_everywhere),
      T(vmo_op_range__bad_handles),
      BAD_INPUT_TEST(vmo_op_range__bad_input_exact_status, "vmar_vmo_op_range",
                     kVmoOpRangeBad, vmo_op_range_row),
      T(vmo_replace_as_executable__adds_execute_ok),
      T(vmo_replace_as_executable__errors),
      BAD_INPUT_TEST(vmo_replace_as_executable__bad_input_exact_status,
                     "vmar_vmo_replace_as_executable", kVmoReplaceExecBad,
                     vmo_replace_as_executable_row),
      BAD_INPUT_TEST(vmo_get_fd__bad_input_exact_status, "vmar_vmo_get_fd",
                     kVmoGetFdBad, vmo_get_fd_row),
      BAD_INPUT_TEST(vmo_create_from_fd__bad_input_exact_status,
                     "vmar_vmo_create_from_fd", kVmoFromFdBad,
                     vmo_create_from_fd_row),
      T(handle_close__last_vmo_handle_while_mapped_keeps_memory),
  };
#undef T
  return cmocka_run_group_tests_name("api.vmo", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
