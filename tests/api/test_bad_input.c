// SPDX-License-Identifier: MIT
// Bad input, as a table: every public function against every class of bad
// parameter that applies to it (NULL outputs; zero, unaligned and
// overflowing sizes and offsets; invalid, forged, stale and wrong-type
// handles; missing rights; destroyed VMARs; unknown option bits and ops),
// each row with the exact status Zircon returns (or the documented one for
// calls with no Zircon twin). Several rows per function also pin the order of
// the checks: a row breaks two rules and expects the status of the rule
// checked first.
//
// Public API only, so the same table runs on every backend; rows that state
// POSIX decisions (docs/design.md) are marked POSIX and skipped where
// vmar_posix_set_entropy_bits is NOT_SUPPORTED.
//
// Every row runs against a fresh fixture; a failing row must leave its
// output parameters untouched and the fixture's tree unchanged.
//
// Prints "bad input: <n> cases".

#include "test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define PERM_R VMAR_VM_PERM_READ
#define PERM_W VMAR_VM_PERM_WRITE
#define PERM_X VMAR_VM_PERM_EXECUTE
#define PERM_RW (PERM_R | PERM_W)
#define CAN_R VMAR_VM_CAN_MAP_READ
#define CAN_W VMAR_VM_CAN_MAP_WRITE
#define CAN_X VMAR_VM_CAN_MAP_EXECUTE
#define CAN_RW (CAN_R | CAN_W)
#define CAN_SPEC VMAR_VM_CAN_MAP_SPECIFIC
#define SPEC VMAR_VM_SPECIFIC
#define OVERWRITE VMAR_VM_SPECIFIC_OVERWRITE
#define UPPER VMAR_VM_OFFSET_IS_UPPER_LIMIT
#define UNKNOWN_BIT ((vmar_vm_option_t)1u << 20)
#define BAD_ALIGN_LOW ((vmar_vm_option_t)5u << VMAR_VM_ALIGN_BASE)
#define BAD_ALIGN_HIGH ((vmar_vm_option_t)33u << VMAR_VM_ALIGN_BASE)
#define BAD_OP 99u

#define SENTINEL_HANDLE ((vmar_handle_t)0x5EEDF00Du)
#define SENTINEL_ADDR ((vmar_vaddr_t)0xDEADBEE0u)
#define SENTINEL_U64 ((uint64_t)0x0123456789ABCDEFull)

// ---------------------------------------------------------------------------
// Values in units of the runtime page size, with the special values the
// table needs. PG(n): n pages; PGB(n, b): n pages plus b bytes.

typedef struct val {
  int64_t pages;
  int64_t bytes;
  uint8_t special;
} val_t;

enum {
  V_PLAIN = 0,
  V_MAX = 1,       // UINT64_MAX (SIZE_MAX for sizes)
  V_ROUND_OVF = 2, // MAX - page + 2: rounding up to a page overflows
  V_TOP_PAGE = 3,  // MAX - page + 1: the last page-aligned value
};

#define PG(n)                                                                  \
  { (n), 0, V_PLAIN }
#define PGB(n, b)                                                              \
  { (n), (b), V_PLAIN }
#define VMAX                                                                   \
  { 0, 0, V_MAX }
#define VOVF                                                                   \
  { 0, 0, V_ROUND_OVF }
#define VTOP                                                                   \
  { 0, 0, V_TOP_PAGE }
#define V0                                                                     \
  { 0, 0, V_PLAIN }

static size_t page;

static uint64_t ev(val_t v) {
  switch (v.special) {
  case V_MAX:
    return UINT64_MAX;
  case V_ROUND_OVF:
    return UINT64_MAX - page + 2;
  case V_TOP_PAGE:
    return UINT64_MAX - page + 1;
  default:
    return (uint64_t)(v.pages * (int64_t)page + v.bytes);
  }
}

// Sizes and addresses are size_t/uintptr_t: clamp the specials to them.
static size_t evz(val_t v) {
  switch (v.special) {
  case V_MAX:
    return SIZE_MAX;
  case V_ROUND_OVF:
    return SIZE_MAX - page + 2;
  case V_TOP_PAGE:
    return SIZE_MAX - page + 1;
  default:
    return (size_t)ev(v);
  }
}

// ---------------------------------------------------------------------------
// The fixture, made afresh for every row:
//   top   child of the root, CAN_MAP_RWX | CAN_MAP_SPECIFIC, TOP_PAGES pages
//         page 0-3  vmo mapped RW
//         page 4    vmo mapped R through a handle without WRITE (ceiling R)
//         page 5-7  free (reserved, nothing mapped)
//         page 8-11 sub: CAN_MAP_RW, COMPACT, no CAN_MAP_SPECIFIC; its
//                   page 0 (the lowest fit) maps vmo R
//         page 12-15 free
//   dead  a sub-VMAR of top, destroyed (its handle stays open)

enum { TOP_PAGES = 16, SUB_AT = 8, SUB_PAGES = 4 };

// Symbolic handles of a row, resolved against the fixture.
typedef enum hk {
  H_NONE = 0,   // VMAR_HANDLE_INVALID as a plain argument
  H_FORGED,     // fixed bits set, never handed out
  H_NOBITS,     // a live handle's value with the fixed bits cleared
  H_STALE,      // a handle that was closed
  H_ROOT,       // the root VMAR
  H_TOP,        // top, all its rights
  H_SUB,        // sub
  H_DEAD,       // a destroyed VMAR
  H_TOP_RO,     // top without WRITE
  H_TOP_NOOPCH, // top without OP_CHILDREN
  H_TOP_NOINSP, // top without INSPECT
  H_TOP_NODUP,  // top without DUPLICATE
  H_VMO,        // VMO (not resizable), default rights
  H_VMO_RS,     // resizable VMO, default rights + RESIZE
  H_VMO_NOMAP,  // VMO without MAP
  H_VMO_NOREAD, // VMO without READ
  H_VMO_NOWR,   // VMO without WRITE
  H_VMO_NORSZ,  // resizable VMO without RESIZE
  H_VMO_NOPROP, // VMO without GET/SET_PROPERTY
  H_VMO_NODUP,  // VMO without DUPLICATE
  H_VMO_NOXFER, // VMO without TRANSFER
  H_VMO_DISC,   // discardable VMO
  H_COUNT
} hk_t;

static struct {
  vmar_handle_t h[H_COUNT];
  vmar_vaddr_t top_base;
  vmar_vaddr_t sub_base;
} X;

// dup_without that reads the rights via vmar_handle_get_info.
static vmar_handle_t dup_without_via_info(vmar_handle_t h, vmar_rights_t drop) {
  vmar_handle_info_t info;
  assert_status(VMAR_OK, vmar_handle_get_info(h, &info));
  vmar_handle_t d = VMAR_HANDLE_INVALID;
  assert_status(VMAR_OK, vmar_handle_duplicate(h, info.rights & ~drop, &d));
  return d;
}

static void fixture_up(void) {
  memset(&X, 0, sizeof(X));
  vmar_handle_t* h = X.h;
  h[H_ROOT] = vmar_root_self();
  assert_status(VMAR_OK,
                vmar_allocate(h[H_ROOT], CAN_RW | CAN_X | CAN_SPEC, 0,
                              TOP_PAGES * page, &h[H_TOP], &X.top_base));
  assert_status(VMAR_OK, vmar_vmo_create(4 * page, 0, &h[H_VMO]));
  assert_status(VMAR_OK,
                vmar_vmo_create(4 * page, VMAR_VMO_RESIZABLE, &h[H_VMO_RS]));
  assert_status(
      VMAR_OK, vmar_vmo_create(4 * page, VMAR_VMO_DISCARDABLE, &h[H_VMO_DISC]));
  h[H_VMO_NOMAP] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_MAP);
  h[H_VMO_NOREAD] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_READ);
  h[H_VMO_NOWR] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_WRITE);
  h[H_VMO_NORSZ] = dup_without_via_info(h[H_VMO_RS], VMAR_RIGHT_RESIZE);
  h[H_VMO_NOPROP] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_GET_PROPERTY |
                                                       VMAR_RIGHT_SET_PROPERTY);
  h[H_VMO_NODUP] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_DUPLICATE);
  h[H_VMO_NOXFER] = dup_without_via_info(h[H_VMO], VMAR_RIGHT_TRANSFER);
  h[H_TOP_RO] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_WRITE);
  h[H_TOP_NOOPCH] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_OP_CHILDREN);
  h[H_TOP_NOINSP] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_INSPECT);
  h[H_TOP_NODUP] = dup_without_via_info(h[H_TOP], VMAR_RIGHT_DUPLICATE);

  vmar_vaddr_t a = 0;
  assert_status(VMAR_OK, vmar_map(h[H_TOP], PERM_RW | SPEC, 0, h[H_VMO], 0,
                                  4 * page, &a));
  assert_status(VMAR_OK, vmar_map(h[H_TOP], PERM_R | SPEC, 4 * page,
                                  h[H_VMO_NOWR], 0, page, &a));
  assert_status(VMAR_OK,
                vmar_allocate(h[H_TOP], CAN_RW | SPEC | VMAR_VM_COMPACT,
                              SUB_AT * page, SUB_PAGES * page, &h[H_SUB],
                              &X.sub_base));
  assert_status(VMAR_OK, vmar_map(h[H_SUB], PERM_R, 0, h[H_VMO], 0, page, &a));
  assert_status(VMAR_OK, vmar_allocate(h[H_TOP], CAN_RW | SPEC, 12 * page, page,
                                       &h[H_DEAD], &a));
  assert_status(VMAR_OK, vmar_destroy(h[H_DEAD]));

  vmar_handle_t s = dup_without_via_info(h[H_VMO], 0);
  assert_status(VMAR_OK, vmar_handle_close(s));
  h[H_STALE] = s;
  h[H_FORGED] = 0x7FFFFFF3u;
  h[H_NOBITS] = h[H_VMO] & ~VMAR_HANDLE_FIXED_BITS_MASK;
}

static void fixture_down(void) {
  assert_status(VMAR_OK, vmar_destroy(X.h[H_TOP]));
  for (int k = H_TOP; k < H_COUNT; k++) {
    // Rows that consume a handle (replace) mark it VMAR_HANDLE_INVALID.
    assert_status(VMAR_OK, vmar_handle_close(X.h[k]));
  }
}

static vmar_handle_t H(hk_t k) { return k == H_NONE ? 0 : X.h[k]; }

// ---------------------------------------------------------------------------
// The table.

typedef enum fn {
  F_ALLOCATE,   // h1 parent, opt, a offset, b size
  F_DESTROY,    // h1
  F_GET_INFO,   // h1
  F_MAP,        // h1 vmar, opt, a vmar_offset, h2 vmo, b vmo_offset, c len
  F_UNMAP,      // h1, a addr (top-relative unless ABS), b len
  F_PROTECT,    // h1, opt, a addr, b len
  F_OP_RANGE,   // h1, opt op, a addr, b len
  F_GET_MAPS,   // h1, a count (entries)
  F_DUMP,       // h1, a cap (bytes)
  F_VMO_CREATE, // a size, opt options
  F_VMO_READ,   // h1, a offset, b len; BUF_* says where the buffer is
  F_VMO_WRITE,  // as read
  F_VMO_GET_SIZE,
  F_VMO_SET_SIZE, // h1, a size
  F_VMO_OP_RANGE, // h1, opt op, a offset, b size
  F_VMO_SET_NAME,
  F_VMO_GET_NAME,
  F_VMO_REPLACE_EXEC,
  F_CLOSE,
  F_DUPLICATE, // h1, opt rights
  F_REPLACE,   // h1, opt rights (h1 is consumed unless BAD_HANDLE)
  F_GET_RIGHTS,
  F_GET_HINFO,
  F_MANAGER_CREATE,        // a size, opt options
  F_MANAGER_USE,           // h1
  F_MAPPER_CREATE_AND_MAP, // a size, opt map flags, c vmo options
  F_MAPPER_MAP,            // h1 vmo, a offset, b size, opt map flags
  F_OWNED_CREATE_AND_MAP,  // a size, opt map flags
  F_OWNED_MAP,             // h1 vmo, a size
  F_RM_CREATE_AND_MAP,     // a size
  F_RM_MAP,                // h1 vmo, a size
  F_RM_GROW,               // a size (mapper of 2 pages unless EMPTY)
  F_RM_SHRINK,             // a size (mapper of 2 pages unless EMPTY)
  F_POOL_CREATE,
  F_POOL_INIT, // a count of VMOs (NULL array when NULL1)
  F_POOL_MAP_VMOS,
  F_POOL_PIN_VMOS,
  F_POOL_LOCK,        // pool of a buffers, all lent out first when BUSY
  F_POOL_BUF_RELEASE, // buffer invalid unless LENT
  F_POOL_BUF_RELEASE_WRITE_LOCK,
  F_POOL_RELEASE_BUFFER, // a index into a pool of 2
  F_POOL_BUFFER_SIZE_AT, // a index into a pool of 2
  F_POOL_BUFFER_SIZE,
  F_POOL_BUFFER_ADDR,
  F_POOL_BUFFER_VMO,
  F_VMO_GET_FD,         // h1
  F_VMO_CREATE_FROM_FD, // FD_* says which descriptor, opt options
  F_SET_ENTROPY,        // a raw bits
} fn_t;

// Row flags.
enum {
  NULL1 = 1 << 0,      // first output (or object) pointer NULL
  NULL2 = 1 << 1,      // second output pointer NULL
  ABS = 1 << 2,        // a is an absolute address value, not top-relative
  SUBREL = 1 << 3,     // a is relative to sub's base
  RAW = 1 << 4,        // a.bytes is a raw number (count, index, bits)
  BUF_RO = 1 << 5,     // the user buffer is top page 4 (mapped read-only)
  BUF_GAP = 1 << 6,    // the user buffer is top page 5 (reserved, unmapped)
  EMPTY = 1 << 7,      // mapper / pool buffer starts empty
  MAPPED = 1 << 8,     // mapper already mapped
  BUSY = 1 << 9,       // every pool buffer lent out
  FD_PIPE = 1 << 10,   // a pipe
  FD_RDONLY = 1 << 11, // a regular file opened read-only
  FD_CLOSED = 1 << 12, // a descriptor number that is not open
  POSIX = 1 << 13,     // a POSIX decision (docs/design.md)
  FREED = 1 << 14,     // pool buffer index already free
  SAMEBACK = 1 << 15,  // expects VMAR_OK (a valid corner, for contrast)
};

typedef struct row {
  fn_t fn;
  const char* what;
  vmar_status_t expect;
  hk_t h1, h2;
  uint64_t opt;
  val_t a, b, c;
  uint32_t flags;
} row_t;

#define OK VMAR_OK
#define BAD_HANDLE VMAR_ERR_BAD_HANDLE
#define WRONG_TYPE VMAR_ERR_WRONG_TYPE
#define ACCESS_DENIED VMAR_ERR_ACCESS_DENIED
#define INVALID_ARGS VMAR_ERR_INVALID_ARGS
#define BAD_STATE VMAR_ERR_BAD_STATE
#define OUT_OF_RANGE VMAR_ERR_OUT_OF_RANGE
#define NOT_SUPPORTED VMAR_ERR_NOT_SUPPORTED
#define NO_RESOURCES VMAR_ERR_NO_RESOURCES
#define ALREADY_EXISTS VMAR_ERR_ALREADY_EXISTS
#define NOT_FOUND VMAR_ERR_NOT_FOUND
#define UNAVAILABLE VMAR_ERR_UNAVAILABLE

// The four kinds of handle that are not live, for any handle argument.
#define NOT_LIVE(fn, what, ...)                                                \
  {fn, what " invalid", BAD_HANDLE, H_NONE, __VA_ARGS__},                      \
      {fn, what " forged", BAD_HANDLE, H_FORGED, __VA_ARGS__},                 \
      {fn, what " fixed bits clear", BAD_HANDLE, H_NOBITS, __VA_ARGS__}, {     \
    fn, what " stale", BAD_HANDLE, H_STALE, __VA_ARGS__                        \
  }

static const row_t kRows[] = {
    // ---- vmar_allocate -------------------------------------------------
    NOT_LIVE(F_ALLOCATE, "parent", H_NONE, CAN_RW, V0, PG(1), V0, 0),
    {F_ALLOCATE, "parent is a VMO", WRONG_TYPE, H_VMO, H_NONE, CAN_RW, V0,
     PG(1), V0, 0},
    {F_ALLOCATE, "CAN_MAP_WRITE, parent handle lacks WRITE", ACCESS_DENIED,
     H_TOP_RO, H_NONE, CAN_RW, V0, PG(1), V0, 0},
    {F_ALLOCATE, "missing right checked before unknown bits", ACCESS_DENIED,
     H_TOP_RO, H_NONE, CAN_RW | UNKNOWN_BIT, V0, PG(1), V0, 0},
    {F_ALLOCATE, "unknown option bit", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | UNKNOWN_BIT, V0, PG(1), V0, 0},
    {F_ALLOCATE, "alignment field below 1KB", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | BAD_ALIGN_LOW, V0, PG(1), V0, 0},
    {F_ALLOCATE, "alignment field above 4GB", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | BAD_ALIGN_HIGH, V0, PG(1), V0, 0},
    {F_ALLOCATE, "PERM_READ", INVALID_ARGS, H_TOP, H_NONE, CAN_RW | PERM_R, V0,
     PG(1), V0, 0},
    {F_ALLOCATE, "MAP_RANGE", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | VMAR_VM_MAP_RANGE, V0, PG(1), V0, 0},
    {F_ALLOCATE, "SPECIFIC_OVERWRITE", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | OVERWRITE, PG(5), PG(1), V0, 0},
    {F_ALLOCATE, "ALLOW_FAULTS", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | VMAR_VM_ALLOW_FAULTS, V0, PG(1), V0, 0},
    {F_ALLOCATE, "size not page-aligned", INVALID_ARGS, H_TOP, H_NONE, CAN_RW,
     V0, PGB(1, 1), V0, 0},
    {F_ALLOCATE, "size rounds past the top (not rounded: unaligned)",
     INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0, VOVF, V0, 0},
    {F_ALLOCATE, "unaligned size checked before destroyed parent", INVALID_ARGS,
     H_DEAD, H_NONE, CAN_RW, V0, PGB(1, 1), V0, 0},
    {F_ALLOCATE, "parent destroyed", BAD_STATE, H_DEAD, H_NONE, CAN_RW, V0,
     PG(1), V0, 0},
    {F_ALLOCATE, "destroyed parent checked before size 0", BAD_STATE, H_DEAD,
     H_NONE, CAN_RW, V0, V0, V0, 0},
    {F_ALLOCATE, "size 0", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0, V0, V0, 0},
    {F_ALLOCATE, "CAN_MAP_EXECUTE above sub's ceiling", ACCESS_DENIED, H_SUB,
     H_NONE, CAN_RW | CAN_X, V0, PG(1), V0, 0},
    {F_ALLOCATE, "SPECIFIC with OFFSET_IS_UPPER_LIMIT", INVALID_ARGS, H_TOP,
     H_NONE, CAN_RW | SPEC | UPPER, PG(5), PG(1), V0, 0},
    {F_ALLOCATE, "offset without SPECIFIC", INVALID_ARGS, H_TOP, H_NONE, CAN_RW,
     PG(5), PG(1), V0, 0},
    {F_ALLOCATE, "SPECIFIC offset not page-aligned", INVALID_ARGS, H_TOP,
     H_NONE, CAN_RW | SPEC, PGB(5, 1), PG(1), V0, 0},
    {F_ALLOCATE, "SPECIFIC in a parent without CAN_MAP_SPECIFIC", ACCESS_DENIED,
     H_SUB, H_NONE, CAN_RW | SPEC, PG(2), PG(1), V0, 0},
    {F_ALLOCATE, "UPPER_LIMIT in a parent without CAN_MAP_SPECIFIC",
     ACCESS_DENIED, H_SUB, H_NONE, CAN_RW | UPPER, PG(4), PG(1), V0, 0},
    {F_ALLOCATE, "SPECIFIC offset at the parent's end", INVALID_ARGS, H_TOP,
     H_NONE, CAN_RW | SPEC, PG(TOP_PAGES), PG(1), V0, 0},
    {F_ALLOCATE, "SPECIFIC range past the parent's end", INVALID_ARGS, H_TOP,
     H_NONE, CAN_RW | SPEC, PG(TOP_PAGES - 1), PG(2), V0, 0},
    {F_ALLOCATE, "SPECIFIC offset near 2^64", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | SPEC, VTOP, PG(1), V0, 0},
    {F_ALLOCATE, "size larger than the parent", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW, V0, PG(TOP_PAGES + 1), V0, 0},
    {F_ALLOCATE, "UPPER_LIMIT above the parent's size", INVALID_ARGS, H_TOP,
     H_NONE, CAN_RW | UPPER, PG(TOP_PAGES + 1), PG(1), V0, 0},
    {F_ALLOCATE, "UPPER_LIMIT below the size", INVALID_ARGS, H_TOP, H_NONE,
     CAN_RW | UPPER, PG(1), PG(2), V0, 0},
    {F_ALLOCATE, "SPECIFIC over a mapping", ALREADY_EXISTS, H_TOP, H_NONE,
     CAN_RW | SPEC, PG(3), PG(2), V0, 0},
    {F_ALLOCATE, "SPECIFIC over a sub-VMAR", ALREADY_EXISTS, H_TOP, H_NONE,
     CAN_RW | SPEC, PG(SUB_AT), PG(1), V0, 0},
    {F_ALLOCATE, "no spot large enough", NO_RESOURCES, H_TOP, H_NONE, CAN_RW,
     V0, PG(5), V0, 0},
    {F_ALLOCATE, "child pointer NULL", INVALID_ARGS, H_TOP, H_NONE, CAN_RW, V0,
     PG(1), V0, NULL1},
    {F_ALLOCATE, "address pointer NULL", INVALID_ARGS, H_TOP, H_NONE, CAN_RW,
     V0, PG(1), V0, NULL2},
    {F_ALLOCATE, "NULL output noticed after no spot", NO_RESOURCES, H_TOP,
     H_NONE, CAN_RW, V0, PG(5), V0, NULL1},

    // ---- vmar_destroy --------------------------------------------------
    NOT_LIVE(F_DESTROY, "vmar", H_NONE, 0, V0, V0, V0, 0),
    {F_DESTROY, "a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, V0, V0, V0, 0},
    {F_DESTROY, "handle lacks OP_CHILDREN", ACCESS_DENIED, H_TOP_NOOPCH, H_NONE,
     0, V0, V0, V0, 0},
    {F_DESTROY, "the root", NOT_SUPPORTED, H_ROOT, H_NONE, 0, V0, V0, V0, 0},
    {F_DESTROY, "already destroyed", BAD_STATE, H_DEAD, H_NONE, 0, V0, V0, V0,
     0},

    // ---- vmar_get_info -------------------------------------------------
    NOT_LIVE(F_GET_INFO, "vmar", H_NONE, 0, V0, V0, V0, 0),
    {F_GET_INFO, "a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, V0, V0, V0, 0},
    {F_GET_INFO, "handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0,
     V0, V0, V0, 0},
    {F_GET_INFO, "info NULL", INVALID_ARGS, H_TOP, H_NONE, 0, V0, V0, V0,
     NULL1},
    {F_GET_INFO, "destroyed VMAR still answers", OK, H_DEAD, H_NONE, 0, V0, V0,
     V0, SAMEBACK},

    // ---- vmar_map ------------------------------------------------------
    NOT_LIVE(F_MAP, "vmar", H_VMO, PERM_RW, V0, V0, PG(1), 0),
    {F_MAP, "vmo invalid", BAD_HANDLE, H_TOP, H_NONE, PERM_RW, V0, V0, PG(1),
     0},
    {F_MAP, "vmo forged", BAD_HANDLE, H_TOP, H_FORGED, PERM_RW, V0, V0, PG(1),
     0},
    {F_MAP, "vmo stale", BAD_HANDLE, H_TOP, H_STALE, PERM_RW, V0, V0, PG(1), 0},
    {F_MAP, "vmar is a VMO", WRONG_TYPE, H_VMO, H_VMO, PERM_RW, V0, V0, PG(1),
     0},
    {F_MAP, "vmo is a VMAR", WRONG_TYPE, H_TOP, H_SUB, PERM_RW, V0, V0, PG(1),
     0},
    {F_MAP, "vmo lacks MAP", ACCESS_DENIED, H_TOP, H_VMO_NOMAP, PERM_RW, V0, V0,
     PG(1), 0},
    {F_MAP, "MAP right checked before WRITE without READ", ACCESS_DENIED, H_TOP,
     H_VMO_NOMAP, PERM_W, V0, V0, PG(1), 0},
    {F_MAP, "WRITE without READ", INVALID_ARGS, H_TOP, H_VMO, PERM_W, V0, V0,
     PG(1), 0},
    {F_MAP, "EXECUTE without READ", INVALID_ARGS, H_TOP, H_VMO, PERM_X, V0, V0,
     PG(1), 0},
    {F_MAP, "MAP_RANGE with SPECIFIC_OVERWRITE", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | VMAR_VM_MAP_RANGE | OVERWRITE, PG(5), V0, PG(1), 0},
    {F_MAP, "a CAN_MAP bit", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | CAN_R, V0,
     V0, PG(1), 0},
    {F_MAP, "WRITE, vmo handle lacks WRITE", ACCESS_DENIED, H_TOP, H_VMO_NOWR,
     PERM_RW, V0, V0, PG(1), 0},
    {F_MAP, "WRITE, vmar handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_VMO,
     PERM_RW, V0, V0, PG(1), 0},
    {F_MAP, "EXECUTE, vmo lacks EXECUTE", ACCESS_DENIED, H_TOP, H_VMO,
     PERM_R | PERM_X, V0, V0, PG(1), 0},
    {F_MAP, "missing right checked before unknown bits", ACCESS_DENIED, H_TOP,
     H_VMO_NOWR, PERM_RW | UNKNOWN_BIT, V0, V0, PG(1), 0},
    {F_MAP, "unknown option bit", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | UNKNOWN_BIT, V0, V0, PG(1), 0},
    {F_MAP, "alignment field above 4GB", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | BAD_ALIGN_HIGH, V0, V0, PG(1), 0},
    {F_MAP, "REQUIRE_NON_RESIZABLE with a resizable VMO", NOT_SUPPORTED, H_TOP,
     H_VMO_RS, PERM_RW | VMAR_VM_REQUIRE_NON_RESIZABLE, V0, V0, PG(1), 0},
    {F_MAP, "discardable VMO without ALLOW_FAULTS", NOT_SUPPORTED, H_TOP,
     H_VMO_DISC, PERM_RW, V0, V0, PG(1), 0},
    {F_MAP, "COMPACT", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | VMAR_VM_COMPACT,
     V0, V0, PG(1), 0},
    {F_MAP, "CAN_MAP_SPECIFIC", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | CAN_SPEC,
     V0, V0, PG(1), 0},
    {F_MAP, "EXECUTE above sub's ceiling", ACCESS_DENIED, H_SUB,
     H_NONE /* replaced below */, PERM_R | PERM_X, V0, V0, PG(1), 0},
    {F_MAP, "vmo_offset not page-aligned", INVALID_ARGS, H_TOP, H_VMO, PERM_RW,
     V0, PGB(0, 1), PG(1), 0},
    {F_MAP, "len rounds past 2^64", OUT_OF_RANGE, H_TOP, H_VMO, PERM_RW, V0, V0,
     VOVF, 0},
    {F_MAP, "vmo_offset + len overflows", OUT_OF_RANGE, H_TOP, H_VMO, PERM_RW,
     V0, VTOP, PG(2), 0},
    {F_MAP, "overflow checked before destroyed vmar", OUT_OF_RANGE, H_DEAD,
     H_VMO, PERM_RW, V0, V0, VOVF, 0},
    {F_MAP, "vmar destroyed", BAD_STATE, H_DEAD, H_VMO, PERM_RW, V0, V0, PG(1),
     0},
    {F_MAP, "destroyed checked before len 0", BAD_STATE, H_DEAD, H_VMO, PERM_RW,
     V0, V0, V0, 0},
    {F_MAP, "len 0", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0, V0, V0, 0},
    {F_MAP, "vmar_offset without a placement option", INVALID_ARGS, H_TOP,
     H_VMO, PERM_RW, PG(5), V0, PG(1), 0},
    {F_MAP, "SPECIFIC vmar_offset not page-aligned", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | SPEC, PGB(5, 1), V0, PG(1), 0},
    {F_MAP, "SPECIFIC in a VMAR without CAN_MAP_SPECIFIC", ACCESS_DENIED, H_SUB,
     H_VMO, PERM_R | SPEC, PG(2), V0, PG(1), 0},
    {F_MAP, "SPECIFIC_OVERWRITE without CAN_MAP_SPECIFIC", ACCESS_DENIED, H_SUB,
     H_VMO, PERM_R | OVERWRITE, PG(0), V0, PG(1), 0},
    {F_MAP, "SPECIFIC past the end", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | SPEC,
     PG(TOP_PAGES - 1), V0, PG(2), 0},
    {F_MAP, "SPECIFIC at the end", INVALID_ARGS, H_TOP, H_VMO, PERM_RW | SPEC,
     PG(TOP_PAGES), V0, PG(1), 0},
    {F_MAP, "len larger than the VMAR", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0,
     V0, PG(TOP_PAGES + 1), 0},
    {F_MAP, "SPECIFIC over a mapping", ALREADY_EXISTS, H_TOP, H_VMO,
     PERM_RW | SPEC, PG(3), V0, PG(3), 0},
    {F_MAP, "SPECIFIC_OVERWRITE over a sub-VMAR", INVALID_ARGS, H_TOP, H_VMO,
     PERM_RW | OVERWRITE, PG(7), V0, PG(2), 0},
    {F_MAP, "SPECIFIC_OVERWRITE in the root", NOT_SUPPORTED, H_ROOT, H_VMO,
     PERM_RW | OVERWRITE, PG(1), V0, PG(1), POSIX},
    {F_MAP, "no spot large enough", NO_RESOURCES, H_TOP, H_VMO, PERM_RW, V0, V0,
     PG(5), 0},
    {F_MAP, "mapped_addr NULL", INVALID_ARGS, H_TOP, H_VMO, PERM_RW, V0, V0,
     PG(1), NULL1},
    {F_MAP, "NULL output noticed after no spot", NO_RESOURCES, H_TOP, H_VMO,
     PERM_RW, V0, V0, PG(5), NULL1},

    // ---- vmar_unmap ----------------------------------------------------
    NOT_LIVE(F_UNMAP, "vmar", H_NONE, 0, PG(0), PG(1), V0, 0),
    {F_UNMAP, "a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, PG(0), PG(1), V0, 0},
    {F_UNMAP, "addr not page-aligned", INVALID_ARGS, H_TOP, H_NONE, 0,
     PGB(0, 1), PG(1), V0, 0},
    {F_UNMAP, "unaligned addr checked before destroyed vmar", INVALID_ARGS,
     H_DEAD, H_NONE, 0, PGB(0, 1), PG(1), V0, 0},
    {F_UNMAP, "len 0", INVALID_ARGS, H_TOP, H_NONE, 0, PG(0), V0, V0, 0},
    {F_UNMAP, "len rounds to 0 (overflow)", INVALID_ARGS, H_TOP, H_NONE, 0,
     PG(0), VOVF, V0, 0},
    {F_UNMAP, "vmar destroyed", BAD_STATE, H_DEAD, H_NONE, 0, PG(12), PG(1), V0,
     0},
    {F_UNMAP, "range past the end", INVALID_ARGS, H_TOP, H_NONE, 0,
     PG(TOP_PAGES - 1), PG(2), V0, 0},
    {F_UNMAP, "range before the start", INVALID_ARGS, H_TOP, H_NONE, 0, PG(-1),
     PG(2), V0, 0},
    {F_UNMAP, "addr + len wraps", INVALID_ARGS, H_TOP, H_NONE, 0, PG(1), VTOP,
     V0, 0},
    {F_UNMAP, "part of a sub-VMAR", INVALID_ARGS, H_TOP, H_NONE, 0,
     PG(SUB_AT + 1), PG(1), V0, 0},
    {F_UNMAP, "whole sub-VMAR without OP_CHILDREN", INVALID_ARGS, H_TOP_NOOPCH,
     H_NONE, 0, PG(SUB_AT), PG(SUB_PAGES), V0, 0},
    {F_UNMAP, "a hole", OK, H_TOP, H_NONE, 0, PG(5), PG(2), V0, SAMEBACK},

    // ---- vmar_protect --------------------------------------------------
    NOT_LIVE(F_PROTECT, "vmar", H_NONE, PERM_R, PG(0), PG(1), V0, 0),
    {F_PROTECT, "a VMO", WRONG_TYPE, H_VMO, H_NONE, PERM_R, PG(0), PG(1), V0,
     0},
    {F_PROTECT, "WRITE, handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_NONE,
     PERM_RW, PG(0), PG(1), V0, 0},
    {F_PROTECT, "missing right checked before WRITE without READ",
     ACCESS_DENIED, H_TOP_RO, H_NONE, PERM_W, PG(0), PG(1), V0, 0},
    {F_PROTECT, "WRITE without READ", INVALID_ARGS, H_TOP, H_NONE, PERM_W,
     PG(0), PG(1), V0, 0},
    {F_PROTECT, "addr not page-aligned", INVALID_ARGS, H_TOP, H_NONE, PERM_R,
     PGB(0, 1), PG(1), V0, 0},
    {F_PROTECT, "a non-PERM option", INVALID_ARGS, H_TOP, H_NONE, PERM_R | SPEC,
     PG(0), PG(1), V0, 0},
    {F_PROTECT, "an alignment field", INVALID_ARGS, H_TOP, H_NONE,
     PERM_R | VMAR_VM_ALIGN_64KB, PG(0), PG(1), V0, 0},
    {F_PROTECT, "len 0", INVALID_ARGS, H_TOP, H_NONE, PERM_R, PG(0), V0, V0, 0},
    {F_PROTECT, "vmar destroyed", BAD_STATE, H_DEAD, H_NONE, PERM_R, PG(12),
     PG(1), V0, 0},
    {F_PROTECT, "range past the end", INVALID_ARGS, H_TOP, H_NONE, PERM_R,
     PG(TOP_PAGES - 1), PG(2), V0, 0},
    {F_PROTECT, "a hole", NOT_FOUND, H_TOP, H_NONE, PERM_R, PG(5), PG(1), V0,
     0},
    {F_PROTECT, "range running into a hole", NOT_FOUND, H_TOP, H_NONE, PERM_R,
     PG(3), PG(3), V0, 0},
    {F_PROTECT, "above the mapping's ceiling", ACCESS_DENIED, H_TOP, H_NONE,
     PERM_RW, PG(4), PG(1), V0, 0},
    {F_PROTECT, "mapping in a sub-VMAR without OP_CHILDREN", INVALID_ARGS,
     H_TOP_NOOPCH, H_NONE, 0, PG(SUB_AT), PG(1), V0, 0},
    {F_PROTECT, "raising through the parent", ACCESS_DENIED, H_TOP, H_NONE,
     PERM_RW, PG(SUB_AT), PG(1), V0, 0},
    {F_PROTECT, "reducing through the parent", OK, H_TOP, H_NONE, 0, PG(SUB_AT),
     PG(1), V0, SAMEBACK},

    // ---- vmar_op_range -------------------------------------------------
    NOT_LIVE(F_OP_RANGE, "vmar", H_NONE, VMAR_OP_COMMIT, PG(0), PG(1), V0, 0),
    {F_OP_RANGE, "a VMO", WRONG_TYPE, H_VMO, H_NONE, VMAR_OP_COMMIT, PG(0),
     PG(1), V0, 0},
    {F_OP_RANGE, "unknown op", INVALID_ARGS, H_TOP, H_NONE, BAD_OP, PG(0),
     PG(1), V0, 0},
    {F_OP_RANGE, "VMO op UNLOCK (no VMAR twin)", INVALID_ARGS, H_TOP, H_NONE,
     VMAR_VMO_OP_UNLOCK, PG(0), PG(1), V0, 0},
    {F_OP_RANGE, "COMMIT, handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_NONE,
     VMAR_OP_COMMIT, PG(0), PG(1), V0, 0},
    {F_OP_RANGE, "ZERO, handle lacks WRITE", ACCESS_DENIED, H_TOP_RO, H_NONE,
     VMAR_OP_ZERO, PG(0), PG(1), V0, 0},
    {F_OP_RANGE, "missing right checked before len 0", ACCESS_DENIED, H_TOP_RO,
     H_NONE, VMAR_OP_DECOMMIT, PG(0), V0, V0, 0},
    {F_OP_RANGE, "len 0", INVALID_ARGS, H_TOP, H_NONE, VMAR_OP_COMMIT, PG(0),
     V0, V0, 0},
    {F_OP_RANGE, "addr not page-aligned", INVALID_ARGS, H_TOP, H_NONE,
     VMAR_OP_COMMIT, PGB(0, 1), PG(1), V0, 0},
    {F_OP_RANGE, "range past the end", OUT_OF_RANGE, H_TOP, H_NONE,
     VMAR_OP_COMMIT, PG(TOP_PAGES - 1), PG(2), V0, 0},
    {F_OP_RANGE, "range before the start", OUT_OF_RANGE, H_TOP, H_NONE,
     VMAR_OP_DONT_NEED, PG(-1), PG(2), V0, 0},
    {F_OP_RANGE, "outside checked before destroyed", OUT_OF_RANGE, H_DEAD,
     H_NONE, VMAR_OP_COMMIT, PG(0), PG(2), V0, 0},
    {F_OP_RANGE, "vmar destroyed", BAD_STATE, H_DEAD, H_NONE, VMAR_OP_COMMIT,
     PG(12), PG(1), V0, 0},
    {F_OP_RANGE, "a hole", BAD_STATE, H_TOP, H_NONE, VMAR_OP_COMMIT, PG(5),
     PG(1), V0, 0},
    {F_OP_RANGE, "range running into a hole", BAD_STATE, H_TOP, H_NONE,
     VMAR_OP_DONT_NEED, PG(4), PG(2), V0, 0},
    {F_OP_RANGE, "COMMIT into a sub-VMAR", INVALID_ARGS, H_TOP, H_NONE,
     VMAR_OP_COMMIT, PG(SUB_AT), PG(1), V0, 0},
    {F_OP_RANGE, "DONT_NEED into a sub-VMAR without OP_CHILDREN", INVALID_ARGS,
     H_TOP_NOOPCH, H_NONE, VMAR_OP_DONT_NEED, PG(SUB_AT), PG(1), V0, 0},
    {F_OP_RANGE, "COMMIT on a mapping whose ceiling lacks WRITE", ACCESS_DENIED,
     H_TOP, H_NONE, VMAR_OP_COMMIT, PG(4), PG(1), V0, 0},

    // ---- vmar_get_maps / vmar_dump -------------------------------------
    NOT_LIVE(F_GET_MAPS, "vmar", H_NONE, 0, PGB(0, 4), V0, V0, RAW),
    {F_GET_MAPS, "a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, PGB(0, 4), V0, V0, RAW},
    {F_GET_MAPS, "handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0,
     PGB(0, 4), V0, V0, RAW},
    {F_GET_MAPS, "out NULL with a count", INVALID_ARGS, H_TOP, H_NONE, 0,
     PGB(0, 4), V0, V0, RAW | NULL1},
    {F_GET_MAPS, "vmar destroyed", BAD_STATE, H_DEAD, H_NONE, 0, PGB(0, 4), V0,
     V0, RAW},
    {F_GET_MAPS, "out NULL with count 0", OK, H_TOP, H_NONE, 0, PGB(0, 0), V0,
     V0, RAW | NULL1 | SAMEBACK},
    NOT_LIVE(F_DUMP, "vmar", H_NONE, 0, PGB(0, 64), V0, V0, RAW),
    {F_DUMP, "a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, PGB(0, 64), V0, V0, RAW},
    {F_DUMP, "handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE, 0,
     PGB(0, 64), V0, V0, RAW},
    {F_DUMP, "buf NULL with a capacity", INVALID_ARGS, H_TOP, H_NONE, 0,
     PGB(0, 64), V0, V0, RAW | NULL1},
    {F_DUMP, "vmar destroyed", BAD_STATE, H_DEAD, H_NONE, 0, PGB(0, 64), V0, V0,
     RAW},

    // ---- vmar_vmo_create -----------------------------------------------
    {F_VMO_CREATE, "unknown option", INVALID_ARGS, H_NONE, H_NONE, 1u << 5,
     PG(1), V0, V0, 0},
    {F_VMO_CREATE, "TRAP_DIRTY (not emulated)", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_VMO_TRAP_DIRTY, PG(1), V0, V0, 0},
    {F_VMO_CREATE, "size 2^64-1", OUT_OF_RANGE, H_NONE, H_NONE, 0, VMAX, V0, V0,
     0},
    {F_VMO_CREATE, "size rounds past 2^64", OUT_OF_RANGE, H_NONE, H_NONE, 0,
     VOVF, V0, V0, 0},
    {F_VMO_CREATE, "unknown option checked before size", INVALID_ARGS, H_NONE,
     H_NONE, 1u << 5, VMAX, V0, V0, 0},
    {F_VMO_CREATE, "out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PG(1), V0, V0,
     NULL1},
    {F_VMO_CREATE, "size 0 is fine", OK, H_NONE, H_NONE, 0, V0, V0, V0,
     SAMEBACK},

    // ---- vmar_vmo_read / vmar_vmo_write ---------------------------------
    NOT_LIVE(F_VMO_READ, "vmo", H_NONE, 0, V0, PG(1), V0, 0),
    {F_VMO_READ, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, PG(1), V0, 0},
    {F_VMO_READ, "handle lacks READ", ACCESS_DENIED, H_VMO_NOREAD, H_NONE, 0,
     V0, PG(1), V0, 0},
    {F_VMO_READ, "offset past the end", OUT_OF_RANGE, H_VMO, H_NONE, 0, PG(5),
     PG(1), V0, 0},
    {F_VMO_READ, "offset + len past the end", OUT_OF_RANGE, H_VMO, H_NONE, 0,
     PG(3), PG(2), V0, 0},
    {F_VMO_READ, "offset + len wraps", OUT_OF_RANGE, H_VMO, H_NONE, 0, VMAX,
     PG(1), V0, 0},
    {F_VMO_READ, "buffer NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, PG(1), V0,
     NULL1},
    {F_VMO_READ, "range checked before buffer NULL", OUT_OF_RANGE, H_VMO,
     H_NONE, 0, PG(4), PG(1), V0, NULL1},
    {F_VMO_READ, "buffer NULL with len 0", OK, H_VMO, H_NONE, 0, V0, V0, V0,
     NULL1 | SAMEBACK},
    {F_VMO_READ, "buffer in a read-only mapping", ACCESS_DENIED, H_VMO, H_NONE,
     0, V0, PG(1), V0, BUF_RO},
    {F_VMO_READ, "buffer in reserved, unmapped space", NOT_FOUND, H_VMO, H_NONE,
     0, V0, PG(1), V0, BUF_GAP | POSIX},
    NOT_LIVE(F_VMO_WRITE, "vmo", H_NONE, 0, V0, PG(1), V0, 0),
    {F_VMO_WRITE, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, PG(1), V0, 0},
    {F_VMO_WRITE, "handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE, 0,
     V0, PG(1), V0, 0},
    {F_VMO_WRITE, "offset + len past the end", OUT_OF_RANGE, H_VMO, H_NONE, 0,
     PGB(3, 1), PG(1), V0, 0},
    {F_VMO_WRITE, "offset + len wraps", OUT_OF_RANGE, H_VMO, H_NONE, 0, VTOP,
     PG(2), V0, 0},
    {F_VMO_WRITE, "buffer NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, PG(1), V0,
     NULL1},
    {F_VMO_WRITE, "buffer in a read-only mapping is fine", OK, H_VMO, H_NONE, 0,
     V0, PG(1), V0, BUF_RO | SAMEBACK},
    {F_VMO_WRITE, "buffer in reserved, unmapped space", NOT_FOUND, H_VMO,
     H_NONE, 0, V0, PG(1), V0, BUF_GAP | POSIX},

    // ---- vmar_vmo_get_size / set_size -----------------------------------
    NOT_LIVE(F_VMO_GET_SIZE, "vmo", H_NONE, 0, V0, V0, V0, 0),
    {F_VMO_GET_SIZE, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, 0},
    {F_VMO_GET_SIZE, "size NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0,
     NULL1},
    {F_VMO_GET_SIZE, "no right needed", OK, H_VMO_NOREAD, H_NONE, 0, V0, V0, V0,
     SAMEBACK},
    NOT_LIVE(F_VMO_SET_SIZE, "vmo", H_NONE, 0, PG(2), V0, V0, 0),
    {F_VMO_SET_SIZE, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, PG(2), V0, V0, 0},
    {F_VMO_SET_SIZE, "handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE, 0,
     PG(2), V0, V0, 0},
    {F_VMO_SET_SIZE, "not resizable", UNAVAILABLE, H_VMO, H_NONE, 0, PG(2), V0,
     V0, 0},
    {F_VMO_SET_SIZE, "handle lacks RESIZE", ACCESS_DENIED, H_VMO_NORSZ, H_NONE,
     0, PG(2), V0, V0, 0},
    {F_VMO_SET_SIZE, "size 2^64-1", OUT_OF_RANGE, H_VMO_RS, H_NONE, 0, VMAX, V0,
     V0, 0},
    {F_VMO_SET_SIZE, "not resizable checked before size", UNAVAILABLE, H_VMO,
     H_NONE, 0, VMAX, V0, V0, 0},

    // ---- vmar_vmo_op_range ----------------------------------------------
    NOT_LIVE(F_VMO_OP_RANGE, "vmo", H_NONE, VMAR_VMO_OP_COMMIT, V0, PG(1), V0,
             0),
    {F_VMO_OP_RANGE, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, VMAR_VMO_OP_COMMIT,
     V0, PG(1), V0, 0},
    {F_VMO_OP_RANGE, "unknown op", INVALID_ARGS, H_VMO, H_NONE, BAD_OP, V0,
     PG(1), V0, 0},
    {F_VMO_OP_RANGE, "op 5 (unassigned)", INVALID_ARGS, H_VMO, H_NONE, 5u, V0,
     PG(1), V0, 0},
    {F_VMO_OP_RANGE, "COMMIT, handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR,
     H_NONE, VMAR_VMO_OP_COMMIT, V0, PG(1), V0, 0},
    {F_VMO_OP_RANGE, "CACHE_SYNC, handle lacks READ", ACCESS_DENIED,
     H_VMO_NOREAD, H_NONE, VMAR_VMO_OP_CACHE_SYNC, V0, PG(1), V0, 0},
    {F_VMO_OP_RANGE, "DECOMMIT offset not page-aligned", INVALID_ARGS, H_VMO,
     H_NONE, VMAR_VMO_OP_DECOMMIT, PGB(0, 1), PG(1), V0, 0},
    {F_VMO_OP_RANGE, "DECOMMIT size not page-aligned", INVALID_ARGS, H_VMO,
     H_NONE, VMAR_VMO_OP_DECOMMIT, V0, PGB(0, 1), V0, 0},
    {F_VMO_OP_RANGE, "range past the end", OUT_OF_RANGE, H_VMO, H_NONE,
     VMAR_VMO_OP_ZERO, PG(3), PG(2), V0, 0},
    {F_VMO_OP_RANGE, "offset + size wraps", OUT_OF_RANGE, H_VMO, H_NONE,
     VMAR_VMO_OP_ZERO, PG(1), VMAX, V0, 0},
    {F_VMO_OP_RANGE, "LOCK on a VMO that is not discardable", NOT_SUPPORTED,
     H_VMO, H_NONE, VMAR_VMO_OP_LOCK, V0, PG(1), V0, 0},
    {F_VMO_OP_RANGE, "ZERO of an unaligned range is fine", OK, H_VMO, H_NONE,
     VMAR_VMO_OP_ZERO, PGB(0, 3), PGB(1, 5), V0, SAMEBACK},

    // ---- names, replace_as_executable ------------------------------------
    NOT_LIVE(F_VMO_SET_NAME, "vmo", H_NONE, 0, V0, V0, V0, 0),
    {F_VMO_SET_NAME, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, 0},
    {F_VMO_SET_NAME, "handle lacks SET_PROPERTY", ACCESS_DENIED, H_VMO_NOPROP,
     H_NONE, 0, V0, V0, V0, 0},
    NOT_LIVE(F_VMO_GET_NAME, "vmo", H_NONE, 0, V0, V0, V0, 0),
    {F_VMO_GET_NAME, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, 0},
    {F_VMO_GET_NAME, "handle lacks GET_PROPERTY", ACCESS_DENIED, H_VMO_NOPROP,
     H_NONE, 0, V0, V0, V0, 0},
    {F_VMO_GET_NAME, "name NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0,
     NULL1},
    NOT_LIVE(F_VMO_REPLACE_EXEC, "vmo", H_NONE, 0, V0, V0, V0, 0),
    {F_VMO_REPLACE_EXEC, "a VMAR (consumed)", WRONG_TYPE, H_SUB, H_NONE, 0, V0,
     V0, V0, 0},
    {F_VMO_REPLACE_EXEC, "out NULL (consumed)", INVALID_ARGS, H_VMO_NODUP,
     H_NONE, 0, V0, V0, V0, NULL1},

    // ---- handles ---------------------------------------------------------
    {F_CLOSE, "forged", BAD_HANDLE, H_FORGED, H_NONE, 0, V0, V0, V0, 0},
    {F_CLOSE, "fixed bits clear", BAD_HANDLE, H_NOBITS, H_NONE, 0, V0, V0, V0,
     0},
    {F_CLOSE, "stale", BAD_HANDLE, H_STALE, H_NONE, 0, V0, V0, V0, 0},
    {F_CLOSE, "VMAR_HANDLE_INVALID is a no-op", OK, H_NONE, H_NONE, 0, V0, V0,
     V0, SAMEBACK},
    NOT_LIVE(F_DUPLICATE, "handle", H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0,
             0),
    {F_DUPLICATE, "handle lacks DUPLICATE", ACCESS_DENIED, H_VMO_NODUP, H_NONE,
     VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, 0},
    {F_DUPLICATE, "rights not a subset", INVALID_ARGS, H_VMO_NOWR, H_NONE,
     VMAR_RIGHT_READ | VMAR_RIGHT_WRITE, V0, V0, V0, 0},
    {F_DUPLICATE, "missing DUPLICATE checked before NULL out", ACCESS_DENIED,
     H_VMO_NODUP, H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, NULL1},
    {F_DUPLICATE, "out NULL", INVALID_ARGS, H_VMO, H_NONE,
     VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, NULL1},
    {F_DUPLICATE, "RIGHT_NONE is fine", OK, H_VMO, H_NONE, VMAR_RIGHT_NONE, V0,
     V0, V0, SAMEBACK},
    NOT_LIVE(F_REPLACE, "handle", H_NONE, VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0,
             0),
    {F_REPLACE, "rights not a subset (consumed)", INVALID_ARGS, H_VMO_NOWR,
     H_NONE, VMAR_RIGHT_WRITE, V0, V0, V0, 0},
    {F_REPLACE, "out NULL (consumed)", INVALID_ARGS, H_VMO_NOXFER, H_NONE,
     VMAR_RIGHT_SAME_RIGHTS, V0, V0, V0, NULL1},
    {F_REPLACE, "no right needed", OK, H_VMO_NODUP, H_NONE, VMAR_RIGHT_READ, V0,
     V0, V0, SAMEBACK},
    NOT_LIVE(F_GET_RIGHTS, "handle", H_NONE, 0, V0, V0, V0, 0),
    {F_GET_RIGHTS, "rights NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0,
     NULL1},
    NOT_LIVE(F_GET_HINFO, "handle", H_NONE, 0, V0, V0, V0, 0),
    {F_GET_HINFO, "info NULL", INVALID_ARGS, H_TOP, H_NONE, 0, V0, V0, V0,
     NULL1},

    // ---- managers --------------------------------------------------------
    {F_MANAGER_CREATE, "out NULL", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS, PG(4), V0, V0, NULL1},
    {F_MANAGER_CREATE, "size 0", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS, V0, V0, V0, 0},
    {F_MANAGER_CREATE, "size not page-aligned", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS, PGB(4, 1), V0, V0, 0},
    {F_MANAGER_CREATE, "unknown option bit", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS | UNKNOWN_BIT, PG(4), V0, V0, 0},
    {F_MANAGER_CREATE, "a PERM bit", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_MANAGER_DEFAULT_OPTIONS | PERM_R, PG(4), V0, V0, 0},
    {F_MANAGER_USE, "out NULL", INVALID_ARGS, H_TOP, H_NONE, 0, V0, V0, V0,
     NULL1},
    {F_MANAGER_USE, "VMAR_HANDLE_INVALID", INVALID_ARGS, H_NONE, H_NONE, 0, V0,
     V0, V0, 0},
    {F_MANAGER_USE, "forged", BAD_HANDLE, H_FORGED, H_NONE, 0, V0, V0, V0, 0},
    {F_MANAGER_USE, "stale", BAD_HANDLE, H_STALE, H_NONE, 0, V0, V0, V0, 0},
    {F_MANAGER_USE, "a VMO", WRONG_TYPE, H_VMO, H_NONE, 0, V0, V0, V0, 0},
    {F_MANAGER_USE, "handle lacks INSPECT", ACCESS_DENIED, H_TOP_NOINSP, H_NONE,
     0, V0, V0, V0, 0},
    {F_MANAGER_USE, "handle lacks DUPLICATE", ACCESS_DENIED, H_TOP_NODUP,
     H_NONE, 0, V0, V0, V0, 0},

    // ---- mappers ---------------------------------------------------------
    {F_MAPPER_CREATE_AND_MAP, "mapper NULL", INVALID_ARGS, H_NONE, H_NONE,
     PERM_RW, PG(1), V0, V0, NULL1},
    {F_MAPPER_CREATE_AND_MAP, "size 0", INVALID_ARGS, H_NONE, H_NONE, PERM_RW,
     V0, V0, V0, 0},
    {F_MAPPER_CREATE_AND_MAP, "size 0 checked before already mapped",
     INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0, V0, V0, MAPPED},
    {F_MAPPER_CREATE_AND_MAP, "already mapped", BAD_STATE, H_NONE, H_NONE,
     PERM_RW, PG(1), V0, V0, MAPPED},
    {F_MAPPER_CREATE_AND_MAP, "unknown VMO option", INVALID_ARGS, H_NONE,
     H_NONE, PERM_RW, PG(1), V0, PGB(0, 1 << 5), 0},
    {F_MAPPER_CREATE_AND_MAP, "size 2^64-1", OUT_OF_RANGE, H_NONE, H_NONE,
     PERM_RW, VMAX, V0, V0, 0},
    {F_MAPPER_CREATE_AND_MAP, "WRITE without READ", INVALID_ARGS, H_NONE,
     H_NONE, PERM_W, PG(1), V0, V0, 0},
    {F_MAPPER_MAP, "mapper NULL", INVALID_ARGS, H_VMO, H_NONE, PERM_RW, V0,
     PG(1), V0, NULL1},
    {F_MAPPER_MAP, "VMAR_HANDLE_INVALID", INVALID_ARGS, H_NONE, H_NONE, PERM_RW,
     V0, PG(1), V0, 0},
    {F_MAPPER_MAP, "already mapped", BAD_STATE, H_VMO, H_NONE, PERM_RW, V0,
     PG(1), V0, MAPPED},
    {F_MAPPER_MAP, "forged", BAD_HANDLE, H_FORGED, H_NONE, PERM_RW, V0, PG(1),
     V0, 0},
    {F_MAPPER_MAP, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, PERM_RW, V0, PG(1), V0,
     0},
    {F_MAPPER_MAP, "range past the VMO's end", OUT_OF_RANGE, H_VMO, H_NONE,
     PERM_RW, PG(3), PG(2), V0, 0},
    {F_MAPPER_MAP, "offset + size wraps", OUT_OF_RANGE, H_VMO, H_NONE, PERM_RW,
     PG(1), VMAX, V0, 0},
    {F_MAPPER_MAP, "offset not page-aligned", INVALID_ARGS, H_VMO, H_NONE,
     PERM_RW, PGB(0, 1), PG(1), V0, 0},
    {F_MAPPER_MAP, "offset at the end, size 0 (nothing to map)", INVALID_ARGS,
     H_VMO, H_NONE, PERM_RW, PG(4), V0, V0, 0},
    {F_MAPPER_MAP, "VMO lacks MAP", ACCESS_DENIED, H_VMO_NOMAP, H_NONE, PERM_RW,
     V0, PG(1), V0, 0},
    {F_OWNED_CREATE_AND_MAP, "mapper NULL", INVALID_ARGS, H_NONE, H_NONE,
     PERM_RW, PG(1), V0, V0, NULL1},
    {F_OWNED_CREATE_AND_MAP, "size 0", INVALID_ARGS, H_NONE, H_NONE, PERM_RW,
     V0, V0, V0, 0},
    {F_OWNED_CREATE_AND_MAP, "already holds a VMO", BAD_STATE, H_NONE, H_NONE,
     PERM_RW, PG(1), V0, V0, MAPPED},
    {F_OWNED_MAP, "mapper NULL", INVALID_ARGS, H_VMO, H_NONE, PERM_RW, V0, V0,
     V0, NULL1},
    {F_OWNED_MAP, "VMAR_HANDLE_INVALID", INVALID_ARGS, H_NONE, H_NONE, PERM_RW,
     V0, V0, V0, 0},
    {F_OWNED_MAP, "already holds a VMO", BAD_STATE, H_VMO, H_NONE, PERM_RW, V0,
     V0, V0, MAPPED},
    {F_OWNED_MAP, "size past the VMO's end", OUT_OF_RANGE, H_VMO, H_NONE,
     PERM_RW, PG(5), V0, V0, 0},
    {F_RM_CREATE_AND_MAP, "mapper NULL", INVALID_ARGS, H_NONE, H_NONE, PERM_RW,
     PG(1), V0, V0, NULL1},
    {F_RM_CREATE_AND_MAP, "size 0", INVALID_ARGS, H_NONE, H_NONE, PERM_RW, V0,
     V0, V0, 0},
    {F_RM_MAP, "mapper NULL", INVALID_ARGS, H_VMO_RS, H_NONE, PERM_RW, V0, V0,
     V0, NULL1},
    {F_RM_MAP, "stale VMO", BAD_HANDLE, H_STALE, H_NONE, PERM_RW, V0, V0, V0,
     0},
    {F_RM_GROW, "mapper NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PG(4), V0, V0,
     NULL1},
    {F_RM_GROW, "no VMO", BAD_STATE, H_NONE, H_NONE, 0, PG(4), V0, V0, EMPTY},
    {F_RM_GROW, "below the current size", INVALID_ARGS, H_NONE, H_NONE, 0,
     PG(1), V0, V0, 0},
    {F_RM_GROW, "size 2^64-1", OUT_OF_RANGE, H_NONE, H_NONE, 0, VMAX, V0, V0,
     0},
    {F_RM_SHRINK, "mapper NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PG(1), V0, V0,
     NULL1},
    {F_RM_SHRINK, "no VMO", BAD_STATE, H_NONE, H_NONE, 0, PG(1), V0, V0, EMPTY},
    {F_RM_SHRINK, "size 0", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0, 0},
    {F_RM_SHRINK, "above the current size", INVALID_ARGS, H_NONE, H_NONE, 0,
     PG(3), V0, V0, 0},
    {F_RM_SHRINK, "not page-aligned", INVALID_ARGS, H_NONE, H_NONE, 0,
     PGB(1, 1), V0, V0, 0},

    // ---- pool ------------------------------------------------------------
    {F_POOL_CREATE, "out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0,
     NULL1},
    {F_POOL_INIT, "pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 1), V0,
     V0, RAW | NULL1},
    {F_POOL_INIT, "vmos NULL with a count", INVALID_ARGS, H_NONE, H_NONE, 0,
     PGB(0, 1), V0, V0, RAW | NULL2},
    {F_POOL_INIT, "a stale VMO", BAD_HANDLE, H_STALE, H_NONE, 0, PGB(0, 1), V0,
     V0, RAW},
    {F_POOL_INIT, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, PGB(0, 1), V0, V0,
     RAW},
    {F_POOL_INIT, "a VMO without DUPLICATE", ACCESS_DENIED, H_VMO_NODUP, H_NONE,
     0, PGB(0, 1), V0, V0, RAW},
    {F_POOL_MAP_VMOS, "pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0,
     NULL1},
    {F_POOL_MAP_VMOS, "a VMO without MAP", ACCESS_DENIED, H_VMO_NOMAP, H_NONE,
     0, V0, V0, V0, 0},
    {F_POOL_PIN_VMOS, "pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0,
     NULL1},
    {F_POOL_PIN_VMOS, "no IOMMU on a host", NOT_SUPPORTED, H_NONE, H_NONE, 0,
     V0, V0, V0, POSIX},
    {F_POOL_LOCK, "pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 2), V0,
     V0, RAW | NULL1},
    {F_POOL_LOCK, "out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 2), V0,
     V0, RAW | NULL2},
    {F_POOL_LOCK, "every buffer lent out", NO_RESOURCES, H_NONE, H_NONE, 0,
     PGB(0, 2), V0, V0, RAW | BUSY},
    {F_POOL_LOCK, "empty pool", NO_RESOURCES, H_NONE, H_NONE, 0, PGB(0, 0), V0,
     V0, RAW},
    {F_POOL_BUF_RELEASE, "buffer NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, NULL1},
    {F_POOL_BUF_RELEASE, "buffer not valid", BAD_STATE, H_NONE, H_NONE, 0, V0,
     V0, V0, EMPTY},
    {F_POOL_BUF_RELEASE_WRITE_LOCK, "buffer NULL", INVALID_ARGS, H_NONE, H_NONE,
     0, V0, V0, V0, NULL1},
    {F_POOL_BUF_RELEASE_WRITE_LOCK, "index NULL", INVALID_ARGS, H_NONE, H_NONE,
     0, V0, V0, V0, NULL2},
    {F_POOL_BUF_RELEASE_WRITE_LOCK, "buffer not valid", BAD_STATE, H_NONE,
     H_NONE, 0, V0, V0, V0, EMPTY},
    {F_POOL_RELEASE_BUFFER, "pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0,
     PGB(0, 0), V0, V0, RAW | NULL1},
    {F_POOL_RELEASE_BUFFER, "index out of range", INVALID_ARGS, H_NONE, H_NONE,
     0, PGB(0, 2), V0, V0, RAW},
    {F_POOL_RELEASE_BUFFER, "index already free", NOT_FOUND, H_NONE, H_NONE, 0,
     PGB(0, 1), V0, V0, RAW | FREED},
    {F_POOL_BUFFER_SIZE_AT, "pool NULL", INVALID_ARGS, H_NONE, H_NONE, 0,
     PGB(0, 0), V0, V0, RAW | NULL1},
    {F_POOL_BUFFER_SIZE_AT, "size NULL", INVALID_ARGS, H_NONE, H_NONE, 0,
     PGB(0, 0), V0, V0, RAW | NULL2},
    {F_POOL_BUFFER_SIZE_AT, "index out of range", INVALID_ARGS, H_NONE, H_NONE,
     0, PGB(0, 2), V0, V0, RAW},
    {F_POOL_BUFFER_SIZE, "buffer NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, NULL1},
    {F_POOL_BUFFER_SIZE, "size NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, NULL2},
    {F_POOL_BUFFER_SIZE, "buffer not valid", BAD_STATE, H_NONE, H_NONE, 0, V0,
     V0, V0, EMPTY},
    {F_POOL_BUFFER_ADDR, "buffer NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, NULL1},
    {F_POOL_BUFFER_ADDR, "addr NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, NULL2},
    {F_POOL_BUFFER_ADDR, "buffer not valid", BAD_STATE, H_NONE, H_NONE, 0, V0,
     V0, V0, EMPTY},
    {F_POOL_BUFFER_ADDR, "VMOs not mapped", BAD_STATE, H_NONE, H_NONE, 0, V0,
     V0, V0, 0},
    {F_POOL_BUFFER_VMO, "buffer NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, NULL1},
    {F_POOL_BUFFER_VMO, "vmo NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0,
     NULL2},
    {F_POOL_BUFFER_VMO, "buffer not valid", BAD_STATE, H_NONE, H_NONE, 0, V0,
     V0, V0, EMPTY},

    // ---- POSIX extras ----------------------------------------------------
    {F_VMO_GET_FD, "invalid", BAD_HANDLE, H_NONE, H_NONE, 0, V0, V0, V0, POSIX},
    {F_VMO_GET_FD, "stale", BAD_HANDLE, H_STALE, H_NONE, 0, V0, V0, V0, POSIX},
    {F_VMO_GET_FD, "a VMAR", WRONG_TYPE, H_TOP, H_NONE, 0, V0, V0, V0, POSIX},
    {F_VMO_GET_FD, "handle lacks WRITE", ACCESS_DENIED, H_VMO_NOWR, H_NONE, 0,
     V0, V0, V0, POSIX},
    {F_VMO_GET_FD, "handle lacks MAP", ACCESS_DENIED, H_VMO_NOMAP, H_NONE, 0,
     V0, V0, V0, POSIX},
    {F_VMO_GET_FD, "handle lacks TRANSFER", ACCESS_DENIED, H_VMO_NOXFER, H_NONE,
     0, V0, V0, V0, POSIX},
    {F_VMO_GET_FD, "fd NULL", INVALID_ARGS, H_VMO, H_NONE, 0, V0, V0, V0,
     NULL1 | POSIX},
    {F_VMO_CREATE_FROM_FD, "fd -1", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0, V0,
     POSIX},
    {F_VMO_CREATE_FROM_FD, "fd not open", BAD_HANDLE, H_NONE, H_NONE, 0, V0, V0,
     V0, FD_CLOSED | POSIX},
    {F_VMO_CREATE_FROM_FD, "a pipe", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, FD_PIPE | POSIX},
    {F_VMO_CREATE_FROM_FD, "a file open read-only", ACCESS_DENIED, H_NONE,
     H_NONE, 0, V0, V0, V0, FD_RDONLY | POSIX},
    {F_VMO_CREATE_FROM_FD, "unknown option", INVALID_ARGS, H_NONE, H_NONE,
     VMAR_VMO_DISCARDABLE, V0, V0, V0, FD_PIPE | POSIX},
    {F_VMO_CREATE_FROM_FD, "out NULL", INVALID_ARGS, H_NONE, H_NONE, 0, V0, V0,
     V0, FD_PIPE | NULL1 | POSIX},
    {F_SET_ENTROPY, "37 bits", INVALID_ARGS, H_NONE, H_NONE, 0, PGB(0, 37), V0,
     V0, RAW | POSIX},
};

// ---------------------------------------------------------------------------
// Running one row.

// A pool of |n| one-page VMOs (duplicates of the fixture's VMO, or h1's).
static vmar_vmo_pool_t* make_pool(size_t n, vmar_handle_t vmo) {
  vmar_vmo_pool_t* p = NULL;
  assert_status(VMAR_OK, vmar_vmo_pool_create(&p));
  vmar_handle_t v[2] = {vmo, vmo};
  assert_status(VMAR_OK, vmar_vmo_pool_init(p, v, n));
  return p;
}

static vmar_status_t run_row(const row_t* r) {
  const bool n1 = (r->flags & NULL1) != 0;
  const bool n2 = (r->flags & NULL2) != 0;
  const vmar_handle_t h1 = H(r->h1);
  const vmar_handle_t h2 = H(r->h2);
  const uint64_t a = (r->flags & RAW) ? (uint64_t)r->a.bytes : ev(r->a);
  const size_t az = (r->flags & RAW) ? (size_t)r->a.bytes : evz(r->a);
  const size_t bz = evz(r->b);
  const uint64_t b = ev(r->b);
  const size_t cz = evz(r->c);
  // Addresses of unmap/protect/op_range: relative to top (or sub).
  const vmar_vaddr_t base = (r->flags & SUBREL) ? X.sub_base : X.top_base;
  const vmar_vaddr_t addr =
      (r->flags & ABS) ? (vmar_vaddr_t)a : base + (vmar_vaddr_t)(int64_t)a;
  vmar_handle_t oh = SENTINEL_HANDLE;
  vmar_vaddr_t oa = SENTINEL_ADDR;
  uint64_t o64 = SENTINEL_U64;
  vmar_status_t st;
  static unsigned char buf[4 * 16384];

  switch (r->fn) {
  case F_ALLOCATE:
    st = vmar_allocate(h1, (vmar_vm_option_t)r->opt, az, bz, n1 ? NULL : &oh,
                       n2 ? NULL : &oa);
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_destroy(oh));
      assert_status(VMAR_OK, vmar_handle_close(oh));
    } else {
      assert_int_equal(oh, SENTINEL_HANDLE);
      assert_int_equal(oa, SENTINEL_ADDR);
    }
    return st;
  case F_DESTROY:
    return vmar_destroy(h1);
  case F_GET_INFO: {
    vmar_info_t info = {SENTINEL_ADDR, 7};
    st = vmar_get_info(h1, n1 ? NULL : &info);
    if (st != VMAR_OK) {
      assert_int_equal(info.base, SENTINEL_ADDR);
    }
    return st;
  }
  case F_MAP: {
    // "EXECUTE above sub's ceiling": map an executable VMO handle there.
    vmar_handle_t vmo = h2;
    vmar_handle_t exec = VMAR_HANDLE_INVALID;
    if (r->h1 == H_SUB && r->h2 == H_NONE) {
      vmar_handle_t d = VMAR_HANDLE_INVALID;
      assert_status(VMAR_OK, vmar_handle_duplicate(X.h[H_VMO],
                                                   VMAR_RIGHT_SAME_RIGHTS, &d));
      assert_status(VMAR_OK, vmar_vmo_replace_as_executable(d, &exec));
      vmo = exec;
    }
    st =
        vmar_map(h1, (vmar_vm_option_t)r->opt, az, vmo, b, cz, n1 ? NULL : &oa);
    if (exec != VMAR_HANDLE_INVALID) {
      assert_status(VMAR_OK, vmar_handle_close(exec));
    }
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_unmap(h1, oa, cz));
    } else {
      assert_int_equal(oa, SENTINEL_ADDR);
    }
    return st;
  }
  case F_UNMAP:
    return vmar_unmap(h1, addr, bz);
  case F_PROTECT:
    return vmar_protect(h1, (vmar_vm_option_t)r->opt, addr, bz);
  case F_OP_RANGE:
    return vmar_op_range(h1, (uint32_t)r->opt, addr, bz);
  case F_GET_MAPS: {
    vmar_map_info_t out[4];
    size_t actual = SIZE_MAX, avail = SIZE_MAX;
    st = vmar_get_maps(h1, n1 ? NULL : out, az, &actual, &avail);
    if (st != VMAR_OK) {
      assert_int_equal(actual, SIZE_MAX);
      assert_int_equal(avail, SIZE_MAX);
    }
    return st;
  }
  case F_DUMP: {
    char text[64];
    size_t needed = SIZE_MAX;
    st = vmar_dump(h1, n1 ? NULL : text, az, &needed);
    if (st != VMAR_OK) {
      assert_int_equal(needed, SIZE_MAX);
    }
    return st;
  }
  case F_VMO_CREATE:
    st = vmar_vmo_create(a, (uint32_t)r->opt, n1 ? NULL : &oh);
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_handle_close(oh));
    } else {
      assert_int_equal(oh, SENTINEL_HANDLE);
    }
    return st;
  case F_VMO_READ:
  case F_VMO_WRITE: {
    void* p = buf;
    if (n1) {
      p = NULL;
    } else if (r->flags & BUF_RO) {
      p = (void*)(X.top_base + 4 * page);
    } else if (r->flags & BUF_GAP) {
      p = (void*)(X.top_base + 5 * page);
    }
    return r->fn == F_VMO_READ ? vmar_vmo_read(h1, p, a, bz)
                               : vmar_vmo_write(h1, p, a, bz);
  }
  case F_VMO_GET_SIZE:
    st = vmar_vmo_get_size(h1, n1 ? NULL : &o64);
    if (st != VMAR_OK) {
      assert_int_equal(o64, SENTINEL_U64);
    }
    return st;
  case F_VMO_SET_SIZE:
    return vmar_vmo_set_size(h1, a);
  case F_VMO_OP_RANGE:
    return vmar_vmo_op_range(h1, (uint32_t)r->opt, a, b);
  case F_VMO_SET_NAME:
    return vmar_vmo_set_name(h1, "bad-input");
  case F_VMO_GET_NAME: {
    char name[VMAR_MAX_NAME_LEN];
    return vmar_vmo_get_name(h1, n1 ? NULL : name);
  }
  case F_VMO_REPLACE_EXEC:
    st = vmar_vmo_replace_as_executable(h1, n1 ? NULL : &oh);
    if (st != VMAR_ERR_BAD_HANDLE) {
      X.h[r->h1] = VMAR_HANDLE_INVALID; // consumed
      assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(h1));
    }
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_handle_close(oh));
    } else {
      assert_int_equal(oh, SENTINEL_HANDLE);
    }
    return st;
  case F_CLOSE:
    return vmar_handle_close(h1);
  case F_DUPLICATE:
    st = vmar_handle_duplicate(h1, (vmar_rights_t)r->opt, n1 ? NULL : &oh);
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_handle_close(oh));
    } else {
      assert_int_equal(oh, SENTINEL_HANDLE);
    }
    return st;
  case F_REPLACE:
    st = vmar_handle_replace(h1, (vmar_rights_t)r->opt, n1 ? NULL : &oh);
    if (st != VMAR_ERR_BAD_HANDLE) {
      X.h[r->h1] = VMAR_HANDLE_INVALID; // consumed
      assert_status(VMAR_ERR_BAD_HANDLE, vmar_handle_close(h1));
    }
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_handle_close(oh));
    } else {
      assert_int_equal(oh, SENTINEL_HANDLE);
    }
    return st;
  case F_GET_RIGHTS: {
    vmar_rights_t rights = 0x0BADBAD0u;
    st = vmar_handle_get_rights(h1, n1 ? NULL : &rights);
    if (st != VMAR_OK) {
      assert_int_equal(rights, 0x0BADBAD0u);
    }
    return st;
  }
  case F_GET_HINFO: {
    vmar_handle_info_t info = {SENTINEL_U64, 0, 0};
    st = vmar_handle_get_info(h1, n1 ? NULL : &info);
    if (st != VMAR_OK) {
      assert_int_equal(info.koid, SENTINEL_U64);
    }
    return st;
  }
  case F_MANAGER_CREATE: {
    vmar_manager_t* m = (vmar_manager_t*)(uintptr_t)0x1234;
    st =
        vmar_manager_create(az, NULL, (vmar_vm_option_t)r->opt, n1 ? NULL : &m);
    if (st == VMAR_OK) {
      vmar_manager_release(m);
    } else {
      assert_ptr_equal(m, (vmar_manager_t*)(uintptr_t)0x1234);
    }
    return st;
  }
  case F_MANAGER_USE: {
    vmar_manager_t* m = (vmar_manager_t*)(uintptr_t)0x1234;
    st = vmar_manager_use(h1, n1 ? NULL : &m);
    if (st == VMAR_OK) {
      vmar_manager_release(m);
    } else {
      assert_ptr_equal(m, (vmar_manager_t*)(uintptr_t)0x1234);
    }
    return st;
  }
  case F_MAPPER_CREATE_AND_MAP:
  case F_MAPPER_MAP: {
    vmar_mapper_t m = VMAR_MAPPER_INIT;
    if (r->flags & MAPPED) {
      assert_status(VMAR_OK,
                    vmar_mapper_map(&m, X.h[H_VMO], 0, 0, PERM_RW, NULL));
    }
    const vmar_mapper_t before = m;
    vmar_handle_t vmo = SENTINEL_HANDLE;
    st = r->fn == F_MAPPER_CREATE_AND_MAP
             ? vmar_mapper_create_and_map(
                   n1 ? NULL : &m, a, (vmar_vm_option_t)r->opt, NULL, &vmo,
                   VMAR_RIGHT_SAME_RIGHTS, (uint32_t)ev(r->c))
             : vmar_mapper_map(n1 ? NULL : &m, h1, a, b,
                               (vmar_vm_option_t)r->opt, NULL);
    if (st == VMAR_OK) {
      if (vmo != SENTINEL_HANDLE) {
        assert_status(VMAR_OK, vmar_handle_close(vmo));
      }
    } else {
      assert_memory_equal(&m, &before, sizeof(m));
      assert_int_equal(vmo, SENTINEL_HANDLE);
    }
    vmar_mapper_unmap(&m);
    return st;
  }
  case F_OWNED_CREATE_AND_MAP:
  case F_OWNED_MAP: {
    vmar_owned_mapper_t m = VMAR_OWNED_MAPPER_INIT;
    if (r->flags & MAPPED) {
      assert_status(VMAR_OK, vmar_owned_mapper_create_and_map(
                                 &m, page, NULL, PERM_RW, NULL, 0));
    }
    st = r->fn == F_OWNED_CREATE_AND_MAP
             ? vmar_owned_mapper_create_and_map(
                   n1 ? NULL : &m, a, "x", (vmar_vm_option_t)r->opt, NULL, 0)
             : vmar_owned_mapper_map(n1 ? NULL : &m, h1, a,
                                     (vmar_vm_option_t)r->opt, NULL);
    if (st == VMAR_OK && r->fn == F_OWNED_MAP) {
      vmar_handle_t v = vmar_owned_mapper_release(&m);
      (void)v; // the fixture's handle, closed at teardown
    }
    vmar_owned_mapper_reset(&m);
    return st;
  }
  case F_RM_CREATE_AND_MAP:
  case F_RM_MAP:
  case F_RM_GROW:
  case F_RM_SHRINK: {
    vmar_resizeable_mapper_t m = VMAR_RESIZEABLE_MAPPER_INIT;
    if ((r->fn == F_RM_GROW || r->fn == F_RM_SHRINK) && !(r->flags & EMPTY)) {
      assert_status(VMAR_OK, vmar_resizeable_mapper_create_and_map(
                                 &m, 2 * page, NULL, PERM_RW, NULL));
    }
    vmar_resizeable_mapper_t* mp = n1 ? NULL : &m;
    switch (r->fn) {
    case F_RM_CREATE_AND_MAP:
      st = vmar_resizeable_mapper_create_and_map(
          mp, a, "x", (vmar_vm_option_t)r->opt, NULL);
      break;
    case F_RM_MAP:
      st =
          vmar_resizeable_mapper_map(mp, h1, a, (vmar_vm_option_t)r->opt, NULL);
      break;
    case F_RM_GROW:
      st = vmar_resizeable_mapper_grow(mp, a);
      break;
    default:
      st = vmar_resizeable_mapper_shrink(mp, a);
      break;
    }
    if (r->flags & EMPTY) {
      assert_null(vmar_resizeable_mapper_start(&m));
    } else if (r->fn == F_RM_GROW || r->fn == F_RM_SHRINK) {
      assert_int_equal(vmar_resizeable_mapper_size(&m), 2 * page);
    }
    vmar_resizeable_mapper_reset(&m);
    return st;
  }
  case F_POOL_CREATE: {
    vmar_vmo_pool_t* p = NULL;
    st = vmar_vmo_pool_create(n1 ? NULL : &p);
    vmar_vmo_pool_destroy(p);
    return st;
  }
  case F_POOL_INIT: {
    vmar_vmo_pool_t* p = make_pool(0, X.h[H_VMO]);
    vmar_handle_t v[1] = {h1};
    st = vmar_vmo_pool_init(n1 ? NULL : p, n2 ? NULL : v, az);
    if (st != VMAR_OK) {
      assert_int_equal(vmar_vmo_pool_total_buffers(p), 0);
    }
    vmar_vmo_pool_destroy(p);
    return st;
  }
  case F_POOL_MAP_VMOS:
  case F_POOL_PIN_VMOS: {
    vmar_vmo_pool_t* p =
        make_pool(1, r->h1 == H_NONE ? X.h[H_VMO] : X.h[r->h1]);
    vmar_vmo_pool_t* arg = n1 ? NULL : p;
    st = r->fn == F_POOL_MAP_VMOS ? vmar_vmo_pool_map_vmos(arg)
                                  : vmar_vmo_pool_pin_vmos(arg);
    vmar_vmo_pool_destroy(p);
    return st;
  }
  case F_POOL_LOCK: {
    vmar_vmo_pool_t* p = make_pool(az, X.h[H_VMO]);
    vmar_vmo_pool_buffer_t bufs[2] = {VMAR_VMO_POOL_BUFFER_INIT,
                                      VMAR_VMO_POOL_BUFFER_INIT};
    if (r->flags & BUSY) {
      for (size_t i = 0; i < az; i++) {
        assert_status(VMAR_OK,
                      vmar_vmo_pool_lock_buffer_for_write(p, &bufs[i]));
      }
    }
    vmar_vmo_pool_buffer_t out = VMAR_VMO_POOL_BUFFER_INIT;
    st = vmar_vmo_pool_lock_buffer_for_write(n1 ? NULL : p, n2 ? NULL : &out);
    if (st != VMAR_OK) {
      assert_null(out.pool);
    }
    vmar_vmo_pool_destroy(p);
    return st;
  }
  case F_POOL_BUF_RELEASE:
  case F_POOL_BUF_RELEASE_WRITE_LOCK:
  case F_POOL_BUFFER_SIZE:
  case F_POOL_BUFFER_ADDR:
  case F_POOL_BUFFER_VMO: {
    vmar_vmo_pool_t* p = make_pool(2, X.h[H_VMO]);
    vmar_vmo_pool_buffer_t pb = VMAR_VMO_POOL_BUFFER_INIT;
    if (!(r->flags & EMPTY)) {
      assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(p, &pb));
    }
    vmar_vmo_pool_buffer_t* bp = n1 ? NULL : &pb;
    size_t index = SIZE_MAX;
    uint64_t size = SENTINEL_U64;
    void* va = (void*)SENTINEL_ADDR;
    vmar_handle_t vmo = SENTINEL_HANDLE;
    switch (r->fn) {
    case F_POOL_BUF_RELEASE:
      st = vmar_vmo_pool_buffer_release(bp);
      break;
    case F_POOL_BUF_RELEASE_WRITE_LOCK:
      st = vmar_vmo_pool_buffer_release_write_lock(bp, n2 ? NULL : &index);
      assert_true(st == VMAR_OK || index == SIZE_MAX);
      break;
    case F_POOL_BUFFER_SIZE:
      st = vmar_vmo_pool_buffer_size(bp, n2 ? NULL : &size);
      assert_true(st == VMAR_OK || size == SENTINEL_U64);
      break;
    case F_POOL_BUFFER_ADDR:
      st = vmar_vmo_pool_buffer_virtual_address(bp, n2 ? NULL : &va);
      assert_true(st == VMAR_OK || va == (void*)SENTINEL_ADDR);
      break;
    default:
      st = vmar_vmo_pool_buffer_vmo(bp, n2 ? NULL : &vmo);
      assert_true(st == VMAR_OK || vmo == SENTINEL_HANDLE);
      break;
    }
    vmar_vmo_pool_destroy(p);
    return st;
  }
  case F_POOL_RELEASE_BUFFER:
  case F_POOL_BUFFER_SIZE_AT: {
    vmar_vmo_pool_t* p = make_pool(2, X.h[H_VMO]);
    vmar_vmo_pool_buffer_t pb = VMAR_VMO_POOL_BUFFER_INIT;
    if (!(r->flags & FREED)) {
      assert_status(VMAR_OK, vmar_vmo_pool_lock_buffer_for_write(p, &pb));
    }
    uint64_t size = SENTINEL_U64;
    st = r->fn == F_POOL_RELEASE_BUFFER
             ? vmar_vmo_pool_release_buffer(n1 ? NULL : p, az)
             : vmar_vmo_pool_buffer_size_at(n1 ? NULL : p, az,
                                            n2 ? NULL : &size);
    vmar_vmo_pool_destroy(p);
    return st;
  }
  case F_VMO_GET_FD: {
    int fd = -7;
    st = vmar_vmo_get_fd(h1, n1 ? NULL : &fd);
    if (st == VMAR_OK) {
      close(fd);
    } else {
      assert_int_equal(fd, -7);
    }
    return st;
  }
  case F_VMO_CREATE_FROM_FD: {
    int fd = -1;
    int other = -1;
    if (r->flags & FD_PIPE) {
      int p[2];
      assert_int_equal(pipe(p), 0);
      fd = p[0];
      other = p[1];
    } else if (r->flags & FD_RDONLY) {
      fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
      assert_true(fd >= 0);
    } else if (r->flags & FD_CLOSED) {
      fd = dup(0);
      assert_true(fd >= 0);
      close(fd);
    }
    st = vmar_vmo_create_from_fd(fd, (uint32_t)r->opt, n1 ? NULL : &oh);
    if (st == VMAR_OK) {
      assert_status(VMAR_OK, vmar_handle_close(oh));
    } else {
      assert_int_equal(oh, SENTINEL_HANDLE);
    }
    if (fd >= 0 && !(r->flags & FD_CLOSED)) {
      close(fd);
    }
    if (other >= 0) {
      close(other);
    }
    return st;
  }
  case F_SET_ENTROPY:
    return vmar_posix_set_entropy_bits((uint32_t)a);
  }
  fail_msg("unknown function %d", (int)r->fn);
  return VMAR_ERR_INTERNAL;
}

// The fixture's tree, to check that a failing row changed nothing.
static size_t tree_of(vmar_map_info_t* out, size_t cap) {
  size_t n = 0;
  size_t avail = 0;
  assert_status(VMAR_OK, vmar_get_maps(X.h[H_TOP], out, cap, &n, &avail));
  assert_int_equal(n, avail);
  return n;
}

static void bad_input__table(void** state) {
  (void)state;
  page = vmar_page_size();
  const bool posix = vmar_posix_set_entropy_bits(30) != VMAR_ERR_NOT_SUPPORTED;
  size_t run = 0;
  size_t failed = 0;
  const size_t rows = sizeof(kRows) / sizeof(kRows[0]);
  for (size_t i = 0; i < rows; i++) {
    const row_t* r = &kRows[i];
    if ((r->flags & POSIX) && !posix) {
      continue;
    }
    fixture_up();
    vmar_map_info_t before[16];
    vmar_map_info_t after[16];
    const size_t nb = tree_of(before, 16);
    const vmar_status_t st = run_row(r);
    run++;
    const size_t na = tree_of(after, 16);
    const bool changed =
        na != nb || memcmp(before, after, nb * sizeof(before[0])) != 0;
    if (st != r->expect || (st != VMAR_OK && changed)) {
      print_error("row %zu (fn %d) \"%s\": expected %s, got %s%s\n", i,
                  (int)r->fn, r->what, vmar_status_string(r->expect),
                  vmar_status_string(st),
                  changed && st != VMAR_OK ? " (and the tree changed)" : "");
      failed++;
    }
    fixture_down();
  }
  print_message("bad input: %zu cases over %zu public calls\n", run,
                (size_t)F_SET_ENTROPY + 1);
  assert_int_equal(failed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bad_input__table),
  };
  return cmocka_run_group_tests_name("api.bad_input", tests, NULL, NULL);
}
