// SPDX-License-Identifier: MIT
// Map+unmap of a one-page VMO in a COMPACT VMAR that already holds 10 000
// mappings, against the bare host calls doing the same work at the same
// address: mmap(MAP_SHARED|MAP_FIXED) of the file, then mmap(PROT_NONE,
// MAP_FIXED) back over it. Medians of several repetitions, one run.

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <vmar/vmar.h>

#define REPS 9

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

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  return v[n / 2];
}

int main(int argc, char** argv) {
  size_t held = 10000;
  size_t iters = 20000;
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--quick") == 0) {
      held = 1000;
      iters = 2000;
    }
  }
  const size_t page = vmar_page_size();
  vmar_handle_t vmar;
  vmar_vaddr_t base;
  check(vmar_allocate(vmar_root_self(),
                      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ |
                          VMAR_VM_CAN_MAP_WRITE,
                      0, (held + 64) * page, &vmar, &base),
        "allocate");
  vmar_handle_t vmo;
  check(vmar_vmo_create(page, 0, &vmo), "vmo_create");
  const vmar_vm_option_t rw = VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE;
  for (size_t i = 0; i < held; i++) {
    vmar_vaddr_t a;
    check(vmar_map(vmar, rw, 0, vmo, 0, page, &a), "map held");
  }

  // The probe maps a VMO of its own, as the baseline maps a file of its own
  // (sharing the held mappings' file would charge the host's per-file
  // mapping index to vmar alone).
  vmar_handle_t probe;
  check(vmar_vmo_create(page, 0, &probe), "vmo_create probe");

  // The baseline maps a file of its own at the spot vmar will use.
  int fd = memfd_create("bench", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, (off_t)page) != 0) {
    perror("memfd");
    return 1;
  }
  vmar_vaddr_t spot;
  check(vmar_map(vmar, rw, 0, probe, 0, page, &spot), "map probe");
  check(vmar_unmap(vmar, spot, page), "unmap probe");

  // Each repetition alternates short blocks of both loops, so frequency
  // changes and other noise hit both sides alike.
  double ours[REPS], bare[REPS];
  const size_t blocks = 20, per_block = iters / blocks;
  for (int r = 0; r < REPS; r++) {
    ours[r] = bare[r] = 0;
    for (size_t k = 0; k < blocks; k++) {
      double t0 = now_ns();
      for (size_t i = 0; i < per_block; i++) {
        if (mmap((void*)spot, page, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
            mmap((void*)spot, page, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
                 0) == MAP_FAILED) {
          perror("mmap");
          return 1;
        }
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

  const double o = median(ours, REPS), b = median(bare, REPS);
  const double ratio = o / b, target = 1.15;
  const bool pass = ratio <= target;
  if (json) {
    printf("{\"bench\":\"map_unmap\",\"held\":%zu,\"vmar_ns\":%.1f,"
           "\"bare_ns\":%.1f,\"ratio\":%.3f,\"target\":%.2f,\"pass\":%s}\n",
           held, o, b, ratio, target, pass ? "true" : "false");
  } else {
    printf("map+unmap of a 1-page VMO among %zu mappings (compact VMAR)\n",
           held);
    printf("  vmar: %.1f ns   bare mmap calls: %.1f ns   ratio %.3f "
           "(target <= %.2fx) %s\n",
           o, b, ratio, target, pass ? "PASS" : "MISS");
  }
  return pass ? 0 : 2;
}
