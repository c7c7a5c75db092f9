// SPDX-License-Identifier: MIT
// vmar tests: the host's mappings behind maps.h, from what each host offers:
// Linux's /proc/self/maps; on macOS mach_vm_region_recurse; in the Darwin
// personality the XNU shim's region lookup, which answers as
// mach_vm_region would, from the real host's mappings.

#if !defined(_GNU_SOURCE) && !defined(__APPLE__)
#define _GNU_SOURCE
#endif

#include "maps.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <mach/mach.h>
#include <mach/mach_vm.h>
#endif

// All entries of one read of the host's mappings, in ascending order. The
// storage is static, behind a lock held from snapshot_take to
// snapshot_free: a snapshot allocates nothing, so a sanitizer's allocator
// cannot map memory of its own into a range the test is looking at (a
// range vmar just gave back, say) while the test looks.
typedef struct {
  test_map_entry_t* entries;
  size_t count;
} snapshot_t;

#define SNAPSHOT_MAX_ENTRIES ((size_t)1 << 18)
static test_map_entry_t snapshot_entries[SNAPSHOT_MAX_ENTRIES];
static pthread_mutex_t snapshot_lock = PTHREAD_MUTEX_INITIALIZER;

static void snapshot_begin(snapshot_t* s) {
  pthread_mutex_lock(&snapshot_lock);
  s->entries = snapshot_entries;
  s->count = 0;
}

// Appends |e| to |s|; false when the storage is full.
static bool snapshot_push(snapshot_t* s, const test_map_entry_t* e) {
  if (s->count == SNAPSHOT_MAX_ENTRIES) {
    return false;
  }
  s->entries[s->count++] = *e;
  return true;
}

static void snapshot_free(snapshot_t* s) {
  s->entries = NULL;
  s->count = 0;
  pthread_mutex_unlock(&snapshot_lock);
}

#if defined(__APPLE__) || defined(VMAR_EMULATE_DARWIN)
// "rwxs" or "rwxp" style permissions from host protection bits.
static void perms_text(bool r, bool w, bool x, bool shared, char out[5]) {
  out[0] = r ? 'r' : '-';
  out[1] = w ? 'w' : '-';
  out[2] = x ? 'x' : '-';
  out[3] = shared ? 's' : 'p';
  out[4] = '\0';
}

#if defined(VMAR_EMULATE_DARWIN)
// The XNU shim's region lookup (tests/darwin): the first host mapping ending
// above |addr|. Weak, so a binary run without the shim finds it NULL.
int xnu_shim_region(uintptr_t addr, uintptr_t* start, uintptr_t* end, int* prot,
                    int* shared) __attribute__((weak));
#endif

// The first host mapping that ends above |addr|; false when there is none.
static bool region_at_or_after(uintptr_t addr, test_map_entry_t* e) {
#if defined(__APPLE__)
  mach_vm_address_t a = addr;
  mach_vm_size_t size = 0;
  natural_t depth = 0;
  for (;;) {
    vm_region_submap_info_data_64_t info;
    mach_msg_type_number_t count = VM_REGION_SUBMAP_INFO_COUNT_64;
    if (mach_vm_region_recurse(mach_task_self(), &a, &size, &depth,
                               (vm_region_recurse_info_t)&info,
                               &count) != KERN_SUCCESS) {
      return false;
    }
    if (info.is_submap) {
      depth++;
      continue;
    }
    e->start = (uintptr_t)a;
    e->end = (uintptr_t)(a + size);
    // vmar's mappings are shared mappings of files; its reservations are
    // private anonymous memory.
    perms_text(info.protection & VM_PROT_READ, info.protection & VM_PROT_WRITE,
               info.protection & VM_PROT_EXECUTE, info.external_pager != 0,
               e->perms);
    return true;
  }
#else
  int prot = 0;
  int shared = 0;
  if (xnu_shim_region == NULL ||
      xnu_shim_region(addr, &e->start, &e->end, &prot, &shared) != 0) {
    return false;
  }
  perms_text(prot & 1, prot & 2, prot & 4, shared != 0, e->perms);
  return true;
#endif
}

// Takes a snapshot by walking the regions from address 0 up.
static bool snapshot_take(snapshot_t* s) {
  snapshot_begin(s);
  test_map_entry_t e;
  for (uintptr_t addr = 0; region_at_or_after(addr, &e); addr = e.end) {
    if (!snapshot_push(s, &e)) {
      snapshot_free(s);
      return false;
    }
  }
  if (s->count == 0) {
    snapshot_free(s);
    return false;
  }
  return true;
}
#else

// The text of /proc/self/maps, read whole with read(2) (procfs files
// report size 0): room for a process at any vm.max_map_count this suite
// reaches. Used under snapshot_lock.
static char maps_text[32u << 20];

// Reads the whole of |path| into maps_text; NULL on any failure or when it
// does not fit.
static char* read_all(const char* path, size_t* len_out) {
  int fd;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return NULL;
  }
  size_t len = 0;
  char* buf = maps_text;
  while (buf != NULL) {
    if (len == sizeof(maps_text)) {
      buf = NULL; // too long to hold
      break;
    }
    // In pieces: a tool that checks the whole buffer of every read (Valgrind
    // does) would otherwise walk all of maps_text each time.
    size_t want = sizeof(maps_text) - len;
    if (want > 65536) {
      want = 65536;
    }
    ssize_t got = read(fd, buf + len, want);
    if (got < 0) {
      if (errno != EINTR) {
        buf = NULL;
      }
    } else if (got == 0) {
      break;
    } else {
      len += (size_t)got;
    }
  }
  close(fd);
  *len_out = len;
  return buf;
}

// Parses hex digits at |*p|, stopping at |end| or the first non-digit.
static bool parse_hex(const char** p, const char* end, uintptr_t* out) {
  uintptr_t value = 0;
  size_t digits = 0;
  for (; *p < end; ++*p, ++digits) {
    char c = **p;
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = (unsigned)(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = (unsigned)(c - 'a') + 10u;
    } else if (c >= 'A' && c <= 'F') {
      digit = (unsigned)(c - 'A') + 10u;
    } else {
      break;
    }
    if (value > (UINTPTR_MAX >> 4)) {
      return false;
    }
    value = (value << 4) | digit;
  }
  *out = value;
  return digits > 0;
}

// Parses "start-end perms ..." from one line (without its newline).
static bool parse_line(const char* p, const char* end, test_map_entry_t* e) {
  if (!parse_hex(&p, end, &e->start) || p == end || *p != '-') {
    return false;
  }
  ++p;
  if (!parse_hex(&p, end, &e->end) || p == end || *p != ' ') {
    return false;
  }
  ++p;
  if (end - p < 4) {
    return false;
  }
  memcpy(e->perms, p, 4);
  e->perms[4] = '\0';
  return e->start < e->end;
}

// Takes a snapshot of the process's mappings. Lines that do not parse are
// skipped rather than trusted. Returns false if the file cannot be read or
// memory runs out.
static bool snapshot_take(snapshot_t* s) {
  snapshot_begin(s);
  size_t len = 0;
  const char* text = read_all("/proc/self/maps", &len);
  if (text == NULL) {
    snapshot_free(s);
    return false;
  }
  bool ok = true;
  const char* p = text;
  const char* text_end = text + len;
  while (p < text_end && ok) {
    const char* nl = memchr(p, '\n', (size_t)(text_end - p));
    const char* line_end = nl != NULL ? nl : text_end;
    test_map_entry_t e;
    if (parse_line(p, line_end, &e)) {
      ok = snapshot_push(s, &e);
    }
    p = line_end + 1;
  }
  if (!ok) {
    snapshot_free(s);
  }
  return ok;
}
#endif

size_t test_maps_read(test_map_entry_t* out, size_t cap) {
  snapshot_t s;
  if (!snapshot_take(&s)) {
    return 0;
  }
  size_t n = s.count < cap ? s.count : cap;
  if (n > 0) {
    memcpy(out, s.entries, n * sizeof(*out));
  }
  size_t total = s.count;
  snapshot_free(&s);
  return total;
}

// Under Valgrind (.ci/valgrind.sh sets VMAR_TEST_VALGRIND), the tool's own
// memory appears in the file and changes at any moment; it is private and
// writable, which nothing vmar creates ever is (reservations are "---p",
// VMO mappings shared), so such entries are left out of the count there.
size_t test_maps_count(void) {
  const char* vg = getenv("VMAR_TEST_VALGRIND");
  if (vg == NULL || vg[0] == '\0') {
    return test_maps_read(NULL, 0);
  }
  snapshot_t s;
  if (!snapshot_take(&s)) {
    return 0;
  }
  size_t n = 0;
  for (size_t i = 0; i < s.count; ++i) {
    n += !(s.entries[i].perms[1] == 'w' && s.entries[i].perms[3] == 'p');
  }
  snapshot_free(&s);
  return n;
}

// True iff [start, start + len) is covered, without holes, by entries whose
// perms equal |perms|. Relies on the kernel listing entries in address order.
static bool range_covered(uintptr_t start, size_t len, const char* perms) {
  if (perms == NULL || strlen(perms) != 4 || len == 0 ||
      len > UINTPTR_MAX - start) {
    return false;
  }
  uintptr_t end = start + len;

  snapshot_t s;
  if (!snapshot_take(&s)) {
    return false;
  }
  uintptr_t cursor = start;
  bool covered = false;
  for (size_t i = 0; i < s.count; ++i) {
    const test_map_entry_t* e = &s.entries[i];
    if (e->end <= cursor) {
      continue;
    }
    if (e->start > cursor || strcmp(e->perms, perms) != 0) {
      break; // a hole, or a page with other permissions
    }
    cursor = e->end;
    if (cursor >= end) {
      covered = true;
      break;
    }
  }
  snapshot_free(&s);
  return covered;
}

bool test_maps_range_reserved(uintptr_t start, size_t len) {
  return range_covered(start, len, "---p");
}

bool test_maps_range_perms(uintptr_t start, size_t len, const char* perms) {
  return range_covered(start, len, perms);
}

bool test_maps_count_in(uintptr_t start, size_t len, size_t* count) {
  snapshot_t s;
  if (len > UINTPTR_MAX - start || !snapshot_take(&s)) {
    return false;
  }
  *count = 0;
  for (size_t i = 0; i < s.count; ++i) {
    *count += s.entries[i].start < start + len && s.entries[i].end > start;
  }
  snapshot_free(&s);
  return true;
}

bool test_maps_range_unmapped(uintptr_t start, size_t len) {
  size_t n = 0;
  return len == 0 || (test_maps_count_in(start, len, &n) && n == 0);
}
