/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's side of the reaper: find the reaper of this jobserver or start one, and
 * claim: take a vault, say it is ours, fill it (reaper_release.c gives back). Runs in the
 * launcher and in a constructor, and reaper_find and open_theirs in exit paths too:
 * system calls only, no libc state.
 */
#include "fmt.h"
#include "log.h"
#include "procstat.h"
#include "reaper.h"
#include "reaper_client.h"
#include "reaper_wire.h"
#include "sys.h"
#include "test_hooks.h"
#include "tracerec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* How long an owner waits for a reaper it started to listen, or for the answer to a
 * RELEASE. A reaper answers in microseconds: this bound is against one stopped (SIGSTOP). */
#define ANSWER_WAIT_MS REAPER_ANSWER_WAIT_MS
/* How long an owner keeps trying to reach a reaper while another owner's reaper is starting
 * (our bind fails until it listens) or an idle one is ending (it refuses, then frees the
 * name). Both take microseconds; the bound is for a loaded machine. */
#define FIND_WAIT_MS 200

/* Connects to the reaper of this jobserver; *pid is the reaper (the kernel's word: it made
 * the listener). Returns the socket, or -errno: -ECONNREFUSED when there is none. */
static int reaper_connect(uint64_t dev, uint64_t ino, int *pid)
{
	struct sockaddr_un sa;
	unsigned euid = sys_geteuid(), len = wire_address(&sa, euid, dev, ino), uid;
	int fd = sys_socket_unix(SOCK_NONBLOCK), r;

	if (fd < 0)
		return fd;
	r = sys_connect(fd, &sa, len);
	/* Abstract names are open to every user of this network namespace: a listener that
	 * is not ours must never get a vault. */
	if (r == 0 && (sys_peer(fd, pid, &uid) < 0 || uid != euid))
		r = -EADDRINUSE;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

/* Starts the reaper of this jobserver, forking twice: the reaper is no child of ours (our
 * wait() must never see it) and, after setsid, in no process group or session of the
 * build. It binds the name itself, so that every owner learns its pid from the kernel,
 * and says through the report pipe whether it could. Returns 0, -EADDRINUSE when another
 * reaper has the name, or -errno. */
static int reaper_start(uint64_t dev, uint64_t ino)
{
	struct sockaddr_un sa;
	unsigned len = wire_address(&sa, sys_geteuid(), dev, ino);
	struct pollfd pfd;
	int rp[2], mid, err = -EIO, probe = sys_socket_unix(0);

	/* A reaper that is ending refuses connections but holds the name a moment longer:
	 * find that out with a bind of our own, not with a fork. */
	if (probe >= 0) {
		err = sys_bind(probe, &sa, len);
		sys_close(probe);
		if (err == -EADDRINUSE)
			return err;
	}
	err = -EIO;
	if (sys_pipe2(rp, O_CLOEXEC) < 0)
		return -EMFILE;
	mid = sys_fork();
	if (mid == 0) {
		sys_setsid();
		if (sys_fork() == 0)
			reaper_main(dev, ino, rp[1]);
		sys_exit(0);
	}
	sys_close(rp[1]);
	if (mid > 0)
		sys_waitpid(mid);
	pfd = (struct pollfd){ .fd = rp[0], .events = POLLIN };
	/* EOF before a report: the reaper died before it could listen. */
	if (mid > 0 && sys_poll(&pfd, 1, ANSWER_WAIT_MS) > 0 &&
	    sys_read(rp[0], &err, sizeof err) != (long)sizeof err)
		err = -EIO;
	sys_close(rp[0]);
	return mid < 0 ? mid : err;
}

int reaper_find(uint64_t dev, uint64_t ino, int start, int *pid)
{
	uint64_t since = 0;

	for (int started = 0;;) {
		int fd = reaper_connect(dev, ino, pid);

		if (fd == -ECONNREFUSED && start && started < 3) {
			fd = reaper_start(dev, ino);
			started += fd == 0;
		} else if (fd == -ECONNREFUSED) {
			return fd; /* no reaper: it holds nothing of ours */
		}
		if (fd == 0)
			continue; /* ours listens now */
		if (fd != -EADDRINUSE && fd != -EAGAIN)
			return fd; /* a socket, or an error that waiting will not mend */
		if (!since)
			since = sys_monotonic_ms();
		else if (sys_monotonic_ms() - since > FIND_WAIT_MS)
			return fd;
		sys_poll(NULL, 0, 1);
	}
}

int open_theirs(int pid, int fd, int flags, struct jsp_stat *st)
{
	char path[48];
	int r;

	fmt_proc_fd(path, sizeof path, pid, fd);
	r = sys_open(path, flags | O_NONBLOCK | O_CLOEXEC);
	if (r >= 0 && (sys_fstat(r, st) < 0 || !S_ISFIFO(st->mode))) {
		sys_close(r);
		r = -ESTALE;
	}
	return r;
}

/* What the reaper will watch: a pidfd of ours, opened here so that it is this process for
 * certain; on kernels without pidfd_open (before 5.3) our start time, polled. */
static int watch_self(int pid, struct wire_request *q)
{
	int fd = hook_no_pidfd() ? -ENOSYS : sys_pidfd_open(pid);

	if (fd != -ENOSYS)
		return fd;
	q->owner_start = procstat_start_time(0);
	return q->owner_start ? -1 : -ENOSYS; /* no pidfd and no /proc: a kill goes unseen */
}

/* Writes len bytes (a pipe write of so few is whole or nothing) to fd of process pid. */
static void write_theirs(int pid, int fd, const void *buf, size_t len)
{
	struct jsp_stat st;
	int w = open_theirs(pid, fd, O_WRONLY, &st);

	if (w >= 0) {
		(void)sys_write(w, buf, len);
		sys_close(w);
	}
}

void reaper_ring(int pid)
{
	write_theirs(pid, WIRE_BELL_FD, "", 1); /* EAGAIN: a full bell rings already */
}

/* Reads a ticket off the tickets pipe fd. A busy reaper makes more only once a tick: when
 * few are left we ring it, and when none is, we ring and wait for one. */
static long read_ticket(int pid, int fd, struct wire_ticket *t)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long n = sys_read(fd, t, sizeof *t);

	if (n == -EAGAIN) {
		reaper_ring(pid);
		if (sys_poll(&pfd, 1, FIND_WAIT_MS) > 0) /* none at all: it has made its most */
			n = sys_read(fd, t, sizeof *t);
	} else if (n == (long)sizeof *t &&
		   sys_fionread(fd) < WIRE_TICKETS_LOW * (int)sizeof *t) {
		reaper_ring(pid);
	}
	return n;
}

/* A ticket we could not use goes back, so that its vault is not lost to the others. */
static void give_ticket_back(int pid, const struct wire_ticket *t)
{
	write_theirs(pid, WIRE_RETURNS_FD, t, sizeof *t);
}

/* Takes a free vault of the reaper pid: a ticket from its tickets pipe, then our own open
 * of that vault through /proc, for reading and writing (a FIFO may be opened so on Linux):
 * one open, and a reader of its own so that our splice into it can never raise SIGPIPE.
 * The read end's number is enough: the reaper writes a ticket only for a vault it holds
 * and has not handed out, and closes a vault only once its ticket was taken
 * (reaper_vaults.c), so the number cannot name another pipe meanwhile. Returns the fd,
 * -ENOSPC when no vault is free. */
static int take_vault(int pid, struct wire_ticket *t, struct jsp_stat *vs)
{
	struct jsp_stat st;
	int fd = open_theirs(pid, WIRE_TICKETS_FD, O_RDONLY, &st), v;
	long n;

	if (fd < 0)
		return fd;
	n = read_ticket(pid, fd, t);
	sys_close(fd);
	if (n != (long)sizeof *t)
		return n == -EAGAIN ? -ENOSPC : -EIO;
	v = open_theirs(pid, t->r, O_RDWR, vs);
	if (v < 0)
		give_ticket_back(pid, t);
	return v < 0 ? -ESTALE : v;
}

/* Says to the reaper that the vault is ours: from then on it gives back what the vault
 * holds when we end, whatever happens to us. */
static int hand_over(int sock, int pid, const struct wire_request *q, const int *fds, int nfds)
{
	int r = wire_send(sock, q, sizeof *q, fds, nfds);

	if (r < 0)
		give_ticket_back(pid, &q->vault);
	return r;
}

long reaper_claim(const struct jobserver *js, long cap, int pid, struct reaper *r)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_CLAIM, .dev = js->dev,
				  .ino = js->ino };
	const char *trace_path = trace_rec_path();
	int vault = -1, fds[WIRE_FDS_MAX], nfds = 0, pidfd, tfd = -1, sock, err;
	struct jsp_stat vs;
	long held = 0;

	*r = (struct reaper){ 0, 0, 0, 0 };
	pidfd = watch_self(pid, &q);
	if (pidfd < -1)
		return pidfd;
	if (pidfd >= 0)
		fds[nfds++] = pidfd;
	fds[nfds++] = js->wfd;
	if (log_verbose && sys_fcntl(2, F_GETFD, 0) >= 0) {
		q.flags |= WIRE_VERBOSE; /* the reaper's messages about us go to our stderr */
		fds[nfds++] = 2;
	}
	if (trace_path)
		tfd = sys_open_mode(trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (tfd >= 0) {
		q.flags |= WIRE_TRACE;
		fds[nfds++] = tfd;
	}
	for (int i = 0; i < WIRE_DESC_MAX; i++)
		q.desc[i] = js->desc[i];
	sock = reaper_find(js->dev, js->ino, 1, &r->pid);
	vault = sock < 0 ? sock : take_vault(r->pid, &q.vault, &vs);
	err = vault < 0 ? vault : 0;
	if (err == 0)
		err = hand_over(sock, r->pid, &q, fds, nfds);
	hook_stop("handed-over");
	/* The reaper holds the vault and knows it is ours (or will read the message that says
	 * so): what we move into it comes back, even if we are killed the next instant. Our
	 * own open of it reads too, so the vault has a reader until the move is done,
	 * whatever became of the reaper, and the move can never raise SIGPIPE in us. */
	if (err == 0)
		held = jobserver_take(js, vault, (size_t)cap);
	hook_stop("taken");
	if (vault >= 0)
		sys_close(vault);
	if (sock >= 0)
		sys_close(sock);
	if (pidfd >= 0)
		sys_close(pidfd);
	if (err == 0 && held > 0) {
		r->fd = q.vault.r;
		r->vault_dev = vs.dev;
		r->vault_ino = vs.ino;
		if (tfd >= 0)
			trace_rec_reaper(tfd, js->dev, js->ino, js->desc, "take", held, held,
					 pid, r->pid);
	}
	if (tfd >= 0)
		sys_close(tfd);
	return err < 0 ? err : held;
}
