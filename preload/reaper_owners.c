/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_owners.h"
#include "reaper_table.h"
#include "jobserver.h"
#include "procstat.h"
#include "result.h"
#include "reaper_fds.h"
#include "reaper_pools.h"
#include "reaper_speak.h"
#include "reaper_vaults.h"
#include "sys.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>

static struct owners_table *t;

const struct owners_table *owners_table(void)
{
	return t;
}

struct owners_table *owners_table_mut(void)
{
	return t;
}

int owners_init(uint64_t dev, uint64_t ino)
{
	t = sys_map(sizeof *t);
	if (!t)
		return -ENOMEM;
	t->dev = dev;
	t->ino = ino;
	return 0;
}

int owners_count(void)
{
	return t->owners;
}

int owners_room(int pending)
{
	return t->owners + pending < OWNERS_MAX;
}

int owners_jobserver(void)
{
	struct jsp_stat st;
	int fd = reaper_reopen(WIRE_JOBSERVER_FD, O_WRONLY);

	if (fd >= 0 && (sys_fstat(fd, &st) < 0 || st.dev != t->dev || st.ino != t->ino)) {
		fds_close(fd);
		fd = -JSP_E_STALE;
	}
	return fd;
}

/* What the reaper says (verbose) and records (trace) of a give-back: reaper_speak.h. */
static void speak(const struct owner *o, long n, long held)
{
	speak_give(o->errfd, o->err_sock, o->pid, o->desc, n, held);
}

static void record(const struct owner *o, long n)
{
	record_give(o->tracefd, t->dev, t->ino, o->desc, o->pid, n);
}

/* Forgets the owner and puts its vault back out (reaper_vaults.c retires its pool). */
static void forget(struct owner *o, int emptied)
{
	/* Its fds first: the vault goes out again only if its next claim fits. */
	fds_close(o->pidfd);
	fds_close(o->tracefd);
	fds_close(o->errfd);
	vaults_put_back(o->vault, emptied);
	o->pid = 0;
	t->owners--;
	while (t->top > 0 && t->o[t->top - 1].pid == 0)
		t->top--;
}

/* Moves back up to max of what the vault holds (all: LONG_MAX) and says so. Returns the
 * count moved, or a negative code; *rest: tokens (may) remain. */
static long give(struct owner *o, long max, int *rest, int idle)
{
	/* Left alone: tokens that a jobserver taking no more (5 s without room, a failed
	 * write) leaves in the vault go out with it again and back with its next owner's, or
	 * are lost if the reaper ends first; a jobserver in that state is broken anyway. */
	int left = sys_fionread(o->vault), jsw = left != 0 && max > 0 ? owners_jobserver() : -1;
	/* FIONREAD denied (left < 0): copied all the same, until the vault is empty. */
	long n = left == 0 || max == 0 ? 0 : jsw < 0 ? jsw
		 : jobserver_give_some(o->vault, jsw, JOBSERVER_COPY, max, rest);

	*rest = left == 0 ? 0 : max == 0 ? 1 : n < 0 ? 1 : *rest;
	fds_close(jsw);
	if (idle && n > 0)
		speak_elastic(o->errfd, o->err_sock, o->pid, -n, sys_fionread(o->vault));
	else
		speak(o, n, 0);
	record(o, n);
	return n;
}

long owners_give_some(struct owner *o, long n)
{
	int rest;

	return give(o, n, &rest, 1);
}

/* Moves back everything the vault holds, then forgets the owner (the reaper is ending, the
 * owner shares no pool, or it ended before it could fill one). Returns the count moved, or
 * a negative code. */
static long give_all(struct owner *o)
{
	int rest;
	long n = give(o, LONG_MAX, &rest, 0);

	forget(o, n >= 0);
	return n;
}

/* What the owner's tree has given back: each private token found in its pool is one of
 * make's back from the vault, and once no writer of the pool is left, all of them, since
 * nothing can give a private token back any more (reaper_pools.h). An owner that never
 * filled its pool (it claimed nothing, or was killed first) has no writer: all back at
 * once, as before pools. *given: the count moved, or a negative code. Returns 1 when the
 * vault is empty or the pool has no writer left: the owner is done with. */
static int settle(struct owner *o, long *given)
{
	int gone = 0, rest;
	long back;

	*given = 0;
	if (sys_fionread(o->vault) == 0) { /* the owner gave back itself: the common case */
		forget(o, 1);
		return 1;
	}
	back = o->pool < 0 ? (gone = 1, 0) : pools_drain(o->pool, &gone); /* none: all back */
	*given = give(o, gone ? LONG_MAX : back, &rest, 0);
	if (gone || !rest) {
		forget(o, *given >= 0);
		return 1;
	}
	return 0;
}

/* Has the process of this pidfd ended? Asked without waiting. */
static int pidfd_ended(int pidfd)
{
	struct pollfd now;

	now.fd = pidfd;
	now.events = POLLIN;
	now.revents = 0;
	return sys_poll(&now, 1, 0) > 0;
}

/* The owner has ended: what its tree no longer holds goes back now, and the rest as it
 * comes back to the pool, whose name goes (no new fifo client may start on it). */
static void owner_ended(struct owner *o)
{
	long n;

	vaults_orphan_pool(o->vault);
	if (settle(o, &n))
		return;
	o->ended = 1;
	speak(o, 0, sys_fionread(o->vault));
	fds_close(o->pidfd);
	o->pidfd = -1;
}

static struct owner *free_slot(void)
{
	for (int i = 0; i < OWNERS_MAX; i++)
		if (t->o[i].pid == 0) {
			if (i >= t->top)
				t->top = i + 1;
			t->owners++;
			return &t->o[i];
		}
	return NULL;
}

/* A CLAIM that came without its pidfd or start time (it cannot from our own owners, but
 * a claim is never half accepted): we watch the sender ourselves, by a pidfd of our own
 * or its start time. Returns 0, or -ESRCH when it has ended already. */
static int watch_sender(struct owner *o)
{
	int fd = sys_pidfd_open(o->pid);

	if (fd >= 0) {
		fds_opened(1);
		o->pidfd = fd;
		return 0;
	}
	o->start = procstat_start_time(o->pid);
	return o->start ? 0 : -ESRCH;
}

void owners_claim(int pid, uint64_t since, const struct wire_request *q, const int *fds, int nfds)
{
	/* Ours: a vault we handed out, for our jobserver (the sender's pid is the kernel's
	 * word, checked at accept). Else nothing of ours is in it. */
	int pool = -1, k = 0;
	int vault = q->dev == t->dev && q->ino == t->ino ? vaults_take(&q->vault, &pool) : -1;
	/* There is a slot: owners_room() kept one for every connection, and there are more
	 * slots (OWNERS_MAX) than vaults a reaper makes. */
	struct owner *o = vault >= 0 ? free_slot() : NULL;

	fds_opened(nfds);
	if (!o) {
		for (int i = 0; i < nfds; i++)
			fds_close(fds[i]);
		return;
	}
	o->pid = pid;
	o->since = since;
	o->vault = vault;
	o->pool = pool;
	o->ended = 0;
	o->pidfd = q->flags & WIRE_PIDFD && k < nfds ? fds[k++] : -1;
	o->start = q->flags & WIRE_PIDFD ? 0 : q->owner_start;
	o->errfd = q->flags & WIRE_VERBOSE && k < nfds ? fds[k++] : -1;
	o->err_sock = o->errfd >= 0 && (q->flags & WIRE_ERR_SOCKET);
	o->tracefd = q->flags & WIRE_TRACE && k < nfds ? fds[k++] : -1;
	for (int i = 0; i < WIRE_DESC_MAX; i++)
		o->desc[i] = i < WIRE_DESC_MAX - 1 ? q->desc[i] : '\0';
	while (k < nfds)
		fds_close(fds[k++]);
	o->young = o->pidfd >= 0;
	o->elastic = (q->flags & WIRE_ELASTIC) && pool >= 0;
	o->max = (int)(q->flags >> WIRE_MAX_SHIFT & WIRE_MAX_LIMIT);
	o->armed = o->empty_runs = 0;
	o->idle_since = 0;
	o->idle_min = 0;
	/* Held from here on. A sender that has ended already moved in all it ever will. */
	if (o->pidfd < 0 && !o->start && watch_sender(o) < 0)
		(void)give_all(o);
	/* Ended before we read its claim (it ran less than a tick, or was killed): done now,
	 * not a round later; a kill costs its tokens a tick at most (reaper.c). */
	else if (o->pidfd >= 0 && pidfd_ended(o->pidfd))
		owner_ended(o);
}

long owners_release(int pid, int pooled)
{
	long given = 0, n;

	for (int i = 0; i < t->top; i++) {
		struct owner *o = &t->o[i];

		if (o->pid != pid || o->ended)
			continue;
		if (pooled)
			(void)settle(o, &n);
		else
			n = give_all(o);
		given = given < 0 ? given : n < 0 ? n : given + n;
	}
	return given;
}

/* Field by field: a loop of whole-struct stores becomes a call to memset, an import that
 * every process loading the library would pay for (bench/README.md, item 2). An owner that
 * has ended is waited on by its pool: tokens come back to it, or its last writer goes. */
int owners_watch(struct pollfd *pfd, int *polled, int *young)
{
	for (int i = 0; i < t->top; i++) {
		const struct owner *o = &t->o[i];

		pfd[i].fd = !o->pid ? -1 : o->ended ? o->pool : !o->young ? o->pidfd : -1;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
		*polled |= o->pid && !o->ended && o->pidfd < 0;
		*young |= o->pid && o->young;
	}
	return t->top;
}

/* Has the owner ended? A young one is asked without waiting; one still running after a
 * round is waited on from then on (owners_watch). */
static int ended(struct owner *o, const struct pollfd *p)
{
	if (o->pidfd < 0)
		return procstat_ended(o->pid, o->start);
	if (!o->young)
		return (p->revents & (POLLIN | POLLHUP | POLLERR)) != 0;
	if (pidfd_ended(o->pidfd))
		return 1;
	o->young = 0;
	return 0;
}

void owners_reap(const struct pollfd *pfd, int n)
{
	long given;

	for (int i = 0; i < n && i < t->top; i++) {
		struct owner *o = &t->o[i];

		if (!o->pid)
			continue;
		if (o->ended && pfd[i].revents)
			(void)settle(o, &given);
		else if (!o->ended && ended(o, &pfd[i]))
			owner_ended(o);
	}
}

void owners_end_all(void)
{
	for (int i = 0; i < t->top; i++)
		if (t->o[i].pid)
			(void)give_all(&t->o[i]);
}
