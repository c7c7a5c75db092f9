// SPDX-License-Identifier: MIT
// Facts about the host the POSIX backend runs on, decided in this one header:
// which host family it is, which host calls exist, the root VMAR's address
// range, and the host's policy on writable+executable memory. No other file
// of the backend tests an OS or architecture macro; they test the VMAR__*
// macros defined here.
//
// Host families:
//   Linux   memfd_create, MAP_FIXED_NOREPLACE, fallocate hole punching,
//           /proc/self/fd (a descriptor reopened as a new open file
//           description), futex.
//   Darwin  macOS, or the Darwin personality on Linux (VMAR_EMULATE_DARWIN):
//           none of the Linux calls; VMOs are unlinked files in $TMPDIR,
//           F_PUNCHHOLE frees their blocks, and Apple silicon refuses
//           writable+executable mappings.
//   other   any POSIX host: shm_open or an unlinked file, no hole punching.
// VMAR_POSIX_PORTABLE (a build option) makes a Linux build claim the "other"
// family, so those paths are built and tested on Linux too.

#ifndef VMAR_SRC_POSIX_PLATFORM_H_
#define VMAR_SRC_POSIX_PLATFORM_H_

#include <stdint.h>

#if defined(__APPLE__) || defined(VMAR_EMULATE_DARWIN)
#define VMAR__HOST_DARWIN 1
#elif defined(__linux__) && !defined(VMAR_POSIX_PORTABLE)
#define VMAR__HOST_LINUX 1
#else
#define VMAR__HOST_OTHER 1
#endif

#if defined(VMAR__HOST_LINUX)
#define VMAR__HAVE_MEMFD 1           // memfd_create
#define VMAR__HAVE_NOREPLACE 1       // MAP_FIXED_NOREPLACE
#define VMAR__HAVE_FALLOCATE 1       // fallocate(PUNCH_HOLE | KEEP_SIZE)
#define VMAR__HAVE_COPY_FILE_RANGE 1 // copy_file_range between two files
#define VMAR__HAVE_PROCFS 1          // /proc/self/fd/N reopens a descriptor
#define VMAR__HAVE_FUTEX 1           // futex: locks sleep on their own word
#endif

#if defined(VMAR__HOST_DARWIN)
#define VMAR__HAVE_PUNCHHOLE 1 // fcntl(F_PUNCHHOLE), whole blocks only
#define VMAR__VMO_FILES_ONLY 1 // shared-memory objects cannot be VMOs
#endif

// The user address range the root VMAR spans, [VMAR__ROOT_BASE,
// VMAR__ROOT_END). The lowest pages are never mappable (a 64-bit macOS
// process has __PAGEZERO over the first 4 GiB); the top is the
// architecture's user limit (macOS: MACH_VM_MAX_ADDRESS).
#if UINTPTR_MAX > 0xFFFFFFFFu
#if defined(VMAR__HOST_DARWIN)
#define VMAR__ROOT_BASE ((uintptr_t)0x100000000u)
#if defined(__x86_64__) && !defined(VMAR_EMULATE_DARWIN)
#define VMAR__ROOT_END ((uintptr_t)0x7FFFFFE00000u)
#else // Apple silicon, which the Darwin personality stands for
#define VMAR__ROOT_END ((uintptr_t)0x7FFFFE000000u)
#endif
#else
#define VMAR__ROOT_BASE ((uintptr_t)0x10000u)
#if defined(__aarch64__)
#define VMAR__ROOT_END ((uintptr_t)1 << 48)
#else
#define VMAR__ROOT_END ((uintptr_t)1 << 47)
#endif
#endif
#else
#define VMAR__ROOT_BASE ((uintptr_t)0x10000u)
#define VMAR__ROOT_END ((uintptr_t)0xC0000000u)
#endif

// True where the host refuses memory that is writable and executable at once
// (Apple silicon, and the Darwin personality that stands for it).
#if defined(VMAR__HOST_DARWIN) &&                                              \
    (defined(__aarch64__) || defined(__arm64__) ||                             \
     defined(VMAR_EMULATE_DARWIN))
#define VMAR__WX_EXCLUSIVE 1
#else
#define VMAR__WX_EXCLUSIVE 0
#endif

#endif // VMAR_SRC_POSIX_PLATFORM_H_
