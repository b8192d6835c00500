/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper.h"
#include "log.h"
#include "sys.h"

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

struct report {
	long held; /* tokens taken, or -errno */
	int pid;
	uint64_t start;
};

static char *fmt_uint(char *end, uint64_t v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* Field 22 of /proc/PID/stat (pid 0: self): the start time in clock ticks since boot. */
static uint64_t start_time(int pid)
{
	char path[40] = "/proc/", num[24], buf[512], *p, *last = NULL;
	char *d = path + 6;
	uint64_t v = 0;
	int field = 2;

	for (p = pid ? fmt_uint(num + sizeof num, (uint64_t)pid) : "self"; *p;)
		*d++ = *p++;
	for (p = "/stat"; *p;)
		*d++ = *p++;
	*d = '\0';
	if (sys_read_file(path, buf, sizeof buf) <= 0)
		return 0;
	for (p = buf; *p; p++) /* the command name in field 2 may hold ') ' itself */
		if (*p == ')')
			last = p;
	if (!last)
		return 0;
	for (p = last + 1; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

static void insert_sorted(int *a, int *n, int fd)
{
	int i = (*n)++;

	for (; i > 0 && a[i - 1] > fd; i--)
		a[i] = a[i - 1];
	a[i] = fd;
}

/* Holds the tokens until the owner releases them or ends, whichever is first. */
static void hold(int owner_fd, int owner_pid, int sfd)
{
	struct pollfd pfd[2] = { { .fd = owner_fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

	for (;;) {
		struct signalfd_siginfo { uint32_t signo; int32_t err, code; uint32_t pid; char pad[112]; } si;

		if (sys_poll(pfd, 2, -1) < 0 || (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			return; /* the owner has ended: by exit, signal or crash */
		while (sys_read(sfd, &si, sizeof si) == (long)sizeof si)
			if (si.signo == RELEASE_SIGNAL && (int)si.pid == owner_pid)
				return;
	}
}

static _Noreturn void reaper_main(const struct jobserver *js, long cap, int owner_fd,
				  int owner_pid, int report_fd)
{
	static char tokens[TOKENS_MAX];
	struct report rep = { 0, 0, 0 };
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
	insert_sorted(keep, &nkeep, owner_fd);
	insert_sorted(keep, &nkeep, report_fd);
	if (sfd >= 0)
		insert_sorted(keep, &nkeep, sfd);
	sys_close_except(keep, nkeep);

	rep.pid = sys_getpid();
	rep.start = start_time(0);
	rep.held = sfd < 0 ? sfd : jobserver_take(js, tokens, (size_t)cap);
	sys_close(js->rfd);
	sys_write_all(report_fd, &rep, sizeof rep);
	sys_close(report_fd);
	if (rep.held <= 0)
		sys_exit(0);

	hold(owner_fd, owner_pid, sfd);
	r = jobserver_give(js, tokens, (size_t)rep.held);
	if (r < 0)
		log_msg("could not give back %ld tokens for pid %d to %s: %s", rep.held, owner_pid,
			js->desc, log_errno(r));
	else
		log_msg("gave back %ld tokens for pid %d to %s", rep.held, owner_pid, js->desc);
	sys_exit(r < 0);
}

long reaper_claim(const struct jobserver *js, long cap, struct reaper *r)
{
	struct report rep = { -EIO, 0, 0 };
	int owner_pid = sys_getpid(), owner_fd, rp[2], mid;
	long n;

	r->pid = 0;
	r->start = 0;
	if (cap > TOKENS_MAX)
		cap = TOKENS_MAX;
	/* Opened here, not in the reaper: this pidfd is the owner for certain, even if the
	 * owner is killed and its pid reused before the reaper runs. */
	owner_fd = sys_pidfd_open(owner_pid);
	if (owner_fd < 0)
		return owner_fd;
	if (sys_pipe2(rp, O_CLOEXEC) < 0) {
		sys_close(owner_fd);
		return -EMFILE;
	}
	/* Double fork: the reaper is no child of the owner (whose wait() must never see it)
	 * and, after setsid, in no process group or session of the build. */
	mid = sys_fork();
	if (mid == 0) {
		sys_setsid();
		if (sys_fork() == 0)
			reaper_main(js, cap, owner_fd, owner_pid, rp[1]);
		sys_exit(0);
	}
	sys_close(rp[1]);
	sys_close(owner_fd);
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

void reaper_release(const struct reaper *r)
{
	struct pollfd pfd;
	int fd;

	if (r->pid <= 0)
		return;
	fd = sys_pidfd_open(r->pid);
	if (fd < 0)
		return; /* it is gone already */
	/* The pidfd pins the process; the start time proves it is our reaper, not a process
	 * that got its pid after someone killed the reaper. */
	if (start_time(r->pid) == r->start && sys_pidfd_send_signal(fd, RELEASE_SIGNAL) == 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		sys_poll(&pfd, 1, RELEASE_WAIT_MS);
	}
	sys_close(fd);
}
