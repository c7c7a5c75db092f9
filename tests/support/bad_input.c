// SPDX-License-Identifier: MIT
// vmar tests: the bad-input fixture and row runner behind bad_input.h.

#include "bad_input.h"

#include "test.h"

// Rows run by this process, for bad_input_group_teardown.
static size_t g_rows_run;

// The outputs of a call (bad_call_t).
static max_align_t g_out[3][BAD_OUT_BYTES / sizeof(max_align_t)];

// True if a call wrote to none of its outputs.
static bool outputs_untouched(void) {
  const unsigned char* p = (const unsigned char*)g_out;
  for (size_t i = 0; i < sizeof(g_out); i++) {
    if (p[i] != BAD_OUT_FILL) {
      return false;
    }
  }
  return true;
}

// |v|'s value; the specials count down from |max| (UINT64_MAX, or SIZE_MAX
// for sizes and addresses).
static uint64_t value_of(bad_val_t v, uint64_t max) {
  switch (v.special) {
  case V_MAX:
    return max;
  case V_ROUND_OVF:
    return max - PAGE + 2;
  case V_TOP_PAGE:
    return max - PAGE + 1;
  default:
    return (uint64_t)(v.pages * (int64_t)PAGE + v.bytes);
  }
}

static uint64_t ev(bad_val_t v) { return value_of(v, UINT64_MAX); }
static size_t evz(bad_val_t v) { return (size_t)value_of(v, SIZE_MAX); }

// dup_without that reads the rights via vmar_handle_get_info.
static vmar_handle_t dup_without_via_info(vmar_handle_t h, vmar_rights_t drop) {
  vmar_handle_info_t info;
  assert_status(VMAR_OK, vmar_handle_get_info(h, &info));
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(h, info.rights & ~drop, &d));
  return d;
}

// The handles: the root, top, the VMOs and their reduced duplicates.
static void fixture_handles(bad_fixture_t* x) {
  vmar_handle_t* h = x->h;
  h[H_ROOT] = vmar_root_self();
  assert_status(VMAR_OK,
                vmar_allocate(h[H_ROOT], CAN_RWX | CAN_SPEC, 0,
                              TOP_PAGES * PAGE, &h[H_TOP], &x->top_base));
  assert_status(VMAR_OK, vmar_vmo_create(4 * PAGE, 0, &h[H_VMO]));
  assert_status(VMAR_OK,
                vmar_vmo_create(4 * PAGE, VMAR_VMO_RESIZABLE, &h[H_VMO_RS]));
  assert_status(
      VMAR_OK, vmar_vmo_create(4 * PAGE, VMAR_VMO_DISCARDABLE, &h[H_VMO_DISC]));
  h[H_VMO_NOMAP] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_MAP);
  h[H_VMO_NOREAD] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_READ);
  h[H_VMO_NOWR] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_WRITE);
  h[H_VMO_NORSZ] = dup_without_via_info(h[H_VMO_RS], VMAR_RIGHT_RESIZE);
  h[H_VMO_NOPROP] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_GET_PROPERTY |
                                                       VMAR_RIGHT_SET_PROPERTY);
  h[H_VMO_NODUP] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_DUPLICATE);
  h[H_VMO_NOXFER] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_TRANSFER);
  h[H_TOP_RO] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_WRITE);
  h[H_TOP_NOOPCH] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_OP_CHILDREN);
  h[H_TOP_NOINSP] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_INSPECT);
  h[H_TOP_NODUP] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_DUPLICATE);
}

// The tree in top, and the handles that name nothing live.
static void fixture_up(bad_fixture_t* x) {
  memset(x, 0, sizeof(*x));
  fixture_handles(x);
  vmar_handle_t* h = x->h;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_map(h[H_TOP], PERM_RW | SPEC, 0, h[H_VMO], 0,
                                  4 * PAGE, &a));
  assert_status(VMAR_OK, vmar_map(h[H_TOP], PERM_R | SPEC, 4 * PAGE,
                                  h[H_VMO_NOWR], 0, PAGE, &a));
  assert_status(VMAR_OK,
                vmar_allocate(h[H_TOP], CAN_RW | SPEC | VMAR_VM_COMPACT,
                              SUB_AT * PAGE, SUB_PAGES * PAGE, &h[H_SUB],
                              &x->sub_base));
  assert_status(VMAR_OK, vmar_map(h[H_SUB], PERM_R, 0, h[H_VMO], 0, PAGE, &a));
  assert_status(VMAR_OK, vmar_allocate(h[H_TOP], CAN_RW | SPEC, 12 * PAGE, PAGE,
                                       &h[H_DEAD], &a));
  assert_status(VMAR_OK, vmar_destroy(h[H_DEAD]));

  vmar_handle_t s = dup_without_via_info(h[H_VMO], 0);
  assert_status(VMAR_OK, vmar_handle_close(s));
  h[H_STALE] = s;
  h[H_FORGED] = 0x7FFFFFF3u;
  h[H_NOBITS] = h[H_VMO] & ~VMAR_HANDLE_FIXED_BITS_MASK;
}

static void fixture_down(bad_fixture_t* x) {
  assert_status(VMAR_OK, vmar_destroy(x->h[H_TOP]));
  for (int k = H_TOP; k < H_COUNT; k++) {
    // Rows that consume a handle (replace) mark it VMAR_HANDLE_INVALID.
    assert_status(VMAR_OK, vmar_handle_close(x->h[k]));
  }
}

static bad_call_t resolve(const bad_table_t* t, const bad_row_t* r,
                          bad_fixture_t* x) {
  bad_call_t c;
  memset(&c, 0, sizeof(c));
  c.row = r;
  c.call = t->call;
  c.fx = x;
  c.h1 = r->h1 == H_NONE ? 0 : x->h[r->h1];
  c.h2 = r->h2 == H_NONE ? 0 : x->h[r->h2];
  c.a = (r->flags & RAW) ? (uint64_t)r->a.bytes : ev(r->a);
  c.az = (r->flags & RAW) ? (size_t)r->a.bytes : evz(r->a);
  c.b = ev(r->b);
  c.bz = evz(r->b);
  c.c = ev(r->c);
  c.cz = evz(r->c);
  // Addresses of unmap/protect/op_range: relative to top (or sub).
  const vmar_vaddr_t base = (r->flags & SUBREL) ? x->sub_base : x->top_base;
  c.addr =
      (r->flags & ABS) ? (vmar_vaddr_t)c.a : base + (vmar_vaddr_t)(int64_t)c.a;
  c.n1 = (r->flags & NULL1) != 0;
  c.n2 = (r->flags & NULL2) != 0;
  c.out1 = c.n1 ? NULL : g_out[0];
  c.out2 = c.n2 ? NULL : g_out[1];
  c.out3 = g_out[2];
  return c;
}

// The fixture's tree, to check that a failing row changed nothing.
static size_t tree_of(const bad_fixture_t* x, vmar_map_info_t* out,
                      size_t cap) {
  size_t n = 0;
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(x->h[H_TOP], out, cap, &n, &avail));
  assert_int_equal(n, avail);
  return n;
}

// Runs row |i| of |t|; true if it returned its status and, failing, left
// the tree alone (else says why).
static bool run_row(const bad_table_t* t, size_t i) {
  static bad_fixture_t x;
  const bad_row_t* r = &t->rows[i];
  fixture_up(&x);
  vmar_map_info_t before[16];
  vmar_map_info_t after[16];
  const size_t nb = tree_of(&x, before, 16);
  memset(g_out, BAD_OUT_FILL, sizeof(g_out));
  const bad_call_t c = resolve(t, r, &x);
  const vmar_status_t st = t->run(&c);
  const bool wrote = st != VMAR_OK && !outputs_untouched();
  const size_t na = tree_of(&x, after, 16);
  const bool changed =
      st != VMAR_OK &&
      (na != nb || memcmp(before, after, nb * sizeof(before[0])) != 0);
  const bool ok = st == r->expect && !changed && !wrote;
  if (!ok) {
    print_error("%s row %zu \"%s\": expected %s, got %s%s%s\n", t->name, i,
                r->what, vmar_status_string(r->expect), vmar_status_string(st),
                changed ? " (and the tree changed)" : "",
                wrote ? " (and an output was written)" : "");
  }
  fixture_down(&x);
  return ok;
}

void bad_input_test(void** state) {
  const bad_table_t* t = *state;
  const bool posix = vmar_posix_set_entropy_bits(30) != VMAR_ERR_NOT_SUPPORTED;
  size_t run = 0;
  size_t failed = 0;
  for (size_t i = 0; i < t->count; i++) {
    if ((t->rows[i].flags & POSIX) && !posix) {
      continue;
    }
    run++;
    failed += !run_row(t, i);
  }
  g_rows_run += run;
  print_message("bad input: %s: %zu of %zu rows\n", t->name, run, t->count);
  assert_int_equal(failed, 0);
}

int bad_input_group_teardown(void** state) {
  (void)state;
  print_message("bad input: %zu rows in this suite\n", g_rows_run);
  return 0;
}

void bad_input_consumed(const bad_call_t* c) {
  c->fx->h[c->row->h1] = VMAR_HANDLE_INVALID;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(c->h1));
}
