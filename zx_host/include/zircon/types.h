// SPDX-License-Identifier: MIT
// Host stand-in for <zircon/types.h>: the scalar types and the VM, VMO and
// VMAR constants vmar's Zircon backend uses, by value. Nothing else.

#ifndef VMAR_FAKE_ZIRCON_TYPES_H_
#define VMAR_FAKE_ZIRCON_TYPES_H_

#include <stddef.h>
#include <stdint.h>

#include <zircon/errors.h>
#include <zircon/rights.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
typedef uint64_t zx_koid_t;
typedef uint32_t zx_vm_option_t;
typedef uintptr_t zx_vaddr_t;
typedef uint64_t zx_off_t;
typedef uint32_t zx_obj_type_t;

// 0 is never a handle; every valid handle has both low bits set.
#define ZX_HANDLE_INVALID ((zx_handle_t)0)
#define ZX_HANDLE_FIXED_BITS_MASK ((zx_handle_t)0x3)

#define ZX_KOID_INVALID ((uint64_t)0)

// Longest object name, terminating NUL included.
#define ZX_MAX_NAME_LEN ((size_t)32u)

// Object types reported by ZX_INFO_HANDLE_BASIC (the two vmar deals in).
#define ZX_OBJ_TYPE_NONE ((zx_obj_type_t)0u)
#define ZX_OBJ_TYPE_VMO ((zx_obj_type_t)3u)
#define ZX_OBJ_TYPE_VMAR ((zx_obj_type_t)18u)

// zx_vmo_create options.
#define ZX_VMO_RESIZABLE ((uint32_t)0x2u)
#define ZX_VMO_DISCARDABLE ((uint32_t)0x4u)
#define ZX_VMO_TRAP_DIRTY ((uint32_t)0x8u)
#define ZX_VMO_UNBOUNDED ((uint32_t)0x10u)

// zx_vmo_create_child options.
#define ZX_VMO_CHILD_SNAPSHOT ((uint32_t)1u << 0)
#define ZX_VMO_CHILD_RESIZABLE ((uint32_t)1u << 2)
#define ZX_VMO_CHILD_SLICE ((uint32_t)1u << 3)
#define ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE ((uint32_t)1u << 4)
#define ZX_VMO_CHILD_NO_WRITE ((uint32_t)1u << 5)
#define ZX_VMO_CHILD_REFERENCE ((uint32_t)1u << 6)
#define ZX_VMO_CHILD_SNAPSHOT_MODIFIED ((uint32_t)1u << 7)

// zx_vmo_op_range operations (5 is unused).
#define ZX_VMO_OP_COMMIT ((uint32_t)1u)
#define ZX_VMO_OP_DECOMMIT ((uint32_t)2u)
#define ZX_VMO_OP_LOCK ((uint32_t)3u)
#define ZX_VMO_OP_UNLOCK ((uint32_t)4u)
#define ZX_VMO_OP_CACHE_SYNC ((uint32_t)6u)
#define ZX_VMO_OP_CACHE_INVALIDATE ((uint32_t)7u)
#define ZX_VMO_OP_CACHE_CLEAN ((uint32_t)8u)
#define ZX_VMO_OP_CACHE_CLEAN_INVALIDATE ((uint32_t)9u)
#define ZX_VMO_OP_ZERO ((uint32_t)10u)
#define ZX_VMO_OP_TRY_LOCK ((uint32_t)11u)
#define ZX_VMO_OP_DONT_NEED ((uint32_t)12u)
#define ZX_VMO_OP_ALWAYS_NEED ((uint32_t)13u)
#define ZX_VMO_OP_PREFETCH ((uint32_t)14u)

// What ZX_VMO_OP_LOCK and ZX_VMO_OP_TRY_LOCK report through |buffer|.
typedef struct zx_vmo_lock_state {
  uint64_t offset;
  uint64_t size;
  uint64_t discarded_offset;
  uint64_t discarded_size;
} zx_vmo_lock_state_t;

// zx_vmar_op_range operations; the shared ones equal the VMO codes.
#define ZX_VMAR_OP_COMMIT ((uint32_t)1u)
#define ZX_VMAR_OP_DECOMMIT ((uint32_t)2u)
#define ZX_VMAR_OP_MAP_RANGE ((uint32_t)3u)
#define ZX_VMAR_OP_ZERO ((uint32_t)10u)
#define ZX_VMAR_OP_DONT_NEED ((uint32_t)12u)
#define ZX_VMAR_OP_ALWAYS_NEED ((uint32_t)13u)
#define ZX_VMAR_OP_PREFETCH ((uint32_t)14u)

// Option bits of zx_vmar_allocate, zx_vmar_map and zx_vmar_protect.
#define ZX_VM_PERM_READ ((zx_vm_option_t)0x1u)
#define ZX_VM_PERM_WRITE ((zx_vm_option_t)0x2u)
#define ZX_VM_PERM_EXECUTE ((zx_vm_option_t)0x4u)
#define ZX_VM_COMPACT ((zx_vm_option_t)0x8u)
#define ZX_VM_SPECIFIC ((zx_vm_option_t)0x10u)
#define ZX_VM_SPECIFIC_OVERWRITE ((zx_vm_option_t)0x20u)
#define ZX_VM_CAN_MAP_SPECIFIC ((zx_vm_option_t)0x40u)
#define ZX_VM_CAN_MAP_READ ((zx_vm_option_t)0x80u)
#define ZX_VM_CAN_MAP_WRITE ((zx_vm_option_t)0x100u)
#define ZX_VM_CAN_MAP_EXECUTE ((zx_vm_option_t)0x200u)
#define ZX_VM_MAP_RANGE ((zx_vm_option_t)0x400u)
#define ZX_VM_REQUIRE_NON_RESIZABLE ((zx_vm_option_t)0x800u)
#define ZX_VM_ALLOW_FAULTS ((zx_vm_option_t)0x1000u)
#define ZX_VM_OFFSET_IS_UPPER_LIMIT ((zx_vm_option_t)0x2000u)
#define ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED ((zx_vm_option_t)0x4000u)
#define ZX_VM_FAULT_BEYOND_STREAM_SIZE ((zx_vm_option_t)0x8000u)

// Alignment: log2 of the alignment in bits 24..31 (10..32 are legal).
#define ZX_VM_ALIGN_BASE 24
#define ZX_VM_ALIGN_1KB ((zx_vm_option_t)(10u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2KB ((zx_vm_option_t)(11u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4KB ((zx_vm_option_t)(12u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_8KB ((zx_vm_option_t)(13u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_16KB ((zx_vm_option_t)(14u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_32KB ((zx_vm_option_t)(15u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_64KB ((zx_vm_option_t)(16u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_128KB ((zx_vm_option_t)(17u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_256KB ((zx_vm_option_t)(18u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_512KB ((zx_vm_option_t)(19u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_1MB ((zx_vm_option_t)(20u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2MB ((zx_vm_option_t)(21u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4MB ((zx_vm_option_t)(22u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_8MB ((zx_vm_option_t)(23u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_16MB ((zx_vm_option_t)(24u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_32MB ((zx_vm_option_t)(25u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_64MB ((zx_vm_option_t)(26u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_128MB ((zx_vm_option_t)(27u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_256MB ((zx_vm_option_t)(28u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_512MB ((zx_vm_option_t)(29u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_1GB ((zx_vm_option_t)(30u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2GB ((zx_vm_option_t)(31u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4GB ((zx_vm_option_t)(32u << ZX_VM_ALIGN_BASE))

#ifdef __cplusplus
}
#endif

#endif // VMAR_FAKE_ZIRCON_TYPES_H_
