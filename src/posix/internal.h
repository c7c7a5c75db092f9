// SPDX-License-Identifier: MIT
// The POSIX backend's internal header: its objects (VMARs, mappings, VMOs)
// and how they nest and lock, the backend-wide state (root VMAR, page size,
// placement randomness), and the functions its files share. Only files of
// src/posix include it.

#ifndef VMAR_SRC_POSIX_INTERNAL_H_
#define VMAR_SRC_POSIX_INTERNAL_H_

#include <pthread.h>

#include "base/alloc.h"
#include "base/util.h"
#include "gap_tree.h"
#include "handle_table.h"
#include "lock.h"

// Kinds of node in a VMAR's children tree.
enum { VMAR__NODE_REGION = 1, VMAR__NODE_MAPPING = 2 };

typedef struct vmar__top vmar__top_t;

// A VMAR. Its range (node.base, node.size) and its creation flags (obj.flags:
// CAN_MAP_*, CAN_MAP_SPECIFIC, COMPACT) never change once it is visible, so
// they are read without a lock. Everything else changes only under
// top->lock: obj.state (VMAR__REGION_*), the tree, the parent link. 104 bytes
// on 64-bit hosts: with its handle a child VMAR costs 128 bytes of heap.
typedef struct vmar__region {
  vmar__object_t obj;
  vmar__gap_node_t node;       // place among the parent's children
  vmar__gap_tree_t children;   // sub-VMARs and mappings
  struct vmar__region* parent; // NULL for the root and once destroyed
  vmar__top_t* top;            // the reservation this VMAR lives in
} vmar__region_t;
#if UINTPTR_MAX > 0xFFFFFFFFu
_Static_assert(sizeof(vmar__region_t) == 104, "a VMAR must stay small");
#endif
_Static_assert(offsetof(vmar__region_t, children) ==
                   offsetof(vmar__region_t, node) + sizeof(vmar__gap_node_t),
               "a VMAR's tree follows its node, which gives the tree's range");

// obj.state of a VMAR: its life cycle.
enum {
  VMAR__REGION_NOT_READY = 0,
  VMAR__REGION_ALIVE = 1,
  VMAR__REGION_DEAD = 2,
};

// In obj.flags of a VMAR, next to its creation flags (a bit no VMAR option
// uses): it is a reservation, the root or a child of it (r->top == r).
#define VMAR__REGION_RESERVATION ((uint16_t)1u << 15)
_Static_assert((VMAR__REGION_RESERVATION &
                (VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC |
                 VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE |
                 VMAR_VM_CAN_MAP_EXECUTE)) == 0,
               "the reservation bit is no VMAR creation flag");

static inline bool vmar__region_alive(const vmar__region_t* r) {
  return r->obj.state == VMAR__REGION_ALIVE;
}

// A reservation: the root VMAR or a child of it, with the lock that guards it
// and every VMAR and mapping inside it. Operations in unrelated reservations
// never share a lock. Lock order: the root's lock before any other.
// Allocated on whole cache lines, so two reservations used by two threads
// never share a line; the lock starts a line, with the fields it guards that
// the VMAR does not hold.
struct vmar__top {
  vmar__region_t region;
  // Spans whose mappings were retired in place because the host refused a
  // new reservation over them (vm.max_map_count; range.c): laid over again
  // once the host gives room. Pairs of [base, end), under |lock|, in
  // |retired_inline| until more are needed: at the limit even malloc may
  // find no room for a new host mapping.
  uintptr_t* retired;
  size_t retired_count; // pairs
  _Alignas(64) vmar__lock_t lock;
  uint64_t next_mapping_id; // ids of mappings in it, under |lock|
  // A mapping's memory the last unmap kept for the next map, which so
  // needs no allocation (under |lock|).
  struct vmar__mapping* spare_mapping;
  size_t retired_cap; // pairs
  uintptr_t retired_inline[2 * 4];
};
#if UINTPTR_MAX > 0xFFFFFFFFu && defined(__linux__)
_Static_assert(sizeof(struct vmar__top) == 256, "a reservation: four lines");
#endif

// The file behind VMOs (design.md §5): a VMO made by vmar_vmo_create or
// imported has one of its own, which its slices and references share; a
// snapshot child gets a new one. |fd|, |export_fd| and |resizable| never
// change; |size| (the file's, a page multiple) and |content_size| change
// under |io_lock|, written by set_size, held for reading by read, write and
// every operation on the file's pages.
typedef struct vmar__store {
  vmar__refcount_t refs; // the VMOs on it
  int fd;                // the library's own descriptor: I/O, mappings, size
  int export_fd;         // where /proc cannot reopen |fd|: a second open file
                         // description of the file, duplicated for exports;
                         // -1 elsewhere
  bool resizable;
  bool snapshot_copy; // made for a snapshot child
  size_t snapshots;   // snapshot children of VMOs on it (family lock)
  // |fd|'s open file description is shared with a descriptor outside vmar
  // (one imported where it could not be reopened): writes first check it is
  // not in append mode, which would move them to the file's end.
  atomic_bool shared_io;
  pthread_rwlock_t io_lock;
  _Atomic uint64_t size; // also read without the lock, as a hint
  uint64_t content_size; // of the VMOs that use the whole file
} vmar__store_t;

// What kind of VMO an object is (in obj.state; obj.flags holds the
// VMAR_VMO_* options it was made with).
enum {
  VMAR__VMO_PLAIN = 0,     // made by vmar_vmo_create or imported
  VMAR__VMO_SNAPSHOT = 1,  // a snapshot child: its own copy
  VMAR__VMO_SLICE = 2,     // a window onto its parent's pages
  VMAR__VMO_REFERENCE = 3, // all of its parent's pages and size
  VMAR__VMO_KIND_MASK = 3,
  VMAR__VMO_IMMUTABLE = 4, // a snapshot made with NO_WRITE
};

// A VMO: a window [base, base + size) onto a store's file. Lock order:
// reservation locks (root first), then the store's |io_lock|, then the
// family lock (vmo_child.c), then |name_lock|.
typedef struct vmar__vmo {
  vmar__object_t obj;
  // Mappings of this VMO (runs of adjacent pieces of one mapping: pieces
  // whose |head| is set), kept by the calls that edit pieces. Next to the
  // reference count, which every call touches first.
  atomic_size_t mappings;
  vmar__store_t* store; // a reference
  uint64_t base;        // slices: where the window starts in the file
  uint64_t window;      // slices: the window's fixed size
  int fd;               // store->fd, on the line a map reads anyway
  uint32_t locks;       // discardable VMOs: LOCK count, under io_lock
  // Family (vmo_child.c, under its lock): the VMO this is a child of, and
  // its own children.
  atomic_bool family;    // it ever had a parent or a child (set under the
                         // family lock; a VMO without one dies without it)
  uint64_t content_size; // slices: their own content size (under io_lock)
  struct vmar__vmo* parent;
  struct vmar__vmo* children;
  struct vmar__vmo* next_sibling;
  struct vmar__vmo* prev_sibling;
  size_t num_children;
  pthread_mutex_t name_lock;
  char name[VMAR_MAX_NAME_LEN];
} vmar__vmo_t;

static inline unsigned vmar__vmo_kind(const vmar__vmo_t* v) {
  return v->obj.state & VMAR__VMO_KIND_MASK;
}

// The VMO's size: a slice's fixed window, else its file's size.
static inline uint64_t vmar__vmo_size(const vmar__vmo_t* v) {
  return vmar__vmo_kind(v) == VMAR__VMO_SLICE ? v->window
                                              : atomic_load(&v->store->size);
}

// Where the VMO's content size lives. Called with the store's io_lock.
static inline uint64_t* vmar__vmo_content_size(vmar__vmo_t* v) {
  return vmar__vmo_kind(v) == VMAR__VMO_SLICE ? &v->content_size
                                              : &v->store->content_size;
}

// A mapping, or a piece of one: a mapping whose pages carry different
// permissions is stored as adjacent pieces sharing |id|, each with its own
// |perms| (Zircon's protection ranges). Pieces never straddle sub-VMARs.
typedef struct vmar__mapping {
  vmar__gap_node_t node;  // kind VMAR__NODE_MAPPING
  vmar__region_t* region; // the VMAR holding it directly
  vmar__vmo_t* vmo;       // a reference
  uint64_t vmo_offset;    // VMO offset of node.base
  uint64_t id;            // shared by the pieces of one mapping
  uint8_t ceiling;        // PERM bits allowed, fixed at map time
  uint8_t perms;          // current PERM bits
  bool backed;            // false when the host cannot express the offset,
                          // or past a slice's window: the range stays
                          // reserved and always faults
  bool split;             // other pieces share |id| (or did)
  bool head;              // the piece before is not of the same mapping
                          // (it counts in vmo->mappings)
} vmar__mapping_t;

// ---- Objects (object.c) ----

// Sets one reference and a fresh koid.
void vmar__object_init(vmar__object_t* o, uint32_t type);

// Drops a reference; the last one frees the object (region or VMO).
void vmar__object_release(vmar__object_t* o);

// Looks |h| up for a call: the object behind it, if it is of |type| (any
// for VMAR_OBJ_TYPE_NONE) and the handle holds every right in |need|;
// BAD_HANDLE, WRONG_TYPE or ACCESS_DENIED, in that order, otherwise. On
// VMAR_OK the caller owns a reference to *out (drop it with
// vmar__object_release) and |rights|, if not NULL, has the handle's rights.
vmar_status_t vmar__object_lookup(vmar_handle_t h, uint32_t type,
                                  vmar_rights_t need, vmar__object_t** out,
                                  vmar_rights_t* rights);

// The checks after the handle's, in the zx_* calls' order: type, then
// rights.
static inline vmar_status_t vmar__object_check(const vmar__object_t* o,
                                               uint32_t type,
                                               vmar_rights_t have,
                                               vmar_rights_t need) {
  if (type != VMAR_OBJ_TYPE_NONE && o->type != type) {
    return VMAR_ERR_WRONG_TYPE;
  }
  return (have & need) != need ? VMAR_ERR_ACCESS_DENIED : VMAR_OK;
}

// As vmar__object_lookup, for a call inside a read section (reclaim.h)
// that borrows the object instead of taking a reference: its memory stays
// until the section ends, but it may die meanwhile (a close dropped its last
// reference). A borrowed VMAR is safe to lock and check for life; anything
// else takes a reference first, with vmar__ref_try_acquire.
static inline vmar_status_t vmar__object_borrow(vmar_handle_t h, uint32_t type,
                                                vmar_rights_t need,
                                                vmar__object_t** out,
                                                vmar_rights_t* rights) {
  vmar__object_t* o;
  vmar_rights_t have;
  vmar_status_t st = vmar__handle_borrow(h, &o, &have);
  if (st == VMAR_OK &&
      (st = vmar__object_check(o, type, have, need)) == VMAR_OK) {
    *out = o;
    if (rights != NULL) {
      *rights = have;
    }
  }
  return st;
}

// Opens |h| for a call: vmar__object_lookup (or vmar__object_borrow when
// |borrow|), then INVALID_ARGS unless |args_ok| (the call's own arguments
// are usable), which is the order the zx_* calls check in.
static inline vmar_status_t
vmar__object_open_as(bool borrow, vmar_handle_t h, uint32_t type,
                     vmar_rights_t need, bool args_ok, vmar__object_t** out,
                     vmar_rights_t* rights) {
  vmar__object_t* o;
  vmar_status_t st = borrow ? vmar__object_borrow(h, type, need, &o, rights)
                            : vmar__object_lookup(h, type, need, &o, rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!args_ok) {
    if (!borrow) {
      vmar__object_release(o);
    }
    return VMAR_ERR_INVALID_ARGS;
  }
  *out = o;
  return VMAR_OK;
}

static inline vmar_status_t vmar__object_open(vmar_handle_t h, uint32_t type,
                                              vmar_rights_t need, bool args_ok,
                                              vmar__object_t** out,
                                              vmar_rights_t* rights) {
  return vmar__object_open_as(false, h, type, need, args_ok, out, rights);
}

// Defines |name|, vmar__object_open_as for objects of |type| held in a |T|,
// taking a reference or (|borrow|) borrowing.
// NOLINTBEGIN(bugprone-macro-parentheses): |T| names a type.
#define VMAR__DEFINE_OPEN(name, T, type, borrow)                               \
  static inline vmar_status_t name(vmar_handle_t h, vmar_rights_t need,        \
                                   bool args_ok, T** out,                      \
                                   vmar_rights_t* rights) {                    \
    vmar__object_t* o;                                                         \
    vmar_status_t st =                                                         \
        vmar__object_open_as(borrow, h, type, need, args_ok, &o, rights);      \
    if (st == VMAR_OK) {                                                       \
      *out = VMAR__CONTAINER_OF(o, T, obj);                                    \
    }                                                                          \
    return st;                                                                 \
  }
// NOLINTEND(bugprone-macro-parentheses)

// Backend-wide state, set up once on first use; |ready| is set last. One
// cache line, read by every call.
typedef struct vmar__posix {
  atomic_bool ready;
  size_t page;
  vmar__top_t* root;
  vmar_handle_t root_handle;
} vmar__posix_t;

extern vmar__posix_t vmar__posix_state;
const vmar__posix_t* vmar__posix_init(void);

// Returns the initialised backend state. Every call goes through here:
// after the set-up, one acquire load.
static inline const vmar__posix_t* vmar__posix(void) {
  if (!atomic_load_explicit(&vmar__posix_state.ready, memory_order_acquire)) {
    return vmar__posix_init();
  }
  return &vmar__posix_state;
}

// The host's page size.
static inline size_t vmar__page_size(void) { return vmar__posix()->page; }

// The root VMAR; NULL only if it could not be set up (out of memory at first
// use), in which case no handle names it either.
static inline vmar__region_t* vmar__root_region(void) {
  vmar__top_t* root = vmar__posix()->root;
  return root != NULL ? &root->region : NULL;
}

// vmar__object_open for a VMAR (drop the reference with
// vmar__object_release(&r->obj)), and the borrowing kind.
VMAR__DEFINE_OPEN(vmar__region_open, vmar__region_t, VMAR_OBJ_TYPE_VMAR, false)
VMAR__DEFINE_OPEN(vmar__region_borrow, vmar__region_t, VMAR_OBJ_TYPE_VMAR, true)

// Chooses where a new child of |size| bytes goes inside |parent|, a VMAR
// within a reservation, from |options| (SPECIFIC, OFFSET_IS_UPPER_LIMIT,
// COMPACT placement of the parent): ALREADY_EXISTS, INVALID_ARGS for a
// misaligned SPECIFIC address, NO_RESOURCES when nothing fits. No host call.
// |pos| receives where in the tree the child goes (succ and last both NULL
// for SPECIFIC: no position known), for vmar__region_insert. Called with
// the reservation's lock held.
vmar_status_t vmar__region_place(const vmar__region_t* parent,
                                 vmar_vm_option_t options, size_t offset,
                                 size_t size, size_t align, uintptr_t* out,
                                 vmar__gap_pos_t* pos);

// vmar__region_place without SPECIFIC: the lowest spot under |limit| in a
// COMPACT VMAR (as Zircon's newest kernels: strict lowest-address first
// fit), else a random one, or the lowest while the entropy is set to 0
// (vmar__region_place_random). Inline: every map that lets the VMAR choose
// comes here.
vmar_status_t vmar__region_place_random(const vmar__region_t* parent,
                                        size_t size, size_t align,
                                        uintptr_t limit, uintptr_t* out,
                                        vmar__gap_pos_t* pos);
static inline vmar_status_t
vmar__region_place_anywhere(const vmar__region_t* parent, size_t size,
                            size_t align, uintptr_t limit, uintptr_t* out,
                            vmar__gap_pos_t* pos) {
  if (!(parent->obj.flags & VMAR_VM_COMPACT)) {
    return vmar__region_place_random(parent, size, align, limit, out, pos);
  }
  return vmar__gap_tree_first_fit(&parent->children, size, align, limit, out,
                                  pos)
             ? VMAR_OK
             : VMAR_ERR_NO_RESOURCES;
}

// The root's tree changes count (vmar__root_generation): every insertion
// into it calls vmar__root_taken first, with the region inserted into.
uint64_t vmar__root_generation(void);
void vmar__root_grew(void);
static inline void vmar__root_taken(const vmar__region_t* r) {
  if (r == vmar__root_region()) {
    vmar__root_grew();
  }
}

// Inserts |n| into |parent|'s tree, at |pos| when a placement gave one
// (pos != NULL and the tree unchanged since), else by a descent.
static inline void vmar__region_insert(vmar__region_t* parent,
                                       vmar__gap_node_t* n,
                                       const vmar__gap_pos_t* pos) {
  vmar__root_taken(parent);
  if (pos != NULL && (pos->succ != NULL || pos->last != NULL)) {
    vmar__gap_tree_insert_at(&parent->children, n, pos);
  } else {
    vmar__gap_tree_insert(&parent->children, n); // also: an empty tree
  }
}

// Reserves |size| bytes (PROT_NONE) for a new child of the root, where the
// host likes or exactly at root base + |offset| for SPECIFIC. Called with the
// root's lock held.
vmar_status_t vmar__root_reserve(const vmar__region_t* root,
                                 vmar_vm_option_t options, size_t offset,
                                 size_t size, size_t align, uintptr_t* out);

// Frees a region whose last reference is gone (its memory goes later, with
// vmar__region_dispose, once no lookup can be looking at it).
void vmar__region_free(vmar__region_t* r);
void vmar__region_dispose(vmar__region_t* r);

// vmar__object_open for a VMO, and the borrowing kind.
VMAR__DEFINE_OPEN(vmar__vmo_open, vmar__vmo_t, VMAR_OBJ_TYPE_VMO, false)
VMAR__DEFINE_OPEN(vmar__vmo_borrow, vmar__vmo_t, VMAR_OBJ_TYPE_VMO, true)

// Frees a VMO whose last reference is gone.
void vmar__vmo_free(vmar__vmo_t* v);

// Rounds a requested VMO size to pages; false when it cannot be backed (a
// file offset is a signed 64-bit number).
bool vmar__vmo_round_size(uint64_t size, uint64_t* out);

// The rights of a new VMO's handle (zx_vmo_create's).
vmar_rights_t vmar__vmo_default_rights(uint32_t options);

// A new store for the open file |fd| (already |size| bytes, a page multiple;
// |export_fd| a second open file description of it, or -1; |shared_io|:
// |fd|'s description is shared outside vmar), with |content_size|. On
// failure both descriptors are closed and NULL returned.
vmar__store_t* vmar__store_new(int fd, int export_fd, uint64_t size,
                               uint64_t content_size, bool resizable,
                               bool shared_io);
void vmar__store_release(vmar__store_t* s);

// Opens a new, empty backing file (design.md §5), and where the host needs
// one a second description of it for exports (else -1).
int vmar__vmo_open_file(int* fd, int* export_fd);

// Closes both descriptors of a file that never became a store.
void vmar__vmo_close_file(int fd, int export_fd);

// A new VMO object on |store| (whose reference it takes), of |kind|, with
// |options| (VMAR_VMO_*). NULL when memory runs out (the reference is
// dropped then).
vmar__vmo_t* vmar__vmo_new(vmar__store_t* store, unsigned kind,
                           uint32_t options);

// Gives |v| a handle with |rights| and drops the caller's reference.
vmar_status_t vmar__vmo_publish(vmar__vmo_t* v, vmar_rights_t rights,
                                vmar_handle_t* out);

// Unlinks a dying VMO from its family: its children become its parent's.
void vmar__vmo_leave_family(vmar__vmo_t* v);

// Whether the pages of |v| have copy-on-write relatives: its store was made
// for a snapshot child, or a VMO on its store has a snapshot child now.
bool vmar__vmo_has_snapshot_relatives(const vmar__vmo_t* v);

// Marks |r| and everything below it dead, empties their trees and collects
// what the caller must drop after unlocking: regions (each with the reference
// its parent's tree held) and mappings. |r| must already be out of its
// parent's tree. Called with the reservation's lock held.
typedef struct vmar__graveyard {
  vmar__gap_node_t* regions;  // linked through node.right
  vmar__gap_node_t* mappings; // linked through node.right
  vmar__vmo_t* kept_vmo;      // the VMO reference of a kept mapping
} vmar__graveyard_t;
void vmar__region_kill(vmar__region_t* r, vmar__graveyard_t* g);

// Keeps one mapping of |g| as |t|'s spare, if it has none, for the next map
// in the reservation; its VMO reference stays in |g|. Called with |t|'s
// lock held.
void vmar__graveyard_keep_spare(vmar__graveyard_t* g, vmar__top_t* t);

// Frees the spare mappings that reservations keep (tests that count heap
// blocks call it first).
void vmar__drop_spare_mappings(void);

// Drops everything collected by vmar__region_kill and the mapping calls.
// Called without locks.
void vmar__graveyard_empty(vmar__graveyard_t* g);

// Checks that [addr, addr + len) is memory a copy into (|write|) or out of
// the process may touch, as far as vmar knows it: ACCESS_DENIED inside a vmar
// mapping without the needed permission, NOT_FOUND in reserved but unmapped
// space; VMAR_OK elsewhere.
vmar_status_t vmar__check_user_buffer(uintptr_t addr, size_t len, bool write);

// 64 random bits (thread-safe, not for cryptography).
uint64_t vmar__random(void* unused);

// Entropy for randomised placement, in bits (vmar_posix_set_entropy_bits).
uint32_t vmar__entropy_bits(void);
void vmar__set_entropy_bits(uint32_t bits);

// ---- Host errors (host_status.c, the only place errno values become
// statuses) ----

// The status for a failed host call in general (0: VMAR_OK).
vmar_status_t vmar__status_of_host_error(int err);
static inline vmar_status_t vmar__status_from_errno(int err) {
  return err == 0 ? VMAR_OK : vmar__status_of_host_error(err);
}

// A file could not take a size: EFBIG and EINVAL mean the size is beyond what
// the host can back (OUT_OF_RANGE, as Zircon reports a size it cannot have).
vmar_status_t vmar__status_of_resize(int err);

// Committing or zeroing a VMO's pages failed: ENOSPC means the memory behind
// the file ran out (NO_MEMORY, as Zircon reports a failed page allocation).
vmar_status_t vmar__status_of_commit(int err);

// Copying to or from a caller's buffer failed: EFAULT means the buffer is not
// accessible memory (NOT_FOUND, as for an unmapped buffer on Zircon).
vmar_status_t vmar__status_of_copy(int err);

#endif // VMAR_SRC_POSIX_INTERNAL_H_
