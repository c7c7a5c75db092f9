// SPDX-License-Identifier: MIT
// Closed handle values stay dead: a million create/close cycles never hand
// out a value that was closed before, so a stale handle kept by mistake
// gives BAD_HANDLE instead of naming another object with other rights.
// APIs covered: vmar_handle_duplicate, vmar_handle_close,
//   vmar_handle_get_rights.

#include "test.h"

#include <stdlib.h>

enum { CYCLES = 1000000 };

static int cmp_handle(const void* a, const void* b) {
  vmar_handle_t x = *(const vmar_handle_t*)a;
  vmar_handle_t y = *(const vmar_handle_t*)b;
  return x < y ? -1 : x > y;
}

// One thread duplicates a VMO handle and closes the duplicate a million
// times: every value it got is different from every other, and the first
// one closed is still BAD_HANDLE at the end.
static void handle__million_cycles_never_revive(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_new(PAGE, 0);
  vmar_handle_t* seen = malloc(CYCLES * sizeof(*seen));
  assert_non_null(seen);
  for (size_t i = 0; i < CYCLES; i++) {
    vmar_handle_t h = VMAR_HANDLE_INVALID;
    assert_status(VMAR_OK,
                  vmar_handle_duplicate(vmo, VMAR_RIGHT_SAME_RIGHTS, &h));
    seen[i] = h;
    assert_status(VMAR_OK, vmar_handle_close(h));
  }
  vmar_rights_t rights = 0;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_get_rights(seen[0], &rights));
  qsort(seen, CYCLES, sizeof(*seen), cmp_handle);
  size_t repeats = 0;
  for (size_t i = 1; i < CYCLES; i++) {
    repeats += seen[i] == seen[i - 1];
  }
  print_message("handles: %d cycles, %zu values handed out twice\n", CYCLES,
                repeats);
  assert_int_equal(repeats, 0);
  free(seen);
  close_ok(vmo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(handle__million_cycles_never_revive),
  };
  return cmocka_run_group_tests_name("stress.handle_reuse", tests, NULL, NULL);
}
