// SPDX-License-Identifier: MIT
// vmar_bench: what vmar costs, as ratios against baselines measured in the
// same run (medians of several repetitions), with each target and a verdict.
//
//   vmar_bench [--json] [--quick] [--only N]...
//
// Figures (bench/README.md explains each):
//   1 placement scaling         5 page-table cost (VmPTE)
//   2 map+unmap vs bare mmap    6 bookkeeping bytes per child VMAR
//   3 VMO create+close          7 two threads, two reservations
//   4 VMA economy               8 allocate vs the host's mmap(NULL)

#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <vmar/vmar.h>

#define REPS 5
#define MAX_RESULTS 32

// ---- Measuring -------------------------------------------------------------

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  return v[n / 2];
}

static void check(vmar_status_t st, const char* what) {
  if (st != VMAR_OK) {
    fprintf(stderr, "vmar_bench: %s: %s\n", what, vmar_status_string(st));
    exit(1);
  }
}

static void check_errno(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "vmar_bench: %s: %s\n", what, strerror(errno));
    exit(1);
  }
}

// Number of mappings the host has for this process.
static size_t vma_count(void) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return 0;
  }
  size_t n = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    n += c == '\n';
  }
  fclose(f);
  return n;
}

// A "Name:   value kB" line of /proc/self/status, in kB (0 if absent).
static long status_kb(const char* name) {
  FILE* f = fopen("/proc/self/status", "r");
  if (f == NULL) {
    return 0;
  }
  char line[256];
  long kb = 0;
  size_t len = strlen(name);
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, name, len) == 0 && line[len] == ':') {
      kb = strtol(line + len + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kb;
}

// Heap bytes in use (chunk sizes, so allocator overhead counts too).
static size_t heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  return mallinfo2().uordblks;
#else
  return 0;
#endif
}

// ---- Results ---------------------------------------------------------------

typedef struct result {
  const char* id;
  char what[96];
  double value; // vmar's figure
  double base;  // the baseline's figure (0: none)
  const char* unit;
  double ratio;  // the compared quantity
  double target; // 0: informational
  bool at_least; // the ratio must be >= target (else <=)
  char note[128];
} result_t;

static result_t results[MAX_RESULTS];
static int nresults;

static result_t* add(const char* id, const char* unit, double value,
                     double base, double ratio, double target, bool at_least,
                     const char* what) {
  result_t* r = &results[nresults++];
  memset(r, 0, sizeof(*r));
  r->id = id;
  snprintf(r->what, sizeof(r->what), "%s", what);
  r->unit = unit;
  r->value = value;
  r->base = base;
  r->ratio = ratio;
  r->target = target;
  r->at_least = at_least;
  return r;
}

static bool passed(const result_t* r) {
  if (r->target == 0) {
    return true;
  }
  return r->at_least ? r->ratio >= r->target : r->ratio <= r->target;
}

// ---- 1. Placement scaling --------------------------------------------------

// A VMAR holding |n| one-page children and the probe that is timed in it.
// COMPACT: children back to back with one-page holes, the probe asks for two
// pages, so every hole is too small and only the tail fits (an allocator that
// walks children or gaps pays n steps). Randomised: the same layout, a
// one-page probe, so every hole is a candidate and the spot is drawn at
// random over the whole VMAR.
static double placement_ns(size_t n, bool compact, size_t iters) {
  const size_t page = vmar_page_size();
  vmar_handle_t parent;
  vmar_vaddr_t base;
  check(vmar_allocate(vmar_root_self(),
                      (compact ? VMAR_VM_COMPACT : 0) |
                          VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_CAN_MAP_READ,
                      0, (2 * n + 64) * page, &parent, &base),
        "allocate parent");
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t c;
    vmar_vaddr_t a;
    check(vmar_allocate(parent, VMAR_VM_SPECIFIC, 2 * i * page, page, &c, &a),
          "allocate child");
    vmar_handle_close(c); // the child stays; only destroy removes it
  }
  const size_t probe = compact ? 2 * page : page;
  double samples[REPS];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ns();
    for (size_t i = 0; i < iters; i++) {
      vmar_handle_t c;
      vmar_vaddr_t a;
      check(vmar_allocate(parent, 0, 0, probe, &c, &a), "allocate probe");
      check(vmar_destroy(c), "destroy probe");
      vmar_handle_close(c);
    }
    samples[r] = (now_ns() - t0) / (double)iters;
  }
  check(vmar_destroy(parent), "destroy parent");
  vmar_handle_close(parent);
  return median(samples, REPS);
}

static void bench_placement(bool quick) {
  const size_t ns[] = {10, 1000, 100000, 1000000};
  const size_t count = quick ? 3 : 4;
  const size_t iters = quick ? 5000 : 20000;
  for (int k = 0; k < 2; k++) {
    const bool compact = k == 0;
    double base = placement_ns(ns[0], compact, iters);
    char what[96];
    snprintf(what, sizeof(what), "placement n=10, %s",
             compact ? "compact" : "randomised");
    add(compact ? "1c" : "1r", "ns", base, 0, 1, 0, false, what);
    for (size_t i = 1; i < count; i++) {
      double t = placement_ns(ns[i], compact, iters);
      snprintf(what, sizeof(what), "placement n=%zu vs n=10, %s", ns[i],
               compact ? "compact" : "randomised");
      double target = ns[i] == 100000 ? (compact ? 3.0 : 8.0) : 0;
      add(compact ? "1c" : "1r", "ns", t, base, t / base, target, false, what);
    }
  }
}

// ---- 2. Map+unmap against the bare host calls ------------------------------

static void bench_map(bool quick) {
  const size_t held = quick ? 1000 : 10000;
  const size_t iters = quick ? 4000 : 20000;
  const size_t page = vmar_page_size();
  const vmar_vm_option_t rw = VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE;
  vmar_handle_t vmar, vmo, probe;
  vmar_vaddr_t base, spot;
  check(vmar_allocate(vmar_root_self(),
                      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                          VMAR_VM_CAN_MAP_WRITE,
                      0, (held + 64) * page, &vmar, &base),
        "allocate");
  check(vmar_vmo_create(page, 0, &vmo), "vmo_create");
  for (size_t i = 0; i < held; i++) {
    vmar_vaddr_t a;
    check(vmar_map(vmar, rw, 0, vmo, 0, page, &a), "map held");
  }
  // The probe maps a VMO of its own, as the baseline maps a file of its own
  // (sharing the held mappings' file would charge the host's per-file
  // mapping index to vmar alone).
  check(vmar_vmo_create(page, 0, &probe), "vmo_create probe");
  check(vmar_map(vmar, rw, 0, probe, 0, page, &spot), "map probe");
  check(vmar_unmap(vmar, spot, page), "unmap probe");
  int fd = memfd_create("bench", MFD_CLOEXEC);
  check_errno(fd >= 0 && ftruncate(fd, (off_t)page) == 0, "memfd");

  // Short alternating blocks, so noise hits both sides alike.
  const size_t blocks = 20, per_block = iters / blocks;
  double ours[REPS], bare[REPS];
  for (int r = 0; r < REPS; r++) {
    ours[r] = bare[r] = 0;
    for (size_t k = 0; k < blocks; k++) {
      double t0 = now_ns();
      for (size_t i = 0; i < per_block; i++) {
        check_errno(
            mmap((void*)spot, page, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED &&
                mmap((void*)spot, page, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                     -1, 0) != MAP_FAILED,
            "mmap");
      }
      double t1 = now_ns();
      for (size_t i = 0; i < per_block; i++) {
        vmar_vaddr_t a;
        check(vmar_map(vmar, rw, 0, probe, 0, page, &a), "map");
        check(vmar_unmap(vmar, a, page), "unmap");
      }
      double t2 = now_ns();
      bare[r] += t1 - t0;
      ours[r] += t2 - t1;
    }
    bare[r] /= (double)(blocks * per_block);
    ours[r] /= (double)(blocks * per_block);
  }
  close(fd);
  check(vmar_destroy(vmar), "destroy");
  vmar_handle_close(vmar);
  vmar_handle_close(vmo);
  vmar_handle_close(probe);
  double o = median(ours, REPS), b = median(bare, REPS);
  char what[96];
  snprintf(what, sizeof(what), "map+unmap 1 page among %zu mappings", held);
  add("2", "ns", o, b, o / b, 1.10, false, what);
}

// ---- 3. VMO create+close ---------------------------------------------------

static void bench_vmo(bool quick) {
  const size_t iters = quick ? 2000 : 10000;
  const size_t page = vmar_page_size();
  const size_t blocks = 10, per_block = iters / blocks;
  double ours[REPS], bare[REPS];
  for (int r = 0; r < REPS; r++) {
    ours[r] = bare[r] = 0;
    for (size_t k = 0; k < blocks; k++) {
      double t0 = now_ns();
      for (size_t i = 0; i < per_block; i++) {
        int fd = memfd_create("bench", MFD_CLOEXEC);
        check_errno(fd >= 0 && ftruncate(fd, (off_t)page) == 0, "memfd");
        close(fd);
      }
      double t1 = now_ns();
      for (size_t i = 0; i < per_block; i++) {
        vmar_handle_t vmo;
        check(vmar_vmo_create(page, 0, &vmo), "vmo_create");
        check(vmar_handle_close(vmo), "close");
      }
      double t2 = now_ns();
      bare[r] += t1 - t0;
      ours[r] += t2 - t1;
    }
    bare[r] /= (double)iters;
    ours[r] /= (double)iters;
  }
  double o = median(ours, REPS), b = median(bare, REPS);
  add("3", "ns", o, b, o / b, 1.20, false,
      "VMO create+close vs memfd_create+ftruncate+close");
}

// ---- 4. VMA economy --------------------------------------------------------

static void raise_fd_limit(size_t need) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
    rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// Maps |n| one-page VMOs (each VMO's handle closed: the mapping keeps it).
static void map_many(vmar_handle_t vmar, size_t n, vmar_vaddr_t* addrs) {
  const size_t page = vmar_page_size();
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t vmo;
    check(vmar_vmo_create(page, 0, &vmo), "vmo_create");
    check(vmar_map(vmar, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, vmo, 0,
                   page, &addrs[i]),
          "map");
    vmar_handle_close(vmo);
  }
}

static void bench_vma_economy(bool quick) {
  const size_t n = quick ? 2000 : 10000;
  const size_t page = vmar_page_size();
  raise_fd_limit(n + 256);
  vmar_vaddr_t* addrs = calloc(n, sizeof(*addrs));
  check_errno(addrs != NULL, "calloc");
  vmar_handle_t vmar;
  vmar_vaddr_t base;
  check(vmar_allocate(vmar_root_self(),
                      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                          VMAR_VM_CAN_MAP_WRITE,
                      0, (n + 64) * page, &vmar, &base),
        "allocate");
  const size_t before = vma_count();
  map_many(vmar, n, addrs);
  const size_t mapped = vma_count();
  for (size_t i = 0; i < n; i++) {
    check(vmar_unmap(vmar, addrs[i], page), "unmap");
  }
  const size_t after = vma_count();
  check(vmar_destroy(vmar), "destroy");
  vmar_handle_close(vmar);
  free(addrs);
  char what[96];
  snprintf(what, sizeof(what), "VMAs added by %zu mappings (target <= N+2)", n);
  result_t* r = add("4a", "VMAs", (double)(mapped - before), (double)n,
                    (double)(mapped - before) / (double)n,
                    (double)(n + 2) / (double)n, false, what);
  snprintf(r->note, sizeof(r->note), "%zu before, %zu mapped", before, mapped);
  r = add("4b", "VMAs", (double)after, (double)before,
          (double)after / (double)before, 1.0, false,
          "VMAs after unmapping all (target: the baseline)");
  snprintf(r->note, sizeof(r->note), "%zu after vs %zu before", after, before);
}

// ---- 5. Page-table cost ----------------------------------------------------

// VmPTE growth (kB) from touching one page in each of |n| mappings placed by
// |place| (0: compact VMAR, 1: randomised VMAR, 2: independent mmap calls).
static long pte_kb(size_t n, int place) {
  const size_t page = vmar_page_size();
  vmar_vaddr_t* addrs = calloc(n, sizeof(*addrs));
  check_errno(addrs != NULL, "calloc");
  vmar_handle_t vmar = VMAR_HANDLE_INVALID;
  int fd = -1;
  const long before = status_kb("VmPTE");
  if (place == 2) {
    fd = memfd_create("bench", MFD_CLOEXEC);
    check_errno(fd >= 0 && ftruncate(fd, (off_t)page) == 0, "memfd");
    for (size_t i = 0; i < n; i++) {
      void* p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      check_errno(p != MAP_FAILED, "mmap");
      addrs[i] = (vmar_vaddr_t)p;
    }
  } else {
    vmar_vaddr_t base;
    // A randomised VMAR spreads its children over its whole range: give it
    // room to spread (64 GiB of address space, reserved, never committed).
    const size_t size = place == 0 ? (n + 64) * page : (size_t)64 << 30;
    check(vmar_allocate(vmar_root_self(),
                        (place == 0 ? VMAR_VM_COMPACT : 0) |
                            VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE,
                        0, size, &vmar, &base),
          "allocate");
    map_many(vmar, n, addrs);
  }
  for (size_t i = 0; i < n; i++) {
    *(volatile char*)addrs[i] = 1;
  }
  const long grown = status_kb("VmPTE") - before;
  if (place == 2) {
    for (size_t i = 0; i < n; i++) {
      munmap((void*)addrs[i], page);
    }
    close(fd);
  } else {
    check(vmar_destroy(vmar), "destroy");
    vmar_handle_close(vmar);
  }
  free(addrs);
  return grown;
}

static void bench_pte(bool quick) {
  const size_t n = quick ? 2000 : 10000;
  raise_fd_limit(n + 256);
  // One page-table page maps page_size / 8 pages.
  const double per_table = (double)vmar_page_size() / 8;
  const double min_kb =
      (double)n / per_table * (double)vmar_page_size() / 1024.0;
  const char* names[] = {"compact VMAR", "randomised VMAR", "independent mmap"};
  for (int place = 0; place < 3; place++) {
    long kb = pte_kb(n, place);
    char what[96];
    snprintf(what, sizeof(what), "VmPTE, %zu touched mappings, %s", n,
             names[place]);
    add("5", "kB", (double)kb, min_kb, (double)kb / min_kb,
        place == 0 ? 1.25 : 0, false, what);
  }
}

// ---- 6. Bookkeeping bytes per child VMAR -----------------------------------

static void bench_memory(bool quick) {
  const size_t n = quick ? 20000 : 100000;
  const size_t page = vmar_page_size();
  vmar_handle_t parent;
  vmar_vaddr_t base;
  check(vmar_allocate(vmar_root_self(), VMAR_VM_COMPACT, 0, (n + 64) * page,
                      &parent, &base),
        "allocate parent");
  vmar_handle_t* kids = malloc(n * sizeof(*kids));
  check_errno(kids != NULL, "malloc");
  const size_t before = heap_in_use();
  for (size_t i = 0; i < n; i++) {
    vmar_vaddr_t a;
    check(vmar_allocate(parent, 0, 0, page, &kids[i], &a), "allocate");
  }
  const size_t after = heap_in_use();
  for (size_t i = 0; i < n; i++) {
    vmar_handle_close(kids[i]);
  }
  free(kids);
  check(vmar_destroy(parent), "destroy");
  vmar_handle_close(parent);
  double per =
      before == 0 && after == 0 ? 0 : (double)(after - before) / (double)n;
  char what[96];
  snprintf(what, sizeof(what),
           "heap bytes per live child VMAR, handle included (n=%zu)", n);
  result_t* r = add("6", "B", per, 128, per / 128, 1.0, false, what);
  snprintf(r->note, sizeof(r->note), "malloc chunk sizes, from mallinfo2");
}

// ---- 7. Threads ------------------------------------------------------------

typedef struct worker {
  vmar_handle_t vmar;
  vmar_handle_t vmo;
  vmar_vaddr_t spot;
  int fd;
  int mode; // 0: allocate/destroy, 1: vmar map/unmap, 2: bare mmap
  size_t iters;
  pthread_barrier_t* start;
} worker_t;

static void* work(void* arg) {
  worker_t* w = arg;
  const size_t page = vmar_page_size();
  pthread_barrier_wait(w->start);
  for (size_t i = 0; i < w->iters; i++) {
    if (w->mode == 0) {
      vmar_handle_t c;
      vmar_vaddr_t a;
      check(vmar_allocate(w->vmar, 0, 0, page, &c, &a), "allocate");
      check(vmar_destroy(c), "destroy");
      vmar_handle_close(c);
    } else if (w->mode == 1) {
      vmar_vaddr_t a;
      check(vmar_map(w->vmar, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, w->vmo,
                     0, page, &a),
            "map");
      check(vmar_unmap(w->vmar, a, page), "unmap");
    } else {
      check_errno(
          mmap((void*)w->spot, page, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_FIXED, w->fd, 0) != MAP_FAILED &&
              mmap((void*)w->spot, page, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
                   0) != MAP_FAILED,
          "mmap");
    }
  }
  return NULL;
}

// Operations per second with |threads| threads, each in its own reservation.
static double throughput(int mode, int threads, size_t iters) {
  const size_t page = vmar_page_size();
  worker_t w[2];
  pthread_t tid[2];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
  for (int t = 0; t < threads; t++) {
    vmar_vaddr_t base;
    check(vmar_allocate(vmar_root_self(),
                        VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                            VMAR_VM_CAN_MAP_WRITE,
                        0, 64 * page, &w[t].vmar, &base),
          "allocate");
    check(vmar_vmo_create(page, 0, &w[t].vmo), "vmo_create");
    w[t].spot = base;
    w[t].fd = memfd_create("bench", MFD_CLOEXEC);
    check_errno(w[t].fd >= 0 && ftruncate(w[t].fd, (off_t)page) == 0, "memfd");
    w[t].mode = mode;
    w[t].iters = iters;
    w[t].start = &start;
    pthread_create(&tid[t], NULL, work, &w[t]);
  }
  double t0 = now_ns();
  pthread_barrier_wait(&start);
  for (int t = 0; t < threads; t++) {
    pthread_join(tid[t], NULL);
  }
  double secs = (now_ns() - t0) / 1e9;
  for (int t = 0; t < threads; t++) {
    close(w[t].fd);
    check(vmar_destroy(w[t].vmar), "destroy");
    vmar_handle_close(w[t].vmar);
    vmar_handle_close(w[t].vmo);
  }
  pthread_barrier_destroy(&start);
  return (double)(iters * (size_t)threads) / secs;
}

// Medians of one- and two-thread throughput, the two measured alternately so
// that frequency changes hit both alike.
static void paired_throughput(int mode, size_t iters, double* one,
                              double* two) {
  double s1[REPS], s2[REPS];
  for (int r = 0; r < REPS; r++) {
    s1[r] = throughput(mode, 1, iters);
    s2[r] = throughput(mode, 2, iters);
  }
  *one = median(s1, REPS);
  *two = median(s2, REPS);
}

static void bench_threads(bool quick) {
  const size_t iters = quick ? 20000 : 100000;
  double one, two;
  paired_throughput(0, iters, &one, &two);
  add("7a", "op/s", two, one, two / one, 1.5, true,
      "allocate/destroy, 2 threads in 2 reservations vs 1 thread");
  const size_t map_iters = quick ? 4000 : 20000;
  double m1, m2, b1, b2;
  paired_throughput(1, map_iters, &m1, &m2);
  paired_throughput(2, map_iters, &b1, &b2);
  result_t* r = add("7b", "x", m2 / m1, b2 / b1, (m2 / m1) / (b2 / b1), 0.9,
                    true, "map/unmap scaling 1->2 threads, vmar vs bare mmap");
  snprintf(r->note, sizeof(r->note),
           "vmar %.0f -> %.0f op/s, bare %.0f -> %.0f op/s", m1, m2, b1, b2);
}

// ---- 8. Against the host's own placement -----------------------------------

static void bench_host_placement(bool quick) {
  const size_t n = quick ? 5000 : 30000;
  const size_t iters = quick ? 5000 : 20000;
  const size_t page = vmar_page_size();
  raise_fd_limit(1024);
  // n host mappings that cannot merge (alternating protections).
  char* block = mmap(NULL, 2 * n * page, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  check_errno(block != MAP_FAILED, "mmap block");
  for (size_t i = 0; i < 2 * n; i += 2) {
    check_errno(mprotect(block + i * page, page, PROT_READ) == 0, "mprotect");
  }
  double bare[REPS];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ns();
    for (size_t i = 0; i < iters; i++) {
      void* p = mmap(NULL, page, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      check_errno(p != MAP_FAILED && munmap(p, page) == 0, "mmap");
    }
    bare[r] = (now_ns() - t0) / (double)iters;
  }
  munmap(block, 2 * n * page);
  double ours = placement_ns(n, false, iters);
  double b = median(bare, REPS);
  char what[96];
  snprintf(what, sizeof(what),
           "allocate+destroy among %zu children vs mmap(NULL)+munmap among "
           "%zu VMAs",
           n, n);
  add("8", "ns", ours, b, ours / b, 1.0, false, what);
}

// ---- Output ----------------------------------------------------------------

static void print_table(void) {
  printf("| # | benchmark | vmar | baseline | ratio | target | verdict |\n");
  printf("|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < nresults; i++) {
    const result_t* r = &results[i];
    char base[32] = "-", target[32] = "-";
    if (r->base != 0) {
      snprintf(base, sizeof(base), "%.1f %s", r->base, r->unit);
    }
    if (r->target != 0) {
      snprintf(target, sizeof(target), "%s %.2f",
               r->at_least ? ">=" : "<=", r->target);
    }
    printf("| %s | %s%s%s%s | %.1f %s | %s | %.3f | %s | %s |\n", r->id,
           r->what, r->note[0] ? " (" : "", r->note, r->note[0] ? ")" : "",
           r->value, r->unit, base, r->ratio, target,
           r->target == 0 ? "info"
           : passed(r)    ? "PASS"
                          : "MISS");
  }
}

static void print_json(void) {
  for (int i = 0; i < nresults; i++) {
    const result_t* r = &results[i];
    printf("{\"id\":\"%s\",\"what\":\"%s\",\"unit\":\"%s\",\"value\":%.3f,"
           "\"baseline\":%.3f,\"ratio\":%.4f,\"target\":%.3f,"
           "\"at_least\":%s,\"verdict\":\"%s\",\"note\":\"%s\"}\n",
           r->id, r->what, r->unit, r->value, r->base, r->ratio, r->target,
           r->at_least ? "true" : "false",
           r->target == 0 ? "info"
           : passed(r)    ? "PASS"
                          : "MISS",
           r->note);
  }
}

int main(int argc, char** argv) {
  bool json = false, quick = false;
  bool only[9] = {false};
  bool any_only = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      int k = atoi(argv[++i]);
      if (k >= 1 && k <= 8) {
        only[k] = any_only = true;
      }
    } else {
      fprintf(stderr, "usage: %s [--json] [--quick] [--only 1..8]...\n",
              argv[0]);
      return 2;
    }
  }
  void (*const benches[9])(bool) = {
      NULL,         bench_placement,   bench_map,
      bench_vmo,    bench_vma_economy, bench_pte,
      bench_memory, bench_threads,     bench_host_placement};
  double t0 = now_ns();
  for (int k = 1; k <= 8; k++) {
    if (!any_only || only[k]) {
      benches[k](quick);
    }
  }
  double secs = (now_ns() - t0) / 1e9;
  struct utsname u;
  uname(&u);
  char date[32];
  time_t now = time(NULL);
  strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&now));
  if (json) {
    printf("{\"machine\":\"%s %s, %ld CPUs\",\"date\":\"%s\",\"page\":%zu,"
           "\"seconds\":%.1f%s}\n",
           u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN), date,
           vmar_page_size(), secs, quick ? ",\"quick\":true" : "");
    print_json();
  } else {
    printf("vmar_bench on %s %s (%s), %ld CPUs, %s, %.1f s%s\n\n", u.sysname,
           u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), date, secs,
           quick ? " (quick)" : "");
    print_table();
  }
  int missed = 0;
  for (int i = 0; i < nresults; i++) {
    missed += !passed(&results[i]);
  }
  return missed == 0 ? 0 : 3;
}
