// SPDX-License-Identifier: MIT
// vmar tests: fault-safe read and write probes behind probe.h.

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "probe.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

typedef enum {
  PROBE_READ,
  PROBE_WRITE_SAME, // read the byte, store it back
  PROBE_WRITE_ZERO,
} probe_kind_t;

// The lock makes the handler swap below atomic with respect to other probing
// threads and guards the displaced handlers.
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction displaced_segv;
static struct sigaction displaced_bus;

// Per thread, so a fault in another thread is never mistaken for ours.
static _Thread_local sigjmp_buf probe_jump;
static _Thread_local volatile sig_atomic_t probe_armed;

static void on_fault(int sig, siginfo_t* info, void* context) {
  (void)info;
  (void)context;
  if (probe_armed) {
    probe_armed = 0;
    siglongjmp(probe_jump, 1);
  }
  // Not our access: a genuine crash elsewhere. Put the displaced handler
  // (default, or a sanitizer's) back and return; the faulting instruction
  // runs again and faults into it, so the report is the usual one.
  sigaction(sig, sig == SIGSEGV ? &displaced_segv : &displaced_bus, NULL);
}

// The access itself, kept out of line and out of reach of the sanitizers: the
// question is what the MMU says, not what ASan's shadow or UBSan's null check
// think, and a probe of NULL or of a redzone must not become a report.
#if defined(__GNUC__) || defined(__clang__)
#define PROBE_NO_SANITIZE                                                      \
  __attribute__((noinline, no_sanitize("address", "undefined", "thread")))
#else
#define PROBE_NO_SANITIZE
#endif

PROBE_NO_SANITIZE static void touch(volatile unsigned char* p,
                                    probe_kind_t kind) {
  switch (kind) {
  case PROBE_READ:
    (void)*p;
    break;
  case PROBE_WRITE_SAME: {
    unsigned char value = *p;
    *p = value;
    break;
  }
  case PROBE_WRITE_ZERO:
    *p = 0;
    break;
  }
}

static bool probe(volatile unsigned char* p, probe_kind_t kind) {
  struct sigaction ours;
  memset(&ours, 0, sizeof(ours));
  ours.sa_sigaction = on_fault;
  ours.sa_flags = SA_SIGINFO;
  sigemptyset(&ours.sa_mask);

  pthread_mutex_lock(&probe_lock);
  sigaction(SIGSEGV, &ours, &displaced_segv);
  sigaction(SIGBUS, &ours, &displaced_bus);

  volatile bool ok = false;
  // savemask = 1: the jump out of the handler also unblocks SIGSEGV/SIGBUS.
  if (sigsetjmp(probe_jump, 1) == 0) {
    probe_armed = 1;
    touch(p, kind);
    probe_armed = 0;
    ok = true;
  }

  sigaction(SIGSEGV, &displaced_segv, NULL);
  sigaction(SIGBUS, &displaced_bus, NULL);
  pthread_mutex_unlock(&probe_lock);
  return ok;
}

bool test_probe_read(const volatile void* addr) {
  // The read-only probe never stores, so dropping const here is safe.
  return probe((volatile unsigned char*)(uintptr_t)addr, PROBE_READ);
}

bool test_probe_write(volatile void* addr) {
  volatile unsigned char* p = addr;
  // Readable: store the same byte back so contents survive. Unreadable (no
  // such thing on most hosts, but possible): all we can do is store 0.
  if (probe(p, PROBE_READ)) {
    return probe(p, PROBE_WRITE_SAME);
  }
  return probe(p, PROBE_WRITE_ZERO);
}
