/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket, splice, memory and clock calls of the syscall layer (sys.h): what an owner
 * and the reaper of its jobserver need to talk over a unix socket and move tokens between
 * pipes. Same rules as sys.c: raw syscalls, -errno, EINTR retried here and nowhere else.
 */
#include "sys.h"
#include "syscall_arch.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

int sys_socket_unix(int flags)
{
	return (int)SC3(SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | flags, 0);
}

int sys_bind(int fd, const void *addr, unsigned len)
{
	return (int)SC3(SYS_bind, fd, addr, len);
}

int sys_listen(int fd, int backlog)
{
	return (int)SC2(SYS_listen, fd, backlog);
}

int sys_connect(int fd, const void *addr, unsigned len)
{
	long r;

	do
		r = SC3(SYS_connect, fd, addr, len);
	while (r == -EINTR);
	return (int)r;
}

int sys_accept(int fd)
{
	long r;

	do
		r = SC4(SYS_accept4, fd, 0, 0, SOCK_CLOEXEC | SOCK_NONBLOCK);
	while (r == -EINTR);
	return (int)r;
}

int sys_peer(int fd, int *pid, unsigned *uid)
{
	struct { int32_t pid; uint32_t uid, gid; } cred;
	unsigned len = sizeof cred;
	long r = SC5(SYS_getsockopt, fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);

	if (r < 0)
		return (int)r;
	*pid = cred.pid;
	*uid = cred.uid;
	return 0;
}

long sys_sendmsg(int fd, const struct msghdr *msg)
{
	long r;

	/* MSG_NOSIGNAL: a peer that is gone is -EPIPE here, never a SIGPIPE. */
	do
		r = SC3(SYS_sendmsg, fd, msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (r == -EINTR);
	return r;
}

long sys_send_nowait(int fd, const void *buf, size_t len)
{
	long r;

	do
		r = SC6(SYS_sendto, fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT, 0, 0);
	while (r == -EINTR);
	return r;
}

long sys_recvmsg(int fd, struct msghdr *msg)
{
	long r;

	do
		r = SC3(SYS_recvmsg, fd, msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (r == -EINTR);
	return r;
}

int sys_shutdown_read(int fd)
{
	return (int)SC2(SYS_shutdown, fd, SHUT_RD);
}

unsigned sys_geteuid(void)
{
	return (unsigned)SC0(SYS_geteuid);
}

long sys_splice(int from, int to, size_t len)
{
	long r;

	do
		r = SC6(SYS_splice, from, 0, to, 0, len, SPLICE_F_NONBLOCK);
	while (r == -EINTR);
	return r;
}

int sys_dup3(int fd, int to)
{
	return (int)SC3(SYS_dup3, fd, to, O_CLOEXEC);
}

int sys_dup_inherited(int fd, int to)
{
	return (int)SC3(SYS_dup3, fd, to, 0);
}

/* i386's SYS_mmap is the old call that takes its arguments in a struct: mmap2 there. */
#ifdef SYS_mmap2
#define SYS_MMAP SYS_mmap2
#else
#define SYS_MMAP SYS_mmap
#endif

void *sys_map(size_t len)
{
	long r = SC6(SYS_MMAP, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return r < 0 && r > -4096 ? NULL : (void *)r;
}

int sys_raise_nofile(void)
{
	struct { uint64_t cur, max; } rl; /* the kernel's struct rlimit64 */
	long r = SC4(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &rl);

	if (r < 0)
		return (int)r;
	if (rl.cur < rl.max) {
		uint64_t cur = rl.cur;

		rl.cur = rl.max;
		if (SC4(SYS_prlimit64, 0, RLIMIT_NOFILE, &rl, 0) < 0)
			rl.cur = cur;
	}
	return rl.cur > 1 << 20 ? 1 << 20 : (int)rl.cur;
}

uint64_t sys_monotonic_ms(void)
{
	struct timespec ts;

	if (SC2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
