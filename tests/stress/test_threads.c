// SPDX-License-Identifier: MIT
// Concurrent allocate/destroy in one shared VMAR and in separate ones.
// APIs covered: vmar_allocate, vmar_destroy, vmar_get_info,
//   vmar_handle_close (from several threads at once).

#include "test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

enum {
  SHARED_THREADS = 4,
  PRIVATE_THREADS = 2,
  ITERATIONS = 2000,
  MAX_LIVE = 16, // children a thread holds at once
  MAX_PAGES = 8, // largest child
  REGION_PAGES = 4096,
  ROOT_ROUNDS = 200, // top-level create/destroy rounds per private thread
};

// Which thread (1-based) owns each page of a region; 0 = free. Updated only
// with atomics: a page is claimed after allocate returns and released before
// destroy is called, so two owners at once mean two children overlapped.
typedef struct region {
  vmar_handle_t vmar;
  vmar_info_t info;
  atomic_uint owner[REGION_PAGES];
} region_t;

// What a worker found; written by the worker, read after join.
typedef struct worker {
  pthread_t thread;
  unsigned id; // 1-based
  unsigned seed;
  region_t* region; // shared region, or NULL: create a private one
  region_t* own;    // the private region (allocated by main)
  // First failure, if any.
  int fail_line;
  vmar_status_t fail_status;
  size_t allocations;
  size_t no_room;
} worker_t;

typedef struct child {
  vmar_handle_t h;
  vmar_vaddr_t base;
  size_t pages;
  vmar_handle_t grandchild; // inside it, or VMAR_HANDLE_INVALID
} child_t;

#define FAIL_IF(cond, status)                                                  \
  do {                                                                         \
    if ((cond) && w->fail_line == 0) {                                         \
      w->fail_line = __LINE__;                                                 \
      w->fail_status = (status);                                               \
    }                                                                          \
  } while (0)

static size_t page_size;

static bool claim(worker_t* w, region_t* r, const child_t* c) {
  size_t first = (c->base - r->info.base) / page_size;
  for (size_t i = 0; i < c->pages; i++) {
    unsigned prev = atomic_exchange(&r->owner[first + i], w->id);
    if (prev != 0) {
      return false;
    }
  }
  return true;
}

static void unclaim(region_t* r, const child_t* c) {
  size_t first = (c->base - r->info.base) / page_size;
  for (size_t i = 0; i < c->pages; i++) {
    atomic_store(&r->owner[first + i], 0u);
  }
}

static void drop(worker_t* w, region_t* r, child_t* c) {
  unclaim(r, c);
  vmar_status_t s = vmar_destroy(c->h);
  FAIL_IF(s != VMAR_OK, s);
  if (c->grandchild != VMAR_HANDLE_INVALID) {
    // Destroyed with its parent.
    s = vmar_destroy(c->grandchild);
    FAIL_IF(s != VMAR_ERR_BAD_STATE, s);
    s = vmar_handle_close(c->grandchild);
    FAIL_IF(s != VMAR_OK, s);
  }
  s = vmar_handle_close(c->h);
  FAIL_IF(s != VMAR_OK, s);
}

// Allocates and destroys children of |r| at random until |iterations|.
static void churn(worker_t* w, region_t* r, size_t iterations) {
  child_t live[MAX_LIVE];
  size_t n = 0;
  size_t region_len = r->info.len;
  for (size_t it = 0; it < iterations && w->fail_line == 0; it++) {
    unsigned dice = (unsigned)rand_r(&w->seed);
    bool grow = n == 0 || (n < MAX_LIVE && dice % 3 != 0);
    if (!grow) {
      size_t victim = (dice >> 4) % n;
      drop(w, r, &live[victim]);
      live[victim] = live[--n];
      continue;
    }
    child_t c = {VMAR_HANDLE_INVALID, 0, (dice >> 4) % MAX_PAGES + 1,
                 VMAR_HANDLE_INVALID};
    vmar_vm_option_t opts = (dice >> 8) & 1u ? VMAR_VM_COMPACT : 0;
    size_t offset = 0;
    bool specific = (dice >> 9) % 8 == 0;
    if (specific) {
      opts |= VMAR_VM_SPECIFIC;
      size_t slots = region_len / page_size - c.pages + 1;
      offset = ((size_t)rand_r(&w->seed) % slots) * page_size;
    } else if ((dice >> 12) % 8 == 0) {
      opts |= VMAR_VM_ALIGN_64KB;
    }
    vmar_status_t s = vmar_allocate(r->vmar, opts, offset, c.pages * page_size,
                                    &c.h, &c.base);
    if (specific && s == VMAR_ERR_ALREADY_EXISTS) {
      continue; // someone is there: fine
    }
    if (s == VMAR_ERR_NO_RESOURCES && (opts & VMAR_VM_ALIGN_64KB)) {
      w->no_room++;
      continue;
    }
    FAIL_IF(s != VMAR_OK, s);
    if (s != VMAR_OK) {
      break;
    }
    w->allocations++;
    FAIL_IF(c.base < r->info.base ||
                c.base + c.pages * page_size > r->info.base + region_len ||
                c.base % page_size != 0,
            VMAR_OK);
    FAIL_IF(specific && c.base != r->info.base + offset, VMAR_OK);
    FAIL_IF((opts & VMAR_VM_ALIGN_64KB) && c.base % 65536 != 0, VMAR_OK);
    if (w->fail_line != 0) {
      break;
    }
    FAIL_IF(!claim(w, r, &c), VMAR_ERR_ALREADY_EXISTS);
    if (c.pages > 1 && (dice >> 16) % 2 == 0) {
      vmar_vaddr_t ga = 0;
      s = vmar_allocate(c.h, 0, 0, page_size, &c.grandchild, &ga);
      FAIL_IF(s != VMAR_OK, s);
      FAIL_IF(s == VMAR_OK && (ga < c.base ||
                               ga + page_size > c.base + c.pages * page_size),
              VMAR_OK);
      if (s != VMAR_OK) {
        c.grandchild = VMAR_HANDLE_INVALID;
      }
    }
    live[n++] = c;
  }
  while (n > 0) {
    drop(w, r, &live[--n]);
  }
}

// True iff |r| has no children left: a full-size SPECIFIC child fits at 0.
static vmar_status_t check_empty(region_t* r) {
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t a = 0;
  vmar_status_t s =
      vmar_allocate(r->vmar, VMAR_VM_SPECIFIC, 0, r->info.len, &h, &a);
  if (s != VMAR_OK) {
    return s;
  }
  s = a == r->info.base ? VMAR_OK : VMAR_ERR_INTERNAL;
  vmar_status_t d = vmar_destroy(h);
  vmar_status_t c = vmar_handle_close(h);
  return s != VMAR_OK ? s : d != VMAR_OK ? d : c;
}

static vmar_status_t region_create(region_t* r) {
  vmar_status_t s = vmar_allocate(
      vmar_root_self(), VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_CAN_MAP_READ, 0,
      REGION_PAGES * page_size, &r->vmar, &r->info.base);
  r->info.len = REGION_PAGES * page_size;
  for (size_t i = 0; i < REGION_PAGES; i++) {
    atomic_init(&r->owner[i], 0u);
  }
  return s;
}

static void* shared_worker(void* arg) {
  worker_t* w = arg;
  churn(w, w->region, ITERATIONS);
  return NULL;
}

// Churns a private top-level VMAR, then creates/destroys top-level VMARs.
static void* private_worker(void* arg) {
  worker_t* w = arg;
  region_t* r = w->own;
  vmar_status_t s = region_create(r);
  FAIL_IF(s != VMAR_OK, s);
  if (s != VMAR_OK) {
    return NULL;
  }
  churn(w, r, ITERATIONS);
  s = check_empty(r);
  FAIL_IF(s != VMAR_OK, s);
  FAIL_IF(!test_maps_range_reserved(r->info.base, r->info.len), VMAR_OK);
  s = vmar_destroy(r->vmar);
  FAIL_IF(s != VMAR_OK, s);
  s = vmar_handle_close(r->vmar);
  FAIL_IF(s != VMAR_OK, s);
  for (size_t i = 0; i < ROOT_ROUNDS && w->fail_line == 0; i++) {
    vmar_handle_t h = VMAR_HANDLE_INVALID;
    vmar_vaddr_t a = 0;
    size_t len = ((size_t)rand_r(&w->seed) % 4 + 1) * page_size;
    s = vmar_allocate(vmar_root_self(), i % 2 ? VMAR_VM_COMPACT : 0, 0, len, &h,
                      &a);
    FAIL_IF(s != VMAR_OK, s);
    if (s != VMAR_OK) {
      break;
    }
    vmar_handle_t g = VMAR_HANDLE_INVALID;
    vmar_vaddr_t ga = 0;
    s = vmar_allocate(h, 0, 0, page_size, &g, &ga);
    FAIL_IF(s != VMAR_OK || ga < a || ga >= a + len, s);
    s = vmar_destroy(h);
    FAIL_IF(s != VMAR_OK, s);
    s = vmar_handle_close(g);
    FAIL_IF(s != VMAR_OK, s);
    s = vmar_handle_close(h);
    FAIL_IF(s != VMAR_OK, s);
  }
  return NULL;
}

static void assert_worker_ok(const worker_t* w) {
  if (w->fail_line != 0) {
    print_error("worker %u failed at line %d with %s\n", w->id, w->fail_line,
                vmar_status_string(w->fail_status));
  }
  assert_int_equal(w->fail_line, 0);
}

// 4 threads share one VMAR, 2 more churn private ones; all children go away.
static void threads__concurrent_allocate_destroy_no_leaks(void** state) {
  (void)state;
  page_size = vmar_page_size();
  region_t* shared = calloc(1, sizeof(*shared));
  region_t* own = calloc(PRIVATE_THREADS, sizeof(*own));
  assert_non_null(shared);
  assert_non_null(own);
  assert_status(VMAR_OK, region_create(shared));

  worker_t workers[SHARED_THREADS + PRIVATE_THREADS];
  memset(workers, 0, sizeof(workers));
  for (unsigned i = 0; i < SHARED_THREADS + PRIVATE_THREADS; i++) {
    worker_t* w = &workers[i];
    w->id = i + 1;
    w->seed = 0x9E3779B9u * (i + 1);
    bool is_shared = i < SHARED_THREADS;
    w->region = is_shared ? shared : NULL;
    w->own = is_shared ? NULL : &own[i - SHARED_THREADS];
    assert_int_equal(pthread_create(&w->thread, NULL,
                                    is_shared ? shared_worker : private_worker,
                                    w),
                     0);
  }
  for (unsigned i = 0; i < SHARED_THREADS + PRIVATE_THREADS; i++) {
    assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
  }
  for (unsigned i = 0; i < SHARED_THREADS + PRIVATE_THREADS; i++) {
    assert_worker_ok(&workers[i]);
    assert_true(workers[i].allocations > ITERATIONS / 4);
  }
  // Every page was released by its owner.
  for (size_t i = 0; i < REGION_PAGES; i++) {
    assert_int_equal(atomic_load(&shared->owner[i]), 0);
  }
  // The shared VMAR still works and has no leaked child.
  vmar_info_t info = {0, 0};
  assert_status(VMAR_OK, vmar_get_info(shared->vmar, &info));
  assert_int_equal(info.base, shared->info.base);
  assert_int_equal(info.len, shared->info.len);
  assert_status(VMAR_OK, check_empty(shared));
  assert_true(test_maps_range_reserved(shared->info.base, shared->info.len));
  destroy_unmapped(shared->vmar, shared->info.base, shared->info.len);
  free(own);
  free(shared);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(threads__concurrent_allocate_destroy_no_leaks),
  };
  return cmocka_run_group_tests_name("stress.threads", tests, NULL, NULL);
}
