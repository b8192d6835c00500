/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_birth.h"
#include "fmt.h"
#include "log.h"
#include "procstat.h"
#include "reaper_fds.h"
#include "reaper_owners.h"
#include "reaper_pools.h"
#include "reaper_vaults.h"
#include "rendezvous.h"
#include "result.h"
#include "sys.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

/* An O_PATH of the jobserver, from the owner's own open of it (fd in our copy of its fd
 * table), checked to be it: our way to its writer at every give-back (wire.h). */
static int jobserver_path(const struct reaper_birth *b, int fd)
{
	struct jsp_stat st;
	char path[32];
	int p;

	fmt_proc_fd(path, sizeof path, PROC_SELF, fd);
	p = sys_open(path, O_PATH | O_CLOEXEC);
	if (p >= 0 && (sys_fstat(p, &st) < 0 || st.dev != b->dev || st.ino != b->ino)) {
		sys_close(p);
		p = -JSP_E_STALE;
	}
	return p;
}

/* Closes every fd but the n in keep[], whatever their order. */
static void close_all_but(const int *keep, int n)
{
	int sorted[3];

	for (int i = 0; i < n; i++) {
		int j = i;

		for (; j > 0 && sorted[j - 1] > keep[i]; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = keep[i];
	}
	sys_close_except(sorted, n);
}

int birth_denied(long r)
{
	return r == -EPERM || r == -EACCES || r == -ENOSYS;
}

/* The calls we cannot do without, asked once before we say that we listen: one that a
 * sandbox denies would let us take claims that we could then not serve. The arguments are
 * made to fail cheaply (an fd of -1) where the answer does not matter. */
static int probe(struct reaper_report *rep, int *limit)
{
	static const char names[][16] = { "ppoll", "accept4", "recvmsg", "splice", "getsockopt",
					    "shutdown", "ioctl", "clock_gettime", "pipe2",
					    "prlimit64" };
	struct msghdr mh = { 0 };
	int pid, fds[2];
	unsigned uid;
	long r[10];

	r[0] = sys_poll(NULL, 0, 0);
	r[1] = sys_accept(-1);
	r[2] = sys_recvmsg(-1, &mh);
	r[3] = sys_splice(-1, -1, 1);
	r[4] = sys_peer(-1, &pid, &uid);
	r[5] = sys_shutdown_read(-1);
	r[6] = sys_fionread(-1);
	r[7] = sys_monotonic_ms() ? 0 : -EPERM;
	r[8] = sys_pipe2(fds, O_CLOEXEC); /* the vaults to come */
	if (r[8] == 0) {
		sys_close(fds[0]);
		sys_close(fds[1]);
	}
	r[9] = *limit = sys_raise_nofile(); /* an fd budget against a limit we do not know
					      * could see a claim's fds dropped */
	for (int i = 0; i < 10; i++)
		if (birth_denied(r[i])) {
			rep->err = (int32_t)r[i];
			for (int k = 0; k < 16; k++)
				rep->call[k] = names[i][k];
			return -JSP_E_REAPER_DENIED;
		}
	return 0;
}

int birth_settle(const struct reaper_birth *b, int *report, int *lock, struct reaper_report *rep)
{
	int js = jobserver_path(b, b->jobserver), keep[3] = { b->lock, b->report, js }, err, lfd;
	int limit;

	/* Hold no fd but our own: a pipe from make's output or $(shell ...) must close when
	 * the owner's side does, and make 4.4 reads the jobserver until every writer is gone.
	 * What an owner passes us we close when it is done. */
	close_all_but(keep, js < 0 ? 2 : 3);
	*lock = b->lock;
	*report = b->report;
	if (js < 0)
		return js;
	err = probe(rep, &limit);
	if (err == 0 && limit < 0)
		err = limit;
	if (err < 0)
		return err;
	fds_init(limit);
	fds_opened(3); /* the lock, the report pipe, the jobserver */
	fds_promise(1); /* the listener, made once the vaults are */
	/* Out of the way of the fixed fds, which every owner knows (wire.h). */
	*lock = fds_off_fixed(*lock);
	*report = fds_off_fixed(*report);
	js = fds_off_fixed(js);
	if (*lock < 0 || *report < 0 || js < 0)
		return *lock < 0 ? *lock : *report < 0 ? *report : js;
	err = fds_fix(js, WIRE_JOBSERVER_FD);
	/* The owner that made us checked /proc, but we are a new pid, and we read our
	 * owners' ends there. */
	if (err == 0)
		err = rendezvous_proc_ours(sys_getpid(), 0);
	if (err == 0)
		err = owners_init(b->dev, b->ino);
	/* Our jobserver may be an owner's pool: a nested claim (reaper_pools.h). */
	if (err == 0 && pools_init(b->rv->sa.sun_path))
		pools_upstream_hold(owners_jobserver());
	if (err == 0)
		err = vaults_init();
	fds_promise(-1);
	lfd = err < 0 ? err : rendezvous_listen(b->rv);
	if (lfd >= 0)
		fds_opened(1);
	return lfd;
}

/* `pkill -f PATTERN`, a common clean-up in CI, would match a reaper that kept the owner's
 * command line and kill it with the tokens it holds: it takes a name of its own. Its argv
 * is a copy of the owner's memory, so writing over it touches nothing of the owner's. */
void birth_rename(void)
{
	static const int fields[] = { PROCSTAT_ARG_START, PROCSTAT_ARG_END };
	static const char name[] = "jobserver-preload-reaper";
	uint64_t area[2];
	char *p;

	sys_set_name("jsp-reaper");
	if (procstat_read(PROC_SELF, fields, area, 2) < 0 || area[0] == 0 || area[1] <= area[0])
		return;
	p = (char *)(uintptr_t)area[0];
	for (uint64_t i = 0; i < area[1] - area[0]; i++)
		p[i] = i < sizeof name - 1 ? name[i] : '\0';
}
