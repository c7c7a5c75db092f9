// SPDX-License-Identifier: MIT
// Which host file backs a VMO: memfd, shm_open or an unlinked temporary file,
// as chosen by VMAR_POSIX_VMO_BACKING; and that each backing behaves alike.
//
// APIs covered: vmar_vmo_create, vmar_map, vmar_vmo_set_size (backing choice).

#include <stdlib.h>

#include "test.h"

// The path /proc/self/maps shows for the mapping that contains |addr|, or ""
// when none does (or the path is longer than |cap|).
static void path_of(uintptr_t addr, char* out, size_t cap) {
  out[0] = '\0';
  FILE* f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  char line[1024];
  while (fgets(line, sizeof(line), f) != NULL) {
    unsigned long lo, hi;
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &path_at) < 2) {
      continue;
    }
    if (addr >= lo && addr < hi && path_at > 0) {
      line[strcspn(line, "\n")] = '\0';
      if (strlen(line + path_at) < cap) {
        strcpy(out, line + path_at);
      }
      break;
    }
  }
  fclose(f);
}

// The mapping's file is the one the environment asked for (memfd by default
// on Linux), and it has been unlinked: nothing is left behind in the file
// system.
static void vmo_create__backing_follows_environment(void** state) {
  (void)state;
  vmar_handle_t vmo;
  assert_status(VMAR_OK, vmar_vmo_create(PAGE, 0, &vmo));
  vmar_vaddr_t addr;
  assert_status(VMAR_OK, vmar_map(vmar_root_self(), VMAR_VM_PERM_READ, 0, vmo,
                                  0, PAGE, &addr));
  char path[512];
  path_of(addr, path, sizeof(path));
  const char* env = getenv("VMAR_POSIX_VMO_BACKING");
  const char* want = "memfd:vmar";
  if (env != NULL && strcmp(env, "shm") == 0) {
    want = "/dev/shm/vmar.";
  } else if (env != NULL && strcmp(env, "file") == 0) {
    want = "/vmar.";
  }
  assert_non_null(strstr(path, want));
  assert_non_null(strstr(path, "(deleted)"));
  if (env != NULL && strcmp(env, "file") == 0) {
    assert_null(strstr(path, "/dev/shm/"));
    assert_null(strstr(path, "memfd:"));
  }
  assert_status(VMAR_OK, vmar_unmap(vmar_root_self(), addr, PAGE));
  assert_status(VMAR_OK, vmar_handle_close(vmo));
}

// Every backing can be resized repeatedly (the macOS shm limit of one
// ftruncate must never be hit by a resizable VMO) and keeps its contents.
static void vmo_set_size__repeated_resizes_keep_contents(void** state) {
  (void)state;
  vmar_handle_t vmo;
  assert_status(VMAR_OK, vmar_vmo_create(PAGE, VMAR_VMO_RESIZABLE, &vmo));
  const char msg[] = "kept";
  assert_status(VMAR_OK, vmar_vmo_write(vmo, msg, 0, sizeof(msg)));
  for (uint64_t pages = 2; pages <= 6; pages++) {
    assert_status(VMAR_OK, vmar_vmo_set_size(vmo, pages * PAGE));
  }
  assert_status(VMAR_OK, vmar_vmo_set_size(vmo, PAGE));
  char back[sizeof(msg)] = {0};
  assert_status(VMAR_OK, vmar_vmo_read(vmo, back, 0, sizeof(back)));
  assert_string_equal(back, msg);
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_get_size(vmo, &size));
  assert_int_equal(size, PAGE);
  assert_status(VMAR_OK, vmar_handle_close(vmo));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(vmo_create__backing_follows_environment),
      cmocka_unit_test(vmo_set_size__repeated_resizes_keep_contents),
  };
  return cmocka_run_group_tests_name("posix.backing", tests, NULL, NULL);
}
