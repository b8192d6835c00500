/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cputime CMD ARGS...: runs CMD and prints, in seconds,
 *   WALL TREE ORPHANS
 * WALL, from the fork to CMD's end; TREE, the CPU time (user + system) of CMD and of every
 * descendant it waited for; ORPHANS, that of the descendants that outlived their parents
 * (the jobserver's reaper: it forks twice, so that no process of the build waits for it).
 * We are their subreaper (PR_SET_CHILD_SUBREAPER): they come to us when orphaned, and we
 * wait for them all, so a reaper's CPU is counted to its last microsecond, after CMD's
 * end and its 250 ms of lingering. Exits 1 if CMD did not exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double t0, wall = 0, tree = 0, orphans = 0;
	int status, failed = 1;
	struct rusage ru;
	pid_t cmd, pid;

	if (argc < 2) {
		fprintf(stderr, "usage: cputime CMD [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("cputime: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	t0 = now();
	cmd = fork();
	if (cmd < 0) {
		perror("cputime: fork");
		return 2;
	}
	if (cmd == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	while ((pid = wait4(-1, &status, 0, &ru)) > 0 || errno == EINTR) {
		if (pid <= 0)
			continue;
		if (pid == cmd) {
			wall = now() - t0;
			tree = secs(&ru);
			failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		} else {
			orphans += secs(&ru);
		}
	}
	printf("%.6f %.6f %.6f\n", wall, tree, orphans);
	return failed;
}
