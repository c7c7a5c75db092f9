// SPDX-License-Identifier: MIT
// vmar fuzz: the differential harness (see harness.h).
//
// Every call is made twice: on the library and on the model. Handle values
// are opaque: the harness keeps, per model handle index, the value the
// library returned. Placement is the library's choice; the model checks it.
// After every call the whole state is compared:
//   - vmar_get_maps(root) against the model's tree, entry by entry;
//   - every handle's rights and type (closed ones must be refused);
//   - /proc/self/maps, page by page, against the tree: every page of a live
//     reservation present, mapped pages with their protection and "s",
//     everything else "---p";
//   - every live VMO's vmar_vmo_get_info (family, mappings, flags) and
//     content size, through a handle that may ask;
//   - the bytes of every readable mapped page against the model's VMO bytes.

#define _GNU_SOURCE

#include "harness.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vmar/vmar.h>

#include "model.h"

#define MAX_TOP 4       // live reservations (children of the root)
#define MAX_ROOT_MAPS 4 // live mappings directly in the root
#define MAX_ENTRIES 512

typedef struct fz {
  model_t m;
  vmar_handle_t lib[M_MAX_HANDLES]; // library value per model handle
  vmar_manager_t* mgr[M_MAX_MGRS];  // library manager per model manager
  bool mgr_held[M_MAX_MGRS];        // the harness still holds its reference
  vmar_mapper_t mapper[M_MAX_MAPPERS];
  uint64_t vmar_koid[M_MAX_VMARS]; // learnt from the first handle seen
  // Stores (model indices) of VMOs made with vmar_vmo_create_from_fd where
  // the import shares the importer's open file description, and those whose
  // description has been put in append mode since (writes through every
  // VMO on them refused).
  bool store_shared[M_MAX_VMOS];
  bool store_appending[M_MAX_VMOS];
  const uint8_t* data;
  size_t size;
  size_t pos;
  size_t page;
  fz_stats_t* stats;
  char call[320];
  char* report;
  size_t report_cap;
  bool failed;
  uint64_t opno;
} fz_t;

static fz_t g_fz; // large: keep it off the stack

// ---- Input decoding --------------------------------------------------------

static uint8_t u8(fz_t* f) { return f->pos < f->size ? f->data[f->pos++] : 0; }

static uint32_t u16(fz_t* f) {
  uint32_t a = u8(f);
  return a | ((uint32_t)u8(f) << 8);
}

static uint32_t u32(fz_t* f) {
  uint32_t a = u16(f);
  return a | (u16(f) << 16);
}

// ---- Reporting -------------------------------------------------------------

static void fail(fz_t* f, const char* fmt, ...) {
  if (f->failed) {
    return;
  }
  f->failed = true;
  int n = snprintf(f->report, f->report_cap, "op #%llu: %s\n  ",
                   (unsigned long long)f->opno, f->call);
  if (n < 0 || (size_t)n >= f->report_cap) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->report + n, f->report_cap - (size_t)n, fmt, ap);
  va_end(ap);
}

static void setcall(fz_t* f, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->call, sizeof(f->call), fmt, ap);
  va_end(ap);
}

// Per call name: how often it succeeded and failed (for --coverage).
typedef struct cov {
  char name[40];
  uint64_t ok;
  uint64_t err;
} cov_t;
static cov_t g_cov[48];

static bool g_cov_on;

void fz_enable_coverage(void) { g_cov_on = true; }

static void count_status(const char* call, vmar_status_t got) {
  if (!g_cov_on) {
    return;
  }
  size_t n = strcspn(call, "( ");
  if (n >= sizeof(g_cov[0].name)) {
    n = sizeof(g_cov[0].name) - 1;
  }
  for (size_t i = 0; i < sizeof(g_cov) / sizeof(g_cov[0]); i++) {
    if (g_cov[i].name[0] == '\0') {
      memcpy(g_cov[i].name, call, n);
      g_cov[i].name[n] = '\0';
    }
    if (strncmp(g_cov[i].name, call, n) == 0 && g_cov[i].name[n] == '\0') {
      if (got == VMAR_OK) {
        g_cov[i].ok++;
      } else {
        g_cov[i].err++;
      }
      return;
    }
  }
}

void fz_print_coverage(FILE* out) {
  for (size_t i = 0; i < sizeof(g_cov) / sizeof(g_cov[0]); i++) {
    if (g_cov[i].name[0] != '\0') {
      fprintf(out, "  %-32s ok %8llu  error %8llu\n", g_cov[i].name,
              (unsigned long long)g_cov[i].ok,
              (unsigned long long)g_cov[i].err);
    }
  }
}

// Compares statuses; true when equal.
static bool same(fz_t* f, vmar_status_t want, vmar_status_t got) {
  f->stats->checks++;
  count_status(f->call, got);
  if (want == M_ILLEGAL) {
    fail(f, "illegal output: %s", f->m.why);
    return false;
  }
  if (want != got) {
    fail(f, "expected %s (%d), got %s (%d)", vmar_status_string(want),
         (int)want, vmar_status_string(got), (int)got);
    return false;
  }
  return true;
}

// ---- Handles ---------------------------------------------------------------

// The library value standing for model handle |h| (-1: INVALID, -2: forged).
static vmar_handle_t libh(const fz_t* f, int h) {
  if (h == -1) {
    return VMAR_HANDLE_INVALID;
  }
  if (h < 0 || f->lib[h] == VMAR_HANDLE_INVALID) {
    // Forged, or a model handle the library never returned (an internal
    // one of a failed call): low bits clear, never a handle.
    return (vmar_handle_t)0x7ffffff0u;
  }
  return f->lib[h];
}

// Records the library's new handle |value| for model handle |h|, checking it
// is not the value of another live handle.
static void bind(fz_t* f, int h, vmar_handle_t value) {
  for (int i = 0; i < f->m.nhandle; i++) {
    if (i == h || f->lib[i] != value) {
      continue;
    }
    if (f->m.handle[i].live) {
      fail(f, "new handle %#x equals live handle #%d", value, i);
      return;
    }
    f->lib[i] = (vmar_handle_t)0x7ffffff0u; // a reused value: retire it
  }
  if ((value & VMAR_HANDLE_FIXED_BITS_MASK) != VMAR_HANDLE_FIXED_BITS_MASK) {
    fail(f, "new handle %#x lacks the fixed low bits", value);
  }
  f->lib[h] = value;
}

// Picks a model handle: mostly a live one of |kind|, sometimes any (stale,
// other type), INVALID or forged.
static int pick_h(fz_t* f, int kind) {
  uint8_t b = u8(f);
  const model_t* m = &f->m;
  switch (b % 16) {
  case 0:
    return -1;
  case 1:
    return -2;
  case 2:
  case 3:
    return (int)(u8(f) % (unsigned)m->nhandle);
  default:
    break;
  }
  int live[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    if (m->handle[i].live && (kind == 0 || m->handle[i].kind == kind)) {
      live[n++] = i;
    }
  }
  if (n == 0) {
    return (int)(u8(f) % (unsigned)m->nhandle);
  }
  return live[u8(f) % (unsigned)n];
}

static int vmar_of(const fz_t* f, int h) {
  if (h < 0 || h >= f->m.nhandle || f->m.handle[h].kind != M_KIND_VMAR) {
    return -1;
  }
  return f->m.handle[h].obj;
}

static int count_top(const fz_t* f) {
  int n = 0;
  for (int i = 1; i < f->m.nvmar; i++) {
    if (f->m.vmar[i].alive && f->m.vmar[i].parent == 0) {
      n++;
    }
  }
  return n;
}

static int count_root_maps(const fz_t* f) {
  int n = 0;
  for (int i = 0; i < f->m.nmap; i++) {
    if (f->m.map[i].used && f->m.map[i].parent == 0) {
      n++;
    }
  }
  return n;
}

// A live handle to an alive VMAR (not the root unless |root_ok|), or -1.
static int pick_live_vmar(fz_t* f, bool root_ok) {
  const model_t* m = &f->m;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (h->live && h->kind == M_KIND_VMAR && m->vmar[h->obj].alive &&
        (root_ok || h->obj != 0)) {
      c[n++] = i;
    }
  }
  return n == 0 ? -1 : c[u8(f) % (unsigned)n];
}

// A live handle to VMAR |v| or one of its ancestors, or -1.
static int handle_above(fz_t* f, int v) {
  const model_t* m = &f->m;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (!h->live || h->kind != M_KIND_VMAR) {
      continue;
    }
    for (int w = v; w >= 0; w = m->vmar[w].parent) {
      if (w == h->obj) {
        c[n++] = i;
        break;
      }
    }
  }
  if (n == 0) {
    return -1;
  }
  // Mostly the closest (a direct handle) so that changes succeed.
  for (int i = 0; i < n && (u8(f) & 3) != 0; i++) {
    if (m->handle[c[i]].obj == v) {
      return c[i];
    }
  }
  return c[u8(f) % (unsigned)n];
}

// A live mapping, or -1.
static int pick_mapping(fz_t* f) {
  const model_t* m = &f->m;
  int c[M_MAX_MAPS];
  int n = 0;
  for (int i = 0; i < m->nmap; i++) {
    if (m->map[i].used) {
      c[n++] = i;
    }
  }
  return n == 0 ? -1 : c[u8(f) % (unsigned)n];
}

// A random legal permission set within |ceil|.
static uint32_t perms_within(fz_t* f, uint32_t ceil) {
  uint32_t p = u8(f) & ceil & 7;
  if ((p & (VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)) &&
      !(ceil & VMAR_VM_PERM_READ)) {
    p = 0;
  } else if (p & (VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)) {
    p |= VMAR_VM_PERM_READ;
  }
  return p;
}

// A sub-range [*a, *a + *len) of mapping |k| (whole pages).
static void range_in_mapping(fz_t* f, int k, uintptr_t* a, uint64_t* len) {
  const m_map_t* mp = &f->m.map[k];
  size_t first = u8(f) % mp->pages;
  size_t n = 1 + u8(f) % (mp->pages - first);
  if (u8(f) % 4 == 0) {
    first = 0;
    n = mp->pages;
  }
  *a = mp->base + first * f->page;
  *len = (uint64_t)n * f->page;
}

// ---- Argument pickers ------------------------------------------------------

static uint32_t pick_align(fz_t* f) {
  uint8_t b = u8(f);
  switch (b % 8) {
  case 0:
    return (uint32_t)(12 + u8(f) % 5) << VMAR_VM_ALIGN_BASE; // 4K..64K
  case 1:
    return (uint32_t)(u8(f) % 40) << VMAR_VM_ALIGN_BASE; // often illegal
  default:
    return 0;
  }
}

static uint32_t pick_alloc_opts(fz_t* f) {
  static const uint32_t bits[] = {VMAR_VM_CAN_MAP_READ,
                                  VMAR_VM_CAN_MAP_WRITE,
                                  VMAR_VM_CAN_MAP_EXECUTE,
                                  VMAR_VM_CAN_MAP_SPECIFIC,
                                  VMAR_VM_COMPACT,
                                  VMAR_VM_SPECIFIC,
                                  VMAR_VM_OFFSET_IS_UPPER_LIMIT};
  uint32_t mask = u16(f);
  uint32_t o = 0;
  // Readable and writable are the common case; the others less so.
  if (mask & 0x100) {
    o |= VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE;
  }
  for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
    if ((mask >> i) & 1) {
      o |= bits[i];
    }
  }
  if ((mask & 0x7000) == 0x7000) { // rare: an option allocate rejects
    static const uint32_t bad[] = {VMAR_VM_PERM_READ,
                                   VMAR_VM_MAP_RANGE,
                                   VMAR_VM_SPECIFIC_OVERWRITE,
                                   VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED,
                                   1u << 20,
                                   VMAR_VM_ALLOW_FAULTS};
    o |= bad[(mask >> 9) % 6];
  }
  return o | pick_align(f);
}

static uint32_t pick_map_opts(fz_t* f) {
  static const uint32_t bits[] = {VMAR_VM_PERM_READ,
                                  VMAR_VM_PERM_WRITE,
                                  VMAR_VM_SPECIFIC,
                                  VMAR_VM_SPECIFIC_OVERWRITE,
                                  VMAR_VM_MAP_RANGE,
                                  VMAR_VM_ALLOW_FAULTS,
                                  VMAR_VM_PERM_EXECUTE,
                                  VMAR_VM_REQUIRE_NON_RESIZABLE,
                                  VMAR_VM_OFFSET_IS_UPPER_LIMIT,
                                  VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED};
  uint32_t mask = u16(f);
  uint32_t o = 0;
  if (mask & 0x400) {
    o |= VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE;
  }
  for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
    // The later bits are rarer.
    if (((mask >> i) & 1) && (i < 4 || ((mask >> 11) & 1))) {
      o |= bits[i];
    }
  }
  if ((mask & 0xE000) == 0xE000) {
    static const uint32_t bad[] = {VMAR_VM_CAN_MAP_READ,
                                   VMAR_VM_COMPACT,
                                   VMAR_VM_CAN_MAP_SPECIFIC,
                                   1u << 17,
                                   VMAR_VM_FAULT_BEYOND_STREAM_SIZE,
                                   VMAR_VM_CAN_MAP_EXECUTE};
    o |= bad[(mask >> 4) % 6];
  }
  return o | pick_align(f);
}

// A size in bytes for something inside a VMAR of |pages| pages.
static uint64_t pick_len(fz_t* f, size_t pages) {
  uint8_t b = u8(f);
  uint64_t p = f->page;
  if (pages == 0) {
    pages = 1;
  }
  switch (b % 16) {
  case 0:
    return 0;
  case 1:
    return (uint64_t)(1 + u8(f) % pages) * p - 1 - u8(f) % 64; // unaligned
  case 2:
    return (u8(f) & 1) ? SIZE_MAX : SIZE_MAX - p + 2;
  case 3:
    return (uint64_t)pages * p; // all of it
  case 4:
    return (uint64_t)(pages + 1 + u8(f) % 4) * p; // too big
  default:
    break;
  }
  size_t max = pages < 8 ? pages : 8;
  return (uint64_t)(1 + u8(f) % max) * p;
}

// An offset relative to a VMAR of |pages| pages.
static uint64_t pick_off(fz_t* f, size_t pages) {
  uint8_t b = u8(f);
  switch (b % 16) {
  case 0:
    return (uint64_t)(u8(f) % (pages + 1)) * f->page + 1 + u8(f);
  case 1:
    return SIZE_MAX - f->page + 1;
  case 2:
  case 3:
  case 4:
  case 5:
  case 6:
  case 7:
    return 0;
  default:
    return (uint64_t)(u8(f) % (pages + 2)) * f->page;
  }
}

// An absolute address around the content of VMAR |v|.
static uintptr_t pick_addr(fz_t* f, int v) {
  const model_t* m = &f->m;
  uint8_t b = u8(f);
  uintptr_t anchor = m->vmar[v].base;
  if (m->vmar[v].root) {
    anchor = 0;
  }
  // Anchor at the VMAR, or at something inside it (a mapping or a VMAR).
  int cands[M_MAX_MAPS + M_MAX_VMARS];
  int n = 0;
  for (int i = 0; i < m->nmap; i++) {
    if (m->map[i].used) {
      cands[n++] = i;
    }
  }
  int nm = n;
  for (int i = 1; i < m->nvmar; i++) {
    if (m->vmar[i].alive) {
      cands[n++] = i;
    }
  }
  if (n > 0 && (anchor == 0 || (b & 3) != 0)) {
    int k = (int)(u8(f) % (unsigned)n);
    anchor = k < nm ? m->map[cands[k]].base : m->vmar[cands[k]].base;
  }
  if (anchor == 0) {
    anchor = m->vmar[v].base;
  }
  int delta = (int)(u8(f) % 12) - 2;
  uintptr_t a = anchor + (uintptr_t)((intptr_t)delta * (intptr_t)f->page);
  switch ((b >> 2) % 16) {
  case 0:
    return a + 1 + u8(f);
  case 1:
    return UINTPTR_MAX - f->page + 1;
  default:
    return a;
  }
}

static const char* const kNames[] = {
    "", "a", "frames", "heap", "0123456789abcdef0123456789abcdef-too-long"};

// ---- Whole-state checks ----------------------------------------------------

static sigjmp_buf g_jmp;
static volatile sig_atomic_t g_in_probe;

static void on_fault(int sig) {
  (void)sig;
  if (g_in_probe) {
    siglongjmp(g_jmp, 1);
  }
  abort();
}

typedef struct area {
  uintptr_t start;
  uintptr_t end;
  char prot[5];
} area_t;

static area_t g_areas[8192];
static char g_maps_text[1 << 20];

static int read_proc_maps(void) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, g_maps_text + len, sizeof(g_maps_text) - 1 - len);
    if (r <= 0) {
      break;
    }
    len += (size_t)r;
  }
  close(fd);
  g_maps_text[len] = '\0';
  int n = 0;
  char* p = g_maps_text;
  char* const end = g_maps_text + len;
  while (p < end && n < (int)(sizeof(g_areas) / sizeof(g_areas[0]))) {
    // "start-end prot ...", addresses in hexadecimal; the rest is skipped.
    // Library calls rather than byte loops: sanitizers make those slow.
    char* q;
    uintptr_t s = (uintptr_t)strtoull(p, &q, 16);
    uintptr_t e = (uintptr_t)strtoull(q + 1, &q, 16);
    if (q + 5 <= end) {
      g_areas[n].start = s;
      g_areas[n].end = e;
      memcpy(g_areas[n].prot, q + 1, 4);
      g_areas[n].prot[4] = '\0';
      n++;
    }
    char* nl = memchr(q, '\n', (size_t)(end - q));
    if (nl == NULL) {
      break;
    }
    p = nl + 1;
  }
  return n;
}

static const area_t* area_at(int n, uintptr_t a) {
  int lo = 0;
  int hi = n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (a < g_areas[mid].start) {
      hi = mid - 1;
    } else if (a >= g_areas[mid].end) {
      lo = mid + 1;
    } else {
      return &g_areas[mid];
    }
  }
  return NULL;
}

static void prot_of(const model_t* m, int i, size_t pg, char out[5]) {
  if (!m_page_host_backed(m, i, pg)) {
    memcpy(out, "---p", 5);
    return;
  }
  uint8_t p = m->map[i].perm[pg];
  out[0] = (p & VMAR_VM_PERM_READ) ? 'r' : '-';
  out[1] = (p & VMAR_VM_PERM_WRITE) ? 'w' : '-';
  out[2] = (p & VMAR_VM_PERM_EXECUTE) ? 'x' : '-';
  out[3] = 's';
  out[4] = '\0';
}

static m_entry_t g_want[MAX_ENTRIES];
static vmar_map_info_t g_got[MAX_ENTRIES];

static bool entry_equal(const m_entry_t* a, const vmar_map_info_t* b) {
  return strncmp(a->name, b->name, sizeof(a->name)) == 0 &&
         a->base == b->base && a->size == b->size && a->depth == b->depth &&
         a->type == b->type &&
         (a->type != VMAR_MAP_INFO_TYPE_MAPPING ||
          (a->mmu_flags == b->mmu_flags && a->vmo_id == b->vmo_id &&
           a->vmo_offset == b->vmo_offset));
}

static void describe(char* out, size_t cap, const vmar_map_info_t* e) {
  snprintf(out, cap,
           "{type %u depth %zu base %#lx size %#zx flags %#x vmo %llu off "
           "%#llx name '%.32s'}",
           e->type, e->depth, (unsigned long)e->base, e->size, e->mmu_flags,
           (unsigned long long)e->vmo_id, (unsigned long long)e->vmo_offset,
           e->name);
}

// Compares a library get_maps result with the model's view of VMAR |v|.
static bool compare_maps(fz_t* f, int v, const vmar_map_info_t* got,
                         size_t actual, size_t avail, size_t cap) {
  model_t* m = &f->m;
  // Learn VMO ids the model has not seen yet (they are the library's).
  for (size_t i = 0; i < actual; i++) {
    if (got[i].type != VMAR_MAP_INFO_TYPE_MAPPING) {
      continue;
    }
    size_t pg;
    int k = m_map_at(m, got[i].base, &pg);
    if (k < 0 || m->vmo[m->map[k].vmo].koid != 0) {
      continue;
    }
    for (int o = 0; o < m->nvmo; o++) {
      if (m->vmo[o].koid == got[i].vmo_id) {
        fail(f, "VMO id %llu names two VMOs",
             (unsigned long long)got[i].vmo_id);
        return false;
      }
    }
    m->vmo[m->map[k].vmo].koid = got[i].vmo_id;
  }
  size_t want_n = m_maps_of(m, v, g_want, MAX_ENTRIES);
  size_t want_actual = want_n < cap ? want_n : cap;
  f->stats->checks++;
  if (avail != want_n || actual != want_actual) {
    fail(f, "get_maps: expected %zu entries (%zu written), got %zu (%zu)",
         want_n, want_actual, avail, actual);
    return false;
  }
  for (size_t i = 0; i < actual; i++) {
    if (!entry_equal(&g_want[i], &got[i])) {
      char a[200], b[200];
      vmar_map_info_t w;
      memcpy(&w, &g_want[i], sizeof(w));
      describe(a, sizeof(a), &w);
      describe(b, sizeof(b), &got[i]);
      fail(f, "get_maps entry %zu: expected %s\n  got %s", i, a, b);
      return false;
    }
  }
  return true;
}

// A live handle to VMO object |o| carrying every right of |need|, or -1.
static int handle_to_vmo(const fz_t* f, int o, uint32_t need) {
  const model_t* m = &f->m;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (h->live && h->kind == M_KIND_VMO && h->obj == o &&
        (h->rights & need) == need) {
      return i;
    }
  }
  return -1;
}

// Compares vmar_vmo_get_info's answer with the model's.
static bool compare_vmo_info(fz_t* f, int o, const vmar_vmo_info_t* want,
                             const vmar_vmo_info_t* got) {
  model_t* m = &f->m;
  f->stats->checks++;
  if (want->koid == 0 && o >= 0) {
    m->vmo[o].koid = got->koid; // first sight of a mapper's VMO
  } else if (got->koid != want->koid) {
    fail(f, "VMO info of VMO %d: koid %llu, expected %llu", o,
         (unsigned long long)got->koid, (unsigned long long)want->koid);
    return false;
  }
  const bool shares =
      m->vmo[o].kind == M_VMO_SLICE || m->vmo[o].kind == M_VMO_REFERENCE;
  if (got->size_bytes != want->size_bytes ||
      got->parent_koid != want->parent_koid ||
      got->num_children != want->num_children ||
      got->num_mappings != want->num_mappings ||
      got->share_count != want->share_count || got->flags != want->flags ||
      got->handle_rights != want->handle_rights ||
      got->cache_policy != want->cache_policy ||
      strncmp(got->name, want->name, sizeof(got->name)) != 0 ||
      got->committed_bytes > got->size_bytes ||
      (shares && got->committed_bytes != 0)) {
    fail(f,
         "VMO info of VMO %d (koid %llu):\n"
         "  got      size %#llx parent %llu children %zu mappings %zu "
         "share %zu flags %#x rights %#x cache %u name '%.32s' committed "
         "%#llx\n"
         "  expected size %#llx parent %llu children %zu mappings %zu "
         "share %zu flags %#x rights %#x cache %u name '%.32s' committed "
         "%s",
         o, (unsigned long long)got->koid, (unsigned long long)got->size_bytes,
         (unsigned long long)got->parent_koid, got->num_children,
         got->num_mappings, got->share_count, got->flags, got->handle_rights,
         got->cache_policy, got->name, (unsigned long long)got->committed_bytes,
         (unsigned long long)want->size_bytes,
         (unsigned long long)want->parent_koid, want->num_children,
         want->num_mappings, want->share_count, want->flags,
         want->handle_rights, want->cache_policy, want->name,
         shares ? "0" : "<= size");
    return false;
  }
  return true;
}

// Every live VMO with a handle that may ask: vmar_vmo_get_info and
// vmar_vmo_get_content_size against the model.
static bool check_vmos(fz_t* f) {
  model_t* m = &f->m;
  for (int o = 0; o < m->nvmo; o++) {
    if (!m->vmo[o].alive) {
      continue;
    }
    int h = handle_to_vmo(f, o, VMAR_RIGHT_INSPECT);
    if (h >= 0) {
      vmar_vmo_info_t want, got;
      memset(&got, 0, sizeof(got));
      vmar_status_t st = vmar_vmo_get_info(libh(f, h), &got);
      if (m_vmo_get_info(m, h, false, &want) != VMAR_OK || st != VMAR_OK) {
        fail(f, "state: vmar_vmo_get_info(h#%d) of VMO %d: %s", h, o,
             vmar_status_string(st));
        return false;
      }
      if (!compare_vmo_info(f, o, &want, &got)) {
        return false;
      }
    }
    h = handle_to_vmo(f, o, VMAR_RIGHT_GET_PROPERTY);
    if (h >= 0) {
      uint64_t want = 0;
      uint64_t got = 0;
      vmar_status_t st = vmar_vmo_get_content_size(libh(f, h), &got);
      f->stats->checks++;
      if (m_vmo_get_content_size(m, h, false, &want) != VMAR_OK ||
          st != VMAR_OK || got != want) {
        fail(f,
             "state: content size of VMO %d (h#%d): %s, %#llx; expected "
             "%#llx",
             o, h, vmar_status_string(st), (unsigned long long)got,
             (unsigned long long)want);
        return false;
      }
    }
  }
  return true;
}

static void check_state(fz_t* f) {
  model_t* m = &f->m;
  if (f->failed) {
    return;
  }
  // 1. The library's tree.
  size_t actual = 0;
  size_t avail = 0;
  vmar_status_t st =
      vmar_get_maps(vmar_root_self(), g_got, MAX_ENTRIES, &actual, &avail);
  if (st != VMAR_OK) {
    fail(f, "state: get_maps(root) failed: %s", vmar_status_string(st));
    return;
  }
  if (!compare_maps(f, 0, g_got, actual, avail, MAX_ENTRIES)) {
    return;
  }
  // 2. Every handle: live ones with their rights and object type, closed
  // ones refused.
  for (int i = 0; i < m->nhandle; i++) {
    vmar_handle_info_t info;
    vmar_handle_t value = libh(f, i);
    vmar_status_t hs = vmar_handle_get_info(value, &info);
    const m_handle_t* mh = &m->handle[i];
    if (!mh->live) {
      if (hs != VMAR_ERR_BAD_HANDLE) {
        fail(f, "state: closed handle #%d (%#x) answers %s", i, value,
             vmar_status_string(hs));
        return;
      }
      continue;
    }
    uint32_t type =
        mh->kind == M_KIND_VMAR ? VMAR_OBJ_TYPE_VMAR : VMAR_OBJ_TYPE_VMO;
    if (hs == VMAR_OK && mh->kind == M_KIND_VMO) {
      m_vmo_t* vo = &m->vmo[mh->obj];
      if (vo->koid == 0) {
        vo->koid = info.koid; // first sight of a mapper's VMO
      } else if (vo->koid != info.koid) {
        fail(f, "state: handle #%d names VMO %llu, expected %llu", i,
             (unsigned long long)info.koid, (unsigned long long)vo->koid);
        return;
      }
    }
    if (hs == VMAR_OK && mh->kind == M_KIND_VMAR) {
      if (f->vmar_koid[mh->obj] == 0) {
        f->vmar_koid[mh->obj] = info.koid;
      } else if (f->vmar_koid[mh->obj] != info.koid) {
        fail(f, "state: handle #%d names VMAR %llu, expected %llu", i,
             (unsigned long long)info.koid,
             (unsigned long long)f->vmar_koid[mh->obj]);
        return;
      }
    }
    if (hs != VMAR_OK || info.rights != mh->rights || info.type != type) {
      fail(f,
           "state: handle #%d (%#x): %s, rights %#x type %u; expected "
           "rights %#x type %u",
           i, value, vmar_status_string(hs), info.rights, info.type, mh->rights,
           type);
      return;
    }
  }
  // 3. Every live VMO a handle can ask about: its facts and content size.
  if (!check_vmos(f)) {
    return;
  }
  // 4. /proc/self/maps against the tree.
  int n = read_proc_maps();
  f->stats->checks++;
  if (n <= 0) {
    fail(f, "state: cannot read /proc/self/maps");
    return;
  }
  for (int v = 1; v < m->nvmar; v++) {
    const m_vmar_t* r = &m->vmar[v];
    if (!r->alive || r->parent != 0) {
      continue;
    }
    for (uintptr_t a = r->base; a < r->base + r->size; a += f->page) {
      const area_t* ar = area_at(n, a);
      size_t pg;
      int k = m_map_at(m, a, &pg);
      char want[5];
      if (k >= 0) {
        prot_of(m, k, pg, want);
      } else {
        memcpy(want, "---p", 5);
      }
      if (ar == NULL || strcmp(ar->prot, want) != 0) {
        fail(f, "state: /proc/self/maps at %#lx: expected %s, got %s",
             (unsigned long)a, want, ar == NULL ? "nothing" : ar->prot);
        return;
      }
    }
  }
  for (int k = 0; k < m->nmap; k++) {
    const m_map_t* mp = &m->map[k];
    if (!mp->used || mp->parent != 0) {
      continue;
    }
    for (size_t pg = 0; pg < mp->pages; pg++) {
      uintptr_t a = mp->base + pg * f->page;
      const area_t* ar = area_at(n, a);
      char want[5];
      prot_of(m, k, pg, want);
      if (ar == NULL || strcmp(ar->prot, want) != 0) {
        fail(f,
             "state: /proc/self/maps at %#lx (root mapping): expected %s, "
             "got %s",
             (unsigned long)a, want, ar == NULL ? "nothing" : ar->prot);
        return;
      }
    }
  }
  // 5. Bytes of every readable page.
  struct sigaction sa, old_segv, old_bus;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_fault;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &old_segv);
  sigaction(SIGBUS, &sa, &old_bus);
  volatile uintptr_t where = 0;
  if (sigsetjmp(g_jmp, 1) != 0) {
    g_in_probe = 0;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    fail(f, "state: reading %#lx faulted", (unsigned long)where);
    return;
  }
  g_in_probe = 1;
  for (int k = 0; k < m->nmap && !f->failed; k++) {
    const m_map_t* mp = &m->map[k];
    if (!mp->used) {
      continue;
    }
    for (size_t pg = 0; pg < mp->pages; pg++) {
      if (!(mp->perm[pg] & VMAR_VM_PERM_READ) || !m_page_backed(m, k, pg)) {
        continue;
      }
      where = mp->base + pg * f->page;
      const uint8_t* want =
          m_vmo_bytes(m, mp->vmo) + mp->vmo_off + pg * f->page;
      if (memcmp((const void*)where, want, f->page) != 0) {
        size_t i = 0;
        while (((const uint8_t*)where)[i] == want[i]) {
          i++;
        }
        g_in_probe = 0;
        fail(f, "state: byte %#lx (VMO %d offset %#llx) is %#x, expected %#x",
             (unsigned long)(where + i), mp->vmo,
             (unsigned long long)(mp->vmo_off + pg * f->page + i),
             ((const uint8_t*)where)[i], want[i]);
        break;
      }
    }
  }
  g_in_probe = 0;
  sigaction(SIGSEGV, &old_segv, NULL);
  sigaction(SIGBUS, &old_bus, NULL);
}

// ---- Operations ------------------------------------------------------------

static void op_allocate(fz_t* f) {
  int h = pick_h(f, M_KIND_VMAR);
  int v = vmar_of(f, h);
  size_t pages = v >= 0 ? f->m.vmar[v].size / f->page : 16;
  uint32_t opts = pick_alloc_opts(f);
  uint64_t off = pick_off(f, pages);
  uint64_t size = pick_len(f, pages);
  int hv = (u8(f) % 4) != 0 ? pick_live_vmar(f, count_top(f) < MAX_TOP) : -1;
  if (hv >= 0) { // mostly valid: what the parent and the handle allow
    h = hv;
    v = f->m.handle[h].obj;
    const m_vmar_t* p = &f->m.vmar[v];
    pages = p->size / f->page;
    uint32_t r = f->m.handle[h].rights;
    uint32_t can = ((r & VMAR_RIGHT_READ) ? VMAR_VM_CAN_MAP_READ : 0u) |
                   ((r & VMAR_RIGHT_WRITE) ? VMAR_VM_CAN_MAP_WRITE : 0u) |
                   ((r & VMAR_RIGHT_EXECUTE) ? VMAR_VM_CAN_MAP_EXECUTE : 0u);
    uint8_t b = u8(f);
    opts = (p->flags & can & (b % 4 == 0 ? (uint32_t)u16(f) : ~0u)) |
           ((b & 4) ? VMAR_VM_COMPACT : 0u) |
           ((b & 8) ? VMAR_VM_CAN_MAP_SPECIFIC : 0u);
    size_t np = 1 + u8(f) % (pages < 16 ? pages : 16);
    if (b & 0x80) {
      np = 1 + u8(f) % pages;
    }
    size = (uint64_t)np * f->page;
    off = 0;
    if ((p->flags & VMAR_VM_CAN_MAP_SPECIFIC) && (b & 0x30) != 0) {
      if ((b & 0x30) == 0x30) {
        opts |= VMAR_VM_OFFSET_IS_UPPER_LIMIT;
        off = (uint64_t)(np + u8(f) % (pages - np + 1)) * f->page;
      } else {
        opts |= VMAR_VM_SPECIFIC;
        off = (uint64_t)(u8(f) % (pages - np + 1)) * f->page;
      }
    }
    if ((b & 0x40) && u8(f) % 2 == 0) {
      opts |= (uint32_t)(13 + u8(f) % 4) << VMAR_VM_ALIGN_BASE;
    }
  }
  if (v == 0) { // the root: host placement only, and small
    if (count_top(f) >= MAX_TOP) {
      return;
    }
    opts &= ~(VMAR_VM_SPECIFIC | VMAR_VM_OFFSET_IS_UPPER_LIMIT);
    if ((opts >> VMAR_VM_ALIGN_BASE) > 21) {
      opts &= ~VMAR_VM_ALIGN_MASK;
    }
    size = (u8(f) % 8 == 0)
               ? size % (3 * f->page)
               : (uint64_t)(4 + u8(f) % (M_MAX_PAGES - 3)) * f->page;
  }
  setcall(f, "vmar_allocate(h#%d=%#x, opts=%#x, off=%#llx, size=%#llx)", h,
          libh(f, h), opts, (unsigned long long)off, (unsigned long long)size);
  vmar_handle_t child = VMAR_HANDLE_INVALID;
  vmar_vaddr_t addr = 0;
  vmar_status_t got =
      vmar_allocate(libh(f, h), opts, (size_t)off, (size_t)size, &child, &addr);
  int nh = -1;
  vmar_status_t want =
      m_allocate(&f->m, h, opts, (size_t)off, (size_t)size, got, addr, &nh);
  if (!same(f, want, got)) {
    return;
  }
  if (got == VMAR_OK) {
    bind(f, nh, child);
    int nv = f->m.handle[nh].obj;
    f->stats->checks++;
    if (f->m.vmar[nv].base != addr) {
      fail(f, "child_addr %#lx, expected %#lx", (unsigned long)addr,
           (unsigned long)f->m.vmar[nv].base);
    }
  }
}

// Mostly-valid arguments for vmar_map: a live VMAR and VMO, permissions the
// handles and the VMAR allow, an offset that fits. Returns false if there is
// nothing to map with.
static bool valid_map_args(fz_t* f, int* h, int* vh, uint32_t* opts,
                           uint64_t* off, uint64_t* len, uint64_t* vmo_off) {
  const model_t* m = &f->m;
  *h = pick_live_vmar(f, false);
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    if (m->handle[i].live && m->handle[i].kind == M_KIND_VMO &&
        (m->handle[i].rights & VMAR_RIGHT_MAP)) {
      c[n++] = i;
    }
  }
  if (*h < 0 || n == 0) {
    return false;
  }
  *vh = c[u8(f) % (unsigned)n];
  const m_vmar_t* v = &m->vmar[m->handle[*h].obj];
  const m_vmo_t* o = &m->vmo[m->handle[*vh].obj];
  uint32_t rights = m->handle[*h].rights & m->handle[*vh].rights;
  uint32_t ceil = ((v->flags >> 7) & 7);
  uint32_t rperm = ((rights & VMAR_RIGHT_READ) ? 1u : 0u) |
                   ((rights & VMAR_RIGHT_WRITE) ? 2u : 0u) |
                   ((rights & VMAR_RIGHT_EXECUTE) ? 4u : 0u);
  *opts = perms_within(f, ceil & rperm);
  if (o->discardable) {
    *opts |= VMAR_VM_ALLOW_FAULTS;
  }
  size_t pages = v->size / f->page;
  size_t np = 1 + u8(f) % (pages < 8 ? pages : 8);
  *len = (uint64_t)np * f->page;
  *off = 0;
  uint8_t b = u8(f);
  if ((v->flags & VMAR_VM_CAN_MAP_SPECIFIC) && (b & 3) != 0) {
    *off = (uint64_t)(u8(f) % (pages - np + 1)) * f->page;
    *opts |= (b & 3) == 3 ? VMAR_VM_SPECIFIC_OVERWRITE : VMAR_VM_SPECIFIC;
  }
  uint64_t vp = m_vmo_size(m, m->handle[*vh].obj) / f->page;
  *vmo_off = (uint64_t)(u8(f) % (vp + 1)) * f->page;
  if (b & 0x10) {
    *opts |=
        VMAR_VM_MAP_RANGE & ~(*opts & VMAR_VM_SPECIFIC_OVERWRITE ? ~0u : 0u);
  }
  return true;
}

// Runs vmar_map on both sides and checks the address.
static void do_map(fz_t* f, int h, uint32_t opts, uint64_t off, int vh,
                   uint64_t vmo_off, uint64_t len) {
  setcall(f,
          "vmar_map(h#%d=%#x, opts=%#x, off=%#llx, vmo h#%d=%#x, "
          "vmo_off=%#llx, len=%#llx)",
          h, libh(f, h), opts, (unsigned long long)off, vh, libh(f, vh),
          (unsigned long long)vmo_off, (unsigned long long)len);
  vmar_vaddr_t addr = 0;
  vmar_status_t got = vmar_map(libh(f, h), opts, (size_t)off, libh(f, vh),
                               vmo_off, (size_t)len, &addr);
  int before = f->m.nmap;
  vmar_status_t want =
      m_map(&f->m, h, opts, (size_t)off, vh, vmo_off, (size_t)len, got, addr);
  if (!same(f, want, got) || got != VMAR_OK) {
    return;
  }
  f->stats->checks++;
  if (f->m.nmap <= before || f->m.map[f->m.nmap - 1].base != addr) {
    fail(f, "mapped_addr %#lx differs from the model's", (unsigned long)addr);
  }
}

static void op_map(fz_t* f) {
  if (u8(f) % 4 != 0) {
    int h, vh;
    uint32_t opts;
    uint64_t off, len, vmo_off;
    if (valid_map_args(f, &h, &vh, &opts, &off, &len, &vmo_off)) {
      do_map(f, h, opts, off, vh, vmo_off, len);
      return;
    }
  }
  int h = pick_h(f, M_KIND_VMAR);
  int vh = pick_h(f, M_KIND_VMO);
  int v = vmar_of(f, h);
  size_t pages = v >= 0 ? f->m.vmar[v].size / f->page : 16;
  if (v == 0) {
    pages = 16;
  }
  uint32_t opts = pick_map_opts(f);
  uint64_t off = pick_off(f, pages);
  uint64_t len = pick_len(f, pages < 16 ? pages : 16);
  uint64_t vmo_off;
  uint8_t b = u8(f);
  switch (b % 16) {
  case 0:
    vmo_off = f->page / 2;
    break;
  case 1:
    vmo_off = UINT64_MAX - 2 * f->page + 1; // far past the end; legal
    break;
  case 2:
    vmo_off = (uint64_t)INT64_MAX + 1; // past what the host can map
    break;
  default:
    vmo_off = (uint64_t)(u8(f) % 8) * f->page;
    break;
  }
  if (v == 0) {
    if (count_root_maps(f) >= MAX_ROOT_MAPS) {
      return;
    }
    opts &= ~(VMAR_VM_SPECIFIC | VMAR_VM_OFFSET_IS_UPPER_LIMIT);
    if ((opts >> VMAR_VM_ALIGN_BASE) > 21) {
      opts &= ~VMAR_VM_ALIGN_MASK;
    }
    if (len > 16 * f->page && len < SIZE_MAX - f->page) {
      len = 16 * f->page;
    }
  }
  do_map(f, h, opts, off, vh, vmo_off, len);
}

static void op_unmap(fz_t* f) {
  int h = pick_h(f, M_KIND_VMAR);
  int v = vmar_of(f, h);
  uintptr_t a = pick_addr(f, v >= 0 ? v : 0);
  uint64_t len = pick_len(f, 8);
  if (v == 0 && (u8(f) & 1)) {
    len = f->page * (1 + u8(f) % 4);
  }
  int k = (u8(f) & 3) == 0 ? pick_mapping(f) : -1;
  if (k >= 0) { // a range of one mapping, via its VMAR
    int h2 = handle_above(f, f->m.map[k].parent);
    if (h2 >= 0) {
      h = h2;
      range_in_mapping(f, k, &a, &len);
    }
  }
  setcall(f, "vmar_unmap(h#%d=%#x, addr=%#lx, len=%#llx)", h, libh(f, h),
          (unsigned long)a, (unsigned long long)len);
  vmar_status_t got = vmar_unmap(libh(f, h), a, (size_t)len);
  same(f, m_unmap(&f->m, h, a, (size_t)len), got);
}

static void op_protect(fz_t* f) {
  int h = pick_h(f, M_KIND_VMAR);
  int v = vmar_of(f, h);
  uintptr_t a = pick_addr(f, v >= 0 ? v : 0);
  uint64_t len = pick_len(f, 8);
  uint8_t b = u8(f);
  uint32_t opts = b & 7;
  int k = (b & 0xC0) != 0 ? pick_mapping(f) : -1;
  if (k >= 0) { // mostly valid: a range of one mapping, via its VMAR
    int h2 = handle_above(f, f->m.map[k].parent);
    if (h2 >= 0) {
      h = h2;
      range_in_mapping(f, k, &a, &len);
      opts = perms_within(f, f->m.map[k].ceil);
      b = 0;
    }
  }
  if ((b & 0x38) == 0x38) {
    static const uint32_t extra[] = {VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED,
                                     VMAR_VM_SPECIFIC, VMAR_VM_CAN_MAP_READ,
                                     VMAR_VM_ALIGN_64KB, 1u << 31};
    opts |= extra[(b >> 6) % 5];
  }
  setcall(f, "vmar_protect(h#%d=%#x, opts=%#x, addr=%#lx, len=%#llx)", h,
          libh(f, h), opts, (unsigned long)a, (unsigned long long)len);
  vmar_status_t got = vmar_protect(libh(f, h), opts, a, (size_t)len);
  same(f, m_protect(&f->m, h, opts, a, (size_t)len), got);
}

static void op_op_range(fz_t* f) {
  static const uint32_t ops[] = {VMAR_OP_COMMIT,
                                 VMAR_OP_DECOMMIT,
                                 VMAR_OP_MAP_RANGE,
                                 VMAR_OP_ZERO,
                                 VMAR_OP_DONT_NEED,
                                 VMAR_OP_ALWAYS_NEED,
                                 VMAR_OP_PREFETCH,
                                 VMAR_OP_ZERO,
                                 VMAR_OP_DECOMMIT,
                                 0,
                                 4,
                                 99};
  int h = pick_h(f, M_KIND_VMAR);
  int v = vmar_of(f, h);
  uintptr_t a = pick_addr(f, v >= 0 ? v : 0);
  uint64_t len = pick_len(f, 8);
  uint32_t op = ops[u8(f) % (sizeof(ops) / sizeof(ops[0]))];
  int k = (u8(f) & 3) != 0 ? pick_mapping(f) : -1;
  if (k >= 0) { // mostly valid: a range of one mapping, via its VMAR
    int h2 = handle_above(f, f->m.map[k].parent);
    if (h2 >= 0) {
      h = h2;
      range_in_mapping(f, k, &a, &len);
    }
  }
  setcall(f, "vmar_op_range(h#%d=%#x, op=%u, addr=%#lx, len=%#llx)", h,
          libh(f, h), op, (unsigned long)a, (unsigned long long)len);
  vmar_status_t got = vmar_op_range(libh(f, h), op, a, (size_t)len);
  same(f, m_op_range(&f->m, h, op, a, (size_t)len), got);
}

static void op_destroy(fz_t* f) {
  int h = pick_h(f, M_KIND_VMAR);
  setcall(f, "vmar_destroy(h#%d=%#x)", h, libh(f, h));
  vmar_status_t got = vmar_destroy(libh(f, h));
  same(f, m_destroy(&f->m, h), got);
}

static void op_get_info(fz_t* f) {
  int h = pick_h(f, 0);
  setcall(f, "vmar_get_info(h#%d=%#x)", h, libh(f, h));
  vmar_info_t got_info = {0, 0};
  vmar_info_t want_info = {0, 0};
  vmar_status_t got = vmar_get_info(libh(f, h), &got_info);
  if (!same(f, m_get_info(&f->m, h, &want_info), got) || got != VMAR_OK) {
    return;
  }
  f->stats->checks++;
  if (got_info.base != want_info.base || got_info.len != want_info.len) {
    fail(f, "info {%#lx, %#zx}, expected {%#lx, %#zx}",
         (unsigned long)got_info.base, got_info.len,
         (unsigned long)want_info.base, want_info.len);
  }
}

static void op_get_maps(fz_t* f) {
  int h = pick_h(f, M_KIND_VMAR);
  size_t cap = u8(f) % 8;
  if (cap == 7) {
    cap = MAX_ENTRIES;
  }
  setcall(f, "vmar_get_maps(h#%d=%#x, count=%zu)", h, libh(f, h), cap);
  size_t actual = 0;
  size_t avail = 0;
  vmar_status_t got =
      vmar_get_maps(libh(f, h), cap == 0 ? NULL : g_got, cap, &actual, &avail);
  int v = -1;
  if (!same(f, m_get_maps(&f->m, h, &v), got) || got != VMAR_OK) {
    return;
  }
  compare_maps(f, v, g_got, actual, avail, cap);
}

static void op_vmo_create(fz_t* f) {
  uint8_t b = u8(f);
  uint64_t size;
  switch (b % 16) {
  case 0:
    size = 0;
    break;
  case 1:
    size = UINT64_MAX - u8(f);
    break;
  case 2:
    size = (uint64_t)INT64_MAX;
    break;
  default:
    size = (uint64_t)(u8(f) % 8) * f->page + (b & 0x10 ? u8(f) : 0);
    break;
  }
  uint32_t opts = 0;
  uint8_t c = u8(f);
  if (c & 1) {
    opts |= VMAR_VMO_RESIZABLE;
  }
  if ((c & 6) == 6) {
    opts |= VMAR_VMO_DISCARDABLE;
  }
  if ((c & 0x38) == 0x38) {
    opts |= (c & 0x40) ? 1u : VMAR_VMO_TRAP_DIRTY;
  }
  setcall(f, "vmar_vmo_create(size=%#llx, opts=%#x)", (unsigned long long)size,
          opts);
  vmar_handle_t out = VMAR_HANDLE_INVALID;
  vmar_status_t got = vmar_vmo_create(size, opts, &out);
  int nh = -1;
  vmar_status_t want = m_vmo_create(&f->m, size, opts, 0, &nh);
  if (same(f, want, got) && got == VMAR_OK) {
    bind(f, nh, out);
    vmar_handle_info_t info;
    if (vmar_handle_get_info(out, &info) == VMAR_OK) {
      f->m.vmo[f->m.handle[nh].obj].koid = info.koid;
    }
  }
}

// Chooses the buffer for a VMO read or write: a plain one, NULL, or a page
// of vmar memory (a mapping or a reservation). Returns the status the
// buffer check should give, or -1 to use the plain buffer.
static vmar_status_t pick_io_buffer(fz_t* f, int o, bool into, uint8_t** buf,
                                    size_t* len) {
  const model_t* m = &f->m;
  uint8_t b = u8(f);
  if (b % 8 != 0) {
    return -1;
  }
  uintptr_t a = pick_addr(f, 0) & ~(uintptr_t)(f->page - 1);
  size_t pg;
  int k = m_map_at(m, a, &pg);
  if (*len > f->page) {
    *len = f->page;
  }
  if (k < 0) {
    if (!m_reserved_at(m, a)) {
      return -1;
    }
    *buf = (uint8_t*)a;
    return VMAR_ERR_NOT_FOUND;
  }
  const uint32_t need = into ? VMAR_VM_PERM_WRITE : VMAR_VM_PERM_READ;
  if ((m->map[k].perm[pg] & need) != need) {
    *buf = (uint8_t*)a;
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (!m_page_host_backed(m, k, pg)) {
    // Reserved but not given to the host (past a slice's window, or past
    // what a file offset can express): inaccessible.
    *buf = (uint8_t*)a;
    return VMAR_ERR_NOT_FOUND;
  }
  // Not past the end of the mapped VMO (the copy would fault half-way), and
  // not onto the pages being copied (a mapping of the same store).
  if (!m_page_backed(m, k, pg) ||
      m->vmo[m->map[k].vmo].store == m->vmo[o].store) {
    return -1;
  }
  *buf = (uint8_t*)a;
  return VMAR_OK;
}

// True when writes to VMO object |o| are refused because the open file
// description of its store (shared with an importer's) was put in append
// mode.
static bool vmo_appends(const fz_t* f, int o) {
  return o >= 0 && f->store_appending[f->m.vmo[o].store];
}

static void op_vmo_io(fz_t* f, bool write) {
  static uint8_t plain[2 * 65536];
  static uint8_t want_buf[2 * 65536];
  int h = pick_h(f, M_KIND_VMO);
  int o = (h >= 0 && h < f->m.nhandle && f->m.handle[h].kind == M_KIND_VMO)
              ? f->m.handle[h].obj
              : -1;
  uint64_t vsize = o >= 0 ? m_vmo_size(&f->m, o) : 4 * f->page;
  uint8_t b = u8(f);
  uint64_t off;
  size_t len;
  if (b % 16 == 0) {
    off = UINT64_MAX - u8(f);
    len = 2;
  } else {
    off = vsize == 0 ? 0 : u32(f) % (vsize + 2);
    len = (size_t)(u32(f) % (2 * f->page + 1));
    if (b % 16 == 1) {
      len = SIZE_MAX;
    }
  }
  uint8_t* buf = plain;
  bool null_buf = (b % 16) == 2;
  vmar_status_t buf_st = VMAR_OK;
  if (null_buf) {
    buf = NULL;
  } else if (o >= 0) {
    uint8_t* mb = NULL;
    size_t l2 = len;
    vmar_status_t s = pick_io_buffer(f, o, !write, &mb, &l2);
    if (s != -1) {
      buf = mb;
      len = l2;
      buf_st = s;
    }
  }
  if (len > sizeof(plain) && buf == plain && len != SIZE_MAX) {
    len = sizeof(plain);
  }
  if (write && buf == plain) {
    for (size_t i = 0; i < len && i < sizeof(plain); i++) {
      plain[i] = (uint8_t)(f->opno * 31 + i * 7 + 1);
    }
  }
  setcall(f, "vmar_vmo_%s(h#%d=%#x, buf=%p, off=%#llx, len=%#zx)",
          write ? "write" : "read", h, libh(f, h), (void*)buf,
          (unsigned long long)off, len);
  vmar_status_t got, want;
  if (write) {
    // The model reads the source through the same pointer, before the call
    // can change anything.
    const uint8_t* src = buf;
    if (buf != NULL && buf != plain && buf_st == VMAR_OK) {
      memcpy(want_buf, buf, len);
      src = want_buf;
    }
    static uint8_t saved[(size_t)M_MAX_VMO_PAGES * 65536];
    const bool refused = vmo_appends(f, o);
    uint8_t* const store = o >= 0 ? f->m.store[f->m.vmo[o].store].bytes : NULL;
    if (refused) {
      memcpy(saved, store, (size_t)M_MAX_VMO_PAGES * f->page);
    }
    want = m_vmo_write(&f->m, h, off, len, null_buf, buf_st, src);
    if (refused && want == VMAR_OK && len > 0) {
      // Every check passed, but the shared description appends: refused.
      memcpy(store, saved, (size_t)M_MAX_VMO_PAGES * f->page);
      want = VMAR_ERR_BAD_STATE;
    }
    got = vmar_vmo_write(libh(f, h), buf, off, len);
  } else {
    got = vmar_vmo_read(libh(f, h), buf, off, len);
    want = m_vmo_read(&f->m, h, off, len, null_buf, buf_st, want_buf);
    if (want == VMAR_OK && got == VMAR_OK && len > 0) {
      f->stats->checks++;
      if (memcmp(buf, want_buf, len) != 0) {
        fail(f, "vmo_read returned different bytes");
        return;
      }
      if (buf != plain) {
        // The bytes landed in a mapping of another VMO: mirror that.
        size_t pg;
        int k = m_map_at(&f->m, (uintptr_t)buf, &pg);
        m_map_t* mp = &f->m.map[k];
        memcpy(m_vmo_bytes(&f->m, mp->vmo) + mp->vmo_off + pg * f->page,
               want_buf, len);
      }
    }
  }
  same(f, want, got);
}

static void op_vmo_size(fz_t* f) {
  int h = pick_h(f, M_KIND_VMO);
  uint8_t b = u8(f);
  if (b & 1) {
    setcall(f, "vmar_vmo_get_size(h#%d=%#x)", h, libh(f, h));
    uint64_t got_size = 0;
    uint64_t want_size = 0;
    vmar_status_t got = vmar_vmo_get_size(libh(f, h), &got_size);
    if (same(f, m_vmo_get_size(&f->m, h, &want_size), got) && got == VMAR_OK) {
      f->stats->checks++;
      if (got_size != want_size) {
        fail(f, "size %#llx, expected %#llx", (unsigned long long)got_size,
             (unsigned long long)want_size);
      }
    }
    return;
  }
  uint64_t size;
  switch ((b >> 1) % 8) {
  case 0:
    size = UINT64_MAX - u8(f);
    break;
  case 1:
    size = 0;
    break;
  default:
    size = (uint64_t)(u8(f) % 12) * f->page + ((b & 0x80) ? u8(f) : 0);
    break;
  }
  setcall(f, "vmar_vmo_set_size(h#%d=%#x, size=%#llx)", h, libh(f, h),
          (unsigned long long)size);
  vmar_status_t got = vmar_vmo_set_size(libh(f, h), size);
  same(f, m_vmo_set_size(&f->m, h, size), got);
}

static void op_vmo_op_range(fz_t* f) {
  int h = pick_h(f, M_KIND_VMO);
  uint32_t op = u8(f) % 16;
  uint8_t b = u8(f);
  uint64_t off = (uint64_t)(u8(f) % 10) * f->page;
  uint64_t size = (uint64_t)(u8(f) % 6) * f->page;
  if (b & 1) {
    off += u8(f);
  }
  if (b & 2) {
    size += u8(f);
  }
  if ((b & 0x1c) == 0x1c) {
    size = UINT64_MAX - f->page + 1;
  }
  setcall(f, "vmar_vmo_op_range(h#%d=%#x, op=%u, off=%#llx, size=%#llx)", h,
          libh(f, h), op, (unsigned long long)off, (unsigned long long)size);
  vmar_status_t got = vmar_vmo_op_range(libh(f, h), op, off, size);
  same(f, m_vmo_op_range(&f->m, h, op, off, size), got);
}

static void op_vmo_name(fz_t* f) {
  int h = pick_h(f, M_KIND_VMO);
  uint8_t b = u8(f);
  if (b & 1) {
    const char* name = kNames[(b >> 1) % 5];
    setcall(f, "vmar_vmo_set_name(h#%d=%#x, '%s')", h, libh(f, h), name);
    vmar_status_t got = vmar_vmo_set_name(libh(f, h), name);
    same(f, m_vmo_set_name(&f->m, h, name), got);
    return;
  }
  setcall(f, "vmar_vmo_get_name(h#%d=%#x)", h, libh(f, h));
  char got_name[VMAR_MAX_NAME_LEN];
  char want_name[VMAR_MAX_NAME_LEN];
  vmar_status_t got = vmar_vmo_get_name(libh(f, h), got_name);
  if (same(f, m_vmo_get_name(&f->m, h, want_name), got) && got == VMAR_OK) {
    f->stats->checks++;
    if (memcmp(got_name, want_name, strlen(want_name) + 1) != 0) {
      fail(f, "name '%.32s', expected '%.32s'", got_name, want_name);
    }
  }
}

static uint32_t pick_rights(fz_t* f, int h) {
  uint8_t b = u8(f);
  uint32_t have = (h >= 0 && h < f->m.nhandle) ? f->m.handle[h].rights : 0;
  switch (b % 8) {
  case 0:
  case 1:
    return VMAR_RIGHT_SAME_RIGHTS;
  case 2:
    return u32(f); // random: usually not a subset
  case 3:
    return VMAR_RIGHT_NONE;
  default:
    return have & u32(f); // a subset
  }
}

static void op_handle(fz_t* f) {
  uint8_t b = u8(f);
  int h = pick_h(f, 0);
  int kind = b % 6;
  if (h == 0 && kind != 0 && kind != 3) {
    return; // the root handle is never closed or replaced
  }
  vmar_status_t got, want;
  int nh = -1;
  vmar_handle_t out = VMAR_HANDLE_INVALID;
  switch (kind) {
  case 0: {
    uint32_t rights = pick_rights(f, h);
    setcall(f, "vmar_handle_duplicate(h#%d=%#x, rights=%#x)", h, libh(f, h),
            rights);
    got = vmar_handle_duplicate(libh(f, h), rights, &out);
    want = m_duplicate(&f->m, h, rights, &nh);
    break;
  }
  case 1: {
    uint32_t rights = pick_rights(f, h);
    setcall(f, "vmar_handle_replace(h#%d=%#x, rights=%#x)", h, libh(f, h),
            rights);
    got = vmar_handle_replace(libh(f, h), rights, &out);
    want = m_replace(&f->m, h, rights, &nh);
    break;
  }
  case 2:
    setcall(f, "vmar_handle_close(h#%d=%#x)", h, libh(f, h));
    got = vmar_handle_close(libh(f, h));
    want = m_close(&f->m, h);
    break;
  case 3: {
    setcall(f, "vmar_handle_get_rights(h#%d=%#x)", h, libh(f, h));
    uint32_t gr = 0;
    uint32_t wr = 0;
    got = vmar_handle_get_rights(libh(f, h), &gr);
    want = m_get_rights(&f->m, h, &wr);
    if (same(f, want, got) && got == VMAR_OK) {
      f->stats->checks++;
      if (gr != wr) {
        fail(f, "rights %#x, expected %#x", gr, wr);
      }
    }
    return;
  }
  case 4:
    setcall(f, "vmar_vmo_replace_as_executable(h#%d=%#x)", h, libh(f, h));
    got = vmar_vmo_replace_as_executable(libh(f, h), &out);
    want = m_replace_as_exec(&f->m, h, &nh);
    break;
  default:
    setcall(f, "vmar_handle_close(h#%d=%#x) [twice]", h, libh(f, h));
    got = vmar_handle_close(libh(f, h));
    want = m_close(&f->m, h);
    if (got == VMAR_OK && want == VMAR_OK) {
      got = vmar_handle_close(libh(f, h));
      want = m_close(&f->m, h);
    }
    break;
  }
  if (same(f, want, got) && got == VMAR_OK && nh >= 0) {
    bind(f, nh, out);
  }
}

static int pick_mgr(fz_t* f) {
  uint8_t b = u8(f);
  if (b % 4 == 0) {
    return -1;
  }
  int held[M_MAX_MGRS];
  int n = 0;
  for (int i = 0; i < f->m.nmgr; i++) {
    if (f->mgr_held[i]) {
      held[n++] = i;
    }
  }
  return n == 0 ? -1 : held[u8(f) % (unsigned)n];
}

static void op_manager(fz_t* f) {
  uint8_t b = u8(f);
  model_t* m = &f->m;
  switch (b % 4) {
  case 0:
  case 1: {
    int parent = pick_mgr(f);
    if (parent < 0 && count_top(f) >= MAX_TOP) {
      return;
    }
    uint8_t c = u8(f);
    uint64_t size = (uint64_t)(1 + c % 32) * f->page;
    if (c % 16 == 0) {
      size = (c & 0x10) ? 0 : f->page + 5;
    }
    uint32_t opts = VMAR_MANAGER_DEFAULT_OPTIONS;
    if (u8(f) % 4 == 0) {
      opts = pick_alloc_opts(f) &
             ~(VMAR_VM_SPECIFIC | VMAR_VM_OFFSET_IS_UPPER_LIMIT);
      if (parent < 0) {
        opts &= ~VMAR_VM_ALIGN_MASK;
      }
    }
    setcall(f, "vmar_manager_create(size=%#llx, parent=mgr#%d, opts=%#x)",
            (unsigned long long)size, parent, opts);
    vmar_manager_t* out = NULL;
    vmar_status_t got = vmar_manager_create(
        (size_t)size, parent < 0 ? NULL : f->mgr[parent], opts, &out);
    uintptr_t addr = got == VMAR_OK ? (uintptr_t)vmar_manager_start(out) : 0;
    int nm = -1;
    vmar_status_t want =
        m_mgr_create(m, (size_t)size, parent, opts, got, addr, &nm);
    if (same(f, want, got) && got == VMAR_OK) {
      f->mgr[nm] = out;
      f->mgr_held[nm] = true;
      f->stats->checks++;
      if (vmar_manager_size(out) != size ||
          vmar_manager_parent(out) != (parent < 0 ? NULL : f->mgr[parent])) {
        fail(f, "manager size/parent differ");
      }
    }
    return;
  }
  case 2: {
    int h = pick_h(f, M_KIND_VMAR);
    setcall(f, "vmar_manager_use(h#%d=%#x)", h, libh(f, h));
    vmar_manager_t* out = NULL;
    vmar_status_t got = vmar_manager_use(libh(f, h), &out);
    int nm = -1;
    bool is_root = false;
    vmar_status_t want = m_mgr_use(m, h, &nm, &is_root);
    if (same(f, want, got) && got == VMAR_OK) {
      f->stats->checks++;
      if (is_root != (out == NULL)) {
        fail(f, "use: root %d but manager %p", is_root, (void*)out);
        return;
      }
      if (!is_root) {
        f->mgr[nm] = out;
        f->mgr_held[nm] = true;
      }
    }
    return;
  }
  default: {
    int mg = pick_mgr(f);
    if (mg < 0) {
      return;
    }
    setcall(f, "vmar_manager_release(mgr#%d)", mg);
    vmar_manager_release(f->mgr[mg]);
    m_mgr_release(m, mg);
    f->mgr_held[mg] = false;
    return;
  }
  }
}

static void op_mapper(fz_t* f) {
  uint8_t b = u8(f);
  int mp = (b >> 1) % M_MAX_MAPPERS;
  model_t* m = &f->m;
  if (b & 1) {
    setcall(f, "vmar_mapper_unmap(mapper#%d)", mp);
    vmar_mapper_unmap(&f->mapper[mp]);
    m_mapper_unmap(m, mp);
    return;
  }
  int mg = pick_mgr(f);
  if (mg < 0 && count_root_maps(f) >= MAX_ROOT_MAPS) {
    return;
  }
  if ((b & 0x30) == 0x30) { // map an existing VMO
    int vh = pick_h(f, M_KIND_VMO);
    uint8_t c = u8(f);
    uint64_t offset = (uint64_t)(c % 4) * f->page + ((c & 0x40) ? 7 : 0);
    uint64_t size = (uint64_t)(u8(f) % 4) * f->page;
    if ((c & 0x30) == 0x30) {
      size = UINT64_MAX - f->page;
    }
    uint32_t flags = (c & 0x80) ? VMAR_VM_PERM_READ : VMAR_MAPPER_DEFAULT_FLAGS;
    setcall(f,
            "vmar_mapper_map(mapper#%d, vmo h#%d=%#x, offset=%#llx, "
            "size=%#llx, flags=%#x, mgr#%d)",
            mp, vh, libh(f, vh), (unsigned long long)offset,
            (unsigned long long)size, flags, mg);
    bool was_mapped = m->mapper[mp].mapped;
    vmar_status_t got =
        vmar_mapper_map(&f->mapper[mp], libh(f, vh), offset, size, flags,
                        mg < 0 ? NULL : f->mgr[mg]);
    uintptr_t addr = (uintptr_t)vmar_mapper_start(&f->mapper[mp]);
    vmar_status_t want = m_mapper_map(m, mp, vh, offset, size, flags, mg, got,
                                      got == VMAR_OK ? addr : 0);
    if (same(f, want, got) && got == VMAR_OK && !was_mapped) {
      f->stats->checks++;
      if (vmar_mapper_size(&f->mapper[mp]) != m->mapper[mp].size) {
        fail(f, "mapper size %#llx, expected %#llx",
             (unsigned long long)vmar_mapper_size(&f->mapper[mp]),
             (unsigned long long)m->mapper[mp].size);
      }
    }
    return;
  }
  uint8_t c = u8(f);
  uint64_t size = (uint64_t)(1 + c % 12) * f->page - ((c & 0x40) ? 13 : 0);
  if (c % 32 == 0) {
    size = (c & 0x20) ? 0 : UINT64_MAX;
  }
  uint32_t flags = VMAR_MAPPER_DEFAULT_FLAGS;
  uint8_t d = u8(f);
  if (d % 4 == 0) {
    static const uint32_t alt[] = {
        VMAR_VM_PERM_READ,    0,
        VMAR_VM_PERM_WRITE,   VMAR_VM_PERM_READ | VMAR_VM_PERM_EXECUTE,
        VMAR_VM_CAN_MAP_READ, VMAR_VM_PERM_READ | VMAR_VM_SPECIFIC};
    flags = alt[(d >> 2) % 6];
  }
  bool want_vmo = (d & 0x20) != 0;
  uint32_t rights = VMAR_RIGHT_SAME_RIGHTS;
  if (want_vmo && (d & 0x40)) {
    rights = (d & 0x80) ? (VMAR_DEFAULT_VMO_RIGHTS & u32(f)) : 0x40000000u;
  }
  uint32_t vmo_opts = (u8(f) % 8 == 0) ? VMAR_VMO_RESIZABLE : 0;
  setcall(f,
          "vmar_mapper_create_and_map(mapper#%d, size=%#llx, flags=%#x, "
          "mgr#%d, vmo_out=%d, rights=%#x, vmo_opts=%#x)",
          mp, (unsigned long long)size, flags, mg, want_vmo, rights, vmo_opts);
  vmar_handle_t out = VMAR_HANDLE_INVALID;
  vmar_status_t got = vmar_mapper_create_and_map(
      &f->mapper[mp], size, flags, mg < 0 ? NULL : f->mgr[mg],
      want_vmo ? &out : NULL, rights, vmo_opts);
  uintptr_t addr = (uintptr_t)vmar_mapper_start(&f->mapper[mp]);
  int nh = -1;
  bool was_mapped = m->mapper[mp].mapped;
  vmar_status_t want =
      m_mapper_create_and_map(m, mp, size, flags, mg, want_vmo, rights,
                              vmo_opts, got, got == VMAR_OK ? addr : 0, 0, &nh);
  if (!same(f, want, got) || got != VMAR_OK || was_mapped) {
    return;
  }
  if (nh >= 0) {
    bind(f, nh, out);
  }
  f->stats->checks++;
  if (vmar_mapper_size(&f->mapper[mp]) != size) {
    fail(f, "mapper size %#llx, expected %#llx",
         (unsigned long long)vmar_mapper_size(&f->mapper[mp]),
         (unsigned long long)size);
  }
}

// Writes a pattern through a writable mapped page (the model follows).
static void op_poke(fz_t* f) {
  model_t* m = &f->m;
  int cands[M_MAX_MAPS];
  int n = 0;
  for (int i = 0; i < m->nmap; i++) {
    if (m->map[i].used) {
      cands[n++] = i;
    }
  }
  if (n == 0) {
    return;
  }
  int k = cands[u8(f) % (unsigned)n];
  m_map_t* mp = &m->map[k];
  size_t pg = u8(f) % mp->pages;
  if (!(mp->perm[pg] & VMAR_VM_PERM_WRITE) || !m_page_backed(m, k, pg)) {
    return;
  }
  size_t at = u16(f) % f->page;
  size_t len = 1 + u8(f) % 64;
  if (at + len > f->page) {
    len = f->page - at;
  }
  uint8_t seed = u8(f);
  uint8_t* dst = (uint8_t*)(mp->base + pg * f->page + at);
  uint8_t* mirror = m_vmo_bytes(m, mp->vmo) + mp->vmo_off + pg * f->page + at;
  setcall(f, "poke(%p, %zu bytes)", (void*)dst, len);
  for (size_t i = 0; i < len; i++) {
    uint8_t v = (uint8_t)(seed + i * 13 + 1);
    dst[i] = v;
    mirror[i] = v;
  }
}

// ---- VMO children, info and content size ----------------------------------

// The VMO object model handle |h| names (live or not), or -1.
static int vmo_of(const fz_t* f, int h) {
  if (h < 0 || h >= f->m.nhandle || f->m.handle[h].kind != M_KIND_VMO) {
    return -1;
  }
  return f->m.handle[h].obj;
}

// A VMO handle, often one to a child (a slice or reference first), whose
// rules differ most.
static int pick_vmo_h(fz_t* f) {
  const uint8_t b = u8(f);
  if (b & 1) {
    return pick_h(f, M_KIND_VMO);
  }
  const model_t* m = &f->m;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (h->live && h->kind == M_KIND_VMO &&
        (m->vmo[h->obj].kind == M_VMO_SLICE ||
         m->vmo[h->obj].kind == M_VMO_REFERENCE ||
         ((b & 2) && m->vmo[h->obj].kind == M_VMO_SNAPSHOT))) {
      c[n++] = i;
    }
  }
  return n == 0 ? pick_h(f, M_KIND_VMO) : c[u8(f) % (unsigned)n];
}

// Options for vmar_vmo_create_child: mostly one kind with at most one
// modifier, sometimes something the call refuses.
static uint32_t pick_child_opts(fz_t* f) {
  static const uint32_t kinds[] = {VMAR_VMO_CHILD_SNAPSHOT,
                                   VMAR_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
                                   VMAR_VMO_CHILD_SNAPSHOT_MODIFIED,
                                   VMAR_VMO_CHILD_SLICE,
                                   VMAR_VMO_CHILD_SLICE,
                                   VMAR_VMO_CHILD_REFERENCE,
                                   VMAR_VMO_CHILD_REFERENCE,
                                   VMAR_VMO_CHILD_SNAPSHOT};
  const uint8_t b = u8(f);
  uint32_t o = kinds[b & 7];
  if ((b & 0x18) == 0x08) {
    o |= VMAR_VMO_CHILD_RESIZABLE;
  } else if ((b & 0x18) == 0x10) {
    o |= VMAR_VMO_CHILD_NO_WRITE;
  }
  if ((b & 0xE0) == 0xE0) {
    switch (u8(f) % 6) {
    case 0:
      o &= ~kinds[b & 7]; // no kind
      break;
    case 1:
      o |= kinds[u8(f) % 8]; // maybe two kinds
      break;
    case 2:
      o |= VMAR_VMO_CHILD_RESIZABLE | VMAR_VMO_CHILD_NO_WRITE;
      break;
    case 3:
      o |= 1u << (u8(f) % 32); // maybe an unknown bit
      break;
    case 4:
      o |= VMAR_VMO_CHILD_RESIZABLE; // SLICE refuses it
      break;
    default:
      o = u32(f);
      break;
    }
  }
  return o;
}

static void op_vmo_create_child(fz_t* f) {
  const uint64_t p = f->page;
  int h = pick_h(f, M_KIND_VMO);
  uint32_t opts = pick_child_opts(f);
  if ((opts & VMAR_VMO_CHILD_SLICE) && (u8(f) & 1)) {
    // Mostly a parent a slice can have: not resizable.
    int c[M_MAX_HANDLES];
    int n = 0;
    for (int i = 0; i < f->m.nhandle; i++) {
      const m_handle_t* mh = &f->m.handle[i];
      if (mh->live && mh->kind == M_KIND_VMO && !f->m.vmo[mh->obj].resizable) {
        c[n++] = i;
      }
    }
    if (n > 0) {
      h = c[u8(f) % (unsigned)n];
    }
  }
  const int o = vmo_of(f, h);
  const uint64_t pp = o >= 0 ? m_vmo_size(&f->m, o) / p : 4;
  const uint8_t c = u8(f);
  uint64_t off;
  uint64_t size;
  switch (c % 16) {
  case 0: // an unaligned offset
    off = (uint64_t)(u8(f) % (pp + 1)) * p + 1 + u8(f);
    size = (uint64_t)(u8(f) % 4) * p;
    break;
  case 1: // an offset near the top: overflows, from the store for a slice
    off = UINT64_MAX - (uint64_t)(u8(f) % 4) * p - p + 1;
    size = (uint64_t)(u8(f) % 3) * p;
    if (c & 0x10) {
      size += 1 + u8(f); // fits unrounded, maybe not rounded
    }
    break;
  case 2: { // a size that cannot be rounded or a host cannot hold
    static const uint64_t big[] = {UINT64_MAX, UINT64_MAX - 2,
                                   (uint64_t)INT64_MAX, (uint64_t)INT64_MAX + 1,
                                   (uint64_t)1 << 62};
    off = (uint64_t)(u8(f) % (pp + 2)) * p;
    size = big[u8(f) % 5];
    break;
  }
  case 3: // past the parent's end
    off = (pp + u8(f) % 4) * p;
    size = (uint64_t)(u8(f) % 4) * p;
    break;
  default: { // mostly inside the parent, sometimes a size in bytes
    const uint64_t first = u8(f) % (pp + 1);
    const uint64_t room = pp - first;
    off = first * p;
    // A slice's window must lie inside: mostly so.
    const uint64_t over = (opts & VMAR_VMO_CHILD_SLICE) && (c & 0x80) ? 1 : 2;
    size = (uint64_t)(u8(f) % (room + over)) * p;
    if (c & 0x10) {
      size = size == 0 ? 1 + (uint64_t)u8(f) : size - u16(f) % p;
    }
    break;
  }
  }
  if ((opts & VMAR_VMO_CHILD_REFERENCE) && (c & 0x60) != 0x60) {
    off = 0; // mostly what a reference takes
    size = 0;
  }
  const bool null_out = u8(f) % 32 == 0;
  // A child the model could not hold is not made at all.
  uint64_t csize = 0;
  if (m_vmo_child_check(&f->m, h, opts, off, size, null_out, &csize) ==
          VMAR_OK &&
      csize > (uint64_t)M_MAX_VMO_PAGES * p) {
    return;
  }
  setcall(f,
          "vmar_vmo_create_child(h#%d=%#x, opts=%#x, off=%#llx, size=%#llx%s)",
          h, libh(f, h), opts, (unsigned long long)off,
          (unsigned long long)size, null_out ? ", out=NULL" : "");
  vmar_handle_t out = VMAR_HANDLE_INVALID;
  vmar_status_t got = vmar_vmo_create_child(libh(f, h), opts, off, size,
                                            null_out ? NULL : &out);
  vmar_handle_info_t info = {0, 0, 0};
  if (got == VMAR_OK) {
    (void)vmar_handle_get_info(out, &info);
  }
  int nh = -1;
  vmar_status_t want =
      m_vmo_create_child(&f->m, h, opts, off, size, null_out, info.koid, &nh);
  if (!same(f, want, got) || got != VMAR_OK) {
    return;
  }
  bind(f, nh, out);
  const int child = f->m.handle[nh].obj;
  for (int i = 0; i < f->m.nvmo; i++) {
    if (i != child && f->m.vmo[i].koid == info.koid) {
      fail(f, "the child's koid %llu is VMO %d's",
           (unsigned long long)info.koid, i);
      return;
    }
  }
}

static void op_vmo_get_info(fz_t* f) {
  int h = pick_vmo_h(f);
  const bool null_info = u8(f) % 16 == 0;
  setcall(f, "vmar_vmo_get_info(h#%d=%#x%s)", h, libh(f, h),
          null_info ? ", NULL" : "");
  vmar_vmo_info_t want, got;
  memset(&got, 0, sizeof(got));
  vmar_status_t st = vmar_vmo_get_info(libh(f, h), null_info ? NULL : &got);
  if (same(f, m_vmo_get_info(&f->m, h, null_info, &want), st) &&
      st == VMAR_OK) {
    compare_vmo_info(f, vmo_of(f, h), &want, &got);
  }
}

static void op_vmo_content_size(fz_t* f) {
  int h = pick_vmo_h(f);
  const int o = vmo_of(f, h);
  const uint8_t b = u8(f);
  if (b & 1) {
    const bool null_size = (b & 0x1e) == 0;
    setcall(f, "vmar_vmo_get_content_size(h#%d=%#x%s)", h, libh(f, h),
            null_size ? ", NULL" : "");
    uint64_t got_size = 0;
    uint64_t want_size = 0;
    vmar_status_t got =
        vmar_vmo_get_content_size(libh(f, h), null_size ? NULL : &got_size);
    if (same(f, m_vmo_get_content_size(&f->m, h, null_size, &want_size), got) &&
        got == VMAR_OK) {
      f->stats->checks++;
      if (got_size != want_size) {
        fail(f, "content size %#llx, expected %#llx",
             (unsigned long long)got_size, (unsigned long long)want_size);
      }
    }
    return;
  }
  const uint64_t vsize = o >= 0 ? m_vmo_size(&f->m, o) : 4 * f->page;
  uint64_t size;
  switch ((b >> 1) % 8) {
  case 0:
    size = 0;
    break;
  case 1: // the current value: nothing changes
    size = 0;
    (void)m_vmo_get_content_size(&f->m, h, false, &size);
    break;
  case 2:
    size = vsize;
    break;
  case 3:
    size = vsize + 1 + u8(f);
    break;
  case 4:
    size = UINT64_MAX - u8(f);
    break;
  default:
    size = (uint64_t)(u8(f) % (vsize / f->page + 1)) * f->page + u8(f) * 3;
    break;
  }
  setcall(f, "vmar_vmo_set_content_size(h#%d=%#x, size=%#llx)", h, libh(f, h),
          (unsigned long long)size);
  vmar_status_t got = vmar_vmo_set_content_size(libh(f, h), size);
  same(f, m_vmo_set_content_size(&f->m, h, size), got);
}

// Closes a live VMO handle: the VMO dies with its last handle unless mapped,
// and its children then count as its parent's.
static void op_vmo_close(fz_t* f) {
  const model_t* m = &f->m;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    if (m->handle[i].live && m->handle[i].kind == M_KIND_VMO) {
      c[n++] = i;
    }
  }
  if (n == 0) {
    return;
  }
  const int h = c[u8(f) % (unsigned)n];
  setcall(f, "vmar_handle_close(h#%d=%#x) [a VMO]", h, libh(f, h));
  vmar_status_t got = vmar_handle_close(libh(f, h));
  same(f, m_close(&f->m, h), got);
}

// Reads all of a VMO through a handle that may read it, against the model:
// the contents of VMOs nothing maps (a snapshot, its parent) are compared
// too.
static void op_vmo_check(fz_t* f) {
  static uint8_t got_buf[(size_t)M_MAX_VMO_PAGES * 65536];
  static uint8_t want_buf[(size_t)M_MAX_VMO_PAGES * 65536];
  const model_t* m = &f->m;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    if (m->handle[i].live && m->handle[i].kind == M_KIND_VMO &&
        (m->handle[i].rights & VMAR_RIGHT_READ)) {
      c[n++] = i;
    }
  }
  if (n == 0) {
    return;
  }
  const int h = c[u8(f) % (unsigned)n];
  const int o = m->handle[h].obj;
  const size_t len = (size_t)m_vmo_size(m, o);
  setcall(f, "vmar_vmo_read(h#%d=%#x, off=0, len=%#zx) [all of VMO %d]", h,
          libh(f, h), len, o);
  vmar_status_t got = vmar_vmo_read(libh(f, h), got_buf, 0, len);
  vmar_status_t want = m_vmo_read(&f->m, h, 0, len, false, VMAR_OK, want_buf);
  if (!same(f, want, got) || got != VMAR_OK) {
    return;
  }
  f->stats->checks++;
  for (size_t i = 0; i < len; i++) {
    if (got_buf[i] != want_buf[i]) {
      fail(f, "VMO %d offset %#zx is %#x, expected %#x", o, i, got_buf[i],
           want_buf[i]);
      return;
    }
  }
}

// Maps a VMO (often a child; a slice often past its window, so that the
// mapping is part backed, part reserved), then protects and unmaps parts of
// the new mapping: the pieces, get_maps entries and Zircon's count of
// mappings are then checked with everything else.
static void op_map_cut(fz_t* f) {
  model_t* m = &f->m;
  const int vh = pick_vmo_h(f);
  const int h = pick_live_vmar(f, false);
  if (vh < 0 || vh >= m->nhandle || !m->handle[vh].live ||
      m->handle[vh].kind != M_KIND_VMO ||
      !(m->handle[vh].rights & VMAR_RIGHT_MAP) || h < 0) {
    return;
  }
  const int o = m->handle[vh].obj;
  const m_vmar_t* v = &m->vmar[m->handle[h].obj];
  const uint32_t rights = m->handle[h].rights & m->handle[vh].rights;
  const uint32_t rperm = ((rights & VMAR_RIGHT_READ) ? 1u : 0u) |
                         ((rights & VMAR_RIGHT_WRITE) ? 2u : 0u) |
                         ((rights & VMAR_RIGHT_EXECUTE) ? 4u : 0u);
  uint32_t opts = perms_within(f, ((v->flags >> 7) & 7) & rperm);
  if (m->vmo[o].discardable) {
    opts |= VMAR_VM_ALLOW_FAULTS;
  }
  const size_t pages = v->size / f->page;
  const size_t np = 2 + u8(f) % 7;
  if (np > pages) {
    return;
  }
  const uint64_t vp = m_vmo_size(m, o) / f->page;
  const uint64_t vmo_off = (uint64_t)(u8(f) % (vp + 2)) * f->page;
  const int before = m->nmap;
  do_map(f, h, opts, 0, vh, vmo_off, np * f->page);
  if (f->failed || m->nmap == before) {
    return;
  }
  const int k = m->nmap - 1;
  const int rounds = 1 + u8(f) % 3;
  for (int i = 0; i < rounds && !f->failed && m->map[k].used; i++) {
    uintptr_t a;
    uint64_t len;
    range_in_mapping(f, k, &a, &len);
    const int hv = handle_above(f, m->map[k].parent);
    if (hv < 0) {
      return;
    }
    if (u8(f) & 1) {
      const uint32_t p = perms_within(f, m->map[k].ceil);
      setcall(f, "vmar_protect(h#%d=%#x, opts=%#x, addr=%#lx, len=%#llx)", hv,
              libh(f, hv), p, (unsigned long)a, (unsigned long long)len);
      same(f, m_protect(m, hv, p, a, (size_t)len),
           vmar_protect(libh(f, hv), p, a, (size_t)len));
    } else {
      setcall(f, "vmar_unmap(h#%d=%#x, addr=%#lx, len=%#llx)", hv, libh(f, hv),
              (unsigned long)a, (unsigned long long)len);
      same(f, m_unmap(m, hv, a, (size_t)len),
           vmar_unmap(libh(f, hv), a, (size_t)len));
    }
  }
}

// LOCK, TRY_LOCK or UNLOCK of all of a discardable VMO (the one range they
// take), LOCK sometimes through vmar_vmo_op_range_with_buffer with a buffer
// too small or NULL (the lock is then undone) or one that gets the report.
static void vmo_lock_op(fz_t* f, int h) {
  static const uint32_t ops[] = {VMAR_VMO_OP_LOCK, VMAR_VMO_OP_TRY_LOCK,
                                 VMAR_VMO_OP_UNLOCK, VMAR_VMO_OP_UNLOCK};
  model_t* m = &f->m;
  const int o = m->handle[h].obj;
  const uint8_t b = u8(f);
  const uint32_t op = ops[b % 4];
  const uint64_t size = m_vmo_size(m, o);
  vmar_status_t want = m_vmo_op_range(m, h, op, 0, size);
  if (op != VMAR_VMO_OP_LOCK || (b & 0x30) == 0) {
    setcall(f, "vmar_vmo_op_range(h#%d=%#x, op=%u, off=0, size=%#llx)", h,
            libh(f, h), op, (unsigned long long)size);
    same(f, want, vmar_vmo_op_range(libh(f, h), op, 0, size));
    return;
  }
  vmar_vmo_lock_state_t state = {1, 2, 3, 4};
  const size_t cap = (b & 0x30) == 0x10 ? sizeof(state) - 1 : sizeof(state);
  const bool null_buf = (b & 0x30) == 0x20;
  setcall(f,
          "vmar_vmo_op_range_with_buffer(h#%d=%#x, LOCK, off=0, size=%#llx, "
          "buffer%s, %zu)",
          h, libh(f, h), (unsigned long long)size, null_buf ? "=NULL" : "",
          cap);
  if (want == VMAR_OK && (null_buf || cap < sizeof(state))) {
    m->vmo[o].locks--; // no place for the report: the lock is undone
    want = VMAR_ERR_INVALID_ARGS;
  }
  vmar_status_t got = vmar_vmo_op_range_with_buffer(
      libh(f, h), VMAR_VMO_OP_LOCK, 0, size, null_buf ? NULL : &state, cap);
  if (same(f, want, got) && got == VMAR_OK) {
    f->stats->checks++;
    if (state.offset != 0 || state.size != size ||
        state.discarded_offset != 0 || state.discarded_size != 0) {
      fail(f,
           "lock state {%#llx, %#llx, %#llx, %#llx}, expected {0, %#llx, 0, "
           "0}",
           (unsigned long long)state.offset, (unsigned long long)state.size,
           (unsigned long long)state.discarded_offset,
           (unsigned long long)state.discarded_size, (unsigned long long)size);
    }
  }
}

// DECOMMIT, ZERO or COMMIT of a page range inside a VMO, mostly one with
// relatives (a child or a parent), where DECOMMIT depends on the family and
// ZERO shows through every VMO sharing the pages; the lock operations on a
// discardable VMO (which has no children).
static void op_vmo_family_op(fz_t* f) {
  static const uint32_t ops[] = {VMAR_VMO_OP_DECOMMIT, VMAR_VMO_OP_DECOMMIT,
                                 VMAR_VMO_OP_ZERO, VMAR_VMO_OP_COMMIT};
  const model_t* m = &f->m;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (!h->live || h->kind != M_KIND_VMO) {
      continue;
    }
    bool family = m->vmo[h->obj].parent >= 0;
    for (int o = 0; o < m->nvmo && !family; o++) {
      family = m->vmo[o].alive && m->vmo[o].parent == h->obj;
    }
    if (family || (u8(f) & 3) == 0) {
      c[n++] = i;
    }
  }
  if (n == 0) {
    return;
  }
  const int h = c[u8(f) % (unsigned)n];
  if (m->vmo[m->handle[h].obj].discardable) {
    vmo_lock_op(f, h);
    return;
  }
  const uint32_t op = ops[u8(f) % 4];
  const uint64_t pages = m_vmo_size(m, m->handle[h].obj) / f->page;
  const uint64_t first = u8(f) % (pages + 1);
  const uint64_t off = first * f->page;
  const uint64_t size = (u8(f) % (pages - first + 1)) * f->page;
  setcall(f, "vmar_vmo_op_range(h#%d=%#x, op=%u, off=%#llx, size=%#llx)", h,
          libh(f, h), op, (unsigned long long)off, (unsigned long long)size);
  vmar_status_t got = vmar_vmo_op_range(libh(f, h), op, off, size);
  same(f, m_vmo_op_range(&f->m, h, op, off, size), got);
}

// ---- Driver ----------------------------------------------------------------

// ---- Descriptors (POSIX) ---------------------------------------------------

// Hosts where /proc reopens a descriptor as a new open file description
// (src/posix/platform.h decides the same way): imports never share the
// importer's description there.
#if defined(__linux__) && !defined(VMAR_POSIX_PORTABLE) &&                     \
    !defined(VMAR_EMULATE_DARWIN)
#define HOST_REOPENS 1
#else
#define HOST_REOPENS 0
#endif

// What vmar_vmo_get_fd gives for model handle |h|.
static vmar_status_t want_get_fd(const fz_t* f, int h) {
  const model_t* m = &f->m;
  if (h < 0 || h >= m->nhandle || !m->handle[h].live) {
    return VMAR_ERR_BAD_HANDLE;
  }
  if (m->handle[h].kind != M_KIND_VMO) {
    return VMAR_ERR_WRONG_TYPE;
  }
  const uint32_t need =
      VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP | VMAR_RIGHT_TRANSFER;
  if ((m->handle[h].rights & need) != need) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  // A slice's file holds its parent's pages past the window too.
  return m->vmo[m->handle[h].obj].kind == M_VMO_SLICE ? VMAR_ERR_NOT_SUPPORTED
                                                      : VMAR_OK;
}

// A VMO exported through vmar_vmo_get_fd, the descriptor maybe put in
// append mode; a write through the library must still land where asked, and
// the descriptor must read the same bytes back.
static void op_export(fz_t* f) {
  static uint8_t data[4096];
  static uint8_t back[4096];
  int h = pick_h(f, M_KIND_VMO);
  const bool append = (u8(f) & 1) != 0;
  setcall(f, "vmar_vmo_get_fd(h#%d=%#x)", h, libh(f, h));
  int fd = -1;
  vmar_status_t got = vmar_vmo_get_fd(libh(f, h), &fd);
  if (!same(f, want_get_fd(f, h), got) || got != VMAR_OK) {
    return;
  }
  const m_vmo_t* v = &f->m.vmo[f->m.handle[h].obj];
  if (append) {
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND);
    // An imported VMO that shares its importer's description exports that
    // same description (so does a reference to it, which shares its store):
    // writes through every VMO on that store are refused from now on.
    if (f->store_shared[v->store]) {
      f->store_appending[v->store] = true;
    }
  }
  const uint64_t vsize = m_vmo_size(&f->m, f->m.handle[h].obj);
  size_t len = vsize == 0 ? 0 : 1 + u16(f) % sizeof(data);
  uint64_t off = vsize <= len ? 0 : u32(f) % (vsize - len);
  len = len > vsize ? (size_t)vsize : len;
  for (size_t i = 0; i < len; i++) {
    data[i] = (uint8_t)(f->opno * 13 + i * 5 + 3);
  }
  setcall(f, "vmar_vmo_write(h#%d=%#x, off=%#llx, len=%#zx) after export%s", h,
          libh(f, h), (unsigned long long)off, len,
          append ? " in append mode" : "");
  if (vmo_appends(f, f->m.handle[h].obj) && len > 0) {
    same(f, VMAR_ERR_BAD_STATE, vmar_vmo_write(libh(f, h), data, off, len));
    close(fd);
    return;
  }
  vmar_status_t want = m_vmo_write(&f->m, h, off, len, false, VMAR_OK, data);
  got = vmar_vmo_write(libh(f, h), data, off, len);
  if (same(f, want, got) && got == VMAR_OK && len > 0) {
    f->stats->checks++;
    struct stat st;
    if (pread(fd, back, len, (off_t)off) != (ssize_t)len ||
        memcmp(back, data, len) != 0 || fstat(fd, &st) != 0 ||
        (uint64_t)st.st_size != vsize) {
      fail(f, "the exported descriptor does not see the write in place");
    }
  }
  close(fd);
}

// A fresh regular file of a few pages, maybe opened in append mode,
// imported as a new VMO; the importer's descriptor is closed at once.
static void op_import(fz_t* f) {
  const bool append = (u8(f) & 1) != 0;
  const uint32_t opts = (u8(f) & 1) ? VMAR_VMO_RESIZABLE : 0;
  const uint64_t size = (uint64_t)(u8(f) % 5) * f->page + (u8(f) % 3) * 100;
  const char* dir = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof(path), "%s/vmar-fuzz.XXXXXX",
           dir != NULL && dir[0] != '\0' ? dir : "/tmp");
  int made = mkstemp(path);
  int fd = made < 0 ? -1 : open(path, O_RDWR | (append ? O_APPEND : 0));
  if (made >= 0) {
    unlink(path);
    close(made);
  }
  if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
    fail(f, "cannot make a file to import");
    return;
  }
  setcall(f, "vmar_vmo_create_from_fd(size=%#llx, opts=%#x%s)",
          (unsigned long long)size, opts, append ? ", append mode" : "");
  vmar_handle_t out = VMAR_HANDLE_INVALID;
  vmar_status_t got = vmar_vmo_create_from_fd(fd, opts, &out);
  close(fd);
  if (append && !HOST_REOPENS) {
    same(f, VMAR_ERR_INVALID_ARGS, got);
    return;
  }
  int nh = -1;
  vmar_status_t want = m_vmo_create(&f->m, size, opts, 0, &nh);
  if (same(f, want, got) && got == VMAR_OK) {
    bind(f, nh, out);
    vmar_handle_info_t info;
    if (vmar_handle_get_info(out, &info) == VMAR_OK) {
      f->m.vmo[f->m.handle[nh].obj].koid = info.koid;
      if (!HOST_REOPENS) {
        f->store_shared[f->m.vmo[f->m.handle[nh].obj].store] = true;
      }
    }
  }
}

// ---- A resize racing with operations on the same VMO ------------------------

enum { RACE_ROUNDS = 6, RACE_MAPS = 3 };

typedef struct race {
  vmar_handle_t vmo;
  uint64_t small, full;
  bool bad; // a resize failed
} race_t;

static void* race_resizer(void* arg) {
  race_t* r = arg;
  for (int i = 0; i < RACE_ROUNDS; i++) {
    if (vmar_vmo_set_size(r->vmo, r->small) != VMAR_OK ||
        vmar_vmo_set_size(r->vmo, r->full) != VMAR_OK) {
      r->bad = true;
    }
  }
  return NULL;
}

// A live handle with WRITE and RESIZE to a resizable VMO of 2 pages or more.
static int pick_resizable(fz_t* f) {
  const model_t* m = &f->m;
  const uint32_t need = VMAR_RIGHT_WRITE | VMAR_RIGHT_RESIZE;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (h->live && h->kind == M_KIND_VMO && (h->rights & need) == need &&
        m->vmo[h->obj].resizable && m_vmo_size(m, h->obj) >= 2 * f->page) {
      c[n++] = i;
    }
  }
  return n == 0 ? -1 : c[u8(f) % (unsigned)n];
}

// One thread shrinks a resizable VMO and grows it back while this one
// zeroes or decommits its mappings through their VMARs and the VMO's tail
// through the VMO: no signal, the statuses the model gives (the VMO-level
// calls OK or OUT_OF_RANGE, as the size is either), and afterwards the
// model's bytes with the tail zeroed by the shrink.
static void op_race(fz_t* f) {
  const int hv = pick_resizable(f);
  if (hv < 0) {
    return;
  }
  const int o = f->m.handle[hv].obj;
  race_t r = {.vmo = libh(f, hv), .full = m_vmo_size(&f->m, o)};
  const size_t full_pages = (size_t)(r.full / f->page);
  r.small = (1 + u8(f) % (full_pages - 1)) * f->page;
  // The mapping calls, predicted (and applied) by the model first: their
  // statuses do not depend on the size, and their effect is zeroing.
  int mh[RACE_MAPS];
  uint32_t mop[RACE_MAPS];
  uintptr_t maddr[RACE_MAPS];
  size_t mlen[RACE_MAPS];
  vmar_status_t mwant[RACE_MAPS];
  int nm = 0;
  for (int k = 0; k < f->m.nmap && nm < RACE_MAPS; k++) {
    const m_map_t* mp = &f->m.map[k];
    if (!mp->used || mp->vmo != o || (u8(f) & 1) != 0) {
      continue;
    }
    mh[nm] = handle_above(f, mp->parent);
    mop[nm] = (u8(f) & 1) ? VMAR_OP_ZERO : VMAR_OP_DECOMMIT;
    maddr[nm] = mp->base;
    mlen[nm] = mp->pages * f->page;
    mwant[nm] = m_op_range(&f->m, mh[nm], mop[nm], maddr[nm], mlen[nm]);
    nm++;
  }
  setcall(f,
          "race: vmar_vmo_set_size(h#%d, %#llx <-> %#llx) against %d "
          "op_range calls",
          hv, (unsigned long long)r.small, (unsigned long long)r.full, nm);
  pthread_t t;
  if (pthread_create(&t, NULL, race_resizer, &r) != 0) {
    fail(f, "cannot start the resizing thread");
    return;
  }
  for (int round = 0; round < RACE_ROUNDS && !f->failed; round++) {
    for (int i = 0; i < nm && !f->failed; i++) {
      same(f, mwant[i],
           vmar_op_range(libh(f, mh[i]), mop[i], maddr[i], mlen[i]));
    }
    vmar_status_t st =
        vmar_vmo_op_range(r.vmo, VMAR_VMO_OP_ZERO, r.small, r.full - r.small);
    if (st != VMAR_OK && st != VMAR_ERR_OUT_OF_RANGE) {
      fail(f, "zeroing the tail gave %s", vmar_status_string(st));
    }
  }
  pthread_join(t, NULL);
  if (r.bad) {
    fail(f, "a resize failed during the race");
  }
  // The shrink zeroed the tail; the model resizes the same way.
  (void)m_vmo_set_size(&f->m, hv, r.small);
  (void)m_vmo_set_size(&f->m, hv, r.full);
}

// ---- Snapshots racing with writes and resizes of their parent -------------

enum { SNAP_ROUNDS = 4, SNAP_TAKEN = 4 };

typedef struct snap_race {
  vmar_handle_t vmo;
  uint64_t small, full; // small == full: no resizes
  const uint8_t* a;
  const uint8_t* b;
  bool bad; // a write or resize failed
} snap_race_t;

static void* snap_writer(void* arg) {
  snap_race_t* r = arg;
  for (int i = 0; i < SNAP_ROUNDS; i++) {
    for (int k = 0; k < 2; k++) {
      if (r->small != r->full &&
          (vmar_vmo_set_size(r->vmo, r->small) != VMAR_OK ||
           vmar_vmo_set_size(r->vmo, r->full) != VMAR_OK)) {
        r->bad = true;
      }
      if (vmar_vmo_write(r->vmo, k == 0 ? r->a : r->b, 0, r->full) != VMAR_OK) {
        r->bad = true;
      }
    }
  }
  return NULL;
}

// True when |got| (|len| bytes) is |state| up to |keep| bytes and zero
// after.
static bool snap_is(const uint8_t* got, const uint8_t* state, size_t keep,
                    size_t len) {
  if (memcmp(got, state, keep) != 0) {
    return false;
  }
  for (size_t i = keep; i < len; i++) {
    if (got[i] != 0) {
      return false;
    }
  }
  return true;
}

// One thread writes all of a VMO with one pattern, then another (shrinking
// and growing it back before each write when it is resizable), while this
// one takes snapshots of all of it. Each snapshot is one instant of the
// parent (design.md §5): the bytes before the race, or after one of the
// writes, each maybe cut to the small size by a shrink, never a mix.
static void op_snapshot_race(fz_t* f) {
  static uint8_t before[(size_t)M_MAX_VMO_PAGES * 65536];
  static uint8_t pat_a[(size_t)M_MAX_VMO_PAGES * 65536];
  static uint8_t pat_b[(size_t)M_MAX_VMO_PAGES * 65536];
  static uint8_t got[(size_t)M_MAX_VMO_PAGES * 65536];
  model_t* m = &f->m;
  const uint32_t need =
      VMAR_RIGHT_READ | VMAR_RIGHT_WRITE | VMAR_RIGHT_DUPLICATE;
  int c[M_MAX_HANDLES];
  int n = 0;
  for (int i = 0; i < m->nhandle; i++) {
    const m_handle_t* h = &m->handle[i];
    if (h->live && h->kind == M_KIND_VMO && (h->rights & need) == need &&
        !m->vmo[h->obj].discardable && !vmo_appends(f, h->obj) &&
        m_vmo_size(m, h->obj) != 0) {
      c[n++] = i;
    }
  }
  if (n == 0) {
    return;
  }
  const int h = c[u8(f) % (unsigned)n];
  const int o = m->handle[h].obj;
  const size_t full = (size_t)m_vmo_size(m, o);
  const size_t pages = full / f->page;
  size_t small = full;
  if (m->vmo[o].resizable && (m->handle[h].rights & VMAR_RIGHT_RESIZE) &&
      pages >= 2 && (u8(f) & 1)) {
    small = (1 + u8(f) % (pages - 1)) * f->page;
  }
  memcpy(before, m_vmo_bytes(m, o), full);
  const uint8_t seed = u8(f);
  for (size_t i = 0; i < full; i++) {
    pat_a[i] = (uint8_t)(seed + i * 3 + 1);
    pat_b[i] = (uint8_t)(seed + i * 5 + 2);
  }
  snap_race_t r = {
      .vmo = libh(f, h), .small = small, .full = full, .a = pat_a, .b = pat_b};
  setcall(f,
          "snapshot race: vmar_vmo_create_child(h#%d=%#x, SNAPSHOT, 0, %#zx) "
          "against writes%s",
          h, libh(f, h), full, small != full ? " and resizes" : "");
  pthread_t t;
  if (pthread_create(&t, NULL, snap_writer, &r) != 0) {
    fail(f, "cannot start the writing thread");
    return;
  }
  for (int i = 0; i < SNAP_TAKEN && !f->failed; i++) {
    vmar_handle_t snap = VMAR_HANDLE_INVALID;
    vmar_status_t st =
        vmar_vmo_create_child(r.vmo, VMAR_VMO_CHILD_SNAPSHOT, 0, full, &snap);
    if (!same(f, VMAR_OK, st)) {
      break;
    }
    st = vmar_vmo_read(snap, got, 0, full);
    (void)vmar_handle_close(snap);
    if (!same(f, VMAR_OK, st)) {
      break;
    }
    f->stats->checks++;
    const uint8_t* states[] = {before, pat_a, pat_b};
    bool one = false;
    for (int k = 0; k < 3 && !one; k++) {
      one = snap_is(got, states[k], full, full) ||
            snap_is(got, states[k], small, full);
    }
    if (!one) {
      size_t at = 0;
      while (at < full && got[at] == before[at]) {
        at++;
      }
      fail(f,
           "snapshot %d mixes states: byte %#zx is %#x (before %#x, a %#x, "
           "b %#x)",
           i, at, at < full ? got[at] : 0, at < full ? before[at] : 0,
           at < full ? pat_a[at] : 0, at < full ? pat_b[at] : 0);
    }
  }
  pthread_join(t, NULL);
  if (r.bad && !f->failed) {
    fail(f, "a write or resize failed during the snapshot race");
  }
  // The writer's last step: all of pattern b.
  if (small != full) {
    (void)m_vmo_set_size(m, h, small);
    (void)m_vmo_set_size(m, h, full);
  }
  (void)m_vmo_write(m, h, 0, full, false, VMAR_OK, pat_b);
}

static void teardown(fz_t* f) {
  model_t* m = &f->m;
  for (int i = 0; i < M_MAX_MAPPERS; i++) {
    vmar_mapper_unmap(&f->mapper[i]);
    m_mapper_unmap(m, i);
  }
  for (int i = 0; i < m->nmgr; i++) {
    if (f->mgr_held[i]) {
      vmar_manager_release(f->mgr[i]);
      m_mgr_release(m, i);
      f->mgr_held[i] = false;
    }
  }
  // Everything left in the root goes with one unmap per child.
  for (int i = 1; i < m->nvmar; i++) {
    if (m->vmar[i].alive && m->vmar[i].parent == 0) {
      (void)vmar_unmap(vmar_root_self(), m->vmar[i].base, m->vmar[i].size);
    }
  }
  for (int i = 0; i < m->nmap; i++) {
    if (m->map[i].used && m->map[i].parent == 0) {
      (void)vmar_unmap(vmar_root_self(), m->map[i].base,
                       m->map[i].pages * f->page);
    }
  }
  for (int i = 1; i < m->nhandle; i++) {
    if (m->handle[i].live) {
      (void)vmar_handle_close(f->lib[i]);
    }
  }
  size_t actual = 0;
  size_t avail = 0;
  (void)vmar_get_maps(vmar_root_self(), g_got, MAX_ENTRIES, &actual, &avail);
  if (avail != 1 && !f->failed) {
    setcall(f, "teardown");
    fail(f, "the root still holds %zu entries after teardown", avail - 1);
  }
}

int fz_run(const uint8_t* data, size_t size, size_t max_ops, fz_stats_t* stats,
           char* report, size_t report_cap) {
  fz_t* f = &g_fz;
  memset(f->lib, 0, sizeof(f->lib));
  memset(f->mgr, 0, sizeof(f->mgr));
  memset(f->mgr_held, 0, sizeof(f->mgr_held));
  memset(f->vmar_koid, 0, sizeof(f->vmar_koid));
  memset(f->store_shared, 0, sizeof(f->store_shared));
  memset(f->store_appending, 0, sizeof(f->store_appending));
  for (int i = 0; i < M_MAX_MAPPERS; i++) {
    f->mapper[i] = (vmar_mapper_t)VMAR_MAPPER_INIT;
  }
  f->data = data;
  f->size = size;
  f->pos = 0;
  f->page = vmar_page_size();
  f->stats = stats;
  f->report = report;
  f->report_cap = report_cap;
  f->failed = false;
  f->opno = 0;
  f->call[0] = '\0';
  if (report_cap > 0) {
    report[0] = '\0';
  }
  static const uint32_t kEntropy[] = {30, 0, 4, 1};
  uint32_t bits = kEntropy[u8(f) % 4];
  vmar_posix_set_entropy_bits(bits);
  vmar_info_t root;
  if (vmar_get_info(vmar_root_self(), &root) != VMAR_OK) {
    snprintf(report, report_cap, "cannot query the root VMAR");
    return 1;
  }
  m_init(&f->m, f->page, root.base, root.len, bits);
  f->lib[0] = vmar_root_self();
  stats->runs++;

  while (!f->failed && f->pos < f->size &&
         (max_ops == 0 || f->opno < max_ops)) {
    uint8_t op = u8(f);
    if (!m_room(&f->m)) {
      // Full: only calls that create nothing.
      static const uint8_t safe[] = {2,   3,   4,   5,   6,   7,   12,
                                     13,  14,  20,  234, 235, 238, 239,
                                     244, 245, 248, 249, 250, 253};
      op = safe[op % sizeof(safe)];
    }
    f->opno++;
    stats->ops++;
    // Op bytes 0 to 219 pick the first 22 calls, as inputs always have; the
    // calls on VMO children and VMO facts take the top 36 values.
    if (op >= 220) {
      const uint8_t k = (uint8_t)(op - 220);
      if (k < 11) {
        op_vmo_create_child(f);
      } else if (k < 14) {
        op_map_cut(f);
      } else if (k < 18) {
        op_vmo_get_info(f);
      } else if (k < 22) {
        op_vmo_content_size(f);
      } else if (k < 24) {
        op_vmo_close(f);
      } else if (k < 28) {
        op_vmo_check(f);
      } else if (k < 33) {
        op_vmo_family_op(f);
      } else {
        op_snapshot_race(f);
      }
      m_reap(&f->m);
      check_state(f);
      continue;
    }
    switch (op % 22) {
    case 0:
    case 1:
      op_allocate(f);
      break;
    case 2:
      op_unmap(f);
      break;
    case 3:
      op_protect(f);
      break;
    case 4:
      op_op_range(f);
      break;
    case 5:
      op_destroy(f);
      break;
    case 6:
      op_get_info(f);
      break;
    case 7:
      op_get_maps(f);
      break;
    case 8:
    case 9:
      op_map(f);
      break;
    case 10:
      op_vmo_create(f);
      break;
    case 11:
      op_vmo_io(f, true);
      break;
    case 12:
      op_vmo_io(f, false);
      break;
    case 13:
      op_vmo_size(f);
      break;
    case 14:
      op_vmo_op_range(f);
      break;
    case 15:
      op_vmo_name(f);
      break;
    case 16:
      op_handle(f);
      break;
    case 17:
      op_manager(f);
      break;
    case 18:
      op_mapper(f);
      break;
    case 19:
      (u8(f) & 1) ? op_export(f) : op_import(f);
      break;
    case 20:
      op_race(f);
      break;
    default:
      op_poke(f);
      break;
    }
    m_reap(&f->m);
    check_state(f);
  }
  if (!f->failed) {
    teardown(f);
  }
  m_fini(&f->m);
  return f->failed ? 1 : 0;
}
