// SPDX-License-Identifier: MIT
// Memory shared between processes through a VMO's file descriptor.
//
// vmar's state is not inherited in a usable way across fork(): a forked child
// may use the memory it inherited but must not call vmar. So this program
// shares one VMO in the two ways that respect that rule:
//  1. a plain fork()ed child writes through the mapping it inherited (no vmar
//     call in the child);
//  2. a child that exec()s this same program with --child <fd> starts with a
//     fresh vmar, imports the descriptor (vmar_vmo_create_from_fd), maps the
//     VMO itself and writes through its own mapping.
// The parent then sees both writes in its mapping and through
// vmar_vmo_read. This needs the POSIX backend (exit 77, "skipped", elsewhere).

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmar/vmar.h>

#define CHECK(call)                                                            \
  do {                                                                         \
    vmar_status_t st_ = (call);                                                \
    if (st_ != VMAR_OK) {                                                      \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,     \
              vmar_status_string(st_));                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

// The layout both processes agree on, at the start of the VMO.
typedef struct mailbox {
  char greeting[64];    // written by the parent
  char forked_note[64]; // written by the forked child, through inherited pages
  char exec_note[64];   // written by the exec'd child, through its own mapping
} mailbox_t;

static const char kGreeting[] = "hello from the parent";
static const char kForkedNote[] = "the forked child was here";
static const char kExecNote[] = "the exec'd child was here";

// Runs in a fresh process image: imports the VMO from |fd| and answers.
static int run_child(int fd) {
  vmar_handle_t vmo;
  CHECK(vmar_vmo_create_from_fd(fd, 0, &vmo));
  close(fd); // the VMO holds its own duplicate
  uint64_t size;
  CHECK(vmar_vmo_get_size(vmo, &size));
  vmar_vaddr_t addr;
  CHECK(vmar_map(vmar_root_self(), VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0,
                 vmo, 0, (size_t)size, &addr));
  mailbox_t* box = (mailbox_t*)addr;
  if (strcmp(box->greeting, kGreeting) != 0) {
    fprintf(stderr, "child: unexpected greeting \"%.64s\"\n", box->greeting);
    return 1;
  }
  printf("exec'd child (pid %ld) read: \"%s\"\n", (long)getpid(),
         box->greeting);
  strcpy(box->exec_note, kExecNote);
  CHECK(vmar_unmap(vmar_root_self(), addr, (size_t)size));
  CHECK(vmar_handle_close(vmo));
  return 0;
}

// Waits for |pid| and reports whether it exited with status 0.
static int wait_ok(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("waitpid");
      return 0;
    }
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "--child") == 0) {
    return run_child(atoi(argv[2]));
  }

  const size_t page = vmar_page_size();
  vmar_handle_t vmo;
  CHECK(vmar_vmo_create(page, 0, &vmo));
  CHECK(vmar_vmo_set_name(vmo, "mailbox"));
  vmar_vaddr_t addr;
  CHECK(vmar_map(vmar_root_self(), VMAR_VM_PERM_READ | VMAR_VM_PERM_WRITE, 0,
                 vmo, 0, page, &addr));
  mailbox_t* box = (mailbox_t*)addr;
  strcpy(box->greeting, kGreeting);

  int fd;
  vmar_status_t st = vmar_vmo_get_fd(vmo, &fd);
  if (st == VMAR_ERR_NOT_SUPPORTED) {
    printf("vmar_vmo_get_fd is not supported on this backend; skipped\n");
    return 77;
  }
  CHECK(st);

  // 1. fork(): the child writes through the mapping it inherited. A VMO
  // mapping is shared memory, so the parent sees the write. No vmar call in
  // the child.
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    memcpy(box->forked_note, kForkedNote, sizeof(kForkedNote));
    _exit(0);
  }
  if (!wait_ok(pid)) {
    fprintf(stderr, "parent: the forked child failed\n");
    return 1;
  }

  // 2. fork() + exec(): vmar's descriptors are close-on-exec, so hand the
  // child a duplicate without that flag, and its number on the command line.
  int child_fd = fcntl(fd, F_DUPFD, 3);
  if (child_fd < 0) {
    perror("fcntl");
    return 1;
  }
  char fd_arg[16];
  snprintf(fd_arg, sizeof(fd_arg), "%d", child_fd);
  fflush(stdout);
  pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    char* child_argv[] = {argv[0], "--child", fd_arg, NULL};
    execv("/proc/self/exe", child_argv); // Linux: this very binary
    execv(argv[0], child_argv);          // elsewhere: the path we ran as
    _exit(127);
  }
  close(child_fd);
  close(fd);
  if (!wait_ok(pid)) {
    fprintf(stderr, "parent: the exec'd child failed\n");
    return 1;
  }

  // Both answers are in the parent's own mapping, and in the VMO.
  mailbox_t copy;
  CHECK(vmar_vmo_read(vmo, &copy, 0, sizeof(copy)));
  printf("parent's mapping holds: \"%s\" and \"%s\"\n", box->forked_note,
         box->exec_note);
  int ok = strcmp(box->forked_note, kForkedNote) == 0 &&
           strcmp(box->exec_note, kExecNote) == 0 &&
           memcmp(&copy, box, sizeof(copy)) == 0;

  CHECK(vmar_unmap(vmar_root_self(), addr, page));
  CHECK(vmar_handle_close(vmo));
  if (!ok) {
    fprintf(stderr, "parent: the children's writes are missing\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
