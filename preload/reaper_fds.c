/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_fds.h"
#include "sys.h"
#include "wire.h"

#include <fcntl.h>

static int open_fds, promised, fd_limit;

void fds_init(int limit)
{
	fd_limit = limit;
}

void fds_opened(int n)
{
	open_fds += n;
}

void fds_close(int fd)
{
	if (fd >= 0 && sys_close(fd) == 0)
		open_fds--;
}

void fds_promise(int n)
{
	promised += n;
}

int fds_fit(int n)
{
	return open_fds + promised + n + FDS_KEEP <= fd_limit;
}

int fds_can_accept(void)
{
	return fds_fit(FDS_ACCEPT);
}

int fds_can_vault(void)
{
	return fds_fit(FDS_PER_VAULT + FDS_ACCEPT);
}

int fds_off_fixed(int fd)
{
	int moved;

	if (fd < WIRE_FIXED_FIRST || fd > WIRE_FIXED_LAST)
		return fd;
	moved = sys_fcntl(fd, F_DUPFD_CLOEXEC, WIRE_FIXED_LAST + 1);
	sys_close(fd);
	return moved;
}

int fds_fix(int fd, int at)
{
	int r = fd == at ? 0 : sys_dup3(fd, at);

	if (fd != at)
		sys_close(fd);
	return r < 0 ? r : 0;
}
