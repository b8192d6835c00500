/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jobserver-preload --status: asking the reaper of a jobserver who holds what (a STATUS,
 * preload/wire.h). It reaches the reaper as an owner does (the rendezvous, the peer's
 * credentials checked: our user, a pid we can see) but never starts one: no reaper means
 * that nothing is claimed from this jobserver now.
 */
#ifndef JSP_STATUS_ASK_H
#define JSP_STATUS_ASK_H

#include "jobserver.h"
#include "wire.h"

/* How long we wait for the answer: a reaper answers within a tick (20 ms) of our
 * connection; the bound is for one that is stopped (SIGSTOP) or starved. */
#define STATUS_ANSWER_WAIT_MS 2000

struct status_answer {
	int reaper;  /* its pid (the kernel's word), or 0 */
	int err;     /* 0, or why there is no answer: -JSP_E_NO_REAPER (none runs), ... */
	struct wire_status_head head;
	struct wire_status_owner owner[WIRE_STATUS_OWNERS_MAX];
};

/* Asks the reaper of js. Fills *a (a->err says why there is no answer). */
void status_ask(const struct jobserver *js, struct status_answer *a);

/* The tokens that the owners of *a hold, in all. */
long status_held(const struct status_answer *a);

#endif
