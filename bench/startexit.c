/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Owner start-up and exit, measured from outside the way make sees them.
 *   startexit LIB PROBE TOKENS REPS [once]
 * Serves a real pipe jobserver holding TOKENS bytes (blocking fds, in MAKEFLAGS, as make
 * 4.3 does) and runs PROBE REPS times in each of four ways, alternating:
 *   owner  LD_PRELOAD=LIB, JOBSERVER_PRELOAD_CLAIM=<its own pid>: claims every token, from
 *          the reaper that the runs before started (as in a build, where one serves all)
 *   plain  LD_PRELOAD=LIB, JOBSERVER_PRELOAD_CLAIM=1: loads the library, does not claim
 *   none   no library
 *   cold   as owner, on a jobserver of its own made for the run: the first claim of a
 *          jobserver, which starts its reaper. Apart, after the others: REPS/5 runs, each
 *          COLD_GAP_MS after the one before, so that the reaper it started has ended (it
 *          lingers 250 ms) and none but the other modes' runs beside it, as at a build's
 *          start; back to back, each would start beside dozens that are making or
 *          retiring their vaults, a cost of the harness, not of a build
 *   killed as owner, but the probe waits after its report and is killed (SIGKILL): its
 *          "exit" time is how long after our waitpid() saw it die the pool is whole again
 *          (the reaper moved its tokens back), looked at every 50 us
 * and, for scale, fork() of this small process, _exit(0) in the child, waitpid().
 * Times: fork to the probe's main(), and the probe's exit() call to our waitpid()
 * returning. After each run the pool must hold TOKENS again (checked with FIONREAD), so
 * an owner that returned its tokens late or never is a failure, not a fast run.
 * Prints one line of medians in microseconds. With "once": one owner run, then prints the
 * pipe's inode and our pid, for counting the syscalls under strace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPORT_FD 100

enum mode { OWNER, PLAIN, NONE, COLD, KILLED, MODES };
static const char *const NAMES[MODES] = { "owner", "plain", "none", "cold", "killed" };
#define KILLED_WAIT_NS 2000000000u /* a pool not whole 2 s after a kill: a lost token */
#define COLD_GAP_MS 300

static const char *lib, *probe;
static int js[2];
static long tokens;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "startexit: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void read_exact(int fd, void *buf, size_t len)
{
	if (read(fd, buf, len) != (ssize_t)len)
		die("the probe did not report its times");
}

static _Noreturn void child(enum mode m, int report)
{
	char pid[24];

	/* What the launcher does before it execs: name the pid that claims. */
	snprintf(pid, sizeof pid, "%d", m == OWNER || m == COLD || m == KILLED ? (int)getpid() : 1);
	setenv("JOBSERVER_PRELOAD_CLAIM", pid, 1);
	if (m != NONE)
		setenv("LD_PRELOAD", lib, 1);
	if (dup2(report, REPORT_FD) < 0)
		_exit(126);
	execl(probe, probe, m == KILLED ? "hold" : (char *)NULL, (char *)NULL);
	_exit(127);
}

/* After a kill: when the pool held every token again (FIONREAD), looked at every 50 us. */
static uint64_t pool_whole_ns(uint64_t since)
{
	const struct timespec nap = { 0, 50000 };
	int avail = -1;

	for (;;) {
		uint64_t t = now_ns();

		if (ioctl(js[0], FIONREAD, &avail) == 0 && avail == tokens)
			return t;
		if (t - since > KILLED_WAIT_NS)
			return t; /* the count below fails the run */
		nanosleep(&nap, NULL);
	}
}

/* One run; the two times in ns. */
static void run(enum mode m, double *start, double *end)
{
	uint64_t t0, t_main, given, t_exit, t_done;
	int rp[2], status, avail = -1;
	pid_t pid;

	if (pipe2(rp, O_CLOEXEC) < 0)
		die("pipe2");
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child(m, rp[1]);
	close(rp[1]);
	read_exact(rp[0], &t_main, sizeof t_main);
	read_exact(rp[0], &given, sizeof given);
	read_exact(rp[0], &t_exit, sizeof t_exit);
	if (m == KILLED && kill(pid, SIGKILL) < 0)
		die("kill");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	t_done = now_ns();
	close(rp[0]);
	if (m == KILLED)
		t_exit = t_done, t_done = pool_whole_ns(t_done);
	if (m == KILLED ? !WIFSIGNALED(status) : !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "startexit: the %s probe failed (status %#x)\n", NAMES[m], status);
		exit(2);
	}
	/* The owners must have claimed every token; the others must have claimed none. */
	if (given != (m == OWNER || m == COLD || m == KILLED ? (uint64_t)tokens + 1 : 0)) {
		fprintf(stderr, "startexit: the %s probe got PARALLELISM=%llu\n", NAMES[m],
			(unsigned long long)given);
		exit(1);
	}
	if (ioctl(js[0], FIONREAD, &avail) < 0 || avail != tokens) {
		fprintf(stderr, "startexit: after the %s run the pool holds %d tokens, not %ld\n",
			NAMES[m], avail, tokens);
		exit(1);
	}
	*start = (double)(t_main - t0);
	*end = (double)(t_done - t_exit);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_us(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) / 1000.0;
}

static void serve_env(void)
{
	char flags[64];

	snprintf(flags, sizeof flags, " -j%ld --jobserver-auth=%d,%d", tokens + 1, js[0], js[1]);
	setenv("MAKEFLAGS", flags, 1);
}

/* A jobserver holding TOKENS bytes: blocking fds, in MAKEFLAGS, as make 4.3 gives a '+'
 * recipe. */
static void serve(void)
{
	char *buf;

	if (pipe(js) < 0)
		die("pipe");
	buf = malloc((size_t)tokens);
	if (!buf)
		die("malloc");
	memset(buf, '+', (size_t)tokens);
	if (write(js[1], buf, (size_t)tokens) != tokens)
		die("filling the jobserver");
	free(buf);
	serve_env();
}

/* One run of mode m; a cold run gets a jobserver of its own, so no reaper serves it yet. */
static void run_mode(enum mode m, double *start, double *end)
{
	int keep[2] = { js[0], js[1] };

	if (m == COLD)
		serve();
	run(m, start, end);
	if (m != COLD)
		return;
	close(js[0]);
	close(js[1]);
	js[0] = keep[0];
	js[1] = keep[1];
	serve_env();
}

/* fork+_exit+waitpid of this process: what a process costs on this machine. */
static double fork_ns(void)
{
	uint64_t t0 = now_ns();
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (double)(now_ns() - t0);
}

int main(int argc, char **argv)
{
	double *t[MODES][2], *forks, s, e;
	int reps, cold_reps;

	if (argc < 5) {
		fprintf(stderr, "usage: startexit LIB PROBE TOKENS REPS [once]\n");
		return 2;
	}
	lib = argv[1];
	probe = argv[2];
	tokens = atol(argv[3]);
	reps = atoi(argv[4]);
	if (tokens < 1 || tokens > 65536 || reps < 1)
		return 2;
	serve();
	if (argc > 5 && strcmp(argv[5], "once") == 0) {
		struct stat st;

		run(OWNER, &s, &e);
		fstat(js[0], &st);
		printf("ino=%lu pid=%d\n", (unsigned long)st.st_ino, (int)getpid());
		return 0;
	}
	for (int m = 0; m < MODES; m++)
		for (int k = 0; k < 2; k++)
			if (!(t[m][k] = calloc((size_t)reps, sizeof(double))))
				die("calloc");
	if (!(forks = calloc((size_t)reps, sizeof(double))))
		die("calloc");
	for (int r = 0; r < reps; r++) {
		for (int m = 0; m < MODES; m++)
			if (m != COLD)
				run_mode((enum mode)m, &t[m][0][r], &t[m][1][r]);
		forks[r] = fork_ns();
	}
	cold_reps = reps / 5 ? reps / 5 : 1;
	for (int r = 0; r < cold_reps; r++) {
		const struct timespec gap = { 0, COLD_GAP_MS * 1000000L };

		nanosleep(&gap, NULL);
		run_mode(COLD, &t[COLD][0][r], &t[COLD][1][r]);
	}
	for (int m = 0; m < MODES; m++) {
		int n = m == COLD ? cold_reps : reps;

		printf("%s_start=%.1f %s_exit=%.1f ", NAMES[m], median_us(t[m][0], n), NAMES[m],
		       median_us(t[m][1], n));
	}
	/* median_us sorted them: the last is the longest. */
	printf("killed_p95=%.1f killed_max=%.1f ", t[KILLED][1][(reps - 1) * 95 / 100] / 1000.0,
	       t[KILLED][1][reps - 1] / 1000.0);
	printf("fork=%.1f\n", median_us(forks, reps));
	return 0;
}
