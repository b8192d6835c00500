/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The calls in which a jobserver client waits for a token: GNU make (4.3 and 4.4) sleeps
 * in pselect(2) on its read end until a token or a SIGCHLD comes, and reads only once
 * pselect says readable; the Rust jobserver crate and our tests' tokens tool poll(2).
 * A read that finds nothing (EAGAIN) is seen in trace.c. So a client starving on an empty
 * jobserver is seen here and nowhere else: each such wait is one record (ev=wait, n =
 * microseconds), which the report holds against the tokens that an ancestor of the waiter
 * had claimed (cli/starve.c).
 *
 * Only the read ends of jobservers that MAKEFLAGS names are watched (trace_waits_on), so
 * a wait on any other fd costs a table lookup and nothing more. epoll is not seen: no
 * jobserver client we know waits on its fd with it.
 */
#include "trace.h"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>

/* glibc 2.36 declares poll and ppoll as only writing fds (access write_only), so gcc
 * takes our read of the caller's events for a read of uninitialized memory. */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define EXPORT __attribute__((visibility("default")))
#define WATCH_MAX 4 /* jobserver fds watched in one call: a client has one */

static int (*real_select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
static int (*real_pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
			   const sigset_t *);
static int (*real_poll)(struct pollfd *, nfds_t, int);
static int (*real_ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
static int (*real_poll_chk)(struct pollfd *, nfds_t, int, size_t);
static int (*real_ppoll_chk)(struct pollfd *, nfds_t, const struct timespec *,
			     const sigset_t *, size_t);

int __poll_chk(struct pollfd *, nfds_t, int, size_t);
int __ppoll_chk(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *, size_t);

#define REAL(name, sym) ({ if (!name) name = dlsym(RTLD_NEXT, sym); name; })

/* The jobserver fds of one call: an fd for select, an index into the array for poll. */
struct watch {
	int n, key[WATCH_MAX];
	struct tracked *t[WATCH_MAX];
	struct timespec start;
};

static void watch_add(struct watch *w, int fd, int key)
{
	struct tracked *t;

	if (w->n < WATCH_MAX && (t = trace_waits_on(fd))) {
		w->key[w->n] = key;
		w->t[w->n++] = t;
	}
}

static void watch_start(struct watch *w)
{
	if (w->n)
		clock_gettime(CLOCK_REALTIME, &w->start);
}

static void watch_select(struct watch *w, int nfds, const fd_set *rd)
{
	w->n = 0;
	if (!trace_path || !rd)
		return;
	for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++)
		if (FD_ISSET(fd, rd))
			watch_add(w, fd, fd);
	watch_start(w);
}

static void end_select(const struct watch *w, int r, const fd_set *rd)
{
	for (int i = 0; i < w->n; i++)
		trace_wait_end(w->t[i], &w->start, r > 0 && FD_ISSET(w->key[i], rd));
}

static void watch_poll(struct watch *w, const struct pollfd *fds, nfds_t n)
{
	w->n = 0;
	if (!trace_path || !fds)
		return;
	for (nfds_t i = 0; i < n; i++)
		if (fds[i].events & POLLIN)
			watch_add(w, fds[i].fd, (int)i);
	watch_start(w);
}

static void end_poll(const struct watch *w, int r, const struct pollfd *fds)
{
	for (int i = 0; i < w->n; i++)
		trace_wait_end(w->t[i], &w->start, r > 0 && (fds[w->key[i]].revents & POLLIN));
}

EXPORT int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct watch w;
	int r;

	watch_select(&w, nfds, rd);
	r = REAL(real_select, "select")(nfds, rd, wr, ex, tv);
	end_select(&w, r, rd);
	return r;
}

EXPORT int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *ts,
		   const sigset_t *mask)
{
	struct watch w;
	int r;

	watch_select(&w, nfds, rd);
	r = REAL(real_pselect, "pselect")(nfds, rd, wr, ex, ts, mask);
	end_select(&w, r, rd);
	return r;
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct watch w;
	int r;

	watch_poll(&w, fds, n);
	r = REAL(real_poll, "poll")(fds, n, timeout);
	end_poll(&w, r, fds);
	return r;
}

EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	struct watch w;
	int r;

	watch_poll(&w, fds, n);
	r = REAL(real_ppoll, "ppoll")(fds, n, ts, mask);
	end_poll(&w, r, fds);
	return r;
}

/* What poll and ppoll become under _FORTIFY_SOURCE when the array's size is known. */
EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len)
{
	struct watch w;
	int r;

	watch_poll(&w, fds, n);
	r = REAL(real_poll_chk, "__poll_chk")(fds, n, timeout, len);
	end_poll(&w, r, fds);
	return r;
}

EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		       const sigset_t *mask, size_t len)
{
	struct watch w;
	int r;

	watch_poll(&w, fds, n);
	r = REAL(real_ppoll_chk, "__ppoll_chk")(fds, n, ts, mask, len);
	end_poll(&w, r, fds);
	return r;
}
