// SPDX-License-Identifier: MIT
// Handle lifetime, rights reduction and identity for VMAR handles.
// APIs covered: vmar_handle_close, vmar_handle_duplicate, vmar_handle_replace,
//   vmar_handle_get_rights, vmar_handle_get_info.

#include "test.h"

#include <stdlib.h>

#include "bad_input.h"
#include "fixture.h"

#define SENTINEL_RIGHTS ((vmar_rights_t)0x0BADBAD0u)

// Rights of a VMAR created with CAN_MAP_READ|WRITE.
#define RW_RIGHTS (0x00208003u | VMAR_RIGHT_READ | VMAR_RIGHT_WRITE)

// Per-test: a top-level VMAR of 64 pages (CAN_MAP_READ|WRITE).
static const fixture_params_t kFixture = {
    .pages = 64,
    .options = CAN_RW,
};

static bool looks_like_handle(vmar_handle_t h) {
  return h != VMAR_HANDLE_INVALID &&
         (h & VMAR_HANDLE_FIXED_BITS_MASK) == VMAR_HANDLE_FIXED_BITS_MASK;
}

// Allocates a child at offset 0 anywhere in |parent| (alloc_ok without offset).
static vmar_handle_t alloc_handle_ok(vmar_handle_t parent,
                                     vmar_vm_option_t options, size_t size,
                                     vmar_vaddr_t* addr) {
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_allocate(parent, options, 0, size, &h, &a));
  assert_true(looks_like_handle(h));
  if (addr != NULL) {
    *addr = a;
  }
  return h;
}

static vmar_handle_t dup_ok(vmar_handle_t h, vmar_rights_t rights) {
  vmar_handle_t d = SENTINEL_HANDLE;
  assert_status(VMAR_OK, vmar_handle_duplicate(h, rights, &d));
  assert_true(looks_like_handle(d));
  assert_int_not_equal(d, h);
  return d;
}

// vmar_handle_duplicate of |h| asking |rights| must fail with |expected| and
// leave the output alone.
static void expect_dup_fails(vmar_status_t expected, vmar_handle_t h,
                             vmar_rights_t rights) {
  vmar_handle_t x = SENTINEL_HANDLE;
  assert_status(expected, vmar_handle_duplicate(h, rights, &x));
  assert_int_equal(x, SENTINEL_HANDLE);
}

// The handle still names a live VMAR: a child can be allocated in it.
static void assert_alive(vmar_handle_t h) {
  vmar_handle_t c = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_allocate(h, 0, 0, vmar_page_size(), &c, &a));
  destroy_close(c);
}

// ---------------------------------------------------------------------------
// vmar_handle_close

// Closing VMAR_HANDLE_INVALID is a successful no-op.
static void close__invalid_ok(void** state) {
  fixture_t* fx = *state;
  CLOSE_ALL_OK(VMAR_HANDLE_INVALID, VMAR_HANDLE_INVALID);
  assert_int_equal(rights_of(fx->vmar), RW_RIGHTS);
}

// A handle closes once; the second close is BAD_HANDLE.
static void close__twice_bad_handle(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  close_ok(d);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(d));
  vmar_rights_t r = SENTINEL_RIGHTS;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(d, &r));
  assert_int_equal(r, SENTINEL_RIGHTS);
  // The other handle to the same VMAR is untouched.
  assert_alive(fx->vmar);
}

// Forged values are BAD_HANDLE for close and never close a real handle.
static void close__forged_bad_handle(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(0x12345678u));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(0xFFFFFFFCu));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_handle_close(fx->vmar & ~(vmar_handle_t)3u));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_handle_close(fx->vmar & ~(vmar_handle_t)1u));
  assert_alive(fx->vmar);
}

// Closing a VMAR handle keeps the range reserved; a duplicate still works.
static void close__vmar_handle_keeps_range(void** state) {
  (void)state;
  size_t page = vmar_page_size();
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_handle_ok(vmar_root_self(), CAN_RW, 16 * page, &a);
  vmar_handle_t d = dup_ok(h, VMAR_RIGHT_SAME_RIGHTS);
  close_ok(h);
  assert_true(test_maps_range_reserved(a, 16 * page));
  vmar_info_t info = {0, 0};
  assert_status(VMAR_OK, vmar_get_info(d, &info));
  assert_int_equal(info.base, a);
  assert_int_equal(info.len, 16 * page);
  assert_alive(d);
  // The range is still taken: SPECIFIC in the root over it fails.
  vmar_info_t root = {0, 0};
  assert_status(VMAR_OK, vmar_get_info(vmar_root_self(), &root));
  vmar_handle_t x = SENTINEL_HANDLE;
  vmar_vaddr_t xa = 0;
  assert_status(VMAR_ERR_ALREADY_EXISTS,
                vmar_allocate(vmar_root_self(), VMAR_VM_SPECIFIC, a - root.base,
                              page, &x, &xa));
  assert_int_equal(x, SENTINEL_HANDLE);
  // Closing the last handle too leaves the range alone (it leaks, by design,
  // until destroyed; here we destroy through the duplicate first).
  assert_status(VMAR_OK, vmar_destroy(d));
  assert_true(test_maps_range_unmapped(a, 16 * page));
  close_ok(d);
}

// Closing the only handle of a sub-VMAR keeps its spot taken in the parent.
static void close__last_handle_sub_vmar_stays(void** state) {
  fixture_t* fx = *state;
  size_t page = vmar_page_size();
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_handle_ok(fx->vmar, 0, fx->len, &a);
  assert_int_equal(a, fx->base);
  close_ok(h);
  // The parent is still full.
  vmar_handle_t x = SENTINEL_HANDLE;
  vmar_vaddr_t xa = 0;
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_allocate(fx->vmar, 0, 0, page, &x, &xa));
  assert_int_equal(x, SENTINEL_HANDLE);
  assert_true(test_maps_range_reserved(fx->base, fx->len));
}

// Bad input, as a table (bad_input.h): h1 the handle.

static const bad_row_t kCloseBad[] = {
    {"forged", BAD_HANDLE, H_FORGED, H_NONE, 0, V0, V0, V0, 0},
    {"fixed bits clear", BAD_HANDLE, H_NOBITS, H_NONE, 0, V0, V0, V0, 0},
    {"stale", BAD_HANDLE, H_STALE, H_NONE, 0, V0, V0, V0, 0},
    {"VMAR_HANDLE_INVALID is a no-op", OK, H_NONE, H_NONE, 0, V0, V0, V0,
     SAMEBACK},
};

static vmar_status_t close_row(const bad_call_t* c) {
  return vmar_handle_close(c->h1);
}

// ---------------------------------------------------------------------------
// vmar_handle_duplicate

// SAME_RIGHTS copies the rights and names the same object.
static void duplicate__same_rights_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  assert_int_equal(rights_of(d), RW_RIGHTS);
  assert_int_equal(hinfo_of(d).koid, hinfo_of(fx->vmar).koid);
  vmar_info_t info = {0, 0};
  assert_status(VMAR_OK, vmar_get_info(d, &info));
  assert_int_equal(info.base, fx->base);
  assert_int_equal(info.len, fx->len);
  // A destroy through the duplicate is seen through the original.
  vmar_handle_t c = alloc_handle_ok(fx->vmar, 0, vmar_page_size(), NULL);
  vmar_handle_t cd = dup_ok(c, VMAR_RIGHT_SAME_RIGHTS);
  assert_status(VMAR_OK, vmar_destroy(cd));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(c));
  CLOSE_ALL_OK(cd, c, d);
}

// A subset of the rights is granted exactly.
static void duplicate__subset_ok(void** state) {
  fixture_t* fx = *state;
  const vmar_rights_t kSubsets[] = {
      VMAR_RIGHT_READ,
      VMAR_RIGHT_INSPECT | VMAR_RIGHT_DUPLICATE,
      RW_RIGHTS & ~VMAR_RIGHT_WRITE,
      RW_RIGHTS & ~VMAR_RIGHT_OP_CHILDREN,
      RW_RIGHTS,
  };
  for (size_t i = 0; i < sizeof(kSubsets) / sizeof(kSubsets[0]); i++) {
    vmar_handle_t d = dup_ok(fx->vmar, kSubsets[i]);
    assert_int_equal(rights_of(d), kSubsets[i]);
    assert_int_equal(hinfo_of(d).rights, kSubsets[i]);
    // SAME_RIGHTS from a reduced handle keeps the reduction.
    if (kSubsets[i] & VMAR_RIGHT_DUPLICATE) {
      vmar_handle_t dd = dup_ok(d, VMAR_RIGHT_SAME_RIGHTS);
      assert_int_equal(rights_of(dd), kSubsets[i]);
      close_ok(dd);
    }
    close_ok(d);
  }
}

// NONE is a legal subset: the handle exists but can do nothing.
static void duplicate__none_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_NONE);
  assert_int_equal(rights_of(d), VMAR_RIGHT_NONE);
  vmar_handle_info_t hi = hinfo_of(d);
  assert_int_equal(hi.rights, VMAR_RIGHT_NONE);
  assert_int_equal(hi.type, VMAR_OBJ_TYPE_VMAR);
  assert_int_equal(hi.koid, hinfo_of(fx->vmar).koid);
  vmar_info_t info = {0, 0};
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_get_info(d, &info));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_destroy(d));
  expect_dup_fails(VMAR_ERR_ACCESS_DENIED, d, VMAR_RIGHT_NONE);
  close_ok(d);
}

// Asking for a right the source lacks is INVALID_ARGS; *out untouched.
static void duplicate__superset_invalid_args(void** state) {
  fixture_t* fx = *state;
  const vmar_rights_t kSupersets[] = {
      RW_RIGHTS | VMAR_RIGHT_EXECUTE,      VMAR_RIGHT_EXECUTE, VMAR_RIGHT_MAP,
      VMAR_RIGHT_READ | VMAR_RIGHT_RESIZE, 0x7FFFFFFFu,
  };
  for (size_t i = 0; i < sizeof(kSupersets) / sizeof(kSupersets[0]); i++) {
    expect_dup_fails(VMAR_ERR_INVALID_ARGS, fx->vmar, kSupersets[i]);
  }
  // From a reduced handle, the removed right counts as a superset.
  vmar_handle_t ro = dup_ok(fx->vmar, RW_RIGHTS & ~VMAR_RIGHT_WRITE);
  expect_dup_fails(VMAR_ERR_INVALID_ARGS, ro, RW_RIGHTS);
  close_ok(ro);
}

// Without DUPLICATE the call is ACCESS_DENIED, before rights and out checks.
static void duplicate__without_duplicate_right_access_denied(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t nd = dup_ok(fx->vmar, RW_RIGHTS & ~VMAR_RIGHT_DUPLICATE);
  vmar_handle_t x = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_handle_duplicate(nd, VMAR_RIGHT_SAME_RIGHTS, &x));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_handle_duplicate(nd, VMAR_RIGHT_READ, &x));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_handle_duplicate(nd, RW_RIGHTS | VMAR_RIGHT_EXECUTE, &x));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_handle_duplicate(nd, VMAR_RIGHT_READ, NULL));
  assert_int_equal(x, SENTINEL_HANDLE);
  // The handle itself still works for what it has.
  assert_alive(nd);
  close_ok(nd);
}

// NULL |out| is INVALID_ARGS (after the rights checks).
static void duplicate__null_out_invalid_args(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_handle_duplicate(fx->vmar, VMAR_RIGHT_SAME_RIGHTS, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_handle_duplicate(fx->vmar, VMAR_RIGHT_READ, NULL));
  assert_status(
      VMAR_ERR_BAD_HANDLE,
      vmar_handle_duplicate(VMAR_HANDLE_INVALID, VMAR_RIGHT_READ, NULL));
}

// Invalid, closed and forged sources are BAD_HANDLE; *out untouched.
static void duplicate__bad_handle(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  close_ok(d);
  const vmar_handle_t kBad[] = {VMAR_HANDLE_INVALID, d, 0x12345678u,
                                0xFFFFFFFFu, fx->vmar & ~(vmar_handle_t)2u};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    expect_dup_fails(VMAR_ERR_BAD_HANDLE, kBad[i], VMAR_RIGHT_SAME_RIGHTS);
  }
}

// Duplicates of a destroyed VMAR are still handles (BAD_STATE for ops).
static void duplicate__destroyed_vmar_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t c = alloc_handle_ok(fx->vmar, 0, vmar_page_size(), NULL);
  assert_status(VMAR_OK, vmar_destroy(c));
  vmar_handle_t d = dup_ok(c, VMAR_RIGHT_SAME_RIGHTS);
  assert_int_equal(hinfo_of(d).koid, hinfo_of(c).koid);
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(d));
  CLOSE_ALL_OK(d, c);
}

// Bad input, as a table (bad_input.h): h1 the handle, opt the rights; NULL1:
// no output pointer.

static const bad_row_t kDuplicateBad[] = {
    NOT_LIVE("handle", H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, 0),
    {"handle lacks DUPLICATE", ACCESS_DENIED, H_VMO_NODUP, H_NONE,
     VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, 0},
    {"rights not a subset", INVALID_ARGS, H_VMO_NOWR, H_NONE,
     VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, V0, V0, V0, 0},
    {"missing DUPLICATE checked before NULL out", ACCESS_DENIED, H_VMO_NODUP,
     H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, NULL1},
    {"out NULL", INVALID_ARGS, H_VMO, H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0,
     V0, NULL1},
    {"RIGHT_NONE is fine", OK, H_VMO, H_NONE, VMAR_RIGHT_NONE, V0, V0, V0,
     SAMEBACK},
};

// A duplicate that is made is closed again.
static vmar_status_t duplicate_row(const bad_call_t* c) {
  vmar_status_t st =
      vmar_handle_duplicate(c->h1, (vmar_rights_t)c->row->opt, c->out1);
  if (st == VMAR_OK) {
    close_ok(BAD_OUT(vmar_handle_t, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// vmar_handle_replace

// Replace hands out a new handle with the rights and kills the source.
static void replace__subset_ok_source_invalid(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  vmar_koid_t koid = hinfo_of(d).koid;
  vmar_handle_t r = SENTINEL_HANDLE;
  vmar_rights_t want = RW_RIGHTS & ~VMAR_RIGHT_WRITE;
  assert_status(VMAR_OK, vmar_handle_replace(d, want, &r));
  assert_true(looks_like_handle(r));
  assert_int_equal(rights_of(r), want);
  assert_int_equal(hinfo_of(r).koid, koid);
  vmar_rights_t x = SENTINEL_RIGHTS;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(d, &x));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(d));
  // SAME_RIGHTS replace keeps the rights.
  vmar_handle_t r2 = SENTINEL_HANDLE;
  assert_status(VMAR_OK, vmar_handle_replace(r, VMAR_RIGHT_SAME_RIGHTS, &r2));
  assert_int_equal(rights_of(r2), want);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(r));
  assert_alive(r2);
  close_ok(r2);
}

// Replace needs no right: a NONE handle can be replaced (by NONE).
static void replace__no_right_needed_ok(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_NONE);
  vmar_handle_t r = SENTINEL_HANDLE;
  assert_status(VMAR_OK, vmar_handle_replace(d, VMAR_RIGHT_NONE, &r));
  assert_int_equal(rights_of(r), VMAR_RIGHT_NONE);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(d));
  close_ok(r);
}

// A superset is INVALID_ARGS, yet the source is closed all the same.
static void replace__superset_invalid_args_source_closed(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t keep = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  vmar_handle_t d = dup_ok(fx->vmar, RW_RIGHTS & ~VMAR_RIGHT_WRITE);
  vmar_handle_t r = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_handle_replace(d, RW_RIGHTS, &r));
  assert_int_equal(r, SENTINEL_HANDLE);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(d));
  // The object is untouched and reachable through the other handles.
  assert_alive(keep);
  assert_alive(fx->vmar);
  close_ok(keep);
}

// NULL |out| is INVALID_ARGS, and the source is closed all the same.
static void replace__null_out_invalid_args_source_closed(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_handle_replace(d, VMAR_RIGHT_SAME_RIGHTS, NULL));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(d));
  assert_alive(fx->vmar);
}

// BAD_HANDLE creates nothing, writes nothing and closes nothing.
static void replace__bad_handle_leaves_nothing(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
  close_ok(d);
  const vmar_handle_t kBad[] = {VMAR_HANDLE_INVALID, d, 0x12345678u,
                                fx->vmar & ~(vmar_handle_t)1u};
  for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
    vmar_handle_t r = SENTINEL_HANDLE;
    assert_status(VMAR_ERR_BAD_HANDLE,
                  vmar_handle_replace(kBad[i], VMAR_RIGHT_SAME_RIGHTS, &r));
    assert_int_equal(r, SENTINEL_HANDLE);
    assert_status(VMAR_ERR_BAD_HANDLE,
                  vmar_handle_replace(kBad[i], 0xFFFFFFFFu, NULL));
  }
  // Still the only live handle to the fixture works.
  assert_int_equal(rights_of(fx->vmar), RW_RIGHTS);
  assert_alive(fx->vmar);
}

// Bad input, as a table (bad_input.h): h1 the handle (consumed unless the
// status is BAD_HANDLE), opt the rights; NULL1: no output pointer.

static const bad_row_t kReplaceBad[] = {
    NOT_LIVE("handle", H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, 0),
    {"rights not a subset (consumed)", INVALID_ARGS, H_VMO_NOWR, H_NONE,
     VMAR_RIGHT_WRITE, V0, V0, V0, 0},
    {"out NULL (consumed)", INVALID_ARGS, H_VMO_NOXFER, H_NONE,
     VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, NULL1},
    {"no right needed", OK, H_VMO_NODUP, H_NONE, VMAR_RIGHT_READ, V0, V0, V0,
     SAMEBACK},
};

// The handle is gone unless it was bad; a new one is closed again.
static vmar_status_t replace_row(const bad_call_t* c) {
  vmar_status_t st =
      vmar_handle_replace(c->h1, (vmar_rights_t)c->row->opt, c->out1);
  if (st != VMAR_ERR_BAD_HANDLE) {
    bad_input_consumed(c);
  }
  if (st == VMAR_OK) {
    close_ok(BAD_OUT(vmar_handle_t, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// vmar_handle_get_rights / vmar_handle_get_info

// Rights are reported; NULL is INVALID_ARGS; bad handles BAD_HANDLE.
static void get_rights__reports_and_checks(void** state) {
  fixture_t* fx = *state;
  assert_int_equal(rights_of(fx->vmar), RW_RIGHTS);
  assert_int_equal(rights_of(vmar_root_self()), 0x0020801Fu);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_handle_get_rights(fx->vmar, NULL));
  vmar_rights_t r = SENTINEL_RIGHTS;
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_handle_get_rights(VMAR_HANDLE_INVALID, &r));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(0x12345678u, &r));
  assert_int_equal(r, SENTINEL_RIGHTS);
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_handle_get_rights(VMAR_HANDLE_INVALID, NULL));
}

// koids: equal for duplicates, distinct across VMARs, never reused.
static void get_info__koid_identity(void** state) {
  fixture_t* fx = *state;
  vmar_handle_info_t a = hinfo_of(fx->vmar);
  assert_int_not_equal(a.koid, VMAR_KOID_INVALID);
  assert_int_equal(a.type, VMAR_OBJ_TYPE_VMAR);
  assert_int_equal(a.rights, RW_RIGHTS);
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_READ);
  vmar_handle_info_t b = hinfo_of(d);
  assert_int_equal(b.koid, a.koid);
  assert_int_equal(b.type, VMAR_OBJ_TYPE_VMAR);
  assert_int_equal(b.rights, VMAR_RIGHT_READ);
  vmar_handle_info_t root = hinfo_of(vmar_root_self());
  assert_int_equal(root.type, VMAR_OBJ_TYPE_VMAR);
  assert_int_equal(root.rights, 0x0020801Fu);
  assert_int_not_equal(root.koid, a.koid);
  vmar_koid_t seen[16];
  for (size_t i = 0; i < 16; i++) {
    vmar_handle_t c = alloc_handle_ok(fx->vmar, 0, vmar_page_size(), NULL);
    seen[i] = hinfo_of(c).koid;
    assert_int_not_equal(seen[i], VMAR_KOID_INVALID);
    assert_int_not_equal(seen[i], a.koid);
    assert_int_not_equal(seen[i], root.koid);
    for (size_t j = 0; j < i; j++) {
      assert_int_not_equal(seen[i], seen[j]);
    }
    // Destroyed and closed before the next: a koid is still never reused.
    destroy_close(c);
  }
  close_ok(d);
}

// get_info: NULL is INVALID_ARGS, bad handles BAD_HANDLE, no right needed.
static void get_info__checks(void** state) {
  fixture_t* fx = *state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_handle_get_info(fx->vmar, NULL));
  vmar_handle_info_t info = {77, SENTINEL_RIGHTS, 99};
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_handle_get_info(VMAR_HANDLE_INVALID, &info));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_info(0xFFFFFFFCu, &info));
  assert_int_equal(info.koid, 77);
  assert_int_equal(info.rights, SENTINEL_RIGHTS);
  assert_int_equal(info.type, 99);
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_handle_get_info(VMAR_HANDLE_INVALID, NULL));
  // A handle without INSPECT still reports its own basics.
  vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_DUPLICATE);
  info = hinfo_of(d);
  assert_int_equal(info.rights, VMAR_RIGHT_DUPLICATE);
  assert_int_equal(info.type, VMAR_OBJ_TYPE_VMAR);
  close_ok(d);
}

// Bad input, as tables (bad_input.h): h1 the handle; NULL1: no output
// pointer.

static const bad_row_t kGetRightsBad[] = {
    NOT_LIVE("handle", H_NONE, 0, V0, V0, V0, 0),
    {"rights NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0, NULL1},
};

static vmar_status_t get_rights_row(const bad_call_t* c) {
  return vmar_handle_get_rights(c->h1, c->out1);
}

static const bad_row_t kGetInfoBad[] = {
    NOT_LIVE("handle", H_NONE, 0, V0, V0, V0, 0),
    {"info NULL", INVALID_ARGS, H_TOP, H_NONE, 0, V0, V0, V0, NULL1},
};

static vmar_status_t get_info_row(const bad_call_t* c) {
  return vmar_handle_get_info(c->h1, c->out1);
}

// ---------------------------------------------------------------------------
// Handle values

// Every handle handed out has both low bits set and is distinct.
static void handles__low_bits_set_and_distinct(void** state) {
  fixture_t* fx = *state;
  enum { N = 64 };
  vmar_handle_t hs[N];
  assert_true(looks_like_handle(vmar_root_self()));
  assert_true(looks_like_handle(fx->vmar));
  for (size_t i = 0; i < N; i++) {
    switch (i % 3) {
    case 0:
      hs[i] = alloc_handle_ok(fx->vmar, 0, vmar_page_size(), NULL);
      break;
    case 1:
      hs[i] = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
      break;
    default: {
      vmar_handle_t d = dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS);
      hs[i] = SENTINEL_HANDLE;
      assert_status(VMAR_OK, vmar_handle_replace(d, VMAR_RIGHT_READ, &hs[i]));
      break;
    }
    }
    assert_true(looks_like_handle(hs[i]));
    assert_int_not_equal(hs[i], vmar_root_self());
    assert_int_not_equal(hs[i], fx->vmar);
    for (size_t j = 0; j < i; j++) {
      assert_int_not_equal(hs[i], hs[j]);
    }
  }
  for (size_t i = 0; i < N; i++) {
    close_ok(hs[i]);
  }
}

// A closed handle's value never comes back: it stays BAD_HANDLE while many
// new handles are created and closed.
static void handles__stale_never_aliases(void** state) {
  fixture_t* fx = *state;
  enum { STALE = 8, ROUNDS = 500 };
  vmar_handle_t stale[STALE];
  for (size_t i = 0; i < STALE; i++) {
    stale[i] = i % 2 ? dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS)
                     : alloc_handle_ok(fx->vmar, 0, vmar_page_size(), NULL);
  }
  for (size_t i = 0; i < STALE; i++) {
    close_ok(stale[i]);
  }
  for (size_t round = 0; round < ROUNDS; round++) {
    vmar_handle_t h =
        round % 2 ? dup_ok(fx->vmar, VMAR_RIGHT_SAME_RIGHTS)
                  : alloc_handle_ok(fx->vmar, 0, vmar_page_size(), NULL);
    for (size_t i = 0; i < STALE; i++) {
      assert_int_not_equal(h, stale[i]);
    }
    if (round % 2 == 0) {
      assert_status(VMAR_OK, vmar_destroy(h));
    }
    close_ok(h);
  }
  for (size_t i = 0; i < STALE; i++) {
    vmar_rights_t r = SENTINEL_RIGHTS;
    vmar_info_t info = {0, 0};
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(stale[i], &r));
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_get_info(stale[i], &info));
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_destroy(stale[i]));
    assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(stale[i]));
  }
  // The fixture VMAR was never hit by a stale destroy.
  assert_alive(fx->vmar);
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(close__invalid_ok),
      T(close__twice_bad_handle),
      T(close__forged_bad_handle),
      T(close__vmar_handle_keeps_range),
      T(close__last_handle_sub_vmar_stays),
      BAD_INPUT_TEST(close__bad_input_exact_status, "vmar_handle_close",
                     kCloseBad, close_row),
      T(duplicate__same_rights_ok),
      T(duplicate__subset_ok),
      T(duplicate__none_ok),
      T(duplicate__superset_invalid_args),
      T(duplicate__without_duplicate_right_access_denied),
      T(duplicate__null_out_invalid_args),
      T(duplicate__bad_handle),
      T(duplicate__destroyed_vmar_ok),
      BAD_INPUT_TEST(duplicate__bad_input_exact_status, "vmar_handle_duplicate",
                     kDuplicateBad, duplicate_row),
      T(replace__subset_ok_source_invalid),
      T(replace__no_right_needed_ok),
      T(replace__superset_invalid_args_source_closed),
      T(replace__null_out_invalid_args_source_closed),
      T(replace__bad_handle_leaves_nothing),
      BAD_INPUT_TEST(replace__bad_input_exact_status, "vmar_handle_replace",
                     kReplaceBad, replace_row),
      T(get_rights__reports_and_checks),
      T(get_info__koid_identity),
      T(get_info__checks),
      BAD_INPUT_TEST(get_rights__bad_input_exact_status,
                     "vmar_handle_get_rights", kGetRightsBad, get_rights_row),
      BAD_INPUT_TEST(get_info__bad_input_exact_status, "vmar_handle_get_info",
                     kGetInfoBad, get_info_row),
      T(handles__low_bits_set_and_distinct),
      T(handles__stale_never_aliases),
  };
#undef T
  return cmocka_run_group_tests_name("api.handle", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
