/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JSON writer for the reports: objects and arrays opened and closed in order, one
 * member per line, indented. The key is NULL for an array's elements and for the top.
 * Strings go through escape_json, so the output is UTF-8 JSON whatever bytes they hold;
 * a string that was not UTF-8 comes a second time as KEY_hex, its bytes exactly.
 */
#ifndef JSP_JSON_H
#define JSP_JSON_H

#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json {
	FILE *f;
	int depth;
	int members[JSON_DEPTH_MAX]; /* members written so far at each depth: the commas */
};

void json_open(struct json *j, const char *key, char bracket); /* '{' or '[' */
void json_close(struct json *j, char bracket);                 /* '}' or ']' */
void json_int(struct json *j, const char *key, long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_seconds(struct json *j, const char *key, double v);  /* to the microsecond */
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
void json_str(struct json *j, const char *key, const char *s);

#endif
