/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Why this is worth a warning: the launcher claims every free token for its command and
 * keeps them in a vault of its reaper, where no jobserver client can read them. When the
 * command is itself a jobserver client (a sub-make, ninja >= 1.13, cargo), or runs one,
 * that client finds the jobserver empty and runs one job at a time, while the tokens it
 * should have used sit unused. The trace shows it as waits (ev=wait) of the command or
 * of its descendants on the jobserver its owner holds tokens of.
 *
 * Descent is read from the ancestors each record carries (up=PID:COMM,..., a few levels
 * from /proc), continued through the records of the last ancestor listed, so a deep
 * tree is followed as far as traced processes reach.
 */
#include "starve.h"

#include <stdlib.h>

#define STEPS_MAX 64 /* ancestors looked at: a bound, since a pid may be reused */

/* The live process of jobserver js with this pid that holds claimed tokens, or -1. */
static int owner_with_pid(const struct tracefile *tf, int pid, int js)
{
	for (int i = tf->nprocs - 1; i >= 0; i--) {
		const struct tf_proc *p = &tf->procs[i];

		if (p->pid == pid && p->js == js && !p->exited && p->vault > 0)
			return i;
	}
	return -1;
}

/* The latest process in the trace with this pid, or -1. */
static int proc_with_pid(const struct tracefile *tf, int pid)
{
	for (int i = tf->nprocs - 1; i >= 0; i--)
		if (tf->procs[i].pid == pid)
			return i;
	return -1;
}

/* The nearest owner among waiter itself and its ancestors, or -1. */
static int find_owner(const struct tracefile *tf, int waiter)
{
	int js = tf->procs[waiter].js, pid = tf->procs[waiter].pid, steps = 0, o;
	const char *up = tf->procs[waiter].up;

	if ((o = owner_with_pid(tf, pid, js)) >= 0)
		return o;
	while (up && steps < STEPS_MAX) {
		const char *s = up;
		int last = 0, p;

		for (; *s && steps < STEPS_MAX; steps++) {
			char *end;

			last = (int)strtol(s, &end, 10);
			if (end == s || last <= 1)
				return -1;
			if ((o = owner_with_pid(tf, last, js)) >= 0)
				return o;
			while (*end && *end != ',')
				end++;
			s = *end ? end + 1 : end;
		}
		p = last ? proc_with_pid(tf, last) : -1;
		up = p >= 0 && tf->procs[p].up != up ? tf->procs[p].up : NULL;
	}
	return -1;
}

void starve_note(struct tracefile *tf, int waiter, double secs)
{
	int owner = find_owner(tf, waiter), i;
	struct tf_starve *s;

	if (owner < 0)
		return;
	for (i = 0; i < tf->nstarve; i++)
		if (tf->starve[i].owner == owner && tf->starve[i].waiter == waiter)
			break;
	if (i == tf->nstarve) {
		tf->starve = tf_grow(tf->starve, tf->nstarve, sizeof *tf->starve);
		tf->starve[tf->nstarve++] = (struct tf_starve){ owner, waiter, 0, 0, 0 };
	}
	s = &tf->starve[i];
	s->waits++;
	s->waited += secs;
	if (tf->procs[owner].vault > s->held)
		s->held = tf->procs[owner].vault;
}

static int by_owner(const void *a, const void *b)
{
	const struct tf_starve *x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	return x->waiter < y->waiter ? -1 : x->waiter > y->waiter;
}

void starve_sort(struct tracefile *tf)
{
	if (tf->nstarve)
		qsort(tf->starve, (size_t)tf->nstarve, sizeof *tf->starve, by_owner);
}
