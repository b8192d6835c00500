/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctorenv: a program whose library reads our names in its constructor, which ld.so runs
 * before a preloaded library's (as libgomp and OpenBLAS read theirs), for
 * tests/bats/runtimes.bats. libctorenv.so's constructor reads secure_getenv(NAME) for
 * NAME = $CTORENV_NAME, then getenv("PARALLELISM"), and prints
 *   ctor getenv PARALLELISM=<value> secure_getenv <NAME>=<value>
 * and main prints
 *   main PARALLELISM=<value> <NAME>=<value>
 * ("unset" for an unset variable). Built in two parts: this file is both the library
 * (-DCTORENV_LIB) and the program.
 */
#include <stdio.h>
#include <stdlib.h>

static const char *show(const char *v)
{
	return v ? v : "unset";
}

#ifdef CTORENV_LIB
__attribute__((constructor)) static void ctorenv_read(void)
{
	const char *name = getenv("CTORENV_NAME"), *v = name ? secure_getenv(name) : NULL;

	/* NAME first: the first read of a name we export is the one that claims. */
	printf("ctor getenv PARALLELISM=%s", show(getenv("PARALLELISM")));
	if (name)
		printf(" secure_getenv %s=%s", name, show(v));
	printf("\n");
	fflush(stdout);
}

int ctorenv_linked(void)
{
	return 1;
}
#else
int ctorenv_linked(void);

int main(void)
{
	const char *name = getenv("CTORENV_NAME");

	printf("main PARALLELISM=%s", show(getenv("PARALLELISM")));
	if (name)
		printf(" %s=%s", name, show(getenv(name)));
	printf("\n");
	return !ctorenv_linked();
}
#endif
