/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The epoll calls of the syscall layer (sys.h), for the wait before a claim
 * (owner_wait.c): a pipe's readiness without reading it. Same rules as sys.c: raw
 * syscalls, -errno, EINTR retried here and nowhere else. epoll_pwait, not epoll_wait,
 * which arm64 does not have.
 */
#include "sys.h"
#include "syscall_arch.h"

#include <sys/epoll.h>
#include <errno.h>

int sys_epoll_create(void)
{
	return (int)SC1(SYS_epoll_create1, EPOLL_CLOEXEC);
}

int sys_epoll_add(int ep, int fd, unsigned events)
{
	struct epoll_event ev = { .events = events, .data = { .fd = fd } };

	return (int)SC4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, fd, &ev);
}

int sys_epoll_wait(int ep, unsigned *events, int timeout_ms)
{
	struct epoll_event ev = { 0 };
	long r;

	do
		r = SC6(SYS_epoll_pwait, ep, &ev, 1, timeout_ms, 0, 0);
	while (r == -EINTR);
	*events = r > 0 ? ev.events : 0;
	return (int)r;
}
