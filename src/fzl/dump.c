// SPDX-License-Identifier: MIT
// vmar_dump: a human-readable tree of a VMAR, built on vmar_get_maps so it is
// the same on every backend.

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/util.h"

typedef struct out {
  char* buf;
  size_t cap;
  size_t len; // bytes the whole text needs so far, NUL excluded
} out_t;

// Appends formatted text; what does not fit is counted, not written.
static void put(out_t* o, const char* fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0) {
    return;
  }
  size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
  for (size_t i = 0; i < len; i++, o->len++) {
    if (o->len + 1 < o->cap) {
      o->buf[o->len] = line[i];
    }
  }
}

static void perms_text(uint32_t flags, char text[4]) {
  text[0] = (flags & VMAR_VM_PERM_READ) ? 'r' : '-';
  text[1] = (flags & VMAR_VM_PERM_WRITE) ? 'w' : '-';
  text[2] = (flags & VMAR_VM_PERM_EXECUTE) ? 'x' : '-';
  text[3] = '\0';
}

vmar_status_t vmar_dump(vmar_handle_t vmar, char* buf, size_t cap,
                        size_t* needed) {
  if (buf == NULL && cap != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  // Ask for the count, then fetch; retry if the tree grew in between.
  size_t avail = 0;
  vmar_map_info_t* maps = NULL;
  vmar_status_t st = vmar_get_maps(vmar, NULL, 0, NULL, &avail);
  for (size_t tries = 0; st == VMAR_OK; tries++) {
    vmar__free(maps);
    maps = vmar__calloc(avail + 16, sizeof(*maps));
    if (maps == NULL) {
      return VMAR_ERR_NO_MEMORY;
    }
    size_t actual = 0;
    size_t want = avail + 16;
    st = vmar_get_maps(vmar, maps, want, &actual, &avail);
    if (st != VMAR_OK || actual == avail || tries == 8) {
      avail = actual;
      break;
    }
  }
  if (st != VMAR_OK) {
    vmar__free(maps);
    return st;
  }
  out_t o = {buf, cap, 0};
  for (size_t i = 0; i < avail; i++) {
    const vmar_map_info_t* e = &maps[i];
    put(&o, "%*s", (int)(2 * e->depth), "");
    if (e->type == VMAR_MAP_INFO_TYPE_MAPPING) {
      char perms[4];
      perms_text(e->mmu_flags, perms);
      put(&o, "map  [%#lx, %#lx) %8zu KiB %s vmo %llu+%#llx '%s'\n",
          (unsigned long)e->base, (unsigned long)(e->base + e->size),
          e->size / 1024, perms, (unsigned long long)e->vmo_id,
          (unsigned long long)e->vmo_offset, e->name);
    } else {
      put(&o, "vmar [%#lx, %#lx) %8zu KiB\n", (unsigned long)e->base,
          (unsigned long)(e->base + e->size), e->size / 1024);
    }
  }
  vmar__free(maps);
  if (cap > 0) {
    buf[o.len < cap ? o.len : cap - 1] = '\0';
  }
  if (needed != NULL) {
    *needed = o.len + 1;
  }
  return VMAR_OK;
}
