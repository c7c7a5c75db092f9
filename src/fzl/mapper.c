// SPDX-License-Identifier: MIT
// VMO mappers (fzl's VmoMapper, OwnedVmoMapper and ResizeableVmoMapper),
// built only on the public VMO, region, handle and manager calls, so they are
// the same on every backend.

#include "base/util.h"

// Placement and alignment bits of a map call: cleared when the resizeable
// mapper extends its mapping in place, which places it itself.
#define PLACEMENT_BITS                                                         \
  (VMAR_VM_SPECIFIC | VMAR_VM_SPECIFIC_OVERWRITE |                             \
   VMAR_VM_OFFSET_IS_UPPER_LIMIT | VMAR_VM_ALIGN_MASK)

static bool is_mapped(const vmar_mapper_t* m) { return m->start_ != 0; }

// Rounds a mapping length the way vmar_map does; mapper sizes were accepted
// by vmar_map already, so this cannot overflow for a mapped mapper.
static uint64_t page_round_up(uint64_t x) {
  uint64_t r = x;
  (void)vmar__round_up(x, vmar_page_size(), &r);
  return r;
}

// ---------------------------------------------------------------------------
// Plain mapper

vmar_status_t vmar_mapper_create_and_map(vmar_mapper_t* m, uint64_t size,
                                         vmar_vm_option_t map_flags,
                                         vmar_manager_t* manager,
                                         vmar_handle_t* vmo_out,
                                         vmar_rights_t vmo_rights,
                                         uint32_t vmo_options) {
  // As fzl: a zero size is refused before the already-mapped check.
  if (m == NULL || size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (is_mapped(m)) {
    return VMAR_ERR_BAD_STATE;
  }
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  vmar_status_t st = vmar_vmo_create(size, vmo_options, &vmo);
  if (st != VMAR_OK) {
    return st;
  }
  if (size > SIZE_MAX) {
    // Only on 32-bit hosts: a VMO this big cannot be mapped whole.
    (void)vmar_handle_close(vmo);
    return VMAR_ERR_OUT_OF_RANGE;
  }
  vmar_handle_t vmar = vmar_manager_vmar(manager);
  vmar_vaddr_t addr = 0;
  // The unrounded size, as fzl: the kernel rounds the length up.
  st = vmar_map(vmar, map_flags, 0, vmo, 0, (size_t)size, &addr);
  if (st != VMAR_OK) {
    (void)vmar_handle_close(vmo);
    return st;
  }
  if (vmo_out != NULL) {
    if (vmo_rights != VMAR_RIGHT_SAME_RIGHTS) {
      vmar_handle_t reduced = VMAR_HANDLE_INVALID;
      st = vmar_handle_replace(vmo, vmo_rights, &reduced);
      if (st != VMAR_OK) {
        // Replace consumes the handle on every error but BAD_HANDLE.
        if (st == VMAR_ERR_BAD_HANDLE) {
          (void)vmar_handle_close(vmo);
        }
        (void)vmar_unmap(vmar, addr, (size_t)size);
        return st;
      }
      vmo = reduced;
    }
    *vmo_out = vmo;
  } else {
    // The mapping keeps the VMO alive.
    (void)vmar_handle_close(vmo);
  }
  m->manager_ = vmar_manager_retain(manager);
  m->start_ = addr;
  m->size_ = size;
  return VMAR_OK;
}

vmar_status_t vmar_mapper_map(vmar_mapper_t* m, vmar_handle_t vmo,
                              uint64_t offset, uint64_t size,
                              vmar_vm_option_t map_flags,
                              vmar_manager_t* manager) {
  if (m == NULL || vmo == VMAR_HANDLE_INVALID) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (is_mapped(m)) {
    return VMAR_ERR_BAD_STATE;
  }
  uint64_t vmo_size = 0;
  vmar_status_t st = vmar_vmo_get_size(vmo, &vmo_size);
  if (st != VMAR_OK) {
    return st;
  }
  uint64_t end = offset + size;
  if (end < offset || end > vmo_size) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  if (size == 0) {
    // To the end; offset == vmo_size leaves 0 and vmar_map refuses it.
    size = vmo_size - offset;
  }
  if (size > SIZE_MAX) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  vmar_vaddr_t addr = 0;
  st = vmar_map(vmar_manager_vmar(manager), map_flags, 0, vmo, offset,
                (size_t)size, &addr);
  if (st != VMAR_OK) {
    return st;
  }
  m->manager_ = vmar_manager_retain(manager);
  m->start_ = addr;
  m->size_ = size;
  return VMAR_OK;
}

vmar_status_t vmar_mapper_try_unmap(vmar_mapper_t* m) {
  if (m == NULL || !is_mapped(m)) {
    return VMAR_OK;
  }
  // Unmap before dropping the reference: the last release destroys the VMAR.
  vmar_status_t st =
      vmar_unmap(vmar_manager_vmar(m->manager_), m->start_, (size_t)m->size_);
  if (st == VMAR_ERR_NO_RESOURCES || st == VMAR_ERR_NO_MEMORY) {
    return st; // the host refused: the mapper keeps it, to try again
  }
  // Done, or the VMAR was destroyed and took the mapping with it
  // (BAD_STATE), or the range was changed behind the mapper's back so that
  // no retry can help: the mapper forgets it either way.
  vmar_manager_release(m->manager_);
  m->manager_ = NULL;
  m->start_ = 0;
  m->size_ = 0;
  return st == VMAR_ERR_BAD_STATE ? VMAR_OK : st;
}

void vmar_mapper_unmap(vmar_mapper_t* m) { (void)vmar_mapper_try_unmap(m); }

void vmar_mapper_move(vmar_mapper_t* dst, vmar_mapper_t* src) {
  if (dst == NULL || src == NULL || dst == src) {
    return;
  }
  vmar_mapper_unmap(dst);
  *dst = *src;
  src->manager_ = NULL;
  src->start_ = 0;
  src->size_ = 0;
}

void* vmar_mapper_start(const vmar_mapper_t* m) {
  return m != NULL ? (void*)m->start_ : NULL;
}

uint64_t vmar_mapper_size(const vmar_mapper_t* m) {
  return m != NULL ? m->size_ : 0;
}

vmar_manager_t* vmar_mapper_manager(const vmar_mapper_t* m) {
  return m != NULL ? m->manager_ : NULL;
}

// ---------------------------------------------------------------------------
// Owned mapper

vmar_status_t vmar_owned_mapper_create_and_map(vmar_owned_mapper_t* m,
                                               uint64_t size, const char* name,
                                               vmar_vm_option_t map_flags,
                                               vmar_manager_t* manager,
                                               uint32_t vmo_options) {
  if (m == NULL || size == 0) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (m->vmo_ != VMAR_HANDLE_INVALID) {
    return VMAR_ERR_BAD_STATE;
  }
  vmar_handle_t vmo = VMAR_HANDLE_INVALID;
  vmar_status_t st =
      vmar_mapper_create_and_map(&m->mapper_, size, map_flags, manager, &vmo,
                                 VMAR_RIGHT_SAME_RIGHTS, vmo_options);
  if (st != VMAR_OK) {
    return st;
  }
  // As fzl, a failure to name the VMO is not a failure of the call.
  (void)vmar_vmo_set_name(vmo, name != NULL ? name : "");
  m->vmo_ = vmo;
  return VMAR_OK;
}

vmar_status_t vmar_owned_mapper_map(vmar_owned_mapper_t* m, vmar_handle_t vmo,
                                    uint64_t size, vmar_vm_option_t map_flags,
                                    vmar_manager_t* manager) {
  if (m == NULL || vmo == VMAR_HANDLE_INVALID) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (m->vmo_ != VMAR_HANDLE_INVALID) {
    return VMAR_ERR_BAD_STATE;
  }
  vmar_status_t st =
      vmar_mapper_map(&m->mapper_, vmo, 0, size, map_flags, manager);
  if (st != VMAR_OK) {
    // Unlike fzl (which takes the VMO by value), the caller keeps it.
    return st;
  }
  m->vmo_ = vmo;
  return VMAR_OK;
}

void vmar_owned_mapper_reset(vmar_owned_mapper_t* m) {
  if (m == NULL) {
    return;
  }
  // fzl's order: the VMO handle first, then the mapping.
  if (m->vmo_ != VMAR_HANDLE_INVALID) {
    (void)vmar_handle_close(m->vmo_);
    m->vmo_ = VMAR_HANDLE_INVALID;
  }
  vmar_mapper_unmap(&m->mapper_);
}

vmar_handle_t vmar_owned_mapper_release(vmar_owned_mapper_t* m) {
  if (m == NULL) {
    return VMAR_HANDLE_INVALID;
  }
  vmar_mapper_unmap(&m->mapper_);
  vmar_handle_t vmo = m->vmo_;
  m->vmo_ = VMAR_HANDLE_INVALID;
  return vmo;
}

vmar_handle_t vmar_owned_mapper_vmo(const vmar_owned_mapper_t* m) {
  return m != NULL ? m->vmo_ : VMAR_HANDLE_INVALID;
}

void vmar_owned_mapper_move(vmar_owned_mapper_t* dst,
                            vmar_owned_mapper_t* src) {
  if (dst == NULL || src == NULL || dst == src) {
    return;
  }
  vmar_owned_mapper_reset(dst);
  vmar_mapper_move(&dst->mapper_, &src->mapper_);
  dst->vmo_ = src->vmo_;
  src->vmo_ = VMAR_HANDLE_INVALID;
}

void* vmar_owned_mapper_start(const vmar_owned_mapper_t* m) {
  return m != NULL ? vmar_mapper_start(&m->mapper_) : NULL;
}

uint64_t vmar_owned_mapper_size(const vmar_owned_mapper_t* m) {
  return m != NULL ? vmar_mapper_size(&m->mapper_) : 0;
}

vmar_manager_t* vmar_owned_mapper_manager(const vmar_owned_mapper_t* m) {
  return m != NULL ? vmar_mapper_manager(&m->mapper_) : NULL;
}

// ---------------------------------------------------------------------------
// Resizeable mapper

vmar_status_t vmar_resizeable_mapper_create_and_map(vmar_resizeable_mapper_t* m,
                                                    uint64_t size,
                                                    const char* name,
                                                    vmar_vm_option_t map_flags,
                                                    vmar_manager_t* manager) {
  if (m == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_status_t st = vmar_owned_mapper_create_and_map(
      &m->owned_, size, name, map_flags, manager, VMAR_VMO_RESIZABLE);
  if (st != VMAR_OK) {
    return st;
  }
  m->map_flags_ = map_flags;
  return VMAR_OK;
}

vmar_status_t vmar_resizeable_mapper_map(vmar_resizeable_mapper_t* m,
                                         vmar_handle_t vmo, uint64_t size,
                                         vmar_vm_option_t map_flags,
                                         vmar_manager_t* manager) {
  if (m == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  vmar_status_t st =
      vmar_owned_mapper_map(&m->owned_, vmo, size, map_flags, manager);
  if (st != VMAR_OK) {
    return st;
  }
  m->map_flags_ = map_flags;
  return VMAR_OK;
}

// Base address of the VMAR |manager| stands for (the root for NULL).
static vmar_status_t vmar_base_of(const vmar_manager_t* manager,
                                  vmar_vaddr_t* base) {
  if (manager != NULL) {
    *base = (vmar_vaddr_t)vmar_manager_start(manager);
    return VMAR_OK;
  }
  vmar_info_t info;
  vmar_status_t st = vmar_get_info(vmar_root_self(), &info);
  if (st == VMAR_OK) {
    *base = info.base;
  }
  return st;
}

// Maps VMO pages [old_len, new_len) right after the current mapping, so the
// start address is kept. Fails when the VMAR refuses SPECIFIC placement or
// the pages after the mapping are taken.
static vmar_status_t extend_in_place(vmar_resizeable_mapper_t* m,
                                     uint64_t old_len, uint64_t new_len) {
  vmar_mapper_t* mp = &m->owned_.mapper_;
  vmar_vaddr_t base = 0;
  vmar_status_t st = vmar_base_of(mp->manager_, &base);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_vaddr_t want = mp->start_ + (vmar_vaddr_t)old_len;
  if (want < mp->start_ || want < base || new_len - old_len > SIZE_MAX) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  vmar_vm_option_t flags = (m->map_flags_ & ~PLACEMENT_BITS) | VMAR_VM_SPECIFIC;
  vmar_vaddr_t got = 0;
  st = vmar_map(vmar_manager_vmar(mp->manager_), flags, want - base,
                m->owned_.vmo_, old_len, (size_t)(new_len - old_len), &got);
  if (st == VMAR_OK && got != want) {
    // SPECIFIC never places elsewhere; be safe all the same.
    (void)vmar_unmap(vmar_manager_vmar(mp->manager_), got,
                     (size_t)(new_len - old_len));
    return VMAR_ERR_INTERNAL;
  }
  return st;
}

// The checks grow and shrink start with: a mapper that holds a VMO, and a
// new size on the right side of the current one (never 0 for shrink).
static vmar_status_t check_resize(const vmar_resizeable_mapper_t* m,
                                  uint64_t size, bool grow) {
  if (m == NULL) {
    return VMAR_ERR_INVALID_ARGS;
  }
  if (m->owned_.vmo_ == VMAR_HANDLE_INVALID) {
    return VMAR_ERR_BAD_STATE;
  }
  const uint64_t now = m->owned_.mapper_.size_;
  const bool ok = grow ? size >= now : size != 0 && size <= now;
  return ok ? VMAR_OK : VMAR_ERR_INVALID_ARGS;
}

vmar_status_t vmar_resizeable_mapper_grow(vmar_resizeable_mapper_t* m,
                                          uint64_t size) {
  vmar_status_t st = check_resize(m, size, true);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_handle_t vmo = m->owned_.vmo_;
  vmar_mapper_t* mp = &m->owned_.mapper_;
  uint64_t new_len = 0;
  if (!vmar__round_up(size, vmar_page_size(), &new_len) || new_len > SIZE_MAX) {
    return VMAR_ERR_OUT_OF_RANGE;
  }
  uint64_t old_vmo_size = 0;
  st = vmar_vmo_get_size(vmo, &old_vmo_size);
  if (st != VMAR_OK) {
    return st;
  }
  st = vmar_vmo_set_size(vmo, new_len);
  if (st != VMAR_OK) {
    return st;
  }
  uint64_t old_len = page_round_up(mp->size_);
  if (new_len == old_len) {
    // The mapping already covers every page.
    mp->size_ = new_len;
    return VMAR_OK;
  }
  if (extend_in_place(m, old_len, new_len) == VMAR_OK) {
    // The old mapping and the extension are adjacent: unmapping
    // [start, start + size) later removes both.
    mp->size_ = new_len;
    return VMAR_OK;
  }
  vmar_handle_t vmar = vmar_manager_vmar(mp->manager_);
  vmar_vaddr_t addr = 0;
  st = vmar_map(vmar, m->map_flags_, 0, vmo, 0, (size_t)new_len, &addr);
  if (st != VMAR_OK) {
    (void)vmar_vmo_set_size(vmo, old_vmo_size);
    return st;
  }
  st = vmar_unmap(vmar, mp->start_, (size_t)old_len);
  if (st != VMAR_OK) {
    // The old mapping stays: drop the new one so nothing is lost track of.
    (void)vmar_unmap(vmar, addr, (size_t)new_len);
    (void)vmar_vmo_set_size(vmo, old_vmo_size);
    return st;
  }
  mp->start_ = addr;
  mp->size_ = new_len;
  return VMAR_OK;
}

vmar_status_t vmar_resizeable_mapper_shrink(vmar_resizeable_mapper_t* m,
                                            uint64_t size) {
  vmar_status_t st = check_resize(m, size, false);
  if (st != VMAR_OK) {
    return st;
  }
  vmar_handle_t vmo = m->owned_.vmo_;
  vmar_mapper_t* mp = &m->owned_.mapper_;
  if (size == mp->size_) {
    return VMAR_OK;
  }
  if (!vmar__is_aligned(size, vmar_page_size())) {
    return VMAR_ERR_INVALID_ARGS;
  }
  uint64_t old_len = page_round_up(mp->size_);
  uint64_t old_vmo_size = 0;
  st = vmar_vmo_get_size(vmo, &old_vmo_size);
  if (st != VMAR_OK) {
    return st;
  }
  // Ask for the VMO's current size first: it is refused (rights) exactly as
  // the real resize would be, and refusing it changes nothing. A VMO that is
  // not resizable keeps its size; its tail pages are decommitted below
  // instead. Then unmap the tail (the step a host may refuse), and only then
  // cut the VMO, whose bytes could not be brought back.
  st = vmar_vmo_set_size(vmo, old_vmo_size);
  const bool resizable = st == VMAR_OK;
  if (st != VMAR_OK && st != VMAR_ERR_UNAVAILABLE) {
    return st;
  }
  vmar_handle_t vmar = vmar_manager_vmar(mp->manager_);
  st = vmar_unmap(vmar, mp->start_ + (vmar_vaddr_t)size,
                  (size_t)(old_len - size));
  if (st != VMAR_OK) {
    return st;
  }
  bool resized = false;
  if (resizable) {
    st = vmar_vmo_set_size(vmo, size);
    if (st != VMAR_OK) {
      // Put the tail back where it was (best effort: it needs SPECIFIC
      // placement, which the root and CAN_MAP_SPECIFIC VMARs allow).
      vmar_vaddr_t base = 0;
      vmar_vaddr_t got = 0;
      if (vmar_base_of(mp->manager_, &base) == VMAR_OK) {
        (void)vmar_map(vmar,
                       (m->map_flags_ & ~PLACEMENT_BITS) | VMAR_VM_SPECIFIC,
                       mp->start_ + (vmar_vaddr_t)size - base, vmo, size,
                       (size_t)(old_len - size), &got);
      }
      return st;
    }
    resized = true;
  }
  if (!resized && size < old_vmo_size) {
    uint64_t end = old_len < old_vmo_size ? old_len : old_vmo_size;
    // Best effort, as fzl: the shrink itself has happened.
    (void)vmar_vmo_op_range(vmo, VMAR_VMO_OP_DECOMMIT, size, end - size);
  }
  mp->size_ = size;
  return VMAR_OK;
}

void vmar_resizeable_mapper_reset(vmar_resizeable_mapper_t* m) {
  if (m == NULL) {
    return;
  }
  vmar_owned_mapper_reset(&m->owned_);
  m->map_flags_ = 0;
}

vmar_handle_t vmar_resizeable_mapper_release(vmar_resizeable_mapper_t* m) {
  if (m == NULL) {
    return VMAR_HANDLE_INVALID;
  }
  m->map_flags_ = 0;
  return vmar_owned_mapper_release(&m->owned_);
}

vmar_handle_t vmar_resizeable_mapper_vmo(const vmar_resizeable_mapper_t* m) {
  return m != NULL ? vmar_owned_mapper_vmo(&m->owned_) : VMAR_HANDLE_INVALID;
}

void vmar_resizeable_mapper_move(vmar_resizeable_mapper_t* dst,
                                 vmar_resizeable_mapper_t* src) {
  if (dst == NULL || src == NULL || dst == src) {
    return;
  }
  vmar_owned_mapper_move(&dst->owned_, &src->owned_);
  dst->map_flags_ = src->map_flags_;
  src->map_flags_ = 0;
}

void* vmar_resizeable_mapper_start(const vmar_resizeable_mapper_t* m) {
  return m != NULL ? vmar_owned_mapper_start(&m->owned_) : NULL;
}

uint64_t vmar_resizeable_mapper_size(const vmar_resizeable_mapper_t* m) {
  return m != NULL ? vmar_owned_mapper_size(&m->owned_) : 0;
}

vmar_manager_t*
vmar_resizeable_mapper_manager(const vmar_resizeable_mapper_t* m) {
  return m != NULL ? vmar_owned_mapper_manager(&m->owned_) : NULL;
}
