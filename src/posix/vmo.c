// SPDX-License-Identifier: MIT
// POSIX backend: VMOs, each backed by one shared-memory file.
//
// The file gives Zircon's semantics for free: it reads as zero until
// written, every MAP_SHARED mapping of it sees the same pages, touching a
// mapping past the file's end faults, and resizing the file resizes the VMO
// under every mapping at once.

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "internal.h"
#include "sys.h"

// Which kind of file backs new VMOs. memfd_create where the host has it;
// elsewhere shm_open (unlinked at once), or an unlinked temporary file where
// a shared-memory object can be sized only once (macOS). The environment
// variable VMAR_POSIX_VMO_BACKING (memfd, shm, file) forces one, so the
// portable paths are tested on Linux too.
enum backing { BACKING_MEMFD, BACKING_SHM, BACKING_FILE };

static enum backing backing_kind;
static pthread_once_t backing_once = PTHREAD_ONCE_INIT;

static void choose_backing(void) {
#if defined(VMAR__HAVE_MEMFD)
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
#if defined(VMAR__HAVE_MEMFD)
  else if (strcmp(env, "memfd") == 0) {
    backing_kind = BACKING_MEMFD;
  }
#endif
}

// Opens a new backing file. Where /proc cannot give an exported descriptor
// an open file description of its own, a second description is opened now,
// while the file still has a name, and exports duplicate that one: nothing
// a receiver does to its descriptor's status flags (O_APPEND, say) reaches
// the library's own I/O.
static int open_backing(int* fd_out, int* export_fd) {
  pthread_once(&backing_once, choose_backing);
  *export_fd = -1;
#if defined(VMAR__HAVE_PROCFS)
  int* second = NULL;
#else
  int* second = export_fd;
#endif
  switch (backing_kind) {
#if defined(VMAR__HAVE_MEMFD)
  case BACKING_MEMFD:
    return vmar__sys_open_memfd(fd_out);
#endif
  case BACKING_SHM:
    return vmar__sys_open_shm(fd_out, second);
  default:
    return vmar__sys_open_tmpfile(fd_out, second);
  }
}

// Closes both descriptors of a VMO that never became one.
static void close_backing(int fd, int export_fd) {
  vmar__sys_close(fd);
  if (export_fd >= 0) {
    vmar__sys_close(export_fd);
  }
}

void vmar__vmo_free(vmar__vmo_t* v) {
  close_backing(v->fd, v->export_fd);
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

bool vmar__vmo_round_size(uint64_t size, uint64_t* out) {
  return vmar__round_up(size, vmar__os_page_size(), out) &&
         *out <= (uint64_t)INT64_MAX;
}

vmar_status_t vmar__vmo_wrap_file(int fd, int export_fd, uint64_t size,
                                  uint32_t options, bool shared_io,
                                  vmar_handle_t* out) {
  // Whole cache lines: VMOs used by different threads never share one.
  vmar__vmo_t* v = vmar__calloc_lines(sizeof(*v));
  if (v == NULL) {
    close_backing(fd, export_fd);
    return VMAR_ERR_NO_MEMORY;
  }
  if (pthread_rwlock_init(&v->io_lock, NULL) != 0) {
    vmar__free(v);
    close_backing(fd, export_fd);
    return VMAR_ERR_NO_MEMORY;
  }
  if (pthread_mutex_init(&v->name_lock, NULL) != 0) {
    pthread_rwlock_destroy(&v->io_lock);
    vmar__free(v);
    close_backing(fd, export_fd);
    return VMAR_ERR_NO_MEMORY;
  }
  vmar__object_init(&v->obj, VMAR_OBJ_TYPE_VMO);
  v->fd = fd;
  v->export_fd = export_fd;
  atomic_init(&v->shared_io, shared_io);
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

vmar_status_t vmar__os_vmo_create(uint64_t size, uint32_t options,
                                  vmar_handle_t* out) {
  if ((options & ~(VMAR_VMO_RESIZABLE | VMAR_VMO_DISCARDABLE)) != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t rounded;
  if (!vmar__vmo_round_size(size, &rounded)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (out == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  int fd = -1;
  int export_fd = -1;
  int err = open_backing(&fd, &export_fd);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  if (rounded != 0 && (err = vmar__sys_ftruncate(fd, rounded)) != 0) {
    close_backing(fd, export_fd);
    return vmar__status_of_resize(err);
  }
  return vmar__vmo_wrap_file(fd, export_fd, rounded, options, false, out);
}

static bool in_range(uint64_t offset, uint64_t len, uint64_t size) {
  return offset <= size && len <= size - offset;
}

// The copy itself, under the I/O lock so a concurrent resize cannot cut it
// short; the range is checked again there (the VMO may have shrunk since).
static vmar_status_t vmo_copy(vmar__vmo_t* v, void* buf, uint64_t offset,
                              size_t len, bool write) {
  if (write && atomic_load_explicit(&v->shared_io, memory_order_relaxed)) {
    // The owner of the descriptor this VMO was made from could have put it in
    // append mode, which moves pwrite to the file's end: refuse rather than
    // write somewhere else.
    bool appends = false;
    int err = vmar__sys_appends(v->fd, &appends);
    if (err != 0 || appends) {
      return err != 0 ? vmar__status_from_errno(err) : VMAR_ERR_BAD_STATE;
    }
  }
  vmar_status_t st = VMAR_ERR_OUT_OF_RANGE;
  pthread_rwlock_rdlock(&v->io_lock);
  if (in_range(offset, len, v->size)) {
    int err = write ? vmar__sys_pwrite_all(v->fd, buf, len, offset)
                    : vmar__sys_pread_all(v->fd, buf, len, offset);
    st = vmar__status_of_copy(err);
  }
  pthread_rwlock_unlock(&v->io_lock);
  return st;
}

// The common part of read and write: checks in Zircon's order, then the
// copy. The caller's buffer is checked against vmar's mappings before the
// I/O lock is taken (a VMO's lock is never held while a reservation's lock
// is taken: design.md §9).
static vmar_status_t vmo_io(vmar_handle_t h, void* buf, uint64_t offset,
                            size_t len, bool write) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(h, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmar_rights_t needed = write ? VMAR_RIGHT_WRITE : VMAR_RIGHT_READ;
  if (!(rights & needed)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (!in_range(offset, len, v->size)) {
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
      st = vmo_copy(v, buf, offset, len, write);
    }
  }
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

// Resizes |v|'s file to |rounded| bytes, the VMO's new size for a request of
// |size|. The kept part of the last page, past |size|, must read as zero, as
// on Zircon (grown pages are zero already). It is zeroed before the file is
// cut, from a saved copy that is put back if a later step fails, so the call
// changes all or nothing. Called with the I/O lock held for writing.
static vmar_status_t resize_locked(vmar__vmo_t* v, uint64_t size,
                                   uint64_t rounded) {
  const size_t tail =
      rounded > size && rounded <= v->size ? (size_t)(rounded - size) : 0;
  int err = 0;
  if (tail == 0) {
    err = vmar__sys_ftruncate(v->fd, rounded);
  } else {
    char* saved = vmar__malloc(tail);
    if (saved == NULL) {
      return VMAR_ERR_NO_MEMORY;
    }
    if ((err = vmar__sys_pread_all(v->fd, saved, tail, size)) == 0) {
      err = vmar__sys_zero_range(v->fd, size, tail);
      if (err == 0) {
        err = vmar__sys_ftruncate(v->fd, rounded);
      }
      if (err != 0) {
        (void)vmar__sys_pwrite_all(v->fd, saved, tail, size);
      }
    }
    vmar__free(saved);
  }
  if (err == 0) {
    v->size = rounded;
  }
  return vmar__status_of_resize(err);
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
  } else if (!vmar__vmo_round_size(size, &rounded)) {
    st = VMAR_ERR_OUT_OF_RANGE;
  } else {
    pthread_rwlock_wrlock(&v->io_lock);
    st = resize_locked(v, size, rounded);
    pthread_rwlock_unlock(&v->io_lock);
  }
  vmar__object_release(&v->obj);
  return st;
}

// What each zx_vmo_op_range operation needs and does on a host.
enum vmo_action { VMO_NOTHING, VMO_COMMIT, VMO_ZERO, VMO_LOCKING };

typedef struct vmo_op_rule {
  uint32_t op;
  vmar_rights_t rights; // any one of them will do (0: none needed)
  bool page_aligned;    // the range must be whole pages
  enum vmo_action action;
} vmo_op_rule_t;

static const vmo_op_rule_t kVmoRules[] = {
    {VMAR_VMO_OP_COMMIT, VMAR_RIGHT_WRITE, false, VMO_COMMIT},
    {VMAR_VMO_OP_DECOMMIT, VMAR_RIGHT_WRITE, true, VMO_ZERO},
    {VMAR_VMO_OP_ZERO, VMAR_RIGHT_WRITE, false, VMO_ZERO},
    {VMAR_VMO_OP_LOCK, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, false, VMO_LOCKING},
    {VMAR_VMO_OP_TRY_LOCK, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, false,
     VMO_LOCKING},
    {VMAR_VMO_OP_UNLOCK, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, false,
     VMO_LOCKING},
    {VMAR_VMO_OP_CACHE_SYNC, VMAR_RIGHT_READ, false, VMO_NOTHING},
    {VMAR_VMO_OP_CACHE_INVALIDATE, VMAR_RIGHT_WRITE, false, VMO_NOTHING},
    {VMAR_VMO_OP_CACHE_CLEAN, VMAR_RIGHT_READ, false, VMO_NOTHING},
    {VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE, VMAR_RIGHT_READ, false, VMO_NOTHING},
    {VMAR_VMO_OP_DONT_NEED, 0, false, VMO_NOTHING},
    {VMAR_VMO_OP_ALWAYS_NEED, 0, false, VMO_NOTHING},
    {VMAR_VMO_OP_PREFETCH, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, false,
     VMO_NOTHING},
};

static const vmo_op_rule_t* vmo_rule_of(uint32_t op) {
  for (size_t i = 0; i < sizeof(kVmoRules) / sizeof(kVmoRules[0]); i++) {
    if (kVmoRules[i].op == op) {
      return &kVmoRules[i];
    }
  }
  return NULL;
}

// The checks and the work of one operation, with |v|'s I/O lock held for
// reading (so the size cannot change under it).
static vmar_status_t vmo_op_locked(const vmar__vmo_t* v, vmar_rights_t rights,
                                   const vmo_op_rule_t* rule, uint64_t offset,
                                   uint64_t size) {
  const size_t page = vmar__os_page_size();
  if (rule->rights != 0 && (rights & rule->rights) == 0) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (rule->page_aligned &&
      (!vmar__is_aligned(offset, page) || !vmar__is_aligned(size, page))) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (offset > v->size || size > v->size - offset) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (rule->action == VMO_LOCKING && !(v->options & VMAR_VMO_DISCARDABLE)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  int err = 0;
  if (size != 0 && rule->action == VMO_COMMIT) {
    err = vmar__sys_commit_range(v->fd, offset, size);
  } else if (size != 0 && rule->action == VMO_ZERO) {
    err = vmar__sys_zero_range(v->fd, offset, size);
  }
  // The rest are hints: a host keeps every page, discardable or not.
  return vmar__status_of_commit(err);
}

vmar_status_t vmar__os_vmo_op_range(vmar_handle_t vmo, uint32_t op,
                                    uint64_t offset, uint64_t size) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_get(vmo, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const vmo_op_rule_t* rule = vmo_rule_of(op);
  if (rule == NULL) {
    st = VMAR_ERR_INVALID_ARGS;
  } else {
    pthread_rwlock_rdlock(&v->io_lock);
    st = vmo_op_locked(v, rights, rule, offset, size);
    pthread_rwlock_unlock(&v->io_lock);
  }
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
  vmar__object_t* dropped;
  st = vmar__handle_replace(vmo, VMAR_RIGHT_SAME_RIGHTS, VMAR_RIGHT_EXECUTE,
                            out, &dropped);
  if (dropped != NULL) {
    vmar__object_release(dropped);
  }
  return st;
}
