// SPDX-License-Identifier: MIT
// VMO pool: initialisation, LIFO lending, release paths, mapping and misuse.
// APIs covered: vmar_vmo_pool_create, vmar_vmo_pool_destroy,
//   vmar_vmo_pool_init, vmar_vmo_pool_map_vmos, vmar_vmo_pool_pin_vmos,
//   vmar_vmo_pool_lock_buffer_for_write, vmar_vmo_pool_buffer_release,
//   vmar_vmo_pool_buffer_release_write_lock, vmar_vmo_pool_release_buffer,
//   vmar_vmo_pool_reset, vmar_vmo_pool_total_buffers,
//   vmar_vmo_pool_free_buffers, vmar_vmo_pool_buffer_size_at,
//   vmar_vmo_pool_buffer_size, vmar_vmo_pool_buffer_virtual_address,
//   vmar_vmo_pool_buffer_vmo.

#include "test.h"

#include <stdlib.h>

#include "bad_input.h"
#include "fixture.h"

#define NVMOS 3

// Values no call ever writes: outputs that must stay untouched keep them
// (and SENTINEL_HANDLE, from fixture.h).
#define SENTINEL_SIZE ((uint64_t)0x5a5a5a5a5a5a5a5au)
#define SENTINEL_INDEX ((size_t)0x5a5a5a5au)

// Test state: a pool initialised with VMOs of 1, 2 and 3 pages (so a
// buffer's size tells which one it is), plus the caller's handles.
typedef struct {
  vmar_vmo_pool_t* pool;
  vmar_handle_t vmos[NVMOS];
} pool_fixture_t;

static int setup(void** state) {
  pool_fixture_t* f = calloc(1, sizeof(*f));
  if (f == NULL) {
    return -1;
  }
  for (size_t i = 0; i < NVMOS; i++) {
    if (vmar_vmo_create((i + 1) * PAGE, 0, &f->vmos[i]) != VMAR_OK) {
      return -1;
    }
  }
  if (vmar_vmo_pool_create(&f->pool) != VMAR_OK ||
      vmar_vmo_pool_init(f->pool, f->vmos, NVMOS) != VMAR_OK) {
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_destroy(f->pool);
  for (size_t i = 0; i < NVMOS; i++) {
    (void)vmar_handle_close(f->vmos[i]);
  }
  free(f);
  return 0;
}

// Locks a buffer and returns its size in pages (which VMO it is).
static size_t lock_pages(vmar_vmo_pool_t* p, vmar_vmo_pool_buffer_t* b) {
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(p, b));
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_size(b, &size));
  assert_int_equal(size % PAGE, 0);
  return (size_t)(size / PAGE);
}

static void assert_buffer_invalid(const vmar_vmo_pool_buffer_t* b) {
  uint64_t size = SENTINEL_SIZE;
  void* addr = &size;
  vmar_handle_t vmo = SENTINEL_HANDLE;
  assert_status(VMAR_ERR_BAD_STATE, vmar_vmo_pool_buffer_size(b, &size));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_vmo_pool_buffer_virtual_address(b, &addr));
  assert_status(VMAR_ERR_BAD_STATE, vmar_vmo_pool_buffer_vmo(b, &vmo));
  assert_int_equal(size, SENTINEL_SIZE);
  assert_ptr_equal(addr, &size);
  assert_int_equal(vmo, SENTINEL_HANDLE);
}

// ---------------------------------------------------------------------------
// create, destroy, init

// Create: an empty pool; NULL |out| is INVALID_ARGS; destroy(NULL) is fine.
static void create__empty_pool_ok(void** state) {
  (void)state;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_create(NULL));
  vmar_vmo_pool_t* p = NULL;
  assert_status(VMAR_OK, vmar_vmo_pool_create(&p));
  assert_non_null(p);
  assert_int_equal(vmar_vmo_pool_total_buffers(p), 0);
  assert_int_equal(vmar_vmo_pool_free_buffers(p), 0);
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_vmo_pool_lock_buffer_for_write(p, &b));
  assert_null(b.pool);
  assert_status(VMAR_OK, vmar_vmo_pool_map_vmos(p));
  vmar_vmo_pool_destroy(p);
  vmar_vmo_pool_destroy(NULL);
}

// Init duplicates the VMOs: counts and sizes are right, and the pool's
// handles name the same objects but are its own (they survive the caller's).
static void init__duplicates_vmos_ok(void** state) {
  pool_fixture_t* f = *state;
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), NVMOS);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS);
  for (size_t i = 0; i < NVMOS; i++) {
    uint64_t size = 0;
    assert_status(VMAR_OK, vmar_vmo_pool_buffer_size_at(f->pool, i, &size));
    assert_int_equal(size, (i + 1) * PAGE);
  }
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  size_t pages = lock_pages(f->pool, &b);
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_vmo(&b, &vmo));
  assert_int_not_equal(vmo, f->vmos[pages - 1]);
  assert_int_equal(koid_of(vmo), koid_of(f->vmos[pages - 1]));
  // Closing the caller's handle leaves the pool's working.
  close_ok(f->vmos[pages - 1]);
  f->vmos[pages - 1] = VMAR_HANDLE_INVALID;
  uint8_t byte = 0x77;
  assert_status(VMAR_OK, vmar_vmo_write(vmo, &byte, 0, 1));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b));
}

// NULL pool, or NULL |vmos| with n > 0: INVALID_ARGS; NULL with n == 0
// empties the pool.
static void init__bad_args_invalid_args(void** state) {
  pool_fixture_t* f = *state;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_init(NULL, f->vmos, NVMOS));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_init(f->pool, NULL, 1));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), NVMOS);
  assert_status(VMAR_OK, vmar_vmo_pool_init(f->pool, NULL, 0));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), 0);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), 0);
}

// A bad handle in the list: its status (BAD_HANDLE, WRONG_TYPE,
// ACCESS_DENIED from duplicate) and the pool is left empty.
static void init__bad_handle_leaves_empty(void** state) {
  pool_fixture_t* f = *state;
  vmar_handle_t list[2] = {f->vmos[0], VMAR_HANDLE_INVALID};
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_pool_init(f->pool, list, 2));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), 0);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), 0);

  vmar_manager_t* mgr = NULL;
  assert_status(VMAR_OK, vmar_manager_create(
                             PAGE, NULL, VMAR_MANAGER_DEFAULT_OPTIONS, &mgr));
  list[1] = vmar_manager_vmar(mgr);
  assert_status(VMAR_OK, vmar_vmo_pool_init(f->pool, f->vmos, NVMOS));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_pool_init(f->pool, list, 2));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), 0);
  vmar_manager_release(mgr);

  vmar_handle_t nodup = VMAR_HANDLE_INVALID;
  assert_status(
      VMAR_OK,
      vmar_handle_duplicate(f->vmos[1],
                            VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP,
                            &nodup));
  list[1] = nodup;
  assert_status(VMAR_OK, vmar_vmo_pool_init(f->pool, f->vmos, NVMOS));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_pool_init(f->pool, list, 2));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), 0);
  // The caller's handles are untouched.
  assert_true(handle_alive(f->vmos[0]));
  assert_true(handle_alive(nodup));
  close_ok(nodup);
}

// Init again replaces the contents; buffers of the old pool past the new
// count are invalid.
static void init__again_replaces(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t bufs[NVMOS];
  size_t big = 0;
  for (size_t i = 0; i < NVMOS; i++) {
    if (lock_pages(f->pool, &bufs[i]) == NVMOS) {
      big = i;
    }
  }
  assert_status(VMAR_OK, vmar_vmo_pool_init(f->pool, f->vmos, 1));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), 1);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), 1);
  // The third VMO's slot no longer exists.
  assert_buffer_invalid(&bufs[big]);
  assert_status(VMAR_ERR_BAD_STATE, vmar_vmo_pool_buffer_release(&bufs[big]));
}

// Bad input, as tables (bad_input.h). create: NULL1 no output pointer;
// init: a count of VMOs (RAW), h1 the one VMO, of a pool (NULL1: none) with
// no buffers; NULL2: no VMO array.

static const bad_row_t kCreateBad[] = {
    {"out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, NULL1},
};

static vmar_status_t create_row(const bad_call_t* c) {
  vmar_vmo_pool_t* p = NULL;
  vmar_status_t st = vmar_vmo_pool_create(c->n1 ? NULL : &p);
  vmar_vmo_pool_destroy(p);
  return st;
}

// A pool of |n| buffers, each a duplicate of |vmo|.
static vmar_vmo_pool_t* make_pool(size_t n, vmar_handle_t vmo) {
  vmar_vmo_pool_t* p = NULL;
  assert_status(VMAR_OK, vmar_vmo_pool_create(&p));
  vmar_handle_t v[2] = {vmo, vmo};
  assert_status(VMAR_OK, vmar_vmo_pool_init(p, v, n));
  return p;
}

static const bad_row_t kInitBad[] = {
    {"pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 1), V0, V0,
     RAW | NULL1},
    {"vmos NULL with a count", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 1), V0,
     V0, RAW | NULL2},
    {"a stale VMO", BAD_HANDLE, H_STALE, H_NONE, 0, PGB(0, 1), V0, V0, RAW},
    {"a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, PGB(0, 1), V0, V0, RAW},
    {"a VMO without DUPLICATE", ACCESS_DENIED, H_VMO_NODUP, H_NONE, 0,
     PGB(0, 1), V0, V0, RAW},
};

// A failing row leaves the pool empty.
static vmar_status_t init_row(const bad_call_t* c) {
  vmar_vmo_pool_t* p = make_pool(0, c->fx->h[H_VMO]);
  vmar_handle_t v[1] = {c->h1};
  vmar_status_t st =
      vmar_vmo_pool_init(c->n1 ? NULL : p, c->n2 ? NULL : v, c->az);
  if (st != VMAR_OK) {
    assert_int_equal(vmar_vmo_pool_total_buffers(p), 0);
  }
  vmar_vmo_pool_destroy(p);
  return st;
}

// ---------------------------------------------------------------------------
// Lending

// The most recently freed buffer is lent next; none free: NO_RESOURCES.
static void lock__lifo_order(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t b[NVMOS];
  bool seen[NVMOS + 1] = {false};
  for (size_t i = 0; i < NVMOS; i++) {
    size_t pages = lock_pages(f->pool, &b[i]);
    assert_true(pages >= 1 && pages <= NVMOS);
    assert_false(seen[pages]);
    seen[pages] = true;
    assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS - 1 - i);
  }
  vmar_vmo_pool_buffer_t none = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_vmo_pool_lock_buffer_for_write(f->pool, &none));
  assert_null(none.pool);
  // Release the second, then the first: they come back first-then-second.
  uint64_t s0 = 0, s1 = 0;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_size(&b[0], &s0));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_size(&b[1], &s1));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b[1]));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b[0]));
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), 2);
  assert_int_equal(lock_pages(f->pool, &b[0]) * PAGE, s0);
  assert_int_equal(lock_pages(f->pool, &b[1]) * PAGE, s1);
  // And with release_buffer by index too.
  size_t i2 = SENTINEL_INDEX;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release_write_lock(&b[2], &i2));
  assert_status(VMAR_OK, vmar_vmo_pool_release_buffer(f->pool, i2));
  vmar_vmo_pool_buffer_t again = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &again));
  size_t i3 = SENTINEL_INDEX;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release_write_lock(&again, &i3));
  assert_int_equal(i3, i2);
  vmar_vmo_pool_reset(f->pool);
}

// NULL pool or |out|: INVALID_ARGS, nothing lent.
static void lock__null_args_invalid_args(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_lock_buffer_for_write(NULL, &b));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_lock_buffer_for_write(f->pool, NULL));
  assert_null(b.pool);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS);
}

// Releasing invalidates the buffer; a stale copy gets NOT_FOUND; the
// invalidated one BAD_STATE; NULL INVALID_ARGS.
static void buffer_release__free_buffer_not_found(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &b));
  vmar_vmo_pool_buffer_t copy = b;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b));
  assert_null(b.pool);
  assert_buffer_invalid(&b);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS);
  assert_status(VMAR_ERR_NOT_FOUND, vmar_vmo_pool_buffer_release(&copy));
  assert_ptr_equal(copy.pool, f->pool);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS);
  assert_status(VMAR_ERR_BAD_STATE, vmar_vmo_pool_buffer_release(&b));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_buffer_release(NULL));
}

// Releasing the write lock keeps the buffer out of the free list until it is
// released by index.
static void release_write_lock__keeps_buffer_out(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  size_t pages = lock_pages(f->pool, &b);
  size_t index = SENTINEL_INDEX;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release_write_lock(&b, &index));
  assert_true(index < NVMOS);
  uint64_t size = 0;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_size_at(f->pool, index, &size));
  assert_int_equal(size, pages * PAGE);
  assert_buffer_invalid(&b);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS - 1);
  // The other buffers can be lent; this one stays out.
  vmar_vmo_pool_buffer_t o[NVMOS - 1];
  for (size_t i = 0; i < NVMOS - 1; i++) {
    assert_int_not_equal(lock_pages(f->pool, &o[i]), pages);
  }
  vmar_vmo_pool_buffer_t none = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_vmo_pool_lock_buffer_for_write(f->pool, &none));
  assert_status(VMAR_OK, vmar_vmo_pool_release_buffer(f->pool, index));
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), 1);
  assert_status(VMAR_ERR_NOT_FOUND,
                vmar_vmo_pool_release_buffer(f->pool, index));
  assert_int_equal(lock_pages(f->pool, &none), pages);
  vmar_vmo_pool_reset(f->pool);
}

// Misuse of the write-lock release and of release-by-index.
static void release_write_lock__bad_args(void** state) {
  pool_fixture_t* f = *state;
  size_t index = SENTINEL_INDEX;
  vmar_vmo_pool_buffer_t invalid = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_release_write_lock(NULL, &index));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_vmo_pool_buffer_release_write_lock(&invalid, &index));
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &b));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_release_write_lock(&b, NULL));
  assert_ptr_equal(b.pool, f->pool);
  assert_int_equal(index, SENTINEL_INDEX);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_release_buffer(NULL, 0));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_release_buffer(f->pool, NVMOS));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_release_buffer(f->pool, SIZE_MAX));
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS - 1);
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b));
}

// Reset puts every lent and read-locked buffer back; NULL is a no-op.
static void reset__frees_everything(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t a = VMAR_VMO_POOL_BUFFER_INIT;
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &a));
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &b));
  size_t index = 0;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release_write_lock(&b, &index));
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS - 2);
  vmar_vmo_pool_reset(f->pool);
  vmar_vmo_pool_reset(NULL);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), NVMOS);
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), NVMOS);
  // Everything is free: a stale buffer and the index both get NOT_FOUND.
  assert_status(VMAR_ERR_NOT_FOUND, vmar_vmo_pool_buffer_release(&a));
  assert_status(VMAR_ERR_NOT_FOUND,
                vmar_vmo_pool_release_buffer(f->pool, index));
  vmar_vmo_pool_buffer_t all[NVMOS];
  for (size_t i = 0; i < NVMOS; i++) {
    assert_status(VMAR_OK,
                  vmar_vmo_pool_lock_buffer_for_write(f->pool, &all[i]));
  }
  vmar_vmo_pool_reset(f->pool);
}

// Bad input, as tables (bad_input.h), on pools of duplicates of the
// fixture's VMO. lock: a pool of a buffers (RAW), all lent out first when
// BUSY; NULL1 no pool, NULL2 no output buffer.

static const bad_row_t kLockBad[] = {
    {"pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 2), V0, V0,
     RAW | NULL1},
    {"out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 2), V0, V0,
     RAW | NULL2},
    {"every buffer lent out", NO_RESOURCES, H_NONE, H_NONE, 0, PGB(0, 2), V0,
     V0, RAW | BUSY},
    {"empty pool", NO_RESOURCES, H_NONE, H_NONE, 0, PGB(0, 0), V0, V0, RAW},
};

// A failing row leaves the output buffer invalid.
static vmar_status_t lock_row(const bad_call_t* c) {
  vmar_vmo_pool_t* p = make_pool(c->az, c->fx->h[H_VMO]);
  vmar_vmo_pool_buffer_t bufs[2] = {VMAR_VMO_POOL_BUFFER_INIT,
                                    VMAR_VMO_POOL_BUFFER_INIT};
  if (c->row->flags & BUSY) {
    for (size_t i = 0; i < c->az; i++) {
      assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(p, &bufs[i]));
    }
  }
  vmar_vmo_pool_buffer_t out = VMAR_VMO_POOL_BUFFER_INIT;
  vmar_status_t st = vmar_vmo_pool_lock_buffer_for_write(c->n1 ? NULL : p,
                                                         c->n2 ? NULL : &out);
  if (st != VMAR_OK) {
    assert_null(out.pool);
  }
  vmar_vmo_pool_destroy(p);
  return st;
}

// The calls on one lent buffer of a pool of 2 (EMPTY: on a buffer that was
// never lent); NULL1: no buffer, NULL2: no output.
enum {
  BUFFER_RELEASE,
  BUFFER_RELEASE_WRITE_LOCK,
  BUFFER_SIZE,
  BUFFER_ADDR,
  BUFFER_VMO,
};

static vmar_status_t buffer_row(const bad_call_t* c) {
  vmar_vmo_pool_t* p = make_pool(2, c->fx->h[H_VMO]);
  vmar_vmo_pool_buffer_t pb = VMAR_VMO_POOL_BUFFER_INIT;
  if (!(c->row->flags & EMPTY)) {
    assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(p, &pb));
  }
  vmar_vmo_pool_buffer_t* bp = c->n1 ? NULL : &pb;
  vmar_status_t st;
  switch (c->call) {
  case BUFFER_RELEASE:
    st = vmar_vmo_pool_buffer_release(bp);
    break;
  case BUFFER_RELEASE_WRITE_LOCK:
    st = vmar_vmo_pool_buffer_release_write_lock(bp, c->out2);
    break;
  case BUFFER_SIZE:
    st = vmar_vmo_pool_buffer_size(bp, c->out2);
    break;
  case BUFFER_ADDR:
    st = vmar_vmo_pool_buffer_virtual_address(bp, c->out2);
    break;
  default:
    st = vmar_vmo_pool_buffer_vmo(bp, c->out2);
    break;
  }
  vmar_vmo_pool_destroy(p);
  return st;
}

// The rows of every call on a lent buffer with an output |out|: no buffer,
// no output, a buffer that was never lent.
#define BUFFER_ROWS(out)                                                       \
  {"buffer NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, NULL1},         \
      {out " NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, NULL2}, {     \
    "buffer not valid", BAD_STATE, H_NONE, H_NONE, 0, V0, V0, V0, EMPTY        \
  }

static const bad_row_t kBufferReleaseBad[] = {
    {"buffer NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, NULL1},
    {"buffer not valid", BAD_STATE, H_NONE, H_NONE, 0, V0, V0, V0, EMPTY},
};

static const bad_row_t kReleaseWriteLockBad[] = {
    BUFFER_ROWS("index"),
};

enum { INDEX_RELEASE, INDEX_SIZE_AT };

// release_buffer and buffer_size_at: a the index (RAW) into a pool of 2
// whose buffer 0 is lent (FREED: none is); NULL1 no pool, NULL2 no output.
static vmar_status_t index_row(const bad_call_t* c) {
  const bool release = c->call == INDEX_RELEASE;
  vmar_vmo_pool_t* p = make_pool(2, c->fx->h[H_VMO]);
  vmar_vmo_pool_buffer_t pb = VMAR_VMO_POOL_BUFFER_INIT;
  if (!(c->row->flags & FREED)) {
    assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(p, &pb));
  }
  vmar_vmo_pool_t* arg = c->n1 ? NULL : p;
  vmar_status_t st = release
                         ? vmar_vmo_pool_release_buffer(arg, c->az)
                         : vmar_vmo_pool_buffer_size_at(arg, c->az, c->out2);
  vmar_vmo_pool_destroy(p);
  return st;
}

static const bad_row_t kReleaseBufferBad[] = {
    {"pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 0), V0, V0,
     RAW | NULL1},
    {"index out of range", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 2), V0, V0,
     RAW},
    {"index already free", NOT_FOUND, H_NONE, H_NONE, 0, PGB(0, 1), V0, V0,
     RAW | FREED},
};

// ---------------------------------------------------------------------------
// Mapping and pinning

// Mapped buffers are writable at their address and the writes are visible
// through the buffer's VMO and the caller's handle.
static void map_vmos__writable_visible_in_vmo(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &b));
  void* addr = &b;
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_vmo_pool_buffer_virtual_address(&b, &addr));
  assert_ptr_equal(addr, &b);
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b));

  assert_status(VMAR_OK, vmar_vmo_pool_map_vmos(f->pool));
  // Idempotent: a second call keeps the mappings.
  assert_status(VMAR_OK, vmar_vmo_pool_map_vmos(f->pool));
  vmar_vmo_pool_buffer_t all[NVMOS];
  for (size_t i = 0; i < NVMOS; i++) {
    size_t pages = lock_pages(f->pool, &all[i]);
    size_t len = pages * PAGE;
    uint8_t* p = NULL;
    assert_status(VMAR_OK,
                  vmar_vmo_pool_buffer_virtual_address(&all[i], (void**)&p));
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % PAGE, 0);
    assert_true(test_maps_range_perms((uintptr_t)p, len, "rw-s"));
    assert_true(test_probe_write(p));
    assert_true(test_probe_write(p + len - 1));
    for (size_t j = 0; j < len; j++) {
      p[j] = (uint8_t)(j * 13u + pages);
    }
    vmar_handle_t vmo = VMAR_HANDLE_INVALID;
    assert_status(VMAR_OK, vmar_vmo_pool_buffer_vmo(&all[i], &vmo));
    uint8_t* back = malloc(len);
    assert_non_null(back);
    assert_status(VMAR_OK, vmar_vmo_read(vmo, back, 0, len));
    assert_memory_equal(back, p, len);
    memset(back, 0, len);
    assert_status(VMAR_OK, vmar_vmo_read(f->vmos[pages - 1], back, 0, len));
    assert_memory_equal(back, p, len);
    free(back);
  }
  vmar_vmo_pool_reset(f->pool);
}

// Destroy unmaps every mapping and closes the pool's handles, lent buffers
// included.
static void destroy__unmaps_and_closes(void** state) {
  pool_fixture_t* f = *state;
  assert_status(VMAR_OK, vmar_vmo_pool_map_vmos(f->pool));
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  size_t pages = lock_pages(f->pool, &b);
  uint8_t* p = NULL;
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_virtual_address(&b, (void**)&p));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_vmo(&b, &vmo));
  vmar_vmo_pool_destroy(f->pool);
  f->pool = NULL;
  assert_false(test_maps_range_perms((uintptr_t)p, pages * PAGE, "rw-s"));
  assert_false(handle_alive(vmo));
  assert_true(handle_alive(f->vmos[pages - 1]));
}

// A VMO the pool cannot map (no MAP right): vmar_map's ACCESS_DENIED and the
// pool is left empty, with nothing mapped.
static void map_vmos__failure_empties_pool(void** state) {
  pool_fixture_t* f = *state;
  vmar_handle_t nomap = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(f->vmos[2],
                                      VMAR_RIGHT_READ | VMAR_RIGHT_WRITE |
                                          VMAR_RIGHT_DUPLICATE,
                                      &nomap));
  vmar_handle_t list[2] = {f->vmos[0], nomap};
  assert_status(VMAR_OK, vmar_vmo_pool_init(f->pool, list, 2));
  size_t maps = test_maps_count();
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_pool_map_vmos(f->pool));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), 0);
  assert_int_equal(vmar_vmo_pool_free_buffers(f->pool), 0);
  assert_vma_count(maps);
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_map_vmos(NULL));
  close_ok(nomap);
}

// Pinning needs an IOMMU: NOT_SUPPORTED (INVALID_ARGS for NULL).
static void pin_vmos__not_supported(void** state) {
  pool_fixture_t* f = *state;
  assert_status(VMAR_ERR_NOT_SUPPORTED, vmar_vmo_pool_pin_vmos(f->pool));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_pin_vmos(NULL));
  assert_int_equal(vmar_vmo_pool_total_buffers(f->pool), NVMOS);
}

// Bad input, as tables (bad_input.h): a pool of one duplicate of h1 (or of
// the fixture's VMO); NULL1: no pool.

static const bad_row_t kMapVmosBad[] = {
    {"pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, NULL1},
    {"a VMO without MAP", ACCESS_DENIED, H_VMO_NOMAP, H_NONE, 0, V0, V0, V0, 0},
};

static const bad_row_t kPinVmosBad[] = {
    {"pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, NULL1},
    {"no IOMMU on a host", NOT_SUPPORTED, H_NONE, H_NONE, 0, V0, V0, V0, POSIX},
};

enum { VMOS_MAP, VMOS_PIN };

static vmar_status_t vmos_row(const bad_call_t* c) {
  const bool map = c->call == VMOS_MAP;
  vmar_handle_t vmo = c->row->h1 == H_NONE ? c->fx->h[H_VMO] : c->h1;
  vmar_vmo_pool_t* p = make_pool(1, vmo);
  vmar_vmo_pool_t* arg = c->n1 ? NULL : p;
  vmar_status_t st =
      map ? vmar_vmo_pool_map_vmos(arg) : vmar_vmo_pool_pin_vmos(arg);
  vmar_vmo_pool_destroy(p);
  return st;
}

// ---------------------------------------------------------------------------
// Accessors

// An invalid buffer: BAD_STATE from every accessor, outputs untouched; NULL
// arguments: INVALID_ARGS.
static void accessors__invalid_buffer_bad_state(void** state) {
  pool_fixture_t* f = *state;
  vmar_vmo_pool_buffer_t zero;
  memset(&zero, 0, sizeof(zero));
  assert_buffer_invalid(&zero);
  vmar_vmo_pool_buffer_t b = VMAR_VMO_POOL_BUFFER_INIT;
  assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(f->pool, &b));
  uint64_t size = 0;
  void* addr = NULL;
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_buffer_size(NULL, &size));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_buffer_size(&b, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_virtual_address(NULL, &addr));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_virtual_address(&b, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_buffer_vmo(NULL, &vmo));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_pool_buffer_vmo(&b, NULL));
  // Unmapped pool: the address is BAD_STATE, size and VMO work.
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_vmo_pool_buffer_virtual_address(&b, &addr));
  assert_null(addr);
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_size(&b, &size));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_vmo(&b, &vmo));
  assert_true(handle_alive(vmo));
  assert_status(VMAR_OK, vmar_vmo_pool_buffer_release(&b));
}

// buffer_size_at: NULL pool or output, or an index out of range:
// INVALID_ARGS; counts of NULL are 0.
static void buffer_size_at__bad_args_invalid_args(void** state) {
  pool_fixture_t* f = *state;
  uint64_t size = SENTINEL_SIZE;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_size_at(NULL, 0, &size));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_size_at(f->pool, 0, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_pool_buffer_size_at(f->pool, NVMOS, &size));
  assert_int_equal(size, SENTINEL_SIZE);
  assert_int_equal(vmar_vmo_pool_total_buffers(NULL), 0);
  assert_int_equal(vmar_vmo_pool_free_buffers(NULL), 0);
}

// Bad input, as tables (bad_input.h): see buffer_row and index_row.

static const bad_row_t kBufferSizeAtBad[] = {
    {"pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 0), V0, V0,
     RAW | NULL1},
    {"size NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 0), V0, V0,
     RAW | NULL2},
    {"index out of range", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 2), V0, V0,
     RAW},
};

static const bad_row_t kBufferSizeBad[] = {
    BUFFER_ROWS("size"),
};

static const bad_row_t kBufferAddrBad[] = {
    BUFFER_ROWS("addr"),
    {"VMOs not mapped", BAD_STATE, H_NONE, H_NONE, 0, V0, V0, V0, 0},
};

static const bad_row_t kBufferVmoBad[] = {
    BUFFER_ROWS("vmo"),
};

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(create__empty_pool_ok),
      BAD_INPUT_TEST(create__bad_input_exact_status, "vmar_vmo_pool_create",
                     kCreateBad, create_row),
      T(init__duplicates_vmos_ok),
      T(init__bad_args_invalid_args),
      T(init__bad_handle_leaves_empty),
      T(init__again_replaces),
      BAD_INPUT_TEST(init__bad_input_exact_status, "vmar_vmo_pool_init",
                     kInitBad, init_row),
      T(lock__lifo_order),
      T(lock__null_args_invalid_args),
      BAD_INPUT_TEST(lock__bad_input_exact_status,
                     "vmar_vmo_pool_lock_buffer_for_write", kLockBad, lock_row),
      T(buffer_release__free_buffer_not_found),
      BAD_INPUT_TEST_OF(buffer_release__bad_input_exact_status,
                        "vmar_vmo_pool_buffer_release", kBufferReleaseBad,
                        buffer_row, BUFFER_RELEASE),
      T(release_write_lock__keeps_buffer_out),
      T(release_write_lock__bad_args),
      BAD_INPUT_TEST_OF(release_write_lock__bad_input_exact_status,
                        "vmar_vmo_pool_buffer_release_write_lock",
                        kReleaseWriteLockBad, buffer_row,
                        BUFFER_RELEASE_WRITE_LOCK),
      BAD_INPUT_TEST_OF(release_buffer__bad_input_exact_status,
                        "vmar_vmo_pool_release_buffer", kReleaseBufferBad,
                        index_row, INDEX_RELEASE),
      T(reset__frees_everything),
      T(map_vmos__writable_visible_in_vmo),
      T(destroy__unmaps_and_closes),
      T(map_vmos__failure_empties_pool),
      BAD_INPUT_TEST_OF(map_vmos__bad_input_exact_status,
                        "vmar_vmo_pool_map_vmos", kMapVmosBad, vmos_row,
                        VMOS_MAP),
      T(pin_vmos__not_supported),
      BAD_INPUT_TEST_OF(pin_vmos__bad_input_exact_status,
                        "vmar_vmo_pool_pin_vmos", kPinVmosBad, vmos_row,
                        VMOS_PIN),
      T(accessors__invalid_buffer_bad_state),
      T(buffer_size_at__bad_args_invalid_args),
      BAD_INPUT_TEST_OF(buffer_size_at__bad_input_exact_status,
                        "vmar_vmo_pool_buffer_size_at", kBufferSizeAtBad,
                        index_row, INDEX_SIZE_AT),
      BAD_INPUT_TEST_OF(buffer_size__bad_input_exact_status,
                        "vmar_vmo_pool_buffer_size", kBufferSizeBad, buffer_row,
                        BUFFER_SIZE),
      BAD_INPUT_TEST_OF(buffer_virtual_address__bad_input_exact_status,
                        "vmar_vmo_pool_buffer_virtual_address", kBufferAddrBad,
                        buffer_row, BUFFER_ADDR),
      BAD_INPUT_TEST_OF(buffer_vmo__bad_input_exact_status,
                        "vmar_vmo_pool_buffer_vmo", kBufferVmoBad, buffer_row,
                        BUFFER_VMO),
  };
#undef T
  return cmocka_run_group_tests_name("api.pool", tests, NULL,
                                     bad_input_group_teardown);
}
