/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The same checks as the library's claim (jobserver_open, with its messages on), so that
 * what --status says inside a recipe is what jobserver-preload CMD would find there.
 * FIONREAD counts the bytes in the pipe without reading them: no token moves. Who holds
 * the claimed ones is the reaper's answer to a STATUS (status_ask.c); --watch asks again
 * once a second.
 */
#include "status.h"
#include "jobserver.h"
#include "log.h"
#include "makeflags.h"
#include "status_ask.h"
#include "status_show.h"
#include "sys.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* --jobserver SPEC: what --jobserver-auth= takes (R,W or fifo:PATH), read by the MAKEFLAGS
 * parser itself, with the blanks and backslashes of a path escaped as make writes them. */
static void parse_spec(const char *spec, struct makeflags_auth *auth)
{
	static const char opt[] = "--jobserver-auth=";
	char *mf = malloc(sizeof opt + 2 * strlen(spec));
	size_t n = sizeof opt - 1;

	if (!mf) {
		auth->kind = MAKEFLAGS_INVALID;
		return;
	}
	memcpy(mf, opt, n);
	for (const char *s = spec; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\\')
			mf[n++] = '\\';
		mf[n++] = *s;
	}
	mf[n] = '\0';
	makeflags_parse(mf, auth);
	free(mf);
	auth->option = "--jobserver";
}

/* Has the jobserver's make ended? Nobody holds a writer of it any more (POLLHUP). */
static int jobserver_gone(const struct jobserver *js)
{
	struct pollfd p = { .fd = js->rfd, .events = POLLIN };

	return sys_poll(&p, 1, 0) > 0 && (p.revents & POLLHUP);
}

static int columns(void)
{
	struct winsize w;

	return ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col ? w.ws_col : 80;
}

/* One snapshot, printed as asked. */
static void show(const struct jobserver *js, const struct makeflags_auth *auth, int json,
		 int table, int first)
{
	static struct status_answer a; /* 24 kB: not on the stack */
	struct status_view v = { js, auth, sys_fionread(js->rfd), &a };

	status_ask(js, &a);
	if (json) {
		status_show_json(stdout, &v);
	} else if (table) {
		status_show_table(stdout, &v, columns());
	} else {
		if (first)
			status_show_head(stdout, &v);
		status_show_plain(stdout, &v);
	}
}

static void watch(const struct jobserver *js, const struct makeflags_auth *auth, int json)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: the sleep ends */
	int table = !json && isatty(STDOUT_FILENO);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (int first = 1; !stop; first = 0) {
		if (!first && !json && !table)
			printf("\n"); /* plain lines: a blank line between two snapshots */
		show(js, auth, json, table, first);
		if (fflush(stdout) != 0)
			return;
		if (jobserver_gone(js)) {
			fprintf(stderr, "jobserver-preload: the jobserver's make has ended\n");
			return;
		}
		poll(NULL, 0, 1000); /* libc's: a signal ends it at once (EINTR) */
	}
	if (table)
		printf("\n");
}

int status_main(const char *spec, int watching, int json)
{
	struct makeflags_auth auth;
	struct jobserver js;

	log_verbose = 1; /* jobserver_open says why a jobserver is not usable */
	if (spec)
		parse_spec(spec, &auth);
	else
		makeflags_parse(getenv("MAKEFLAGS"), &auth);
	if (auth.kind != MAKEFLAGS_PIPE && auth.kind != MAKEFLAGS_FIFO) {
		if (spec)
			fprintf(stderr, "jobserver-preload: --jobserver '%s' names no jobserver: "
				"give R,W (fds open here) or fifo:PATH, as in make's "
				"--jobserver-auth=\n", spec);
		else
			jobserver_explain(&auth);
		return 1;
	}
	if (jobserver_open(&auth, &js) < 0)
		return 1; /* the reason is printed */
	if (watching)
		watch(&js, &auth, json);
	else
		show(&js, &auth, json, 0, 1);
	jobserver_close(&js);
	return fflush(stdout) == 0 ? 0 : 1;
}
