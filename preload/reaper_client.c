/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's side of the reaper: find the reaper of this jobserver or start one, claim
 * (hand it a vault, then fill the vault), and release at exit (empty the vault ourselves,
 * or have the reaper do it). Runs in the launcher, in a constructor, and (the release) in
 * exit paths and signal handlers: system calls only, no libc state.
 */
#include "fmt.h"
#include "log.h"
#include "procstat.h"
#include "reaper.h"
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
#define ANSWER_WAIT_MS 5000
/* How long an owner keeps trying to reach a reaper while another owner's reaper is starting
 * (our bind fails until it listens) or an idle one is ending (it refuses, then frees the
 * name). Both take microseconds; the bound is for a loaded machine. */
#define FIND_WAIT_MS 200
/* Where an owner asks the reaper to keep its vault: VAULT_FD_BASE + 2 * (the vault's inode
 * % VAULT_FD_SLOTS), above the fds a reaper gets for itself. Two owners that ask for one
 * place: the second's vault goes anywhere, and it releases through the reaper. */
#define VAULT_FD_BASE 1024
#define VAULT_FD_SLOTS 1024

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

/* A socket connected to the reaper of dev:ino, starting one if start is set. */
static int reaper_find(uint64_t dev, uint64_t ino, int start, int *pid)
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

/* What the reaper will watch: a pidfd of ours, opened here so that it is this process for
 * certain; on kernels without pidfd_open (before 5.3) our start time, polled. */
static int watch_self(struct wire_request *q)
{
	int fd = hook_no_pidfd() ? -ENOSYS : sys_pidfd_open(sys_getpid());

	if (fd != -ENOSYS)
		return fd;
	q->owner_start = procstat_start_time(0);
	return q->owner_start ? -1 : -ENOSYS; /* no pidfd and no /proc: a kill goes unseen */
}

/* Hands the vault's read end (and the rest of fds) to the reaper. */
static int hand_over(const struct jobserver *js, const struct wire_request *q, const int *fds,
		     int nfds, int *pid)
{
	int sock = reaper_find(js->dev, js->ino, 1, pid), r;

	if (sock < 0)
		return sock;
	r = wire_send(sock, q, sizeof *q, fds, nfds);
	sys_close(sock);
	return r;
}

long reaper_claim(const struct jobserver *js, long cap, struct reaper *r)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_CLAIM, .dev = js->dev,
				  .ino = js->ino };
	const char *trace_path = trace_rec_path();
	int vault[2], fds[WIRE_FDS_MAX], nfds = 0, pidfd, tfd = -1, err;
	struct jsp_stat vs;
	long held = 0;

	*r = (struct reaper){ 0, 0, 0, 0 };
	pidfd = watch_self(&q);
	if (pidfd < -1)
		return pidfd;
	err = sys_pipe2(vault, O_CLOEXEC);
	if (err < 0) {
		if (pidfd >= 0)
			sys_close(pidfd);
		return err;
	}
	err = sys_fstat(vault[0], &vs);
	q.fd = VAULT_FD_BASE + 2 * (int)(vs.ino % VAULT_FD_SLOTS);
	if (pidfd >= 0)
		fds[nfds++] = pidfd;
	fds[nfds++] = vault[0];
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
	if (err == 0)
		err = hand_over(js, &q, fds, nfds, &r->pid);
	hook_stop("handed-over");
	/* The reaper holds the vault now (or will read the message that carries it): what we
	 * move into it comes back, even if we are killed the next instant. We keep our own
	 * read end open until the move is done, so that the vault has a reader whatever
	 * became of the reaper meanwhile, and the move can never raise SIGPIPE in us. */
	if (err == 0)
		held = jobserver_take(js, vault[1], (size_t)cap);
	hook_stop("taken");
	wire_close(fds, pidfd >= 0 ? 2 : 1); /* pidfd and vault[0], whichever were passed */
	sys_close(vault[1]);
	if (err == 0 && held > 0) {
		r->fd = q.fd;
		r->vault_dev = vs.dev;
		r->vault_ino = vs.ino;
		if (tfd >= 0)
			trace_rec_reaper(tfd, js->dev, js->ino, js->desc, "take", held, held,
					 sys_getpid(), r->pid);
	}
	if (tfd >= 0)
		sys_close(tfd);
	return err < 0 ? err : held;
}

/* "/proc/PID/fd/FD", opened and checked to be the FIFO dev:ino. */
static int open_theirs(int pid, int fd, int flags, uint64_t dev, uint64_t ino)
{
	char path[48];
	struct jsp_stat st;
	int r;

	fmt_proc_fd(path, sizeof path, pid, fd);
	r = sys_open(path, flags | O_NONBLOCK | O_CLOEXEC);
	if (r >= 0 && (sys_fstat(r, &st) < 0 || !S_ISFIFO(st.mode) || st.dev != dev ||
		       st.ino != ino)) {
		sys_close(r);
		r = -ESTALE; /* not our vault: another owner asked for the same place */
	}
	return r;
}

/* Empties our vault into the jobserver ourselves, through the reaper's own fds in /proc:
 * no wait for the reaper. Each token is in the vault or in the jobserver at every moment,
 * so the reaper, which gives back what is left when it sees us end, never gives twice. */
static long give_back_ourselves(const struct reaper *r, uint64_t dev, uint64_t ino)
{
	int v = open_theirs(r->pid, r->fd, O_RDONLY, r->vault_dev, r->vault_ino), j;
	long n;

	if (v < 0)
		return v;
	j = open_theirs(r->pid, r->fd + 1, O_WRONLY, dev, ino);
	n = j < 0 ? j : jobserver_give(v, j);
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
	pfd = (struct pollfd){ .fd = sock, .events = POLLIN };
	if (r == 0)
		r = sys_poll(&pfd, 1, ANSWER_WAIT_MS) > 0 ? 0 : -ETIMEDOUT;
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

	if (!r->vault_ino)
		return 0; /* nothing was taken */
	if (r->pid > 0 && !hook_no_fast_release())
		n = give_back_ourselves(r, dev, ino);
	if (n < 0)
		return give_back_by_reaper(dev, ino); /* it says and traces what it gave */
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
