/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain SVG 1.1 that any browser opens: rectangles, polylines and text, no script, no
 * fonts beyond the generic family. Layout, top to bottom: the title, each jobserver's
 * free tokens as a step line, then one row per process that held tokens with its holding
 * as a bar (height = tokens), red for a process that ended holding them.
 */
#include "svg.h"
#include "escape.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define WIDTH 1200
#define LEFT 400  /* the labels' column */
#define RIGHT 30
#define TOP 60
#define POOL_H 110 /* the free-token line's band */
#define ROW_H 30
#define LABEL_MAX 44
#define BLUE "#3b73c4"
#define RED "#d62728"
#define GREY "#888888"
#define REAPER_OF "[reaper of "

struct plot {
	FILE *f;
	const struct tracefile *tf;
	double span;
	long max_held;
};

static double x_of(const struct plot *pl, double t)
{
	return LEFT + t / pl->span * (WIDTH - LEFT - RIGHT);
}

/* The command without the directory of its program: the label's room is short. */
static const char *short_cmd(const char *cmd)
{
	const char *end = cmd + strcspn(cmd, " "), *s = cmd;

	for (const char *p = cmd; p < end; p++)
		if (*p == '/')
			s = p + 1;
	return s;
}

/* The length of "[reaper of PID] " at the start of cmd (digits and ASCII only), or 0. */
static int reaper_prefix(const char *cmd)
{
	size_t n = strlen(REAPER_OF), digits;

	if (strncmp(cmd, REAPER_OF, n))
		return 0;
	digits = strspn(cmd + n, "0123456789");
	if (!digits || cmd[n + digits] != ']' || cmd[n + digits + 1] != ' ')
		return 0;
	return (int)(n + digits + 2);
}

/* The server's count starts at minus the tokens it made: drawn from zero. */
static long shown(const struct tracefile *tf, const struct tf_proc *p, long held)
{
	long v = p->server ? held + tf->js[p->js].created : held;

	return v > 0 ? v : 0;
}

static void axis(const struct plot *pl, int bottom)
{
	fprintf(pl->f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s'/>\n", LEFT, bottom,
		WIDTH - RIGHT, bottom, GREY);
	for (int i = 0; i <= 5; i++) {
		double t = pl->span * i / 5;

		fprintf(pl->f, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle' "
			"fill='%s'>%.2f s</text>\n", x_of(pl, t), bottom + 14, GREY, t);
	}
}

/* A step line of the free tokens of jobserver js: written minus read by everyone. */
static void pool_line(const struct plot *pl, int js, const char *colour)
{
	const struct tracefile *tf = pl->tf;
	long free_now = 0, top = 1, low = 0;
	int bottom = TOP + POOL_H;

	/* Without its server in the trace the pool's start is unknown: the lowest point is 0. */
	for (int e = 0; e < tf->nev; e++)
		if (tf->procs[tf->ev[e].proc].js == js) {
			free_now -= tf->ev[e].n;
			top = free_now > top ? free_now : top;
			low = free_now < low ? free_now : low;
		}
	top -= low;
	free_now = -low;
	fprintf(pl->f, "<polyline fill='none' stroke='%s' stroke-width='2' points='%.1f,%.1f",
		colour, x_of(pl, 0), bottom - (double)free_now / top * (POOL_H - 20));
	for (int e = 0; e < tf->nev; e++) {
		const struct tf_event *ev = &tf->ev[e];
		double x = x_of(pl, ev->t);

		if (tf->procs[ev->proc].js != js)
			continue;
		fprintf(pl->f, " %.1f,%.1f", x, bottom - (double)free_now / top * (POOL_H - 20));
		free_now -= ev->n;
		fprintf(pl->f, " %.1f,%.1f", x, bottom - (double)free_now / top * (POOL_H - 20));
	}
	fprintf(pl->f, " %.1f,%.1f'/>\n", x_of(pl, pl->span),
		bottom - (double)free_now / top * (POOL_H - 20));
	fprintf(pl->f, "<text x='%d' y='%d' font-size='12' text-anchor='end'>free tokens of ",
		LEFT - 8, TOP + 20);
	escape_xml(pl->f, tf->js[js].name, LABEL_MAX);
	fprintf(pl->f, " (max %ld)</text>\n", top);
	fprintf(pl->f, "<text x='%d' y='%d' font-size='11' text-anchor='end' fill='%s'>0</text>\n",
		LEFT - 8, bottom, GREY);
}

/* One bar per span of constant holding, from each event to the process's next one (or
 * the end of the trace, for a process that never gave its tokens back). */
static void row(const struct plot *pl, int proc, int y)
{
	const struct tracefile *tf = pl->tf;
	const struct tf_proc *p = &tf->procs[proc];
	const char *colour = tf_leaked(p) ? RED : BLUE;
	double t = 0;
	long held = 0;
	int n;

	fprintf(pl->f, "<rect x='%d' y='%d' width='%d' height='%d' fill='%s'/>\n", LEFT, y,
		WIDTH - LEFT - RIGHT, ROW_H - 2, proc % 2 ? "#f4f4f4" : "#fafafa");
	for (int e = 0; e <= tf->nev; e++) {
		double end = e < tf->nev ? tf->ev[e].t : pl->span;
		double h;

		if (e < tf->nev && tf->ev[e].proc != proc)
			continue;
		h = (double)shown(tf, p, held) / pl->max_held * (ROW_H - 4);
		if (h > 0)
			fprintf(pl->f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
				"<title>pid %d holds %ld</title></rect>\n", x_of(pl, t),
				y + ROW_H - 2 - h, x_of(pl, end) - x_of(pl, t) + 0.5, h, colour,
				p->pid, shown(tf, p, held));
		if (e < tf->nev)
			t = end, held = tf->ev[e].held;
	}
	fprintf(pl->f, "<text x='%d' y='%d' font-size='12' text-anchor='end' fill='%s'>%d ",
		LEFT - 8, y + ROW_H - 8, tf_leaked(p) ? RED : "black", p->pid);
	if (tf_leaked(p))
		fprintf(pl->f, "LEAK %ld: ", tf_held(p));
	else if (p->server)
		fputs("server: ", pl->f);
	if ((n = reaper_prefix(p->cmd))) { /* "[reaper of PID] " stays whole */
		fprintf(pl->f, "%.*s", n, p->cmd);
		escape_xml(pl->f, short_cmd(p->cmd + n), LABEL_MAX - n);
	} else {
		escape_xml(pl->f, short_cmd(p->cmd), LABEL_MAX - (tf_leaked(p) ? 9 : 0));
	}
	fputs("</text>\n", pl->f);
}

/* Under the timeline, in full: who ended holding tokens. */
static void leakers(const struct plot *pl, int y)
{
	const struct tracefile *tf = pl->tf;

	for (int i = 0; i < tf->nprocs; i++) {
		const struct tf_proc *p = &tf->procs[i];

		if (!tf_leaked(p))
			continue;
		fprintf(pl->f, "<text x='20' y='%d' font-size='13' fill='%s'>LEAK: pid %d ended "
			"holding %ld token%s: ", y, RED, p->pid, tf_held(p), tf_held(p) == 1 ? "" : "s");
		escape_xml(pl->f, p->cmd, 120);
		fputs("</text>\n", pl->f);
		y += 20;
	}
}

static int held_tokens(const struct tracefile *tf, int i)
{
	return tf->js[tf->procs[i].js].named && shown(tf, &tf->procs[i], tf->procs[i].max_held) > 0;
}

int svg_write(const struct tracefile *tf, const char *path)
{
	static const char *colours[] = { "#2ca02c", "#9467bd", "#ff7f0e", "#17becf" };
	struct plot pl = { fopen(path, "we"), tf, tf->span > 1e-6 ? tf->span : 1e-6, 1 };
	int rows = 0, leaks = 0, y, ok;

	if (!pl.f) {
		fprintf(stderr, "jobserver-preload: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < tf->nprocs; i++)
		leaks += tf_leaked(&tf->procs[i]);
	for (int i = 0; i < tf->nprocs; i++)
		if (held_tokens(tf, i)) {
			rows++;
			if (shown(tf, &tf->procs[i], tf->procs[i].max_held) > pl.max_held)
				pl.max_held = shown(tf, &tf->procs[i], tf->procs[i].max_held);
		}
	y = TOP + POOL_H + 40;
	fprintf(pl.f, "<?xml version='1.0' encoding='UTF-8'?>\n<svg xmlns='http://www.w3.org/2000/svg' "
		"width='%d' height='%d' font-family='sans-serif'>\n<rect width='100%%' "
		"height='100%%' fill='white'/>\n<text x='20' y='28' font-size='16'>jobserver tokens "
		"over time: %d processes held tokens (bar height: tokens held, up to %ld); red: "
		"ended holding them</text>\n", WIDTH, y + rows * ROW_H + 60 + 20 * leaks, rows,
		pl.max_held);
	for (int j = 0, k = 0; j < tf->njs; j++)
		if (tf->js[j].named)
			pool_line(&pl, j, colours[k++ % 4]);
	axis(&pl, TOP + POOL_H + 4);
	for (int i = 0; i < tf->nprocs; i++)
		if (held_tokens(tf, i)) {
			row(&pl, i, y);
			y += ROW_H;
		}
	axis(&pl, y + 4);
	leakers(&pl, y + 40);
	fputs("</svg>\n", pl.f);
	ok = !ferror(pl.f);
	if (fclose(pl.f) != 0 || !ok) {
		fprintf(stderr, "jobserver-preload: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
