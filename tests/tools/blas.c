/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * blas: a C program linked with OpenBLAS, whose constructor reads OPENBLAS_NUM_THREADS
 * (then GOTO_NUM_THREADS, OMP_NUM_THREADS) before a preloaded library's runs. Prints
 *   openblas threads=<openblas_get_num_threads()> P=<PARALLELISM>
 * Declared here: Debian's libopenblas0 ships no header, only the library.
 */
#include <stdio.h>
#include <stdlib.h>

int openblas_get_num_threads(void);

int main(void)
{
	const char *p = getenv("PARALLELISM");

	printf("openblas threads=%d P=%s\n", openblas_get_num_threads(), p ? p : "unset");
	return 0;
}
