// SPDX-License-Identifier: MIT
// vmar: knobs that exist only on the POSIX backend.
//
// Each VMO is backed by one shared-memory file: memfd_create where the host
// has it, else shm_open (unlinked at once), or an unlinked temporary file in
// $TMPDIR where a shared-memory object can be sized only once. The
// environment variable VMAR_POSIX_VMO_BACKING=memfd|shm|file, read once at
// the first VMO creation, forces one of them.

#ifndef VMAR_INCLUDE_VMAR_POSIX_H_
#define VMAR_INCLUDE_VMAR_POSIX_H_

#include <vmar/status.h>
#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// The most entropy vmar_posix_set_entropy_bits accepts.
#define VMAR_POSIX_MAX_ENTROPY_BITS 36u

// Sets how many bits of entropy randomised (non-COMPACT) VMARs use when they
// place a child: a spot is drawn among roughly the first 2^|bits| aligned
// candidates. 0 makes every VMAR place children at the lowest address that
// fits, which gives deterministic layouts for tests. The default is 30, like
// Zircon's aslr.entropy_bits. COMPACT VMARs always use 0.
// VMAR_OK: set for every later placement in the process.
// VMAR_ERR_INVALID_ARGS: |bits| is above VMAR_POSIX_MAX_ENTROPY_BITS (36).
// VMAR_ERR_NOT_SUPPORTED: on the Zircon backend (a kernel boot option there).
VMAR_API vmar_status_t vmar_posix_set_entropy_bits(uint32_t bits);

// Returns a new file descriptor for the VMO's backing file, so another process
// (a forked child, or one that receives it over a UNIX socket) can map the
// same memory, e.g. with vmar_vmo_create_from_fd. The caller owns |*fd| and
// closes it; the VMO lives on independently. The descriptor's open file
// description is never the one the library reads and writes through, so
// changing its status flags (O_APPEND, say) never moves the VMO's writes.
// (Where /proc can reopen the file each call gets a description of its own;
// elsewhere every export shares one.)
// VMAR_OK: |*fd| is open (close-on-exec).
// VMAR_ERR_BAD_HANDLE: |vmo| is not a live handle.
// VMAR_ERR_WRONG_TYPE: |vmo| is not a VMO.
// VMAR_ERR_ACCESS_DENIED: the handle lacks READ, WRITE, MAP or TRANSFER (the
//   descriptor gives all of them).
// VMAR_ERR_INVALID_ARGS: |fd| is NULL.
// VMAR_ERR_NO_RESOURCES: out of file descriptors.
// VMAR_ERR_NOT_SUPPORTED: |vmo| is a slice (its file holds its parent's
//   pages beyond the window too), or on the Zircon backend.
VMAR_API vmar_status_t vmar_vmo_get_fd(vmar_handle_t vmo, int* fd);

// Creates a VMO backed by the shared-memory or regular file |fd| (which the
// caller keeps owning; the VMO holds a descriptor of its own). The VMO's size
// is the file's size rounded up to whole pages (the file is extended if
// needed). Where /proc can reopen |fd| (Linux), the VMO reads and writes
// through an open file description of its own, which |fd|'s status flags
// never affect. Elsewhere it shares |fd|'s description: |fd| must not be in
// append mode, and if its owner later puts it in append mode, writes to the
// VMO fail with VMAR_ERR_BAD_STATE instead of landing at the file's end.
//   |options| : 0 or VMAR_VMO_RESIZABLE.
// VMAR_OK: |*out| has the rights of a new VMO.
// VMAR_ERR_INVALID_ARGS: |fd| is negative, not a regular or shared-memory
//   file, or |options| is unknown, or |out| is NULL; or (without /proc) |fd|
//   is in append mode.
// VMAR_ERR_BAD_HANDLE: |fd| is not an open descriptor.
// VMAR_ERR_ACCESS_DENIED: |fd| was not opened for reading and writing.
// VMAR_ERR_NO_RESOURCES, VMAR_ERR_NO_MEMORY: out of descriptors, handles or
//   memory.
// VMAR_ERR_NOT_SUPPORTED: on the Zircon backend.
VMAR_API vmar_status_t vmar_vmo_create_from_fd(int fd, uint32_t options,
                                               vmar_handle_t* out);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_POSIX_H_
