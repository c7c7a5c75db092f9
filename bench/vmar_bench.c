// SPDX-License-Identifier: MIT
// vmar_bench: what vmar costs, as ratios against baselines measured in the
// same run, with each target and a verdict. Every figure is measured
// --repeats times (5 by default, at least 5); the table shows the median and
// the range, and the verdict uses the median.
//
//   vmar_bench [--json] [--quick] [--repeats N] [--only ID]...
//
// Figures (bench/README.md explains each):
//   1 placement scaling (1c, 1r)     7 threads (7a, 7b, 7c, 7d)
//   2 map+unmap vs bare mmap         8 allocate vs the host's mmap(NULL)
//   3 VMO create+close               9 VMO read/write (9a, 9b)
//   4 VMA economy (4a, 4b)          10 a region's life vs bare mmap/munmap
//   5 page-table cost (VmPTE)       11 figure 2 with file-backed VMOs
//   6 bookkeeping bytes per VMAR    12 VMO children (12a, 12b, 12c)
//
// Figure 11 runs in a child process: vmar reads VMAR_POSIX_VMO_BACKING once,
// so the bench runs itself again with VMAR_POSIX_VMO_BACKING=file and the
// internal option --child-figure 11, and merges the JSON rows it prints.

#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#else
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <vmar/vmar.h>

extern char** environ;

#define DEFAULT_REPEATS 5
#define MIN_REPEATS 5
#define MAX_REPEATS 64
#define MAX_RESULTS 64
#define MAX_ONLY 32
#define MIB ((size_t)1 << 20)

// ---- Options ---------------------------------------------------------------

static int reps = DEFAULT_REPEATS; // --repeats
static bool quick;                 // --quick
static const char* only_ids[MAX_ONLY];
static int nonly;
static const char* self_argv0;

// Every figure id --only accepts; a bare number selects the whole figure.
static const char* const known_ids[] = {
    "1",  "1c", "1r", "2",  "3",   "4",   "4a", "4b", "5",
    "6",  "7",  "7a", "7b", "7c",  "7d",  "8",  "9",  "9a",
    "9b", "10", "11", "12", "12a", "12b", "12c"};

static bool known_id(const char* id) {
  for (size_t i = 0; i < sizeof(known_ids) / sizeof(known_ids[0]); i++) {
    if (strcmp(known_ids[i], id) == 0) {
      return true;
    }
  }
  return false;
}

// Whether figure |id| ("7c") runs: no --only, or --only gave it or its
// number ("7").
static bool wanted(const char* id) {
  if (nonly == 0) {
    return true;
  }
  const size_t digits = strspn(id, "0123456789");
  for (int i = 0; i < nonly; i++) {
    if (strcmp(only_ids[i], id) == 0 ||
        (strlen(only_ids[i]) == digits &&
         strncmp(only_ids[i], id, digits) == 0)) {
      return true;
    }
  }
  return false;
}

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

typedef struct stats {
  double min, med, max;
} stats_t;

static stats_t stats_of(const double* x, int n) {
  double s[MAX_REPEATS];
  memcpy(s, x, (size_t)n * sizeof(double));
  qsort(s, (size_t)n, sizeof(double), cmp_double);
  stats_t st = {s[0], n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2,
                s[n - 1]};
  return st;
}

static double median_of(const double* x, int n) { return stats_of(x, n).med; }

#if defined(__linux__) || defined(__GLIBC__)
// A constant baseline, one sample per repeat.
static void fill(double* x, double value) {
  for (int r = 0; r < reps; r++) {
    x[r] = value;
  }
}
#endif

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

// Runs |ours| and |bare| (each doing |n| operations) |iters| times per repeat,
// alternating in |blocks| short blocks so that frequency changes and
// neighbours hit both alike. Fills ns per operation for each repeat.
typedef void (*loop_fn)(void* ctx, size_t n);

static void paired(loop_fn ours, void* octx, loop_fn bare, void* bctx,
                   size_t iters, size_t blocks, double* vo, double* vb) {
  size_t per_block = iters / blocks;
  if (per_block == 0) {
    per_block = 1;
  }
  for (int r = 0; r < reps; r++) {
    vo[r] = vb[r] = 0;
    for (size_t k = 0; k < blocks; k++) {
      // Each side goes first in every other block, so work the host defers
      // (freeing files, say) falls on both alike.
      const bool bare_first = k % 2 == 0;
      double t0 = now_ns();
      bare_first ? bare(bctx, per_block) : ours(octx, per_block);
      double t1 = now_ns();
      bare_first ? ours(octx, per_block) : bare(bctx, per_block);
      double t2 = now_ns();
      vb[r] += bare_first ? t1 - t0 : t2 - t1;
      vo[r] += bare_first ? t2 - t1 : t1 - t0;
    }
    vb[r] /= (double)(blocks * per_block);
    vo[r] /= (double)(blocks * per_block);
  }
}

// ---- Host helpers ----------------------------------------------------------

// An unlinked file in $TMPDIR (or /tmp), as vmar's "file" VMO backing uses.
static int tmp_file(void) {
  const char* dir = getenv("TMPDIR");
  if (dir == NULL || dir[0] == '\0') {
    dir = "/tmp";
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/vmar_bench.XXXXXX", dir);
  int fd = mkstemp(path);
  if (fd >= 0) {
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  return fd;
}

enum bare_kind { BARE_MEMFD, BARE_TMPFILE };

// The baselines' file of |size| bytes: a memfd on Linux (what vmar uses
// there), else, and for BARE_TMPFILE, an unlinked file in $TMPDIR.
static int bare_file(size_t size, enum bare_kind kind) {
#if defined(__linux__)
  int fd = kind == BARE_MEMFD ? memfd_create("bench", MFD_CLOEXEC) : tmp_file();
#else
  (void)kind;
  int fd = tmp_file();
#endif
  check_errno(fd >= 0 && ftruncate(fd, (off_t)size) == 0, "bare file");
  return fd;
}

static const char* bare_name(void) {
#if defined(__linux__)
  return "memfd";
#else
  return "$TMPDIR file";
#endif
}

static void raise_fd_limit(size_t need) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
    rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

#if defined(__linux__)
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

// The file the host says is mapped at |addr| ("" if none or unknown).
static void mapped_file(uintptr_t addr, char* out, size_t cap) {
  out[0] = '\0';
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return;
  }
  char line[512];
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strtoull(line, NULL, 16) == (unsigned long long)addr) {
      char* path = strchr(line, '/');
      if (path != NULL) {
        path[strcspn(path, "\n")] = '\0';
        snprintf(out, cap, "%s", path);
      }
      break;
    }
  }
  fclose(f);
}
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#define HAVE_MALLINFO2 1
// Heap bytes in use (chunk sizes, so allocator overhead counts too).
static size_t heap_in_use(void) { return mallinfo2().uordblks; }
#endif

// ---- Results ---------------------------------------------------------------

typedef struct result {
  char id[8];
  char what[128];
  char unit[16];
  int n;                 // samples (0: skipped)
  double v[MAX_REPEATS]; // vmar's figure, one per repeat
  double b[MAX_REPEATS]; // the baseline's, one per repeat
  bool has_base;
  double target; // 0: informational
  bool at_least; // the ratio must be >= target (else <=)
  char note[192];
} result_t;

static result_t results[MAX_RESULTS];
static int nresults;

static result_t* new_row(const char* id, const char* unit, const char* fmt,
                         va_list ap) {
  if (nresults == MAX_RESULTS) {
    fprintf(stderr, "vmar_bench: too many rows\n");
    exit(1);
  }
  result_t* r = &results[nresults++];
  memset(r, 0, sizeof(*r));
  snprintf(r->id, sizeof(r->id), "%s", id);
  snprintf(r->unit, sizeof(r->unit), "%s", unit);
  vsnprintf(r->what, sizeof(r->what), fmt, ap);
  return r;
}

// A row from |reps| samples of vmar (|v|) and of the baseline (|b|, or NULL).
static result_t* add(const char* id, const char* unit, const double* v,
                     const double* b, double target, bool at_least,
                     const char* fmt, ...)
    __attribute__((format(printf, 7, 8)));

static result_t* add(const char* id, const char* unit, const double* v,
                     const double* b, double target, bool at_least,
                     const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  result_t* r = new_row(id, unit, fmt, ap);
  va_end(ap);
  r->n = reps;
  memcpy(r->v, v, (size_t)reps * sizeof(double));
  if (b != NULL) {
    r->has_base = true;
    memcpy(r->b, b, (size_t)reps * sizeof(double));
  }
  r->target = target;
  r->at_least = at_least;
  return r;
}

// A row for a figure this host cannot measure.
static void skip(const char* id, const char* reason, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void skip(const char* id, const char* reason, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  result_t* r = new_row(id, "-", fmt, ap);
  va_end(ap);
  snprintf(r->note, sizeof(r->note), "%s", reason);
}

// The ratios of each repeat's pair of samples: their median is the figure's
// ratio, the one the verdict uses. Both sides of a repeat were measured
// together (interleaved, or back to back), so a host that slows down or
// speeds up between repeats moves both alike and leaves the ratio alone; a
// ratio of the two sides' medians would pair samples from different moments.
static stats_t ratio_range(const result_t* r) {
  double q[MAX_REPEATS];
  for (int i = 0; i < r->n; i++) {
    q[i] = r->v[i] / r->b[i];
  }
  return stats_of(q, r->n);
}

static double ratio_of(const result_t* r) { return ratio_range(r).med; }

// The older summary, kept in the JSON for comparison with earlier runs.
static double ratio_of_medians(const result_t* r) {
  return median_of(r->v, r->n) / median_of(r->b, r->n);
}

static const char* verdict(const result_t* r) {
  if (r->n == 0) {
    return "skipped";
  }
  if (r->target == 0 || !r->has_base) {
    return "info";
  }
  const double q = ratio_of(r);
  return (r->at_least ? q >= r->target : q <= r->target) ? "PASS" : "MISS";
}

// ---- 1. Placement scaling --------------------------------------------------

// A VMAR holding |n| one-page children and the probe that is timed in it.
// COMPACT: children back to back with one-page holes, the probe asks for two
// pages, so every hole is too small and only the tail fits (an allocator that
// walks children or gaps pays n steps). Randomised: the same layout, a
// one-page probe, so every hole is a candidate and the spot is drawn at
// random over the whole VMAR. Fills ns per allocate+destroy, per repeat.
static void placement_ns(size_t n, bool compact, size_t iters, double* out) {
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
  for (int r = 0; r < reps; r++) {
    double t0 = now_ns();
    for (size_t i = 0; i < iters; i++) {
      vmar_handle_t c;
      vmar_vaddr_t a;
      check(vmar_allocate(parent, 0, 0, probe, &c, &a), "allocate probe");
      check(vmar_destroy(c), "destroy probe");
      vmar_handle_close(c);
    }
    out[r] = (now_ns() - t0) / (double)iters;
  }
  check(vmar_destroy(parent), "destroy parent");
  vmar_handle_close(parent);
}

static void bench_placement(void) {
  const size_t ns[] = {10, 1000, 100000, 1000000};
  const size_t count = quick ? 3 : 4;
  const size_t iters = quick ? 5000 : 20000;
  for (int k = 0; k < 2; k++) {
    const bool compact = k == 0;
    const char* id = compact ? "1c" : "1r";
    const char* kind = compact ? "compact" : "randomised";
    if (!wanted(id)) {
      continue;
    }
    double base[MAX_REPEATS], t[MAX_REPEATS];
    placement_ns(ns[0], compact, iters, base);
    add(id, "ns", base, NULL, 0, false, "placement n=10, %s", kind);
    for (size_t i = 1; i < count; i++) {
      placement_ns(ns[i], compact, iters, t);
      double target = ns[i] == 100000 ? (compact ? 3.0 : 8.0) : 0;
      add(id, "ns", t, base, target, false, "placement n=%zu vs n=10, %s",
          ns[i], kind);
    }
  }
}

// ---- 2 and 11. Map+unmap against the bare host calls -----------------------

typedef struct map_ctx {
  vmar_handle_t vmar, probe;
  vmar_vaddr_t spot;
  int fd;
  size_t page;
} map_ctx_t;

static void map_ours(void* p, size_t n) {
  map_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    vmar_vaddr_t a;
    check(vmar_map(c->vmar, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, c->probe,
                   0, c->page, &a),
          "map");
    check(vmar_unmap(c->vmar, a, c->page), "unmap");
  }
}

static void map_bare(void* p, size_t n) {
  map_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    check_errno(
        mmap((void*)c->spot, c->page, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_FIXED, c->fd, 0) != MAP_FAILED &&
            mmap((void*)c->spot, c->page, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
                 0) != MAP_FAILED,
        "mmap");
  }
}

// Map+unmap of a one-page VMO in a COMPACT VMAR holding |held| mappings,
// against the bare calls at the same address on a file of the given kind.
// Fills ns per map+unmap; |backing| receives what the probe is mapped from.
static void map_unmap_ns(size_t held, enum bare_kind kind, double* ours,
                         double* bare, char* backing, size_t cap) {
  const size_t iters = quick ? 4000 : 20000;
  const size_t page = vmar_page_size();
  const vmar_vm_option_t rw = VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE;
  vmar_handle_t vmo;
  vmar_vaddr_t base;
  map_ctx_t c = {.page = page};
  check(vmar_allocate(vmar_root_self(),
                      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                          VMAR_VM_CAN_MAP_WRITE,
                      0, (held + 64) * page, &c.vmar, &base),
        "allocate");
  check(vmar_vmo_create(page, 0, &vmo), "vmo_create");
  for (size_t i = 0; i < held; i++) {
    vmar_vaddr_t a;
    check(vmar_map(c.vmar, rw, 0, vmo, 0, page, &a), "map held");
  }
  // The probe maps a VMO of its own, as the baseline maps a file of its own
  // (sharing the held mappings' file would charge the host's per-file
  // mapping index to vmar alone).
  check(vmar_vmo_create(page, 0, &c.probe), "vmo_create probe");
  check(vmar_map(c.vmar, rw, 0, c.probe, 0, page, &c.spot), "map probe");
  backing[0] = '\0';
#if defined(__linux__)
  mapped_file(c.spot, backing, cap);
#else
  (void)cap;
#endif
  check(vmar_unmap(c.vmar, c.spot, page), "unmap probe");
  c.fd = bare_file(page, kind);
  paired(map_ours, &c, map_bare, &c, iters, 20, ours, bare);
  close(c.fd);
  check(vmar_destroy(c.vmar), "destroy");
  vmar_handle_close(c.vmar);
  vmar_handle_close(vmo);
  vmar_handle_close(c.probe);
}

static void bench_map(void) {
  if (!wanted("2")) {
    return;
  }
  const size_t held = quick ? 1000 : 10000;
  double ours[MAX_REPEATS], bare[MAX_REPEATS];
  char backing[256];
  map_unmap_ns(held, BARE_MEMFD, ours, bare, backing, sizeof(backing));
  result_t* r = add("2", "ns", ours, bare, 1.08, false,
                    "map+unmap 1 page among %zu mappings, vs bare mmap of a %s",
                    held, bare_name());
  int over = 0;
  for (int i = 0; i < r->n; i++) {
    over += r->v[i] / r->b[i] > 1.10;
  }
  snprintf(r->note, sizeof(r->note), "%d of %d repeats > 1.10", over, r->n);
}

// Figure 11, in the child process (VMAR_POSIX_VMO_BACKING=file).
static void bench_map_file_child(void) {
  const size_t held = quick ? 1000 : 10000;
  double ours[MAX_REPEATS], bare[MAX_REPEATS];
  char backing[256];
  map_unmap_ns(held, BARE_TMPFILE, ours, bare, backing, sizeof(backing));
  result_t* r = add("11", "ns", ours, bare, 0, false,
                    "map+unmap 1 page among %zu mappings, file-backed VMOs, vs "
                    "bare mmap of a $TMPDIR file",
                    held);
  if (backing[0] != '\0') {
    snprintf(r->note, sizeof(r->note), "%sprobe maps %.120s",
             strstr(backing, "memfd:") != NULL ? "NOT FILE-BACKED: " : "",
             backing);
  }
}

// ---- 3. VMO create+close ---------------------------------------------------

static void vmo_create_ours(void* p, size_t n) {
  const size_t page = *(const size_t*)p;
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t vmo;
    check(vmar_vmo_create(page, 0, &vmo), "vmo_create");
    check(vmar_handle_close(vmo), "close");
  }
}

static void vmo_create_bare(void* p, size_t n) {
  const size_t page = *(const size_t*)p;
  for (size_t i = 0; i < n; i++) {
    close(bare_file(page, BARE_MEMFD));
  }
}

static void bench_vmo(void) {
  if (!wanted("3")) {
    return;
  }
  const size_t iters = quick ? 4000 : 40000;
  size_t page = vmar_page_size();
  double ours[MAX_REPEATS], bare[MAX_REPEATS];
  // Fine-grained blocks: closing a file frees it later, in bursts.
  paired(vmo_create_ours, &page, vmo_create_bare, &page, iters, 100, ours,
         bare);
  add("3", "ns", ours, bare, 1.20, false,
      "VMO create+close vs %s create+ftruncate+close", bare_name());
}

// ---- 4. VMA economy --------------------------------------------------------

#if defined(__linux__)
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
#endif

static void bench_vma_economy(void) {
  const bool a = wanted("4a"), b = wanted("4b");
  if (!a && !b) {
    return;
  }
#if defined(__linux__)
  const size_t n = quick ? 2000 : 10000;
  const size_t page = vmar_page_size();
  raise_fd_limit(n + 256);
  vmar_vaddr_t* addrs = calloc(n, sizeof(*addrs));
  check_errno(addrs != NULL, "calloc");
  double added[MAX_REPEATS], nn[MAX_REPEATS], after[MAX_REPEATS],
      before[MAX_REPEATS];
  for (int r = 0; r < reps; r++) {
    vmar_handle_t vmar;
    vmar_vaddr_t base;
    check(vmar_allocate(vmar_root_self(),
                        VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                            VMAR_VM_CAN_MAP_WRITE,
                        0, (n + 64) * page, &vmar, &base),
          "allocate");
    before[r] = (double)vma_count();
    map_many(vmar, n, addrs);
    added[r] = (double)vma_count() - before[r];
    for (size_t i = 0; i < n; i++) {
      check(vmar_unmap(vmar, addrs[i], page), "unmap");
    }
    after[r] = (double)vma_count();
    check(vmar_destroy(vmar), "destroy");
    vmar_handle_close(vmar);
  }
  free(addrs);
  fill(nn, (double)n);
  if (a) {
    result_t* row = add("4a", "VMAs", added, nn, (double)(n + 2) / (double)n,
                        false, "VMAs added by %zu mappings (target <= N+2)", n);
    snprintf(row->note, sizeof(row->note), "%.0f before, %.0f mapped",
             median_of(before, reps),
             median_of(before, reps) + median_of(added, reps));
  }
  if (b) {
    result_t* row = add("4b", "VMAs", after, before, 1.0, false,
                        "VMAs after unmapping all (target: the count before)");
    snprintf(row->note, sizeof(row->note), "%.0f after vs %.0f before",
             median_of(after, reps), median_of(before, reps));
  }
#else
  if (a) {
    skip("4a", "needs /proc/self/maps", "VMAs added by mappings");
  }
  if (b) {
    skip("4b", "needs /proc/self/maps", "VMAs after unmapping all");
  }
#endif
}

// ---- 5. Page-table cost ----------------------------------------------------

#if defined(__linux__)
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
    fd = bare_file(page, BARE_MEMFD);
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
#endif

static void bench_pte(void) {
  if (!wanted("5")) {
    return;
  }
  const char* names[] = {"compact VMAR", "randomised VMAR", "independent mmap"};
  const size_t n = quick ? 2000 : 10000;
#if defined(__linux__)
  raise_fd_limit(n + 256);
  // One page-table page maps page_size / 8 pages.
  const double per_table = (double)vmar_page_size() / 8;
  const double min_kb =
      (double)n / per_table * (double)vmar_page_size() / 1024.0;
  double kb[3][MAX_REPEATS], floor_kb[MAX_REPEATS];
  for (int r = 0; r < reps; r++) {
    for (int place = 0; place < 3; place++) {
      kb[place][r] = (double)pte_kb(n, place);
    }
  }
  fill(floor_kb, min_kb);
  for (int place = 0; place < 3; place++) {
    add("5", "kB", kb[place], floor_kb, place == 0 ? 1.25 : 0, false,
        "VmPTE, %zu touched mappings, %s", n, names[place]);
  }
#else
  for (int place = 0; place < 3; place++) {
    skip("5", "needs VmPTE in /proc/self/status",
         "VmPTE, %zu touched mappings, %s", n, names[place]);
  }
#endif
}

// ---- 6. Bookkeeping bytes per child VMAR -----------------------------------

static void bench_memory(void) {
  if (!wanted("6")) {
    return;
  }
  const size_t n = quick ? 20000 : 100000;
#if defined(HAVE_MALLINFO2)
  // A sanitizer's allocator: mallinfo2 sees nothing, not even a block
  // allocated right now.
  char* volatile probe = malloc(64); // volatile: the pair is not elided
  const size_t seen = heap_in_use();
  free(probe);
  if (seen == 0) {
    skip("6", "mallinfo2 reports no heap (another allocator?)",
         "heap bytes per live child VMAR, handle included (n=%zu)", n);
    return;
  }
  const size_t page = vmar_page_size();
  vmar_handle_t* kids = malloc(n * sizeof(*kids));
  check_errno(kids != NULL, "malloc");
  double per[MAX_REPEATS], budget[MAX_REPEATS];
  for (int r = 0; r < reps; r++) {
    vmar_handle_t parent;
    vmar_vaddr_t base;
    check(vmar_allocate(vmar_root_self(), VMAR_VM_COMPACT, 0, (n + 64) * page,
                        &parent, &base),
          "allocate parent");
    const size_t before = heap_in_use();
    for (size_t i = 0; i < n; i++) {
      vmar_vaddr_t a;
      check(vmar_allocate(parent, 0, 0, page, &kids[i], &a), "allocate");
    }
    const size_t after = heap_in_use();
    for (size_t i = 0; i < n; i++) {
      vmar_handle_close(kids[i]);
    }
    check(vmar_destroy(parent), "destroy");
    vmar_handle_close(parent);
    per[r] = ((double)after - (double)before) / (double)n;
  }
  free(kids);
  fill(budget, 128);
  result_t* row =
      add("6", "B", per, budget, 1.0, false,
          "heap bytes per live child VMAR, handle included (n=%zu)", n);
  snprintf(row->note, sizeof(row->note), "malloc chunk sizes, from mallinfo2");
#else
  skip("6", "needs glibc's mallinfo2",
       "heap bytes per live child VMAR, handle included (n=%zu)", n);
#endif
}

// ---- 7 and 9b. Threads -----------------------------------------------------

// A barrier of our own (macOS has no pthread_barrier_t).
typedef struct barrier {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int count, waiting;
  unsigned long round;
} barrier_t;

static void barrier_init(barrier_t* b, int count) {
  pthread_mutex_init(&b->lock, NULL);
  pthread_cond_init(&b->cond, NULL);
  b->count = count;
  b->waiting = 0;
  b->round = 0;
}

static void barrier_wait(barrier_t* b) {
  pthread_mutex_lock(&b->lock);
  const unsigned long round = b->round;
  if (++b->waiting == b->count) {
    b->waiting = 0;
    b->round++;
    pthread_cond_broadcast(&b->cond);
  } else {
    while (round == b->round) {
      pthread_cond_wait(&b->cond, &b->lock);
    }
  }
  pthread_mutex_unlock(&b->lock);
}

static void barrier_destroy(barrier_t* b) {
  pthread_cond_destroy(&b->cond);
  pthread_mutex_destroy(&b->lock);
}

enum mode {
  MODE_ALLOC,    // vmar_allocate + vmar_destroy of a one-page child
  MODE_MAP,      // vmar_map + vmar_unmap of a one-page VMO
  MODE_BARE_MAP, // mmap(MAP_FIXED) of a file + mmap(PROT_NONE) back
  MODE_VMO_IO,   // vmar_vmo_write + vmar_vmo_read of |io| bytes
  MODE_BARE_IO,  // pwrite + pread of |io| bytes on a file
};

// Who creates the threads' top-level VMARs.
enum maker {
  BY_MAIN,  // the main thread, before starting the workers
  BY_FIRST, // the first worker, for every worker
  BY_EACH,  // each worker its own
};

#define IO_VMO_SIZE ((size_t)16 << 12)

typedef struct thread_run {
  enum mode mode;
  enum maker maker;
  size_t iters; // per thread
  size_t io;    // bytes per read or write (MODE_*_IO)
} thread_run_t;

typedef struct worker {
  struct worker* all;
  int index, threads;
  const thread_run_t* run;
  vmar_handle_t vmar;
  vmar_handle_t vmo;
  vmar_vaddr_t spot;
  int fd;
  unsigned char* buf;
  barrier_t* start;
} worker_t;

static void make_vmar(worker_t* w) {
  vmar_vaddr_t base;
  check(vmar_allocate(vmar_root_self(),
                      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                          VMAR_VM_CAN_MAP_WRITE,
                      0, 64 * vmar_page_size(), &w->vmar, &base),
        "allocate");
  w->spot = base;
}

static void* work(void* arg) {
  worker_t* w = arg;
  const thread_run_t* run = w->run;
  const size_t page = vmar_page_size();
  if (run->maker == BY_EACH) {
    make_vmar(w);
  } else if (run->maker == BY_FIRST && w->index == 0) {
    for (int t = 0; t < w->threads; t++) {
      make_vmar(&w->all[t]);
    }
  }
  barrier_wait(w->start); // the others' VMARs are published by now
  for (size_t i = 0; i < run->iters; i++) {
    switch (run->mode) {
    case MODE_ALLOC: {
      vmar_handle_t c;
      vmar_vaddr_t a;
      check(vmar_allocate(w->vmar, 0, 0, page, &c, &a), "allocate");
      check(vmar_destroy(c), "destroy");
      vmar_handle_close(c);
      break;
    }
    case MODE_MAP: {
      vmar_vaddr_t a;
      check(vmar_map(w->vmar, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, w->vmo,
                     0, page, &a),
            "map");
      check(vmar_unmap(w->vmar, a, page), "unmap");
      break;
    }
    case MODE_BARE_MAP:
      check_errno(
          mmap((void*)w->spot, page, PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_FIXED, w->fd, 0) != MAP_FAILED &&
              mmap((void*)w->spot, page, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
                   0) != MAP_FAILED,
          "mmap");
      break;
    case MODE_VMO_IO:
      check(vmar_vmo_write(w->vmo, w->buf, 0, run->io), "vmo_write");
      check(vmar_vmo_read(w->vmo, w->buf, 0, run->io), "vmo_read");
      break;
    case MODE_BARE_IO:
      check_errno(pwrite(w->fd, w->buf, run->io, 0) == (ssize_t)run->io &&
                      pread(w->fd, w->buf, run->io, 0) == (ssize_t)run->io,
                  "pwrite/pread");
      break;
    }
  }
  return NULL;
}

// Loop iterations per second with |threads| threads, each in its own
// reservation (and with its own VMO and file).
static double throughput(const thread_run_t* run, int threads) {
  const size_t page = vmar_page_size();
  const bool io = run->mode == MODE_VMO_IO || run->mode == MODE_BARE_IO;
  const size_t size = io ? IO_VMO_SIZE : page;
  worker_t w[2];
  pthread_t tid[2];
  barrier_t start;
  memset(w, 0, sizeof(w));
  barrier_init(&start, threads + 1);
  for (int t = 0; t < threads; t++) {
    w[t].all = w;
    w[t].index = t;
    w[t].threads = threads;
    w[t].run = run;
    w[t].start = &start;
    w[t].vmar = VMAR_HANDLE_INVALID;
    if (run->maker == BY_MAIN) {
      make_vmar(&w[t]);
    }
    check(vmar_vmo_create(size, 0, &w[t].vmo), "vmo_create");
    w[t].fd = bare_file(size, BARE_MEMFD);
    if (io) {
      w[t].buf = calloc(1, run->io);
      check_errno(w[t].buf != NULL, "calloc");
    }
  }
  for (int t = 0; t < threads; t++) {
    pthread_create(&tid[t], NULL, work, &w[t]);
  }
  double t0 = now_ns();
  barrier_wait(&start);
  for (int t = 0; t < threads; t++) {
    pthread_join(tid[t], NULL);
  }
  double secs = (now_ns() - t0) / 1e9;
  for (int t = 0; t < threads; t++) {
    close(w[t].fd);
    check(vmar_destroy(w[t].vmar), "destroy");
    vmar_handle_close(w[t].vmar);
    vmar_handle_close(w[t].vmo);
    free(w[t].buf);
  }
  barrier_destroy(&start);
  return (double)(run->iters * (size_t)threads) / secs;
}

static void* spin(void* arg) {
  const size_t n = *(const size_t*)arg;
  volatile size_t x = 0;
  for (size_t i = 0; i < n; i++) {
    x += i;
  }
  return (void*)(uintptr_t)x;
}

static double spin_ns(size_t n) {
  const double t0 = now_ns();
  spin(&n);
  return now_ns() - t0;
}

// How much a loop touching no shared state speeds up from one thread to
// two: the parallelism the host really gives (about 1 where the two CPUs
// are one core's hyperthreads or a busy host's). One thread is timed before
// and after the two, and the faster of its times counts, so that one slow
// single run cannot make the host look better than it is.
static double cpu_scaling(void) {
  size_t n = quick ? 2000000 : 8000000;
  double one = spin_ns(n);
  pthread_t tid[2];
  const double t0 = now_ns();
  for (int t = 0; t < 2; t++) {
    pthread_create(&tid[t], NULL, spin, &n);
  }
  for (int t = 0; t < 2; t++) {
    pthread_join(tid[t], NULL);
  }
  const double two = now_ns() - t0;
  const double again = spin_ns(n);
  one = again < one ? again : one;
  return 2 * one / two;
}

// A repeat of a thread figure counts only if the host gave two CPUs while it
// ran: the CPU-only loop, run just before and just after it, scaled at least
// this much both times. Otherwise it is taken again after a short pause, up
// to MAX_RETAKES times (the last try counts whatever it saw). A shared host
// sometimes runs one thread at twice its usual speed, or gives the second
// CPU to other work; either moves a CPU-only loop and vmar alike, and a
// verdict drawn from such a repeat says nothing about vmar.
#define HOST_SCALING_MIN 1.4
#define MAX_RETAKES 5
#define RETAKE_PAUSE_NS 50000000

// One- and two-thread throughput of |a| and, unless NULL, of |b|, for every
// repeat: in each, one thread then two, with |a| and |b| first in alternate
// repeats, so that the pairs compared saw the same host.
typedef struct scaling {
  double a1[MAX_REPEATS], a2[MAX_REPEATS]; // |a|, 1 and 2 threads
  double b1[MAX_REPEATS], b2[MAX_REPEATS]; // |b|, 1 and 2 threads
  double cpu[MAX_REPEATS]; // the host's scaling: the lower of its two checks
  int retaken;             // repeats taken again
} scaling_t;

static void measure_scaling(const thread_run_t* a, const thread_run_t* b,
                            scaling_t* s) {
  s->retaken = 0;
  for (int r = 0; r < reps; r++) {
    for (int attempt = 0;; attempt++) {
      const double before = cpu_scaling();
      for (int k = 0; k < 2; k++) {
        if ((k == 0) == (r % 2 == 0)) {
          s->a1[r] = throughput(a, 1);
          s->a2[r] = throughput(a, 2);
        } else if (b != NULL) {
          s->b1[r] = throughput(b, 1);
          s->b2[r] = throughput(b, 2);
        }
      }
      const double after = cpu_scaling();
      s->cpu[r] = before < after ? before : after;
      if (s->cpu[r] >= HOST_SCALING_MIN || attempt == MAX_RETAKES) {
        break;
      }
      s->retaken++;
      const struct timespec pause = {0, RETAKE_PAUSE_NS};
      nanosleep(&pause, NULL);
    }
  }
}

// Notes the host's own scaling on a row of 2-thread throughput.
static void note_cpu(result_t* r, const scaling_t* s) {
  const stats_t c = stats_of(s->cpu, reps);
  snprintf(r->note, sizeof(r->note),
           "host: a CPU-only loop scales %.2fx (%.2f-%.2f); %d repeats retaken",
           c.med, c.min, c.max, s->retaken);
}

static void bench_threads(void) {
  const size_t iters = quick ? 20000 : 100000;
  scaling_t s;
  if (wanted("7a")) {
    const thread_run_t run = {MODE_ALLOC, BY_MAIN, iters, 0};
    measure_scaling(&run, NULL, &s);
    note_cpu(add("7a", "op/s", s.a2, s.a1, 1.5, true,
                 "allocate/destroy, 2 threads in 2 reservations vs 1 thread"),
             &s);
  }
  if (wanted("7b")) {
    const size_t map_iters = quick ? 4000 : 20000;
    const thread_run_t ours = {MODE_MAP, BY_MAIN, map_iters, 0};
    const thread_run_t bare = {MODE_BARE_MAP, BY_MAIN, map_iters, 0};
    double ms[MAX_REPEATS], bs[MAX_REPEATS];
    measure_scaling(&ours, &bare, &s);
    for (int r = 0; r < reps; r++) {
      ms[r] = s.a2[r] / s.a1[r];
      bs[r] = s.b2[r] / s.b1[r];
    }
    result_t* row = add("7b", "x", ms, bs, 0.9, true,
                        "map/unmap scaling 1->2 threads, vmar vs bare mmap");
    snprintf(row->note, sizeof(row->note),
             "medians: vmar %.0f -> %.0f op/s, bare %.0f -> %.0f op/s; %d "
             "repeats retaken",
             median_of(s.a1, reps), median_of(s.a2, reps),
             median_of(s.b1, reps), median_of(s.b2, reps), s.retaken);
  }
  if (wanted("7c")) {
    const thread_run_t run = {MODE_ALLOC, BY_FIRST, iters, 0};
    measure_scaling(&run, NULL, &s);
    note_cpu(add("7c", "op/s", s.a2, s.a1, 1.7, true,
                 "allocate/destroy, 2 threads, both VMARs made by thread 1, "
                 "vs 1 thread"),
             &s);
  }
  if (wanted("7d")) {
    const thread_run_t run = {MODE_ALLOC, BY_EACH, iters, 0};
    measure_scaling(&run, NULL, &s);
    note_cpu(add("7d", "op/s", s.a2, s.a1, 0, true,
                 "allocate/destroy, 2 threads, each made its own VMAR, vs 1 "
                 "thread"),
             &s);
  }
}

// ---- 8. Against the host's own placement -----------------------------------

static void bench_host_placement(void) {
  if (!wanted("8")) {
    return;
  }
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
  double bare[MAX_REPEATS], ours[MAX_REPEATS];
  for (int r = 0; r < reps; r++) {
    double t0 = now_ns();
    for (size_t i = 0; i < iters; i++) {
      void* p = mmap(NULL, page, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      check_errno(p != MAP_FAILED && munmap(p, page) == 0, "mmap");
    }
    bare[r] = (now_ns() - t0) / (double)iters;
  }
  munmap(block, 2 * n * page);
  placement_ns(n, false, iters, ours);
  add("8", "ns", ours, bare, 1.0, false,
      "allocate+destroy among %zu children vs mmap(NULL)+munmap among %zu "
      "VMAs",
      n, n);
}

// ---- 9. VMO read/write -----------------------------------------------------

typedef struct io_ctx {
  vmar_handle_t vmo;
  int fd;
  unsigned char* buf;
  size_t io;
} io_ctx_t;

static void io_ours(void* p, size_t n) {
  io_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    check(vmar_vmo_write(c->vmo, c->buf, 0, c->io), "vmo_write");
    check(vmar_vmo_read(c->vmo, c->buf, 0, c->io), "vmo_read");
  }
}

static void io_bare(void* p, size_t n) {
  io_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    check_errno(pwrite(c->fd, c->buf, c->io, 0) == (ssize_t)c->io &&
                    pread(c->fd, c->buf, c->io, 0) == (ssize_t)c->io,
                "pwrite/pread");
  }
}

static void bench_vmo_io(void) {
  const size_t sizes[] = {64, 4096};
  for (int k = 0; k < 2; k++) {
    const size_t io = sizes[k];
    const size_t iters = quick ? 10000 : (io == 64 ? 50000 : 25000);
    if (wanted("9a")) {
      io_ctx_t c = {.io = io};
      check(vmar_vmo_create(IO_VMO_SIZE, 0, &c.vmo), "vmo_create");
      c.fd = bare_file(IO_VMO_SIZE, BARE_MEMFD);
      c.buf = calloc(1, io);
      check_errno(c.buf != NULL, "calloc");
      double ours[MAX_REPEATS], bare[MAX_REPEATS];
      paired(io_ours, &c, io_bare, &c, iters, 20, ours, bare);
      for (int r = 0; r < reps; r++) { // per call: a pair is two calls
        ours[r] /= 2;
        bare[r] /= 2;
      }
      add("9a", "ns", ours, bare, 0, false,
          "vmo_write/vmo_read of %zu B, per call, vs pwrite/pread on a %s", io,
          bare_name());
      close(c.fd);
      vmar_handle_close(c.vmo);
      free(c.buf);
    }
    if (wanted("9b")) {
      const thread_run_t ours = {MODE_VMO_IO, BY_MAIN, iters, io};
      const thread_run_t bare = {MODE_BARE_IO, BY_MAIN, iters, io};
      double bs[MAX_REPEATS];
      scaling_t s;
      measure_scaling(&ours, &bare, &s);
      for (int r = 0; r < reps; r++) { // calls per second
        s.a1[r] *= 2;
        s.a2[r] *= 2;
        bs[r] = s.b2[r] / s.b1[r];
      }
      result_t* row = add(
          "9b", "call/s", s.a2, s.a1, 0, true,
          "vmo_write/vmo_read of %zu B, 2 threads on 2 VMOs vs 1 thread", io);
      const stats_t q = stats_of(bs, reps);
      snprintf(row->note, sizeof(row->note),
               "bare pwrite/pread scales %.2fx (%.2f-%.2f); %d repeats retaken",
               q.med, q.min, q.max, s.retaken);
    }
  }
}

// ---- 10. A region's whole life against bare mmap/munmap --------------------

typedef struct life_ctx {
  vmar_handle_t vmo;
  int fd;
  size_t page;
} life_ctx_t;

static void life_ours(void* p, size_t n) {
  life_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t region;
    vmar_vaddr_t base, a;
    check(vmar_allocate(vmar_root_self(),
                        VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE, 0,
                        c->page, &region, &base),
          "allocate");
    check(vmar_map(region, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, c->vmo, 0,
                   c->page, &a),
          "map");
    check(vmar_unmap(region, a, c->page), "unmap");
    check(vmar_destroy(region), "destroy");
    vmar_handle_close(region);
  }
}

static void life_bare(void* p, size_t n) {
  life_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    void* r = mmap(NULL, c->page, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    check_errno(r != MAP_FAILED &&
                    mmap(r, c->page, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_FIXED, c->fd, 0) != MAP_FAILED &&
                    munmap(r, c->page) == 0,
                "mmap");
  }
}

static void bench_region_life(void) {
  if (!wanted("10")) {
    return;
  }
  const size_t iters = quick ? 2000 : 10000;
  life_ctx_t c = {.page = vmar_page_size()};
  check(vmar_vmo_create(c.page, 0, &c.vmo), "vmo_create");
  c.fd = bare_file(c.page, BARE_MEMFD);
  double ours[MAX_REPEATS], bare[MAX_REPEATS];
  paired(life_ours, &c, life_bare, &c, iters, 20, ours, bare);
  close(c.fd);
  vmar_handle_close(c.vmo);
  add("10", "ns", ours, bare, 0, false,
      "allocate+map+unmap+destroy of a 1-page region vs mmap(PROT_NONE)+"
      "mmap(MAP_FIXED)+munmap");
}

// ---- 11. Figure 2 with file-backed VMOs, in a child process ----------------

static const char* json_find(const char* line, const char* key) {
  char pat[48];
  snprintf(pat, sizeof(pat), "\"%s\":", key);
  const char* p = strstr(line, pat);
  return p != NULL ? p + strlen(pat) : NULL;
}

static bool json_get_str(const char* line, const char* key, char* out,
                         size_t cap) {
  const char* p = json_find(line, key);
  if (p == NULL || *p != '"') {
    return false;
  }
  size_t n = 0;
  for (p++; *p != '\0' && *p != '"'; p++) {
    char ch = *p;
    if (ch == '\\' && p[1] != '\0') {
      ch = *++p;
      ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch;
    }
    if (n + 1 < cap) {
      out[n++] = ch;
    }
  }
  out[n] = '\0';
  return *p == '"';
}

static bool json_get_num(const char* line, const char* key, double* out) {
  const char* p = json_find(line, key);
  if (p == NULL) {
    return false;
  }
  char* end;
  *out = strtod(p, &end);
  return end != p;
}

static int json_get_array(const char* line, const char* key, double* out,
                          int cap) {
  const char* p = json_find(line, key);
  if (p == NULL || *p != '[') {
    return -1;
  }
  int n = 0;
  p++;
  while (*p != ']' && *p != '\0' && n < cap) {
    char* end;
    out[n] = strtod(p, &end);
    if (end == p) {
      return -1;
    }
    n++;
    p = end;
    if (*p == ',') {
      p++;
    }
  }
  return *p == ']' ? n : -1;
}

// Adds the row a child printed; false if |line| is not one.
static bool merge_row(const char* line) {
  char id[8], what[128], unit[16], note[192], verdict_s[16];
  double target = 0, v[MAX_REPEATS], b[MAX_REPEATS];
  if (!json_get_str(line, "id", id, sizeof(id)) ||
      !json_get_str(line, "what", what, sizeof(what)) ||
      !json_get_str(line, "unit", unit, sizeof(unit)) ||
      !json_get_str(line, "verdict", verdict_s, sizeof(verdict_s)) ||
      !json_get_num(line, "target", &target)) {
    return false;
  }
  if (!json_get_str(line, "note", note, sizeof(note))) {
    note[0] = '\0';
  }
  if (strcmp(verdict_s, "skipped") == 0) {
    skip(id, note, "%s", what);
    return true;
  }
  const int nv = json_get_array(line, "samples", v, MAX_REPEATS);
  const int nb = json_get_array(line, "baseline_samples", b, MAX_REPEATS);
  if (nv != reps || (nb != 0 && nb != reps)) {
    return false;
  }
  const char* at_least = json_find(line, "at_least");
  result_t* r =
      add(id, unit, v, nb != 0 ? b : NULL, target,
          at_least != NULL && strncmp(at_least, "true", 4) == 0, "%s", what);
  snprintf(r->note, sizeof(r->note), "%s", note);
  return true;
}

// Runs this program again with VMAR_POSIX_VMO_BACKING=file and
// --child-figure |id|, and merges the JSON rows it prints. NULL on success,
// else why it failed.
static const char* run_child_figure(const char* id) {
#if defined(__linux__)
  const char* exe = "/proc/self/exe";
#else
  const char* exe = self_argv0;
#endif
  char repeats[16];
  snprintf(repeats, sizeof(repeats), "%d", reps);
  char* args[8];
  int na = 0;
  args[na++] = (char*)exe;
  args[na++] = (char*)"--child-figure";
  args[na++] = (char*)id;
  args[na++] = (char*)"--repeats";
  args[na++] = repeats;
  if (quick) {
    args[na++] = (char*)"--quick";
  }
  args[na] = NULL;
  // The environment, with the backing forced.
  size_t nenv = 0;
  while (environ[nenv] != NULL) {
    nenv++;
  }
  char** env = calloc(nenv + 2, sizeof(char*));
  check_errno(env != NULL, "calloc");
  size_t k = 0;
  static const char var[] = "VMAR_POSIX_VMO_BACKING=";
  for (size_t i = 0; i < nenv; i++) {
    if (strncmp(environ[i], var, sizeof(var) - 1) != 0) {
      env[k++] = environ[i];
    }
  }
  env[k++] = (char*)"VMAR_POSIX_VMO_BACKING=file";
  env[k] = NULL;

  int fds[2];
  check_errno(pipe(fds) == 0, "pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t pid;
  fflush(stdout);
  int err = strchr(exe, '/') != NULL
                ? posix_spawn(&pid, exe, &fa, NULL, args, env)
                : posix_spawnp(&pid, exe, &fa, NULL, args, env);
  posix_spawn_file_actions_destroy(&fa);
  free(env);
  close(fds[1]);
  if (err != 0) {
    close(fds[0]);
    return "could not run the bench again";
  }
  size_t cap = 1 << 16, len = 0;
  char* out = malloc(cap);
  check_errno(out != NULL, "malloc");
  ssize_t got;
  while ((got = read(fds[0], out + len, cap - 1 - len)) > 0 ||
         (got < 0 && errno == EINTR)) {
    len += got > 0 ? (size_t)got : 0;
    if (len + 1 == cap) {
      char* bigger = realloc(out, cap * 2);
      check_errno(bigger != NULL, "realloc");
      out = bigger;
      cap *= 2;
    }
  }
  out[len] = '\0';
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const char* why = NULL;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    why = "the child run failed";
  } else {
    int rows = 0;
    for (char* line = strtok(out, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
      rows += line[0] == '{' && merge_row(line);
    }
    why = rows > 0 ? NULL : "the child run printed no row";
  }
  free(out);
  return why;
}

static void bench_map_file(void) {
  if (!wanted("11")) {
    return;
  }
  const char* why = run_child_figure("11");
  if (why != NULL) {
    skip("11", why, "map+unmap 1 page among %d mappings, file-backed VMOs",
         quick ? 1000 : 10000);
  }
}

// ---- 12. VMO children ------------------------------------------------------

typedef struct child_ctx {
  vmar_handle_t parent;
  uint32_t kind;   // VMAR_VMO_CHILD_*
  size_t size;     // the window (snapshots, slices)
  const void* src; // the parent's bytes, mapped (plain copy)
} child_ctx_t;

static void child_ours(void* p, size_t n) {
  child_ctx_t* c = p;
  const uint64_t size = c->kind == VMAR_VMO_CHILD_REFERENCE ? 0 : c->size;
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t child;
    check(vmar_vmo_create_child(c->parent, c->kind, 0, size, &child),
          "vmo_create_child");
    check(vmar_handle_close(child), "close");
  }
}

// The plain copy: a new VMO filled with vmo_write from a mapping of the
// parent (mapped once, outside the timing).
static void child_copy(void* p, size_t n) {
  child_ctx_t* c = p;
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t copy;
    check(vmar_vmo_create(c->size, 0, &copy), "vmo_create");
    check(vmar_vmo_write(copy, c->src, 0, c->size), "vmo_write");
    check(vmar_handle_close(copy), "close");
  }
}

static uint64_t committed(vmar_handle_t vmo) {
  vmar_vmo_info_t info;
  check(vmar_vmo_get_info(vmo, &info), "vmo_get_info");
  return info.committed_bytes;
}

// A VMO of |size| bytes, every page written (dense).
static vmar_handle_t dense_vmo(size_t size) {
  vmar_handle_t vmo;
  check(vmar_vmo_create(size, 0, &vmo), "vmo_create");
  unsigned char* chunk = malloc(MIB);
  check_errno(chunk != NULL, "malloc");
  for (size_t off = 0; off < size; off += MIB) {
    memset(chunk, 0x5a ^ (int)(off / MIB), MIB);
    check(vmar_vmo_write(vmo, chunk, off, MIB), "vmo_write");
  }
  free(chunk);
  return vmo;
}

static void bench_vmo_children(void) {
  const bool want_a = wanted("12a"), want_b = wanted("12b"),
             want_c = wanted("12c");
  if (!want_a && !want_b && !want_c) {
    return;
  }
  const size_t mibs[] = {1, 16, 64};
  const int count = quick ? 2 : 3;
  vmar_handle_t small = VMAR_HANDLE_INVALID, big = VMAR_HANDLE_INVALID;
  size_t big_mib = 0;
  for (int k = 0; k < count; k++) {
    const size_t size = mibs[k] * MIB;
    vmar_handle_t parent = dense_vmo(size);
    if (want_a) {
      vmar_vaddr_t src;
      check(vmar_map(vmar_root_self(), VMAR_VM_PERM_READ, 0, parent, 0, size,
                     &src),
            "map parent");
      child_ctx_t c = {parent, VMAR_VMO_CHILD_SNAPSHOT, size, (const void*)src};
      const size_t iters = mibs[k] == 1 ? 32 : mibs[k] == 16 ? 4 : 2;
      double ours[MAX_REPEATS], bare[MAX_REPEATS];
      child_copy(&c, 1); // warm: the source's pages mapped in
      paired(child_ours, &c, child_copy, &c, iters, iters, ours, bare);
      for (int r = 0; r < reps; r++) {
        ours[r] /= 1000;
        bare[r] /= 1000;
      }
      check(vmar_unmap(vmar_root_self(), src, size), "unmap parent");
      add("12a", "us", ours, bare, 0, false,
          "SNAPSHOT child of %zu MiB (dense) vs new VMO + vmo_write of it",
          mibs[k]);
    }
    if (want_b) {
      double child_mib[MAX_REPEATS], parent_mib[MAX_REPEATS];
      for (int r = 0; r < reps; r++) {
        vmar_handle_t child;
        check(vmar_vmo_create_child(parent, VMAR_VMO_CHILD_SNAPSHOT, 0, size,
                                    &child),
              "vmo_create_child");
        child_mib[r] = (double)committed(child) / (double)MIB;
        parent_mib[r] = (double)committed(parent) / (double)MIB;
        vmar_handle_close(child);
      }
      add("12b", "MiB", child_mib, parent_mib, 0, false,
          "committed bytes of a SNAPSHOT child vs its parent, %zu MiB dense",
          mibs[k]);
    }
    if (k == 0) {
      small = parent;
    } else {
      if (big != VMAR_HANDLE_INVALID) {
        vmar_handle_close(big);
      }
      big = parent;
      big_mib = mibs[k];
    }
  }
  if (want_c) {
    const uint32_t kinds[] = {VMAR_VMO_CHILD_SLICE, VMAR_VMO_CHILD_REFERENCE};
    const char* names[] = {"SLICE", "REFERENCE"};
    for (int k = 0; k < 2; k++) {
      child_ctx_t cb = {big, kinds[k], big_mib * MIB, NULL};
      child_ctx_t cs = {small, kinds[k], MIB, NULL};
      const size_t iters = quick ? 5000 : 20000;
      double ours[MAX_REPEATS], bare[MAX_REPEATS];
      paired(child_ours, &cb, child_ours, &cs, iters, 20, ours, bare);
      vmar_handle_t child;
      check(vmar_vmo_create_child(
                big, kinds[k], 0,
                kinds[k] == VMAR_VMO_CHILD_SLICE ? big_mib * MIB : 0, &child),
            "vmo_create_child");
      const uint64_t bytes = committed(child);
      vmar_handle_close(child);
      result_t* r = add("12c", "ns", ours, bare, 0, false,
                        "%s child create+close, %zu MiB parent vs 1 MiB parent",
                        names[k], big_mib);
      snprintf(r->note, sizeof(r->note), "child's committed bytes: %llu",
               (unsigned long long)bytes);
    }
  }
  vmar_handle_close(small);
  vmar_handle_close(big);
}

// ---- Output ----------------------------------------------------------------

// A number for the table: fewer decimals for bigger numbers.
static void fmt_num(char* out, size_t cap, double x) {
  const double a = x < 0 ? -x : x;
  snprintf(out, cap, a >= 1000 ? "%.0f" : a >= 10 ? "%.1f" : "%.3f", x);
}

static void print_table(void) {
  printf("| # | benchmark | vmar median | min–max | baseline median "
         "| ratio (min–max) | target | verdict |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < nresults; i++) {
    const result_t* r = &results[i];
    const char* open = r->note[0] ? " (" : "";
    const char* close_ = r->note[0] ? ")" : "";
    if (r->n == 0) {
      printf("| %s | %s | - | - | - | - | - | skipped (%s) |\n", r->id, r->what,
             r->note);
      continue;
    }
    const stats_t v = stats_of(r->v, r->n);
    char med[32], lo[32], hi[32], base[48] = "-", ratio[48] = "-",
                                  target[32] = "-";
    fmt_num(med, sizeof(med), v.med);
    fmt_num(lo, sizeof(lo), v.min);
    fmt_num(hi, sizeof(hi), v.max);
    if (r->has_base) {
      char b[32];
      fmt_num(b, sizeof(b), median_of(r->b, r->n));
      snprintf(base, sizeof(base), "%s %s", b, r->unit);
      const stats_t q = ratio_range(r);
      snprintf(ratio, sizeof(ratio), "%.3f (%.3f–%.3f)", q.med, q.min, q.max);
    }
    if (r->target != 0) {
      snprintf(target, sizeof(target), "%s %.2f",
               r->at_least ? ">=" : "<=", r->target);
    }
    printf("| %s | %s%s%s%s | %s %s | %s–%s | %s | %s | %s | %s |\n", r->id,
           r->what, open, r->note, close_, med, r->unit, lo, hi, base, ratio,
           target, verdict(r));
  }
}

static void json_str(const char* s) {
  putchar('"');
  for (; *s != '\0'; s++) {
    if (*s == '"' || *s == '\\') {
      printf("\\%c", *s);
    } else if ((unsigned char)*s < 0x20) {
      printf("\\u%04x", (unsigned)(unsigned char)*s);
    } else {
      putchar(*s);
    }
  }
  putchar('"');
}

static void json_num(double x) {
  if (isfinite(x)) {
    printf("%.9g", x);
  } else {
    printf("null");
  }
}

static void json_array(const double* x, int n) {
  putchar('[');
  for (int i = 0; i < n; i++) {
    if (i > 0) {
      putchar(',');
    }
    json_num(x[i]);
  }
  putchar(']');
}

static void print_json_row(const result_t* r) {
  printf("{\"id\":");
  json_str(r->id);
  printf(",\"what\":");
  json_str(r->what);
  printf(",\"unit\":");
  json_str(r->unit);
  printf(",\"repeats\":%d", r->n);
  const stats_t v = r->n > 0 ? stats_of(r->v, r->n) : (stats_t){NAN, NAN, NAN};
  const stats_t b =
      r->n > 0 && r->has_base ? stats_of(r->b, r->n) : (stats_t){NAN, NAN, NAN};
  const stats_t q =
      r->n > 0 && r->has_base ? ratio_range(r) : (stats_t){NAN, NAN, NAN};
  const double medians = r->n > 0 && r->has_base ? ratio_of_medians(r) : NAN;
  const char* keys[] = {"median",          "min",          "max",
                        "baseline_median", "baseline_min", "baseline_max",
                        "ratio",           "ratio_min",    "ratio_max",
                        "ratio_of_medians"};
  const double vals[] = {v.med, v.min, v.max, b.med, b.min,
                         b.max, q.med, q.min, q.max, medians};
  for (int i = 0; i < 10; i++) {
    printf(",\"%s\":", keys[i]);
    json_num(vals[i]);
  }
  printf(",\"target\":");
  json_num(r->target);
  printf(",\"at_least\":%s,\"verdict\":", r->at_least ? "true" : "false");
  json_str(verdict(r));
  printf(",\"note\":");
  json_str(r->note);
  printf(",\"samples\":");
  json_array(r->v, r->n);
  printf(",\"baseline_samples\":");
  json_array(r->b, r->has_base ? r->n : 0);
  printf("}\n");
}

static int usage(const char* argv0) {
  fprintf(stderr,
          "usage: %s [--json] [--quick] [--repeats N] [--only ID]...\n"
          "  --repeats N  measure every figure N times (%d..%d, default %d)\n"
          "  --only ID    run figure ID (1..12, or a part: 1c, 7a, 12b...)\n",
          argv0, MIN_REPEATS, MAX_REPEATS, DEFAULT_REPEATS);
  return 2;
}

int main(int argc, char** argv) {
  bool json = false;
  const char* child_figure = NULL;
  self_argv0 = argv[0];
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
               known_id(argv[i + 1]) && nonly < MAX_ONLY) {
      only_ids[nonly++] = argv[++i];
    } else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
      char* end;
      long n = strtol(argv[++i], &end, 10);
      if (*end != '\0' || n < MIN_REPEATS || n > MAX_REPEATS) {
        return usage(argv[0]);
      }
      reps = (int)n;
    } else if (strcmp(argv[i], "--child-figure") == 0 && i + 1 < argc &&
               strcmp(argv[i + 1], "11") == 0) {
      child_figure = argv[++i];
    } else {
      return usage(argv[0]);
    }
  }
  if (child_figure != NULL) {
    // Internal: figure 11 alone, its rows as JSON, for the parent to merge.
    const char* backing = getenv("VMAR_POSIX_VMO_BACKING");
    if (backing == NULL || strcmp(backing, "file") != 0) {
      fprintf(stderr, "vmar_bench: --child-figure needs "
                      "VMAR_POSIX_VMO_BACKING=file\n");
      return 2;
    }
    bench_map_file_child();
    for (int i = 0; i < nresults; i++) {
      print_json_row(&results[i]);
    }
    return 0;
  }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  void (*const benches[])(void) = {
      bench_placement, bench_map,         bench_vmo,      bench_vma_economy,
      bench_pte,       bench_memory,      bench_threads,  bench_host_placement,
      bench_vmo_io,    bench_region_life, bench_map_file, bench_vmo_children};
  double t0 = now_ns();
  for (size_t k = 0; k < sizeof(benches) / sizeof(benches[0]); k++) {
    benches[k]();
  }
  double secs = (now_ns() - t0) / 1e9;
  struct utsname u;
  uname(&u);
  char date[32];
  time_t now = time(NULL);
  strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&now));
  const char* forced = getenv("VMAR_POSIX_VMO_BACKING");
  if (json) {
    printf("{\"machine\":\"%s %s, %ld CPUs\",\"date\":\"%s\",\"page\":%zu,"
           "\"seconds\":%.1f,\"repeats\":%d,\"load\":[%.2f,%.2f,%.2f]%s",
           u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN), date,
           vmar_page_size(), secs, reps, load[0], load[1], load[2],
           quick ? ",\"quick\":true" : "");
    if (forced != NULL) {
      printf(",\"vmo_backing\":");
      json_str(forced);
    }
    printf("}\n");
    for (int i = 0; i < nresults; i++) {
      print_json_row(&results[i]);
    }
  } else {
    printf("vmar_bench on %s %s (%s), %ld CPUs, %s, %.1f s, %d repeats, load "
           "%.2f at start%s%s%s\n\n",
           u.sysname, u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), date,
           secs, reps, load[0], quick ? " (quick)" : "",
           forced != NULL ? ", VMAR_POSIX_VMO_BACKING=" : "",
           forced != NULL ? forced : "");
    print_table();
  }
  int missed = 0;
  for (int i = 0; i < nresults; i++) {
    missed += strcmp(verdict(&results[i]), "MISS") == 0;
  }
  return missed == 0 ? 0 : 3;
}
