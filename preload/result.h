/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the claim, the release, the reaper and the jobserver moves return: a count or an
 * fd (>= 0), or a negative code, either -errno as the kernel answered it (1 to 4095) or
 * -JSP_E_* for an outcome of our own (4096 and up, outside the kernel's range). No value
 * means two things: a real error is never read as one of ours, nor a marker as an error.
 * log_errno (log.c) has the text of both in one table.
 */
#ifndef JSP_RESULT_H
#define JSP_RESULT_H

enum jsp_error {
	JSP_E_FIRST = 4096,
	JSP_E_EOF = JSP_E_FIRST, /* the jobserver gave end of file: its make has exited */
	JSP_E_FULL,           /* the jobserver pipe stayed full: nobody reads it */
	JSP_E_NO_ROOM,        /* a splice would fill the jobserver pipe: left to the reaper */
	JSP_E_LOCKED,         /* another give-back holds the jobserver's lock: left to the reaper */
	JSP_E_NOT_FIFO,       /* an fd of the reaper's that should be a pipe is not one */
	JSP_E_STALE,          /* the vault or jobserver found is not the one claimed with */
	JSP_E_BAD_MESSAGE,    /* a message of another size, or with its fds cut off */
	JSP_E_HANGUP,         /* the other side closed the connection */
	JSP_E_PROTO,          /* an answer not of this protocol */
	JSP_E_NO_REAPER,      /* no reaper listens, and none was to be started */
	JSP_E_REAPER_BUSY,    /* a reaper starting or ending held the name past our bound */
	JSP_E_REAPER_DIED,    /* the reaper we started ended before it listened */
	JSP_E_REAPER_SILENT,  /* the reaper did not answer within our bound */
	JSP_E_REAPER_DENIED,  /* a call the reaper cannot do without is denied (a sandbox) */
	JSP_E_FOREIGN_REAPER, /* the reaper's socket is another user's */
	JSP_E_FOREIGN_DIR,    /* the directory of the reaper's socket is not ours alone */
	JSP_E_OTHER_PIDNS,    /* the peer is in a pid namespace we cannot see (pid 0) */
	JSP_E_PROC_NOT_OURS,  /* /proc is of another pid namespace */
	JSP_E_PIDNS_ENDS,     /* a pid namespace of our own, without a make: it may end first */
	JSP_E_NO_VAULT,       /* no free vault: too many owners at once */
	JSP_E_FD_LIMIT,       /* no vault: the reaper's fd limit leaves no room for one */
	JSP_E_NO_WATCH,       /* neither a pidfd nor /proc/self/stat: a kill would go unseen */
	JSP_E_BAD_STAT,       /* /proc/PID/stat has not the fields expected */
	JSP_E_SAME_FDS,       /* MAKEFLAGS names one fd for both ends: no place for a pool */
	JSP_E_POOL_SHORT,     /* the private pool took fewer tokens than were claimed */
	JSP_E_TOO_LONG,       /* MAKEFLAGS is too long to name the pool in it */
	JSP_E_NO_POOL,        /* the reaper could not make a pool for the vault (mkfifo) */
	JSP_E_END             /* not a code: one past the last */
};

#endif
