/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reaper: a small process, no child of any owner, that holds each owner's tokens in a
 * vault (a pipe) and gives them back when the owner ends without having given them back
 * itself (SIGKILL, a crash, an exec into a program without the library). One serves every
 * owner of a jobserver while it runs (reaper.c); owners find it, or start it, by a unix
 * socket, and claim and release through it (reaper_client.c). docs/design.md argues why no
 * token is lost or given back twice.
 */
#ifndef JSP_REAPER_H
#define JSP_REAPER_H

#include "jobserver.h"

#include <stdint.h>

/* Where an owner's tokens are: in its vault, whose read end is fd in the reaper. */
struct reaper {
	int pid;                       /* the reaper */
	int fd;                        /* the vault's read end, in the reaper's fd table */
	uint64_t vault_dev, vault_ino; /* 0: nothing is held */
};

/* Moves up to cap tokens of js into a new vault held by the reaper of js for this process
 * (pid: ours, as getpid says; the caller knows it already), starting the
 * reaper if there is none. Returns how many (>= 0) and fills *r, or -errno with nothing
 * taken. No fd, child or signal of ours is left in the calling process; js stays open for
 * the caller to close. */
long reaper_claim(const struct jobserver *js, long cap, int pid, struct reaper *r);

/* The owner's exit: the tokens go back to the jobserver dev:ino before this returns, so
 * that they are back before make sees our exit status: moved by us from the vault, found
 * through /proc/PID/fd of the reaper, or else by the reaper when we ask it. Returns the
 * count given back, or -errno. Async-signal-safe. */
long reaper_release(const struct reaper *r, uint64_t dev, uint64_t ino);

/* The reaper process itself, in a grandchild made by reaper_claim: binds the name of the
 * reaper of dev:ino, says on report whether it could (an int: 0 or -errno), and serves
 * until it has held nothing for a while. */
_Noreturn void reaper_main(uint64_t dev, uint64_t ino, int report);

#endif
