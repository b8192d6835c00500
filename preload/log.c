/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"
#include "fmt.h"
#include "result.h"
#include "sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* In .data beside log_fd, not alone in .bss: every claim reads it, and the last page of
 * .bss would cost that read a page fault of its own. */
int log_verbose __attribute__((section(".data")));
int log_fd = 2;
enum log_how log_how __attribute__((section(".data")));

/* A message is worth nothing if it costs the program its stderr, or the reaper its
 * time: errors are ignored. */
static void emit(const char *line, size_t n)
{
	if (log_how == LOG_SEND)
		(void)sys_send_nowait(log_fd, line, n);
	else if (log_how == LOG_ONCE)
		(void)sys_write(log_fd, line, n);
	else
		(void)sys_write_all(log_fd, line, n);
}

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
	emit(line, (size_t)n);
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
	emit(line, (size_t)(o.p - line));
}

/* One table for the kernel's codes that we meet and for ours (result.h): a switch, whose
 * strings need no relocation at load (an array of pointers would, in every process). */
const char *log_errno(int e)
{
	switch (-e) {
	case EBADF: return "bad file descriptor";
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case ENXIO: return "no reader on the fifo";
	case ENOSYS: return "function not implemented (an old kernel, or a sandbox denies it)";
	case EPIPE: return "broken pipe";
	case ENOTDIR: return "not a directory";
	case ELOOP: return "too many symbolic links";
	case EMFILE: return "too many open files";
	case EPERM: return "operation not permitted";
	case ESRCH: return "no such process";
	case EIO: return "input/output error";
	case ENOMEM: return "out of memory";
	case EAGAIN: return "resource temporarily unavailable";
	case EADDRINUSE: return "address already in use";
	case ECONNREFUSED: return "connection refused";
	case ECONNRESET: return "connection reset by peer";
	case ENOSPC: return "no space left on device";
	case JSP_E_EOF: return "end of file: the make that serves the jobserver has exited";
	case JSP_E_FULL: return "the jobserver pipe stayed full: its make does not read it";
	case JSP_E_NO_ROOM: return "the jobserver pipe has no room for a splice";
	case JSP_E_LOCKED: return "another give-back holds the jobserver's lock";
	case JSP_E_NOT_FIFO: return "an fd of the reaper is not the pipe it should be";
	case JSP_E_STALE: return "the reaper's vault or jobserver is not the one claimed with: the reaper has ended";
	case JSP_E_BAD_MESSAGE: return "a message of the wrong size, or with its fds cut off";
	case JSP_E_HANGUP: return "the other side closed the connection";
	case JSP_E_PROTO: return "the reaper's answer is not of this version";
	case JSP_E_NO_REAPER: return "no reaper runs for this jobserver";
	case JSP_E_REAPER_BUSY: return "the reaper of this jobserver is starting or ending and did not answer in time";
	case JSP_E_REAPER_DIED: return "the reaper ended as it started";
	case JSP_E_REAPER_DENIED: return "a system call that the reaper needs is denied here (a seccomp filter or a sandbox)";
	case JSP_E_REAPER_SILENT: return "the reaper did not answer in time: is it stopped (SIGSTOP)?";
	case JSP_E_FOREIGN_REAPER: return "the reaper's socket belongs to another user";
	case JSP_E_FOREIGN_DIR: return "the directory of the reaper's socket is not ours alone";
	case JSP_E_OTHER_PIDNS: return "the reaper is in a pid namespace that this process cannot see";
	case JSP_E_PIDNS_ENDS: return "this pid namespace has no make of its own: its reaper would end with it";
	case JSP_E_PROC_NOT_OURS: return "/proc is of another pid namespace";
	case JSP_E_NO_VAULT: return "the reaper has no free vault: too many commands hold tokens of this jobserver at once";
	case JSP_E_FD_LIMIT: return "the reaper's fd limit (RLIMIT_NOFILE, ulimit -n) leaves no room for a vault: raise the hard limit of the build";
	case JSP_E_NO_WATCH: return "no pidfd_open and no /proc/self/stat: a kill of the command would go unseen";
	case JSP_E_BAD_STAT: return "/proc/PID/stat has not the fields expected";
	case JSP_E_SAME_FDS: return "MAKEFLAGS names one fd for both ends of the jobserver";
	case JSP_E_POOL_SHORT: return "the private jobserver took fewer tokens than were claimed";
	case JSP_E_TOO_LONG: return "MAKEFLAGS is longer than 32 KiB";
	case JSP_E_NO_POOL: return "the reaper could not make its FIFO (a sandbox that denies mkfifo, or a full /tmp)";
	}
	return "system error";
}
