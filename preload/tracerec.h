/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One trace record: a whole line appended with one O_APPEND write to the file named by
 * JOBSERVER_PRELOAD_TRACE, so that the lines of concurrent processes never interleave.
 * Written by the trace library (every jobserver read and write of a traced process) and
 * by the reaper (whose raw syscalls no interposer sees). Async-signal-safe: no libc.
 *
 *   JSPT1 t=SEC.USEC pid=P ppid=PP ev=take|give|exit|wait js=DEV:INO n=BYTES held=N
 *         src=mf|guess|reaper name=pipe:[INO]|fifo:PATH up=PID:COMM,... cmd=COMMAND LINE
 *
 * ev=wait (the trace library only): a wait for a token on a jobserver that MAKEFLAGS
 * names, stamped when it began; n is the microseconds it lasted, not bytes.
 *
 * src=mf: the jobserver named by MAKEFLAGS; guess: a one-byte read or write on some other
 * FIFO in a process that may be a jobserver's server (make), kept by the report only if
 * another record names the same DEV:INO with src=mf; reaper: our own library's reaper.
 */
#ifndef JSP_TRACEREC_H
#define JSP_TRACEREC_H

#include <stdint.h>

#define TRACE_ENV "JOBSERVER_PRELOAD_TRACE"
#define TRACE_MAGIC "JSPT1"
#define TRACE_CMD_MAX 160  /* the command line is cut to this many bytes */
#define TRACE_NAME_MAX 128 /* the jobserver's name (fifo path), cut likewise */
#define TRACE_UP_MAX 160   /* the ancestors, PID:COMM,... */
#define TRACE_LINE_MAX 640

struct trace_rec {
	const char *ev;  /* "take", "give" or "exit" */
	const char *src; /* "mf", "guess" or "reaper" */
	uint64_t dev, ino;
	long n, held;
	int pid, ppid;
	const char *name; /* pipe:[INO] or fifo:PATH */
	const char *up;   /* the ancestors, nearest first (trace_rec_chain) */
	const char *cmd;  /* shortened, one line (trace_rec_cmdline) */
	uint64_t sec;     /* when, if not 0; else the time of the append */
	uint32_t usec;
};

/* The trace file's path from environ, or NULL: not tracing. */
const char *trace_rec_path(void);

/* Writes the record, timestamped now, to fd (opened O_APPEND) with one write. Returns 0
 * or -errno. trace_rec_append opens path for it and closes it again. */
int trace_rec_write(int fd, const struct trace_rec *r);
int trace_rec_append(const char *path, const struct trace_rec *r);

/* The command line of process pid (PROC_SELF, fmt.h: this one), arguments joined by blanks, control
 * bytes and blanks in no position made visible, cut to TRACE_CMD_MAX with "...". prefix
 * goes first. Returns the bytes read from /proc, or -errno (then buf is only prefix). */
long trace_rec_cmdline(int pid, const char *prefix, char *buf, unsigned cap);

/* The ancestors from pid up, "PID:COMM,PID:COMM,...", at most a few levels, from
 * /proc/PID/stat: the report's parent chain, even through processes that never touch a
 * jobserver and so write no record (the recipe's shell). */
void trace_rec_chain(int pid, char *buf, unsigned cap);

/* The name for a jobserver: "fifo:PATH" from a desc of "fifo PATH", else "pipe:[INO]". */
void trace_rec_name(const char *desc, uint64_t ino, char *buf, unsigned cap);

/* A record of the tokens held for an owner in the vault of a reaper, to the trace file fd:
 * n tokens of the jobserver dev:ino (desc: "fifo PATH", else it is named by its inode)
 * taken or given, held after it. Written by whoever moved them, the owner or the reaper,
 * as the owner's pid with src=reaper and ppid the reaper, with one write: dropped if fd
 * is non-blocking and cannot take it at once (the reaper's). Async-signal-safe. */
void trace_rec_reaper(int fd, uint64_t dev, uint64_t ino, const char *desc, const char *ev,
		      long n, long held, int owner, int reaper);

#endif
