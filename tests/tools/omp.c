/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * omp [CMD [ARG]...]: a real OpenMP program. Prints threads=<omp_get_max_threads()>, the
 * team size libgomp chose at start-up from OMP_NUM_THREADS (it reads the variable in its
 * own constructor, before main), and a parallel region's real team size; then runs CMD
 * (a probe or a wait) while it still runs, and exits with CMD's status.
 */
#include <omp.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int team = 0, status;
	pid_t pid;

#pragma omp parallel
	{
#pragma omp single
		team = omp_get_num_threads();
	}
	printf("threads=%d team=%d\n", omp_get_max_threads(), team);
	fflush(stdout);
	if (argc < 2)
		return 0;
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
