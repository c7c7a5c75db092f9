// SPDX-License-Identifier: MIT
// The host calls of the POSIX backend, in one place: reserving, re-reserving
// and releasing address space. Each returns 0 or an errno value, so callers
// convert failures with vmar__status_from_errno and never read errno.

#ifndef VMAR_SRC_POSIX_SYS_H_
#define VMAR_SRC_POSIX_SYS_H_

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif

// Host features used when present. VMAR_POSIX_PORTABLE (a build option)
// pretends they are absent, so the paths other hosts take are built and
// tested on Linux too.
#if defined(MFD_CLOEXEC) && !defined(VMAR_POSIX_PORTABLE)
#define VMAR__HAVE_MEMFD 1
#endif
#if defined(MAP_FIXED_NOREPLACE) && !defined(VMAR_POSIX_PORTABLE)
#define VMAR__HAVE_NOREPLACE 1
#endif
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE) &&           \
    !defined(VMAR_POSIX_PORTABLE)
#define VMAR__HAVE_FALLOCATE 1
#endif

// Private, inaccessible, uncommitted: what every reservation is made of.
#define VMAR__SYS_RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

// Reserves |size| bytes wherever the host likes.
static inline int vmar__sys_reserve_anywhere(size_t size, uintptr_t* out) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MMAP, &injected)) {
    return injected;
  }
  void* p = mmap(NULL, size, PROT_NONE, VMAR__SYS_RESERVE_FLAGS, -1, 0);
  if (p == MAP_FAILED) {
    return errno;
  }
  *out = (uintptr_t)p;
  return 0;
}

// Reserves exactly [addr, addr + size) if nothing at all is mapped there;
// EEXIST otherwise. Never replaces anything.
static inline int vmar__sys_reserve_at(uintptr_t addr, size_t size) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MMAP, &injected)) {
    return injected;
  }
#ifdef VMAR__HAVE_NOREPLACE
  const int flags = VMAR__SYS_RESERVE_FLAGS | MAP_FIXED_NOREPLACE;
#else
  const int flags = VMAR__SYS_RESERVE_FLAGS;
#endif
  void* p = mmap((void*)addr, size, PROT_NONE, flags, -1, 0);
  if (p == MAP_FAILED) {
    return errno;
  }
  if ((uintptr_t)p != addr) {
    // A host without MAP_FIXED_NOREPLACE (or one that treats it as a hint)
    // put it elsewhere because the range is taken.
    munmap(p, size);
    return EEXIST;
  }
  return 0;
}

// Gives [addr, addr + size) back to the host. Only for ranges vmar owns.
static inline int vmar__sys_release(uintptr_t addr, size_t size) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MUNMAP, &injected)) {
    return injected;
  }
  return munmap((void*)addr, size) == 0 ? 0 : errno;
}

// Replaces [addr, addr + size), which vmar owns, by a fresh reservation:
// whatever was mapped there is gone and the range merges with neighbouring
// free space into as few host mappings as possible.
static inline int vmar__sys_rereserve(uintptr_t addr, size_t size) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MMAP, &injected)) {
    return injected;
  }
  void* p = mmap((void*)addr, size, PROT_NONE,
                 VMAR__SYS_RESERVE_FLAGS | MAP_FIXED, -1, 0);
  return p == MAP_FAILED ? errno : 0;
}

// How vmar__sys_map_file places a mapping.
enum {
  VMAR__SYS_AT_FIXED = 0,     // replace what vmar owns at |*addr|
  VMAR__SYS_AT_NOREPLACE = 1, // exactly at |*addr|, EEXIST if anything is there
  VMAR__SYS_ANYWHERE = 2,     // wherever the host likes; |*addr| receives it
};

// Maps |size| bytes of |fd| at |offset| shared, with |prot|.
static inline int vmar__sys_map_file(uintptr_t* addr, size_t size, int prot,
                                     int fd, uint64_t offset, int how) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MMAP, &injected)) {
    return injected;
  }
  int flags = MAP_SHARED;
  void* want = (void*)*addr;
  if (how == VMAR__SYS_AT_FIXED) {
    flags |= MAP_FIXED;
  } else if (how == VMAR__SYS_AT_NOREPLACE) {
#ifdef VMAR__HAVE_NOREPLACE
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

static inline int vmar__sys_protect(uintptr_t addr, size_t size, int prot) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_MPROTECT, &injected)) {
    return injected;
  }
  return mprotect((void*)addr, size, prot) == 0 ? 0 : errno;
}

// A hint that the pages will be used soon; failures do not matter.
static inline void vmar__sys_will_need(uintptr_t addr, size_t size) {
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

// ---- VMO backing files ----

// As on Linux and the BSDs, the descriptor is released even when close
// reports an error (retrying could close a descriptor reused meanwhile); an
// injected failure behaves the same way.
static inline int vmar__sys_close(int fd) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_CLOSE, &injected)) {
    (void)close(fd);
    return injected;
  }
  return close(fd) == 0 ? 0 : errno;
}

// A close-on-exec duplicate of |fd|.
static inline int vmar__sys_dup(int fd, int* out) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_OPEN, &injected)) {
    return injected;
  }
  int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (d < 0) {
    return errno;
  }
  *out = d;
  return 0;
}

// What vmar__sys_file_info found.
enum {
  VMAR__SYS_FILE_RW = 0,     // a regular file open for reading and writing
  VMAR__SYS_FILE_RDONLY = 1, // a regular file not open for both
  VMAR__SYS_FILE_OTHER = 2,  // not a regular file (pipe, socket, device...)
};

// Size and kind of the open file |fd|.
static inline int vmar__sys_file_info(int fd, uint64_t* size, int* kind) {
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

static inline int vmar__sys_ftruncate(int fd, uint64_t size) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_FTRUNCATE, &injected)) {
    return injected;
  }
  return ftruncate(fd, (off_t)size) == 0 ? 0 : errno;
}

// Reads or writes exactly |len| bytes or returns an errno value (EFAULT when
// the buffer is not accessible).
static inline int vmar__sys_pread_all(int fd, void* buf, size_t len,
                                      uint64_t off) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_PREAD, &injected)) {
    return injected;
  }
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

static inline int vmar__sys_pwrite_all(int fd, const void* buf, size_t len,
                                       uint64_t off) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_PWRITE, &injected)) {
    return injected;
  }
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

// Makes [off, off + len) of |fd| read as zero, releasing the memory where the
// host can (a hole punched in the file), else by writing zeros.
static inline int vmar__sys_zero_range(int fd, uint64_t off, uint64_t len) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_FALLOCATE, &injected)) {
    return injected;
  }
#ifdef VMAR__HAVE_FALLOCATE
  if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
                (off_t)len) == 0) {
    return 0;
  }
  if (errno != EOPNOTSUPP && errno != ENOSYS) {
    return errno;
  }
#endif
  // Without a hole punch: clear the range through a temporary mapping of the
  // file. Only the mmap can fail, and it fails before anything changed, so
  // the range is zeroed whole or not at all (chunked writes could stop
  // half-way). pre: the range lies inside the file.
  const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  const uint64_t start = off & ~(page - 1);
  if (len > SIZE_MAX - (off - start)) {
    return EFBIG;
  }
  const size_t span = (size_t)(len + (off - start));
  void* p =
      mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)start);
  if (p == MAP_FAILED) {
    return errno;
  }
  memset((char*)p + (off - start), 0, (size_t)len);
  munmap(p, span);
  return 0;
}

// Backs [off, off + len) of |fd| with memory now, where the host can.
static inline int vmar__sys_commit_range(int fd, uint64_t off, uint64_t len) {
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_FALLOCATE, &injected)) {
    return injected;
  }
#ifdef VMAR__HAVE_FALLOCATE
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

#endif // VMAR_SRC_POSIX_SYS_H_
