/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jobserver-preload --report FILE [--svg OUT] [--json]: who took tokens and did not give
 * them back. The leakers come first, then the wrapped commands that starved their own
 * tree (cli/starve.c), then each jobserver's totals and its table of processes.
 *
 * How make itself appears, and why it is never blamed: the make that creates a jobserver
 * writes its N-1 tokens first (the trace's first events on that pipe are its gives), then
 * reads one to start each job beyond its own and writes it back when the job ends, and at
 * exit reads every token back to count them. So the server's own count ends negative by
 * exactly what others kept; a sub-make reads and writes for its jobs and ends at zero.
 * A client that read more than it wrote when it ended (or when the trace ended, if it
 * wrote no exit record: killed, _exit, still running) holds tokens: that is the leak.
 */
#include "report.h"
#include "report_json.h"
#include "svg.h"
#include "tracefile.h"

#include <stdio.h>
#include <string.h>

/* The command line of pid from the trace, or NULL if it wrote no record. */
static const char *cmd_of(const struct tracefile *tf, int pid)
{
	for (int i = 0; i < tf->nprocs; i++)
		if (tf->procs[i].pid == pid)
			return tf->procs[i].cmd;
	return NULL;
}

/* "4567 sh <- 4500 make -j6 <- ...": from the ancestors each record carries, with the
 * traced command line where the ancestor wrote records itself. */
static void print_chain(const struct tracefile *tf, const struct tf_proc *p)
{
	char up[512];
	const char *sep = "";

	snprintf(up, sizeof up, "%s", p->up);
	printf("    parent chain: ");
	for (char *save, *item = strtok_r(up, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		int pid = 0;
		const char *cmd;

		if (!colon)
			break;
		*colon = '\0';
		sscanf(item, "%d", &pid);
		cmd = cmd_of(tf, pid);
		printf("%s%d %s", sep, pid, cmd ? cmd : colon + 1);
		sep = " <- ";
	}
	printf("%s\n", *sep ? "" : "unknown");
}

static int print_leakers(const struct tracefile *tf)
{
	int n = report_leakers(tf);

	if (!n)
		return 0;
	printf("LEAK: %d process%s ended holding jobserver tokens:\n", n, n == 1 ? "" : "es");
	for (int i = 0; i < tf->nprocs; i++) {
		const struct tf_proc *p = &tf->procs[i];

		if (!tf_leaked(p))
			continue;
		printf("  pid %d held %ld token%s %s: %s\n", p->pid, tf_held(p),
		       tf_held(p) == 1 ? "" : "s",
		       p->exited ? "when it exited" : "at its last record (no exit record: killed, "
		       "_exit, or still running)", p->cmd);
		printf("    jobserver %s, took %ld, returned %ld\n", tf->js[p->js].name, p->taken,
		       p->given);
		print_chain(tf, p);
	}
	printf("\n");
	return n;
}

/* Waits of a wrapped command's own tree on the jobserver its tokens were claimed from. */
static int print_starved(const struct tracefile *tf)
{
	int owners = 0;

	for (int i = 0; i < tf->nstarve; i++)
		owners += i == 0 || tf->starve[i].owner != tf->starve[i - 1].owner;
	if (!owners)
		return 0;
	printf("WARNING: %d wrapped command%s held claimed tokens while %s own tree waited for a "
	       "token on the same, empty, jobserver:\n", owners, owners == 1 ? "" : "s",
	       owners == 1 ? "its" : "their");
	for (int i = 0; i < tf->nstarve; i++) {
		const struct tf_starve *s = &tf->starve[i];
		const struct tf_proc *o = &tf->procs[s->owner], *w = &tf->procs[s->waiter];

		if (i == 0 || s->owner != tf->starve[i - 1].owner)
			printf("  pid %d held %ld token%s of jobserver %s: %s\n", o->pid, s->held,
			       s->held == 1 ? "" : "s", tf->js[o->js].name, o->cmd);
		printf("    while pid %d%s waited %ld time%s, %.3f s in all: %s\n", w->pid,
		       s->waiter == s->owner ? " (itself)" : "", s->waits, s->waits == 1 ? "" : "s",
		       s->waited, w->cmd);
	}
	printf("  a program that takes tokens itself (make, ninja >= 1.13, cargo) gets none "
	       "under jobserver-preload: run it without the wrapper\n\n");
	return owners;
}

void report_totals(const struct tracefile *tf, int js, struct report_totals *t)
{
	*t = (struct report_totals){ 0 };
	for (int i = 0; i < tf->nprocs; i++) {
		const struct tf_proc *p = &tf->procs[i];

		if (p->js != js && js >= 0)
			continue;
		t->procs++;
		t->taken += p->taken;
		t->given += p->given;
		if (tf_leaked(p))
			t->kept += tf_held(p);
	}
}

static void print_jobserver(const struct tracefile *tf, int js)
{
	const struct tf_js *j = &tf->js[js];
	struct report_totals t;

	report_totals(tf, js, &t);
	printf("jobserver %s (dev:ino %llu:%llu): %d processes, %ld tokens taken, %ld returned\n",
	       j->name, (unsigned long long)j->dev, (unsigned long long)j->ino, t.procs, t.taken,
	       t.given);
	if (j->server >= 0)
		printf("  server: pid %d (%s) made %ld tokens\n", tf->procs[j->server].pid,
		       tf->procs[j->server].cmd, j->created);
	else
		printf("  server: not in the trace (its make ran without the trace library)\n");
	printf("  kept by processes that ended: %ld%s\n", t.kept, t.kept ? "  <-- leak" : " (balanced)");
	printf("  %7s %7s %8s %5s  %s\n", "pid", "taken", "returned", "net", "command");
	for (int i = 0; i < tf->nprocs; i++) {
		const struct tf_proc *p = &tf->procs[i];

		if (p->js != js)
			continue;
		printf("  %7d %7ld %8ld %5ld  %s%s%s\n", p->pid, p->taken, p->given, tf_held(p),
		       p->server ? "[server] " : "", tf_leaked(p) ? "[LEAK] " : "", p->cmd);
	}
	printf("\n");
}

static void print_text(const struct tracefile *tf, const char *file)
{
	int leakers, starved, named = report_named(tf);

	printf("trace %s: %ld records, %d processes, %d jobserver%s, %.3f s\n\n", file,
	       tf->records, tf->nprocs, named, named == 1 ? "" : "s", tf->span);
	leakers = print_leakers(tf);
	starved = print_starved(tf);
	for (int i = 0; i < tf->njs; i++)
		if (tf->js[i].named)
			print_jobserver(tf, i);
	if (!named)
		printf("no jobserver activity recorded: nothing took a token (no -j, or no "
		       "process of the tree had the trace library preloaded)\n");
	else
		printf("result: %s%s\n", leakers ? "leak (see LEAK above)" : "balanced",
		       starved ? ", and a wrapped command starved its own tree (see WARNING above)" : "");
}

int report_named(const struct tracefile *tf)
{
	int named = 0;

	for (int i = 0; i < tf->njs; i++)
		named += tf->js[i].named;
	return named;
}

int report_leakers(const struct tracefile *tf)
{
	int n = 0;

	for (int i = 0; i < tf->nprocs; i++)
		n += tf_leaked(&tf->procs[i]);
	return n;
}

int report_main(const char *file, const char *svg_out, int json)
{
	struct tracefile tf;
	int status;

	if (tracefile_load(file, &tf) < 0)
		return 2;
	if (json)
		report_json(&tf, file);
	else
		print_text(&tf, file);
	status = report_leakers(&tf) ? 1 : 0;
	if (fflush(stdout) != 0)
		status = 2;
	if (svg_out && svg_write(&tf, svg_out) < 0)
		status = 2;
	tracefile_free(&tf);
	return status;
}
