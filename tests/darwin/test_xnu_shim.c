// SPDX-License-Identifier: MIT
// Self-test of the XNU shim: each rule it imposes, run under LD_PRELOAD.
//
// Plain C, no test framework: prints each failed check and exits 1, or
// prints "N passed, 0 failed" and exits 0. Run without the shim preloaded it
// fails at once (the first check looks for the shim's backdoor).

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sanitizer.h"

static int passed;
static int failed;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      passed++;                                                                \
    } else {                                                                   \
      failed++;                                                                \
      printf("FAIL %s:%d: %s (errno %d: %s)\n", __FILE__, __LINE__, #cond,     \
             errno, strerror(errno));                                          \
    }                                                                          \
  } while (0)

// The call fails with err.
#define FAILS(call, err) CHECK((errno = 0, (call) == -1) && errno == (err))
#define MAP_FAILS(call, err)                                                   \
  CHECK((errno = 0, (call) == MAP_FAILED) && errno == (err))

typedef int (*region_fn)(uintptr_t, uintptr_t*, uintptr_t*, int*, int*);
static region_fn region;
static size_t page;

static int shm_new(const char* name, int oflag, mode_t mode) {
  shm_unlink(name);
  return shm_open(name, oflag | O_CREAT | O_EXCL, mode);
}

static void* map(size_t len, int prot, int flags, int fd) {
  return mmap(NULL, len, prot, flags, fd, 0);
}

static void test_names(void) {
  char name[40];
  memset(name, 'n', sizeof(name));
  name[0] = '/';
  name[32] = '\0'; // 32 bytes: one past PSHMNAMLEN
  FAILS(shm_open(name, O_RDWR | O_CREAT, 0600), ENAMETOOLONG);
  FAILS(shm_unlink(name), EINVAL);
  name[31] = '\0';
  int fd = shm_new(name, O_RDWR, 0600);
  CHECK(fd >= 0);
  CHECK(shm_unlink(name) == 0);
  close(fd);
  FAILS(shm_open("", O_RDWR | O_CREAT, 0600), EINVAL);
  // No leading '/' needed, and "/x" and "x" are two objects.
  int a = shm_new("/xnu-shim-test", O_RDWR, 0600);
  int b = shm_new("xnu-shim-test", O_RDWR, 0600);
  CHECK(a >= 0 && b >= 0);
  CHECK(ftruncate(a, 1) == 0 && ftruncate(b, 3 * page) == 0);
  struct stat sa, sb;
  CHECK(fstat(a, &sa) == 0 && fstat(b, &sb) == 0);
  CHECK(sa.st_size == (off_t)page && sb.st_size == (off_t)(3 * page));
  int c = shm_open("a/b", O_RDWR | O_CREAT, 0600); // '/' inside is fine
  CHECK(c >= 0);
  CHECK(shm_unlink("/xnu-shim-test") == 0 && shm_unlink("xnu-shim-test") == 0);
  CHECK(shm_unlink("a/b") == 0);
  FAILS(shm_unlink("a/b"), ENOENT);
  close(a);
  close(b);
  close(c);
}

static void test_shm(void) {
  mode_t old_mask = umask(022);
  int fd = shm_new("/xnu-shim-obj", O_RDWR, 0666);
  umask(old_mask);
  CHECK(fd >= 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  CHECK(st.st_mode == 0666); // no S_IFMT, and no umask applied
  CHECK(st.st_size == 0 && st.st_nlink == 0 && st.st_ino == 0);
  char buf[8] = {0};
  struct iovec iov = {buf, sizeof(buf)};
  FAILS(read(fd, buf, 1), ENXIO);
  FAILS(write(fd, buf, 1), ENXIO);
  FAILS(readv(fd, &iov, 1), ENXIO);
  FAILS(pread(fd, buf, 1, 0), ESPIPE);
  FAILS(pwrite(fd, buf, 1, 0), ESPIPE);
  FAILS(preadv(fd, &iov, 1, 0), ESPIPE);
  FAILS(pwritev(fd, &iov, 1, 0), ESPIPE);
  MAP_FAILS(map(page, PROT_READ, MAP_SHARED, fd), EINVAL); // not sized yet

  CHECK(ftruncate(fd, 100) == 0);
  FAILS(ftruncate(fd, 100), EINVAL);
  FAILS(ftruncate(fd, 8 * page), EINVAL);
  CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)page); // rounded up
  CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && st.st_mode == 0666);
  struct statx sx;
  CHECK(statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0);
  CHECK(sx.stx_mode == 0666 && sx.stx_size == page && sx.stx_ino == 0);
  FAILS(shm_open("/xnu-shim-obj", O_RDWR | O_TRUNC, 0), EINVAL);
  FAILS(shm_open("/xnu-shim-obj", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);

  MAP_FAILS(map(page, PROT_READ, MAP_PRIVATE, fd), EINVAL);
  MAP_FAILS(map(2 * page, PROT_READ, MAP_SHARED, fd), EINVAL);
  MAP_FAILS(mmap(NULL, 1, PROT_READ, MAP_SHARED, fd, (off_t)page), EINVAL);
  MAP_FAILS(map(page, PROT_READ | PROT_EXEC, MAP_SHARED, fd), EINVAL);
  char* p = map(page, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
  CHECK(p != MAP_FAILED);
  p[0] = 'x';
  FAILS(mprotect(p, page, PROT_READ | PROT_EXEC), EACCES);
  FAILS(mprotect(p, page, PROT_EXEC), EACCES);
  CHECK(mprotect(p, page, PROT_READ) == 0);

  // Read-only descriptor: a writable shared mapping is EPERM.
  int ro = shm_open("/xnu-shim-obj", O_RDONLY, 0);
  CHECK(ro >= 0);
  MAP_FAILS(map(page, PROT_READ | PROT_WRITE, MAP_SHARED, ro), EPERM);
  char* q = map(page, PROT_READ, MAP_SHARED, ro);
  CHECK(q != MAP_FAILED && q[0] == 'x');
  FAILS(write(ro, buf, 1), EBADF); // not open for writing comes first
  FAILS(pread(ro, buf, 1, 0), ESPIPE);
  CHECK(munmap(q, page) == 0);
  close(ro);

  // Duplicates keep the rules; closing one leaves the others.
  int d1 = dup(fd);
  int d2 = fcntl(fd, F_DUPFD, 100);
  int d3 = fcntl(fd, F_DUPFD_CLOEXEC, 200);
  int d4 = dup2(fd, 300);
  int d5 = dup3(fd, 301, O_CLOEXEC);
  int dups[] = {d1, d2, d3, d4, d5};
  for (size_t i = 0; i < sizeof(dups) / sizeof(dups[0]); i++) {
    CHECK(dups[i] >= 0);
    FAILS(pread(dups[i], buf, 1, 0), ESPIPE);
    FAILS(ftruncate(dups[i], 4 * page), EINVAL);
    CHECK(fstat(dups[i], &st) == 0 && (st.st_mode & S_IFMT) == 0);
  }
  CHECK(d2 >= 100 && d3 >= 200 && d4 == 300 && d5 == 301);
  close(d1);
  FAILS(pread(d2, buf, 1, 0), ESPIPE);

  // A regular file dup2'ed over a shm descriptor takes the file's rules.
  char path[] = "/tmp/xnu-shim-XXXXXX";
  int file = mkstemp(path);
  CHECK(file >= 0);
  unlink(path);
  CHECK(dup2(file, d4) == d4);
  CHECK(pwrite(d4, "ab", 2, 0) == 2);
  close(d4);
  // A shm descriptor number reused by a file: the file's rules again.
  close(d5);
  int reused = dup2(file, d5);
  CHECK(reused == d5 && pread(reused, buf, 2, 0) == 2 && buf[1] == 'b');
  close(reused);
  close(file);
  close(d2);
  close(d3);

  // Partly unmapped: the rest keeps the rule, the hole does not.
  CHECK(munmap(p, page) == 0);
  CHECK(shm_unlink("/xnu-shim-obj") == 0);
  close(fd);
  fd = shm_new("/xnu-shim-obj3", O_RDWR, 0600);
  CHECK(fd >= 0 && ftruncate(fd, 3 * page) == 0);
  p = map(3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
  CHECK(p != MAP_FAILED);
  CHECK(munmap(p + page, page) == 0);
  FAILS(mprotect(p, page, PROT_READ | PROT_EXEC), EACCES);
  FAILS(mprotect(p + 2 * page, page, PROT_READ | PROT_EXEC), EACCES);
  void* hole = mmap(p + page, page, PROT_READ,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(hole == p + page);
  CHECK(mprotect(p + page, page, PROT_READ | PROT_EXEC) == 0);
  munmap(p, 3 * page);
  shm_unlink("/xnu-shim-obj3");
  close(fd);
}

static void test_regular_file(void) {
  char path[] = "/tmp/xnu-shim-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  unlink(path);
  char buf[4] = {0};
  CHECK(pwrite(fd, "abc", 3, 10) == 3);
  CHECK(pread(fd, buf, 3, 10) == 3 && strcmp(buf, "abc") == 0);
  CHECK(write(fd, "z", 1) == 1 && lseek(fd, 0, SEEK_SET) == 0);
  CHECK(read(fd, buf, 1) == 1 && buf[0] == 'z');
  CHECK(ftruncate(fd, 100) == 0 && ftruncate(fd, 50) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 50);
  char* p = map(4 * page, PROT_READ, MAP_SHARED, fd); // past EOF is fine
  CHECK(p != MAP_FAILED && p[10] == 'a');
  munmap(p, 4 * page);
  close(fd);
}

// F_PUNCHHOLE (macOS's value 99): whole 4 KiB blocks of a regular file read
// as zero afterwards, the size unchanged; anything unaligned, flags, or a
// shared-memory object is refused.
static void test_punch_hole(void) {
  struct {
    unsigned int flags, reserved;
    off_t offset, length;
  } hole = {0, 0, 4096, 4096};
  char path[] = "/tmp/xnu-shim-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  unlink(path);
  static char block[3 * 4096];
  memset(block, 'q', sizeof(block));
  CHECK(pwrite(fd, block, sizeof(block), 0) == (ssize_t)sizeof(block));
  CHECK(fcntl(fd, 99, &hole) == 0);
  char got[3] = {0};
  CHECK(pread(fd, &got[0], 1, 4095) == 1 && pread(fd, &got[1], 1, 4096) == 1 &&
        pread(fd, &got[2], 1, 8192) == 1);
  CHECK(got[0] == 'q' && got[1] == 0 && got[2] == 'q');
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)sizeof(block));
  hole.offset = 100;
  FAILS(fcntl(fd, 99, &hole), EINVAL);
  hole.offset = 0;
  hole.length = 100;
  FAILS(fcntl(fd, 99, &hole), EINVAL);
  hole.length = 4096;
  hole.flags = 1;
  FAILS(fcntl(fd, 99, &hole), EINVAL);
  close(fd);
  int shm = shm_open("/xnu-shim-hole", O_RDWR | O_CREAT | O_EXCL, 0600);
  CHECK(shm >= 0 && ftruncate(shm, 4096) == 0);
  hole.flags = 0;
  FAILS(fcntl(shm, 99, &hole), ENOTSUP);
  shm_unlink("/xnu-shim-hole");
  close(shm);
}

static void test_missing_calls(void) {
  FAILS(memfd_create("x", 0), ENOSYS);
  FAILS(fallocate(0, 0, 0, 1), ENOSYS);
  CHECK(posix_fallocate(0, 0, 1) == ENOSYS);
  char buf[300];
  FAILS(getrandom(buf, 16, 0), ENOSYS);
  FAILS(getentropy(buf, 257), EINVAL);
  CHECK(getentropy(buf, 256) == 0);
#if !TEST_SANITIZED // sanitizer runtimes answer mlockall themselves, with 0
  FAILS(mlockall(MCL_CURRENT), ENOSYS);
#endif
  void* p = map(page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  CHECK(p != MAP_FAILED);
  MAP_FAILS(mremap(p, page, 2 * page, MREMAP_MAYMOVE), ENOSYS);
  FAILS(msync(p, 0, MS_SYNC), EINVAL);
  munmap(p, page);
}

static void test_map_flags(void) {
  const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
  const int linux_only[] = {MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_GROWSDOWN,
                            MAP_HUGETLB,         MAP_LOCKED,   MAP_NONBLOCK,
                            MAP_STACK,           MAP_SYNC};
  for (size_t i = 0; i < sizeof(linux_only) / sizeof(linux_only[0]); i++) {
    MAP_FAILS(map(page, PROT_READ, anon | linux_only[i], -1), EINVAL);
  }
  MAP_FAILS(map(page, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1),
            EINVAL);
  MAP_FAILS(map(page, PROT_READ, anon, 5), EINVAL); // fd is VM flags there
  void* p = map(page, PROT_READ, anon | MAP_NORESERVE, -1);
  CHECK(p != MAP_FAILED);
  CHECK(mmap(p, page, PROT_READ, anon | MAP_FIXED, -1, 0) == p);
  munmap(p, page);
  p = map(page, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1);
  CHECK(p != MAP_FAILED);
  munmap(p, page);
}

static void test_madvise(void) {
  char* p =
      map(2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  CHECK(p != MAP_FAILED);
  const int linux_only[] = {MADV_REMOVE,
                            MADV_DONTFORK,
                            MADV_DOFORK,
                            MADV_MERGEABLE,
                            MADV_UNMERGEABLE,
                            MADV_HUGEPAGE,
                            MADV_NOHUGEPAGE,
                            MADV_DONTDUMP,
                            MADV_DODUMP,
                            MADV_WIPEONFORK,
                            MADV_KEEPONFORK,
                            MADV_COLD,
                            MADV_POPULATE_READ,
                            MADV_POPULATE_WRITE,
                            25 /* MADV_COLLAPSE */,
                            1000};
  for (size_t i = 0; i < sizeof(linux_only) / sizeof(linux_only[0]); i++) {
    FAILS(madvise(p, page, linux_only[i]), EINVAL);
  }
  FAILS(madvise(p, page, MADV_PAGEOUT), ENOTSUP);
  const int known[] = {MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
                       MADV_FREE};
  for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
    CHECK(madvise(p, page, known[i]) == 0);
  }
  p[page] = 'k';
  CHECK(madvise(p, 2 * page, MADV_DONTNEED) == 0);
  CHECK(p[page] == 'k'); // contents stay, as on macOS
  munmap(p + page, page);
  FAILS(madvise(p, 2 * page, MADV_DONTNEED), EINVAL); // hole: not ENOMEM
  FAILS(madvise(p, 2 * page, MADV_WILLNEED), EINVAL);
  munmap(p, page);
}

static void test_wx(void) {
  const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
  const int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
  unsetenv("XNU_SHIM_WX");
  MAP_FAILS(map(page, rwx, anon, -1), EACCES);
  MAP_FAILS(map(page, PROT_WRITE | PROT_EXEC, anon, -1), EACCES);
  void* p = map(page, PROT_READ | PROT_WRITE, anon, -1);
  CHECK(p != MAP_FAILED);
  FAILS(mprotect(p, page, rwx), EACCES);
  CHECK(mprotect(p, page, PROT_READ | PROT_EXEC) == 0);
  setenv("XNU_SHIM_WX", "allow", 1); // an Intel Mac
  CHECK(mprotect(p, page, rwx) == 0);
  void* q = map(page, rwx, anon, -1);
  CHECK(q != MAP_FAILED);
  munmap(q, page);
  unsetenv("XNU_SHIM_WX");
  munmap(p, page);
}

static void test_procfs(void) {
  errno = 0;
  CHECK(fopen("/proc/self/maps", "r") == NULL && errno == ENOENT);
  errno = 0;
  CHECK(fopen64("/proc/self/status", "r") == NULL && errno == ENOENT);
  FAILS(open("/proc/self/maps", O_RDONLY), ENOENT);
  FAILS(openat(AT_FDCWD, "/proc/self/maps", O_RDONLY), ENOENT);
  FAILS(open("//proc", O_RDONLY | O_DIRECTORY), ENOENT);
  struct stat st;
  FAILS(stat("/proc", &st), ENOENT);
  FAILS(lstat("/proc/self", &st), ENOENT);
  FAILS(fstatat(AT_FDCWD, "/proc/self/maps", &st, 0), ENOENT);
  FAILS(access("/proc/self/maps", R_OK), ENOENT);
  char buf[64];
  FAILS(readlink("/proc/self/exe", buf, sizeof(buf)), ENOENT);
  errno = 0;
  CHECK(opendir("/proc") == NULL && errno == ENOENT);
  // Nor can a program be run from there: each exec call returns ENOENT (in a
  // child, so a shim that let one through would not replace this program).
  char* const args[] = {"xnu-shim-exec-probe", NULL};
  char* const env[] = {NULL};
  pid_t pid = fork();
  if (pid == 0) {
    int bad = 0;
    bad += !(execv("/proc/self/exe", args) == -1 && errno == ENOENT);
    bad += !(execve("/proc/self/exe", args, env) == -1 && errno == ENOENT);
    bad += !(execvp("/proc/self/exe", args) == -1 && errno == ENOENT);
    bad += !(execl("/proc/self/exe", "probe", (char*)NULL) == -1 &&
             errno == ENOENT);
    bad += !(execlp("//proc/self/exe", "probe", (char*)NULL) == -1 &&
             errno == ENOENT);
    bad += !(execle("/proc/self/exe", "probe", (char*)NULL, env) == -1 &&
             errno == ENOENT);
    _exit(bad);
  }
  int status = -1;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0);
  // Elsewhere all works, O_CREAT's mode included.
  char path[] = "/tmp/xnu-shim-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  unlink(path);
  fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0640);
  close(fd);
  unlink(path);
  DIR* d = opendir("/tmp");
  CHECK(d != NULL);
  closedir(d);
}

static void test_region(void) {
  char* p =
      map(3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
  CHECK(p != MAP_FAILED);
  CHECK(munmap(p + page, page) == 0);
  CHECK(mprotect(p + 2 * page, page, PROT_READ) == 0);
  uintptr_t start, end;
  int prot, shared;
  CHECK(region((uintptr_t)p, &start, &end, &prot, &shared) == 0);
  // The kernel may merge a neighbour below into the first page's mapping.
  CHECK(start <= (uintptr_t)p && end == (uintptr_t)p + page);
  CHECK(prot == (PROT_READ | PROT_WRITE) && shared == 0);
  // In the hole: the next mapping up.
  CHECK(region((uintptr_t)p + page, &start, &end, &prot, &shared) == 0);
  CHECK(start == (uintptr_t)p + 2 * page && prot == PROT_READ);
  munmap(p, 3 * page);
  int fd = shm_new("/xnu-shim-region", O_RDWR, 0600);
  CHECK(fd >= 0 && ftruncate(fd, page) == 0);
  p = map(page, PROT_READ, MAP_SHARED, fd);
  CHECK(p != MAP_FAILED);
  CHECK(region((uintptr_t)p, &start, &end, &prot, &shared) == 0);
  CHECK(start <= (uintptr_t)p && end >= (uintptr_t)p + page);
  CHECK(shared == 1 && prot == PROT_READ);
  munmap(p, page);
  shm_unlink("/xnu-shim-region");
  close(fd);
  errno = 0;
  CHECK(region(UINTPTR_MAX - 1, &start, &end, &prot, &shared) == -1 &&
        errno == ENOENT);
}

// Threads opening, duplicating, mapping and closing objects at once: the
// rules hold on every descriptor and mapping each thread gets.
static void* churn(void* arg) {
  int* bad = arg;
  char name[32];
  snprintf(name, sizeof(name), "/xnu-shim-t%lx",
           (unsigned long)(uintptr_t)arg & 0xFFFFFFul);
  for (int i = 0; i < 200; i++) {
    int fd = shm_new(name, O_RDWR, 0600);
    shm_unlink(name);
    int d = dup(fd);
    char c;
    if (fd < 0 || d < 0 || ftruncate(d, 1) != 0 || ftruncate(fd, 1) == 0 ||
        pread(fd, &c, 1, 0) != -1 || errno != ESPIPE) {
      (*bad)++;
    }
    char* p = map(page, PROT_READ | PROT_WRITE, MAP_SHARED, d);
    if (p == MAP_FAILED || mprotect(p, page, PROT_READ | PROT_EXEC) == 0) {
      (*bad)++;
    }
    munmap(p, page);
    close(fd);
    close(d);
  }
  return NULL;
}

static void test_threads(void) {
  pthread_t t[4];
  int bad[4] = {0};
  for (int i = 0; i < 4; i++) {
    CHECK(pthread_create(&t[i], NULL, churn, &bad[i]) == 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    CHECK(bad[i] == 0);
  }
}

int main(void) {
  page = (size_t)sysconf(_SC_PAGESIZE);
  int (*active)(void) = NULL;
  void* sym = dlsym(RTLD_DEFAULT, "xnu_shim_active");
  void* rsym = dlsym(RTLD_DEFAULT, "xnu_shim_region");
  memcpy(&active, &sym, sizeof(active));
  memcpy(&region, &rsym, sizeof(region));
  if (active == NULL || active() != 1 || region == NULL) {
    printf("FAIL: the shim is not preloaded (set LD_PRELOAD to it)\n");
    return 1;
  }
  test_names();
  test_shm();
  test_regular_file();
  test_punch_hole();
  test_missing_calls();
  test_map_flags();
  test_madvise();
  test_wx();
  test_procfs();
  test_region();
  test_threads();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
