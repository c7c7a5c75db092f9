// SPDX-License-Identifier: MIT
// vmar tests: small checked wrappers over the public API shared by the suites.
//
// Each wrapper fails the current cmocka test when its call does not succeed.
// Only the public API is used, so the helpers serve both backends.

#ifndef VMAR_TESTS_SUPPORT_HELPERS_H_
#define VMAR_TESTS_SUPPORT_HELPERS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmar/vmar.h>

#include "maps.h"

// Closes |h|, which must succeed.
void close_ok(vmar_handle_t h);

// Closes the |n| handles of |h| in order, each of which must succeed;
// CLOSE_ALL_OK(a, b, ...) closes a, then b, ...
void close_all_ok(const vmar_handle_t* h, size_t n);
#define CLOSE_ALL_OK(...)                                                      \
  close_all_ok((const vmar_handle_t[]){__VA_ARGS__},                           \
               sizeof((const vmar_handle_t[]){__VA_ARGS__}) /                  \
                   sizeof(vmar_handle_t))

// The rights of |h|, read with vmar_handle_get_rights.
vmar_rights_t rights_of(vmar_handle_t h);

// The handle info of |h|, read with vmar_handle_get_info.
vmar_handle_info_t hinfo_of(vmar_handle_t h);

// The koid of |h|, read with vmar_handle_get_info.
vmar_koid_t koid_of(vmar_handle_t h);

// True while |h| still names a live object (its rights can be read).
bool handle_alive(vmar_handle_t h);

// A duplicate of |h| with the rights in |removed| taken away.
vmar_handle_t dup_without(vmar_handle_t h, vmar_rights_t removed);

// A second handle to |h|'s object with exactly |rights|.
vmar_handle_t dup_with(vmar_handle_t h, vmar_rights_t rights);

// The VMAR info of |h|, read with vmar_get_info.
vmar_info_t info_of(vmar_handle_t h);

// Allocates a child VMAR, checking the handle and the page-aligned address;
// stores the address in |*addr| unless |addr| is NULL.
vmar_handle_t alloc_ok(vmar_handle_t parent, vmar_vm_option_t options,
                       size_t offset, size_t size, vmar_vaddr_t* addr);

// A top-level VMAR: alloc_ok in the root at no particular offset.
vmar_handle_t alloc_top(vmar_vm_option_t options, size_t size,
                        vmar_vaddr_t* addr);

// Destroys the VMAR |h| and closes its handle, both of which must succeed.
void destroy_close(vmar_handle_t h);

// destroy_close for a top-level VMAR, whose range [addr, addr + len) must
// then be unmapped (given back to the host).
void destroy_unmapped(vmar_handle_t h, vmar_vaddr_t addr, size_t len);

// Maps |vmo| into |vmar| and returns the (written, non-zero, page-aligned)
// address.
vmar_vaddr_t map_ok(vmar_handle_t vmar, vmar_vm_option_t options, size_t offset,
                    vmar_handle_t vmo, uint64_t vmo_offset, size_t len);

// Maps |vmo| pages [vmo_page, vmo_page + pages) RW and SPECIFIC at page
// |page| of |vmar|, whose base is |base|, and checks that it lands there.
vmar_vaddr_t map_pages_ok(vmar_handle_t vmar, vmar_vaddr_t base, size_t page,
                          vmar_handle_t vmo, size_t vmo_page, size_t pages);

// Unmaps [addr, addr + len) from |vmar|, which must succeed.
void unmap_ok(vmar_handle_t vmar, vmar_vaddr_t addr, size_t len);

// The mappings of |vmar| from vmar_get_maps, calloc'ed (caller frees); the
// count goes to |*n|.
vmar_map_info_t* maps_take(vmar_handle_t vmar, size_t* n);

// Fails unless |e|, an entry of vmar_get_maps, is a MAPPING of
// [base, base + size) of the VMO whose koid is |koid|, from its offset
// |vmo_offset| on.
void assert_mapping(const vmar_map_info_t* e, vmar_vaddr_t base, size_t size,
                    vmar_koid_t koid, uint64_t vmo_offset);

// True if every byte of [addr, addr + len) equals |byte|.
bool mem_is(vmar_vaddr_t addr, size_t len, uint8_t byte);

// The fill byte of page |page| in a VMO patterned with |seed|.
uint8_t pat(uint8_t seed, size_t page);

// True iff the |len| bytes at |offset| of |vmo| all equal |byte| (read with
// vmar_vmo_read).
bool vmo_bytes_are(vmar_handle_t vmo, uint64_t offset, size_t len,
                   uint8_t byte);

// Creates a VMO of |size| bytes with |options|, checking the handle.
vmar_handle_t vmo_new(uint64_t size, uint32_t options);

// The size of |vmo|, read with vmar_vmo_get_size.
uint64_t vmo_size_of(vmar_handle_t vmo);

// Writes pat(seed, i) over every byte of page i of |vmo|, for i < |pages|.
void fill_pages(vmar_handle_t vmo, size_t pages, uint8_t seed);

// A new VMO of |pages| pages, each filled by fill_pages with |seed|.
vmar_handle_t vmo_patterned(size_t pages, uint8_t seed);

// |v| rounded up to a multiple of |a|.
size_t round_up(size_t v, size_t a);

// log2 of the page size.
unsigned page_shift(void);

// The VMAR_VM_ALIGN_* option that asks for 2^shift bytes.
vmar_vm_option_t align_option(unsigned shift);

// The number of mappings (VMAs) that intersect [start, start + len), which
// must be readable.
size_t maps_count_in(uintptr_t start, size_t len);

// cmocka group setup of suites that count mappings: reads /proc/self/maps
// once, so the parser's allocations are in place before the first count.
int maps_group_setup(void** state);

// The process's PROT_NONE ("---p") mappings at one moment. Sanitizer
// runtimes map and unmap their own memory at any time, so tests compare
// reservations rather than whole-process VMA counts.
typedef struct reserved_snapshot {
  test_map_entry_t* entries;
  size_t count;
} reserved_snapshot_t;

// Takes a snapshot; free it with reserved_free.
reserved_snapshot_t reserved_take(void);
void reserved_free(reserved_snapshot_t* s);

// Bytes reserved ("---p") now that were not reserved in |before|: what a
// reservation made since then (and still alive) adds. Runtimes that carve
// accessible memory out of their own reservations never add to it.
size_t reserved_new_bytes(const reserved_snapshot_t* before);

// Fails unless two vmar_get_maps results are equal, entry by entry and
// field by field.
void maps_assert_equal(const vmar_map_info_t* a, size_t na,
                       const vmar_map_info_t* b, size_t nb);

// The /proc/self/maps entries that meet [start, start + len), clipped to it.
// Free |e| when done.
typedef struct {
  size_t n;
  test_map_entry_t* e;
} maps_snap_t;
maps_snap_t maps_snap_take(uintptr_t start, size_t len);

// Fails unless two snapshots list the same ranges with the same perms.
void maps_snap_assert_equal(const maps_snap_t* a, const maps_snap_t* b);

#endif // VMAR_TESTS_SUPPORT_HELPERS_H_
