// SPDX-License-Identifier: MIT
// LD_PRELOAD shim: imposes the macOS (XNU) kernel's rules on a Linux process.
//
// Test tooling for the "Darwin personality": a library built to take its
// macOS code paths runs on Linux, and this shim makes the host calls it makes
// fail where XNU would fail them, with XNU's errno. Written from the facts
// listed in README.md; nothing here is taken from XNU's code.
//
// Real functions come from dlsym(RTLD_NEXT), resolved on first use into an
// atomic slot (two threads racing store the same pointer, which is harmless).
// Shared state (descriptors of POSIX shared-memory objects, the objects, the
// address ranges mapped from them) is guarded by one mutex; calls on other
// descriptors only read one atomic table entry.

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
// The shim defines libc's own names: 64-bit file offset redirections and the
// inline wrappers of _FORTIFY_SOURCE would rename or redefine them.
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

// Entry points no libc header declares (or only a _FORTIFY_SOURCE build
// does), and the test backdoor.
int __open_2(const char*, int);
int __open64_2(const char*, int);
int __openat_2(int, const char*, int);
int __openat64_2(int, const char*, int);
ssize_t __read_chk(int, void*, size_t, size_t);
ssize_t __pread_chk(int, void*, size_t, off_t, size_t);
int __fstat64(int, struct stat64*);
int __xstat(int, const char*, struct stat*);
int __xstat64(int, const char*, struct stat64*);
int __lxstat(int, const char*, struct stat*);
int __lxstat64(int, const char*, struct stat64*);
int __fxstat(int, int, struct stat*);
int __fxstat64(int, int, struct stat64*);
int __fxstatat(int, int, const char*, struct stat*, int);
int __fxstatat64(int, int, const char*, struct stat64*, int);
int xnu_shim_active(void);
int xnu_shim_region(uintptr_t, uintptr_t*, uintptr_t*, int*, int*);

// ---- Real functions --------------------------------------------------------

static void missing(const char* name) {
  fprintf(stderr, "xnu_shim: libc lacks %s\n", name);
  abort();
}

// Declares real_NAME(), libc's NAME. dlsym gives an object pointer; memcpy
// turns it into a function pointer without a cast ISO C leaves undefined.
#define REAL(ret, name, params)                                                \
  typedef ret(*name##_fn) params;                                              \
  static _Atomic(name##_fn) name##_slot;                                       \
  static name##_fn real_##name(void) {                                         \
    name##_fn f = atomic_load_explicit(&name##_slot, memory_order_acquire);    \
    if (f == NULL) {                                                           \
      void* p = dlsym(RTLD_NEXT, #name);                                       \
      if (p == NULL) {                                                         \
        missing(#name);                                                        \
      }                                                                        \
      memcpy(&f, &p, sizeof(f));                                               \
      atomic_store_explicit(&name##_slot, f, memory_order_release);            \
    }                                                                          \
    return f;                                                                  \
  }

REAL(int, close, (int))
REAL(int, dup, (int))
REAL(int, dup2, (int, int))
REAL(int, dup3, (int, int, int))
REAL(int, fcntl, (int, int, ...))
REAL(int, fstat, (int, struct stat*))
REAL(int, fstatat, (int, const char*, struct stat*, int))
REAL(int, stat, (const char*, struct stat*))
REAL(int, lstat, (const char*, struct stat*))
REAL(int, statx, (int, const char*, int, unsigned, struct statx*))
REAL(int, ftruncate, (int, off_t))
REAL(int, fchmod, (int, mode_t))
REAL(int, shm_open, (const char*, int, mode_t))
REAL(int, shm_unlink, (const char*))
REAL(ssize_t, read, (int, void*, size_t))
REAL(ssize_t, __read_chk, (int, void*, size_t, size_t))
REAL(ssize_t, __pread_chk, (int, void*, size_t, off_t, size_t))
REAL(void*, mmap, (void*, size_t, int, int, int, off_t))
REAL(int, munmap, (void*, size_t))
REAL(int, mprotect, (void*, size_t, int))
REAL(int, madvise, (void*, size_t, int))
REAL(int, msync, (void*, size_t, int))
REAL(int, getentropy, (void*, size_t))
REAL(int, fallocate, (int, int, off_t, off_t))

static int fail(int err) {
  errno = err;
  return -1;
}

// ---- Shared state ----------------------------------------------------------

enum {
  FD_MAX = 65536,    // descriptors at or above this are refused for shm
  OBJ_MAX = 1024,    // shared-memory objects open at once in this process
  RANGE_MAX = 4096,  // disjoint address ranges mapped from them
  PSHMNAMLEN = 31,   // XNU's longest shared-memory name
  ENTROPY_MAX = 256, // XNU's getentropy limit per call
};

struct shm_obj {
  dev_t dev;
  ino_t ino;
  int refs;   // descriptors in the table naming it; 0 = free slot
  bool sized; // XNU sizes an object once in its lifetime
};

struct range {
  uintptr_t start, end;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint16_t fd_obj[FD_MAX]; // object index + 1; 0 = not shm
static struct shm_obj objs[OBJ_MAX];
static struct range ranges[RANGE_MAX];
static size_t n_ranges;

// A fork while another thread holds the lock would leave the child's copy
// locked forever, so fork holds it.
static void fork_prepare(void) { pthread_mutex_lock(&lock); }
static void fork_after(void) { pthread_mutex_unlock(&lock); }

// Resolves up front what runs with the lock held: dlsym may allocate, and an
// allocator that maps memory would come back into mmap and the lock.
__attribute__((constructor)) static void shim_init(void) {
  (void)real_close();
  (void)real_dup();
  (void)real_dup2();
  (void)real_dup3();
  (void)real_fcntl();
  (void)real_ftruncate();
  (void)real_munmap();
  pthread_atfork(fork_prepare, fork_after, fork_after);
}

static uint64_t page_mask(void) { return (uint64_t)sysconf(_SC_PAGESIZE) - 1; }

static uint64_t round_page(uint64_t n) {
  return (n + page_mask()) & ~page_mask();
}

// Points descriptor fd at object o (index + 1, or 0). Lock held.
static void fd_assign(int fd, unsigned o) {
  if (fd < 0 || fd >= FD_MAX) {
    return;
  }
  unsigned old = atomic_load_explicit(&fd_obj[fd], memory_order_relaxed);
  if (old != 0) {
    objs[old - 1].refs--;
  }
  if (o != 0) {
    objs[o - 1].refs++;
  }
  atomic_store_explicit(&fd_obj[fd], (uint16_t)o, memory_order_relaxed);
}

static bool fd_tracked(int fd) {
  return fd >= 0 && fd < FD_MAX &&
         atomic_load_explicit(&fd_obj[fd], memory_order_relaxed) != 0;
}

struct shm_info {
  unsigned obj; // index + 1; 0 = not a shared-memory object
  bool sized;
  struct stat st; // the host's view of the object
};

// What a tracked descriptor names, checked against the host: a descriptor
// closed behind the shim's back (fclose of an fdopen'd stream, close_range,
// a raw system call) and then reused must not keep the rules.
static struct shm_info shm_lookup(int fd) {
  struct shm_info info = {0};
  if (!fd_tracked(fd) || real_fstat()(fd, &info.st) != 0) {
    return info;
  }
  pthread_mutex_lock(&lock);
  unsigned o = atomic_load_explicit(&fd_obj[fd], memory_order_relaxed);
  if (o != 0 && objs[o - 1].dev == info.st.st_dev &&
      objs[o - 1].ino == info.st.st_ino) {
    info.obj = o;
    info.sized = objs[o - 1].sized;
  } else if (o != 0) {
    fd_assign(fd, 0); // stale
  }
  pthread_mutex_unlock(&lock);
  return info;
}

static int access_mode(int fd) { return real_fcntl()(fd, F_GETFL) & O_ACCMODE; }

// Forgets [start, end) in the table of shm ranges, splitting a range it cuts
// in two. Lock held. A full table drops the upper piece (the rule is then not
// enforced there): a munmap must not fail over the shim's bookkeeping.
static void range_forget(uintptr_t start, uintptr_t end) {
  for (size_t i = 0; i < n_ranges;) {
    struct range* r = &ranges[i];
    if (r->end <= start || r->start >= end) {
      i++;
    } else if (r->start < start) {
      if (r->end > end && n_ranges < RANGE_MAX) {
        ranges[n_ranges++] = (struct range){end, r->end};
      }
      r->end = start;
      i++;
    } else if (r->end > end) {
      r->start = end;
      i++;
    } else {
      *r = ranges[--n_ranges];
    }
  }
}

static bool range_overlaps(uintptr_t start, uintptr_t end) {
  bool hit = false;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < n_ranges && !hit; i++) {
    hit = ranges[i].start < end && ranges[i].end > start;
  }
  pthread_mutex_unlock(&lock);
  return hit;
}

// Apple silicon refuses write+execute together (MAP_JIT cannot be asked for
// here); XNU_SHIM_WX=allow stands for an Intel Mac.
static bool wx_refused(int prot) {
  if ((prot & (PROT_WRITE | PROT_EXEC)) != (PROT_WRITE | PROT_EXEC)) {
    return false;
  }
  const char* env = getenv("XNU_SHIM_WX");
  return env == NULL || strcmp(env, "allow") != 0;
}

// ---- No procfs -------------------------------------------------------------

// True for "/proc" and anything under it ("//proc/x" too). A relative path
// resolved inside /proc is not caught.
static bool is_proc(const char* path) {
  if (path == NULL || path[0] != '/') {
    return false;
  }
  while (*path == '/') {
    path++;
  }
  return strncmp(path, "proc", 4) == 0 && (path[4] == '\0' || path[4] == '/');
}

// NAME(params) fails with ENOENT (returning FAILED) when `path` is under
// /proc, else calls libc's NAME(args).
#define PROC_WRAP(ret, name, params, args, failed)                             \
  REAL(ret, name, params)                                                      \
  ret name params {                                                            \
    if (is_proc(path)) {                                                       \
      errno = ENOENT;                                                          \
      return failed;                                                           \
    }                                                                          \
    return real_##name() args;                                                 \
  }

// _FORTIFY_SOURCE builds open through __open_2 and friends; glibc's fopen and
// opendir open through internal calls, not through open.
PROC_WRAP(int, __open_2, (const char* path, int flags), (path, flags), -1)
PROC_WRAP(int, __open64_2, (const char* path, int flags), (path, flags), -1)
PROC_WRAP(int, __openat_2, (int dirfd, const char* path, int flags),
          (dirfd, path, flags), -1)
PROC_WRAP(int, __openat64_2, (int dirfd, const char* path, int flags),
          (dirfd, path, flags), -1)
PROC_WRAP(FILE*, fopen, (const char* path, const char* mode), (path, mode),
          NULL)
PROC_WRAP(FILE*, fopen64, (const char* path, const char* mode), (path, mode),
          NULL)
PROC_WRAP(DIR*, opendir, (const char* path), (path), NULL)
PROC_WRAP(ssize_t, readlink, (const char* path, char* buf, size_t size),
          (path, buf, size), -1)
PROC_WRAP(ssize_t, readlinkat,
          (int dirfd, const char* path, char* buf, size_t size),
          (dirfd, path, buf, size), -1)
PROC_WRAP(int, access, (const char* path, int how), (path, how), -1)
PROC_WRAP(int, faccessat, (int dirfd, const char* path, int how, int flags),
          (dirfd, path, how, flags), -1)

// Running a program from /proc (/proc/self/exe, say) fails as opening one
// does. glibc's execv, execvp and execl* reach the kernel through an internal
// execve, so each has its own wrapper; the list forms become vectors.
PROC_WRAP(int, execve,
          (const char* path, char* const argv[], char* const envp[]),
          (path, argv, envp), -1)
PROC_WRAP(int, execv, (const char* path, char* const argv[]), (path, argv), -1)
PROC_WRAP(int, execvp, (const char* path, char* const argv[]), (path, argv), -1)
PROC_WRAP(int, execvpe,
          (const char* path, char* const argv[], char* const envp[]),
          (path, argv, envp), -1)

enum { EXEC_ARGS_MAX = 4096 };

// Collects the arguments after |arg| up to and including the NULL into
// |argv|; the environment of execle after it into |*envp|. False when there
// are more than EXEC_ARGS_MAX.
static bool exec_args(const char* arg, va_list ap, char** argv, char*** envp) {
  size_t n = 0;
  for (const char* a = arg;; a = va_arg(ap, const char*)) {
    if (n == EXEC_ARGS_MAX) {
      return false;
    }
    argv[n++] = (char*)(uintptr_t)a;
    if (a == NULL) {
      break;
    }
  }
  if (envp != NULL) {
    *envp = va_arg(ap, char**);
  }
  return true;
}

#define EXECL_WRAP(name, vector_call, with_env)                                \
  int name(const char* path, const char* arg, ...) {                           \
    char* argv[EXEC_ARGS_MAX];                                                 \
    char** envp = NULL;                                                        \
    va_list ap;                                                                \
    va_start(ap, arg);                                                         \
    bool ok = exec_args(arg, ap, argv, with_env ? &envp : NULL);               \
    va_end(ap);                                                                \
    return !ok ? fail(E2BIG) : vector_call;                                    \
  }

EXECL_WRAP(execl, execv(path, argv), false)
EXECL_WRAP(execlp, execvp(path, argv), false)
EXECL_WRAP(execle, execve(path, argv, envp), true)

// The mode argument is there only when the flags ask for a new file.
#define OPEN_WRAP(name, params, args)                                          \
  REAL(int, name, params)                                                      \
  int name params {                                                            \
    mode_t mode = 0;                                                           \
    if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {          \
      va_list ap;                                                              \
      va_start(ap, flags);                                                     \
      mode = (mode_t)va_arg(ap, int);                                          \
      va_end(ap);                                                              \
    }                                                                          \
    return is_proc(path) ? fail(ENOENT) : real_##name() args;                  \
  }

OPEN_WRAP(open, (const char* path, int flags, ...), (path, flags, mode))
OPEN_WRAP(open64, (const char* path, int flags, ...), (path, flags, mode))
OPEN_WRAP(openat, (int dirfd, const char* path, int flags, ...),
          (dirfd, path, flags, mode))
OPEN_WRAP(openat64, (int dirfd, const char* path, int flags, ...),
          (dirfd, path, flags, mode))

// ---- stat family -----------------------------------------------------------

// XNU's fstat of a shared-memory object fills in only the permission bits (no
// file type), the owner, the group and the page-rounded size; the rest reads
// as zero.
static void shm_stat(const struct shm_info* info, struct stat* st) {
  memset(st, 0, sizeof(*st));
  st->st_mode = info->st.st_mode & 07777;
  st->st_uid = info->st.st_uid;
  st->st_gid = info->st.st_gid;
  st->st_size = info->st.st_size;
}

// The entry points below call these, never each other by name: a sanitizer
// runtime implements its fstat by calling __fxstat, which must not lead back
// to the sanitizer's fstat.
static int do_fstat(int fd, struct stat* st) {
  struct shm_info info = shm_lookup(fd);
  if (info.obj == 0) {
    return real_fstat()(fd, st);
  }
  shm_stat(&info, st);
  return 0;
}

static int do_fstatat(int dirfd, const char* path, struct stat* st, int flags) {
  if (is_proc(path)) {
    return fail(ENOENT);
  }
  if (path[0] == '\0' && (flags & AT_EMPTY_PATH) != 0) {
    struct shm_info info = shm_lookup(dirfd);
    if (info.obj != 0) {
      shm_stat(&info, st);
      return 0;
    }
  }
  return real_fstatat()(dirfd, path, st, flags);
}

static int do_stat(const char* path, struct stat* st) {
  return is_proc(path) ? fail(ENOENT) : real_stat()(path, st);
}

static int do_lstat(const char* path, struct stat* st) {
  return is_proc(path) ? fail(ENOENT) : real_lstat()(path, st);
}

int statx(int dirfd, const char* path, int flags, unsigned mask,
          struct statx* sx) {
  if (is_proc(path)) {
    return fail(ENOENT);
  }
  int r = real_statx()(dirfd, path, flags, mask, sx);
  if (r == 0 && path[0] == '\0' && (flags & AT_EMPTY_PATH) != 0 &&
      shm_lookup(dirfd).obj != 0) {
    struct statx out;
    memset(&out, 0, sizeof(out));
    out.stx_mask = sx->stx_mask & (STATX_TYPE | STATX_MODE | STATX_UID |
                                   STATX_GID | STATX_SIZE);
    out.stx_mode = (uint16_t)(sx->stx_mode & 07777);
    out.stx_uid = sx->stx_uid;
    out.stx_gid = sx->stx_gid;
    out.stx_size = sx->stx_size;
    *sx = out;
  }
  return r;
}

// Every name glibc has for them: the 64-bit ones (struct stat64 is struct
// stat on LP64), and the __*xstat* entry points of binaries linked against
// glibc before 2.33 (the version argument names that one layout).
_Static_assert(sizeof(struct stat64) == sizeof(struct stat),
               "stat64 and stat share one layout");
#define ST(p) ((struct stat*)(p))
#define STAT_ENTRY(name, params, ...)                                          \
  int name params { return __VA_ARGS__; }
STAT_ENTRY(fstat, (int fd, struct stat* st), do_fstat(fd, st))
STAT_ENTRY(fstat64, (int fd, struct stat64* st), do_fstat(fd, ST(st)))
STAT_ENTRY(__fstat64, (int fd, struct stat64* st), do_fstat(fd, ST(st)))
STAT_ENTRY(fstatat, (int d, const char* p, struct stat* st, int f),
           do_fstatat(d, p, st, f))
STAT_ENTRY(fstatat64, (int d, const char* p, struct stat64* st, int f),
           do_fstatat(d, p, ST(st), f))
STAT_ENTRY(stat, (const char* p, struct stat* st), do_stat(p, st))
STAT_ENTRY(stat64, (const char* p, struct stat64* st), do_stat(p, ST(st)))
STAT_ENTRY(lstat, (const char* p, struct stat* st), do_lstat(p, st))
STAT_ENTRY(lstat64, (const char* p, struct stat64* st), do_lstat(p, ST(st)))
STAT_ENTRY(__xstat, (int v, const char* p, struct stat* st), (void)v,
           do_stat(p, st))
STAT_ENTRY(__xstat64, (int v, const char* p, struct stat64* st), (void)v,
           do_stat(p, ST(st)))
STAT_ENTRY(__lxstat, (int v, const char* p, struct stat* st), (void)v,
           do_lstat(p, st))
STAT_ENTRY(__lxstat64, (int v, const char* p, struct stat64* st), (void)v,
           do_lstat(p, ST(st)))
STAT_ENTRY(__fxstat, (int v, int fd, struct stat* st), (void)v,
           do_fstat(fd, st))
STAT_ENTRY(__fxstat64, (int v, int fd, struct stat64* st), (void)v,
           do_fstat(fd, ST(st)))
STAT_ENTRY(__fxstatat, (int v, int d, const char* p, struct stat* st, int f),
           (void)v, do_fstatat(d, p, st, f))
STAT_ENTRY(__fxstatat64,
           (int v, int d, const char* p, struct stat64* st, int f), (void)v,
           do_fstatat(d, p, ST(st), f))

// ---- Descriptor table ------------------------------------------------------

int close(int fd) {
  if (!fd_tracked(fd)) {
    return real_close()(fd);
  }
  // Close and forget under the lock, or a number reused at once by another
  // thread's shm_open could be forgotten instead.
  pthread_mutex_lock(&lock);
  int r = real_close()(fd);
  int err = errno;
  fd_assign(fd, 0);
  pthread_mutex_unlock(&lock);
  errno = err;
  return r;
}

// Runs a duplicating call; the new descriptor names old's object (dup2 and
// dup3 also close a newfd that may have named one).
#define DUP_TRACKED(call, old)                                                 \
  do {                                                                         \
    pthread_mutex_lock(&lock);                                                 \
    int r_ = (call);                                                           \
    int err_ = errno;                                                          \
    if (r_ >= 0 && r_ != (old)) {                                              \
      fd_assign(r_, fd_tracked(old) ? fd_obj[old] : 0u);                       \
    }                                                                          \
    pthread_mutex_unlock(&lock);                                               \
    errno = err_;                                                              \
    return r_;                                                                 \
  } while (0)

int dup(int fd) {
  if (!fd_tracked(fd)) {
    return real_dup()(fd);
  }
  DUP_TRACKED(real_dup()(fd), fd);
}

int dup2(int oldfd, int newfd) {
  if (!fd_tracked(oldfd) && !fd_tracked(newfd)) {
    return real_dup2()(oldfd, newfd);
  }
  DUP_TRACKED(real_dup2()(oldfd, newfd), oldfd);
}

int dup3(int oldfd, int newfd, int flags) {
  if (!fd_tracked(oldfd) && !fd_tracked(newfd)) {
    return real_dup3()(oldfd, newfd, flags);
  }
  DUP_TRACKED(real_dup3()(oldfd, newfd, flags), oldfd);
}

// macOS's F_PUNCHHOLE (its value there) and its argument: deallocates a
// range of a file, which then reads as zeros, keeping the file's size. The
// range must start and end on file-system block boundaries (4 KiB here) and
// the flags must be 0; shared-memory objects have no such operation.
#define XNU_F_PUNCHHOLE 99
#define XNU_BLOCK 4096
typedef struct xnu_fpunchhole {
  unsigned int fp_flags;
  unsigned int reserved;
  off_t fp_offset;
  off_t fp_length;
} xnu_fpunchhole_t;

static int punch_hole(int fd, const xnu_fpunchhole_t* h) {
  if (h == NULL) {
    return fail(EFAULT);
  }
  if (fd_tracked(fd)) {
    return fail(ENOTSUP);
  }
  if (h->fp_flags != 0 || h->fp_offset < 0 || h->fp_length < 0 ||
      h->fp_offset % XNU_BLOCK != 0 || h->fp_length % XNU_BLOCK != 0) {
    return fail(EINVAL);
  }
  int r = real_fallocate()(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                           h->fp_offset, h->fp_length);
  return r == 0 || errno != EOPNOTSUPP ? r : fail(ENOTSUP);
}

// The third argument is an int or a pointer depending on cmd; like glibc,
// pass it on as a pointer-sized value.
int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  if (cmd == XNU_F_PUNCHHOLE) {
    return punch_hole(fd, arg);
  }
  if ((cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) || !fd_tracked(fd)) {
    return real_fcntl()(fd, cmd, arg);
  }
  DUP_TRACKED(real_fcntl()(fd, cmd, arg), fd);
}

int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

// ---- POSIX shared memory ---------------------------------------------------

// XNU takes a name as given: 1 to 31 bytes, any characters, no leading '/'
// needed, "/a" and "a" distinct. glibc wants "/" and one path component, so
// other names get a reversible encoding: "/%!" and the name with '%' and '/'
// written %25 and %2F. A plain "/name" only has its '%' escaped, so it keeps
// its host name, and no two names meet.
static int host_name(const char* name, char* out, size_t size) {
  if (name == NULL) {
    return EFAULT;
  }
  size_t len = strlen(name);
  if (len == 0 || len > PSHMNAMLEN) {
    return len == 0 ? EINVAL : ENAMETOOLONG;
  }
  bool plain = len > 1 && name[0] == '/' && strchr(name + 1, '/') == NULL;
  size_t n = (size_t)snprintf(out, size, "%s", plain ? "/" : "/%!");
  for (const char* p = plain ? name + 1 : name; *p != '\0'; p++) {
    if (*p == '%' || *p == '/') {
      n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*p);
    } else {
      out[n++] = *p;
    }
  }
  out[n] = '\0';
  return 0;
}

// Finds or adds the record of the object st describes. Lock held. 0 if full.
static unsigned obj_get(const struct stat* st) {
  unsigned free_slot = 0;
  for (unsigned i = 0; i < OBJ_MAX; i++) {
    if (objs[i].refs > 0 && objs[i].dev == st->st_dev &&
        objs[i].ino == st->st_ino) {
      return i + 1;
    }
    if (objs[i].refs == 0 && free_slot == 0) {
      free_slot = i + 1;
    }
  }
  if (free_slot != 0) {
    // New to this process: sized already if it has a size (one another
    // process sized to 0 is taken as unsized).
    objs[free_slot - 1] =
        (struct shm_obj){st->st_dev, st->st_ino, 0, st->st_size > 0};
  }
  return free_slot;
}

int shm_open(const char* name, int oflag, mode_t mode) {
  char host[128]; // "/%!" and 31 bytes, each at most 3
  int err = host_name(name, host, sizeof(host));
  if (err != 0) {
    return fail(err);
  }
  // XNU never truncates here (O_TRUNC on a sized object is refused below),
  // and gives a new object exactly mode's permission bits, ignoring the
  // umask: create with O_EXCL to know whether this call created it.
  int flags = oflag & ~O_TRUNC;
  bool created = false;
  int fd;
  for (;;) {
    if ((flags & O_CREAT) == 0) {
      fd = real_shm_open()(host, flags, 0);
      break;
    }
    fd = real_shm_open()(host, flags | O_EXCL, mode);
    if (fd >= 0) {
      created = true;
      (void)real_fchmod()(fd, mode & 07777);
      break;
    }
    if (errno != EEXIST || (flags & O_EXCL) != 0) {
      break;
    }
    fd = real_shm_open()(host, flags & ~O_CREAT, 0);
    if (fd >= 0 || errno != ENOENT) {
      break; // else unlinked in between: create again
    }
  }
  if (fd < 0) {
    return -1;
  }
  struct stat st;
  if (fd >= FD_MAX || real_fstat()(fd, &st) != 0) {
    real_close()(fd);
    return fail(EMFILE);
  }
  pthread_mutex_lock(&lock);
  unsigned o = obj_get(&st);
  if (o == 0 || (!created && (oflag & O_TRUNC) != 0 && objs[o - 1].sized)) {
    pthread_mutex_unlock(&lock);
    real_close()(fd);
    return fail(o == 0 ? ENFILE : EINVAL);
  }
  fd_assign(fd, o);
  pthread_mutex_unlock(&lock);
  return fd;
}

int shm_unlink(const char* name) {
  char host[128];
  // XNU reports every malformed name here as EINVAL, too long included.
  if (host_name(name, host, sizeof(host)) != 0) {
    return fail(EINVAL);
  }
  return real_shm_unlink()(host);
}

// Once per object, to a size rounded up to whole pages.
int ftruncate(int fd, off_t length) {
  struct shm_info info = shm_lookup(fd);
  if (info.obj == 0) {
    return real_ftruncate()(fd, length);
  }
  if (length < 0) {
    return fail(EINVAL);
  }
  int r = -1;
  int err = EINVAL;
  pthread_mutex_lock(&lock);
  if (atomic_load_explicit(&fd_obj[fd], memory_order_relaxed) == info.obj &&
      !objs[info.obj - 1].sized) {
    r = real_ftruncate()(fd, (off_t)round_page((uint64_t)length));
    err = errno;
    objs[info.obj - 1].sized = r == 0;
  }
  pthread_mutex_unlock(&lock);
  errno = err;
  return r;
}

int ftruncate64(int fd, off_t length) __attribute__((alias("ftruncate")));

// An object has no read or write: read and write end in ENXIO, the
// positioned calls in ESPIPE (only files take an offset). A descriptor not
// open for that direction is EBADF first.
static bool io_refused(int fd, bool writing, int err) {
  if (shm_lookup(fd).obj == 0) {
    return false;
  }
  errno = access_mode(fd) == (writing ? O_RDONLY : O_WRONLY) ? EBADF : err;
  return true;
}

#define IO_WRAP(name, params, args, writing, err)                              \
  REAL(ssize_t, name, params)                                                  \
  ssize_t name params {                                                        \
    return io_refused(fd, writing, err) ? -1 : real_##name() args;             \
  }

IO_WRAP(write, (int fd, const void* buf, size_t n), (fd, buf, n), true, ENXIO)
IO_WRAP(readv, (int fd, const struct iovec* iov, int n), (fd, iov, n), false,
        ENXIO)
IO_WRAP(writev, (int fd, const struct iovec* iov, int n), (fd, iov, n), true,
        ENXIO)
IO_WRAP(pread, (int fd, void* buf, size_t n, off_t off), (fd, buf, n, off),
        false, ESPIPE)
IO_WRAP(pwrite, (int fd, const void* buf, size_t n, off_t off),
        (fd, buf, n, off), true, ESPIPE)
IO_WRAP(preadv, (int fd, const struct iovec* iov, int n, off_t off),
        (fd, iov, n, off), false, ESPIPE)
IO_WRAP(pwritev, (int fd, const struct iovec* iov, int n, off_t off),
        (fd, iov, n, off), true, ESPIPE)

ssize_t read(int fd, void* buf, size_t n) {
  return io_refused(fd, false, ENXIO) ? -1 : real_read()(fd, buf, n);
}

ssize_t pread64(int fd, void* buf, size_t n, off_t off)
    __attribute__((alias("pread")));
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off)
    __attribute__((alias("pwrite")));
ssize_t preadv64(int fd, const struct iovec* iov, int n, off_t off)
    __attribute__((alias("preadv")));
ssize_t pwritev64(int fd, const struct iovec* iov, int n, off_t off)
    __attribute__((alias("pwritev")));

// _FORTIFY_SOURCE builds read through these; an overflowing size still goes
// to glibc, which aborts.
ssize_t __read_chk(int fd, void* buf, size_t n, size_t buflen) {
  if (n > buflen) {
    return real___read_chk()(fd, buf, n, buflen);
  }
  return io_refused(fd, false, ENXIO) ? -1 : real_read()(fd, buf, n);
}

ssize_t __pread_chk(int fd, void* buf, size_t n, off_t off, size_t buflen) {
  if (n > buflen) {
    return real___pread_chk()(fd, buf, n, off, buflen);
  }
  return io_refused(fd, false, ESPIPE) ? -1 : real_pread()(fd, buf, n, off);
}

ssize_t __pread64_chk(int fd, void* buf, size_t n, off_t off, size_t buflen)
    __attribute__((alias("__pread_chk")));

// ---- Memory ----------------------------------------------------------------

// The mmap flags macOS knows (MAP_32BIT too); XNU refuses unknown ones.
#ifndef MAP_32BIT
#define MAP_32BIT 0
#endif
#define MAP_KNOWN                                                              \
  (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_NORESERVE |      \
   MAP_32BIT)

// With MAP_ANON, XNU reads the descriptor argument as allocation flags: a
// tag in the top byte, a superpage size, purgeable, 4 GiB chunks.
#define ANON_FD_BITS 0xFF070006u

// XNU's checks on mapping a shared-memory object, in its order.
static int shm_map_check(int fd, const struct shm_info* info, size_t len,
                         int prot, int flags, off_t off) {
  if ((flags & MAP_TYPE) != MAP_SHARED) {
    return EINVAL;
  }
  if ((prot & PROT_WRITE) != 0 && access_mode(fd) == O_RDONLY) {
    return EPERM;
  }
  if (!info->sized) {
    return EINVAL;
  }
  uint64_t size = round_page((uint64_t)info->st.st_size);
  uint64_t need = round_page(len);
  if (off < 0 || ((uint64_t)off & page_mask()) != 0 || need > size ||
      (uint64_t)off > size - need) {
    return EINVAL;
  }
  // The object's mappings may be at most read+write.
  return (prot & PROT_EXEC) != 0 ? EINVAL : 0;
}

void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off) {
  int err = 0;
  bool shm = false;
  if ((flags & ~MAP_KNOWN) != 0 || (flags & MAP_TYPE) == MAP_SHARED_VALIDATE) {
    err = EINVAL;
  } else if ((flags & MAP_ANONYMOUS) != 0) {
    err = fd != -1 && ((unsigned)fd & ~ANON_FD_BITS) != 0 ? EINVAL : 0;
  } else if (len != 0) {
    struct shm_info info = shm_lookup(fd);
    shm = info.obj != 0;
    err = shm ? shm_map_check(fd, &info, len, prot, flags, off) : 0;
  }
  if (err == 0 && !shm && wx_refused(prot)) {
    err = EACCES;
  }
  if (err != 0) {
    errno = err;
    return MAP_FAILED;
  }
  void* p = real_mmap()(addr, len, prot, flags, fd, off);
  if (p != MAP_FAILED) {
    uintptr_t start = (uintptr_t)p;
    uintptr_t end = start + (uintptr_t)round_page(len);
    pthread_mutex_lock(&lock);
    range_forget(start, end); // replaced by MAP_FIXED, or stale
    if (shm && n_ranges < RANGE_MAX) {
      ranges[n_ranges++] = (struct range){start, end};
    }
    pthread_mutex_unlock(&lock);
  }
  return p;
}

void* mmap64(void* addr, size_t len, int prot, int flags, int fd, off_t off)
    __attribute__((alias("mmap")));

// Unmaps and forgets under the lock: once the range is free, another thread's
// mmap may get it and record it before a late forget would drop it.
int munmap(void* addr, size_t len) {
  pthread_mutex_lock(&lock);
  int r = real_munmap()(addr, len);
  int err = errno;
  if (r == 0) {
    range_forget((uintptr_t)addr, (uintptr_t)addr + round_page(len));
  }
  pthread_mutex_unlock(&lock);
  errno = err;
  return r;
}

// An object's mappings have read+write as their maximum protection, so adding
// execute fails, as W+X does, with EACCES.
int mprotect(void* addr, size_t len, int prot) {
  uintptr_t start = (uintptr_t)addr;
  if ((prot & PROT_EXEC) != 0 &&
      range_overlaps(start, start + (uintptr_t)round_page(len))) {
    return fail(EACCES);
  }
  return wx_refused(prot) ? fail(EACCES) : real_mprotect()(addr, len, prot);
}

// macOS knows NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED and FREE, and
// PAGEOUT, which release kernels refuse with ENOTSUP; other values are
// EINVAL, and so is a range with a hole (not Linux's ENOMEM). DONTNEED there
// only deactivates pages and their contents stay, where Linux zero-fills
// private anonymous memory: it becomes msync(MS_ASYNC), which checks the
// range and changes nothing.
int madvise(void* addr, size_t len, int advice) {
  int r;
  switch (advice) {
  case MADV_NORMAL:
  case MADV_RANDOM:
  case MADV_SEQUENTIAL:
  case MADV_WILLNEED:
  case MADV_FREE:
    r = real_madvise()(addr, len, advice);
    break;
  case MADV_DONTNEED:
    r = len == 0 ? 0 : real_msync()(addr, len, MS_ASYNC);
    break;
#ifdef MADV_PAGEOUT
  case MADV_PAGEOUT:
    return fail(ENOTSUP);
#endif
  default:
    return fail(EINVAL);
  }
  if (r != 0 && errno == ENOMEM) {
    errno = EINVAL;
  }
  return r;
}

// XNU refuses a zero length.
int msync(void* addr, size_t len, int flags) {
  return len == 0 ? fail(EINVAL) : real_msync()(addr, len, flags);
}

int getentropy(void* buf, size_t len) {
  return len > ENTROPY_MAX ? fail(EINVAL) : real_getentropy()(buf, len);
}

// ---- Calls macOS does not have ---------------------------------------------

// mlockall and munlockall exist there as system calls that return ENOSYS.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
int memfd_create(const char* name, unsigned flags) { return fail(ENOSYS); }
int fallocate(int fd, int mode, off_t off, off_t len) { return fail(ENOSYS); }
int fallocate64(int fd, int mode, off_t off, off_t len)
    __attribute__((alias("fallocate")));
int posix_fallocate(int fd, off_t off, off_t len) { return ENOSYS; }
int posix_fallocate64(int fd, off_t off, off_t len)
    __attribute__((alias("posix_fallocate")));
ssize_t getrandom(void* buf, size_t len, unsigned flags) {
  return fail(ENOSYS);
}
int mlockall(int flags) { return fail(ENOSYS); }
int munlockall(void) { return fail(ENOSYS); }
void* mremap(void* old, size_t old_len, size_t new_len, int flags, ...) {
  errno = ENOSYS;
  return MAP_FAILED;
}
#pragma GCC diagnostic pop

// ---- Test backdoor ---------------------------------------------------------

int xnu_shim_active(void) { return 1; }

// Reads "start-end perms" at the head of a /proc/self/maps line.
static bool parse_maps_line(const char* line, uintptr_t* start, uintptr_t* end,
                            int* prot, int* shared) {
  char* p;
  *start = (uintptr_t)strtoull(line, &p, 16);
  if (*p != '-') {
    return false;
  }
  *end = (uintptr_t)strtoull(p + 1, &p, 16);
  if (*p != ' ' || strlen(p) < 5) {
    return false;
  }
  *prot = (p[1] == 'r' ? PROT_READ : 0) | (p[2] == 'w' ? PROT_WRITE : 0) |
          (p[3] == 'x' ? PROT_EXEC : 0);
  *shared = p[4] == 's';
  return true;
}

// Like mach_vm_region: the first mapping that ends above addr (it holds addr,
// or is the next one up). Reads the host's /proc/self/maps with the real
// calls, past the procfs rule.
int xnu_shim_region(uintptr_t addr, uintptr_t* start, uintptr_t* end, int* prot,
                    int* shared) {
  int fd = real_open()("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  char buf[4096];
  char line[96]; // the fields needed fit; the rest of a line is dropped
  size_t used = 0;
  bool found = false;
  ssize_t n;
  while (!found && ((n = real_read()(fd, buf, sizeof(buf))) > 0 ||
                    (n < 0 && errno == EINTR))) {
    for (ssize_t i = 0; i < n && !found; i++) {
      if (buf[i] != '\n') {
        if (used < sizeof(line) - 1) {
          line[used++] = buf[i];
        }
        continue;
      }
      line[used] = '\0';
      used = 0;
      uintptr_t s, e;
      int pr, sh;
      if (parse_maps_line(line, &s, &e, &pr, &sh) && e > addr) {
        *start = s;
        *end = e;
        *prot = pr;
        *shared = sh;
        found = true;
      }
    }
  }
  real_close()(fd);
  return found ? 0 : fail(ENOENT);
}
