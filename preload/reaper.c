/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper.h"
#include "log.h"
#include "procstat.h"
#include "sys.h"
#include "tracerec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>

/* Why SIGUSR1 and a signal: the release must reach the reaper from any image the owner
 * execs into, which keeps the pid but no fd or memory of ours. The reaper blocks every
 * signal and reads this one from a signalfd, checking that the owner sent it. */
#define RELEASE_SIGNAL SIGUSR1
/* A reaper gives back at most a pipe's default capacity: more tokens than make's -j limit. */
#define TOKENS_MAX 65536
/* How long an exiting owner waits for its tokens to be back. A write to a pipe that we
 * took the bytes from does not block, so this bound is only against a stopped reaper. */
#define RELEASE_WAIT_MS 5000
/* Without a pidfd the reaper looks at the owner this often: the delay of a return after a
 * kill on kernels before 5.3. */
#define POLL_OWNER_MS 50

struct report {
	long held; /* tokens taken, or -errno */
	int pid;
	uint64_t start;
};

static void insert_sorted(int *a, int *n, int fd)
{
	int i = (*n)++;

	for (; i > 0 && a[i - 1] > fd; i--)
		a[i] = a[i - 1];
	a[i] = fd;
}

/* The owner, as the reaper watches it: a pidfd, or on kernels without pidfd_open (before
 * Linux 5.3) its pid and start time, polled. */
struct watch {
	int fd;         /* pidfd, or -1 */
	int pid;
	uint64_t start; /* for the poll: a reused pid has another start time */
};

static int owner_ended(const struct watch *w, const struct pollfd *pfd)
{
	if (w->fd >= 0)
		return (pfd->revents & (POLLIN | POLLHUP | POLLERR)) != 0;
	return procstat_start_time(w->pid) != w->start;
}

/* Holds the tokens until the owner releases them or ends, whichever is first. */
static void hold(const struct watch *w, int sfd)
{
	struct pollfd pfd[2] = { { .fd = w->fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
	int timeout = w->fd >= 0 ? -1 : POLL_OWNER_MS;

	for (;;) {
		struct signalfd_siginfo { uint32_t signo; int32_t err, code; uint32_t pid; char pad[112]; } si;

		/* A negative fd is ignored by poll: without a pidfd only the signalfd is watched. */
		if (sys_poll(pfd, 2, timeout) < 0 || owner_ended(w, &pfd[0]))
			return; /* the owner has ended: by exit, signal or crash */
		while (sys_read(sfd, &si, sizeof si) == (long)sizeof si)
			if (si.signo == RELEASE_SIGNAL && (int)si.pid == w->pid)
				return;
	}
}

/* `pkill -f PATTERN`, a common clean-up in CI, would match a reaper that kept the owner's
 * command line and kill it with the tokens it holds: it takes a name of its own. Its argv
 * is a copy of the owner's memory, so writing over it touches nothing of the owner's. */
static void rename_self(const uint64_t *area)
{
	static const char name[] = "jobserver-preload-reaper";
	char *p = (char *)(uintptr_t)area[0];

	sys_set_name("jsp-reaper");
	if (area[0] == 0 || area[1] <= area[0])
		return;
	for (uint64_t i = 0; i < area[1] - area[0]; i++)
		p[i] = i < sizeof name - 1 ? name[i] : '\0';
}

static _Noreturn void reaper_main(const struct jobserver *js, long cap, const struct watch *w,
				  int report_fd)
{
	static const int stat_fields[] = { PROCSTAT_START_TIME, PROCSTAT_ARG_START,
					   PROCSTAT_ARG_END };
	static char tokens[TOKENS_MAX];
	struct report rep = { 0, 0, 0 };
	uint64_t stat[3] = { 0, 0, 0 };
	int keep[6], nkeep = 0, sfd, r;

	/* Blocked signals: a group kill, ^C or hangup of the build cannot take the tokens
	 * with us, and SIGPIPE from a vanished owner becomes EPIPE. Only SIGKILL ends us. */
	sys_sigmask_all();
	sfd = sys_signalfd(RELEASE_SIGNAL);
	sys_chdir("/"); /* pin no directory: the build may unmount or delete it */
	/* Hold no fd but ours: a pipe from make's output or $(shell ...) must close when the
	 * owner's side does, and make 4.4 reads the jobserver until every writer is gone. */
	if (log_verbose)
		insert_sorted(keep, &nkeep, 2);
	insert_sorted(keep, &nkeep, js->rfd);
	insert_sorted(keep, &nkeep, js->wfd);
	if (w->fd >= 0)
		insert_sorted(keep, &nkeep, w->fd);
	insert_sorted(keep, &nkeep, report_fd);
	if (sfd >= 0)
		insert_sorted(keep, &nkeep, sfd);
	sys_close_except(keep, nkeep);

	rep.pid = sys_getpid();
	/* One read of /proc/self/stat: the start time for the report, and where argv lies. */
	if (procstat_read(0, stat_fields, stat, 3) == 0)
		rep.start = stat[0];
	rep.held = sfd < 0 ? sfd : jobserver_take(js, tokens, (size_t)cap);
	sys_close(js->rfd);
	sys_write_all(report_fd, &rep, sizeof rep);
	sys_close(report_fd);
	if (rep.held <= 0)
		sys_exit(0);
	/* Our raw syscalls bypass the trace library: say what we took ourselves (after the
	 * report: the owner is not kept waiting for it). */
	trace_rec_reaper(js, "take", rep.held, rep.held, w->pid);
	rename_self(stat + 1); /* after the report: the owner is not kept waiting for it */

	hold(w, sfd);
	r = jobserver_give(js, tokens, (size_t)rep.held);
	if (r == 0)
		trace_rec_reaper(js, "give", rep.held, 0, w->pid);
	if (r < 0)
		log_msg("could not give back %ld tokens for pid %d to %s: %s", rep.held, w->pid,
			js->desc, log_errno(r));
	else
		log_msg("gave back %ld tokens for pid %d to %s", rep.held, w->pid, js->desc);
	sys_exit(r < 0);
}

static int open_pidfd(int pid)
{
#ifdef JSP_TEST_NO_PIDFD
	(void)pid;
	return -ENOSYS;
#else
	return sys_pidfd_open(pid);
#endif
}

/* What the reaper will watch. Opened here, not in the reaper: this pidfd is the owner for
 * certain, even if the owner is killed and its pid reused before the reaper runs. */
static int watch_owner(struct watch *w)
{
	w->pid = sys_getpid();
	w->start = 0;
	w->fd = open_pidfd(w->pid);
	if (w->fd != -ENOSYS)
		return w->fd < 0 ? w->fd : 0;
	w->fd = -1;
	w->start = procstat_start_time(0);
	return w->start ? 0 : -ENOSYS; /* no pidfd and no /proc: we could not see a kill */
}

long reaper_claim(const struct jobserver *js, long cap, struct reaper *r)
{
	struct report rep = { -EIO, 0, 0 };
	struct watch w;
	int rp[2], mid, err;
	long n;

	r->pid = 0;
	r->start = 0;
	if (cap > TOKENS_MAX)
		cap = TOKENS_MAX;
	err = watch_owner(&w);
	if (err < 0)
		return err;
	if (sys_pipe2(rp, O_CLOEXEC) < 0) {
		if (w.fd >= 0)
			sys_close(w.fd);
		return -EMFILE;
	}
	/* Double fork: the reaper is no child of the owner (whose wait() must never see it)
	 * and, after setsid, in no process group or session of the build. */
	mid = sys_fork();
	if (mid == 0) {
		sys_setsid();
		if (sys_fork() == 0)
			reaper_main(js, cap, &w, rp[1]);
		sys_exit(0);
	}
	sys_close(rp[1]);
	if (w.fd >= 0)
		sys_close(w.fd);
	if (mid > 0) {
		sys_waitpid(mid);
		/* EOF before a whole report: the reaper died before taking anything we know of. */
		n = sys_read(rp[0], &rep, sizeof rep);
		if (n != (long)sizeof rep)
			rep.held = n < 0 ? n : -EIO;
	} else {
		rep.held = mid;
	}
	sys_close(rp[0]);
	if (rep.held > 0) {
		r->pid = rep.pid;
		r->start = rep.start;
	}
	return rep.held;
}

/* Kernels before 5.3: the start time stands in for the pidfd. A pid reused between the
 * check and the kill would take a stray SIGUSR1; the window is two syscalls long, and the
 * reaper cannot end before we release it unless someone kills it with SIGKILL. */
static void release_by_pid(const struct reaper *r)
{
	if (procstat_start_time(r->pid) != r->start || sys_kill(r->pid, RELEASE_SIGNAL) < 0)
		return;
	for (int ms = 0; ms < RELEASE_WAIT_MS && procstat_start_time(r->pid) == r->start; ms++)
		sys_poll(NULL, 0, 1);
}

void reaper_release(const struct reaper *r)
{
	struct pollfd pfd;
	int fd;

	if (r->pid <= 0)
		return;
	fd = open_pidfd(r->pid);
	if (fd == -ENOSYS) {
		release_by_pid(r);
		return;
	}
	if (fd < 0)
		return; /* it is gone already */
	/* The pidfd pins the process; the start time proves it is our reaper, not a process
	 * that got its pid after someone killed the reaper. */
	if (procstat_start_time(r->pid) == r->start && sys_pidfd_send_signal(fd, RELEASE_SIGNAL) == 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		sys_poll(&pfd, 1, RELEASE_WAIT_MS);
	}
	sys_close(fd);
}
