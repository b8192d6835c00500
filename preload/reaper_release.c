/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's end: its tokens go back to the jobserver before the owner's exit status can
 * reach make. Runs in exit paths and signal handlers (our destructor, _exit, _Exit):
 * system calls only, no libc state, no message but through log_count.
 */
#include "env.h"
#include "log.h"
#include "makeflags.h"
#include "reaper.h"
#include "reaper_client.h"
#include "reaper_wire.h"
#include "sys.h"
#include "test_hooks.h"
#include "tracerec.h"

#include <errno.h>
#include <fcntl.h>

/* The jobserver's write end, opened anew from what MAKEFLAGS names, as at the claim. */
static int jobserver_again(uint64_t dev, uint64_t ino)
{
	struct makeflags_auth a;
	struct env_view env;

	env_scan(&env);
	makeflags_parse(env.makeflags, &a);
	return jobserver_reopen_write(&a, dev, ino);
}

/* Empties our vault into the jobserver ourselves, with our own opens of the vault (in the
 * reaper, through /proc) and of the jobserver (from MAKEFLAGS): the reaper need not run
 * for it, nor have read our claim yet. Each token is in the vault or in the jobserver at
 * every moment, so the reaper, which gives back what is left when it sees us end, never
 * gives twice. */
static long give_back_ourselves(const struct reaper *r, uint64_t dev, uint64_t ino, int *rest)
{
	struct jsp_stat st;
	int v = open_theirs(r->pid, r->fd, O_RDONLY, &st), j;
	long n;

	if (v >= 0 && (st.dev != r->vault_dev || st.ino != r->vault_ino)) {
		sys_close(v);
		v = -ESTALE; /* the reaper is gone and its pid is another's */
	}
	if (v < 0)
		return v;
	j = jobserver_again(dev, ino);
	/* No copy through our memory: a kill then would lose them. What does not fit into
	 * the pipe by splice is left for the reaper (*rest). */
	n = j < 0 ? j : jobserver_give(v, j, 0, rest);
	*rest = n >= 0 && *rest;
	if (j >= 0)
		sys_close(j);
	sys_close(v);
	return n;
}

/* Asks the reaper to give back what it holds for our pid, and waits for its answer. */
static long give_back_by_reaper(uint64_t dev, uint64_t ino)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_RELEASE };
	struct wire_reply rep = { .given = -EIO };
	struct pollfd pfd;
	int fds[WIRE_FDS_MAX], nfds = 0, pid, r;
	int sock = reaper_find(dev, ino, 0, &pid);

	if (sock < 0)
		return sock;
	r = wire_send(sock, &q, sizeof q, NULL, 0);
	if (r == 0)
		reaper_ring(pid); /* a busy one reads its listener only once a tick */
	pfd = (struct pollfd){ .fd = sock, .events = POLLIN };
	if (r == 0)
		r = sys_poll(&pfd, 1, REAPER_ANSWER_WAIT_MS) > 0 ? 0 : -ETIMEDOUT;
	if (r == 0)
		r = wire_recv(sock, &rep, sizeof rep, fds, &nfds);
	wire_close(fds, nfds);
	sys_close(sock);
	return r < 0 ? r : rep.magic == WIRE_MAGIC ? rep.given : -EPROTO;
}

long reaper_release(const struct reaper *r, uint64_t dev, uint64_t ino)
{
	const char *trace_path;
	long n = -ENOENT;
	int rest = 0;

	if (!r->vault_ino)
		return 0; /* nothing was taken */
	if (r->pid > 0 && !hook_no_fast_release())
		n = give_back_ourselves(r, dev, ino, &rest);
	if (n < 0)
		return give_back_by_reaper(dev, ino); /* it says and traces what it gave */
	if (rest)
		(void)give_back_by_reaper(dev, ino); /* the same, for what did not fit */
	if (n > 0)
		log_count("gave back ", n, " tokens at exit");
	trace_path = trace_rec_path();
	if (n > 0 && trace_path) {
		int fd = sys_open_mode(trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);

		if (fd >= 0) {
			trace_rec_reaper(fd, dev, ino, "", "give", n, 0, sys_getpid(), r->pid);
			sys_close(fd);
		}
	}
	return n;
}
