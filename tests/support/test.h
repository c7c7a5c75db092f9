// SPDX-License-Identifier: MIT
// vmar tests: the one header every suite includes (cmocka + vmar + helpers).

#ifndef VMAR_TESTS_SUPPORT_TEST_H_
#define VMAR_TESTS_SUPPORT_TEST_H_

// cmocka 1.1.5 needs these before <cmocka.h>. Keep the blank lines around the
// blocks: clang-format sorts includes only within a block.
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <vmar/vmar.h>

#include "helpers.h"
#include "host.h"
#include "maps.h"
#include "probe.h"
#include "sanitizer.h"

// Exit code ctest reports as "skipped" (SKIP_RETURN_CODE in VmarTesting.cmake),
// for a whole binary that cannot run here (e.g. a missing kernel feature).
#define TEST_EXIT_SKIP 77

// Fails the current test unless |actual| equals |expected|, naming both
// statuses; assert_status(VMAR_ERR_BAD_STATE, rc) with rc == 0 reports
//   assert_status(VMAR_ERR_BAD_STATE, rc): expected VMAR_ERR_BAD_STATE (-20),
//   got VMAR_OK (0)
// at the caller's file and line. Each argument is evaluated once.
#define assert_status(expected, actual)                                        \
  test_assert_status_((expected), (actual), #expected, #actual, __FILE__,      \
                      __LINE__)

static inline void test_assert_status_(vmar_status_t expected,
                                       vmar_status_t actual,
                                       const char* expected_text,
                                       const char* actual_text,
                                       const char* file, int line) {
  if (expected == actual) {
    return;
  }
  print_error("assert_status(%s, %s): expected %s (%d), got %s (%d)\n",
              expected_text, actual_text, vmar_status_string(expected),
              (int)expected, vmar_status_string(actual), (int)actual);
  _fail(file, line);
}

// The host page size: the unit of every size and offset in the API.
static inline size_t test_page(void) { return vmar_page_size(); }

#ifndef PAGE
#define PAGE (test_page())
#endif

// Whole-process VMA counts are exact only without a sanitizer runtime, which
// maps memory of its own at any moment. assert_vma_count() checks the count
// in plain builds; sanitizer builds rely on the range checks next to it.
//
// XNU keeps neighbouring map entries apart where Linux merges them, so on
// macOS an unmap leaves the count higher even though vmar left nothing but
// reservations: there the range checks next to each count carry the check.
#if TEST_SANITIZED || defined(__APPLE__)
#define TEST_EXACT_VMA_COUNT 0
#else
#define TEST_EXACT_VMA_COUNT 1
#endif
#define assert_vma_count(expected)                                             \
  do {                                                                         \
    if (TEST_EXACT_VMA_COUNT) {                                                \
      assert_int_equal(test_maps_count(), (expected));                         \
    }                                                                          \
  } while (0)

// The backend this binary was built for: the API suite runs on both, the
// zircon build against the host fake kernel (vmar::zx_host).
#if defined(VMAR_TEST_BACKEND_ZIRCON)
#include <zx_host.h>
#define TEST_BACKEND_ZIRCON 1
#else
#define TEST_BACKEND_ZIRCON 0
#endif

// Sets the placement entropy of randomised VMARs, checking |bits| as
// vmar_posix_set_entropy_bits does. On Zircon that knob is a kernel boot
// option (vmar_posix_set_entropy_bits is NOT_SUPPORTED there); the fake
// kernel offers its own.
static inline vmar_status_t test_set_entropy_bits(uint32_t bits) {
#if TEST_BACKEND_ZIRCON
  if (bits > 36) {
    return VMAR_ERR_INVALID_ARGS;
  }
  return zx_host_set_entropy_bits(bits);
#else
  return vmar_posix_set_entropy_bits(bits);
#endif
}

#endif // VMAR_TESTS_SUPPORT_TEST_H_
