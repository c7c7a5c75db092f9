// SPDX-License-Identifier: MIT
// The host calls of the POSIX backend, all of them: address space (reserve,
// map, protect, release), VMO backing files (create, size, read, write,
// zero, share) and the process's randomness. Each call passes through its
// fault-injection site, returns 0 or an errno value and never leaves errno
// for the caller to read; host_status.c turns the values into statuses.
// Which calls exist on which host is decided in platform.h.

#ifndef VMAR_SRC_POSIX_SYS_H_
#define VMAR_SRC_POSIX_SYS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

// The host's page size.
size_t vmar__sys_page_size(void);

// 64 bits that differ from one process start to the next (a seed, not a
// secret).
uint64_t vmar__sys_seed(void);

// Host protection bits for VMAR_VM_PERM_* bits.
int vmar__sys_prot(uint32_t perms);

// ---- Address space ----

// Reserves |size| bytes (inaccessible, uncommitted) wherever the host likes.
int vmar__sys_reserve_anywhere(size_t size, uintptr_t* out);

// Reserves exactly [addr, addr + size) if nothing at all is mapped there;
// EEXIST otherwise. Never replaces anything.
int vmar__sys_reserve_at(uintptr_t addr, size_t size);

// Gives [addr, addr + size) back to the host. Only for ranges vmar owns.
int vmar__sys_release(uintptr_t addr, size_t size);

// Replaces [addr, addr + size), which vmar owns, by a fresh reservation:
// whatever was mapped there is gone and the range merges with neighbouring
// free space into as few host mappings as possible.
int vmar__sys_rereserve(uintptr_t addr, size_t size);

// How vmar__sys_map_file places a mapping.
enum {
  VMAR__SYS_AT_FIXED = 0,     // replace what vmar owns at |*addr|
  VMAR__SYS_AT_NOREPLACE = 1, // exactly at |*addr|, EEXIST if anything is there
  VMAR__SYS_ANYWHERE = 2,     // wherever the host likes; |*addr| receives it
};

// Maps |size| bytes of |fd| at |offset| shared, with host protection |prot|.
int vmar__sys_map_file(uintptr_t* addr, size_t size, int prot, int fd,
                       uint64_t offset, int how);

int vmar__sys_protect(uintptr_t addr, size_t size, int prot);

// A hint that the pages will be used soon; failures do not matter.
void vmar__sys_will_need(uintptr_t addr, size_t size);

// True when the process holds about as many host mappings as the host allows
// (Linux: vm.max_map_count), so that any call needing a new one fails. Reads
// /proc without allocating; meant for failure paths only. False on hosts
// without such a limit.
bool vmar__sys_at_map_limit(void);

// ---- VMO backing files ----

// A new, empty, anonymous backing file, close-on-exec: memfd_create,
// shm_open (unlinked at once) or an unlinked file in $TMPDIR (or /tmp). With
// |second| not NULL, a second open file description of the same file is
// opened too, before the name goes (for hosts that cannot reopen a file
// without its name).
#if defined(VMAR__HAVE_MEMFD)
int vmar__sys_open_memfd(int* fd_out);
#endif
int vmar__sys_open_shm(int* fd_out, int* second);
int vmar__sys_open_tmpfile(int* fd_out, int* second);

// A new open file description of the file |fd| is open on (read-write,
// close-on-exec, no other status flag), so that changing the status flags
// of either, O_APPEND say, never changes the other. ENOSYS where this
// descriptor cannot be reopened (no /proc, or the file's permissions forbid
// a new open); other errors are failures of the call.
int vmar__sys_reopen(int fd, int* out);

// Whether |fd|'s open file description is in append mode.
int vmar__sys_appends(int fd, bool* appends);

// As on Linux and the BSDs, the descriptor is released even when close
// reports an error (retrying could close a descriptor reused meanwhile); an
// injected failure behaves the same way.
int vmar__sys_close(int fd);

// A close-on-exec duplicate of |fd| (sharing its open file description).
int vmar__sys_dup(int fd, int* out);

// What vmar__sys_file_info found.
enum {
  VMAR__SYS_FILE_RW = 0,     // a regular file open for reading and writing
  VMAR__SYS_FILE_RDONLY = 1, // a regular file not open for both
  VMAR__SYS_FILE_OTHER = 2,  // not a regular file (pipe, socket, device...)
};

// Size and kind of the open file |fd|.
int vmar__sys_file_info(int fd, uint64_t* size, int* kind);

int vmar__sys_ftruncate(int fd, uint64_t size);

// Reads or writes exactly |len| bytes at |off| or returns an errno value
// (EFAULT when the buffer is not accessible; EIO when the file is shorter).
int vmar__sys_pread_all(int fd, void* buf, size_t len, uint64_t off);
int vmar__sys_pwrite_all(int fd, const void* buf, size_t len, uint64_t off);

// Makes [off, off + len) of |fd| read as zero, releasing the memory where the
// host can (a hole punched in the file), else by writing zeros through a
// temporary mapping. pre: the range lies inside the file.
int vmar__sys_zero_range(int fd, uint64_t off, uint64_t len);

// Backs [off, off + len) of |fd| with memory now, where the host can.
int vmar__sys_commit_range(int fd, uint64_t off, uint64_t len);

// Copies [src_off, src_off + len) of |src| to |dst| at |dst_off|, skipping
// the holes of |src| where the host can find them, so a sparse source makes
// a sparse copy (the holes in |dst| must already read as zero). Finding
// holes moves the file offset of |src|'s open file description: with
// |src_shared| (the description is shared with a descriptor outside vmar)
// everything is copied instead. pre: the range lies inside |src|.
int vmar__sys_copy_data(int src, uint64_t src_off, int dst, uint64_t dst_off,
                        uint64_t len, bool src_shared);

// The bytes of memory or storage the file |fd| holds (allocated blocks).
int vmar__sys_file_bytes(int fd, uint64_t* bytes);

#endif // VMAR_SRC_POSIX_SYS_H_
