/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"
#include "escape.h"

/* The comma, the line break and the indent before a member, then its key. */
static void member(struct json *j, const char *key)
{
	int d = j->depth < JSON_DEPTH_MAX ? j->depth : JSON_DEPTH_MAX - 1;

	if (j->depth > 0)
		fprintf(j->f, "%s\n%*s", j->members[d]++ ? "," : "", 2 * j->depth, "");
	if (key) {
		escape_json(j->f, key);
		fputs(": ", j->f);
	}
}

void json_open(struct json *j, const char *key, char bracket)
{
	member(j, key);
	fputc(bracket, j->f);
	if (++j->depth < JSON_DEPTH_MAX)
		j->members[j->depth] = 0;
}

void json_close(struct json *j, char bracket)
{
	int d = j->depth < JSON_DEPTH_MAX ? j->depth : JSON_DEPTH_MAX - 1;

	j->depth--;
	if (j->members[d])
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(bracket, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void json_int(struct json *j, const char *key, long v)
{
	member(j, key);
	fprintf(j->f, "%ld", v);
}

void json_uint(struct json *j, const char *key, unsigned long long v)
{
	member(j, key);
	fprintf(j->f, "%llu", v);
}

void json_seconds(struct json *j, const char *key, double v)
{
	member(j, key);
	fprintf(j->f, "%.6f", v);
}

void json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_str(struct json *j, const char *key, const char *s)
{
	char hexkey[64];

	member(j, key);
	escape_json(j->f, s);
	if (!key || utf8_valid(s))
		return;
	snprintf(hexkey, sizeof hexkey, "%s_hex", key);
	member(j, hexkey);
	fputc('"', j->f);
	escape_hex(j->f, s);
	fputc('"', j->f);
}
