/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The owner's claim: take a vault of the reaper of this jobserver (owner_connect.c finds
 * or starts it), say it is ours, fill it (owner_release.c gives back). Runs in the
 * launcher and in a constructor: system calls only, no libc state.
 */
#include "owner_claim.h"
#include "fmt.h"
#include "log.h"
#include "owner_connect.h"
#include "procstat.h"
#include "result.h"
#include "wire.h"
#include "sys.h"
#include "test_hooks.h"
#include "tracerec.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

/* What the reaper will watch: a pidfd of ours (*pidfd), opened here so that it is this
 * process for certain. Where there is no pidfd_open (a kernel before 5.3: ENOSYS; a
 * seccomp filter or a sandbox: EPERM or EACCES), our start time, which the reaper looks
 * at in /proc (*pidfd -1). Returns 0, or a negative code: nothing can watch us. */
static int watch_self(int pid, struct wire_request *q, int *pidfd)
{
	int fd = hook_pidfd_error() ? -hook_pidfd_error() : sys_pidfd_open(pid);

	*pidfd = fd >= 0 ? fd : -1;
	if (fd >= 0)
		return 0;
	if (fd != -ENOSYS && fd != -EPERM && fd != -EACCES)
		return fd;
	q->owner_start = procstat_start_time(PROC_SELF);
	if (!q->owner_start)
		return -JSP_E_NO_WATCH; /* a kill would go unseen: no claim */
	log_msg("pidfd_open: %s; the reaper watches this process by its start time in /proc "
		"instead, every 50 ms", log_errno(fd));
	return 0;
}

/* Reads a ticket off the tickets pipe fd. A busy reaper makes more only once a tick: when
 * few are left we ring it, and when none is, we ring and wait for one. */
static long read_ticket(int pid, int fd, struct wire_ticket *t)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long n = sys_read(fd, t, sizeof *t);

	if (n == -EAGAIN) {
		reaper_ring(pid);
		if (sys_poll(&pfd, 1, hook_find_wait_ms(FIND_WAIT_MS)) > 0) /* none at all: it has made its most */
			n = sys_read(fd, t, sizeof *t);
	} else if (n == (long)sizeof *t &&
		   sys_fionread(fd) < WIRE_TICKETS_LOW * (int)sizeof *t) {
		reaper_ring(pid);
	}
	return n;
}

/* No ticket left, even after the bell: the reaper made all the vaults it may, or all its
 * fd limit allows (Max open files in /proc/PID/limits: it raised its soft limit to the
 * hard one). Returns which. */
static int why_no_vault(int pid)
{
	static const char key[] = "Max open files";
	char path[40], buf[2048], *p = buf;
	long limit = 0;

	fmt_proc_path(path, sizeof path, pid, "limits");
	if (sys_read_file(path, buf, sizeof buf) <= 0)
		return -JSP_E_NO_VAULT;
	for (; *p; p++) {
		int i = 0;

		while (key[i] && p[i] == key[i])
			i++;
		if (!key[i]) {
			for (p += i; *p == ' '; p++)
				;
			for (; *p >= '0' && *p <= '9' && limit < 1L << 30; p++)
				limit = limit * 10 + (*p - '0');
			break;
		}
	}
	return limit > 0 && limit < WIRE_VAULTS_MAX * WIRE_FDS_PER_VAULT ? -JSP_E_FD_LIMIT
									  : -JSP_E_NO_VAULT;
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
 * or a negative code: -JSP_E_NO_VAULT when no vault is free. */
static int take_vault(int pid, struct wire_ticket *t, struct jsp_stat *vs)
{
	struct jsp_stat st;
	int fd = open_theirs(pid, WIRE_TICKETS_FD, O_RDONLY, &st), v;
	long n;

	if (fd < 0)
		return fd;
	n = read_ticket(pid, fd, t);
	sys_close(fd);
	if (n == -EAGAIN)
		return why_no_vault(pid);
	if (n != (long)sizeof *t) /* 0: the reaper's end of the tickets pipe is closed */
		return n < 0 ? (int)n : n == 0 ? -JSP_E_HANGUP : -JSP_E_BAD_MESSAGE;
	v = open_theirs(pid, t->r, O_RDWR, vs);
	if (v < 0)
		give_ticket_back(pid, t);
	return v;
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

/* What the CLAIM passes (wire.h), into fds: our pidfd, and O_PATH fds of our stderr
 * (verbose; the socket itself if it is one) and of the trace file (tfd, our own writer of
 * it). Returns how many. The caller closes them, but fd 2. */
static int gather(struct wire_request *q, int pidfd, int tfd, int *fds)
{
	struct jsp_stat st;
	char path[32];
	int n = 0, fd;

	if (pidfd >= 0) {
		q->flags |= WIRE_PIDFD;
		fds[n++] = pidfd;
	}
	if (log_verbose && sys_fstat(2, &st) == 0) { /* messages about us go to our stderr */
		fmt_proc_fd(path, sizeof path, PROC_SELF, 2);
		fd = S_ISSOCK(st.mode) ? 2 : sys_open(path, O_PATH | O_CLOEXEC);
		q->flags |= fd < 0 ? 0 : fd == 2 ? WIRE_VERBOSE | WIRE_ERR_SOCKET : WIRE_VERBOSE;
		if (fd >= 0)
			fds[n++] = fd;
	}
	if (tfd < 0)
		return n;
	fmt_proc_fd(path, sizeof path, PROC_SELF, tfd);
	fd = sys_open(path, O_PATH | O_CLOEXEC);
	if (fd >= 0) {
		q->flags |= WIRE_TRACE;
		fds[n++] = fd;
	}
	return n;
}

long owner_claim(const struct jobserver *js, long cap, int pid, struct reaper *r, unsigned flags)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_CLAIM, .dev = js->dev,
				  .ino = js->ino, .flags = flags };
	const char *trace_path = trace_rec_path();
	int vault = -1, fds[WIRE_FDS_MAX], nfds, pidfd, tfd = -1, sock, err;
	struct rendezvous rv;
	struct jsp_stat vs;
	long held = 0;

	*r = (struct reaper){ 0, 0, 0, 0, 0, 0, 0 };
	err = watch_self(pid, &q, &pidfd);
	if (err < 0)
		return err;
	if (trace_path)
		tfd = sys_open_mode(trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	nfds = gather(&q, pidfd, tfd, fds);
	for (int i = 0; i < WIRE_DESC_MAX; i++)
		q.desc[i] = js->desc[i];
	sock = rendezvous_names(&rv, pid, js->dev, js->ino, 1);
	if (sock == 0)
		sock = reaper_find(&rv, js, &r->pid);
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
	for (int i = 0; i < nfds; i++)
		if (fds[i] != 2)
			sys_close(fds[i]);
	if (err == 0 && held > 0) {
		r->fd = q.vault.r;
		r->pool = q.vault.p;
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
