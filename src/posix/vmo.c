// SPDX-License-Identifier: MIT
// POSIX backend: VMOs, each backed by one shared-memory file.
//
// The file gives Zircon's semantics for free: it reads as zero until
// written, every MAP_SHARED mapping of it sees the same pages, touching a
// mapping past the file's end faults, and resizing the file resizes the VMO
// under every mapping at once.

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend.h"
#include "object.h"
#include "sys.h"

// Which kind of file backs new VMOs. memfd_create where the host has it;
// elsewhere shm_open (unlinked at once), or an unlinked temporary file where
// a shared-memory object can be sized only once (macOS). The environment
// variable VMAR_POSIX_VMO_BACKING (memfd, shm, file) forces one, so the
// portable paths are tested on Linux too.
enum backing { BACKING_MEMFD, BACKING_SHM, BACKING_FILE };

static enum backing backing_kind;
static pthread_once_t backing_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast32_t name_counter;

static void choose_backing(void) {
#ifdef VMAR__HAVE_MEMFD
  backing_kind = BACKING_MEMFD;
#else
  backing_kind = BACKING_SHM;
#endif
  const char* env = getenv("VMAR_POSIX_VMO_BACKING");
  if (env == NULL) {
    return;
  }
  if (strcmp(env, "shm") == 0) {
    backing_kind = BACKING_SHM;
  } else if (strcmp(env, "file") == 0) {
    backing_kind = BACKING_FILE;
  }
#ifdef VMAR__HAVE_MEMFD
  else if (strcmp(env, "memfd") == 0) {
    backing_kind = BACKING_MEMFD;
  }
#endif
}

static int open_shm(int* fd_out) {
  for (int attempt = 0; attempt < 16; attempt++) {
    char name[64];
    snprintf(name, sizeof(name), "/vmar.%ld.%lu.%llx", (long)getpid(),
             (unsigned long)atomic_fetch_add(&name_counter, 1),
             (unsigned long long)(vmar__random(NULL) & 0xFFFFFFFFull));
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      if (errno == EEXIST) {
        continue;
      }
      return errno;
    }
    shm_unlink(name); // anonymous from now on, like a memfd
    *fd_out = fd;
    return 0;
  }
  return EEXIST;
}

static int open_file(int* fd_out) {
  const char* dir = getenv("TMPDIR");
  if (dir == NULL || dir[0] == '\0') {
    dir = "/tmp";
  }
  char path[4096];
  if ((size_t)snprintf(path, sizeof(path), "%s/vmar.XXXXXX", dir) >=
      sizeof(path)) {
    return ENAMETOOLONG;
  }
  int fd = mkstemp(path);
  if (fd < 0) {
    return errno;
  }
  unlink(path);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  *fd_out = fd;
  return 0;
}

static int open_backing(bool resizable, int* fd_out) {
  pthread_once(&backing_once, choose_backing);
  int injected;
  if (vmar__fault_hit(VMAR__FAULT_OPEN, &injected)) {
    return injected;
  }
  switch (backing_kind) {
#ifdef VMAR__HAVE_MEMFD
  case BACKING_MEMFD: {
    int fd = memfd_create("vmar", MFD_CLOEXEC);
    if (fd < 0) {
      return errno;
    }
    *fd_out = fd;
    return 0;
  }
#endif
  case BACKING_SHM:
#ifdef __APPLE__
    // A shared-memory object there can be sized only once.
    if (resizable) {
      return open_file(fd_out);
    }
#else
    (void)resizable;
#endif
    return open_shm(fd_out);
  default:
    return open_file(fd_out);
  }
}

void vmar__vmo_free(vmar__vmo_t* v) {
  vmar__sys_close(v->fd);
  pthread_rwlock_destroy(&v->io_lock);
  pthread_mutex_destroy(&v->name_lock);
  vmar__free(v);
}

vmar_status_t vmar__vmo_get(vmar_handle_t h, vmar__vmo_t** out,
                            vmar_rights_t* rights) {
  vmar__object_t* o;
  vmar_status_t st = vmar__handle_get(h, &o, rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (o->type != VMAR_OBJ_TYPE_VMO) {
    vmar__object_release(o);
    return VMAR_ERR_WRONG_TYPE;
  }
  *out = VMAR__CONTAINER_OF(o, vmar__vmo_t, obj);
  return VMAR_OK;
}

// Rounds a requested VMO size to pages; false when it cannot be backed (a
// file offset is a signed 64-bit number).
static bool round_vmo_size(uint64_t size, uint64_t* out) {
  return vmar__round_up(size, vmar__os_page_size(), out) &&
         *out <= (uint64_t)INT64_MAX;
}

// Wraps the open file |fd| (already |size| bytes) in a new VMO and a handle.
// On failure |fd| is closed.
static vmar_status_t vmo_from_file(int fd, uint64_t size, uint32_t options,
                                   vmar_handle_t* out) {
  // Whole cache lines: VMOs used by different threads never share one.
  vmar__vmo_t* v = vmar__calloc_lines(sizeof(*v));
  if (v == NULL) {
    vmar__sys_close(fd);
    return VMAR_ERR_NO_MEMORY;
  }
  if (pthread_rwlock_init(&v->io_lock, NULL) != 0) {
    vmar__free(v);
    vmar__sys_close(fd);
    return VMAR_ERR_NO_MEMORY;
  }
  if (pthread_mutex_init(&v->name_lock, NULL) != 0) {
    pthread_rwlock_destroy(&v->io_lock);
    vmar__free(v);
    vmar__sys_close(fd);
    return VMAR_ERR_NO_MEMORY;
  }
  vmar__object_init(&v->obj, VMAR_OBJ_TYPE_VMO);
  v->fd = fd;
  v->options = options;
  v->size = size;
  vmar_rights_t rights = VMAR_DEFAULT_VMO_RIGHTS;
  if (options & VMAR_VMO_RESIZABLE) {
    rights |= VMAR_RIGHT_RESIZE;
  }
  vmar_status_t st = vmar__handle_create(&v->obj, rights, out);
  vmar__object_release(&v->obj); // the handle holds it now (or nobody)
  return st;
}

// A size the host will not back is out of range, as on Zircon.
static vmar_status_t size_status(int err) {
  return err == EFBIG || err == EINVAL ? VMAR_ERR_OUT_OF_RANGE
                                       : vmar__status_from_errno(err);
}

vmar_status_t vmar__os_vmo_create(uint64_t size, uint32_t options,
                                  vmar_handle_t* out) {
  if ((options & ~(VMAR_VMO_RESIZABLE | VMAR_VMO_DISCARDABLE)) != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t rounded;
  if (!round_vmo_size(size, &rounded)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  int fd;
  int err = open_backing((options & VMAR_VMO_RESIZABLE) != 0, &fd);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  if (rounded != 0 && (err = vmar__sys_ftruncate(fd, rounded)) != 0) {
    vmar__sys_close(fd);
    return size_status(err);
  }
  return vmo_from_file(fd, rounded, options, out);
}

vmar_status_t vmar__os_vmo_get_fd(vmar_handle_t vmo, int* fd) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmar_rights_t needed =
      VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP | VMAR_RIGHT_TRANSFER;
  if ((rights & needed) != needed) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (fd == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    int err = vmar__sys_dup(v->fd, fd);
    st = vmar__status_from_errno(err);
  }
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar__os_vmo_create_from_fd(int fd, uint32_t options,
                                          vmar_handle_t* out) {
  if (fd < 0 || (options & ~VMAR_VMO_RESIZABLE) != 0 || out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t size = 0;
  int mode = VMAR__SYS_FILE_OTHER;
  int err = vmar__sys_file_info(fd, &size, &mode);
  if (err == EBADF) {
    return VMAR_ERR_BAD_HANDLE;
  }
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  if (mode == VMAR__SYS_FILE_OTHER) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (mode != VMAR__SYS_FILE_RW) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint64_t rounded;
  if (!round_vmo_size(size, &rounded)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  int own = -1;
  if ((err = vmar__sys_dup(fd, &own)) != 0) {
    return vmar__status_from_errno(err);
  }
  if (rounded != size && (err = vmar__sys_ftruncate(own, rounded)) != 0) {
    vmar__sys_close(own);
    return size_status(err);
  }
  return vmo_from_file(own, rounded, options, out);
}

// The common part of read and write: checks in Zircon's order, then the
// copy under the I/O lock (so a concurrent resize cannot cut it short).
static vmar_status_t vmo_io(vmar_handle_t h, void* buf, uint64_t offset,
                            size_t len, bool write) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(h, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmar_rights_t needed = write ? VMAR_RIGHT_WRITE : VMAR_RIGHT_READ;
  pthread_rwlock_rdlock(&v->io_lock);
  if (!(rights & needed)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (offset > v->size || len > v->size - offset) {
    st = VMAR_ERR_OUT_OF_RANGE;
  } else if (len == 0) {
    st = VMAR_OK;
  } else if (buf == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    // Copying out of the VMO writes the caller's buffer and vice versa. The
    // check keeps a copy from stopping half-way in memory vmar manages.
    st = vmar__check_user_buffer((uintptr_t)buf, len, !write);
    if (st == VMAR_OK) {
      int err = write ? vmar__sys_pwrite_all(v->fd, buf, len, offset)
                      : vmar__sys_pread_all(v->fd, buf, len, offset);
      st = err == EFAULT ? VMAR_ERR_NOT_FOUND : vmar__status_from_errno(err);
    }
  }
  pthread_rwlock_unlock(&v->io_lock);
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar__os_vmo_read(vmar_handle_t vmo, void* buf, uint64_t offset,
                                size_t len) {
  return vmo_io(vmo, buf, offset, len, false);
}

vmar_status_t vmar__os_vmo_write(vmar_handle_t vmo, const void* buf,
                                 uint64_t offset, size_t len) {
  return vmo_io(vmo, (void*)(uintptr_t)buf, offset, len, true);
}

vmar_status_t vmar__os_vmo_get_size(vmar_handle_t vmo, uint64_t* size) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (size == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    pthread_rwlock_rdlock(&v->io_lock);
    *size = v->size;
    pthread_rwlock_unlock(&v->io_lock);
  }
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar__os_vmo_set_size(vmar_handle_t vmo, uint64_t size) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  uint64_t rounded = 0;
  if (!(rights & VMAR_RIGHT_WRITE)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (!(v->options & VMAR_VMO_RESIZABLE)) {
    st = VMAR_ERR_UNAVAILABLE;
  } else if (!(rights & VMAR_RIGHT_RESIZE)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (!round_vmo_size(size, &rounded)) {
    st = VMAR_ERR_OUT_OF_RANGE;
  }
  if (st != VMAR_OK) {
    vmar__object_release(&v->obj);
    return st;
  }
  pthread_rwlock_wrlock(&v->io_lock);
  // The kept part of the last page, past the requested size, must read as
  // zero, as on Zircon (grown pages are zero already). It is zeroed before
  // the file is cut, from a saved copy that is put back if a later step
  // fails, so the call changes all or nothing.
  const size_t tail =
      rounded > size && rounded <= v->size ? (size_t)(rounded - size) : 0;
  char* saved = tail != 0 ? vmar__malloc(tail) : NULL;
  int err = 0;
  if (tail != 0 && saved == NULL) {
    st = VMAR_ERR_NO_MEMORY;
  } else if (tail != 0 &&
             (err = vmar__sys_pread_all(v->fd, saved, tail, size)) == 0) {
    err = vmar__sys_zero_range(v->fd, size, tail);
    if (err == 0) {
      err = vmar__sys_ftruncate(v->fd, rounded);
    }
    if (err != 0) {
      (void)vmar__sys_pwrite_all(v->fd, saved, tail, size);
    }
  } else if (tail == 0) {
    err = vmar__sys_ftruncate(v->fd, rounded);
  }
  if (st == VMAR_OK && err == 0) {
    v->size = rounded;
  }
  pthread_rwlock_unlock(&v->io_lock);
  vmar__free(saved);
  vmar__object_release(&v->obj);
  if (st != VMAR_OK) {
    return st;
  }
  return err == 0                        ? VMAR_OK
         : err == EFBIG || err == EINVAL ? VMAR_ERR_OUT_OF_RANGE
                                         : vmar__status_from_errno(err);
}

vmar_status_t vmar__os_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                    uint64_t offset, uint64_t size) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_rights_t needed;
  switch (op) {
  case VMAR_VMO_OP_COMMIT:
  case VMAR_VMO_OP_DECOMMIT:
  case VMAR_VMO_OP_ZERO:
  case VMAR_VMO_OP_CACHE_INVALIDATE:
    needed = VMAR_RIGHT_WRITE;
    break;
  case VMAR_VMO_OP_CACHE_SYNC:
  case VMAR_VMO_OP_CACHE_CLEAN:
  case VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE:
    needed = VMAR_RIGHT_READ;
    break;
  case VMAR_VMO_OP_LOCK:
  case VMAR_VMO_OP_TRY_LOCK:
  case VMAR_VMO_OP_UNLOCK:
  case VMAR_VMO_OP_PREFETCH:
    needed = VMAR_RIGHT_READ | VMAR_RIGHT_WRITE; // either will do
    break;
  case VMAR_VMO_OP_DONT_NEED:
  case VMAR_VMO_OP_ALWAYS_NEED:
    needed = 0;
    break;
  default:
    vmar__object_release(&v->obj);
    return VMAR_ERR_INVALID_ARGS;
  }
  const size_t page = vmar__os_page_size();
  pthread_rwlock_rdlock(&v->io_lock);
  if (needed != 0 && (rights & needed) == 0) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (op == VMAR_VMO_OP_DECOMMIT && (!vmar__is_aligned(offset, page) ||
                                            !vmar__is_aligned(size, page))) {
    st = VMAR_ERR_INVALID_ARGS;
  } else if (offset > v->size || size > v->size - offset) {
    st = VMAR_ERR_OUT_OF_RANGE;
  } else if ((op == VMAR_VMO_OP_LOCK || op == VMAR_VMO_OP_TRY_LOCK ||
              op == VMAR_VMO_OP_UNLOCK) &&
             !(v->options & VMAR_VMO_DISCARDABLE)) {
    st = VMAR_ERR_NOT_SUPPORTED;
  } else if (size != 0) {
    int err = 0;
    if (op == VMAR_VMO_OP_COMMIT) {
      err = vmar__sys_commit_range(v->fd, offset, size);
    } else if (op == VMAR_VMO_OP_DECOMMIT || op == VMAR_VMO_OP_ZERO) {
      err = vmar__sys_zero_range(v->fd, offset, size);
    }
    // The rest are hints: a host keeps every page, discardable or not.
    st = err == ENOSPC ? VMAR_ERR_NO_MEMORY : vmar__status_from_errno(err);
  }
  pthread_rwlock_unlock(&v->io_lock);
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar__os_vmo_set_name(vmar_handle_t vmo, const char* name) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_SET_PROPERTY)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else {
    pthread_mutex_lock(&v->name_lock);
    memset(v->name, 0, sizeof(v->name));
    if (name != NULL) {
      // Longer names are cut, as zx_object_set_property(ZX_PROP_NAME) does.
      strncpy(v->name, name, sizeof(v->name) - 1);
    }
    pthread_mutex_unlock(&v->name_lock);
  }
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar__os_vmo_get_name(vmar_handle_t vmo,
                                    char name[VMAR_MAX_NAME_LEN]) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_GET_PROPERTY)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (name == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    pthread_mutex_lock(&v->name_lock);
    memcpy(name, v->name, VMAR_MAX_NAME_LEN);
    pthread_mutex_unlock(&v->name_lock);
  }
  vmar__object_release(&v->obj);
  return st;
}

vmar_status_t vmar__os_vmo_replace_as_executable(vmar_handle_t vmo,
                                                 vmar_handle_t* out) {
  vmar__object_t* o;
  vmar_rights_t rights;
  vmar_status_t st = vmar__handle_get(vmo, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const bool is_vmo = o->type == VMAR_OBJ_TYPE_VMO;
  vmar__object_release(o);
  if (!is_vmo) {
    // As zx_vmo_replace_as_executable, the handle is consumed regardless.
    if (vmar__handle_take(vmo, &o) == VMAR_OK) {
      vmar__object_release(o);
    }
    return VMAR_ERR_WRONG_TYPE;
  }
  return vmar__handle_replace(vmo, VMAR_RIGHT_SAME_RIGHTS, VMAR_RIGHT_EXECUTE,
                              out);
}
