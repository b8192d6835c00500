/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reaper process: one per jobserver and user, started by the first owner that finds
 * none (reaper_client.c) and shared by every owner that claims while it runs. It makes
 * the vaults, the pipes that owners move their tokens into (reaper_vaults.c), and when an
 * owner ends (its pidfd becomes readable) it moves back whatever its vault still holds:
 * everything if the owner was killed, nothing if it gave its tokens back itself
 * (reaper_table.c). With no owner for LINGER_MS it ends. Why one for many: a new process
 * costs 0.2 to 1.5 ms (bench/README.md), far more than a claim from a running reaper.
 * docs/design.md argues why no token is lost or given back twice.
 */
#include "reaper.h"
#include "log.h"
#include "procstat.h"
#include "reaper_table.h"
#include "reaper_vaults.h"
#include "reaper_wire.h"
#include "sys.h"
#include "test_hooks.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

/* Connections accepted whose message has not come yet. */
#define PENDING_MAX 64
/* How long a reaper with no owner waits for the next claim: calls of a wrapped tool in a
 * loop share it; a finished build is left with no process of ours a moment later. */
#define LINGER_MS 250
/* Without a pidfd (Linux before 5.3) an owner's start time is looked at this often. */
#define POLL_OWNER_MS 50
/* While claims keep coming, we read them once a tick instead of waking for each one; an
 * owner that ends within a tick of its claim is seen ended at the next one. A wake-up
 * costs more than a claim (bench/README.md): this is what keeps a loop of wrapped calls
 * from paying two a call. A killed owner's tokens come back at most two ticks late. */
#define TICK_MS 20
/* Claims count as coming for this long after the last one. */
#define BUSY_MS 100

static int pending[PENDING_MAX], npending;
static uint64_t last_claim_ms; /* when we last took a connection */
static int tick_ms = TICK_MS;
static struct { int conn, pid; } releases[PENDING_MAX];
static int nreleases;
static struct pollfd pfd[2 + PENDING_MAX + OWNERS_MAX]; /* the bell, the listener, ... */
static unsigned my_uid;

/* Handles the message on conn if it has come. Returns -EAGAIN if it has not (conn stays
 * open), else 0. A connection is closed only after its message or its end of file: a
 * message thrown away unread could carry a vault with tokens in it. A RELEASE waits,
 * its connection open, for answer_releases(). */
static int serve(int conn)
{
	struct wire_request q;
	int fds[WIRE_FDS_MAX], nfds = 0, pid = 0, r;
	unsigned uid = ~0u;

	r = wire_recv(conn, &q, sizeof q, fds, &nfds);
	if (r == -EAGAIN)
		return r;
	if (r == 0 && (q.magic != WIRE_MAGIC || sys_peer(conn, &pid, &uid) < 0 || uid != my_uid))
		pid = 0; /* not our client: table_claim takes nothing of it */
	if (r == 0 && q.op == WIRE_CLAIM)
		table_claim(pid, &q, fds, nfds);
	else
		wire_close(fds, nfds);
	if (r == 0 && q.op == WIRE_RELEASE && pid > 0) {
		releases[nreleases].conn = conn; /* room was kept: see room() */
		releases[nreleases++].pid = pid;
		return 0;
	}
	table_close(conn);
	return 0;
}

static void read_pending(void)
{
	for (int i = 0; i < npending;) {
		if (serve(pending[i]) == -EAGAIN)
			i++;
		else
			pending[i] = pending[--npending];
	}
}

/* Owners that are ending and ask us to give back: what we hold for each pid goes back
 * before it hears the answer. Every message that has come is read first, so that a
 * RELEASE finds the CLAIM its owner sent before it, even on a connection not read yet.
 * The pid comes from the kernel (SO_PEERCRED). */
static void answer_releases(void)
{
	read_pending();
	for (int i = 0; i < nreleases; i++) {
		struct wire_reply rep = { .magic = WIRE_MAGIC };

		rep.given = table_release(releases[i].pid);
		(void)wire_send(releases[i].conn, &rep, sizeof rep, NULL, 0);
		table_close(releases[i].conn);
	}
	nreleases = 0;
}

/* Room for one connection more: a place among the waiting ones, and fds and an owner's
 * slot for each of them (table_room). */
static int room(void)
{
	return npending + nreleases < PENDING_MAX && table_room(npending + nreleases);
}

/* Accepts what has come. Returns the listener, or -1 once a listener that refuses new
 * connections (shutdown) has none queued left: then it is closed. */
static int accept_all(int lfd, int shut)
{
	while (room()) {
		int conn = sys_accept(lfd);

		if (conn == -EAGAIN && shut) {
			table_close(lfd);
			return -1;
		}
		if (conn < 0)
			break;
		table_fds_opened(1);
		last_claim_ms = sys_monotonic_ms();
		if (serve(conn) == -EAGAIN)
			pending[npending++] = conn;
	}
	return lfd;
}

static void watch(int i, int fd)
{
	pfd[i].fd = fd;
	pfd[i].events = POLLIN;
	pfd[i].revents = 0;
}

/* One round: waits for a connection, a message, the bell or an owner's end (or, while
 * claims keep coming, for the tick), and handles what came. Ends first: a slot freed there
 * is taken by a claim read after only once its old owner's poll result has been used.
 * Returns the listener (-1: closed). */
static int serve_round(int lfd, int shut, int timeout)
{
	int n = 0, np = npending, polled = 0, young = 0, owners;
	/* Claims came in the last BUSY_MS: wait for the tick, not for the next one. */
	int batching = lfd >= 0 && last_claim_ms && sys_monotonic_ms() - last_claim_ms < BUSY_MS;

	watch(n++, vaults_bell());
	watch(n++, lfd >= 0 && room() && !batching ? lfd : -1);
	for (int i = 0; i < np; i++)
		watch(n++, batching ? -1 : pending[i]);
	owners = table_watch(pfd + n, &polled, &young);
	if (polled && (timeout < 0 || timeout > POLL_OWNER_MS))
		timeout = POLL_OWNER_MS;
	if ((batching || young) && (timeout < 0 || timeout > tick_ms))
		timeout = tick_ms;
	if (sys_poll(pfd, (unsigned)(n + owners), timeout) < 0)
		return lfd;
	if (pfd[0].revents)
		vaults_hush();
	table_reap(pfd + n, owners);
	read_pending();
	if (lfd >= 0)
		lfd = accept_all(lfd, shut);
	answer_releases();
	vaults_grow();
	return lfd;
}

/* Serves until no owner is left and none has come for LINGER_MS. To end, it first refuses
 * new connections (shutdown), then takes every one that came before and closes the
 * listener only when none is left queued: closing it with a connection queued would throw
 * away the vault in its message. The owners taken on then are served to their end without
 * a listener; new ones start a new reaper. */
static _Noreturn void serve_until_idle(int lfd)
{
	uint64_t idle_since = sys_monotonic_ms();
	int shut = 0, linger = hook_linger_ms(LINGER_MS);

	tick_ms = hook_tick_ms(TICK_MS);

	for (;;) {
		int busy = table_owners() || npending, timeout = -1;

		if (!busy && lfd < 0)
			sys_exit(0);
		if (!busy && !shut) {
			uint64_t idle = sys_monotonic_ms() - idle_since;

			if (idle >= (uint64_t)linger) {
				sys_shutdown_read(lfd);
				shut = 1;
				timeout = 0;
			} else {
				timeout = linger - (int)idle;
			}
		}
		lfd = serve_round(lfd, shut, timeout);
		if (busy || table_owners() || npending)
			idle_since = sys_monotonic_ms();
	}
}

/* `pkill -f PATTERN`, a common clean-up in CI, would match a reaper that kept the owner's
 * command line and kill it with the tokens it holds: it takes a name of its own. Its argv
 * is a copy of the owner's memory, so writing over it touches nothing of the owner's. */
static void rename_self(void)
{
	static const int fields[] = { PROCSTAT_ARG_START, PROCSTAT_ARG_END };
	static const char name[] = "jobserver-preload-reaper";
	uint64_t area[2];
	char *p;

	sys_set_name("jsp-reaper");
	if (procstat_read(0, fields, area, 2) < 0 || area[0] == 0 || area[1] <= area[0])
		return;
	p = (char *)(uintptr_t)area[0];
	for (uint64_t i = 0; i < area[1] - area[0]; i++)
		p[i] = i < sizeof name - 1 ? name[i] : '\0';
}

/* Binds the reaper's name and listens. Returns the listener or -errno. */
static int listen_as_reaper(uint64_t dev, uint64_t ino)
{
	struct sockaddr_un sa;
	unsigned len = wire_address(&sa, my_uid, dev, ino);
	int lfd = sys_socket_unix(SOCK_NONBLOCK), r;

	if (lfd < 0)
		return lfd;
	r = sys_bind(lfd, &sa, len);
	if (r == 0)
		r = sys_listen(lfd, 512); /* a tick's claims wait here */
	if (r < 0) {
		sys_close(lfd);
		return r;
	}
	return lfd;
}

_Noreturn void reaper_main(uint64_t dev, uint64_t ino, int report)
{
	int lfd, status;

	/* Blocked signals: a group kill, ^C or hangup of the build cannot take the tokens
	 * with us, and SIGPIPE from a vanished owner becomes EPIPE. Only SIGKILL ends us. */
	sys_sigmask_all();
	sys_chdir("/"); /* pin no directory: the build may unmount or delete it */
	/* Hold no fd but our own: a pipe from make's output or $(shell ...) must close when
	 * the owner's side does, and make 4.4 reads the jobserver until every writer is gone.
	 * What an owner passes us we close when it is done. */
	sys_close_except(&report, 1);
	log_fd = -1;
	log_verbose = 0;
	my_uid = sys_geteuid();
	lfd = table_init();
	if (lfd == 0) {
		int moved = vaults_init(report); /* the report fd, moved off the tickets' fds */

		report = moved < 0 ? report : moved;
		lfd = moved < 0 ? moved : listen_as_reaper(dev, ino);
	}
	status = lfd < 0 ? lfd : 0;
	sys_write_all(report, &status, sizeof status); /* 0: we listen; else why not */
	if (lfd < 0)
		sys_exit(1);
	sys_close(report);
	table_fds_opened(1);
	rename_self();
	serve_until_idle(lfd);
}
