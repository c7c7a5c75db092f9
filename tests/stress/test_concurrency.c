// SPDX-License-Identifier: MIT
// Mixed operations from 8 threads on shared VMARs, VMOs, handles and a
// manager, for a bounded time: allocate/destroy, map/unmap, protect,
// op_range, VMO read/write/set_size (with I/O into vmar's own mappings),
// duplicate/close and lookups of handles other threads close at the same
// moment, manager create/retain/release and mappers, get_maps walks. Every
// call must return one of the statuses its contract allows in that
// situation; each thread checks what it owns (its pages hold its bytes, its
// children do not overlap anyone's). At the end: every handle is closed
// (vmar__handle_count back to its baseline), the shared VMARs are empty and
// still reserved, and the root's tree is as before. Built to be run under
// ThreadSanitizer too.
//
// Prints "concurrency: <threads> threads x <ops> ops ...".

#include "test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "posix/handle_table.h"

#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)
#define PERM_RW (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)

enum {
  THREADS = 8,
  A_PAGES = 2048, // shared, randomised placement
  B_PAGES = 512,  // shared, COMPACT
  VMOS = 4,       // shared VMOs: 0 and 1 fixed size, 2 and 3 resizable
  VMO_PAGES = 8,
  SLOTS = 32, // shared handle slots
  OWN = 16,   // things a thread holds at once
  RUN_MS = 2000,
};

static size_t page;

static struct {
  vmar_handle_t a, b;
  vmar_vaddr_t a_base, b_base;
  vmar_handle_t vmo[VMOS];
  vmar_manager_t* mgr;
  _Atomic vmar_handle_t slot[SLOTS];
  atomic_bool stop;
} S;

typedef struct child {
  vmar_handle_t h;
  vmar_vaddr_t base;
  size_t pages;
} child_t;

typedef struct mapping {
  vmar_handle_t in; // the VMAR it is in
  vmar_vaddr_t addr;
  size_t pages;
  int vmo; // index in S.vmo
  bool writable;
  unsigned char tag; // byte this thread keeps at addr (fixed-size VMOs)
} mapping_t;

typedef struct worker {
  pthread_t thread;
  unsigned id;
  unsigned seed;
  uint64_t ops;
  int fail_line;
  vmar_status_t fail_status;
  int fail_op;
  child_t children[OWN];
  size_t nchildren;
  mapping_t maps[OWN];
  size_t nmaps;
  vmar_handle_t handles[OWN];
  size_t nhandles;
} worker_t;

#define CHECK(cond, status, op)                                                \
  do {                                                                         \
    if (!(cond) && w->fail_line == 0) {                                        \
      w->fail_line = __LINE__;                                                 \
      w->fail_status = (status);                                               \
      w->fail_op = (op);                                                       \
      atomic_store(&S.stop, true);                                             \
    }                                                                          \
  } while (0)

static unsigned rnd(worker_t* w) { return (unsigned)rand_r(&w->seed); }

// ---- own children ---------------------------------------------------------

// Moves a random one of the |*n| elements (|size| bytes each) of |items|
// to |out| and the last one into its place: |*n| shrinks by one.
static void take_random(worker_t* w, void* items, size_t size, size_t* n,
                        void* out) {
  unsigned char* slot = (unsigned char*)items + rnd(w) % *n * size;
  memcpy(out, slot, size);
  --*n;
  memmove(slot, (unsigned char*)items + *n * size, size);
}

static void op_allocate(worker_t* w) {
  if (w->nchildren == OWN) {
    return;
  }
  const bool in_a = rnd(w) % 2;
  child_t c = {VMAR_HANDLE_INVALID, 0, rnd(w) % 8 + 1};
  vmar_status_t st =
      vmar_allocate(in_a ? S.a : S.b, CAN_RW, 0, c.pages * page, &c.h, &c.base);
  CHECK(st == VMAR_OK || st == VMAR_ERR_NO_RESOURCES, st, 1);
  if (st == VMAR_OK) {
    const vmar_vaddr_t lo = in_a ? S.a_base : S.b_base;
    const size_t len = (in_a ? A_PAGES : B_PAGES) * page;
    CHECK(c.base >= lo && c.base + c.pages * page <= lo + len, st, 1);
    w->children[w->nchildren++] = c;
  }
}

static void drop_child(worker_t* w, size_t i) {
  child_t c = w->children[i];
  w->children[i] = w->children[--w->nchildren];
  vmar_status_t st = vmar_destroy(c.h);
  CHECK(st == VMAR_OK, st, 2);
  st = vmar_handle_close(c.h);
  CHECK(st == VMAR_OK, st, 2);
}

static void op_destroy(worker_t* w) {
  if (w->nchildren > 0) {
    drop_child(w, rnd(w) % w->nchildren);
  }
}

// Maps into one of its own children, writes, reads back through the VMO.
static void op_map_in_child(worker_t* w) {
  if (w->nchildren == 0) {
    return;
  }
  child_t* c = &w->children[rnd(w) % w->nchildren];
  vmar_vaddr_t addr = 0;
  vmar_status_t st = vmar_map(c->h, PERM_RW, 0, S.vmo[0], 0, page, &addr);
  CHECK(st == VMAR_OK || st == VMAR_ERR_NO_RESOURCES, st, 3);
  if (st == VMAR_OK) {
    CHECK(addr >= c->base && addr < c->base + c->pages * page, st, 3);
    // Page 0 of vmo 0 is shared by everyone: only read it.
    volatile unsigned char* p = (volatile unsigned char*)addr;
    (void)p[page - 1];
    st = vmar_unmap(c->h, addr, page);
    CHECK(st == VMAR_OK, st, 3);
  }
}

// ---- own mappings of shared VMOs ------------------------------------------

static void op_map(worker_t* w) {
  if (w->nmaps == OWN) {
    return;
  }
  mapping_t m;
  m.in = rnd(w) % 2 ? S.a : S.b;
  m.vmo = (int)(rnd(w) % VMOS);
  m.pages = rnd(w) % 4 + 1;
  m.writable = true;
  // Fixed-size VMOs: each thread owns page w->id of VMO 1 to tag.
  m.tag = (unsigned char)(rnd(w) | 1);
  vmar_status_t st =
      vmar_map(m.in, PERM_RW, 0, S.vmo[m.vmo], 0, m.pages * page, &m.addr);
  CHECK(st == VMAR_OK || st == VMAR_ERR_NO_RESOURCES, st, 4);
  if (st == VMAR_OK) {
    w->maps[w->nmaps++] = m;
  }
}

static void op_unmap(worker_t* w) {
  if (w->nmaps == 0) {
    return;
  }
  mapping_t m;
  take_random(w, w->maps, sizeof(m), &w->nmaps, &m);
  vmar_status_t st = vmar_unmap(m.in, m.addr, m.pages * page);
  CHECK(st == VMAR_OK, st, 5);
}

static void op_protect(worker_t* w) {
  if (w->nmaps == 0) {
    return;
  }
  mapping_t* m = &w->maps[rnd(w) % w->nmaps];
  m->writable = !m->writable;
  vmar_status_t st =
      vmar_protect(m->in, m->writable ? PERM_RW : VMAR_VM_PERM_READ, m->addr,
                   m->pages * page);
  CHECK(st == VMAR_OK, st, 6);
}

// Writes this thread's byte into its own page of VMO 1 through a mapping,
// reads it back with vmar_vmo_read, and the other way round.
static void op_touch(worker_t* w) {
  for (size_t i = 0; i < w->nmaps; i++) {
    mapping_t* m = &w->maps[i];
    if (m->vmo != 1 || !m->writable || m->pages * page <= w->id * 8) {
      continue;
    }
    volatile unsigned char* p = (volatile unsigned char*)m->addr;
    const size_t off = w->id * 8; // a byte only this thread writes
    p[off] = m->tag;
    unsigned char got = 0;
    vmar_status_t st = vmar_vmo_read(S.vmo[1], &got, off, 1);
    CHECK(st == VMAR_OK && got == m->tag, st, 7);
    unsigned char next = (unsigned char)(m->tag + 2);
    st = vmar_vmo_write(S.vmo[1], &next, off, 1);
    CHECK(st == VMAR_OK && p[off] == next, st, 7);
    m->tag = next;
    return;
  }
}

static void op_op_range(worker_t* w) {
  if (w->nmaps == 0) {
    return;
  }
  mapping_t* m = &w->maps[rnd(w) % w->nmaps];
  static const uint32_t ops[] = {VMAR_OP_COMMIT, VMAR_OP_MAP_RANGE,
                                 VMAR_OP_DONT_NEED, VMAR_OP_ALWAYS_NEED};
  vmar_status_t st =
      vmar_op_range(m->in, ops[rnd(w) % 4], m->addr, m->pages * page);
  CHECK(st == VMAR_OK, st, 8);
}

// ---- shared VMOs -----------------------------------------------------------

static void op_vmo_io(worker_t* w) {
  unsigned char buf[64];
  const int v = 2 + (int)(rnd(w) % 2); // resizable ones
  const uint64_t off = rnd(w) % (VMO_PAGES * page);
  vmar_status_t st = rnd(w) % 2 ? vmar_vmo_read(S.vmo[v], buf, off, 64)
                                : vmar_vmo_write(S.vmo[v], buf, off, 64);
  // Another thread may have shrunk it.
  CHECK(st == VMAR_OK || st == VMAR_ERR_OUT_OF_RANGE, st, 9);
  // Reading into one of its own writable mappings.
  for (size_t i = 0; i < w->nmaps; i++) {
    if (w->maps[i].writable && w->maps[i].vmo != 1) {
      st = vmar_vmo_read(S.vmo[0], (void*)w->maps[i].addr, 0, 64);
      CHECK(st == VMAR_OK, st, 9);
      break;
    }
  }
}

static void op_set_size(worker_t* w) {
  const int v = 2 + (int)(rnd(w) % 2);
  vmar_status_t st =
      vmar_vmo_set_size(S.vmo[v], (rnd(w) % VMO_PAGES + 1) * page);
  CHECK(st == VMAR_OK, st, 10);
  uint64_t size = 0;
  st = vmar_vmo_get_size(S.vmo[v], &size);
  CHECK(st == VMAR_OK && size % page == 0 && size <= VMO_PAGES * page, st, 10);
}

// ---- handles ---------------------------------------------------------------

static void op_duplicate(worker_t* w) {
  if (w->nhandles == OWN) {
    return;
  }
  vmar_handle_t src = rnd(w) % 2 ? S.vmo[rnd(w) % VMOS] : S.a;
  vmar_status_t st = vmar_handle_duplicate(src, VMAR_RIGHT_SAME_RIGHTS,
                                           &w->handles[w->nhandles]);
  CHECK(st == VMAR_OK, st, 11);
  if (st == VMAR_OK) {
    w->nhandles++;
  }
}

static void op_close(worker_t* w) {
  if (w->nhandles == 0) {
    return;
  }
  vmar_handle_t h;
  take_random(w, w->handles, sizeof(h), &w->nhandles, &h);
  vmar_status_t st;
  switch (rnd(w) % 3) {
  case 0: // give it to a shared slot; close whatever was there
    h = atomic_exchange(&S.slot[rnd(w) % SLOTS], h);
    st = vmar_handle_close(h);
    break;
  case 1: { // replace, then close the new value
    vmar_handle_t r = VMAR_HANDLE_INVALID;
    st = vmar_handle_replace(h, VMAR_RIGHT_SAME_RIGHTS, &r);
    CHECK(st == VMAR_OK, st, 12);
    st = vmar_handle_close(r);
    break;
  }
  default:
    st = vmar_handle_close(h);
  }
  CHECK(st == VMAR_OK, st, 12);
}

// Uses a handle another thread may be closing right now: the call sees it
// live or not at all, never half.
static void op_peek_slot(worker_t* w) {
  vmar_handle_t h = atomic_load(&S.slot[rnd(w) % SLOTS]);
  vmar_handle_info_t info;
  vmar_status_t st = vmar_handle_get_info(h, &info);
  CHECK(st == VMAR_OK || st == VMAR_ERR_BAD_HANDLE, st, 13);
  if (st == VMAR_OK) {
    CHECK(info.type == VMAR_OBJ_TYPE_VMO || info.type == VMAR_OBJ_TYPE_VMAR, st,
          13);
  }
  uint64_t size = 0;
  st = vmar_vmo_get_size(h, &size);
  CHECK(st == VMAR_OK || st == VMAR_ERR_BAD_HANDLE || st == VMAR_ERR_WRONG_TYPE,
        st, 13);
}

// ---- managers and mappers --------------------------------------------------

static void op_manager(worker_t* w) {
  vmar_manager_t* m = NULL;
  vmar_status_t st =
      vmar_manager_create((rnd(w) % 4 + 2) * page, rnd(w) % 2 ? S.mgr : NULL,
                          VMAR_MANAGER_DEFAULT_OPTIONS, &m);
  CHECK(st == VMAR_OK || st == VMAR_ERR_NO_RESOURCES, st, 14);
  if (st != VMAR_OK) {
    return;
  }
  vmar_mapper_t mp = VMAR_MAPPER_INIT;
  st = vmar_mapper_create_and_map(&mp, page + 5, PERM_RW, m, NULL,
                                  VMAR_RIGHT_SAME_RIGHTS, 0);
  CHECK(st == VMAR_OK, st, 14);
  if (st == VMAR_OK) {
    volatile unsigned char* p = vmar_mapper_start(&mp);
    p[0] = 1;
    CHECK(p[0] == 1, st, 14);
  }
  vmar_manager_t* extra = vmar_manager_retain(S.mgr);
  vmar_manager_release(m); // the mapper still holds it
  vmar_mapper_unmap(&mp);
  vmar_manager_release(extra);
}

// ---- tree walks ------------------------------------------------------------

static void op_get_maps(worker_t* w) {
  vmar_map_info_t e[64];
  size_t n = 0;
  size_t avail = 0;
  vmar_status_t st = vmar_get_maps(rnd(w) % 2 ? S.a : S.b, e, 64, &n, &avail);
  CHECK(st == VMAR_OK && n >= 1 && n <= avail, st, 15);
  // Depth-first pre-order: each entry lies in its parent, siblings do not
  // overlap and come in address order.
  vmar_vaddr_t end_at[8] = {e[0].base + e[0].size};
  vmar_vaddr_t last_end[8] = {0};
  last_end[1] = e[0].base;
  for (size_t i = 1; i < n && w->fail_line == 0; i++) {
    size_t d = e[i].depth;
    CHECK(d >= 1 && d < 8, st, 15);
    if (d < 1 || d >= 8) {
      return;
    }
    CHECK(e[i].base >= last_end[d] && e[i].base + e[i].size <= end_at[d - 1],
          st, 15);
    last_end[d] = e[i].base + e[i].size;
    if (d + 1 < 8) {
      end_at[d] = e[i].base + e[i].size;
      last_end[d + 1] = e[i].base;
    }
  }
}

// ---------------------------------------------------------------------------

typedef void (*op_fn)(worker_t*);
static const op_fn kOps[] = {
    op_allocate,  op_destroy, op_map_in_child, op_map,     op_unmap,
    op_protect,   op_touch,   op_op_range,     op_vmo_io,  op_set_size,
    op_duplicate, op_close,   op_peek_slot,    op_manager, op_get_maps,
};
#define NUM_OPS (sizeof(kOps) / sizeof(kOps[0]))

static void* run(void* arg) {
  worker_t* w = arg;
  while (!atomic_load_explicit(&S.stop, memory_order_relaxed)) {
    kOps[rnd(w) % NUM_OPS](w);
    w->ops++;
  }
  while (w->nchildren > 0) {
    drop_child(w, 0);
  }
  while (w->nmaps > 0) {
    op_unmap(w);
  }
  while (w->nhandles > 0) {
    vmar_status_t st = vmar_handle_close(w->handles[--w->nhandles]);
    CHECK(st == VMAR_OK, st, 16);
  }
  return NULL;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static size_t root_entries(void) {
  size_t avail = 0;
  assert_status(VMAR_OK,
                vmar_get_maps(vmar_root_self(), NULL, 0, NULL, &avail));
  return avail;
}

static void concurrency__mixed_operations_invariants_hold(void** state) {
  (void)state;
  page = vmar_page_size();
  const size_t handles = vmar__handle_count();
  const size_t entries = root_entries();
  assert_status(VMAR_OK, vmar_allocate(vmar_root_self(), CAN_RW, 0,
                                       A_PAGES * page, &S.a, &S.a_base));
  assert_status(VMAR_OK,
                vmar_allocate(vmar_root_self(), CAN_RW | VMAR_VM_COMPACT, 0,
                              B_PAGES * page, &S.b, &S.b_base));
  for (int i = 0; i < VMOS; i++) {
    assert_status(VMAR_OK,
                  vmar_vmo_create(VMO_PAGES * page,
                                  i >= 2 ? VMAR_VMO_RESIZABLE : 0, &S.vmo[i]));
  }
  assert_status(VMAR_OK,
                vmar_manager_create(256 * page, NULL,
                                    VMAR_MANAGER_DEFAULT_OPTIONS, &S.mgr));
  atomic_store(&S.stop, false);

  static worker_t workers[THREADS];
  const uint64_t start = now_ms();
  for (unsigned i = 0; i < THREADS; i++) {
    memset(&workers[i], 0, sizeof(workers[i]));
    workers[i].id = i + 1;
    workers[i].seed = 0x9E3779B9u * (i + 1) ^ (unsigned)start;
    assert_int_equal(pthread_create(&workers[i].thread, NULL, run, &workers[i]),
                     0);
  }
  while (!atomic_load(&S.stop) && now_ms() - start < RUN_MS) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  atomic_store(&S.stop, true);
  uint64_t total = 0;
  uint64_t least = UINT64_MAX;
  int failures = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
    total += workers[i].ops;
    least = workers[i].ops < least ? workers[i].ops : least;
    if (workers[i].fail_line != 0) {
      print_error("thread %u: op %d failed at line %d with %s\n", i + 1,
                  workers[i].fail_op, workers[i].fail_line,
                  vmar_status_string(workers[i].fail_status));
      failures++;
    }
  }
  const uint64_t elapsed = now_ms() - start;
  assert_int_equal(failures, 0);

  // Invariants: the shared VMARs are empty and still reserved.
  size_t n = 0;
  size_t avail = 0;
  vmar_map_info_t e[4];
  assert_status(VMAR_OK, vmar_get_maps(S.a, e, 4, &n, &avail));
  assert_int_equal(avail, 1);
  assert_status(VMAR_OK, vmar_get_maps(S.b, e, 4, &n, &avail));
  assert_int_equal(avail, 1);
  assert_true(test_maps_range_reserved(S.a_base, A_PAGES * page));
  assert_true(test_maps_range_reserved(S.b_base, B_PAGES * page));
  assert_true(test_maps_range_reserved((vmar_vaddr_t)vmar_manager_start(S.mgr),
                                       256 * page));
  for (int i = 0; i < SLOTS; i++) {
    assert_status(VMAR_OK, vmar_handle_close(atomic_exchange(
                               &S.slot[i], VMAR_HANDLE_INVALID)));
  }
  vmar_manager_release(S.mgr);
  assert_status(VMAR_OK, vmar_destroy(S.a));
  assert_status(VMAR_OK, vmar_destroy(S.b));
  CLOSE_ALL_OK(S.a, S.b);
  for (int i = 0; i < VMOS; i++) {
    close_ok(S.vmo[i]);
  }
  assert_int_equal(vmar__handle_count(), handles);
  assert_int_equal(root_entries(), entries);
  assert_true(least > 0);
  print_message("concurrency: %d threads x %llu ops (%llu total, at least "
                "%llu per thread) in %llu ms, %zu kinds of operation\n",
                THREADS, (unsigned long long)(total / THREADS),
                (unsigned long long)total, (unsigned long long)least,
                (unsigned long long)elapsed, (size_t)NUM_OPS);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(concurrency__mixed_operations_invariants_hold),
  };
  return cmocka_run_group_tests_name("stress.concurrency", tests, NULL, NULL);
}
