// SPDX-License-Identifier: MIT
// The host calls of the POSIX backend (see sys.h). Nothing else in the
// backend includes a host header that declares a system call.

#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vmar/options.h>

#include "base/fault.h"

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif

#if defined(VMAR_EMULATE_DARWIN) && !defined(F_PUNCHHOLE)
// The Darwin personality builds against Linux's headers: macOS's own values
// for what it uses, which the test shim (tests/darwin) answers as macOS does.
#define F_PUNCHHOLE 99
typedef struct fpunchhole {
  unsigned int fp_flags;
  unsigned int reserved;
  off_t fp_offset;
  off_t fp_length;
} fpunchhole_t;
#endif

// Private, inaccessible, uncommitted: what every reservation is made of.
#define RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

// Returns from the calling function with the injected errno when |site| is
// armed to fail this call.
#define INJECT(site)                                                           \
  do {                                                                         \
    int injected_;                                                             \
    if (vmar__fault_hit((site), &injected_)) {                                 \
      return injected_;                                                        \
    }                                                                          \
  } while (0)

size_t vmar__sys_page_size(void) {
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? (size_t)page : 4096;
}

uint64_t vmar__sys_seed(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
         ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)&ts;
}

int vmar__sys_prot(uint32_t perms) {
  int prot = PROT_NONE;
  if (perms & VMAR_VM_PERM_READ) {
    prot |= PROT_READ;
  }
  if (perms & VMAR_VM_PERM_WRITE) {
    prot |= PROT_WRITE;
  }
  if (perms & VMAR_VM_PERM_EXECUTE) {
    prot |= PROT_EXEC;
  }
  return prot;
}

// ---- Address space ----

int vmar__sys_reserve_anywhere(size_t size, uintptr_t* out) {
  INJECT(VMAR__FAULT_MMAP);
  void* p = mmap(NULL, size, PROT_NONE, RESERVE_FLAGS, -1, 0);
  if (p == MAP_FAILED) {
    return errno;
  }
  *out = (uintptr_t)p;
  return 0;
}

int vmar__sys_reserve_at(uintptr_t addr, size_t size) {
  INJECT(VMAR__FAULT_MMAP);
#if defined(VMAR__HAVE_NOREPLACE)
  const int flags = RESERVE_FLAGS | MAP_FIXED_NOREPLACE;
#else
  const int flags = RESERVE_FLAGS; // a hint: checked below
#endif
  void* p = mmap((void*)addr, size, PROT_NONE, flags, -1, 0);
  if (p == MAP_FAILED) {
    return errno;
  }
  if ((uintptr_t)p != addr) {
    // Without MAP_FIXED_NOREPLACE (or on a host that treats it as a hint)
    // the host put it elsewhere because the range is taken.
    munmap(p, size);
    return EEXIST;
  }
  return 0;
}

int vmar__sys_release(uintptr_t addr, size_t size) {
  INJECT(VMAR__FAULT_MUNMAP);
  return munmap((void*)addr, size) == 0 ? 0 : errno;
}

int vmar__sys_rereserve(uintptr_t addr, size_t size) {
  INJECT(VMAR__FAULT_MMAP);
  void* p =
      mmap((void*)addr, size, PROT_NONE, RESERVE_FLAGS | MAP_FIXED, -1, 0);
  return p == MAP_FAILED ? errno : 0;
}

int vmar__sys_map_file(uintptr_t* addr, size_t size, int prot, int fd,
                       uint64_t offset, int how) {
  INJECT(VMAR__FAULT_MMAP);
  int flags = MAP_SHARED;
  void* want = (void*)*addr;
  if (how == VMAR__SYS_AT_FIXED) {
    flags |= MAP_FIXED;
  } else if (how == VMAR__SYS_AT_NOREPLACE) {
#if defined(VMAR__HAVE_NOREPLACE)
    flags |= MAP_FIXED_NOREPLACE;
#endif
  } else {
    want = NULL;
  }
  void* p = mmap(want, size, prot, flags, fd, (off_t)offset);
  if (p == MAP_FAILED) {
    return errno;
  }
  if (how == VMAR__SYS_AT_NOREPLACE && (uintptr_t)p != *addr) {
    munmap(p, size);
    return EEXIST;
  }
  *addr = (uintptr_t)p;
  return 0;
}

int vmar__sys_protect(uintptr_t addr, size_t size, int prot) {
  INJECT(VMAR__FAULT_MPROTECT);
  return mprotect((void*)addr, size, prot) == 0 ? 0 : errno;
}

void vmar__sys_will_need(uintptr_t addr, size_t size) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MADVISE, &injected)) {
    return;
  }
#ifdef MADV_WILLNEED
  (void)madvise((void*)addr, size, MADV_WILLNEED);
#else
  (void)addr;
  (void)size;
#endif
}

// Reads a whole /proc file through |buf| (no allocation: at the limit malloc
// may itself need a host mapping) and counts its newlines. -1 on failure.
#if defined(VMAR__HAVE_PROCFS)
static long count_lines(const char* path, long* first_number) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  char buf[4096];
  long lines = 0;
  bool first = true;
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (first && first_number != NULL) {
      *first_number = strtol(buf, NULL, 10);
    }
    first = false;
    for (ssize_t i = 0; i < n; i++) {
      lines += buf[i] == '\n';
    }
  }
  close(fd);
  return n < 0 ? -1 : lines;
}
#endif

bool vmar__sys_at_map_limit(void) {
#if defined(VMAR__HAVE_PROCFS)
  long max = -1;
  if (count_lines("/proc/sys/vm/max_map_count", &max) < 0 || max <= 0) {
    return false;
  }
  // A failed mmap can leave the count one past the limit; a little slack
  // covers the mappings /proc/self/maps lists that do not count ([vsyscall]).
  long mappings = count_lines("/proc/self/maps", NULL);
  return mappings >= max - 2;
#else
  return false;
#endif
}

// ---- VMO backing files ----

#if defined(VMAR__HAVE_MEMFD)
int vmar__sys_open_memfd(int* fd_out) {
  INJECT(VMAR__FAULT_OPEN);
  int fd = memfd_create("vmar", MFD_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  *fd_out = fd;
  return 0;
}
#endif

// Opens |name| a second time as a new open file description.
static int open_again(const char* name, bool shm, int* out) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_OPEN, &injected)) {
    return injected;
  }
  int fd = shm ? shm_open(name, O_RDWR, 0600) : open(name, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  *out = fd;
  return 0;
}

int vmar__sys_open_shm(int* fd_out, int* second) {
  INJECT(VMAR__FAULT_OPEN);
  static atomic_uint_fast32_t counter;
  for (int attempt = 0; attempt < 16; attempt++) {
    // Short enough for every host's limit on names (31 bytes on macOS).
    char name[32];
    snprintf(name, sizeof(name), "/vmar.%lx.%lx",
             (unsigned long)getpid() & 0xFFFFFFul,
             (unsigned long)(atomic_fetch_add(&counter, 1) ^
                             (vmar__sys_seed() & 0xFFFF0000ul)) &
                 0xFFFFFFFFul);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      if (errno == EEXIST) {
        continue;
      }
      return errno;
    }
    int err = second != NULL ? open_again(name, true, second) : 0;
    shm_unlink(name); // anonymous from now on, like a memfd
    if (err != 0) {
      close(fd);
      return err;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    *fd_out = fd;
    return 0;
  }
  return EEXIST;
}

int vmar__sys_open_tmpfile(int* fd_out, int* second) {
  INJECT(VMAR__FAULT_OPEN);
  const char* dir = getenv("TMPDIR");
  if (dir == NULL || dir[0] == '\0') {
    dir = "/tmp";
  }
  char path[4096];
  if ((size_t)snprintf(path, sizeof(path), "%s/vmar.XXXXXX", dir) >=
      sizeof(path)) {
    return ENAMETOOLONG;
  }
  int fd = mkstemp(path);
  if (fd < 0) {
    return errno;
  }
  int err = second != NULL ? open_again(path, false, second) : 0;
  unlink(path);
  if (err != 0) {
    close(fd);
    return err;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  *fd_out = fd;
  return 0;
}

int vmar__sys_reopen(int fd, int* out) {
  INJECT(VMAR__FAULT_OPEN);
#if defined(VMAR__HAVE_PROCFS)
  char path[40];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  int d = open(path, O_RDWR | O_CLOEXEC);
  if (d < 0) {
    // No /proc mounted, or the file's permissions forbid a new open: this
    // descriptor cannot be reopened here. Anything else (out of descriptors,
    // say) is a failure of its own.
    const int err = errno;
    return err == ENOENT || err == EACCES || err == EPERM || err == ENXIO
               ? ENOSYS
               : err;
  }
  *out = d;
  return 0;
#else
  (void)fd;
  (void)out;
  return ENOSYS;
#endif
}

int vmar__sys_appends(int fd, bool* appends) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) {
    return errno;
  }
  *appends = (flags & O_APPEND) != 0;
  return 0;
}

int vmar__sys_close(int fd) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_CLOSE, &injected)) {
    (void)close(fd);
    return injected;
  }
  return close(fd) == 0 ? 0 : errno;
}

int vmar__sys_dup(int fd, int* out) {
  INJECT(VMAR__FAULT_OPEN);
  int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (d < 0) {
    return errno;
  }
  *out = d;
  return 0;
}

int vmar__sys_file_info(int fd, uint64_t* size, int* kind) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    return errno;
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) {
    return errno;
  }
  *size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
  if (!S_ISREG(st.st_mode)) {
    *kind = VMAR__SYS_FILE_OTHER;
  } else {
    *kind = (flags & O_ACCMODE) == O_RDWR ? VMAR__SYS_FILE_RW
                                          : VMAR__SYS_FILE_RDONLY;
  }
  return 0;
}

int vmar__sys_ftruncate(int fd, uint64_t size) {
  INJECT(VMAR__FAULT_FTRUNCATE);
  return ftruncate(fd, (off_t)size) == 0 ? 0 : errno;
}

int vmar__sys_pread_all(int fd, void* buf, size_t len, uint64_t off) {
  INJECT(VMAR__FAULT_PREAD);
  char* p = buf;
  while (len > 0) {
    ssize_t n = pread(fd, p, len, (off_t)off);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    if (n == 0) {
      return EIO; // the file is shorter than the VMO says
    }
    p += n;
    len -= (size_t)n;
    off += (uint64_t)n;
  }
  return 0;
}

int vmar__sys_pwrite_all(int fd, const void* buf, size_t len, uint64_t off) {
  INJECT(VMAR__FAULT_PWRITE);
  const char* p = buf;
  while (len > 0) {
    ssize_t n = pwrite(fd, p, len, (off_t)off);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    p += n;
    len -= (size_t)n;
    off += (uint64_t)n;
  }
  return 0;
}

// Maps the pages of |fd| that hold [off, off + len), shared and writable:
// returns the first page's address and sets *span to the length to unmap,
// or returns NULL with the error in *err.
static char* map_file_pages(int fd, uint64_t off, uint64_t len, size_t* span,
                            int* err) {
  const uint64_t page = vmar__sys_page_size();
  const uint64_t start = off & ~(page - 1);
  if (len > SIZE_MAX - (off - start)) {
    *err = EFBIG;
    return NULL;
  }
  *span = (size_t)(len + (off - start));
  void* p =
      mmap(NULL, *span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)start);
  if (p == MAP_FAILED || p == NULL) { // NULL is never handed out here
    *err = p == NULL ? ENOMEM : errno;
    return NULL;
  }
  return p;
}

// Clears the range through a temporary mapping of the file. Only the mmap
// can fail, and it fails before anything changed, so the range is zeroed
// whole or not at all (chunked writes could stop half-way).
static int zero_through_mapping(int fd, uint64_t off, uint64_t len) {
  size_t span = 0;
  int err = 0;
  char* base = map_file_pages(fd, off, len, &span, &err);
  if (base == NULL) {
    return err;
  }
  memset(base + (off & (vmar__sys_page_size() - 1)), 0, (size_t)len);
  munmap(base, span);
  return 0;
}

#if defined(VMAR__HAVE_PUNCHHOLE)
// macOS frees a file's blocks with F_PUNCHHOLE, on whole blocks (pages are
// whole blocks). The partial pages at either end are cleared through a
// temporary mapping taken before the hole is punched: the mapping is the only
// step that can fail after nothing, the punch the only one after that, so the
// range is zeroed whole or not at all. ENOTSUP: the file system has no holes.
static int punch_and_zero(int fd, uint64_t off, uint64_t len) {
  const uint64_t page = vmar__sys_page_size();
  const uint64_t start = off & ~(page - 1);
  const uint64_t lo = (off + page - 1) & ~(page - 1);
  const uint64_t hi = (off + len) & ~(page - 1);
  if (lo >= hi) {
    return ENOTSUP; // no whole page inside
  }
  fpunchhole_t hole = {0, 0, (off_t)lo, (off_t)(hi - lo)};
  if (lo == off && hi == off + len) {
    return fcntl(fd, F_PUNCHHOLE, &hole) == 0 ? 0 : errno;
  }
  size_t span = 0;
  int err = 0;
  char* p = map_file_pages(fd, off, len, &span, &err);
  if (p == NULL) {
    return err;
  }
  err = fcntl(fd, F_PUNCHHOLE, &hole) == 0 ? 0 : errno;
  if (err == 0) {
    memset(p + (off - start), 0, (size_t)(lo - off));
    memset(p + (hi - start), 0, (size_t)(off + len - hi));
  }
  munmap(p, span);
  return err;
}
#endif

int vmar__sys_zero_range(int fd, uint64_t off, uint64_t len) {
  INJECT(VMAR__FAULT_FALLOCATE);
#if defined(VMAR__HAVE_FALLOCATE)
  if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
                (off_t)len) == 0) {
    return 0;
  }
  if (errno != EOPNOTSUPP && errno != ENOSYS) {
    return errno;
  }
#elif defined(VMAR__HAVE_PUNCHHOLE)
  int err = punch_and_zero(fd, off, len);
  if (err != ENOTSUP && err != EINVAL) {
    return err;
  }
#endif
  return zero_through_mapping(fd, off, len);
}

int vmar__sys_commit_range(int fd, uint64_t off, uint64_t len) {
  INJECT(VMAR__FAULT_FALLOCATE);
#if defined(VMAR__HAVE_FALLOCATE)
  if (fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0) {
    return 0;
  }
  if (errno != EOPNOTSUPP && errno != ENOSYS) {
    return errno;
  }
#else
  (void)fd;
  (void)off;
  (void)len;
#endif
  return 0; // committed on first touch instead
}

// The next extent of data at or after |off| in |fd|, up to |end|: its start
// in |*data| and end in |*hole|; |*data| = |end| when none is left.
static int next_data(int fd, uint64_t off, uint64_t end, bool find,
                     uint64_t* data, uint64_t* hole) {
  *data = off;
  *hole = end;
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
  if (find) {
    off_t d = lseek(fd, (off_t)off, SEEK_DATA);
    if (d < 0) {
      if (errno == ENXIO) {
        *data = end; // only a hole from here to the end of the file
        return 0;
      }
      return errno == EINVAL ? 0 : errno; // EINVAL: no holes to find here
    }
    off_t h = lseek(fd, d, SEEK_HOLE);
    if (h < 0) {
      return errno;
    }
    *data = (uint64_t)d < end ? (uint64_t)d : end;
    *hole = (uint64_t)h < end ? (uint64_t)h : end;
  }
#else
  (void)fd;
  (void)find;
#endif
  return 0;
}

// Copies one extent: in the kernel where the host can (copy_file_range,
// at explicit offsets: no file offset moves); else the source mapped
// read-only, written to |dst| with one pwrite per chunk (no buffer of our
// own, a single copy).
static int copy_extent(int src, uint64_t off, int dst, uint64_t to,
                       uint64_t len) {
#if defined(VMAR__HAVE_COPY_FILE_RANGE)
  while (len > 0) {
    loff_t in = (loff_t)off;
    loff_t out = (loff_t)to;
    const size_t want = len < ((size_t)1 << 30) ? (size_t)len : (size_t)1 << 30;
    ssize_t n = copy_file_range(src, &in, dst, &out, want, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n == 0 || errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
          errno == EOPNOTSUPP) {
        break; // the host cannot: map and write what is left
      }
      return errno;
    }
    off += (uint64_t)n;
    to += (uint64_t)n;
    len -= (uint64_t)n;
  }
#endif
  const uint64_t chunk = (uint64_t)16 << 20;
  while (len > 0) {
    const size_t n = (size_t)(len < chunk ? len : chunk);
    void* p = mmap(NULL, n, PROT_READ, MAP_SHARED, src, (off_t)off);
    if (p == MAP_FAILED) {
      return errno;
    }
    int err = vmar__sys_pwrite_all(dst, p, n, to);
    munmap(p, n);
    if (err != 0) {
      return err;
    }
    off += n;
    to += n;
    len -= n;
  }
  return 0;
}

int vmar__sys_copy_data(int src, uint64_t src_off, int dst, uint64_t dst_off,
                        uint64_t len, bool src_shared) {
  INJECT(VMAR__FAULT_PWRITE); // a copy into the file, as pwrite is
  const uint64_t end = src_off + len;
  const uint64_t page = vmar__sys_page_size();
  uint64_t off = src_off;
  while (off < end) {
    uint64_t data;
    uint64_t hole;
    int err = next_data(src, off, end, !src_shared, &data, &hole);
    if (err != 0) {
      return err;
    }
    // Extents start on pages (the mapping needs it; the source offset is a
    // page multiple, and holes come in whole pages).
    data &= ~(page - 1);
    if (data < off) {
      data = off;
    }
    if (data >= end) {
      break;
    }
    if ((err = copy_extent(src, data, dst, dst_off + (data - src_off),
                           hole - data)) != 0) {
      return err;
    }
    off = hole;
  }
  return 0;
}

int vmar__sys_file_bytes(int fd, uint64_t* bytes) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    return errno;
  }
  *bytes = st.st_blocks > 0 ? (uint64_t)st.st_blocks * 512 : 0;
  return 0;
}
