// SPDX-License-Identifier: MIT
// vmar tests: host facts and calls behind host.h.

#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "test.h"

size_t test_fd_count(void) {
  int limit = 4096;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      rl.rlim_cur < (rlim_t)limit) {
    limit = (int)rl.rlim_cur;
  }
  size_t n = 0;
  for (int fd = 0; fd < limit; fd++) {
    n += fcntl(fd, F_GETFD) != -1;
  }
  return n;
}

int test_temp_file(uint64_t size, int flags) {
  const char* dir = getenv("TMPDIR");
  char path[1024];
  const int len = snprintf(path, sizeof(path), "%s/vmar-test.XXXXXX",
                           dir != NULL && dir[0] != '\0' ? dir : "/tmp");
  assert_true(len > 0 && (size_t)len < sizeof(path));
  int made = mkstemp(path);
  assert_true(made >= 0);
  assert_int_equal(ftruncate(made, (off_t)size), 0);
  int fd = open(path, flags | O_CLOEXEC);
  const int err = errno;
  unlink(path);
  close(made);
  if (fd < 0) {
    print_error("test_temp_file: open(%s): %s\n", path, strerror(err));
    fail();
  }
  return fd;
}

bool test_self_path(const char* argv0, char* out, size_t cap) {
#if TEST_HOST_PROCFS
  ssize_t len = readlink("/proc/self/exe", out, cap - 1);
  if (len > 0) {
    out[len] = '\0';
    return true;
  }
#endif
  char resolved[PATH_MAX];
  if (argv0 == NULL || strchr(argv0, '/') == NULL ||
      realpath(argv0, resolved) == NULL || strlen(resolved) >= cap) {
    return false;
  }
  strcpy(out, resolved);
  return true;
}
