// SPDX-License-Identifier: MIT
// VMOs shared through file descriptors keep writing where they are asked:
// a descriptor's status flags (append mode above all) never move the
// library's writes, whether the VMO was imported from that descriptor or
// exported through it.
// APIs covered: vmar_vmo_create_from_fd, vmar_vmo_get_fd, vmar_vmo_write,
//   vmar_vmo_read.

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

// Hosts whose /proc lets a descriptor be reopened as a new open file
// description (src/posix/platform.h decides the same way): there the
// library's own description is never anyone else's.
#if defined(__linux__) && !defined(VMAR_POSIX_PORTABLE) &&                     \
    !defined(VMAR_EMULATE_DARWIN)
#define HOST_REOPENS 1
#else
#define HOST_REOPENS 0
#endif

// A regular file of |pages| pages, unlinked, opened with |flags| | O_RDWR.
static int temp_file(size_t pages, int flags) {
  const char* dir = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof(path), "%s/vmar-test.XXXXXX",
           dir != NULL && dir[0] != '\0' ? dir : "/tmp");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, (off_t)(pages * PAGE)), 0);
  int again = open(path, O_RDWR | flags);
  assert_true(again >= 0);
  unlink(path);
  close(fd);
  return again;
}

static off_t file_size(int fd) {
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  return st.st_size;
}

static void set_append(int fd) {
  int flags = fcntl(fd, F_GETFL);
  assert_true(flags >= 0);
  assert_int_equal(fcntl(fd, F_SETFL, flags | O_APPEND), 0);
}

// |text| is at |offset| of |vmo|, and the VMO is still |pages| long.
static void assert_written(vmar_handle_t vmo, uint64_t offset, const char* text,
                           size_t pages) {
  char back[16] = {0};
  size_t len = strlen(text);
  assert_status(VMAR_OK, vmar_vmo_read(vmo, back, offset, len));
  assert_memory_equal(back, text, len);
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_get_size(vmo, &size));
  assert_int_equal(size, pages * PAGE);
}

// A descriptor opened in append mode: where the host can give the VMO its
// own description the import succeeds and a write at offset 0 lands at 0,
// with the file's length unchanged; elsewhere the import is refused with
// INVALID_ARGS, before anything is made.
static void create_from_fd__append_mode_write_lands(void** state) {
  (void)state;
  int fd = temp_file(2, O_APPEND);
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  vmar_status_t st = vmar_vmo_create_from_fd(fd, 0, &vmo);
  if (!HOST_REOPENS) {
    assert_status(VMAR_ERR_INVALID_ARGS, st);
    assert_int_equal(vmo, VMAR_HANDLE_INVALID);
    close(fd);
    return;
  }
  assert_status(VMAR_OK, st);
  assert_status(VMAR_OK, vmar_vmo_write(vmo, "HELLO", 0, 5));
  assert_written(vmo, 0, "HELLO", 2);
  char back[6] = {0};
  assert_int_equal(pread(fd, back, 5, 0), 5);
  assert_memory_equal(back, "HELLO", 5);
  assert_int_equal(file_size(fd), (off_t)(2 * PAGE));
  close_ok(vmo);
  close(fd);
}

// The importer puts its own descriptor in append mode afterwards: where the
// VMO has its own description the write is unaffected; where it shares the
// importer's, the write is refused (BAD_STATE) rather than appended.
static void create_from_fd__later_append_mode_never_moves_write(void** state) {
  (void)state;
  int fd = temp_file(1, 0);
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create_from_fd(fd, 0, &vmo));
  set_append(fd);
  vmar_status_t st = vmar_vmo_write(vmo, "LATE", PAGE / 2, 4);
  if (HOST_REOPENS) {
    assert_status(VMAR_OK, st);
    assert_written(vmo, PAGE / 2, "LATE", 1);
  } else {
    assert_status(VMAR_ERR_BAD_STATE, st);
  }
  assert_int_equal(file_size(fd), (off_t)PAGE);
  close_ok(vmo);
  close(fd);
}

// A receiver of an exported descriptor puts it in append mode: the owner's
// writes still land where they are asked, on every host, and the file's
// length does not change.
static void get_fd__receiver_append_mode_never_moves_owner(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_new(2 * PAGE, 0);
  int fd = -1;
  assert_status(VMAR_OK, vmar_vmo_get_fd(vmo, &fd));
  set_append(fd);
  assert_status(VMAR_OK, vmar_vmo_write(vmo, "OWNER", PAGE, 5));
  assert_written(vmo, PAGE, "OWNER", 2);
  char back[6] = {0};
  assert_int_equal(pread(fd, back, 5, (off_t)PAGE), 5);
  assert_memory_equal(back, "OWNER", 5);
  assert_int_equal(file_size(fd), (off_t)(2 * PAGE));
  // The receiver's own writes do append: its flags are its own business.
  assert_int_equal(write(fd, "X", 1), 1);
  assert_int_equal(file_size(fd), (off_t)(2 * PAGE + 1));
  close(fd);
  close_ok(vmo);
}

// Exported twice, and the VMO re-imported from one export: all three name
// the same bytes. The other export is then put in append mode. The owner
// writes where it asks on every host. The re-imported VMO does too where
// every export got a description of its own; where the exports share one
// (no /proc), it shares that one and refuses the write (BAD_STATE).
static void get_fd__round_trip_shares_bytes(void** state) {
  (void)state;
  vmar_handle_t vmo = vmo_new(PAGE, 0);
  int a = -1;
  int b = -1;
  assert_status(VMAR_OK, vmar_vmo_get_fd(vmo, &a));
  assert_status(VMAR_OK, vmar_vmo_get_fd(vmo, &b));
  vmar_handle_t again = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create_from_fd(a, 0, &again));
  assert_status(VMAR_OK, vmar_vmo_write(again, "ONE", 0, 3));
  assert_written(vmo, 0, "ONE", 1);
  set_append(b);
  assert_status(VMAR_OK, vmar_vmo_write(vmo, "OWN", 4, 3));
  assert_written(again, 4, "OWN", 1);
  vmar_status_t st = vmar_vmo_write(again, "TRIP", 8, 4);
  if (HOST_REOPENS) {
    assert_status(VMAR_OK, st);
    assert_written(vmo, 8, "TRIP", 1);
  } else {
    assert_status(VMAR_ERR_BAD_STATE, st);
  }
  assert_int_equal(file_size(a), (off_t)PAGE);
  close(a);
  close(b);
  close_ok(again);
  close_ok(vmo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(create_from_fd__append_mode_write_lands),
      cmocka_unit_test(create_from_fd__later_append_mode_never_moves_write),
      cmocka_unit_test(get_fd__receiver_append_mode_never_moves_owner),
      cmocka_unit_test(get_fd__round_trip_shares_bytes),
  };
  return cmocka_run_group_tests_name("posix.descriptors", tests, NULL, NULL);
}
