// SPDX-License-Identifier: MIT
// vmar tests: does touching an address fault? Answered without crashing.
//
// A probe installs SIGSEGV and SIGBUS handlers for the duration of one access
// and restores the previous ones (a sanitizer's included) afterwards. Probes
// are serialised by a process-wide lock, so they are safe from any thread.

#ifndef VMAR_TESTS_SUPPORT_PROBE_H_
#define VMAR_TESTS_SUPPORT_PROBE_H_

#include <stdbool.h>

// True iff one byte at |addr| can be read.
bool test_probe_read(const volatile void* addr);

// True iff one byte at |addr| can be written. When the byte is readable the
// probe stores back the value it just read, so contents are unchanged (unless
// another thread writes that byte at the same moment); otherwise it tries to
// store 0.
bool test_probe_write(volatile void* addr);

#endif // VMAR_TESTS_SUPPORT_PROBE_H_
