// SPDX-License-Identifier: MIT
// A tour of vmar's main job: a compact region holding nested sub-regions,
// each placed and permission-capped like a Zircon VMAR, with VMOs mapped in.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmar/vmar.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    vmar_status_t st_ = (call);                                                \
    if (st_ != VMAR_OK) {                                                      \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,     \
              vmar_status_string(st_));                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

typedef struct node {
  const char* name;
  vmar_manager_t* m;
} node_t;

// Prints |parent|'s children (managers whose parent is |parent|) depth-first,
// each with its range and its offset inside the parent.
static void print_tree(const vmar_manager_t* parent, const node_t* all,
                       size_t count, int depth) {
  for (size_t i = 0; i < count; i++) {
    if (vmar_manager_parent(all[i].m) != parent) {
      continue;
    }
    uintptr_t start = (uintptr_t)vmar_manager_start(all[i].m);
    uintptr_t pstart = parent ? (uintptr_t)vmar_manager_start(parent) : start;
    printf("%*s%-8s [%#14lx, %#14lx) %5lu KiB  at +%#lx\n", 2 * depth, "",
           all[i].name, (unsigned long)start,
           (unsigned long)(start + vmar_manager_size(all[i].m)),
           (unsigned long)(vmar_manager_size(all[i].m) / 1024),
           (unsigned long)(start - pstart));
    print_tree(all[i].m, all, count, depth + 1);
  }
}

int main(void) {
  const size_t page = vmar_page_size();
  printf("page size: %zu bytes\n\n", page);

  // One compact reservation of 1024 pages under the root: children are packed
  // from its base, lowest address first, so page tables stay dense.
  node_t nodes[6];
  size_t n = 0;
  vmar_manager_t* arena;
  CHECK(vmar_manager_create(1024 * page, NULL, VMAR_MANAGER_DEFAULT_OPTIONS,
                            &arena));
  nodes[n++] = (node_t){"arena", arena};

  // Nested managers: each keeps its parent alive (parent chaining).
  const size_t sizes[] = {16, 64, 8};
  const char* names[] = {"buffers", "heap", "stacks"};
  vmar_manager_t* kids[3];
  for (int i = 0; i < 3; i++) {
    CHECK(vmar_manager_create(sizes[i] * page, arena,
                              VMAR_MANAGER_DEFAULT_OPTIONS, &kids[i]));
    nodes[n++] = (node_t){names[i], kids[i]};
  }
  // A read-only grandchild: its ceiling can only be lower than its parent's.
  vmar_manager_t* ro;
  CHECK(vmar_manager_create(4 * page, kids[1],
                            VMAR_VM_COMPACT | VMAR_VM_CAN_MAP_READ, &ro));
  nodes[n++] = (node_t){"rodata", ro};

  // Asking for more than the parent may hold is refused, as on Zircon.
  vmar_manager_t* bad = NULL;
  vmar_status_t st = vmar_manager_create(
      page, ro, VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE, &bad);
  printf("writable child of read-only 'rodata': %s\n\n",
         vmar_status_string(st));

  printf("tree (compact placement: children packed from the base):\n");
  print_tree(NULL, nodes, n, 0);

  // Releasing a middle child frees its range inside the arena (still
  // reserved); the next allocation that fits reuses the hole.
  uintptr_t hole = (uintptr_t)vmar_manager_start(kids[0]);
  vmar_manager_release(kids[0]);
  vmar_manager_t* again;
  CHECK(vmar_manager_create(16 * page, arena, VMAR_MANAGER_DEFAULT_OPTIONS,
                            &again));
  printf("\nreleased 'buffers' and created 16 pages again: %s\n",
         (uintptr_t)vmar_manager_start(again) == hole ? "same spot (packed)"
                                                      : "elsewhere");

  // Memory: map one VMO twice into the heap region. Both mappings share the
  // same pages, and vmar_vmo_read sees what was written through either.
  vmar_handle_t vmo;
  CHECK(vmar_vmo_create(2 * page, 0, &vmo));
  CHECK(vmar_vmo_set_name(vmo, "shared"));
  vmar_handle_t heap = vmar_manager_vmar(kids[1]);
  vmar_vaddr_t first, second;
  CHECK(vmar_map(heap, VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, vmo, 0,
                 2 * page, &first));
  CHECK(vmar_map(heap, VMAR_VM_PERM_READ, 0, vmo, 0, 2 * page, &second));
  strcpy((char*)first, "written through the first mapping");
  char back[64] = {0};
  CHECK(vmar_vmo_read(vmo, back, 0, sizeof(back) - 1));
  printf("\nsecond mapping reads: \"%s\"\n", (const char*)second);
  printf("vmar_vmo_read reads:  \"%s\"\n", back);

  // Protection per page, as Zircon's protection ranges: the second page of
  // the first mapping becomes read-only.
  CHECK(vmar_protect(heap, VMAR_VM_PERM_READ, first + page, page));

  // The whole arena as vmar sees it.
  char dump[4096];
  size_t needed;
  CHECK(vmar_dump(vmar_manager_vmar(arena), dump, sizeof(dump), &needed));
  printf("\nvmar_dump of the arena:\n%s", dump);

  // Unmapping leaves the range reserved: the arena never gets a hole.
  CHECK(vmar_unmap(heap, first, 2 * page));
  CHECK(vmar_unmap(heap, second, 2 * page));
  CHECK(vmar_handle_close(vmo));

  // Release everything. The arena is destroyed only when its last child
  // manager lets go of it.
  vmar_manager_release(again);
  vmar_manager_release(ro);
  vmar_manager_release(kids[1]);
  vmar_manager_release(kids[2]);
  vmar_info_t info;
  CHECK(vmar_get_info(vmar_manager_vmar(arena), &info));
  vmar_manager_release(arena);
  printf("\narena [%#lx, %#lx) destroyed and returned to the host\n",
         (unsigned long)info.base, (unsigned long)(info.base + info.len));
  return 0;
}
