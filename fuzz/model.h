// SPDX-License-Identifier: MIT
// vmar fuzz: a deliberately simple reference model of VMARs, VMOs, mappings,
// handles, managers and mappers. Plain arrays, linear scans, no cleverness:
// it predicts the status (and outputs) of every call from the rules of
// the public headers and docs/design.md, independently of the library's code.
//
// Objects are never reused within one model: a closed handle or destroyed
// VMAR keeps its slot, so stale references stay stale. The harness maps the
// library's opaque handle values to model handle indices.
//
// VMOs are windows onto stores (docs/design.md §5): a VMO made by
// vmar_vmo_create, imported from a descriptor or made as a snapshot child
// has a store of its own (a snapshot's holds a copy made at creation); a
// slice shares its parent's store through a fixed window at an offset, a
// reference shares all of it (size and content size included). Bytes live
// in the store, so a write through one VMO is seen through every VMO that
// shares it. The family (parent, children) follows the VMOs' lives: a VMO
// lives while a handle or a mapping holds it, and when it dies its children
// become children of its own parent.

#ifndef VMAR_FUZZ_MODEL_H_
#define VMAR_FUZZ_MODEL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmar/vmar.h>

#define M_MAX_PAGES 64     // largest VMAR or mapping the harness makes
#define M_MAX_VMO_PAGES 32 // largest VMO the harness makes
#define M_MAX_VMARS 64
#define M_MAX_MAPS 256
#define M_MAX_VMOS 96 // VMOs ever made in one run (stores: as many at most)
#define M_MAX_HANDLES 256
#define M_MAX_MGRS 16
#define M_MAX_MAPPERS 8

enum { M_KIND_NONE = 0, M_KIND_VMAR = 1, M_KIND_VMO = 2 };

// What a VMO is (vmar_vmo_create_child's kinds; the three snapshot kinds
// behave alike).
enum {
  M_VMO_PLAIN = 0,     // vmar_vmo_create, an import, a mapper's VMO
  M_VMO_SNAPSHOT = 1,  // a snapshot child: a store of its own, a copy
  M_VMO_SLICE = 2,     // a fixed window onto its parent's store
  M_VMO_REFERENCE = 3, // all of its parent's store
};

typedef struct m_store {
  uint8_t* bytes;     // M_MAX_VMO_PAGES pages; zero past |size|
  uint64_t size;      // bytes, a page multiple
  uint64_t content;   // content size of the VMOs that use all of it
  bool snapshot_copy; // made for a snapshot child: its pages have a
                      // copy-on-write relative for good
} m_store_t;

typedef struct m_vmo {
  bool used;
  bool alive; // a live handle or a mapping holds it (see m_reap)
  int kind;   // M_VMO_*
  int store;
  uint64_t base;    // slices: where the window starts in the store
  uint64_t window;  // slices: the window's size (a page multiple)
  uint64_t content; // slices: their own content size
  int parent;       // the live VMO it counts as a child of, or -1
  bool resizable;   // its size can change (references: as their parent)
  bool discardable;
  bool immutable; // a SNAPSHOT made with NO_WRITE
  uint32_t locks; // LOCK count of a discardable VMO
  char name[VMAR_MAX_NAME_LEN];
  uint64_t koid; // the library's id, learnt at creation
} m_vmo_t;

typedef struct m_vmar {
  bool used;
  bool alive;
  bool root;
  int parent; // -1 for the root
  uintptr_t base;
  size_t size;
  uint32_t flags; // CAN_MAP_*, COMPACT
} m_vmar_t;

typedef struct m_map {
  bool used;
  int parent; // VMAR index
  uintptr_t base;
  size_t pages;
  int vmo;
  uint64_t vmo_off;
  uint32_t ceil;             // PERM_* the mapping may ever have
  uint8_t perm[M_MAX_PAGES]; // current PERM_* per page
} m_map_t;

typedef struct m_handle {
  bool live;
  int kind;
  int obj;
  uint32_t rights;
} m_handle_t;

typedef struct m_mgr {
  bool used; // holds at least one reference
  int vmar;  // VMAR index
  int handle_rights;
  int parent; // manager index or -1 (root)
  int refs;
  bool owned;
} m_mgr_t;

typedef struct m_mapper {
  bool mapped;
  int mgr; // -1 = root
  uintptr_t start;
  uint64_t size;
} m_mapper_t;

typedef struct model {
  size_t page;
  uint32_t entropy_bits; // 0: every VMAR is first fit
  m_vmar_t vmar[M_MAX_VMARS];
  m_map_t map[M_MAX_MAPS];
  m_vmo_t vmo[M_MAX_VMOS];
  m_store_t store[M_MAX_VMOS];
  m_handle_t handle[M_MAX_HANDLES];
  m_mgr_t mgr[M_MAX_MGRS];
  m_mapper_t mapper[M_MAX_MAPPERS];
  int nvmar, nmap, nvmo, nstore, nhandle, nmgr;
  char why[256]; // set when a library output is illegal
} model_t;

// One entry of the model's view of vmar_get_maps.
typedef vmar_map_info_t m_entry_t;

void m_init(model_t* m, size_t page, uintptr_t root_base, size_t root_size,
            uint32_t entropy_bits);
void m_fini(model_t* m);

// Capacity: false when a call could create more objects than the model holds.
bool m_room(const model_t* m);

// Each call returns the expected status. |lib_st| and the library's outputs
// are passed in where the model must accept a choice the library made (a
// placement, a koid); the model then checks that choice and writes a reason
// into m->why (returning a status the library cannot have produced, 1) if it
// is illegal. On success new objects are recorded; *new_h receives the model
// handle index for the library's new handle.
#define M_ILLEGAL 1

vmar_status_t m_allocate(model_t* m, int h, uint32_t opts, size_t off,
                         size_t size, vmar_status_t lib_st, uintptr_t lib_addr,
                         int* new_h);
vmar_status_t m_map(model_t* m, int h, uint32_t opts, size_t off, int vh,
                    uint64_t vmo_off, size_t len, vmar_status_t lib_st,
                    uintptr_t lib_addr);
vmar_status_t m_unmap(model_t* m, int h, uintptr_t addr, size_t len);
vmar_status_t m_protect(model_t* m, int h, uint32_t opts, uintptr_t addr,
                        size_t len);
vmar_status_t m_op_range(model_t* m, int h, uint32_t op, uintptr_t addr,
                         size_t len);
vmar_status_t m_destroy(model_t* m, int h);
vmar_status_t m_get_info(const model_t* m, int h, vmar_info_t* out);
// Writes up to |cap| entries of the get_maps view of VMAR |v| into |out|;
// returns how many there are in all.
size_t m_maps_of(const model_t* m, int v, m_entry_t* out, size_t cap);
vmar_status_t m_get_maps(const model_t* m, int h, int* vmar_out);

vmar_status_t m_vmo_create(model_t* m, uint64_t size, uint32_t opts,
                           uint64_t lib_koid, int* new_h);
// |null_buf|: the buffer is NULL; |buf_st|: what the library's buffer check
// must give for the buffer used (VMAR_OK for ordinary memory).
vmar_status_t m_vmo_read(model_t* m, int h, uint64_t off, size_t len,
                         bool null_buf, vmar_status_t buf_st, uint8_t* out);
vmar_status_t m_vmo_write(model_t* m, int h, uint64_t off, size_t len,
                          bool null_buf, vmar_status_t buf_st,
                          const uint8_t* in);
vmar_status_t m_vmo_get_size(const model_t* m, int h, uint64_t* size);
vmar_status_t m_vmo_set_size(model_t* m, int h, uint64_t size);
vmar_status_t m_vmo_op_range(model_t* m, int h, uint32_t op, uint64_t off,
                             uint64_t size);
vmar_status_t m_vmo_set_name(model_t* m, int h, const char* name);
vmar_status_t m_vmo_get_name(const model_t* m, int h, char* out);
vmar_status_t m_replace_as_exec(model_t* m, int h, int* new_h);

// vmar_vmo_create_child. |null_out|: |out| is NULL. m_vmo_child_check
// predicts the status and changes nothing (*size_out: the child's size);
// m_vmo_create_child makes the child on VMAR_OK, with the library's koid.
vmar_status_t m_vmo_child_check(const model_t* m, int h, uint32_t options,
                                uint64_t offset, uint64_t size, bool null_out,
                                uint64_t* size_out);
vmar_status_t m_vmo_create_child(model_t* m, int h, uint32_t options,
                                 uint64_t offset, uint64_t size, bool null_out,
                                 uint64_t lib_koid, int* new_h);
// vmar_vmo_get_info: every field but committed_bytes (which is the host's).
vmar_status_t m_vmo_get_info(const model_t* m, int h, bool null_info,
                             vmar_vmo_info_t* out);
vmar_status_t m_vmo_get_content_size(const model_t* m, int h, bool null_size,
                                     uint64_t* out);
vmar_status_t m_vmo_set_content_size(model_t* m, int h, uint64_t size);

// Ends the life of every VMO no handle and no mapping holds any more,
// re-homing its children to its parent. Called after every call.
void m_reap(model_t* m);

vmar_status_t m_close(model_t* m, int h); // h == -1: VMAR_HANDLE_INVALID
vmar_status_t m_duplicate(model_t* m, int h, uint32_t rights, int* new_h);
vmar_status_t m_replace(model_t* m, int h, uint32_t rights, int* new_h);
vmar_status_t m_get_rights(const model_t* m, int h, uint32_t* rights);

// Managers and mappers (fzl semantics). |mg| is a manager slot; -1 = root.
vmar_status_t m_mgr_create(model_t* m, size_t size, int parent_mg,
                           uint32_t opts, vmar_status_t lib_st,
                           uintptr_t lib_addr, int* new_mg);
vmar_status_t m_mgr_use(model_t* m, int h, int* new_mg, bool* is_root);
void m_mgr_release(model_t* m, int mg);
vmar_status_t m_mapper_create_and_map(model_t* m, int mp, uint64_t size,
                                      uint32_t flags, int mg, bool want_vmo,
                                      uint32_t vmo_rights, uint32_t vmo_opts,
                                      vmar_status_t lib_st, uintptr_t lib_addr,
                                      uint64_t lib_koid, int* new_h);
// vmar_mapper_map of the VMO behind model handle |vh| (-1: INVALID).
vmar_status_t m_mapper_map(model_t* m, int mp, int vh, uint64_t offset,
                           uint64_t size, uint32_t flags, int mg,
                           vmar_status_t lib_st, uintptr_t lib_addr);
void m_mapper_unmap(model_t* m, int mp);

// Helpers for the harness.
int m_new_handle(model_t* m, int kind, int obj, uint32_t rights);
int m_vmar_of_mgr(const model_t* m, int mg); // VMAR index (0 = root)
uint32_t m_mgr_rights(const model_t* m, int mg);
// The mapping (index) covering |addr|, or -1; *page_out its page index.
int m_map_at(const model_t* m, uintptr_t addr, size_t* page_out);
// True when the byte at |addr| lies in a live non-root VMAR's reservation.
bool m_reserved_at(const model_t* m, uintptr_t addr);
// True when page |p| of mapping |i| is backed by the VMO (inside its size
// and at an offset the host can map).
bool m_page_backed(const model_t* m, int i, size_t p);
// True when the host maps mapping |i| at all (its store offsets fit in a
// signed 64-bit number); page |p| of it also needs to lie inside a slice's
// window (past it the range stays reserved).
bool m_map_host_backed(const model_t* m, int i);
bool m_page_host_backed(const model_t* m, int i, size_t p);
// A VMO's size (a slice's window), and its bytes: [0, size) of the result.
uint64_t m_vmo_size(const model_t* m, int o);
uint8_t* m_vmo_bytes(const model_t* m, int o);

#endif // VMAR_FUZZ_MODEL_H_
