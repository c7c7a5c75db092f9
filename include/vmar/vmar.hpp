// SPDX-License-Identifier: MIT
// vmar: header-only C++17 wrappers, shaped like Fuchsia's fzl classes.
//
// Everything lives in namespace vmar; vmar::fzl names the same namespace, so
// code written against fzl ports by changing the namespace (and zx:: handle
// types to vmar::vmo / vmar::vmar_region):
//
//   fzl::VmarManager  -> vmar::VmarManager   (refcounted; null = root VMAR)
//   fzl::VmoMapper    -> vmar::VmoMapper     (move-only)
//   fzl::OwnedVmoMapper, fzl::ResizeableVmoMapper, fzl::VmoPool likewise.
//
// Handles are owned by move-only types that close them when they go:
// vmar::vmo and vmar::vmar_region (closing a VMAR handle never destroys the
// region; call destroy() for that). vmar::unowned_vmo and
// vmar::unowned_vmar_region borrow a handle without closing it. Calls return
// vmar_status_t exactly as the C API does; nothing throws. The C header
// <vmar/vmar.h> stays available for everything not wrapped here.

#ifndef VMAR_INCLUDE_VMAR_VMAR_HPP_
#define VMAR_INCLUDE_VMAR_VMAR_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <utility>

#include <vmar/vmar.h>

namespace vmar {

using status_t = vmar_status_t;

// ---- result: a status and, when it is VMAR_OK, a value ----------------------

// The outcome of a factory. It reads the way fzl's factories, which return
// a pointer that is null on failure, are used:
//   auto mgr = vmar::fzl::VmarManager::Create(size);
//   if (!mgr) { ... }           // failed
//   mgr->start();               // the object's members
//   mapper.Map(vmo, 0, 0, flags, mgr);  // wherever a const T& is taken
//   vmar::fzl::VmarManager copy = mgr;  // a copy of the object
// and it keeps the status: mgr.status, is_ok(), or structured bindings
// (auto [status, object] = ...). On failure the object is empty.
template <typename T> struct result {
  status_t status;
  T object;

  explicit operator bool() const { return status == VMAR_OK; }
  operator const T&() const& { return object; } // NOLINT: implicit, as a ptr
  friend bool operator==(const result& r, std::nullptr_t) {
    return r.object == nullptr;
  }
  friend bool operator!=(const result& r, std::nullptr_t) {
    return r.object != nullptr;
  }
  bool is_ok() const { return status == VMAR_OK; }
  bool is_error() const { return status != VMAR_OK; }
  status_t status_value() const { return status; }
  status_t error_value() const { return status; }
  T& value() & { return object; }
  const T& value() const& { return object; }
  T&& value() && { return std::move(object); }
  T* operator->() { return &object; }
  const T* operator->() const { return &object; }
  T& operator*() & { return object; }
  const T& operator*() const& { return object; }
};

// ---- Handles ---------------------------------------------------------------

// A borrowed handle: copying it copies the value; nothing is ever closed.
class unowned_handle {
public:
  constexpr unowned_handle() = default;
  constexpr explicit unowned_handle(vmar_handle_t h) : handle_(h) {}
  vmar_handle_t get() const { return handle_; }
  bool is_valid() const { return handle_ != VMAR_HANDLE_INVALID; }
  explicit operator bool() const { return is_valid(); }

private:
  vmar_handle_t handle_ = VMAR_HANDLE_INVALID;
};

// An owned handle: move-only, closed by the destructor and by reset().
class handle {
public:
  constexpr handle() = default;
  constexpr explicit handle(vmar_handle_t h) : handle_(h) {}
  ~handle() { vmar_handle_close(handle_); }
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  handle(handle&& other) noexcept : handle_(other.release()) {}
  handle& operator=(handle&& other) noexcept {
    if (this != &other) {
      reset(other.release());
    }
    return *this;
  }

  vmar_handle_t get() const { return handle_; }
  bool is_valid() const { return handle_ != VMAR_HANDLE_INVALID; }
  explicit operator bool() const { return is_valid(); }
  // Closes the current handle and takes |h|.
  void reset(vmar_handle_t h = VMAR_HANDLE_INVALID) {
    vmar_handle_close(handle_);
    handle_ = h;
  }
  // Gives the handle up without closing it.
  vmar_handle_t release() {
    return std::exchange(handle_, VMAR_HANDLE_INVALID);
  }
  // Where a C call can write a new handle; closes the current one first.
  vmar_handle_t* reset_and_get_address() {
    reset();
    return &handle_;
  }

  status_t get_rights(vmar_rights_t* rights) const {
    return vmar_handle_get_rights(handle_, rights);
  }
  status_t get_info(vmar_handle_info_t* info) const {
    return vmar_handle_get_info(handle_, info);
  }

private:
  vmar_handle_t handle_ = VMAR_HANDLE_INVALID;
};

class vmo;
class vmar_region;

// The calls of a VMO handle, shared by vmo and unowned_vmo.
template <typename Derived> class vmo_ops {
public:
  status_t read(void* buf, uint64_t offset, size_t len) const {
    return vmar_vmo_read(h(), buf, offset, len);
  }
  status_t write(const void* buf, uint64_t offset, size_t len) const {
    return vmar_vmo_write(h(), buf, offset, len);
  }
  status_t get_size(uint64_t* size) const {
    return vmar_vmo_get_size(h(), size);
  }
  status_t set_size(uint64_t size) const {
    return vmar_vmo_set_size(h(), size);
  }
  status_t op_range(uint32_t op, uint64_t offset, uint64_t size) const {
    return vmar_vmo_op_range(h(), op, offset, size);
  }
  // With zx::vmo::op_range's buffer (LOCK writes a vmar_vmo_lock_state_t).
  status_t op_range(uint32_t op, uint64_t offset, uint64_t size, void* buffer,
                    size_t buffer_size) const {
    return vmar_vmo_op_range_with_buffer(h(), op, offset, size, buffer,
                                         buffer_size);
  }
  status_t set_name(const char* name) const {
    return vmar_vmo_set_name(h(), name);
  }
  status_t get_name(char name[VMAR_MAX_NAME_LEN]) const {
    return vmar_vmo_get_name(h(), name);
  }
  inline status_t duplicate(vmar_rights_t rights, vmo* out) const;
  // A child VMO (zx::vmo::create_child): VMAR_VMO_CHILD_* options.
  inline status_t create_child(uint32_t options, uint64_t offset, uint64_t size,
                               vmo* out) const;
  // ZX_INFO_VMO (the handle's own facts stay available as get_info of
  // vmar_handle_info_t on owned handles).
  status_t get_info(vmar_vmo_info_t* info) const {
    return vmar_vmo_get_info(h(), info);
  }
  // ZX_PROP_VMO_CONTENT_SIZE, under both spellings zx::vmo has used.
  status_t get_content_size(uint64_t* size) const {
    return vmar_vmo_get_content_size(h(), size);
  }
  status_t set_content_size(uint64_t size) const {
    return vmar_vmo_set_content_size(h(), size);
  }
  status_t get_prop_content_size(uint64_t* size) const {
    return get_content_size(size);
  }
  status_t set_prop_content_size(uint64_t size) const {
    return set_content_size(size);
  }

private:
  vmar_handle_t h() const { return static_cast<const Derived*>(this)->get(); }
};

// An owned VMO handle (zx::vmo).
class vmo : public handle, public vmo_ops<vmo> {
public:
  using handle::get;
  using handle::get_info;
  using handle::handle;
  using vmo_ops<vmo>::get_info;

  static status_t create(uint64_t size, uint32_t options, vmo* out) {
    vmar_handle_t h = VMAR_HANDLE_INVALID;
    status_t st = vmar_vmo_create(size, options, &h);
    if (st == VMAR_OK) {
      out->reset(h);
    }
    return st;
  }
  // Replaces this handle by one with |rights| (this one is invalid after).
  status_t replace(vmar_rights_t rights, vmo* out) {
    vmar_handle_t h = VMAR_HANDLE_INVALID;
    status_t st = vmar_handle_replace(release(), rights, &h);
    if (st == VMAR_OK) {
      out->reset(h);
    }
    return st;
  }
  status_t replace_as_executable(vmo* out) {
    vmar_handle_t h = VMAR_HANDLE_INVALID;
    status_t st = vmar_vmo_replace_as_executable(release(), &h);
    if (st == VMAR_OK) {
      out->reset(h);
    }
    return st;
  }
};

// A borrowed VMO handle (zx::unowned_vmo).
class unowned_vmo : public unowned_handle, public vmo_ops<unowned_vmo> {
public:
  using unowned_handle::get;
  using unowned_handle::unowned_handle;
  unowned_vmo(const vmo& v) : unowned_handle(v.get()) {} // NOLINT: implicit
};

template <typename Derived>
status_t vmo_ops<Derived>::create_child(uint32_t options, uint64_t offset,
                                        uint64_t size, vmo* out) const {
  vmar_handle_t child = VMAR_HANDLE_INVALID;
  status_t st = vmar_vmo_create_child(h(), options, offset, size, &child);
  if (st == VMAR_OK) {
    out->reset(child);
  }
  return st;
}

template <typename Derived>
status_t vmo_ops<Derived>::duplicate(vmar_rights_t rights, vmo* out) const {
  vmar_handle_t dup = VMAR_HANDLE_INVALID;
  status_t st = vmar_handle_duplicate(h(), rights, &dup);
  if (st == VMAR_OK) {
    out->reset(dup);
  }
  return st;
}

// The calls of a VMAR handle, shared by vmar_region and unowned_vmar_region.
template <typename Derived> class region_ops {
public:
  inline status_t allocate(vmar_vm_option_t options, size_t offset, size_t size,
                           vmar_region* child, vmar_vaddr_t* child_addr) const;
  status_t map(vmar_vm_option_t options, size_t vmar_offset, unowned_handle vmo,
               uint64_t vmo_offset, size_t len,
               vmar_vaddr_t* mapped_addr) const {
    return vmar_map(h(), options, vmar_offset, vmo.get(), vmo_offset, len,
                    mapped_addr);
  }
  status_t map(vmar_vm_option_t options, size_t vmar_offset, const vmo& v,
               uint64_t vmo_offset, size_t len,
               vmar_vaddr_t* mapped_addr) const {
    return map(options, vmar_offset, unowned_handle(v.get()), vmo_offset, len,
               mapped_addr);
  }
  status_t unmap(vmar_vaddr_t addr, size_t len) const {
    return vmar_unmap(h(), addr, len);
  }
  status_t protect(vmar_vm_option_t options, vmar_vaddr_t addr,
                   size_t len) const {
    return vmar_protect(h(), options, addr, len);
  }
  status_t op_range(uint32_t op, vmar_vaddr_t addr, size_t len) const {
    return vmar_op_range(h(), op, addr, len);
  }
  // Destroys the region and everything in it (the handle stays open).
  status_t destroy() const { return vmar_destroy(h()); }
  status_t get_info(vmar_info_t* info) const {
    return vmar_get_info(h(), info);
  }

private:
  vmar_handle_t h() const { return static_cast<const Derived*>(this)->get(); }
};

// An owned VMAR handle (zx::vmar). Its destructor closes the handle; the
// region itself stays until destroy().
class vmar_region : public handle, public region_ops<vmar_region> {
public:
  using handle::get;
  using handle::get_info;
  using handle::handle;
  using region_ops<vmar_region>::get_info;
};

// A borrowed VMAR handle (zx::unowned_vmar), e.g. the root.
class unowned_vmar_region : public unowned_handle,
                            public region_ops<unowned_vmar_region> {
public:
  using unowned_handle::get;
  using unowned_handle::unowned_handle;
  unowned_vmar_region(const vmar_region& r) // NOLINT: implicit on purpose
      : unowned_handle(r.get()) {}
};

// The process's root VMAR (zx::vmar::root_self()).
inline unowned_vmar_region root_self() {
  return unowned_vmar_region(vmar_root_self());
}

template <typename Derived>
status_t region_ops<Derived>::allocate(vmar_vm_option_t options, size_t offset,
                                       size_t size, vmar_region* child,
                                       vmar_vaddr_t* child_addr) const {
  vmar_handle_t h_child = VMAR_HANDLE_INVALID;
  vmar_vaddr_t addr = 0;
  status_t st = vmar_allocate(h(), options, offset, size, &h_child, &addr);
  if (st == VMAR_OK) {
    child->reset(h_child);
    if (child_addr != nullptr) {
      *child_addr = addr;
    }
  }
  return st;
}

// ---- VmarManager -----------------------------------------------------------

// A counted reference to a vmar_manager_t (fbl::RefPtr<fzl::VmarManager> in
// one type). Copies share the manager; the last one to go destroys a created
// manager's VMAR and then lets go of its parent. A null VmarManager stands
// for the root VMAR wherever a manager is accepted, as nullptr does in fzl.
// m->start() works as it does on a RefPtr.
class VmarManager {
public:
  constexpr VmarManager() = default;
  constexpr VmarManager(std::nullptr_t) {} // NOLINT: implicit, like a RefPtr
  ~VmarManager() { vmar_manager_release(m_); }
  VmarManager(const VmarManager& other) : m_(vmar_manager_retain(other.m_)) {}
  VmarManager& operator=(const VmarManager& other) {
    if (this != &other) {
      vmar_manager_t* old = std::exchange(m_, vmar_manager_retain(other.m_));
      vmar_manager_release(old);
    }
    return *this;
  }
  VmarManager(VmarManager&& other) noexcept
      : m_(std::exchange(other.m_, nullptr)) {}
  VmarManager& operator=(VmarManager&& other) noexcept {
    if (this != &other) {
      vmar_manager_release(std::exchange(m_, std::exchange(other.m_, nullptr)));
    }
    return *this;
  }

  // Creates a sub-VMAR of |size| bytes in |parent| (null = the root).
  static result<VmarManager>
  Create(size_t size, const VmarManager& parent = nullptr,
         vmar_vm_option_t options = VMAR_MANAGER_DEFAULT_OPTIONS) {
    vmar_manager_t* m = nullptr;
    status_t st = vmar_manager_create(size, parent.m_, options, &m);
    return {st, Adopt(st == VMAR_OK ? m : nullptr)};
  }
  // Wraps a VMAR someone else owns and keeps alive; never destroys it. The
  // root gives VMAR_OK and a null manager.
  static result<VmarManager> Use(unowned_handle region) {
    vmar_manager_t* m = nullptr;
    status_t st = vmar_manager_use(region.get(), &m);
    return {st, Adopt(st == VMAR_OK ? m : nullptr)};
  }
  // Takes over one reference the caller holds on |m|.
  static VmarManager Adopt(vmar_manager_t* m) {
    VmarManager out;
    out.m_ = m;
    return out;
  }

  void* start() const { return vmar_manager_start(m_); }
  uint64_t size() const { return vmar_manager_size(m_); }
  unowned_vmar_region vmar() const {
    return unowned_vmar_region(vmar_manager_vmar(m_));
  }
  VmarManager parent() const {
    return Adopt(vmar_manager_retain(vmar_manager_parent(m_)));
  }
  vmar_manager_t* get() const { return m_; }
  void reset() { vmar_manager_release(std::exchange(m_, nullptr)); }

  explicit operator bool() const { return m_ != nullptr; }
  const VmarManager* operator->() const { return this; }
  friend bool operator==(const VmarManager& a, const VmarManager& b) {
    return a.m_ == b.m_;
  }
  friend bool operator!=(const VmarManager& a, const VmarManager& b) {
    return a.m_ != b.m_;
  }
  friend bool operator==(const VmarManager& a, std::nullptr_t) {
    return a.m_ == nullptr;
  }
  friend bool operator!=(const VmarManager& a, std::nullptr_t) {
    return a.m_ != nullptr;
  }

private:
  vmar_manager_t* m_ = nullptr;
};

namespace detail {
// fzl's mappers take a cache policy; hosts have only the default one.
inline bool cache_policy_ok(uint32_t cache_policy) { return cache_policy == 0; }
} // namespace detail

// ---- VmoMapper -------------------------------------------------------------

// Maps one VMO (fzl::VmoMapper). Move-only; the destructor unmaps.
class VmoMapper {
public:
  VmoMapper() = default;
  ~VmoMapper() { vmar_mapper_unmap(&m_); }
  VmoMapper(const VmoMapper&) = delete;
  VmoMapper& operator=(const VmoMapper&) = delete;
  VmoMapper(VmoMapper&& other) noexcept { vmar_mapper_move(&m_, &other.m_); }
  VmoMapper& operator=(VmoMapper&& other) noexcept {
    vmar_mapper_move(&m_, &other.m_);
    return *this;
  }

  // Creates a VMO of |size| bytes and maps it. |vmo_out| (optional) receives
  // the VMO with |vmo_rights|. A non-zero |cache_policy| is
  // VMAR_ERR_NOT_SUPPORTED.
  status_t CreateAndMap(uint64_t size,
                        vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
                        const VmarManager& vmar_manager = nullptr,
                        vmo* vmo_out = nullptr,
                        vmar_rights_t vmo_rights = VMAR_RIGHT_SAME_RIGHTS,
                        uint32_t cache_policy = 0, uint32_t vmo_options = 0) {
    if (!detail::cache_policy_ok(cache_policy)) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
    vmar_handle_t h = VMAR_HANDLE_INVALID;
    status_t st = vmar_mapper_create_and_map(
        &m_, size, map_flags, vmar_manager.get(),
        vmo_out != nullptr ? &h : nullptr, vmo_rights, vmo_options);
    if (st == VMAR_OK && vmo_out != nullptr) {
      vmo_out->reset(h);
    }
    return st;
  }
  // Maps [offset, offset + size) of |vmo| (size 0 = to its end); the caller
  // keeps the VMO.
  status_t Map(unowned_vmo vmo, uint64_t offset = 0, uint64_t size = 0,
               vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
               const VmarManager& vmar_manager = nullptr) {
    return vmar_mapper_map(&m_, vmo.get(), offset, size, map_flags,
                           vmar_manager.get());
  }
  void Unmap() { vmar_mapper_unmap(&m_); }

  void* start() const { return vmar_mapper_start(&m_); }
  uint64_t size() const { return vmar_mapper_size(&m_); }
  VmarManager manager() const {
    return VmarManager::Adopt(vmar_manager_retain(vmar_mapper_manager(&m_)));
  }

private:
  vmar_mapper_t m_ = VMAR_MAPPER_INIT;
};

// ---- OwnedVmoMapper --------------------------------------------------------

// A mapper that owns its VMO (fzl::OwnedVmoMapper). Move-only; the destructor
// closes the VMO and unmaps.
class OwnedVmoMapper {
public:
  OwnedVmoMapper() = default;
  ~OwnedVmoMapper() { vmar_owned_mapper_reset(&m_); }
  OwnedVmoMapper(const OwnedVmoMapper&) = delete;
  OwnedVmoMapper& operator=(const OwnedVmoMapper&) = delete;
  OwnedVmoMapper(OwnedVmoMapper&& other) noexcept {
    vmar_owned_mapper_move(&m_, &other.m_);
  }
  OwnedVmoMapper& operator=(OwnedVmoMapper&& other) noexcept {
    vmar_owned_mapper_move(&m_, &other.m_);
    return *this;
  }

  status_t CreateAndMap(uint64_t size, const char* name,
                        vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
                        const VmarManager& vmar_manager = nullptr,
                        uint32_t cache_policy = 0, uint32_t vmo_options = 0) {
    if (!detail::cache_policy_ok(cache_policy)) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
    return vmar_owned_mapper_create_and_map(&m_, size, name, map_flags,
                                            vmar_manager.get(), vmo_options);
  }
  // Maps |vmo| from offset 0 (size 0 = all of it). Taken by value as in fzl:
  // kept on success, closed on failure.
  status_t Map(::vmar::vmo vmo, uint64_t size = 0,
               vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
               const VmarManager& vmar_manager = nullptr) {
    status_t st = vmar_owned_mapper_map(&m_, vmo.get(), size, map_flags,
                                        vmar_manager.get());
    if (st == VMAR_OK) {
      (void)vmo.release(); // the mapper owns it now
    }
    return st;
  }
  // Closes the VMO, then unmaps.
  void Reset() { vmar_owned_mapper_reset(&m_); }
  // Unmaps and hands the VMO back.
  ::vmar::vmo Release() { return ::vmar::vmo(vmar_owned_mapper_release(&m_)); }

  unowned_vmo vmo() const { return unowned_vmo(vmar_owned_mapper_vmo(&m_)); }
  void* start() const { return vmar_owned_mapper_start(&m_); }
  uint64_t size() const { return vmar_owned_mapper_size(&m_); }
  VmarManager manager() const {
    return VmarManager::Adopt(
        vmar_manager_retain(vmar_owned_mapper_manager(&m_)));
  }

private:
  vmar_owned_mapper_t m_ = VMAR_OWNED_MAPPER_INIT;
};

// ---- ResizeableVmoMapper ---------------------------------------------------

// An owned mapper whose VMO and mapping grow and shrink
// (fzl::ResizeableVmoMapper). Move-only.
class ResizeableVmoMapper {
public:
  ResizeableVmoMapper() = default;
  ~ResizeableVmoMapper() { vmar_resizeable_mapper_reset(&m_); }
  ResizeableVmoMapper(const ResizeableVmoMapper&) = delete;
  ResizeableVmoMapper& operator=(const ResizeableVmoMapper&) = delete;
  ResizeableVmoMapper(ResizeableVmoMapper&& other) noexcept {
    vmar_resizeable_mapper_move(&m_, &other.m_);
  }
  ResizeableVmoMapper& operator=(ResizeableVmoMapper&& other) noexcept {
    vmar_resizeable_mapper_move(&m_, &other.m_);
    return *this;
  }

  // A new mapper holding a resizable VMO of |size| bytes; nullptr on any
  // failure, as in fzl.
  static std::unique_ptr<ResizeableVmoMapper>
  Create(uint64_t size, const char* name,
         vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
         const VmarManager& vmar_manager = nullptr, uint32_t cache_policy = 0) {
    std::unique_ptr<ResizeableVmoMapper> m(new (std::nothrow)
                                               ResizeableVmoMapper());
    if (m == nullptr || m->CreateAndMap(size, name, map_flags, vmar_manager,
                                        cache_policy) != VMAR_OK) {
      return nullptr;
    }
    return m;
  }

  status_t CreateAndMap(uint64_t size, const char* name,
                        vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
                        const VmarManager& vmar_manager = nullptr,
                        uint32_t cache_policy = 0) {
    if (!detail::cache_policy_ok(cache_policy)) {
      return VMAR_ERR_NOT_SUPPORTED;
    }
    return vmar_resizeable_mapper_create_and_map(&m_, size, name, map_flags,
                                                 vmar_manager.get());
  }
  // As OwnedVmoMapper::Map; growing later needs a resizable VMO.
  status_t Map(::vmar::vmo vmo, uint64_t size = 0,
               vmar_vm_option_t map_flags = VMAR_MAPPER_DEFAULT_FLAGS,
               const VmarManager& vmar_manager = nullptr) {
    status_t st = vmar_resizeable_mapper_map(&m_, vmo.get(), size, map_flags,
                                             vmar_manager.get());
    if (st == VMAR_OK) {
      (void)vmo.release();
    }
    return st;
  }
  status_t Grow(uint64_t size) {
    return vmar_resizeable_mapper_grow(&m_, size);
  }
  status_t Shrink(uint64_t size) {
    return vmar_resizeable_mapper_shrink(&m_, size);
  }
  void Reset() { vmar_resizeable_mapper_reset(&m_); }
  ::vmar::vmo Release() {
    return ::vmar::vmo(vmar_resizeable_mapper_release(&m_));
  }

  unowned_vmo vmo() const {
    return unowned_vmo(vmar_resizeable_mapper_vmo(&m_));
  }
  void* start() const { return vmar_resizeable_mapper_start(&m_); }
  uint64_t size() const { return vmar_resizeable_mapper_size(&m_); }
  VmarManager manager() const {
    return VmarManager::Adopt(
        vmar_manager_retain(vmar_resizeable_mapper_manager(&m_)));
  }

private:
  vmar_resizeable_mapper_t m_ = VMAR_RESIZEABLE_MAPPER_INIT;
};

// ---- VmoPool ---------------------------------------------------------------

// Lends VMO buffers out for writing, most recently returned first
// (fzl::VmoPool). Not thread-safe. Neither copyable nor movable, like fzl's.
class VmoPool {
public:
  // A lent buffer: move-only; going out of scope returns it to the pool.
  class Buffer {
  public:
    Buffer() = default;
    ~Buffer() { Release(); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    Buffer(Buffer&& other) noexcept
        : b_(std::exchange(other.b_, vmar_vmo_pool_buffer_t{nullptr, 0})) {}
    Buffer& operator=(Buffer&& other) noexcept {
      if (this != &other) {
        Release();
        b_ = std::exchange(other.b_, vmar_vmo_pool_buffer_t{nullptr, 0});
      }
      return *this;
    }

    bool valid() const { return b_.pool != nullptr; }
    // 0 / nullptr / VMAR_HANDLE_INVALID when not valid (or not mapped).
    uint64_t size() const {
      uint64_t size = 0;
      return vmar_vmo_pool_buffer_size(&b_, &size) == VMAR_OK ? size : 0;
    }
    void* virtual_address() const {
      void* addr = nullptr;
      return vmar_vmo_pool_buffer_virtual_address(&b_, &addr) == VMAR_OK
                 ? addr
                 : nullptr;
    }
    unowned_vmo vmo_handle() const {
      vmar_handle_t h = VMAR_HANDLE_INVALID;
      (void)vmar_vmo_pool_buffer_vmo(&b_, &h);
      return unowned_vmo(h);
    }
    // Invalidates the buffer but keeps it out of the free list; hand the
    // index to VmoPool::ReleaseBuffer later. SIZE_MAX when not valid.
    size_t ReleaseWriteLockAndGetIndex() {
      size_t index = SIZE_MAX;
      (void)vmar_vmo_pool_buffer_release_write_lock(&b_, &index);
      return index;
    }
    // Returns the buffer to the free list (no-op when not valid).
    status_t Release() {
      if (!valid()) {
        return VMAR_ERR_BAD_STATE;
      }
      return vmar_vmo_pool_buffer_release(&b_);
    }

  private:
    friend class VmoPool;
    vmar_vmo_pool_buffer_t b_ = VMAR_VMO_POOL_BUFFER_INIT;
  };

  VmoPool() = default;
  ~VmoPool() { vmar_vmo_pool_destroy(p_); }
  VmoPool(const VmoPool&) = delete;
  VmoPool& operator=(const VmoPool&) = delete;
  VmoPool(VmoPool&&) = delete;
  VmoPool& operator=(VmoPool&&) = delete;

  // Fills the pool with duplicates of |vmos| (the caller keeps them).
  status_t Init(const vmar_handle_t* vmos, size_t count) {
    if (p_ == nullptr) {
      status_t st = vmar_vmo_pool_create(&p_);
      if (st != VMAR_OK) {
        return st;
      }
    }
    return vmar_vmo_pool_init(p_, vmos, count);
  }
  // |vmos|: any range of vmo or unowned_vmo (fzl takes a span of them).
  template <typename Container> status_t Init(const Container& vmos) {
    size_t count = 0;
    for (const auto& v : vmos) {
      (void)v;
      count++;
    }
    std::unique_ptr<vmar_handle_t[]> handles(new (std::nothrow)
                                                 vmar_handle_t[count + 1]);
    if (handles == nullptr) {
      return VMAR_ERR_NO_MEMORY;
    }
    size_t n = 0;
    for (const auto& v : vmos) {
      handles[n++] = v.get();
    }
    return Init(handles.get(), n);
  }
  status_t MapVmos() { return vmar_vmo_pool_map_vmos(p_); }
  status_t PinVmos() { return vmar_vmo_pool_pin_vmos(p_); }
  void Reset() { vmar_vmo_pool_reset(p_); }
  status_t ReleaseBuffer(size_t index) {
    return vmar_vmo_pool_release_buffer(p_, index);
  }
  // The most recently freed buffer, or nothing when none is free.
  std::optional<Buffer> LockBufferForWrite() {
    Buffer b;
    if (p_ == nullptr ||
        vmar_vmo_pool_lock_buffer_for_write(p_, &b.b_) != VMAR_OK) {
      return std::nullopt;
    }
    return std::optional<Buffer>(std::move(b));
  }

  size_t total_buffers() const { return vmar_vmo_pool_total_buffers(p_); }
  size_t free_buffers() const { return vmar_vmo_pool_free_buffers(p_); }
  uint64_t buffer_size(size_t index = 0) const {
    uint64_t size = 0;
    return vmar_vmo_pool_buffer_size_at(p_, index, &size) == VMAR_OK ? size : 0;
  }

private:
  vmar_vmo_pool_t* p_ = nullptr;
};

// fzl spelling: vmar::fzl::VmoMapper is vmar::VmoMapper.
namespace fzl = ::vmar;

} // namespace vmar

#endif // VMAR_INCLUDE_VMAR_VMAR_HPP_
