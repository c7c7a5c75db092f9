// SPDX-License-Identifier: MIT
// Written only against Zircon's own headers: the same file builds for Fuchsia
// and, linked to vmar::zx_host, runs unchanged on Linux or macOS.
//
// A renderer keeps frames in one VMO mapped in a compact sub-VMAR. Each time
// a frame is done it takes a copy-on-write snapshot of it (zx_vmo_create_child)
// for a reader, maps the snapshot read-only next to the live frames, and
// keeps drawing: the reader's view never changes. A slice gives a second
// window onto the live pages.

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    zx_status_t status_ = (call);                                              \
    if (status_ != ZX_OK) {                                                    \
      fprintf(stderr, "%s:%d: %s: status %d\n", __FILE__, __LINE__, #call,     \
              (int)status_);                                                   \
      return 1;                                                                \
    }                                                                          \
  } while (0)

int main(void) {
  const size_t page = zx_system_get_page_size();
  const size_t frame = 4 * page;

  // A compact region for the live frames and the snapshots.
  zx_handle_t region;
  zx_vaddr_t region_base;
  CHECK(zx_vmar_allocate(zx_vmar_root_self(),
                         ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE |
                             ZX_VM_CAN_MAP_SPECIFIC | ZX_VM_COMPACT,
                         0, 64 * page, &region, &region_base));

  // Two frames' worth of pages, mapped read-write at the region's start.
  zx_handle_t frames;
  CHECK(zx_vmo_create(2 * frame, 0, &frames));
  zx_vaddr_t live;
  CHECK(zx_vmar_map(region, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_SPECIFIC,
                    0, frames, 0, 2 * frame, &live));

  // Draw frame 0, then hand a snapshot of it to the reader.
  memset((void*)live, 'A', frame);
  zx_handle_t snapshot;
  CHECK(zx_vmo_create_child(frames,
                            ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_NO_WRITE, 0,
                            frame, &snapshot));
  zx_vaddr_t view;
  CHECK(zx_vmar_map(region, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 2 * frame,
                    snapshot, 0, frame, &view));

  // Keep drawing into the same pages: the snapshot keeps frame 0 as it was.
  memset((void*)live, 'B', frame);
  const char* seen = (const char*)view;
  if (seen[0] != 'A' || seen[frame - 1] != 'A') {
    fprintf(stderr, "the snapshot changed under the reader\n");
    return 1;
  }

  // A slice is a window onto the live pages: it sees every change.
  zx_handle_t second;
  CHECK(zx_vmo_create_child(frames, ZX_VMO_CHILD_SLICE, frame, frame, &second));
  memset((void*)(live + frame), 'C', frame);
  char c = 0;
  CHECK(zx_vmo_read(second, &c, 0, 1));
  if (c != 'C') {
    fprintf(stderr, "the slice does not share the frame's pages\n");
    return 1;
  }

  // What the kernel says about the snapshot.
  zx_info_vmo_v1_t info;
  CHECK(zx_object_get_info(snapshot, ZX_INFO_VMO_V1, &info, sizeof(info), NULL,
                           NULL));
  zx_info_handle_basic_t basic;
  CHECK(zx_object_get_info(frames, ZX_INFO_HANDLE_BASIC, &basic, sizeof(basic),
                           NULL, NULL));
  printf("snapshot: %llu bytes, parent koid %s, %zu mapping(s), flags %#x\n",
         (unsigned long long)info.size_bytes,
         info.parent_koid == basic.koid ? "matches" : "DIFFERS",
         info.num_mappings, (unsigned)info.flags);

  // Tear down: destroying the region unmaps everything in it.
  CHECK(zx_vmar_destroy(region));
  CHECK(zx_handle_close(second));
  CHECK(zx_handle_close(snapshot));
  CHECK(zx_handle_close(frames));
  CHECK(zx_handle_close(region));
  printf("frame_snapshots: ok\n");
  return 0;
}
