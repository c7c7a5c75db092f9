// SPDX-License-Identifier: MIT
// vmar tests: what the host says about a range of our address space
// (/proc/self/maps on Linux; the region list on macOS and, through the XNU
// shim's lookup, in the Darwin personality; see maps.c).
//
// Every call reads the host's list afresh, so results reflect the moment of
// the call.
// Parsing allocates with malloc, which may itself add mappings; the ranges
// tests ask about are ones vmar placed, which malloc never touches.

#ifndef VMAR_TESTS_SUPPORT_MAPS_H_
#define VMAR_TESTS_SUPPORT_MAPS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// One line of /proc/self/maps: [start, end) and the permissions, e.g. "rw-p"
// ("p" private, "s" shared).
typedef struct {
  uintptr_t start, end;
  char perms[5];
} test_map_entry_t;

// Reads /proc/self/maps, stores up to |cap| entries in address order in |out|
// (|out| may be NULL when |cap| is 0) and returns how many entries there were
// in total, which may exceed |cap|. Returns 0 if the file cannot be read.
size_t test_maps_read(test_map_entry_t* out, size_t cap);

// Returns the number of mappings (VMAs) the process has right now.
size_t test_maps_count(void);

// Stores in |*count| the number of mappings (VMAs) that intersect [start,
// start + len). False if the file cannot be read or the range wraps.
bool test_maps_count_in(uintptr_t start, size_t len, size_t* count);

// True iff [start, start + len) is covered without holes by mappings whose
// perms are exactly "---p": address space reserved, nothing accessible.
// False when len is 0 or the range wraps.
bool test_maps_range_reserved(uintptr_t start, size_t len);

// True iff no mapping intersects [start, start + len). True when len is 0;
// false when the range wraps.
bool test_maps_range_unmapped(uintptr_t start, size_t len);

// True iff [start, start + len) is covered without holes by mappings whose
// perms are exactly |perms| (four characters, e.g. "rw-s" or "r--p").
// False when len is 0, the range wraps or |perms| is NULL.
bool test_maps_range_perms(uintptr_t start, size_t len, const char* perms);

#endif // VMAR_TESTS_SUPPORT_MAPS_H_
