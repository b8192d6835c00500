/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's side of its private pool. Runs in the launcher (before it execs the command)
 * and in a constructor, so everything is in place before the command's first instruction;
 * the end runs in exit paths: system calls only, no libc state.
 *
 * Why the pipe style keeps make's fd numbers: MAKEFLAGS, MFLAGS and CARGO_MAKEFLAGS then
 * stay as make wrote them, and the command's fd table looks as it did (the same numbers,
 * still FIFOs, the same access modes and O_NONBLOCK); only what the numbers name changes.
 * Why the fifo style adds no fd: a path is all its clients read (make 4.4, ninja 1.13);
 * gcc 12's lto-wrapper and the jobserver crate of cargo 1.65 read only the pipe style, and
 * do not read make's fifo either, so they get under the pool what they get without us.
 */
#include "owner_pool.h"
#include "env.h"
#include "fmt.h"
#include "log.h"
#include "owner_connect.h"
#include "result.h"
#include "sys.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>

#define TOKEN '+' /* ours: make's own bytes never leave the vault */
#define DRAIN_READS 16
/* A MAKEFLAGS longer than this (command-line variables of make are in it) keeps make's
 * fifo: the pool is not shared, as before pools. The buffers cost no memory until used. */
#define ENTRY_CAP 32768

/* Writes n tokens of ours into w. Returns how many went in. */
static long fill(int w, long n)
{
	char buf[256];
	long done = 0, k = 1;

	for (unsigned i = 0; i < sizeof buf; i++)
		buf[i] = TOKEN;
	while (done < n && k > 0) {
		k = sys_write(w, buf, (size_t)(n - done < (long)sizeof buf ? n - done : (long)sizeof buf));
		done += k > 0 ? k : 0;
	}
	return done;
}

/* The pool at make's fd numbers, with their access modes and O_NONBLOCK: a client that
 * blocks in read(2) on make's expects ours to block too. rd and w are ours, and go. */
static int rewire(const struct makeflags_auth *a, int rd, int w)
{
	int rfl = sys_fcntl(a->rfd, F_GETFL, 0), wfl = sys_fcntl(a->wfd, F_GETFL, 0), r;

	r = rfl < 0 ? rfl : wfl < 0 ? wfl : 0;
	if (r == 0 && !(rfl & O_NONBLOCK))
		r = sys_fcntl(rd, F_SETFL, 0);
	if (r == 0 && !(wfl & O_NONBLOCK))
		r = sys_fcntl(w, F_SETFL, 0);
	/* dup3 fails only for a bad target, which the claim has just checked: no half-made
	 * pair of make's read end and our write end is ever left. */
	if (r == 0)
		r = sys_dup_inherited(rd, a->rfd);
	if (r >= 0)
		r = sys_dup_inherited(w, a->wfd);
	return r < 0 ? r : 0;
}

static char entries[3][ENTRY_CAP];
static const char *const NAMES[3] = { "MAKEFLAGS", "MFLAGS", "CARGO_MAKEFLAGS" };

/* Every variable that names make's fifo names the pool's path instead: made first, then
 * set together, so that they never disagree. */
static int repoint(const char *path)
{
	int set[3] = { 0 }, r = 0;

	for (int i = 0; i < 3 && r == 0; i++) {
		const char *v = env_value(NAMES[i]);
		struct out o = { entries[i], entries[i] + ENTRY_CAP - 1 };

		if (!v)
			continue;
		put_str(&o, NAMES[i]);
		put_str(&o, "=");
		r = makeflags_repoint(v, path, o.p, (size_t)(entries[i] + ENTRY_CAP - o.p)) < 0 ? -JSP_E_TOO_LONG : 0;
		set[i] = r == 0;
	}
	/* The first replaces an entry already there, so once it is in, the others are too. */
	for (int i = 0; i < 3 && r == 0; i++)
		if (set[i])
			r = env_export_entry(NAMES[i], entries[i]);
	return r;
}

/* The pool's path, as our open of it (checked to be the pool) names it. */
static long path_of(int fd, char *path, size_t cap)
{
	char link[32];

	fmt_proc_fd(link, sizeof link, PROC_SELF, fd);
	return sys_readlink(link, path, cap);
}

int owner_pool_share(struct reaper *r, const struct makeflags_auth *a, long held, int elastic)
{
	struct jsp_stat st;
	char path[4096];
	int pipe = a->kind == MAKEFLAGS_PIPE;
	/* A reader of ours while we fill it: if the reaper ended meanwhile, the write fails
	 * instead of raising SIGPIPE in the command. In pipe style it becomes make's read end. */
	int rd = r->pool == WIRE_NO_POOL ? -JSP_E_NO_POOL : open_theirs(r->pid, r->pool, O_RDONLY, &st);
	int w = -1, err;

	err = rd;
	if (rd >= 0)
		w = open_theirs_checked(r->pid, r->pool, O_WRONLY, st.dev, st.ino);
	err = rd < 0 ? rd : w < 0 ? w : pipe && a->rfd == a->wfd ? -JSP_E_SAME_FDS : 0;
	if (err == 0 && !pipe) {
		long n = path_of(rd, path, sizeof path);

		err = n > 0 ? 0 : n < 0 ? (int)n : -ENOENT;
	}
	if (err == 0 && fill(w, held) != held)
		err = -JSP_E_POOL_SHORT;
	if (err == 0)
		err = pipe ? rewire(a, rd, w) : repoint(path);
	/* Shared: the tree's width is the pool's from now on. Marked on the pool itself, so
	 * that a reaper that read our CLAIM before our fill, or a share that failed, never
	 * takes an empty or unread pool for a tree that waits (a failed mark: not elastic). */
	if (err == 0 && elastic)
		(void)sys_fchmod(rd, 0600 | WIRE_POOL_SHARED);
	if (rd >= 0)
		sys_close(rd);
	if (w >= 0)
		sys_close(w);
	if (err < 0) {
		log_msg("cannot share the %ld claimed tokens with this command's descendants "
			"through a private jobserver: %s; a jobserver client below it (a sub-make, "
			"cargo, gcc -flto) finds make's jobserver without them", held, log_errno(err));
		return err;
	}
	r->pool_dev = st.dev;
	r->pool_ino = st.ino;
	return 0;
}

long owner_pool_drain(const struct reaper *r)
{
	int p = open_theirs_checked(r->pid, r->pool, O_RDONLY, r->pool_dev, r->pool_ino);
	char buf[4096];
	long n = 0, k = 1;

	if (p < 0)
		return p;
	for (int i = 0; i < DRAIN_READS && k > 0; i++)
		n += (k = sys_read(p, buf, sizeof buf)) > 0 ? k : 0;
	/* Its name goes: a fifo client that starts now would take tokens the reaper is
	 * giving back. Our own open of it names it, so this is the pool and nothing else. */
	if (path_of(p, buf, sizeof buf) > 0)
		(void)sys_unlink(buf);
	sys_close(p);
	return n;
}

void owner_pool_refill(const struct reaper *r, long n)
{
	/* A reader too, as in owner_pool_share: never SIGPIPE in an exit path. */
	int w = n > 0 ? open_theirs_checked(r->pid, r->pool, O_RDWR, r->pool_dev, r->pool_ino) : -1;

	if (w >= 0) {
		(void)fill(w, n);
		sys_close(w);
	}
}
