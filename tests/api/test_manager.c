// SPDX-License-Identifier: MIT
// VmarManager: creation, nesting, parent chaining, refcounts and wrapping.
// APIs covered: vmar_manager_create, vmar_manager_use, vmar_manager_retain,
//   vmar_manager_release, vmar_manager_vmar, vmar_manager_start,
//   vmar_manager_size, vmar_manager_parent.

#include "test.h"

#include <stdlib.h>

#include "bad_input.h"
#include "fixture.h"

// A non-NULL pointer that is never a real manager: *out must keep it.
static int sentinel_object;
#define SENTINEL_MANAGER ((vmar_manager_t*)(void*)&sentinel_object)

#define DEFAULT_RIGHTS (0x00208003u | VMAR_RIGHT_READ | VMAR_RIGHT_WRITE)

static vmar_manager_t* create_ok(size_t size, vmar_manager_t* parent,
                                 vmar_vm_option_t options) {
  vmar_manager_t* m = SENTINEL_MANAGER;
  assert_status(VMAR_OK, vmar_manager_create(size, parent, options, &m));
  assert_non_null(m);
  assert_ptr_not_equal(m, SENTINEL_MANAGER);
  return m;
}

static void expect_create_fails(vmar_status_t expected, size_t size,
                                vmar_manager_t* parent,
                                vmar_vm_option_t options) {
  vmar_manager_t* m = SENTINEL_MANAGER;
  reserved_snapshot_t before = reserved_take();
  assert_status(expected, vmar_manager_create(size, parent, options, &m));
  assert_ptr_equal(m, SENTINEL_MANAGER);
  assert_int_equal(reserved_new_bytes(&before), 0);
  reserved_free(&before);
}

// A manager of |pages| pages in the root, with the default options.
static vmar_manager_t* root_manager(size_t pages) {
  return create_ok(pages * PAGE, NULL, VMAR_MANAGER_DEFAULT_OPTIONS);
}

// Allocates and destroys a page in |h|: returns the allocate status.
static vmar_status_t try_allocate(vmar_handle_t h) {
  vmar_handle_t c = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  vmar_status_t s = vmar_allocate(h, 0, 0, PAGE, &c, &a);
  if (s == VMAR_OK) {
    destroy_close(c);
  }
  return s;
}

// Releases the |n| managers of |m| in order (children before their parent);
// RELEASE_ALL(a, b, ...) releases a, then b, ...
static void release_all(vmar_manager_t* const* m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    vmar_manager_release(m[i]);
  }
}
#define RELEASE_ALL(...)                                                       \
  release_all((vmar_manager_t* const[]){__VA_ARGS__},                          \
              sizeof((vmar_manager_t* const[]){__VA_ARGS__}) /                 \
                  sizeof(vmar_manager_t*))

// The accessors agree with each other and with vmar_get_info.
static void assert_manager_consistent(const vmar_manager_t* m, size_t size) {
  vmar_handle_t h = vmar_manager_vmar(m);
  assert_int_not_equal(h, VMAR_HANDLE_INVALID);
  vmar_info_t info = info_of(h);
  assert_int_equal(info.base, (vmar_vaddr_t)vmar_manager_start(m));
  assert_int_equal(info.len, size);
  assert_int_equal(vmar_manager_size(m), size);
  assert_int_equal((vmar_vaddr_t)vmar_manager_start(m) % PAGE, 0);
  assert_non_null(vmar_manager_start(m));
}

// ---------------------------------------------------------------------------
// vmar_manager_create

// NULL parent = root, default options: a reserved COMPACT RW sub-VMAR.
static void create__root_default_options_ok(void** state) {
  (void)state;
  vmar_manager_t* m = root_manager(16);
  assert_manager_consistent(m, 16 * PAGE);
  assert_null(vmar_manager_parent(m));
  vmar_handle_t h = vmar_manager_vmar(m);
  assert_int_equal(rights_of(h), DEFAULT_RIGHTS);
  vmar_info_t root = info_of(vmar_root_self());
  vmar_vaddr_t start = (vmar_vaddr_t)vmar_manager_start(m);
  assert_true(start >= root.base && start + 16 * PAGE <= root.base + root.len);
  assert_true(test_maps_range_reserved(start, 16 * PAGE));
  // COMPACT: children pack from the start.
  vmar_handle_t c1 = VMAR_HANDLE_INVALID, c2 = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a1 = 0, a2 = 0;
  assert_status(VMAR_OK, vmar_allocate(h, 0, 0, PAGE, &c1, &a1));
  assert_status(VMAR_OK, vmar_allocate(h, 0, 0, 2 * PAGE, &c2, &a2));
  assert_int_equal(a1, start);
  assert_int_equal(a2, start + PAGE);
  // Without CAN_MAP_SPECIFIC / EXECUTE, as fzl's defaults.
  vmar_handle_t x = VMAR_HANDLE_INVALID;
  vmar_vaddr_t xa = 0;
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_allocate(h, VMAR_VM_SPECIFIC, 8 * PAGE, PAGE, &x, &xa));
  CLOSE_ALL_OK(c1, c2);
  vmar_manager_release(m);
  assert_true(test_maps_range_unmapped(start, 16 * PAGE));
}

// Other options are passed through unchanged.
static void create__options_passed_through(void** state) {
  (void)state;
  vmar_manager_t* m = create_ok(
      8 * PAGE, NULL, VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_SPECIFIC);
  assert_int_equal(rights_of(vmar_manager_vmar(m)),
                   0x00208003u | VMAR_RIGHT_READ);
  vmar_handle_t c = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_allocate(vmar_manager_vmar(m), VMAR_VM_SPECIFIC,
                                       3 * PAGE, PAGE, &c, &a));
  assert_int_equal(a, (vmar_vaddr_t)vmar_manager_start(m) + 3 * PAGE);
  close_ok(c);
  vmar_manager_release(m);
}

// Size 0 or unaligned is INVALID_ARGS; *out untouched, nothing reserved.
static void create__bad_size_invalid_args(void** state) {
  (void)state;
  expect_create_fails(VMAR_ERR_INVALID_ARGS, 0, NULL,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  expect_create_fails(VMAR_ERR_INVALID_ARGS, PAGE + 1, NULL,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  expect_create_fails(VMAR_ERR_INVALID_ARGS, PAGE / 2, NULL,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_manager_t* p = root_manager(8);
  expect_create_fails(VMAR_ERR_INVALID_ARGS, 0, p,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  expect_create_fails(VMAR_ERR_INVALID_ARGS, 3 * PAGE - 1, p,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  // Bigger than the parent.
  expect_create_fails(VMAR_ERR_INVALID_ARGS, 9 * PAGE, p,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  // Bad options are the allocate's INVALID_ARGS too.
  expect_create_fails(VMAR_ERR_INVALID_ARGS, PAGE, p, VMAR_VM_PERM_READ);
  // The parent is still empty: a full-size child fits.
  vmar_manager_t* full = create_ok(8 * PAGE, p, 0);
  assert_ptr_equal(vmar_manager_start(full), vmar_manager_start(p));
  RELEASE_ALL(full, p);
}

// A NULL |out| is INVALID_ARGS and creates nothing.
static void create__null_out_invalid_args(void** state) {
  (void)state;
  reserved_snapshot_t before = reserved_take();
  assert_status(
      VMAR_ERR_INVALID_ARGS,
      vmar_manager_create(8 * PAGE, NULL, VMAR_MANAGER_DEFAULT_OPTIONS, NULL));
  assert_int_equal(reserved_new_bytes(&before), 0);
  reserved_free(&before);
  vmar_manager_t* p = root_manager(4);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_manager_create(4 * PAGE, p, 0, NULL));
  vmar_manager_t* full = create_ok(4 * PAGE, p, 0);
  RELEASE_ALL(full, p);
}

// A parent whose VMAR was destroyed gives BAD_STATE.
static void create__destroyed_parent_bad_state(void** state) {
  (void)state;
  vmar_manager_t* p = root_manager(8);
  vmar_vaddr_t start = (vmar_vaddr_t)vmar_manager_start(p);
  assert_status(VMAR_OK, vmar_destroy(vmar_manager_vmar(p)));
  assert_true(test_maps_range_unmapped(start, 8 * PAGE));
  expect_create_fails(VMAR_ERR_BAD_STATE, PAGE, p,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  // Releasing a manager whose VMAR is already gone is fine.
  vmar_manager_release(p);
}

// No room in the parent is NO_RESOURCES; a ceiling above it ACCESS_DENIED.
static void create__no_room_no_resources(void** state) {
  (void)state;
  vmar_manager_t* p = root_manager(4);
  vmar_manager_t* a = create_ok(3 * PAGE, p, VMAR_MANAGER_DEFAULT_OPTIONS);
  expect_create_fails(VMAR_ERR_NO_RESOURCES, 2 * PAGE, p,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_manager_t* b = create_ok(PAGE, p, VMAR_MANAGER_DEFAULT_OPTIONS);
  expect_create_fails(VMAR_ERR_NO_RESOURCES, PAGE, p,
                      VMAR_MANAGER_DEFAULT_OPTIONS);
  expect_create_fails(VMAR_ERR_ACCESS_DENIED, PAGE, a, VMAR_VM_CAN_MAP_EXECUTE);
  RELEASE_ALL(b, a, p);
}

// Nested managers lie inside their parent and report it as parent.
static void create__nested_inside_parent(void** state) {
  (void)state;
  vmar_manager_t* p = root_manager(64);
  vmar_manager_t* c = create_ok(16 * PAGE, p, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_manager_t* g = create_ok(4 * PAGE, c, VMAR_VM_CAN_MAP_READ);
  assert_ptr_equal(vmar_manager_parent(c), p);
  assert_ptr_equal(vmar_manager_parent(g), c);
  assert_null(vmar_manager_parent(p));
  assert_manager_consistent(p, 64 * PAGE);
  assert_manager_consistent(c, 16 * PAGE);
  assert_manager_consistent(g, 4 * PAGE);
  vmar_vaddr_t ps = (vmar_vaddr_t)vmar_manager_start(p);
  vmar_vaddr_t cs = (vmar_vaddr_t)vmar_manager_start(c);
  vmar_vaddr_t gs = (vmar_vaddr_t)vmar_manager_start(g);
  // p is COMPACT: its first child sits at its base.
  assert_int_equal(cs, ps);
  assert_true(gs >= cs && gs + 4 * PAGE <= cs + 16 * PAGE);
  // Distinct VMARs, distinct handles.
  assert_int_not_equal(vmar_manager_vmar(c), vmar_manager_vmar(p));
  assert_int_not_equal(vmar_manager_vmar(g), vmar_manager_vmar(c));
  // Sub-VMARs cost no mapping of their own.
  assert_true(test_maps_range_reserved(ps, 64 * PAGE));
  RELEASE_ALL(g, c, p);
  assert_true(test_maps_range_unmapped(ps, 64 * PAGE));
}

// Releasing a child manager destroys its VMAR but not the parent's.
static void release__child_destroys_only_child(void** state) {
  (void)state;
  vmar_manager_t* p = root_manager(16);
  vmar_manager_t* c = create_ok(16 * PAGE, p, 0);
  vmar_handle_t cd = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_manager_vmar(c),
                                               VMAR_RIGHT_SAME_RIGHTS, &cd));
  assert_status(VMAR_ERR_NO_RESOURCES, try_allocate(vmar_manager_vmar(p)));
  vmar_manager_release(c);
  assert_status(VMAR_ERR_BAD_STATE, try_allocate(cd));
  assert_status(VMAR_OK, try_allocate(vmar_manager_vmar(p)));
  assert_true(
      test_maps_range_reserved((vmar_vaddr_t)vmar_manager_start(p), 16 * PAGE));
  close_ok(cd);
  vmar_manager_release(p);
}

// Parent chaining: the parent's VMAR outlives its last external reference
// until the child manager goes; then both are destroyed.
static void release__parent_first_kept_alive_by_child(void** state) {
  (void)state;
  vmar_manager_t* p = root_manager(32);
  vmar_manager_t* c = create_ok(8 * PAGE, p, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_vaddr_t ps = (vmar_vaddr_t)vmar_manager_start(p);
  vmar_handle_t pd = VMAR_HANDLE_INVALID, cd = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_manager_vmar(p),
                                               VMAR_RIGHT_SAME_RIGHTS, &pd));
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_manager_vmar(c),
                                               VMAR_RIGHT_SAME_RIGHTS, &cd));
  vmar_manager_release(p);
  // p's VMAR is alive: reserved, inspectable, accepts children.
  assert_true(test_maps_range_reserved(ps, 32 * PAGE));
  vmar_info_t info = info_of(pd);
  assert_int_equal(info.base, ps);
  assert_int_equal(info.len, 32 * PAGE);
  assert_status(VMAR_OK, try_allocate(pd));
  assert_status(VMAR_OK, try_allocate(cd));
  // The child still knows its parent, and the parent's accessors work.
  assert_ptr_equal(vmar_manager_parent(c), p);
  assert_int_equal((vmar_vaddr_t)vmar_manager_start(vmar_manager_parent(c)),
                   ps);
  assert_int_equal(vmar_manager_size(vmar_manager_parent(c)), 32 * PAGE);
  vmar_manager_release(c);
  // Both gone: the top-level range is returned to the host.
  assert_true(test_maps_range_unmapped(ps, 32 * PAGE));
  assert_status(VMAR_ERR_BAD_STATE, try_allocate(pd));
  assert_status(VMAR_ERR_BAD_STATE, try_allocate(cd));
  assert_status(VMAR_ERR_BAD_STATE, vmar_destroy(pd));
  info = info_of(pd);
  assert_int_equal(info.base, ps);
  CLOSE_ALL_OK(cd, pd);
}

// retain returns its argument and each reference needs its own release.
static void retain__counts_references(void** state) {
  (void)state;
  vmar_manager_t* m = root_manager(8);
  vmar_vaddr_t start = (vmar_vaddr_t)vmar_manager_start(m);
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_manager_vmar(m),
                                               VMAR_RIGHT_SAME_RIGHTS, &d));
  assert_ptr_equal(vmar_manager_retain(m), m);
  assert_ptr_equal(vmar_manager_retain(m), m);
  vmar_manager_release(m);
  vmar_manager_release(m);
  assert_status(VMAR_OK, try_allocate(d));
  assert_true(test_maps_range_reserved(start, 8 * PAGE));
  assert_manager_consistent(m, 8 * PAGE);
  vmar_manager_release(m);
  assert_true(test_maps_range_unmapped(start, 8 * PAGE));
  assert_status(VMAR_ERR_BAD_STATE, try_allocate(d));
  close_ok(d);
  // NULL is accepted by both.
  assert_null(vmar_manager_retain(NULL));
  vmar_manager_release(NULL);
}

// Bad input, as a table (bad_input.h): a size, opt the options (the root is
// the parent); NULL1: no output pointer.

static const bad_row_t kCreateBad[] = {
    {"out NULL", INVALID_ARGS, H_NONE, H_NONE, VMAR_MANAGER_DEFAULT_OPTIONS,
     PG(4), V0, V0, NULL1},
    {"size 0", INVALID_ARGS, H_NONE, H_NONE, VMAR_MANAGER_DEFAULT_OPTIONS, V0,
     V0, V0, 0},
    {"size not page-aligned", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS, PGB(4, 1), V0, V0, 0},
    {"unknown option bit", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS | UNKNOWN_BIT, PG(4), V0, V0, 0},
    {"a PERM bit", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS | PERM_R, PG(4), V0, V0, 0},
};

// A manager that is made is released again.
static vmar_status_t create_row(const bad_call_t* c) {
  vmar_status_t st =
      vmar_manager_create(c->az, NULL, (vmar_vm_option_t)c->row->opt, c->out1);
  if (st == VMAR_OK) {
    vmar_manager_release(BAD_OUT(vmar_manager_t*, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// vmar_manager_use

// The root needs no manager: OK with *out NULL.
static void use__root_ok_null(void** state) {
  (void)state;
  vmar_manager_t* m = SENTINEL_MANAGER;
  assert_status(VMAR_OK, vmar_manager_use(vmar_root_self(), &m));
  assert_null(m);
  // A duplicate of the root handle names the root too.
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_root_self(),
                                               VMAR_RIGHT_SAME_RIGHTS, &d));
  m = SENTINEL_MANAGER;
  assert_status(VMAR_OK, vmar_manager_use(d, &m));
  assert_null(m);
  close_ok(d);
}

// Invalid input: INVALID_ARGS, BAD_HANDLE, ACCESS_DENIED; *out untouched.
static void use__bad_input_fails(void** state) {
  (void)state;
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK,
                vmar_allocate(vmar_root_self(), 0, 0, 4 * PAGE, &h, &a));
  vmar_manager_t* m = SENTINEL_MANAGER;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_manager_use(VMAR_HANDLE_INVALID, &m));
  assert_ptr_equal(m, SENTINEL_MANAGER);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_manager_use(h, NULL));
  vmar_handle_t closed = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(h, VMAR_RIGHT_SAME_RIGHTS, &closed));
  close_ok(closed);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_manager_use(closed, &m));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_manager_use(0x12345678u, &m));
  assert_ptr_equal(m, SENTINEL_MANAGER);
  vmar_handle_t ni = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(
                             h, 0x00208003u & ~VMAR_RIGHT_INSPECT, &ni));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_manager_use(ni, &m));
  vmar_handle_t nd = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(
                             h, 0x00208003u & ~VMAR_RIGHT_DUPLICATE, &nd));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_manager_use(nd, &m));
  assert_ptr_equal(m, SENTINEL_MANAGER);
  CLOSE_ALL_OK(nd, ni);
  // None of that harmed the VMAR.
  assert_status(VMAR_OK, try_allocate(h));
  destroy_close(h);
}

// A used manager wraps a duplicate and never destroys the VMAR.
static void use__never_destroys(void** state) {
  (void)state;
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_allocate(vmar_root_self(),
                                       VMAR_VM_CAN_MAP_READ | VMAR_VM_COMPACT,
                                       0, 16 * PAGE, &h, &a));
  vmar_manager_t* m = SENTINEL_MANAGER;
  assert_status(VMAR_OK, vmar_manager_use(h, &m));
  assert_non_null(m);
  assert_ptr_not_equal(m, SENTINEL_MANAGER);
  assert_manager_consistent(m, 16 * PAGE);
  assert_int_equal((vmar_vaddr_t)vmar_manager_start(m), a);
  assert_null(vmar_manager_parent(m));
  // The manager holds its own handle to the same VMAR, with the same rights.
  vmar_handle_t mh = vmar_manager_vmar(m);
  assert_int_not_equal(mh, h);
  vmar_handle_info_t hi, mi;
  assert_status(VMAR_OK, vmar_handle_get_info(h, &hi));
  assert_status(VMAR_OK, vmar_handle_get_info(mh, &mi));
  assert_int_equal(mi.koid, hi.koid);
  assert_int_equal(mi.rights, hi.rights);
  // A created manager can hang below a used one.
  vmar_manager_t* c = create_ok(
      4 * PAGE, m, VMAR_MANAGER_DEFAULT_OPTIONS & ~VMAR_VM_CAN_MAP_WRITE);
  assert_ptr_equal(vmar_manager_parent(c), m);
  assert_int_equal((vmar_vaddr_t)vmar_manager_start(c), a);
  vmar_manager_release(m); // c still holds m
  vmar_manager_release(c); // destroys c's VMAR, releases m: h survives
  assert_status(VMAR_OK, try_allocate(h));
  assert_true(test_maps_range_reserved(a, 16 * PAGE));
  assert_int_equal(rights_of(h), 0x00208003u | VMAR_RIGHT_READ);
  // The spot c had is free again: the compact VMAR is empty.
  vmar_handle_t full = VMAR_HANDLE_INVALID;
  vmar_vaddr_t fa = 0;
  assert_status(VMAR_OK, vmar_allocate(h, 0, 0, 16 * PAGE, &full, &fa));
  assert_int_equal(fa, a);
  close_ok(full);
  destroy_unmapped(h, a, 16 * PAGE);
}

// A used manager of a sub-VMAR whose owner destroys it later: release is safe.
static void use__owner_destroys_after_release(void** state) {
  (void)state;
  vmar_manager_t* p = root_manager(16);
  vmar_manager_t* u = SENTINEL_MANAGER;
  assert_status(VMAR_OK, vmar_manager_use(vmar_manager_vmar(p), &u));
  assert_non_null(u);
  assert_ptr_not_equal(u, SENTINEL_MANAGER);
  assert_null(vmar_manager_parent(u));
  assert_ptr_equal(vmar_manager_start(u), vmar_manager_start(p));
  vmar_manager_release(u);
  assert_status(VMAR_OK, try_allocate(vmar_manager_vmar(p)));
  vmar_manager_release(p);
}

// Bad input, as a table (bad_input.h): h1 the VMAR; NULL1: no output
// pointer.

static const bad_row_t kUseBad[] = {
    {"out NULL", INVALID_ARGS, H_TOP, H_NONE, 0, V0, V0, V0, NULL1},
    {"VMAR_HANDLE_INVALID", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, 0},
    {"forged", BAD_HANDLE, H_FORGED, H_NONE, 0, V0, V0, V0, 0},
    {"stale", BAD_HANDLE, H_STALE, H_NONE, 0, V0, V0, V0, 0},
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, V0, V0, V0, 0},
    {"handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0, V0, V0, V0,
     0},
    {"handle lacks DUPLICATE", ACCESS_DENIED, H_TOP_NODUP, H_NONE, 0, V0, V0,
     V0, 0},
};

// A manager that is made is released again.
static vmar_status_t use_row(const bad_call_t* c) {
  vmar_status_t st = vmar_manager_use(c->h1, c->out1);
  if (st == VMAR_OK) {
    vmar_manager_release(BAD_OUT(vmar_manager_t*, c->out1));
  }
  return st;
}

// ---------------------------------------------------------------------------
// NULL manager accessors

// A NULL manager means the root VMAR.
static void accessors__null_means_root(void** state) {
  (void)state;
  assert_null(vmar_manager_start(NULL));
  assert_int_equal(vmar_manager_size(NULL), 0);
  assert_null(vmar_manager_parent(NULL));
  assert_int_equal(vmar_manager_vmar(NULL), vmar_root_self());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(create__root_default_options_ok),
      cmocka_unit_test(create__options_passed_through),
      cmocka_unit_test(create__bad_size_invalid_args),
      cmocka_unit_test(create__null_out_invalid_args),
      cmocka_unit_test(create__destroyed_parent_bad_state),
      cmocka_unit_test(create__no_room_no_resources),
      BAD_INPUT_TEST(create__bad_input_exact_status, "vmar_manager_create",
                     kCreateBad, create_row),
      cmocka_unit_test(create__nested_inside_parent),
      cmocka_unit_test(release__child_destroys_only_child),
      cmocka_unit_test(release__parent_first_kept_alive_by_child),
      cmocka_unit_test(retain__counts_references),
      cmocka_unit_test(use__root_ok_null),
      cmocka_unit_test(use__bad_input_fails),
      BAD_INPUT_TEST(use__bad_input_exact_status, "vmar_manager_use", kUseBad,
                     use_row),
      cmocka_unit_test(use__never_destroys),
      cmocka_unit_test(use__owner_destroys_after_release),
      cmocka_unit_test(accessors__null_means_root),
  };
  return cmocka_run_group_tests_name("api.manager", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
