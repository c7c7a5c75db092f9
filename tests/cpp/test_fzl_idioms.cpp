// SPDX-License-Identifier: MIT
// vmar tests: code written the way fzl users write it compiles and runs
// against <vmar/vmar.hpp> with only the namespace and the zx names changed.
//
// Each snippet below keeps the shape of typical fzl code: factories tested
// with `!` or against nullptr, results passed where a manager is expected,
// `->` on a manager, managers stored in members and copied, mappers given a
// manager, zx::vmo calls. The aliases at the top are the whole translation:
// fzl:: becomes vmar::fzl::, zx::vmo becomes vmar::vmo, ZX_ becomes VMAR_.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <vmar/vmar.hpp>

namespace fzl = vmar::fzl;
namespace zx {
using vmo = vmar::vmo;
} // namespace zx
using zx_status_t = vmar_status_t;
#define ZX_OK VMAR_OK
#define ZX_ERR_NO_MEMORY VMAR_ERR_NO_MEMORY
#define ZX_VM_PERM_READ VMAR_VM_PERM_READ
#define ZX_VM_PERM_WRITE VMAR_VM_PERM_WRITE
#define ZX_VM_COMPACT VMAR_VM_COMPACT
#define ZX_VM_CAN_MAP_READ VMAR_VM_CAN_MAP_READ
#define ZX_VM_CAN_MAP_WRITE VMAR_VM_CAN_MAP_WRITE
#define ZX_VM_CAN_MAP_SPECIFIC VMAR_VM_CAN_MAP_SPECIFIC
#define ZX_VMO_CHILD_SNAPSHOT VMAR_VMO_CHILD_SNAPSHOT
#define ZX_VMO_CHILD_SLICE VMAR_VMO_CHILD_SLICE

namespace {

// ---- Snippet 1: auto + `if (!x)`, the result passed as the manager ---------

int snippet_create_and_map() {
  auto mgr = vmar::fzl::VmarManager::Create(1u << 24);
  if (!mgr)
    return 1;
  vmar::fzl::VmoMapper mapper;
  zx_status_t status =
      mapper.CreateAndMap(4096, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, mgr);
  if (status != ZX_OK)
    return 2;
  memset(mapper.start(), 0xab, 4096);
  // -> reaches the manager, as on a RefPtr.
  auto base = reinterpret_cast<uintptr_t>(mgr->start());
  auto addr = reinterpret_cast<uintptr_t>(mapper.start());
  if (addr < base || addr + 4096 > base + mgr->size())
    return 3;
  return 0;
}

// ---- Snippet 2: a RefPtr kept in a class, checked against nullptr ----------

class BufferSet {
public:
  zx_status_t Init(size_t count, size_t size) {
    vmar_manager_ = fzl::VmarManager::Create(
        count * size, nullptr,
        ZX_VM_COMPACT | ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE);
    if (vmar_manager_ == nullptr) {
      return ZX_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < count; i++) {
      fzl::OwnedVmoMapper mapper;
      zx_status_t status = mapper.CreateAndMap(
          size, "buffer", ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, vmar_manager_);
      if (status != ZX_OK) {
        return status;
      }
      buffers_.push_back(std::move(mapper));
    }
    return ZX_OK;
  }
  // Copying the reference out, as `return vmar_manager_;` does in fzl code.
  fzl::VmarManager manager() const { return vmar_manager_; }
  const std::vector<fzl::OwnedVmoMapper>& buffers() const { return buffers_; }

private:
  fzl::VmarManager vmar_manager_; // fbl::RefPtr<fzl::VmarManager>
  std::vector<fzl::OwnedVmoMapper> buffers_;
};

int snippet_member_manager() {
  BufferSet set;
  if (set.Init(4, 4096) != ZX_OK)
    return 1;
  fzl::VmarManager copy = set.manager();
  if (copy == nullptr || copy != set.manager())
    return 2;
  // The buffers sit next to each other in the compact VMAR.
  auto first = reinterpret_cast<uintptr_t>(set.buffers()[0].start());
  auto last = reinterpret_cast<uintptr_t>(set.buffers()[3].start());
  if (last - first != 3 * 4096 && first - last != 3 * 4096)
    return 3;
  return 0;
}

// ---- Snippet 3: nested managers, the parent given as the result ------------

int snippet_nested() {
  auto parent = fzl::VmarManager::Create(
      1 << 20, nullptr,
      ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC);
  if (!parent)
    return 1;
  auto child = fzl::VmarManager::Create(1 << 16, parent);
  if (!child)
    return 2;
  if (child->parent() != parent)
    return 3;
  fzl::VmarManager keep = child; // outlives the result
  return keep->size() == (1 << 16) ? 0 : 4;
}

// ---- Snippet 4: a VMO mapped by a plain mapper, then a snapshot of it ------

int snippet_vmo_and_child() {
  zx::vmo vmo;
  zx_status_t status = zx::vmo::create(2 * 4096, 0, &vmo);
  if (status != ZX_OK)
    return 1;
  fzl::VmoMapper mapper;
  status = mapper.Map(vmo, 0, 0, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE);
  if (status != ZX_OK)
    return 2;
  static_cast<char*>(mapper.start())[0] = 'x';
  zx::vmo clone;
  status = vmo.create_child(ZX_VMO_CHILD_SNAPSHOT, 0, 4096, &clone);
  if (status != ZX_OK)
    return 3;
  static_cast<char*>(mapper.start())[0] = 'y';
  char c = 0;
  if (clone.read(&c, 0, 1) != ZX_OK || c != 'x')
    return 4;
  zx::vmo slice;
  status = vmo.create_child(ZX_VMO_CHILD_SLICE, 4096, 4096, &slice);
  if (status != ZX_OK)
    return 5;
  uint64_t content = 0;
  if (slice.get_prop_content_size(&content) != ZX_OK || content != 4096)
    return 6;
  vmar_vmo_info_t info;
  if (clone.get_info(&info) != ZX_OK)
    return 7;
  vmar_handle_info_t basic;
  if (vmo.get_info(&basic) != ZX_OK || info.parent_koid != basic.koid)
    return 8;
  return 0;
}

// ---- Snippet 5: a resizeable mapper and a pool, factories as pointers ------

int snippet_resizeable_and_pool() {
  auto mapper = fzl::ResizeableVmoMapper::Create(4096, "grow");
  if (!mapper)
    return 1;
  if (mapper->Grow(4 * 4096) != ZX_OK)
    return 2;
  std::vector<zx::vmo> vmos(3);
  for (auto& v : vmos) {
    if (zx::vmo::create(4096, 0, &v) != ZX_OK)
      return 3;
  }
  fzl::VmoPool pool;
  if (pool.Init(vmos) != ZX_OK || pool.MapVmos() != ZX_OK)
    return 4;
  auto buffer = pool.LockBufferForWrite();
  if (!buffer)
    return 5;
  memset(buffer->virtual_address(), 0, buffer->size());
  return pool.free_buffers() == 2 ? 0 : 6;
}

// ---- The status stays available --------------------------------------------

int snippet_status() {
  auto bad = fzl::VmarManager::Create(0);
  if (bad || bad != nullptr)
    return 1;
  if (bad.status != VMAR_ERR_INVALID_ARGS)
    return 2;
  auto [status, mgr] = fzl::VmarManager::Create(4096);
  if (status != ZX_OK || mgr == nullptr)
    return 3;
  return 0;
}

} // namespace

int main() {
  struct {
    const char* name;
    int (*fn)();
  } const snippets[] = {
      {"create_and_map", snippet_create_and_map},
      {"member_manager", snippet_member_manager},
      {"nested", snippet_nested},
      {"vmo_and_child", snippet_vmo_and_child},
      {"resizeable_and_pool", snippet_resizeable_and_pool},
      {"status", snippet_status},
  };
  int failed = 0;
  for (const auto& s : snippets) {
    int rc = s.fn();
    std::printf("[%s] %s%s\n", rc == 0 ? "    OK" : "FAILED", s.name,
                rc == 0 ? "" : " (step failed)");
    if (rc != 0) {
      std::fprintf(stderr, "%s: returned %d\n", s.name, rc);
      failed++;
    }
  }
  return failed == 0 ? 0 : 1;
}
