// SPDX-License-Identifier: MIT
// <pthread.h> stand-in for the Fuchsia-target checks (README.md): what
// CMake's FindThreads probes, and the static mutex the shared sources use.
#ifndef VMAR_FAKE_LIBC_PTHREAD_H_
#define VMAR_FAKE_LIBC_PTHREAD_H_
typedef unsigned long pthread_t;
typedef struct pthread_attr {
  int unused;
} pthread_attr_t;
int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                   void* (*start)(void*), void* arg);
int pthread_join(pthread_t thread, void** result);
int pthread_detach(pthread_t thread);
int pthread_cancel(pthread_t thread);
void pthread_exit(void* result);
int pthread_atfork(void (*prepare)(void), void (*parent)(void),
                   void (*child)(void));
typedef struct pthread_mutex {
  int opaque[10];
} pthread_mutex_t;
#define PTHREAD_MUTEX_INITIALIZER                                              \
  {                                                                            \
    { 0 }                                                                      \
  }
int pthread_mutex_lock(pthread_mutex_t* mutex);
int pthread_mutex_unlock(pthread_mutex_t* mutex);
#endif
