// SPDX-License-Identifier: MIT
// vmar_status_string, generated from the one list in <vmar/status.h>.

#include <vmar/status.h>

// Every VMAR_* constant must equal its entry in the list.
#define VMAR__CHECK_STATUS(name, value, meaning)                               \
  _Static_assert(VMAR_##name == (value), "VMAR_" #name " differs from list");
VMAR_STATUS_LIST(VMAR__CHECK_STATUS)
#undef VMAR__CHECK_STATUS

const char* vmar_status_string(vmar_status_t status) {
  switch (status) {
#define VMAR__STATUS_CASE(name, value, meaning)                                \
  case (value):                                                                \
    return "VMAR_" #name;
    VMAR_STATUS_LIST(VMAR__STATUS_CASE)
#undef VMAR__STATUS_CASE
  default:
    return "VMAR_ERR_<unknown>";
  }
}
