/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tokens: a jobserver client for the tests, written apart from the library so that the
 * tests count tokens with code they do not test.
 *   tokens count [N]    drain the pool non-blocking, print how many, put them all back;
 *                       with N, first wait (2 ms at a time, 2 s at most) until N are free,
 *                       for a count right after a kill that needs no shell loop
 *   tokens dump         as count, but print the bytes themselves (sorted)
 *   tokens set BYTES    drain the pool and put back BYTES instead (same count required)
 *   tokens take N [ARG...]  take N tokens (waiting for them) and exit without giving them
 *                       back; ARGs are ignored (a command line for the trace's tests)
 * Exit 2 when MAKEFLAGS names no jobserver.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int rfd = -1, wfd = -1;

static int open_jobserver(void)
{
	const char *mf = getenv("MAKEFLAGS"), *last = NULL, *p, *end;
	char val[4096], path[64];
	size_t n;
	int r, w;

	if (!mf)
		return -1;
	end = strstr(mf, " -- ");
	if (!end)
		end = mf + strlen(mf);
	for (p = mf; (p = strstr(p, "--jobserver-")) && p < end; p++)
		if (!strncmp(p, "--jobserver-auth=", 17) || !strncmp(p, "--jobserver-fds=", 16))
			last = strchr(p, '=') + 1;
	if (!last)
		return -1;
	/* Up to the first blank that make did not escape (fifo:/tmp/a\ b/GMfifo1), unescaped. */
	for (n = 0; *last && *last != ' ' && n < sizeof val - 1; last++)
		val[n++] = *last == '\\' && last[1] ? *++last : *last;
	val[n] = '\0';
	if (!strncmp(val, "fifo:", 5)) {
		rfd = open(val + 5, O_RDONLY | O_NONBLOCK);
		wfd = open(val + 5, O_WRONLY | O_NONBLOCK);
		return rfd < 0 || wfd < 0 ? -1 : 0;
	}
	if (sscanf(val, "%d,%d", &r, &w) != 2 || r < 0 || w < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/self/fd/%d", r);
	rfd = open(path, O_RDONLY | O_NONBLOCK);
	wfd = w;
	return rfd < 0 ? -1 : 0;
}

static size_t drain(char *buf, size_t cap)
{
	size_t n = 0;

	for (;;) {
		ssize_t r = read(rfd, buf + n, cap - n);

		if (r > 0)
			n += (size_t)r;
		else if (r < 0 && errno == EINTR)
			continue;
		else if (r < 0 && errno == EAGAIN)
			return n;
		else {
			fprintf(stderr, "tokens: read: %s\n", r ? strerror(errno) : "end of file");
			exit(3);
		}
	}
}

static void give(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t r = write(wfd, buf, n);

		if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd p = { .fd = wfd, .events = POLLOUT };
			poll(&p, 1, -1);
			continue;
		}
		if (r < 0) {
			perror("tokens: write");
			exit(3);
		}
		buf += r, n -= (size_t)r;
	}
}

static int cmp(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	size_t n;

	if (argc < 2) {
		fputs("usage: tokens count [N]|dump|set BYTES|take N\n", stderr);
		return 64;
	}
	if (open_jobserver() < 0) {
		puts("none");
		return 2;
	}
	if (!strcmp(argv[1], "take") && argc >= 3) {
		long want = atol(argv[2]);
		for (n = 0; (long)n < want;) {
			struct pollfd p = { .fd = rfd, .events = POLLIN };
			ssize_t r = read(rfd, buf, 1);
			if (r == 1)
				n++;
			else if (r < 0 && errno == EAGAIN)
				poll(&p, 1, -1);
			else if (!(r < 0 && errno == EINTR))
				return 3;
		}
		printf("took %zu\n", n);
		return 0; /* and gives nothing back: a leak, on purpose */
	}
	n = drain(buf, sizeof buf);
	if (!strcmp(argv[1], "count") && argc == 3) {
		struct timespec pause = { 0, 2000000 };

		for (int i = 0; i < 1000 && n < (size_t)atol(argv[2]); i++) {
			give(buf, n);
			nanosleep(&pause, NULL);
			n = drain(buf, sizeof buf);
		}
	}
	if (!strcmp(argv[1], "count")) {
		printf("%zu\n", n);
		give(buf, n);
	} else if (!strcmp(argv[1], "dump")) {
		char sorted[sizeof buf];
		memcpy(sorted, buf, n);
		qsort(sorted, n, 1, cmp);
		printf("%.*s\n", (int)n, sorted);
		give(buf, n);
	} else if (!strcmp(argv[1], "set") && argc == 3) {
		if (strlen(argv[2]) != n) {
			fprintf(stderr, "tokens: the pool holds %zu tokens, not %zu\n", n, strlen(argv[2]));
			give(buf, n);
			return 1;
		}
		give(argv[2], n);
	} else {
		give(buf, n);
		return 64;
	}
	return 0;
}
