// SPDX-License-Identifier: MIT
// Status names and the Zircon numbering of statuses, options, rights and types.
// APIs covered: vmar_status_string, VMAR_STATUS_LIST, VMAR_OK/VMAR_ERR_*,
//   VMAR_VM_* (incl. VMAR_VM_ALIGN_*), VMAR_RIGHT_*, VMAR_RIGHTS_*,
//   VMAR_DEFAULT_*_RIGHTS, VMAR_VMAR_OP_*/VMAR_OP_*, VMAR_VMO_*,
//   VMAR_HANDLE_*, VMAR_OBJ_TYPE_*, VMAR_MAP_INFO_TYPE_*, scalar type widths.

#include "test.h"

#include <limits.h>
#include <string.h>

// One entry per code of VMAR_STATUS_LIST.
typedef struct status_entry {
  vmar_status_t value;
  const char* name; // "VMAR_" #NAME
} status_entry_t;

#define STATUS_ENTRY(name, value, meaning) {(value), "VMAR_" #name},
static const status_entry_t kStatuses[] = {VMAR_STATUS_LIST(STATUS_ENTRY)};
#undef STATUS_ENTRY

#define STATUS_COUNT (sizeof(kStatuses) / sizeof(kStatuses[0]))

static bool is_listed(vmar_status_t s) {
  for (size_t i = 0; i < STATUS_COUNT; i++) {
    if (kStatuses[i].value == s) {
      return true;
    }
  }
  return false;
}

// Fails unless the constant |name| has Zircon's value |want|; the lists
// below are X-macros of (name, want) pairs.
#define ASSERT_CONSTANT(name, want)                                            \
  assert_int_equal((int64_t)(name), (int64_t)(want));

// Every listed code's name is "VMAR_<NAME>" exactly.
static void status_string__every_listed_code_its_name(void** state) {
  (void)state;
  assert_true(STATUS_COUNT > 20);
  for (size_t i = 0; i < STATUS_COUNT; i++) {
    const char* s = vmar_status_string(kStatuses[i].value);
    assert_non_null(s);
    assert_string_equal(s, kStatuses[i].name);
  }
}

// The VMAR_* constants equal the values in the X-macro list.
static void status_constants__equal_list_values(void** state) {
  (void)state;
#define CHECK_CONSTANT(name, value, meaning)                                   \
  assert_int_equal((int64_t)VMAR_##name, (int64_t)(value));                    \
  assert_int_equal(sizeof(VMAR_##name), sizeof(vmar_status_t));
  VMAR_STATUS_LIST(CHECK_CONSTANT)
#undef CHECK_CONSTANT
}

// Each meaning text is non-empty, each value appears once, and OK is the only
// non-negative code.
static void status_list__values_unique_and_negative(void** state) {
  (void)state;
#define CHECK_MEANING(name, value, meaning) assert_true(strlen(meaning) > 0);
  VMAR_STATUS_LIST(CHECK_MEANING)
#undef CHECK_MEANING
  for (size_t i = 0; i < STATUS_COUNT; i++) {
    if (kStatuses[i].value != VMAR_OK) {
      assert_true(kStatuses[i].value < 0);
    }
    for (size_t j = i + 1; j < STATUS_COUNT; j++) {
      assert_int_not_equal((int64_t)kStatuses[i].value,
                           (int64_t)kStatuses[j].value);
      assert_string_not_equal(kStatuses[i].name, kStatuses[j].name);
    }
  }
}

#define STATUS_NUMBERS(X)                                                      \
  X(VMAR_OK, 0)                                                                \
  X(VMAR_ERR_INTERNAL, -1)                                                     \
  X(VMAR_ERR_NOT_SUPPORTED, -2)                                                \
  X(VMAR_ERR_NO_RESOURCES, -3)                                                 \
  X(VMAR_ERR_NO_MEMORY, -4)                                                    \
  X(VMAR_ERR_INTERNAL_INTR_RETRY, -6)                                          \
  X(VMAR_ERR_INVALID_ARGS, -10)                                                \
  X(VMAR_ERR_BAD_HANDLE, -11)                                                  \
  X(VMAR_ERR_WRONG_TYPE, -12)                                                  \
  X(VMAR_ERR_BAD_SYSCALL, -13)                                                 \
  X(VMAR_ERR_OUT_OF_RANGE, -14)                                                \
  X(VMAR_ERR_BUFFER_TOO_SMALL, -15)                                            \
  X(VMAR_ERR_BAD_STATE, -20)                                                   \
  X(VMAR_ERR_TIMED_OUT, -21)                                                   \
  X(VMAR_ERR_SHOULD_WAIT, -22)                                                 \
  X(VMAR_ERR_CANCELED, -23)                                                    \
  X(VMAR_ERR_PEER_CLOSED, -24)                                                 \
  X(VMAR_ERR_NOT_FOUND, -25)                                                   \
  X(VMAR_ERR_ALREADY_EXISTS, -26)                                              \
  X(VMAR_ERR_ALREADY_BOUND, -27)                                               \
  X(VMAR_ERR_UNAVAILABLE, -28)                                                 \
  X(VMAR_ERR_ACCESS_DENIED, -30)                                               \
  X(VMAR_ERR_IO, -40)                                                          \
  X(VMAR_ERR_IO_DATA_INTEGRITY, -42)                                           \
  X(VMAR_ERR_STOP, -60)                                                        \
  X(VMAR_ERR_NEXT, -61)

// The status codes carry Zircon's numbers.
static void status_constants__zircon_numbers(void** state) {
  (void)state;
  STATUS_NUMBERS(ASSERT_CONSTANT)
  // Each of these is in the list, so it has a real name.
  assert_true(is_listed(VMAR_ERR_NO_RESOURCES));
  assert_true(is_listed(VMAR_ERR_ACCESS_DENIED));
  assert_string_equal(vmar_status_string(VMAR_ERR_BAD_STATE),
                      "VMAR_ERR_BAD_STATE");
  assert_string_equal(vmar_status_string(VMAR_OK), "VMAR_OK");
}

// Codes outside the list all give the same fixed, non-NULL string.
static void status_string__unknown_code_fixed_string(void** state) {
  (void)state;
  static const vmar_status_t kUnknown[] = {
      1,   2,   100, -5,   -7,    -9,        -16,       -29,          -31,
      -39, -48, -77, -100, -1000, INT32_MAX, INT32_MIN, INT32_MIN + 1};
  const char* first = NULL;
  for (size_t i = 0; i < sizeof(kUnknown) / sizeof(kUnknown[0]); i++) {
    assert_false(is_listed(kUnknown[i]));
    const char* s = vmar_status_string(kUnknown[i]);
    assert_non_null(s);
    assert_true(strlen(s) > 0);
    if (first == NULL) {
      first = s;
    }
    assert_string_equal(s, first);
    // The unknown string never equals a real code's name.
    for (size_t j = 0; j < STATUS_COUNT; j++) {
      assert_string_not_equal(s, kStatuses[j].name);
    }
  }
  assert_string_equal(first, "VMAR_ERR_<unknown>");
}

#define VM_BITS(X)                                                             \
  X(VMAR_VM_PERM_READ, 0x1)                                                    \
  X(VMAR_VM_PERM_WRITE, 0x2)                                                   \
  X(VMAR_VM_PERM_EXECUTE, 0x4)                                                 \
  X(VMAR_VM_COMPACT, 0x8)                                                      \
  X(VMAR_VM_SPECIFIC, 0x10)                                                    \
  X(VMAR_VM_SPECIFIC_OVERWRITE, 0x20)                                          \
  X(VMAR_VM_CAN_MAP_SPECIFIC, 0x40)                                            \
  X(VMAR_VM_CAN_MAP_READ, 0x80)                                                \
  X(VMAR_VM_CAN_MAP_WRITE, 0x100)                                              \
  X(VMAR_VM_CAN_MAP_EXECUTE, 0x200)                                            \
  X(VMAR_VM_MAP_RANGE, 0x400)                                                  \
  X(VMAR_VM_REQUIRE_NON_RESIZABLE, 0x800)                                      \
  X(VMAR_VM_ALLOW_FAULTS, 0x1000)                                              \
  X(VMAR_VM_OFFSET_IS_UPPER_LIMIT, 0x2000)                                     \
  X(VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED, 0x4000)                              \
  X(VMAR_VM_FAULT_BEYOND_STREAM_SIZE, 0x8000)                                  \
  X(sizeof(vmar_vm_option_t), 4)

// ZX_VM_* option bits have Zircon's values (Zircon's values).
static void options__vm_bits_zircon_values(void** state) {
  (void)state;
  VM_BITS(ASSERT_CONSTANT)
}

#define VM_ALIGNS(X)                                                           \
  X(VMAR_VM_ALIGN_BASE, 24)                                                    \
  X(VMAR_VM_ALIGN_MASK, 0xFF000000)                                            \
  X(VMAR_VM_ALIGN_1KB, 0x0A000000)                                             \
  X(VMAR_VM_ALIGN_2KB, 0x0B000000)                                             \
  X(VMAR_VM_ALIGN_4KB, 0x0C000000)                                             \
  X(VMAR_VM_ALIGN_8KB, 0x0D000000)                                             \
  X(VMAR_VM_ALIGN_16KB, 0x0E000000)                                            \
  X(VMAR_VM_ALIGN_32KB, 0x0F000000)                                            \
  X(VMAR_VM_ALIGN_64KB, 0x10000000)                                            \
  X(VMAR_VM_ALIGN_128KB, 0x11000000)                                           \
  X(VMAR_VM_ALIGN_256KB, 0x12000000)                                           \
  X(VMAR_VM_ALIGN_512KB, 0x13000000)                                           \
  X(VMAR_VM_ALIGN_1MB, 0x14000000)                                             \
  X(VMAR_VM_ALIGN_2MB, 0x15000000)                                             \
  X(VMAR_VM_ALIGN_4MB, 0x16000000)                                             \
  X(VMAR_VM_ALIGN_8MB, 0x17000000)                                             \
  X(VMAR_VM_ALIGN_16MB, 0x18000000)                                            \
  X(VMAR_VM_ALIGN_32MB, 0x19000000)                                            \
  X(VMAR_VM_ALIGN_64MB, 0x1A000000)                                            \
  X(VMAR_VM_ALIGN_128MB, 0x1B000000)                                           \
  X(VMAR_VM_ALIGN_256MB, 0x1C000000)                                           \
  X(VMAR_VM_ALIGN_512MB, 0x1D000000)                                           \
  X(VMAR_VM_ALIGN_1GB, 0x1E000000)                                             \
  X(VMAR_VM_ALIGN_2GB, 0x1F000000)                                             \
  X(VMAR_VM_ALIGN_4GB, 0x20000000)

// Every ZX_VM_ALIGN_* value is log2(alignment) << 24 .
static void options__align_values_zircon(void** state) {
  (void)state;
  VM_ALIGNS(ASSERT_CONSTANT)
  // No alignment value overlaps an option bit.
  assert_int_equal(VMAR_VM_ALIGN_4GB & 0x00FFFFFFu, 0);
}

#define RIGHTS(X)                                                              \
  X(sizeof(vmar_rights_t), 4)                                                  \
  X(VMAR_RIGHT_NONE, 0x0)                                                      \
  X(VMAR_RIGHT_DUPLICATE, 0x1)                                                 \
  X(VMAR_RIGHT_TRANSFER, 0x2)                                                  \
  X(VMAR_RIGHT_READ, 0x4)                                                      \
  X(VMAR_RIGHT_WRITE, 0x8)                                                     \
  X(VMAR_RIGHT_EXECUTE, 0x10)                                                  \
  X(VMAR_RIGHT_MAP, 0x20)                                                      \
  X(VMAR_RIGHT_GET_PROPERTY, 0x40)                                             \
  X(VMAR_RIGHT_SET_PROPERTY, 0x80)                                             \
  X(VMAR_RIGHT_ENUMERATE, 0x100)                                               \
  X(VMAR_RIGHT_DESTROY, 0x200)                                                 \
  X(VMAR_RIGHT_SET_POLICY, 0x400)                                              \
  X(VMAR_RIGHT_GET_POLICY, 0x800)                                              \
  X(VMAR_RIGHT_SIGNAL, 0x1000)                                                 \
  X(VMAR_RIGHT_SIGNAL_PEER, 0x2000)                                            \
  X(VMAR_RIGHT_WAIT, 0x4000)                                                   \
  X(VMAR_RIGHT_INSPECT, 0x8000)                                                \
  X(VMAR_RIGHT_MANAGE_JOB, 0x10000)                                            \
  X(VMAR_RIGHT_MANAGE_PROCESS, 0x20000)                                        \
  X(VMAR_RIGHT_MANAGE_THREAD, 0x40000)                                         \
  X(VMAR_RIGHT_APPLY_PROFILE, 0x80000)                                         \
  X(VMAR_RIGHT_MANAGE_SOCKET, 0x100000)                                        \
  X(VMAR_RIGHT_OP_CHILDREN, 0x200000)                                          \
  X(VMAR_RIGHT_RESIZE, 0x400000)                                               \
  X(VMAR_RIGHT_ATTACH_VMO, 0x800000)                                           \
  X(VMAR_RIGHT_MANAGE_VMO, 0x1000000)                                          \
  X(VMAR_RIGHT_SAME_RIGHTS, 0x80000000)                                        \
  X(VMAR_RIGHTS_BASIC, 0xC003)                                                 \
  X(VMAR_RIGHTS_IO, 0xC)                                                       \
  X(VMAR_RIGHTS_PROPERTY, 0xC0)                                                \
  X(VMAR_DEFAULT_VMAR_RIGHTS, 0x00208003)                                      \
  X(VMAR_DEFAULT_VMO_RIGHTS, 0x0000D0EF)

// ZX_RIGHT_* values, groups and defaults (Zircon's values).
static void rights__zircon_values(void** state) {
  (void)state;
  RIGHTS(ASSERT_CONSTANT)
  // The root VMAR's rights as Zircon gives them.
  assert_int_equal(VMAR_DEFAULT_VMAR_RIGHTS | VMAR_RIGHT_READ |
                       VMAR_RIGHT_WRITE | VMAR_RIGHT_EXECUTE,
                   0x0020801Fu);
  assert_int_equal(VMAR_DEFAULT_VMO_RIGHTS | VMAR_RIGHT_RESIZE, 0x0040D0EFu);
}

#define VMO_CONSTANTS(X)                                                       \
  X(VMAR_VMO_RESIZABLE, 0x2)                                                   \
  X(VMAR_VMO_DISCARDABLE, 0x4)                                                 \
  X(VMAR_VMO_TRAP_DIRTY, 0x8)                                                  \
  X(VMAR_VMO_UNBOUNDED, 0x10)                                                  \
  X(VMAR_VMO_OP_COMMIT, 1)                                                     \
  X(VMAR_VMO_OP_DECOMMIT, 2)                                                   \
  X(VMAR_VMO_OP_LOCK, 3)                                                       \
  X(VMAR_VMO_OP_UNLOCK, 4)                                                     \
  X(VMAR_VMO_OP_CACHE_SYNC, 6)                                                 \
  X(VMAR_VMO_OP_CACHE_INVALIDATE, 7)                                           \
  X(VMAR_VMO_OP_CACHE_CLEAN, 8)                                                \
  X(VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE, 9)                                     \
  X(VMAR_VMO_OP_ZERO, 10)                                                      \
  X(VMAR_VMO_OP_TRY_LOCK, 11)                                                  \
  X(VMAR_VMO_OP_DONT_NEED, 12)                                                 \
  X(VMAR_VMO_OP_ALWAYS_NEED, 13)                                               \
  X(VMAR_VMO_OP_PREFETCH, 14)

// VMO options and op codes (RESIZABLE is 0x2, not bit 0).
static void vmo_constants__zircon_values(void** state) {
  (void)state;
  VMO_CONSTANTS(ASSERT_CONSTANT)
}

#define VMAR_OPS(X)                                                            \
  X(VMAR_VMAR_OP_COMMIT, 1)                                                    \
  X(VMAR_VMAR_OP_DECOMMIT, 2)                                                  \
  X(VMAR_VMAR_OP_MAP_RANGE, 3)                                                 \
  X(VMAR_VMAR_OP_ZERO, 10)                                                     \
  X(VMAR_VMAR_OP_DONT_NEED, 12)                                                \
  X(VMAR_VMAR_OP_ALWAYS_NEED, 13)                                              \
  X(VMAR_VMAR_OP_PREFETCH, 14)                                                 \
  X(VMAR_OP_COMMIT, VMAR_VMAR_OP_COMMIT)                                       \
  X(VMAR_OP_DECOMMIT, VMAR_VMAR_OP_DECOMMIT)                                   \
  X(VMAR_OP_MAP_RANGE, VMAR_VMAR_OP_MAP_RANGE)                                 \
  X(VMAR_OP_ZERO, VMAR_VMAR_OP_ZERO)                                           \
  X(VMAR_OP_DONT_NEED, VMAR_VMAR_OP_DONT_NEED)                                 \
  X(VMAR_OP_ALWAYS_NEED, VMAR_VMAR_OP_ALWAYS_NEED)                             \
  X(VMAR_OP_PREFETCH, VMAR_VMAR_OP_PREFETCH)

// VMAR op codes and their VMAR_OP_* aliases (Zircon's values).
static void vmar_ops__zircon_values(void** state) {
  (void)state;
  VMAR_OPS(ASSERT_CONSTANT)
  // The deprecated VMO spelling is accepted by op_range because it is equal.
  assert_int_equal(VMAR_VMO_OP_DECOMMIT, VMAR_VMAR_OP_DECOMMIT);
}

#define TYPE_CONSTANTS(X)                                                      \
  X(VMAR_HANDLE_INVALID, 0)                                                    \
  X(VMAR_HANDLE_FIXED_BITS_MASK, 0x3)                                          \
  X(VMAR_OBJ_TYPE_NONE, 0)                                                     \
  X(VMAR_OBJ_TYPE_VMO, 3)                                                      \
  X(VMAR_OBJ_TYPE_VMAR, 18)                                                    \
  X(VMAR_MAP_INFO_TYPE_NONE, 0)                                                \
  X(VMAR_MAP_INFO_TYPE_ASPACE, 1)                                              \
  X(VMAR_MAP_INFO_TYPE_VMAR, 2)                                                \
  X(VMAR_MAP_INFO_TYPE_MAPPING, 3)                                             \
  X(VMAR_MAX_NAME_LEN, 32)

// Handle constants, object and map-info types, scalar widths (Zircon's).
static void types__zircon_widths_and_values(void** state) {
  (void)state;
  assert_int_equal(sizeof(vmar_status_t), 4);
  assert_true((vmar_status_t)-1 < 0); // signed
  assert_int_equal(sizeof(vmar_handle_t), 4);
  assert_true((vmar_handle_t)-1 > 0); // unsigned
  assert_int_equal(sizeof(vmar_vaddr_t), sizeof(void*));
  TYPE_CONSTANTS(ASSERT_CONSTANT)
  assert_int_equal(sizeof(((vmar_map_info_t*)NULL)->name), 32u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(status_string__every_listed_code_its_name),
      cmocka_unit_test(status_constants__equal_list_values),
      cmocka_unit_test(status_list__values_unique_and_negative),
      cmocka_unit_test(status_constants__zircon_numbers),
      cmocka_unit_test(status_string__unknown_code_fixed_string),
      cmocka_unit_test(options__vm_bits_zircon_values),
      cmocka_unit_test(options__align_values_zircon),
      cmocka_unit_test(rights__zircon_values),
      cmocka_unit_test(vmo_constants__zircon_values),
      cmocka_unit_test(vmar_ops__zircon_values),
      cmocka_unit_test(types__zircon_widths_and_values),
  };
  return cmocka_run_group_tests_name("unit.status", tests, NULL, NULL);
}
