// SPDX-License-Identifier: MIT
// vmar: scalar types, export macro and plain records shared by every header.

#ifndef VMAR_INCLUDE_VMAR_TYPES_H_
#define VMAR_INCLUDE_VMAR_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(VMAR_STATIC_DEFINE) || !(defined(__GNUC__) || defined(__clang__))
#define VMAR_API
#else
#define VMAR_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
#define VMAR_EXTERN_C_BEGIN extern "C" {
#define VMAR_EXTERN_C_END }
#else
#define VMAR_EXTERN_C_BEGIN
#define VMAR_EXTERN_C_END
#endif

VMAR_EXTERN_C_BEGIN

// Widths are Zircon's, so the Zircon backend passes values through untouched.
typedef int32_t vmar_status_t;     // zx_status_t
typedef uint32_t vmar_handle_t;    // zx_handle_t
typedef uint32_t vmar_vm_option_t; // zx_vm_option_t
typedef uint32_t vmar_rights_t;    // zx_rights_t
typedef uintptr_t vmar_vaddr_t;    // zx_vaddr_t
typedef uint64_t vmar_koid_t;      // zx_koid_t

#define VMAR_HANDLE_INVALID ((vmar_handle_t)0)
// Every valid handle value has these two bits set.
#define VMAR_HANDLE_FIXED_BITS_MASK ((vmar_handle_t)0x3)

#define VMAR_KOID_INVALID ((vmar_koid_t)0)

// Object types reported by vmar_handle_get_info (ZX_OBJ_TYPE_* values).
#define VMAR_OBJ_TYPE_NONE ((uint32_t)0)
#define VMAR_OBJ_TYPE_VMO ((uint32_t)3)
#define VMAR_OBJ_TYPE_VMAR ((uint32_t)18)

// Longest object name, NUL included (ZX_MAX_NAME_LEN).
#define VMAR_MAX_NAME_LEN ((size_t)32)

// Where a VMAR lies: |base| is absolute, |len| in bytes (zx_info_vmar_t).
typedef struct vmar_info {
  vmar_vaddr_t base;
  size_t len;
} vmar_info_t;

// Entry types of vmar_get_maps (ZX_INFO_MAPS_TYPE_* values).
#define VMAR_MAP_INFO_TYPE_NONE ((uint32_t)0)
#define VMAR_MAP_INFO_TYPE_ASPACE ((uint32_t)1)
#define VMAR_MAP_INFO_TYPE_VMAR ((uint32_t)2)
#define VMAR_MAP_INFO_TYPE_MAPPING ((uint32_t)3)

// One entry of vmar_get_maps, like zx_info_maps_t.
typedef struct vmar_map_info {
  char name[32];       // VMO name for mappings, "" otherwise
  vmar_vaddr_t base;   // absolute start
  size_t size;         // bytes
  size_t depth;        // 0 for the queried VMAR, its children at 1, ...
  uint32_t type;       // VMAR_MAP_INFO_TYPE_VMAR or VMAR_MAP_INFO_TYPE_MAPPING
  uint32_t mmu_flags;  // mappings: current VMAR_VM_PERM_* bits
  uint64_t vmo_id;     // mappings: koid of the mapped VMO
  uint64_t vmo_offset; // mappings: VMO offset of |base|
} vmar_map_info_t;

// Facts about one VMO, like zx_info_vmo_t (ZX_INFO_VMO_V1, whose layout
// this is, field for field): what a host can know. Counters a host cannot
// know are 0.
typedef struct vmar_vmo_info {
  vmar_koid_t koid;             // the VMO's id
  char name[VMAR_MAX_NAME_LEN]; // its name, NUL-terminated
  uint64_t size_bytes;          // its size (a page multiple)
  vmar_koid_t parent_koid;      // the VMO it is a child of; 0: none
  size_t num_children;          // live children made from it
  size_t num_mappings;          // mappings of it
  size_t share_count;           // address spaces mapping it: 1 here, as
                                // Zircon reports below two mappings
  uint32_t flags;               // VMAR_INFO_VMO_*
  uint64_t committed_bytes;     // memory behind it (design.md §5)
  vmar_rights_t handle_rights;  // rights of the handle asked
  uint32_t cache_policy;        // 0: cached, the only policy a host has
} vmar_vmo_info_t;

// The lock state LOCK reports (zx_vmo_lock_state_t): the range locked and,
// inside it, a range covering every page discarded before the lock (both
// 0 when nothing was, which on a host is always).
typedef struct vmar_vmo_lock_state {
  uint64_t offset;
  uint64_t size;
  uint64_t discarded_offset;
  uint64_t discarded_size;
} vmar_vmo_lock_state_t;

// Facts about one handle, like zx_info_handle_basic_t.
typedef struct vmar_handle_info {
  vmar_koid_t koid;     // the object's id, unique for the life of the process
  vmar_rights_t rights; // rights this handle carries
  uint32_t type;        // VMAR_OBJ_TYPE_*
} vmar_handle_info_t;

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_TYPES_H_
