/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "procstat.h"
#include "sys.h"

static char *fmt_uint(char *end, uint64_t v)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

int procstat_read(int pid, const int *fields, uint64_t *out, int n)
{
	char path[40] = "/proc/", num[24], buf[1024], *p, *last = NULL;
	char *d = path + 6;
	int field = 2, i = 0;

	for (p = pid ? fmt_uint(num + sizeof num, (uint64_t)pid) : "self"; *p;)
		*d++ = *p++;
	for (p = "/stat"; *p;)
		*d++ = *p++;
	*d = '\0';
	if (sys_read_file(path, buf, sizeof buf) <= 0)
		return -1;
	for (p = buf; *p; p++) /* the command name in field 2 may hold ') ' itself */
		if (*p == ')')
			last = p;
	if (!last || last[1] != ' ' || last[2] == 'Z' || last[2] == 'X')
		return -1;
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
	return i == n ? 0 : -1;
}

uint64_t procstat_start_time(int pid)
{
	static const int field = PROCSTAT_START_TIME;
	uint64_t v;

	return procstat_read(pid, &field, &v, 1) == 0 ? v : 0;
}
