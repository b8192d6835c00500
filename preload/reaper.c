/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reaper process: one per jobserver and user, started by the first owner that finds
 * none (owner_connect.c) and shared by every owner that claims while it runs. It makes
 * the vaults, the pipes that owners move their tokens into (reaper_vaults.c), and when an
 * owner ends (its pidfd becomes readable) it moves back whatever its vault still holds:
 * everything if the owner was killed, nothing if it gave its tokens back itself
 * (reaper_owners.c). With no owner for LINGER_MS it ends. Why one for many: a new process
 * costs 0.2 to 1.5 ms (bench/README.md), far more than a claim from a running reaper.
 * docs/design.md argues why no token is lost or given back twice.
 */
#include "reaper.h"
#include "log.h"
#include "reaper_birth.h"
#include "reaper_conns.h"
#include "reaper_elastic.h"
#include "reaper_fds.h"
#include "reaper_owners.h"
#include "reaper_pools.h"
#include "reaper_vaults.h"
#include "rendezvous.h"
#include "sys.h"
#include "test_hooks.h"

#include <errno.h>
#include <poll.h>

/* How long a reaper with no owner waits for the next claim: calls of a wrapped tool in a
 * loop share it; a finished build is left with no process of ours a moment later. */
#define LINGER_MS 250
/* Without a pidfd (Linux before 5.3, or a sandbox) an owner's start time is looked at
 * this often. */
#define POLL_OWNER_MS 50
/* While claims keep coming, we read them once a tick instead of waking for each one; an
 * owner that ends within a tick of its claim is seen ended at the next one (or at the
 * read, if it has ended by then). A wake-up of ours that an owner causes costs it more
 * than its claim (bench/README.md): this is what keeps a loop of wrapped calls from
 * paying two a call. A timer's wake-up costs the owners nothing; what it costs the
 * reaper, on the other CPU, bench/run measures ("the reaper's CPU a call"). A killed
 * owner's tokens come back at most a tick after its end: 2 ms, within the 5 ms of
 * bench/run's goal with room for a loaded machine's scheduling. */
#define TICK_MS 2
/* Claims count as coming for this long after the last one: ten ticks. A reaper that ticks
 * with nothing to do costs its CPU only, but there may be many (one per jobserver, and
 * one per private jobserver that a wrapped make fills). */
#define BUSY_MS 20

static int tick_ms = TICK_MS;
static uint64_t deny_poll_at; /* the test seam of test_hooks.h */
static struct pollfd pfd[2 + CONNS_PENDING_MAX + OWNERS_MAX]; /* the bell, the listener, ... */
static const struct rendezvous *name; /* in the frame of the fork that made us: it never returns */
static int name_lock = -1;

static void watch(int i, int fd)
{
	pfd[i].fd = fd;
	pfd[i].events = POLLIN;
	pfd[i].revents = 0;
}

/* A call we cannot do without answered as a sandbox does (a filter we did not see at our
 * start: birth_settle probed the rest): we can take no claim and serve none for sure. So
 * we stop: the name goes (new owners start a reaper of their own, which probes), the
 * tickets left are taken back (no owner gets one more), and for END_GRACE_MS we keep
 * moving back what every vault holds, held or not (a CLAIM we could not read may have
 * filled one; an owner between its ticket and its splice fills one within microseconds),
 * then end. docs/design.md says what is left to chance. */
#define END_GRACE_MS 1000
static _Noreturn void end_denied(int lfd)
{
	uint64_t since = sys_monotonic_ms();

	if (lfd >= 0) {
		fds_close(lfd);
		rendezvous_leave(name, name_lock);
	}
	vaults_stop();
	owners_end_all();
	for (int i = 0; i < END_GRACE_MS / 10; i++) {
		int jsw = owners_jobserver();

		if (jsw >= 0)
			(void)vaults_empty(jsw);
		fds_close(jsw);
		if (sys_monotonic_ms() - since >= END_GRACE_MS)
			break;
		sys_sleep_ms(10);
	}
	vaults_retire_pools();
	sys_exit(1);
}

/* One round: waits for a connection, a message, the bell or an owner's end (or, while
 * claims keep coming, for the tick), and handles what came. Ends first: a slot freed there
 * is taken by a claim read after only once its old owner's poll result has been used.
 * Returns the listener (-1: closed). */
static int serve_round(int lfd, int shut, int timeout)
{
	int n = 0, polled = 0, young = 0, owners, r;
	uint64_t last = conns_last_ms();
	/* Claims came in the last BUSY_MS: wait for the tick, not for the next one. */
	int batching = lfd >= 0 && last && sys_monotonic_ms() - last < BUSY_MS;

	watch(n++, vaults_bell());
	watch(n++, lfd >= 0 && conns_room() && !batching ? lfd : -1);
	n += conns_watch(pfd + n, !batching);
	owners = owners_watch(pfd + n, &polled, &young);
	if (polled && (timeout < 0 || timeout > POLL_OWNER_MS))
		timeout = POLL_OWNER_MS;
	if (conns_next_ms() >= 0 && (timeout < 0 || timeout > conns_next_ms()))
		timeout = conns_next_ms(); /* a pending connection's time is up then */
	if ((batching || young) && (timeout < 0 || timeout > tick_ms))
		timeout = tick_ms;
	if (elastic_live() && (timeout < 0 || timeout > ELASTIC_SAMPLE_MS))
		timeout = ELASTIC_SAMPLE_MS; /* only then: with none, we wake as before */
	if (deny_poll_at && (timeout < 0 || timeout > 10))
		timeout = 10; /* the test seam: look at the clock */
	r = sys_poll(pfd, (unsigned)(n + owners), timeout);
	if (deny_poll_at && sys_monotonic_ms() >= deny_poll_at)
		r = -EPERM;
	if (birth_denied(r))
		end_denied(lfd);
	if (r < 0)
		return lfd;
	if (pfd[0].revents)
		vaults_hush();
	owners_reap(pfd + n, owners);
	elastic_round(); /* after the ends: an owner seen ended is never grown */
	conns_read();
	if (lfd >= 0 && (lfd = conns_accept(lfd, shut)) < 0)
		rendezvous_leave(name, name_lock); /* a new reaper may take the name */
	conns_answer();
	if (conns_denied())
		end_denied(lfd);
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
	deny_poll_at = hook_deny_poll_ms() ? sys_monotonic_ms() + (uint64_t)hook_deny_poll_ms() : 0;

	for (;;) {
		int busy = owners_count() || conns_open(), timeout = -1;

		if (!busy && lfd < 0) {
			vaults_retire_pools(); /* no FIFO of ours is left behind */
			sys_exit(0);
		}
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
		if (busy || owners_count() || conns_open())
			idle_since = sys_monotonic_ms();
	}
}

_Noreturn void reaper_main(const struct reaper_birth *b)
{
	struct reaper_report rep = { 0, 0, "" };
	int lfd, report;

	/* Blocked signals: a group kill, ^C or hangup of the build cannot take the tokens
	 * with us, and SIGPIPE from a vanished owner becomes EPIPE. Only SIGKILL ends us. */
	sys_sigmask_all();
	sys_chdir("/"); /* pin no directory: the build may unmount or delete it */
	log_fd = -1; /* fd 2 is closed: a message must never land in a socket that got it */
	log_verbose = 0;
	conns_init(b->rv->euid);
	name = b->rv;
	lfd = birth_settle(b, &report, &name_lock, &rep);
	rep.status = lfd < 0 ? lfd : 0; /* 0: we listen */
	sys_write_all(report, &rep, sizeof rep);
	if (lfd < 0) {
		vaults_retire_pools();
		rendezvous_leave(name, name_lock); /* we hold the lock: leave no file behind */
		sys_exit(1);
	}
	fds_close(report);
	vaults_grow(); /* the owner that started us is on its way, with one of the first */
	birth_rename();
	pools_sweep();
	serve_until_idle(lfd);
}
