// SPDX-License-Identifier: MIT
// Which host file backs a VMO: memfd, shm_open or an unlinked temporary file,
// as chosen by VMAR_POSIX_VMO_BACKING; and that each backing behaves alike.
//
// APIs covered: vmar_vmo_create, vmar_map, vmar_vmo_set_size (backing choice),
// vmar_vmo_get_fd, vmar_vmo_create_from_fd.

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#if TEST_HOST_PROCFS
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
static void check_backing(vmar_handle_t vmo, vmar_vaddr_t addr) {
  (void)vmo;
  char path[512];
  path_of(addr, path, sizeof(path));
  const char* env = getenv("VMAR_POSIX_VMO_BACKING");
  if (env != NULL && strcmp(env, "shm") == 0) {
    assert_non_null(strstr(path, "/dev/shm/vmar."));
  } else if (env != NULL && strcmp(env, "file") == 0) {
    assert_non_null(strstr(path, "/vmar."));
  } else {
    // The default: memfd, or shm_open where memfd is unavailable (or the
    // build is VMAR_POSIX_PORTABLE).
    assert_true(strstr(path, "memfd:vmar") != NULL ||
                strstr(path, "/dev/shm/vmar.") != NULL);
  }
  assert_non_null(strstr(path, "(deleted)"));
  if (env != NULL && strcmp(env, "file") == 0) {
    assert_null(strstr(path, "/dev/shm/"));
    assert_null(strstr(path, "memfd:"));
  }
}
#elif TEST_HOST_DARWIN
// macOS: every VMO is an unlinked regular file in $TMPDIR (or /tmp), whatever
// VMAR_POSIX_VMO_BACKING says: its shared-memory objects cannot be VMOs and
// it has no memfd (design.md §5). No /proc names the mapping's file, so the
// file is checked through the VMO's descriptor: a regular file (fstat of a
// shared-memory object there shows no file type), with no name left, on
// the temporary directory's file system.
static void check_backing(vmar_handle_t vmo, vmar_vaddr_t addr) {
  (void)addr;
  int fd = -1;
  assert_status(VMAR_OK, vmar_vmo_get_fd(vmo, &fd));
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(st.st_nlink, 0);
  assert_int_equal(st.st_size, PAGE);
  const char* dir = getenv("TMPDIR");
  struct stat dir_st;
  assert_int_equal(stat(dir != NULL && dir[0] != '\0' ? dir : "/tmp", &dir_st),
                   0);
  assert_int_equal(st.st_dev, dir_st.st_dev);
  assert_int_equal(close(fd), 0);
}
#endif

#if TEST_HOST_PROCFS || TEST_HOST_DARWIN
// A one-page VMO, mapped read-only in the root VMAR, is backed by the file
// the host's rule picks (check_backing above).
static void vmo_create__backing_follows_environment(void** state) {
  (void)state;
  vmar_handle_t vmo;
  assert_status(VMAR_OK, vmar_vmo_create(PAGE, 0, &vmo));
  vmar_vaddr_t addr;
  assert_status(VMAR_OK, vmar_map(vmar_root_self(), VMAR_VM_PERM_READ, 0, vmo,
                                  0, PAGE, &addr));
  check_backing(vmo, addr);
  assert_status(VMAR_OK, vmar_unmap(vmar_root_self(), addr, PAGE));
  close_ok(vmo);
}
#else
static void vmo_create__backing_follows_environment(void** state) {
  (void)state;
  print_message("backing: skipped: no /proc to name a mapping's file, and "
                "no known rule for this host's choice\n");
  skip();
}
#endif

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
  close_ok(vmo);
}

// An exported descriptor names the same memory: a VMO made from it sees
// what the first one wrote, and the other way round.
static void vmo_get_fd__round_trip_shares_pages(void** state) {
  (void)state;
  vmar_handle_t a;
  assert_status(VMAR_OK, vmar_vmo_create(2 * PAGE, 0, &a));
  assert_status(VMAR_OK, vmar_vmo_write(a, "ping", PAGE, 5));
  int fd = -1;
  assert_status(VMAR_OK, vmar_vmo_get_fd(a, &fd));
  assert_true(fd >= 0);
  vmar_handle_t b;
  assert_status(VMAR_OK, vmar_vmo_create_from_fd(fd, 0, &b));
  assert_int_equal(close(fd), 0); // the VMO keeps its own descriptor
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_get_size(b, &size));
  assert_int_equal(size, 2 * PAGE);
  char got[5] = {0};
  assert_status(VMAR_OK, vmar_vmo_read(b, got, PAGE, 5));
  assert_string_equal(got, "ping");
  assert_status(VMAR_OK, vmar_vmo_write(b, "pong", 0, 5));
  assert_status(VMAR_OK, vmar_vmo_read(a, got, 0, 5));
  assert_string_equal(got, "pong");
  assert_int_equal(rights_of(b), VMAR_DEFAULT_VMO_RIGHTS);
  CLOSE_ALL_OK(a, b);
}

// Each documented failure, with the output untouched.
static void vmo_get_fd__errors(void** state) {
  (void)state;
  vmar_handle_t vmo;
  assert_status(VMAR_OK, vmar_vmo_create(PAGE, 0, &vmo));
  int fd = -7;
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_get_fd(VMAR_HANDLE_INVALID, &fd));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_get_fd(vmar_root_self(), &fd));
  vmar_handle_t ro;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(
                    vmo, VMAR_DEFAULT_VMO_RIGHTS & ~VMAR_RIGHT_WRITE, &ro));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_fd(ro, &fd));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_get_fd(vmo, NULL));
  assert_int_equal(fd, -7);

  vmar_handle_t out = 0x1234567u;
  int pipefd[2];
  assert_int_equal(pipe(pipefd), 0);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_create_from_fd(-1, 0, &out));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_create_from_fd(pipefd[0], 0, &out));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_create_from_fd(pipefd[1] + 100, 0, &out));
  assert_status(VMAR_OK, vmar_vmo_get_fd(vmo, &fd));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_create_from_fd(fd, VMAR_VMO_DISCARDABLE, &out));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_create_from_fd(fd, 0, NULL));
  assert_int_equal(out, 0x1234567u);
  close(fd);
  close(pipefd[0]);
  close(pipefd[1]);
  CLOSE_ALL_OK(ro, vmo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(vmo_create__backing_follows_environment),
      cmocka_unit_test(vmo_set_size__repeated_resizes_keep_contents),
      cmocka_unit_test(vmo_get_fd__round_trip_shares_pages),
      cmocka_unit_test(vmo_get_fd__errors),
  };
  return cmocka_run_group_tests_name("posix.backing", tests, NULL, NULL);
}
