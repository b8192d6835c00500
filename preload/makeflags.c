/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MAKEFLAGS parser. Pure: no syscalls, no allocation, no libc calls, so that it
 * can run in any process at start-up and be fuzzed alone.
 *
 * Format, from GNU make's main.c (define_makeflags) and its manual ("POSIX Jobserver"):
 * words separated by blanks; a blank or backslash inside a word is escaped with a
 * backslash; a word "--" ends the options and starts the command-line variable
 * overrides, which may contain anything (VAR=--jobserver-auth=9,9 is a variable).
 * make 4.2+ writes --jobserver-auth=, older makes --jobserver-fds=; a make that
 * re-execs or a sub-make may append a second one, and the last one is in force
 * (the Rust jobserver crate and ninja 1.13 take the last one too).
 */
#include "makeflags.h"

#include <limits.h>

static const char AUTH[] = "--jobserver-auth=";
static const char FDS[] = "--jobserver-fds=";

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int has_prefix(const char *s, const char *end, const char *prefix)
{
	while (*prefix) {
		if (s == end || *s != *prefix)
			return 0;
		s++, prefix++;
	}
	return 1;
}

/* Copies [s, end) into dst without make's backslash escapes. Returns 0 if it fits. */
static int unescape(const char *s, const char *end, char *dst, size_t cap)
{
	size_t n = 0;

	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		if (n + 1 >= cap)
			return -1;
		dst[n++] = *s;
	}
	dst[n] = '\0';
	return 0;
}

/* A decimal int with an optional '-', ending at `stop`; no blanks, no '+', no overflow. */
static int parse_int(const char **sp, char stop, int *out)
{
	const char *s = *sp;
	int neg = 0;
	long long v = 0;

	if (*s == '-')
		neg = 1, s++;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	if (*s != stop)
		return -1;
	*out = neg ? (int)-v : (int)v;
	*sp = s;
	return 0;
}

/* The N of a -jN word (make writes its -j as a word of its own); a -j without a number
 * (cargo writes one) or a bad one leaves *jobs as it was. */
static void jobs_word(const char *s, const char *end, int *jobs)
{
	long long v = 0; /* a long is 32 bits on i386: v * 10 must not overflow it */

	for (; s < end && *s >= '0' && *s <= '9' && v <= INT_MAX; s++)
		v = v * 10 + (*s - '0');
	if (s == end && v > 0 && v <= INT_MAX)
		*jobs = (int)v;
}

static enum makeflags_kind classify(struct makeflags_auth *a)
{
	const char *s = a->value;

	if (has_prefix(s, s + sizeof a->value, "fifo:")) {
		if (!s[5])
			return MAKEFLAGS_INVALID; /* path stays NULL: it is set only for FIFO */
		a->path = s + 5;
		return MAKEFLAGS_FIFO;
	}
	if (parse_int(&s, ',', &a->rfd) != 0)
		return MAKEFLAGS_INVALID;
	s++;
	if (parse_int(&s, '\0', &a->wfd) != 0)
		return MAKEFLAGS_INVALID;
	if (a->rfd < 0 || a->wfd < 0)
		return MAKEFLAGS_DISABLED;
	return MAKEFLAGS_PIPE;
}

enum makeflags_kind makeflags_parse(const char *mf, struct makeflags_auth *out)
{
	const char *last = NULL, *last_end = NULL, *last_opt = NULL;

	out->kind = MAKEFLAGS_NONE;
	out->rfd = out->wfd = -1;
	out->option = NULL;
	out->path = NULL;
	out->value[0] = '\0';
	out->jobs = 0;
	out->unlimited = 0;
	if (!mf)
		return out->kind;

	while (*mf) {
		const char *w, *end;

		while (is_blank(*mf))
			mf++;
		w = mf;
		while (*mf && !is_blank(*mf)) {
			if (*mf == '\\' && mf[1])
				mf++;
			mf++;
		}
		end = mf;
		if (end - w == 2 && w[0] == '-' && w[1] == '-')
			break; /* variable overrides follow */
		if (end - w >= 2 && w[0] == '-' && w[1] == 'j') {
			/* make -j runs any number of jobs and makes no jobserver: say so */
			out->unlimited = end - w == 2;
			jobs_word(w + 2, end, &out->jobs);
		}
		else if (has_prefix(w, end, AUTH))
			last = w + sizeof AUTH - 1, last_end = end, last_opt = "--jobserver-auth";
		else if (has_prefix(w, end, FDS))
			last = w + sizeof FDS - 1, last_end = end, last_opt = "--jobserver-fds";
	}
	if (!last)
		return out->kind;

	out->option = last_opt;
	if (unescape(last, last_end, out->value, sizeof out->value) != 0) {
		out->value[0] = '\0';
		return out->kind = MAKEFLAGS_INVALID;
	}
	return out->kind = classify(out);
}

/* Appends [s, end) (or s up to its NUL, for end NULL) to out at *n, with a backslash
 * before each blank and backslash when esc, as make escapes a word. Returns 0, or -1 when
 * out (cap bytes, with the NUL still to come) is full. */
static int put(char *out, size_t cap, size_t *n, const char *s, const char *end, int esc)
{
	for (; end ? s < end : *s != '\0'; s++) {
		if (esc && (is_blank(*s) || *s == '\\')) {
			if (*n + 1 >= cap)
				return -1;
			out[(*n)++] = '\\';
		}
		if (*n + 1 >= cap)
			return -1;
		out[(*n)++] = *s;
	}
	return 0;
}

long makeflags_repoint(const char *mf, const char *path, char *out, size_t cap)
{
	static const char FIFO[] = "--jobserver-auth=fifo:";
	size_t n = 0;
	int options = 1, r = 0;

	if (cap == 0)
		return -1;
	while (*mf && r == 0) {
		const char *w = mf;

		if (is_blank(*mf)) {
			r = put(out, cap, &n, w, ++mf, 0);
			continue;
		}
		while (*mf && !is_blank(*mf)) {
			if (*mf == '\\' && mf[1])
				mf++;
			mf++;
		}
		if (mf - w == 2 && w[0] == '-' && w[1] == '-')
			options = 0; /* variable overrides follow: copied as they are */
		if (options && mf - w > (long)sizeof FIFO - 1 && has_prefix(w, mf, FIFO)) {
			r = put(out, cap, &n, FIFO, NULL, 0);
			r = r < 0 ? r : put(out, cap, &n, path, NULL, 1);
		} else {
			r = put(out, cap, &n, w, mf, 0);
		}
	}
	if (r < 0)
		return -1;
	out[n] = '\0';
	return (long)n;
}

const char *makeflags_kind_name(enum makeflags_kind kind)
{
	switch (kind) {
	case MAKEFLAGS_NONE: return "none";
	case MAKEFLAGS_DISABLED: return "disabled";
	case MAKEFLAGS_PIPE: return "pipe";
	case MAKEFLAGS_FIFO: return "fifo";
	case MAKEFLAGS_INVALID: return "invalid";
	}
	return "?";
}
