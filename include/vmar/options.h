// SPDX-License-Identifier: MIT
// vmar: option bits, alignment encoding, rights and operation codes (Zircon's
// values).

#ifndef VMAR_INCLUDE_VMAR_OPTIONS_H_
#define VMAR_INCLUDE_VMAR_OPTIONS_H_

#include <vmar/types.h>

// ---- vmar_vm_option_t bits (ZX_VM_*) ----
#define VMAR_VM_PERM_READ ((vmar_vm_option_t)1u << 0)
#define VMAR_VM_PERM_WRITE ((vmar_vm_option_t)1u << 1)
#define VMAR_VM_PERM_EXECUTE ((vmar_vm_option_t)1u << 2)
#define VMAR_VM_COMPACT ((vmar_vm_option_t)1u << 3)
#define VMAR_VM_SPECIFIC ((vmar_vm_option_t)1u << 4)
#define VMAR_VM_SPECIFIC_OVERWRITE ((vmar_vm_option_t)1u << 5)
#define VMAR_VM_CAN_MAP_SPECIFIC ((vmar_vm_option_t)1u << 6)
#define VMAR_VM_CAN_MAP_READ ((vmar_vm_option_t)1u << 7)
#define VMAR_VM_CAN_MAP_WRITE ((vmar_vm_option_t)1u << 8)
#define VMAR_VM_CAN_MAP_EXECUTE ((vmar_vm_option_t)1u << 9)
#define VMAR_VM_MAP_RANGE ((vmar_vm_option_t)1u << 10)
#define VMAR_VM_REQUIRE_NON_RESIZABLE ((vmar_vm_option_t)1u << 11)
#define VMAR_VM_ALLOW_FAULTS ((vmar_vm_option_t)1u << 12)
#define VMAR_VM_OFFSET_IS_UPPER_LIMIT ((vmar_vm_option_t)1u << 13)
#define VMAR_VM_PERM_READ_IF_XOM_UNSUPPORTED ((vmar_vm_option_t)1u << 14)
#define VMAR_VM_FAULT_BEYOND_STREAM_SIZE ((vmar_vm_option_t)1u << 15)

// Alignment: bits 24..31 hold log2 of the alignment; 0 means none, 10..32 are
// legal, anything else is VMAR_ERR_INVALID_ARGS.
#define VMAR_VM_ALIGN_BASE 24
#define VMAR_VM_ALIGN_MASK ((vmar_vm_option_t)0xFFu << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_1KB ((vmar_vm_option_t)10u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_2KB ((vmar_vm_option_t)11u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_4KB ((vmar_vm_option_t)12u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_8KB ((vmar_vm_option_t)13u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_16KB ((vmar_vm_option_t)14u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_32KB ((vmar_vm_option_t)15u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_64KB ((vmar_vm_option_t)16u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_128KB ((vmar_vm_option_t)17u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_256KB ((vmar_vm_option_t)18u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_512KB ((vmar_vm_option_t)19u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_1MB ((vmar_vm_option_t)20u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_2MB ((vmar_vm_option_t)21u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_4MB ((vmar_vm_option_t)22u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_8MB ((vmar_vm_option_t)23u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_16MB ((vmar_vm_option_t)24u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_32MB ((vmar_vm_option_t)25u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_64MB ((vmar_vm_option_t)26u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_128MB ((vmar_vm_option_t)27u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_256MB ((vmar_vm_option_t)28u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_512MB ((vmar_vm_option_t)29u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_1GB ((vmar_vm_option_t)30u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_2GB ((vmar_vm_option_t)31u << VMAR_VM_ALIGN_BASE)
#define VMAR_VM_ALIGN_4GB ((vmar_vm_option_t)32u << VMAR_VM_ALIGN_BASE)

// ---- vmar_rights_t bits (ZX_RIGHT_*) ----
#define VMAR_RIGHT_NONE ((vmar_rights_t)0u)
#define VMAR_RIGHT_DUPLICATE ((vmar_rights_t)1u << 0)
#define VMAR_RIGHT_TRANSFER ((vmar_rights_t)1u << 1)
#define VMAR_RIGHT_READ ((vmar_rights_t)1u << 2)
#define VMAR_RIGHT_WRITE ((vmar_rights_t)1u << 3)
#define VMAR_RIGHT_EXECUTE ((vmar_rights_t)1u << 4)
#define VMAR_RIGHT_MAP ((vmar_rights_t)1u << 5)
#define VMAR_RIGHT_GET_PROPERTY ((vmar_rights_t)1u << 6)
#define VMAR_RIGHT_SET_PROPERTY ((vmar_rights_t)1u << 7)
#define VMAR_RIGHT_ENUMERATE ((vmar_rights_t)1u << 8)
#define VMAR_RIGHT_DESTROY ((vmar_rights_t)1u << 9)
#define VMAR_RIGHT_SET_POLICY ((vmar_rights_t)1u << 10)
#define VMAR_RIGHT_GET_POLICY ((vmar_rights_t)1u << 11)
#define VMAR_RIGHT_SIGNAL ((vmar_rights_t)1u << 12)
#define VMAR_RIGHT_SIGNAL_PEER ((vmar_rights_t)1u << 13)
#define VMAR_RIGHT_WAIT ((vmar_rights_t)1u << 14)
#define VMAR_RIGHT_INSPECT ((vmar_rights_t)1u << 15)
#define VMAR_RIGHT_MANAGE_JOB ((vmar_rights_t)1u << 16)
#define VMAR_RIGHT_MANAGE_PROCESS ((vmar_rights_t)1u << 17)
#define VMAR_RIGHT_MANAGE_THREAD ((vmar_rights_t)1u << 18)
#define VMAR_RIGHT_APPLY_PROFILE ((vmar_rights_t)1u << 19)
#define VMAR_RIGHT_MANAGE_SOCKET ((vmar_rights_t)1u << 20)
#define VMAR_RIGHT_OP_CHILDREN ((vmar_rights_t)1u << 21)
#define VMAR_RIGHT_RESIZE ((vmar_rights_t)1u << 22)
#define VMAR_RIGHT_ATTACH_VMO ((vmar_rights_t)1u << 23)
#define VMAR_RIGHT_MANAGE_VMO ((vmar_rights_t)1u << 24)
#define VMAR_RIGHT_SAME_RIGHTS ((vmar_rights_t)1u << 31)

#define VMAR_RIGHTS_BASIC                                                      \
  (VMAR_RIGHT_TRANSFER | VMAR_RIGHT_DUPLICATE | VMAR_RIGHT_WAIT |              \
   VMAR_RIGHT_INSPECT)
#define VMAR_RIGHTS_IO (VMAR_RIGHT_READ | VMAR_RIGHT_WRITE)
#define VMAR_RIGHTS_PROPERTY (VMAR_RIGHT_GET_PROPERTY | VMAR_RIGHT_SET_PROPERTY)

// A new VMAR's handle: these plus READ/WRITE/EXECUTE for each CAN_MAP_* bit.
#define VMAR_DEFAULT_VMAR_RIGHTS                                               \
  (VMAR_RIGHT_DUPLICATE | VMAR_RIGHT_TRANSFER | VMAR_RIGHT_INSPECT |           \
   VMAR_RIGHT_OP_CHILDREN)
// A new VMO's handle (plus RESIZE when the VMO is resizable).
#define VMAR_DEFAULT_VMO_RIGHTS                                                \
  (VMAR_RIGHTS_BASIC | VMAR_RIGHTS_IO | VMAR_RIGHTS_PROPERTY |                 \
   VMAR_RIGHT_MAP | VMAR_RIGHT_SIGNAL)

// ---- vmar_op_range operations (ZX_VMAR_OP_*) ----
#define VMAR_VMAR_OP_COMMIT 1u
#define VMAR_VMAR_OP_DECOMMIT 2u
#define VMAR_VMAR_OP_MAP_RANGE 3u
#define VMAR_VMAR_OP_ZERO 10u
#define VMAR_VMAR_OP_DONT_NEED 12u
#define VMAR_VMAR_OP_ALWAYS_NEED 13u
#define VMAR_VMAR_OP_PREFETCH 14u
#define VMAR_OP_COMMIT VMAR_VMAR_OP_COMMIT
#define VMAR_OP_DECOMMIT VMAR_VMAR_OP_DECOMMIT
#define VMAR_OP_MAP_RANGE VMAR_VMAR_OP_MAP_RANGE
#define VMAR_OP_ZERO VMAR_VMAR_OP_ZERO
#define VMAR_OP_DONT_NEED VMAR_VMAR_OP_DONT_NEED
#define VMAR_OP_ALWAYS_NEED VMAR_VMAR_OP_ALWAYS_NEED
#define VMAR_OP_PREFETCH VMAR_VMAR_OP_PREFETCH

// ---- VMO creation options and vmar_vmo_op_range operations (ZX_VMO_*) ----
#define VMAR_VMO_RESIZABLE ((uint32_t)1u << 1)
#define VMAR_VMO_DISCARDABLE ((uint32_t)1u << 2)
#define VMAR_VMO_TRAP_DIRTY ((uint32_t)1u << 3)
#define VMAR_VMO_UNBOUNDED ((uint32_t)1u << 4)

// Options of vmar_vmo_create_child (ZX_VMO_CHILD_*): exactly one kind
// (SNAPSHOT, SNAPSHOT_AT_LEAST_ON_WRITE, SNAPSHOT_MODIFIED, SLICE,
// REFERENCE), and RESIZABLE or NO_WRITE (not both).
#define VMAR_VMO_CHILD_SNAPSHOT ((uint32_t)1u << 0)
#define VMAR_VMO_CHILD_RESIZABLE ((uint32_t)1u << 2)
#define VMAR_VMO_CHILD_SLICE ((uint32_t)1u << 3)
#define VMAR_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE ((uint32_t)1u << 4)
#define VMAR_VMO_CHILD_NO_WRITE ((uint32_t)1u << 5)
#define VMAR_VMO_CHILD_REFERENCE ((uint32_t)1u << 6)
#define VMAR_VMO_CHILD_SNAPSHOT_MODIFIED ((uint32_t)1u << 7)

// Bits of vmar_vmo_info_t.flags (ZX_INFO_VMO_*).
#define VMAR_INFO_VMO_TYPE_PAGED ((uint32_t)1u << 0)
#define VMAR_INFO_VMO_RESIZABLE ((uint32_t)1u << 1)
#define VMAR_INFO_VMO_IS_COW_CLONE ((uint32_t)1u << 2)
#define VMAR_INFO_VMO_VIA_HANDLE ((uint32_t)1u << 3)
#define VMAR_INFO_VMO_DISCARDABLE ((uint32_t)1u << 7)
#define VMAR_INFO_VMO_IMMUTABLE ((uint32_t)1u << 8)

#define VMAR_VMO_OP_COMMIT 1u
#define VMAR_VMO_OP_DECOMMIT 2u
#define VMAR_VMO_OP_LOCK 3u
#define VMAR_VMO_OP_UNLOCK 4u
#define VMAR_VMO_OP_CACHE_SYNC 6u
#define VMAR_VMO_OP_CACHE_INVALIDATE 7u
#define VMAR_VMO_OP_CACHE_CLEAN 8u
#define VMAR_VMO_OP_CACHE_CLEAN_INVALIDATE 9u
#define VMAR_VMO_OP_ZERO 10u
#define VMAR_VMO_OP_TRY_LOCK 11u
#define VMAR_VMO_OP_DONT_NEED 12u
#define VMAR_VMO_OP_ALWAYS_NEED 13u
#define VMAR_VMO_OP_PREFETCH 14u

#endif // VMAR_INCLUDE_VMAR_OPTIONS_H_
