// SPDX-License-Identifier: MIT
// vmar tests: the C++17 wrappers of <vmar/vmar.hpp>.
//
// APIs covered: vmar::vmo, vmar::vmar_region, vmar::root_self, vmar::result,
// vmar::VmarManager (Create, Use, copies, parent chaining), vmar::VmoMapper,
// vmar::OwnedVmoMapper, vmar::ResizeableVmoMapper, vmar::VmoPool and its
// Buffer, and the vmar::fzl spelling. A small harness, not cmocka: each test
// is a function; a failed CHECK reports and moves on to the next test.

#include <cstdio>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include <vmar/vmar.hpp>

namespace {

int g_failures = 0;
bool g_test_failed = false;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,    \
                   #cond);                                                     \
      g_test_failed = true;                                                    \
      return;                                                                  \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(expected, actual)                                         \
  do {                                                                         \
    vmar_status_t got_ = (actual);                                             \
    if (got_ != (expected)) {                                                  \
      std::fprintf(stderr, "%s:%d: %s: expected %s, got %s\n", __FILE__,       \
                   __LINE__, #actual, vmar_status_string(expected),            \
                   vmar_status_string(got_));                                  \
      g_test_failed = true;                                                    \
      return;                                                                  \
    }                                                                          \
  } while (0)

const size_t kPage = vmar_page_size();

// True while |raw| is a live handle.
bool handle_alive(vmar_handle_t raw) {
  vmar_rights_t rights = 0;
  return vmar_handle_get_rights(raw, &rights) == VMAR_OK;
}

// Whether [addr, addr + len) lies inside the manager's VMAR.
bool inside(const vmar::VmarManager& m, const void* addr, uint64_t len) {
  auto base = reinterpret_cast<uintptr_t>(m->start());
  auto a = reinterpret_cast<uintptr_t>(addr);
  return a >= base && a + len <= base + m->size();
}

// ---- Compile-time shape: what is copyable and movable mirrors fzl ----------

static_assert(!std::is_copy_constructible_v<vmar::vmo>);
static_assert(std::is_nothrow_move_constructible_v<vmar::vmo>);
static_assert(!std::is_copy_constructible_v<vmar::vmar_region>);
static_assert(std::is_copy_constructible_v<vmar::VmarManager>);
static_assert(std::is_nothrow_move_constructible_v<vmar::VmarManager>);
static_assert(!std::is_copy_constructible_v<vmar::VmoMapper>);
static_assert(std::is_nothrow_move_constructible_v<vmar::VmoMapper>);
static_assert(std::is_nothrow_move_assignable_v<vmar::VmoMapper>);
static_assert(!std::is_copy_constructible_v<vmar::OwnedVmoMapper>);
static_assert(std::is_nothrow_move_constructible_v<vmar::OwnedVmoMapper>);
static_assert(!std::is_copy_constructible_v<vmar::ResizeableVmoMapper>);
static_assert(std::is_nothrow_move_constructible_v<vmar::ResizeableVmoMapper>);
static_assert(!std::is_copy_constructible_v<vmar::VmoPool>);
static_assert(!std::is_move_constructible_v<vmar::VmoPool>);
static_assert(!std::is_copy_constructible_v<vmar::VmoPool::Buffer>);
static_assert(std::is_nothrow_move_constructible_v<vmar::VmoPool::Buffer>);
static_assert(std::is_same_v<vmar::fzl::VmoMapper, vmar::VmoMapper>);
static_assert(std::is_same_v<vmar::fzl::VmarManager, vmar::VmarManager>);

// ---- Handles ----------------------------------------------------------------

// vmo: create, write, read back, duplicate; the destructor closes.
void vmo__create_read_write_duplicate_close() {
  vmar_handle_t raw = VMAR_HANDLE_INVALID;
  {
    vmar::vmo v;
    CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &v));
    CHECK(v.is_valid());
    raw = v.get();
    const char text[] = "vmo";
    CHECK_STATUS(VMAR_OK, v.write(text, 8, sizeof(text)));
    vmar::vmo dup;
    CHECK_STATUS(VMAR_OK, v.duplicate(VMAR_RIGHT_SAME_RIGHTS, &dup));
    char back[sizeof(text)] = {};
    CHECK_STATUS(VMAR_OK, dup.read(back, 8, sizeof(back)));
    CHECK(std::memcmp(back, text, sizeof(text)) == 0);
    uint64_t size = 0;
    CHECK_STATUS(VMAR_OK, vmar::unowned_vmo(v).get_size(&size));
    CHECK(size == kPage);
    CHECK(handle_alive(raw));
  }
  CHECK(!handle_alive(raw));
}

// vmo: moving transfers the handle; release() gives it up unclosed.
void vmo__move_and_release() {
  vmar::vmo a;
  CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &a));
  vmar_handle_t raw = a.get();
  vmar::vmo b(std::move(a));
  CHECK(!a.is_valid());
  CHECK(b.get() == raw);
  vmar_handle_t released = b.release();
  CHECK(!b.is_valid());
  CHECK(handle_alive(released));
  CHECK_STATUS(VMAR_OK, vmar_handle_close(released));
}

// vmar_region: allocate in the root, map, destroy; closing is not destroying.
void region__allocate_map_destroy() {
  vmar::vmar_region region;
  vmar_vaddr_t base = 0;
  CHECK_STATUS(VMAR_OK, vmar::root_self().allocate(
                            VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE, 0,
                            8 * kPage, &region, &base));
  CHECK(base != 0);
  vmar_info_t info{};
  CHECK_STATUS(VMAR_OK, region.get_info(&info));
  CHECK(info.base == base && info.len == 8 * kPage);

  vmar::vmo v;
  CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &v));
  vmar_vaddr_t addr = 0;
  CHECK_STATUS(VMAR_OK, region.map(VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0, v,
                                   0, kPage, &addr));
  CHECK(addr >= base && addr < base + 8 * kPage);
  *reinterpret_cast<volatile char*>(addr) = 1;

  // A borrowed view of the same region works the same way.
  vmar::unowned_vmar_region view(region);
  CHECK_STATUS(VMAR_OK, view.unmap(addr, kPage));

  vmar::vmar_region copy;
  {
    vmar_handle_t dup = VMAR_HANDLE_INVALID;
    CHECK_STATUS(VMAR_OK, vmar_handle_duplicate(region.get(),
                                                VMAR_RIGHT_SAME_RIGHTS, &dup));
    copy.reset(dup);
  }
  region.reset(); // closes the handle; the region lives on
  CHECK_STATUS(VMAR_OK, copy.map(VMAR_VM_PERM_READ, 0, v, 0, kPage, &addr));
  CHECK_STATUS(VMAR_OK, copy.destroy());
  CHECK_STATUS(VMAR_ERR_BAD_STATE,
               copy.map(VMAR_VM_PERM_READ, 0, v, 0, kPage, &addr));
}

// ---- VmarManager
// -------------------------------------------------------------

// Create: result unpacks, converts, and reports failures like the C API.
void manager__create_result_forms() {
  auto [st, arena] = vmar::VmarManager::Create(16 * kPage);
  CHECK_STATUS(VMAR_OK, st);
  CHECK(arena != nullptr);
  CHECK(arena->size() == 16 * kPage);
  CHECK(arena->start() != nullptr);
  CHECK(arena->parent() == nullptr);

  // fzl's form: a manager that is null on failure.
  vmar::VmarManager bad = vmar::VmarManager::Create(0);
  CHECK(!bad);
  auto r = vmar::VmarManager::Create(kPage + 1);
  CHECK(r.is_error());
  CHECK_STATUS(VMAR_ERR_INVALID_ARGS, r.status_value());
  CHECK(r.value() == nullptr);
}

// Copies share one manager; the last one to go destroys the VMAR.
void manager__copies_share_last_destroys() {
  vmar::VmarManager a = vmar::VmarManager::Create(8 * kPage);
  CHECK(a);
  vmar_handle_t probe = VMAR_HANDLE_INVALID;
  CHECK_STATUS(VMAR_OK, vmar_handle_duplicate(a->vmar().get(),
                                              VMAR_RIGHT_SAME_RIGHTS, &probe));
  vmar::vmar_region region(probe);
  vmar::vmo v;
  CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &v));
  vmar_vaddr_t addr = 0;

  vmar::VmarManager b = a; // copy: a second reference
  CHECK(a == b);
  a.reset();
  CHECK(!a);
  CHECK_STATUS(VMAR_OK, region.map(VMAR_VM_PERM_READ, 0, v, 0, kPage, &addr));

  vmar::VmarManager c = std::move(b);
  CHECK(!b);
  c = nullptr; // the last reference: the VMAR is destroyed
  CHECK_STATUS(VMAR_ERR_BAD_STATE,
               region.map(VMAR_VM_PERM_READ, 0, v, 0, kPage, &addr));
}

// A child keeps its parent alive; dropping the parent first is fine.
void manager__parent_chaining() {
  vmar::VmarManager parent = vmar::VmarManager::Create(32 * kPage);
  CHECK(parent);
  vmar::VmarManager child = vmar::VmarManager::Create(4 * kPage, parent);
  CHECK(child);
  CHECK(child->parent() == parent);
  CHECK(inside(parent, child->start(), child->size()));
  parent = nullptr;
  CHECK(child->parent() != nullptr);
  CHECK(child->parent()->size() == 32 * kPage);
}

// Use: wraps a VMAR without owning it; the root gives a null manager.
void manager__use() {
  auto root = vmar::VmarManager::Use(vmar::root_self());
  CHECK_STATUS(VMAR_OK, root.status);
  CHECK(root.object == nullptr);
  CHECK_STATUS(VMAR_ERR_INVALID_ARGS,
               vmar::VmarManager::Use(vmar::unowned_handle()).status);

  vmar::vmar_region region;
  vmar_vaddr_t base = 0;
  CHECK_STATUS(VMAR_OK, vmar::root_self().allocate(
                            VMAR_VM_CAN_MAP_READ | VMAR_VM_CAN_MAP_WRITE, 0,
                            4 * kPage, &region, &base));
  {
    auto [st, used] =
        vmar::VmarManager::Use(vmar::unowned_handle(region.get()));
    CHECK_STATUS(VMAR_OK, st);
    CHECK(reinterpret_cast<vmar_vaddr_t>(used->start()) == base);
  }
  // The used manager is gone, the region is not.
  vmar::vmo v;
  CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &v));
  vmar_vaddr_t addr = 0;
  CHECK_STATUS(VMAR_OK, region.map(VMAR_VM_PERM_READ, 0, v, 0, kPage, &addr));
  CHECK_STATUS(VMAR_OK, region.destroy());
}

// ---- Mappers
// -------------------------------------------------------------------

// VmoMapper: maps inside its manager; moves transfer; the destructor unmaps.
void mapper__create_move_unmap() {
  vmar::VmarManager arena = vmar::VmarManager::Create(16 * kPage);
  CHECK(arena);
  vmar::vmo v;
  vmar::VmoMapper a;
  CHECK_STATUS(VMAR_OK,
               a.CreateAndMap(2 * kPage, VMAR_MAPPER_DEFAULT_FLAGS, arena, &v));
  CHECK(v.is_valid());
  CHECK(inside(arena, a.start(), a.size()));
  CHECK(a.manager() == arena);
  std::memset(a.start(), 0x11, a.size());
  CHECK_STATUS(VMAR_ERR_BAD_STATE, a.CreateAndMap(kPage));

  void* start = a.start();
  vmar::VmoMapper b(std::move(a));
  CHECK(a.start() == nullptr && a.size() == 0);
  CHECK(b.start() == start);
  vmar::VmoMapper c;
  c = std::move(b);
  CHECK(c.start() == start && b.start() == nullptr);

  // A second mapper of the same VMO sees the same bytes.
  {
    vmar::VmoMapper view;
    CHECK_STATUS(VMAR_OK, view.Map(v, kPage, 0, VMAR_VM_PERM_READ, arena));
    CHECK(static_cast<unsigned char*>(view.start())[0] == 0x11);
  }
  CHECK_STATUS(VMAR_ERR_NOT_SUPPORTED,
               vmar::VmoMapper().CreateAndMap(kPage, VMAR_MAPPER_DEFAULT_FLAGS,
                                              nullptr, nullptr,
                                              VMAR_RIGHT_SAME_RIGHTS, 1));
  c.Unmap();
  CHECK(c.start() == nullptr);
}

// OwnedVmoMapper: names and keeps its VMO; Release hands it back; Map keeps
// the VMO on success and closes it on failure.
void owned_mapper__name_release_map() {
  vmar::OwnedVmoMapper m;
  CHECK_STATUS(VMAR_OK, m.CreateAndMap(kPage, "frames"));
  char name[VMAR_MAX_NAME_LEN] = {};
  CHECK_STATUS(VMAR_OK, m.vmo().get_name(name));
  CHECK(std::strcmp(name, "frames") == 0);
  std::memset(m.start(), 0x22, kPage);

  vmar::vmo v = m.Release();
  CHECK(v.is_valid());
  CHECK(m.start() == nullptr && !m.vmo().is_valid());

  vmar::OwnedVmoMapper again;
  CHECK_STATUS(VMAR_OK, again.Map(std::move(v)));
  CHECK(static_cast<unsigned char*>(again.start())[0] == 0x22);

  vmar::vmo other;
  CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &other));
  vmar_handle_t raw = other.get();
  CHECK_STATUS(VMAR_ERR_BAD_STATE, again.Map(std::move(other)));
  CHECK(!handle_alive(raw)); // taken by value: closed on failure, as in fzl

  vmar::OwnedVmoMapper moved(std::move(again));
  CHECK(moved.start() != nullptr && again.start() == nullptr);
  moved.Reset();
  CHECK(moved.start() == nullptr);
}

// ResizeableVmoMapper: Create gives a pointer; grow keeps the contents.
void resizeable_mapper__create_grow_shrink() {
  auto m = vmar::ResizeableVmoMapper::Create(kPage, "log");
  CHECK(m != nullptr);
  std::memset(m->start(), 0x33, kPage);
  CHECK_STATUS(VMAR_OK, m->Grow(4 * kPage));
  CHECK(m->size() == 4 * kPage);
  auto* bytes = static_cast<unsigned char*>(m->start());
  CHECK(bytes[0] == 0x33 && bytes[kPage - 1] == 0x33);
  bytes[4 * kPage - 1] = 0x44;
  CHECK_STATUS(VMAR_ERR_INVALID_ARGS, m->Grow(kPage));
  void* start = m->start();
  CHECK_STATUS(VMAR_OK, m->Shrink(2 * kPage));
  CHECK(m->size() == 2 * kPage && m->start() == start);
  uint64_t vmo_size = 0;
  CHECK_STATUS(VMAR_OK, m->vmo().get_size(&vmo_size));
  CHECK(vmo_size == 2 * kPage);
  CHECK(vmar::ResizeableVmoMapper::Create(0, "zero") == nullptr);
}

// ---- VmoPool
// ---------------------------------------------------------------------

// Buffers come out most recently returned first and go back on scope exit.
void pool__lifo_scope_and_index() {
  std::vector<vmar::vmo> vmos(3);
  for (auto& v : vmos) {
    CHECK_STATUS(VMAR_OK, vmar::vmo::create(kPage, 0, &v));
  }
  vmar::VmoPool pool;
  CHECK_STATUS(VMAR_OK, pool.Init(vmos));
  CHECK(pool.total_buffers() == 3 && pool.free_buffers() == 3);
  CHECK(pool.buffer_size(0) == kPage);
  CHECK_STATUS(VMAR_OK, pool.MapVmos());
  CHECK_STATUS(VMAR_ERR_NOT_SUPPORTED, pool.PinVmos());

  void* first_addr = nullptr;
  {
    auto b = pool.LockBufferForWrite();
    CHECK(b.has_value() && b->valid());
    CHECK(b->size() == kPage);
    first_addr = b->virtual_address();
    CHECK(first_addr != nullptr);
    std::memset(first_addr, 0x55, kPage);
    CHECK(pool.free_buffers() == 2);
  } // returned here
  CHECK(pool.free_buffers() == 3);
  auto again = pool.LockBufferForWrite();
  CHECK(again.has_value() && again->virtual_address() == first_addr);

  size_t index = again->ReleaseWriteLockAndGetIndex();
  CHECK(!again->valid());
  CHECK(pool.free_buffers() == 2); // still out: read-locked
  CHECK_STATUS(VMAR_OK, pool.ReleaseBuffer(index));
  CHECK_STATUS(VMAR_ERR_NOT_FOUND, pool.ReleaseBuffer(index));

  std::vector<vmar::VmoPool::Buffer> out;
  for (int i = 0; i < 3; i++) {
    auto b = pool.LockBufferForWrite();
    CHECK(b.has_value());
    out.push_back(std::move(*b));
  }
  CHECK(!pool.LockBufferForWrite().has_value());
  pool.Reset();
  CHECK(pool.free_buffers() == 3);
}

struct test_case {
  const char* name;
  void (*fn)();
};

const test_case kTests[] = {
    {"vmo__create_read_write_duplicate_close",
     vmo__create_read_write_duplicate_close},
    {"vmo__move_and_release", vmo__move_and_release},
    {"region__allocate_map_destroy", region__allocate_map_destroy},
    {"manager__create_result_forms", manager__create_result_forms},
    {"manager__copies_share_last_destroys",
     manager__copies_share_last_destroys},
    {"manager__parent_chaining", manager__parent_chaining},
    {"manager__use", manager__use},
    {"mapper__create_move_unmap", mapper__create_move_unmap},
    {"owned_mapper__name_release_map", owned_mapper__name_release_map},
    {"resizeable_mapper__create_grow_shrink",
     resizeable_mapper__create_grow_shrink},
    {"pool__lifo_scope_and_index", pool__lifo_scope_and_index},
};

} // namespace

int main() {
  int passed = 0;
  for (const test_case& t : kTests) {
    g_test_failed = false;
    t.fn();
    std::printf("[%s] %s\n", g_test_failed ? "FAILED" : "    OK", t.name);
    if (g_test_failed) {
      g_failures++;
    } else {
      passed++;
    }
  }
  std::printf("%d passed, %d failed\n", passed, g_failures);
  return g_failures == 0 ? 0 : 1;
}
