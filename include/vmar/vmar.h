// SPDX-License-Identifier: MIT
// vmar: the one header users include.

#ifndef VMAR_INCLUDE_VMAR_VMAR_H_
#define VMAR_INCLUDE_VMAR_VMAR_H_

#include <vmar/handle.h>
#include <vmar/manager.h>
#include <vmar/mapper.h>
#include <vmar/options.h>
#include <vmar/pool.h>
#include <vmar/posix.h>
#include <vmar/region.h>
#include <vmar/status.h>
#include <vmar/types.h>
#include <vmar/vmo.h>

#endif // VMAR_INCLUDE_VMAR_VMAR_H_
