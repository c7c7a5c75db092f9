// SPDX-License-Identifier: MIT
// vmar: status codes (Zircon's numbering) and their names.

#ifndef VMAR_INCLUDE_VMAR_STATUS_H_
#define VMAR_INCLUDE_VMAR_STATUS_H_

#include <vmar/types.h>

VMAR_EXTERN_C_BEGIN

// The one list of status codes: X(NAME, value, meaning). It generates the
// VMAR_* constants below, vmar_status_string() and the tests that walk every
// code. Values are Zircon's and are never renumbered or reused.
#define VMAR_STATUS_LIST(X)                                                    \
  X(OK, 0, "success")                                                          \
  X(ERR_INTERNAL, -1, "an internal failure with no better code")               \
  X(ERR_NOT_SUPPORTED, -2, "the operation is not supported here")              \
  X(ERR_NO_RESOURCES, -3, "no room: address space, handles or host maps")      \
  X(ERR_NO_MEMORY, -4, "memory for bookkeeping could not be allocated")        \
  X(ERR_INTERNAL_INTR_RETRY, -6, "interrupted; retry (never returned)")        \
  X(ERR_INVALID_ARGS, -10, "an argument is invalid")                           \
  X(ERR_BAD_HANDLE, -11, "the handle is not a live handle")                    \
  X(ERR_WRONG_TYPE, -12, "the handle names an object of another type")         \
  X(ERR_BAD_SYSCALL, -13, "no such call")                                      \
  X(ERR_OUT_OF_RANGE, -14, "an offset or size lies outside the object")        \
  X(ERR_BUFFER_TOO_SMALL, -15, "the output buffer is too small")               \
  X(ERR_BAD_STATE, -20, "the object is in the wrong state (e.g. destroyed)")   \
  X(ERR_TIMED_OUT, -21, "the deadline passed")                                 \
  X(ERR_SHOULD_WAIT, -22, "not ready yet")                                     \
  X(ERR_CANCELED, -23, "the operation was canceled")                           \
  X(ERR_PEER_CLOSED, -24, "the other end was closed")                          \
  X(ERR_NOT_FOUND, -25, "the requested thing does not exist")                  \
  X(ERR_ALREADY_EXISTS, -26, "the range or object is already in use")          \
  X(ERR_ALREADY_BOUND, -27, "already bound")                                   \
  X(ERR_UNAVAILABLE, -28, "not available for this object")                     \
  X(ERR_ACCESS_DENIED, -30, "a right or permission ceiling forbids it")        \
  X(ERR_IO, -40, "input/output failure")                                       \
  X(ERR_IO_REFUSED, -41, "input/output refused")                               \
  X(ERR_IO_DATA_INTEGRITY, -42, "data failed an integrity check")              \
  X(ERR_IO_DATA_LOSS, -43, "data was lost")                                    \
  X(ERR_IO_NOT_PRESENT, -44, "the device is not present")                      \
  X(ERR_IO_OVERRUN, -45, "input/output overrun")                               \
  X(ERR_IO_MISSED_DEADLINE, -46, "a deadline was missed")                      \
  X(ERR_IO_INVALID, -47, "invalid input/output")                               \
  X(ERR_BAD_PATH, -50, "bad path")                                             \
  X(ERR_NOT_DIR, -51, "not a directory")                                       \
  X(ERR_NOT_FILE, -52, "not a file")                                           \
  X(ERR_FILE_BIG, -53, "file too big")                                         \
  X(ERR_NO_SPACE, -54, "no space left")                                        \
  X(ERR_NOT_EMPTY, -55, "not empty")                                           \
  X(ERR_STOP, -60, "iteration stop (never returned)")                          \
  X(ERR_NEXT, -61, "iteration next (never returned)")                          \
  X(ERR_ASYNC, -62, "completes asynchronously (never returned)")               \
  X(ERR_PROTOCOL_NOT_SUPPORTED, -70, "protocol not supported")                 \
  X(ERR_ADDRESS_UNREACHABLE, -71, "address unreachable")                       \
  X(ERR_ADDRESS_IN_USE, -72, "address in use")                                 \
  X(ERR_NOT_CONNECTED, -73, "not connected")                                   \
  X(ERR_CONNECTION_REFUSED, -74, "connection refused")                         \
  X(ERR_CONNECTION_RESET, -75, "connection reset")                             \
  X(ERR_CONNECTION_ABORTED, -76, "connection aborted")

#define VMAR_OK ((vmar_status_t)0)
#define VMAR_ERR_INTERNAL ((vmar_status_t)-1)
#define VMAR_ERR_NOT_SUPPORTED ((vmar_status_t)-2)
#define VMAR_ERR_NO_RESOURCES ((vmar_status_t)-3)
#define VMAR_ERR_NO_MEMORY ((vmar_status_t)-4)
#define VMAR_ERR_INTERNAL_INTR_RETRY ((vmar_status_t)-6)
#define VMAR_ERR_INVALID_ARGS ((vmar_status_t)-10)
#define VMAR_ERR_BAD_HANDLE ((vmar_status_t)-11)
#define VMAR_ERR_WRONG_TYPE ((vmar_status_t)-12)
#define VMAR_ERR_BAD_SYSCALL ((vmar_status_t)-13)
#define VMAR_ERR_OUT_OF_RANGE ((vmar_status_t)-14)
#define VMAR_ERR_BUFFER_TOO_SMALL ((vmar_status_t)-15)
#define VMAR_ERR_BAD_STATE ((vmar_status_t)-20)
#define VMAR_ERR_TIMED_OUT ((vmar_status_t)-21)
#define VMAR_ERR_SHOULD_WAIT ((vmar_status_t)-22)
#define VMAR_ERR_CANCELED ((vmar_status_t)-23)
#define VMAR_ERR_PEER_CLOSED ((vmar_status_t)-24)
#define VMAR_ERR_NOT_FOUND ((vmar_status_t)-25)
#define VMAR_ERR_ALREADY_EXISTS ((vmar_status_t)-26)
#define VMAR_ERR_ALREADY_BOUND ((vmar_status_t)-27)
#define VMAR_ERR_UNAVAILABLE ((vmar_status_t)-28)
#define VMAR_ERR_ACCESS_DENIED ((vmar_status_t)-30)
#define VMAR_ERR_IO ((vmar_status_t)-40)
#define VMAR_ERR_IO_REFUSED ((vmar_status_t)-41)
#define VMAR_ERR_IO_DATA_INTEGRITY ((vmar_status_t)-42)
#define VMAR_ERR_IO_DATA_LOSS ((vmar_status_t)-43)
#define VMAR_ERR_IO_NOT_PRESENT ((vmar_status_t)-44)
#define VMAR_ERR_IO_OVERRUN ((vmar_status_t)-45)
#define VMAR_ERR_IO_MISSED_DEADLINE ((vmar_status_t)-46)
#define VMAR_ERR_IO_INVALID ((vmar_status_t)-47)
#define VMAR_ERR_BAD_PATH ((vmar_status_t)-50)
#define VMAR_ERR_NOT_DIR ((vmar_status_t)-51)
#define VMAR_ERR_NOT_FILE ((vmar_status_t)-52)
#define VMAR_ERR_FILE_BIG ((vmar_status_t)-53)
#define VMAR_ERR_NO_SPACE ((vmar_status_t)-54)
#define VMAR_ERR_NOT_EMPTY ((vmar_status_t)-55)
#define VMAR_ERR_STOP ((vmar_status_t)-60)
#define VMAR_ERR_NEXT ((vmar_status_t)-61)
#define VMAR_ERR_ASYNC ((vmar_status_t)-62)
#define VMAR_ERR_PROTOCOL_NOT_SUPPORTED ((vmar_status_t)-70)
#define VMAR_ERR_ADDRESS_UNREACHABLE ((vmar_status_t)-71)
#define VMAR_ERR_ADDRESS_IN_USE ((vmar_status_t)-72)
#define VMAR_ERR_NOT_CONNECTED ((vmar_status_t)-73)
#define VMAR_ERR_CONNECTION_REFUSED ((vmar_status_t)-74)
#define VMAR_ERR_CONNECTION_RESET ((vmar_status_t)-75)
#define VMAR_ERR_CONNECTION_ABORTED ((vmar_status_t)-76)

// Returns the constant's name as spelled in this API ("VMAR_ERR_BAD_STATE").
// Never NULL: a code not in the list gives "VMAR_ERR_<unknown>".
VMAR_API const char* vmar_status_string(vmar_status_t status);

VMAR_EXTERN_C_END

#endif // VMAR_INCLUDE_VMAR_STATUS_H_
