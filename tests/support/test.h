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

#include "maps.h"
#include "probe.h"

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

#endif // VMAR_TESTS_SUPPORT_TEST_H_
