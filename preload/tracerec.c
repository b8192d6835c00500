/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Formatting by hand, not snprintf: the reaper writes records after fork() in a process
 * that may have had threads, where only async-signal-safe code is safe.
 */
#include "tracerec.h"
#include "fmt.h"
#include "sys.h"

#include <fcntl.h>

extern char **environ;

const char *trace_rec_path(void)
{
	static const char key[] = TRACE_ENV "=";

	for (char **e = environ; e && *e; e++) {
		const char *s = *e, *k = key;

		while (*k && *s == *k)
			s++, k++;
		if (!*k)
			return *s ? s : NULL;
	}
	return NULL;
}

/* The record's line into line[TRACE_LINE_MAX]. Returns its length. */
static unsigned long format(char *line, const struct trace_rec *r)
{
	struct out o = { line, line + TRACE_LINE_MAX - 1 };
	uint64_t sec = r->sec;
	uint32_t usec = r->usec;

	if (!sec)
		sys_clock_realtime(&sec, &usec);
	put_str(&o, TRACE_MAGIC " t=");
	put_uint(&o, sec, 0);
	put_str(&o, ".");
	put_uint(&o, usec, 6);
	put_str(&o, " pid=");
	put_int(&o, r->pid);
	put_str(&o, " ppid=");
	put_int(&o, r->ppid);
	put_str(&o, " ev=");
	put_word(&o, r->ev);
	put_str(&o, " js=");
	put_uint(&o, r->dev, 0);
	put_str(&o, ":");
	put_uint(&o, r->ino, 0);
	put_str(&o, " n=");
	put_int(&o, r->n);
	put_str(&o, " held=");
	put_int(&o, r->held);
	put_str(&o, " src=");
	put_word(&o, r->src);
	put_str(&o, " name=");
	put_word(&o, r->name);
	put_str(&o, " up=");
	put_word(&o, r->up && r->up[0] ? r->up : "-");
	put_str(&o, " cmd=");
	put_str(&o, r->cmd);
	*o.p++ = '\n';
	return (unsigned long)(o.p - line);
}

int trace_rec_write(int fd, const struct trace_rec *r)
{
	char line[TRACE_LINE_MAX];

	return sys_write_all(fd, line, format(line, r));
}

int trace_rec_append(const char *path, const struct trace_rec *r)
{
	/* Opened for each record: no fd of ours lives on in the traced program, where it
	 * could be closed, dup2'ed over or inherited; O_APPEND makes each write one record. */
	int fd = sys_open_mode(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666), err;

	if (fd < 0)
		return fd;
	err = trace_rec_write(fd, r);
	sys_close(fd);
	return err;
}

long trace_rec_cmdline(int pid, const char *prefix, char *buf, unsigned cap)
{
	char raw[TRACE_CMD_MAX + 1], path[40];
	struct out o = { buf, buf + cap - 1 };
	long n;

	fmt_proc_path(path, sizeof path, pid, "cmdline");
	n = sys_read_file(path, raw, sizeof raw);
	put_str(&o, prefix);
	/* Arguments end in NUL: make them blanks, and anything that could end the line '?'. */
	for (long i = 0; i < n && o.p < o.end; i++) {
		char c = raw[i];

		if (c == '\0')
			c = i + 1 < n ? ' ' : '\0';
		else if ((unsigned char)c < ' ' || c == 0x7f)
			c = '?';
		if (c)
			*o.p++ = c;
	}
	if (n >= (long)sizeof raw - 1)
		put_str(&o, "...");
	*o.p = '\0';
	return n;
}

#define CHAIN_DEPTH 6

/* Reads "PID (COMM) S PPID" from /proc/PID/stat. Returns the parent's pid, or 0. */
static int parent_of(int pid, char *comm, unsigned cap)
{
	char path[40], buf[512], *p, *last = NULL;
	struct out o;
	int ppid = 0;

	fmt_proc_path(path, sizeof path, pid, "stat");
	comm[0] = '\0';
	if (sys_read_file(path, buf, sizeof buf) <= 0)
		return 0;
	for (p = buf; *p; p++) /* the command name may hold ')' itself */
		if (*p == ')')
			last = p;
	p = buf;
	while (*p && *p != '(')
		p++;
	if (!last || !*p || last[1] != ' ')
		return 0;
	o = (struct out){ comm, comm + cap - 1 };
	for (p++; p < last && o.p < o.end; p++)
		*o.p++ = *p == ',' || *p == ':' ? '?' : *p; /* the separators of up= */
	*o.p = '\0';
	for (p = last + 4; *p >= '0' && *p <= '9'; p++)
		ppid = ppid * 10 + (*p - '0');
	return ppid;
}

void trace_rec_chain(int pid, char *buf, unsigned cap)
{
	struct out o = { buf, buf + cap - 1 };
	char comm[20];

	for (int depth = 0; pid > 1 && depth < CHAIN_DEPTH; depth++) {
		int up = parent_of(pid, comm, sizeof comm);

		if (depth)
			put_str(&o, ",");
		put_uint(&o, (uint64_t)pid, 0);
		put_str(&o, ":");
		put_word(&o, comm[0] ? comm : "?");
		pid = up;
	}
	*o.p = '\0';
}

void trace_rec_name(const char *desc, uint64_t ino, char *buf, unsigned cap)
{
	struct out o = { buf, buf + cap - 1 };
	const char *s = desc, *f = "fifo ";

	while (*f && *s == *f)
		s++, f++;
	if (!*f) {
		put_str(&o, "fifo:");
		put_word(&o, s);
	} else {
		put_str(&o, "pipe:[");
		put_uint(&o, ino, 0);
		put_str(&o, "]");
	}
	*o.p = '\0';
}

void trace_rec_reaper(int fd, uint64_t dev, uint64_t ino, const char *desc, const char *ev,
		      long n, long held, int owner, int reaper)
{
	char cmd[TRACE_CMD_MAX + 40], name[TRACE_NAME_MAX], pre[40];
	struct out o = { pre, pre + sizeof pre - 1 };
	char up[TRACE_UP_MAX], line[TRACE_LINE_MAX];
	struct trace_rec r = { ev, "reaper", dev, ino, n, held, owner, reaper, name, up, cmd, 0, 0 };

	/* The owner's command line, while it lives, says whose tokens these are; after, the
	 * reaper's own says where they were. */
	put_str(&o, "[reaper of ");
	put_int(&o, owner);
	put_str(&o, "] ");
	*o.p = '\0';
	if (trace_rec_cmdline(owner, pre, cmd, sizeof cmd) <= 0)
		trace_rec_cmdline(PROC_SELF, pre, cmd, sizeof cmd);
	trace_rec_name(desc, ino, name, sizeof name);
	trace_rec_chain(owner, up, sizeof up);
	/* One write, never waited for: the reaper's fd is non-blocking, and O_APPEND makes a
	 * record whole in a regular file. */
	(void)sys_write(fd, line, format(line, &r));
}
