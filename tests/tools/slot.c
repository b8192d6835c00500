/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * slot LOG N [HOLD_MS [WAIT_MS]]: one job of a tool under test (a make or ninja rule, a
 * ctest test, a GNU parallel job, a rustc run by cargo). It appends "+ PID" to LOG, waits
 * until LOG holds N "+" lines (N jobs have started) or WAIT_MS have passed since the first
 * one (default 20000), stays HOLD_MS more (default 300), appends "- PID" and exits 0. A tool that runs N jobs at once
 * therefore shows exactly N running together; one that runs fewer times out, and one
 * that runs more starts another within the hold.
 * slot --peak LOG: prints "peak=P jobs=J": the most jobs between their "+" and "-" lines at
 * any point of LOG, and how many started. Lines are single O_APPEND writes, so their order
 * in LOG is the order in which they happened.
 * slot --threads PID N: the threads of a running process (xz -T, zstd -T), counted in
 * /proc/PID/task once there are N or 10 s have passed, and 300 ms later again, when one
 * more would have started: prints "threads=K".
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void append(const char *log, char sign)
{
	char line[64];
	int n = snprintf(line, sizeof line, "%c %d %lld\n", sign, (int)getpid(), now_ms());
	int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);

	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		perror(log);
		exit(1);
	}
	close(fd);
}

/* The "+" lines so far, and the time of the first. */
static int started(const char *log, long long *first)
{
	char line[64];
	int n = 0;
	FILE *f = fopen(log, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		long long t;

		if (line[0] == '+' && sscanf(line, "+ %*d %lld", &t) == 1 && n++ == 0)
			*first = t;
	}
	fclose(f);
	return n;
}

static int peak(const char *log)
{
	char line[64];
	int running = 0, most = 0, jobs = 0;
	FILE *f = fopen(log, "r");

	if (!f) {
		perror(log);
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '+') {
			jobs++;
			if (++running > most)
				most = running;
		} else if (line[0] == '-') {
			running--;
		}
	}
	fclose(f);
	printf("peak=%d jobs=%d\n", most, jobs);
	return 0;
}

static int tasks(const char *pid)
{
	char path[64];
	int n = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%s/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int threads(const char *pid, int want)
{
	struct timespec tick = { 0, 10 * 1000000 }, hold = { 0, 300 * 1000000 };
	long long start = now_ms();
	int n;

	while ((n = tasks(pid)) >= 0 && n < want && now_ms() - start < 10000)
		nanosleep(&tick, NULL);
	nanosleep(&hold, NULL);
	n = tasks(pid);
	printf("threads=%d\n", n);
	return n < 0;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 10 * 1000000 };
	long long first = 0;
	int want, hold, wait;

	if (argc == 3 && strcmp(argv[1], "--peak") == 0)
		return peak(argv[2]);
	if (argc == 4 && strcmp(argv[1], "--threads") == 0)
		return threads(argv[2], atoi(argv[3]));
	if (argc < 3 || argc > 5) {
		fputs("usage: slot LOG N [HOLD_MS [WAIT_MS]] | slot --peak LOG | slot --threads PID N\n",
		      stderr);
		return 2;
	}
	want = atoi(argv[2]);
	hold = argc >= 4 ? atoi(argv[3]) : 300;
	wait = argc == 5 ? atoi(argv[4]) : 20000;
	append(argv[1], '+');
	while (started(argv[1], &first) < want && now_ms() - first < wait)
		nanosleep(&tick, NULL);
	tick.tv_sec = hold / 1000;
	tick.tv_nsec = hold % 1000 * 1000000L;
	nanosleep(&tick, NULL);
	append(argv[1], '-');
	return 0;
}
