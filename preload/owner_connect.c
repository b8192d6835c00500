/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's side: find the reaper of this jobserver, or start one, and reach into it
 * through /proc/REAPER/fd (its tickets, its bell, the vaults). Runs in the launcher, in a
 * constructor and, for reaper_find and open_theirs, in exit paths too: system calls only,
 * no libc state.
 */
#include "owner_connect.h"
#include "fmt.h"
#include "log.h"
#include "reaper.h"
#include "result.h"
#include "sys.h"
#include "test_hooks.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* Connects to the reaper of this jobserver; *pid is the reaper (the kernel's word: it made
 * the listener). Both checked before a byte moves: it is our user's (only root could have
 * put another's socket in our directory), and its pid is one we can see (0: a pid
 * namespace that is not ours, where /proc/PID would be another process). Returns the
 * socket, or a negative code: -ENOENT or -ECONNREFUSED when none listens, -EAGAIN when its
 * queue is full. */
static int reaper_connect(const struct rendezvous *rv, int *pid)
{
	unsigned uid;
	int fd = sys_socket_unix(SOCK_NONBLOCK), r;

	if (fd < 0)
		return fd;
	r = sys_connect(fd, &rv->sa, rv->len);
	if (r == 0)
		r = sys_peer(fd, pid, &uid);
	if (r == 0 && uid != rv->euid)
		r = -JSP_E_FOREIGN_REAPER;
	else if (r == 0 && *pid <= 0)
		r = -JSP_E_OTHER_PIDNS;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

/* Starts the reaper of this jobserver, forking twice: the reaper is no child of ours (our
 * wait() must never see it) and, after setsid, in no process group or session of the
 * build. We take the name's lock first, so that a reaper that starts or ends costs no
 * fork, and it goes to the reaper with the fork; the reaper binds the name itself, so that
 * every owner learns its pid from the kernel, and says through the report pipe whether it
 * could. Returns 0, -JSP_E_REAPER_BUSY when another reaper has the name, or a negative
 * code. */
/* In the first fork: a session of its own for the reaper, so that no group kill, ^C or
 * hangup of the build reaches it; without one (a sandbox denies setsid) no reaper. */
static _Noreturn void start_session(const struct reaper_birth *b)
{
	struct reaper_report rep = { -JSP_E_REAPER_DENIED, 0, "setsid" };

	rep.err = sys_setsid();
	if (rep.err >= 0 && sys_fork() == 0)
		reaper_main(b);
	if (rep.err < 0)
		sys_write_all(b->report, &rep, sizeof rep);
	sys_exit(0);
}

static int reaper_start(const struct rendezvous *rv, const struct jobserver *js)
{
	struct reaper_birth b = { rv, js->dev, js->ino, js->rfd, -1, -1 };
	struct reaper_report rep;
	struct pollfd pfd;
	int rp[2], mid, err;

	b.lock = rendezvous_lock(rv);
	if (b.lock < 0)
		return b.lock;
	err = sys_pipe2(rp, O_CLOEXEC);
	if (err < 0) {
		sys_close(b.lock);
		return err;
	}
	b.report = rp[1];
	mid = sys_fork();
	if (mid == 0)
		start_session(&b);
	sys_close(rp[1]);
	sys_close(b.lock); /* the reaper's now, if it runs */
	if (mid > 0)
		sys_waitpid(mid);
	pfd = (struct pollfd){ .fd = rp[0], .events = POLLIN };
	rep.status = -JSP_E_REAPER_SILENT;
	/* EOF before a report: the reaper died before it could listen. */
	if (mid > 0 && sys_poll(&pfd, 1, REAPER_ANSWER_WAIT_MS) > 0 &&
	    sys_read(rp[0], &rep, sizeof rep) != (long)sizeof rep)
		rep.status = -JSP_E_REAPER_DIED;
	sys_close(rp[0]);
	if (rep.status == -JSP_E_REAPER_DENIED)
		log_msg("the reaper cannot work here: %.16s answers '%s' (a seccomp filter or a "
			"sandbox denies it); not claiming: allow the call, or run the build outside "
			"the sandbox", rep.call, log_errno(rep.err));
	return mid < 0 ? mid : rep.status;
}

int reaper_find(const struct rendezvous *rv, const struct jobserver *js, int *pid)
{
	uint64_t since = 0;

	for (int started = 0;;) {
		int fd = reaper_connect(rv, pid);

		if ((fd == -ENOENT || fd == -ECONNREFUSED) && !js)
			return -JSP_E_NO_REAPER; /* it holds nothing of ours */
		if ((fd == -ENOENT || fd == -ECONNREFUSED) && started < 3) {
			fd = reaper_start(rv, js);
			started += fd == 0;
		}
		if (fd == 0)
			continue; /* ours listens now */
		/* Busy: a reaper starting (it holds the lock and will listen) or ending (it
		 * refuses, then lets go of the name), or one whose queue is full; or the
		 * reapers we started ended at once (none listens: ENOENT, ECONNREFUSED). */
		if (fd != -JSP_E_REAPER_BUSY && fd != -EAGAIN && fd != -ECONNREFUSED && fd != -ENOENT)
			return fd; /* a socket, or an error that waiting will not mend */
		if (!since)
			since = sys_monotonic_ms();
		else if (sys_monotonic_ms() - since > (uint64_t)hook_find_wait_ms(FIND_WAIT_MS))
			return -JSP_E_REAPER_BUSY;
		sys_poll(NULL, 0, 1);
	}
}

int open_theirs(int pid, int fd, int flags, struct jsp_stat *st)
{
	char path[48];
	int r;

	fmt_proc_fd(path, sizeof path, pid, fd);
	r = sys_open(path, flags | O_NONBLOCK | O_CLOEXEC);
	if (r >= 0 && (sys_fstat(r, st) < 0 || !S_ISFIFO(st->mode))) {
		sys_close(r);
		r = -JSP_E_NOT_FIFO;
	}
	return r;
}

int open_theirs_checked(int pid, int fd, int flags, uint64_t dev, uint64_t ino)
{
	struct jsp_stat st;
	int v = open_theirs(pid, fd, flags, &st);

	if (v >= 0 && (st.dev != dev || st.ino != ino)) {
		sys_close(v);
		v = -JSP_E_STALE;
	}
	return v;
}

void write_theirs(int pid, int fd, const void *buf, size_t len)
{
	struct jsp_stat st;
	/* A reader too: if the reaper ends between our open and our write, the write fails
	 * instead of killing us with SIGPIPE. */
	int w = open_theirs(pid, fd, O_RDWR, &st);

	if (w >= 0) {
		(void)sys_write(w, buf, len);
		sys_close(w);
	}
}

void reaper_ring(int pid)
{
	write_theirs(pid, WIRE_BELL_FD, "", 1); /* EAGAIN: a full bell rings already */
}
