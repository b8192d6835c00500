/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MAKEFLAGS parser: a pure function of a string, no syscalls. */
#ifndef JSP_MAKEFLAGS_H
#define JSP_MAKEFLAGS_H

#include <stddef.h>

enum makeflags_kind {
	MAKEFLAGS_NONE,     /* no --jobserver-auth= / --jobserver-fds= at all */
	MAKEFLAGS_DISABLED, /* negative fds: make 4.4 writes -2,-2 for recipes not marked + */
	MAKEFLAGS_PIPE,     /* R,W: inherited pipe fds */
	MAKEFLAGS_FIFO,     /* fifo:PATH (make >= 4.4) */
	MAKEFLAGS_INVALID,  /* an option is there but its value means nothing to us */
};

#define MAKEFLAGS_VALUE_MAX 4096

struct makeflags_auth {
	enum makeflags_kind kind;
	int rfd, wfd;                     /* MAKEFLAGS_PIPE */
	const char *option;               /* "--jobserver-auth" or "--jobserver-fds", or NULL */
	char value[MAKEFLAGS_VALUE_MAX];  /* the option's value, escapes undone (the path for FIFO) */
	const char *path;                 /* MAKEFLAGS_FIFO: points into value, after "fifo:" */
	int jobs;                         /* N of the last -jN, or 0: the tokens make made, plus 1 */
	int unlimited;                    /* the last -j had no number: make -j, no jobserver */
};

/* Finds the jobserver in a MAKEFLAGS value (NULL is fine). The last --jobserver-auth=
 * or --jobserver-fds= before a " -- " wins. Always fills *out; returns out->kind. */
enum makeflags_kind makeflags_parse(const char *makeflags, struct makeflags_auth *out);

const char *makeflags_kind_name(enum makeflags_kind kind);

/* The same value (MAKEFLAGS, MFLAGS or CARGO_MAKEFLAGS) with every fifo jobserver before a
 * " -- " pointed at path instead (--jobserver-auth=fifo:PATH, escaped as make escapes a
 * word), into out, cap bytes with the NUL. Everything else is copied byte for byte.
 * Returns the length, or -1 when it does not fit. */
long makeflags_repoint(const char *makeflags, const char *path, char *out, size_t cap);

#endif
