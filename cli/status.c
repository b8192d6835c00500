/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The same checks as the library's claim (jobserver_open, with its messages on), so that
 * what --status says inside a recipe is what jobserver-preload CMD would find there.
 * FIONREAD counts the bytes in the pipe without reading them: no token moves.
 */
#include "status.h"
#include "jobserver.h"
#include "log.h"
#include "makeflags.h"
#include "sys.h"

#include <stdio.h>
#include <stdlib.h>

int status_main(void)
{
	struct makeflags_auth auth;
	struct jobserver js;
	int free_tokens;

	log_verbose = 1; /* jobserver_open says why a jobserver is not usable */
	makeflags_parse(getenv("MAKEFLAGS"), &auth);
	if (auth.kind != MAKEFLAGS_PIPE && auth.kind != MAKEFLAGS_FIFO) {
		jobserver_explain(&auth);
		return 1;
	}
	if (jobserver_open(&auth, &js) < 0)
		return 1; /* the reason is printed */
	free_tokens = sys_fionread(js.rfd);
	printf("jobserver: %s (%s=%s, %s style)\n", js.desc, auth.option, auth.value,
	       auth.kind == MAKEFLAGS_FIFO ? "fifo, make 4.4" : "pipe, make 4.3");
	printf("usable: yes\n");
	if (free_tokens < 0)
		printf("free tokens: unknown (FIONREAD: %s)\n", log_errno(free_tokens));
	else
		printf("free tokens: %d\n", free_tokens);
	jobserver_close(&js);
	return fflush(stdout) == 0 ? 0 : 1;
}
