/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The jobserver I/O: validate what MAKEFLAGS names, open it privately, take and give tokens. */
#ifndef JSP_JOBSERVER_H
#define JSP_JOBSERVER_H

#include "makeflags.h"

#include <stddef.h>
#include <stdint.h>

struct jobserver {
	int rfd, wfd;      /* our own O_NONBLOCK|O_CLOEXEC open file descriptions */
	uint64_t dev, ino; /* the pipe or fifo itself: its identity across processes */
	char desc[96];     /* "pipe fds 3,4" or "fifo /tmp/GMfifo1", for messages */
};

/* Checks what the parsed MAKEFLAGS names before a byte moves: the fds are open, are one
 * FIFO, and are open for reading and writing; or the path names a FIFO. Then opens the
 * jobserver through /proc/self/fd so that the inherited fds' flags are never changed.
 * Returns 0, or -1 after saying why (when verbose). Opens nothing on failure. */
int jobserver_open(const struct makeflags_auth *auth, struct jobserver *js);

/* Says (when verbose) why a parsed MAKEFLAGS that is not PIPE or FIFO gives no jobserver. */
void jobserver_explain(const struct makeflags_auth *auth);
void jobserver_close(struct jobserver *js);

/* Takes up to cap free tokens with one read. Returns the count (0: the pool is empty),
 * or -errno with nothing taken (end of file counts as an error: -EIO). */
long jobserver_take(const struct jobserver *js, char *buf, size_t cap);

/* Writes back exactly these bytes. Returns 0 or -errno. */
int jobserver_give(const struct jobserver *js, const char *buf, size_t len);

#endif
