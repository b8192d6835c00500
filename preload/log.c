/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"
#include "fmt.h"
#include "sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* In .data beside log_fd, not alone in .bss: every claim reads it, and the last page of
 * .bss would cost that read a page fault of its own. */
int log_verbose __attribute__((section(".data")));
int log_fd = 2;

static void put_prefix(struct out *o)
{
	put_str(o, "jobserver-preload[");
	put_int(o, sys_getpid());
	put_str(o, "]: ");
}

void log_msg(const char *fmt, ...)
{
	char line[1024];
	struct out o = { line, line + sizeof line - 1 };
	va_list ap;
	int n;

	if (!log_verbose || log_fd < 0)
		return;
	put_prefix(&o);
	n = (int)(o.p - line);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	/* A message is worth nothing if it costs the program its stderr: ignore errors. */
	(void)sys_write_all(log_fd, line, (size_t)n);
}

void log_count(const char *before, long n, const char *after)
{
	char line[256];
	struct out o = { line, line + sizeof line - 1 };

	if (!log_verbose || log_fd < 0)
		return;
	put_prefix(&o);
	put_str(&o, before);
	put_int(&o, n);
	put_str(&o, after);
	*o.p++ = '\n';
	(void)sys_write_all(log_fd, line, (size_t)(o.p - line));
}

const char *log_errno(int e)
{
	switch (-e) {
	case EBADF: return "bad file descriptor";
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case ENXIO: return "no reader on the fifo";
	case ENOSYS: return "not supported by this kernel";
	case EPIPE: return "broken pipe";
	case ENOTDIR: return "not a directory";
	case ELOOP: return "too many symbolic links";
	case EMFILE: return "too many open files";
	case EPERM: return "operation not permitted";
	case ESRCH: return "no such process";
	case EIO: return "input/output error (end of file)";
	case ENOMEM: return "out of memory";
	case EAGAIN: return "resource temporarily unavailable";
	/* Finding the reaper (reaper_client.c). */
	case EADDRINUSE: return "the reaper's socket name is held by a process that is not our reaper";
	case ECONNREFUSED: return "no reaper could be started and reached";
	case ECONNRESET: return "the reaper ended before it read the claim";
	case ENOSPC: return "the reaper has no free vault: too many commands hold tokens of this jobserver at once";
	}
	return "system error";
}
