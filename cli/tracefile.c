/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tracefile.h"
#include "starve.h"
#include "tracerec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line as written by trace_rec_append. */
struct rec {
	double t;
	int pid, ppid;
	char ev[16], src[16], name[TRACE_NAME_MAX + 8], up[TRACE_UP_MAX + 8];
	unsigned long long dev, ino;
	long n, held;
	const char *cmd;
	long idx; /* the line's place in the file: equal times keep the file's order */
};

struct raw {
	struct rec *r;
	int n, cap;
};

static int parse_line(char *line, struct rec *r)
{
	int end = -1;

	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, TRACE_MAGIC " t=%lf pid=%d ppid=%d ev=%15s js=%llu:%llu n=%ld held=%ld "
		   "src=%15s name=%135s up=%167s cmd=%n", &r->t, &r->pid, &r->ppid, r->ev, &r->dev,
		   &r->ino, &r->n, &r->held, r->src, r->name, r->up, &end) != 11 || end < 0)
		return -1;
	if (strcmp(r->ev, "take") && strcmp(r->ev, "give") && strcmp(r->ev, "exit") &&
	    strcmp(r->ev, "wait"))
		return -1;
	r->cmd = strdup(line + end);
	return r->cmd ? 0 : -1;
}

static int read_all(const char *path, struct raw *raw)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	long lineno = 0;

	if (!f) {
		fprintf(stderr, "jobserver-preload: cannot read trace %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (raw->n == raw->cap) {
			raw->cap = raw->cap ? 2 * raw->cap : 256;
			raw->r = realloc(raw->r, (size_t)raw->cap * sizeof *raw->r);
			if (!raw->r)
				break;
		}
		raw->r[raw->n].idx = lineno;
		if (parse_line(line, &raw->r[raw->n]) < 0) {
			fprintf(stderr, "jobserver-preload: %s:%ld is not a trace record of this "
				"version (" TRACE_MAGIC "); was the file written by --trace?\n",
				path, lineno);
			fclose(f);
			return -1;
		}
		raw->n++;
	}
	if (ferror(f) || !raw->r) {
		fprintf(stderr, "jobserver-preload: cannot read trace %s: %s\n", path,
			raw->r ? strerror(errno) : "out of memory");
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void *tf_grow(void *p, int n, size_t size)
{
	if (n & (n - 1))
		return p;
	p = realloc(p, (size_t)(n ? 2 * n : 1) * size);
	if (!p) {
		fputs("jobserver-preload: out of memory reading the trace\n", stderr);
		exit(2);
	}
	return p;
}

static int find_js(struct tracefile *tf, const struct rec *r)
{
	for (int i = 0; i < tf->njs; i++)
		if (tf->js[i].dev == r->dev && tf->js[i].ino == r->ino)
			return i;
	tf->js = tf_grow(tf->js, tf->njs, sizeof *tf->js);
	tf->js[tf->njs] = (struct tf_js){ r->dev, r->ino, strdup(r->name), 0, -1, 0 };
	return tf->njs++;
}

/* The process a record belongs to: the latest with this pid and jobserver, unless it
 * has exited (then the pid was reused). */
static int find_proc(struct tracefile *tf, const struct rec *r, int js)
{
	for (int i = tf->nprocs - 1; i >= 0; i--) {
		struct tf_proc *p = &tf->procs[i];

		if (p->pid == r->pid && p->js == js && !p->exited) {
			free(p->cmd); /* an exec'd image: the latest command names it best */
			p->cmd = strdup(r->cmd);
			return i;
		}
	}
	tf->procs = tf_grow(tf->procs, tf->nprocs, sizeof *tf->procs);
	tf->procs[tf->nprocs] = (struct tf_proc){ .pid = r->pid, .ppid = r->ppid, .js = js,
		.cmd = strdup(r->cmd), .up = strdup(r->up), .first = r->t - tf->t0,
		.reaper = !strcmp(r->src, "reaper") };
	return tf->nprocs++;
}

static void add(struct tracefile *tf, const struct rec *r)
{
	int js = find_js(tf, r), i = find_proc(tf, r, js);
	struct tf_proc *p = &tf->procs[i];
	long n = 0;

	p->last = r->t - tf->t0;
	if (!strcmp(r->src, "reaper"))
		p->vault = r->held;
	if (!strcmp(r->ev, "exit")) {
		p->exited = 1;
		return;
	}
	if (!strcmp(r->ev, "wait")) { /* n: the microseconds it waited */
		p->waits++;
		p->waited += r->n / 1e6;
		starve_note(tf, i, r->n / 1e6);
		return;
	}
	n = !strcmp(r->ev, "take") ? r->n : -r->n;
	if (n > 0)
		p->taken += n;
	else
		p->given -= n;
	if (p->taken - p->given > p->max_held)
		p->max_held = p->taken - p->given;
	tf->ev = tf_grow(tf->ev, tf->nev, sizeof *tf->ev);
	tf->ev[tf->nev++] = (struct tf_event){ r->t - tf->t0, i, n, p->taken - p->given };
}

/* The server made the pool: its first event on the jobserver is the first of all, and
 * a give. Its gives before anyone else's event are the tokens it made. */
static void find_server(struct tracefile *tf, int js)
{
	struct tf_js *j = &tf->js[js];

	for (int e = 0; e < tf->nev; e++) {
		const struct tf_event *ev = &tf->ev[e];

		if (tf->procs[ev->proc].js != js)
			continue;
		if (j->server < 0 && ev->n < 0) {
			j->server = ev->proc;
			tf->procs[ev->proc].server = 1;
		}
		if (j->server != ev->proc || ev->n > 0)
			return; /* a client came first (no server in the trace), or the fill is over */
		j->created -= ev->n;
	}
}

int tracefile_load(const char *path, struct tracefile *tf)
{
	struct raw raw = { 0 };
	int i;

	*tf = (struct tracefile){ 0 };
	if (read_all(path, &raw) < 0)
		return -1;
	tf->records = raw.n;
	/* Each process appends in its own order; the clocks are one, so time orders them. */
	qsort(raw.r, (size_t)raw.n, sizeof *raw.r, by_time);
	if (raw.n)
		tf->t0 = raw.r[0].t, tf->span = raw.r[raw.n - 1].t - raw.r[0].t;
	/* Which jobservers are real: named by a client's MAKEFLAGS or by our reaper. */
	for (i = 0; i < raw.n; i++) {
		int js = find_js(tf, &raw.r[i]); /* before tf->js is read: it may move */

		if (strcmp(raw.r[i].src, "guess"))
			tf->js[js].named = 1;
	}
	for (i = 0; i < raw.n; i++) {
		int js = find_js(tf, &raw.r[i]);

		if (tf->js[js].named)
			add(tf, &raw.r[i]);
	}
	for (i = 0; i < tf->njs; i++)
		find_server(tf, i);
	starve_sort(tf);
	for (i = 0; i < raw.n; i++)
		free((char *)raw.r[i].cmd);
	free(raw.r);
	return 0;
}

void tracefile_free(struct tracefile *tf)
{
	for (int i = 0; i < tf->nprocs; i++)
		free(tf->procs[i].cmd), free(tf->procs[i].up);
	for (int i = 0; i < tf->njs; i++)
		free(tf->js[i].name);
	free(tf->procs);
	free(tf->js);
	free(tf->ev);
	free(tf->starve);
}

long tf_held(const struct tf_proc *p)
{
	return p->taken - p->given;
}

int tf_leaked(const struct tf_proc *p)
{
	return !p->server && tf_held(p) > 0;
}
