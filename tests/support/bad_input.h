// SPDX-License-Identifier: MIT
// vmar tests: bad-input tables, one per public call, and their row runner.
//
// A row is one call with one class of bad parameter (NULL outputs; zero,
// unaligned and overflowing sizes and offsets; invalid, forged, stale and
// wrong-type handles; missing rights; destroyed VMARs; unknown option bits
// and ops) and the exact status Zircon returns (or the documented one for
// calls with no Zircon twin). Several rows per call also pin the order of
// the checks: a row breaks two rules and expects the status of the rule
// checked first. Rows marked POSIX state POSIX decisions (docs/design.md)
// and are skipped where vmar_posix_set_entropy_bits is NOT_SUPPORTED.
//
// Arguments are symbolic: handles name objects of a fixture made afresh for
// every row, sizes and offsets are in pages. A suite keeps each call's table
// next to its other cases, with a runner that makes the call from the
// resolved arguments (bad_call_t) and checks the outputs a failing call must
// leave untouched; bad_input_run() does the rest: fixture up, run, check the
// status, check the fixture's tree did not change, fixture down.

#ifndef VMAR_TESTS_SUPPORT_BAD_INPUT_H_
#define VMAR_TESTS_SUPPORT_BAD_INPUT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmar/vmar.h>

#include "fixture.h"

// ---------------------------------------------------------------------------
// Option and status shorthands of the tables.

#define SPEC VMAR_VM_SPECIFIC
#define OVERWRITE VMAR_VM_SPECIFIC_OVERWRITE
#define UPPER VMAR_VM_OFFSET_IS_UPPER_LIMIT
#define UNKNOWN_BIT ((vmar_vm_option_t)1u << 20)
#define BAD_ALIGN_LOW ((vmar_vm_option_t)5u << VMAR_VM_ALIGN_BASE)
#define BAD_ALIGN_HIGH ((vmar_vm_option_t)33u << VMAR_VM_ALIGN_BASE)
#define BAD_OP 99u

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

// ---------------------------------------------------------------------------
// Values in units of the runtime page size, with the special values the
// tables need. PG(n): n pages; PGB(n, b): n pages plus b bytes.

typedef struct bad_val {
  int64_t pages;
  int64_t bytes;
  uint8_t special;
} bad_val_t;

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
typedef enum bad_hk {
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
  H_VMO,        // VMO of 4 pages (not resizable), default rights
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
} bad_hk_t;

typedef struct bad_fixture {
  vmar_handle_t h[H_COUNT];
  vmar_vaddr_t top_base;
  vmar_vaddr_t sub_base;
} bad_fixture_t;

// ---------------------------------------------------------------------------
// Rows.

// Row flags; what the call's runner makes of them is said at each runner.
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

typedef struct bad_row {
  const char* what;
  vmar_status_t expect;
  bad_hk_t h1, h2;
  uint64_t opt;
  bad_val_t a, b, c;
  uint32_t flags;
} bad_row_t;

// The four kinds of handle that are not live, for any handle argument.
#define NOT_LIVE(what, ...)                                                    \
  {what " invalid", BAD_HANDLE, H_NONE, __VA_ARGS__},                          \
      {what " forged", BAD_HANDLE, H_FORGED, __VA_ARGS__},                     \
      {what " fixed bits clear", BAD_HANDLE, H_NOBITS, __VA_ARGS__}, {         \
    what " stale", BAD_HANDLE, H_STALE, __VA_ARGS__                            \
  }

// Room for any output of a call.
enum { BAD_OUT_BYTES = 512, BAD_OUT_FILL = 0xA5 };

// A row's arguments, resolved against the fixture.
typedef struct bad_call {
  const bad_row_t* row;
  bad_fixture_t* fx;
  vmar_handle_t h1, h2;
  uint64_t a;        // a.bytes when RAW, else a's value
  size_t az;         // the same as a size_t (specials clamped to SIZE_MAX)
  uint64_t b;        // b's value
  size_t bz, cz;     // b and c as a size_t
  uint64_t c;        // c's value
  vmar_vaddr_t addr; // top (or sub, SUBREL) + a, or a itself when ABS
  bool n1, n2;       // NULL1, NULL2
  int call;          // which call, for a runner that serves several
  // Where the call writes its outputs: BAD_OUT_BYTES each, aligned for any
  // type and filled with BAD_OUT_FILL; out1 is NULL for NULL1, out2 for
  // NULL2. A failing row that writes to any of them fails the test.
  void* out1;
  void* out2;
  void* out3;
} bad_call_t;

// The |type| value a successful call wrote to |out|.
#define BAD_OUT(type, out) (*(type*)(out))

// Makes the call of one row; returns its status.
typedef vmar_status_t (*bad_runner_t)(const bad_call_t* c);

// One call's table.
typedef struct bad_table {
  const char* name;
  const bad_row_t* rows;
  size_t count;
  bad_runner_t run;
  int call; // handed to |run| (bad_call_t.call)
} bad_table_t;

// The cmocka test |test| that runs |rows| (an array of bad_row_t) of the
// function named |fn| with |run|, through bad_input_test; BAD_INPUT_TEST_OF
// tells a runner that serves several functions which one (|call|).
#define BAD_INPUT_TEST(test, fn, rows, run)                                    \
  BAD_INPUT_TEST_OF(test, fn, rows, run, 0)
#define BAD_INPUT_TEST_OF(test, fn, rows, run, call)                           \
  {                                                                            \
    .name = #test, .test_func = bad_input_test,                                \
    .initial_state = (bad_table_t[]) {                                         \
      { (fn), (rows), sizeof(rows) / sizeof((rows)[0]), (run), (call) }        \
    }                                                                          \
  }

// Runs every row of the bad_table_t in *state against a fresh fixture and
// fails unless each returns its status and, when that is a failure, leaves
// its outputs and the fixture's tree as they were. Prints "bad input: <call>:
// <n> of <m> rows".
void bad_input_test(void** state);

// cmocka group teardown of a suite with tables: prints how many rows the
// suite ran ("bad input: <n> rows in this suite").
int bad_input_group_teardown(void** state);

// Marks the handle of |c|'s h1 as consumed by the call (it is then not
// closed at teardown) and checks that it is gone.
void bad_input_consumed(const bad_call_t* c);

#endif // VMAR_TESTS_SUPPORT_BAD_INPUT_H_
