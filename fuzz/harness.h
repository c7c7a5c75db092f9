// SPDX-License-Identifier: MIT
// vmar fuzz: the differential harness. It decodes a byte string into a
// sequence of vmar calls, runs each against the library and the reference
// model (model.h), and after every call compares statuses, outputs, the
// library's tree, /proc/self/maps and page contents.

#ifndef VMAR_FUZZ_HARNESS_H_
#define VMAR_FUZZ_HARNESS_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct fz_stats {
  uint64_t runs;   // inputs executed
  uint64_t ops;    // calls decoded and executed
  uint64_t checks; // statuses, outputs and whole-state checks compared
} fz_stats_t;

// Runs one input, at most |max_ops| calls (0: until the input is used up).
// Returns 0 when library and model agreed throughout; otherwise 1, with a
// description of the first divergence (call, expected, got) in |report|.
// Everything the run created is torn down before returning 0.
int fz_run(const uint8_t* data, size_t size, size_t max_ops, fz_stats_t* stats,
           char* report, size_t report_cap);

// Counts, from now on, how often each call succeeds and fails.
void fz_enable_coverage(void);

// Prints, per call, how many times it succeeded and failed so far.
void fz_print_coverage(FILE* out);

#endif // VMAR_FUZZ_HARNESS_H_
