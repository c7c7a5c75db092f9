// SPDX-License-Identifier: MIT
// The host zx_* component (vmar::zx_host) called directly, as Fuchsia code
// under host test would: record layouts, buffer sizes and properties, which
// the vmar_* API never exercises.
// APIs covered: zx_system_get_page_size, zx_vmar_root_self, zx_vmar_allocate,
//   zx_vmar_map, zx_vmar_op_range, zx_vmar_destroy, zx_vmo_create,
//   zx_vmo_op_range, zx_vmo_create_child, zx_vmo_read, zx_vmo_write,
//   zx_vmo_replace_as_executable, zx_handle_close, zx_handle_duplicate,
//   zx_object_get_info, zx_object_get_property, zx_object_set_property.

#include "test.h"

#include <unistd.h>

#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#if !TEST_BACKEND_ZIRCON
#error "test_zx_host.c needs the fake kernel (zircon backend)"
#endif

typedef struct fixture {
  zx_handle_t vmar;
  zx_vaddr_t base;
  zx_handle_t vmo;
} fixture_t;

static int setup(void** state) {
  static fixture_t fx;
  size_t page = zx_system_get_page_size();
  if (zx_vmar_allocate(zx_vmar_root_self(),
                       ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_COMPACT,
                       0, 16 * page, &fx.vmar, &fx.base) != ZX_OK ||
      zx_vmo_create(4 * page, 0, &fx.vmo) != ZX_OK) {
    return -1;
  }
  *state = &fx;
  return 0;
}

static int teardown(void** state) {
  fixture_t* fx = *state;
  int rc = 0;
  rc |= zx_vmar_destroy(fx->vmar) != ZX_OK;
  rc |= zx_handle_close(fx->vmar) != ZX_OK;
  rc |= zx_handle_close(fx->vmo) != ZX_OK;
  return rc ? -1 : 0;
}

// zx_object_get_info of |topic| for |h| into |buf| (|size| bytes): it must
// succeed with one record written and one available.
static void get_one_record(zx_handle_t h, uint32_t topic, void* buf,
                           size_t size) {
  size_t actual = 0;
  size_t avail = 0;
  assert_status(ZX_OK,
                zx_object_get_info(h, topic, buf, size, &actual, &avail));
  assert_int_equal(actual, 1);
  assert_int_equal(avail, 1);
}

// The page size is the host's.
static void page_size__is_host_page(void** state) {
  (void)state;
  assert_int_equal(zx_system_get_page_size(), (uint32_t)sysconf(_SC_PAGESIZE));
}

// ZX_INFO_HANDLE_BASIC: koid, default rights and type of a new VMO.
static void get_info__handle_basic(void** state) {
  fixture_t* fx = *state;
  zx_info_handle_basic_t basic;
  get_one_record(fx->vmo, ZX_INFO_HANDLE_BASIC, &basic, sizeof(basic));
  assert_int_equal(basic.rights, ZX_DEFAULT_VMO_RIGHTS);
  assert_int_equal(basic.type, ZX_OBJ_TYPE_VMO);
  assert_int_not_equal(basic.koid, ZX_KOID_INVALID);
  assert_status(ZX_OK, zx_object_get_info(fx->vmo, ZX_INFO_HANDLE_VALID, NULL,
                                          0, NULL, NULL));
  assert_status(ZX_ERR_BUFFER_TOO_SMALL,
                zx_object_get_info(fx->vmo, ZX_INFO_HANDLE_BASIC, &basic,
                                   sizeof(basic) - 1, NULL, NULL));
  assert_status(ZX_ERR_BAD_HANDLE,
                zx_object_get_info((zx_handle_t)0x7ffffff3u,
                                   ZX_INFO_HANDLE_BASIC, &basic, sizeof(basic),
                                   NULL, NULL));
  assert_status(
      ZX_ERR_NOT_SUPPORTED,
      zx_object_get_info(fx->vmo, 12345, &basic, sizeof(basic), NULL, NULL));
}

// ZX_INFO_VMAR: base and length; a short buffer is BUFFER_TOO_SMALL.
static void get_info__vmar(void** state) {
  fixture_t* fx = *state;
  zx_info_vmar_t info;
  assert_status(ZX_OK, zx_object_get_info(fx->vmar, ZX_INFO_VMAR, &info,
                                          sizeof(info), NULL, NULL));
  assert_int_equal(info.base, fx->base);
  assert_int_equal(info.len, 16 * zx_system_get_page_size());
  assert_status(ZX_ERR_BUFFER_TOO_SMALL,
                zx_object_get_info(fx->vmar, ZX_INFO_VMAR, &info,
                                   sizeof(info) - 1, NULL, NULL));
  assert_status(ZX_ERR_WRONG_TYPE,
                zx_object_get_info(fx->vmo, ZX_INFO_VMAR, &info, sizeof(info),
                                   NULL, NULL));
}

// ZX_INFO_VMAR_MAPS: zx_info_maps_t records, the VMAR first; a short buffer
// gets the first records and the full count.
static void get_info__vmar_maps_records(void** state) {
  fixture_t* fx = *state;
  size_t page = zx_system_get_page_size();
  assert_status(ZX_OK,
                zx_object_set_property(fx->vmo, ZX_PROP_NAME, "frames", 6));
  zx_vaddr_t addr = 0;
  assert_status(ZX_OK, zx_vmar_map(fx->vmar, ZX_VM_PERM_READ, 0, fx->vmo, page,
                                   2 * page, &addr));
  zx_info_handle_basic_t basic;
  assert_status(ZX_OK, zx_object_get_info(fx->vmo, ZX_INFO_HANDLE_BASIC, &basic,
                                          sizeof(basic), NULL, NULL));
  zx_info_maps_t maps[4];
  size_t actual = 0;
  size_t avail = 0;
  assert_status(ZX_OK, zx_object_get_info(fx->vmar, ZX_INFO_VMAR_MAPS, maps,
                                          sizeof(maps), &actual, &avail));
  assert_int_equal(actual, 2);
  assert_int_equal(avail, 2);
  assert_int_equal(maps[0].type, ZX_INFO_MAPS_TYPE_VMAR);
  assert_int_equal(maps[0].depth, 0);
  assert_int_equal(maps[0].base, fx->base);
  assert_int_equal(maps[1].type, ZX_INFO_MAPS_TYPE_MAPPING);
  assert_int_equal(maps[1].depth, 1);
  assert_int_equal(maps[1].base, addr);
  assert_int_equal(maps[1].size, 2 * page);
  assert_string_equal(maps[1].name, "frames");
  assert_int_equal(maps[1].u.mapping.mmu_flags, ZX_VM_PERM_READ);
  assert_int_equal(maps[1].u.mapping.vmo_koid, basic.koid);
  assert_int_equal(maps[1].u.mapping.vmo_offset, page);
  // Room for one record: the VMAR, and the count of all.
  assert_status(ZX_OK, zx_object_get_info(fx->vmar, ZX_INFO_VMAR_MAPS, maps,
                                          sizeof(maps[0]), &actual, &avail));
  assert_int_equal(actual, 1);
  assert_int_equal(avail, 2);
  // Count only; and a NULL buffer with room claimed is refused.
  assert_status(ZX_OK, zx_object_get_info(fx->vmar, ZX_INFO_VMAR_MAPS, NULL, 0,
                                          &actual, &avail));
  assert_int_equal(actual, 0);
  assert_int_equal(avail, 2);
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_object_get_info(fx->vmar, ZX_INFO_VMAR_MAPS, NULL,
                                   sizeof(maps), NULL, NULL));
  assert_status(ZX_OK, zx_vmar_unmap(fx->vmar, addr, 2 * page));
}

// ZX_PROP_NAME: a short buffer, truncation, and the wrong objects.
static void property__name(void** state) {
  fixture_t* fx = *state;
  char name[ZX_MAX_NAME_LEN];
  const char* long_name = "0123456789abcdefghijklmnopqrstuvwxyz";
  assert_status(ZX_OK, zx_object_set_property(fx->vmo, ZX_PROP_NAME, long_name,
                                              strlen(long_name)));
  assert_status(
      ZX_OK, zx_object_get_property(fx->vmo, ZX_PROP_NAME, name, sizeof(name)));
  assert_int_equal(strlen(name), ZX_MAX_NAME_LEN - 1);
  assert_memory_equal(name, long_name, ZX_MAX_NAME_LEN - 1);
  assert_status(
      ZX_ERR_BUFFER_TOO_SMALL,
      zx_object_get_property(fx->vmo, ZX_PROP_NAME, name, sizeof(name) - 1));
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_object_get_property(fx->vmo, 1000, name, sizeof(name)));
  assert_status(ZX_ERR_WRONG_TYPE,
                zx_object_set_property(fx->vmar, ZX_PROP_NAME, "x", 1));
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_object_set_property(fx->vmo, ZX_PROP_NAME, NULL, 3));
}

// op_range with a buffer: the handle, op and rights checks come first.
static void vmar_op_range__buffer_refused_after_checks(void** state) {
  fixture_t* fx = *state;
  size_t page = zx_system_get_page_size();
  char byte = 0;
  assert_status(
      ZX_ERR_INVALID_ARGS,
      zx_vmar_op_range(fx->vmar, ZX_VMAR_OP_ZERO, fx->base, page, &byte, 1));
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_vmar_op_range(fx->vmar, 99, fx->base, page, &byte, 1));
  assert_status(ZX_ERR_WRONG_TYPE, zx_vmar_op_range(fx->vmo, ZX_VMAR_OP_ZERO,
                                                    fx->base, page, &byte, 1));
  zx_handle_t ro = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_handle_duplicate(fx->vmar, ZX_RIGHT_READ, &ro));
  assert_status(
      ZX_ERR_ACCESS_DENIED,
      zx_vmar_op_range(ro, ZX_VMAR_OP_ZERO, fx->base, page, &byte, 1));
  assert_status(ZX_OK, zx_handle_close(ro));
}

// LOCK on a discardable VMO reports the locked range, nothing discarded.
static void vmo_op_range__lock_state(void** state) {
  (void)state;
  size_t page = zx_system_get_page_size();
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_vmo_create(2 * page, ZX_VMO_DISCARDABLE, &vmo));
  zx_vmo_lock_state_t lock;
  memset(&lock, 0xff, sizeof(lock));
  assert_status(ZX_OK, zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, 2 * page, &lock,
                                       sizeof(lock)));
  assert_int_equal(lock.offset, 0);
  assert_int_equal(lock.size, 2 * page);
  assert_int_equal(lock.discarded_size, 0);
  assert_status(ZX_OK,
                zx_vmo_op_range(vmo, ZX_VMO_OP_UNLOCK, 0, 2 * page, NULL, 0));
  assert_status(ZX_OK, zx_handle_close(vmo));
}

// The kernel's argument checks on zx_vmo_op_range: LOCK needs room for its
// report (the lock is undone without it), PREFETCH needs READ, the cache
// operations refuse an empty range, CACHE_INVALIDATE is refused outright.
static void vmo_op_range__strict_as_the_kernel(void** state) {
  fixture_t* fx = *state;
  size_t page = zx_system_get_page_size();
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_vmo_create(2 * page, ZX_VMO_DISCARDABLE, &vmo));
  zx_vmo_lock_state_t lock;
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, 2 * page, NULL, 0));
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, 2 * page, &lock, 8));
  assert_status(
      ZX_ERR_INVALID_ARGS,
      zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, 2 * page, NULL, sizeof(lock)));
  // None of them left a lock behind.
  assert_status(ZX_ERR_BAD_STATE,
                zx_vmo_op_range(vmo, ZX_VMO_OP_UNLOCK, 0, 2 * page, NULL, 0));
  assert_status(
      ZX_ERR_OUT_OF_RANGE,
      zx_vmo_op_range(vmo, ZX_VMO_OP_LOCK, 0, page, &lock, sizeof(lock)));
  assert_status(ZX_ERR_NOT_SUPPORTED,
                zx_vmo_op_range(fx->vmo, ZX_VMO_OP_LOCK, 0, 4 * page, NULL, 0));
  zx_handle_t wo = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_handle_duplicate(fx->vmo, ZX_RIGHT_WRITE, &wo));
  assert_status(ZX_ERR_ACCESS_DENIED,
                zx_vmo_op_range(wo, ZX_VMO_OP_PREFETCH, 0, page, NULL, 0));
  assert_status(ZX_OK,
                zx_vmo_op_range(fx->vmo, ZX_VMO_OP_PREFETCH, 0, page, NULL, 0));
  const uint32_t kCache[] = {ZX_VMO_OP_CACHE_SYNC, ZX_VMO_OP_CACHE_CLEAN,
                             ZX_VMO_OP_CACHE_CLEAN_INVALIDATE};
  for (size_t i = 0; i < sizeof(kCache) / sizeof(kCache[0]); i++) {
    assert_status(ZX_ERR_INVALID_ARGS,
                  zx_vmo_op_range(fx->vmo, kCache[i], 0, 0, NULL, 0));
    assert_status(ZX_OK, zx_vmo_op_range(fx->vmo, kCache[i], 1, 2, NULL, 0));
  }
  assert_status(
      ZX_ERR_NOT_SUPPORTED,
      zx_vmo_op_range(wo, ZX_VMO_OP_CACHE_INVALIDATE, 0, page, NULL, 0));
  assert_status(ZX_OK, zx_handle_close(wo));
  assert_status(ZX_OK, zx_handle_close(vmo));
}

// ZX_INFO_VMO_V1: the record, a short buffer, the INSPECT right.
static void get_info__vmo_v1(void** state) {
  fixture_t* fx = *state;
  zx_info_vmo_v1_t info;
  get_one_record(fx->vmo, ZX_INFO_VMO_V1, &info, sizeof(info));
  assert_int_equal(info.size_bytes, 4 * zx_system_get_page_size());
  assert_int_equal(info.flags, ZX_INFO_VMO_TYPE_PAGED | ZX_INFO_VMO_VIA_HANDLE);
  assert_int_equal(info.handle_rights, ZX_DEFAULT_VMO_RIGHTS);
  assert_status(ZX_ERR_BUFFER_TOO_SMALL,
                zx_object_get_info(fx->vmo, ZX_INFO_VMO_V1, &info,
                                   sizeof(info) - 1, NULL, NULL));
  zx_handle_t blind = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_handle_duplicate(fx->vmo, ZX_RIGHT_READ, &blind));
  assert_status(ZX_ERR_ACCESS_DENIED,
                zx_object_get_info(blind, ZX_INFO_VMO_V1, &info, sizeof(info),
                                   NULL, NULL));
  assert_status(ZX_OK, zx_handle_close(blind));
  assert_status(ZX_ERR_WRONG_TYPE,
                zx_object_get_info(fx->vmar, ZX_INFO_VMO_V1, &info,
                                   sizeof(info), NULL, NULL));
}

// ZX_PROP_VMO_CONTENT_SIZE: each check where the kernel makes it.
static void property__content_size(void** state) {
  fixture_t* fx = *state;
  size_t page = zx_system_get_page_size();
  uint64_t size = 0;
  assert_status(ZX_OK, zx_object_get_property(fx->vmo, ZX_PROP_VMO_CONTENT_SIZE,
                                              &size, sizeof(size)));
  assert_int_equal(size, 4 * page);
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_object_get_property(ZX_HANDLE_INVALID,
                                       ZX_PROP_VMO_CONTENT_SIZE, NULL, 8));
  assert_status(ZX_ERR_BUFFER_TOO_SMALL,
                zx_object_get_property(fx->vmo, ZX_PROP_VMO_CONTENT_SIZE, &size,
                                       sizeof(size) - 1));
  size = 5;
  assert_status(ZX_ERR_BUFFER_TOO_SMALL,
                zx_object_set_property(fx->vmo, ZX_PROP_VMO_CONTENT_SIZE, &size,
                                       sizeof(size) - 1));
  assert_status(ZX_ERR_INVALID_ARGS,
                zx_object_set_property(fx->vmo, ZX_PROP_VMO_CONTENT_SIZE, NULL,
                                       sizeof(size)));
  zx_handle_t ro = ZX_HANDLE_INVALID;
  assert_status(
      ZX_OK,
      zx_handle_duplicate(fx->vmo, ZX_RIGHT_READ | ZX_RIGHT_SET_PROPERTY, &ro));
  assert_status(ZX_ERR_ACCESS_DENIED,
                zx_object_set_property(ro, ZX_PROP_VMO_CONTENT_SIZE, &size,
                                       sizeof(size)));
  assert_status(ZX_OK, zx_handle_close(ro));
  size = 4 * page + 1;
  assert_status(ZX_ERR_OUT_OF_RANGE,
                zx_object_set_property(fx->vmo, ZX_PROP_VMO_CONTENT_SIZE, &size,
                                       sizeof(size)));
  size = 4 * page;
  assert_status(ZX_OK, zx_object_set_property(fx->vmo, ZX_PROP_VMO_CONTENT_SIZE,
                                              &size, sizeof(size)));
}

// zx_vmo_create_child: a snapshot through the kernel, its own handle rights.
static void vmo_create_child__snapshot(void** state) {
  fixture_t* fx = *state;
  assert_status(ZX_OK, zx_vmo_write(fx->vmo, "abc", 0, 3));
  zx_handle_t child = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_vmo_create_child(fx->vmo, ZX_VMO_CHILD_SNAPSHOT, 0,
                                           zx_system_get_page_size(), &child));
  assert_status(ZX_OK, zx_vmo_write(fx->vmo, "xyz", 0, 3));
  char got[3];
  assert_status(ZX_OK, zx_vmo_read(child, got, 0, 3));
  assert_memory_equal(got, "abc", 3);
  assert_status(ZX_ERR_INVALID_ARGS, zx_vmo_create_child(fx->vmo, 0, 0, 0,
                                                         &child)); // no kind
  assert_status(ZX_OK, zx_handle_close(child));
}

// Any vmex is accepted; the new handle adds EXECUTE.
static void replace_as_executable__any_vmex(void** state) {
  (void)state;
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  assert_status(ZX_OK, zx_vmo_create(zx_system_get_page_size(), 0, &vmo));
  zx_handle_t exec = ZX_HANDLE_INVALID;
  assert_status(ZX_OK,
                zx_vmo_replace_as_executable(vmo, ZX_HANDLE_INVALID, &exec));
  zx_info_handle_basic_t basic;
  assert_status(ZX_OK, zx_object_get_info(exec, ZX_INFO_HANDLE_BASIC, &basic,
                                          sizeof(basic), NULL, NULL));
  assert_int_equal(basic.rights, ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE);
  assert_status(ZX_ERR_BAD_HANDLE, zx_handle_close(vmo));
  assert_status(ZX_OK, zx_handle_close(exec));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(page_size__is_host_page),
      cmocka_unit_test(get_info__handle_basic),
      cmocka_unit_test(get_info__vmar),
      cmocka_unit_test(get_info__vmar_maps_records),
      cmocka_unit_test(property__name),
      cmocka_unit_test(vmar_op_range__buffer_refused_after_checks),
      cmocka_unit_test(vmo_op_range__lock_state),
      cmocka_unit_test(vmo_op_range__strict_as_the_kernel),
      cmocka_unit_test(get_info__vmo_v1),
      cmocka_unit_test(property__content_size),
      cmocka_unit_test(vmo_create_child__snapshot),
      cmocka_unit_test(replace_as_executable__any_vmex),
  };
  return cmocka_run_group_tests_name("zircon.zx_host", tests, setup, teardown);
}
