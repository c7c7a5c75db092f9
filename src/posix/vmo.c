// SPDX-License-Identifier: MIT
// POSIX backend: VMOs and the files behind them (stores), reads, writes,
// sizes and names. Child VMOs are made in vmo_child.c, range operations and
// the content size live in vmo_ops.c.
//
// The file gives Zircon's semantics for free: it reads as zero until
// written, every MAP_SHARED mapping of it sees the same pages, touching a
// mapping past the file's end faults, and resizing the file resizes the VMO
// under every mapping at once.

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "internal.h"
#include "reclaim.h"
#include "sys.h"

// Which kind of file backs new VMOs (design.md §5): memfd_create where the
// host has it; on macOS an unlinked file in $TMPDIR, since its shared-memory
// objects cannot be VMOs; elsewhere shm_open, unlinked at once. The
// environment variable VMAR_POSIX_VMO_BACKING (memfd, shm, file) forces one
// the host can use, so the other hosts' paths run on Linux too.
enum backing { BACKING_MEMFD, BACKING_SHM, BACKING_FILE };

static enum backing backing_kind;
static pthread_once_t backing_once = PTHREAD_ONCE_INIT;

static void choose_backing(void) {
#if defined(VMAR__HAVE_MEMFD)
  backing_kind = BACKING_MEMFD;
#elif defined(VMAR__VMO_FILES_ONLY)
  backing_kind = BACKING_FILE;
#else
  backing_kind = BACKING_SHM;
#endif
  const char* env = getenv("VMAR_POSIX_VMO_BACKING");
  if (env == NULL) {
    return;
  }
  if (strcmp(env, "file") == 0) {
    backing_kind = BACKING_FILE;
  }
#if !defined(VMAR__VMO_FILES_ONLY)
  else if (strcmp(env, "shm") == 0) {
    backing_kind = BACKING_SHM;
  }
#endif
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
int vmar__vmo_open_file(int* fd, int* export_fd) {
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
    return vmar__sys_open_memfd(fd);
#endif
  case BACKING_SHM:
    return vmar__sys_open_shm(fd, second);
  default:
    return vmar__sys_open_tmpfile(fd, second);
  }
}

void vmar__vmo_close_file(int fd, int export_fd) {
  vmar__sys_close(fd);
  if (export_fd >= 0) {
    vmar__sys_close(export_fd);
  }
}

// ---- Stores and VMO objects ------------------------------------------------

vmar__store_t* vmar__store_new(int fd, int export_fd, uint64_t size,
                               uint64_t content_size, bool resizable,
                               bool shared_io) {
  // Not zeroed (calloc would miss the allocator's per-thread cache): every
  // field is set below.
  vmar__store_t* s = vmar__malloc(sizeof(*s));
  if (s == NULL || pthread_rwlock_init(&s->io_lock, NULL) != 0) {
    vmar__free(s);
    vmar__vmo_close_file(fd, export_fd);
    return NULL;
  }
  vmar__ref_init(&s->refs);
  s->fd = fd;
  s->export_fd = export_fd;
  s->resizable = resizable;
  s->snapshot_copy = false;
  s->snapshots = 0;
  atomic_init(&s->shared_io, shared_io);
  atomic_init(&s->size, size);
  s->content_size = content_size;
  return s;
}

void vmar__store_release(vmar__store_t* s) {
  if (s != NULL && vmar__ref_release(&s->refs)) {
    vmar__vmo_close_file(s->fd, s->export_fd);
    pthread_rwlock_destroy(&s->io_lock);
    vmar__free(s);
  }
}

vmar__vmo_t* vmar__vmo_new(vmar__store_t* store, unsigned kind,
                           uint32_t options) {
  // Whole cache lines: VMOs used by different threads never share one.
  vmar__vmo_t* v = vmar__calloc_lines(sizeof(*v));
  if (v == NULL || pthread_mutex_init(&v->name_lock, NULL) != 0) {
    vmar__free_lines(v);
    vmar__store_release(store);
    return NULL;
  }
  vmar__object_init(&v->obj, VMAR_OBJ_TYPE_VMO);
  v->obj.state = (uint8_t)kind;
  v->obj.flags = (uint16_t)options;
  v->store = store;
  v->fd = store->fd;
  return v;
}

vmar_status_t vmar__vmo_publish(vmar__vmo_t* v, vmar_rights_t rights,
                                vmar_handle_t* out) {
  vmar_status_t st = vmar__handle_create(&v->obj, rights, out);
  vmar__object_release(&v->obj); // the handle holds it now (or nobody)
  return st;
}

void vmar__vmo_free(vmar__vmo_t* v) {
  vmar__vmo_leave_family(v);
  vmar__store_release(v->store);
  pthread_mutex_destroy(&v->name_lock);
  vmar__reclaim_retire(&v->obj); // a lookup may still read it
}

bool vmar__vmo_round_size(uint64_t size, uint64_t* out) {
  return vmar__round_up(size, vmar__page_size(), out) &&
         *out <= (uint64_t)INT64_MAX;
}

vmar_rights_t vmar__vmo_default_rights(uint32_t options) {
  return VMAR_DEFAULT_VMO_RIGHTS |
         ((options & VMAR_VMO_RESIZABLE) ? VMAR_RIGHT_RESIZE : 0);
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
  int err = vmar__vmo_open_file(&fd, &export_fd);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  if (rounded != 0 && (err = vmar__sys_ftruncate(fd, rounded)) != 0) {
    vmar__vmo_close_file(fd, export_fd);
    return vmar__status_of_resize(err);
  }
  vmar__store_t* store = vmar__store_new(
      fd, export_fd, rounded, size, (options & VMAR_VMO_RESIZABLE) != 0, false);
  vmar__vmo_t* v =
      store != NULL ? vmar__vmo_new(store, VMAR__VMO_PLAIN, options) : NULL;
  if (v == NULL) {
    return VMAR_ERR_NO_MEMORY;
  }
  return vmar__vmo_publish(v, vmar__vmo_default_rights(options), out);
}

// ---- Reads and writes ------------------------------------------------------

static bool in_range(uint64_t offset, uint64_t len, uint64_t size) {
  return offset <= size && len <= size - offset;
}

// The copy itself, under the I/O lock so a concurrent resize cannot cut it
// short; the range is checked again there (the VMO may have shrunk since).
static vmar_status_t vmo_copy(vmar__vmo_t* v, void* buf, uint64_t offset,
                              size_t len, bool write) {
  vmar__store_t* s = v->store;
  if (write && atomic_load_explicit(&s->shared_io, memory_order_relaxed)) {
    // The owner of the descriptor this VMO was made from could have put it in
    // append mode, which moves pwrite to the file's end: refuse rather than
    // write somewhere else.
    bool appends = false;
    int err = vmar__sys_appends(s->fd, &appends);
    if (err != 0 || appends) {
      return err != 0 ? vmar__status_from_errno(err) : VMAR_ERR_BAD_STATE;
    }
  }
  vmar_status_t st = VMAR_ERR_OUT_OF_RANGE;
  pthread_rwlock_rdlock(&s->io_lock);
  if (in_range(offset, len, vmar__vmo_size(v))) {
    const uint64_t at = v->base + offset;
    int err = write ? vmar__sys_pwrite_all(s->fd, buf, len, at)
                    : vmar__sys_pread_all(s->fd, buf, len, at);
    st = vmar__status_of_copy(err);
  }
  pthread_rwlock_unlock(&s->io_lock);
  return st;
}

// The common part of read and write: checks in Zircon's order, then the
// copy. The caller's buffer is checked against vmar's mappings before the
// I/O lock is taken (a store's lock is never held while a reservation's lock
// is taken: design.md §9).
static vmar_status_t vmo_io(vmar_handle_t h, void* buf, uint64_t offset,
                            size_t len, bool write) {
  vmar__vmo_t* v;
  vmar_status_t st = vmar__vmo_open(
      h, write ? VMAR_RIGHT_WRITE : VMAR_RIGHT_READ, true, &v, NULL);
  if (st != VMAR_OK) {
    return st;
  }
  if (!in_range(offset, len, vmar__vmo_size(v))) {
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

// ---- Sizes -----------------------------------------------------------------

vmar_status_t vmar__os_vmo_get_size(vmar_handle_t vmo, uint64_t* size) {
  vmar__vmo_t* v;
  vmar_status_t st = vmar__vmo_open(vmo, 0, size != NULL, &v, NULL);
  if (st == VMAR_OK) {
    *size = vmar__vmo_size(v);
    vmar__object_release(&v->obj);
  }
  return st;
}

// Resizes |s|'s file to |rounded| bytes, the new size for a request of
// |size|. The kept part of the last page, past |size|, must read as zero, as
// on Zircon (grown pages are zero already). It is zeroed before the file is
// cut, from a saved copy that is put back if a later step fails, so the call
// changes all or nothing. Called with the store's I/O lock held for writing.
static vmar_status_t resize_locked(vmar__store_t* s, uint64_t size,
                                   uint64_t rounded) {
  const uint64_t old = atomic_load(&s->size);
  const size_t tail =
      rounded > size && rounded <= old ? (size_t)(rounded - size) : 0;
  int err = 0;
  if (tail == 0) {
    err = vmar__sys_ftruncate(s->fd, rounded);
  } else {
    char* saved = vmar__malloc(tail);
    if (saved == NULL) {
      return VMAR_ERR_NO_MEMORY;
    }
    if ((err = vmar__sys_pread_all(s->fd, saved, tail, size)) == 0) {
      err = vmar__sys_zero_range(s->fd, size, tail);
      if (err == 0) {
        err = vmar__sys_ftruncate(s->fd, rounded);
      }
      if (err != 0) {
        (void)vmar__sys_pwrite_all(s->fd, saved, tail, size);
      }
    }
    vmar__free(saved);
  }
  if (err == 0) {
    atomic_store(&s->size, rounded);
    s->content_size = size; // as zx_vmo_set_size: the size asked for
  }
  return vmar__status_of_resize(err);
}

vmar_status_t vmar__os_vmo_set_size(vmar_handle_t vmo, uint64_t size) {
  vmar__vmo_t* v;
  vmar_rights_t rights;
  vmar_status_t st = vmar__vmo_open(vmo, VMAR_RIGHT_WRITE, true, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  uint64_t rounded = 0;
  if (!(v->obj.flags & VMAR_VMO_RESIZABLE)) {
    st = VMAR_ERR_UNAVAILABLE;
  } else if (!(rights & VMAR_RIGHT_RESIZE)) {
    st = VMAR_ERR_ACCESS_DENIED;
  } else if (!vmar__vmo_round_size(size, &rounded)) {
    st = VMAR_ERR_OUT_OF_RANGE;
  } else {
    pthread_rwlock_wrlock(&v->store->io_lock);
    st = resize_locked(v->store, size, rounded);
    pthread_rwlock_unlock(&v->store->io_lock);
  }
  vmar__object_release(&v->obj);
  return st;
}

// ---- Names and rights ------------------------------------------------------

vmar_status_t vmar__os_vmo_set_name(vmar_handle_t vmo, const char* name) {
  vmar__vmo_t* v;
  vmar_status_t st =
      vmar__vmo_open(vmo, VMAR_RIGHT_SET_PROPERTY, true, &v, NULL);
  if (st == VMAR_OK) {
    pthread_mutex_lock(&v->name_lock);
    memset(v->name, 0, sizeof(v->name));
    if (name != NULL) {
      // Longer names are cut, as zx_object_set_property(ZX_PROP_NAME) does.
      strncpy(v->name, name, sizeof(v->name) - 1);
    }
    pthread_mutex_unlock(&v->name_lock);
    vmar__object_release(&v->obj);
  }
  return st;
}

vmar_status_t vmar__os_vmo_get_name(vmar_handle_t vmo,
                                    char name[VMAR_MAX_NAME_LEN]) {
  vmar__vmo_t* v;
  vmar_status_t st =
      vmar__vmo_open(vmo, VMAR_RIGHT_GET_PROPERTY, name != NULL, &v, NULL);
  if (st == VMAR_OK) {
    pthread_mutex_lock(&v->name_lock);
    memcpy(name, v->name, VMAR_MAX_NAME_LEN);
    pthread_mutex_unlock(&v->name_lock);
    vmar__object_release(&v->obj);
  }
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
