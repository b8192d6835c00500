/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report as JSON, for CI (`jq -e '.leakers == []'`) and for scripts: the same facts
 * as the text, each once, under stable names. Strings are whatever the trace holds (a
 * command line cut to 160 bytes, a fifo path): cli/json.h says how bytes that are not
 * UTF-8 are carried.
 */
#include "report_json.h"
#include "json.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

/* "PID:COMM,PID:COMM,..." as [{"pid": PID, "comm": "COMM"}, ...]. */
static void ancestors(struct json *j, const char *up)
{
	json_open(j, "ancestors", '[');
	while (up && *up) {
		char *end, comm[64];
		long pid = strtol(up, &end, 10);
		size_t n;

		if (end == up || *end != ':')
			break;
		n = strcspn(end + 1, ",");
		snprintf(comm, sizeof comm, "%.*s", (int)n, end + 1);
		json_open(j, NULL, '{');
		json_int(j, "pid", pid);
		json_str(j, "comm", comm);
		json_close(j, '}');
		up = end + 1 + n + (end[1 + n] == ',');
	}
	json_close(j, ']');
}

static void process(struct json *j, const struct tracefile *tf, const struct tf_proc *p)
{
	json_open(j, NULL, '{');
	json_int(j, "pid", p->pid);
	json_int(j, "ppid", p->ppid);
	json_str(j, "cmd", p->cmd);
	json_str(j, "jobserver", tf->js[p->js].name);
	json_int(j, "taken", p->taken);
	json_int(j, "returned", p->given);
	json_int(j, "held", tf_held(p));
	json_int(j, "max_held", p->max_held);
	json_bool(j, "exited", p->exited);
	json_bool(j, "server", p->server);
	json_bool(j, "wrapped", p->reaper);
	json_bool(j, "leaked", tf_leaked(p));
	json_int(j, "waits", p->waits);
	json_seconds(j, "waited", p->waited);
	json_seconds(j, "first", p->first);
	json_seconds(j, "last", p->last);
	ancestors(j, p->up);
	json_close(j, '}');
}

static void pid_and_cmd(struct json *j, const char *key, const struct tf_proc *p)
{
	json_open(j, key, '{');
	json_int(j, "pid", p->pid);
	json_str(j, "cmd", p->cmd);
	json_close(j, '}');
}

static void starved(struct json *j, const struct tracefile *tf)
{
	json_open(j, "starved", '[');
	for (int i = 0; i < tf->nstarve; i++) {
		const struct tf_starve *s = &tf->starve[i];

		json_open(j, NULL, '{');
		pid_and_cmd(j, "owner", &tf->procs[s->owner]);
		json_int(j, "held", s->held);
		json_str(j, "jobserver", tf->js[tf->procs[s->owner].js].name);
		pid_and_cmd(j, "waiter", &tf->procs[s->waiter]);
		json_int(j, "waits", s->waits);
		json_seconds(j, "waited", s->waited);
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void jobservers(struct json *j, const struct tracefile *tf)
{
	json_open(j, "jobservers", '[');
	for (int i = 0; i < tf->njs; i++) {
		const struct tf_js *s = &tf->js[i];
		struct report_totals t;

		if (!s->named)
			continue;
		report_totals(tf, i, &t);
		json_open(j, NULL, '{');
		json_str(j, "name", s->name);
		json_uint(j, "dev", s->dev);
		json_uint(j, "ino", s->ino);
		json_int(j, "processes", t.procs);
		json_int(j, "taken", t.taken);
		json_int(j, "returned", t.given);
		json_int(j, "kept", t.kept);
		if (s->server >= 0) {
			pid_and_cmd(j, "server", &tf->procs[s->server]);
			json_int(j, "made", s->created);
		} else {
			json_null(j, "server");
		}
		json_close(j, '}');
	}
	json_close(j, ']');
}

void report_json(const struct tracefile *tf, const char *file)
{
	struct json j = { .f = stdout };
	struct report_totals t;
	int leakers = report_leakers(tf);

	report_totals(tf, -1, &t);
	json_open(&j, NULL, '{');
	json_str(&j, "trace", file);
	json_int(&j, "records", tf->records);
	json_seconds(&j, "span", tf->span);
	json_str(&j, "result", !report_named(tf) ? "none" : leakers ? "leak" : "balanced");
	json_int(&j, "taken", t.taken);
	json_int(&j, "returned", t.given);
	json_int(&j, "kept", t.kept);
	json_open(&j, "processes", '[');
	for (int i = 0; i < tf->nprocs; i++)
		process(&j, tf, &tf->procs[i]);
	json_close(&j, ']');
	json_open(&j, "leakers", '[');
	for (int i = 0; i < tf->nprocs; i++)
		if (tf_leaked(&tf->procs[i]))
			process(&j, tf, &tf->procs[i]);
	json_close(&j, ']');
	starved(&j, tf);
	jobservers(&j, tf);
	json_close(&j, '}');
}
