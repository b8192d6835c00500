/* SPDX-License-Identifier: GPL-2.0-or-later */
/* threads [exit|return]: prints PARALLELISM, starts 4 busy threads and ends the process
 * while they still run, by exit() from the main thread or by returning from main. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *p = getenv("PARALLELISM");
	pthread_t t;

	printf("PARALLELISM=%s\n", p ? p : "");
	fflush(stdout);
	for (int i = 0; i < 4; i++)
		pthread_create(&t, NULL, spin, NULL);
	usleep(20000);
	if (argc > 1 && !strcmp(argv[1], "exit"))
		exit(0);
	return 0;
}
