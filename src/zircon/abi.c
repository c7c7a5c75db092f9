// SPDX-License-Identifier: MIT
// Proof that vmar's types and constants are Zircon's own, so every
// vmar__os_* function passes its arguments to the zx_* call untouched: one
// _Static_assert per type and per constant. Nothing here generates code.

#include <stddef.h>

#include <zircon/errors.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include <vmar/vmar.h>

// Same type, not merely the same width: pointers then convert implicitly.
// (|b| is a type name in a _Generic association; it cannot be parenthesised.)
// NOLINTNEXTLINE(bugprone-macro-parentheses)
#define VMAR__SAME_TYPE(a, b) _Generic((a)0, b : 1, default : 0)

_Static_assert(VMAR__SAME_TYPE(vmar_status_t, zx_status_t), "status type");
_Static_assert(VMAR__SAME_TYPE(vmar_handle_t, zx_handle_t), "handle type");
_Static_assert(VMAR__SAME_TYPE(vmar_vm_option_t, zx_vm_option_t),
               "option type");
_Static_assert(VMAR__SAME_TYPE(vmar_rights_t, zx_rights_t), "rights type");
_Static_assert(VMAR__SAME_TYPE(vmar_vaddr_t, zx_vaddr_t), "address type");
_Static_assert(VMAR__SAME_TYPE(vmar_koid_t, zx_koid_t), "koid type");

// Status codes: the one list in <vmar/status.h>, each against its twin.
#define VMAR__CHECK_STATUS(name, value, meaning)                               \
  _Static_assert(VMAR_##name == ZX_##name, "VMAR_" #name " != ZX_" #name);
VMAR_STATUS_LIST(VMAR__CHECK_STATUS)
#undef VMAR__CHECK_STATUS

#define VMAR__CHECK(name)                                                      \
  _Static_assert(VMAR_##name == ZX_##name, "VMAR_" #name " != ZX_" #name)

// Handles, koids, names, object types.
VMAR__CHECK(HANDLE_INVALID);
VMAR__CHECK(HANDLE_FIXED_BITS_MASK);
VMAR__CHECK(KOID_INVALID);
VMAR__CHECK(MAX_NAME_LEN);
VMAR__CHECK(OBJ_TYPE_NONE);
VMAR__CHECK(OBJ_TYPE_VMO);
VMAR__CHECK(OBJ_TYPE_VMAR);

// zx_vm_option_t bits and the alignment field.
VMAR__CHECK(VM_PERM_READ);
VMAR__CHECK(VM_PERM_WRITE);
VMAR__CHECK(VM_PERM_EXECUTE);
VMAR__CHECK(VM_COMPACT);
VMAR__CHECK(VM_SPECIFIC);
VMAR__CHECK(VM_SPECIFIC_OVERWRITE);
VMAR__CHECK(VM_CAN_MAP_SPECIFIC);
VMAR__CHECK(VM_CAN_MAP_READ);
VMAR__CHECK(VM_CAN_MAP_WRITE);
VMAR__CHECK(VM_CAN_MAP_EXECUTE);
VMAR__CHECK(VM_MAP_RANGE);
VMAR__CHECK(VM_REQUIRE_NON_RESIZABLE);
VMAR__CHECK(VM_ALLOW_FAULTS);
VMAR__CHECK(VM_OFFSET_IS_UPPER_LIMIT);
VMAR__CHECK(VM_PERM_READ_IF_XOM_UNSUPPORTED);
VMAR__CHECK(VM_FAULT_BEYOND_STREAM_SIZE);
VMAR__CHECK(VM_ALIGN_BASE);
// Zircon names no mask; it is the whole field above ZX_VM_ALIGN_BASE.
_Static_assert(VMAR_VM_ALIGN_MASK == (0xFFu << ZX_VM_ALIGN_BASE),
               "VMAR_VM_ALIGN_MASK != the ZX_VM_ALIGN_* field");
VMAR__CHECK(VM_ALIGN_1KB);
VMAR__CHECK(VM_ALIGN_2KB);
VMAR__CHECK(VM_ALIGN_4KB);
VMAR__CHECK(VM_ALIGN_8KB);
VMAR__CHECK(VM_ALIGN_16KB);
VMAR__CHECK(VM_ALIGN_32KB);
VMAR__CHECK(VM_ALIGN_64KB);
VMAR__CHECK(VM_ALIGN_128KB);
VMAR__CHECK(VM_ALIGN_256KB);
VMAR__CHECK(VM_ALIGN_512KB);
VMAR__CHECK(VM_ALIGN_1MB);
VMAR__CHECK(VM_ALIGN_2MB);
VMAR__CHECK(VM_ALIGN_4MB);
VMAR__CHECK(VM_ALIGN_8MB);
VMAR__CHECK(VM_ALIGN_16MB);
VMAR__CHECK(VM_ALIGN_32MB);
VMAR__CHECK(VM_ALIGN_64MB);
VMAR__CHECK(VM_ALIGN_128MB);
VMAR__CHECK(VM_ALIGN_256MB);
VMAR__CHECK(VM_ALIGN_512MB);
VMAR__CHECK(VM_ALIGN_1GB);
VMAR__CHECK(VM_ALIGN_2GB);
VMAR__CHECK(VM_ALIGN_4GB);

// Rights, their groups and the defaults of new objects.
VMAR__CHECK(RIGHT_NONE);
VMAR__CHECK(RIGHT_DUPLICATE);
VMAR__CHECK(RIGHT_TRANSFER);
VMAR__CHECK(RIGHT_READ);
VMAR__CHECK(RIGHT_WRITE);
VMAR__CHECK(RIGHT_EXECUTE);
VMAR__CHECK(RIGHT_MAP);
VMAR__CHECK(RIGHT_GET_PROPERTY);
VMAR__CHECK(RIGHT_SET_PROPERTY);
VMAR__CHECK(RIGHT_ENUMERATE);
VMAR__CHECK(RIGHT_DESTROY);
VMAR__CHECK(RIGHT_SET_POLICY);
VMAR__CHECK(RIGHT_GET_POLICY);
VMAR__CHECK(RIGHT_SIGNAL);
VMAR__CHECK(RIGHT_SIGNAL_PEER);
VMAR__CHECK(RIGHT_WAIT);
VMAR__CHECK(RIGHT_INSPECT);
VMAR__CHECK(RIGHT_MANAGE_JOB);
VMAR__CHECK(RIGHT_MANAGE_PROCESS);
VMAR__CHECK(RIGHT_MANAGE_THREAD);
VMAR__CHECK(RIGHT_APPLY_PROFILE);
VMAR__CHECK(RIGHT_MANAGE_SOCKET);
VMAR__CHECK(RIGHT_OP_CHILDREN);
VMAR__CHECK(RIGHT_RESIZE);
VMAR__CHECK(RIGHT_ATTACH_VMO);
VMAR__CHECK(RIGHT_MANAGE_VMO);
VMAR__CHECK(RIGHT_SAME_RIGHTS);
VMAR__CHECK(RIGHTS_BASIC);
VMAR__CHECK(RIGHTS_IO);
VMAR__CHECK(RIGHTS_PROPERTY);
VMAR__CHECK(DEFAULT_VMAR_RIGHTS);
VMAR__CHECK(DEFAULT_VMO_RIGHTS);

// zx_vmar_op_range operations, under both names (VMAR_OP_* are aliases of
// VMAR_VMAR_OP_*).
#define VMAR__CHECK_VMAR_OP(name)                                              \
  VMAR__CHECK(VMAR_OP_##name);                                                 \
  _Static_assert(VMAR_OP_##name == ZX_VMAR_OP_##name, "VMAR_OP_" #name)
VMAR__CHECK_VMAR_OP(COMMIT);
VMAR__CHECK_VMAR_OP(DECOMMIT);
VMAR__CHECK_VMAR_OP(MAP_RANGE);
VMAR__CHECK_VMAR_OP(ZERO);
VMAR__CHECK_VMAR_OP(DONT_NEED);
VMAR__CHECK_VMAR_OP(ALWAYS_NEED);
VMAR__CHECK_VMAR_OP(PREFETCH);
#undef VMAR__CHECK_VMAR_OP

// VMO creation options and zx_vmo_op_range operations.
VMAR__CHECK(VMO_RESIZABLE);
VMAR__CHECK(VMO_DISCARDABLE);
VMAR__CHECK(VMO_TRAP_DIRTY);
VMAR__CHECK(VMO_UNBOUNDED);
VMAR__CHECK(VMO_OP_COMMIT);
VMAR__CHECK(VMO_OP_DECOMMIT);
VMAR__CHECK(VMO_OP_LOCK);
VMAR__CHECK(VMO_OP_UNLOCK);
VMAR__CHECK(VMO_OP_CACHE_SYNC);
VMAR__CHECK(VMO_OP_CACHE_INVALIDATE);
VMAR__CHECK(VMO_OP_CACHE_CLEAN);
VMAR__CHECK(VMO_OP_CACHE_CLEAN_INVALIDATE);
VMAR__CHECK(VMO_OP_ZERO);
VMAR__CHECK(VMO_OP_TRY_LOCK);
VMAR__CHECK(VMO_OP_DONT_NEED);
VMAR__CHECK(VMO_OP_ALWAYS_NEED);
VMAR__CHECK(VMO_OP_PREFETCH);

// zx_vmo_create_child options and ZX_INFO_VMO flags.
VMAR__CHECK(VMO_CHILD_SNAPSHOT);
VMAR__CHECK(VMO_CHILD_RESIZABLE);
VMAR__CHECK(VMO_CHILD_SLICE);
VMAR__CHECK(VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE);
VMAR__CHECK(VMO_CHILD_NO_WRITE);
VMAR__CHECK(VMO_CHILD_REFERENCE);
VMAR__CHECK(VMO_CHILD_SNAPSHOT_MODIFIED);
VMAR__CHECK(INFO_VMO_TYPE_PAGED);
VMAR__CHECK(INFO_VMO_RESIZABLE);
VMAR__CHECK(INFO_VMO_IS_COW_CLONE);
VMAR__CHECK(INFO_VMO_VIA_HANDLE);
VMAR__CHECK(INFO_VMO_DISCARDABLE);
VMAR__CHECK(INFO_VMO_IMMUTABLE);

// zx_info_maps_t entry types.
_Static_assert(VMAR_MAP_INFO_TYPE_NONE == ZX_INFO_MAPS_TYPE_NONE, "NONE");
_Static_assert(VMAR_MAP_INFO_TYPE_ASPACE == ZX_INFO_MAPS_TYPE_ASPACE, "ASPACE");
_Static_assert(VMAR_MAP_INFO_TYPE_VMAR == ZX_INFO_MAPS_TYPE_VMAR, "VMAR");
_Static_assert(VMAR_MAP_INFO_TYPE_MAPPING == ZX_INFO_MAPS_TYPE_MAPPING,
               "MAPPING");

// vmar_info_t is zx_info_vmar_t field for field.
_Static_assert(sizeof(vmar_info_t) == sizeof(zx_info_vmar_t), "info size");
_Static_assert(offsetof(vmar_info_t, base) == offsetof(zx_info_vmar_t, base),
               "info base");
_Static_assert(offsetof(vmar_info_t, len) == offsetof(zx_info_vmar_t, len),
               "info len");

// Names fit: vmar_map_info_t.name holds a whole ZX_MAX_NAME_LEN name.
_Static_assert(sizeof(((vmar_map_info_t*)0)->name) == ZX_MAX_NAME_LEN,
               "map name");
_Static_assert(sizeof(((zx_info_maps_t*)0)->name) == ZX_MAX_NAME_LEN,
               "zx map name");

// vmar_vmo_info_t is zx_info_vmo_v1_t field for field (ZX_INFO_VMO_V1).
#define VMAR__SAME_FIELD(vf, zf)                                               \
  _Static_assert(offsetof(vmar_vmo_info_t, vf) ==                              \
                         offsetof(zx_info_vmo_v1_t, zf) &&                     \
                     sizeof(((vmar_vmo_info_t*)0)->vf) ==                      \
                         sizeof(((zx_info_vmo_v1_t*)0)->zf),                   \
                 "vmo info " #vf)
_Static_assert(sizeof(vmar_vmo_info_t) == sizeof(zx_info_vmo_v1_t),
               "vmo info size");
VMAR__SAME_FIELD(koid, koid);
VMAR__SAME_FIELD(name, name);
VMAR__SAME_FIELD(size_bytes, size_bytes);
VMAR__SAME_FIELD(parent_koid, parent_koid);
VMAR__SAME_FIELD(num_children, num_children);
VMAR__SAME_FIELD(num_mappings, num_mappings);
VMAR__SAME_FIELD(share_count, share_count);
VMAR__SAME_FIELD(flags, flags);
VMAR__SAME_FIELD(committed_bytes, committed_bytes);
VMAR__SAME_FIELD(handle_rights, handle_rights);
VMAR__SAME_FIELD(cache_policy, cache_policy);

// vmar_vmo_lock_state_t is zx_vmo_lock_state_t.
_Static_assert(sizeof(vmar_vmo_lock_state_t) == sizeof(zx_vmo_lock_state_t),
               "lock state size");
_Static_assert(offsetof(vmar_vmo_lock_state_t, discarded_size) ==
                   offsetof(zx_vmo_lock_state_t, discarded_size),
               "lock state layout");
