// SPDX-License-Identifier: MIT
// Host stand-in for <zircon/rights.h>: handle rights and the default right
// sets of VMARs and VMOs, by value.

#ifndef VMAR_FAKE_ZIRCON_RIGHTS_H_
#define VMAR_FAKE_ZIRCON_RIGHTS_H_

#include <stdint.h>

typedef uint32_t zx_rights_t;

#define ZX_RIGHT_NONE ((zx_rights_t)0u)
#define ZX_RIGHT_DUPLICATE ((zx_rights_t)0x1u)
#define ZX_RIGHT_TRANSFER ((zx_rights_t)0x2u)
#define ZX_RIGHT_READ ((zx_rights_t)0x4u)
#define ZX_RIGHT_WRITE ((zx_rights_t)0x8u)
#define ZX_RIGHT_EXECUTE ((zx_rights_t)0x10u)
#define ZX_RIGHT_MAP ((zx_rights_t)0x20u)
#define ZX_RIGHT_GET_PROPERTY ((zx_rights_t)0x40u)
#define ZX_RIGHT_SET_PROPERTY ((zx_rights_t)0x80u)
#define ZX_RIGHT_ENUMERATE ((zx_rights_t)0x100u)
#define ZX_RIGHT_DESTROY ((zx_rights_t)0x200u)
#define ZX_RIGHT_SET_POLICY ((zx_rights_t)0x400u)
#define ZX_RIGHT_GET_POLICY ((zx_rights_t)0x800u)
#define ZX_RIGHT_SIGNAL ((zx_rights_t)0x1000u)
#define ZX_RIGHT_SIGNAL_PEER ((zx_rights_t)0x2000u)
#define ZX_RIGHT_WAIT ((zx_rights_t)0x4000u)
#define ZX_RIGHT_INSPECT ((zx_rights_t)0x8000u)
#define ZX_RIGHT_MANAGE_JOB ((zx_rights_t)0x10000u)
#define ZX_RIGHT_MANAGE_PROCESS ((zx_rights_t)0x20000u)
#define ZX_RIGHT_MANAGE_THREAD ((zx_rights_t)0x40000u)
#define ZX_RIGHT_APPLY_PROFILE ((zx_rights_t)0x80000u)
#define ZX_RIGHT_MANAGE_SOCKET ((zx_rights_t)0x100000u)
#define ZX_RIGHT_OP_CHILDREN ((zx_rights_t)0x200000u)
#define ZX_RIGHT_RESIZE ((zx_rights_t)0x400000u)
#define ZX_RIGHT_ATTACH_VMO ((zx_rights_t)0x800000u)
#define ZX_RIGHT_MANAGE_VMO ((zx_rights_t)0x1000000u)
#define ZX_RIGHT_SAME_RIGHTS ((zx_rights_t)0x80000000u)

// Groups (0xC003, 0xC, 0xC0).
#define ZX_RIGHTS_BASIC                                                        \
  (ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT)
#define ZX_RIGHTS_IO (ZX_RIGHT_READ | ZX_RIGHT_WRITE)
#define ZX_RIGHTS_PROPERTY (ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY)

// A new VMAR handle: 0x208003 (plus READ/WRITE/EXECUTE per CAN_MAP_* bit).
#define ZX_DEFAULT_VMAR_RIGHTS                                                 \
  (ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_INSPECT |                 \
   ZX_RIGHT_OP_CHILDREN)
// A new VMO handle: 0xD0EF (plus RESIZE when resizable).
#define ZX_DEFAULT_VMO_RIGHTS                                                  \
  (ZX_RIGHTS_BASIC | ZX_RIGHTS_IO | ZX_RIGHTS_PROPERTY | ZX_RIGHT_MAP |        \
   ZX_RIGHT_SIGNAL)

#endif // VMAR_FAKE_ZIRCON_RIGHTS_H_
