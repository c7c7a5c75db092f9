// SPDX-License-Identifier: MIT
// vmar_get_maps and vmar_dump: the depth-first description of a VMAR tree.
// APIs covered: vmar_get_maps, vmar_dump (with vmar_map, vmar_allocate,
//   vmar_protect, vmar_unmap, vmar_vmo_set_name as helpers).

#include "test.h"

#include <inttypes.h>
#include <stdlib.h>

#include "bad_input.h"
#include "fixture.h"

#define SENTINEL_COUNT ((size_t)0x5A5A5A5Au)

#define FIX_PAGES 64

// The tree every test starts from (offsets in pages from the fixture base):
//   [0, 2)    M1: VMO "alpha" from offset 0, RW
//   [4, 12)   S: sub-VMAR (CAN_MAP_READ|WRITE|SPECIFIC)
//     [6, 8)    M2: VMO "beta" from offset 1 page, R
//     [9, 11)   T: empty sub-VMAR
//   [16, 17)  M3: VMO "gamma" from offset 0, no permissions
// in a top-level VMAR of FIX_PAGES pages (CAN_MAP_READ|WRITE|SPECIFIC).
typedef struct tree_fixture {
  fixture_t top;
  vmar_handle_t alpha, beta, gamma;
  vmar_handle_t s, t;
  vmar_vaddr_t m1, m2, m3, s_base, t_base;
} tree_fixture_t;

static const fixture_params_t kFixture = {
    .pages = FIX_PAGES,
    .options = CAN_RW | CAN_SPEC,
    .size = sizeof(tree_fixture_t),
};

#define N_TREE 6

// ---------------------------------------------------------------------------
// Helpers

static vmar_handle_t vmo_named(size_t pages, const char* name) {
  vmar_handle_t h = vmo_new(pages * PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_set_name(h, name));
  return h;
}

static void assert_vmar_entry(const vmar_map_info_t* e, vmar_vaddr_t base,
                              size_t size, size_t depth) {
  assert_int_equal(e->type, VMAR_MAP_INFO_TYPE_VMAR);
  assert_string_equal(e->name, "");
  assert_int_equal(e->base, base);
  assert_int_equal(e->size, size);
  assert_int_equal(e->depth, depth);
}

static void assert_mapping_entry(const vmar_map_info_t* e, const char* name,
                                 vmar_vaddr_t base, size_t size, size_t depth,
                                 uint32_t flags, vmar_handle_t vmo,
                                 uint64_t vmo_offset) {
  assert_mapping(e, base, size, koid_of(vmo), vmo_offset);
  assert_string_equal(e->name, name);
  assert_int_equal(e->depth, depth);
  assert_int_equal(e->mmu_flags, flags);
}

// The six entries of the fixture's tree, queried through its handle.
static void assert_tree(const tree_fixture_t* fx, const vmar_map_info_t* e) {
  assert_vmar_entry(&e[0], fx->top.base, fx->top.len, 0);
  assert_mapping_entry(&e[1], "alpha", fx->m1, 2 * PAGE, 1, PERM_RW, fx->alpha,
                       0);
  assert_vmar_entry(&e[2], fx->s_base, 8 * PAGE, 1);
  assert_mapping_entry(&e[3], "beta", fx->m2, 2 * PAGE, 2, PERM_R, fx->beta,
                       PAGE);
  assert_vmar_entry(&e[4], fx->t_base, 2 * PAGE, 2);
  assert_mapping_entry(&e[5], "gamma", fx->m3, PAGE, 1, 0, fx->gamma, 0);
}

// Field-wise equality of two entries (padding and unused fields ignored).
static void assert_entry_equal(const vmar_map_info_t* a,
                               const vmar_map_info_t* b) {
  assert_string_equal(a->name, b->name);
  assert_int_equal(a->base, b->base);
  assert_int_equal(a->size, b->size);
  assert_int_equal(a->depth, b->depth);
  assert_int_equal(a->type, b->type);
  if (a->type == VMAR_MAP_INFO_TYPE_MAPPING) {
    assert_int_equal(a->mmu_flags, b->mmu_flags);
    assert_int_equal(a->vmo_id, b->vmo_id);
    assert_int_equal(a->vmo_offset, b->vmo_offset);
  }
}

static size_t count_lines(const char* text) {
  size_t lines = 0;
  const char* p = text;
  while (*p != '\0') {
    const char* nl = strchr(p, '\n');
    size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
    if (len > 0) {
      lines++;
    }
    if (nl == NULL) {
      break;
    }
    p = nl + 1;
  }
  return lines;
}

// True iff |text| contains |addr| in hex (any case, any zero padding).
static bool has_hex(const char* text, uintptr_t addr) {
  char hex[32];
  snprintf(hex, sizeof(hex), "%" PRIxPTR, addr);
  return strcasestr(text, hex) != NULL;
}

// The whole dump of |vmar| (malloc'ed).
static char* dump_all(vmar_handle_t vmar, size_t* needed_out) {
  size_t needed = 0;
  assert_status(VMAR_OK, vmar_dump(vmar, NULL, 0, &needed));
  assert_true(needed >= 1);
  char* buf = malloc(needed + 16);
  assert_non_null(buf);
  memset(buf, 'Z', needed + 16);
  size_t again = 0;
  assert_status(VMAR_OK, vmar_dump(vmar, buf, needed + 16, &again));
  assert_int_equal(again, needed);
  assert_true(strlen(buf) + 1 <= needed);
  *needed_out = needed;
  return buf;
}

// The fixture, then the tree in it.
static int setup(void** state) {
  if (fixture_setup(state) != 0) {
    return -1;
  }
  tree_fixture_t* fx = *state;
  fx->alpha = vmo_named(4, "alpha");
  fx->beta = vmo_named(4, "beta");
  fx->gamma = vmo_named(2, "gamma");
  const vmar_vm_option_t spec = VMAR_VM_SPECIFIC;
  fx->m1 = map_ok(fx->top.vmar, PERM_RW | spec, 0, fx->alpha, 0, 2 * PAGE);
  assert_status(VMAR_OK,
                vmar_allocate(fx->top.vmar, spec | CAN_RW | CAN_SPEC, 4 * PAGE,
                              8 * PAGE, &fx->s, &fx->s_base));
  fx->m2 = map_ok(fx->s, PERM_R | spec, 2 * PAGE, fx->beta, PAGE, 2 * PAGE);
  assert_status(VMAR_OK, vmar_allocate(fx->s, spec | CAN_RW, 5 * PAGE, 2 * PAGE,
                                       &fx->t, &fx->t_base));
  fx->m3 = map_ok(fx->top.vmar, spec, 16 * PAGE, fx->gamma, 0, PAGE);
  return 0;
}

// The tree's handles, then the fixture.
static int teardown(void** state) {
  tree_fixture_t* fx = *state;
  const vmar_handle_t kTree[] = {fx->t, fx->s, fx->alpha, fx->beta, fx->gamma};
  int failed = close_all(kTree, sizeof(kTree) / sizeof(kTree[0]));
  failed += fixture_teardown(state) != 0;
  return failed ? -1 : 0;
}

// ---------------------------------------------------------------------------
// vmar_get_maps

// An empty VMAR is one entry: itself, depth 0, type VMAR, no name.
static void get_maps__empty_vmar_one_entry(void** state) {
  tree_fixture_t* fx = *state;
  vmar_map_info_t e[3];
  memset(e, 0xA5, sizeof(e));
  size_t actual = SENTINEL_COUNT, avail = SENTINEL_COUNT;
  assert_status(VMAR_OK, vmar_get_maps(fx->t, e, 3, &actual, &avail));
  assert_int_equal(actual, 1);
  assert_int_equal(avail, 1);
  assert_vmar_entry(&e[0], fx->t_base, 2 * PAGE, 0);
  unsigned char untouched[sizeof(e[1])];
  memset(untouched, 0xA5, sizeof(untouched));
  assert_memory_equal(&e[1], untouched, sizeof(untouched));
}

// The whole tree, depth-first in address order, every field checked.
static void get_maps__tree_depth_first_in_address_order(void** state) {
  tree_fixture_t* fx = *state;
  vmar_map_info_t e[N_TREE + 2];
  size_t actual = 0, avail = 0;
  assert_status(VMAR_OK,
                vmar_get_maps(fx->top.vmar, e, N_TREE + 2, &actual, &avail));
  assert_int_equal(actual, N_TREE);
  assert_int_equal(avail, N_TREE);
  assert_tree(fx, e);
}

// A short buffer gets the first entries: actual = min(count, avail).
static void get_maps__short_buffer_partial(void** state) {
  tree_fixture_t* fx = *state;
  vmar_map_info_t full[N_TREE];
  size_t actual = 0, avail = 0;
  assert_status(VMAR_OK,
                vmar_get_maps(fx->top.vmar, full, N_TREE, &actual, &avail));
  assert_tree(fx, full);
  for (size_t count = 0; count <= N_TREE + 1; count++) {
    vmar_map_info_t e[N_TREE + 2];
    memset(e, 0xA5, sizeof(e));
    actual = SENTINEL_COUNT;
    avail = SENTINEL_COUNT;
    assert_status(VMAR_OK, vmar_get_maps(fx->top.vmar, count ? e : NULL, count,
                                         &actual, &avail));
    size_t want = count < N_TREE ? count : N_TREE;
    assert_int_equal(actual, want);
    assert_int_equal(avail, N_TREE);
    for (size_t i = 0; i < want; i++) {
      assert_entry_equal(&e[i], &full[i]);
    }
    unsigned char untouched[sizeof(e[0])];
    memset(untouched, 0xA5, sizeof(untouched));
    assert_memory_equal(&e[want], untouched, sizeof(untouched));
  }
  // |actual| and |avail| may be NULL.
  vmar_map_info_t two[2];
  assert_status(VMAR_OK, vmar_get_maps(fx->top.vmar, two, 2, NULL, NULL));
  assert_entry_equal(&two[0], &full[0]);
  assert_entry_equal(&two[1], &full[1]);
  assert_status(VMAR_OK, vmar_get_maps(fx->top.vmar, NULL, 0, NULL, NULL));
  actual = SENTINEL_COUNT;
  assert_status(VMAR_OK, vmar_get_maps(fx->top.vmar, two, 2, &actual, NULL));
  assert_int_equal(actual, 2);
}

// Queried through a sub-VMAR's handle, that sub-VMAR is depth 0.
static void get_maps__sub_vmar_is_depth_zero(void** state) {
  tree_fixture_t* fx = *state;
  size_t n = 0;
  vmar_map_info_t* e = maps_take(fx->s, &n);
  assert_int_equal(n, 3);
  assert_vmar_entry(&e[0], fx->s_base, 8 * PAGE, 0);
  assert_mapping_entry(&e[1], "beta", fx->m2, 2 * PAGE, 1, PERM_R, fx->beta,
                       PAGE);
  assert_vmar_entry(&e[2], fx->t_base, 2 * PAGE, 1);
  free(e);
  // INSPECT is the only right needed.
  vmar_handle_t only = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_handle_duplicate(fx->top.vmar, VMAR_RIGHT_INSPECT, &only));
  e = maps_take(only, &n);
  assert_int_equal(n, N_TREE);
  assert_tree(fx, e);
  free(e);
  close_ok(only);
}

// A partial protect: one entry per permission range; equal ones merge.
static void get_maps__protect_split_and_merge(void** state) {
  tree_fixture_t* fx = *state;
  vmar_vaddr_t a = map_ok(fx->top.vmar, PERM_RW | VMAR_VM_SPECIFIC, 32 * PAGE,
                          fx->alpha, 0, 4 * PAGE);
  assert_status(VMAR_OK,
                vmar_protect(fx->top.vmar, PERM_R, a + PAGE, 2 * PAGE));
  size_t n = 0;
  vmar_map_info_t* e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE + 3);
  assert_tree(fx, e);
  assert_mapping_entry(&e[6], "alpha", a, PAGE, 1, PERM_RW, fx->alpha, 0);
  assert_mapping_entry(&e[7], "alpha", a + PAGE, 2 * PAGE, 1, PERM_R, fx->alpha,
                       PAGE);
  assert_mapping_entry(&e[8], "alpha", a + 3 * PAGE, PAGE, 1, PERM_RW,
                       fx->alpha, 3 * PAGE);
  free(e);
  // A no-access page inside the read-only run: four ranges.
  assert_status(VMAR_OK, vmar_protect(fx->top.vmar, 0, a + 2 * PAGE, PAGE));
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE + 4);
  assert_mapping_entry(&e[7], "alpha", a + PAGE, PAGE, 1, PERM_R, fx->alpha,
                       PAGE);
  assert_mapping_entry(&e[8], "alpha", a + 2 * PAGE, PAGE, 1, 0, fx->alpha,
                       2 * PAGE);
  free(e);
  // Equal permissions again: one entry.
  assert_status(VMAR_OK, vmar_protect(fx->top.vmar, PERM_RW, a, 4 * PAGE));
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE + 1);
  assert_tree(fx, e);
  assert_mapping_entry(&e[6], "alpha", a, 4 * PAGE, 1, PERM_RW, fx->alpha, 0);
  free(e);
  // Inside the sub-VMAR too (through its own handle).
  assert_status(VMAR_OK, vmar_protect(fx->s, 0, fx->m2 + PAGE, PAGE));
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE + 2);
  assert_mapping_entry(&e[3], "beta", fx->m2, PAGE, 2, PERM_R, fx->beta, PAGE);
  assert_mapping_entry(&e[4], "beta", fx->m2 + PAGE, PAGE, 2, 0, fx->beta,
                       2 * PAGE);
  assert_vmar_entry(&e[5], fx->t_base, 2 * PAGE, 2);
  free(e);
  unmap_ok(fx->top.vmar, a, 4 * PAGE);
}

// Names follow renames, koids tell VMOs apart, unmap/destroy remove.
static void get_maps__names_koids_and_removal(void** state) {
  tree_fixture_t* fx = *state;
  assert_status(VMAR_OK, vmar_vmo_set_name(fx->alpha, "renamed"));
  vmar_handle_t anon = vmo_new(PAGE, 0);
  vmar_vaddr_t a2 = map_ok(fx->top.vmar, PERM_R | VMAR_VM_SPECIFIC, 20 * PAGE,
                           fx->alpha, 2 * PAGE, 2 * PAGE);
  vmar_vaddr_t an =
      map_ok(fx->top.vmar, PERM_R | VMAR_VM_SPECIFIC, 24 * PAGE, anon, 0, PAGE);
  size_t n = 0;
  vmar_map_info_t* e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE + 2);
  assert_mapping_entry(&e[1], "renamed", fx->m1, 2 * PAGE, 1, PERM_RW,
                       fx->alpha, 0);
  assert_mapping_entry(&e[6], "renamed", a2, 2 * PAGE, 1, PERM_R, fx->alpha,
                       2 * PAGE);
  assert_mapping_entry(&e[7], "", an, PAGE, 1, PERM_R, anon, 0);
  assert_int_equal(e[1].vmo_id, e[6].vmo_id);
  assert_int_not_equal(e[1].vmo_id, e[3].vmo_id);
  assert_int_not_equal(e[7].vmo_id, e[5].vmo_id);
  free(e);
  // Gone after unmap (and the VMO handle closed: the entry stays while
  // mapped, with the same koid).
  vmar_koid_t anon_koid = koid_of(anon);
  close_ok(anon);
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(e[7].vmo_id, anon_koid);
  free(e);
  unmap_ok(fx->top.vmar, an, PAGE);
  unmap_ok(fx->top.vmar, a2, 2 * PAGE);
  assert_status(VMAR_OK, vmar_vmo_set_name(fx->alpha, "alpha"));
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE);
  assert_tree(fx, e);
  free(e);
  // Destroying T removes its entry; destroying S removes S and M2.
  assert_status(VMAR_OK, vmar_destroy(fx->t));
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, N_TREE - 1);
  assert_mapping_entry(&e[3], "beta", fx->m2, 2 * PAGE, 2, PERM_R, fx->beta,
                       PAGE);
  assert_mapping_entry(&e[4], "gamma", fx->m3, PAGE, 1, 0, fx->gamma, 0);
  free(e);
  assert_status(VMAR_OK, vmar_destroy(fx->s));
  e = maps_take(fx->top.vmar, &n);
  assert_int_equal(n, 3);
  assert_mapping_entry(&e[1], "alpha", fx->m1, 2 * PAGE, 1, PERM_RW, fx->alpha,
                       0);
  assert_mapping_entry(&e[2], "gamma", fx->m3, PAGE, 1, 0, fx->gamma, 0);
  free(e);
}

// The root lists vmar's top-level VMARs and root mappings at depth 1.
static void get_maps__root_lists_own_children(void** state) {
  tree_fixture_t* fx = *state;
  vmar_handle_t root = vmar_root_self();
  vmar_info_t ri = info_of(root);
  vmar_vaddr_t rm = map_ok(root, PERM_R, 0, fx->gamma, PAGE, PAGE);
  size_t n = 0;
  vmar_map_info_t* e = maps_take(root, &n);
  assert_true(n >= N_TREE + 2);
  assert_vmar_entry(&e[0], ri.base, ri.len, 0);
  size_t found_fx = SIZE_MAX, found_rm = SIZE_MAX, prev_top = 0;
  for (size_t i = 1; i < n; i++) {
    assert_true(e[i].depth >= 1);
    if (e[i].type == VMAR_MAP_INFO_TYPE_VMAR && e[i].base == fx->top.base) {
      found_fx = i;
    }
    if (e[i].type == VMAR_MAP_INFO_TYPE_MAPPING && e[i].base == rm) {
      found_rm = i;
    }
    // Children of the root come in address order.
    if (e[i].depth == 1) {
      if (prev_top != 0) {
        assert_true(e[prev_top].base + e[prev_top].size <= e[i].base);
      }
      prev_top = i;
    }
  }
  assert_int_not_equal(found_fx, SIZE_MAX);
  assert_int_not_equal(found_rm, SIZE_MAX);
  assert_true(found_fx + N_TREE <= n);
  // The fixture's subtree, one level deeper than through its own handle.
  vmar_map_info_t sub[N_TREE];
  memcpy(sub, &e[found_fx], sizeof(sub));
  for (size_t i = 0; i < N_TREE; i++) {
    assert_true(sub[i].depth >= 1);
    sub[i].depth -= 1;
  }
  assert_tree(fx, sub);
  assert_mapping_entry(&e[found_rm], "gamma", rm, PAGE, 1, PERM_R, fx->gamma,
                       PAGE);
  free(e);
  unmap_ok(root, rm, PAGE);
}

// Failures leave |out|, |actual| and |avail| alone.
static void get_maps__errors(void** state) {
  tree_fixture_t* fx = *state;
  vmar_map_info_t e[2];
  memset(e, 0xA5, sizeof(e));
  unsigned char untouched[sizeof(e)];
  memset(untouched, 0xA5, sizeof(untouched));
  size_t actual = SENTINEL_COUNT, avail = SENTINEL_COUNT;
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_get_maps(VMAR_HANDLE_INVALID, e, 2, &actual, &avail));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_get_maps(0x12345678u, NULL, 5, &actual, &avail));
  assert_status(VMAR_ERR_WRONG_TYPE,
                vmar_get_maps(fx->alpha, e, 2, &actual, &avail));
  assert_status(VMAR_ERR_WRONG_TYPE,
                vmar_get_maps(fx->alpha, NULL, 5, &actual, &avail));
  vmar_handle_t blind = dup_without(fx->top.vmar, VMAR_RIGHT_INSPECT);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_get_maps(blind, e, 2, &actual, &avail));
  // ACCESS_DENIED precedes INVALID_ARGS.
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_get_maps(blind, NULL, 5, &actual, &avail));
  close_ok(blind);
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_get_maps(fx->top.vmar, NULL, 1, &actual, &avail));
  // Destroyed: BAD_STATE (after the NULL check).
  assert_status(VMAR_OK, vmar_destroy(fx->t));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_get_maps(fx->t, e, 2, &actual, &avail));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_get_maps(fx->t, NULL, 0, &actual, &avail));
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_get_maps(fx->t, NULL, 3, &actual, &avail));
  assert_int_equal(actual, SENTINEL_COUNT);
  assert_int_equal(avail, SENTINEL_COUNT);
  assert_memory_equal(e, untouched, sizeof(e));
}

// Bad input, as a table (bad_input.h): h1 the VMAR, a the count (RAW);
// NULL1: no output array.

static const bad_row_t kGetMapsBad[] = {
    NOT_LIVE("vmar", H_NONE, 0, PGB(0, 4), V0, V0, RAW),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, PGB(0, 4), V0, V0, RAW},
    {"handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0, PGB(0, 4),
     V0, V0, RAW},
    {"out NULL with a count", INVALID_ARGS, H_TOP, H_NONE, 0, PGB(0, 4), V0, V0,
     RAW | NULL1},
    {"vmar destroyed", BAD_STATE, H_DEAD, H_NONE, 0, PGB(0, 4), V0, V0, RAW},
    {"out NULL with count 0", OK, H_TOP, H_NONE, 0, PGB(0, 0), V0, V0,
     RAW | NULL1 | SAMEBACK},
};

static vmar_status_t get_maps_row(const bad_call_t* c) {
  return vmar_get_maps(c->h1, c->out1, c->az, c->out2, c->out3);
}

// ---------------------------------------------------------------------------
// vmar_dump

// One line per get_maps entry, with the VMO names and hex addresses.
static void dump__one_line_per_entry(void** state) {
  tree_fixture_t* fx = *state;
  size_t needed = 0;
  char* text = dump_all(fx->top.vmar, &needed);
  assert_int_equal(count_lines(text), N_TREE);
  assert_non_null(strstr(text, "alpha"));
  assert_non_null(strstr(text, "beta"));
  assert_non_null(strstr(text, "gamma"));
  assert_true(has_hex(text, fx->top.base));
  assert_true(has_hex(text, fx->m1));
  assert_true(has_hex(text, fx->s_base));
  assert_true(has_hex(text, fx->m2));
  assert_true(has_hex(text, fx->t_base));
  assert_true(has_hex(text, fx->m3));
  // Names come in tree order.
  assert_true(strstr(text, "alpha") < strstr(text, "beta"));
  assert_true(strstr(text, "beta") < strstr(text, "gamma"));
  free(text);
  // A split mapping adds lines; the sub-VMAR alone has three.
  assert_status(VMAR_OK, vmar_protect(fx->top.vmar, PERM_R, fx->m1, PAGE));
  text = dump_all(fx->top.vmar, &needed);
  assert_int_equal(count_lines(text), N_TREE + 1);
  free(text);
  text = dump_all(fx->s, &needed);
  assert_int_equal(count_lines(text), 3);
  assert_null(strstr(text, "alpha"));
  assert_non_null(strstr(text, "beta"));
  free(text);
  text = dump_all(fx->t, &needed);
  assert_int_equal(count_lines(text), 1);
  assert_true(has_hex(text, fx->t_base));
  free(text);
}

// A small buffer gets a NUL-terminated prefix; |needed| stays the same.
static void dump__truncated_still_terminated(void** state) {
  tree_fixture_t* fx = *state;
  size_t needed = 0;
  char* full = dump_all(fx->top.vmar, &needed);
  size_t full_len = strlen(full);
  assert_true(full_len > 20);
  const size_t kCaps[] = {1, 2, 10, full_len / 2, full_len, full_len + 1};
  for (size_t i = 0; i < sizeof(kCaps) / sizeof(kCaps[0]); i++) {
    size_t cap = kCaps[i];
    char* buf = malloc(cap + 8);
    assert_non_null(buf);
    memset(buf, 'Z', cap + 8);
    size_t n = 0;
    assert_status(VMAR_OK, vmar_dump(fx->top.vmar, buf, cap, &n));
    assert_int_equal(n, needed);
    size_t len = strnlen(buf, cap);
    assert_true(len < cap); // NUL inside the buffer
    assert_true(len <= full_len);
    assert_memory_equal(buf, full, len);
    if (cap > full_len) {
      assert_int_equal(len, full_len);
    } else {
      assert_int_equal(len, cap - 1);
    }
    // Nothing written past |cap|.
    for (size_t k = cap; k < cap + 8; k++) {
      assert_int_equal(buf[k], 'Z');
    }
    free(buf);
  }
  char small[8];
  assert_status(VMAR_OK, vmar_dump(fx->top.vmar, small, sizeof(small), NULL));
  assert_int_equal(small[7], '\0');
  assert_status(VMAR_OK, vmar_dump(fx->top.vmar, NULL, 0, NULL));
  free(full);
}

// NULL buffer with a capacity, and get_maps' errors; outputs untouched.
static void dump__errors(void** state) {
  tree_fixture_t* fx = *state;
  char buf[64];
  memset(buf, 'Z', sizeof(buf));
  size_t needed = SENTINEL_COUNT;
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_dump(fx->top.vmar, NULL, 10, &needed));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_dump(VMAR_HANDLE_INVALID, buf, sizeof(buf), &needed));
  assert_status(VMAR_ERR_WRONG_TYPE,
                vmar_dump(fx->alpha, buf, sizeof(buf), &needed));
  vmar_handle_t blind = dup_without(fx->top.vmar, VMAR_RIGHT_INSPECT);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_dump(blind, buf, sizeof(buf), &needed));
  close_ok(blind);
  assert_status(VMAR_OK, vmar_destroy(fx->t));
  assert_status(VMAR_ERR_BAD_STATE,
                vmar_dump(fx->t, buf, sizeof(buf), &needed));
  assert_int_equal(needed, SENTINEL_COUNT);
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 'Z');
  }
}

// Bad input, as a table (bad_input.h): h1 the VMAR, a the capacity in
// bytes (RAW); NULL1: no buffer.

static const bad_row_t kDumpBad[] = {
    NOT_LIVE("vmar", H_NONE, 0, PGB(0, 64), V0, V0, RAW),
    {"a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, PGB(0, 64), V0, V0, RAW},
    {"handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0, PGB(0, 64),
     V0, V0, RAW},
    {"buf NULL with a capacity", INVALID_ARGS, H_TOP, H_NONE, 0, PGB(0, 64), V0,
     V0, RAW | NULL1},
    {"vmar destroyed", BAD_STATE, H_DEAD, H_NONE, 0, PGB(0, 64), V0, V0, RAW},
};

static vmar_status_t dump_row(const bad_call_t* c) {
  return vmar_dump(c->h1, c->out1, c->az, c->out2);
}

int main(void) {
#define T(f) FIXTURE_TEST_WITH(f, &kFixture, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(get_maps__empty_vmar_one_entry),
      T(get_maps__tree_depth_first_in_address_order),
      T(get_maps__short_buffer_partial),
      T(get_maps__sub_vmar_is_depth_zero),
      T(get_maps__protect_split_and_merge),
      T(get_maps__names_koids_and_removal),
      T(get_maps__root_lists_own_children),
      T(get_maps__errors),
      BAD_INPUT_TEST(get_maps__bad_input_exact_status, "vmar_get_maps",
                     kGetMapsBad, get_maps_row),
      T(dump__one_line_per_entry),
      T(dump__truncated_still_terminated),
      T(dump__errors),
      BAD_INPUT_TEST(dump__bad_input_exact_status, "vmar_dump", kDumpBad,
                     dump_row),
  };
#undef T
  return cmocka_run_group_tests_name("api.maps_info", tests, maps_group_setup,
                                     bad_input_group_teardown);
}
