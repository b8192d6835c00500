/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "procstat.h"
#include "fmt.h"
#include "result.h"
#include "sys.h"

#include <errno.h>

int procstat_read(int pid, const int *fields, uint64_t *out, int n)
{
	char path[40], buf[1024], *p, *last = NULL;
	int field = 2, i = 0;
	long r;

	fmt_proc_path(path, sizeof path, pid, "stat");
	r = sys_read_file(path, buf, sizeof buf);
	if (r == -ENOENT || r == -ESRCH)
		return -ESRCH;
	if (r <= 0)
		return r < 0 ? (int)r : -JSP_E_BAD_STAT;
	for (p = buf; *p; p++) /* the command name in field 2 may hold ') ' itself */
		if (*p == ')')
			last = p;
	if (!last || last[1] != ' ')
		return -JSP_E_BAD_STAT;
	if (last[2] == 'Z' || last[2] == 'X')
		return -ESRCH; /* it has ended: only its exit status is left */
	for (p = last + 1; *p && i < n; p++) {
		if (*p != ' ')
			continue;
		if (++field != fields[i])
			continue;
		out[i] = 0;
		for (; p[1] >= '0' && p[1] <= '9'; p++)
			out[i] = out[i] * 10 + (uint64_t)(p[1] - '0');
		i++;
	}
	return i == n ? 0 : -JSP_E_BAD_STAT;
}

uint64_t procstat_start_time(int pid)
{
	static const int field = PROCSTAT_START_TIME;
	uint64_t v;

	return procstat_read(pid, &field, &v, 1) == 0 ? v : 0;
}

int procstat_ended(int pid, uint64_t start)
{
	static const int field = PROCSTAT_START_TIME;
	uint64_t v;
	int r = procstat_read(pid, &field, &v, 1);

	return r == -ESRCH || (r == 0 && v != start);
}
