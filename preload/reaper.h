/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reaper: a small process, no child of the owner, that takes the tokens itself and
 * gives them back when the owner releases it at exit or when the owner ends any other
 * way (SIGKILL, a crash, _exit). It is the only process that ever writes them back.
 * docs/design.md argues why no byte is written twice.
 */
#ifndef JSP_REAPER_H
#define JSP_REAPER_H

#include "jobserver.h"

#include <stdint.h>

struct reaper {
	int pid;        /* 0: there is none (nothing was taken) */
	uint64_t start; /* its start time (/proc/PID/stat field 22): tells it from a reused pid */
};

/* Starts a reaper that takes up to cap tokens from js. Returns how many it holds (>= 0) and
 * fills *r, or -errno with nothing taken. No fd, child or signal of ours is left in the
 * calling process; js stays open for the caller to close. */
long reaper_claim(const struct jobserver *js, long cap, struct reaper *r);

/* The owner's exit: tells the reaper to give the tokens back and waits (bounded) until it
 * has, so that they are back before make sees our exit status. Async-signal-safe. */
void reaper_release(const struct reaper *r);

#endif
