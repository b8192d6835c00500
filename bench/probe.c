/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The program that bench/startexit runs: it writes the time main() starts and the time
 * it calls exit() to fd 100, so the harness can split what the library adds at exec
 * (constructor: parse, validate, claim, reaper) from what it adds at exit (destructor:
 * the handshake with the reaper). Both clocks are CLOCK_MONOTONIC. Then the PARALLELISM
 * it was given (0 if unset), so the harness knows the owner claimed for real. With the
 * argument "hold" it then waits to be killed, holding its tokens (the harness times how
 * soon they are back after the kill).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define REPORT_FD 100

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t t = now_ns(), given;
	const char *par;

	if (write(REPORT_FD, &t, sizeof t) != (ssize_t)sizeof t)
		return 1;
	par = getenv("PARALLELISM");
	given = par ? strtoull(par, NULL, 10) : 0;
	if (write(REPORT_FD, &given, sizeof given) != (ssize_t)sizeof given)
		return 1;
	t = now_ns();
	if (write(REPORT_FD, &t, sizeof t) != (ssize_t)sizeof t)
		return 1;
	while (argc > 1 && argv[1][0] == 'h')
		pause();
	exit(0);
}
