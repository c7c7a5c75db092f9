// SPDX-License-Identifier: MIT
// Host stand-in for <zircon/syscalls/object.h>: the zx_object_get_info topics
// and records, and the property ids, that vmar's Zircon backend uses.

#ifndef VMAR_FAKE_ZIRCON_SYSCALLS_OBJECT_H_
#define VMAR_FAKE_ZIRCON_SYSCALLS_OBJECT_H_

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t zx_object_info_topic_t;

#define ZX_INFO_HANDLE_VALID ((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC ((zx_object_info_topic_t)2u)
#define ZX_INFO_VMAR ((zx_object_info_topic_t)7u)
#define ZX_INFO_VMO_V1 ((zx_object_info_topic_t)23u)
#define ZX_INFO_VMAR_MAPS ((zx_object_info_topic_t)36u)

// ZX_INFO_HANDLE_BASIC: one record.
typedef struct zx_info_handle_basic {
  zx_koid_t koid;
  zx_rights_t rights;
  zx_obj_type_t type;
  zx_koid_t related_koid;
  uint32_t reserved;
  uint8_t padding1[4];
} zx_info_handle_basic_t;

// ZX_INFO_VMAR: one record.
typedef struct zx_info_vmar {
  uintptr_t base;
  size_t len;
} zx_info_vmar_t;

// ZX_INFO_VMO_V1: one record.
typedef struct zx_info_vmo_v1 {
  zx_koid_t koid;
  char name[ZX_MAX_NAME_LEN];
  uint64_t size_bytes;
  zx_koid_t parent_koid;
  size_t num_children;
  size_t num_mappings;
  size_t share_count;
  uint32_t flags;
  uint8_t padding1[4];
  uint64_t committed_bytes;
  zx_rights_t handle_rights;
  uint32_t cache_policy;
} zx_info_vmo_v1_t;

// Bits of zx_info_vmo_v1_t.flags.
#define ZX_INFO_VMO_TYPE_PAGED ((uint32_t)1u << 0)
#define ZX_INFO_VMO_RESIZABLE ((uint32_t)1u << 1)
#define ZX_INFO_VMO_IS_COW_CLONE ((uint32_t)1u << 2)
#define ZX_INFO_VMO_VIA_HANDLE ((uint32_t)1u << 3)
#define ZX_INFO_VMO_DISCARDABLE ((uint32_t)1u << 7)
#define ZX_INFO_VMO_IMMUTABLE ((uint32_t)1u << 8)

// Kinds of zx_info_maps_t entries.
typedef uint32_t zx_info_maps_type_t;
#define ZX_INFO_MAPS_TYPE_NONE ((zx_info_maps_type_t)0u)
#define ZX_INFO_MAPS_TYPE_ASPACE ((zx_info_maps_type_t)1u)
#define ZX_INFO_MAPS_TYPE_VMAR ((zx_info_maps_type_t)2u)
#define ZX_INFO_MAPS_TYPE_MAPPING ((zx_info_maps_type_t)3u)

// The payload of a MAPPING entry.
typedef struct zx_info_maps_mapping {
  zx_vm_option_t mmu_flags; // ZX_VM_PERM_* bits in force
  uint8_t padding1[4];
  zx_koid_t vmo_koid;
  uint64_t vmo_offset;
  size_t committed_pages;
  size_t populated_pages;
} zx_info_maps_mapping_t;

// ZX_INFO_VMAR_MAPS: an array of these, depth-first pre-order, the queried
// VMAR first at depth 0.
typedef struct zx_info_maps {
  char name[ZX_MAX_NAME_LEN];
  zx_vaddr_t base;
  size_t size;
  size_t depth;
  zx_info_maps_type_t type;
  uint8_t padding1[4];
  union {
    zx_info_maps_mapping_t mapping;
  } u;
} zx_info_maps_t;

// Property ids of zx_object_get_property / zx_object_set_property.
#define ZX_PROP_NAME ((uint32_t)3u)              // char[ZX_MAX_NAME_LEN]
#define ZX_PROP_VMO_CONTENT_SIZE ((uint32_t)17u) // uint64_t

#ifdef __cplusplus
}
#endif

#endif // VMAR_FAKE_ZIRCON_SYSCALLS_OBJECT_H_
