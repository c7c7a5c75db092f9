// SPDX-License-Identifier: MIT
// Placement cost against the number of children: allocate + destroy of one
// child in a VMAR that already holds n children, as a ratio to the same work
// with 10 children, measured in one run (medians of several repetitions).
//
// The n children are one page each with a one-page hole after each, and the
// probe asks for two pages, so every hole is too small: an allocator that
// walks children or gaps pays n steps, an augmented tree pays log n.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmar/vmar.h>

#define REPS 7

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static void check(vmar_status_t st, const char* what) {
  if (st != VMAR_OK) {
    fprintf(stderr, "%s: %s\n", what, vmar_status_string(st));
    exit(1);
  }
}

// Median nanoseconds per allocate+destroy with |n| children present.
static double measure(size_t n, vmar_vm_option_t flags, size_t iters) {
  const size_t page = vmar_page_size();
  const size_t pages = 2 * n + 64;
  vmar_handle_t parent;
  vmar_vaddr_t base;
  check(vmar_allocate(vmar_root_self(),
                      flags | VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE |
                          VMAR_VM_CAN_MAP_SPECIFIC,
                      0, pages * page, &parent, &base),
        "allocate parent");
  for (size_t i = 0; i < n; i++) {
    vmar_handle_t c;
    vmar_vaddr_t a;
    check(vmar_allocate(parent, VMAR_VM_SPECIFIC, 2 * i * page, page, &c, &a),
          "allocate child");
    vmar_handle_close(c); // the child stays; only destroy removes it
  }
  double samples[REPS];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ns();
    for (size_t i = 0; i < iters; i++) {
      vmar_handle_t c;
      vmar_vaddr_t a;
      check(vmar_allocate(parent, 0, 0, 2 * page, &c, &a), "allocate probe");
      check(vmar_destroy(c), "destroy probe");
      vmar_handle_close(c);
    }
    samples[r] = (now_ns() - t0) / (double)iters;
  }
  check(vmar_destroy(parent), "destroy parent");
  vmar_handle_close(parent);
  qsort(samples, REPS, sizeof(double), cmp_double);
  return samples[REPS / 2];
}

int main(int argc, char** argv) {
  size_t big = 100000;
  size_t iters = 20000;
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--quick") == 0) {
      big = 10000;
      iters = 2000;
    }
  }
  const struct {
    const char* name;
    vmar_vm_option_t flags;
    double target;
  } kinds[] = {{"compact", VMAR_VM_COMPACT, 3.0}, {"randomised", 0, 8.0}};
  int missed = 0;
  if (!json) {
    printf("allocate+destroy of a 2-page child among n 1-page children\n");
    printf("%-11s %12s %12s %8s %7s %s\n", "placement", "n=10 (ns)",
           "n=big (ns)", "ratio", "target", "verdict");
  }
  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
    double small_ns = measure(10, kinds[k].flags, iters);
    double big_ns = measure(big, kinds[k].flags, iters);
    double ratio = big_ns / small_ns;
    bool pass = ratio <= kinds[k].target;
    missed += !pass;
    if (json) {
      printf("{\"bench\":\"placement\",\"kind\":\"%s\",\"n_small\":10,"
             "\"n_big\":%zu,\"small_ns\":%.1f,\"big_ns\":%.1f,\"ratio\":%.3f,"
             "\"target\":%.1f,\"pass\":%s}\n",
             kinds[k].name, big, small_ns, big_ns, ratio, kinds[k].target,
             pass ? "true" : "false");
    } else {
      printf("%-11s %12.1f %12.1f %8.2f %6.1fx %s  (n=big is %zu)\n",
             kinds[k].name, small_ns, big_ns, ratio, kinds[k].target,
             pass ? "PASS" : "MISS", big);
    }
  }
  return missed == 0 ? 0 : 2;
}
