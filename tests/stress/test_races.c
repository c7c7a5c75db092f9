// SPDX-License-Identifier: MIT
// Races between calls on one object, each once found by review: a VMO
// shrunk while op_range zeroes it, the first mappings of a fresh VMAR made
// by two threads at once, and handles shared, duplicated and closed by
// several threads in the way a user's program does. Each must give OK or a
// status, never a signal, and nothing a ThreadSanitizer build can report.
// APIs covered: vmar_op_range, vmar_vmo_op_range, vmar_vmo_set_size,
//   vmar_map, vmar_unmap, vmar_handle_duplicate, vmar_handle_close.

#include "test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(races__zero_against_shrink_no_signal),
      cmocka_unit_test(races__first_mappings_of_fresh_vmar),
      cmocka_unit_test(races__shared_handles_user_style),
  };
  return cmocka_run_group_tests_name("stress.races", tests, NULL, NULL);
}
