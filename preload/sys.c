/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sys.h"
#include "syscall_arch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* The kernel's sigset_t is 64 bits on every Linux we build for; libc's is 1024. */
#define KSIGSET_SIZE 8

int sys_open(const char *path, int flags)
{
	long r;

	do
		r = SC4(SYS_openat, AT_FDCWD, path, flags, 0);
	while (r == -EINTR);
	return (int)r;
}

int sys_open_mode(const char *path, int flags, unsigned mode)
{
	long r;

	do
		r = SC4(SYS_openat, AT_FDCWD, path, flags, mode);
	while (r == -EINTR);
	return (int)r;
}

int sys_close(int fd)
{
	/* Never retry close on EINTR: on Linux the fd is gone either way. */
	return (int)SC1(SYS_close, fd);
}

long sys_read(int fd, void *buf, size_t len)
{
	long r;

	do
		r = SC3(SYS_read, fd, buf, len);
	while (r == -EINTR);
	return r;
}

long sys_write(int fd, const void *buf, size_t len)
{
	long r;

	do
		r = SC3(SYS_write, fd, buf, len);
	while (r == -EINTR);
	return r;
}

int sys_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		long r = SC3(SYS_write, fd, p, len);

		if (r == -EINTR)
			continue;
		if (r == -EAGAIN) {
			/* A full pipe: wait until there is room, then write the rest. */
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int pr = sys_poll(&pfd, 1, -1);

			if (pr < 0)
				return pr;
			continue;
		}
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EIO;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int sys_fcntl(int fd, int cmd, long arg)
{
	return (int)SC3(SYS_fcntl, fd, cmd, arg);
}

int sys_fionread(int fd)
{
	int n = 0;
	long r = SC3(SYS_ioctl, fd, FIONREAD, &n);

	return r < 0 ? (int)r : n;
}

int sys_getpid(void)
{
	return (int)SC0(SYS_getpid);
}

int sys_getppid(void)
{
	return (int)SC0(SYS_getppid);
}

/* The wall clock, for trace records that many processes append to one file. */
int sys_clock_realtime(uint64_t *sec, uint32_t *usec)
{
	struct timespec ts;
	long r = SC2(SYS_clock_gettime, CLOCK_REALTIME, &ts);

	if (r < 0)
		return (int)r;
	*sec = (uint64_t)ts.tv_sec;
	*usec = (uint32_t)(ts.tv_nsec / 1000);
	return 0;
}

int sys_pipe2(int fds[2], int flags)
{
	return (int)SC2(SYS_pipe2, fds, flags);
}

int sys_fork(void)
{
	/* clone() is fork without libc: no atfork handlers of the program run. Exit signal 0:
	 * the child's end sends no SIGCHLD, which would stay pending in a program that
	 * inherited SIGCHLD blocked. sys_waitpid waits for such a child with __WALL. */
	long r = SC5(SYS_clone, 0, 0, 0, 0, 0);

	/* qemu-user emulates a fork-like clone only with SIGCHLD as its exit signal and
	 * refuses any other with EINVAL, which a kernel never returns for these flags: there
	 * the child's end signals (docs/ports.md says what that costs). */
	if (r == -EINVAL)
		r = SC5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	return (int)r;
}

int sys_waitpid(int pid)
{
	int status = 0;
	long r;

	do
		r = SC4(SYS_wait4, pid, &status, __WALL, 0);
	while (r == -EINTR);
	return r < 0 ? (int)r : status;
}

int sys_setsid(void)
{
	return (int)SC0(SYS_setsid);
}

_Noreturn void sys_exit(int status)
{
	for (;;)
		SC1(SYS_exit_group, status);
}

int sys_pidfd_open(int pid)
{
	return (int)SC2(SYS_pidfd_open, pid, 0);
}

int sys_poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	struct timespec ts, *tp = NULL;
	long r;

	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (timeout_ms % 1000) * 1000000L;
		tp = &ts;
	}
	do
		r = SC5(SYS_ppoll, fds, n, tp, 0, KSIGSET_SIZE);
	while (r == -EINTR);
	return (int)r;
}

void sys_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (sys_poll(NULL, 0, ms) < 0)
		(void)SC4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, 0);
}

int sys_sigmask_all(void)
{
	uint64_t all = ~(uint64_t)0;

	return (int)SC4(SYS_rt_sigprocmask, SIG_SETMASK, &all, 0, KSIGSET_SIZE);
}

int sys_set_name(const char *comm)
{
	return (int)SC2(SYS_prctl, PR_SET_NAME, comm);
}

int sys_chdir(const char *path)
{
	return (int)SC1(SYS_chdir, path);
}

static void close_span(unsigned lo, unsigned hi)
{
	if (SC3(SYS_close_range, lo, hi, 0) == 0)
		return;
	/* Before Linux 5.9 (ENOSYS), or denied by a seccomp filter (EPERM): one by one, up to
	 * a bound that covers any fd make hands out. An fd left open here could be a writer
	 * of make's jobserver, which make 4.4 reads until EOF at its exit. */
	for (unsigned fd = lo; fd <= hi && fd < 65536; fd++)
		SC1(SYS_close, fd);
}

/* Closes every fd but those in keep[], which is sorted ascending. */
void sys_close_except(const int *keep, int nkeep)
{
	unsigned lo = 0;

	for (int i = 0; i < nkeep; i++) {
		if ((unsigned)keep[i] > lo)
			close_span(lo, (unsigned)keep[i] - 1);
		lo = (unsigned)keep[i] + 1;
	}
	close_span(lo, ~0U);
}

long sys_read_file(const char *path, char *buf, size_t cap)
{
	int fd = sys_open(path, O_RDONLY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return fd;
	n = sys_read(fd, buf, cap - 1);
	sys_close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}
