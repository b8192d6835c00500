/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * killat N MAX_US [group-]SIG CMD...: runs CMD N times, one at a time, and kills run i
 * i * MAX_US / N microseconds after its fork (SIG: KILL, TERM, INT, HUP, SEGV or ABRT;
 * group-SIG starts CMD as the leader of a new process group and kills the group). The
 * delays sweep the kill across exec, the loader and the library's claim. Prints
 * "killat: N runs, K ended by SIG" and exits 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct { const char *name; int sig; } SIGNALS[] = {
	{ "KILL", SIGKILL }, { "TERM", SIGTERM }, { "INT", SIGINT },
	{ "HUP", SIGHUP },   { "SEGV", SIGSEGV }, { "ABRT", SIGABRT },
};

static long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static int parse_signal(const char *s)
{
	for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++)
		if (!strcmp(s, SIGNALS[i].name))
			return SIGNALS[i].sig;
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 4 ? atol(argv[1]) : 0, max_us = argc > 4 ? atol(argv[2]) : 0;
	const char *name = argc > 4 ? argv[3] : "";
	int group = !strncmp(name, "group-", 6), sig = parse_signal(name + (group ? 6 : 0));
	long killed = 0;

	if (n <= 0 || max_us < 0 || !sig) {
		fprintf(stderr, "usage: killat N MAX_US [group-]KILL|TERM|INT|HUP|SEGV|ABRT CMD...\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		long t0 = now_us(), delay = i * max_us / n;
		int status, pid = fork();

		if (pid == 0) {
			if (group)
				setpgid(0, 0);
			execvp(argv[4], argv + 4);
			_exit(127);
		}
		if (group) /* both sides, so the group exists whichever runs first */
			setpgid(pid, pid);
		while (now_us() - t0 < delay) /* a spin: a sleep would round up to the timer slack */
			;
		kill(group ? -pid : pid, sig);
		waitpid(pid, &status, 0);
		killed += WIFSIGNALED(status) && WTERMSIG(status) == sig;
	}
	printf("killat: %ld runs, %ld ended by %s\n", n, killed, name);
	return 0;
}
