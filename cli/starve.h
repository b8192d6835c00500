/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who starved whom: a wait for a token, held against the tokens that the waiter's own
 * wrapper had claimed at that moment. Called by the trace's reader in time order, so
 * "at that moment" is the state read so far.
 */
#ifndef JSP_STARVE_H
#define JSP_STARVE_H

#include "tracefile.h"

/* Process waiter waited secs for a token of its jobserver. If that process or one of its
 * ancestors is a wrapped command that holds claimed tokens of the same jobserver now,
 * the wait is added to their tf_starve. */
void starve_note(struct tracefile *tf, int waiter, double secs);

/* Once the trace is read: tf->starve in the order of owners, then of waiters. */
void starve_sort(struct tracefile *tf);

#endif
