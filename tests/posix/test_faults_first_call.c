// SPDX-License-Identifier: MIT
// A call that fails spends nothing twice and sets nothing up early, also
// when it is the first call of a process or of a thread: map and unmap try
// a short path for the usual call and hand the rest to the full one
// (design.md §2), and the hand-over must not repeat what the first part
// already did. Its own process, because the first call sets the backend up.
// APIs covered: vmar_map, vmar_unmap, vmar_root_self, vmar_allocate (the
//   first calls of a process and of a thread, allocations failing).

#include "test.h"

#include <errno.h>
#include <pthread.h>

#include "base/fault.h"

// Not a live handle (its fixed bits are right, its slot was never made).
#define NO_SUCH_HANDLE ((vmar_handle_t)0x7ffffff3u)

// The process's first call maps with handles that name nothing while its
// first allocation fails: BAD_HANDLE, and the backend is not set up by it,
// so the root is there for the calls that follow. (Setting the backend up
// there, with that allocation failing, would lose the root for the whole
// process.)
static void first_call__bad_handles_set_nothing_up(void** state) {
  (void)state;
  vmar__fault_arm(VMAR__FAULT_MALLOC, 1, ENOMEM);
  vmar_vaddr_t addr = 0;
  vmar_status_t st = vmar_map(NO_SUCH_HANDLE, VMAR_VM_PERM_READ, 0,
                              NO_SUCH_HANDLE, 0, 1, &addr);
  vmar__fault_reset();
  assert_status(VMAR_ERR_BAD_HANDLE, st);
  const vmar_handle_t root = vmar_root_self();
  assert_int_not_equal(root, VMAR_HANDLE_INVALID);
  vmar_handle_t child;
  vmar_vaddr_t base;
  assert_status(VMAR_OK, vmar_allocate(root, VMAR_VM_CAN_MAP_READ, 0, PAGE,
                                       &child, &base));
  assert_status(VMAR_OK, vmar_destroy(child));
  assert_status(VMAR_OK, vmar_handle_close(child));
}

typedef struct attempt {
  vmar_status_t failing; // the unmap with the first allocation failing
  uint64_t allocations;  // allocations it attempted
  vmar_status_t plain;   // the same unmap with nothing failing
  vmar_vaddr_t addr;
} attempt_t;

static void* unmap_as_new_thread(void* arg) {
  attempt_t* t = arg;
  vmar__fault_arm(VMAR__FAULT_MALLOC, 1, ENOMEM);
  t->failing = vmar_unmap(vmar_root_self(), t->addr, PAGE);
  t->allocations = vmar__fault_calls(VMAR__FAULT_MALLOC);
  vmar__fault_reset();
  t->plain = vmar_unmap(vmar_root_self(), t->addr, PAGE);
  return NULL;
}

// A new thread's first call needs a record for its read sections; when that
// allocation fails it reads under a shared one. An unmap in the root (which
// the short path hands to the full one) makes that one attempt, not one per
// path, and ends as it does when nothing fails.
static void first_call__new_thread_allocates_once(void** state) {
  (void)state;
  // Every thread so far still runs (this one), so the new one finds no free
  // record and must allocate.
  vmar_handle_t top;
  attempt_t t = {0};
  assert_status(VMAR_OK,
                vmar_allocate(vmar_root_self(), 0, 0, PAGE, &top, &t.addr));
  assert_status(VMAR_OK, vmar_destroy(top)); // its range is no one's now
  assert_status(VMAR_OK, vmar_handle_close(top));
  vmar__fault_start();
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, unmap_as_new_thread, &t), 0);
  assert_int_equal(pthread_join(thread, NULL), 0);
  assert_int_equal(t.allocations, 1);
  assert_status(t.plain, t.failing);
}

int main(void) {
  // In this order: the first test is the process's first call.
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(first_call__bad_handles_set_nothing_up),
      cmocka_unit_test(first_call__new_thread_allocates_once),
  };
  return cmocka_run_group_tests_name("posix.faults_first_call", tests, NULL,
                                     NULL);
}
