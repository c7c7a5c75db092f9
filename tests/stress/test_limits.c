// SPDX-License-Identifier: MIT
// Limits: the handle table, the host's limit on memory maps
// (vm.max_map_count) and the address-space limit (RLIMIT_AS). Each is driven
// to exhaustion; the failing call must return NO_RESOURCES with nothing
// half-done, and everything must work again once resources are given back.
//
// The max_map_count case maps about 32 000 one-page VMOs (two host mappings
// each) and reads /proc/self/maps a few times; it is skipped under
// sanitizers, whose allocators need host mappings of their own and abort
// when none is left, and where there is no such limit (macOS). The
// RLIMIT_AS case runs in a fresh process (this program re-executed), since
// the limit applies to the whole process and vmar must not be used after
// fork.
//
// Prints "limits: ..." lines with the figures reached.

#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posix/handle_table.h"

#define CAN_RW (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE)
#define PERM_RW (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE)

static size_t page;

static size_t root_entries(void) {
  size_t avail = 0;
  assert_status(VMAR_OK,
                vmar_get_maps(vmar_root_self(), NULL, 0, NULL, &avail));
  return avail;
}

// ---------------------------------------------------------------------------
// The handle table

static void
limits__handle_table_full_no_resources_nothing_half_done(void** state) {
  (void)state;
  vmar_handle_t vmo;
  assert_status(VMAR_OK, vmar_vmo_create(page, 0, &vmo));
  const size_t base = vmar__handle_count();
  const size_t cap = base + 64;
  const size_t old = vmar__handle_set_limit(cap);

  vmar_handle_t dups[64];
  size_t n = 0;
  vmar_status_t st;
  while ((st = vmar_handle_duplicate(vmo, VMAR_RIGHT_SAME_RIGHTS, &dups[n])) ==
         VMAR_OK) {
    n++;
    assert_true(n < 64 + 1);
  }
  assert_status(VMAR_ERR_NO_RESOURCES, st);
  assert_int_equal(n, 64);
  assert_int_equal(vmar__handle_count(), cap);

  // Every call that makes a handle fails the same way, leaving nothing.
  const size_t entries = root_entries();
  const size_t vmas = test_maps_count();
  const size_t fds = test_fd_count();
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t addr = 0;
  assert_status(VMAR_ERR_NO_RESOURCES, vmar_allocate(vmar_root_self(), CAN_RW,
                                                     0, 4 * page, &h, &addr));
  assert_status(VMAR_ERR_NO_RESOURCES, vmar_vmo_create(page, 0, &h));
  int fd = -1;
  assert_status(VMAR_OK, vmar_vmo_get_fd(vmo, &fd));
  assert_status(VMAR_ERR_NO_RESOURCES, vmar_vmo_create_from_fd(fd, 0, &h));
  close(fd);
  vmar_manager_t* m = NULL;
  assert_status(
      VMAR_ERR_NO_RESOURCES,
      vmar_manager_create(4 * page, NULL, VMAR_MANAGER_DEFAULT_OPTIONS, &m));
  vmar_mapper_t mapper = VMAR_MAPPER_INIT;
  assert_status(VMAR_ERR_NO_RESOURCES,
                vmar_mapper_create_and_map(&mapper, page, PERM_RW, NULL, NULL,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  assert_null(vmar_mapper_start(&mapper));
  assert_int_equal(h, VMAR_HANDLE_INVALID);
  assert_int_equal(vmar__handle_count(), cap);
  assert_int_equal(root_entries(), entries);
#if !TEST_SANITIZED // sanitizer runtimes map memory of their own at any time
  assert_int_equal(test_maps_count(), vmas);
#else
  (void)vmas;
#endif
  assert_int_equal(test_fd_count(), fds);
  // Replacing reuses the slot, so it works even now.
  assert_status(VMAR_OK,
                vmar_handle_replace(dups[0], VMAR_RIGHT_READ, &dups[0]));

  // Close a few: everything works again.
  for (size_t i = 0; i < 4; i++) {
    assert_status(VMAR_OK, vmar_handle_close(dups[--n]));
  }
  assert_status(
      VMAR_OK, vmar_allocate(vmar_root_self(), CAN_RW, 0, 4 * page, &h, &addr));
  assert_true(test_maps_range_reserved(addr, 4 * page));
  assert_status(VMAR_OK, vmar_destroy(h));
  assert_status(VMAR_OK, vmar_handle_close(h));
  assert_status(VMAR_OK,
                vmar_mapper_create_and_map(&mapper, page, PERM_RW, NULL, NULL,
                                           VMAR_RIGHT_SAME_RIGHTS, 0));
  vmar_mapper_unmap(&mapper);
  while (n > 0) {
    assert_status(VMAR_OK, vmar_handle_close(dups[--n]));
  }
  vmar__handle_set_limit(old);
  assert_status(VMAR_OK, vmar_handle_close(vmo));
  assert_int_equal(vmar__handle_count(), base - 1);
  print_message("limits: handle table capped at %zu handles: NO_RESOURCES "
                "from 6 calls, nothing half-done\n",
                cap);
}

// ---------------------------------------------------------------------------
// vm.max_map_count

static long read_long(const char* path) {
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    return -1;
  }
  long v = -1;
  if (fscanf(f, "%ld", &v) != 1) {
    v = -1;
  }
  fclose(f);
  return v;
}

static int cmp_entry(const void* a, const void* b) {
  const test_map_entry_t* x = a;
  const test_map_entry_t* y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

// /proc/self/maps without allocating: at the limit, malloc may need a new
// host mapping and fail, so the text goes to a static buffer.
static char maps_text[16u << 20];

static size_t read_host_maps(test_map_entry_t* out, size_t cap) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  size_t len = 0;
  for (;;) {
    ssize_t got = read(fd, maps_text + len, sizeof(maps_text) - 1 - len);
    assert_true(got >= 0);
    if (got == 0) {
      break;
    }
    len += (size_t)got;
    assert_true(len < sizeof(maps_text) - 1);
  }
  close(fd);
  maps_text[len] = '\0';
  size_t n = 0;
  for (char* line = maps_text; *line != '\0' && n < cap;) {
    // One line at a time: sscanf measures the whole string it is given.
    char* nl = strchr(line, '\n');
    if (nl != NULL) {
      *nl = '\0';
    }
    unsigned long a = 0;
    unsigned long b = 0;
    char perms[5] = "";
    if (sscanf(line, "%lx-%lx %4s", &a, &b, perms) == 3) {
      out[n].start = a;
      out[n].end = b;
      memcpy(out[n].perms, perms, sizeof(perms));
      n++;
    }
    if (nl == NULL) {
      break;
    }
    line = nl + 1;
  }
  return n;
}

// Buffers for check_tree_matches_host, allocated before the process runs
// out of host mappings (large allocations need one).
static vmar_map_info_t* tree;
static size_t tree_cap;
static test_map_entry_t* host;
static size_t host_cap;

// The tree of |vmar| and the host agree: every mapping is exactly one host
// mapping "rw-s", everything else in the range is reserved: "---p", or
// "---s" where mappings were retired at the limit (design.md §4; their
// number goes to |*retired| when not NULL), with no hole anywhere.
static void check_tree_matches_host(vmar_handle_t vmar, vmar_vaddr_t base,
                                    size_t len, size_t expect_mappings,
                                    size_t* retired) {
  size_t avail = 0;
  size_t n = 0;
  assert_status(VMAR_OK, vmar_get_maps(vmar, tree, tree_cap, &n, &avail));
  assert_int_equal(n, avail);
  assert_int_equal(n, expect_mappings + 1);

  size_t nh = read_host_maps(host, host_cap);
  assert_true(nh > 0 && nh <= host_cap);
  qsort(host, nh, sizeof(*host), cmp_entry);

  const vmar_vaddr_t end = base + len;
  uintptr_t cursor = base;
  size_t t = 1; // tree entries are in address order after entry 0
  size_t rw = 0;
  for (size_t i = 0; i < nh; i++) {
    if (host[i].end <= base || host[i].start >= end) {
      continue;
    }
    // Reservations next to each other may share one host mapping: clip.
    const uintptr_t lo = host[i].start > base ? host[i].start : base;
    assert_int_equal(lo, cursor); // no hole
    cursor = host[i].end < end ? host[i].end : end;
    if (strcmp(host[i].perms, "rw-s") == 0) {
      assert_true(t < n);
      assert_int_equal(tree[t].base, host[i].start);
      assert_int_equal(tree[t].size, host[i].end - host[i].start);
      t++;
      rw++;
    } else if (strcmp(host[i].perms, "---s") == 0 && retired != NULL) {
      (*retired)++;
    } else {
      assert_string_equal(host[i].perms, "---p");
    }
  }
  assert_int_equal(cursor, end);
  assert_int_equal(rw, expect_mappings);
}

// Fills the host's mapping table with one-page mappings in |vmar| until map
// says NO_RESOURCES, then does the same in the root (a mapping there costs
// one host mapping, not two). Returns how many went into |vmar|.
static size_t fill_to_limit(vmar_handle_t vmar, vmar_handle_t vmo, size_t max,
                            vmar_vaddr_t* addrs, vmar_vaddr_t* in_root,
                            size_t* nr) {
  size_t n = 0;
  vmar_status_t st;
  while ((st = vmar_map(vmar, PERM_RW, 0, vmo, 0, page, &addrs[n])) ==
         VMAR_OK) {
    n++;
    assert_true(n < max);
  }
  assert_status(VMAR_ERR_NO_RESOURCES, st);
  *nr = 0;
  while ((st = vmar_map(vmar_root_self(), PERM_RW, 0, vmo, 0, page,
                        &in_root[*nr])) == VMAR_OK) {
    ++*nr;
    assert_true(*nr < 8);
  }
  assert_status(VMAR_ERR_NO_RESOURCES, st);
  return n;
}

// Small blocks taken by exhaust_heap, allocated before the limit.
#define HEAP_BLOCKS_MAX ((size_t)1 << 20)
static void** heap_blocks_taken;

// Allocates small blocks until malloc fails (the host refuses the heap room
// at the limit); returns how many it took. Fails the test if malloc never
// fails within HEAP_BLOCKS_MAX blocks.
static size_t exhaust_heap(void) {
  size_t n = 0;
  while (n < HEAP_BLOCKS_MAX && (heap_blocks_taken[n] = malloc(32)) != NULL) {
    n++;
  }
  assert_true(n < HEAP_BLOCKS_MAX);
  return n;
}

static void release_heap(size_t n) {
  while (n > 0) {
    free(heap_blocks_taken[--n]);
  }
}

// Whether the library can tell the host's mapping limit from a shortage: it
// reads /proc on Linux (src/posix/platform.h), and retires mappings in place
// at the limit.
#if defined(__linux__) && !defined(VMAR_POSIX_PORTABLE) &&                     \
    !defined(VMAR_EMULATE_DARWIN)
#define LIB_SEES_MAP_LIMIT 1
#else
#define LIB_SEES_MAP_LIMIT 0
#endif

#if LIB_SEES_MAP_LIMIT
// The void calls at the limit: a mapper's unmap and the last release of a
// nested manager both take their mapping or sub-VMAR away for good (the
// host's mappings are retired in place), so nothing is left behind without a
// handle.
static void void_calls_at_limit(vmar_handle_t vmar, vmar_mapper_t* mapper,
                                vmar_manager_t* nested, vmar_vaddr_t sub_base,
                                size_t mappings, vmar_vaddr_t base,
                                size_t len) {
  vmar_mapper_unmap(mapper);
  assert_null(vmar_mapper_start(mapper));
  vmar_manager_release(nested); // its sub-VMAR and the mapping inside go
  size_t retired = 0;
  check_tree_matches_host(vmar, base, len, mappings, &retired);
  assert_true(retired > 0);
  // No sub-VMAR is left (the tree buffer was allocated before the limit).
  size_t n = 0;
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(vmar, tree, tree_cap, &n, &avail));
  for (size_t i = 1; i < n; i++) {
    assert_true(tree[i].type == VMAR_MAP_INFO_TYPE_MAPPING);
    assert_true(tree[i].base != sub_base);
  }
  print_message("limits: at the limit, a mapper's unmap and a nested "
                "manager's release retired %zu host mappings in place\n",
                retired);
}
#endif

// Maps until the host's mapping table is full, in a VMAR and in the root:
// NO_RESOURCES with nothing half-done. At the limit a mapper's unmap, a
// nested manager's last release and a plain unmap still work, by retiring
// host mappings in place; as soon as the host has room again the retired
// spans are reserved afresh, and at the end the process has exactly the
// host mappings it started with.
static void limits__max_map_count_no_resources_then_baseline(void** state) {
  (void)state;
#if TEST_SANITIZED
  print_message("limits: max_map_count case skipped under sanitizers\n");
  skip();
#endif
#if !TEST_HOST_PROCFS
  print_message("limits: max_map_count case skipped: it drives Linux's "
                "vm.max_map_count (read from /proc/sys/vm), a limit macOS does "
                "not have\n");
  skip();
#endif
  const long max = read_long("/proc/sys/vm/max_map_count");
  if (max <= 0 || max > 300000) {
    print_message("limits: vm.max_map_count is %ld: case skipped (too "
                  "large to reach in bounded time)\n",
                  max);
    skip();
  }
  assert_status(VMAR_OK, vmar_posix_set_entropy_bits(30));
  vmar_vaddr_t* addrs = malloc((size_t)max * sizeof(*addrs));
  assert_non_null(addrs);
  tree_cap = (size_t)max + 8;
  tree = malloc(tree_cap * sizeof(*tree));
  assert_non_null(tree);
  heap_blocks_taken = malloc(HEAP_BLOCKS_MAX * sizeof(*heap_blocks_taken));
  assert_non_null(heap_blocks_taken);
  host_cap = (size_t)max + 1024;
  host = malloc(host_cap * sizeof(*host));
  assert_non_null(host);
  // The process's host mappings before the test maps anything.
  const size_t baseline = test_maps_count();

  // Room for max one-page mappings with a gap around each, a manager for
  // it, a mapper in it and a nested manager holding one mapping.
  const size_t pages = (size_t)max * 4;
  vmar_handle_t vmar;
  vmar_vaddr_t base;
  assert_status(VMAR_OK, vmar_allocate(vmar_root_self(), CAN_RW, 0,
                                       pages * page, &vmar, &base));
  vmar_manager_t* top = NULL;
  assert_status(VMAR_OK, vmar_manager_use(vmar, &top));
  vmar_mapper_t mapper = VMAR_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_mapper_create_and_map(&mapper, page, PERM_RW, top,
                                                    NULL, 0, 0));
  vmar_manager_t* nested = NULL;
  assert_status(VMAR_OK, vmar_manager_create(16 * page, top, CAN_RW, &nested));
  vmar_mapper_t inner = VMAR_MAPPER_INIT;
  assert_status(VMAR_OK, vmar_mapper_create_and_map(&inner, page, PERM_RW,
                                                    nested, NULL, 0, 0));
  const vmar_vaddr_t sub_base = (vmar_vaddr_t)vmar_manager_start(nested);
  vmar_handle_t vmo;
  assert_status(VMAR_OK, vmar_vmo_create(page, 0, &vmo));
  assert_status(VMAR_OK, vmar_vmo_write(vmo, "x", 0, 1));
  // A second reservation whose destruction gives the host room again.
  vmar_handle_t spare = alloc_ok(
      vmar_root_self(), CAN_RW | VMAR_VM_CAN_MAP_SPECIFIC, 0, 64 * page, NULL);
  for (size_t i = 0; i < 4; i++) {
    (void)map_ok(spare, PERM_RW | VMAR_VM_SPECIFIC, 8 * i * page, vmo, 0, page);
  }

  vmar_vaddr_t in_root[8];
  size_t nr = 0;
  size_t n = fill_to_limit(vmar, vmo, (size_t)max, addrs, in_root, &nr);
  const size_t at_limit = read_host_maps(host, host_cap);
  const size_t mapped = n;
  // The tree holds n mappings, the mapper's, and the nested sub-VMAR with
  // its mapping: n + 3 entries below the VMAR itself.
  size_t got = 0;
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(vmar, tree, tree_cap, &got, &avail));
  assert_int_equal(avail, n + 4);

  // At the limit the heap cannot grow either: use up what is left of it, so
  // the void calls below run where no allocation can succeed.
  size_t heap_blocks = exhaust_heap();
#if LIB_SEES_MAP_LIMIT
  // The inner mapper goes with its manager: unmap it first, as a user
  // would, then the void calls.
  vmar_mapper_unmap(&inner);
  void_calls_at_limit(vmar, &mapper, nested, sub_base, n, base, pages * page);
  release_heap(heap_blocks);
  assert_status(VMAR_OK, vmar_unmap(vmar, addrs[--n], page));
  size_t retired_now = 0;
  check_tree_matches_host(vmar, base, pages * page, n, &retired_now);
  assert_true(retired_now > 0);
#else
  // Without /proc this build cannot tell the host's mapping limit from a
  // shortage, so nothing is retired: every call that needs a new host
  // mapping fails with nothing changed, and the void calls keep what they
  // could not undo, reachable for a retry once the host has room.
  (void)sub_base;
  assert_status(VMAR_ERR_NO_RESOURCES, vmar_mapper_try_unmap(&inner));
  vmar_mapper_unmap(&mapper);
  assert_non_null(vmar_mapper_start(&mapper));
  // Not the last reference: the inner mapper keeps one with its mapping.
  assert_status(VMAR_OK, vmar_manager_try_release(nested));
  assert_int_equal(vmar_manager_parked_count(), 0);
  release_heap(heap_blocks);
  assert_status(VMAR_ERR_NO_RESOURCES, vmar_unmap(vmar, addrs[n - 1], page));
  assert_status(VMAR_OK, vmar_get_maps(vmar, tree, tree_cap, &got, &avail));
  assert_int_equal(avail, n + 4); // nothing went
  print_message("limits: at the limit without /proc, a mapper's unmap and a "
                "nested manager's release kept their mappings for a retry\n");
#endif
  // Room again: the root's mappings and the spare reservation go (munmap
  // needs no new host mapping).
  while (nr > 0) {
    assert_status(VMAR_OK, vmar_unmap(vmar_root_self(), in_root[--nr], page));
  }
  destroy_close(spare);
#if !LIB_SEES_MAP_LIMIT
  // The retries now succeed; the inner mapper's drops the nested manager's
  // last reference, which destroys its sub-VMAR.
  assert_status(VMAR_OK, vmar_mapper_try_unmap(&inner));
  assert_status(VMAR_OK, vmar_mapper_try_unmap(&mapper));
  assert_null(vmar_mapper_start(&mapper));
  assert_int_equal(vmar_manager_parked_count(), 0);
  assert_status(VMAR_OK, vmar_get_maps(vmar, tree, tree_cap, &got, &avail));
  assert_int_equal(avail, n + 1); // the VMAR and the n mappings
#endif
  // Map, touch, and unmap everything; the first unmap the host accepts
  // reserves the retired spans afresh.
  assert_status(VMAR_OK, vmar_map(vmar, PERM_RW, 0, vmo, 0, page, &addrs[n]));
  assert_int_equal(*(volatile char*)addrs[n], 'x');
  n++;
  for (size_t i = 0; i < n; i++) {
    assert_status(VMAR_OK, vmar_unmap(vmar, addrs[i], page));
  }
  size_t retired_left = 0;
  check_tree_matches_host(vmar, base, pages * page, 0, &retired_left);
  assert_int_equal(retired_left, 0);
  assert_true(test_maps_range_reserved(base, pages * page));
  vmar_manager_release(top);
  assert_status(VMAR_OK, vmar_destroy(vmar));
  assert_status(VMAR_OK, vmar_handle_close(vmar));
  assert_status(VMAR_OK, vmar_handle_close(vmo));
  assert_true(test_maps_range_unmapped(base, pages * page));
  const size_t after = test_maps_count();
  free(addrs);
  free(tree);
  free(host);
  free(heap_blocks_taken);
  assert_int_equal(after, baseline);
  print_message("limits: vm.max_map_count %ld: %zu one-page mappings, then "
                "NO_RESOURCES at %zu host mappings; %s; baseline of %zu host "
                "mappings restored\n",
                max, mapped, at_limit,
#if !LIB_SEES_MAP_LIMIT
                "retries worked once the host had room",
#else
                "unmapping still worked at the limit",
#endif
                baseline);
}

// ---------------------------------------------------------------------------
// RLIMIT_AS, in a fresh process

// The process's address space in use: VmSize in /proc/self/status, else
// (macOS) the sum of the host's regions, which can fall short of what the
// kernel counts (holes in a shared submap); set_as_limit makes up for that.
static size_t vm_size(void) {
#if TEST_HOST_PROCFS
  FILE* f = fopen("/proc/self/status", "r");
  if (f == NULL) {
    return 0;
  }
  char line[256];
  size_t kb = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (sscanf(line, "VmSize: %zu kB", &kb) == 1) {
      break;
    }
  }
  fclose(f);
  return kb * 1024;
#else
  size_t total = test_maps_read(NULL, 0);
  test_map_entry_t* e = calloc(total + 64, sizeof(*e));
  if (e == NULL) {
    return 0;
  }
  size_t n = test_maps_read(e, total + 64);
  size_t sum = 0;
  for (size_t i = 0; i < n && i < total + 64; i++) {
    sum += e[i].end - e[i].start;
  }
  free(e);
  return sum;
#endif
}

// Limits the address space to what is in use now plus |slack| bytes. Linux
// takes any limit; macOS refuses (EINVAL) one below the size it counts, so
// from the estimate up, 64 MiB at a time, the first limit it accepts is at
// most 64 MiB above that size, and the slack goes on top of it.
static bool set_as_limit(size_t slack) {
  const size_t step = (size_t)64 << 20;
  size_t limit = vm_size();
  if (limit == 0) {
    return false;
  }
  struct rlimit rl = {limit, RLIM_INFINITY};
  while (setrlimit(RLIMIT_AS, &rl) != 0) {
    if (errno != EINVAL || rl.rlim_cur > ((rlim_t)64 << 30)) {
      return false;
    }
    rl.rlim_cur += step;
  }
  rl.rlim_cur += slack;
  return setrlimit(RLIMIT_AS, &rl) == 0;
}

// Runs in the re-executed process; returns its exit status (0 = pass).
static int rlimit_child(void) {
  page = vmar_page_size();
  const vmar_handle_t root = vmar_root_self();
  vmar_handle_t vmo;
  if (vmar_vmo_create((size_t)1 << 30, 0, &vmo) != VMAR_OK) {
    return 2;
  }
  const size_t handles = vmar__handle_count();
  const size_t entries = root_entries();
  const size_t vmas = test_maps_count();
  const size_t slack = (size_t)256 << 20;
  if (!set_as_limit(slack)) {
    return 3;
  }
  const size_t big = (size_t)1 << 30;
  vmar_handle_t h = VMAR_HANDLE_INVALID;
  vmar_vaddr_t addr = 0;
  int fails = 0;
  int checks = 0;
#define EXPECT(cond)                                                           \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      fprintf(stderr, "rlimit child: line %d: %s\n", __LINE__, #cond);         \
      fails++;                                                                 \
    }                                                                          \
  } while (0)
  EXPECT(vmar_allocate(root, CAN_RW, 0, big, &h, &addr) ==
         VMAR_ERR_NO_RESOURCES);
  EXPECT(vmar_allocate(root, CAN_RW | VMAR_VM_ALIGN_1GB, 0, 64 * page, &h,
                       &addr) == VMAR_ERR_NO_RESOURCES);
  EXPECT(vmar_map(root, PERM_RW, 0, vmo, 0, big, &addr) ==
         VMAR_ERR_NO_RESOURCES);
  EXPECT(vmar_map(root, PERM_RW | VMAR_VM_ALIGN_1GB, 0, vmo, 0, page, &addr) ==
         VMAR_ERR_NO_RESOURCES);
  vmar_manager_t* m = NULL;
  EXPECT(vmar_manager_create(big, NULL, VMAR_MANAGER_DEFAULT_OPTIONS, &m) ==
         VMAR_ERR_NO_RESOURCES);
  vmar_mapper_t mapper = VMAR_MAPPER_INIT;
  EXPECT(vmar_mapper_create_and_map(&mapper, big, PERM_RW, NULL, NULL,
                                    VMAR_RIGHT_SAME_RIGHTS,
                                    0) == VMAR_ERR_NO_RESOURCES);
  EXPECT(vmar__handle_count() == handles);
  EXPECT(root_entries() == entries);
  EXPECT(test_maps_count() == vmas);
  // Within the limit everything works: a reservation, and a mapping
  // inside it (which replaces reserved space, so costs nothing more).
  EXPECT(vmar_allocate(root, CAN_RW, 0, 16 * page, &h, &addr) == VMAR_OK);
  vmar_vaddr_t in = 0;
  EXPECT(vmar_map(h, PERM_RW, 0, vmo, 0, 16 * page, &in) == VMAR_OK);
  EXPECT(vmar_destroy(h) == VMAR_OK);
  EXPECT(vmar_handle_close(h) == VMAR_OK);
  EXPECT(vmar_handle_close(vmo) == VMAR_OK);
  printf("limits: RLIMIT_AS = address space in use + %zu MiB: %d checks, %d "
         "failed\n",
         slack >> 20, checks, fails);
  return fails == 0 ? 0 : 1;
#undef EXPECT
}

static char self_path[4096];
static bool have_self_path;

static void limits__rlimit_as_reservations_no_resources(void** state) {
  (void)state;
#if TEST_SANITIZED
  print_message("limits: RLIMIT_AS case skipped under sanitizers\n");
  skip();
#endif
  if (!have_self_path) {
    print_message("limits: RLIMIT_AS case skipped: this program's path is "
                  "unknown (no /proc, and started without a '/' in argv[0])\n");
    skip();
  }
  fflush(stdout);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    execl(self_path, self_path, "--rlimit-child", (char*)NULL);
    _exit(127);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "--rlimit-child") == 0) {
    return rlimit_child();
  }
  page = vmar_page_size();
  have_self_path = test_self_path(argv[0], self_path, sizeof(self_path));
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(
          limits__handle_table_full_no_resources_nothing_half_done),
      cmocka_unit_test(limits__max_map_count_no_resources_then_baseline),
      cmocka_unit_test(limits__rlimit_as_reservations_no_resources),
  };
  return cmocka_run_group_tests_name("stress.limits", tests, NULL, NULL);
}
