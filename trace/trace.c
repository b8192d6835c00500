/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libjobserver-preload-trace.so: records every byte that a process reads from or writes
 * to a jobserver, one line per read(2) or write(2), to the file named by
 * JOBSERVER_PRELOAD_TRACE. Separate from libjobserver-preload.so on purpose: the launcher
 * preloads it only with --trace, so untraced runs pay nothing for the interposition.
 *
 * Which fds are a jobserver: those whose pipe or fifo (dev:ino) is the one MAKEFLAGS
 * names; and, in a process that may be a jobserver's server (no jobserver in its
 * MAKEFLAGS, or a make), any FIFO moved one byte at a time: the top-level make creates
 * its jobserver after start and never names it in its own environment. Those records
 * are marked src=guess; the report keeps them only for a pipe that a client names.
 *
 * Clients use read() and write() on the fd (make, ninja, cargo's jobserver crate, the
 * Python peer); __read_chk is what read() becomes under _FORTIFY_SOURCE when the size is
 * not known at compile time. Nothing we know of uses readv/writev on a jobserver.
 *
 * A read that finds the jobserver empty is also a wait (ev=wait), as are the waits of
 * wait.c: so the report sees a client that starves.
 */
#include "trace.h"
#include "fmt.h"
#include "makeflags.h"
#include "sys.h"
#include "tracerec.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_read_chk)(int, void *, size_t, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_close)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_close_range)(unsigned, unsigned, int);

const char *trace_path;
static int owner_pid;          /* whose counts the table holds: a fork starts at zero */
static char cmdline[TRACE_CMD_MAX + 8], up[TRACE_UP_MAX];

/* Resolved on first use: a process pays dlsym only for what it calls, and another
 * library's constructor may call us before ours ran. */
#define REAL(name, sym) ({ if (!name) name = dlsym(RTLD_NEXT, sym); name; })

/* A forked child is a new process that holds nothing yet (its parent's reads are its
 * parent's); an exec'd image gets a new copy of this library and starts at zero anyway. */
static void check_fork(int pid)
{
	if (pid == owner_pid)
		return;
	owner_pid = pid;
	fdcache_reset_counts();
	cmdline[0] = '\0';
}

static void record(const char *ev, const struct tracked *t, long n, const struct timespec *when)
{
	struct trace_rec r = { ev, t->src, t->dev, t->ino, n, t->taken - t->given,
			       owner_pid, sys_getppid(), t->name, up, cmdline,
			       when ? (uint64_t)when->tv_sec : 0,
			       when ? (uint32_t)(when->tv_nsec / 1000) : 0 };

	if (!cmdline[0]) {
		trace_rec_cmdline(PROC_SELF, "", cmdline, sizeof cmdline);
		trace_rec_chain(r.ppid, up, sizeof up);
	}
	(void)trace_rec_append(trace_path, &r);
}

/* After a read or write of n > 0 bytes on fd. A write is stamped with the time before
 * it (when), a read with the time after it: so a token is never read before it was
 * written in the report's order, though the two records come from two processes. */
static void note(int fd, long n, int is_read, const struct timespec *when)
{
	int saved = errno;
	struct tracked *t = fdcache_lookup(fd);

	/* A jobserver's server moves one token at a time; anything else on a guessed FIFO
	 * is data, and the fd is not looked at again. */
	if (t && t->guess && n != 1) {
		fdcache_forget_guess(fd);
		t = NULL;
	}
	if (t) {
		check_fork(sys_getpid()); /* only here: a getpid per read would cost every read */
		if (is_read)
			__atomic_add_fetch(&t->taken, n, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&t->given, n, __ATOMIC_RELAXED);
		record(is_read ? "take" : "give", t, n, when);
	}
	errno = saved;
}

struct tracked *trace_waits_on(int fd)
{
	return trace_path ? fdcache_lookup_named(fd) : NULL;
}

void trace_wait_end(struct tracked *t, const struct timespec *start, int ready)
{
	int saved = errno;
	struct timespec now;
	long usec;

	clock_gettime(CLOCK_REALTIME, &now);
	usec = (now.tv_sec - start->tv_sec) * 1000000L + (now.tv_nsec - start->tv_nsec) / 1000;
	if (usec < 0)
		usec = 0; /* the clock was set back */
	if (!ready || usec >= TRACE_WAIT_MIN_US) {
		check_fork(sys_getpid());
		record("wait", t, usec, start);
	}
	errno = saved;
}

/* A read of a jobserver that found no token (EAGAIN), was interrupted in its wait (EINTR)
 * or blocked before one came is a wait; a client without pselect or poll waits so. */
static void read_waited(struct tracked *t, ssize_t r, const struct timespec *start)
{
	if (t && (r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR))))
		trace_wait_end(t, start, r > 0);
}

EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	struct timespec start = { 0, 0 };
	struct tracked *t = trace_waits_on(fd);
	ssize_t r;

	if (t)
		clock_gettime(CLOCK_REALTIME, &start);
	r = REAL(real_read, "read")(fd, buf, n);
	read_waited(t, r, &start);
	if (r > 0 && trace_path)
		note(fd, (long)r, 1, NULL);
	return r;
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	struct timespec start = { 0, 0 };
	struct tracked *t = trace_waits_on(fd);
	ssize_t r;

	if (t)
		clock_gettime(CLOCK_REALTIME, &start);
	r = REAL(real_read_chk, "__read_chk")(fd, buf, n, buflen);
	read_waited(t, r, &start);
	if (r > 0 && trace_path)
		note(fd, (long)r, 1, NULL);
	return r;
}

EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	struct timespec before = { 0, 0 };
	ssize_t r;

	/* clock_gettime is a vDSO call: no syscall, and only for fds that may be a jobserver. */
	if (trace_path && fdcache_may_track(fd))
		clock_gettime(CLOCK_REALTIME, &before);
	r = REAL(real_write, "write")(fd, buf, n);
	if (r > 0 && trace_path)
		note(fd, (long)r, 0, before.tv_sec ? &before : NULL);
	return r;
}

/* An fd number that is closed or replaced may come back as anything: forget it. */
EXPORT int close(int fd)
{
	fdcache_forget(fd);
	return REAL(real_close, "close")(fd);
}

EXPORT int dup2(int old, int new)
{
	int r = REAL(real_dup2, "dup2")(old, new);

	fdcache_forget(new);
	return r;
}

EXPORT int dup3(int old, int new, int flags)
{
	int r = REAL(real_dup3, "dup3")(old, new, flags);

	fdcache_forget(new);
	return r;
}

EXPORT int close_range(unsigned lo, unsigned hi, int flags)
{
	int r = REAL(real_close_range, "close_range")(lo, hi, flags);

	for (unsigned fd = lo; fd <= hi && fd < FDCACHE_SIZE; fd++)
		fdcache_forget((int)fd);
	return r;
}

static int may_be_server(int argc, char **argv, int known)
{
	const char *base;

	if (!known)
		return 1;
	if (argc < 1 || !argv[0])
		return 0;
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	/* make -jN below a make: "-jN forced in submake" makes a new jobserver. */
	return strstr(base, "make") != NULL;
}

/* glibc passes argc, argv and envp to the constructors of preloaded libraries. */
__attribute__((constructor)) static void trace_init(int argc, char **argv, char **envp)
{
	struct makeflags_auth auth;
	const char *path = trace_rec_path();
	int known;

	(void)envp;
	if (!path || path[0] != '/')
		return; /* a relative path would name another file after a chdir */
	owner_pid = sys_getpid();
	makeflags_parse(getenv("MAKEFLAGS"), &auth);
	known = fdcache_add_known(&auth);
	fdcache_set_guessing(may_be_server(argc, argv, known));
	trace_path = path;
}

/* Normal exit: say what this process still holds. A process that ends by a signal or
 * _exit writes no exit record; the report counts its last holding. */
__attribute__((destructor)) static void trace_fini(void)
{
	struct tracked *t;

	if (!trace_path || sys_getpid() != owner_pid)
		return;
	for (int i = 0; (t = fdcache_tracked(i)); i++)
		if (t->taken || t->given)
			record("exit", t, 0, NULL);
}
