// SPDX-License-Identifier: MIT
// VMO mappers: plain, owned and resizeable mappers over VMOs and managers.
// APIs covered: vmar_mapper_create_and_map, vmar_mapper_map, vmar_mapper_unmap,
//   vmar_mapper_move, vmar_mapper_start, vmar_mapper_size,
//   vmar_mapper_manager, vmar_owned_mapper_create_and_map,
//   vmar_owned_mapper_map, vmar_owned_mapper_reset, vmar_owned_mapper_release,
//   vmar_owned_mapper_vmo, vmar_owned_mapper_move, vmar_owned_mapper_start,
//   vmar_owned_mapper_size, vmar_owned_mapper_manager,
//   vmar_resizeable_mapper_create_and_map, vmar_resizeable_mapper_map,
//   vmar_resizeable_mapper_grow, vmar_resizeable_mapper_shrink,
//   vmar_resizeable_mapper_reset, vmar_resizeable_mapper_release,
//   vmar_resizeable_mapper_vmo, vmar_resizeable_mapper_move,
//   vmar_resizeable_mapper_start, vmar_resizeable_mapper_size,
//   vmar_resizeable_mapper_manager.

#include "test.h"

#include <stdlib.h>

#include "bad_input.h"
#include "fixture.h"

#define RW VMAR_MAPPER_DEFAULT_FLAGS

// A well-formed handle value (fixed bits set) that names nothing.
#define FORGED_HANDLE ((vmar_handle_t)0x7ffffff3u)

#define REDUCED_RIGHTS                                                         \
  (VMAR_RIGHT_READ | VMAR_RIGHT_MAP | VMAR_RIGHT_DUPLICATE |                   \
   VMAR_RIGHT_TRANSFER)

// Which function a bad-input runner calls (bad_call_t.call).
enum { CREATE_AND_MAP, MAP, GROW, SHRINK };

// ---------------------------------------------------------------------------
// Helpers

static vmar_handle_t vmo_create_ok(uint64_t size, uint32_t options) {
  vmar_handle_t vmo = vmo_new(size, options);
  assert_int_not_equal(vmo, VMAR_HANDLE_INVALID);
  return vmo;
}

static vmar_manager_t* manager_ok(size_t size, vmar_vm_option_t options) {
  vmar_manager_t* m = NULL;
  assert_status(VMAR_OK, vmar_manager_create(size, NULL, options, &m));
  assert_non_null(m);
  return m;
}

// The byte pattern tests write: differs per page and per offset.
static uint8_t pattern_at(size_t i) {
  return (uint8_t)(i * 7u + (i >> 11) + 1u);
}

static void fill(void* addr, size_t len) {
  uint8_t* p = addr;
  for (size_t i = 0; i < len; i++) {
    p[i] = pattern_at(i);
  }
}

static void assert_pattern(const void* addr, size_t len) {
  const uint8_t* p = addr;
  for (size_t i = 0; i < len; i++) {
    if (p[i] != pattern_at(i)) {
      fail_msg("byte %zu is %u, expected %u", i, (unsigned)p[i],
               (unsigned)pattern_at(i));
    }
  }
}

// |len| bytes at |offset| of |vmo| hold the pattern (counted from 0).
static void assert_vmo_pattern(vmar_handle_t vmo, uint64_t offset, size_t len) {
  uint8_t* buf = malloc(len);
  assert_non_null(buf);
  assert_status(VMAR_OK, vmar_vmo_read(vmo, buf, offset, len));
  assert_pattern(buf, len);
  free(buf);
}

static void assert_vmo_zero(vmar_handle_t vmo, uint64_t offset, size_t len) {
  uint8_t* buf = malloc(len);
  assert_non_null(buf);
  memset(buf, 0xff, len);
  assert_status(VMAR_OK, vmar_vmo_read(vmo, buf, offset, len));
  for (size_t i = 0; i < len; i++) {
    assert_int_equal(buf[i], 0);
  }
  free(buf);
}

// Probes the first, a middle and the last byte of [addr, addr + len).
static void assert_accessible(const void* addr, size_t len) {
  volatile uint8_t* p = (volatile uint8_t*)(uintptr_t)addr;
  size_t offs[3] = {0, len / 2, len - 1};
  for (size_t i = 0; i < 3; i++) {
    assert_true(test_probe_read(p + offs[i]));
    assert_true(test_probe_write(p + offs[i]));
  }
}

static void assert_inaccessible(const void* addr) {
  assert_false(test_probe_read((const volatile void*)addr));
}

static bool range_inside(vmar_vaddr_t start, size_t len, vmar_vaddr_t base,
                         size_t base_len) {
  return start >= base && start + len <= base + base_len;
}

// A mapper still holds exactly what it held before a failed call.
static void assert_mapper_is(const vmar_mapper_t* m, void* start, uint64_t size,
                             vmar_manager_t* manager) {
  assert_ptr_equal(vmar_mapper_start(m), start);
  assert_int_equal(vmar_mapper_size(m), size);
  assert_ptr_equal(vmar_mapper_manager(m), manager);
}

// vmar_mapper_create_and_map with no VMO handle out, which must succeed.
static void mapper_create_ok(vmar_mapper_t* m, uint64_t size,
                             vmar_vm_option_t flags, vmar_manager_t* mgr) {
  assert_status(VMAR_OK, vmar_mapper_create_and_map(m, size, flags, mgr, NULL,
                                                    VMAR_RIGHT_SAME_RIGHTS, 0));
}

// vmar_owned_mapper_create_and_map, which must succeed.
static void owned_create_ok(vmar_owned_mapper_t* m, uint64_t size,
                            const char* name, vmar_vm_option_t flags,
                            vmar_manager_t* mgr, uint32_t vmo_options) {
  assert_status(VMAR_OK, vmar_owned_mapper_create_and_map(m, size, name, flags,
                                                          mgr, vmo_options));
}

// vmar_resizeable_mapper_create_and_map, which must succeed.
static void rm_create_ok(vmar_resizeable_mapper_t* m, uint64_t size,
                         const char* name, vmar_vm_option_t flags,
                         vmar_manager_t* mgr) {
  assert_status(VMAR_OK, vmar_resizeable_mapper_create_and_map(m, size, name,
                                                               flags, mgr));
}

// Where |m|'s range starts.
static vmar_vaddr_t manager_base(const vmar_manager_t* m) {
  return (vmar_vaddr_t)vmar_manager_start(m);
}

// A resizeable mapper still maps |size| bytes at |start|, and |vmo| (its VMO)
// has |vmo_size| bytes.
static void assert_rm_is(const vmar_resizeable_mapper_t* m, const void* start,
                         uint64_t size, vmar_handle_t vmo, uint64_t vmo_size) {
  assert_ptr_equal(vmar_resizeable_mapper_start(m), start);
  assert_int_equal(vmar_resizeable_mapper_size(m), size);
  assert_int_equal(vmo_size_of(vmo), vmo_size);
}

// ---------------------------------------------------------------------------
// vmar_mapper_create_and_map

// Root VMAR: the memory is mapped RW, shared with the VMO handed back.
static void create_and_map__root_rw_memory_ok(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  vmar_handle_t vmo = SENTINEL_HANDLE;
  assert_status(VMAR_OK,
                vmar_mapper_create_and_map(&m, 3 * PAGE, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  uint8_t* start = vmar_mapper_start(&m);
  assert_non_null(start);
  assert_int_equal((uintptr_t)start % PAGE, 0);
  assert_int_equal(vmar_mapper_size(&m), 3 * PAGE);
  assert_null(vmar_mapper_manager(&m));
  assert_int_not_equal(vmo, SENTINEL_HANDLE);
  assert_int_equal(vmo_size_of(vmo), 3 * PAGE);
  vmar_info_t root;
  assert_status(VMAR_OK, vmar_get_info(vmar_root_self(), &root));
  assert_true(range_inside((vmar_vaddr_t)start, 3 * PAGE, root.base, root.len));
  assert_true(test_maps_range_perms((uintptr_t)start, 3 * PAGE, "rw-s"));
  assert_accessible(start, 3 * PAGE);
  fill(start, 3 * PAGE);
  assert_vmo_pattern(vmo, 0, 3 * PAGE);
  vmar_mapper_unmap(&m);
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_false(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
  // The VMO outlives the mapping through the handle.
  assert_vmo_pattern(vmo, 0, 3 * PAGE);
  close_ok(vmo);
}

// The size reported is the one asked for; the whole last page is mapped.
static void create_and_map__unrounded_size_reported(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_mapper_create_and_map(&m, PAGE + 100, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_int_equal(vmar_mapper_size(&m), PAGE + 100);
  assert_int_equal(vmo_size_of(vmo), 2 * PAGE);
  uint8_t* start = vmar_mapper_start(&m);
  assert_accessible(start, 2 * PAGE);
  assert_true(test_maps_range_perms((uintptr_t)start, 2 * PAGE, "rw-s"));
  vmar_mapper_unmap(&m);
  assert_false(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
  close_ok(vmo);
}

// A NULL |vmo_out| closes the handle; the mapping keeps the VMO alive.
static void create_and_map__null_vmo_out_mapping_keeps_vmo(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  mapper_create_ok(&m, 2 * PAGE, RW, NULL);
  uint8_t* start = vmar_mapper_start(&m);
  assert_accessible(start, 2 * PAGE);
  fill(start, 2 * PAGE);
  assert_pattern(start, 2 * PAGE);
  vmar_mapper_unmap(&m);
  assert_null(vmar_mapper_start(&m));
}

// Reduced |vmo_rights|: the handle carries exactly them; the mapping is RW.
static void create_and_map__reduced_rights_exact(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_mapper_create_and_map(&m, PAGE, RW, NULL, &vmo,
                                                    REDUCED_RIGHTS, 0));
  assert_int_equal(rights_of(vmo), REDUCED_RIGHTS);
  uint8_t* start = vmar_mapper_start(&m);
  assert_accessible(start, PAGE);
  fill(start, PAGE);
  assert_vmo_pattern(vmo, 0, PAGE);
  uint8_t byte = 1;
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_write(vmo, &byte, 0, 1));
  vmar_mapper_unmap(&m);
  close_ok(vmo);
}

// Rights the new VMO lacks (EXECUTE): the replace's INVALID_ARGS, nothing
// left mapped or open, outputs untouched.
static void create_and_map__rights_not_subset_invalid_args(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(8 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_vaddr_t base = manager_base(mgr);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  vmar_handle_t vmo = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(&m, PAGE, RW, mgr, &vmo,
                                           VMAR_RIGHT_READ | VMAR_RIGHT_EXECUTE,
                                           0));
  assert_int_equal(vmo, SENTINEL_HANDLE);
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_true(test_maps_range_reserved(base, 8 * PAGE));
  // Nothing is left in the manager: the whole range is free again.
  vmar_mapper_t full = VMAR_MAPPER_INIT;
  mapper_create_ok(&full, 8 * PAGE, RW, mgr);
  assert_int_equal((vmar_vaddr_t)vmar_mapper_start(&full), base);
  vmar_mapper_unmap(&full);
  vmar_manager_release(mgr);
}

// NULL mapper or size 0: INVALID_ARGS (size 0 even on a mapped mapper).
static void create_and_map__bad_args_invalid_args(void** state) {
  (void)state;
  vmar_handle_t vmo = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(NULL, PAGE, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(&m, 0, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_mapper_is(&m, NULL, 0, NULL);
  mapper_create_ok(&m, PAGE, RW, NULL);
  void* start = vmar_mapper_start(&m);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(&m, 0, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_mapper_is(&m, start, PAGE, NULL);
  assert_int_equal(vmo, SENTINEL_HANDLE);
  vmar_mapper_unmap(&m);
}

// A mapped mapper: BAD_STATE, mapping and outputs untouched.
static void create_and_map__already_mapped_bad_state(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(8 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  mapper_create_ok(&m, PAGE, RW, mgr);
  void* start = vmar_mapper_start(&m);
  size_t maps = test_maps_count();
  vmar_handle_t vmo = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_mapper_create_and_map(&m, 2 * PAGE, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_mapper_is(&m, start, PAGE, mgr);
  assert_int_equal(vmo, SENTINEL_HANDLE);
  assert_vma_count(maps);
  vmar_mapper_unmap(&m);
  vmar_manager_release(mgr);
}

// vmar_vmo_create's errors come back unchanged; nothing is mapped.
static void create_and_map__vmo_create_error_propagated(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  vmar_handle_t vmo = SENTINEL_HANDLE;
  size_t maps = test_maps_count();
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_mapper_create_and_map(&m, UINT64_MAX, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(&m, PAGE, RW, NULL, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS,
                                           0x80000000u));
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_int_equal(vmo, SENTINEL_HANDLE);
  assert_vma_count(maps);
}

// vmar_map's errors come back unchanged; the VMO is not leaked to the caller.
static void create_and_map__map_error_propagated(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(4 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  vmar_handle_t vmo = SENTINEL_HANDLE;
  size_t maps = test_maps_count();
  // WRITE without READ.
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(&m, PAGE, VMAR_VM_PERM_WRITE, NULL,
                                           &vmo, VMAR_RIGHT_SAME_RIGHTS, 0));
  // New VMOs lack EXECUTE.
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_mapper_create_and_map(
                    &m, PAGE, VMAR_VM_PERM_READ | VMAR_VM_PERM_EXECUTE, NULL,
                    &vmo, VMAR_RIGHT_SAME_RIGHTS, 0));
  // Larger than the manager's VMAR.
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_create_and_map(&m, 8 * PAGE, RW, mgr, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  // No free spot big enough left in it.
  vmar_mapper_t filler = VMAR_MAPPER_INIT;
  mapper_create_ok(&filler, 3 * PAGE, RW, mgr);
  size_t maps_filled = test_maps_count();
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_mapper_create_and_map(&m, 2 * PAGE, RW, mgr, &vmo,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_vma_count(maps_filled);
  vmar_mapper_unmap(&filler);
  // SPECIFIC in a VMAR without CAN_MAP_SPECIFIC.
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_mapper_create_and_map(&m, PAGE, RW | VMAR_VM_SPECIFIC, mgr,
                                           &vmo, VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_int_equal(vmo, SENTINEL_HANDLE);
  assert_vma_count(maps);
  assert_true(test_maps_range_reserved(manager_base(mgr), 4 * PAGE));
  vmar_manager_release(mgr);
}

// Mapping into a manager lands inside its range and records the manager.
static void create_and_map__manager_inside_range(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(16 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_vaddr_t base = manager_base(mgr);
  vmar_mapper_t a = VMAR_MAPPER_INIT;
  vmar_mapper_t b = VMAR_MAPPER_INIT;
  mapper_create_ok(&a, 2 * PAGE, RW, mgr);
  mapper_create_ok(&b, 3 * PAGE, VMAR_VM_PERM_READ, mgr);
  vmar_vaddr_t sa = (vmar_vaddr_t)vmar_mapper_start(&a);
  vmar_vaddr_t sb = (vmar_vaddr_t)vmar_mapper_start(&b);
  assert_true(range_inside(sa, 2 * PAGE, base, 16 * PAGE));
  assert_true(range_inside(sb, 3 * PAGE, base, 16 * PAGE));
  assert_true(sa + 2 * PAGE <= sb || sb + 3 * PAGE <= sa);
  assert_ptr_equal(vmar_mapper_manager(&a), mgr);
  assert_true(test_maps_range_perms(sa, 2 * PAGE, "rw-s"));
  assert_true(test_maps_range_perms(sb, 3 * PAGE, "r--s"));
  assert_true(test_probe_read((void*)sb));
  assert_false(test_probe_write((void*)sb));
  vmar_mapper_unmap(&a);
  vmar_mapper_unmap(&b);
  // Unmapping inside a manager leaves the range reserved for it.
  assert_true(test_maps_range_reserved(base, 16 * PAGE));
  vmar_manager_release(mgr);
}

// The mapper's reference keeps the manager's VMAR alive after the caller's
// release; unmapping drops it and the VMAR is destroyed.
static void create_and_map__mapper_keeps_manager_alive(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(16 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_vaddr_t base = manager_base(mgr);
  vmar_handle_t dup = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(vmar_manager_vmar(mgr),
                                               VMAR_RIGHT_SAME_RIGHTS, &dup));
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  mapper_create_ok(&m, 2 * PAGE, RW, mgr);
  vmar_vaddr_t start = (vmar_vaddr_t)vmar_mapper_start(&m);
  fill((void*)start, 2 * PAGE);
  vmar_manager_release(mgr);
  // Still alive: inspectable, reserved around the mapping, mapping intact.
  vmar_info_t info = info_of(dup);
  assert_int_equal(info.base, base);
  assert_int_equal(info.len, 16 * PAGE);
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(dup, NULL, 0, NULL, &avail));
  assert_int_equal(avail, 2); // the VMAR and the mapping
  assert_ptr_equal(vmar_mapper_manager(&m), mgr);
  assert_int_equal(start, base); // COMPACT: first fit
  assert_true(test_maps_range_perms(start, 2 * PAGE, "rw-s"));
  assert_true(test_maps_range_reserved(base + 2 * PAGE, 14 * PAGE));
  assert_pattern((void*)start, 2 * PAGE);
  vmar_mapper_unmap(&m);
  // The last reference went with the mapping: the VMAR is destroyed.
  assert_status(VMAR_ERR_BAD_STATE, vmar_get_maps(dup, NULL, 0, NULL, &avail));
  assert_status(VMAR_OK, vmar_get_info(dup, &info));
  assert_true(test_maps_range_unmapped(base, 16 * PAGE));
  close_ok(dup);
}

// Bad input, as tables (bad_input.h). create_and_map: a size, opt the map
// flags, c the VMO options; map: h1 the VMO, a offset, b size, opt the map
// flags. NULL1: no mapper; MAPPED: the mapper already maps the fixture's VMO.

static const bad_row_t kCreateAndMapBad[] = {
    {"mapper NULL", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, PG(1), V0, V0,
     NULL1},
    {"size 0", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0, V0, V0, 0},
    {"size 0 checked before already mapped", INVALID_ARGS, H_NONE, H_NONE,
     PERM_RW, V0, V0, V0, MAPPED},
    {"already mapped", BAD_STATE, H_NONE, H_NONE, PERM_RW, PG(1), V0, V0,
     MAPPED},
    {"unknown VMO option", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, PG(1), V0,
     PGB(0, 1 << 5), 0},
    {"size 2^64-1", OUT_OF_RANGE, H_NONE, H_NONE, PERM_RW, VMAX, V0, V0, 0},
    {"WRITE without READ", INVALID_ARGS, H_NONE, H_NONE, PERM_W, PG(1), V0, V0,
     0},
};

// A failing row leaves the mapper alone; a VMO handed out is closed again.
static vmar_status_t mapper_row(const bad_call_t* c) {
  const bool create = c->call == CREATE_AND_MAP;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  if (c->row->flags & MAPPED) {
    assert_status(VMAR_OK,
                  vmar_mapper_map(&m, c->fx->h[H_VMO], 0, 0, PERM_RW, NULL));
  }
  const vmar_mapper_t before = m;
  vmar_mapper_t* mp = c->n1 ? NULL : &m;
  const vmar_vm_option_t flags = (vmar_vm_option_t)c->row->opt;
  vmar_status_t st =
      create
          ? vmar_mapper_create_and_map(mp, c->a, flags, NULL, c->out2,
                                       VMAR_RIGHT_SAME_RIGHTS, (uint32_t)c->c)
          : vmar_mapper_map(mp, c->h1, c->a, c->b, flags, NULL);
  if (st != VMAR_OK) {
    assert_memory_equal(&m, &before, sizeof(m));
  } else if (create) {
    close_ok(BAD_OUT(vmar_handle_t, c->out2));
  }
  vmar_mapper_unmap(&m);
  return st;
}

// ---------------------------------------------------------------------------
// vmar_mapper_map

// Size 0 maps from |offset| to the VMO's end; contents are shared.
static void map__size_zero_to_end_ok(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(4 * PAGE, 0);
  uint8_t* buf = malloc(3 * PAGE);
  assert_non_null(buf);
  fill(buf, 3 * PAGE);
  assert_status(VMAR_OK, vmar_vmo_write(vmo, buf, PAGE, 3 * PAGE));
  free(buf);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_mapper_map(&m, vmo, PAGE, 0, RW, NULL));
  assert_int_equal(vmar_mapper_size(&m), 3 * PAGE);
  uint8_t* start = vmar_mapper_start(&m);
  assert_true(test_maps_range_perms((uintptr_t)start, 3 * PAGE, "rw-s"));
  assert_pattern(start, 3 * PAGE);
  vmar_mapper_unmap(&m);
  // The caller still owns the VMO.
  assert_int_equal(vmo_size_of(vmo), 4 * PAGE);
  close_ok(vmo);
}

// An explicit window maps exactly that part of the VMO into a manager.
static void map__offset_and_size_window_ok(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(8 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_handle_t vmo = vmo_create_ok(4 * PAGE, 0);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_mapper_map(&m, vmo, 2 * PAGE, PAGE, RW, mgr));
  assert_int_equal(vmar_mapper_size(&m), PAGE);
  assert_ptr_equal(vmar_mapper_manager(&m), mgr);
  uint8_t* start = vmar_mapper_start(&m);
  assert_true(
      range_inside((vmar_vaddr_t)start, PAGE, manager_base(mgr), 8 * PAGE));
  fill(start, PAGE);
  assert_vmo_pattern(vmo, 2 * PAGE, PAGE);
  assert_vmo_zero(vmo, 0, 2 * PAGE);
  assert_true(test_maps_range_reserved((uintptr_t)start + PAGE, PAGE));
  vmar_mapper_unmap(&m);
  close_ok(vmo);
  vmar_manager_release(mgr);
}

// NULL mapper or invalid VMO: INVALID_ARGS (before the mapped check).
static void map__bad_args_invalid_args(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(PAGE, 0);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_map(NULL, vmo, 0, 0, RW, NULL));
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_map(&m, VMAR_HANDLE_INVALID, 0, 0, RW, NULL));
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_status(VMAR_OK, vmar_mapper_map(&m, vmo, 0, 0, RW, NULL));
  void* start = vmar_mapper_start(&m);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_map(&m, VMAR_HANDLE_INVALID, 0, 0, RW, NULL));
  assert_mapper_is(&m, start, PAGE, NULL);
  vmar_mapper_unmap(&m);
  close_ok(vmo);
}

// A mapped mapper: BAD_STATE, the mapping untouched.
static void map__already_mapped_bad_state(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(2 * PAGE, 0);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_mapper_map(&m, vmo, 0, PAGE, RW, NULL));
  void* start = vmar_mapper_start(&m);
  size_t maps = test_maps_count();
  assert_status(VMAR_ERR_BAD_STATE, vmar_mapper_map(&m, vmo, 0, 0, RW, NULL));
  assert_mapper_is(&m, start, PAGE, NULL);
  assert_vma_count(maps);
  vmar_mapper_unmap(&m);
  close_ok(vmo);
}

// vmar_vmo_get_size's errors: BAD_HANDLE for a dead handle, WRONG_TYPE for
// a VMAR.
static void map__bad_handle_propagated(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_mapper_map(&m, FORGED_HANDLE, 0, 0, RW, NULL));
  vmar_handle_t vmo = vmo_create_ok(PAGE, 0);
  close_ok(vmo);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_mapper_map(&m, vmo, 0, 0, RW, NULL));
  vmar_manager_t* mgr = manager_ok(4 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  assert_status(VMAR_ERR_WRONG_TYPE,
                vmar_mapper_map(&m, vmar_manager_vmar(mgr), 0, 0, RW, NULL));
  assert_mapper_is(&m, NULL, 0, NULL);
  vmar_manager_release(mgr);
}

// Windows past the VMO's end or overflowing: OUT_OF_RANGE, nothing mapped.
static void map__window_past_end_out_of_range(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(2 * PAGE, 0);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  size_t maps = test_maps_count();
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_mapper_map(&m, vmo, 0, 2 * PAGE + 1, RW, NULL));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_mapper_map(&m, vmo, PAGE, 2 * PAGE, RW, NULL));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_mapper_map(&m, vmo, 3 * PAGE, 0, RW, NULL));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_mapper_map(&m, vmo, PAGE, UINT64_MAX, RW, NULL));
  assert_status(
      VMAR_ERR_OUT_OF_RANGE,
      vmar_mapper_map(&m, vmo, UINT64_MAX - PAGE + 1, 2 * PAGE, RW, NULL));
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_vma_count(maps);
  close_ok(vmo);
}

// The map's own errors: zero length at the end, unaligned offset, a handle
// without MAP, WRITE without READ.
static void map__map_error_propagated(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(2 * PAGE, 0);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  size_t maps = test_maps_count();
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_map(&m, vmo, 2 * PAGE, 0, RW, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_map(&m, vmo, 1, PAGE, RW, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_mapper_map(&m, vmo, 0, 0, VMAR_VM_PERM_WRITE, NULL));
  vmar_handle_t nomap = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(
                             vmo, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, &nomap));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_mapper_map(&m, nomap, 0, 0, RW, NULL));
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_vma_count(maps);
  CLOSE_ALL_OK(nomap, vmo);
}

// Bad input, as a table: see kCreateAndMapBad.

static const bad_row_t kMapBad[] = {
    {"mapper NULL", INVALID_ARGS, H_VMO, H_NONE, PERM_RW, V0, PG(1), V0, NULL1},
    {"VMAR_HANDLE_INVALID", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0, PG(1),
     V0, 0},
    {"already mapped", BAD_STATE, H_VMO, H_NONE, PERM_RW, V0, PG(1), V0,
     MAPPED},
    {"forged", BAD_HANDLE, H_FORGED, H_NONE, PERM_RW, V0, PG(1), V0, 0},
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, PERM_RW, V0, PG(1), V0, 0},
    {"range past the VMO's end", OUT_OF_RANGE, H_VMO, H_NONE, PERM_RW, PG(3),
     PG(2), V0, 0},
    {"offset + size wraps", OUT_OF_RANGE, H_VMO, H_NONE, PERM_RW, PG(1), VMAX,
     V0, 0},
    {"offset not page-aligned", INVALID_ARGS, H_VMO, H_NONE, PERM_RW, PGB(0, 1),
     PG(1), V0, 0},
    {"offset at the end, size 0 (nothing to map)", INVALID_ARGS, H_VMO, H_NONE,
     PERM_RW, PG(4), V0, V0, 0},
    {"VMO lacks MAP", ACCESS_DENIED, H_VMO_NOMAP, H_NONE, PERM_RW, V0, PG(1),
     V0, 0},
};

// ---------------------------------------------------------------------------
// vmar_mapper_unmap, vmar_mapper_move, accessors

// Unmap is idempotent and accepts NULL and never-mapped mappers.
static void unmap__idempotent_ok(void** state) {
  (void)state;
  vmar_mapper_unmap(NULL);
  vmar_mapper_t zero;
  memset(&zero, 0, sizeof(zero));
  vmar_mapper_unmap(&zero);
  assert_mapper_is(&zero, NULL, 0, NULL);
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  mapper_create_ok(&m, PAGE, RW, NULL);
  vmar_mapper_unmap(&m);
  vmar_mapper_unmap(&m);
  assert_mapper_is(&m, NULL, 0, NULL);
}

// Move: |dst| unmaps its own mapping and takes |src|'s; |src| ends empty.
static void move__transfers_mapping(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(16 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_mapper_t dst = VMAR_MAPPER_INIT;
  vmar_mapper_t src = VMAR_MAPPER_INIT;
  mapper_create_ok(&dst, PAGE, RW, mgr);
  mapper_create_ok(&src, 2 * PAGE, RW, mgr);
  vmar_vaddr_t old_dst = (vmar_vaddr_t)vmar_mapper_start(&dst);
  void* src_start = vmar_mapper_start(&src);
  fill(src_start, 2 * PAGE);
  vmar_mapper_move(&dst, &src);
  assert_mapper_is(&dst, src_start, 2 * PAGE, mgr);
  assert_mapper_is(&src, NULL, 0, NULL);
  assert_true(test_maps_range_reserved(old_dst, PAGE));
  assert_pattern(src_start, 2 * PAGE);
  // The reference moved too: it keeps the VMAR after the caller's release.
  vmar_manager_release(mgr);
  assert_true(test_maps_range_perms((uintptr_t)src_start, 2 * PAGE, "rw-s"));
  vmar_mapper_unmap(&dst);
  assert_true(test_maps_range_unmapped((uintptr_t)src_start, 2 * PAGE));
}

// Move with NULL on either side or onto itself does nothing.
static void move__null_or_self_noop(void** state) {
  (void)state;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  mapper_create_ok(&m, PAGE, RW, NULL);
  void* start = vmar_mapper_start(&m);
  vmar_mapper_move(&m, NULL);
  vmar_mapper_move(NULL, &m);
  vmar_mapper_move(&m, &m);
  assert_mapper_is(&m, start, PAGE, NULL);
  assert_true(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
  // Moving an empty mapper in unmaps the destination.
  vmar_mapper_t empty = VMAR_MAPPER_INIT;
  vmar_mapper_move(&m, &empty);
  assert_mapper_is(&m, NULL, 0, NULL);
  assert_false(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
}

// Accessors of NULL: NULL, 0, NULL.
static void accessors__null_empty(void** state) {
  (void)state;
  assert_mapper_is(NULL, NULL, 0, NULL);
  assert_null(vmar_owned_mapper_start(NULL));
  assert_int_equal(vmar_owned_mapper_size(NULL), 0);
  assert_null(vmar_owned_mapper_manager(NULL));
  assert_int_equal(vmar_owned_mapper_vmo(NULL), VMAR_HANDLE_INVALID);
  assert_null(vmar_resizeable_mapper_start(NULL));
  assert_int_equal(vmar_resizeable_mapper_size(NULL), 0);
  assert_null(vmar_resizeable_mapper_manager(NULL));
  assert_int_equal(vmar_resizeable_mapper_vmo(NULL), VMAR_HANDLE_INVALID);
}

// ---------------------------------------------------------------------------
// Owned mapper

// Creates a named VMO with default rights, mapped RW, kept by the mapper.
static void owned_create_and_map__named_ok(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(8 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  owned_create_ok(&m, 2 * PAGE, "frames", RW, mgr, 0);
  vmar_handle_t vmo = vmar_owned_mapper_vmo(&m);
  assert_int_not_equal(vmo, VMAR_HANDLE_INVALID);
  char name[VMAR_MAX_NAME_LEN];
  assert_status(VMAR_OK, vmar_vmo_get_name(vmo, name));
  assert_string_equal(name, "frames");
  assert_int_equal(rights_of(vmo), VMAR_DEFAULT_VMO_RIGHTS);
  assert_int_equal(vmar_owned_mapper_size(&m), 2 * PAGE);
  assert_ptr_equal(vmar_owned_mapper_manager(&m), mgr);
  uint8_t* start = vmar_owned_mapper_start(&m);
  assert_true(
      range_inside((vmar_vaddr_t)start, 2 * PAGE, manager_base(mgr), 8 * PAGE));
  assert_accessible(start, 2 * PAGE);
  fill(start, 2 * PAGE);
  assert_vmo_pattern(vmo, 0, 2 * PAGE);
  vmar_owned_mapper_reset(&m);
  vmar_manager_release(mgr);
}

// A NULL name gives the empty name.
static void owned_create_and_map__null_name_empty(void** state) {
  (void)state;
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  owned_create_ok(&m, PAGE, NULL, RW, NULL, 0);
  char name[VMAR_MAX_NAME_LEN];
  memset(name, 'x', sizeof(name));
  assert_status(VMAR_OK, vmar_vmo_get_name(vmar_owned_mapper_vmo(&m), name));
  assert_string_equal(name, "");
  vmar_owned_mapper_reset(&m);
}

// NULL or size 0: INVALID_ARGS; holding a VMO: BAD_STATE; create errors
// propagated; the mapper is unchanged each time.
static void owned_create_and_map__errors_unchanged(void** state) {
  (void)state;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_owned_mapper_create_and_map(NULL, PAGE, "x", RW, NULL, 0));
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_owned_mapper_create_and_map(&m, 0, "x", RW, NULL, 0));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_owned_mapper_create_and_map(
                                           &m, UINT64_MAX, "x", RW, NULL, 0));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_owned_mapper_create_and_map(&m, PAGE, "x",
                                                 VMAR_VM_PERM_WRITE, NULL, 0));
  assert_int_equal(vmar_owned_mapper_vmo(&m), VMAR_HANDLE_INVALID);
  assert_null(vmar_owned_mapper_start(&m));
  owned_create_ok(&m, PAGE, "x", RW, NULL, 0);
  vmar_handle_t vmo = vmar_owned_mapper_vmo(&m);
  void* start = vmar_owned_mapper_start(&m);
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_owned_mapper_create_and_map(&m, PAGE, "y", RW, NULL, 0));
  assert_int_equal(vmar_owned_mapper_vmo(&m), vmo);
  assert_ptr_equal(vmar_owned_mapper_start(&m), start);
  char name[VMAR_MAX_NAME_LEN];
  assert_status(VMAR_OK, vmar_vmo_get_name(vmo, name));
  assert_string_equal(name, "x");
  vmar_owned_mapper_reset(&m);
}

// Map takes the VMO on success (size 0 = whole VMO); release hands it back.
static void owned_map__takes_ownership_ok(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(3 * PAGE, 0);
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_owned_mapper_map(&m, vmo, 0, RW, NULL));
  assert_int_equal(vmar_owned_mapper_vmo(&m), vmo);
  assert_int_equal(vmar_owned_mapper_size(&m), 3 * PAGE);
  uint8_t* start = vmar_owned_mapper_start(&m);
  fill(start, 3 * PAGE);
  assert_vmo_pattern(vmo, 0, 3 * PAGE);
  vmar_handle_t back = vmar_owned_mapper_release(&m);
  assert_int_equal(back, vmo);
  assert_null(vmar_owned_mapper_start(&m));
  assert_int_equal(vmar_owned_mapper_vmo(&m), VMAR_HANDLE_INVALID);
  assert_false(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
  assert_vmo_pattern(back, 0, 3 * PAGE);
  // Nothing left to release.
  assert_int_equal(vmar_owned_mapper_release(&m), VMAR_HANDLE_INVALID);
  assert_int_equal(vmar_owned_mapper_release(NULL), VMAR_HANDLE_INVALID);
  close_ok(back);
}

// Map with an explicit size maps only that much.
static void owned_map__explicit_size_ok(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(4 * PAGE, 0);
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_owned_mapper_map(&m, vmo, PAGE, RW, NULL));
  assert_int_equal(vmar_owned_mapper_size(&m), PAGE);
  assert_true(test_maps_range_perms((uintptr_t)vmar_owned_mapper_start(&m),
                                    PAGE, "rw-s"));
  vmar_owned_mapper_reset(&m);
}

// On failure the caller still owns the VMO: it stays a valid handle.
static void owned_map__failure_caller_keeps_vmo(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(2 * PAGE, 0);
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_owned_mapper_map(&m, vmo, 3 * PAGE, RW, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_owned_mapper_map(&m, vmo, 0, VMAR_VM_PERM_WRITE, NULL));
  assert_int_equal(vmar_owned_mapper_vmo(&m), VMAR_HANDLE_INVALID);
  assert_null(vmar_owned_mapper_start(&m));
  assert_true(handle_alive(vmo));
  assert_int_equal(vmo_size_of(vmo), 2 * PAGE);
  close_ok(vmo);
}

// NULL mapper or invalid VMO: INVALID_ARGS; holding a VMO: BAD_STATE.
static void owned_map__bad_args_and_bad_state(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(PAGE, 0);
  vmar_handle_t other = vmo_create_ok(PAGE, 0);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_owned_mapper_map(NULL, vmo, 0, RW, NULL));
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_owned_mapper_map(&m, VMAR_HANDLE_INVALID, 0, RW, NULL));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_owned_mapper_map(&m, FORGED_HANDLE, 0, RW, NULL));
  assert_status(VMAR_OK, vmar_owned_mapper_map(&m, vmo, 0, RW, NULL));
  void* start = vmar_owned_mapper_start(&m);
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_owned_mapper_map(&m, other, 0, RW, NULL));
  assert_int_equal(vmar_owned_mapper_vmo(&m), vmo);
  assert_ptr_equal(vmar_owned_mapper_start(&m), start);
  assert_true(handle_alive(other));
  vmar_owned_mapper_reset(&m);
  close_ok(other);
}

// Reset closes the VMO and unmaps; NULL and empty mappers are fine.
static void owned_reset__closes_and_unmaps(void** state) {
  (void)state;
  vmar_owned_mapper_reset(NULL);
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  vmar_owned_mapper_reset(&m);
  owned_create_ok(&m, PAGE, "r", RW, NULL, 0);
  vmar_handle_t vmo = vmar_owned_mapper_vmo(&m);
  void* start = vmar_owned_mapper_start(&m);
  vmar_owned_mapper_reset(&m);
  assert_false(handle_alive(vmo));
  assert_false(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
  assert_int_equal(vmar_owned_mapper_vmo(&m), VMAR_HANDLE_INVALID);
  assert_null(vmar_owned_mapper_start(&m));
  assert_int_equal(vmar_owned_mapper_size(&m), 0);
  // Reusable afterwards.
  owned_create_ok(&m, PAGE, "r", RW, NULL, 0);
  vmar_owned_mapper_reset(&m);
}

// Move: |dst| is reset (its VMO closed), then takes VMO and mapping.
static void owned_move__transfers_vmo_and_mapping(void** state) {
  (void)state;
  vmar_owned_mapper_t dst = VMAR_OWNED_MAPPER_INIT;
  vmar_owned_mapper_t src = VMAR_OWNED_MAPPER_INIT;
  owned_create_ok(&dst, PAGE, "d", RW, NULL, 0);
  owned_create_ok(&src, 2 * PAGE, "s", RW, NULL, 0);
  vmar_handle_t dst_vmo = vmar_owned_mapper_vmo(&dst);
  vmar_handle_t src_vmo = vmar_owned_mapper_vmo(&src);
  void* src_start = vmar_owned_mapper_start(&src);
  vmar_owned_mapper_move(&dst, &src);
  assert_false(handle_alive(dst_vmo));
  assert_int_equal(vmar_owned_mapper_vmo(&dst), src_vmo);
  assert_ptr_equal(vmar_owned_mapper_start(&dst), src_start);
  assert_int_equal(vmar_owned_mapper_size(&dst), 2 * PAGE);
  assert_int_equal(vmar_owned_mapper_vmo(&src), VMAR_HANDLE_INVALID);
  assert_null(vmar_owned_mapper_start(&src));
  vmar_owned_mapper_move(&dst, NULL);
  vmar_owned_mapper_move(NULL, &dst);
  vmar_owned_mapper_move(&dst, &dst);
  assert_int_equal(vmar_owned_mapper_vmo(&dst), src_vmo);
  vmar_owned_mapper_reset(&dst);
  assert_false(handle_alive(src_vmo));
}

// Bad input, as tables (bad_input.h). create_and_map: a size, opt the map
// flags; map: h1 the VMO, a size, opt the map flags. NULL1: no mapper;
// MAPPED: the mapper already holds a VMO of its own.

static const bad_row_t kOwnedCreateAndMapBad[] = {
    {"mapper NULL", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, PG(1), V0, V0,
     NULL1},
    {"size 0", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0, V0, V0, 0},
    {"already holds a VMO", BAD_STATE, H_NONE, H_NONE, PERM_RW, PG(1), V0, V0,
     MAPPED},
};

static const bad_row_t kOwnedMapBad[] = {
    {"mapper NULL", INVALID_ARGS, H_VMO, H_NONE, PERM_RW, V0, V0, V0, NULL1},
    {"VMAR_HANDLE_INVALID", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0, V0, V0,
     0},
    {"already holds a VMO", BAD_STATE, H_VMO, H_NONE, PERM_RW, V0, V0, V0,
     MAPPED},
    {"size past the VMO's end", OUT_OF_RANGE, H_VMO, H_NONE, PERM_RW, PG(5), V0,
     V0, 0},
};

static vmar_status_t owned_row(const bad_call_t* c) {
  const bool create = c->call == CREATE_AND_MAP;
  vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
  if (c->row->flags & MAPPED) {
    owned_create_ok(&m, PAGE, NULL, PERM_RW, NULL, 0);
  }
  vmar_owned_mapper_t* mp = c->n1 ? NULL : &m;
  const vmar_vm_option_t flags = (vmar_vm_option_t)c->row->opt;
  vmar_status_t st =
      create ? vmar_owned_mapper_create_and_map(mp, c->a, "x", flags, NULL, 0)
             : vmar_owned_mapper_map(mp, c->h1, c->a, flags, NULL);
  if (st == VMAR_OK && !create) {
    vmar_handle_t v = vmar_owned_mapper_release(&m);
    (void)v; // the fixture's handle, closed at teardown
  }
  vmar_owned_mapper_reset(&m);
  return st;
}

// ---------------------------------------------------------------------------
// Resizeable mapper

// A resizeable mapper of |pages| pages filled with the pattern, in a manager
// of its own.
typedef struct rm_fixture {
  vmar_manager_t* mgr;
  vmar_vaddr_t base; // the manager's start
  vmar_resizeable_mapper_t m;
  uint8_t* start; // the mapper's
} rm_fixture_t;

// Sets up |f|: a manager of |mgr_pages| pages with |options| in the root.
static void rm_fixture_up(rm_fixture_t* f, size_t mgr_pages,
                          vmar_vm_option_t options, size_t pages) {
  f->mgr = manager_ok(mgr_pages * PAGE, options);
  f->base = manager_base(f->mgr);
  f->m = (vmar_resizeable_mapper_t)VMAR_RESIZEABLE_MAPPER_INIT;
  rm_create_ok(&f->m, pages * PAGE, "rm", RW, f->mgr);
  f->start = vmar_resizeable_mapper_start(&f->m);
  fill(f->start, pages * PAGE);
}

static void rm_fixture_down(rm_fixture_t* f) {
  vmar_resizeable_mapper_reset(&f->m);
  vmar_manager_release(f->mgr);
}

// The VMO is created resizable (RESIZE right) and named.
static void resizeable_create_and_map__resizable_vmo_ok(void** state) {
  (void)state;
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  rm_create_ok(&m, 2 * PAGE, "grow", RW, NULL);
  vmar_handle_t vmo = vmar_resizeable_mapper_vmo(&m);
  assert_int_equal(rights_of(vmo), VMAR_DEFAULT_VMO_RIGHTS | VMAR_RIGHT_RESIZE);
  char name[VMAR_MAX_NAME_LEN];
  assert_status(VMAR_OK, vmar_vmo_get_name(vmo, name));
  assert_string_equal(name, "grow");
  assert_int_equal(vmar_resizeable_mapper_size(&m), 2 * PAGE);
  assert_null(vmar_resizeable_mapper_manager(&m));
  assert_accessible(vmar_resizeable_mapper_start(&m), 2 * PAGE);
  vmar_resizeable_mapper_reset(&m);
  assert_false(handle_alive(vmo));
}

// Errors of create and map: as the owned mapper's; the mapper is unchanged
// and a failed map leaves the VMO with the caller.
static void resizeable_map__errors_unchanged(void** state) {
  (void)state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_resizeable_mapper_create_and_map(
                                           NULL, PAGE, "", RW, NULL));
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_create_and_map(&m, 0, "", RW, NULL));
  vmar_handle_t vmo = vmo_create_ok(PAGE, VMAR_VMO_RESIZABLE);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_map(NULL, vmo, 0, RW, NULL));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_resizeable_mapper_map(&m, vmo, 2 * PAGE, RW, NULL));
  assert_true(handle_alive(vmo));
  assert_int_equal(vmar_resizeable_mapper_vmo(&m), VMAR_HANDLE_INVALID);
  assert_status(VMAR_OK, vmar_resizeable_mapper_map(&m, vmo, 0, RW, NULL));
  assert_int_equal(vmar_resizeable_mapper_vmo(&m), vmo);
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_resizeable_mapper_create_and_map(&m, PAGE, "", RW, NULL));
  assert_int_equal(vmar_resizeable_mapper_vmo(&m), vmo);
  vmar_handle_t back = vmar_resizeable_mapper_release(&m);
  assert_int_equal(back, vmo);
  assert_null(vmar_resizeable_mapper_start(&m));
  close_ok(back);
}

// Grow in the root: contents are kept, new pages are usable, the VMO grows.
static void grow__root_keeps_contents_ok(void** state) {
  (void)state;
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  rm_create_ok(&m, 2 * PAGE, "g", RW, NULL);
  fill(vmar_resizeable_mapper_start(&m), 2 * PAGE);
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&m, 5 * PAGE));
  uint8_t* start = vmar_resizeable_mapper_start(&m);
  assert_int_equal(vmar_resizeable_mapper_size(&m), 5 * PAGE);
  assert_int_equal(vmo_size_of(vmar_resizeable_mapper_vmo(&m)), 5 * PAGE);
  assert_pattern(start, 2 * PAGE);
  assert_accessible(start, 5 * PAGE);
  assert_true(test_maps_range_perms((uintptr_t)start, 5 * PAGE, "rw-s"));
  // New pages read as zero and are shared with the VMO.
  assert_vmo_zero(vmar_resizeable_mapper_vmo(&m), 2 * PAGE, 3 * PAGE);
  start[4 * PAGE] = 0x5c;
  uint8_t byte = 0;
  assert_status(VMAR_OK, vmar_vmo_read(vmar_resizeable_mapper_vmo(&m), &byte,
                                       4 * PAGE, 1));
  assert_int_equal(byte, 0x5c);
  vmar_resizeable_mapper_reset(&m);
  assert_false(test_maps_range_perms((uintptr_t)start, PAGE, "rw-s"));
}

// Grow rounds the size up to whole pages.
static void grow__rounds_up_to_page(void** state) {
  (void)state;
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  rm_create_ok(&m, PAGE, "g", RW, NULL);
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&m, 2 * PAGE + 1));
  assert_int_equal(vmar_resizeable_mapper_size(&m), 3 * PAGE);
  assert_int_equal(vmo_size_of(vmar_resizeable_mapper_vmo(&m)), 3 * PAGE);
  assert_accessible(vmar_resizeable_mapper_start(&m), 3 * PAGE);
  // Growing to the current size succeeds and changes nothing visible.
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&m, 3 * PAGE));
  assert_int_equal(vmar_resizeable_mapper_size(&m), 3 * PAGE);
  vmar_resizeable_mapper_reset(&m);
}

// With CAN_MAP_SPECIFIC and free pages after it, the mapping grows in place.
static void grow__in_place_keeps_start(void** state) {
  (void)state;
  rm_fixture_t f;
  rm_fixture_up(&f, 32, VMAR_MANAGER_DEFAULT_OPTIONS | VMAR_VM_CAN_MAP_SPECIFIC,
                2);
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&f.m, 6 * PAGE));
  assert_ptr_equal(vmar_resizeable_mapper_start(&f.m), f.start);
  assert_int_equal(vmar_resizeable_mapper_size(&f.m), 6 * PAGE);
  assert_pattern(f.start, 2 * PAGE);
  assert_accessible(f.start, 6 * PAGE);
  assert_true(test_maps_range_perms((uintptr_t)f.start, 6 * PAGE, "rw-s"));
  assert_true(range_inside((vmar_vaddr_t)f.start, 6 * PAGE, f.base, 32 * PAGE));
  // Twice in a row, then a reset removes every piece.
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&f.m, 7 * PAGE));
  assert_ptr_equal(vmar_resizeable_mapper_start(&f.m), f.start);
  assert_accessible(f.start, 7 * PAGE);
  vmar_resizeable_mapper_reset(&f.m);
  assert_true(test_maps_range_reserved(f.base, 32 * PAGE));
  vmar_manager_release(f.mgr);
}

// When the next pages are taken, the VMO is mapped anew elsewhere and the
// old mapping removed; contents are kept.
static void grow__next_pages_taken_moves(void** state) {
  (void)state;
  rm_fixture_t f;
  rm_fixture_up(&f, 32, VMAR_MANAGER_DEFAULT_OPTIONS | VMAR_VM_CAN_MAP_SPECIFIC,
                2);
  uint8_t* old = f.start;
  vmar_handle_t blocker = VMAR_HANDLE_INVALID;
  vmar_vaddr_t blocker_addr = 0;
  assert_status(VMAR_OK,
                vmar_allocate(vmar_manager_vmar(f.mgr), VMAR_VM_SPECIFIC,
                              (vmar_vaddr_t)old + 2 * PAGE - f.base, PAGE,
                              &blocker, &blocker_addr));
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&f.m, 4 * PAGE));
  uint8_t* start = vmar_resizeable_mapper_start(&f.m);
  assert_ptr_not_equal(start, old);
  assert_int_equal(vmar_resizeable_mapper_size(&f.m), 4 * PAGE);
  assert_true(range_inside((vmar_vaddr_t)start, 4 * PAGE, f.base, 32 * PAGE));
  assert_pattern(start, 2 * PAGE);
  assert_accessible(start, 4 * PAGE);
  // The old mapping is gone (reserved again); the blocker is untouched.
  assert_true(test_maps_range_reserved((vmar_vaddr_t)old, 2 * PAGE));
  assert_inaccessible(old);
  vmar_info_t info = info_of(blocker);
  assert_int_equal(info.base, blocker_addr);
  close_ok(blocker);
  rm_fixture_down(&f);
}

// A VMAR without CAN_MAP_SPECIFIC: growth always remaps elsewhere.
static void grow__no_specific_remaps(void** state) {
  (void)state;
  rm_fixture_t f;
  rm_fixture_up(&f, 32, VMAR_MANAGER_DEFAULT_OPTIONS, 2);
  assert_int_equal((vmar_vaddr_t)f.start, f.base);
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&f.m, 3 * PAGE));
  uint8_t* start = vmar_resizeable_mapper_start(&f.m);
  // COMPACT first fit: right after the old mapping, which was then removed.
  assert_int_equal((vmar_vaddr_t)start, f.base + 2 * PAGE);
  assert_pattern(start, 2 * PAGE);
  assert_accessible(start, 3 * PAGE);
  assert_true(test_maps_range_reserved(f.base, 2 * PAGE));
  rm_fixture_down(&f);
}

// NULL: INVALID_ARGS; no VMO: BAD_STATE; smaller: INVALID_ARGS; nothing
// changes.
static void grow__bad_args_unchanged(void** state) {
  (void)state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_resizeable_mapper_grow(NULL, PAGE));
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  assert_status(VMAR_ERR_BAD_STATE, vmar_resizeable_mapper_grow(&m, PAGE));
  rm_create_ok(&m, 3 * PAGE, "g", RW, NULL);
  void* start = vmar_resizeable_mapper_start(&m);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_grow(&m, 2 * PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_resizeable_mapper_grow(&m, 0));
  assert_rm_is(&m, start, 3 * PAGE, vmar_resizeable_mapper_vmo(&m), 3 * PAGE);
  vmar_resizeable_mapper_reset(&m);
}

// A VMO that is not resizable: set_size's UNAVAILABLE, nothing changes.
static void grow__not_resizable_unavailable(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_create_ok(2 * PAGE, 0);
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_resizeable_mapper_map(&m, vmo, 0, RW, NULL));
  void* start = vmar_resizeable_mapper_start(&m);
  assert_status(VMAR_ERR_UNAVAILABLE,
                vmar_resizeable_mapper_grow(&m, 4 * PAGE));
  assert_rm_is(&m, start, 2 * PAGE, vmo, 2 * PAGE);
  assert_true(test_maps_range_perms((uintptr_t)start, 2 * PAGE, "rw-s"));
  vmar_resizeable_mapper_reset(&m);
}

// No room in the VMAR: the fresh map's error (NO_RESOURCES when no gap is
// big enough, INVALID_ARGS when the VMAR itself is too small), and the VMO is
// resized back; mapping and contents as before.
static void grow__no_room_restores_vmo(void** state) {
  (void)state;
  rm_fixture_t f;
  rm_fixture_up(&f, 4, VMAR_MANAGER_DEFAULT_OPTIONS | VMAR_VM_CAN_MAP_SPECIFIC,
                2);
  assert_int_equal((vmar_vaddr_t)f.start, f.base);
  vmar_handle_t blocker = VMAR_HANDLE_INVALID;
  vmar_vaddr_t blocker_addr = 0;
  assert_status(VMAR_OK,
                vmar_allocate(vmar_manager_vmar(f.mgr), VMAR_VM_SPECIFIC,
                              2 * PAGE, PAGE, &blocker, &blocker_addr));
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_resizeable_mapper_grow(&f.m, 3 * PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_grow(&f.m, 8 * PAGE));
  assert_rm_is(&f.m, f.start, 2 * PAGE, vmar_resizeable_mapper_vmo(&f.m),
               2 * PAGE);
  assert_pattern(f.start, 2 * PAGE);
  assert_true(test_maps_range_perms((uintptr_t)f.start, 2 * PAGE, "rw-s"));
  assert_true(
      test_maps_range_reserved((uintptr_t)f.start + 2 * PAGE, 2 * PAGE));
  close_ok(blocker);
  rm_fixture_down(&f);
}

// Shrink: the tail faults, the VMO is smaller, the head keeps its contents
// and the start address.
static void shrink__tail_faults_vmo_smaller(void** state) {
  (void)state;
  rm_fixture_t f;
  rm_fixture_up(&f, 16, VMAR_MANAGER_DEFAULT_OPTIONS, 4);
  assert_status(VMAR_OK, vmar_resizeable_mapper_shrink(&f.m, 2 * PAGE));
  assert_rm_is(&f.m, f.start, 2 * PAGE, vmar_resizeable_mapper_vmo(&f.m),
               2 * PAGE);
  assert_pattern(f.start, 2 * PAGE);
  assert_accessible(f.start, 2 * PAGE);
  assert_inaccessible(f.start + 2 * PAGE);
  assert_inaccessible(f.start + 4 * PAGE - 1);
  assert_true(
      test_maps_range_reserved((uintptr_t)f.start + 2 * PAGE, 2 * PAGE));
  // Growing back gives zeroed pages.
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&f.m, 4 * PAGE));
  uint8_t* now = vmar_resizeable_mapper_start(&f.m);
  assert_pattern(now, 2 * PAGE);
  assert_accessible(now, 4 * PAGE);
  assert_vmo_zero(vmar_resizeable_mapper_vmo(&f.m), 2 * PAGE, 2 * PAGE);
  rm_fixture_down(&f);
}

// Shrinking to the current size is OK and changes nothing.
static void shrink__same_size_ok(void** state) {
  (void)state;
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  rm_create_ok(&m, 2 * PAGE, "s", RW, NULL);
  void* start = vmar_resizeable_mapper_start(&m);
  assert_status(VMAR_OK, vmar_resizeable_mapper_shrink(&m, 2 * PAGE));
  assert_rm_is(&m, start, 2 * PAGE, vmar_resizeable_mapper_vmo(&m), 2 * PAGE);
  vmar_resizeable_mapper_reset(&m);
}

// NULL: INVALID_ARGS; no VMO: BAD_STATE; 0, larger or unaligned:
// INVALID_ARGS; nothing changes.
static void shrink__bad_args_unchanged(void** state) {
  (void)state;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_shrink(NULL, PAGE));
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  assert_status(VMAR_ERR_BAD_STATE, vmar_resizeable_mapper_shrink(&m, PAGE));
  rm_create_ok(&m, 3 * PAGE, "s", RW, NULL);
  uint8_t* start = vmar_resizeable_mapper_start(&m);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_resizeable_mapper_shrink(&m, 0));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_shrink(&m, 4 * PAGE));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_resizeable_mapper_shrink(&m, PAGE + 23));
  assert_rm_is(&m, start, 3 * PAGE, vmar_resizeable_mapper_vmo(&m), 3 * PAGE);
  assert_accessible(start, 3 * PAGE);
  vmar_resizeable_mapper_reset(&m);
}

// A VMO that is not resizable keeps its size; the tail is unmapped and its
// pages decommitted (they read as zero).
static void shrink__not_resizable_decommits_tail(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(16 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS);
  vmar_handle_t vmo = vmo_create_ok(4 * PAGE, 0);
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_resizeable_mapper_map(&m, vmo, 0, RW, mgr));
  uint8_t* start = vmar_resizeable_mapper_start(&m);
  fill(start, 4 * PAGE);
  assert_status(VMAR_OK, vmar_resizeable_mapper_shrink(&m, 2 * PAGE));
  assert_int_equal(vmar_resizeable_mapper_size(&m), 2 * PAGE);
  assert_int_equal(vmo_size_of(vmo), 4 * PAGE);
  assert_vmo_pattern(vmo, 0, 2 * PAGE);
  assert_vmo_zero(vmo, 2 * PAGE, 2 * PAGE);
  assert_accessible(start, 2 * PAGE);
  assert_inaccessible(start + 2 * PAGE);
  assert_true(test_maps_range_reserved((uintptr_t)start + 2 * PAGE, 2 * PAGE));
  vmar_resizeable_mapper_reset(&m);
  vmar_manager_release(mgr);
}

// A resizable VMO behind a handle without RESIZE: set_size's ACCESS_DENIED,
// and nothing changes (the tail stays mapped).
static void shrink__no_resize_right_access_denied(void** state) {
  (void)state;
  vmar_handle_t full = vmo_create_ok(4 * PAGE, VMAR_VMO_RESIZABLE);
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(full, VMAR_DEFAULT_VMO_RIGHTS, &vmo));
  close_ok(full);
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_resizeable_mapper_map(&m, vmo, 0, RW, NULL));
  uint8_t* start = vmar_resizeable_mapper_start(&m);
  fill(start, 4 * PAGE);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_resizeable_mapper_shrink(&m, 2 * PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_resizeable_mapper_grow(&m, 8 * PAGE));
  assert_rm_is(&m, start, 4 * PAGE, vmo, 4 * PAGE);
  assert_pattern(start, 4 * PAGE);
  assert_true(test_maps_range_perms((uintptr_t)start, 4 * PAGE, "rw-s"));
  vmar_resizeable_mapper_reset(&m);
}

// Move carries VMO, mapping and flags; release and reset as the owned
// mapper's.
static void resizeable_move__transfers_all(void** state) {
  (void)state;
  vmar_manager_t* mgr = manager_ok(32 * PAGE, VMAR_MANAGER_DEFAULT_OPTIONS |
                                                  VMAR_VM_CAN_MAP_SPECIFIC);
  vmar_resizeable_mapper_t dst = VMAR_RESIZEABLE_MAPPER_INIT;
  vmar_resizeable_mapper_t src = VMAR_RESIZEABLE_MAPPER_INIT;
  rm_create_ok(&dst, PAGE, "d", RW, NULL);
  rm_create_ok(&src, 2 * PAGE, "s", VMAR_VM_PERM_READ, mgr);
  vmar_handle_t dst_vmo = vmar_resizeable_mapper_vmo(&dst);
  vmar_handle_t src_vmo = vmar_resizeable_mapper_vmo(&src);
  uint8_t* src_start = vmar_resizeable_mapper_start(&src);
  vmar_resizeable_mapper_move(&dst, &src);
  assert_false(handle_alive(dst_vmo));
  assert_int_equal(vmar_resizeable_mapper_vmo(&dst), src_vmo);
  assert_ptr_equal(vmar_resizeable_mapper_start(&dst), src_start);
  assert_ptr_equal(vmar_resizeable_mapper_manager(&dst), mgr);
  assert_int_equal(vmar_resizeable_mapper_vmo(&src), VMAR_HANDLE_INVALID);
  assert_null(vmar_resizeable_mapper_start(&src));
  vmar_resizeable_mapper_move(&dst, NULL);
  vmar_resizeable_mapper_move(NULL, &dst);
  vmar_resizeable_mapper_move(&dst, &dst);
  // The read-only flags moved along: growth maps the new pages read-only.
  assert_status(VMAR_OK, vmar_resizeable_mapper_grow(&dst, 3 * PAGE));
  uint8_t* start = vmar_resizeable_mapper_start(&dst);
  assert_true(test_maps_range_perms((uintptr_t)start, 3 * PAGE, "r--s"));
  assert_true(test_probe_read(start + 2 * PAGE));
  assert_false(test_probe_write(start + 2 * PAGE));
  vmar_handle_t back = vmar_resizeable_mapper_release(&dst);
  assert_int_equal(back, src_vmo);
  assert_null(vmar_resizeable_mapper_start(&dst));
  assert_int_equal(vmar_resizeable_mapper_release(NULL), VMAR_HANDLE_INVALID);
  vmar_resizeable_mapper_reset(NULL);
  vmar_resizeable_mapper_reset(&dst);
  close_ok(back);
  vmar_manager_release(mgr);
}

// Bad input, as tables (bad_input.h). create_and_map: a size, opt the map
// flags; map: h1 the VMO, a size, opt the map flags; grow, shrink: a size,
// of a mapper of 2 pages (EMPTY: of a mapper that holds nothing). NULL1: no
// mapper.

static const bad_row_t kResizeableCreateAndMapBad[] = {
    {"mapper NULL", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, PG(1), V0, V0,
     NULL1},
    {"size 0", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0, V0, V0, 0},
};

static const bad_row_t kResizeableMapBad[] = {
    {"mapper NULL", INVALID_ARGS, H_VMO_RS, H_NONE, PERM_RW, V0, V0, V0, NULL1},
    {"stale VMO", BAD_HANDLE, H_STALE, H_NONE, PERM_RW, V0, V0, V0, 0},
};

static const bad_row_t kGrowBad[] = {
    {"mapper NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PG(4), V0, V0, NULL1},
    {"no VMO", BAD_STATE, H_NONE, H_NONE, 0, PG(4), V0, V0, EMPTY},
    {"below the current size", INVALID_ARGS, H_NONE, H_NONE, 0, PG(1), V0, V0,
     0},
    {"size 2^64-1", OUT_OF_RANGE, H_NONE, H_NONE, 0, VMAX, V0, V0, 0},
};

static const bad_row_t kShrinkBad[] = {
    {"mapper NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PG(1), V0, V0, NULL1},
    {"no VMO", BAD_STATE, H_NONE, H_NONE, 0, PG(1), V0, V0, EMPTY},
    {"size 0", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, 0},
    {"above the current size", INVALID_ARGS, H_NONE, H_NONE, 0, PG(3), V0, V0,
     0},
    {"not page-aligned", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(1, 1), V0, V0, 0},
};

// A failing grow or shrink leaves the mapper's size alone; an EMPTY mapper
// stays empty.
static vmar_status_t resizeable_row(const bad_call_t* c) {
  const int call = c->call;
  vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
  const bool resize = call == GROW || call == SHRINK;
  if (resize && !(c->row->flags & EMPTY)) {
    rm_create_ok(&m, 2 * PAGE, NULL, PERM_RW, NULL);
  }
  vmar_resizeable_mapper_t* mp = c->n1 ? NULL : &m;
  const vmar_vm_option_t flags = (vmar_vm_option_t)c->row->opt;
  vmar_status_t st;
  if (call == CREATE_AND_MAP) {
    st = vmar_resizeable_mapper_create_and_map(mp, c->a, "x", flags, NULL);
  } else if (call == MAP) {
    st = vmar_resizeable_mapper_map(mp, c->h1, c->a, flags, NULL);
  } else if (call == GROW) {
    st = vmar_resizeable_mapper_grow(mp, c->a);
  } else {
    st = vmar_resizeable_mapper_shrink(mp, c->a);
  }
  if (c->row->flags & EMPTY) {
    assert_null(vmar_resizeable_mapper_start(&m));
  } else if (resize) {
    assert_int_equal(vmar_resizeable_mapper_size(&m), 2 * PAGE);
  }
  vmar_resizeable_mapper_reset(&m);
  return st;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(create_and_map__root_rw_memory_ok),
      cmocka_unit_test(create_and_map__unrounded_size_reported),
      cmocka_unit_test(create_and_map__null_vmo_out_mapping_keeps_vmo),
      cmocka_unit_test(create_and_map__reduced_rights_exact),
      cmocka_unit_test(create_and_map__rights_not_subset_invalid_args),
      cmocka_unit_test(create_and_map__bad_args_invalid_args),
      cmocka_unit_test(create_and_map__already_mapped_bad_state),
      cmocka_unit_test(create_and_map__vmo_create_error_propagated),
      cmocka_unit_test(create_and_map__map_error_propagated),
      BAD_INPUT_TEST_OF(create_and_map__bad_input_exact_status,
                        "vmar_mapper_create_and_map", kCreateAndMapBad,
                        mapper_row, CREATE_AND_MAP),
      cmocka_unit_test(create_and_map__manager_inside_range),
      cmocka_unit_test(create_and_map__mapper_keeps_manager_alive),
      cmocka_unit_test(map__size_zero_to_end_ok),
      cmocka_unit_test(map__offset_and_size_window_ok),
      cmocka_unit_test(map__bad_args_invalid_args),
      cmocka_unit_test(map__already_mapped_bad_state),
      cmocka_unit_test(map__bad_handle_propagated),
      cmocka_unit_test(map__window_past_end_out_of_range),
      cmocka_unit_test(map__map_error_propagated),
      BAD_INPUT_TEST_OF(map__bad_input_exact_status, "vmar_mapper_map", kMapBad,
                        mapper_row, MAP),
      cmocka_unit_test(unmap__idempotent_ok),
      cmocka_unit_test(move__transfers_mapping),
      cmocka_unit_test(move__null_or_self_noop),
      cmocka_unit_test(accessors__null_empty),
      cmocka_unit_test(owned_create_and_map__named_ok),
      cmocka_unit_test(owned_create_and_map__null_name_empty),
      cmocka_unit_test(owned_create_and_map__errors_unchanged),
      cmocka_unit_test(owned_map__takes_ownership_ok),
      cmocka_unit_test(owned_map__explicit_size_ok),
      cmocka_unit_test(owned_map__failure_caller_keeps_vmo),
      cmocka_unit_test(owned_map__bad_args_and_bad_state),
      BAD_INPUT_TEST_OF(owned_create_and_map__bad_input_exact_status,
                        "vmar_owned_mapper_create_and_map",
                        kOwnedCreateAndMapBad, owned_row, CREATE_AND_MAP),
      BAD_INPUT_TEST_OF(owned_map__bad_input_exact_status,
                        "vmar_owned_mapper_map", kOwnedMapBad, owned_row, MAP),
      cmocka_unit_test(owned_reset__closes_and_unmaps),
      cmocka_unit_test(owned_move__transfers_vmo_and_mapping),
      cmocka_unit_test(resizeable_create_and_map__resizable_vmo_ok),
      cmocka_unit_test(resizeable_map__errors_unchanged),
      BAD_INPUT_TEST_OF(resizeable_create_and_map__bad_input_exact_status,
                        "vmar_resizeable_mapper_create_and_map",
                        kResizeableCreateAndMapBad, resizeable_row,
                        CREATE_AND_MAP),
      BAD_INPUT_TEST_OF(resizeable_map__bad_input_exact_status,
                        "vmar_resizeable_mapper_map", kResizeableMapBad,
                        resizeable_row, MAP),
      cmocka_unit_test(grow__root_keeps_contents_ok),
      cmocka_unit_test(grow__rounds_up_to_page),
      cmocka_unit_test(grow__in_place_keeps_start),
      cmocka_unit_test(grow__next_pages_taken_moves),
      cmocka_unit_test(grow__no_specific_remaps),
      cmocka_unit_test(grow__bad_args_unchanged),
      cmocka_unit_test(grow__not_resizable_unavailable),
      cmocka_unit_test(grow__no_room_restores_vmo),
      BAD_INPUT_TEST_OF(grow__bad_input_exact_status,
                        "vmar_resizeable_mapper_grow", kGrowBad, resizeable_row,
                        GROW),
      cmocka_unit_test(shrink__tail_faults_vmo_smaller),
      cmocka_unit_test(shrink__same_size_ok),
      cmocka_unit_test(shrink__bad_args_unchanged),
      cmocka_unit_test(shrink__not_resizable_decommits_tail),
      cmocka_unit_test(shrink__no_resize_right_access_denied),
      BAD_INPUT_TEST_OF(shrink__bad_input_exact_status,
                        "vmar_resizeable_mapper_shrink", kShrinkBad,
                        resizeable_row, SHRINK),
      cmocka_unit_test(resizeable_move__transfers_all),
  };
  return cmocka_run_group_tests_name("api.mapper", tests, NULL,
                                     bad_input_group_teardown);
}
