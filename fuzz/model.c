// SPDX-License-Identifier: MIT
// vmar fuzz: the reference model (see model.h). Everything is a linear scan
// over plain arrays; each rule is written once, in the order the public
// headers list the statuses.

#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERM_RWX (VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)
#define CAN_RWX                                                                \
  (VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE | VMAR_VM_CAN_MAP_EXECUTE)

// ---- Small helpers ---------------------------------------------------------

static bool aligned(uint64_t x, uint64_t a) { return (x & (a - 1)) == 0; }

// Rounds |x| up to the page; false on overflow.
static bool round_page(const model_t* m, uint64_t x, uint64_t* out) {
  uint64_t p = m->page;
  if (x > UINT64_MAX - (p - 1)) {
    return false;
  }
  *out = (x + p - 1) & ~(p - 1);
  return true;
}

static uint32_t rights_to_perms(uint32_t rights) {
  uint32_t p = 0;
  if (rights & VMAR_RIGHT_READ) {
    p |= VMAR_VM_PERM_READ;
  }
  if (rights & VMAR_RIGHT_WRITE) {
    p |= VMAR_VM_PERM_WRITE;
  }
  if (rights & VMAR_RIGHT_EXECUTE) {
    p |= VMAR_VM_PERM_EXECUTE;
  }
  return p;
}

static uint32_t perms_to_rights(uint32_t perms) {
  uint32_t r = 0;
  if (perms & VMAR_VM_PERM_READ) {
    r |= VMAR_RIGHT_READ;
  }
  if (perms & VMAR_VM_PERM_WRITE) {
    r |= VMAR_RIGHT_WRITE;
  }
  if (perms & VMAR_VM_PERM_EXECUTE) {
    r |= VMAR_RIGHT_EXECUTE;
  }
  return r;
}

// CAN_MAP_READ/WRITE/EXECUTE -> PERM_READ/WRITE/EXECUTE.
static uint32_t can_to_perms(uint32_t flags) { return (flags & CAN_RWX) >> 7; }

static bool valid_perms(uint32_t p) {
  return !((p & (VMAR_VM_PERM_WRITE | VMAR_VM_PERM_EXECUTE)) &&
           !(p & VMAR_VM_PERM_READ));
}

static bool align_field(uint32_t opts, uint64_t page, uint64_t* align) {
  uint32_t f = opts >> VMAR_VM_ALIGN_BASE;
  if (f != 0 && (f < 10 || f > 32)) {
    return false;
  }
  uint64_t a = page;
  if (f != 0 && ((uint64_t)1 << f) > page) {
    a = (uint64_t)1 << f;
  }
  *align = a;
  return true;
}

static uintptr_t vend(const m_vmar_t* v) { return v->base + v->size; }

static uintptr_t mend(const model_t* m, const m_map_t* mp) {
  return mp->base + mp->pages * m->page;
}

// ---- Handles ---------------------------------------------------------------

int m_new_handle(model_t* m, int kind, int obj, uint32_t rights) {
  if (m->nhandle >= M_MAX_HANDLES) {
    abort(); // the harness checks m_room first
  }
  m_handle_t* h = &m->handle[m->nhandle];
  h->live = true;
  h->kind = kind;
  h->obj = obj;
  h->rights = rights;
  return m->nhandle++;
}

static vmar_status_t hget(const model_t* m, int h, int kind, int* obj,
                          uint32_t* rights) {
  if (h < 0 || h >= m->nhandle || !m->handle[h].live) {
    return VMAR_ERR_BAD_HANDLE;
  }
  if (kind != M_KIND_NONE && m->handle[h].kind != kind) {
    return VMAR_ERR_WRONG_TYPE;
  }
  *obj = m->handle[h].obj;
  *rights = m->handle[h].rights;
  return VMAR_OK;
}

bool m_room(const model_t* m) {
  return m->nhandle + 4 < M_MAX_HANDLES && m->nvmar + 2 < M_MAX_VMARS &&
         m->nmap + 8 < M_MAX_MAPS && m->nvmo + 2 < M_MAX_VMOS &&
         m->nmgr + 1 < M_MAX_MGRS;
}

// ---- Setup -----------------------------------------------------------------

void m_init(model_t* m, size_t page, uintptr_t root_base, size_t root_size,
            uint32_t entropy_bits) {
  memset(m, 0, sizeof(*m));
  m->page = page;
  m->entropy_bits = entropy_bits;
  m_vmar_t* r = &m->vmar[0];
  r->used = true;
  r->alive = true;
  r->root = true;
  r->parent = -1;
  r->base = root_base;
  r->size = root_size;
  r->flags = CAN_RWX | VMAR_VM_CAN_MAP_SPECIFIC;
  m->nvmar = 1;
  // Handle 0 is the root's.
  m_new_handle(m, M_KIND_VMAR, 0,
               VMAR_DEFAULT_VMAR_RIGHTS | VMAR_RIGHT_READ | VMAR_RIGHT_WRITE |
                   VMAR_RIGHT_EXECUTE);
}

void m_fini(model_t* m) {
  for (int i = 0; i < m->nstore; i++) {
    free(m->store[i].bytes);
    m->store[i].bytes = NULL;
  }
}

// ---- Tree walking ----------------------------------------------------------

typedef struct child {
  bool is_vmar;
  int idx;
  uintptr_t base;
  uintptr_t end;
} child_t;

// Direct children of VMAR |v| (live VMARs and mappings), sorted by base.
static int children(const model_t* m, int v, child_t* out) {
  int n = 0;
  for (int i = 0; i < m->nvmar; i++) {
    const m_vmar_t* c = &m->vmar[i];
    if (c->used && c->alive && c->parent == v) {
      out[n++] = (child_t){true, i, c->base, vend(c)};
    }
  }
  for (int i = 0; i < m->nmap; i++) {
    const m_map_t* c = &m->map[i];
    if (c->used && c->parent == v) {
      out[n++] = (child_t){false, i, c->base, mend(m, c)};
    }
  }
  for (int i = 1; i < n; i++) { // insertion sort: n is small
    child_t t = out[i];
    int j = i - 1;
    while (j >= 0 && out[j].base > t.base) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = t;
  }
  return n;
}

static child_t g_kids[M_MAX_VMARS + M_MAX_MAPS];

static bool range_free(const model_t* m, int v, uintptr_t a, uintptr_t e) {
  int n = children(m, v, g_kids);
  for (int i = 0; i < n; i++) {
    if (g_kids[i].base < e && a < g_kids[i].end) {
      return false;
    }
  }
  return true;
}

// Lowest aligned spot of |size| bytes in |v| ending at or below |limit|.
static bool first_fit(const model_t* m, int v, uint64_t size, uint64_t align,
                      uintptr_t limit, uintptr_t* out) {
  child_t kids[M_MAX_VMARS + M_MAX_MAPS];
  int n = children(m, v, kids);
  uintptr_t cursor = m->vmar[v].base;
  for (int i = 0; i <= n; i++) {
    uintptr_t gap_end = i < n ? kids[i].base : vend(&m->vmar[v]);
    if (gap_end > limit) {
      gap_end = limit;
    }
    uint64_t a = ((uint64_t)cursor + align - 1) & ~(align - 1);
    if (a >= cursor && a <= gap_end && gap_end - a >= size) {
      *out = (uintptr_t)a;
      return true;
    }
    if (i < n) {
      cursor = kids[i].end;
    }
  }
  return false;
}

// Is |a| a legal kernel-chosen spot? Sets m->why otherwise.
static bool legal_spot(model_t* m, int v, uintptr_t a, uint64_t size,
                       uint64_t align, uintptr_t limit) {
  const m_vmar_t* p = &m->vmar[v];
  if (!aligned(a, align)) {
    snprintf(m->why, sizeof(m->why), "spot %#lx not aligned to %#lx",
             (unsigned long)a, (unsigned long)align);
    return false;
  }
  if (a < p->base || a + size > vend(p) || a + size < a || a + size > limit) {
    snprintf(m->why, sizeof(m->why),
             "spot %#lx+%#lx outside [%#lx, %#lx) / limit %#lx",
             (unsigned long)a, (unsigned long)size, (unsigned long)p->base,
             (unsigned long)vend(p), (unsigned long)limit);
    return false;
  }
  if (!range_free(m, v, a, a + size)) {
    snprintf(m->why, sizeof(m->why), "spot %#lx+%#lx overlaps a child",
             (unsigned long)a, (unsigned long)size);
    return false;
  }
  if (!p->root && ((p->flags & VMAR_VM_COMPACT) || m->entropy_bits == 0)) {
    uintptr_t low = 0;
    first_fit(m, v, size, align, limit, &low);
    if (low != a) {
      snprintf(m->why, sizeof(m->why),
               "spot %#lx is not the lowest fit %#lx (compact/entropy 0)",
               (unsigned long)a, (unsigned long)low);
      return false;
    }
  }
  return true;
}

static bool is_within(const model_t* m, int v, int anc) {
  while (v >= 0) {
    if (v == anc) {
      return true;
    }
    v = m->vmar[v].parent;
  }
  return false;
}

// Mappings at any depth below |v| that intersect [a, e), sorted by base.
static int maps_in(const model_t* m, int v, uintptr_t a, uintptr_t e,
                   int* out) {
  int n = 0;
  for (int i = 0; i < m->nmap; i++) {
    const m_map_t* c = &m->map[i];
    if (c->used && is_within(m, c->parent, v) && c->base < e &&
        a < mend(m, c)) {
      out[n++] = i;
    }
  }
  for (int i = 1; i < n; i++) {
    int t = out[i];
    int j = i - 1;
    while (j >= 0 && m->map[out[j]].base > m->map[t].base) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = t;
  }
  return n;
}

static void destroy_vmar(model_t* m, int v) {
  for (int i = 0; i < m->nmap; i++) {
    if (m->map[i].used && m->map[i].parent == v) {
      m->map[i].used = false;
    }
  }
  for (int i = 0; i < m->nvmar; i++) {
    if (m->vmar[i].used && m->vmar[i].alive && m->vmar[i].parent == v) {
      destroy_vmar(m, i);
    }
  }
  m->vmar[v].alive = false;
}

static int new_map_slot(model_t* m) {
  if (m->nmap >= M_MAX_MAPS) {
    abort();
  }
  memset(&m->map[m->nmap], 0, sizeof(m_map_t));
  return m->nmap++;
}

// Removes [a, e) from mapping |i| (trim or split).
static void cut_map(model_t* m, int i, uintptr_t a, uintptr_t e) {
  m_map_t* mp = &m->map[i];
  const uintptr_t b = mp->base;
  const uintptr_t end = mend(m, mp);
  if (a < b) {
    a = b;
  }
  if (e > end) {
    e = end;
  }
  if (a >= e) {
    return;
  }
  if (a == b && e == end) {
    mp->used = false;
    return;
  }
  if (a > b && e < end) { // split: the right part becomes a new mapping
    int j = new_map_slot(m);
    mp = &m->map[i];
    m_map_t* r = &m->map[j];
    *r = *mp;
    size_t skip = (e - b) / m->page;
    r->base = e;
    r->pages = (end - e) / m->page;
    r->vmo_off = mp->vmo_off + skip * m->page;
    memmove(r->perm, mp->perm + skip, r->pages);
    mp->pages = (a - b) / m->page;
    return;
  }
  if (a == b) { // head
    size_t skip = (e - b) / m->page;
    mp->base = e;
    mp->pages -= skip;
    mp->vmo_off += skip * m->page;
    memmove(mp->perm, mp->perm + skip, mp->pages);
    return;
  }
  mp->pages = (a - b) / m->page; // tail
}

// Unmaps [a, e) among the direct children of |v| (checks already done).
static void unmap_apply(model_t* m, int v, uintptr_t a, uintptr_t e) {
  int n = m->nmap;
  for (int i = 0; i < n; i++) {
    if (m->map[i].used && m->map[i].parent == v && m->map[i].base < e &&
        a < mend(m, &m->map[i])) {
      cut_map(m, i, a, e);
    }
  }
  for (int i = 0; i < m->nvmar; i++) {
    m_vmar_t* c = &m->vmar[i];
    if (c->used && c->alive && c->parent == v && c->base >= a && vend(c) <= e) {
      destroy_vmar(m, i);
    }
  }
}

// ---- VMARs -----------------------------------------------------------------

static int new_vmar(model_t* m, int parent, uintptr_t base, size_t size,
                    uint32_t flags) {
  if (m->nvmar >= M_MAX_VMARS) {
    abort();
  }
  m_vmar_t* c = &m->vmar[m->nvmar];
  memset(c, 0, sizeof(*c));
  c->used = true;
  c->alive = true;
  c->parent = parent;
  c->base = base;
  c->size = size;
  c->flags = flags;
  return m->nvmar++;
}

// Placement shared by allocate and map: offset/option checks, then a spot.
// |specific| covers SPECIFIC and SPECIFIC_OVERWRITE.
static vmar_status_t placement_args(const model_t* m, int v, uint32_t opts,
                                    uint64_t off, uint64_t size) {
  const m_vmar_t* p = &m->vmar[v];
  const bool specific =
      (opts & (VMAR_VM_SPECIFIC | VMAR_VM_SPECIFIC_OVERWRITE)) != 0;
  const bool upper = (opts & VMAR_VM_OFFSET_IS_UPPER_LIMIT) != 0;
  if (specific && upper) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!specific && !upper && off != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!aligned(off, m->page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((specific || upper) && !(p->flags & VMAR_VM_CAN_MAP_SPECIFIC)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (upper) {
    if (off > p->size || size > p->size || size > off) {
      return VMAR_ERR_INVALID_ARGS;
    }
  } else if (off >= p->size || size > p->size - off) {
    return VMAR_ERR_INVALID_ARGS;
  }
  return VMAR_OK;
}

static vmar_status_t alloc_core(model_t* m, int v, uint32_t rights,
                                uint32_t opts, size_t off, size_t size,
                                vmar_status_t lib_st, uintptr_t lib_addr,
                                int* new_vmar_out) {
  const uint32_t allowed =
      VMAR_VM_SPECIFIC | VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_COMPACT | CAN_RWX |
      VMAR_VM_OFFSET_IS_UPPER_LIMIT | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED;
  const uint32_t want = perms_to_rights(can_to_perms(opts));
  if (want & ~rights) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint64_t align;
  if (!align_field(opts, m->page, &align) ||
      (opts & ~VMAR_VM_ALIGN_MASK & ~allowed) != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!aligned(size, m->page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmar_t* p = &m->vmar[v];
  if (!p->alive) {
    return VMAR_ERR_BAD_STATE;
  }
  if (size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (opts & CAN_RWX & ~p->flags) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  vmar_status_t st = placement_args(m, v, opts, off, size);
  if (st != VMAR_OK) {
    return st;
  }
  uintptr_t addr;
  if (opts & VMAR_VM_SPECIFIC) {
    addr = p->base + off;
    if (!aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (!range_free(m, v, addr, addr + size)) {
      return VMAR_ERR_ALREADY_EXISTS;
    }
  } else {
    uintptr_t limit =
        (opts & VMAR_VM_OFFSET_IS_UPPER_LIMIT) ? p->base + off : vend(p);
    uintptr_t low;
    if (!p->root && !first_fit(m, v, size, align, limit, &low)) {
      return VMAR_ERR_NO_RESOURCES;
    }
    if (lib_st != VMAR_OK) {
      return VMAR_OK; // the harness reports the status mismatch
    }
    if (!legal_spot(m, v, lib_addr, size, align, limit)) {
      return M_ILLEGAL;
    }
    addr = lib_addr;
  }
  if (lib_st != VMAR_OK) {
    return VMAR_OK;
  }
  *new_vmar_out =
      new_vmar(m, v, addr, size,
               opts & (CAN_RWX | VMAR_VM_CAN_MAP_SPECIFIC | VMAR_VM_COMPACT));
  return VMAR_OK;
}

vmar_status_t m_allocate(model_t* m, int h, uint32_t opts, size_t off,
                         size_t size, vmar_status_t lib_st, uintptr_t lib_addr,
                         int* new_h) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  int nv = -1;
  st = alloc_core(m, v, rights, opts, off, size, lib_st, lib_addr, &nv);
  if (st == VMAR_OK && nv >= 0) {
    *new_h = m_new_handle(m, M_KIND_VMAR, nv,
                          VMAR_DEFAULT_VMAR_RIGHTS |
                              perms_to_rights(can_to_perms(opts)));
  }
  return st;
}

static vmar_status_t map_core(model_t* m, int v, uint32_t vr, uint32_t opts,
                              size_t off, int o, uint32_t orights,
                              uint64_t vmo_off, size_t len,
                              vmar_status_t lib_st, uintptr_t lib_addr,
                              uintptr_t* addr_out) {
  if (!(orights & VMAR_RIGHT_MAP)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (opts & VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED) {
    opts |= VMAR_VM_PERM_READ;
  }
  const uint32_t perms = opts & PERM_RWX;
  if (!valid_perms(perms)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if ((opts & VMAR_VM_MAP_RANGE) && (opts & VMAR_VM_SPECIFIC_OVERWRITE)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (opts & CAN_RWX) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (perms_to_rights(perms) & ~(vr & orights)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  const uint32_t known =
      PERM_RWX | VMAR_VM_SPECIFIC | VMAR_VM_SPECIFIC_OVERWRITE |
      VMAR_VM_MAP_RANGE | VMAR_VM_REQUIRE_NON_RESIZABLE | VMAR_VM_ALLOW_FAULTS |
      VMAR_VM_OFFSET_IS_UPPER_LIMIT | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED |
      VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC;
  uint64_t align;
  if (!align_field(opts, m->page, &align) ||
      (opts & ~VMAR_VM_ALIGN_MASK & ~known) != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmo_t* vo = &m->vmo[o];
  if ((opts & VMAR_VM_REQUIRE_NON_RESIZABLE) && vo->resizable) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (vo->discardable && !(opts & VMAR_VM_ALLOW_FAULTS)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (opts & (VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_SPECIFIC)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmar_t* p = &m->vmar[v];
  if (perms & ~can_to_perms(p->flags)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (!aligned(vmo_off, m->page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t rlen;
  if (!round_page(m, len, &rlen) || vmo_off + rlen < vmo_off) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (!p->alive) {
    return VMAR_ERR_BAD_STATE;
  }
  if (rlen == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_status_t st = placement_args(m, v, opts, off, rlen);
  if (st != VMAR_OK) {
    return st;
  }
  uintptr_t addr;
  if (opts & (VMAR_VM_SPECIFIC | VMAR_VM_SPECIFIC_OVERWRITE)) {
    addr = p->base + off;
    if (!aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    // With both bits, overwriting wins (as Zircon: an occupied range is
    // replaced rather than refused).
    if (!(opts & VMAR_VM_SPECIFIC_OVERWRITE)) {
      if (!range_free(m, v, addr, addr + rlen)) {
        return VMAR_ERR_ALREADY_EXISTS;
      }
    } else {
      int n = children(m, v, g_kids);
      for (int i = 0; i < n; i++) {
        if (g_kids[i].is_vmar && g_kids[i].base < addr + rlen &&
            addr < g_kids[i].end) {
          return VMAR_ERR_INVALID_ARGS;
        }
      }
      if (p->root) {
        return VMAR_ERR_NOT_SUPPORTED;
      }
    }
  } else {
    uintptr_t limit =
        (opts & VMAR_VM_OFFSET_IS_UPPER_LIMIT) ? p->base + off : vend(p);
    uintptr_t low;
    if (!p->root && !first_fit(m, v, rlen, align, limit, &low)) {
      return VMAR_ERR_NO_RESOURCES;
    }
    if (lib_st != VMAR_OK) {
      return VMAR_OK;
    }
    if (!legal_spot(m, v, lib_addr, rlen, align, limit)) {
      return M_ILLEGAL;
    }
    addr = lib_addr;
  }
  if (lib_st != VMAR_OK) {
    return VMAR_OK;
  }
  if (opts & VMAR_VM_SPECIFIC_OVERWRITE) {
    unmap_apply(m, v, addr, addr + rlen);
  }
  if (rlen / m->page > M_MAX_PAGES) {
    abort(); // the harness never maps this much successfully
  }
  int i = new_map_slot(m);
  m_map_t* mp = &m->map[i];
  mp->used = true;
  mp->parent = v;
  mp->base = addr;
  mp->pages = rlen / m->page;
  mp->vmo = o;
  mp->vmo_off = vmo_off;
  mp->ceil = rights_to_perms(vr & orights);
  memset(mp->perm, (int)perms, mp->pages);
  if (addr_out != NULL) {
    *addr_out = addr;
  }
  return VMAR_OK;
}

vmar_status_t m_map(model_t* m, int h, uint32_t opts, size_t off, int vh,
                    uint64_t vmo_off, size_t len, vmar_status_t lib_st,
                    uintptr_t lib_addr) {
  int v, o;
  uint32_t vr, orr;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &vr);
  if (st != VMAR_OK) {
    return st;
  }
  st = hget(m, vh, M_KIND_VMO, &o, &orr);
  if (st != VMAR_OK) {
    return st;
  }
  return map_core(m, v, vr, opts, off, o, orr, vmo_off, len, lib_st, lib_addr,
                  NULL);
}

static bool inside(const m_vmar_t* v, uintptr_t a, uintptr_t e) {
  return a >= v->base && e <= vend(v) && e > a;
}

static vmar_status_t unmap_core(model_t* m, int v, uint32_t rights,
                                uintptr_t addr, size_t len) {
  uintptr_t e;
  if (!aligned(addr, m->page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t r;
  if (!round_page(m, len, &r) || r == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmar_t* p = &m->vmar[v];
  if (!p->alive) {
    return VMAR_ERR_BAD_STATE;
  }
  e = addr + r;
  if (e < addr || !inside(p, addr, e)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  int n = children(m, v, g_kids);
  for (int i = 0; i < n; i++) {
    const child_t* c = &g_kids[i];
    if (!c->is_vmar || c->end <= addr || c->base >= e) {
      continue;
    }
    if (c->base < addr || c->end > e) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (!(rights & VMAR_RIGHT_OP_CHILDREN)) {
      return VMAR_ERR_INVALID_ARGS;
    }
  }
  unmap_apply(m, v, addr, e);
  return VMAR_OK;
}

vmar_status_t m_unmap(model_t* m, int h, uintptr_t addr, size_t len) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  return unmap_core(m, v, rights, addr, len);
}

vmar_status_t m_protect(model_t* m, int h, uint32_t opts, uintptr_t addr,
                        size_t len) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (opts & VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED) {
    opts |= VMAR_VM_PERM_READ;
  }
  const uint32_t perms = opts & PERM_RWX;
  if (perms_to_rights(perms) & ~rights) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (!valid_perms(perms)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!aligned(addr, m->page) ||
      (opts & ~(PERM_RWX | VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED)) != 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t r;
  if (!round_page(m, len, &r) || r == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmar_t* p = &m->vmar[v];
  if (!p->alive) {
    return VMAR_ERR_BAD_STATE;
  }
  uintptr_t e = addr + r;
  if (e < addr || !inside(p, addr, e)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  int idx[M_MAX_MAPS];
  int n = maps_in(m, v, addr, e, idx);
  uintptr_t cursor = addr;
  for (int k = 0; k < n; k++) {
    const m_map_t* mp = &m->map[idx[k]];
    if (mp->base > cursor) {
      return VMAR_ERR_NOT_FOUND;
    }
    if (perms & ~mp->ceil) {
      return VMAR_ERR_ACCESS_DENIED;
    }
    if (mp->parent != v) {
      if (!(rights & VMAR_RIGHT_OP_CHILDREN)) {
        return VMAR_ERR_INVALID_ARGS;
      }
      for (size_t pg = 0; pg < mp->pages; pg++) {
        uintptr_t a = mp->base + pg * m->page;
        if (a >= addr && a < e && (perms & ~mp->perm[pg])) {
          return VMAR_ERR_ACCESS_DENIED;
        }
      }
    }
    cursor = mend(m, mp);
  }
  if (cursor < e) {
    return VMAR_ERR_NOT_FOUND;
  }
  for (int k = 0; k < n; k++) {
    m_map_t* mp = &m->map[idx[k]];
    for (size_t pg = 0; pg < mp->pages; pg++) {
      uintptr_t a = mp->base + pg * m->page;
      if (a >= addr && a < e) {
        mp->perm[pg] = (uint8_t)perms;
      }
    }
  }
  return VMAR_OK;
}

// Zeroes [off, off + len) of VMO |o|, as far as it lies inside the VMO (a
// slice's window: the store's bytes past it are not the slice's).
static void zero_vmo(model_t* m, int o, uint64_t off, uint64_t len) {
  const uint64_t size = m_vmo_size(m, o);
  if (off >= size) {
    return;
  }
  if (len > size - off) {
    len = size - off;
  }
  memset(m_vmo_bytes(m, o) + off, 0, len);
}

vmar_status_t m_op_range(model_t* m, int h, uint32_t op, uintptr_t addr,
                         size_t len) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  uint32_t need;
  switch (op) {
  case VMAR_OP_COMMIT:
  case VMAR_OP_DECOMMIT:
  case VMAR_OP_ZERO:
    need = VMAR_RIGHT_WRITE;
    break;
  case VMAR_OP_MAP_RANGE:
  case VMAR_OP_PREFETCH:
    need = VMAR_RIGHT_READ;
    break;
  case VMAR_OP_DONT_NEED:
  case VMAR_OP_ALWAYS_NEED:
    need = 0;
    break;
  default:
    return VMAR_ERR_INVALID_ARGS;
  }
  if (need & ~rights) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint64_t r;
  if (!round_page(m, len, &r) || r == 0 || !aligned(addr, m->page)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmar_t* p = &m->vmar[v];
  uintptr_t e = addr + r;
  if (e < addr || !inside(p, addr, e)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (!p->alive) {
    return VMAR_ERR_BAD_STATE;
  }
  int idx[M_MAX_MAPS];
  int n = maps_in(m, v, addr, e, idx);
  uintptr_t cursor = addr;
  for (int k = 0; k < n; k++) {
    const m_map_t* mp = &m->map[idx[k]];
    if (mp->base > cursor) {
      return VMAR_ERR_BAD_STATE;
    }
    if (mp->parent != v) {
      if (op == VMAR_OP_COMMIT || op == VMAR_OP_DECOMMIT ||
          op == VMAR_OP_PREFETCH) {
        return VMAR_ERR_INVALID_ARGS;
      }
      if (!(rights & VMAR_RIGHT_OP_CHILDREN)) {
        return VMAR_ERR_INVALID_ARGS;
      }
    }
    if ((op == VMAR_OP_COMMIT || op == VMAR_OP_DECOMMIT ||
         op == VMAR_OP_ZERO) &&
        !(mp->ceil & VMAR_VM_PERM_WRITE)) {
      return VMAR_ERR_ACCESS_DENIED;
    }
    if (op == VMAR_OP_PREFETCH && !(mp->ceil & VMAR_VM_PERM_READ)) {
      return VMAR_ERR_ACCESS_DENIED;
    }
    cursor = mend(m, mp);
  }
  if (cursor < e) {
    return VMAR_ERR_BAD_STATE;
  }
  if (op == VMAR_OP_DECOMMIT || op == VMAR_OP_ZERO) {
    for (int k = 0; k < n; k++) {
      const m_map_t* mp = &m->map[idx[k]];
      uintptr_t a = mp->base > addr ? mp->base : addr;
      uintptr_t b = mend(m, mp) < e ? mend(m, mp) : e;
      if (m_map_host_backed(m, idx[k])) {
        zero_vmo(m, mp->vmo, mp->vmo_off + (a - mp->base), b - a);
      }
    }
  }
  return VMAR_OK;
}

vmar_status_t m_destroy(model_t* m, int h) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_OP_CHILDREN)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (m->vmar[v].root) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (!m->vmar[v].alive) {
    return VMAR_ERR_BAD_STATE;
  }
  destroy_vmar(m, v);
  return VMAR_OK;
}

vmar_status_t m_get_info(const model_t* m, int h, vmar_info_t* out) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_INSPECT)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  out->base = m->vmar[v].base;
  out->len = m->vmar[v].size;
  return VMAR_OK;
}

static void emit(m_entry_t* out, size_t cap, size_t* n, const m_entry_t* e) {
  if (*n < cap) {
    out[*n] = *e;
  }
  (*n)++;
}

static void maps_rec(const model_t* m, int v, size_t depth, m_entry_t* out,
                     size_t cap, size_t* n) {
  child_t kids[M_MAX_VMARS + M_MAX_MAPS];
  int k = children(m, v, kids);
  for (int i = 0; i < k; i++) {
    m_entry_t e;
    memset(&e, 0, sizeof(e));
    e.depth = depth;
    if (kids[i].is_vmar) {
      const m_vmar_t* c = &m->vmar[kids[i].idx];
      e.base = c->base;
      e.size = c->size;
      e.type = VMAR_MAP_INFO_TYPE_VMAR;
      emit(out, cap, n, &e);
      maps_rec(m, kids[i].idx, depth + 1, out, cap, n);
      continue;
    }
    const m_map_t* mp = &m->map[kids[i].idx];
    const m_vmo_t* vo = &m->vmo[mp->vmo];
    size_t pg = 0;
    while (pg < mp->pages) { // one entry per run of equal permissions
      size_t run = 1;
      while (pg + run < mp->pages && mp->perm[pg + run] == mp->perm[pg]) {
        run++;
      }
      e.type = VMAR_MAP_INFO_TYPE_MAPPING;
      memcpy(e.name, vo->name, sizeof(e.name));
      e.base = mp->base + pg * m->page;
      e.size = run * m->page;
      e.mmu_flags = mp->perm[pg];
      e.vmo_id = vo->koid;
      e.vmo_offset = mp->vmo_off + pg * m->page;
      emit(out, cap, n, &e);
      pg += run;
    }
  }
}

size_t m_maps_of(const model_t* m, int v, m_entry_t* out, size_t cap) {
  size_t n = 0;
  m_entry_t e;
  memset(&e, 0, sizeof(e));
  e.base = m->vmar[v].base;
  e.size = m->vmar[v].size;
  e.type = VMAR_MAP_INFO_TYPE_VMAR;
  emit(out, cap, &n, &e);
  maps_rec(m, v, 1, out, cap, &n);
  return n;
}

vmar_status_t m_get_maps(const model_t* m, int h, int* vmar_out) {
  int v;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMAR, &v, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_INSPECT)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (!m->vmar[v].alive) {
    return VMAR_ERR_BAD_STATE;
  }
  *vmar_out = v;
  return VMAR_OK;
}

// ---- VMOs ------------------------------------------------------------------

static bool vmo_size_ok(const model_t* m, uint64_t size, uint64_t* rounded) {
  return round_page(m, size, rounded) && *rounded <= (uint64_t)INT64_MAX;
}

// A new store of |size| bytes (a page multiple), all zeros, with content
// size |content|.
static int new_store(model_t* m, uint64_t size, uint64_t content) {
  if (m->nstore >= M_MAX_VMOS) {
    abort(); // the harness checks m_room first
  }
  m_store_t* s = &m->store[m->nstore];
  memset(s, 0, sizeof(*s));
  s->bytes = calloc(M_MAX_VMO_PAGES, m->page);
  if (s->bytes == NULL) {
    abort();
  }
  s->size = size;
  s->content = content;
  return m->nstore++;
}

// A new live VMO of |kind| on store |s|, parentless, unnamed.
static m_vmo_t* new_vmo(model_t* m, int kind, int s, uint64_t koid) {
  if (m->nvmo >= M_MAX_VMOS) {
    abort(); // the harness checks m_room first
  }
  m_vmo_t* vo = &m->vmo[m->nvmo++];
  memset(vo, 0, sizeof(*vo));
  vo->used = true;
  vo->alive = true;
  vo->kind = kind;
  vo->store = s;
  vo->parent = -1;
  vo->koid = koid;
  return vo;
}

// Whether VMO |o|'s pages have copy-on-write relatives (DECOMMIT is then
// NOT_SUPPORTED): they were made as a snapshot's copy (|o| is a snapshot
// child, or a slice or reference of one), or a VMO sharing them (|o|, a
// slice, a reference, the VMO those were made from) has a live snapshot
// child.
static bool cow_relatives(const model_t* m, int o) {
  const int s = m->vmo[o].store;
  if (m->store[s].snapshot_copy) {
    return true;
  }
  for (int c = 0; c < m->nvmo; c++) {
    const m_vmo_t* vc = &m->vmo[c];
    if (vc->alive && vc->kind == M_VMO_SNAPSHOT && vc->parent >= 0 &&
        m->vmo[vc->parent].store == s) {
      return true;
    }
  }
  return false;
}

// The content size VMO |o| reports: a slice's own, else its store's (a
// reference shares its parent's).
static uint64_t content_of(const model_t* m, int o) {
  const m_vmo_t* vo = &m->vmo[o];
  return vo->kind == M_VMO_SLICE ? vo->content : m->store[vo->store].content;
}

static void set_content(model_t* m, int o, uint64_t size) {
  m_vmo_t* vo = &m->vmo[o];
  if (vo->kind == M_VMO_SLICE) {
    vo->content = size;
  } else {
    m->store[vo->store].content = size;
  }
}

vmar_status_t m_vmo_create(model_t* m, uint64_t size, uint32_t opts,
                           uint64_t lib_koid, int* new_h) {
  if (opts & ~(VMAR_VMO_RESIZABLE | VMAR_VMO_DISCARDABLE)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t r;
  if (!vmo_size_ok(m, size, &r)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (r > (uint64_t)M_MAX_VMO_PAGES * m->page) {
    abort(); // the harness never asks for this
  }
  const int s = new_store(m, r, size);
  m_vmo_t* vo = new_vmo(m, M_VMO_PLAIN, s, lib_koid);
  vo->resizable = (opts & VMAR_VMO_RESIZABLE) != 0;
  vo->discardable = (opts & VMAR_VMO_DISCARDABLE) != 0;
  uint32_t rights = VMAR_DEFAULT_VMO_RIGHTS;
  if (vo->resizable) {
    rights |= VMAR_RIGHT_RESIZE;
  }
  *new_h = m_new_handle(m, M_KIND_VMO, (int)(vo - m->vmo), rights);
  return VMAR_OK;
}

static vmar_status_t vmo_io(model_t* m, int h, uint64_t off, size_t len,
                            bool null_buf, vmar_status_t buf_st, bool write,
                            int* o_out) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & (write ? VMAR_RIGHT_WRITE : VMAR_RIGHT_READ))) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  const uint64_t vsize = m_vmo_size(m, o);
  if (off > vsize || len > vsize - off) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (len == 0) {
    return VMAR_OK;
  }
  if (null_buf) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (buf_st != VMAR_OK) {
    return buf_st;
  }
  *o_out = o;
  return VMAR_OK;
}

vmar_status_t m_vmo_read(model_t* m, int h, uint64_t off, size_t len,
                         bool null_buf, vmar_status_t buf_st, uint8_t* out) {
  int o = -1;
  vmar_status_t st = vmo_io(m, h, off, len, null_buf, buf_st, false, &o);
  if (st == VMAR_OK && o >= 0) {
    memcpy(out, m_vmo_bytes(m, o) + off, len);
  }
  return st;
}

vmar_status_t m_vmo_write(model_t* m, int h, uint64_t off, size_t len,
                          bool null_buf, vmar_status_t buf_st,
                          const uint8_t* in) {
  int o = -1;
  vmar_status_t st = vmo_io(m, h, off, len, null_buf, buf_st, true, &o);
  if (st == VMAR_OK && o >= 0) {
    memcpy(m_vmo_bytes(m, o) + off, in, len);
  }
  return st;
}

vmar_status_t m_vmo_get_size(const model_t* m, int h, uint64_t* size) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st == VMAR_OK) {
    *size = m_vmo_size(m, o);
  }
  return st;
}

vmar_status_t m_vmo_set_size(model_t* m, int h, uint64_t size) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_WRITE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  m_vmo_t* vo = &m->vmo[o];
  if (!vo->resizable) {
    return VMAR_ERR_UNAVAILABLE;
  }
  if (!(rights & VMAR_RIGHT_RESIZE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  uint64_t r;
  if (!vmo_size_ok(m, size, &r)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (r > (uint64_t)M_MAX_VMO_PAGES * m->page) {
    abort();
  }
  // The store changes, so every VMO sharing it (references) follows. No
  // slice shares a resizable store: its parent could not be resizable.
  // Whatever lies past the new size reads as zero if the VMO grows again.
  m_store_t* s = &m->store[vo->store];
  uint64_t keep = s->size < size ? s->size : size;
  memset(s->bytes + keep, 0, (size_t)M_MAX_VMO_PAGES * m->page - keep);
  s->size = r;
  s->content = size;
  return VMAR_OK;
}

// zx_vmo_op_range's rules: hints first, CACHE_INVALIDATE refused, then the
// right of each op, and its own range rule.
vmar_status_t m_vmo_op_range(model_t* m, int h, uint32_t op, uint64_t off,
                             uint64_t size) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  uint32_t need;
  bool lock = false;
  switch (op) {
  case VMAR_VMO_OP_DONT_NEED:
  case VMAR_VMO_OP_ALWAYS_NEED:
    return VMAR_OK;
  case VMAR_VMO_OP_CACHE_INVALIDATE:
    return VMAR_ERR_NOT_SUPPORTED;
  case VMAR_VMO_OP_COMMIT:
  case VMAR_VMO_OP_DECOMMIT:
  case VMAR_VMO_OP_ZERO:
    need = VMAR_RIGHT_WRITE;
    break;
  case VMAR_VMO_OP_CACHE_SYNC:
  case VMAR_VMO_OP_CACHE_CLEAN:
  case VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE:
  case VMAR_VMO_OP_PREFETCH:
    need = VMAR_RIGHT_READ;
    break;
  case VMAR_VMO_OP_LOCK:
  case VMAR_VMO_OP_TRY_LOCK:
  case VMAR_VMO_OP_UNLOCK:
    need = VMAR_RIGHT_READ | VMAR_RIGHT_WRITE; // either
    lock = true;
    break;
  default:
    return VMAR_ERR_INVALID_ARGS;
  }
  if (!(rights & need)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  m_vmo_t* vo = &m->vmo[o];
  if (lock) {
    if (!vo->discardable) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
    if (off != 0 || size != m_vmo_size(m, o)) {
      return VMAR_ERR_OUT_OF_RANGE;
    }
    if (op == VMAR_VMO_OP_UNLOCK) {
      if (vo->locks == 0) {
        return VMAR_ERR_BAD_STATE;
      }
      vo->locks--;
    } else {
      vo->locks++;
    }
    return VMAR_OK;
  }
  if ((op == VMAR_VMO_OP_CACHE_SYNC || op == VMAR_VMO_OP_CACHE_CLEAN ||
       op == VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE) &&
      size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (op == VMAR_VMO_OP_DECOMMIT &&
      (!aligned(off, m->page) || !aligned(size, m->page))) {
    return VMAR_ERR_INVALID_ARGS;
  }
  // The VMO's size is a page multiple: the range rounded out to pages fits
  // exactly when the range does.
  const uint64_t vsize = m_vmo_size(m, o);
  if (off > vsize || size > vsize - off) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (op == VMAR_VMO_OP_DECOMMIT && cow_relatives(m, o)) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  if (op == VMAR_VMO_OP_DECOMMIT || op == VMAR_VMO_OP_ZERO) {
    zero_vmo(m, o, off, size);
  }
  return VMAR_OK;
}

vmar_status_t m_vmo_set_name(model_t* m, int h, const char* name) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_SET_PROPERTY)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  memset(m->vmo[o].name, 0, sizeof(m->vmo[o].name));
  strncpy(m->vmo[o].name, name, sizeof(m->vmo[o].name) - 1);
  return VMAR_OK;
}

vmar_status_t m_vmo_get_name(const model_t* m, int h, char* out) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_GET_PROPERTY)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  memcpy(out, m->vmo[o].name, VMAR_MAX_NAME_LEN);
  return VMAR_OK;
}

vmar_status_t m_replace_as_exec(model_t* m, int h, int* new_h) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_NONE, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  m->handle[h].live = false;
  if (m->handle[h].kind != M_KIND_VMO) {
    return VMAR_ERR_WRONG_TYPE;
  }
  *new_h = m_new_handle(m, M_KIND_VMO, o, rights | VMAR_RIGHT_EXECUTE);
  return VMAR_OK;
}

// ---- VMO children, info and content size ----------------------------------

#define CHILD_KINDS                                                            \
  (VMAR_VMO_CHILD_SNAPSHOT | VMAR_VMO_CHILD_SLICE |                            \
   VMAR_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE | VMAR_VMO_CHILD_REFERENCE |      \
   VMAR_VMO_CHILD_SNAPSHOT_MODIFIED)

static int count_bits(uint32_t x) {
  int n = 0;
  for (; x != 0; x &= x - 1) {
    n++;
  }
  return n;
}

// The checks of vmar_vmo_create_child, in the order the header lists them.
// On VMAR_OK: the parent VMO, the child's handle rights and size.
static vmar_status_t child_checks(const model_t* m, int h, uint32_t options,
                                  uint64_t offset, uint64_t size, bool null_out,
                                  int* parent_out, uint32_t* rights_out,
                                  uint64_t* size_out) {
  uint64_t r;
  if (!vmo_size_ok(m, size, &r)) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  const bool no_write = (options & VMAR_VMO_CHILD_NO_WRITE) != 0;
  const bool resizable = (options & VMAR_VMO_CHILD_RESIZABLE) != 0;
  if (no_write && resizable) {
    return VMAR_ERR_INVALID_ARGS;
  }
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  const uint32_t need = VMAR_RIGHT_READ | VMAR_RIGHT_DUPLICATE;
  if ((rights & need) != need) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if ((options & VMAR_VMO_CHILD_REFERENCE) && resizable &&
      !(rights & VMAR_RIGHT_RESIZE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  const m_vmo_t* p = &m->vmo[o];
  if (p->discardable) {
    return VMAR_ERR_NOT_SUPPORTED;
  }
  const uint32_t kind = options & CHILD_KINDS;
  const uint32_t known =
      CHILD_KINDS | VMAR_VMO_CHILD_RESIZABLE | VMAR_VMO_CHILD_NO_WRITE;
  if (count_bits(kind) != 1 || (options & ~known) != 0 ||
      (kind == VMAR_VMO_CHILD_SLICE && resizable)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const uint64_t psize = m_vmo_size(m, o);
  if (kind == VMAR_VMO_CHILD_SLICE) {
    if (!aligned(offset, m->page) || offset + r < offset ||
        offset + r > psize) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (p->resizable) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
  } else if (kind == VMAR_VMO_CHILD_REFERENCE) {
    if (offset != 0 || size != 0) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (p->kind == M_VMO_SLICE || (resizable && !p->resizable)) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
  } else {
    if (!aligned(offset, m->page)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (offset + r < offset) {
      return VMAR_ERR_OUT_OF_RANGE;
    }
    // The window seen from the store the parent is a window onto.
    const uint64_t at = p->base + offset;
    if (at < p->base || at + r < at) {
      return VMAR_ERR_INVALID_ARGS;
    }
  }
  if (null_out) {
    return VMAR_ERR_INVALID_ARGS;
  }
  // The parent handle's rights without RESIZE, plus the property rights;
  // NO_WRITE removes WRITE, else a snapshot trades EXECUTE for WRITE (as
  // zx_vmo_create_child); RESIZABLE adds RESIZE.
  uint32_t cr = (rights & ~VMAR_RIGHT_RESIZE) | VMAR_RIGHT_GET_PROPERTY |
                VMAR_RIGHT_SET_PROPERTY;
  if (no_write) {
    cr &= ~VMAR_RIGHT_WRITE;
  } else if (kind != VMAR_VMO_CHILD_SLICE && kind != VMAR_VMO_CHILD_REFERENCE) {
    cr = (cr & ~VMAR_RIGHT_EXECUTE) | VMAR_RIGHT_WRITE;
  }
  if (resizable) {
    cr |= VMAR_RIGHT_RESIZE;
  }
  *parent_out = o;
  *rights_out = cr;
  *size_out = kind == VMAR_VMO_CHILD_REFERENCE ? psize : r;
  return VMAR_OK;
}

vmar_status_t m_vmo_child_check(const model_t* m, int h, uint32_t options,
                                uint64_t offset, uint64_t size, bool null_out,
                                uint64_t* size_out) {
  int o;
  uint32_t rights;
  return child_checks(m, h, options, offset, size, null_out, &o, &rights,
                      size_out);
}

vmar_status_t m_vmo_create_child(model_t* m, int h, uint32_t options,
                                 uint64_t offset, uint64_t size, bool null_out,
                                 uint64_t lib_koid, int* new_h) {
  int o;
  uint32_t rights;
  uint64_t r;
  vmar_status_t st =
      child_checks(m, h, options, offset, size, null_out, &o, &rights, &r);
  if (st != VMAR_OK) {
    return st;
  }
  const uint32_t kind = options & CHILD_KINDS;
  const bool resizable = (options & VMAR_VMO_CHILD_RESIZABLE) != 0;
  m_vmo_t* c;
  if (kind == VMAR_VMO_CHILD_SLICE || kind == VMAR_VMO_CHILD_REFERENCE) {
    const m_vmo_t* p = &m->vmo[o];
    const bool slice = kind == VMAR_VMO_CHILD_SLICE;
    c = new_vmo(m, slice ? M_VMO_SLICE : M_VMO_REFERENCE, p->store, lib_koid);
    c->base = p->base + (slice ? offset : 0);
    c->window = r;
    c->content = size;
    c->resizable = p->resizable; // a slice's parent is not resizable
  } else {
    if (r > (uint64_t)M_MAX_VMO_PAGES * m->page) {
      abort(); // the harness never asks for this
    }
    // A copy of the window as it is now; past the parent's end, zeros.
    const int s = new_store(m, r, size);
    m->store[s].snapshot_copy = true;
    const uint64_t psize = m_vmo_size(m, o);
    if (offset < psize) {
      const uint64_t len = psize - offset < r ? psize - offset : r;
      memcpy(m->store[s].bytes, m_vmo_bytes(m, o) + offset, len);
    }
    c = new_vmo(m, M_VMO_SNAPSHOT, s, lib_koid);
    c->resizable = resizable;
    c->immutable = (options & VMAR_VMO_CHILD_SNAPSHOT) &&
                   (options & VMAR_VMO_CHILD_NO_WRITE);
  }
  c->parent = o;
  // The name comes along when the parent's handle may read it (as
  // zx_vmo_create_child, which copies it under GET_PROPERTY).
  if (m->handle[h].rights & VMAR_RIGHT_GET_PROPERTY) {
    memcpy(c->name, m->vmo[o].name, sizeof(c->name));
  }
  *new_h = m_new_handle(m, M_KIND_VMO, (int)(c - m->vmo), rights);
  return VMAR_OK;
}

vmar_status_t m_vmo_get_info(const model_t* m, int h, bool null_info,
                             vmar_vmo_info_t* out) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_VMO, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_INSPECT)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (null_info) {
    return VMAR_ERR_INVALID_ARGS;
  }
  const m_vmo_t* vo = &m->vmo[o];
  memset(out, 0, sizeof(*out));
  out->koid = vo->koid;
  memcpy(out->name, vo->name, sizeof(out->name));
  out->size_bytes = m_vmo_size(m, o);
  out->parent_koid = vo->parent >= 0 ? m->vmo[vo->parent].koid : 0;
  for (int c = 0; c < m->nvmo; c++) {
    if (m->vmo[c].alive && m->vmo[c].parent == o) {
      out->num_children++;
    }
  }
  for (int i = 0; i < m->nmap; i++) {
    if (m->map[i].used && m->map[i].vmo == o) {
      out->num_mappings++;
    }
  }
  out->share_count = 1;
  out->flags = VMAR_INFO_VMO_TYPE_PAGED | VMAR_INFO_VMO_VIA_HANDLE;
  if (vo->resizable) {
    out->flags |= VMAR_INFO_VMO_RESIZABLE;
  }
  if (vo->discardable) {
    out->flags |= VMAR_INFO_VMO_DISCARDABLE;
  }
  if (vo->kind == M_VMO_SNAPSHOT) {
    out->flags |= VMAR_INFO_VMO_IS_COW_CLONE;
  }
  if (vo->immutable) {
    out->flags |= VMAR_INFO_VMO_IMMUTABLE;
  }
  out->handle_rights = rights;
  return VMAR_OK;
}

vmar_status_t m_vmo_get_content_size(const model_t* m, int h, bool null_size,
                                     uint64_t* out) {
  if (null_size) {
    return VMAR_ERR_INVALID_ARGS;
  }
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_NONE, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_GET_PROPERTY)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (m->handle[h].kind != M_KIND_VMO) {
    return VMAR_ERR_WRONG_TYPE;
  }
  *out = content_of(m, o);
  return VMAR_OK;
}

vmar_status_t m_vmo_set_content_size(model_t* m, int h, uint64_t size) {
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_NONE, &o, &rights);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(rights & VMAR_RIGHT_SET_PROPERTY) || !(rights & VMAR_RIGHT_WRITE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (m->handle[h].kind != M_KIND_VMO) {
    return VMAR_ERR_WRONG_TYPE;
  }
  const uint64_t content = content_of(m, o);
  if (size == content) {
    return VMAR_OK;
  }
  const uint64_t vsize = m_vmo_size(m, o);
  if (size > vsize) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  // Zeroes from the lower of the old and new value to the VMO's end.
  const uint64_t from = size < content ? size : content;
  zero_vmo(m, o, from, vsize - from);
  set_content(m, o, size);
  return VMAR_OK;
}

void m_reap(model_t* m) {
  // Index order is creation order: a parent comes before its children, so
  // one pass re-homes each orphan to a parent that is still alive.
  for (int o = 0; o < m->nvmo; o++) {
    m_vmo_t* vo = &m->vmo[o];
    if (!vo->alive) {
      continue;
    }
    bool held = false;
    for (int i = 0; i < m->nhandle && !held; i++) {
      held = m->handle[i].live && m->handle[i].kind == M_KIND_VMO &&
             m->handle[i].obj == o;
    }
    for (int i = 0; i < m->nmap && !held; i++) {
      held = m->map[i].used && m->map[i].vmo == o;
    }
    if (held) {
      continue;
    }
    vo->alive = false;
    for (int c = o + 1; c < m->nvmo; c++) {
      if (m->vmo[c].alive && m->vmo[c].parent == o) {
        m->vmo[c].parent = vo->parent;
      }
    }
  }
}

// ---- Handle calls ----------------------------------------------------------

vmar_status_t m_close(model_t* m, int h) {
  if (h == -1) {
    return VMAR_OK;
  }
  int o;
  uint32_t rights;
  vmar_status_t st = hget(m, h, M_KIND_NONE, &o, &rights);
  if (st == VMAR_OK) {
    m->handle[h].live = false;
  }
  return st;
}

vmar_status_t m_duplicate(model_t* m, int h, uint32_t rights, int* new_h) {
  int o;
  uint32_t have;
  vmar_status_t st = hget(m, h, M_KIND_NONE, &o, &have);
  if (st != VMAR_OK) {
    return st;
  }
  if (!(have & VMAR_RIGHT_DUPLICATE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  if (rights != VMAR_RIGHT_SAME_RIGHTS && (rights & ~have)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  *new_h = m_new_handle(m, m->handle[h].kind, o,
                        rights == VMAR_RIGHT_SAME_RIGHTS ? have : rights);
  return VMAR_OK;
}

vmar_status_t m_replace(model_t* m, int h, uint32_t rights, int* new_h) {
  int o;
  uint32_t have;
  vmar_status_t st = hget(m, h, M_KIND_NONE, &o, &have);
  if (st != VMAR_OK) {
    return st;
  }
  m->handle[h].live = false;
  if (rights != VMAR_RIGHT_SAME_RIGHTS && (rights & ~have)) {
    return VMAR_ERR_INVALID_ARGS;
  }
  *new_h = m_new_handle(m, m->handle[h].kind, o,
                        rights == VMAR_RIGHT_SAME_RIGHTS ? have : rights);
  return VMAR_OK;
}

vmar_status_t m_get_rights(const model_t* m, int h, uint32_t* rights) {
  int o;
  return hget(m, h, M_KIND_NONE, &o, rights);
}

// ---- Managers and mappers --------------------------------------------------

int m_vmar_of_mgr(const model_t* m, int mg) {
  return mg < 0 ? 0 : m->mgr[mg].vmar;
}

uint32_t m_mgr_rights(const model_t* m, int mg) {
  return mg < 0 ? m->handle[0].rights : (uint32_t)m->mgr[mg].handle_rights;
}

vmar_status_t m_mgr_create(model_t* m, size_t size, int parent_mg,
                           uint32_t opts, vmar_status_t lib_st,
                           uintptr_t lib_addr, int* new_mg) {
  int nv = -1;
  vmar_status_t st =
      alloc_core(m, m_vmar_of_mgr(m, parent_mg), m_mgr_rights(m, parent_mg),
                 opts, 0, size, lib_st, lib_addr, &nv);
  if (st != VMAR_OK || nv < 0) {
    return st;
  }
  m_mgr_t* g = &m->mgr[m->nmgr];
  memset(g, 0, sizeof(*g));
  g->used = true;
  g->vmar = nv;
  g->handle_rights =
      (int)(VMAR_DEFAULT_VMAR_RIGHTS | perms_to_rights(can_to_perms(opts)));
  g->parent = parent_mg;
  g->refs = 1;
  g->owned = true;
  if (parent_mg >= 0) {
    m->mgr[parent_mg].refs++;
  }
  *new_mg = m->nmgr++;
  return VMAR_OK;
}

vmar_status_t m_mgr_use(model_t* m, int h, int* new_mg, bool* is_root) {
  if (h == -1) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_info_t info;
  vmar_status_t st = m_get_info(m, h, &info);
  if (st != VMAR_OK) {
    return st;
  }
  if (m->handle[h].obj == 0) {
    *is_root = true;
    return VMAR_OK;
  }
  if (!(m->handle[h].rights & VMAR_RIGHT_DUPLICATE)) {
    return VMAR_ERR_ACCESS_DENIED;
  }
  *is_root = false;
  m_mgr_t* g = &m->mgr[m->nmgr];
  memset(g, 0, sizeof(*g));
  g->used = true;
  g->vmar = m->handle[h].obj;
  g->handle_rights = (int)m->handle[h].rights;
  g->parent = -1;
  g->refs = 1;
  g->owned = false;
  *new_mg = m->nmgr++;
  return VMAR_OK;
}

void m_mgr_release(model_t* m, int mg) {
  while (mg >= 0) {
    m_mgr_t* g = &m->mgr[mg];
    if (--g->refs > 0) {
      return;
    }
    g->used = false;
    if (g->owned && m->vmar[g->vmar].alive) {
      destroy_vmar(m, g->vmar);
    }
    mg = g->parent;
  }
}

vmar_status_t m_mapper_create_and_map(model_t* m, int mp, uint64_t size,
                                      uint32_t flags, int mg, bool want_vmo,
                                      uint32_t vmo_rights, uint32_t vmo_opts,
                                      vmar_status_t lib_st, uintptr_t lib_addr,
                                      uint64_t lib_koid, int* new_h) {
  if (size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (m->mapper[mp].mapped) {
    return VMAR_ERR_BAD_STATE;
  }
  int vh = -1;
  vmar_status_t st = m_vmo_create(m, size, vmo_opts, lib_koid, &vh);
  if (st != VMAR_OK) {
    return st;
  }
  const int o = m->handle[vh].obj;
  const uint32_t orights = m->handle[vh].rights;
  const int v = m_vmar_of_mgr(m, mg);
  uintptr_t addr = 0;
  st = map_core(m, v, m_mgr_rights(m, mg), flags, 0, o, orights, 0,
                (size_t)size, lib_st, lib_addr, &addr);
  if (st != VMAR_OK) {
    m->handle[vh].live = false;
    return st;
  }
  if (want_vmo && vmo_rights != VMAR_RIGHT_SAME_RIGHTS) {
    int nh = -1;
    st = m_replace(m, vh, vmo_rights, &nh);
    if (st != VMAR_OK) {
      (void)unmap_core(m, v, m_mgr_rights(m, mg), addr, (size_t)size);
      return st;
    }
    vh = nh;
  }
  if (lib_st != VMAR_OK) {
    return VMAR_OK;
  }
  if (want_vmo) {
    *new_h = vh;
  } else {
    m->handle[vh].live = false;
  }
  if (mg >= 0) {
    m->mgr[mg].refs++;
  }
  m->mapper[mp] = (m_mapper_t){true, mg, addr, size};
  return VMAR_OK;
}

vmar_status_t m_mapper_map(model_t* m, int mp, int vh, uint64_t offset,
                           uint64_t size, uint32_t flags, int mg,
                           vmar_status_t lib_st, uintptr_t lib_addr) {
  if (vh == -1) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (m->mapper[mp].mapped) {
    return VMAR_ERR_BAD_STATE;
  }
  uint64_t vsize;
  vmar_status_t st = m_vmo_get_size(m, vh, &vsize);
  if (st != VMAR_OK) {
    return st;
  }
  if (offset + size < offset || offset + size > vsize) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (size == 0) {
    size = vsize - offset; // to the end
  }
  const int v = m_vmar_of_mgr(m, mg);
  uintptr_t addr = 0;
  st = map_core(m, v, m_mgr_rights(m, mg), flags, 0, m->handle[vh].obj,
                m->handle[vh].rights, offset, (size_t)size, lib_st, lib_addr,
                &addr);
  if (st != VMAR_OK || lib_st != VMAR_OK) {
    return st;
  }
  if (mg >= 0) {
    m->mgr[mg].refs++;
  }
  m->mapper[mp] = (m_mapper_t){true, mg, addr, size};
  return VMAR_OK;
}

void m_mapper_unmap(model_t* m, int mp) {
  m_mapper_t* p = &m->mapper[mp];
  if (!p->mapped) {
    return;
  }
  (void)unmap_core(m, m_vmar_of_mgr(m, p->mgr), m_mgr_rights(m, p->mgr),
                   p->start, (size_t)p->size);
  m_mgr_release(m, p->mgr);
  *p = (m_mapper_t){false, -1, 0, 0};
}

// ---- Queries ---------------------------------------------------------------

int m_map_at(const model_t* m, uintptr_t addr, size_t* page_out) {
  for (int i = 0; i < m->nmap; i++) {
    const m_map_t* mp = &m->map[i];
    if (mp->used && addr >= mp->base && addr < mend(m, mp)) {
      *page_out = (addr - mp->base) / m->page;
      return i;
    }
  }
  return -1;
}

bool m_reserved_at(const model_t* m, uintptr_t addr) {
  for (int i = 1; i < m->nvmar; i++) {
    const m_vmar_t* v = &m->vmar[i];
    if (v->used && v->alive && addr >= v->base && addr < vend(v)) {
      return true;
    }
  }
  return false;
}

bool m_map_host_backed(const model_t* m, int i) {
  const m_map_t* mp = &m->map[i];
  const uint64_t len = (uint64_t)mp->pages * m->page;
  const uint64_t base = m->vmo[mp->vmo].base; // in the store's file
  return mp->vmo_off <= (uint64_t)INT64_MAX - base &&
         base + mp->vmo_off <= (uint64_t)INT64_MAX - len;
}

bool m_page_host_backed(const model_t* m, int i, size_t p) {
  const m_map_t* mp = &m->map[i];
  if (!m_map_host_backed(m, i)) {
    return false;
  }
  const m_vmo_t* vo = &m->vmo[mp->vmo];
  return vo->kind != M_VMO_SLICE ||
         mp->vmo_off + (uint64_t)p * m->page < vo->window;
}

bool m_page_backed(const model_t* m, int i, size_t p) {
  const m_map_t* mp = &m->map[i];
  if (!m_map_host_backed(m, i)) {
    return false;
  }
  uint64_t off = mp->vmo_off + (uint64_t)p * m->page;
  return off + m->page <= m_vmo_size(m, mp->vmo);
}

uint64_t m_vmo_size(const model_t* m, int o) {
  const m_vmo_t* vo = &m->vmo[o];
  return vo->kind == M_VMO_SLICE ? vo->window : m->store[vo->store].size;
}

uint8_t* m_vmo_bytes(const model_t* m, int o) {
  const m_vmo_t* vo = &m->vmo[o];
  return m->store[vo->store].bytes + vo->base;
}
