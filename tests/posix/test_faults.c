// SPDX-License-Identifier: MIT
// Fault injection on the POSIX backend: every call, host site and call number.
// APIs covered: every public call that reaches the host: vmar_allocate,
//   vmar_destroy, vmar_map, vmar_unmap, vmar_protect, vmar_op_range,
//   vmar_get_maps, vmar_dump, vmar_vmo_*, vmar_handle_close,
//   vmar_handle_duplicate, vmar_handle_replace, vmar_manager_*,
//   vmar_mapper_*, vmar_owned_mapper_*, vmar_resizeable_mapper_*,
//   vmar_vmo_pool_init, vmar_vmo_pool_map_vmos.
//
// For each case and each site of src/base/fault.h the loop arms the site to
// fail its N-th call, N = 1, 2, ..., until the call completes without
// reaching the N-th call of that site. At every
// injected failure it checks the documented status (host ENOMEM ->
// NO_RESOURCES, failed allocation -> NO_MEMORY, EMFILE/ENOSPC ->
// NO_RESOURCES, EIO -> IO, ...) and that nothing changed: live handles, the
// whole tree below the root (vmar_get_maps), the host mappings
// (/proc/self/maps with file names on Linux, the region list elsewhere), VMO
// sizes and contents, open descriptors and, in builds with glibc's
// allocator (no sanitizer), live heap blocks. After every iteration the case is
// undone and the same state must be back, so a fault that a call absorbs (a
// hint, a fallback) cannot leak either. Each case (kCases) is one cmocka
// test; tests/zircon/test_faults.c is the Zircon backend's twin.
//
// Calls that return nothing (release and unmap of managers and mappers)
// cannot report a host failure: they keep what they could not undo
// reachable (a parked manager, a mapper still mapped), and their cases undo
// it in the cleanup, so the state must be back all the same.
//
// Prints "fault injection: <cases> cases, <n> failure points injected".

#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fault.h"
#include "posix/handle_table.h"
#include "posix/internal.h"
#include "posix/reclaim.h"

#define PERM_RW (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)
#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)
#define CAN_RWX (CAN_RW | VMAR_VM_CAN_MAP_EXECUTE)

// ---------------------------------------------------------------------------
// Fault sites: the errno each one is made to fail with, and the status that
// must come out of the public call.

typedef struct site {
  vmar__fault_site_t site;
  const char* name;
  int err;
  vmar_status_t status;
} site_t;

static const site_t kSites[] = {
    {VMAR__FAULT_MALLOC, "malloc", ENOMEM, VMAR_ERR_NO_MEMORY},
    {VMAR__FAULT_MMAP, "mmap", ENOMEM, VMAR_ERR_NO_RESOURCES},
    {VMAR__FAULT_MPROTECT, "mprotect", ENOMEM, VMAR_ERR_NO_RESOURCES},
    {VMAR__FAULT_MUNMAP, "munmap", ENOMEM, VMAR_ERR_NO_RESOURCES},
    {VMAR__FAULT_MADVISE, "madvise", EINVAL, VMAR_OK}, // hints only
    {VMAR__FAULT_OPEN, "open", EMFILE, VMAR_ERR_NO_RESOURCES},
    {VMAR__FAULT_FTRUNCATE, "ftruncate", ENOSPC, VMAR_ERR_NO_RESOURCES},
    {VMAR__FAULT_FALLOCATE, "fallocate", ENOSPC, VMAR_ERR_NO_MEMORY},
    {VMAR__FAULT_PREAD, "pread", EIO, VMAR_ERR_IO},
    {VMAR__FAULT_PWRITE, "pwrite", EIO, VMAR_ERR_IO},
    {VMAR__FAULT_CLOSE, "close", EIO, VMAR_OK}, // never reported
};
#define NUM_SITES (sizeof(kSites) / sizeof(kSites[0]))
#define BIT(s) (1u << (s))

// Sites whose failure a call may absorb and still succeed: hints and the
// closing of descriptors (the descriptor is gone either way).
#define ALWAYS_ABSORBED (BIT(VMAR__FAULT_MADVISE) | BIT(VMAR__FAULT_CLOSE))

// ---------------------------------------------------------------------------
// Fixture: a top-level VMAR with mappings, a sub-VMAR with a mapping, and a
// mapping with three protection ranges. Set up once.

enum { TOP_PAGES = 64, A_PAGES = 8, B_PAGES = 4, SUB_AT = 16, SUB_PAGES = 16 };
enum { C_AT = 40, C_PAGES = 4, C_VMO_OFF = 4 };

static struct {
  size_t page;
  vmar_handle_t root;
  vmar_info_t root_info;
  vmar_handle_t top;
  vmar_vaddr_t top_base;
  vmar_handle_t sub;
  vmar_vaddr_t sub_base;
  vmar_handle_t vmo_a; // resizable, A_PAGES, mapped RW at top+0 and at C
  vmar_handle_t vmo_b; // B_PAGES, mapped R at sub+0
} F;

// VMOs whose size and bytes every snapshot records.
enum { MAX_TRACKED = 8, MAX_BYTES = 64 * 4096 };
static vmar_handle_t tracked[MAX_TRACKED];

static void track(vmar_handle_t h) {
  for (size_t i = 0; i < MAX_TRACKED; i++) {
    if (tracked[i] == VMAR_HANDLE_INVALID) {
      tracked[i] = h;
      return;
    }
  }
  fail_msg("too many tracked VMOs");
}

static void untrack(vmar_handle_t h) {
  for (size_t i = 0; i < MAX_TRACKED; i++) {
    if (tracked[i] == h) {
      tracked[i] = VMAR_HANDLE_INVALID;
    }
  }
}

static void fill_pattern(vmar_handle_t vmo, unsigned char salt) {
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_get_size(vmo, &size));
  unsigned char* buf = malloc(size + 1);
  assert_non_null(buf);
  for (uint64_t i = 0; i < size; i++) {
    buf[i] = (unsigned char)(salt + i * 7 + (i >> 12));
  }
  assert_status(VMAR_OK, vmar_vmo_write(vmo, buf, 0, size));
  free(buf);
}

static vmar_vaddr_t at(size_t pages) { return F.top_base + pages * F.page; }

// Mapping C: vmo_a pages [C_VMO_OFF, +C_PAGES) at top+C_AT, RW, with its
// middle page read-only (three protection ranges).
static void make_c(void) {
  vmar_vaddr_t addr = 0;
  assert_status(VMAR_OK,
                vmar_map(F.top, PERM_RW | VMAR_VM_SPECIFIC, C_AT * F.page,
                         F.vmo_a, C_VMO_OFF * F.page, C_PAGES * F.page, &addr));
  assert_status(VMAR_OK,
                vmar_protect(F.top, VMAR_VM_PERM_READ, at(C_AT + 1), F.page));
}

static void restore_c(void) {
  assert_status(VMAR_OK, vmar_unmap(F.top, at(C_AT), C_PAGES * F.page));
  make_c();
}

static int group_setup(void** state) {
  (void)state;
  F.page = vmar_page_size();
  assert_status(VMAR_OK, vmar_posix_set_entropy_bits(0));
  F.root = vmar_root_self();
  assert_status(VMAR_OK, vmar_get_info(F.root, &F.root_info));
  assert_status(VMAR_OK,
                vmar_allocate(F.root, CAN_RWX | VMAR_VM_CAN_MAP_SPECIFIC, 0,
                              TOP_PAGES * F.page, &F.top, &F.top_base));
  assert_status(
      VMAR_OK, vmar_vmo_create(A_PAGES * F.page, VMAR_VMO_RESIZABLE, &F.vmo_a));
  assert_status(VMAR_OK, vmar_vmo_create(B_PAGES * F.page, 0, &F.vmo_b));
  fill_pattern(F.vmo_a, 1);
  fill_pattern(F.vmo_b, 2);
  vmar_vaddr_t addr = 0;
  assert_status(VMAR_OK, vmar_map(F.top, PERM_RW | VMAR_VM_SPECIFIC, 0, F.vmo_a,
                                  0, A_PAGES * F.page, &addr));
  assert_status(
      VMAR_OK,
      vmar_allocate(F.top, CAN_RW | VMAR_VM_SPECIFIC | VMAR_VM_CAN_MAP_SPECIFIC,
                    SUB_AT * F.page, SUB_PAGES * F.page, &F.sub, &F.sub_base));
  assert_status(VMAR_OK, vmar_map(F.sub, VMAR_VM_PERM_READ, 0, F.vmo_b, 0,
                                  B_PAGES * F.page, &addr));
  make_c();
  track(F.vmo_a);
  track(F.vmo_b);
  return 0;
}

// ---------------------------------------------------------------------------
// Snapshots of everything a failed call must leave alone

typedef struct host_vma {
  uintptr_t start, end;
  char perms[5];
  char path[80];
} host_vma_t;

typedef struct snapshot {
  size_t handles;
  size_t fds;
  size_t heap; // live heap blocks (0 under sanitizers: not measured)
  vmar_map_info_t* tree;
  size_t ntree;
  host_vma_t* vmas;
  size_t nvmas;
  uint64_t sizes[MAX_TRACKED];
  unsigned char* bytes[MAX_TRACKED];
} snapshot_t;

// Live heap blocks. Without a sanitizer (which brings its own allocator),
// this program interposes the C allocator and counts blocks; glibc's own
// statistics cannot be used, as its per-thread caches keep freed blocks
// counted as in use. The interposition needs glibc's __libc_* entry points:
// elsewhere (macOS) the heap is not measured, as under sanitizers, and the
// suite says so.
#if TEST_SANITIZED || !defined(__GLIBC__)
#define HEAP_MEASURED 0
static size_t heap_in_use(void) { return 0; }
#else
#define HEAP_MEASURED 1
extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* p, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void* p);
static atomic_long live_blocks;

void* aligned_alloc(size_t alignment, size_t size) {
  void* p = __libc_memalign(alignment, size);
  if (p != NULL) {
    atomic_fetch_add(&live_blocks, 1);
  }
  return p;
}

void* malloc(size_t size) {
  void* p = __libc_malloc(size);
  if (p != NULL) {
    atomic_fetch_add(&live_blocks, 1);
  }
  return p;
}

void* calloc(size_t count, size_t size) {
  void* p = __libc_calloc(count, size);
  if (p != NULL) {
    atomic_fetch_add(&live_blocks, 1);
  }
  return p;
}

void* realloc(void* p, size_t size) {
  void* q = __libc_realloc(p, size);
  if (p == NULL && q != NULL) {
    atomic_fetch_add(&live_blocks, 1);
  } else if (p != NULL && size == 0 && q == NULL) {
    atomic_fetch_sub(&live_blocks, 1);
  }
  return q;
}

void free(void* p) {
  if (p != NULL) {
    atomic_fetch_sub(&live_blocks, 1);
    __libc_free(p);
  }
}

// Objects a lookup might still be reading are freed a little later
// (reclaim.h), and reservations keep a spare mapping: free what can go
// first.
static size_t heap_in_use(void) {
  vmar__reclaim_quiesce();
  vmar__drop_spare_mappings();
  return (size_t)atomic_load(&live_blocks);
}
#endif

static bool in_tree_range(const snapshot_t* s, uintptr_t a, uintptr_t b) {
  for (size_t i = 1; i < s->ntree; i++) {
    if (s->tree[i].depth == 1 && a < s->tree[i].base + s->tree[i].size &&
        s->tree[i].base < b) {
      return true;
    }
  }
  return false;
}

// Whether a host mapping is to be compared: under sanitizers, whose
// allocators keep changing their own reservations, only those that meet a
// range the root's tree knows.
static bool vma_watched(const snapshot_t* s, uintptr_t start, uintptr_t end) {
#if TEST_SANITIZED
  return in_tree_range(s, start, end);
#else
  (void)s;
  (void)start;
  (void)end;
  (void)in_tree_range;
  return true;
#endif
}

static void push_vma(snapshot_t* s, size_t* cap, const host_vma_t* v) {
  if (s->nvmas == *cap) {
    *cap *= 2;
    s->vmas = realloc(s->vmas, *cap * sizeof(*s->vmas));
    assert_non_null(s->vmas);
  }
  s->vmas[s->nvmas++] = *v;
}

#if TEST_HOST_PROCFS
// The host mappings that can be vmar's: backing files (their names contain
// "vmar") and inaccessible anonymous ones (reservations).
static void read_vmas(snapshot_t* s) {
  FILE* f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  size_t cap = 256;
  s->vmas = malloc(cap * sizeof(*s->vmas));
  s->nvmas = 0;
  char line[512];
  while (fgets(line, sizeof(line), f) != NULL) {
    host_vma_t v;
    memset(&v, 0, sizeof(v));
    unsigned long a, b;
    int pos = 0;
    if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &a, &b, v.perms, &pos) < 3) {
      continue;
    }
    v.start = a;
    v.end = b;
    char* nl = strchr(line + pos, '\n');
    if (nl != NULL) {
      *nl = '\0';
    }
    snprintf(v.path, sizeof(v.path), "%s", pos > 0 ? line + pos : "");
    bool ours = strstr(v.path, "vmar") != NULL ||
                (v.path[0] == '\0' && strcmp(v.perms, "---p") == 0);
    if (ours && vma_watched(s, v.start, v.end)) {
      push_vma(s, &cap, &v);
    }
  }
  fclose(f);
}
#else
// No /proc (macOS): the host's regions from maps.h, without file names. The
// ones that can be vmar's are the shared ones (backing files) and the
// inaccessible private ones (reservations).
static void read_vmas(snapshot_t* s) {
  size_t total = test_maps_read(NULL, 0);
  test_map_entry_t* e = NULL;
  size_t n = 0;
  for (;;) {
    e = malloc((total + 64) * sizeof(*e));
    assert_non_null(e);
    n = test_maps_read(e, total + 64);
    assert_true(n > 0);
    if (n <= total + 64) {
      break;
    }
    free(e); // grew meanwhile: read again
    total = n;
  }
  size_t cap = 256;
  s->vmas = malloc(cap * sizeof(*s->vmas));
  assert_non_null(s->vmas);
  s->nvmas = 0;
  for (size_t i = 0; i < n; i++) {
    host_vma_t v;
    memset(&v, 0, sizeof(v));
    v.start = e[i].start;
    v.end = e[i].end;
    memcpy(v.perms, e[i].perms, sizeof(v.perms));
    bool ours = v.perms[3] == 's' || strcmp(v.perms, "---p") == 0;
    if (ours && vma_watched(s, v.start, v.end)) {
      push_vma(s, &cap, &v);
    }
  }
  free(e);
}
#endif

// |heap_last|: measure the heap after this snapshot's own buffers exist (the
// "before" side) or before allocating them (the "after" side), so the two
// agree exactly when the call in between leaked nothing.
static void snap(snapshot_t* s, bool heap_last) {
  memset(s, 0, sizeof(*s));
  if (!heap_last) {
    s->heap = heap_in_use();
  }
  s->handles = vmar__handle_count();
  s->fds = test_fd_count();
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(F.root, NULL, 0, NULL, &avail));
  s->tree = malloc((avail + 1) * sizeof(*s->tree));
  assert_status(VMAR_OK,
                vmar_get_maps(F.root, s->tree, avail + 1, &s->ntree, &avail));
  assert_int_equal(s->ntree, avail);
  read_vmas(s);
  for (size_t i = 0; i < MAX_TRACKED; i++) {
    if (tracked[i] == VMAR_HANDLE_INVALID) {
      continue;
    }
    assert_status(VMAR_OK, vmar_vmo_get_size(tracked[i], &s->sizes[i]));
    size_t n = s->sizes[i] < MAX_BYTES ? (size_t)s->sizes[i] : MAX_BYTES;
    s->bytes[i] = malloc(n + 1);
    assert_status(VMAR_OK, vmar_vmo_read(tracked[i], s->bytes[i], 0, n));
  }
  if (heap_last) {
    s->heap = heap_in_use();
  }
}

static void unsnap(snapshot_t* s) {
  free(s->tree);
  free(s->vmas);
  for (size_t i = 0; i < MAX_TRACKED; i++) {
    free(s->bytes[i]);
  }
}

static void dump_vmas(const char* what, const snapshot_t* s) {
  print_message("  %s: %zu host mappings\n", what, s->nvmas);
  for (size_t i = 0; i < s->nvmas; i++) {
    print_message("    %lx-%lx %s %s\n", (unsigned long)s->vmas[i].start,
                  (unsigned long)s->vmas[i].end, s->vmas[i].perms,
                  s->vmas[i].path);
  }
}

// What the loop is doing, for failure messages.
static const char* cur_case;
static const char* cur_site;
static uint64_t cur_n;

// |loose|: a documented rollback that restores the host and the bytes but
// not the tree's bookkeeping (see LOOSE below): the tree and the heap are not
// compared.
static void same(const snapshot_t* a, const snapshot_t* b, const char* when,
                 bool loose) {
  const char* what = NULL;
  if (a->handles != b->handles) {
    what = "handle count";
  } else if (a->fds != b->fds) {
    what = "open descriptors";
  } else if (!loose && a->heap != b->heap) {
    what = "live heap blocks";
  } else if (!loose &&
             (a->ntree != b->ntree ||
              memcmp(a->tree, b->tree, a->ntree * sizeof(*a->tree)) != 0)) {
    what = "tree (vmar_get_maps of the root)";
  } else if (a->nvmas != b->nvmas ||
             memcmp(a->vmas, b->vmas, a->nvmas * sizeof(*a->vmas)) != 0) {
    what = "host mappings";
  } else {
    for (size_t i = 0; i < MAX_TRACKED && what == NULL; i++) {
      if (a->sizes[i] != b->sizes[i]) {
        what = "VMO size";
      } else if (a->bytes[i] != NULL) {
        const size_t n = a->sizes[i] < MAX_BYTES ? a->sizes[i] : MAX_BYTES;
        if (memcmp(a->bytes[i], b->bytes[i], n) != 0) {
          what = "VMO contents";
        }
      }
    }
  }
  if (what != NULL) {
    print_error("%s: %s fault at call %llu: %s changed %s "
                "(handles %zu/%zu fds %zu/%zu heap %zu/%zu)\n",
                cur_case, cur_site, (unsigned long long)cur_n, what, when,
                a->handles, b->handles, a->fds, b->fds, a->heap, b->heap);
    dump_vmas("before", a);
    dump_vmas("after", b);
    fail();
  }
}

// ---------------------------------------------------------------------------
// The loop

typedef struct ctx {
  vmar_handle_t h, h2;
  vmar_vaddr_t addr, addr2;
  int fd;
  vmar_manager_t* mgr;
  vmar_manager_t* mgr2;
  vmar_mapper_t mapper;
  vmar_owned_mapper_t owned;
  vmar_resizeable_mapper_t rm;
  vmar_vmo_pool_t* pool;
  vmar_handle_t vmos[3];
  unsigned char buf[4 * 4096 * 4];
  char text[4096];
} ctx_t;

// One call, run with each site failing at each call number in turn.
typedef struct fcase {
  const char* name; // the cmocka test, also named in failure messages
  void (*prepare)(ctx_t*);
  vmar_status_t (*op)(ctx_t*);
  // Undoes a successful op, or cleans up what prepare made after a failed
  // one; |st| is what op returned.
  void (*cleanup)(ctx_t*, vmar_status_t st);
  unsigned absorbed; // extra sites whose failure op may absorb (OK)
  // Status for an injected fallocate failure, when not NO_MEMORY.
  vmar_status_t fallocate_status;
  // The contract says a failure leaves this state (instead of "unchanged");
  // checked by this function. NULL: unchanged.
  void (*check_failed)(ctx_t*);
  unsigned loose; // sites whose failure is compared loosely: see LOOSE
} fcase_t;

static uint64_t injected_total;
static size_t cases_total;

static vmar_status_t expected_status(const fcase_t* c, const site_t* s) {
  if (s->site == VMAR__FAULT_FALLOCATE && c->fallocate_status != 0) {
    return c->fallocate_status;
  }
  return s->status;
}

// Runs the case in *state (one of kCases): every site of the case's call
// fails at each of its call numbers in turn, cleanly.
static void fault_case__each_site_fails_cleanly(void** state) {
  const fcase_t* c = *state;
  cur_case = c->name;
  cases_total++;
  uint64_t before = injected_total;
  static ctx_t ctx;
  for (size_t k = 0; k < NUM_SITES; k++) {
    const site_t* s = &kSites[k];
    cur_site = s->name;
    for (uint64_t n = 1;; n++) {
      cur_n = n;
      assert_true(n < 100000);
      snapshot_t s0, s1, s2, s3;
      snap(&s0, true);
      memset(&ctx, 0, sizeof(ctx));
      ctx.fd = -1;
      if (c->prepare != NULL) {
        c->prepare(&ctx);
      }
      snap(&s1, true);
      vmar__fault_start();
      vmar__fault_arm(s->site, n, s->err);
      vmar_status_t st = c->op(&ctx);
      const uint64_t calls = vmar__fault_calls(s->site);
      vmar__fault_reset();
      const bool fired = calls >= n;
      if (!fired) {
        if (st != VMAR_OK) {
          print_error("%s: no fault, status %s\n", c->name,
                      vmar_status_string(st));
          fail();
        }
      } else {
        injected_total++;
        if (st == VMAR_OK) {
          // Absorbed: only hints, closes, documented fallbacks, and calls
          // that return nothing may succeed past a failing host call.
          if (!((ALWAYS_ABSORBED | c->absorbed) & BIT(s->site))) {
            print_error("%s: %s fault at call %llu was swallowed (VMAR_OK)\n",
                        c->name, s->name, (unsigned long long)n);
            fail();
          }
        } else {
          if (st != expected_status(c, s)) {
            print_error("%s: %s fault at call %llu: expected %s, got %s\n",
                        c->name, s->name, (unsigned long long)n,
                        vmar_status_string(expected_status(c, s)),
                        vmar_status_string(st));
            fail();
          }
          if (c->check_failed != NULL) {
            c->check_failed(&ctx);
          } else {
            snap(&s2, false);
            same(&s1, &s2, "by the failed call",
                 (c->loose & BIT(s->site)) != 0);
            unsnap(&s2);
          }
        }
      }
      unsnap(&s1);
      c->cleanup(&ctx, st);
      snap(&s3, false);
      same(&s0, &s3, "after the case was undone", false);
      unsnap(&s3);
      unsnap(&s0);
      if (!fired) {
        break;
      }
    }
  }
  print_message("fault injection: %s: %llu failure points\n", c->name,
                (unsigned long long)(injected_total - before));
}

static void no_cleanup(ctx_t* c, vmar_status_t st) {
  (void)c;
  (void)st;
}

static void close_h(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_handle_close(c->h));
  }
}

static void destroy_close_h(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_destroy(c->h));
    assert_status(VMAR_OK, vmar_handle_close(c->h));
  }
}

// ---------------------------------------------------------------------------
// Regions

static vmar_status_t op_allocate_root(ctx_t* c) {
  return vmar_allocate(F.root, CAN_RW, 0, 4 * F.page, &c->h, &c->addr);
}

static vmar_status_t op_allocate_root_aligned(ctx_t* c) {
  return vmar_allocate(F.root, CAN_RW | VMAR_VM_ALIGN_1MB, 0, 4 * F.page, &c->h,
                       &c->addr);
}

static vmar_status_t op_allocate_sub(ctx_t* c) {
  return vmar_allocate(F.top, CAN_RW, 0, 2 * F.page, &c->h, &c->addr);
}

static vmar_status_t op_allocate_sub_specific(ctx_t* c) {
  return vmar_allocate(F.top, CAN_RW | VMAR_VM_SPECIFIC, 48 * F.page,
                       4 * F.page, &c->h, &c->addr);
}

// A victim VMAR with a mapping in it: a child of the root, or of top.
static void prepare_victim(ctx_t* c, vmar_handle_t parent) {
  assert_status(VMAR_OK,
                vmar_allocate(parent, CAN_RW, 0, 4 * F.page, &c->h, &c->addr));
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK,
                vmar_map(c->h, PERM_RW, 0, F.vmo_b, 0, 2 * F.page, &a));
}
static void prepare_victim_root(ctx_t* c) { prepare_victim(c, F.root); }
static void prepare_victim_top(ctx_t* c) { prepare_victim(c, F.top); }

static vmar_status_t op_destroy(ctx_t* c) { return vmar_destroy(c->h); }

static void cleanup_victim(ctx_t* c, vmar_status_t st) {
  if (st != VMAR_OK) {
    assert_status(VMAR_OK, vmar_destroy(c->h));
  }
  assert_status(VMAR_OK, vmar_handle_close(c->h));
}

// ---------------------------------------------------------------------------
// Map

static void cleanup_unmap_top(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_unmap(F.top, c->addr, 2 * F.page));
  }
}

static void cleanup_unmap_root(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_unmap(F.root, c->addr, 2 * F.page));
  }
}

static vmar_status_t op_map_top(ctx_t* c) {
  return vmar_map(F.top, PERM_RW, 0, F.vmo_a, F.page, 2 * F.page, &c->addr);
}

static vmar_status_t op_map_top_specific(ctx_t* c) {
  return vmar_map(F.top, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC, 50 * F.page,
                  F.vmo_b, 0, 2 * F.page, &c->addr);
}

static vmar_status_t op_map_top_map_range(ctx_t* c) {
  return vmar_map(F.top, PERM_RW | VMAR_VM_MAP_RANGE, 0, F.vmo_a, 0, 2 * F.page,
                  &c->addr);
}

static vmar_status_t op_map_overwrite_split(ctx_t* c) {
  // Replaces the middle two pages of C (splitting it) by vmo_b.
  return vmar_map(F.top, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC_OVERWRITE,
                  (C_AT + 1) * F.page, F.vmo_b, 0, 2 * F.page, &c->addr);
}

static void cleanup_restore_c(ctx_t* c, vmar_status_t st) {
  (void)c;
  if (st == VMAR_OK) {
    restore_c();
  }
}

static vmar_status_t op_map_root(ctx_t* c) {
  return vmar_map(F.root, PERM_RW, 0, F.vmo_a, 0, 2 * F.page, &c->addr);
}

static vmar_status_t op_map_root_aligned(ctx_t* c) {
  return vmar_map(F.root, PERM_RW | VMAR_VM_ALIGN_1MB, 0, F.vmo_a, 0,
                  2 * F.page, &c->addr);
}

// ---------------------------------------------------------------------------
// Unmap

static void prepare_map_top(ctx_t* c) {
  assert_status(VMAR_OK,
                vmar_map(F.top, PERM_RW, 0, F.vmo_b, 0, 2 * F.page, &c->addr));
}

static vmar_status_t op_unmap_whole(ctx_t* c) {
  return vmar_unmap(F.top, c->addr, 2 * F.page);
}

static void cleanup_unmap_whole(ctx_t* c, vmar_status_t st) {
  if (st != VMAR_OK) {
    assert_status(VMAR_OK, vmar_unmap(F.top, c->addr, 2 * F.page));
  }
}

static vmar_status_t op_unmap_split(ctx_t* c) {
  (void)c;
  return vmar_unmap(F.top, at(C_AT + 1), F.page); // splits C in two
}

static vmar_status_t op_unmap_sub_vmar(ctx_t* c) {
  return vmar_unmap(F.top, c->addr, 4 * F.page); // destroys the victim
}

// A spot in the root the host just gave back.
static void prepare_root_spot(ctx_t* c) {
  vmar_handle_t probe;
  assert_status(VMAR_OK,
                vmar_allocate(F.root, CAN_RW, 0, 4 * F.page, &probe, &c->addr));
  assert_status(VMAR_OK, vmar_destroy(probe));
  assert_status(VMAR_OK, vmar_handle_close(probe));
}

// Two adjacent mappings in the root, at such a spot.
static void prepare_root_pair(ctx_t* c) {
  prepare_root_spot(c);
  const size_t off = c->addr - F.root_info.base;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_map(F.root, PERM_RW | VMAR_VM_SPECIFIC, off,
                                  F.vmo_a, 0, 2 * F.page, &a));
  assert_status(VMAR_OK,
                vmar_map(F.root, PERM_RW | VMAR_VM_SPECIFIC, off + 2 * F.page,
                         F.vmo_a, 2 * F.page, 2 * F.page, &a));
}

static vmar_status_t op_map_root_specific(ctx_t* c) {
  vmar_vaddr_t got = 0;
  vmar_status_t st =
      vmar_map(F.root, PERM_RW | VMAR_VM_SPECIFIC, c->addr - F.root_info.base,
               F.vmo_a, 0, 2 * F.page, &got);
  assert_true(st != VMAR_OK || got == c->addr);
  return st;
}

static vmar_status_t op_protect_root(ctx_t* c) {
  // Both mappings of the pair, to read-only: one host call each.
  return vmar_protect(F.root, VMAR_VM_PERM_READ, c->addr, 4 * F.page);
}

static vmar_status_t op_op_range_root(ctx_t* c) {
  return vmar_op_range(F.root, VMAR_OP_COMMIT, c->addr, 4 * F.page);
}

// A top-level VMAR holding a sub-VMAR that holds a mapping, and a mapping
// of its own.
static void prepare_nested_victim(ctx_t* c) {
  prepare_victim(c, F.root);
  vmar_handle_t sub;
  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_allocate(c->h, CAN_RW | VMAR_VM_COMPACT, 0,
                                       2 * F.page, &sub, &a));
  assert_status(VMAR_OK,
                vmar_map(sub, VMAR_VM_PERM_READ, 0, F.vmo_b, 0, F.page, &a));
  assert_status(VMAR_OK, vmar_handle_close(sub));
}

static vmar_status_t op_unmap_root_two_partials(ctx_t* c) {
  return vmar_unmap(F.root, c->addr + F.page, 2 * F.page);
}

static vmar_status_t op_unmap_root_two_whole(ctx_t* c) {
  return vmar_unmap(F.root, c->addr, 4 * F.page);
}

static vmar_status_t op_unmap_root_whole_and_partial(ctx_t* c) {
  return vmar_unmap(F.root, c->addr, 3 * F.page);
}

static vmar_status_t op_unmap_root_middle(ctx_t* c) {
  return vmar_unmap(F.root, c->addr + F.page, F.page);
}

static void cleanup_root_pair(ctx_t* c, vmar_status_t st) {
  (void)st;
  assert_status(VMAR_OK, vmar_unmap(F.root, c->addr, 4 * F.page));
}

static void cleanup_root_pair_gone(ctx_t* c, vmar_status_t st) {
  if (st != VMAR_OK) {
    cleanup_root_pair(c, st);
  }
}

// ---------------------------------------------------------------------------
// Protect

static vmar_status_t op_protect_split(ctx_t* c) {
  (void)c;
  return vmar_protect(F.top, VMAR_VM_PERM_READ, at(2), 2 * F.page);
}

static void cleanup_protect_split(ctx_t* c, vmar_status_t st) {
  (void)c;
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_protect(F.top, PERM_RW, at(2), 2 * F.page));
  }
}

static vmar_status_t op_protect_runs(ctx_t* c) {
  (void)c;
  // C is RW, R, RW, RW: read-only everywhere takes two separate host calls
  // (page 0, pages 2-3); when the second fails the first is rolled back.
  return vmar_protect(F.top, VMAR_VM_PERM_READ, at(C_AT), C_PAGES * F.page);
}

static vmar_status_t op_protect_through_parent(ctx_t* c) {
  (void)c;
  return vmar_protect(F.top, 0, F.sub_base, 2 * F.page);
}

static void cleanup_protect_sub(ctx_t* c, vmar_status_t st) {
  (void)c;
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_protect(F.sub, VMAR_VM_PERM_READ, F.sub_base,
                                        2 * F.page));
  }
}

// ---------------------------------------------------------------------------
// op_range

static vmar_status_t op_range_commit(ctx_t* c) {
  (void)c;
  return vmar_op_range(F.top, VMAR_OP_COMMIT, at(0), 4 * F.page);
}

static vmar_status_t op_range_decommit(ctx_t* c) {
  (void)c;
  return vmar_op_range(F.top, VMAR_OP_DECOMMIT, at(1), 2 * F.page);
}

static vmar_status_t op_range_zero(ctx_t* c) {
  (void)c;
  return vmar_op_range(F.top, VMAR_OP_ZERO, at(C_AT), C_PAGES * F.page);
}

static vmar_status_t op_range_map_range(ctx_t* c) {
  (void)c;
  return vmar_op_range(F.top, VMAR_OP_MAP_RANGE, at(0), A_PAGES * F.page);
}

static vmar_status_t op_range_prefetch_children(ctx_t* c) {
  (void)c;
  return vmar_op_range(F.top, VMAR_OP_ALWAYS_NEED, F.sub_base, 2 * F.page);
}

static void cleanup_refill_a(ctx_t* c, vmar_status_t st) {
  (void)c;
  (void)st;
  fill_pattern(F.vmo_a, 1);
}

// ---------------------------------------------------------------------------
// VMOs

static vmar_status_t op_vmo_create(ctx_t* c) {
  return vmar_vmo_create(3 * F.page + 1, 0, &c->h);
}

static vmar_status_t op_vmo_create_empty(ctx_t* c) {
  return vmar_vmo_create(0, VMAR_VMO_RESIZABLE, &c->h);
}

// A snapshot of vmo_a's window (its pages are written): a new file, the
// copy, the child's objects and handle.
static vmar_status_t op_vmo_snapshot(ctx_t* c) {
  return vmar_vmo_create_child(F.vmo_a, VMAR_VMO_CHILD_SNAPSHOT, F.page,
                               2 * F.page, &c->h);
}

// A reference of vmo_a (resizable, so no slice): the same store.
static vmar_status_t op_vmo_reference(ctx_t* c) {
  return vmar_vmo_create_child(F.vmo_a, VMAR_VMO_CHILD_REFERENCE, 0, 0, &c->h);
}

static vmar_status_t op_vmo_read(ctx_t* c) {
  return vmar_vmo_read(F.vmo_a, c->buf, F.page / 2, 3 * F.page);
}

static vmar_status_t op_vmo_read_into_mapping(ctx_t* c) {
  (void)c;
  // The buffer is vmo_a's own mapping at top+4: reads vmo_b into it.
  return vmar_vmo_read(F.vmo_b, (void*)at(4), 0, 2 * F.page);
}

static vmar_status_t op_vmo_write(ctx_t* c) {
  memset(c->buf, 0xA5, sizeof(c->buf));
  return vmar_vmo_write(F.vmo_a, c->buf, F.page / 2, 3 * F.page);
}

static vmar_status_t op_vmo_write_from_mapping(ctx_t* c) {
  (void)c;
  // The source buffer is vmo_b's read-only mapping in sub.
  return vmar_vmo_write(F.vmo_a, (const void*)F.sub_base, F.page, F.page);
}

static vmar_status_t op_vmo_grow(ctx_t* c) {
  (void)c;
  return vmar_vmo_set_size(F.vmo_a, (A_PAGES + 3) * F.page + 5);
}

static vmar_status_t op_vmo_shrink_unaligned(ctx_t* c) {
  (void)c;
  return vmar_vmo_set_size(F.vmo_a, (A_PAGES - 2) * F.page + 100);
}

static void cleanup_resize_a(ctx_t* c, vmar_status_t st) {
  (void)c;
  if (st == VMAR_OK) {
    assert_status(VMAR_OK, vmar_vmo_set_size(F.vmo_a, A_PAGES * F.page));
    fill_pattern(F.vmo_a, 1);
  }
}

static vmar_status_t op_vmo_commit(ctx_t* c) {
  (void)c;
  return vmar_vmo_op_range(F.vmo_a, VMAR_VMO_OP_COMMIT, 0, A_PAGES * F.page);
}

static vmar_status_t op_vmo_zero(ctx_t* c) {
  (void)c;
  return vmar_vmo_op_range(F.vmo_a, VMAR_VMO_OP_ZERO, 10, 2 * F.page);
}

static vmar_status_t op_vmo_decommit(ctx_t* c) {
  (void)c;
  return vmar_vmo_op_range(F.vmo_a, VMAR_VMO_OP_DECOMMIT, F.page, F.page);
}

static vmar_status_t op_vmo_get_fd(ctx_t* c) {
  return vmar_vmo_get_fd(F.vmo_a, &c->fd);
}

static void cleanup_fd(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    assert_int_equal(close(c->fd), 0);
  }
}

static void prepare_file(ctx_t* c) {
  c->fd = test_temp_file(3 * F.page + 100, O_RDWR);
}

static vmar_status_t op_vmo_create_from_fd(ctx_t* c) {
  return vmar_vmo_create_from_fd(c->fd, 0, &c->h);
}

static void cleanup_from_fd(ctx_t* c, vmar_status_t st) {
  close_h(c, st);
  assert_int_equal(close(c->fd), 0);
}

static void prepare_vmo(ctx_t* c) {
  assert_status(VMAR_OK, vmar_vmo_create(F.page, 0, &c->h));
}

static vmar_status_t op_close_last_vmo_handle(ctx_t* c) {
  return vmar_handle_close(c->h);
}

static void cleanup_closed(ctx_t* c, vmar_status_t st) {
  (void)c;
  assert_status(VMAR_OK, st);
}

// ---------------------------------------------------------------------------
// Handles

static vmar_status_t op_duplicate(ctx_t* c) {
  return vmar_handle_duplicate(F.vmo_a, VMAR_RIGHT_SAME_RIGHTS, &c->h);
}

static void prepare_dup_top(ctx_t* c) {
  assert_status(VMAR_OK,
                vmar_handle_duplicate(F.top, VMAR_RIGHT_SAME_RIGHTS, &c->h2));
}

static vmar_status_t op_replace(ctx_t* c) {
  return vmar_handle_replace(c->h2, VMAR_RIGHT_INSPECT, &c->h);
}

static void cleanup_replace(ctx_t* c, vmar_status_t st) {
  assert_status(VMAR_OK, vmar_handle_close(st == VMAR_OK ? c->h : c->h2));
}

// ---------------------------------------------------------------------------
// Managers

static vmar_status_t op_manager_create(ctx_t* c) {
  return vmar_manager_create(8 * F.page, NULL, VMAR_MANAGER_DEFAULT_OPTIONS,
                             &c->mgr);
}

static void cleanup_manager(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    vmar_manager_release(c->mgr);
  }
}

static void prepare_manager(ctx_t* c) {
  assert_status(VMAR_OK, vmar_manager_create(16 * F.page, NULL,
                                             VMAR_MANAGER_DEFAULT_OPTIONS |
                                                 VMAR_VM_CAN_MAP_SPECIFIC,
                                             &c->mgr2));
}

static vmar_status_t op_manager_create_nested(ctx_t* c) {
  return vmar_manager_create(4 * F.page, c->mgr2, VMAR_MANAGER_DEFAULT_OPTIONS,
                             &c->mgr);
}

static void cleanup_manager_nested(ctx_t* c, vmar_status_t st) {
  cleanup_manager(c, st);
  vmar_manager_release(c->mgr2);
}

static vmar_status_t op_manager_use(ctx_t* c) {
  return vmar_manager_use(F.top, &c->mgr);
}

// The last release of a created manager destroys its VMAR. try_release
// reports a refused destroy and keeps the reference: nothing changed.
static vmar_status_t op_manager_try_release(ctx_t* c) {
  return vmar_manager_try_release(c->mgr2);
}

static void cleanup_manager_try_released(ctx_t* c, vmar_status_t st) {
  if (st != VMAR_OK) {
    assert_status(VMAR_OK, vmar_manager_try_release(c->mgr2));
  }
}

// The plain release returns nothing: a refused destroy parks the manager,
// with its VMAR and handle, and the next release tries again.
static vmar_status_t op_manager_release(ctx_t* c) {
  vmar_manager_release(c->mgr2);
  return VMAR_OK;
}

static void cleanup_manager_released(ctx_t* c, vmar_status_t st) {
  (void)c;
  (void)st;
  vmar_manager_release(NULL); // retries what is parked
  assert_int_equal(vmar_manager_parked_count(), 0);
}

// ---------------------------------------------------------------------------
// Mappers

static vmar_status_t op_mapper_create_and_map(ctx_t* c) {
  return vmar_mapper_create_and_map(
      &c->mapper, 3 * F.page + 7, VMAR_MAPPER_DEFAULT_FLAGS, c->mgr2, &c->h,
      VMAR_RIGHT_READ | VMAR_RIGHT_MAP | VMAR_RIGHT_DUPLICATE, 0);
}

static void cleanup_mapper(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    if (c->h != VMAR_HANDLE_INVALID) {
      assert_status(VMAR_OK, vmar_handle_close(c->h));
    }
    vmar_mapper_unmap(&c->mapper);
  }
  vmar_manager_release(c->mgr2);
}

static vmar_status_t op_mapper_create_and_map_root(ctx_t* c) {
  return vmar_mapper_create_and_map(&c->mapper, 2 * F.page,
                                    VMAR_MAPPER_DEFAULT_FLAGS, NULL, NULL,
                                    VMAR_RIGHT_SAME_RIGHTS, 0);
}

static vmar_status_t op_mapper_map(ctx_t* c) {
  return vmar_mapper_map(&c->mapper, F.vmo_a, F.page, 2 * F.page,
                         VMAR_MAPPER_DEFAULT_FLAGS, c->mgr2);
}

static void prepare_mapper_mapped(ctx_t* c) {
  prepare_manager(c);
  assert_status(VMAR_OK, vmar_mapper_map(&c->mapper, F.vmo_a, 0, 2 * F.page,
                                         VMAR_MAPPER_DEFAULT_FLAGS, c->mgr2));
}

// try_unmap reports a refused unmap; the mapper keeps its mapping.
static vmar_status_t op_mapper_try_unmap(ctx_t* c) {
  return vmar_mapper_try_unmap(&c->mapper);
}

// The plain unmap returns nothing: a refused unmap leaves the mapper mapped
// (visible, to try again).
static vmar_status_t op_mapper_unmap(ctx_t* c) {
  vmar_mapper_unmap(&c->mapper);
  return VMAR_OK;
}

static void cleanup_mapper_unmapped(ctx_t* c, vmar_status_t st) {
  (void)st;
  if (vmar_mapper_start(&c->mapper) != NULL) {
    assert_status(VMAR_OK, vmar_mapper_try_unmap(&c->mapper));
  }
  vmar_manager_release(c->mgr2);
}

static vmar_status_t op_owned_create_and_map(ctx_t* c) {
  return vmar_owned_mapper_create_and_map(
      &c->owned, 2 * F.page, "owned", VMAR_MAPPER_DEFAULT_FLAGS, c->mgr2, 0);
}

static void cleanup_owned(ctx_t* c, vmar_status_t st) {
  if (st == VMAR_OK) {
    vmar_owned_mapper_reset(&c->owned);
  }
  vmar_manager_release(c->mgr2);
}

static void prepare_owned_map(ctx_t* c) {
  prepare_manager(c);
  assert_status(VMAR_OK, vmar_vmo_create(2 * F.page, 0, &c->h));
}

static vmar_status_t op_owned_map(ctx_t* c) {
  return vmar_owned_mapper_map(&c->owned, c->h, 0, VMAR_MAPPER_DEFAULT_FLAGS,
                               c->mgr2);
}

static void cleanup_owned_map(ctx_t* c, vmar_status_t st) {
  if (st != VMAR_OK) {
    assert_status(VMAR_OK, vmar_handle_close(c->h));
  }
  cleanup_owned(c, st);
}

static vmar_status_t op_resizeable_create_and_map(ctx_t* c) {
  return vmar_resizeable_mapper_create_and_map(
      &c->rm, 2 * F.page, "rm", VMAR_MAPPER_DEFAULT_FLAGS, c->mgr2);
}

// After a successful call: the manager's VMAR holds exactly one mapping of
// the mapper's VMO, where the mapper says (a fallback that left the old
// mapping behind would show here).
static void check_rm_mapping(ctx_t* c) {
  vmar_handle_info_t vmo;
  assert_status(VMAR_OK,
                vmar_handle_get_info(vmar_resizeable_mapper_vmo(&c->rm), &vmo));
  vmar_map_info_t maps[16];
  size_t n = 0;
  size_t avail = 0;
  assert_status(
      VMAR_OK, vmar_get_maps(vmar_manager_vmar(c->mgr2), maps, 16, &n, &avail));
  // Growing in place adds a second mapping right after the first: together
  // they must tile the mapper's range, in order, and nothing else may map
  // the VMO.
  vmar_vaddr_t cursor = (vmar_vaddr_t)vmar_resizeable_mapper_start(&c->rm);
  const vmar_vaddr_t end =
      cursor +
      (vmar_resizeable_mapper_size(&c->rm) + F.page - 1) / F.page * F.page;
  for (size_t i = 0; i < n; i++) {
    if (maps[i].type == VMAR_MAP_INFO_TYPE_MAPPING &&
        maps[i].vmo_id == vmo.koid) {
      assert_int_equal(maps[i].base, cursor);
      cursor += maps[i].size;
    }
  }
  assert_int_equal(cursor, end);
}

static void cleanup_resizeable(ctx_t* c, vmar_status_t st) {
  if (vmar_resizeable_mapper_vmo(&c->rm) != VMAR_HANDLE_INVALID) {
    if (st == VMAR_OK) {
      check_rm_mapping(c);
    }
    untrack(vmar_resizeable_mapper_vmo(&c->rm));
  }
  vmar_resizeable_mapper_reset(&c->rm);
  vmar_manager_release(c->mgr2);
}

// A resizeable mapper of 4 pages with a pattern, in a manager whose VMAR
// allows SPECIFIC (so grow can extend in place); |blocker| maps a page right
// after it, so grow has to move it instead.
static void prepare_rm(ctx_t* c, bool blocker) {
  prepare_manager(c);
  assert_status(VMAR_OK, vmar_resizeable_mapper_create_and_map(
                             &c->rm, 4 * F.page, "rm",
                             VMAR_MAPPER_DEFAULT_FLAGS, c->mgr2));
  if (blocker) {
    vmar_vaddr_t end =
        (vmar_vaddr_t)vmar_resizeable_mapper_start(&c->rm) + 4 * F.page;
    vmar_vaddr_t got = 0;
    size_t off = end - (vmar_vaddr_t)vmar_manager_start(c->mgr2);
    assert_status(VMAR_OK, vmar_map(vmar_manager_vmar(c->mgr2),
                                    VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC, off,
                                    F.vmo_b, 0, F.page, &got));
  }
  fill_pattern(vmar_resizeable_mapper_vmo(&c->rm), 9);
  track(vmar_resizeable_mapper_vmo(&c->rm));
}
static void prepare_rm_free(ctx_t* c) { prepare_rm(c, false); }
static void prepare_rm_blocked(ctx_t* c) { prepare_rm(c, true); }

static vmar_status_t op_rm_grow(ctx_t* c) {
  return vmar_resizeable_mapper_grow(&c->rm, 7 * F.page);
}

// LOOSE: shrink unmaps the tail, then cuts the VMO. When cutting fails
// (ftruncate; a shrinking memfd never does on Linux) the tail is mapped back
// at the same address with the same permissions and pages: the host and the
// bytes are as before, but the tree now holds the mapping as two mappings.
static vmar_status_t op_rm_shrink(ctx_t* c) {
  return vmar_resizeable_mapper_shrink(&c->rm, 2 * F.page);
}

// ---------------------------------------------------------------------------
// Pool

static void prepare_pool(ctx_t* c) {
  assert_status(VMAR_OK, vmar_vmo_pool_create(&c->pool));
  for (size_t i = 0; i < 3; i++) {
    assert_status(VMAR_OK, vmar_vmo_create((i + 1) * F.page, 0, &c->vmos[i]));
  }
}

static vmar_status_t op_pool_init(ctx_t* c) {
  return vmar_vmo_pool_init(c->pool, c->vmos, 3);
}

static void cleanup_pool(ctx_t* c, vmar_status_t st) {
  (void)st;
  vmar_vmo_pool_destroy(c->pool);
  for (size_t i = 0; i < 3; i++) {
    assert_status(VMAR_OK, vmar_handle_close(c->vmos[i]));
  }
}

static void prepare_pool_inited(ctx_t* c) {
  prepare_pool(c);
  assert_status(VMAR_OK, vmar_vmo_pool_init(c->pool, c->vmos, 3));
}

static vmar_status_t op_pool_map_vmos(ctx_t* c) {
  return vmar_vmo_pool_map_vmos(c->pool);
}

// The contract: any failure of map_vmos leaves the pool empty.
static void check_pool_empty(ctx_t* c) {
  assert_int_equal(vmar_vmo_pool_total_buffers(c->pool), 0);
}

// ---------------------------------------------------------------------------
// Introspection

static vmar_status_t op_get_maps(ctx_t* c) {
  (void)c;
  vmar_map_info_t out[16];
  size_t actual = 0, avail = 0;
  return vmar_get_maps(F.top, out, 16, &actual, &avail);
}

static vmar_status_t op_get_maps_root(ctx_t* c) {
  (void)c;
  size_t avail = 0;
  return vmar_get_maps(F.root, NULL, 0, NULL, &avail);
}

static vmar_status_t op_dump(ctx_t* c) {
  size_t needed = 0;
  return vmar_dump(F.top, c->text, sizeof(c->text), &needed);
}

// ---------------------------------------------------------------------------
// The cases, one cmocka test each: name, prepare, op, cleanup, and the rare
// fields by name (the others are zero: hence the pragma).

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const fcase_t kCases[] = {
    {"allocate__root_each_site_fails_cleanly", NULL, op_allocate_root,
     destroy_close_h},
    {"allocate__root_aligned_1mb_each_site_fails_cleanly", NULL,
     op_allocate_root_aligned, destroy_close_h},
    {"allocate__sub_each_site_fails_cleanly", NULL, op_allocate_sub,
     destroy_close_h},
    {"allocate__sub_specific_each_site_fails_cleanly", NULL,
     op_allocate_sub_specific, destroy_close_h},
    {"destroy__top_level_with_mapping_each_site_fails_cleanly",
     prepare_victim_root, op_destroy, cleanup_victim},
    {"destroy__sub_with_mapping_each_site_fails_cleanly", prepare_victim_top,
     op_destroy, cleanup_victim},
    {"map__top_each_site_fails_cleanly", NULL, op_map_top, cleanup_unmap_top},
    {"map__top_specific_each_site_fails_cleanly", NULL, op_map_top_specific,
     cleanup_unmap_top},
    {"map__top_map_range_each_site_fails_cleanly", NULL, op_map_top_map_range,
     cleanup_unmap_top},
    {"map__specific_overwrite_split_each_site_fails_cleanly", NULL,
     op_map_overwrite_split, cleanup_restore_c},
    {"map__root_each_site_fails_cleanly", NULL, op_map_root,
     cleanup_unmap_root},
    {"map__root_aligned_1mb_each_site_fails_cleanly", NULL, op_map_root_aligned,
     cleanup_unmap_root},
    {"unmap__whole_mapping_each_site_fails_cleanly", prepare_map_top,
     op_unmap_whole, cleanup_unmap_whole},
    {"unmap__split_each_site_fails_cleanly", NULL, op_unmap_split,
     cleanup_restore_c},
    {"unmap__sub_vmar_each_site_fails_cleanly", prepare_victim_top,
     op_unmap_sub_vmar, cleanup_victim},
    {"unmap__root_two_partial_each_site_fails_cleanly", prepare_root_pair,
     op_unmap_root_two_partials, cleanup_root_pair},
    {"unmap__root_two_whole_each_site_fails_cleanly", prepare_root_pair,
     op_unmap_root_two_whole, cleanup_root_pair_gone},
    {"unmap__root_whole_and_partial_each_site_fails_cleanly", prepare_root_pair,
     op_unmap_root_whole_and_partial, cleanup_root_pair},
    {"unmap__root_middle_each_site_fails_cleanly", prepare_root_pair,
     op_unmap_root_middle, cleanup_root_pair},
    {"map__root_specific_each_site_fails_cleanly", prepare_root_spot,
     op_map_root_specific, cleanup_unmap_root},
    {"protect__root_two_mappings_each_site_fails_cleanly", prepare_root_pair,
     op_protect_root, cleanup_root_pair},
    {"op_range__root_commit_each_site_fails_cleanly", prepare_root_pair,
     op_op_range_root, cleanup_root_pair},
    {"destroy__top_level_with_nesting_each_site_fails_cleanly",
     prepare_nested_victim, op_destroy, cleanup_victim},
    {"vmo_write__from_a_mapping_each_site_fails_cleanly", NULL,
     op_vmo_write_from_mapping, cleanup_refill_a},
    {"protect__split_each_site_fails_cleanly", NULL, op_protect_split,
     cleanup_protect_split},
    {"protect__two_host_runs_each_site_fails_cleanly", NULL, op_protect_runs,
     cleanup_restore_c},
    {"protect__through_parent_each_site_fails_cleanly", NULL,
     op_protect_through_parent, cleanup_protect_sub},
    {"op_range__commit_each_site_fails_cleanly", NULL, op_range_commit,
     no_cleanup},
    {"op_range__decommit_each_site_fails_cleanly", NULL, op_range_decommit,
     cleanup_refill_a},
    {"op_range__zero_each_site_fails_cleanly", NULL, op_range_zero,
     cleanup_refill_a},
    {"op_range__map_range_each_site_fails_cleanly", NULL, op_range_map_range,
     no_cleanup},
    {"op_range__always_need_children_each_site_fails_cleanly", NULL,
     op_range_prefetch_children, no_cleanup},
    {"vmo_create__each_site_fails_cleanly", NULL, op_vmo_create, close_h},
    {"vmo_create__empty_resizable_each_site_fails_cleanly", NULL,
     op_vmo_create_empty, close_h},
    {"vmo_create_child__snapshot_each_site_fails_cleanly", NULL,
     op_vmo_snapshot, close_h},
    {"vmo_create_child__reference_each_site_fails_cleanly", NULL,
     op_vmo_reference, close_h},
    {"vmo_read__each_site_fails_cleanly", NULL, op_vmo_read, no_cleanup},
    {"vmo_read__into_a_mapping_each_site_fails_cleanly", NULL,
     op_vmo_read_into_mapping, cleanup_refill_a},
    {"vmo_write__each_site_fails_cleanly", NULL, op_vmo_write,
     cleanup_refill_a},
    {"vmo_set_size__grow_each_site_fails_cleanly", NULL, op_vmo_grow,
     cleanup_resize_a},
    {"vmo_set_size__shrink_unaligned_each_site_fails_cleanly", NULL,
     op_vmo_shrink_unaligned, cleanup_resize_a,
     .fallocate_status = VMAR_ERR_NO_RESOURCES},
    {"vmo_op_range__commit_each_site_fails_cleanly", NULL, op_vmo_commit,
     no_cleanup},
    {"vmo_op_range__zero_each_site_fails_cleanly", NULL, op_vmo_zero,
     cleanup_refill_a},
    {"vmo_op_range__decommit_each_site_fails_cleanly", NULL, op_vmo_decommit,
     cleanup_refill_a},
    {"vmo_get_fd__each_site_fails_cleanly", NULL, op_vmo_get_fd, cleanup_fd},
    {"vmo_create_from_fd__each_site_fails_cleanly", prepare_file,
     op_vmo_create_from_fd, cleanup_from_fd},
    {"handle_close__last_vmo_handle_each_site_fails_cleanly", prepare_vmo,
     op_close_last_vmo_handle, cleanup_closed},
    {"handle_duplicate__each_site_fails_cleanly", NULL, op_duplicate, close_h},
    {"handle_replace__each_site_fails_cleanly", prepare_dup_top, op_replace,
     cleanup_replace},
    {"manager_create__each_site_fails_cleanly", NULL, op_manager_create,
     cleanup_manager},
    {"manager_create__nested_each_site_fails_cleanly", prepare_manager,
     op_manager_create_nested, cleanup_manager_nested},
    {"manager_use__each_site_fails_cleanly", NULL, op_manager_use,
     cleanup_manager},
    {"manager_try_release__each_site_fails_cleanly", prepare_manager,
     op_manager_try_release, cleanup_manager_try_released},
    {"manager_release__each_site_fails_cleanly", prepare_manager,
     op_manager_release, cleanup_manager_released,
     .absorbed = BIT(VMAR__FAULT_MUNMAP)},
    {"mapper_create_and_map__each_site_fails_cleanly", prepare_manager,
     op_mapper_create_and_map, cleanup_mapper},
    {"mapper_create_and_map__root_each_site_fails_cleanly", NULL,
     op_mapper_create_and_map_root, cleanup_mapper},
    {"mapper_map__each_site_fails_cleanly", prepare_manager, op_mapper_map,
     cleanup_mapper},
    {"mapper_try_unmap__each_site_fails_cleanly", prepare_mapper_mapped,
     op_mapper_try_unmap, cleanup_mapper_unmapped},
    {"mapper_unmap__each_site_fails_cleanly", prepare_mapper_mapped,
     op_mapper_unmap, cleanup_mapper_unmapped,
     .absorbed = BIT(VMAR__FAULT_MMAP)},
    {"owned_mapper_create_and_map__each_site_fails_cleanly", prepare_manager,
     op_owned_create_and_map, cleanup_owned},
    {"owned_mapper_map__each_site_fails_cleanly", prepare_owned_map,
     op_owned_map, cleanup_owned_map},
    {"resizeable_mapper_create_and_map__each_site_fails_cleanly",
     prepare_manager, op_resizeable_create_and_map, cleanup_resizeable},
    // Growing in place may fail and fall back to mapping elsewhere.
    {"resizeable_mapper_grow__in_place_each_site_fails_cleanly",
     prepare_rm_free, op_rm_grow, cleanup_resizeable,
     .absorbed = BIT(VMAR__FAULT_MMAP) | BIT(VMAR__FAULT_MALLOC)},
    {"resizeable_mapper_grow__moving_each_site_fails_cleanly",
     prepare_rm_blocked, op_rm_grow, cleanup_resizeable,
     .absorbed = BIT(VMAR__FAULT_MMAP) | BIT(VMAR__FAULT_MALLOC)},
    {"resizeable_mapper_shrink__each_site_fails_cleanly", prepare_rm_free,
     op_rm_shrink, cleanup_resizeable, .loose = BIT(VMAR__FAULT_FTRUNCATE)},
    {"pool_init__each_site_fails_cleanly", prepare_pool, op_pool_init,
     cleanup_pool},
    {"pool_map_vmos__each_site_fails_cleanly", prepare_pool_inited,
     op_pool_map_vmos, cleanup_pool, .check_failed = check_pool_empty},
    {"get_maps__each_site_fails_cleanly", NULL, op_get_maps, no_cleanup},
    {"get_maps__root_each_site_fails_cleanly", NULL, op_get_maps_root,
     no_cleanup},
    {"dump__each_site_fails_cleanly", NULL, op_dump, no_cleanup},
};
#pragma GCC diagnostic pop

#define N_CASES (sizeof(kCases) / sizeof(kCases[0]))

// Prints the totals of the cases run.
static int group_teardown(void** state) {
  (void)state;
  print_message("fault injection: %zu cases, %llu failure points injected\n",
                cases_total, (unsigned long long)injected_total);
  if (!HEAP_MEASURED) {
    print_message("fault injection: live heap blocks not compared (a "
                  "sanitizer's allocator, or no glibc to interpose)\n");
  }
  return 0;
}

// Maps one page of |vmo| in |vmar| while the first allocation is made to
// fail, and reports how many allocations were attempted.
static vmar_status_t map_counting_mallocs(vmar_handle_t vmar, vmar_handle_t vmo,
                                          vmar_vaddr_t* addr,
                                          uint64_t* mallocs) {
  vmar__fault_start();
  vmar__fault_arm(VMAR__FAULT_MALLOC, 1, ENOMEM);
  vmar_status_t st = vmar_map(vmar, VMAR_VM_PERM_READ, 0, vmo, 0, F.page, addr);
  *mallocs = vmar__fault_calls(VMAR__FAULT_MALLOC);
  vmar__fault_reset();
  return st;
}

// An unmap leaves its mapping's memory to the reservation, and the next map
// there needs no allocation; a map that fails gives it back.
static void map__reuses_what_unmap_left(void** state) {
  (void)state;
  vmar_handle_t h;
  vmar_vaddr_t base, a, b;
  uint64_t mallocs;
  assert_status(VMAR_OK,
                vmar_allocate(F.root, CAN_RW, 0, 4 * F.page, &h, &base));
  // A new reservation has no spare: the map allocates, and fails.
  assert_status(VMAR_ERR_NO_MEMORY,
                map_counting_mallocs(h, F.vmo_b, &a, &mallocs));
  assert_int_equal(mallocs, 1);
  assert_status(VMAR_OK,
                vmar_map(h, VMAR_VM_PERM_READ, 0, F.vmo_b, 0, F.page, &a));
  assert_status(VMAR_OK, vmar_unmap(h, a, F.page));
  assert_status(VMAR_OK, map_counting_mallocs(h, F.vmo_b, &b, &mallocs));
  assert_int_equal(mallocs, 0);
  assert_int_equal(b, a);
  assert_status(VMAR_OK, vmar_unmap(h, b, F.page));
  // A map that fails in the host keeps the spare for the next one.
  vmar__fault_start();
  vmar__fault_arm(VMAR__FAULT_MMAP, 1, ENOMEM);
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_map(h, VMAR_VM_PERM_READ, 0, F.vmo_b, 0, F.page, &b));
  vmar__fault_reset();
  assert_status(VMAR_OK, map_counting_mallocs(h, F.vmo_b, &b, &mallocs));
  assert_int_equal(mallocs, 0);
  assert_status(VMAR_OK, vmar_destroy(h));
  assert_status(VMAR_OK, vmar_handle_close(h));
}

#if HEAP_MEASURED
// Heap blocks now, nothing freed first.
static size_t blocks_now(void) { return (size_t)atomic_load(&live_blocks); }

// Whether this program's allocator is the one counting (under Valgrind,
// Valgrind's replaces it).
static bool blocks_counted(void) {
  const size_t before = blocks_now();
  void* volatile p = malloc(16);
  const bool counted = blocks_now() == before + 1;
  free(p);
  return counted;
}

typedef struct reader {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int step; // 1: the reader has a record; 2: it may end
} reader_t;

// A second thread that looks a handle up (so holds a reclamation record)
// and stays alive until told to end.
static void* reader_main(void* arg) {
  reader_t* r = arg;
  uint64_t size;
  (void)vmar_vmo_get_size(F.vmo_b, &size);
  pthread_mutex_lock(&r->lock);
  r->step = 1;
  pthread_cond_broadcast(&r->cond);
  while (r->step != 2) {
    pthread_cond_wait(&r->cond, &r->lock);
  }
  pthread_mutex_unlock(&r->lock);
  return NULL;
}
#endif

// A VMO whose last handle closes goes back to the heap at once while this
// thread is the only one that ever looked a handle up; with a second such
// thread alive, it waits for reclamation.
static void reclaim__frees_at_once_with_one_reader(void** state) {
  (void)state;
#if HEAP_MEASURED
  if (!blocks_counted()) {
    print_message("skipped: the allocator is not this program's (Valgrind)\n");
    skip();
  }
  vmar_handle_t v;
  vmar__reclaim_quiesce();
  size_t before = blocks_now();
  assert_status(VMAR_OK, vmar_vmo_create(F.page, 0, &v));
  assert_status(VMAR_OK, vmar_handle_close(v));
  assert_int_equal(blocks_now(), before);

  reader_t r = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, reader_main, &r), 0);
  pthread_mutex_lock(&r.lock);
  while (r.step != 1) {
    pthread_cond_wait(&r.cond, &r.lock);
  }
  pthread_mutex_unlock(&r.lock);
  before = blocks_now();
  assert_status(VMAR_OK, vmar_vmo_create(F.page, 0, &v));
  assert_status(VMAR_OK, vmar_handle_close(v));
  assert_true(blocks_now() > before); // retired, not freed yet
  pthread_mutex_lock(&r.lock);
  r.step = 2;
  pthread_cond_broadcast(&r.cond);
  pthread_mutex_unlock(&r.lock);
  assert_int_equal(pthread_join(t, NULL), 0);
  vmar__reclaim_quiesce();
  assert_int_equal(blocks_now(), before);
#else
  print_message("skipped: live heap blocks are not measured here (a "
                "sanitizer's allocator, or no glibc to interpose)\n");
  skip();
#endif
}

// Four threads step through one interleaving: a thread that moved the epoch
// is held before it looks at the orphans; meanwhile a reader borrows a VMO,
// the epoch moves on again, and a thread closes the VMO's last handle and
// ends, so the VMO becomes an orphan retired in the newest epoch. The held
// thread must not free it while the reader's section is open; once every
// other thread has ended, the next retirement frees it.
enum { RACE_ADVANCER, RACE_READER, RACE_CLOSER, RACE_THREADS };

typedef struct orphan_race {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int phase;
  vmar_handle_t vmo;
  vmar__object_t* seen; // what the reader borrowed
  uint32_t seen_type;   // its type, read once the held thread is done
  pthread_t thread[RACE_THREADS];
  bool running[RACE_THREADS]; // started and not joined yet
} orphan_race_t;

static orphan_race_t race = {.lock = PTHREAD_MUTEX_INITIALIZER,
                             .cond = PTHREAD_COND_INITIALIZER};
static _Thread_local bool held_here;

static void race_set(int phase) {
  pthread_mutex_lock(&race.lock);
  race.phase = phase;
  pthread_cond_broadcast(&race.cond);
  pthread_mutex_unlock(&race.lock);
}

static void race_wait(int phase) {
  pthread_mutex_lock(&race.lock);
  while (race.phase < phase) {
    pthread_cond_wait(&race.cond, &race.lock);
  }
  pthread_mutex_unlock(&race.lock);
}

static void hold_after_advance(uint64_t g) {
  (void)g;
  if (held_here) {
    held_here = false;
    race_set(1);
    race_wait(4);
  }
}

static void* race_advancer(void* arg) {
  (void)arg;
  held_here = true;
  vmar__reclaim_quiesce(); // held in its first move
  race_set(5);
  race_wait(6);
  return NULL;
}

static void* race_reader(void* arg) {
  (void)arg;
  vmar__reclaim_guard_t g;
  vmar_rights_t rights;
  vmar__reclaim_enter(&g);
  const vmar_status_t st = vmar__handle_borrow(race.vmo, &race.seen, &rights);
  race_set(2);
  race_wait(6);
  if (st == VMAR_OK) {
    race.seen_type = race.seen->type; // freed memory: AddressSanitizer says
  }
  vmar__reclaim_leave(&g);
  return NULL;
}

static void* race_closer(void* arg) {
  (void)arg;
  (void)vmar_handle_close(race.vmo); // retired here; orphaned as it ends
  return NULL;
}

static void race_start(int i, void* (*fn)(void*)) {
  assert_int_equal(pthread_create(&race.thread[i], NULL, fn, NULL), 0);
  race.running[i] = true;
}

static void race_join(int i) {
  race.running[i] = false;
  assert_int_equal(pthread_join(race.thread[i], NULL), 0);
}

// Whatever failed, no thread of the race is left waiting, inside a read
// section, or with the hook set, for the tests that follow.
static int race_teardown(void** state) {
  (void)state;
  race_set(6);
  for (int i = 0; i < RACE_THREADS; i++) {
    if (race.running[i]) {
      race.running[i] = false;
      pthread_join(race.thread[i], NULL);
    }
  }
  vmar__reclaim_advanced_hook = NULL;
  return 0;
}

static void reclaim__orphans_wait_for_open_sections(void** state) {
  (void)state;
  race.phase = 0;
  race.seen = NULL;
  race.seen_type = 0;
  vmar__reclaim_quiesce();
  assert_status(VMAR_OK, vmar_vmo_create(F.page, 0, &race.vmo));
  vmar__reclaim_advanced_hook = hold_after_advance;
  race_start(RACE_ADVANCER, race_advancer);
  race_wait(1);
  const uint64_t moved_to = atomic_load(&vmar__reclaim_epoch);
  race_start(RACE_READER, race_reader);
  race_wait(2);
  assert_non_null(race.seen);
  vmar__reclaim_quiesce(); // moves on once more: the reader announced it
  assert_true(atomic_load(&vmar__reclaim_epoch) == moved_to + 1);
  race_start(RACE_CLOSER, race_closer);
  race_join(RACE_CLOSER);
  // Where this program counts heap blocks, the count shows what the held
  // thread frees; elsewhere the reader's look at the VMO shows it to
  // AddressSanitizer or Valgrind.
#if HEAP_MEASURED
  const bool counted = blocks_counted();
  const long held = atomic_load(&live_blocks);
#endif
  race_set(4); // the advancer goes on to the orphans
  race_wait(5);
#if HEAP_MEASURED
  if (counted) {
    assert_int_equal(atomic_load(&live_blocks), held); // it freed nothing
  }
#endif
  race_set(6);
  race_join(RACE_ADVANCER);
  race_join(RACE_READER);
  vmar__reclaim_advanced_hook = NULL;
  assert_int_equal(race.seen_type, VMAR_OBJ_TYPE_VMO);
#if HEAP_MEASURED
  // This thread is the only reader again: its next retirement frees what
  // the ended threads left, the VMO with it.
  vmar_handle_t other;
  assert_status(VMAR_OK, vmar_vmo_create(F.page, 0, &other));
  assert_status(VMAR_OK, vmar_handle_close(other));
  if (counted) {
    assert_true(atomic_load(&live_blocks) < held);
  }
#endif
}

int main(void) {
  struct CMUnitTest tests[N_CASES + 3];
  for (size_t i = 0; i < N_CASES; i++) {
    tests[i] =
        (struct CMUnitTest){kCases[i].name, fault_case__each_site_fails_cleanly,
                            NULL, NULL, (void*)&kCases[i]};
  }
  tests[N_CASES] =
      (struct CMUnitTest)cmocka_unit_test(map__reuses_what_unmap_left);
  tests[N_CASES + 1] = (struct CMUnitTest)cmocka_unit_test(
      reclaim__frees_at_once_with_one_reader);
  tests[N_CASES + 2] = (struct CMUnitTest)cmocka_unit_test_teardown(
      reclaim__orphans_wait_for_open_sections, race_teardown);
  return cmocka_run_group_tests_name("posix.faults", tests, group_setup,
                                     group_teardown);
}
