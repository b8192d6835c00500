/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The jobserver I/O: validate what MAKEFLAGS names, open it privately, take and give tokens. */
#ifndef JSP_JOBSERVER_H
#define JSP_JOBSERVER_H

#include "makeflags.h"

#include <stddef.h>
#include <stdint.h>

struct jobserver {
	int rfd;           /* our own O_NONBLOCK|O_CLOEXEC open file description, for reading */
	uint64_t dev, ino; /* the pipe or fifo itself: its identity across processes */
	char desc[96];     /* "pipe fds 3,4" or "fifo /tmp/GMfifo1", for messages */
};

/* Checks what the parsed MAKEFLAGS names before a byte moves: the fds are open, are one
 * FIFO, and are open for reading and writing; or the path names a FIFO. Then opens the
 * jobserver for reading through /proc/self/fd so that the inherited fds' flags are never
 * changed (the tokens go back through a writer opened from the reaper's: wire.h). Returns
 * 0, or -1 after saying why (when verbose). Opens nothing on failure. */
int jobserver_open(const struct makeflags_auth *auth, struct jobserver *js);

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
 * no jobserver left: -JSP_E_EOF). */
long jobserver_take(const struct jobserver *js, int vault, size_t cap);

/* Tokens given back by splice arrive as pipe buffers of their own, one per buffer of the
 * vault, which make's one-byte writes cannot merge into; a pipe has room for 16 buffers
 * by default (2 when its user has too many), however few bytes each holds. If they
 * filled it, make's next write of a token would block for good. jobserver_make_room
 * grows the pipe to make's -jN buffers and one (or JOBSERVER_ROOM_MAX, as many as an
 * unprivileged user may have, when that is more or jobs is 0: unknown), so that splices
 * fit more often (splice_fits in jobserver.c); a refusal is fine. */
#define JOBSERVER_ROOM_MAX 256
void jobserver_make_room(const struct jobserver *js, int jobs);

/* Moves every token in the vault (read end) back into the jobserver's write end jsw.
 * JOBSERVER_SPLICE (an owner, holding the jobserver's lock: owner_release.c): by splice,
 * and only when the pipe has room for the buffers that adds (docs/design.md), else not at
 * all (-JSP_E_NO_ROOM); never waits. JOBSERVER_COPY (the reaper): through memory (read,
 * write: a buffer that make's writes merge into), waiting for room if need be. Returns
 * the count moved, or a negative code (-JSP_E_FULL: the pipe stayed full): what was moved
 * before the error is back, the rest stays in the vault. *rest is 0 when the vault was
 * seen empty, 1 when tokens (may) remain: no FIONREAD more for the caller.
 * Async-signal-safe. */
enum jobserver_give_how { JOBSERVER_SPLICE, JOBSERVER_COPY };
long jobserver_give(int vault, int jsw, enum jobserver_give_how how, int *rest);
/* The same, max tokens at most: as many originals as private tokens came back to a pool
 * (reaper_pools.h). */
long jobserver_give_some(int vault, int jsw, enum jobserver_give_how how, long max, int *rest);

#endif
