// SPDX-License-Identifier: MIT
// vmar tests: the host the tests run on. Which family it is (as
// src/posix/platform.h decides it for the library, which tests cannot
// include), and the few host calls tests need that Linux and macOS spell
// differently.

#ifndef VMAR_TESTS_SUPPORT_HOST_H_
#define VMAR_TESTS_SUPPORT_HOST_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// macOS, or the Darwin personality: a Linux build with VMAR_EMULATE_DARWIN,
// run under the XNU rules shim (tests/darwin), which takes macOS's
// decisions.
#if defined(__APPLE__) || defined(VMAR_EMULATE_DARWIN)
#define TEST_HOST_DARWIN 1
#else
#define TEST_HOST_DARWIN 0
#endif

// Linux's /proc/self can be read (maps with file names, fd, exe, status).
// Not in the Darwin personality: macOS has no procfs, and the shim hides it.
#if defined(__linux__) && !defined(VMAR_EMULATE_DARWIN)
#define TEST_HOST_PROCFS 1
#else
#define TEST_HOST_PROCFS 0
#endif

// The host refuses memory that is writable and executable at once (Apple
// silicon, and the Darwin personality that stands for it): vmar_map and
// vmar_protect asking for READ|WRITE|EXECUTE answer ACCESS_DENIED there
// (design.md §10), on both backends (the fake kernel is built on the POSIX
// backend).
#if defined(VMAR_EMULATE_DARWIN) ||                                            \
    (defined(__APPLE__) && (defined(__aarch64__) || defined(__arm64__)))
#define TEST_HOST_WX_EXCLUSIVE 1
#else
#define TEST_HOST_WX_EXCLUSIVE 0
#endif

// The number of descriptors open in the process (any below 4096, or below
// the descriptor limit when that is lower: new descriptors take the lowest
// free number, so a leak shows there).
size_t test_fd_count(void);

// A new regular file of |size| bytes in $TMPDIR (or /tmp), unlinked already,
// open with |flags| (O_RDWR or O_RDONLY, plus any status flag) and
// close-on-exec. Fails the current test when it cannot be made.
int test_temp_file(uint64_t size, int flags);

// The absolute path of the running program, for running it again: Linux's
// /proc/self/exe, else |argv0| made absolute. False when neither works (a
// program started through $PATH without /proc).
bool test_self_path(const char* argv0, char* out, size_t cap);

#endif // VMAR_TESTS_SUPPORT_HOST_H_
