/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: one input is one MAKEFLAGS value. It is parsed (makeflags_parse),
 * then what it names is validated and opened (jobserver_open) and closed again
 * (jobserver_close), in a process whose fds look like a recipe's: a real jobserver pipe
 * holding tokens, a second pipe, a fifo, a regular file, /dev/null, a socket, a
 * directory, closed numbers (fixture.h: fixed fd numbers and paths, which the seed
 * corpus in tests/fuzz/corpus/ names). Build and run: tests/fuzz/build-and-run.
 *
 * Nothing here may move a token: the target never calls jobserver_take/give, and after
 * every input the token pipe and the token fifo must hold exactly what they held
 * (FIONREAD; the bytes themselves are compared at exit). A fifo path that resolves to a
 * fifo that is not ours is skipped, so that no other process's fifo is ever opened.
 *
 * Checks after every input: the parse result is consistent with its kind; the parse is
 * deterministic; jobserver_open succeeds exactly when an independent libc check of the
 * same fds or path says it should, also when an input's checksum selects a run with
 * RLIMIT_NOFILE lowered so that only 0, 1 or 2 more fds can be opened (the failure
 * paths halfway through the reopen); on success it holds two new private CLOEXEC,
 * O_NONBLOCK fds of the right inode and direction; on failure, and after
 * jobserver_close, no new fd is left open; the inherited fds' flags are unchanged.
 */
#include "fixture.h"
#include "jobserver.h"
#include "log.h"
#include "makeflags.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* jobserver_open holds at most three fds at once (O_PATH fd, read end, write end). */
#define SLOTS 4

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fixture_setup();
	/* Every message path runs (snprintf of long paths); -close_fd_mask=2 mutes them. */
	log_verbose = 1;
	return 0;
}

/* The libc view of one inherited fd: open, a fifo, open in the needed direction. */
static int fd_usable(int fd, int want_write, struct stat *st)
{
	int acc;

	if (fcntl(fd, F_GETFD) < 0 || fstat(fd, st) != 0 || !S_ISFIFO(st->st_mode))
		return 0;
	acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	return acc == O_RDWR || acc == (want_write ? O_WRONLY : O_RDONLY);
}

/* Whether jobserver_open must succeed, and on which inode. -1: do not call it. */
static int expect_open(const struct makeflags_auth *a, struct stat *st)
{
	struct stat wst;

	if (a->kind == MAKEFLAGS_PIPE)
		return fd_usable(a->rfd, 0, st) && fd_usable(a->wfd, 1, &wst) &&
		       st->st_dev == wst.st_dev && st->st_ino == wst.st_ino;
	if (a->kind != MAKEFLAGS_FIFO || stat(a->path, st) != 0 || !S_ISFIFO(st->st_mode))
		return 0;
	return fixture_owns(st) ? 1 : -1; /* never open another process's fifo */
}

static void check_parse(const struct makeflags_auth *a, const char *mf)
{
	static struct makeflags_auth again;

	CHECK(memchr(a->value, '\0', sizeof a->value) != NULL);
	CHECK(strcmp(makeflags_kind_name(a->kind), "?") != 0);
	CHECK((a->kind == MAKEFLAGS_NONE) == (a->option == NULL));
	CHECK((a->kind == MAKEFLAGS_FIFO) == (a->path != NULL));
	CHECK(a->kind != MAKEFLAGS_NONE || (a->rfd == -1 && a->wfd == -1 && !a->value[0]));
	CHECK(a->kind != MAKEFLAGS_PIPE || (a->rfd >= 0 && a->wfd >= 0));
	CHECK(a->kind != MAKEFLAGS_DISABLED || a->rfd < 0 || a->wfd < 0);
	CHECK(a->kind != MAKEFLAGS_FIFO ||
	      (a->path == a->value + 5 && !strncmp(a->value, "fifo:", 5) && a->path[0]));
	CHECK(a->kind == MAKEFLAGS_NONE || strstr(mf, a->option));
	CHECK(makeflags_parse(mf, &again) == a->kind && again.rfd == a->rfd &&
	      again.wfd == a->wfd && !strcmp(again.value, a->value));
}

static void check_opened(const struct jobserver *js, const struct stat *want)
{
	struct stat r;

	/* Only a reader: the reaper gives back through its own writer (wire.h). */
	CHECK(js->rfd >= 0);
	CHECK(fcntl(js->rfd, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(js->rfd, F_GETFL) & O_NONBLOCK);
	CHECK((fcntl(js->rfd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK(fstat(js->rfd, &r) == 0);
	CHECK(r.st_ino == want->st_ino && r.st_dev == want->st_dev);
	/* sys_fstat (statx) composes dev as major << 32 | minor. */
	CHECK(js->ino == (uint64_t)want->st_ino);
	CHECK(js->dev == ((uint64_t)major(want->st_dev) << 32 | minor(want->st_dev)));
	CHECK(memchr(js->desc, '\0', sizeof js->desc) && js->desc[0]);
}

/* The lowest free fds: every fd that jobserver_open opens lands on one of them. */
static void free_slots(int slot[SLOTS])
{
	int n = 0;

	for (int fd = 0; n < SLOTS; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			slot[n++] = fd;
}

static void check_world(const int slot[SLOTS])
{
	for (int i = 0; i < SLOTS; i++)
		CHECK(fcntl(slot[i], F_GETFD) < 0);
	fixture_check();
}

/* One input in 8, chosen by its bytes so that a crash reproduces: how many fds jobserver_open
 * may still open (0..2), or SLOTS for no limit. */
static int fd_budget(const uint8_t *data, size_t size)
{
	unsigned sum = 0;

	for (size_t i = 0; i < size; i++)
		sum += data[i];
	return sum % 8 == 7 ? (int)(sum / 8 % 3) : SLOTS;
}

/* Runs jobserver_open with at most `budget` new fds; returns its result. */
static int open_limited(const struct makeflags_auth *a, struct jobserver *js,
			const int slot[SLOTS], int budget)
{
	struct rlimit old, lim;
	int r;

	if (budget >= SLOTS)
		return jobserver_open(a, js);
	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	lim = old;
	lim.rlim_cur = (rlim_t)slot[budget]; /* fds >= slot[budget] cannot be allocated */
	CHECK(setrlimit(RLIMIT_NOFILE, &lim) == 0);
	r = jobserver_open(a, js);
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct makeflags_auth auth;
	struct jobserver js;
	struct stat want;
	int slot[SLOTS], expect, budget, r;
	char *mf;

	if (size > 2 * MAKEFLAGS_VALUE_MAX)
		return -1; /* longer inputs only cost time: the value cap is tested below it */
	mf = malloc(size + 1); /* exact size: ASan sees any read past the terminator */
	memcpy(mf, data, size);
	mf[size] = '\0';
	makeflags_parse(mf, &auth);
	check_parse(&auth, mf);

	expect = expect_open(&auth, &want);
	budget = fd_budget(data, size);
	/* Opening takes the O_PATH fd too for a fifo: two fds; one, the reader, for a pipe. */
	if (expect == 1 && budget < (auth.kind == MAKEFLAGS_FIFO ? 2 : 1))
		expect = 0;
	if (expect >= 0) {
		free_slots(slot);
		r = open_limited(&auth, &js, slot, budget);
		CHECK(r == 0 || r == -1);
		CHECK((r == 0) == (expect == 1));
		if (r == 0) {
			check_opened(&js, &want);
			jobserver_close(&js);
			CHECK(js.rfd == -1);
		}
		check_world(slot);
	}
	free(mf);
	return 0;
}
