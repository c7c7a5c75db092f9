// SPDX-License-Identifier: MIT
// vmar tests: the API suites' per-test fixture and unchanged-state check.

#include "fixture.h"

#include <stdlib.h>

#include "test.h"

int fixture_setup(void** state) {
  const fixture_params_t* p = *state;
  size_t size = p->size > sizeof(fixture_t) ? p->size : sizeof(fixture_t);
  fixture_t* fx = calloc(1, size);
  if (fx == NULL) {
    return -1;
  }
  fx->len = p->pages > 0 ? p->pages * PAGE : round_up(p->bytes, PAGE);
  if (vmar_allocate(vmar_root_self(), p->options, 0, fx->len, &fx->vmar,
                    &fx->base) != VMAR_OK) {
    free(fx);
    return -1;
  }
  if (p->vmo.pages > 0) {
    fx->vmo = vmo_patterned(p->vmo.pages, p->vmo.seed);
  }
  if (p->rvmo_pages > 0) {
    fx->rvmo = vmo_new(p->rvmo_pages * PAGE, VMAR_VMO_RESIZABLE);
  }
  if (p->xvmo) {
    assert_status(VMAR_OK, vmar_vmo_replace_as_executable(
                               dup_without(fx->vmo, 0), &fx->xvmo));
  }
  if (p->dead.pages > 0) {
    fx->dead = alloc_ok(fx->vmar, p->dead.options, p->dead.at * PAGE,
                        p->dead.pages * PAGE, &fx->dead_base);
    if (p->dead.mapped > 0) {
      map_ok(fx->dead, PERM_RW, 0, fx->vmo, 0, p->dead.mapped * PAGE);
    }
    assert_status(VMAR_OK, vmar_destroy(fx->dead));
  }
  *state = fx;
  return 0;
}

int fixture_teardown(void** state) {
  fixture_t* fx = *state;
  const vmar_handle_t kMade[] = {fx->dead, fx->xvmo, fx->rvmo, fx->vmo};
  int failed = close_all(kMade, sizeof(kMade) / sizeof(kMade[0]));
  failed += vmar_destroy(fx->vmar) != VMAR_OK;
  failed += close_all(&fx->vmar, 1);
  free(fx);
  return failed ? -1 : 0;
}

int close_all(const vmar_handle_t* h, size_t n) {
  int failed = 0;
  for (size_t i = 0; i < n; i++) {
    failed += vmar_handle_close(h[i]) != VMAR_OK;
  }
  return failed;
}

vmar_vaddr_t fixture_page(const fixture_t* fx, size_t page) {
  return fx->base + page * PAGE;
}

vmar_vaddr_t fixture_map_at(const fixture_t* fx, vmar_vm_option_t perms,
                            vmar_handle_t vmo, size_t page, size_t pages) {
  vmar_vaddr_t a = map_ok(fx->vmar, perms | VMAR_VM_SPECIFIC, page * PAGE, vmo,
                          page * PAGE, pages * PAGE);
  assert_int_equal(a, fixture_page(fx, page));
  return a;
}

void fixture_map_beside(const fixture_t* fx, vmar_handle_t other,
                        size_t other_pages) {
  fixture_map_at(fx, PERM_RW, fx->vmo, 2, 2);
  fixture_map_at(fx, PERM_R, other, 4, other_pages);
}

vmar_handle_t fixture_sub(const fixture_t* fx, vmar_vm_option_t options,
                          size_t page, size_t pages, vmar_vaddr_t* base) {
  vmar_vaddr_t a = 0;
  vmar_handle_t h = alloc_ok(fx->vmar, options | VMAR_VM_SPECIFIC, page * PAGE,
                             pages * PAGE, &a);
  assert_int_equal(a, fixture_page(fx, page));
  if (base != NULL) {
    *base = a;
  }
  return h;
}

vmar_vaddr_t fixture_map_sub(const fixture_t* fx, vmar_handle_t sub,
                             vmar_vaddr_t base, size_t pages, size_t vmo_page) {
  vmar_vaddr_t a =
      map_ok(sub, PERM_RW, 0, fx->vmo, vmo_page * PAGE, pages * PAGE);
  assert_int_equal(a, base);
  return a;
}

void fixture_assert_empty(const fixture_t* fx) {
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(fx->vmar, NULL, 0, NULL, &avail));
  assert_int_equal(avail, 1);
  assert_true(test_maps_range_reserved(fx->base, fx->len));
  vmar_vaddr_t a = map_ok(fx->vmar, VMAR_VM_SPECIFIC, 0, fx->vmo, 0, fx->len);
  unmap_ok(fx->vmar, a, fx->len);
}

unchanged_t unchanged_take(vmar_handle_t vmar, uintptr_t base, size_t len) {
  unchanged_t u;
  memset(&u, 0, sizeof(u));
  u.vmar = vmar;
  u.base = base;
  u.len = len;
  u.tree = maps_take(vmar, &u.ntree);
  u.maps = maps_snap_take(base, len);
  // Last, so the snapshots' own allocations are already counted.
  u.vmas = test_maps_count();
  return u;
}

unchanged_t fixture_unchanged(const fixture_t* fx) {
  return unchanged_take(fx->vmar, fx->base, fx->len);
}

void unchanged_assert(unchanged_t* before) {
  assert_vma_count(before->vmas);
  maps_snap_t after = maps_snap_take(before->base, before->len);
  maps_snap_assert_equal(&before->maps, &after);
  size_t n = 0;
  vmar_map_info_t* tree = maps_take(before->vmar, &n);
  maps_assert_equal(before->tree, before->ntree, tree, n);
  free(tree);
  free(after.e);
  free(before->maps.e);
  free(before->tree);
  before->maps.e = NULL;
  before->tree = NULL;
}
