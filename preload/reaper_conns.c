/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_conns.h"
#include "reaper_birth.h"
#include "reaper_fds.h"
#include "reaper_owners.h"
#include "reaper_status.h"
#include "sys.h"
#include "wire.h"

#include <errno.h>

static struct conn {
	int fd, pid;    /* pid: the kernel's word (SO_PEERCRED), checked at accept */
	uint64_t since; /* accepted, ms */
	unsigned flags; /* a RELEASE's (wire.h) */
} pending[CONNS_PENDING_MAX], releases[CONNS_PENDING_MAX], statuses[CONNS_PENDING_MAX];
static int npending, nreleases, nstatuses;
static uint64_t last_ms;
static int denied;
static unsigned my_uid;

void conns_init(unsigned uid)
{
	my_uid = uid;
}

int conns_denied(void)
{
	return denied;
}

int conns_open(void)
{
	return npending + nreleases + nstatuses;
}

uint64_t conns_last_ms(void)
{
	return last_ms;
}

/* A place among the waiting ones, and fds and an owner's slot for each of them. */
int conns_room(void)
{
	int n = conns_open();

	return n < CONNS_PENDING_MAX && owners_room(n) && fds_can_accept();
}

int conns_watch(struct pollfd *pfd, int active)
{
	for (int i = 0; i < npending; i++) {
		pfd[i].fd = active ? pending[i].fd : -1;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return npending;
}

/* Handles the message on c if it has come. Returns -EAGAIN if it has not (c stays open),
 * 1 for a STATUS, else 0. A RELEASE and a STATUS wait, their connection open, for
 * conns_answer(). */
static int serve(const struct conn *c)
{
	struct wire_request q;
	int fds[WIRE_FDS_MAX], nfds = 0, r = wire_recv(c->fd, &q, sizeof q, fds, &nfds);

	if (birth_denied(r)) {
		denied = 1; /* kept: never closed with a message unread; the reaper ends */
		return -EAGAIN;
	}
	if (r == -EAGAIN)
		return r;
	if (r == 0 && q.magic == WIRE_MAGIC && q.op == WIRE_CLAIM)
		owners_claim(c->pid, c->since, &q, fds, nfds);
	else
		wire_close(fds, nfds);
	if (r == 0 && q.magic == WIRE_MAGIC && q.op == WIRE_RELEASE) {
		releases[nreleases] = *c; /* room was kept: see conns_room() */
		releases[nreleases++].flags = q.flags;
		return 0;
	}
	if (r == 0 && q.magic == WIRE_MAGIC && q.op == WIRE_STATUS) {
		statuses[nstatuses++] = *c; /* room was kept: see conns_room() */
		return 1;
	}
	fds_close(c->fd);
	return 0;
}

/* A peer that sent nothing in time, or holds too many: never closed with a message in it
 * (reaper_conns.h). After the shutdown, a read finds the message or the end of file. */
static void refuse(const struct conn *c)
{
	(void)sys_shutdown_read(c->fd);
	if (serve(c) == -EAGAIN)
		fds_close(c->fd); /* only if the read itself failed */
}

void conns_read(void)
{
	uint64_t now = sys_monotonic_ms();

	for (int i = 0; i < npending;) {
		int waiting = serve(&pending[i]) == -EAGAIN;

		if (waiting && now - pending[i].since < CONNS_WAIT_MS) {
			i++;
			continue;
		}
		if (waiting)
			refuse(&pending[i]);
		fds_promise(-WIRE_FDS_MAX); /* what its message could bring is counted now */
		pending[i] = pending[--npending];
	}
}

int conns_next_ms(void)
{
	uint64_t now = sys_monotonic_ms(), next = 0;

	for (int i = 0; i < npending; i++) {
		uint64_t at = pending[i].since + CONNS_WAIT_MS;

		if (!next || at < next)
			next = at;
	}
	return !next ? -1 : next <= now ? 0 : (int)(next - now);
}

static int pending_of(int pid)
{
	int n = 0;

	for (int i = 0; i < npending; i++)
		n += pending[i].pid == pid;
	return n;
}

/* Every message that has come is read first, so that a RELEASE finds the CLAIM its owner
 * sent before it, even on a connection not read yet, and a STATUS names every owner whose
 * CLAIM has come (what the RELEASEs gave back is gone from it). */
void conns_answer(void)
{
	conns_read();
	for (int i = 0; i < nreleases; i++) {
		struct wire_reply rep = { .magic = WIRE_MAGIC };

		rep.given = owners_release(releases[i].pid, releases[i].flags & WIRE_POOLED);
		(void)wire_send(releases[i].fd, &rep, sizeof rep, NULL, 0);
		fds_close(releases[i].fd);
	}
	nreleases = 0;
	for (int i = 0; i < nstatuses; i++) {
		(void)status_answer(statuses[i].fd); /* at once or never (reaper_status.h) */
		fds_close(statuses[i].fd);
	}
	nstatuses = 0;
}

int conns_accept(int lfd, int shut)
{
	while (conns_room()) {
		struct conn c = { sys_accept(lfd), 0, 0, 0 };
		unsigned uid;
		int r;

		if (c.fd == -EAGAIN && shut) {
			fds_close(lfd);
			return -1;
		}
		denied |= birth_denied(c.fd);
		if (c.fd < 0)
			break;
		fds_opened(1);
		/* Our user, in a pid namespace we can see (0: not), or it is not read at all:
		 * nobody else can enter our directory, but root can. */
		if (sys_peer(c.fd, &c.pid, &uid) < 0 || uid != my_uid || c.pid <= 0) {
			fds_close(c.fd);
			continue;
		}
		c.since = sys_monotonic_ms();
		r = serve(&c);
		/* A STATUS answered is no claim: the reaper does not batch for it (reaper.c). */
		if (r != 1)
			last_ms = c.since;
		if (r != -EAGAIN)
			continue;
		if (pending_of(c.pid) >= CONNS_PER_PEER) {
			refuse(&c);
		} else {
			fds_promise(WIRE_FDS_MAX);
			pending[npending++] = c;
		}
	}
	return lfd;
}
