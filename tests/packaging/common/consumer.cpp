// SPDX-License-Identifier: MIT
// The C++ side of the consumer: the header-only wrappers from an installed or
// vendored vmar, compiled as C++17.

#include <cstdio>
#include <cstring>

#include <vmar/vmar.hpp>

int main() {
  auto [st, arena] = vmar::VmarManager::Create(16 * vmar_page_size());
  if (st != VMAR_OK) {
    std::fprintf(stderr, "consumer++: Create: %s\n", vmar_status_string(st));
    return 1;
  }
  vmar::OwnedVmoMapper mapper;
  st = mapper.CreateAndMap(vmar_page_size(), "consumer",
                           VMAR_MAPPER_DEFAULT_FLAGS, arena);
  if (st != VMAR_OK) {
    std::fprintf(stderr, "consumer++: CreateAndMap: %s\n",
                 vmar_status_string(st));
    return 1;
  }
  std::memset(mapper.start(), 0x5a, mapper.size());
  std::printf("consumer++: ok\n");
  return 0;
}
