// SPDX-License-Identifier: MIT
// vmar fuzz: the libFuzzer entry point. Each input is one run of the
// differential harness; a divergence prints its report and aborts.

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static char report[4096];
  static fz_stats_t stats;
  if (size > 8192) {
    return 0; // keep each run short; the corpus files are under 4 KiB
  }
  if (fz_run(data, size, 0, &stats, report, sizeof(report)) != 0) {
    fprintf(stderr, "DIVERGENCE\n%s\n", report);
    abort();
  }
  return 0;
}
