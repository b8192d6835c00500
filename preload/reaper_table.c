/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_table.h"
#include "jobserver.h"
#include "log.h"
#include "procstat.h"
#include "reaper_vaults.h"
#include "reaper_wire.h"
#include "sys.h"
#include "tracerec.h"

#include <errno.h>

struct owner {
	int pid;            /* 0: a free slot */
	int pidfd;          /* -1: watched by its start time */
	int young;          /* claimed since the last round: its pidfd is looked at, not waited on */
	uint64_t start;
	int vault, jsw;     /* the vault's read end (reaper_vaults.c's), the jobserver's write end */
	int errfd, tracefd; /* its stderr when verbose, its trace file; or -1 */
	uint64_t dev, ino;  /* the jobserver */
	char desc[WIRE_DESC_MAX];
};

struct table {
	int top;    /* slots [0, top) may be in use */
	int owners; /* slots in use */
	int fds;    /* fds open in this process */
	int fd_limit;
	struct owner o[OWNERS_MAX];
};

static struct table *t;

int table_init(void)
{
	t = sys_map(sizeof *t);
	if (!t)
		return -ENOMEM;
	t->fd_limit = sys_raise_nofile();
	return 0;
}

int table_owners(void)
{
	return t->owners;
}

void table_fds_opened(int n)
{
	t->fds += n;
}

void table_close(int fd)
{
	if (fd >= 0 && sys_close(fd) == 0)
		t->fds--;
}

int table_room(int pending)
{
	return t->owners + pending < OWNERS_MAX &&
	       t->fds + (pending + 1) * (WIRE_FDS_MAX + 1) + 8 < t->fd_limit;
}

/* Messages about an owner go to its stderr, and only when it asked (verbose). Our own
 * fd 2 is closed: a message must never land in a socket that got the number. */
static void speak(const struct owner *o, long n)
{
	log_fd = o->errfd;
	log_verbose = o->errfd >= 0;
	if (n < 0)
		log_msg("could not give back the tokens of pid %d to %s: %s", o->pid, o->desc,
			log_errno((int)n));
	else if (n > 0)
		log_msg("gave back %ld tokens for pid %d to %s", n, o->pid, o->desc);
	log_fd = -1;
	log_verbose = 0;
}

/* Moves back what the vault holds (nothing, if the owner did it itself), then forgets the
 * owner and puts the vault back out. Returns the count moved. */
static long give_back(struct owner *o)
{
	/* Left alone: tokens that a jobserver taking no more (5 s without room, a failed
	 * write) leaves in the vault go out with it again and back with its next owner's, or
	 * are lost if the reaper ends first; a jobserver in that state is broken anyway. */
	int rest;
	long n = jobserver_give(o->vault, o->jsw, 1, &rest);

	speak(o, n);
	if (n > 0 && o->tracefd >= 0)
		trace_rec_reaper(o->tracefd, o->dev, o->ino, o->desc, "give", n, 0, o->pid,
				 sys_getpid());
	vaults_put_back(o->vault, n >= 0);
	table_close(o->pidfd);
	table_close(o->jsw);
	table_close(o->errfd);
	table_close(o->tracefd);
	o->pid = 0;
	t->owners--;
	while (t->top > 0 && t->o[t->top - 1].pid == 0)
		t->top--;
	return n;
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

void table_claim(int pid, const struct wire_request *q, const int *fds, int nfds)
{
	int want = 1 + !q->owner_start + !!(q->flags & WIRE_VERBOSE) + !!(q->flags & WIRE_TRACE);
	int vault = nfds == want && pid > 0 ? vaults_take(&q->vault) : -1, k = 0;
	/* There is a slot: table_room() kept one for every connection, and there are more
	 * slots (OWNERS_MAX) than vaults a reaper makes. */
	struct owner *o = vault >= 0 ? free_slot() : NULL;

	t->fds += nfds;
	if (!o) { /* not our client, or no vault of ours: nothing of ours is in it */
		for (int i = 0; i < nfds; i++)
			table_close(fds[i]);
		return;
	}
	o->pid = pid;
	o->start = q->owner_start;
	o->pidfd = q->owner_start ? -1 : fds[k++];
	o->young = o->pidfd >= 0;
	o->vault = vault;
	o->jsw = fds[k++];
	o->errfd = q->flags & WIRE_VERBOSE ? fds[k++] : -1;
	o->tracefd = q->flags & WIRE_TRACE ? fds[k++] : -1;
	o->dev = q->dev;
	o->ino = q->ino;
	for (int i = 0; i < WIRE_DESC_MAX; i++)
		o->desc[i] = i < WIRE_DESC_MAX - 1 ? q->desc[i] : '\0';
}

long table_release(int pid)
{
	long given = 0;

	for (int i = 0; i < t->top; i++)
		if (t->o[i].pid == pid) {
			long n = give_back(&t->o[i]);

			given = given < 0 ? given : n < 0 ? n : given + n;
		}
	return given;
}

/* Field by field: a loop of whole-struct stores becomes a call to memset, an import that
 * every process loading the library would pay for (bench/README.md, item 2). */
int table_watch(struct pollfd *pfd, int *polled, int *young)
{
	for (int i = 0; i < t->top; i++) {
		const struct owner *o = &t->o[i];

		pfd[i].fd = o->pid && !o->young ? o->pidfd : -1;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
		*polled |= o->pid && o->pidfd < 0;
		*young |= o->pid && o->young;
	}
	return t->top;
}

/* Has the owner ended? A young one is asked without waiting; one still running after a
 * round is waited on from then on (table_watch). */
static int ended(struct owner *o, const struct pollfd *p)
{
	struct pollfd now;

	if (o->pidfd < 0)
		return procstat_ended(o->pid, o->start);
	if (!o->young)
		return (p->revents & (POLLIN | POLLHUP | POLLERR)) != 0;
	now.fd = o->pidfd;
	now.events = POLLIN;
	now.revents = 0;
	if (sys_poll(&now, 1, 0) > 0)
		return 1;
	o->young = 0;
	return 0;
}

void table_reap(const struct pollfd *pfd, int n)
{
	for (int i = 0; i < n && i < t->top; i++)
		if (t->o[i].pid && ended(&t->o[i], &pfd[i]))
			give_back(&t->o[i]);
}
