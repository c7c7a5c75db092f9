// SPDX-License-Identifier: MIT
// POSIX backend: where a new child (sub-VMAR or mapping) goes. Inside a
// reservation the placement tree knows every child, so no host call is
// needed; in the root the host chooses, since only it knows what else the
// process has mapped.

#include "backend.h"
#include "internal.h"
#include "sys.h"

static size_t sat_mul(size_t a, size_t b) {
  return (b != 0 && a > SIZE_MAX / b) ? SIZE_MAX : a * b;
}

vmar_status_t vmar__region_place(const vmar__region_t* parent,
                                 vmar_vm_option_t options, size_t offset,
                                 size_t size, size_t align, uintptr_t* out,
                                 vmar__gap_pos_t* pos) {
  const uintptr_t base = parent->node.base;
  *pos = (vmar__gap_pos_t){NULL, NULL};
  if (options & VMAR_VM_SPECIFIC) {
    uintptr_t addr = base + offset;
    if (!vmar__is_aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    if (!vmar__gap_tree_range_free(&parent->children, addr, size)) {
      return VMAR_ERR_ALREADY_EXISTS;
    }
    *out = addr;
    return VMAR_OK;
  }
  const uintptr_t limit =
      (options & VMAR_VM_OFFSET_IS_UPPER_LIMIT) ? base + offset : UINTPTR_MAX;
  return vmar__region_place_anywhere(parent, size, align, limit, out, pos);
}

vmar_status_t vmar__region_place_random(const vmar__region_t* parent,
                                        size_t size, size_t align,
                                        uintptr_t limit, uintptr_t* out,
                                        vmar__gap_pos_t* pos) {
  const uint32_t bits = vmar__entropy_bits();
  bool found;
  if (bits == 0) {
    found = vmar__gap_tree_first_fit(&parent->children, size, align, limit, out,
                                     pos);
  } else {
    size_t window = bits >= sizeof(size_t) * 8
                        ? SIZE_MAX
                        : sat_mul((size_t)1 << bits, align);
    found = vmar__gap_tree_random_fit(&parent->children, size, align, limit,
                                      window, vmar__random, NULL, out, pos);
  }
  return found ? VMAR_OK : VMAR_ERR_NO_RESOURCES;
}

// Bumped after every insertion into the root's tree: space the root left
// free before may be taken now (removals only free space).
static atomic_uint_fast64_t root_generation;

uint64_t vmar__root_generation(void) {
  return atomic_load_explicit(&root_generation, memory_order_acquire);
}

void vmar__root_grew(void) {
  atomic_fetch_add_explicit(&root_generation, 1, memory_order_release);
}

// Over-reserves by the extra alignment, then trims both ends. On failure
// nothing stays reserved.
static vmar_status_t reserve_aligned(size_t size, size_t align,
                                     uintptr_t* out) {
  const size_t extra = align - vmar__page_size();
  if (size > SIZE_MAX - extra) {
    return VMAR_ERR_NO_RESOURCES;
  }
  uintptr_t p = 0;
  int err = vmar__sys_reserve_anywhere(size + extra, &p);
  if (err != 0) {
    return vmar__status_from_errno(err);
  }
  uint64_t addr = p;
  (void)vmar__round_up(p, align, &addr); // below p + extra: cannot overflow
  if (addr > p) {
    err = vmar__sys_release(p, (uintptr_t)addr - p);
  }
  if (err == 0 && p + extra > addr) {
    err = vmar__sys_release((uintptr_t)addr + size, p + extra - addr);
  }
  if (err != 0) {
    // A trim failed: give the whole over-reservation back (what is already
    // gone is skipped by the host) rather than keep a stray piece.
    (void)vmar__sys_release(p, size + extra);
    return vmar__status_from_errno(err);
  }
  *out = (uintptr_t)addr;
  return VMAR_OK;
}

vmar_status_t vmar__root_reserve(const vmar__region_t* root,
                                 vmar_vm_option_t options, size_t offset,
                                 size_t size, size_t align, uintptr_t* out) {
  const uintptr_t base = root->node.base;
  const uintptr_t end = base + root->node.size;
  if (options & VMAR_VM_SPECIFIC) {
    uintptr_t addr = base + offset;
    if (!vmar__is_aligned(addr, align)) {
      return VMAR_ERR_INVALID_ARGS;
    }
    int err = vmar__sys_reserve_at(addr, size);
    if (err != 0) {
      return vmar__status_from_errno(err);
    }
    *out = addr;
    return VMAR_OK;
  }
  uintptr_t addr = 0;
  vmar_status_t st = reserve_aligned(size, align, &addr);
  if (st != VMAR_OK) {
    return st;
  }
  const uintptr_t limit =
      (options & VMAR_VM_OFFSET_IS_UPPER_LIMIT) ? base + offset : end;
  if (addr < base || addr + size > limit || addr + size > end) {
    // The host's choice breaks the upper limit: try the highest aligned spot
    // under it before giving up (the host's placement cannot be steered
    // further without scanning foreign mappings).
    vmar__sys_release(addr, size);
    uintptr_t top = (limit - size) & ~(uintptr_t)(align - 1);
    if (top < base || vmar__sys_reserve_at(top, size) != 0) {
      return VMAR_ERR_NO_RESOURCES;
    }
    addr = top;
  }
  *out = addr;
  return VMAR_OK;
}
