/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int log_verbose;

void log_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (!log_verbose)
		return;
	n = snprintf(line, sizeof line, "jobserver-preload[%d]: ", sys_getpid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	/* A message is worth nothing if it costs the program its stderr: ignore errors. */
	(void)sys_write_all(2, line, (size_t)n);
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
	}
	return "system error";
}
