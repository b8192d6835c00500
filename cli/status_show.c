/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "status_show.h"
#include "escape.h"
#include "json.h"
#include "log.h"
#include "result.h"
#include "sys.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMDLINE_MAX 4096

/* /proc/PID/cmdline, its NULs kept, NUL-terminated; its length, or 0 (the owner has
 * ended, or is a zombie: its cmdline is empty). */
static size_t cmdline(int pid, char *buf, size_t cap)
{
	char path[40];
	long n;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	n = sys_read_file(path, buf, cap - 1);
	n = n < 0 ? 0 : n;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	buf[n] = '\0';
	return (size_t)n;
}

/* The command line as one line of text: its words joined by blanks, every byte that is
 * not printable ASCII as \xHH (a terminal must not take it for a control sequence), cut
 * at max bytes of output. */
static void show_cmdline(FILE *f, int pid, int max)
{
	char buf[CMDLINE_MAX];
	size_t n = cmdline(pid, buf, sizeof buf);
	int out = 0;

	if (!n) {
		fputs("(ended)", f);
		return;
	}
	for (size_t i = 0; i < n && out < max; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!c)
			out += fprintf(f, " ");
		else if (c < 0x20 || c >= 0x7f || c == '\\')
			out += fprintf(f, "\\x%02x", c);
		else
			out += fprintf(f, "%c", c);
	}
}

static const char *reaper_why(int err)
{
	return err == -JSP_E_NO_REAPER ? "none: nothing is claimed from this jobserver now"
	       : err == -JSP_E_HANGUP ? "it closed the connection without an answer (a reaper "
					"of an older version, or not our user's)"
				      : log_errno(err);
}

void status_show_head(FILE *f, const struct status_view *v)
{
	fprintf(f, "jobserver: %s (%s=%s, %s style)\n", v->js->desc, v->auth->option,
		v->auth->value, v->auth->kind == MAKEFLAGS_FIFO ? "fifo, make 4.4" : "pipe, make 4.3");
	fprintf(f, "usable: yes\n");
}

static void show_free(FILE *f, const struct status_view *v)
{
	if (v->free_tokens < 0)
		fprintf(f, "free tokens: unknown (FIONREAD: %s)\n", log_errno(v->free_tokens));
	else
		fprintf(f, "free tokens: %d\n", v->free_tokens);
}

static void show_reaper(FILE *f, const struct status_view *v)
{
	const struct status_answer *a = v->a;

	if (a->err)
		fprintf(f, "reaper: %s\n", reaper_why(a->err));
	else
		fprintf(f, "reaper: pid %d holds %ld tokens for %u owner%s\n", a->reaper,
			status_held(a), a->head.owners, a->head.owners == 1 ? "" : "s");
}

static void show_pool(FILE *f, const struct wire_status_owner *o)
{
	if (o->pool_slots < 0)
		fputs("-", f);
	else
		fprintf(f, "%d/%d", o->pool_busy, o->pool_slots);
}

void status_show_plain(FILE *f, const struct status_view *v)
{
	show_free(f, v);
	show_reaper(f, v);
	for (uint32_t i = 0; i < v->a->head.owners; i++) {
		const struct wire_status_owner *o = &v->a->owner[i];

		fprintf(f, "owner: pid=%d tokens=%d held=%.3fs pool=", o->pid, o->tokens,
			(double)o->held_ms / 1000);
		show_pool(f, o);
		fputs(" command=", f);
		show_cmdline(f, o->pid, CMDLINE_MAX);
		fputc('\n', f);
	}
}

void status_show_table(FILE *f, const struct status_view *v, int cols)
{
	char when[16];
	time_t now = time(NULL);

	strftime(when, sizeof when, "%H:%M:%S", localtime(&now));
	/* Home, clear the screen: the table is drawn in place, once a second. */
	fprintf(f, "\033[H\033[2J%s   %s\n", v->js->desc, when);
	show_free(f, v);
	show_reaper(f, v);
	fprintf(f, "\n%8s %6s %9s %7s  %s\n", "PID", "TOKENS", "HELD", "POOL", "COMMAND");
	for (uint32_t i = 0; i < v->a->head.owners; i++) {
		const struct wire_status_owner *o = &v->a->owner[i];
		char pool[24];

		if (o->pool_slots < 0)
			snprintf(pool, sizeof pool, "-");
		else
			snprintf(pool, sizeof pool, "%d/%d", o->pool_busy, o->pool_slots);
		fprintf(f, "%8d %6d %8.1fs %7s  ", o->pid, o->tokens, (double)o->held_ms / 1000, pool);
		show_cmdline(f, o->pid, cols > 45 ? cols - 35 : 10);
		fputc('\n', f);
	}
}

static void json_owner(struct json *j, const struct wire_status_owner *o)
{
	char buf[CMDLINE_MAX];
	size_t n = cmdline(o->pid, buf, sizeof buf);

	json_open(j, NULL, '{');
	json_int(j, "pid", o->pid);
	json_int(j, "tokens", o->tokens);
	json_seconds(j, "held_seconds", (double)o->held_ms / 1000);
	if (o->pool_slots < 0) {
		json_null(j, "pool");
	} else {
		json_open(j, "pool", '{');
		json_int(j, "slots", o->pool_slots);
		json_int(j, "busy", o->pool_busy);
		json_close(j, '}');
	}
	json_open(j, "argv", '[');
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
		json_str(j, NULL, buf + i);
	json_close(j, ']');
	json_close(j, '}');
}

void status_show_json(FILE *f, const struct status_view *v)
{
	struct json j = { .f = f };
	const struct status_answer *a = v->a;

	json_open(&j, NULL, '{');
	json_str(&j, "jobserver", v->js->desc);
	json_str(&j, "auth", v->auth->value);
	json_str(&j, "style", v->auth->kind == MAKEFLAGS_FIFO ? "fifo" : "pipe");
	json_bool(&j, "usable", 1);
	if (v->free_tokens < 0)
		json_null(&j, "free");
	else
		json_int(&j, "free", v->free_tokens);
	json_int(&j, "held", status_held(a));
	if (a->err) {
		json_null(&j, "reaper");
		json_str(&j, "reaper_absent", reaper_why(a->err));
	} else {
		json_open(&j, "reaper", '{');
		json_int(&j, "pid", a->reaper);
		json_int(&j, "tickets", a->head.tickets);
		json_close(&j, '}');
	}
	json_open(&j, "owners", '[');
	for (uint32_t i = 0; i < a->head.owners; i++)
		json_owner(&j, &a->owner[i]);
	json_close(&j, ']');
	json_close(&j, '}');
}
