// SPDX-License-Identifier: MIT
// ISO C <errno.h> stand-in for the Fuchsia-target compile check (README.md):
// errno is a modifiable int lvalue; EDOM, EILSEQ and ERANGE are the
// standard's only macros. EIO is POSIX, which Fuchsia's libc also follows
// (same value); shared code uses it.
#ifndef VMAR_FAKE_LIBC_ERRNO_H_
#define VMAR_FAKE_LIBC_ERRNO_H_
int* vmar_fake_libc_errno(void);
#define errno (*vmar_fake_libc_errno())
#define EDOM 33
#define EILSEQ 84
#define ERANGE 34
#define EIO 5
#endif
