/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rendezvous.h"
#include "fmt.h"
#include "log.h"
#include "policy.h"
#include "procstat.h"
#include "result.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

int rendezvous_proc_ours(int pid, int say)
{
	char buf[24];
	long n = sys_readlink("/proc/self", buf, sizeof buf), seen = 0;

	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		seen = seen * 10 + (buf[i] - '0');
	if (n > 0 && seen == pid)
		return 0;
	if (say && n < 0)
		log_msg("cannot read /proc/self: %s; is /proc mounted? not claiming", log_errno((int)n));
	else if (say)
		log_msg("/proc is not of this pid namespace (/proc/self is %s, this process is %d): "
			"mount a /proc of this namespace (unshare --pid --fork --mount-proc); not "
			"claiming", buf, pid);
	return n < 0 ? (int)n : -JSP_E_PROC_NOT_OURS;
}

/* Our directory, made if there is none: a directory (not a link to one), ours, that nobody
 * else may enter. /tmp is sticky, so nobody else can rename or remove it once it is ours. */
static int dir_is_ours(const char *dir, unsigned euid, int say)
{
	struct jsp_stat st;
	int r = sys_stat_path(dir, 1, &st);

	if (r == -ENOENT) {
		r = sys_mkdir(dir, 0700);
		if (r == 0)
			r = sys_chmod(dir, 0700); /* whatever the umask took away */
		if (r == 0 || r == -EEXIST) /* or another owner of ours made it meanwhile */
			r = sys_stat_path(dir, 1, &st);
	}
	if (r == 0 && S_ISDIR(st.mode) && st.uid == euid && (st.mode & 0777) == 0700)
		return 0;
	if (say && r < 0)
		log_msg("cannot make the directory %s: %s; not claiming", dir, log_errno(r));
	else if (say)
		log_msg("%s is not ours alone (owner uid %u, mode %03o; we are uid %u and need "
			"a directory of mode 700): another user made it, or its mode was changed; "
			"not claiming: remove it (its owner or root can), or chmod 700 it if it is "
			"ours", dir, st.uid, st.mode & 07777, euid);
	return r < 0 ? r : -JSP_E_FOREIGN_DIR;
}

/* The first pid namespace, whose init ends only with the machine (the kernel's
 * PROC_PID_INIT_INO). */
#define PIDNS_INIT_INO 0xeffffffcu
#define ANCESTORS_MAX 16

/* Is there a GNU make among our ancestors in our pid namespace, up to its init? */
static int make_inside(void)
{
	static const int field = 4; /* ppid: 0 for a parent outside the namespace */
	uint64_t ppid = 0;
	int pid = PROC_SELF;

	for (int i = 0; i < ANCESTORS_MAX && procstat_read(pid, &field, &ppid, 1) == 0 && ppid; i++) {
		char path[40], exe[256];

		pid = (int)ppid;
		fmt_proc_path(path, sizeof path, pid, "exe");
		if (sys_readlink(path, exe, sizeof exe) > 0 && policy_is_make(policy_basename(exe)))
			return 1;
	}
	return 0;
}

/* In a pid namespace of its own, our reaper lives in it and dies with it: when its init
 * ends, the kernel kills every process in it, the reaper with the tokens it holds for a
 * command that was killed. That costs nothing when the make that serves the jobserver is
 * in the namespace too (it is gone as well), but loses tokens of a make outside it, as
 * with `unshare --pid --fork --mount-proc CMD` in a recipe, a namespace that ends with
 * CMD. So outside the first pid namespace an owner claims only below a make of its own
 * namespace (a container that runs the build). */
static int pidns_lasts(uint64_t ns, int say)
{
	if (ns == PIDNS_INIT_INO || make_inside())
		return 0;
	if (say)
		log_msg("this process is in a pid namespace of its own (pid:[%llu]) without a make "
			"in it: our reaper would end with the namespace, and the tokens of a command "
			"killed in it with the reaper; not claiming: run make in the namespace too, "
			"or the command outside it", (unsigned long long)ns);
	return -JSP_E_PIDNS_ENDS;
}

int rendezvous_names(struct rendezvous *rv, int pid, uint64_t dev, uint64_t ino, int say)
{
	struct out o = { rv->sa.sun_path, rv->sa.sun_path + sizeof rv->sa.sun_path - 1 };
	struct jsp_stat ns;
	int r = rendezvous_proc_ours(pid, say);

	if (r == 0)
		r = sys_stat_path("/proc/self/ns/pid", 0, &ns);
	if (r == 0)
		r = pidns_lasts(ns.ino, say);
	if (r < 0)
		return r;
	rv->euid = sys_geteuid();
	put_str(&o, RENDEZVOUS_DIR);
	put_uint(&o, rv->euid, 0);
	*o.p = '\0';
	r = dir_is_ours(rv->sa.sun_path, rv->euid, say);
	if (r < 0)
		return r;
	put_str(&o, "/");
	put_uint(&o, RENDEZVOUS_VERSION, 0);
	put_str(&o, "-");
	put_hex(&o, ns.ino);
	put_str(&o, "-");
	put_hex(&o, dev);
	put_str(&o, "-");
	put_hex(&o, ino);
	*o.p = '\0';
	rv->sa.sun_family = AF_UNIX;
	rv->len = (unsigned)(o.p + 1 - (char *)&rv->sa);
	o = (struct out){ rv->lock, rv->lock + sizeof rv->lock - 1 };
	put_str(&o, rv->sa.sun_path);
	put_str(&o, ".lock");
	*o.p = '\0';
	return 0;
}

int rendezvous_lock(const struct rendezvous *rv)
{
	/* Unlinked by a reaper that ends, after it closed its listener: what we locked must
	 * still be the file at the path, or a new reaper may hold the one there now. */
	for (int tries = 0; tries < 3; tries++) {
		struct jsp_stat held, there;
		int fd = sys_open_mode(rv->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		int r = fd < 0 ? fd : sys_flock(fd, LOCK_EX | LOCK_NB);

		if (r == 0 && sys_fstat(fd, &held) == 0 && sys_stat_path(rv->lock, 1, &there) == 0 &&
		    held.dev == there.dev && held.ino == there.ino)
			return fd;
		if (fd >= 0)
			sys_close(fd);
		if (r == -EWOULDBLOCK)
			return -JSP_E_REAPER_BUSY; /* a reaper has the name, or is starting */
		if (r < 0)
			return r;
	}
	return -JSP_E_REAPER_BUSY;
}

int rendezvous_listen(const struct rendezvous *rv)
{
	int lfd = sys_socket_unix(SOCK_NONBLOCK), r;

	if (lfd < 0)
		return lfd;
	(void)sys_unlink(rv->sa.sun_path); /* we hold the lock: a file there is stale */
	r = sys_bind(lfd, &rv->sa, rv->len);
	if (r == 0)
		r = sys_listen(lfd, 512); /* a tick's claims wait here */
	if (r < 0) {
		sys_close(lfd);
		return r;
	}
	return lfd;
}

void rendezvous_leave(const struct rendezvous *rv, int lock)
{
	/* The socket first: a connect then fails at once (no file) and starts a new reaper,
	 * which waits for the lock. The lock file last, while we hold its lock. */
	(void)sys_unlink(rv->sa.sun_path);
	(void)sys_unlink(rv->lock);
	sys_close(lock);
}
