/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Validation follows the Rust jobserver crate's unix client (fd_check): an fd named in
 * MAKEFLAGS may be closed (make 4.3 closes them in recipes not marked '+' but keeps them
 * in MAKEFLAGS) or reused by whatever the shell opened next, so nothing is read from or
 * written to it until it is known to be the jobserver.
 */
#include "jobserver.h"
#include "fmt.h"
#include "log.h"
#include "result.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/auxv.h>
#include <poll.h>
#include <sys/stat.h>

#define FIX_PLUS "mark the recipe recursive: prefix the line with '+' or use $(MAKE) in it"

static const char *type_name(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	case S_IFIFO: return "a fifo";
	}
	return "not a pipe";
}

/* An inherited fd must be open, a FIFO, and open in the direction we need. fstat says
 * whether it is open (EBADF) as F_GETFD would: one system call fewer per fd. */
static int check_fd(int fd, int want_write, struct jsp_stat *st)
{
	const char *role = want_write ? "write" : "read";
	int r = sys_fstat(fd, st), acc;

	if (r == -EBADF) {
		log_msg("fd %d (the jobserver's %s end in MAKEFLAGS) is closed: make did not pass "
			"the jobserver to this command; %s", fd, role, FIX_PLUS);
		return -1;
	}
	if (r < 0 || !S_ISFIFO(st->mode)) {
		log_msg("fd %d (the jobserver's %s end in MAKEFLAGS) is %s, not a pipe: make 4.3 "
			"closed its jobserver fds for this recipe and the number was reused; %s",
			fd, role, r < 0 ? "unreadable" : type_name(st->mode), FIX_PLUS);
		return -1;
	}
	acc = sys_fcntl(fd, F_GETFL, 0) & O_ACCMODE;
	if (acc != O_RDWR && acc != (want_write ? O_WRONLY : O_RDONLY)) {
		log_msg("fd %d is a pipe open only for %s, so it is not the jobserver's %s end: "
			"MAKEFLAGS does not match the fds this process inherited; %s", fd,
			acc == O_RDONLY ? "reading" : "writing", role, FIX_PLUS);
		return -1;
	}
	return 0;
}

/* Our own open file description of the same FIFO, checked to be the same inode: a
 * private O_NONBLOCK never leaks into make's fds. */
static int reopen(int fd, const struct jsp_stat *want, struct jobserver *js)
{
	char path[32];
	struct jsp_stat st;

	fmt_proc_fd(path, sizeof path, PROC_SELF, fd);
	js->rfd = sys_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (js->rfd < 0) {
		int err = js->rfd;

		log_msg("cannot reopen %s: %s; %s", path, log_errno(err),
			err == -ENOENT ? "is /proc mounted?" : "not claiming");
		goto fail;
	}
	if (sys_fstat(js->rfd, &st) < 0 || st.dev != want->dev || st.ino != want->ino) {
		log_msg("%s changed while it was opened; not using it", js->desc);
		goto fail;
	}
	js->dev = st.dev;
	js->ino = st.ino;
	return 0;
fail:
	jobserver_close(js);
	return -1;
}

static int open_pipe(const struct makeflags_auth *a, struct jobserver *js)
{
	struct jsp_stat rst, wst;

	struct out o = { js->desc, js->desc + sizeof js->desc - 1 };

	put_str(&o, "pipe fds ");
	put_int(&o, a->rfd);
	put_str(&o, ",");
	put_int(&o, a->wfd);
	*o.p = '\0';
	if (check_fd(a->rfd, 0, &rst) < 0 || check_fd(a->wfd, 1, &wst) < 0)
		return -1;
	if (rst.dev != wst.dev || rst.ino != wst.ino) {
		log_msg("fds %d and %d are two different pipes, so they are not make's jobserver: "
			"the numbers in MAKEFLAGS were reused; %s", a->rfd, a->wfd, FIX_PLUS);
		return -1;
	}
	return reopen(a->rfd, &rst, js);
}

static int open_fifo(const struct makeflags_auth *a, struct jobserver *js)
{
	struct jsp_stat st;
	int pfd, r;

	struct out o = { js->desc, js->desc + sizeof js->desc - 1 };

	put_str(&o, "fifo ");
	put_str(&o, a->path);
	*o.p = '\0';
	/* O_PATH opens nothing: no side effect on a device, and no block on a fifo. */
	pfd = sys_open(a->path, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		log_msg("jobserver fifo %s: %s%s", a->path, log_errno(pfd), pfd != -ENOENT ? "" :
			": the make that made it has exited, or MAKEFLAGS came from another build; "
			"run the command from the make that serves it");
		return -1;
	}
	r = sys_fstat(pfd, &st);
	if (r < 0 || !S_ISFIFO(st.mode)) {
		log_msg("jobserver path %s is %s, not a fifo: MAKEFLAGS is wrong; not using it",
			a->path, r < 0 ? "unreadable" : type_name(st.mode));
		sys_close(pfd);
		return -1;
	}
	r = reopen(pfd, &st, js);
	sys_close(pfd);
	return r;
}

void jobserver_explain(const struct makeflags_auth *a)
{
	switch (a->kind) {
	case MAKEFLAGS_NONE:
		if (a->unlimited)
			log_msg("MAKEFLAGS has -j without a number: make runs any number of jobs at "
				"once and has no jobserver to share; give make -jN to share N job "
				"slots");
		else if (a->jobs == 1)
			log_msg("MAKEFLAGS has -j1: make runs one job at a time and has no "
				"jobserver");
		else
			log_msg("no jobserver in MAKEFLAGS: not run by make, or make runs without "
				"-j");
		break;
	case MAKEFLAGS_DISABLED:
		log_msg("MAKEFLAGS has %s=%s: make gives no jobserver to a recipe not marked "
			"recursive; prefix the recipe line with '+'", a->option, a->value);
		break;
	case MAKEFLAGS_INVALID:
		log_msg("MAKEFLAGS has %s=%s, which names no jobserver (expected R,W or fifo:PATH); "
			"not claiming", a->option, a->value);
		break;
	default:
		break;
	}
}

int jobserver_open(const struct makeflags_auth *a, struct jobserver *js)
{
	js->rfd = -1;
	if (a->kind == MAKEFLAGS_PIPE)
		return open_pipe(a, js);
	if (a->kind == MAKEFLAGS_FIFO)
		return open_fifo(a, js);
	return -1;
}

void jobserver_close(struct jobserver *js)
{
	if (js->rfd >= 0)
		sys_close(js->rfd);
	js->rfd = -1;
}

long jobserver_take(const struct jobserver *js, int vault, size_t cap)
{
	/* One splice is enough: it moves from every queued buffer until it has cap bytes,
	 * the pool is empty or the vault is full; a short count is a smaller claim. */
	long r = sys_splice(js->rfd, vault, cap);

	if (r == -EAGAIN)
		return 0; /* the pool is empty: others hold every token */
	if (r == 0)
		return -JSP_E_EOF; /* every writer is gone, so no live jobserver */
	return r;
}

/* A page: the most a pipe buffer holds, and the unit of a pipe's size. */
static long page(void)
{
	return (long)getauxval(AT_PAGESZ);
}

void jobserver_make_room(const struct jobserver *js, int jobs)
{
	/* make's tokens are jobs - 1; splice_fits wants them and two buffers more. */
	long want = (jobs > 0 && jobs < JOBSERVER_ROOM_MAX ? jobs + 1 : JOBSERVER_ROOM_MAX) * page();
	int size = sys_fcntl(js->rfd, F_GETPIPE_SZ, 0);

	if (size >= 0 && size < want)
		(void)sys_fcntl(js->rfd, F_SETPIPE_SZ, want); /* refused: splices fit less often */
}

/* Can the n tokens in the vault go into the jobserver by splice? They take as many pipe
 * buffers as they are in, no more than n and no more than the vault holds; the jobserver
 * holds no more buffers than it has bytes (each holds one at least). Room for those and
 * two more leaves a buffer free after the splice, for make's next write, even if one
 * writer that takes no lock (make, the reaper, another client) added a buffer meanwhile:
 * each splicer holds the jobserver's lock, so no other splice comes between this count and
 * our splice, and a writer adds one buffer at most (the next merges into it: it is the
 * last). docs/design.md has the proof. */
static int splice_fits(int vault, int jsw, long n)
{
	int size = sys_fcntl(jsw, F_GETPIPE_SZ, 0), queued = sys_fionread(jsw);
	long slots = size / page(), in_vault;

	if (size <= 0 || queued < 0)
		return 0;
	if (queued + n + 2 <= slots)
		return 1;
	in_vault = sys_fcntl(vault, F_GETPIPE_SZ, 0) / page(); /* asked only when it counts */
	return in_vault > 0 && queued + in_vault + 2 <= slots;
}

/* How long the reaper's give-back waits for room in a full jobserver pipe: only a broken
 * jobserver (or one that others filled with buffers) can be full. */
#define GIVE_WAIT_MS 5000

/* Waits until the jobserver has room. Returns 0, or -JSP_E_FULL after waiting too long. */
static int wait_room(int jsw, int *waits)
{
	struct pollfd pfd = { .fd = jsw, .events = POLLOUT };

	return ++*waits > 100 || sys_poll(&pfd, 1, GIVE_WAIT_MS) <= 0 ? -JSP_E_FULL : 0;
}

/* Moves up to len tokens through our memory: read, then write, a page at most (so a write
 * adds one pipe buffer at most, and one that make's writes merge into). The reaper's way;
 * a kill in between loses them, which in the reaper it does anyway. Returns the count, 0
 * for none, or -errno (a jobserver that takes no more: what we read and could not write is
 * lost with it). */
static long copy(int vault, int jsw, long len)
{
	char buf[4096];
	long cap = page() < (long)sizeof buf ? page() : (long)sizeof buf;
	long n = sys_read(vault, buf, (size_t)(len < cap ? len : cap));
	long done = 0, w = 0;
	int waits = 0;

	if (n <= 0)
		return n == -EAGAIN ? 0 : n;
	while (done < n) {
		w = sys_write(jsw, buf + done, (size_t)(n - done));
		if (w > 0)
			done += w;
		else if (w != -EAGAIN || wait_room(jsw, &waits) < 0)
			break;
	}
	return done ? done : w < 0 ? w : -JSP_E_FULL; /* write(2) took nothing */
}

long jobserver_give_some(int vault, int jsw, enum jobserver_give_how how, long max, int *rest)
{
	long moved = 0;

	for (;;) {
		/* What is left, asked first: an empty vault costs the jobserver no syscall. */
		int left = sys_fionread(vault);
		long want = left > 0 ? left : page(), r;

		*rest = left != 0; /* after an error, there may be */
		if (left == 0 || (left < 0 && how == JOBSERVER_SPLICE))
			return left < 0 ? left : moved;
		if (moved == max)
			return moved;
		if (want > max - moved)
			want = max - moved;
		if (how == JOBSERVER_COPY) /* FIONREAD denied: a page at a time until none */
			r = copy(vault, jsw, want);
		else if (splice_fits(vault, jsw, want))
			r = sys_splice(vault, jsw, (size_t)want);
		else
			return moved ? moved : -JSP_E_NO_ROOM;
		if (r == 0 || (left > 0 && r == left)) { /* r == 0: the vault is empty */
			*rest = 0; /* all of it, or none was there: nobody else writes into a vault */
			return moved + r;
		}
		if (r > 0) {
			moved += r;
			continue;
		}
		/* The owner never waits: the pipe filled after splice_fits said it would not,
		 * which a writer that is not ours can do. The reaper takes the rest. */
		return moved ? moved : r == -EAGAIN ? -JSP_E_FULL : r;
	}
}

long jobserver_give(int vault, int jsw, enum jobserver_give_how how, int *rest)
{
	return jobserver_give_some(vault, jsw, how, LONG_MAX, rest);
}
