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

/* The jobserver's write end opened anew (O_NONBLOCK, close-on-exec) from what MAKEFLAGS
 * names, only if it is the FIFO dev:ino: the inherited fd is checked before the open, a
 * fifo path opened O_PATH first, as jobserver_open does. Returns the fd or -errno. Says
 * nothing: async-signal-safe, for exit paths. */
int jobserver_reopen_write(const struct makeflags_auth *auth, uint64_t dev, uint64_t ino);

/* Says (when verbose) why a parsed MAKEFLAGS that is not PIPE or FIFO gives no jobserver. */
void jobserver_explain(const struct makeflags_auth *auth);
void jobserver_close(struct jobserver *js);

/* Tokens move only between two pipes, the jobserver and a vault (a pipe of ours that the
 * reaper holds), with splice(2): the kernel moves the bytes themselves, so at every moment
 * each token is in exactly one of the two, whoever is killed when, and the bytes given
 * back are the bytes taken.
 *
 * jobserver_take moves up to cap free tokens into the vault's write end with one splice.
 * Returns the count (0: the pool is empty), or -errno with nothing moved (end of file,
 * no jobserver left: -EIO). */
long jobserver_take(const struct jobserver *js, int vault, size_t cap);

/* Tokens given back by splice arrive as pipe buffers of their own, one per buffer of the
 * vault, which make's one-byte writes cannot merge into; a pipe has room for 16 buffers
 * by default (2 when its user has too many), however few bytes each holds. If they
 * filled it, make's next write of a token would block for good. jobserver_make_room
 * grows the pipe to make's -jN buffers (or JOBSERVER_ROOM_MAX, as many as an unprivileged
 * user may have, when that is more or jobs is 0: unknown), so that splices fit more often;
 * a refusal is fine. */
#define JOBSERVER_ROOM_MAX 256
void jobserver_make_room(const struct jobserver *js, int jobs);

/* Moves every token in the vault (read end; its write end closed) back into the
 * jobserver's write end jsw: by splice when the pipe has room for the buffers that adds
 * (docs/design.md); else, if may_copy, through memory (read, write: one buffer that make's
 * writes merge into), else not at all: -ENOSPC. Returns the count moved, or -errno: what
 * was moved before the error is back, the rest stays in the vault. *rest is 0 when the vault
 * was seen empty, 1 when tokens (may) remain: no FIONREAD more for the caller.
 * Async-signal-safe. */
long jobserver_give(int vault, int jsw, int may_copy, int *rest);

#endif
