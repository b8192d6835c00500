/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fuzzer's world: fds at fixed numbers and files at fixed paths, as a recipe sees them. */
#ifndef JSP_FUZZ_FIXTURE_H
#define JSP_FUZZ_FIXTURE_H

#include <sys/stat.h>

/* Fds 5..9 stay closed: make 4.3 closes its jobserver fds in recipes not marked '+'. */
enum {
	FD_TOK_R = 10, FD_TOK_W = 11,     /* the jobserver pipe, holding FIXTURE_TOKENS */
	FD_FILE = 12,                     /* DIR/file, a regular file, O_RDWR */
	FD_NULL = 13,                     /* /dev/null, O_RDWR */
	FD_SOCK_A = 14, FD_SOCK_B = 15,   /* a socketpair */
	FD_FIFO_RW = 16,                  /* DIR/fifo, O_RDWR, holding FIXTURE_FIFO_TOKENS */
	FD_FIFO_R = 17, FD_FIFO_W = 18,   /* DIR/fifo again, O_RDONLY|O_NONBLOCK and O_WRONLY */
	FD_PIPE2_R = 19, FD_PIPE2_W = 20, /* another pipe, empty */
	FD_DIR = 21,                      /* DIR itself: fifo paths are /proc/self/fd/21/NAME */
	FD_FIFO_PATH = 22,                /* DIR/fifo, O_PATH */
	FD_EVENT = 23,                    /* an eventfd (an anonymous inode) */
	FD_HALF_R = 24, FD_HALF_W = 25,   /* ends of two pipes whose other ends are closed */
	FD_TOK_W2 = 26,                   /* a dup of FD_TOK_W */
};
/* DIR also holds: fifo-idle (a fifo nobody holds open), dir, link -> fifo,
 * dangling -> missing, sock (a bound unix socket). */

void fuzz_fail(const char *what) __attribute__((noreturn));
#define CHECK(cond) do { if (!(cond)) fuzz_fail(#cond); } while (0)

/* Builds the world; at exit checks that the tokens are still there and removes DIR. */
void fixture_setup(void);

/* Whether st is one of our pipes or fifos: the only ones the fuzzer may open. */
int fixture_owns(const struct stat *st);

/* After every input: the token pipe and fifo hold what they held, and no inherited
 * fd's flags changed. */
void fixture_check(void);

#endif
