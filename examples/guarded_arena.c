// SPDX-License-Identifier: MIT
// A guarded arena: every allocation gets its own pages inside one region, and
// an unmapped guard page separates each allocation from the next. Objects end
// exactly where their pages end, so running one byte past an object touches
// a guard page and faults at once, instead of silently corrupting the next
// object. The program shows that an overflow really faults (a SIGSEGV/SIGBUS
// handler catches it and jumps back).

#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmar/vmar.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    vmar_status_t st_ = (call);                                                \
    if (st_ != VMAR_OK) {                                                      \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,     \
              vmar_status_string(st_));                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

typedef struct arena {
  vmar_handle_t region; // all allocations and guards live in here
  vmar_handle_t vmo;    // backing pages, one slice per allocation
  vmar_vaddr_t base;
  size_t size;
  size_t next; // offset of the next allocation's first page
  size_t page;
} arena_t;

static void arena_init(arena_t* a, size_t pages) {
  memset(a, 0, sizeof(*a));
  a->page = vmar_page_size();
  a->size = pages * a->page;
  // CAN_MAP_SPECIFIC: the arena decides where each allocation goes. The
  // whole range is reserved at once: nothing else in the process can ever be
  // placed in a guard page.
  CHECK(vmar_allocate(vmar_root_self(),
                      VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_CAN_MAP_READ |
                          VMAR_VM_CAN_MAP_WRITE,
                      0, a->size, &a->region, &a->base));
  CHECK(vmar_vmo_create(a->size, 0, &a->vmo));
  CHECK(vmar_vmo_set_name(a->vmo, "arena"));
  a->next = a->page; // a leading guard catches underflow of the first object
}

// Allocation sizes are rounded to 16 bytes, the alignment malloc gives.
static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

// Returns |n| bytes (rounded up to 16) ending exactly at a page boundary,
// with a guard page right after them; NULL when the arena is full.
static void* arena_alloc(arena_t* a, size_t n) {
  n = round16(n);
  size_t pages = (n + a->page - 1) / a->page;
  size_t span = pages * a->page;
  if (a->next + span + a->page > a->size) {
    return NULL;
  }
  vmar_vaddr_t addr;
  CHECK(vmar_map(a->region,
                 VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE | VMAR_VM_SPECIFIC,
                 a->next, a->vmo, a->next, span, &addr));
  a->next += span + a->page; // skip one page: the guard stays unmapped
  return (void*)(addr + span - n);
}

static void arena_destroy(arena_t* a) {
  CHECK(vmar_destroy(a->region));
  CHECK(vmar_handle_close(a->region));
  CHECK(vmar_handle_close(a->vmo));
}

// ---- Catching the fault ----------------------------------------------------

static sigjmp_buf fault_jump;
static volatile sig_atomic_t fault_signal;

static void on_fault(int sig) {
  fault_signal = sig;
  siglongjmp(fault_jump, 1);
}

// Writes one byte at |p|; returns the signal it raised, or 0 if none did.
static int write_faults(volatile uint8_t* p) {
  struct sigaction sa, old_segv, old_bus;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_fault;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  fault_signal = 0;
  if (sigsetjmp(fault_jump, 1) == 0) {
    *p = 0x42;
  }
  sigaction(SIGSEGV, &old_segv, NULL);
  sigaction(SIGBUS, &old_bus, NULL);
  return fault_signal;
}

int main(void) {
  arena_t a;
  arena_init(&a, 64);
  printf("arena of %zu pages at %#lx\n", a.size / a.page,
         (unsigned long)a.base);

  // Three objects of awkward sizes; each fills the end of its own pages.
  const size_t sizes[] = {100, 5000, 48};
  uint8_t* objs[3];
  for (int i = 0; i < 3; i++) {
    objs[i] = arena_alloc(&a, sizes[i]);
    if (objs[i] == NULL) {
      fprintf(stderr, "arena: out of room\n");
      return 1;
    }
    size_t rounded = round16(sizes[i]);
    memset(objs[i], 'a' + i, rounded); // in bounds: fine
    printf("object %d: %5zu bytes at %p, guard page at %p\n", i, sizes[i],
           (void*)objs[i], (void*)(objs[i] + rounded));
  }

  char dump[2048];
  size_t needed;
  CHECK(vmar_dump(a.region, dump, sizeof(dump), &needed));
  printf("\nthe arena (gaps between mappings are the guard pages):\n%s\n",
         dump);

  // Run one byte past each object: every overflow hits a guard page.
  int faults = 0;
  for (int i = 0; i < 3; i++) {
    size_t rounded = round16(sizes[i]);
    int sig = write_faults(objs[i] + rounded);
    printf("write 1 byte past object %d: %s\n", i,
           sig == SIGSEGV  ? "faulted (SIGSEGV), as it should"
           : sig == SIGBUS ? "faulted (SIGBUS), as it should"
                           : "did NOT fault");
    faults += sig != 0;
  }
  // And one byte before the first object's pages: the leading guard.
  uint8_t* first_page = objs[0] - (a.page - round16(sizes[0]));
  int sig = write_faults(first_page - 1);
  printf("write 1 byte before the first object's page: %s\n",
         sig ? "faulted, as it should" : "did NOT fault");
  faults += sig != 0;

  // The neighbours were never touched by the overflow attempts.
  for (int i = 0; i < 3; i++) {
    if (objs[i][0] != 'a' + i) {
      fprintf(stderr, "arena: object %d was corrupted\n", i);
      return 1;
    }
  }

  arena_destroy(&a);
  if (faults != 4) {
    fprintf(stderr, "arena: %d of 4 overflows faulted\n", faults);
    return 1;
  }
  printf("ok\n");
  return 0;
}
