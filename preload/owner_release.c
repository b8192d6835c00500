/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's end: its tokens go back to the jobserver before the owner's exit status can
 * reach make. Runs in exit paths and signal handlers (our destructor, _exit, _Exit):
 * system calls only, no libc state, no message but through log_count.
 */
#include "log.h"
#include "owner_claim.h"
#include "owner_connect.h"
#include "owner_pool.h"
#include "result.h"
#include "wire.h"
#include "sys.h"
#include "test_hooks.h"
#include "tracerec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>

static int open_checked(const struct reaper *r, int fd, int flags, uint64_t dev, uint64_t ino)
{
	return open_theirs_checked(r->pid, fd, flags, dev, ino);
}

/* How long an owner tries for the jobserver's lock before it leaves its give-back to the
 * reaper: another owner holds it for the microseconds of a count and a splice. */
#define LOCK_TRIES 5 /* of 1 ms each */

/* The lock that every splice into the jobserver takes, flock(2) on our writer of it: it
 * holds across the open file descriptions of one pipe or fifo, so concurrent give-backs
 * count the pipe's room one at a time (jobserver.c, splice_fits). Returns 0 or a negative
 * code: -JSP_E_LOCKED when another holds it still, -errno when flock is denied (a
 * sandbox): the reaper, which needs no lock, then gives back. Released by the close. */
static int lock_jobserver(int j)
{
	int r = sys_flock(j, LOCK_EX | LOCK_NB);

	for (int i = 1; r == -EWOULDBLOCK && i < LOCK_TRIES; i++) {
		sys_poll(NULL, 0, 1);
		r = sys_flock(j, LOCK_EX | LOCK_NB);
	}
	return r == -EWOULDBLOCK ? -JSP_E_LOCKED : r;
}

/* Empties our vault into the jobserver ourselves, with our own opens of the vault and of
 * the jobserver, both through the reaper's fds in /proc (not from MAKEFLAGS: the program
 * may have changed it): the reaper need not run for it, nor have read our claim yet. Each
 * token is in the vault or in the jobserver at every moment, so the reaper, which gives
 * back what is left when it sees us end, never gives twice. */
static long give_back_ourselves(const struct reaper *r, uint64_t dev, uint64_t ino, long max,
				int *rest)
{
	int v = open_checked(r, r->fd, O_RDONLY, r->vault_dev, r->vault_ino), j;
	long n;

	if (v < 0)
		return v;
	/* A reader too, never used as one: a splice into a pipe whose readers are gone (make
	 * has exited) would raise SIGPIPE in us instead of failing. */
	j = open_checked(r, WIRE_JOBSERVER_FD, O_RDWR, dev, ino);
	/* No copy through our memory: a kill then would lose them. What does not fit into
	 * the pipe by splice is left for the reaper (*rest). */
	n = j < 0 ? j : lock_jobserver(j);
	n = n < 0 ? n : jobserver_give_some(v, j, JOBSERVER_SPLICE, max, rest);
	*rest = n >= 0 && *rest;
	if (j >= 0)
		sys_close(j);
	sys_close(v);
	return n;
}

/* Asks the reaper to give back what it holds for our pid, and waits for its answer. */
static long give_back_by_reaper(uint64_t dev, uint64_t ino, int pooled)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_RELEASE,
				  .flags = pooled ? WIRE_POOLED : 0 };
	struct wire_reply rep = { .given = -JSP_E_PROTO };
	struct pollfd pfd;
	int fds[WIRE_FDS_MAX], nfds = 0, pid, r;
	struct rendezvous rv;
	int sock = rendezvous_names(&rv, sys_getpid(), dev, ino, 0);

	if (sock == 0)
		sock = reaper_find(&rv, NULL, &pid);
	if (sock < 0)
		return sock;
	r = wire_send(sock, &q, sizeof q, NULL, 0);
	if (r == 0)
		reaper_ring(pid); /* a busy one reads its listener only once a tick */
	pfd = (struct pollfd){ .fd = sock, .events = POLLIN };
	if (r == 0)
		r = sys_poll(&pfd, 1, REAPER_ANSWER_WAIT_MS) > 0 ? 0 : -JSP_E_REAPER_SILENT;
	if (r == 0)
		r = wire_recv(sock, &rep, sizeof rep, fds, &nfds);
	wire_close(fds, nfds);
	sys_close(sock);
	return r < 0 ? r : rep.magic == WIRE_MAGIC ? rep.given : -JSP_E_PROTO;
}

long owner_release(const struct reaper *r, uint64_t dev, uint64_t ino)
{
	const char *trace_path;
	long n = -JSP_E_STALE; /* not tried: as if the vault were not found */
	long max = LONG_MAX;   /* without a pool, everything in the vault */
	int rest = 0;

	if (!r->vault_ino)
		return 0; /* nothing was taken */
	/* With a pool, as many as it holds now: the rest is held in our tree still, and the
	 * reaper gives it back as it comes back to the pool (owner_pool.h). */
	if (r->pool_ino && (max = owner_pool_drain(r)) <= 0)
		return 0;
	if (r->pid > 0 && !hook_no_fast_release())
		n = give_back_ourselves(r, dev, ino, max, &rest);
	/* What we could not give back ourselves the reaper gives back: with a pool, it finds
	 * the tokens for it there again. */
	if (r->pool_ino && n < max)
		owner_pool_refill(r, max - (n > 0 ? n : 0));
	if (n < 0)
		return give_back_by_reaper(dev, ino, r->pool_ino != 0); /* it says and traces what it gave */
	if (r->pool_ino ? n < max : rest)
		(void)give_back_by_reaper(dev, ino, r->pool_ino != 0); /* the same, for what did not fit */
	if (n > 0)
		log_count("gave back ", n, " tokens at exit");
	trace_path = trace_rec_path();
	if (n > 0 && trace_path) {
		int fd = sys_open_mode(trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);

		if (fd >= 0) {
			trace_rec_reaper(fd, dev, ino, "", "give", n, 0, sys_getpid(), r->pid);
			sys_close(fd);
		}
	}
	return n;
}
