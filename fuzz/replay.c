// SPDX-License-Identifier: MIT
// vmar fuzz: the plain driver. Replays every file of a corpus directory,
// then runs random inputs drawn from numbered seeds, and prints what it did.
//
//   vmar_fuzz_replay [--corpus DIR] [--seeds N] [--ops M] [--seconds S]
//                    [--first-seed K] [--write-corpus DIR --count N]
//                    [--save-seed K FILE] [FILE...]
// --save-seed writes the input random seed K stands for (at --ops M) to
// FILE, so a divergence found by seed can be kept in the corpus.
//
// Exits non-zero at the first divergence, naming the input (file or seed)
// that reproduces it.

#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static char g_report[4096];

static uint64_t splitmix(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The input for seed |seed|: |len| pseudo-random bytes.
static void seed_bytes(uint64_t seed, uint8_t* out, size_t len) {
  uint64_t s = seed * 0x2545F4914F6CDD1Dull + 1;
  for (size_t i = 0; i < len; i += 8) {
    uint64_t r = splitmix(&s);
    for (size_t j = 0; j < 8 && i + j < len; j++) {
      out[i + j] = (uint8_t)(r >> (8 * j));
    }
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static int run_file(const char* path, fz_stats_t* st, uint64_t* passed) {
  FILE* fp = fopen(path, "rb");
  if (fp == NULL) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return 2;
  }
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof(buf), fp);
  fclose(fp);
  if (fz_run(buf, n, 0, st, g_report, sizeof(g_report)) != 0) {
    fprintf(stderr, "DIVERGENCE in %s\n%s\nreproduce: vmar_fuzz_replay %s\n",
            path, g_report, path);
    return 1;
  }
  (*passed)++;
  return 0;
}

int main(int argc, char** argv) {
  const char* corpus = NULL;
  const char* write_dir = NULL;
  const char* save_path = NULL;
  uint64_t save_seed = 0;
  uint64_t seeds = 0;
  uint64_t first_seed = 1;
  uint64_t ops = 200;
  uint64_t count = 40;
  double seconds = 0;
  bool coverage = false;
  const char* files[256];
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--corpus") == 0 && v) {
      corpus = v;
      i++;
    } else if (strcmp(a, "--seeds") == 0 && v) {
      seeds = strtoull(v, NULL, 0);
      i++;
    } else if (strcmp(a, "--first-seed") == 0 && v) {
      first_seed = strtoull(v, NULL, 0);
      i++;
    } else if (strcmp(a, "--ops") == 0 && v) {
      ops = strtoull(v, NULL, 0);
      i++;
    } else if (strcmp(a, "--seconds") == 0 && v) {
      seconds = strtod(v, NULL);
      i++;
    } else if (strcmp(a, "--write-corpus") == 0 && v) {
      write_dir = v;
      i++;
    } else if (strcmp(a, "--save-seed") == 0 && v && i + 2 < argc) {
      save_seed = strtoull(v, NULL, 0);
      save_path = argv[i + 2];
      i += 2;
    } else if (strcmp(a, "--count") == 0 && v) {
      count = strtoull(v, NULL, 0);
      i++;
    } else if (strcmp(a, "--coverage") == 0) {
      coverage = true;
      fz_enable_coverage();
    } else if (a[0] != '-' && nfiles < 256) {
      files[nfiles++] = a;
    } else {
      fprintf(
          stderr,
          "usage: %s [--corpus DIR] [--seeds N] [--first-seed K] "
          "[--ops M] [--coverage] [--seconds S] [--write-corpus DIR --count N] "
          "[--save-seed K FILE] [FILE...]\n",
          argv[0]);
      return 2;
    }
  }
  static uint8_t input[1 << 16];
  if (save_path != NULL) {
    // The input random seed K stands for (with --ops), as a corpus file.
    size_t len =
        (size_t)(ops * 24) < sizeof(input) ? (size_t)(ops * 24) : sizeof(input);
    seed_bytes(save_seed, input, len);
    FILE* fp = fopen(save_path, "wb");
    if (fp == NULL || fwrite(input, 1, len, fp) != len) {
      fprintf(stderr, "replay: cannot write %s\n", save_path);
      return 2;
    }
    fclose(fp);
    return 0;
  }
  if (write_dir != NULL) {
    // Seed inputs of varied lengths, each under 4 KiB.
    for (uint64_t k = 0; k < count; k++) {
      size_t len = 256 + (size_t)(k * 977 % 3800);
      seed_bytes(1000 + k, input, len);
      char path[4096];
      snprintf(path, sizeof(path), "%s/seed-%03llu.bin", write_dir,
               (unsigned long long)k);
      FILE* fp = fopen(path, "wb");
      if (fp == NULL || fwrite(input, 1, len, fp) != len) {
        fprintf(stderr, "replay: cannot write %s\n", path);
        return 2;
      }
      fclose(fp);
    }
    return 0;
  }

  fz_stats_t st = {0, 0, 0};
  uint64_t passed = 0;
  const double t0 = now();
  for (int i = 0; i < nfiles; i++) {
    int rc = run_file(files[i], &st, &passed);
    if (rc != 0) {
      return rc;
    }
  }
  if (corpus != NULL) {
    DIR* d = opendir(corpus);
    if (d == NULL) {
      fprintf(stderr, "replay: cannot open %s: %s\n", corpus, strerror(errno));
      return 2;
    }
    char* names[4096];
    int n = 0;
    struct dirent* e;
    while ((e = readdir(d)) != NULL && n < 4096) {
      if (e->d_name[0] != '.') {
        names[n++] = strdup(e->d_name);
      }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    for (int i = 0; i < n; i++) {
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", corpus, names[i]);
      int rc = run_file(path, &st, &passed);
      if (rc != 0) {
        return rc;
      }
      free(names[i]);
    }
  }
  const uint64_t corpus_runs = passed;
  // Random seeds: a fixed count, a time budget, or both (whichever ends
  // first; with only a budget, seeds run until it is spent).
  size_t len = (size_t)(ops * 24);
  if (len > sizeof(input)) {
    len = sizeof(input);
  }
  for (uint64_t k = 0; seeds == 0 ? seconds > 0 : k < seeds; k++) {
    if (seconds > 0 && now() - t0 >= seconds) {
      break;
    }
    uint64_t seed = first_seed + k;
    seed_bytes(seed, input, len);
    if (fz_run(input, len, (size_t)ops, &st, g_report, sizeof(g_report)) != 0) {
      fprintf(stderr,
              "DIVERGENCE with seed %llu\n%s\nreproduce: vmar_fuzz_replay "
              "--first-seed %llu --seeds 1 --ops %llu\n",
              (unsigned long long)seed, g_report, (unsigned long long)seed,
              (unsigned long long)ops);
      return 1;
    }
    passed++;
  }
  const double dt = now() - t0;
  printf("fuzz: %llu inputs (%llu corpus files, %llu random seeds), %llu ops "
         "executed, %llu calls and states checked, %.1f s, %.0f ops/s\n",
         (unsigned long long)st.runs, (unsigned long long)corpus_runs,
         (unsigned long long)(passed - corpus_runs), (unsigned long long)st.ops,
         (unsigned long long)st.checks, dt, dt > 0 ? (double)st.ops / dt : 0.0);
  if (coverage) {
    fz_print_coverage(stdout);
  }
  printf("%llu passed, 0 failed\n", (unsigned long long)passed);
  return 0;
}
