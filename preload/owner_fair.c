/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fair shares (owner_fair.h). The state of the window lives in a file, not in the reaper:
 * the owners of a window may all find no reaper yet (the first claim starts it), and a
 * file under flock needs no process to outlive anyone. A process killed while it waits in
 * the window holds no token and no lock (the lock is only held while the state is read and
 * written, and during the claim; the kernel drops it with the last fd): at worst the
 * others count it as a claimant left until they see its pid gone.
 */
#include "owner_fair.h"
#include "fmt.h"
#include "log.h"
#include "rendezvous.h"
#include "sys.h"
#include "test_hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>

#define FAIR_MAGIC 0x4a535046u /* "JSPF": a file of ours in this layout */

struct fair_state {
	uint32_t magic;
	uint32_t n;              /* the owners registered in this window */
	uint64_t start_ms;       /* its first arrival, on CLOCK_MONOTONIC (one for all) */
	uint64_t close_ms;       /* when it closes: the last arrival + FAIR_WINDOW_MS */
	int32_t pid[FAIR_SLOTS]; /* each registered owner; 0 once it has claimed */
};

/* The lock, waited for at most FAIR_LOCK_MS: an owner holds it while it claims, which may
 * start a reaper; a stopped one (SIGSTOP, a debugger) must not stop the others for good. */
static int lock(int fd)
{
	for (int ms = 0; ms < FAIR_LOCK_MS; ms++) {
		int r = sys_flock(fd, LOCK_EX | LOCK_NB);

		if (r != -EWOULDBLOCK)
			return r;
		sys_sleep_ms(1);
	}
	return -EWOULDBLOCK;
}

static void state_read(int fd, struct fair_state *s)
{
	if (sys_read_at0(fd, s, sizeof *s) != (long)sizeof *s || s->magic != FAIR_MAGIC ||
	    s->n > FAIR_SLOTS)
		*s = (struct fair_state){ .magic = FAIR_MAGIC }; /* new, or not ours: start over */
}

/* The owners of the window that have not claimed and are still there. */
static long claimants_left(const struct fair_state *s, int pid)
{
	long left = 0;

	for (uint32_t i = 0; i < s->n; i++)
		left += s->pid[i] != 0 && (s->pid[i] == pid || !sys_pid_gone(s->pid[i]));
	return left;
}

/* Joins the window, or opens one: returns our slot, or -1 (claim as without --fair) when
 * it is full. A window is open until it closes and its owners have all claimed: one that
 * comes late (a loaded machine starts make's recipes far apart) still gets its share, and
 * never races the others for everything. A window whose owners have not claimed
 * FAIR_LOCK_MS after its close (one is stopped) is given up. */
static int join(struct fair_state *s, int pid, uint64_t now)
{
	uint64_t close = now + FAIR_WINDOW_MS;

	/* A window from before a reboot (the clock restarts, /tmp may stay) lies in the
	 * future: never sleep on it. */
	if (s->start_ms > now || s->close_ms > s->start_ms + FAIR_SPAN_MS) {
		s->n = 0;
		s->close_ms = 0;
	}
	if (now >= s->close_ms && (claimants_left(s, 0) == 0 || now >= s->close_ms + FAIR_LOCK_MS)) {
		s->n = 0;
		s->start_ms = s->close_ms = now;
	}
	if (s->n >= FAIR_SLOTS)
		return -1;
	/* Each arrival keeps the window open a little longer, up to FAIR_SPAN_MS in all. */
	if (close > s->start_ms + FAIR_SPAN_MS)
		close = s->start_ms + FAIR_SPAN_MS;
	if (close > s->close_ms)
		s->close_ms = close;
	s->pid[s->n] = pid;
	return (int)s->n++;
}

/* Sleeps, holding no token, until the window closes, then takes the lock and re-reads
 * the state into *s. Returns 0 with the lock, or -errno (closing fd lets go of it). */
static int settle(int fd, struct fair_state *s, uint64_t start, int slot, int pid)
{
	for (;;) {
		uint64_t now = sys_monotonic_ms();
		int r;

		if (now < s->close_ms)
			sys_sleep_ms((int)(s->close_ms - now));
		r = lock(fd);
		if (r < 0)
			return r;
		state_read(fd, s);
		if (s->start_ms != start || slot >= (int)s->n || s->pid[slot] != pid)
			return -ESTALE; /* our window was taken over: we waited past FAIR_LOCK_MS */
		if (sys_monotonic_ms() >= s->close_ms)
			return 0;
		(void)sys_flock(fd, LOCK_UN); /* another came: the window is open longer */
	}
}

static int open_state(const struct jobserver *js, int pid)
{
	struct rendezvous rv;
	char path[sizeof rv.sa.sun_path + 8];
	struct out o = { path, path + sizeof path - 1 };
	int r = rendezvous_names(&rv, pid, js->dev, js->ino, 0);

	if (r < 0)
		return r;
	put_str(&o, rv.sa.sun_path);
	put_str(&o, ".fair");
	*o.p = '\0';
	return sys_open_mode(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

void owner_fair_turn(const struct jobserver *js, int pid, long *cap, struct fair_turn *t)
{
	struct fair_state s;
	uint64_t now = 0;
	long left, share;
	int fd = open_state(js, pid), r = fd, avail;

	t->fd = t->slot = -1;
	if (fd >= 0)
		r = lock(fd);
	if (r >= 0) {
		state_read(fd, &s);
		now = sys_monotonic_ms();
		t->slot = join(&s, pid, now);
		if (t->slot >= 0) {
			long w = sys_write_at0(fd, &s, sizeof s);

			r = w == (long)sizeof s ? 0 : w < 0 ? (int)w : -EIO;
		}
		(void)sys_flock(fd, LOCK_UN);
	}
	if (r >= 0) {
		if (t->slot < 0) {
			log_msg("--fair: the window of the owners of %s that started together "
				"is full (%d): claiming as without --fair", js->desc, FAIR_SLOTS);
			sys_close(fd);
			return;
		}
		log_msg("--fair: owner %d of the window on %s, opened %llu ms ago: waiting "
			"for it to close", t->slot + 1, js->desc,
			(unsigned long long)(now - s.start_ms));
		hook_stop("fair-wait");
		r = settle(fd, &s, s.start_ms, t->slot, pid);
	}
	if (r < 0) {
		log_msg("--fair: the state of %s cannot be shared (%s): claiming as without "
			"--fair", js->desc, log_errno(r));
		if (fd >= 0)
			sys_close(fd);
		return;
	}
	t->fd = fd;
	left = claimants_left(&s, pid);
	avail = sys_fionread(js->rfd);
	share = avail < 0 ? *cap : (avail + left - 1) / left;
	if (share < *cap)
		*cap = share;
	log_msg("--fair: %d token%s of %s free, %ld owner%s of the window still to claim: "
		"taking at most %ld", avail, avail == 1 ? "" : "s", js->desc, left,
		left == 1 ? "" : "s", *cap);
}

void owner_fair_done(struct fair_turn *t, int pid)
{
	struct fair_state s;

	if (t->fd < 0)
		return;
	state_read(t->fd, &s);
	if (t->slot < (int)s.n && s.pid[t->slot] == pid) {
		s.pid[t->slot] = 0;
		(void)sys_write_at0(t->fd, &s, sizeof s);
	}
	sys_close(t->fd); /* and the lock with it */
	t->fd = -1;
}
