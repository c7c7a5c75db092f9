// SPDX-License-Identifier: MIT
// VMO children (snapshots, slices, references), VMO info and content size.
// APIs covered: vmar_vmo_create_child, vmar_vmo_get_info,
//   vmar_vmo_get_content_size, vmar_vmo_set_content_size,
//   vmar_vmo_op_range_with_buffer, vmar_vmo_op_range (LOCK, hints, cache
//   operations, DECOMMIT next to children), with vmar_map, vmar_unmap,
//   vmar_protect, vmar_get_maps and vmar_vmo_get_fd where children are used.

#include "test.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

// Rights of a fresh VMO handle (as zx_vmo_create gives them).
#define VMO_RIGHTS 0x0000D0EFu

// Child options, short.
#define SNAP VMAR_VMO_CHILD_SNAPSHOT
#define SNAP_ALOW VMAR_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE
#define SNAP_MOD VMAR_VMO_CHILD_SNAPSHOT_MODIFIED
#define SLICE VMAR_VMO_CHILD_SLICE
#define REF VMAR_VMO_CHILD_REFERENCE
#define RSZ VMAR_VMO_CHILD_RESIZABLE
#define NO_WRITE VMAR_VMO_CHILD_NO_WRITE

// vmar_vmo_info_t.flags of a plain VMO: paged, asked through a handle.
#define FLAGS_PLAIN (VMAR_INFO_VMO_TYPE_PAGED | VMAR_INFO_VMO_VIA_HANDLE)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

// The three snapshot kinds, which behave alike for VMOs no pager supplies.
static const uint32_t kSnapshotKinds[] = {SNAP, SNAP_ALOW, SNAP_MOD};

// Every kind of child.
static const uint32_t kAllKinds[] = {SNAP, SNAP_ALOW, SNAP_MOD, SLICE, REF};

// Per-test: a top-level VMAR of 64 pages that can hold R/W/X mappings
// anywhere.
static const fixture_params_t kFixture = {
    .pages = 64,
    .options = CAN_RWX | CAN_SPEC,
};

// ---------------------------------------------------------------------------
// Helpers

static uint64_t content_of(vmar_handle_t vmo) {
  uint64_t s = SENTINEL_U64;
  assert_status(VMAR_OK, vmar_vmo_get_content_size(vmo, &s));
  return s;
}

// vmar_vmo_get_info of |vmo|, which must succeed.
static vmar_vmo_info_t vinfo(vmar_handle_t vmo) {
  vmar_vmo_info_t i;
  memset(&i, 0xA5, sizeof(i));
  assert_status(VMAR_OK, vmar_vmo_get_info(vmo, &i));
  return i;
}

static size_t children_of(vmar_handle_t vmo) { return vinfo(vmo).num_children; }

static size_t mappings_of(vmar_handle_t vmo) { return vinfo(vmo).num_mappings; }

// Fails unless none of the |n| VMOs of |vmos| has a child (the calls that
// failed before made none); ASSERT_NO_CHILDREN(a, b, ...) checks a, then b.
static void assert_no_children(const vmar_handle_t* vmos, size_t n) {
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(children_of(vmos[i]), 0);
  }
}
#define ASSERT_NO_CHILDREN(...)                                                \
  assert_no_children((const vmar_handle_t[]){__VA_ARGS__},                     \
                     N_OF(((const vmar_handle_t[]){__VA_ARGS__})))

// The name of |vmo| read with vmar_vmo_get_name, into |name|.
static void name_of(vmar_handle_t vmo, char name[VMAR_MAX_NAME_LEN]) {
  memset(name, 'X', VMAR_MAX_NAME_LEN);
  assert_status(VMAR_OK, vmar_vmo_get_name(vmo, name));
}

// A child of |vmo|, checking the status and the handle value.
static vmar_handle_t child_ok(vmar_handle_t vmo, uint32_t options,
                              uint64_t offset, uint64_t size) {
  vmar_handle_t c = SENTINEL_HANDLE;
  assert_status(VMAR_OK, vmar_vmo_create_child(vmo, options, offset, size, &c));
  assert_int_not_equal(c, SENTINEL_HANDLE);
  assert_int_equal(c & VMAR_HANDLE_FIXED_BITS_MASK,
                   VMAR_HANDLE_FIXED_BITS_MASK);
  assert_int_equal(hinfo_of(c).type, VMAR_OBJ_TYPE_VMO);
  return c;
}

// The value of a handle to a one-page VMO that has been closed again: it
// names nothing any more.
static vmar_handle_t closed_vmo(void) {
  vmar_handle_t h = vmo_new(PAGE, 0);
  close_ok(h);
  return h;
}

// create_child fails with |expected| and leaves |out| alone.
static void expect_child_fails(vmar_status_t expected, vmar_handle_t vmo,
                               uint32_t options, uint64_t offset,
                               uint64_t size) {
  vmar_handle_t c = SENTINEL_HANDLE;
  assert_status(expected,
                vmar_vmo_create_child(vmo, options, offset, size, &c));
  assert_int_equal(c, SENTINEL_HANDLE);
}

// The size a child of |kind| is asked for in the rights and bookkeeping
// tests: a reference takes none, the others one page.
static uint64_t kind_size(uint32_t kind) { return kind == REF ? 0 : PAGE; }

static void write_byte(vmar_handle_t vmo, uint64_t offset, uint8_t b) {
  assert_status(VMAR_OK, vmar_vmo_write(vmo, &b, offset, 1));
}

static uint8_t read_byte(vmar_handle_t vmo, uint64_t offset) {
  uint8_t b = 0;
  assert_status(VMAR_OK, vmar_vmo_read(vmo, &b, offset, 1));
  return b;
}

// DECOMMIT of pages [first, last] of |vmo|.
static vmar_status_t op_decommit_pages(vmar_handle_t vmo, size_t first,
                                       size_t last) {
  return vmar_vmo_op_range(vmo, VMAR_VMO_OP_DECOMMIT, first * PAGE,
                           (last - first + 1) * PAGE);
}

static void poke(vmar_vaddr_t a, uint8_t b) { *(volatile uint8_t*)a = b; }

static uint8_t peek(vmar_vaddr_t a) { return *(volatile const uint8_t*)a; }

// ---------------------------------------------------------------------------
// vmar_vmo_create_child: failures, in the order the header gives

// A size whose rounding overflows (or that no VMO can have) is OUT_OF_RANGE
// before anything else is looked at: handle, options, offset, |out|.
static void vmo_child__size_overflow_out_of_range_first(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_new(PAGE, 0);
  vmar_handle_t closed = closed_vmo();
  const uint64_t kBig[] = {UINT64_MAX, UINT64_MAX - PAGE + 2,
                           UINT64_MAX - PAGE + 1};
  const vmar_handle_t kHandles[] = {VMAR_HANDLE_INVALID, closed, fx->vmar, p};
  const uint32_t kOptions[] = {SNAP, SLICE,      REF, 0, NO_WRITE | RSZ | SNAP,
                               0x2u, 0xFFFFFFFFu};
  for (size_t b = 0; b < N_OF(kBig); b++) {
    for (size_t h = 0; h < N_OF(kHandles); h++) {
      for (size_t o = 0; o < N_OF(kOptions); o++) {
        expect_child_fails(VMAR_ERR_OUT_OF_RANGE, kHandles[h], kOptions[o], 0,
                           kBig[b]);
        expect_child_fails(VMAR_ERR_OUT_OF_RANGE, kHandles[h], kOptions[o], 1,
                           kBig[b]);
        assert_status(
            VMAR_ERR_OUT_OF_RANGE,
            vmar_vmo_create_child(kHandles[h], kOptions[o], 0, kBig[b], NULL));
      }
    }
  }
  assert_int_equal(children_of(p), 0);
  close_ok(p);
}

// NO_WRITE with RESIZABLE is INVALID_ARGS for every kind, before the handle
// is looked at.
static void
vmo_child__no_write_resizable_invalid_args_before_handle(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_new(PAGE, 0);
  vmar_handle_t disc = vmo_new(PAGE, VMAR_VMO_DISCARDABLE);
  vmar_handle_t noread = dup_without(p, VMAR_RIGHT_READ | VMAR_RIGHT_DUPLICATE);
  vmar_handle_t closed = closed_vmo();
  const vmar_handle_t kHandles[] = {
      VMAR_HANDLE_INVALID, closed, fx->vmar, noread, disc, p};
  const uint32_t kKinds[] = {0,     SNAP, SNAP_ALOW,  SNAP_MOD,
                             SLICE, REF,  SLICE | REF};
  for (size_t h = 0; h < N_OF(kHandles); h++) {
    for (size_t k = 0; k < N_OF(kKinds); k++) {
      expect_child_fails(VMAR_ERR_INVALID_ARGS, kHandles[h],
                         kKinds[k] | NO_WRITE | RSZ, 0, kind_size(kKinds[k]));
    }
  }
  ASSERT_NO_CHILDREN(p, disc);
  CLOSE_ALL_OK(noread, disc, p);
}

// Not a live handle: BAD_HANDLE; a VMAR: WRONG_TYPE, whatever its rights and
// before the options are decoded.
static void vmo_child__bad_handle_and_wrong_type(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t closed = closed_vmo();
  const vmar_handle_t kDead[] = {VMAR_HANDLE_INVALID, closed, 0x12345673u};
  const uint32_t kOptions[] = {SNAP, SLICE, REF, 0, 0x2u};
  for (size_t h = 0; h < N_OF(kDead); h++) {
    for (size_t o = 0; o < N_OF(kOptions); o++) {
      expect_child_fails(VMAR_ERR_BAD_HANDLE, kDead[h], kOptions[o], 0, PAGE);
      expect_child_fails(VMAR_ERR_BAD_HANDLE, kDead[h], kOptions[o], 1, 0);
    }
  }
  vmar_handle_t weak =
      dup_without(fx->vmar, VMAR_RIGHT_READ | VMAR_RIGHT_DUPLICATE);
  const vmar_handle_t kVmars[] = {fx->vmar, vmar_root_self(), weak};
  for (size_t h = 0; h < N_OF(kVmars); h++) {
    for (size_t o = 0; o < N_OF(kOptions); o++) {
      expect_child_fails(VMAR_ERR_WRONG_TYPE, kVmars[h], kOptions[o], 0, PAGE);
      expect_child_fails(VMAR_ERR_WRONG_TYPE, kVmars[h], kOptions[o], 1, 0);
    }
  }
  close_ok(weak);
}

// READ and DUPLICATE are needed (WRITE is not); the rights come before the
// options, the kind's checks and a discardable parent.
static void vmo_child__needs_read_and_duplicate_not_write(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x40);
  vmar_handle_t noread = dup_without(p, VMAR_RIGHT_READ);
  vmar_handle_t nodup = dup_without(p, VMAR_RIGHT_DUPLICATE);
  vmar_handle_t nowrite = dup_without(p, VMAR_RIGHT_WRITE);
  for (size_t k = 0; k < N_OF(kAllKinds); k++) {
    const uint32_t kind = kAllKinds[k];
    expect_child_fails(VMAR_ERR_ACCESS_DENIED, noread, kind, 0,
                       kind_size(kind));
    expect_child_fails(VMAR_ERR_ACCESS_DENIED, nodup, kind, 0, kind_size(kind));
    // Bad offsets for every kind: still the rights first.
    expect_child_fails(VMAR_ERR_ACCESS_DENIED, noread, kind, 1, PAGE);
  }
  expect_child_fails(VMAR_ERR_ACCESS_DENIED, noread, 0, 0, PAGE);
  expect_child_fails(VMAR_ERR_ACCESS_DENIED, nodup, 0x2u | SNAP, 0, PAGE);
  vmar_handle_t disc = vmo_new(PAGE, VMAR_VMO_DISCARDABLE);
  vmar_handle_t disc_noread = dup_without(disc, VMAR_RIGHT_READ);
  expect_child_fails(VMAR_ERR_ACCESS_DENIED, disc_noread, SNAP, 0, PAGE);
  assert_int_equal(children_of(p), 0);
  // Without WRITE every kind is made; a snapshot is writable all the same,
  // a slice and a reference are not.
  for (size_t k = 0; k < N_OF(kAllKinds); k++) {
    const uint32_t kind = kAllKinds[k];
    vmar_handle_t c = child_ok(nowrite, kind, 0, kind == REF ? 0 : 2 * PAGE);
    assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x40, 0)));
    const bool snapshot = kind != SLICE && kind != REF;
    assert_status(snapshot ? VMAR_OK : VMAR_ERR_ACCESS_DENIED,
                  vmar_vmo_write(c, "x", 0, 1));
    assert_int_equal(children_of(p), 1);
    close_ok(c);
  }
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x40, 0)));
  assert_int_equal(children_of(p), 0);
  CLOSE_ALL_OK(disc_noread, disc, nowrite, nodup, noread, p);
}

// REFERENCE|RESIZABLE also needs RESIZE on the parent's handle; no other
// kind does.
static void vmo_child__resizable_reference_needs_resize_right(void** state) {
  (void)state;
  vmar_handle_t r = vmo_new(2 * PAGE, VMAR_VMO_RESIZABLE);
  vmar_handle_t r_norsz = dup_without(r, VMAR_RIGHT_RESIZE);
  expect_child_fails(VMAR_ERR_ACCESS_DENIED, r_norsz, REF | RSZ, 0, 0);
  // The right comes before the kind's own checks.
  expect_child_fails(VMAR_ERR_ACCESS_DENIED, r_norsz, REF | RSZ, PAGE, 0);
  assert_int_equal(children_of(r), 0);
  // A plain reference through the same handle is fine, and lacks RESIZE.
  vmar_handle_t ref = child_ok(r_norsz, REF, 0, 0);
  assert_int_equal(rights_of(ref) & VMAR_RIGHT_RESIZE, 0);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(ref, PAGE));
  // A resizable snapshot needs no RESIZE on the parent's handle.
  vmar_handle_t snap = child_ok(r_norsz, SNAP | RSZ, 0, PAGE);
  assert_int_equal(rights_of(snap) & VMAR_RIGHT_RESIZE, VMAR_RIGHT_RESIZE);
  assert_status(VMAR_OK, vmar_vmo_set_size(snap, 3 * PAGE));
  assert_int_equal(vmo_size_of(snap), 3 * PAGE);
  // With RESIZE the resizable reference is made and resizes its parent.
  vmar_handle_t rref = child_ok(r, REF | RSZ, 0, 0);
  assert_status(VMAR_OK, vmar_vmo_set_size(rref, 5 * PAGE));
  assert_int_equal(vmo_size_of(r), 5 * PAGE);
  // A VMO that is not resizable never has RESIZE on any handle, so the
  // right answers before the parent's resizability is looked at.
  vmar_handle_t p = vmo_new(PAGE, 0);
  assert_int_equal(rights_of(p) & VMAR_RIGHT_RESIZE, 0);
  expect_child_fails(VMAR_ERR_ACCESS_DENIED, p, REF | RSZ, 0, 0);
  assert_int_equal(children_of(p), 0);
  CLOSE_ALL_OK(p, rref, snap, ref, r_norsz, r);
}

// A discardable VMO has no children: NOT_SUPPORTED for every option value
// that gets that far, 0 and nonsense included.
static void vmo_child__discardable_parent_not_supported(void** state) {
  (void)state;
  vmar_handle_t d = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  vmar_handle_t dr =
      vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE | VMAR_VMO_RESIZABLE);
  const uint32_t kOptions[] = {0,
                               SNAP,
                               SNAP_ALOW,
                               SNAP_MOD,
                               SLICE,
                               REF,
                               SNAP | NO_WRITE,
                               SLICE | NO_WRITE,
                               REF | NO_WRITE,
                               SNAP | RSZ,
                               NO_WRITE,
                               RSZ,
                               0x2u,
                               SNAP | SLICE,
                               SLICE | RSZ,
                               0x100u,
                               0x80000000u};
  const struct {
    uint64_t offset, size;
  } kWindows[] = {{0, PAGE}, {0, 0}, {1, PAGE}, {PAGE, 8 * PAGE}};
  const vmar_handle_t kParents[] = {d, dr};
  for (size_t p = 0; p < N_OF(kParents); p++) {
    for (size_t o = 0; o < N_OF(kOptions); o++) {
      for (size_t w = 0; w < N_OF(kWindows); w++) {
        expect_child_fails(VMAR_ERR_NOT_SUPPORTED, kParents[p], kOptions[o],
                           kWindows[w].offset, kWindows[w].size);
      }
    }
  }
  // The resizable one has RESIZE, so a resizable reference gets this far.
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, dr, REF | RSZ, 0, 0);
  ASSERT_NO_CHILDREN(d, dr);
  CLOSE_ALL_OK(dr, d);
}

// No kind, two kinds, an unknown bit (0x2 is unused) or SLICE|RESIZABLE:
// INVALID_ARGS, before any check of the kind's own.
static void vmo_child__option_grammar_invalid_args(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(4 * PAGE, 0);
  vmar_handle_t r = vmo_new(4 * PAGE, VMAR_VMO_RESIZABLE);
  // No kind.
  const uint32_t kNoKind[] = {0, NO_WRITE, RSZ, 0x2u, 0x100u};
  for (size_t i = 0; i < N_OF(kNoKind); i++) {
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kNoKind[i], 0, PAGE);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kNoKind[i], 0, 0);
  }
  // Two kinds, and every kind with an unknown bit.
  for (size_t i = 0; i < N_OF(kAllKinds); i++) {
    for (size_t j = i + 1; j < N_OF(kAllKinds); j++) {
      const uint32_t o = kAllKinds[i] | kAllKinds[j];
      expect_child_fails(VMAR_ERR_INVALID_ARGS, p, o, 0, 0);
      expect_child_fails(VMAR_ERR_INVALID_ARGS, p, o, 0, PAGE);
      expect_child_fails(VMAR_ERR_INVALID_ARGS, p, o | NO_WRITE, 0, PAGE);
    }
    const uint32_t kUnknown[] = {0x2u, 0x100u, 0x200u, 0x80000000u};
    for (size_t u = 0; u < N_OF(kUnknown); u++) {
      expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kAllKinds[i] | kUnknown[u],
                         0, kind_size(kAllKinds[i]));
    }
  }
  expect_child_fails(VMAR_ERR_INVALID_ARGS, p, SNAP | SNAP_ALOW | SNAP_MOD, 0,
                     PAGE);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, p, SLICE | RSZ, 0, PAGE);
  // The grammar comes first: these would otherwise be NOT_SUPPORTED (a slice
  // of a resizable VMO) or OUT_OF_RANGE (a snapshot window that wraps).
  expect_child_fails(VMAR_ERR_INVALID_ARGS, r, SLICE | RSZ, 0, PAGE);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, r, SLICE | SNAP, 0, PAGE);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, p, SNAP | 0x2u,
                     UINT64_MAX - PAGE + 1, 2 * PAGE);
  ASSERT_NO_CHILDREN(p, r);
  CLOSE_ALL_OK(r, p);
}

// SLICE: an unaligned offset or a window not inside the parent (wrapping
// included) is INVALID_ARGS; a resizable parent is NOT_SUPPORTED, after the
// window is checked.
static void vmo_child__slice_window_checks(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(4 * PAGE, 0);
  const struct {
    uint64_t offset, size;
  } kBad[] = {
      {1, PAGE},
      {PAGE - 1, PAGE},
      {PAGE + 8, 0},
      {3 * PAGE, 2 * PAGE},
      {4 * PAGE, PAGE},
      {5 * PAGE, 0},
      {0, 4 * PAGE + 1},
      {UINT64_MAX - PAGE + 1, 2 * PAGE}, // wraps: INVALID_ARGS all the same
      {UINT64_MAX - PAGE + 1, 0},
  };
  for (size_t i = 0; i < N_OF(kBad); i++) {
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, SLICE, kBad[i].offset,
                       kBad[i].size);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, SLICE | NO_WRITE,
                       kBad[i].offset, kBad[i].size);
  }
  // A resizable parent: NOT_SUPPORTED, but a bad window is still
  // INVALID_ARGS.
  vmar_handle_t r = vmo_new(4 * PAGE, VMAR_VMO_RESIZABLE);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, r, SLICE, 0, PAGE);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, r, SLICE, 0, 4 * PAGE);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, r, SLICE | NO_WRITE, PAGE, 0);
  for (size_t i = 0; i < N_OF(kBad); i++) {
    expect_child_fails(VMAR_ERR_INVALID_ARGS, r, SLICE, kBad[i].offset,
                       kBad[i].size);
  }
  // A resizable snapshot is a resizable VMO too.
  vmar_handle_t rs = child_ok(p, SNAP | RSZ, 0, PAGE);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, rs, SLICE, 0, PAGE);
  // A slice's window bounds its own slices.
  vmar_handle_t s = child_ok(p, SLICE, PAGE, 2 * PAGE);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, s, SLICE, 2 * PAGE, PAGE);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, s, SLICE, PAGE, 2 * PAGE);
  assert_int_equal(children_of(s), 0);
  vmar_handle_t ss = child_ok(s, SLICE, PAGE, PAGE);
  assert_int_equal(vmo_size_of(ss), PAGE);
  // The whole parent, and the empty window at its end, are fine.
  vmar_handle_t whole = child_ok(p, SLICE, 0, 4 * PAGE);
  vmar_handle_t empty = child_ok(p, SLICE, 4 * PAGE, 0);
  assert_int_equal(vmo_size_of(whole), 4 * PAGE);
  assert_int_equal(vmo_size_of(empty), 0);
  assert_int_equal(children_of(p), 4);
  assert_int_equal(children_of(r), 0);
  CLOSE_ALL_OK(empty, whole, ss, s, rs, r, p);
}

// REFERENCE: offset and size must be 0 (a size of 1 rounds to a page); a
// slice cannot be referenced, after the offset/size check.
static void vmo_child__reference_checks(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(2 * PAGE, 0);
  const struct {
    uint64_t offset, size;
  } kBad[] = {{PAGE, 0}, {1, 0}, {0, 1}, {0, PAGE}, {PAGE, PAGE}};
  for (size_t i = 0; i < N_OF(kBad); i++) {
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, REF, kBad[i].offset,
                       kBad[i].size);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, REF | NO_WRITE, kBad[i].offset,
                       kBad[i].size);
  }
  vmar_handle_t s = child_ok(p, SLICE, 0, PAGE);
  vmar_handle_t ss = child_ok(s, SLICE, 0, PAGE);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, s, REF, 0, 0);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, s, REF | NO_WRITE, 0, 0);
  expect_child_fails(VMAR_ERR_NOT_SUPPORTED, ss, REF, 0, 0);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, s, REF, PAGE, 0);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, s, REF, 0, PAGE);
  assert_int_equal(children_of(s), 1);
  // References of references and of snapshots are fine.
  vmar_handle_t ref = child_ok(p, REF, 0, 0);
  vmar_handle_t refref = child_ok(ref, REF | NO_WRITE, 0, 0);
  vmar_handle_t snap = child_ok(p, SNAP, 0, PAGE);
  vmar_handle_t snapref = child_ok(snap, REF, 0, 0);
  assert_int_equal(vmo_size_of(refref), 2 * PAGE);
  assert_int_equal(vmo_size_of(snapref), PAGE);
  assert_int_equal(children_of(p), 3);
  CLOSE_ALL_OK(snapref, snap, refref, ref, ss, s, p);
}

// Snapshots: an unaligned offset is INVALID_ARGS, then a wrapping window
// OUT_OF_RANGE; a window that wraps only seen from the VMO a slice belongs
// to is INVALID_ARGS. A window far past the parent's end is fine.
static void vmo_child__snapshot_offset_checks(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x50);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, PAGE);
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    const uint32_t kind = kSnapshotKinds[k];
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kind, 1, PAGE);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kind, PAGE + 1, 0);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kind | NO_WRITE, PAGE / 2,
                       PAGE);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kind | RSZ, PAGE - 1, PAGE);
    expect_child_fails(VMAR_ERR_OUT_OF_RANGE, p, kind, UINT64_MAX - PAGE + 1,
                       2 * PAGE);
    expect_child_fails(VMAR_ERR_OUT_OF_RANGE, p, kind | RSZ,
                       UINT64_MAX - 3 * PAGE + 1, 4 * PAGE);
    // Unaligned and wrapping: the alignment is checked first.
    expect_child_fails(VMAR_ERR_INVALID_ARGS, p, kind, UINT64_MAX - PAGE + 2,
                       2 * PAGE);
    // Seen from |p|, the slice's window starts a page further on.
    expect_child_fails(VMAR_ERR_INVALID_ARGS, s, kind, UINT64_MAX - PAGE + 1,
                       0);
    expect_child_fails(VMAR_ERR_INVALID_ARGS, s, kind,
                       UINT64_MAX - 2 * PAGE + 1, PAGE);
    assert_int_equal(children_of(s), 0);
    // The same window of |p| itself is fine: past the end, all zero.
    vmar_handle_t far = child_ok(p, kind, UINT64_MAX - 2 * PAGE + 1, PAGE);
    assert_int_equal(vmo_size_of(far), PAGE);
    assert_true(vmo_bytes_are(far, 0, PAGE, 0));
    close_ok(far);
  }
  assert_int_equal(children_of(p), 1);
  CLOSE_ALL_OK(s, p);
}

// A NULL |out| is INVALID_ARGS, checked last, and no child is made.
static void vmo_child__null_out_invalid_args_nothing_created(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x51);
  const uint32_t kOptions[] = {SNAP,       SNAP_ALOW, SNAP_MOD, SNAP | NO_WRITE,
                               SNAP | RSZ, SLICE,     REF,      REF | NO_WRITE};
  for (size_t i = 0; i < N_OF(kOptions); i++) {
    const uint64_t size = kOptions[i] & REF ? 0 : PAGE;
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_create_child(p, kOptions[i], 0, size, NULL));
    assert_int_equal(children_of(p), 0);
  }
  // Every other check comes before.
  vmar_handle_t s = child_ok(p, SLICE, 0, PAGE);
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_vmo_create_child(s, REF, 0, 0, NULL));
  assert_status(
      VMAR_ERR_OUT_OF_RANGE,
      vmar_vmo_create_child(p, SNAP, UINT64_MAX - PAGE + 1, 2 * PAGE, NULL));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_create_child(p, REF | RSZ, 0, 0, NULL));
  vmar_handle_t d = vmo_new(PAGE, VMAR_VMO_DISCARDABLE);
  assert_status(VMAR_ERR_NOT_SUPPORTED,
                vmar_vmo_create_child(d, SNAP, 0, PAGE, NULL));
  assert_int_equal(children_of(p), 1);
  ASSERT_NO_CHILDREN(s, d);
  CLOSE_ALL_OK(d, s, p);
}

// ---------------------------------------------------------------------------
// vmar_vmo_create_child: rights of the child's handle

// The parent handles the rights tests make children through: the columns
// of kChildRights.
typedef enum parent_kind {
  FROM_DEFAULT,    // a new VMO's handle: 0xD0EF
  FROM_READ_DUP,   // a handle with READ|DUPLICATE only: 0x05
  FROM_EXECUTABLE, // a handle from replace_as_executable: 0xD0FF
  FROM_RESIZABLE,  // a resizable VMO's handle: 0x40D0EF
  N_PARENT_KINDS
} parent_kind_t;

// A pair of options and parent that no test checks.
#define NOT_CHECKED 0u

// The rights of a child's handle, by the child's options (rows) and the
// handle it is made through (columns, parent_kind_t).
static const struct {
  uint32_t options;
  vmar_rights_t rights[N_PARENT_KINDS];
} kChildRights[] = {
    {SNAP, {0xD0EFu, 0xCDu, 0xD0EFu, 0xD0EFu}},
    {SNAP_ALOW, {0xD0EFu, 0xCDu, 0xD0EFu, NOT_CHECKED}},
    {SNAP_MOD, {0xD0EFu, 0xCDu, 0xD0EFu, 0xD0EFu}},
    {SNAP | NO_WRITE, {0xD0E7u, 0xC5u, 0xD0F7u, 0xD0E7u}},
    {SNAP_ALOW | NO_WRITE, {0xD0E7u, NOT_CHECKED, NOT_CHECKED, NOT_CHECKED}},
    {SNAP_MOD | NO_WRITE, {0xD0E7u, NOT_CHECKED, NOT_CHECKED, NOT_CHECKED}},
    {SNAP | RSZ, {0x40D0EFu, 0x4000CDu, 0x40D0EFu, 0x40D0EFu}},
    {SNAP_ALOW | RSZ, {0x40D0EFu, NOT_CHECKED, NOT_CHECKED, NOT_CHECKED}},
    {SNAP_MOD | RSZ, {0x40D0EFu, NOT_CHECKED, NOT_CHECKED, NOT_CHECKED}},
    {SLICE, {0xD0EFu, 0xC5u, 0xD0FFu, NOT_CHECKED}},
    {SLICE | NO_WRITE, {0xD0E7u, 0xC5u, 0xD0F7u, NOT_CHECKED}},
    {REF, {0xD0EFu, 0xC5u, 0xD0FFu, 0xD0EFu}},
    {REF | NO_WRITE, {0xD0E7u, NOT_CHECKED, 0xD0F7u, 0xD0E7u}},
    {REF | RSZ, {NOT_CHECKED, NOT_CHECKED, NOT_CHECKED, 0x40D0EFu}},
};

// |parent| has |parent_rights|; each child that column |from| of
// kChildRights checks is made through it and its handle has those rights.
static void check_child_rights(vmar_handle_t parent,
                               vmar_rights_t parent_rights,
                               parent_kind_t from) {
  assert_int_equal(rights_of(parent), parent_rights);
  for (size_t i = 0; i < N_OF(kChildRights); i++) {
    const vmar_rights_t want = kChildRights[i].rights[from];
    if (want == NOT_CHECKED) {
      continue;
    }
    const uint32_t options = kChildRights[i].options;
    const uint64_t size = options & REF ? 0 : PAGE;
    vmar_handle_t c = child_ok(parent, options, 0, size);
    assert_int_equal(rights_of(c), want);
    assert_int_equal(hinfo_of(c).rights, want);
    close_ok(c);
  }
}

// P = 0xD0EF: snapshots keep it (WRITE already there, no EXECUTE), NO_WRITE
// takes WRITE, RESIZABLE adds RESIZE.
static void vmo_child__rights_from_default_handle(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(2 * PAGE, 0);
  check_child_rights(p, VMO_RIGHTS, FROM_DEFAULT);
  close_ok(p);
}

// P = READ|DUPLICATE: GET/SET_PROPERTY are added; snapshots add WRITE; no
// other right appears.
static void vmo_child__rights_from_read_duplicate_handle(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(2 * PAGE, 0);
  vmar_handle_t rd = dup_with(p, VMAR_RIGHT_READ | VMAR_RIGHT_DUPLICATE);
  check_child_rights(rd, 0x05u, FROM_READ_DUP);
  CLOSE_ALL_OK(rd, p);
}

// P = 0xD0FF (with EXECUTE): snapshots swap EXECUTE for WRITE unless
// NO_WRITE, which keeps EXECUTE; slices and references keep it.
static void vmo_child__rights_from_executable_handle(void** state) {
  (void)state;
  vmar_handle_t x = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK,
                vmar_vmo_replace_as_executable(vmo_new(2 * PAGE, 0), &x));
  check_child_rights(x, 0xD0FFu, FROM_EXECUTABLE);
  close_ok(x);
}

// P with RESIZE: it is dropped unless RESIZABLE asks for it again.
static void vmo_child__rights_resize_only_when_resizable(void** state) {
  (void)state;
  vmar_handle_t r = vmo_new(2 * PAGE, VMAR_VMO_RESIZABLE);
  check_child_rights(r, 0x40D0EFu, FROM_RESIZABLE);
  close_ok(r);
}

// The rights are what the child's handle can do: a read-only snapshot is
// not written or mapped writable, a snapshot of a READ|DUPLICATE handle is
// writable but not mappable, an executable slice maps R+X. A child that is
// not resizable: set_size is UNAVAILABLE.
static void vmo_child__rights_take_effect(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(2, 0x52);
  vmar_handle_t ro = child_ok(p, SNAP | NO_WRITE, 0, 2 * PAGE);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_write(ro, "x", 0, 1));
  vmar_vaddr_t a = SENTINEL_ADDR;
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_map(fx->vmar, PERM_RW, 0, ro, 0, PAGE, &a));
  assert_int_equal(a, SENTINEL_ADDR);
  a = map_ok(fx->vmar, PERM_R, 0, ro, 0, 2 * PAGE);
  assert_true(mem_is(a, PAGE, pat(0x52, 0)));
  assert_true(mem_is(a + PAGE, PAGE, pat(0x52, 1)));
  unmap_ok(fx->vmar, a, 2 * PAGE);

  vmar_handle_t rd = dup_with(p, VMAR_RIGHT_READ | VMAR_RIGHT_DUPLICATE);
  vmar_handle_t w = child_ok(rd, SNAP, 0, PAGE);
  write_byte(w, 0, 0x99);
  assert_int_equal(read_byte(w, 0), 0x99);
  assert_int_equal(read_byte(p, 0), pat(0x52, 0));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_map(fx->vmar, PERM_R, 0, w, 0, PAGE, &a));
  vmar_vmo_info_t info;
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_info(w, &info));
  vmar_handle_t rs = child_ok(rd, SLICE, 0, PAGE);
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_write(rs, "x", 0, 1));
  assert_true(vmo_bytes_are(rs, 0, PAGE, pat(0x52, 0)));

  vmar_handle_t x = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_vmo_replace_as_executable(dup_without(p, 0), &x));
  vmar_handle_t xs = child_ok(x, SLICE, 0, PAGE);
  a = map_ok(fx->vmar, PERM_RX, 0, xs, 0, PAGE);
  assert_true(mem_is(a, PAGE, pat(0x52, 0)));
  unmap_ok(fx->vmar, a, PAGE);
  vmar_handle_t xsnap = child_ok(x, SNAP, 0, PAGE);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_map(fx->vmar, PERM_RX, 0, xsnap, 0, PAGE, &a));

  // Not resizable: UNAVAILABLE (the handles have WRITE).
  vmar_handle_t slice = child_ok(p, SLICE, 0, PAGE);
  vmar_handle_t ref = child_ok(p, REF, 0, 0);
  const vmar_handle_t kFixed[] = {xsnap, slice, ref, w};
  for (size_t i = 0; i < N_OF(kFixed); i++) {
    assert_status(VMAR_ERR_UNAVAILABLE, vmar_vmo_set_size(kFixed[i], PAGE));
    assert_status(VMAR_ERR_UNAVAILABLE, vmar_vmo_set_size(kFixed[i], 4 * PAGE));
  }
  assert_int_equal(vmo_size_of(p), 2 * PAGE);
  CLOSE_ALL_OK(ref, slice, xsnap, xs, x, rs, w, rd, ro, p);
}

// ---------------------------------------------------------------------------
// Snapshots

// The child is the parent's window as it was at creation, stores made
// through a mapping of the parent included; bytes past the size asked for,
// up to the page end, are the parent's too.
static void vmo_child__snapshot_copies_window_at_creation(void** state) {
  fixture_t* fx = *state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    vmar_handle_t p = vmo_patterned(4, 0x10);
    vmar_vaddr_t m = map_ok(fx->vmar, PERM_RW, 0, p, 0, 4 * PAGE);
    poke(m + 2 * PAGE + 5, 0x77);
    poke(m + 3 * PAGE + PAGE - 1, 0x78);
    vmar_handle_t c = child_ok(p, kSnapshotKinds[k], PAGE, 2 * PAGE + 100);
    assert_int_equal(vmo_size_of(c), 3 * PAGE);
    assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x10, 1)));
    assert_true(vmo_bytes_are(c, PAGE, 5, pat(0x10, 2)));
    assert_int_equal(read_byte(c, PAGE + 5), 0x77);
    assert_true(vmo_bytes_are(c, PAGE + 6, PAGE - 6, pat(0x10, 2)));
    assert_true(vmo_bytes_are(c, 2 * PAGE, PAGE - 1, pat(0x10, 3)));
    assert_int_equal(read_byte(c, 3 * PAGE - 1), 0x78);
    // Making the child changed nothing in the parent.
    assert_true(mem_is(m, PAGE, pat(0x10, 0)));
    assert_true(mem_is(m + PAGE, PAGE, pat(0x10, 1)));
    assert_int_equal(peek(m + 2 * PAGE + 5), 0x77);
    unmap_ok(fx->vmar, m, 4 * PAGE);
    CLOSE_ALL_OK(c, p);
  }
}

// After creation, writes on either side, with vmar_vmo_write or through
// mappings, stay invisible to the other.
static void vmo_child__snapshot_writes_invisible_both_ways(void** state) {
  fixture_t* fx = *state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    vmar_handle_t p = vmo_patterned(3, 0x20);
    vmar_handle_t c = child_ok(p, kSnapshotKinds[k], 0, 3 * PAGE);
    vmar_vaddr_t mp = map_ok(fx->vmar, PERM_RW, 0, p, 0, 3 * PAGE);
    vmar_vaddr_t mc = map_ok(fx->vmar, PERM_RW, 0, c, 0, 3 * PAGE);
    // The parent writes: page 0 with vmo_write, page 1 through its mapping.
    write_byte(p, 10, 0xA1);
    poke(mp + PAGE + 11, 0xA2);
    // The child writes: page 2 with vmo_write, page 0 through its mapping.
    write_byte(c, 2 * PAGE + 12, 0xB1);
    poke(mc + 13, 0xB2);
    // Each sees its own writes, by both routes ...
    assert_int_equal(read_byte(p, 10), 0xA1);
    assert_int_equal(peek(mp + 10), 0xA1);
    assert_int_equal(read_byte(p, PAGE + 11), 0xA2);
    assert_int_equal(read_byte(c, 2 * PAGE + 12), 0xB1);
    assert_int_equal(peek(mc + 2 * PAGE + 12), 0xB1);
    assert_int_equal(read_byte(c, 13), 0xB2);
    // ... and none of the other's.
    assert_int_equal(read_byte(c, 10), pat(0x20, 0));
    assert_int_equal(peek(mc + 10), pat(0x20, 0));
    assert_int_equal(read_byte(c, PAGE + 11), pat(0x20, 1));
    assert_int_equal(peek(mc + PAGE + 11), pat(0x20, 1));
    assert_int_equal(read_byte(p, 2 * PAGE + 12), pat(0x20, 2));
    assert_int_equal(peek(mp + 2 * PAGE + 12), pat(0x20, 2));
    assert_int_equal(read_byte(p, 13), pat(0x20, 0));
    assert_int_equal(peek(mp + 13), pat(0x20, 0));
    // Everything else is untouched on both sides.
    assert_true(mem_is(mc + PAGE + 12, PAGE - 12, pat(0x20, 1)));
    assert_true(mem_is(mp + 2 * PAGE + 13, PAGE - 13, pat(0x20, 2)));
    unmap_ok(fx->vmar, mc, 3 * PAGE);
    unmap_ok(fx->vmar, mp, 3 * PAGE);
    CLOSE_ALL_OK(c, p);
  }
}

// Pages past the parent's end at creation read zero, and stay zero when the
// parent grows and writes there.
static void vmo_child__snapshot_past_parent_end_reads_zero(void** state) {
  (void)state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    const uint32_t kind = kSnapshotKinds[k];
    vmar_handle_t p = vmo_new(PAGE, VMAR_VMO_RESIZABLE);
    fill_pages(p, 1, 0x30);
    vmar_handle_t beyond = child_ok(p, kind, 2 * PAGE, PAGE);
    vmar_handle_t across = child_ok(p, kind, 0, 3 * PAGE);
    assert_int_equal(vmo_size_of(beyond), PAGE);
    assert_int_equal(vmo_size_of(across), 3 * PAGE);
    assert_true(vmo_bytes_are(beyond, 0, PAGE, 0));
    assert_true(vmo_bytes_are(across, 0, PAGE, pat(0x30, 0)));
    assert_true(vmo_bytes_are(across, PAGE, 2 * PAGE, 0));
    assert_status(VMAR_OK, vmar_vmo_set_size(p, 4 * PAGE));
    fill_pages(p, 4, 0x31);
    assert_true(vmo_bytes_are(beyond, 0, PAGE, 0));
    assert_true(vmo_bytes_are(across, 0, PAGE, pat(0x30, 0)));
    assert_true(vmo_bytes_are(across, PAGE, 2 * PAGE, 0));
    // A snapshot made now sees the grown parent.
    vmar_handle_t now = child_ok(p, kind, 2 * PAGE, PAGE);
    assert_true(vmo_bytes_are(now, 0, PAGE, pat(0x31, 2)));
    CLOSE_ALL_OK(now, across, beyond, p);
  }
}

// Zeroing, shrinking to 0 and closing the parent leave the child as it was
// (a DECOMMIT of the parent is refused while it has a snapshot child).
static void vmo_child__snapshot_survives_parent_changes(void** state) {
  fixture_t* fx = *state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    vmar_handle_t p = vmo_new(3 * PAGE, VMAR_VMO_RESIZABLE);
    fill_pages(p, 3, 0x32);
    vmar_handle_t c = child_ok(p, kSnapshotKinds[k], 0, 3 * PAGE);
    vmar_vaddr_t mc = map_ok(fx->vmar, PERM_R, 0, c, 0, 3 * PAGE);
    const vmar_koid_t pk = koid_of(p);
    assert_status(VMAR_OK, vmar_vmo_op_range(p, VMAR_VMO_OP_ZERO, PAGE, PAGE));
    assert_true(vmo_bytes_are(p, PAGE, PAGE, 0));
    assert_status(VMAR_ERR_NOT_SUPPORTED,
                  vmar_vmo_op_range(p, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
    assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x32, 0)));
    assert_status(VMAR_OK, vmar_vmo_set_content_size(p, 10));
    assert_true(vmo_bytes_are(p, 10, 3 * PAGE - 10, 0));
    assert_status(VMAR_OK, vmar_vmo_set_size(p, 0));
    for (size_t i = 0; i < 3; i++) {
      assert_true(vmo_bytes_are(c, i * PAGE, PAGE, pat(0x32, i)));
      assert_true(mem_is(mc + i * PAGE, PAGE, pat(0x32, i)));
    }
    assert_int_equal(vinfo(c).parent_koid, pk);
    close_ok(p);
    for (size_t i = 0; i < 3; i++) {
      assert_true(vmo_bytes_are(c, i * PAGE, PAGE, pat(0x32, i)));
      assert_true(mem_is(mc + i * PAGE, PAGE, pat(0x32, i)));
    }
    // Still a working VMO, now without a parent.
    assert_int_equal(vinfo(c).parent_koid, VMAR_KOID_INVALID);
    write_byte(c, PAGE, 0x5C);
    assert_int_equal(peek(mc + PAGE), 0x5C);
    unmap_ok(fx->vmar, mc, 3 * PAGE);
    close_ok(c);
  }
}

// A RESIZABLE snapshot grown exposes zeros, never the parent's pages past
// the window; shrinking and growing back gives zeros too.
static void vmo_child__resizable_snapshot_grows_with_zeros(void** state) {
  fixture_t* fx = *state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    vmar_handle_t p = vmo_patterned(4, 0x33);
    vmar_handle_t c = child_ok(p, kSnapshotKinds[k] | RSZ, 0, 2 * PAGE);
    vmar_vaddr_t m = map_ok(fx->vmar, PERM_RW, 0, c, 0, 4 * PAGE);
    assert_false(test_probe_read((const volatile void*)(m + 2 * PAGE)));
    assert_status(VMAR_OK, vmar_vmo_set_size(c, 4 * PAGE));
    assert_int_equal(vmo_size_of(c), 4 * PAGE);
    assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x33, 0)));
    assert_true(vmo_bytes_are(c, PAGE, PAGE, pat(0x33, 1)));
    assert_true(vmo_bytes_are(c, 2 * PAGE, 2 * PAGE, 0));
    assert_true(mem_is(m + 2 * PAGE, 2 * PAGE, 0));
    // Shrink below page 1, grow again: page 1 is zero, page 0 kept.
    assert_status(VMAR_OK, vmar_vmo_set_size(c, PAGE));
    assert_false(test_probe_read((const volatile void*)(m + PAGE)));
    assert_status(VMAR_OK, vmar_vmo_set_size(c, 2 * PAGE));
    assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x33, 0)));
    assert_true(vmo_bytes_are(c, PAGE, PAGE, 0));
    assert_true(mem_is(m + PAGE, PAGE, 0));
    // The parent never changed.
    for (size_t i = 0; i < 4; i++) {
      assert_true(vmo_bytes_are(p, i * PAGE, PAGE, pat(0x33, i)));
    }
    unmap_ok(fx->vmar, m, 4 * PAGE);
    CLOSE_ALL_OK(c, p);
  }
}

// Chains (a snapshot of a snapshot) and siblings are independent of each
// other in every direction.
static void vmo_child__snapshot_chains_and_siblings_independent(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(2, 0x34);
  vmar_handle_t c1 = child_ok(p, SNAP, 0, 2 * PAGE);
  vmar_handle_t g = child_ok(c1, SNAP_ALOW, 0, 2 * PAGE);
  vmar_handle_t c2 = child_ok(p, SNAP_MOD, 0, 2 * PAGE);
  vmar_vaddr_t mg = map_ok(fx->vmar, PERM_RW, 0, g, 0, 2 * PAGE);
  vmar_vaddr_t m1 = map_ok(fx->vmar, PERM_RW, 0, c1, 0, 2 * PAGE);
  write_byte(p, 0, 0x01);
  poke(m1 + 1, 0x02);
  poke(mg + PAGE + 2, 0x03);
  write_byte(c2, PAGE + 3, 0x04);
  // Each holds only its own write.
  const struct {
    vmar_handle_t h;
    uint8_t b0, b1, b2, b3;
  } kWant[] = {
      {p, 0x01, pat(0x34, 0), pat(0x34, 1), pat(0x34, 1)},
      {c1, pat(0x34, 0), 0x02, pat(0x34, 1), pat(0x34, 1)},
      {g, pat(0x34, 0), pat(0x34, 0), 0x03, pat(0x34, 1)},
      {c2, pat(0x34, 0), pat(0x34, 0), pat(0x34, 1), 0x04},
  };
  for (size_t i = 0; i < N_OF(kWant); i++) {
    assert_int_equal(read_byte(kWant[i].h, 0), kWant[i].b0);
    assert_int_equal(read_byte(kWant[i].h, 1), kWant[i].b1);
    assert_int_equal(read_byte(kWant[i].h, PAGE + 2), kWant[i].b2);
    assert_int_equal(read_byte(kWant[i].h, PAGE + 3), kWant[i].b3);
  }
  assert_int_equal(peek(mg + 1), pat(0x34, 0));
  assert_int_equal(peek(m1 + PAGE + 2), pat(0x34, 1));
  // A new snapshot of the middle one sees its state now, then parts.
  vmar_handle_t g2 = child_ok(c1, SNAP, 0, 2 * PAGE);
  assert_int_equal(read_byte(g2, 1), 0x02);
  assert_int_equal(read_byte(g2, 0), pat(0x34, 0));
  poke(m1 + 1, 0x05);
  assert_int_equal(read_byte(g2, 1), 0x02);
  write_byte(g2, 1, 0x06);
  assert_int_equal(peek(m1 + 1), 0x05);
  assert_int_equal(peek(mg + 1), pat(0x34, 0));
  unmap_ok(fx->vmar, m1, 2 * PAGE);
  unmap_ok(fx->vmar, mg, 2 * PAGE);
  CLOSE_ALL_OK(g2, c2, g, c1, p);
}

// A snapshot of a slice copies the slice's window, and ends where the slice
// ends (the parent's next pages are not in it); a snapshot of a reference
// copies the whole parent. Later writes on any side stay apart.
static void vmo_child__snapshot_of_slice_and_reference(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(4, 0x35);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, PAGE);
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  vmar_handle_t cs = child_ok(s, SNAP, 0, 2 * PAGE);
  vmar_handle_t cr = child_ok(r, SNAP_MOD, PAGE, 2 * PAGE);
  assert_int_equal(vinfo(cs).parent_koid, koid_of(s));
  assert_int_equal(vinfo(cr).parent_koid, koid_of(r));
  assert_true(vmo_bytes_are(cs, 0, PAGE, pat(0x35, 1)));
  assert_true(vmo_bytes_are(cs, PAGE, PAGE, 0));
  assert_true(vmo_bytes_are(cr, 0, PAGE, pat(0x35, 1)));
  assert_true(vmo_bytes_are(cr, PAGE, PAGE, pat(0x35, 2)));
  write_byte(s, 0, 0x01);
  write_byte(r, 2 * PAGE, 0x02);
  write_byte(cs, 1, 0x03);
  write_byte(cr, PAGE + 1, 0x04);
  assert_int_equal(read_byte(cs, 0), pat(0x35, 1));
  assert_int_equal(read_byte(cr, PAGE), pat(0x35, 2));
  assert_int_equal(read_byte(p, PAGE), 0x01);
  assert_int_equal(read_byte(p, PAGE + 1), pat(0x35, 1));
  assert_int_equal(read_byte(p, 2 * PAGE + 1), pat(0x35, 2));
  CLOSE_ALL_OK(cr, cs, r, s, p);
}

// A parent with holes: the snapshot has the parent's data where it has data
// (written with vmar_vmo_write or only through a mapping) and zeros
// elsewhere, decommitted pages included.
static void vmo_child__snapshot_of_sparse_parent(void** state) {
  fixture_t* fx = *state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    vmar_handle_t p = vmo_new(6 * PAGE, 0);
    fill_pages(p, 5, 0x36);
    assert_status(VMAR_OK, op_decommit_pages(p, 0, 0));
    assert_status(VMAR_OK, op_decommit_pages(p, 2, 4));
    vmar_vaddr_t m = map_ok(fx->vmar, PERM_RW, 0, p, 0, 6 * PAGE);
    memset((void*)(m + 3 * PAGE), 0x6D, PAGE);
    poke(m + 5 * PAGE + 8, 0x6E);
    vmar_handle_t c = child_ok(p, kSnapshotKinds[k], 0, 6 * PAGE);
    vmar_handle_t part = child_ok(p, kSnapshotKinds[k], 3 * PAGE, PAGE);
    assert_true(vmo_bytes_are(c, 0, PAGE, 0));
    assert_true(vmo_bytes_are(c, PAGE, PAGE, pat(0x36, 1)));
    assert_true(vmo_bytes_are(c, 2 * PAGE, PAGE, 0));
    assert_true(vmo_bytes_are(c, 3 * PAGE, PAGE, 0x6D));
    assert_true(vmo_bytes_are(c, 4 * PAGE, PAGE, 0));
    assert_true(vmo_bytes_are(c, 5 * PAGE, 8, 0));
    assert_int_equal(read_byte(c, 5 * PAGE + 8), 0x6E);
    assert_true(vmo_bytes_are(c, 5 * PAGE + 9, PAGE - 9, 0));
    assert_true(vmo_bytes_are(part, 0, PAGE, 0x6D));
    unmap_ok(fx->vmar, m, 6 * PAGE);
    CLOSE_ALL_OK(part, c, p);
  }
}

// ---------------------------------------------------------------------------
// Slices

// A slice is a window onto its parent's pages: writes in either, with
// vmar_vmo_write or through mappings, show in the other; so do nested
// slices.
static void vmo_child__slice_shares_pages_both_ways(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(4, 0x60);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, 2 * PAGE);
  vmar_handle_t ss = child_ok(s, SLICE, PAGE, PAGE);
  assert_int_equal(vmo_size_of(s), 2 * PAGE);
  assert_true(vmo_bytes_are(s, 0, PAGE, pat(0x60, 1)));
  assert_true(vmo_bytes_are(s, PAGE, PAGE, pat(0x60, 2)));
  assert_true(vmo_bytes_are(ss, 0, PAGE, pat(0x60, 2)));
  vmar_vaddr_t mp = map_ok(fx->vmar, PERM_RW, 0, p, 0, 4 * PAGE);
  vmar_vaddr_t ms = map_ok(fx->vmar, PERM_RW, 0, s, 0, 2 * PAGE);
  vmar_vaddr_t mss = map_ok(fx->vmar, PERM_RW, 0, ss, 0, PAGE);
  write_byte(p, 2 * PAGE + 1, 0xA1);
  assert_int_equal(read_byte(s, PAGE + 1), 0xA1);
  assert_int_equal(read_byte(ss, 1), 0xA1);
  assert_int_equal(peek(ms + PAGE + 1), 0xA1);
  assert_int_equal(peek(mss + 1), 0xA1);
  write_byte(s, 2, 0xA2);
  assert_int_equal(read_byte(p, PAGE + 2), 0xA2);
  assert_int_equal(peek(mp + PAGE + 2), 0xA2);
  poke(mss + 3, 0xA3);
  assert_int_equal(read_byte(p, 2 * PAGE + 3), 0xA3);
  assert_int_equal(read_byte(s, PAGE + 3), 0xA3);
  assert_int_equal(peek(mp + 2 * PAGE + 3), 0xA3);
  poke(mp + PAGE + 4, 0xA4);
  assert_int_equal(read_byte(s, 4), 0xA4);
  assert_int_equal(peek(ms + 4), 0xA4);
  // Outside the window nothing moved.
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x60, 0)));
  assert_true(vmo_bytes_are(p, 3 * PAGE, PAGE, pat(0x60, 3)));
  unmap_ok(fx->vmar, mss, PAGE);
  unmap_ok(fx->vmar, ms, 2 * PAGE);
  unmap_ok(fx->vmar, mp, 4 * PAGE);
  CLOSE_ALL_OK(ss, s, p);
}

// A slice of a snapshot child shares the child's pages, not the parent's.
static void vmo_child__slice_of_snapshot_shares_child_pages(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x68);
  vmar_handle_t c = child_ok(p, SNAP, 0, 2 * PAGE);
  vmar_handle_t s = child_ok(c, SLICE, PAGE, PAGE);
  write_byte(s, 4, 0x14);
  assert_int_equal(read_byte(c, PAGE + 4), 0x14);
  assert_int_equal(read_byte(p, PAGE + 4), pat(0x68, 1));
  write_byte(p, PAGE + 5, 0x15);
  assert_int_equal(read_byte(s, 5), pat(0x68, 1));
  write_byte(c, PAGE + 6, 0x16);
  assert_int_equal(read_byte(s, 6), 0x16);
  assert_int_equal(vinfo(s).parent_koid, koid_of(c));
  assert_int_equal(children_of(p), 1);
  CLOSE_ALL_OK(s, c, p);
}

// DECOMMIT in the parent makes the slice read zero, and the other way
// round, only inside the range.
static void vmo_child__slice_decommit_both_ways(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(4, 0x61);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, 2 * PAGE);
  vmar_vaddr_t ms = map_ok(fx->vmar, PERM_RW, 0, s, 0, 2 * PAGE);
  assert_status(VMAR_OK,
                vmar_vmo_op_range(p, VMAR_VMO_OP_DECOMMIT, PAGE, PAGE));
  assert_true(vmo_bytes_are(s, 0, PAGE, 0));
  assert_true(mem_is(ms, PAGE, 0));
  assert_true(vmo_bytes_are(s, PAGE, PAGE, pat(0x61, 2)));
  // Decommitted pages are usable again.
  poke(ms + 7, 0x17);
  assert_int_equal(read_byte(p, PAGE + 7), 0x17);
  assert_status(VMAR_OK,
                vmar_vmo_op_range(s, VMAR_VMO_OP_DECOMMIT, PAGE, PAGE));
  assert_true(vmo_bytes_are(p, 2 * PAGE, PAGE, 0));
  assert_true(mem_is(ms + PAGE, PAGE, 0));
  assert_int_equal(read_byte(p, PAGE + 7), 0x17);
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x61, 0)));
  assert_true(vmo_bytes_are(p, 3 * PAGE, PAGE, pat(0x61, 3)));
  // The slice's range is its own: past its window is OUT_OF_RANGE.
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_op_range(s, VMAR_VMO_OP_DECOMMIT, 2 * PAGE, PAGE));
  assert_true(vmo_bytes_are(p, 3 * PAGE, PAGE, pat(0x61, 3)));
  unmap_ok(fx->vmar, ms, 2 * PAGE);
  CLOSE_ALL_OK(s, p);
}

// The size is rounded up: a 42-byte slice reads its whole first page (the
// parent's bytes, none zeroed); its content size stays 42.
static void vmo_child__slice_size_rounded_up(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x62);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, 42);
  assert_int_equal(vmo_size_of(s), PAGE);
  assert_int_equal(content_of(s), 42);
  assert_true(vmo_bytes_are(s, 0, PAGE, pat(0x62, 1)));
  write_byte(s, PAGE - 1, 0x42);
  assert_int_equal(read_byte(p, 2 * PAGE - 1), 0x42);
  uint8_t b = 0;
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(s, &b, PAGE, 1));
  CLOSE_ALL_OK(s, p);
}

// An empty slice at the parent's end is fine; every non-empty read or write
// of it is OUT_OF_RANGE.
static void vmo_child__slice_zero_size_at_end(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x63);
  vmar_handle_t s = child_ok(p, SLICE, 2 * PAGE, 0);
  assert_int_equal(vmo_size_of(s), 0);
  uint8_t buf[8] = {0};
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(s, buf, 0, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_write(s, buf, 0, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(s, buf, 0, sizeof(buf)));
  assert_status(VMAR_OK, vmar_vmo_read(s, buf, 0, 0));
  assert_true(vmo_bytes_are(p, PAGE, PAGE, pat(0x63, 1)));
  vmar_handle_t empty = child_ok(p, SLICE, 0, 0);
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(empty, buf, 0, 1));
  CLOSE_ALL_OK(empty, s, p);
}

// Reads and writes past the window are OUT_OF_RANGE even though the parent
// has bytes there; nothing is copied.
static void vmo_child__slice_io_past_window_out_of_range(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(4, 0x64);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, PAGE);
  uint8_t buf[16];
  memset(buf, 0x5A, sizeof(buf));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(s, buf, PAGE, 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_read(s, buf, PAGE - 8, sizeof(buf)));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_write(s, buf, PAGE - 8, sizeof(buf)));
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(s, buf, UINT64_MAX, 2));
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 0x5A);
  }
  assert_true(vmo_bytes_are(p, PAGE, PAGE, pat(0x64, 1)));
  assert_true(vmo_bytes_are(p, 2 * PAGE, PAGE, pat(0x64, 2)));
  CLOSE_ALL_OK(s, p);
}

// Closing the parent leaves the slice working on the same pages.
static void vmo_child__slice_survives_parent_close(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(3, 0x65);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, 2 * PAGE);
  vmar_vaddr_t mp = map_ok(fx->vmar, PERM_RW, 0, p, 0, 3 * PAGE);
  close_ok(p);
  assert_true(vmo_bytes_are(s, 0, PAGE, pat(0x65, 1)));
  assert_true(vmo_bytes_are(s, PAGE, PAGE, pat(0x65, 2)));
  write_byte(s, 5, 0x55);
  assert_int_equal(read_byte(s, 5), 0x55);
  // Still the parent's pages, as its mapping shows.
  assert_int_equal(peek(mp + PAGE + 5), 0x55);
  poke(mp + 2 * PAGE + 6, 0x56);
  assert_int_equal(read_byte(s, PAGE + 6), 0x56);
  unmap_ok(fx->vmar, mp, 3 * PAGE);
  assert_int_equal(read_byte(s, PAGE + 6), 0x56);
  close_ok(s);
}

// A mapping longer than the slice: the part inside the window works, the
// part past it faults (it is not the parent's next pages); vmar_get_maps
// shows one mapping of the whole length.
static void vmo_child__slice_mapping_past_window_faults(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(4, 0x66);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, PAGE);
  vmar_vaddr_t m = map_ok(fx->vmar, PERM_RW, 0, s, 0, 3 * PAGE);
  assert_true(mem_is(m, PAGE, pat(0x66, 1)));
  poke(m + 7, 0xE7);
  assert_int_equal(read_byte(p, PAGE + 7), 0xE7);
  for (size_t i = 1; i < 3; i++) {
    assert_false(test_probe_read((const volatile void*)(m + i * PAGE)));
    assert_false(test_probe_write((volatile void*)(m + i * PAGE + 9)));
  }
  assert_true(vmo_bytes_are(p, 2 * PAGE, PAGE, pat(0x66, 2)));
  assert_true(vmo_bytes_are(p, 3 * PAGE, PAGE, pat(0x66, 3)));
  size_t n = 0;
  vmar_map_info_t* e = maps_take(fx->vmar, &n);
  assert_int_equal(n, 2);
  assert_mapping(&e[1], m, 3 * PAGE, koid_of(s), 0);
  assert_int_equal(e[1].mmu_flags, PERM_RW);
  free(e);
  // One mapping, of the slice (not of the parent).
  assert_int_equal(mappings_of(s), 1);
  assert_int_equal(mappings_of(p), 0);
  // A mapping that starts past the window faults everywhere.
  vmar_vaddr_t m2 = map_ok(fx->vmar, PERM_R, 0, s, PAGE, PAGE);
  assert_false(test_probe_read((const volatile void*)m2));
  assert_int_equal(mappings_of(s), 2);
  unmap_ok(fx->vmar, m2, PAGE);
  unmap_ok(fx->vmar, m, 3 * PAGE);
  assert_int_equal(mappings_of(s), 0);
  CLOSE_ALL_OK(s, p);
}

// vmar_vmo_get_fd cannot export a slice (its file holds more than the
// window); the parent, a reference and a snapshot can be.
static void vmo_child__slice_get_fd_not_supported(void** state) {
  (void)state;
  if (TEST_BACKEND_ZIRCON) {
    // vmar_vmo_get_fd is NOT_SUPPORTED for every VMO on the Zircon backend,
    // so a slice's answer there says nothing about slices.
    print_message("skipped: vmar_vmo_get_fd is NOT_SUPPORTED for every VMO "
                  "on the Zircon backend\n");
    skip();
  }
  vmar_handle_t p = vmo_patterned(2, 0x67);
  vmar_handle_t s = child_ok(p, SLICE, 0, PAGE);
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  vmar_handle_t c = child_ok(p, SNAP, 0, PAGE);
  int fd = -1;
  assert_status(VMAR_ERR_NOT_SUPPORTED, vmar_vmo_get_fd(s, &fd));
  assert_int_equal(fd, -1);
  const vmar_handle_t kOk[] = {p, r, c};
  for (size_t i = 0; i < N_OF(kOk); i++) {
    fd = -1;
    assert_status(VMAR_OK, vmar_vmo_get_fd(kOk[i], &fd));
    assert_true(fd >= 0);
    uint8_t b = 0;
    assert_int_equal(pread(fd, &b, 1, 3), 1);
    assert_int_equal(b, pat(0x67, 0));
    close(fd);
  }
  CLOSE_ALL_OK(c, r, s, p);
}

// ---------------------------------------------------------------------------
// References

// A reference is the whole parent: writes in either, with vmar_vmo_write or
// through mappings, show in the other.
static void vmo_child__reference_shares_pages_both_ways(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_patterned(2, 0x70);
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  assert_int_equal(vmo_size_of(r), 2 * PAGE);
  assert_true(vmo_bytes_are(r, 0, PAGE, pat(0x70, 0)));
  assert_true(vmo_bytes_are(r, PAGE, PAGE, pat(0x70, 1)));
  vmar_vaddr_t mp = map_ok(fx->vmar, PERM_RW, 0, p, 0, 2 * PAGE);
  vmar_vaddr_t mr = map_ok(fx->vmar, PERM_RW, 0, r, 0, 2 * PAGE);
  write_byte(p, 1, 0xB1);
  assert_int_equal(read_byte(r, 1), 0xB1);
  assert_int_equal(peek(mr + 1), 0xB1);
  write_byte(r, PAGE + 2, 0xB2);
  assert_int_equal(read_byte(p, PAGE + 2), 0xB2);
  assert_int_equal(peek(mp + PAGE + 2), 0xB2);
  poke(mr + 3, 0xB3);
  assert_int_equal(read_byte(p, 3), 0xB3);
  poke(mp + PAGE + 4, 0xB4);
  assert_int_equal(read_byte(r, PAGE + 4), 0xB4);
  unmap_ok(fx->vmar, mr, 2 * PAGE);
  unmap_ok(fx->vmar, mp, 2 * PAGE);
  CLOSE_ALL_OK(r, p);
}

// A reference's size follows its parent's; a RESIZABLE reference resizes
// the parent; the content size is one value for both.
static void vmo_child__reference_follows_size_and_content_size(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(2 * PAGE, VMAR_VMO_RESIZABLE);
  fill_pages(p, 2, 0x71);
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  vmar_handle_t rr = child_ok(p, REF | RSZ, 0, 0);
  assert_status(VMAR_OK, vmar_vmo_set_size(p, 4 * PAGE + 3));
  assert_int_equal(vmo_size_of(r), 5 * PAGE);
  assert_int_equal(vmo_size_of(rr), 5 * PAGE);
  assert_int_equal(content_of(r), 4 * PAGE + 3);
  write_byte(r, 4 * PAGE, 0xC4);
  assert_int_equal(read_byte(p, 4 * PAGE), 0xC4);
  // Resized through the resizable reference.
  assert_status(VMAR_OK, vmar_vmo_set_size(rr, PAGE));
  assert_int_equal(vmo_size_of(p), PAGE);
  assert_int_equal(vmo_size_of(r), PAGE);
  assert_int_equal(content_of(p), PAGE);
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x71, 0)));
  uint8_t b = 0;
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_read(r, &b, PAGE, 1));
  // The plain reference of a resizable parent is resizable, but its handle
  // lacks RESIZE.
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_size(r, 2 * PAGE));
  // Content size, both ways.
  assert_status(VMAR_OK, vmar_vmo_set_content_size(p, 100));
  assert_int_equal(content_of(r), 100);
  assert_int_equal(content_of(rr), 100);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(r, 200));
  assert_int_equal(content_of(p), 200);
  assert_int_equal(content_of(rr), 200);
  CLOSE_ALL_OK(rr, r, p);
}

// ---------------------------------------------------------------------------
// vmar_vmo_get_info

// INSPECT is the one right needed (checked before the pointer); NULL is
// INVALID_ARGS; not a VMO: WRONG_TYPE; not a handle: BAD_HANDLE. A failing
// call writes nothing.
static void vmo_info__status_checks(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_new(PAGE, 0);
  vmar_handle_t noinspect = dup_without(p, VMAR_RIGHT_INSPECT);
  vmar_handle_t closed = closed_vmo();
  vmar_vmo_info_t i, before;
  memset(&before, 0x5A, sizeof(before));
  memcpy(&i, &before, sizeof(i));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_info(noinspect, &i));
  assert_memory_equal(&i, &before, sizeof(i));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_info(noinspect, NULL));
  assert_status(VMAR_ERR_INVALID_ARGS, vmar_vmo_get_info(p, NULL));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_get_info(VMAR_HANDLE_INVALID, &i));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_get_info(closed, &i));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_get_info(closed, NULL));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_get_info(fx->vmar, &i));
  assert_status(VMAR_ERR_WRONG_TYPE, vmar_vmo_get_info(vmar_root_self(), &i));
  assert_memory_equal(&i, &before, sizeof(i));
  // INSPECT alone is enough.
  vmar_handle_t only = dup_with(p, VMAR_RIGHT_INSPECT);
  vmar_vmo_info_t got = vinfo(only);
  assert_int_equal(got.handle_rights, VMAR_RIGHT_INSPECT);
  assert_int_equal(got.koid, koid_of(p));
  CLOSE_ALL_OK(only, noinspect, p);
}

// A VMO made by vmar_vmo_create: its koid, size, name; flags exactly
// PAGED|VIA_HANDLE (+RESIZABLE, +DISCARDABLE); no parent, children or
// mappings; nothing committed; the asking handle's rights; cached.
static void vmo_info__plain_vmo_fields(void** state) {
  (void)state;
  const struct {
    uint32_t options;
    uint32_t flags;
  } kCases[] = {
      {0, 0x9u},
      {VMAR_VMO_RESIZABLE, 0xBu},
      {VMAR_VMO_DISCARDABLE, 0x89u},
      {VMAR_VMO_RESIZABLE | VMAR_VMO_DISCARDABLE, 0x8Bu},
  };
  assert_int_equal(FLAGS_PLAIN, 0x9u);
  assert_int_equal(VMAR_INFO_VMO_DISCARDABLE, 0x80u);
  for (size_t c = 0; c < N_OF(kCases); c++) {
    vmar_handle_t h = vmo_new(3 * PAGE - 5, kCases[c].options);
    vmar_vmo_info_t i = vinfo(h);
    assert_int_equal(i.koid, koid_of(h));
    assert_int_not_equal(i.koid, VMAR_KOID_INVALID);
    assert_string_equal(i.name, "");
    assert_int_equal(i.size_bytes, 3 * PAGE);
    assert_int_equal(i.parent_koid, VMAR_KOID_INVALID);
    assert_int_equal(i.num_children, 0);
    assert_int_equal(i.num_mappings, 0);
    assert_int_equal(i.flags, kCases[c].flags);
    assert_int_equal(i.committed_bytes, 0);
    assert_int_equal(i.handle_rights, rights_of(h));
    assert_int_equal(i.cache_policy, 0);
    assert_status(VMAR_OK, vmar_vmo_set_name(h, "plain-name"));
    i = vinfo(h);
    assert_string_equal(i.name, "plain-name");
    // Another handle: the same object, its own rights.
    vmar_handle_t d = dup_without(h, VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP);
    vmar_vmo_info_t j = vinfo(d);
    assert_int_equal(j.koid, i.koid);
    assert_int_equal(j.handle_rights, rights_of(d));
    assert_int_equal(j.handle_rights,
                     i.handle_rights & ~(VMAR_RIGHT_WRITE | VMAR_RIGHT_MAP));
    assert_int_equal(j.flags, i.flags);
    assert_int_equal(j.size_bytes, i.size_bytes);
    CLOSE_ALL_OK(d, h);
  }
}

// committed_bytes: 0 for a fresh VMO, one page once one byte is written.
static void vmo_info__committed_bytes_fresh_and_one_page(void** state) {
  (void)state;
  const uint32_t kOptions[] = {0, VMAR_VMO_RESIZABLE};
  for (size_t o = 0; o < N_OF(kOptions); o++) {
    vmar_handle_t h = vmo_new(4 * PAGE, kOptions[o]);
    assert_int_equal(vinfo(h).committed_bytes, 0);
    write_byte(h, 2 * PAGE + 7, 0x01);
    assert_int_equal(vinfo(h).committed_bytes, PAGE);
    close_ok(h);
  }
}

// Flags of children: snapshots are copy-on-write clones (IMMUTABLE for
// SNAPSHOT|NO_WRITE only, on every handle), slices and references never;
// a reference of a resizable VMO is resizable. The parent's flags do not
// change.
static void vmo_info__child_flags(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x72);
  vmar_handle_t r = vmo_new(2 * PAGE, VMAR_VMO_RESIZABLE);
  assert_int_equal(VMAR_INFO_VMO_IS_COW_CLONE, 0x4u);
  assert_int_equal(VMAR_INFO_VMO_IMMUTABLE, 0x100u);
  const struct {
    vmar_handle_t parent;
    uint32_t options;
    uint32_t flags;
  } kCases[] = {
      {p, SNAP, 0xDu},
      {p, SNAP_ALOW, 0xDu},
      {p, SNAP_MOD, 0xDu},
      {p, SNAP | RSZ, 0xFu},
      {p, SNAP | NO_WRITE, 0x10Du},
      {p, SLICE, 0x9u},
      {p, SLICE | NO_WRITE, 0x9u},
      {p, REF, 0x9u},
      {p, REF | NO_WRITE, 0x9u},
      {r, SNAP, 0xDu},
      {r, REF, 0xBu},
      {r, REF | RSZ, 0xBu},
      {r, REF | NO_WRITE, 0xBu},
  };
  for (size_t c = 0; c < N_OF(kCases); c++) {
    const uint64_t size = kCases[c].options & REF ? 0 : PAGE;
    vmar_handle_t h = child_ok(kCases[c].parent, kCases[c].options, 0, size);
    assert_int_equal(vinfo(h).flags, kCases[c].flags);
    // The flags belong to the object: a reduced handle reports the same.
    vmar_handle_t d = dup_without(h, VMAR_RIGHT_WRITE | VMAR_RIGHT_READ);
    assert_int_equal(vinfo(d).flags, kCases[c].flags);
    CLOSE_ALL_OK(d, h);
  }
  assert_int_equal(vinfo(p).flags, 0x9u);
  assert_int_equal(vinfo(r).flags, 0xBu);
  // A snapshot of the read-only snapshot is an ordinary one.
  vmar_handle_t ro = child_ok(p, SNAP | NO_WRITE, 0, PAGE);
  vmar_handle_t g = child_ok(ro, SNAP, 0, PAGE);
  assert_int_equal(vinfo(g).flags, 0xDu);
  assert_int_equal(vinfo(ro).flags, 0x10Du);
  CLOSE_ALL_OK(g, ro, r, p);
}

// IMMUTABLE marks a child made with exactly SNAPSHOT|NO_WRITE, as
// zx_vmo_create_child does: only that kind is guaranteed to give a VMO that
// never changes. SNAPSHOT_AT_LEAST_ON_WRITE|NO_WRITE and
// SNAPSHOT_MODIFIED|NO_WRITE children report 0xD.
static void vmo_info__immutable_only_for_snapshot_no_write(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(1, 0x77);
  const uint32_t kKinds[] = {SNAP_ALOW, SNAP_MOD};
  for (size_t k = 0; k < N_OF(kKinds); k++) {
    vmar_handle_t c = child_ok(p, kKinds[k] | NO_WRITE, 0, PAGE);
    assert_int_equal(rights_of(c) & VMAR_RIGHT_WRITE, 0);
    assert_int_equal(vinfo(c).flags, 0xDu);
    close_ok(c);
  }
  close_ok(p);
}

// Children of every kind name their parent and count in its num_children
// from creation until their last handle closes; failures count nothing.
static void vmo_info__parent_koid_and_num_children(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x73);
  const vmar_koid_t pk = koid_of(p);
  vmar_handle_t kids[N_OF(kAllKinds)];
  for (size_t k = 0; k < N_OF(kAllKinds); k++) {
    kids[k] = child_ok(p, kAllKinds[k], 0, kind_size(kAllKinds[k]));
    assert_int_equal(children_of(p), k + 1);
    vmar_vmo_info_t i = vinfo(kids[k]);
    assert_int_equal(i.parent_koid, pk);
    assert_int_equal(i.num_children, 0);
    assert_int_equal(i.koid, koid_of(kids[k]));
    assert_int_not_equal(i.koid, pk);
    for (size_t j = 0; j < k; j++) {
      assert_int_not_equal(i.koid, koid_of(kids[j]));
    }
  }
  expect_child_fails(VMAR_ERR_INVALID_ARGS, p, 0, 0, PAGE);
  expect_child_fails(VMAR_ERR_INVALID_ARGS, p, SLICE, 0, 8 * PAGE);
  assert_int_equal(children_of(p), N_OF(kAllKinds));
  // A second handle keeps a child alive; the last close ends it.
  vmar_handle_t extra = dup_without(kids[0], 0);
  close_ok(kids[0]);
  assert_int_equal(children_of(p), N_OF(kAllKinds));
  close_ok(extra);
  assert_int_equal(children_of(p), N_OF(kAllKinds) - 1);
  for (size_t k = 1; k < N_OF(kAllKinds); k++) {
    close_ok(kids[k]);
    assert_int_equal(children_of(p), N_OF(kAllKinds) - 1 - k);
  }
  close_ok(p);
}

// A child kept alive only by a mapping still counts until it is unmapped.
static void vmo_info__mapped_child_counts_until_unmapped(void** state) {
  fixture_t* fx = *state;
  const uint32_t kKinds[] = {SLICE, SNAP, REF};
  vmar_handle_t p = vmo_patterned(2, 0x74);
  for (size_t k = 0; k < N_OF(kKinds); k++) {
    vmar_handle_t c = child_ok(p, kKinds[k], 0, kKinds[k] == REF ? 0 : PAGE);
    vmar_vaddr_t m = map_ok(fx->vmar, PERM_RW, 0, c, 0, PAGE);
    close_ok(c);
    assert_int_equal(children_of(p), 1);
    // The mapping still works on the child's pages.
    poke(m + 9, 0x19);
    assert_int_equal(read_byte(p, 9), kKinds[k] == SNAP ? pat(0x74, 0) : 0x19);
    unmap_ok(fx->vmar, m, PAGE);
    assert_int_equal(children_of(p), 0);
    write_byte(p, 9, pat(0x74, 0));
  }
  close_ok(p);
}

// Closing the middle of P -> C -> G makes G a child of P; with no ancestor
// left, G has no parent.
static void vmo_info__closing_middle_rehomes_grandchild(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(2, 0x75);
  const vmar_koid_t pk = koid_of(p);
  vmar_handle_t c = child_ok(p, SNAP, 0, 2 * PAGE);
  write_byte(c, 0, 0x11);
  vmar_handle_t g = child_ok(c, SLICE, 0, 2 * PAGE);
  assert_int_equal(vinfo(g).parent_koid, koid_of(c));
  assert_int_equal(children_of(c), 1);
  assert_int_equal(children_of(p), 1);
  close_ok(c);
  assert_int_equal(children_of(p), 1);
  assert_int_equal(vinfo(g).parent_koid, pk);
  // G still shows C's pages.
  assert_int_equal(read_byte(g, 0), 0x11);
  assert_true(vmo_bytes_are(g, PAGE, PAGE, pat(0x75, 1)));
  close_ok(g);
  assert_int_equal(children_of(p), 0);

  // The other way: the top goes first.
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  vmar_handle_t s = child_ok(r, SNAP, 0, PAGE);
  close_ok(p);
  assert_int_equal(vinfo(r).parent_koid, VMAR_KOID_INVALID);
  assert_int_equal(vinfo(s).parent_koid, koid_of(r));
  assert_int_equal(children_of(r), 1);
  close_ok(r);
  assert_int_equal(vinfo(s).parent_koid, VMAR_KOID_INVALID);
  assert_true(vmo_bytes_are(s, 0, PAGE, pat(0x75, 0)));
  close_ok(s);
}

// A child gets a copy of its parent's name iff the parent's handle has
// GET_PROPERTY; from then on the names are separate.
static void vmo_info__name_copied_iff_get_property(void** state) {
  (void)state;
  vmar_handle_t p = vmo_new(PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_set_name(p, "family"));
  vmar_handle_t nogp = dup_without(p, VMAR_RIGHT_GET_PROPERTY);
  char name[VMAR_MAX_NAME_LEN];
  vmar_handle_t named[N_OF(kAllKinds)];
  vmar_handle_t blank[N_OF(kAllKinds)];
  for (size_t k = 0; k < N_OF(kAllKinds); k++) {
    named[k] = child_ok(p, kAllKinds[k], 0, kind_size(kAllKinds[k]));
    blank[k] = child_ok(nogp, kAllKinds[k], 0, kind_size(kAllKinds[k]));
    name_of(named[k], name);
    assert_string_equal(name, "family");
    assert_string_equal(vinfo(named[k]).name, "family");
    name_of(blank[k], name);
    assert_string_equal(name, "");
    assert_string_equal(vinfo(blank[k]).name, "");
  }
  assert_status(VMAR_OK, vmar_vmo_set_name(named[0], "child"));
  assert_status(VMAR_OK, vmar_vmo_set_name(p, "renamed"));
  name_of(p, name);
  assert_string_equal(name, "renamed");
  assert_string_equal(vinfo(named[0]).name, "child");
  for (size_t k = 1; k < N_OF(kAllKinds); k++) {
    assert_string_equal(vinfo(named[k]).name, "family");
  }
  for (size_t k = 0; k < N_OF(kAllKinds); k++) {
    CLOSE_ALL_OK(blank[k], named[k]);
  }
  CLOSE_ALL_OK(nogp, p);
}

// num_mappings counts mappings: a protect inside one keeps the count, an
// unmap of its middle makes two of it; unmapping everything, or destroying
// the VMAR that holds them, brings it to 0. A child's mappings count in the
// child only.
static void vmo_info__num_mappings_counts_mappings(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_patterned(4, 0x76);
  vmar_vaddr_t m1 = map_ok(fx->vmar, PERM_RW, 0, h, 0, 4 * PAGE);
  vmar_vaddr_t m2 = map_ok(fx->vmar, PERM_RW, 0, h, 0, 4 * PAGE);
  assert_int_equal(mappings_of(h), 2);
  assert_status(VMAR_OK, vmar_protect(fx->vmar, PERM_R, m1 + PAGE, PAGE));
  assert_int_equal(mappings_of(h), 2);
  unmap_ok(fx->vmar, m2 + PAGE, PAGE);
  assert_int_equal(mappings_of(h), 3);
  assert_true(mem_is(m2 + 2 * PAGE, PAGE, pat(0x76, 2)));
  unmap_ok(fx->vmar, m2, PAGE);
  assert_int_equal(mappings_of(h), 2);
  unmap_ok(fx->vmar, m2 + 2 * PAGE, 2 * PAGE);
  unmap_ok(fx->vmar, m1, 4 * PAGE);
  assert_int_equal(mappings_of(h), 0);
  // A child's mappings are its own.
  vmar_handle_t s = child_ok(h, SLICE, 0, PAGE);
  vmar_vaddr_t ms = map_ok(fx->vmar, PERM_R, 0, s, 0, PAGE);
  assert_int_equal(mappings_of(s), 1);
  assert_int_equal(mappings_of(h), 0);
  unmap_ok(fx->vmar, ms, PAGE);
  // Destroying a VMAR unmaps what it holds.
  vmar_vaddr_t sb = 0;
  vmar_handle_t sub = alloc_ok(fx->vmar, CAN_RW, 0, 16 * PAGE, &sb);
  map_ok(sub, PERM_RW, 0, h, 0, 2 * PAGE);
  map_ok(sub, PERM_R, 0, h, PAGE, 3 * PAGE);
  map_ok(sub, PERM_R, 0, s, 0, PAGE);
  assert_int_equal(mappings_of(h), 2);
  assert_int_equal(mappings_of(s), 1);
  destroy_close(sub);
  assert_int_equal(mappings_of(h), 0);
  assert_int_equal(mappings_of(s), 0);
  CLOSE_ALL_OK(s, h);
}

// ---------------------------------------------------------------------------
// Content size

// vmar_vmo_create and vmar_vmo_create_child set it to the size asked for,
// unrounded; a reference shares its parent's.
static void vmo_content_size__create_and_children(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(5461, 0);
  assert_int_equal(content_of(h), 5461);
  assert_int_equal(vmo_size_of(h), round_up(5461, PAGE));
  vmar_handle_t z = vmo_new(0, 0);
  assert_int_equal(content_of(z), 0);
  const struct {
    uint32_t options;
    uint64_t size;
  } kCases[] = {
      {SNAP, 42},    {SNAP_ALOW, PAGE + 1},
      {SNAP_MOD, 7}, {SNAP | RSZ, 3 * PAGE + 7},
      {SLICE, 100},  {SLICE, 0},
  };
  for (size_t c = 0; c < N_OF(kCases); c++) {
    vmar_handle_t k = child_ok(h, kCases[c].options, 0, kCases[c].size);
    assert_int_equal(content_of(k), kCases[c].size);
    assert_int_equal(vmo_size_of(k), round_up(kCases[c].size, PAGE));
    close_ok(k);
  }
  vmar_handle_t r = child_ok(h, REF, 0, 0);
  assert_int_equal(content_of(r), 5461);
  // A snapshot's content size is its own.
  vmar_handle_t s = child_ok(h, SNAP, 0, 2 * PAGE);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(s, 10));
  assert_int_equal(content_of(h), 5461);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(h, 20));
  assert_int_equal(content_of(s), 10);
  CLOSE_ALL_OK(s, r, z, h);
}

// vmar_vmo_set_size sets the content size to the size asked for.
static void vmo_content_size__set_size_sets_it(void** state) {
  (void)state;
  vmar_handle_t r = vmo_new(PAGE, VMAR_VMO_RESIZABLE);
  assert_status(VMAR_OK, vmar_vmo_set_size(r, 5461));
  assert_int_equal(content_of(r), 5461);
  assert_int_equal(vmo_size_of(r), round_up(5461, PAGE));
  assert_status(VMAR_OK, vmar_vmo_set_size(r, 3 * PAGE));
  assert_int_equal(content_of(r), 3 * PAGE);
  assert_status(VMAR_OK, vmar_vmo_set_size(r, 0));
  assert_int_equal(content_of(r), 0);
  vmar_handle_t c = child_ok(r, SNAP | RSZ, 0, 0);
  assert_status(VMAR_OK, vmar_vmo_set_size(c, 77));
  assert_int_equal(content_of(c), 77);
  assert_int_equal(content_of(r), 0);
  CLOSE_ALL_OK(c, r);
}

// Above the VMO's size: OUT_OF_RANGE; equal to the current value: OK and
// nothing changes (no byte is zeroed).
static void vmo_content_size__bounds_and_same_value(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(2 * PAGE - 10, 0);
  fill_pages(h, 2, 0x80);
  assert_int_equal(content_of(h), 2 * PAGE - 10);
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_set_content_size(h, 2 * PAGE + 1));
  assert_status(VMAR_ERR_OUT_OF_RANGE,
                vmar_vmo_set_content_size(h, UINT64_MAX));
  assert_int_equal(content_of(h), 2 * PAGE - 10);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(h, 2 * PAGE - 10));
  assert_int_equal(content_of(h), 2 * PAGE - 10);
  assert_true(vmo_bytes_are(h, PAGE, PAGE, pat(0x80, 1)));
  assert_int_equal(vmo_size_of(h), 2 * PAGE);
  // Exactly the VMO's size is allowed (raising: the 10 bytes past the old
  // value are zeroed).
  assert_status(VMAR_OK, vmar_vmo_set_content_size(h, 2 * PAGE));
  assert_int_equal(content_of(h), 2 * PAGE);
  assert_int_equal(vmo_size_of(h), 2 * PAGE);
  assert_true(vmo_bytes_are(h, PAGE, PAGE - 10, pat(0x80, 1)));
  assert_true(vmo_bytes_are(h, 2 * PAGE - 10, 10, 0));
  CLOSE_ALL_OK(h);
}

// Lowering zeroes from the new value to the VMO's end (in every mapping
// too); the VMO's size stays.
static void vmo_content_size__lowering_zeroes_to_end(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t h = vmo_new(3 * PAGE, 0);
  fill_pages(h, 3, 0x81);
  vmar_vaddr_t m = map_ok(fx->vmar, PERM_R, 0, h, 0, 3 * PAGE);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(h, 100));
  assert_int_equal(content_of(h), 100);
  assert_int_equal(vmo_size_of(h), 3 * PAGE);
  assert_true(vmo_bytes_are(h, 0, 100, pat(0x81, 0)));
  assert_true(vmo_bytes_are(h, 100, 3 * PAGE - 100, 0));
  assert_true(mem_is(m, 100, pat(0x81, 0)));
  assert_true(mem_is(m + 100, 3 * PAGE - 100, 0));
  unmap_ok(fx->vmar, m, 3 * PAGE);
  close_ok(h);
}

// Raising zeroes from the old value to the VMO's end: the bytes written
// past the old value since are gone too.
static void vmo_content_size__raising_zeroes_from_old_value(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(3 * PAGE, 0);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(h, 100));
  fill_pages(h, 3, 0x82);
  assert_int_equal(content_of(h), 100);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(h, PAGE + 50));
  assert_int_equal(content_of(h), PAGE + 50);
  assert_true(vmo_bytes_are(h, 0, 100, pat(0x82, 0)));
  assert_true(vmo_bytes_are(h, 100, 3 * PAGE - 100, 0));
  close_ok(h);
}

// A slice's content size is its own, bounded by its window; the bytes it
// zeroes are the parent's, inside the window only.
static void vmo_content_size__slice_zeroes_inside_window(void** state) {
  (void)state;
  vmar_handle_t p = vmo_patterned(3, 0x8B);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, PAGE);
  assert_int_equal(content_of(s), PAGE);
  assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_set_content_size(s, PAGE + 1));
  assert_status(VMAR_OK, vmar_vmo_set_content_size(s, 10));
  assert_int_equal(content_of(s), 10);
  assert_int_equal(content_of(p), 3 * PAGE);
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x8B, 0)));
  assert_true(vmo_bytes_are(p, PAGE, 10, pat(0x8B, 1)));
  assert_true(vmo_bytes_are(p, PAGE + 10, PAGE - 10, 0));
  assert_true(vmo_bytes_are(p, 2 * PAGE, PAGE, pat(0x8B, 2)));
  CLOSE_ALL_OK(s, p);
}

// get: a NULL pointer is INVALID_ARGS before the handle is looked at; then
// BAD_HANDLE, then GET_PROPERTY (the only right needed), then the type.
static void vmo_content_size__get_errors(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_new(PAGE, 0);
  vmar_handle_t nogp = dup_without(p, VMAR_RIGHT_GET_PROPERTY);
  vmar_handle_t closed = closed_vmo();
  const vmar_handle_t kAny[] = {p, nogp, closed, VMAR_HANDLE_INVALID, fx->vmar};
  for (size_t i = 0; i < N_OF(kAny); i++) {
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_get_content_size(kAny[i], NULL));
  }
  uint64_t s = SENTINEL_U64;
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_get_content_size(VMAR_HANDLE_INVALID, &s));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_get_content_size(closed, &s));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_get_content_size(nogp, &s));
  // No VMAR handle carries GET_PROPERTY, and the right is checked before
  // the type (as zx_object_get_property does): a VMAR is ACCESS_DENIED.
  assert_int_equal(rights_of(fx->vmar) & VMAR_RIGHT_GET_PROPERTY, 0);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_get_content_size(fx->vmar, &s));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_get_content_size(vmar_root_self(), &s));
  assert_int_equal(s, SENTINEL_U64);
  vmar_handle_t only = dup_with(p, VMAR_RIGHT_GET_PROPERTY);
  assert_int_equal(content_of(only), PAGE);
  CLOSE_ALL_OK(only, nogp, p);
}

// set: SET_PROPERTY and WRITE are both needed, before the value is checked;
// BAD_HANDLE for dead handles; a failing call changes nothing.
static void vmo_content_size__set_errors(void** state) {
  fixture_t* fx = *state;
  vmar_handle_t p = vmo_new(2 * PAGE, 0);
  fill_pages(p, 2, 0x83);
  vmar_handle_t noset = dup_without(p, VMAR_RIGHT_SET_PROPERTY);
  vmar_handle_t nowrite = dup_without(p, VMAR_RIGHT_WRITE);
  vmar_handle_t closed = closed_vmo();
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_content_size(noset, 10));
  assert_status(VMAR_ERR_ACCESS_DENIED, vmar_vmo_set_content_size(nowrite, 10));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_set_content_size(noset, UINT64_MAX));
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_set_content_size(nowrite, UINT64_MAX));
  assert_status(VMAR_ERR_BAD_HANDLE,
                vmar_vmo_set_content_size(VMAR_HANDLE_INVALID, 10));
  assert_status(VMAR_ERR_BAD_HANDLE, vmar_vmo_set_content_size(closed, 10));
  // A VMAR handle has WRITE here but never SET_PROPERTY: the rights answer
  // before the type.
  assert_int_equal(rights_of(fx->vmar) & VMAR_RIGHT_WRITE, VMAR_RIGHT_WRITE);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                vmar_vmo_set_content_size(fx->vmar, 10));
  assert_int_equal(content_of(p), 2 * PAGE);
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x83, 0)));
  assert_true(vmo_bytes_are(p, PAGE, PAGE, pat(0x83, 1)));
  // SET_PROPERTY and WRITE are enough.
  vmar_handle_t just = dup_with(p, VMAR_RIGHT_SET_PROPERTY | VMAR_RIGHT_WRITE);
  assert_status(VMAR_OK, vmar_vmo_set_content_size(just, PAGE));
  assert_int_equal(content_of(p), PAGE);
  assert_true(vmo_bytes_are(p, PAGE, PAGE, 0));
  CLOSE_ALL_OK(just, nowrite, noset, p);
}

// ---------------------------------------------------------------------------
// vmar_vmo_op_range_with_buffer / vmar_vmo_op_range

static vmar_status_t op(vmar_handle_t vmo, uint32_t code, uint64_t offset,
                        uint64_t size) {
  return vmar_vmo_op_range(vmo, code, offset, size);
}

// LOCK of a discardable VMO reports {0, size, 0, 0}: the range, and nothing
// discarded.
static void vmo_op_range__lock_reports_state(void** state) {
  (void)state;
  vmar_handle_t d = vmo_new(3 * PAGE, VMAR_VMO_DISCARDABLE);
  vmar_vmo_lock_state_t ls;
  memset(&ls, 0xEE, sizeof(ls));
  assert_int_equal(sizeof(ls), 32);
  assert_status(VMAR_OK,
                vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_LOCK, 0, 3 * PAGE,
                                              &ls, sizeof(ls)));
  assert_int_equal(ls.offset, 0);
  assert_int_equal(ls.size, 3 * PAGE);
  assert_int_equal(ls.discarded_offset, 0);
  assert_int_equal(ls.discarded_size, 0);
  // A larger buffer is fine; only the record is written.
  unsigned char big[48];
  memset(big, 0xEE, sizeof(big));
  assert_status(VMAR_OK,
                vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_LOCK, 0, 3 * PAGE,
                                              big, sizeof(big)));
  memcpy(&ls, big, sizeof(ls));
  assert_int_equal(ls.size, 3 * PAGE);
  for (size_t i = sizeof(ls); i < sizeof(big); i++) {
    assert_int_equal(big[i], 0xEE);
  }
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_UNLOCK, 0, 3 * PAGE));
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_UNLOCK, 0, 3 * PAGE));
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, 3 * PAGE));
  close_ok(d);
}

// No room for the report (a buffer below 32 bytes, or none): INVALID_ARGS,
// and the lock is undone.
static void vmo_op_range__lock_without_room_undone(void** state) {
  (void)state;
  vmar_handle_t d = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  unsigned char buf[32];
  memset(buf, 0xEE, sizeof(buf));
  const size_t kSmall[] = {0, 8, 31};
  for (size_t i = 0; i < N_OF(kSmall); i++) {
    assert_status(VMAR_ERR_INVALID_ARGS,
                  vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_LOCK, 0,
                                                2 * PAGE, buf, kSmall[i]));
    assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  }
  for (size_t i = 0; i < sizeof(buf); i++) {
    assert_int_equal(buf[i], 0xEE);
  }
  assert_status(VMAR_ERR_INVALID_ARGS,
                vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_LOCK, 0, 2 * PAGE,
                                              NULL, 32));
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  assert_status(
      VMAR_ERR_INVALID_ARGS,
      vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_LOCK, 0, 2 * PAGE, NULL, 0));
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  // TRY_LOCK and UNLOCK use no buffer.
  assert_status(VMAR_OK, vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_TRY_LOCK,
                                                       0, 2 * PAGE, NULL, 0));
  assert_status(VMAR_OK, vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_UNLOCK, 0,
                                                       2 * PAGE, NULL, 0));
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  close_ok(d);
}

// Locks nest: each LOCK or TRY_LOCK needs its own UNLOCK; vmar_vmo_op_range
// locks too (reporting nowhere).
static void vmo_op_range__locks_nest(void** state) {
  (void)state;
  vmar_handle_t d = vmo_new(PAGE, VMAR_VMO_DISCARDABLE);
  vmar_vmo_lock_state_t ls;
  assert_status(VMAR_OK, vmar_vmo_op_range_with_buffer(d, VMAR_VMO_OP_LOCK, 0,
                                                       PAGE, &ls, sizeof(ls)));
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_TRY_LOCK, 0, PAGE));
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_LOCK, 0, PAGE));
  assert_status(VMAR_OK, op(d, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  // The count is the VMO's, whichever handle locks (READ or WRITE will do).
  vmar_handle_t ro = dup_without(d, VMAR_RIGHT_WRITE);
  vmar_handle_t wo = dup_without(d, VMAR_RIGHT_READ);
  vmar_handle_t none = dup_without(d, VMAR_RIGHT_READ | VMAR_RIGHT_WRITE);
  assert_status(VMAR_OK, op(ro, VMAR_VMO_OP_LOCK, 0, PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED, op(none, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  assert_status(VMAR_OK, op(wo, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  assert_status(VMAR_ERR_BAD_STATE, op(ro, VMAR_VMO_OP_UNLOCK, 0, PAGE));
  CLOSE_ALL_OK(none, wo, ro, d);
}

// LOCK, TRY_LOCK, UNLOCK of a VMO not made discardable: NOT_SUPPORTED, even
// without a buffer.
static void vmo_op_range__lock_not_discardable_not_supported(void** state) {
  (void)state;
  vmar_handle_t h = vmo_new(PAGE, 0);
  vmar_handle_t c = child_ok(h, SNAP, 0, PAGE);
  const vmar_handle_t kVmos[] = {h, c};
  const uint32_t kOps[] = {VMAR_VMO_OP_LOCK, VMAR_VMO_OP_TRY_LOCK,
                           VMAR_VMO_OP_UNLOCK};
  for (size_t v = 0; v < N_OF(kVmos); v++) {
    for (size_t o = 0; o < N_OF(kOps); o++) {
      assert_status(
          VMAR_ERR_NOT_SUPPORTED,
          vmar_vmo_op_range_with_buffer(kVmos[v], kOps[o], 0, PAGE, NULL, 0));
      assert_status(VMAR_ERR_NOT_SUPPORTED, op(kVmos[v], kOps[o], 0, PAGE));
    }
  }
  CLOSE_ALL_OK(c, h);
}

// The range must be exactly [0, size of the VMO): else OUT_OF_RANGE, and
// no lock is taken.
static void vmo_op_range__lock_range_must_be_whole_vmo(void** state) {
  (void)state;
  vmar_handle_t d = vmo_new(2 * PAGE, VMAR_VMO_DISCARDABLE);
  const struct {
    uint64_t offset, size;
  } kBad[] = {{0, PAGE},       {PAGE, PAGE},      {0, 3 * PAGE},
              {0, 0},          {0, 2 * PAGE - 1}, {1, 2 * PAGE},
              {UINT64_MAX, 2}, {PAGE, UINT64_MAX}};
  const uint32_t kOps[] = {VMAR_VMO_OP_LOCK, VMAR_VMO_OP_TRY_LOCK,
                           VMAR_VMO_OP_UNLOCK};
  vmar_vmo_lock_state_t ls;
  for (size_t i = 0; i < N_OF(kBad); i++) {
    for (size_t o = 0; o < N_OF(kOps); o++) {
      assert_status(VMAR_ERR_OUT_OF_RANGE, vmar_vmo_op_range_with_buffer(
                                               d, kOps[o], kBad[i].offset,
                                               kBad[i].size, &ls, sizeof(ls)));
    }
  }
  assert_status(VMAR_ERR_BAD_STATE, op(d, VMAR_VMO_OP_UNLOCK, 0, 2 * PAGE));
  close_ok(d);
}

// PREFETCH needs READ.
static void vmo_op_range__prefetch_needs_read(void** state) {
  (void)state;
  vmar_handle_t h = vmo_patterned(2, 0x84);
  vmar_handle_t wo = dup_without(h, VMAR_RIGHT_READ);
  assert_status(VMAR_ERR_ACCESS_DENIED,
                op(wo, VMAR_VMO_OP_PREFETCH, 0, 2 * PAGE));
  assert_status(VMAR_ERR_ACCESS_DENIED, op(wo, VMAR_VMO_OP_PREFETCH, 0, 0));
  assert_status(VMAR_OK, op(h, VMAR_VMO_OP_PREFETCH, 0, 2 * PAGE));
  vmar_handle_t ro = dup_with(h, VMAR_RIGHT_READ);
  assert_status(VMAR_OK, op(ro, VMAR_VMO_OP_PREFETCH, 1, PAGE));
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x84, 0)));
  CLOSE_ALL_OK(ro, wo, h);
}

// CACHE_SYNC, CACHE_CLEAN and CACHE_CLEAN_INVALIDATE refuse an empty range.
static void vmo_op_range__cache_ops_empty_invalid_args(void** state) {
  (void)state;
  vmar_handle_t h = vmo_patterned(2, 0x85);
  const uint32_t kOps[] = {VMAR_VMO_OP_CACHE_SYNC, VMAR_VMO_OP_CACHE_CLEAN,
                           VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE};
  for (size_t o = 0; o < N_OF(kOps); o++) {
    assert_status(VMAR_ERR_INVALID_ARGS, op(h, kOps[o], 0, 0));
    assert_status(VMAR_ERR_INVALID_ARGS, op(h, kOps[o], PAGE, 0));
    assert_status(VMAR_OK, op(h, kOps[o], 3, PAGE));
    assert_status(VMAR_OK, op(h, kOps[o], 0, 2 * PAGE));
  }
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x85, 0)));
  assert_true(vmo_bytes_are(h, PAGE, PAGE, pat(0x85, 1)));
  close_ok(h);
}

// CACHE_INVALIDATE is NOT_SUPPORTED, before the rights and the range.
static void vmo_op_range__cache_invalidate_not_supported(void** state) {
  (void)state;
  vmar_handle_t h = vmo_patterned(1, 0x86);
  vmar_handle_t none = dup_with(h, VMAR_RIGHT_NONE);
  const vmar_handle_t kHandles[] = {h, none};
  for (size_t i = 0; i < N_OF(kHandles); i++) {
    assert_status(VMAR_ERR_NOT_SUPPORTED,
                  op(kHandles[i], VMAR_VMO_OP_CACHE_INVALIDATE, 0, PAGE));
    assert_status(VMAR_ERR_NOT_SUPPORTED,
                  op(kHandles[i], VMAR_VMO_OP_CACHE_INVALIDATE, 0, 0));
    assert_status(
        VMAR_ERR_NOT_SUPPORTED,
        op(kHandles[i], VMAR_VMO_OP_CACHE_INVALIDATE, UINT64_MAX, UINT64_MAX));
    assert_status(VMAR_ERR_NOT_SUPPORTED,
                  vmar_vmo_op_range_with_buffer(kHandles[i],
                                                VMAR_VMO_OP_CACHE_INVALIDATE, 0,
                                                PAGE, NULL, 0));
  }
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x86, 0)));
  CLOSE_ALL_OK(none, h);
}

// DONT_NEED and ALWAYS_NEED are hints: OK whatever the range and the
// rights; the contents stay.
static void vmo_op_range__hints_any_range_ok(void** state) {
  (void)state;
  vmar_handle_t h = vmo_patterned(2, 0x87);
  vmar_handle_t none = dup_with(h, VMAR_RIGHT_NONE);
  const uint32_t kOps[] = {VMAR_VMO_OP_DONT_NEED, VMAR_VMO_OP_ALWAYS_NEED};
  const struct {
    uint64_t offset, size;
  } kRanges[] = {{0, 2 * PAGE},
                 {UINT64_MAX, UINT64_MAX},
                 {100 * PAGE, PAGE},
                 {PAGE, UINT64_MAX - 7},
                 {0, 0}};
  for (size_t o = 0; o < N_OF(kOps); o++) {
    for (size_t r = 0; r < N_OF(kRanges); r++) {
      assert_status(VMAR_OK,
                    op(h, kOps[o], kRanges[r].offset, kRanges[r].size));
      assert_status(VMAR_OK,
                    op(none, kOps[o], kRanges[r].offset, kRanges[r].size));
    }
  }
  assert_true(vmo_bytes_are(h, 0, PAGE, pat(0x87, 0)));
  assert_true(vmo_bytes_are(h, PAGE, PAGE, pat(0x87, 1)));
  CLOSE_ALL_OK(none, h);
}

// DECOMMIT is NOT_SUPPORTED on a snapshot child and on a VMO that has one;
// once the snapshot is gone, and on slices, it works.
static void vmo_op_range__decommit_next_to_snapshots(void** state) {
  (void)state;
  for (size_t k = 0; k < N_OF(kSnapshotKinds); k++) {
    vmar_handle_t p = vmo_patterned(2, 0x88);
    vmar_handle_t c = child_ok(p, kSnapshotKinds[k], 0, 2 * PAGE);
    assert_status(VMAR_ERR_NOT_SUPPORTED, op(c, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
    assert_status(VMAR_ERR_NOT_SUPPORTED, op(p, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
    assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x88, 0)));
    assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x88, 0)));
    // ZERO works on both, each on its own pages.
    assert_status(VMAR_OK, op(c, VMAR_VMO_OP_ZERO, PAGE, PAGE));
    assert_true(vmo_bytes_are(c, PAGE, PAGE, 0));
    assert_true(vmo_bytes_are(p, PAGE, PAGE, pat(0x88, 1)));
    close_ok(c);
    assert_status(VMAR_OK, op(p, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
    assert_true(vmo_bytes_are(p, 0, PAGE, 0));
    assert_true(vmo_bytes_are(p, PAGE, PAGE, pat(0x88, 1)));
    close_ok(p);
  }
  // Slices and references are no obstacle.
  vmar_handle_t p = vmo_patterned(2, 0x89);
  vmar_handle_t s = child_ok(p, SLICE, PAGE, PAGE);
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  assert_status(VMAR_OK, op(s, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
  assert_true(vmo_bytes_are(p, PAGE, PAGE, 0));
  assert_status(VMAR_OK, op(p, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
  assert_true(vmo_bytes_are(r, 0, 2 * PAGE, 0));
  CLOSE_ALL_OK(r, s, p);
}

// DECOMMIT through a slice or a reference reaches the pages of the VMO it
// is a window onto, so it is refused as it is on that VMO itself when that
// VMO has a snapshot child or is one (zx_vmo_op_range works on the pages a
// slice or a reference shares, and answers NOT_SUPPORTED there).
static void
vmo_op_range__decommit_through_slice_next_to_snapshots(void** state) {
  (void)state;
  // A slice of a VMO that has a snapshot child.
  vmar_handle_t p = vmo_patterned(2, 0x8A);
  vmar_handle_t s = child_ok(p, SLICE, 0, 2 * PAGE);
  vmar_handle_t c = child_ok(p, SNAP, 0, 2 * PAGE);
  assert_status(VMAR_ERR_NOT_SUPPORTED, op(s, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x8A, 0)));
  // A slice of a snapshot child.
  vmar_handle_t cs = child_ok(c, SLICE, 0, PAGE);
  assert_status(VMAR_ERR_NOT_SUPPORTED, op(cs, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
  assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x8A, 0)));
  // A reference of a VMO that has a snapshot child.
  vmar_handle_t r = child_ok(p, REF, 0, 0);
  assert_status(VMAR_ERR_NOT_SUPPORTED, op(r, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
  assert_true(vmo_bytes_are(p, 0, PAGE, pat(0x8A, 0)));
  // A reference of a snapshot child.
  vmar_handle_t cr = child_ok(c, REF, 0, 0);
  assert_status(VMAR_ERR_NOT_SUPPORTED, op(cr, VMAR_VMO_OP_DECOMMIT, 0, PAGE));
  assert_true(vmo_bytes_are(c, 0, PAGE, pat(0x8A, 0)));
  CLOSE_ALL_OK(cr, r, cs, c, s, p);
}

// ---------------------------------------------------------------------------
// Concurrency

// One thread writes whole-VMO patterns (one byte value over every page, in
// one call); this one takes snapshots. Each snapshot is one instant of the
// parent: a single byte value throughout, and never the initial zeros once
// the writer has started.
typedef struct writer {
  vmar_handle_t vmo;
  size_t len;
  atomic_bool stop;
  atomic_bool failed;
  atomic_size_t writes;
} writer_t;

static void* writer_main(void* arg) {
  writer_t* w = arg;
  unsigned char* buf = malloc(w->len);
  if (buf == NULL) {
    atomic_store(&w->failed, true);
    return NULL;
  }
  unsigned v = 1;
  while (!atomic_load(&w->stop)) {
    memset(buf, (int)v, w->len);
    if (vmar_vmo_write(w->vmo, buf, 0, w->len) != VMAR_OK) {
      atomic_store(&w->failed, true);
      break;
    }
    atomic_fetch_add(&w->writes, 1);
    v = v % 255 + 1; // never 0
  }
  free(buf);
  return NULL;
}

// Seconds on a monotonic clock.
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void vmo_child__snapshot_is_one_instant_of_parent(void** state) {
  (void)state;
  enum { kPages = 8, kSnapshots = 48 };
  writer_t w;
  w.len = kPages * PAGE;
  w.vmo = vmo_new(w.len, 0);
  atomic_init(&w.stop, false);
  atomic_init(&w.failed, false);
  atomic_init(&w.writes, 0);
  unsigned char* buf = malloc(w.len);
  assert_non_null(buf);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, writer_main, &w), 0);
  // Waits (a bounded time) until the writer has finished a write after the
  // |seen|-th, so consecutive snapshots meet it at different points.
  const double deadline = now_s() + 5.0;
  size_t seen = 0;
  while (atomic_load(&w.writes) == seen && !atomic_load(&w.failed) &&
         now_s() < deadline) {
    sched_yield();
  }
  const size_t first = atomic_load(&w.writes);
  size_t made = 0, torn = 0, zero = 0;
  vmar_status_t st = VMAR_OK;
  for (size_t i = 0; i < kSnapshots && st == VMAR_OK; i++) {
    seen = atomic_load(&w.writes);
    vmar_handle_t c = VMAR_HANDLE_INVALID;
    st = vmar_vmo_create_child(w.vmo, kSnapshotKinds[i % 3], 0, w.len, &c);
    if (st != VMAR_OK) {
      break;
    }
    st = vmar_vmo_read(c, buf, 0, w.len);
    (void)vmar_handle_close(c);
    made++;
    size_t j = 1;
    while (j < w.len && buf[j] == buf[0]) {
      j++;
    }
    torn += j != w.len;
    zero += buf[0] == 0;
    while (atomic_load(&w.writes) == seen && !atomic_load(&w.failed) &&
           now_s() < deadline) {
      sched_yield();
    }
  }
  const size_t last = atomic_load(&w.writes);
  atomic_store(&w.stop, true);
  assert_int_equal(pthread_join(t, NULL), 0);
  free(buf);
  assert_status(VMAR_OK, st);
  assert_false(atomic_load(&w.failed));
  assert_int_equal(made, kSnapshots);
  // The writer really ran while the snapshots were taken.
  assert_true(first > 0);
  assert_true(last > first);
  assert_int_equal(torn, 0);
  assert_int_equal(zero, 0);
  assert_int_equal(children_of(w.vmo), 0);
  close_ok(w.vmo);
}

int main(void) {
#define T(f) FIXTURE_TEST(f, &kFixture)
  const struct CMUnitTest tests[] = {
      T(vmo_child__size_overflow_out_of_range_first),
      T(vmo_child__no_write_resizable_invalid_args_before_handle),
      T(vmo_child__bad_handle_and_wrong_type),
      T(vmo_child__needs_read_and_duplicate_not_write),
      T(vmo_child__resizable_reference_needs_resize_right),
      T(vmo_child__discardable_parent_not_supported),
      T(vmo_child__option_grammar_invalid_args),
      T(vmo_child__slice_window_checks),
      T(vmo_child__reference_checks),
      T(vmo_child__snapshot_offset_checks),
      T(vmo_child__null_out_invalid_args_nothing_created),
      T(vmo_child__rights_from_default_handle),
      T(vmo_child__rights_from_read_duplicate_handle),
      T(vmo_child__rights_from_executable_handle),
      T(vmo_child__rights_resize_only_when_resizable),
      T(vmo_child__rights_take_effect),
      T(vmo_child__snapshot_copies_window_at_creation),
      T(vmo_child__snapshot_writes_invisible_both_ways),
      T(vmo_child__snapshot_past_parent_end_reads_zero),
      T(vmo_child__snapshot_survives_parent_changes),
      T(vmo_child__resizable_snapshot_grows_with_zeros),
      T(vmo_child__snapshot_chains_and_siblings_independent),
      T(vmo_child__snapshot_of_slice_and_reference),
      T(vmo_child__snapshot_of_sparse_parent),
      T(vmo_child__slice_shares_pages_both_ways),
      T(vmo_child__slice_of_snapshot_shares_child_pages),
      T(vmo_child__slice_decommit_both_ways),
      T(vmo_child__slice_size_rounded_up),
      T(vmo_child__slice_zero_size_at_end),
      T(vmo_child__slice_io_past_window_out_of_range),
      T(vmo_child__slice_survives_parent_close),
      T(vmo_child__slice_mapping_past_window_faults),
      T(vmo_child__slice_get_fd_not_supported),
      T(vmo_child__reference_shares_pages_both_ways),
      T(vmo_child__reference_follows_size_and_content_size),
      T(vmo_info__status_checks),
      T(vmo_info__plain_vmo_fields),
      T(vmo_info__committed_bytes_fresh_and_one_page),
      T(vmo_info__child_flags),
      T(vmo_info__immutable_only_for_snapshot_no_write),
      T(vmo_info__parent_koid_and_num_children),
      T(vmo_info__mapped_child_counts_until_unmapped),
      T(vmo_info__closing_middle_rehomes_grandchild),
      T(vmo_info__name_copied_iff_get_property),
      T(vmo_info__num_mappings_counts_mappings),
      T(vmo_content_size__create_and_children),
      T(vmo_content_size__set_size_sets_it),
      T(vmo_content_size__bounds_and_same_value),
      T(vmo_content_size__lowering_zeroes_to_end),
      T(vmo_content_size__raising_zeroes_from_old_value),
      T(vmo_content_size__slice_zeroes_inside_window),
      T(vmo_content_size__get_errors),
      T(vmo_content_size__set_errors),
      T(vmo_op_range__lock_reports_state),
      T(vmo_op_range__lock_without_room_undone),
      T(vmo_op_range__locks_nest),
      T(vmo_op_range__lock_not_discardable_not_supported),
      T(vmo_op_range__lock_range_must_be_whole_vmo),
      T(vmo_op_range__prefetch_needs_read),
      T(vmo_op_range__cache_ops_empty_invalid_args),
      T(vmo_op_range__cache_invalidate_not_supported),
      T(vmo_op_range__hints_any_range_ok),
      T(vmo_op_range__decommit_next_to_snapshots),
      T(vmo_op_range__decommit_through_slice_next_to_snapshots),
      T(vmo_child__snapshot_is_one_instant_of_parent),
  };
#undef T
  return cmocka_run_group_tests_name("api.vmo_child", tests, maps_group_setup,
                                     NULL);
}
