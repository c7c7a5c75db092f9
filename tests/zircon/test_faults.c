// SPDX-License-Identifier: MIT
// Fault injection on the Zircon backend, through the host fake kernel.
// APIs covered: vmar_manager_create, vmar_manager_use, vmar_manager_release,
//   vmar_mapper_create_and_map, vmar_mapper_map,
//   vmar_owned_mapper_create_and_map, vmar_owned_mapper_map,
//   vmar_resizeable_mapper_create_and_map, vmar_resizeable_mapper_map,
//   vmar_resizeable_mapper_grow, vmar_resizeable_mapper_shrink,
//   vmar_vmo_pool_init, vmar_vmo_pool_map_vmos, vmar_get_maps, vmar_dump.
//
// Every public call that makes more than one system call on the Zircon
// backend is run with its 1st, 2nd, ... system call failing in turn. The
// caller must see the injected status, and handles, mappings (vmar_get_maps
// and /proc/self/maps) and bytes must be exactly as before the call; the
// loop ends when the call completes without reaching the fault. Each case
// (kCases) is one cmocka test; tests/posix/test_faults.c is the POSIX
// backend's twin.

#include "test.h"

#include <stdlib.h>

#include "base/fault.h" // the library's allocation fault site (src/, INTERNAL)

#if !TEST_BACKEND_ZIRCON
#error "test_faults.c needs the fake kernel (zircon backend)"
#endif

#define RW VMAR_MAPPER_DEFAULT_FLAGS

// ---------------------------------------------------------------------------
// Fault sites: every system call of the fake kernel, made to fail with one
// status every system call can return, which the public call must return.

// Injected status: one every system call can return.
#define INJECTED ZX_ERR_NO_MEMORY

// Every call but zx_handle_close, which cannot fail for a live handle; the
// library closes handles only in cleanup and success paths.
#define FAILABLE                                                               \
  (ZX_HOST_CALLS_ALL & ~ZX_HOST_CALL_BIT(ZX_HOST_CALL_HANDLE_CLOSE))

#define BIT(call) ZX_HOST_CALL_BIT(ZX_HOST_CALL_##call)

// ---------------------------------------------------------------------------
// Snapshots of everything a failed call must leave alone

typedef struct snap {
  size_t handles;
  vmar_map_info_t* tree; // vmar_get_maps of the root: all vmar created
  size_t ntree;
  test_map_entry_t* maps; // all of /proc/self/maps
  size_t nmaps;
} snap_t;

// Merges adjacent MAPPING entries that continue each other (same depth,
// VMO, permissions, contiguous addresses and VMO offsets): one mapping or two
// such pieces map the same pages the same way (Zircon may report either).
static void normalise(snap_t* s) {
  size_t n = 0;
  for (size_t i = 0; i < s->ntree; i++) {
    vmar_map_info_t* e = &s->tree[i];
    if (n > 0) {
      vmar_map_info_t* p = &s->tree[n - 1];
      if (p->type == VMAR_MAP_INFO_TYPE_MAPPING &&
          e->type == VMAR_MAP_INFO_TYPE_MAPPING && p->depth == e->depth &&
          p->vmo_id == e->vmo_id && p->mmu_flags == e->mmu_flags &&
          p->base + p->size == e->base &&
          p->vmo_offset + p->size == e->vmo_offset) {
        p->size += e->size;
        continue;
      }
    }
    s->tree[n++] = *e;
  }
  s->ntree = n;
}

static void snap_take(snap_t* s) {
  s->handles = zx_host_handle_count();
  size_t avail = 0;
  assert_status(VMAR_OK,
                vmar_get_maps(vmar_root_self(), NULL, 0, NULL, &avail));
  size_t cap = avail + 16;
  s->tree = calloc(cap, sizeof(*s->tree));
  assert_non_null(s->tree);
  assert_status(VMAR_OK,
                vmar_get_maps(vmar_root_self(), s->tree, cap, &s->ntree, NULL));
  normalise(s);
  size_t mcap = test_maps_read(NULL, 0) + 64;
  s->maps = calloc(mcap, sizeof(*s->maps));
  assert_non_null(s->maps);
  s->nmaps = test_maps_read(s->maps, mcap);
  assert_true(s->nmaps <= mcap);
}

static void snap_free(snap_t* s) {
  free(s->tree);
  free(s->maps);
  s->tree = NULL;
  s->maps = NULL;
}

// True when [start, end) meets a top-level range (a child of the root) of
// either tree: the only host mappings vmar is responsible for.
static bool ours(const snap_t* a, const snap_t* b, uintptr_t start,
                 uintptr_t end) {
  const snap_t* both[2] = {a, b};
  for (int t = 0; t < 2; t++) {
    for (size_t i = 0; i < both[t]->ntree; i++) {
      const vmar_map_info_t* e = &both[t]->tree[i];
      if (e->depth == 1 && start < e->base + e->size && e->base < end) {
        return true;
      }
    }
  }
  return false;
}

static void filtered(const snap_t* s, const snap_t* a, const snap_t* b,
                     test_map_entry_t* out, size_t* n) {
  *n = 0;
  for (size_t i = 0; i < s->nmaps; i++) {
    if (ours(a, b, s->maps[i].start, s->maps[i].end)) {
      out[(*n)++] = s->maps[i];
    }
  }
}

static void snap_assert_equal(const snap_t* before, const snap_t* after,
                              const char* what, uint64_t k) {
  if (before->handles != after->handles) {
    fail_msg("%s, call %llu failed: %zu handles before, %zu after", what,
             (unsigned long long)k, before->handles, after->handles);
  }
  if (before->ntree != after->ntree) {
    fail_msg("%s, call %llu failed: %zu map entries before, %zu after", what,
             (unsigned long long)k, before->ntree, after->ntree);
  }
  for (size_t i = 0; i < before->ntree; i++) {
    const vmar_map_info_t* x = &before->tree[i];
    const vmar_map_info_t* y = &after->tree[i];
    if (x->base != y->base || x->size != y->size || x->depth != y->depth ||
        x->type != y->type || x->mmu_flags != y->mmu_flags ||
        x->vmo_id != y->vmo_id || x->vmo_offset != y->vmo_offset ||
        strcmp(x->name, y->name) != 0) {
      fail_msg("%s, call %llu failed: map entry %zu changed", what,
               (unsigned long long)k, i);
    }
  }
  test_map_entry_t* fb = calloc(before->nmaps + 1, sizeof(*fb));
  test_map_entry_t* fa = calloc(after->nmaps + 1, sizeof(*fa));
  assert_non_null(fb);
  assert_non_null(fa);
  size_t nb = 0;
  size_t na = 0;
  filtered(before, before, after, fb, &nb);
  filtered(after, before, after, fa, &na);
  bool same = nb == na;
  for (size_t i = 0; same && i < nb; i++) {
    same = fb[i].start == fa[i].start && fb[i].end == fa[i].end &&
           strcmp(fb[i].perms, fa[i].perms) == 0;
  }
  free(fb);
  free(fa);
  if (!same) {
    fail_msg("%s, call %llu failed: host mappings changed", what,
             (unsigned long long)k);
  }
}

// ---------------------------------------------------------------------------
// The loop

typedef struct fault_case fault_case_t;

// One call, run with each of its system calls failing in turn.
typedef struct fault_spec {
  const char* name; // the cmocka test, also named in failure messages
  // Builds the objects the call works on (no fault armed) and takes
  // |before|, the state a failed call must leave.
  void (*setup)(fault_case_t* c);
  vmar_status_t (*call)(fault_case_t* c);
  // Checks, after a failed call, what the snapshot cannot see (bytes,
  // outputs). May be NULL.
  void (*check_failed)(fault_case_t* c);
  void (*teardown)(fault_case_t* c);
  // Calls whose failure the library absorbs by design (a best-effort step,
  // or an attempt with a fallback): the call then succeeds.
  uint64_t absorbed;
  // The system calls the call makes when nothing fails (at least that many
  // when |at_least|).
  uint64_t calls;
  bool at_least;
} fault_spec_t;

struct fault_case {
  const fault_spec_t* spec;
  snap_t before;
  // Scratch for the case.
  vmar_manager_t* mgr;
  vmar_handle_t vmar;
  vmar_handle_t vmos[3];
  vmar_handle_t out;
  vmar_mapper_t mapper;
  vmar_owned_mapper_t owned;
  vmar_resizeable_mapper_t rm;
  vmar_vmo_pool_t* pool;
  vmar_map_info_t recs[32];
  size_t actual, avail;
  char text[4096];
  size_t needed;
  uint64_t size;     // the resizeable mapper's size before the call
  uint64_t vmo_size; // and its VMO's
  unsigned seed;     // of the VMO's bytes (fill)
};

// Runs |c| with system call 1, 2, ... failing; returns how many system calls
// the call makes when nothing fails.
static uint64_t fault_loop(fault_case_t* c) {
  size_t handles0 = zx_host_handle_count();
  for (uint64_t k = 1;; k++) {
    c->spec->setup(c);
    zx_host_fault_set(FAILABLE, k, INJECTED);
    vmar_status_t st = c->spec->call(c);
    uint64_t calls = zx_host_fault_calls();
    zx_host_call_t which = ZX_HOST_CALL_COUNT;
    bool fired = zx_host_fault_fired(&which);
    zx_host_fault_clear();
    if (!fired) {
      assert_status(VMAR_OK, st);
      assert_true(calls < k);
      c->spec->teardown(c);
      snap_free(&c->before);
      assert_int_equal(zx_host_handle_count(), handles0);
      return calls;
    }
    if (st == INJECTED) {
      snap_t after;
      snap_take(&after);
      snap_assert_equal(&c->before, &after, c->spec->name, k);
      snap_free(&after);
      if (c->spec->check_failed != NULL) {
        c->spec->check_failed(c);
      }
    } else {
      if (st != VMAR_OK || (c->spec->absorbed & ZX_HOST_CALL_BIT(which)) == 0) {
        fail_msg("%s, call %llu (kind %d) failed: got %s", c->spec->name,
                 (unsigned long long)k, (int)which, vmar_status_string(st));
      }
    }
    c->spec->teardown(c);
    snap_free(&c->before);
    assert_int_equal(zx_host_handle_count(), handles0);
  }
}

// ---------------------------------------------------------------------------
// Fixture: a compact reservation the mappers work in, wrapped by a manager.

static vmar_handle_t g_area;
static vmar_manager_t* g_mgr;

static int group_setup(void** state) {
  (void)state;
  vmar_vaddr_t base = 0;
  if (vmar_allocate(vmar_root_self(),
                    VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                        VMAR_VM_CAN_MAP_WRITE | VMAR_VM_CAN_MAP_SPECIFIC,
                    0, 512 * PAGE, &g_area, &base) != VMAR_OK) {
    return -1;
  }
  return vmar_manager_use(g_area, &g_mgr) == VMAR_OK ? 0 : -1;
}

static int group_teardown(void** state) {
  (void)state;
  vmar_manager_release(g_mgr);
  int rc = vmar_destroy(g_area) == VMAR_OK ? 0 : -1;
  if (vmar_handle_close(g_area) != VMAR_OK) {
    rc = -1;
  }
  return rc;
}

static void take_before(fault_case_t* c) { snap_take(&c->before); }

static vmar_handle_t vmo_ok(uint64_t size, uint32_t options) {
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_create(size, options, &vmo));
  return vmo;
}

// Fills |len| bytes of |vmo| with a pattern that depends on |seed|.
static void fill(vmar_handle_t vmo, uint64_t len, unsigned seed) {
  unsigned char* buf = malloc(len);
  assert_non_null(buf);
  for (uint64_t i = 0; i < len; i++) {
    buf[i] = (unsigned char)(i * 7 + seed);
  }
  assert_status(VMAR_OK, vmar_vmo_write(vmo, buf, 0, len));
  free(buf);
}

static void assert_filled(vmar_handle_t vmo, uint64_t len, unsigned seed) {
  unsigned char* buf = malloc(len);
  assert_non_null(buf);
  assert_status(VMAR_OK, vmar_vmo_read(vmo, buf, 0, len));
  for (uint64_t i = 0; i < len; i++) {
    assert_int_equal(buf[i], (unsigned char)(i * 7 + seed));
  }
  free(buf);
}

// ---------------------------------------------------------------------------
// Managers

static vmar_status_t call_manager_create(fault_case_t* c) {
  c->mgr = NULL;
  return vmar_manager_create(16 * PAGE, g_mgr, VMAR_MANAGER_DEFAULT_OPTIONS,
                             &c->mgr);
}

static void check_manager_null(fault_case_t* c) { assert_null(c->mgr); }

static void release_mgr(fault_case_t* c) {
  vmar_manager_release(c->mgr);
  c->mgr = NULL;
}

static void setup_use(fault_case_t* c) {
  vmar_vaddr_t addr = 0;
  assert_status(VMAR_OK, vmar_allocate(g_area, VMAR_VM_CAN_MAP_READ, 0,
                                       8 * PAGE, &c->vmar, &addr));
  snap_take(&c->before);
}

static vmar_status_t call_manager_use(fault_case_t* c) {
  c->mgr = NULL;
  return vmar_manager_use(c->vmar, &c->mgr);
}

static void teardown_use(fault_case_t* c) {
  release_mgr(c);
  assert_status(VMAR_OK, vmar_destroy(c->vmar));
  assert_status(VMAR_OK, vmar_handle_close(c->vmar));
}

// manager_release: destroy, then close, each failing in turn. Release
// returns nothing. A refused destroy parks the manager (its VMAR, handle and
// parent stay) until a later release succeeds; a failed close still lets the
// rest of the work finish (the parent chain).
static void manager_release__failed_step_does_not_stop_it(void** state) {
  (void)state;
  const zx_host_call_t steps[] = {ZX_HOST_CALL_VMAR_DESTROY,
                                  ZX_HOST_CALL_HANDLE_CLOSE};
  for (size_t i = 0; i < 2; i++) {
    size_t handles0 = zx_host_handle_count();
    vmar_manager_t* parent = NULL;
    assert_status(VMAR_OK,
                  vmar_manager_create(32 * PAGE, g_mgr,
                                      VMAR_MANAGER_DEFAULT_OPTIONS, &parent));
    vmar_manager_t* child = NULL;
    assert_status(VMAR_OK,
                  vmar_manager_create(8 * PAGE, parent,
                                      VMAR_MANAGER_DEFAULT_OPTIONS, &child));
    vmar_manager_release(parent); // the child keeps it alive
    vmar_handle_t owned = vmar_manager_vmar(child);
    vmar_handle_t keep = VMAR_HANDLE_INVALID;
    assert_status(VMAR_OK,
                  vmar_handle_duplicate(vmar_manager_vmar(child),
                                        VMAR_RIGHT_SAME_RIGHTS, &keep));
    // The child's own destroy or close fails; the parent still goes.
    zx_host_fault_set(ZX_HOST_CALL_BIT(steps[i]), 1, INJECTED);
    vmar_manager_release(child);
    assert_true(zx_host_fault_fired(NULL));
    zx_host_fault_clear();
    vmar_info_t info;
    if (steps[i] == ZX_HOST_CALL_VMAR_DESTROY) {
      // The child is parked, alive with its parent; the next release (here
      // of nothing) destroys both.
      assert_int_equal(vmar_manager_parked_count(), 1);
      assert_status(VMAR_OK, vmar_get_info(keep, &info));
      assert_status(VMAR_OK, vmar_get_maps(keep, NULL, 0, NULL, NULL));
      assert_int_equal(zx_host_handle_count(), handles0 + 3);
      vmar_manager_release(NULL);
      assert_int_equal(vmar_manager_parked_count(), 0);
      assert_status(VMAR_ERR_BAD_STATE,
                    vmar_get_maps(keep, NULL, 0, NULL, NULL));
      assert_int_equal(zx_host_handle_count(), handles0 + 1);
    } else {
      // Destroyed; only the failed close leaks the manager's handle.
      assert_status(VMAR_ERR_BAD_STATE,
                    vmar_get_maps(keep, NULL, 0, NULL, NULL));
      assert_int_equal(zx_host_handle_count(), handles0 + 2);
    }
    assert_status(VMAR_OK, vmar_handle_close(keep));
    if (steps[i] == ZX_HOST_CALL_HANDLE_CLOSE) {
      // The handle whose close failed is still live; nothing else is.
      assert_status(VMAR_OK, vmar_handle_close(owned));
    }
    assert_int_equal(zx_host_handle_count(), handles0);
  }
}

// ---------------------------------------------------------------------------
// Plain mapper

static void unmap_mapper(fault_case_t* c) { vmar_mapper_unmap(&c->mapper); }

static vmar_status_t call_create_and_map(fault_case_t* c) {
  return vmar_mapper_create_and_map(&c->mapper, 3 * PAGE + 5, RW, g_mgr, NULL,
                                    VMAR_RIGHT_SAME_RIGHTS, 0);
}

static void check_mapper_unmapped(fault_case_t* c) {
  assert_null(vmar_mapper_start(&c->mapper));
  assert_int_equal(vmar_mapper_size(&c->mapper), 0);
}

static vmar_status_t call_create_and_map_reduced(fault_case_t* c) {
  c->out = VMAR_HANDLE_INVALID;
  return vmar_mapper_create_and_map(
      &c->mapper, 2 * PAGE, RW, g_mgr, &c->out,
      VMAR_RIGHT_READ | VMAR_RIGHT_MAP | VMAR_RIGHT_DUPLICATE, 0);
}

static void check_out_untouched(fault_case_t* c) {
  check_mapper_unmapped(c);
  assert_int_equal(c->out, VMAR_HANDLE_INVALID);
}

static void unmap_close_out(fault_case_t* c) {
  vmar_mapper_unmap(&c->mapper);
  assert_status(VMAR_OK, vmar_handle_close(c->out));
  c->out = VMAR_HANDLE_INVALID;
}

static void setup_one_vmo(fault_case_t* c) {
  c->vmos[0] = vmo_ok(4 * PAGE, 0);
  fill(c->vmos[0], 4 * PAGE, 1);
  snap_take(&c->before);
}

static void close_vmo0(fault_case_t* c) {
  assert_status(VMAR_OK, vmar_handle_close(c->vmos[0]));
}

static vmar_status_t call_mapper_map(fault_case_t* c) {
  return vmar_mapper_map(&c->mapper, c->vmos[0], PAGE, 0, RW, g_mgr);
}

// ---------------------------------------------------------------------------
// Owned and resizeable mappers

static vmar_status_t call_owned_create(fault_case_t* c) {
  return vmar_owned_mapper_create_and_map(&c->owned, 2 * PAGE, "owned", RW,
                                          g_mgr, 0);
}

static void check_owned_empty(fault_case_t* c) {
  assert_int_equal(vmar_owned_mapper_vmo(&c->owned), VMAR_HANDLE_INVALID);
  assert_null(vmar_owned_mapper_start(&c->owned));
}

static void check_rm_empty(fault_case_t* c) {
  assert_int_equal(vmar_resizeable_mapper_vmo(&c->rm), VMAR_HANDLE_INVALID);
  assert_null(vmar_resizeable_mapper_start(&c->rm));
}

// After a failed map of the caller's VMO (setup_one_vmo) by any of the three
// mappers: no mapper holds anything, and the VMO is untaken and intact.
static void check_map_failed(fault_case_t* c) {
  check_mapper_unmapped(c);
  check_owned_empty(c);
  check_rm_empty(c);
  assert_filled(c->vmos[0], 4 * PAGE, 1);
}

// Undoes a map of the caller's VMO by any of the three mappers; the VMO is
// closed unless a mapper took it.
static void teardown_map(fault_case_t* c) {
  vmar_mapper_unmap(&c->mapper);
  if (vmar_owned_mapper_vmo(&c->owned) == VMAR_HANDLE_INVALID &&
      vmar_resizeable_mapper_vmo(&c->rm) == VMAR_HANDLE_INVALID) {
    close_vmo0(c); // not taken
  }
  vmar_owned_mapper_reset(&c->owned);
  vmar_resizeable_mapper_reset(&c->rm);
}

static void reset_owned(fault_case_t* c) { vmar_owned_mapper_reset(&c->owned); }

static vmar_status_t call_owned_map(fault_case_t* c) {
  return vmar_owned_mapper_map(&c->owned, c->vmos[0], 0, RW, g_mgr);
}

static vmar_status_t call_rm_create(fault_case_t* c) {
  return vmar_resizeable_mapper_create_and_map(&c->rm, 2 * PAGE, "rm", RW,
                                               c->mgr != NULL ? c->mgr : g_mgr);
}

static void reset_rm(fault_case_t* c) {
  vmar_resizeable_mapper_reset(&c->rm);
  release_mgr(c);
}

static vmar_status_t call_rm_map(fault_case_t* c) {
  return vmar_resizeable_mapper_map(&c->rm, c->vmos[0], 0, RW, g_mgr);
}

// A resizeable mapper of |pages| pages whose VMO holds the bytes of |seed|,
// in its own manager (CAN_MAP_SPECIFIC when |in_place|, so grow can extend
// the mapping).
static void setup_rm(fault_case_t* c, size_t pages, bool in_place,
                     unsigned seed) {
  vmar_vm_option_t opts = VMAR_MANAGER_DEFAULT_OPTIONS;
  if (in_place) {
    opts |= VMAR_VM_CAN_MAP_SPECIFIC;
  }
  assert_status(VMAR_OK, vmar_manager_create(64 * PAGE, g_mgr, opts, &c->mgr));
  assert_status(VMAR_OK, vmar_resizeable_mapper_create_and_map(
                             &c->rm, pages * PAGE, "rm", RW, c->mgr));
  c->vmo_size = pages * PAGE;
  c->seed = seed;
  fill(vmar_resizeable_mapper_vmo(&c->rm), c->vmo_size, seed);
  c->size = vmar_resizeable_mapper_size(&c->rm);
  snap_take(&c->before);
}

static void setup_rm_in_place(fault_case_t* c) { setup_rm(c, 2, true, 3); }
static void setup_rm_remap(fault_case_t* c) { setup_rm(c, 2, false, 3); }
static void setup_rm_big(fault_case_t* c) { setup_rm(c, 4, true, 5); }

static vmar_status_t call_grow(fault_case_t* c) {
  return vmar_resizeable_mapper_grow(&c->rm, 6 * PAGE);
}

// A failed grow or shrink left the mapper, its VMO and the bytes alone.
static void check_rm_unchanged(fault_case_t* c) {
  assert_int_equal(vmar_resizeable_mapper_size(&c->rm), c->size);
  uint64_t vmo_size = 0;
  assert_status(VMAR_OK, vmar_vmo_get_size(vmar_resizeable_mapper_vmo(&c->rm),
                                           &vmo_size));
  assert_int_equal(vmo_size, c->vmo_size);
  assert_filled(vmar_resizeable_mapper_vmo(&c->rm), c->vmo_size, c->seed);
  const unsigned char* p = vmar_resizeable_mapper_start(&c->rm);
  assert_int_equal(p[PAGE + 1], (unsigned char)((PAGE + 1) * 7 + c->seed));
}

static vmar_status_t call_shrink(fault_case_t* c) {
  return vmar_resizeable_mapper_shrink(&c->rm, PAGE);
}

// ---------------------------------------------------------------------------
// Pool

static void setup_pool(fault_case_t* c) {
  for (size_t i = 0; i < 2; i++) {
    c->vmos[i] = vmo_ok((i + 1) * PAGE, 0);
  }
  assert_status(VMAR_OK, vmar_vmo_pool_create(&c->pool));
  snap_take(&c->before);
}

static vmar_status_t call_pool_init(fault_case_t* c) {
  return vmar_vmo_pool_init(c->pool, c->vmos, 2);
}

static void check_pool_empty(fault_case_t* c) {
  assert_int_equal(vmar_vmo_pool_total_buffers(c->pool), 0);
  assert_int_equal(vmar_vmo_pool_free_buffers(c->pool), 0);
}

static void teardown_pool(fault_case_t* c) {
  vmar_vmo_pool_destroy(c->pool);
  c->pool = NULL;
  for (size_t i = 0; i < 2; i++) {
    assert_status(VMAR_OK, vmar_handle_close(c->vmos[i]));
  }
}

static void setup_pool_inited(fault_case_t* c) {
  for (size_t i = 0; i < 2; i++) {
    c->vmos[i] = vmo_ok((i + 1) * PAGE, 0);
  }
  assert_status(VMAR_OK, vmar_vmo_pool_create(&c->pool));
  // As fzl, a failed map_vmos empties the pool: the state to come back to
  // is the one before init.
  snap_take(&c->before);
  assert_status(VMAR_OK, vmar_vmo_pool_init(c->pool, c->vmos, 2));
}

static vmar_status_t call_pool_map(fault_case_t* c) {
  return vmar_vmo_pool_map_vmos(c->pool);
}

// ---------------------------------------------------------------------------
// get_maps and dump on a tree too big for the backend's stack buffer

static void setup_tree(fault_case_t* c) {
  vmar_vaddr_t addr = 0;
  assert_status(VMAR_OK,
                vmar_allocate(g_area, VMAR_VM_CAN_MAP_READ | VMAR_VM_COMPACT, 0,
                              64 * PAGE, &c->vmar, &addr));
  for (size_t i = 0; i < 12; i++) {
    vmar_handle_t kid = VMAR_HANDLE_INVALID;
    assert_status(VMAR_OK, vmar_allocate(c->vmar, 0, 0, PAGE, &kid, &addr));
    assert_status(VMAR_OK, vmar_handle_close(kid));
  }
  memset(c->recs, 0xA5, sizeof(c->recs));
  c->actual = c->avail = 12345;
  memset(c->text, 'x', sizeof(c->text));
  c->needed = 12345;
  snap_take(&c->before);
}

static void teardown_tree(fault_case_t* c) {
  assert_status(VMAR_OK, vmar_destroy(c->vmar));
  assert_status(VMAR_OK, vmar_handle_close(c->vmar));
}

static vmar_status_t call_get_maps(fault_case_t* c) {
  vmar_status_t st = vmar_get_maps(c->vmar, c->recs, 32, &c->actual, &c->avail);
  if (st == VMAR_OK) {
    assert_int_equal(c->actual, 13);
    assert_int_equal(c->avail, 13);
  }
  return st;
}

static void check_get_maps_untouched(fault_case_t* c) {
  const unsigned char* p = (const unsigned char*)c->recs;
  for (size_t i = 0; i < sizeof(c->recs); i++) {
    assert_int_equal(p[i], 0xA5);
  }
  assert_int_equal(c->actual, 12345);
  assert_int_equal(c->avail, 12345);
}

static vmar_status_t call_dump(fault_case_t* c) {
  return vmar_dump(c->vmar, c->text, sizeof(c->text), &c->needed);
}

static void check_dump_untouched(fault_case_t* c) {
  for (size_t i = 0; i < sizeof(c->text); i++) {
    assert_int_equal(c->text[i], 'x');
  }
  assert_int_equal(c->needed, 12345);
}

// The one allocation of the Zircon backend (get_maps beyond the stack
// buffer) failing: NO_MEMORY, outputs untouched, nothing leaked.
static void get_maps__buffer_allocation_fails_no_memory(void** state) {
  (void)state;
  fault_case_t c;
  memset(&c, 0, sizeof(c));
  setup_tree(&c);
  vmar__fault_start();
  vmar__fault_arm(VMAR__FAULT_MALLOC, 1, 12);
  vmar_status_t st = vmar_get_maps(c.vmar, c.recs, 32, &c.actual, &c.avail);
  uint64_t mallocs = vmar__fault_calls(VMAR__FAULT_MALLOC);
  vmar__fault_reset();
  assert_status(VMAR_ERR_NO_MEMORY, st);
  assert_int_equal(mallocs, 1);
  check_get_maps_untouched(&c);
  // A tree that fits the stack buffer needs no allocation at all.
  vmar__fault_start();
  vmar__fault_arm(VMAR__FAULT_MALLOC, 1, 12);
  st = vmar_get_maps(g_area, c.recs, 4, &c.actual, &c.avail);
  mallocs = vmar__fault_calls(VMAR__FAULT_MALLOC);
  vmar__fault_reset();
  assert_status(VMAR_OK, st);
  assert_int_equal(mallocs, 0);
  teardown_tree(&c);
  snap_free(&c.before);
}

// ---------------------------------------------------------------------------
// The cases, one cmocka test each: name, setup, call, check_failed,
// teardown, absorbed calls, system calls made (at least that many when the
// last field is true).

static const fault_spec_t kCases[] = {
    // manager_create: one allocate; a failure creates nothing.
    {"manager_create__each_call_fails_cleanly", take_before,
     call_manager_create, check_manager_null, release_mgr, 0, 1, false},
    // manager_use: info, two handle infos, duplicate; each failure is returned
    // and leaves no manager and no handle.
    {"manager_use__each_call_fails_cleanly", setup_use, call_manager_use,
     check_manager_null, teardown_use, 0, 4, false},
    // create_and_map: vmo_create, map (and a close the kernel cannot refuse).
    {"mapper_create_and_map__each_call_fails_cleanly", take_before,
     call_create_and_map, check_mapper_unmapped, unmap_mapper, 0, 2, false},
    // With a VMO handle out and reduced rights: vmo_create, map, replace.
    {"mapper_create_and_map__vmo_out_each_call_fails_cleanly", take_before,
     call_create_and_map_reduced, check_out_untouched, unmap_close_out, 0, 3,
     false},
    // mapper_map: get_size, map.
    {"mapper_map__each_call_fails_cleanly", setup_one_vmo, call_mapper_map,
     check_map_failed, teardown_map, 0, 2, false},
    // owned create_and_map: vmo_create, map, then naming, which fzl (and vmar)
    // treat as best effort.
    {"owned_create_and_map__each_call_fails_cleanly", take_before,
     call_owned_create, check_owned_empty, reset_owned,
     BIT(OBJECT_SET_PROPERTY), 3, false},
    // owned map: get_size, map; the VMO is taken only on success.
    {"owned_map__each_call_fails_cleanly", setup_one_vmo, call_owned_map,
     check_map_failed, teardown_map, 0, 2, false},
    {"resizeable_create_and_map__each_call_fails_cleanly", take_before,
     call_rm_create, check_rm_empty, reset_rm, BIT(OBJECT_SET_PROPERTY), 3,
     false},
    // resizeable map: get_size, map; the VMO is taken only on success.
    {"resizeable_map__each_call_fails_cleanly", setup_one_vmo, call_rm_map,
     check_map_failed, teardown_map, 0, 2, false},
    // grow in place: get_size, set_size, map after the mapping. A failed
    // in-place map falls back to a remap, which then succeeds.
    {"grow__in_place_each_call_fails_cleanly", setup_rm_in_place, call_grow,
     check_rm_unchanged, reset_rm, BIT(VMAR_MAP), 3, false},
    // grow by remapping (no CAN_MAP_SPECIFIC): get_size, set_size, the refused
    // in-place map, the new map, the unmap of the old mapping.
    {"grow__remap_each_call_fails_cleanly", setup_rm_remap, call_grow,
     check_rm_unchanged, reset_rm, BIT(VMAR_MAP), 5, false},
    // shrink: get_size, a resize probe, the unmap of the tail, the resize.
    {"shrink__each_call_fails_cleanly", setup_rm_big, call_shrink,
     check_rm_unchanged, reset_rm, 0, 3, true},
    // pool_init: get_size and duplicate per VMO.
    {"pool_init__each_call_fails_cleanly", setup_pool, call_pool_init,
     check_pool_empty, teardown_pool, 0, 4, false},
    // pool_map_vmos: get_size and map per VMO; a failure unmaps what was mapped
    // and empties the pool.
    {"pool_map_vmos__each_call_fails_cleanly", setup_pool_inited, call_pool_map,
     check_pool_empty, teardown_pool, 0, 4, false},
    // get_maps of 13 records: a first call into the stack buffer, then one
    // into a buffer for all of them. Outputs are untouched on failure.
    {"get_maps__each_call_fails_cleanly", setup_tree, call_get_maps,
     check_get_maps_untouched, teardown_tree, 0, 2, false},
    // dump: a count query, then get_maps (two calls for this tree).
    {"dump__each_call_fails_cleanly", setup_tree, call_dump,
     check_dump_untouched, teardown_tree, 0, 3, false},
};
#define N_CASES (sizeof(kCases) / sizeof(kCases[0]))

// Runs the case in *state (one of kCases): the call fails cleanly at each of
// its system calls, and makes as many as the case says.
static void fault_case__each_call_fails_cleanly(void** state) {
  fault_case_t c;
  memset(&c, 0, sizeof(c));
  c.spec = *state;
  const uint64_t calls = fault_loop(&c);
  if (c.spec->at_least) {
    assert_true(calls >= c.spec->calls);
  } else {
    assert_int_equal(calls, c.spec->calls);
  }
}

// ---------------------------------------------------------------------------
// The fake kernel's own promises

// A replace that fails consumes its handle, as on Zircon; a duplicate that
// fails leaves everything alone.
static void fake__failed_replace_consumes_handle(void** state) {
  (void)state;
  size_t handles0 = zx_host_handle_count();
  vmar_handle_t vmo = vmo_ok(PAGE, 0);
  vmar_handle_t out = VMAR_HANDLE_INVALID;
  zx_host_fault_set(BIT(HANDLE_DUPLICATE), 1, INJECTED);
  assert_status(INJECTED,
                vmar_handle_duplicate(vmo, VMAR_RIGHT_SAME_RIGHTS, &out));
  zx_host_fault_set(BIT(HANDLE_REPLACE), 1, INJECTED);
  assert_status(INJECTED,
                vmar_handle_replace(vmo, VMAR_RIGHT_SAME_RIGHTS, &out));
  zx_host_fault_clear();
  assert_int_equal(out, VMAR_HANDLE_INVALID);
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(vmo));
  assert_int_equal(zx_host_handle_count(), handles0);
}

// Counting only (nth 0) never fails; calls outside the set are not counted.
static void fake__count_only(void** state) {
  (void)state;
  zx_host_fault_set(BIT(VMO_CREATE), 0, INJECTED);
  vmar_handle_t a = vmo_ok(PAGE, 0);
  vmar_handle_t b = vmo_ok(PAGE, 0);
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_get_size(a, &size));
  assert_int_equal(zx_host_fault_calls(), 2);
  assert_false(zx_host_fault_fired(NULL));
  zx_host_fault_clear();
  assert_status(VMAR_OK, vmar_handle_close(a));
  assert_status(VMAR_OK, vmar_handle_close(b));
}

int main(void) {
  struct CMUnitTest tests[N_CASES + 4] = {
      cmocka_unit_test(manager_release__failed_step_does_not_stop_it),
      cmocka_unit_test(get_maps__buffer_allocation_fails_no_memory),
      cmocka_unit_test(fake__failed_replace_consumes_handle),
      cmocka_unit_test(fake__count_only),
  };
  for (size_t i = 0; i < N_CASES; i++) {
    tests[4 + i] =
        (struct CMUnitTest){kCases[i].name, fault_case__each_call_fails_cleanly,
                            NULL, NULL, (void*)&kCases[i]};
  }
  return cmocka_run_group_tests_name("zircon.faults", tests, group_setup,
                                     group_teardown);
}
