// SPDX-License-Identifier: MIT
// vmar tests: whether the build runs under a sanitizer runtime.
//
// Plain C with no other header, so tests without cmocka can use it too.

#ifndef VMAR_TESTS_SUPPORT_SANITIZER_H_
#define VMAR_TESTS_SUPPORT_SANITIZER_H_

// TEST_SANITIZED is 1 when AddressSanitizer, ThreadSanitizer or
// MemorySanitizer is built in, 0 otherwise. Those runtimes map and unmap
// memory of their own at any moment and bring their own allocator, so tests
// that count host mappings or heap blocks check less under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define TEST_SANITIZED 1
#endif
#endif
#ifndef TEST_SANITIZED
#define TEST_SANITIZED 0
#endif

#endif // VMAR_TESTS_SUPPORT_SANITIZER_H_
