/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Elastic private pools (reaper_elastic.h). What the tree wants cannot be seen: a sub-make
 * that waits for a token blocks in read(2) or pselect(2) on the pool, which leaves no mark
 * we can read. The proxy: the pool found empty at two samples in a row while the vault
 * holds some of make's (every token of the pool out, in use for a sample's time at least)
 * means its tree would take one more; it grows by one at the second such sample, by two
 * at the third, and so on. One token always stays (shrink), so that a tree that starts
 * anew shows its want by taking it. Its tokens found in the pool at every sample for
 * ELASTIC_IDLE_MS mean nobody wants them. A tree that
 * takes and gives back between samples looks busy-but-satisfied: nothing moves.
 *
 * Both moves copy through our memory, as every give-back of ours does (jobserver.h): a
 * write merges into the vault's last buffer, where a splice would add a buffer a move,
 * and a vault holds 16. A SIGKILL of the reaper between a read and its write loses what
 * it held, as it loses every vault anyway (docs/design.md, "When a token can be lost").
 */
#include "reaper_elastic.h"
#include "reaper_fds.h"
#include "reaper_owners.h"
#include "reaper_speak.h"
#include "reaper_table.h"
#include "reaper_vaults.h"
#include "sys.h"
#include "wire.h"

#include <fcntl.h>

#define TOKEN '+'
#define MOVE_MAX 64 /* tokens a move takes at most: a sample's growth */

static uint64_t last_ms;

int elastic_live(void)
{
	const struct owners_table *t = owners_table();

	for (int i = 0; i < t->top; i++)
		if (t->o[i].pid && t->o[i].elastic && !t->o[i].ended)
			return 1;
	return 0;
}

/* Has the owner shared its pool (and marked it so)? Asked until it has. */
static int armed(struct owner *o)
{
	struct jsp_stat st;

	if (!o->armed && sys_fstat(o->pool, &st) == 0 && (st.mode & WIRE_POOL_SHARED))
		o->armed = 1;
	return o->armed;
}

/* Up to n of make's free tokens into the vault, then as many of ours into the pool. A
 * token that reached the vault but not the pool (the pool full, a write refused) stays
 * there: the vault holds more than the pool's out, which is never wrong, and it goes
 * back with the rest at the owner's end. */
static int grow(struct owner *o, long n)
{
	char buf[MOVE_MAX];
	int pw, vw = vaults_ends(o->vault, &pw), held = sys_fionread(o->vault);
	int jr, free;
	long got, in = 0, put = 0;

	if (o->max > 0 && held >= 0 && n > o->max - 1 - held)
		n = o->max - 1 - held; /* PARALLELISM --max: the command's slot and max-1 */
	if (n > MOVE_MAX)
		n = MOVE_MAX;
	if (n <= 0 || vw < 0 || pw < 0 || held <= 0)
		return 0; /* none out: the pool is empty for want of tokens, not of demand */
	jr = reaper_reopen(WIRE_JOBSERVER_FD, O_RDONLY);
	free = jr < 0 ? 0 : sys_fionread(jr);
	got = free > 0 ? sys_read(jr, buf, (size_t)(n < free ? n : free)) : 0;
	if (got > 0 && (in = sys_write(vw, buf, (size_t)got)) < got) {
		/* The vault refused (it cannot: it has room for a page): back to make. */
		int jw = owners_jobserver();

		in = in > 0 ? in : 0;
		if (jw >= 0)
			(void)sys_write_all(jw, buf + in, (size_t)(got - in));
		fds_close(jw);
	}
	for (long i = 0; i < in; i++)
		buf[i] = TOKEN;
	if (in > 0)
		put = sys_write(pw, buf, (size_t)in);
	(void)put; /* short: the vault holds the difference, above */
	fds_close(jr);
	speak_elastic(o->errfd, o->err_sock, o->pid, in, held + in);
	record_take(o->tracefd, owners_table()->dev, owners_table()->ino, o->desc, o->pid, in,
		    held + in);
	return in > 0;
}

/* n of ours out of the pool, then as many of make's back from the vault; one stays, so
 * that the next client of the tree that takes it shows its want (below). */
static void shrink(struct owner *o, long n)
{
	char buf[MOVE_MAX];
	int held = sys_fionread(o->vault);
	long got;

	if (held >= 0 && n > held - 1)
		n = held - 1;
	if (n <= 0)
		return;
	got = sys_read(o->pool, buf, (size_t)(n < MOVE_MAX ? n : MOVE_MAX));

	if (got > 0)
		(void)owners_give_some(o, got); /* says so; what it could not stays in the vault */
}

static void sample(struct owner *o, uint64_t now)
{
	int in_pool = armed(o) ? sys_fionread(o->pool) : -1;

	if (in_pool < 0)
		return;
	if (in_pool == 0) {
		o->idle_since = 0;
		/* The second empty sample in a row grows by one, the third by two, ...: a tree
		 * that keeps waiting gets make's free tokens within a few samples. */
		if (++o->empty_runs >= 2 && !grow(o, o->empty_runs - 1))
			o->empty_runs = 1; /* make had none: its first free ones come one by one */
		return;
	}
	o->empty_runs = 0;
	if (!o->idle_since || in_pool < o->idle_min)
		o->idle_min = in_pool;
	if (!o->idle_since) {
		o->idle_since = now;
		return;
	}
	if (now - o->idle_since >= ELASTIC_IDLE_MS) {
		shrink(o, o->idle_min);
		o->idle_since = 0;
	}
}

void elastic_round(void)
{
	struct owners_table *t = owners_table_mut();
	uint64_t now = sys_monotonic_ms();

	if (now - last_ms < ELASTIC_SAMPLE_MS)
		return;
	last_ms = now;
	for (int i = 0; i < t->top; i++) {
		struct owner *o = &t->o[i];

		if (o->pid && o->elastic && !o->ended)
			sample(o, now);
	}
}
