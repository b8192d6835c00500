/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libexitmark.so: a second preloaded library that wraps _exit() and _Exit(), as a
 * sanitizer runtime does, for tests/bats/exit-chain.bats. Each appends one line
 * "exitmark NAME(STATUS) pid PID" to the file $EXITMARK, then hands on to the next
 * definition. Whichever of it and libjobserver-preload.so comes first in LD_PRELOAD, the
 * other must still run.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef void exit_fn(int);

static void mark(const char *name, int status)
{
	const char *path = getenv("EXITMARK");
	char line[96];
	int fd, n;

	if (!path)
		return;
	n = snprintf(line, sizeof line, "exitmark %s(%d) pid %d\n", name, status, (int)getpid());
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			perror("exitmark");
		close(fd);
	}
}

/* Resolved in the constructor, as a wrapper should: dlsym is not for exit paths. */
static exit_fn *next_exit, *next_Exit;

__attribute__((constructor)) static void resolve(void)
{
	next_exit = (exit_fn *)dlsym(RTLD_NEXT, "_exit");
	next_Exit = (exit_fn *)dlsym(RTLD_NEXT, "_Exit");
}

void _exit(int status)
{
	mark("_exit", status);
	next_exit(status);
	abort(); /* not reached */
}

void _Exit(int status)
{
	mark("_Exit", status);
	next_Exit(status);
	abort();
}
