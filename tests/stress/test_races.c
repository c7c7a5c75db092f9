// SPDX-License-Identifier: MIT
// Races between calls on one object, each once found by review: a VMO
// shrunk while op_range zeroes it, the first mappings of a fresh VMAR made
// by two threads at once, handles shared, duplicated and closed by several
// threads in the way a user's program does, and maps made while another
// thread closes the handles they use. Each must give OK or a
// status, never a signal, and nothing a ThreadSanitizer build can report.
// APIs covered: vmar_op_range, vmar_vmo_op_range, vmar_vmo_set_size,
//   vmar_map, vmar_unmap, vmar_handle_duplicate, vmar_handle_close,
//   vmar_destroy.

#include "test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "posix/handle_table.h"

#define PERM_RW (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)
#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)

// How long each race runs; sanitizer builds get the same wall-clock time
// and simply run fewer rounds.
#define RACE_NANOS 1500000000ll

static long long now_nanos(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

// Runs |fn| on two threads that start together; returns when both are done.
typedef struct racer {
  pthread_t thread;
  int id;
  void* ctx;
  atomic_int* go;
  void (*fn)(int id, void* ctx);
} racer_t;

static void* racer_main(void* arg) {
  racer_t* r = arg;
  while (atomic_load(r->go) == 0) {
  }
  r->fn(r->id, r->ctx);
  return NULL;
}

static void race(int threads, void (*fn)(int id, void* ctx), void* ctx) {
  atomic_int go = 0;
  racer_t r[8];
  assert_true(threads <= 8);
  for (int i = 0; i < threads; i++) {
    r[i] = (racer_t){.id = i, .ctx = ctx, .go = &go, .fn = fn};
    assert_int_equal(pthread_create(&r[i].thread, NULL, racer_main, &r[i]), 0);
  }
  atomic_store(&go, 1);
  for (int i = 0; i < threads; i++) {
    assert_int_equal(pthread_join(r[i].thread, NULL), 0);
  }
}

// ---- Zeroing against shrinking ---------------------------------------------

enum { SHRINK_PAGES = 256 };

typedef struct shrink_race {
  vmar_handle_t vmar;
  vmar_handle_t vmo;
  vmar_vaddr_t addr;
  long long until;
  atomic_int bad; // a status outside the expected set
  atomic_long zeroed;
} shrink_race_t;

static void shrink_side(int id, void* ctx) {
  shrink_race_t* s = ctx;
  const size_t page = vmar_page_size();
  for (long n = 0; now_nanos() < s->until; n++) {
    if (id == 0) {
      uint64_t size = (n & 1) ? SHRINK_PAGES * page : page;
      if (vmar_vmo_set_size(s->vmo, size) != VMAR_OK) {
        atomic_store(&s->bad, 1);
      }
      continue;
    }
    // op_range of the VMAR, then of the VMO: both act on the VMO's pages.
    const uint32_t op = (n & 1) ? VMAR_OP_ZERO : VMAR_OP_DECOMMIT;
    vmar_status_t st =
        (n & 2) ? vmar_op_range(s->vmar, op, s->addr, SHRINK_PAGES * page)
                : vmar_vmo_op_range(s->vmo, op, 0, SHRINK_PAGES * page);
    if (st == VMAR_OK) {
      atomic_fetch_add(&s->zeroed, 1);
    } else if (st != VMAR_ERR_OUT_OF_RANGE) {
      // The VMAR call clips the range at the VMO's end; the VMO call finds
      // the range past the end while the VMO is small.
      atomic_store(&s->bad, 1);
    }
  }
}

// A resizable VMO of 256 pages mapped read+write: one thread shrinks it to a
// page and grows it back, the other zeroes or decommits the whole range
// through the mapping and through the VMO. Every call returns OK or
// OUT_OF_RANGE, and nothing faults (zeroing reads the size under the lock
// the resize takes).
static void races__zero_against_shrink_no_signal(void** state) {
  (void)state;
  const size_t page = vmar_page_size();
  shrink_race_t s = {0};
  vmar_vaddr_t base = 0;
  s.vmar = alloc_ok(vmar_root_self(), CAN_RW, 0, SHRINK_PAGES * page, &base);
  s.vmo = vmo_new(SHRINK_PAGES * page, VMAR_VMO_RESIZABLE);
  s.addr = map_ok(s.vmar, PERM_RW | VMAR_VM_ALLOW_FAULTS, 0, s.vmo, 0,
                  SHRINK_PAGES * page);
  s.until = now_nanos() + RACE_NANOS;
  race(2, shrink_side, &s);
  assert_int_equal(atomic_load(&s.bad), 0);
  assert_true(atomic_load(&s.zeroed) > 0);
  print_message("races: %ld zero/decommit calls raced a resize\n",
                atomic_load(&s.zeroed));
  destroy_close(s.vmar);
  close_ok(s.vmo);
}

// ---- First mappings in a fresh VMAR ----------------------------------------

enum { FRESH_ROUNDS = 200 };

typedef struct fresh_race {
  vmar_handle_t vmar;
  vmar_handle_t vmo;
  vmar_vaddr_t addr[2];
  vmar_status_t st[2];
} fresh_race_t;

static void fresh_side(int id, void* ctx) {
  fresh_race_t* f = ctx;
  f->st[id] =
      vmar_map(f->vmar, PERM_RW, 0, f->vmo, 0, vmar_page_size(), &f->addr[id]);
}

// Two threads make the first two mappings of a new VMAR at the same moment,
// many times over: both succeed at different addresses (and a
// ThreadSanitizer build sees no race on the VMAR's bookkeeping).
static void races__first_mappings_of_fresh_vmar(void** state) {
  (void)state;
  const size_t page = vmar_page_size();
  fresh_race_t f = {0};
  f.vmo = vmo_new(page, 0);
  for (int round = 0; round < FRESH_ROUNDS; round++) {
    f.vmar = alloc_ok(vmar_root_self(), CAN_RW, 0, 16 * page, NULL);
    race(2, fresh_side, &f);
    assert_status(VMAR_OK, f.st[0]);
    assert_status(VMAR_OK, f.st[1]);
    assert_true(f.addr[0] != f.addr[1]);
    destroy_close(f.vmar);
  }
  close_ok(f.vmo);
}

// ---- Handles shared between threads, as a user's program shares them -------

enum { SHARE_THREADS = 4, SHARE_ROUNDS = 300 };

typedef struct share_race {
  vmar_handle_t vmar;
  vmar_handle_t vmo[SHARE_THREADS]; // each thread's own handle to one VMO
  atomic_int bad;
} share_race_t;

static void share_side(int id, void* ctx) {
  share_race_t* s = ctx;
  const size_t page = vmar_page_size();
  for (int round = 0; round < SHARE_ROUNDS; round++) {
    vmar_handle_t dup = VMAR_HANDLE_INVALID;
    vmar_vaddr_t addr = 0;
    if (vmar_handle_duplicate(s->vmo[id], VMAR_RIGHT_SAME_RIGHTS, &dup) !=
            VMAR_OK ||
        vmar_map(s->vmar, PERM_RW, 0, dup, 0, page, &addr) != VMAR_OK) {
      atomic_store(&s->bad, 1);
      return;
    }
    // The handle goes first; the mapping keeps the VMO alive.
    ((volatile char*)addr)[id] = (char)round;
    if (vmar_handle_close(dup) != VMAR_OK ||
        vmar_unmap(s->vmar, addr, page) != VMAR_OK) {
      atomic_store(&s->bad, 1);
    }
  }
  // The last of these closes, in whichever thread, frees the VMO.
  if (vmar_handle_close(s->vmo[id]) != VMAR_OK) {
    atomic_store(&s->bad, 1);
  }
}

// Each thread holds its own handle to one VMO (the creator closed the
// original at once) and keeps duplicating it, mapping, writing through the
// mapping, closing the duplicate and unmapping; at the end each closes its
// handle. Whichever thread drops the last reference frees the VMO, without
// a race a user's ThreadSanitizer run could report.
static void races__shared_handles_user_style(void** state) {
  (void)state;
  const size_t page = vmar_page_size();
  for (int round = 0; round < 4; round++) {
    share_race_t s = {0};
    s.vmar = alloc_ok(vmar_root_self(), CAN_RW, 0, 64 * page, NULL);
    vmar_handle_t vmo = vmo_new(page, 0);
    for (int i = 0; i < SHARE_THREADS; i++) {
      assert_status(VMAR_OK, vmar_handle_duplicate(vmo, VMAR_RIGHT_SAME_RIGHTS,
                                                   &s.vmo[i]));
    }
    close_ok(vmo);
    race(SHARE_THREADS, share_side, &s);
    assert_int_equal(atomic_load(&s.bad), 0);
    assert_false(handle_alive(s.vmo[0]));
    destroy_close(s.vmar);
  }
}

// ---- Mapping while the handles go ------------------------------------------

typedef struct going_race {
  _Atomic vmar_handle_t vmar; // the current round's, or INVALID
  _Atomic vmar_handle_t vmo;
  atomic_int round;   // rounds the owner finished
  atomic_int done;    // the owner has finished
  atomic_int bad;     // a status outside the expected set
  atomic_long mapped; // maps that succeeded
  long long until;
} going_race_t;

static bool map_status_expected(vmar_status_t st) {
  // Closed handles, destroyed VMARs and a full VMAR are the only answers.
  return st == VMAR_OK || st == VMAR_ERR_BAD_HANDLE ||
         st == VMAR_ERR_BAD_STATE || st == VMAR_ERR_NO_RESOURCES;
}

static void going_side(int id, void* ctx) {
  going_race_t* g = ctx;
  const size_t page = vmar_page_size();
  if (id == 0) {
    // The owner: a new VMAR and VMO each round, then the VMO's only handle
    // closes and the VMAR is destroyed and closed while the other thread
    // maps and unmaps with them.
    while (now_nanos() < g->until) {
      vmar_handle_t vmar =
          alloc_ok(vmar_root_self(), CAN_RW, 0, 16 * page, NULL);
      vmar_handle_t vmo = vmo_new(page, 0);
      atomic_store(&g->vmo, vmo);
      atomic_store(&g->vmar, vmar);
      const int seen = atomic_load(&g->round);
      for (int spin = 0; spin < 2000 && atomic_load(&g->round) == seen;
           spin++) {
      }
      atomic_store(&g->vmo, VMAR_HANDLE_INVALID);
      if (vmar_handle_close(vmo) != VMAR_OK) {
        atomic_store(&g->bad, 1);
      }
      atomic_store(&g->vmar, VMAR_HANDLE_INVALID);
      if (vmar_destroy(vmar) != VMAR_OK || vmar_handle_close(vmar) != VMAR_OK) {
        atomic_store(&g->bad, 1);
      }
      atomic_fetch_add(&g->round, 1);
    }
    atomic_store(&g->done, 1);
    return;
  }
  // The user: handles read at any moment, so often already closed.
  while (atomic_load(&g->done) == 0) {
    const vmar_handle_t vmar = atomic_load(&g->vmar);
    const vmar_handle_t vmo = atomic_load(&g->vmo);
    vmar_vaddr_t addr = 0;
    vmar_status_t st = vmar_map(vmar, PERM_RW, 0, vmo, 0, page, &addr);
    if (st == VMAR_OK) {
      atomic_fetch_add(&g->mapped, 1);
      st = vmar_unmap(vmar, addr, page);
      if (st != VMAR_OK && st != VMAR_ERR_BAD_HANDLE &&
          st != VMAR_ERR_BAD_STATE) {
        atomic_store(&g->bad, 1);
      }
    } else if (!map_status_expected(st) && st != VMAR_ERR_INVALID_ARGS) {
      // INVALID_ARGS: a handle read as INVALID between two rounds.
      atomic_store(&g->bad, 1);
    }
  }
}

// One thread creates a VMAR and a VMO, closes the VMO's only handle and
// destroys and closes the VMAR, over and over; another keeps mapping the
// VMO into the VMAR and unmapping it, with whatever handles it read. The
// mapping thread borrows both objects for each call: every call answers OK
// or BAD_HANDLE, BAD_STATE or NO_RESOURCES, never touches freed memory
// (sanitizer builds), and no handle or object outlives its round.
static void races__map_while_handles_go(void** state) {
  (void)state;
  const size_t before = vmar__handle_count();
  going_race_t g = {0};
  atomic_init(&g.vmar, VMAR_HANDLE_INVALID);
  atomic_init(&g.vmo, VMAR_HANDLE_INVALID);
  g.until = now_nanos() + RACE_NANOS;
  race(2, going_side, &g);
  print_message("map_while_handles_go: %d rounds, %ld maps made\n",
                atomic_load(&g.round), atomic_load(&g.mapped));
  assert_int_equal(atomic_load(&g.bad), 0);
  assert_true(atomic_load(&g.round) > 0);
  assert_true(atomic_load(&g.mapped) > 0);
  assert_int_equal(vmar__handle_count(), before);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(races__zero_against_shrink_no_signal),
      cmocka_unit_test(races__first_mappings_of_fresh_vmar),
      cmocka_unit_test(races__shared_handles_user_style),
      cmocka_unit_test(races__map_while_handles_go),
  };
  return cmocka_run_group_tests_name("stress.races", tests, NULL, NULL);
}
