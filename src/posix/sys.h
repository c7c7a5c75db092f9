// SPDX-License-Identifier: MIT
// The host calls of the POSIX backend, in one place: reserving, re-reserving
// and releasing address space. Each returns 0 or an errno value, so callers
// convert failures with vmar__status_from_errno and never read errno.

#ifndef VMAR_SRC_POSIX_SYS_H_
#define VMAR_SRC_POSIX_SYS_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif

// Private, inaccessible, uncommitted: what every reservation is made of.
#define VMAR__SYS_RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

// Reserves |size| bytes wherever the host likes.
static inline int vmar__sys_reserve_anywhere(size_t size, uintptr_t* out) {
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
#ifdef MAP_FIXED_NOREPLACE
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
  return munmap((void*)addr, size) == 0 ? 0 : errno;
}

#endif // VMAR_SRC_POSIX_SYS_H_
