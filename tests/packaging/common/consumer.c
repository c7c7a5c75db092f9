// SPDX-License-Identifier: MIT
// A consumer of an installed or vendored vmar: creates a region, maps a VMO
// into it, writes through the mapping and reads the bytes back with the API.

#include <stdio.h>
#include <string.h>

#include <vmar/vmar.h>

static int fail(const char* what, vmar_status_t st) {
  fprintf(stderr, "consumer: %s: %s\n", what, vmar_status_string(st));
  return 1;
}

int main(void) {
  const size_t page = vmar_page_size();
  vmar_manager_t* arena = NULL;
  vmar_status_t st = vmar_manager_create(16 * page, NULL,
                                         VMAR_MANAGER_DEFAULT_OPTIONS, &arena);
  if (st != VMAR_OK) {
    return fail("vmar_manager_create", st);
  }

  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  vmar_mapper_t m = VMAR_MAPPER_INIT;
  st = vmar_mapper_create_and_map(&m, 2 * page, VMAR_MAPPER_DEFAULT_FLAGS,
                                  arena, &vmo, VMAR_RIGHT_SAME_RIGHTS, 0);
  if (st != VMAR_OK) {
    return fail("vmar_mapper_create_and_map", st);
  }

  static const char text[] = "hello from a vmar consumer";
  memcpy(vmar_mapper_start(&m), text, sizeof(text));
  char back[sizeof(text)];
  st = vmar_vmo_read(vmo, back, 0, sizeof(back));
  if (st != VMAR_OK) {
    return fail("vmar_vmo_read", st);
  }
  if (memcmp(back, text, sizeof(text)) != 0) {
    fprintf(stderr, "consumer: the VMO does not hold what was written\n");
    return 1;
  }

  vmar_mapper_unmap(&m);
  vmar_handle_close(vmo);
  vmar_manager_release(arena);
  printf("consumer: ok (%s)\n", back);
  return 0;
}
