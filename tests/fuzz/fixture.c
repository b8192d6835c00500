/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzzer's world. Every pipe and fifo that an input can name is ours and is watched:
 * the two that hold tokens must still hold them after every input (FIONREAD), and hold
 * the very same bytes at exit. The fuzzer writes no byte: only this set-up does.
 */
#include "fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char TOKENS[] = "+a+b+c+d";
static const char FIFO_TOKENS[] = "fifo-tok";
static const int WATCHED[] = { FD_TOK_R, FD_TOK_W, FD_FIFO_RW, FD_FIFO_R, FD_FIFO_W,
			       FD_PIPE2_R, FD_PIPE2_W, FD_FIFO_PATH, FD_HALF_R, FD_HALF_W,
			       FD_TOK_W2 };
#define NWATCHED (sizeof WATCHED / sizeof WATCHED[0])

static char dir[80];
static int watched_flags[NWATCHED];
static struct stat ours[8];
static int nours;

void fuzz_fail(const char *what)
{
	char line[256];

	/* The sanitizer's report fd still reaches the terminal under -close_fd_mask=2. */
	snprintf(line, sizeof line, "makeflags_fuzz: check failed: %s", what);
	__sanitizer_report_error_summary(line);
	abort();
}

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "makeflags_fuzz: set-up: %s: %s\n", what, strerror(errno));
		exit(2);
	}
}

/* Puts an fd at a fixed number. */
static void place(int fd, int at)
{
	must(fd >= 0, "open");
	if (fd != at) {
		must(dup2(fd, at) == at, "dup2");
		close(fd);
	}
}

static const char *in_dir(const char *name)
{
	static char path[sizeof dir + 16];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void remember(int fd)
{
	must(nours < (int)(sizeof ours / sizeof ours[0]) && fstat(fd, &ours[nours++]) == 0, "fstat");
}

static void make_tree(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int s;

	errno = ENAMETOOLONG;
	must(strlen(tmp) + 20 < sizeof dir, "TMPDIR");
	snprintf(dir, sizeof dir, "%s/jsp-fuzz.XXXXXX", tmp);
	must(mkdtemp(dir) != NULL, "mkdtemp");
	must(mkfifo(in_dir("fifo"), 0600) == 0, "mkfifo");
	must(mkfifo(in_dir("fifo-idle"), 0600) == 0, "mkfifo");
	must(mkdir(in_dir("dir"), 0700) == 0, "mkdir");
	place(open(in_dir("file"), O_RDWR | O_CREAT | O_EXCL, 0600), FD_FILE);
	must(symlink("fifo", in_dir("link")) == 0, "symlink");
	must(symlink("missing", in_dir("dangling")) == 0, "symlink");
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", in_dir("sock"));
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	must(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0, "bind");
	close(s);
	s = open(in_dir("fifo-idle"), O_PATH);
	remember(s);
	close(s);
}

static void make_fds(void)
{
	int p[2], q[2];

	must(pipe(p) == 0, "pipe");
	place(p[0], FD_TOK_R);
	place(p[1], FD_TOK_W);
	remember(FD_TOK_R);
	must(write(FD_TOK_W, TOKENS, sizeof TOKENS - 1) == sizeof TOKENS - 1, "write");
	place(dup(FD_TOK_W), FD_TOK_W2);
	place(open("/dev/null", O_RDWR), FD_NULL);
	must(socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0, "socketpair");
	place(p[0], FD_SOCK_A);
	place(p[1], FD_SOCK_B);
	place(open(in_dir("fifo"), O_RDWR), FD_FIFO_RW);
	place(open(in_dir("fifo"), O_RDONLY | O_NONBLOCK), FD_FIFO_R);
	place(open(in_dir("fifo"), O_WRONLY), FD_FIFO_W);
	place(open(in_dir("fifo"), O_PATH), FD_FIFO_PATH);
	remember(FD_FIFO_RW);
	must(write(FD_FIFO_RW, FIFO_TOKENS, sizeof FIFO_TOKENS - 1) == sizeof FIFO_TOKENS - 1,
	     "write");
	must(pipe(p) == 0, "pipe");
	place(p[0], FD_PIPE2_R);
	place(p[1], FD_PIPE2_W);
	remember(FD_PIPE2_R);
	must(pipe(p) == 0 && pipe(q) == 0, "pipe");
	remember(p[0]);
	remember(q[0]);
	close(p[1]);
	close(q[0]);
	place(p[0], FD_HALF_R);
	place(q[1], FD_HALF_W);
	place(open(dir, O_RDONLY | O_DIRECTORY), FD_DIR);
	place(eventfd(0, 0), FD_EVENT);
	for (int fd = 5; fd <= 9; fd++)
		close(fd);
}

static int pending(int fd)
{
	int n = -1;

	CHECK(ioctl(fd, FIONREAD, &n) == 0);
	return n;
}

/* At exit: the very bytes are still there, in order. */
static void check_and_clean(void)
{
	static const char *names[] = { "fifo", "fifo-idle", "file", "link", "dangling", "sock", "dir" };
	char buf[64];

	CHECK(read(FD_TOK_R, buf, sizeof buf) == sizeof TOKENS - 1);
	CHECK(memcmp(buf, TOKENS, sizeof TOKENS - 1) == 0);
	CHECK(read(FD_FIFO_R, buf, sizeof buf) == sizeof FIFO_TOKENS - 1);
	CHECK(memcmp(buf, FIFO_TOKENS, sizeof FIFO_TOKENS - 1) == 0);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		remove(in_dir(names[i]));
	rmdir(dir);
}

void fixture_setup(void)
{
	make_tree();
	make_fds();
	for (size_t i = 0; i < NWATCHED; i++)
		watched_flags[i] = fcntl(WATCHED[i], F_GETFL);
	atexit(check_and_clean);
}

int fixture_owns(const struct stat *st)
{
	for (int i = 0; i < nours; i++)
		if (ours[i].st_dev == st->st_dev && ours[i].st_ino == st->st_ino)
			return 1;
	return 0;
}

void fixture_check(void)
{
	for (size_t i = 0; i < NWATCHED; i++)
		CHECK(fcntl(WATCHED[i], F_GETFL) == watched_flags[i]);
	CHECK(pending(FD_TOK_R) == sizeof TOKENS - 1);
	CHECK(pending(FD_FIFO_R) == sizeof FIFO_TOKENS - 1);
}
