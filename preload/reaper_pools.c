/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_pools.h"
#include "fmt.h"
#include "reaper_fds.h"
#include "sys.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>

#define PATH_CAP 160 /* the stem is a socket's path (under 108 bytes), then 31 at most */
#define MARK ".pool-"
#define SWEEP_MAX 256 /* stale pools removed by one reaper's start */
#define DRAIN_READS 16 /* of a page each, a round: a writer that never stops cannot hold us */

static const char *stem;
static int our_pid, up_writer = -1;
static uint32_t next_id;

static void name(char *buf, uint32_t id)
{
	struct out o = { buf, buf + PATH_CAP - 1 };

	put_str(&o, stem);
	put_str(&o, MARK);
	put_hex(&o, (uint64_t)our_pid);
	put_str(&o, "-");
	put_hex(&o, id);
	*o.p = '\0';
}

/* Whether s holds word. */
static int contains(const char *s, const char *word)
{
	for (; *s; s++) {
		int i = 0;

		while (word[i] && s[i] == word[i])
			i++;
		if (!word[i])
			return 1;
	}
	return 0;
}

/* Is our jobserver (WIRE_JOBSERVER_FD) a pool in our directory? Its path says: the
 * directory is ours alone, so nobody else can have put a FIFO of that name there. */
static int jobserver_is_pool(void)
{
	char link[PATH_CAP], dir[PATH_CAP];
	long n = sys_readlink("/proc/self/fd/6", link, sizeof link), end = 0;

	_Static_assert(WIRE_JOBSERVER_FD == 6, "the path above");
	for (long i = 0; stem[i] && i < PATH_CAP - 1; i++) {
		dir[i] = stem[i];
		if (stem[i] == '/')
			end = i + 1;
	}
	if (n <= end || end == 0)
		return 0;
	for (long i = 0; i < end; i++)
		if (link[i] != dir[i])
			return 0;
	return contains(link + end, MARK);
}

int pools_init(const char *s)
{
	stem = s;
	our_pid = sys_getpid();
	return jobserver_is_pool();
}

/* Whether s starts with word. */
static int starts(const char *s, const char *word)
{
	while (*word && *s == *word)
		s++, word++;
	return !*word;
}

/* The reaper pid in a pool's name "2-PIDNS-DEV-INO.pool-PID-ID" of our pid namespace
 * (ours: that name's start up to DEV), or 0. */
static int pool_pid(const char *n, const char *ours, long ours_len)
{
	long pid = 0;

	for (long i = 0; i < ours_len; i++)
		if (n[i] != ours[i])
			return 0;
	while (*n && !starts(n, MARK))
		n++;
	if (!*n)
		return 0;
	for (n += sizeof MARK - 1; (*n >= '0' && *n <= '9') || (*n >= 'a' && *n <= 'f'); n++)
		pid = pid * 16 + (*n <= '9' ? *n - '0' : *n - 'a' + 10);
	return *n == '-' && pid > 0 && pid <= 0x7fffffff ? (int)pid : 0;
}

struct dent { /* struct linux_dirent64 */
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

void pools_sweep(void)
{
	char dir[PATH_CAP];
	uint64_t buf[512]; /* dirents are 8-byte aligned */
	const char *base = stem;
	long nbase = 0, dashes = 0, n;
	int fd, left = SWEEP_MAX;

	for (const char *s = stem; *s; s++)
		if (*s == '/')
			base = s + 1;
	for (long i = 0; i < base - stem && i < PATH_CAP - 1; i++)
		dir[i] = stem[i];
	dir[base - stem < PATH_CAP ? base - stem : PATH_CAP - 1] = '\0';
	while (base[nbase] && dashes < 2) /* "2-PIDNS-": the version and our pid namespace */
		dashes += base[nbase++] == '-';
	fd = sys_open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return; /* denied, or gone: nothing is lost but a few names */
	while (left > 0 && (n = sys_getdents(fd, buf, sizeof buf)) > 0)
		for (long off = 0; off < n && left > 0;) {
			const struct dent *d = (const struct dent *)((const char *)buf + off);
			int pid = pool_pid(d->name, base, nbase);

			if (pid && pid != our_pid && sys_pid_gone(pid) && sys_unlink_at(fd, d->name) == 0)
				left--;
			off += d->reclen ? d->reclen : n;
		}
	sys_close(fd);
}

int pools_make(uint32_t *id, int *writer)
{
	char path[PATH_CAP];
	int r, fd, w;

	*id = next_id++;
	name(path, *id);
	r = sys_mkfifo(path, 0600);
	if (r == -EEXIST) { /* left by a reaper that was killed and had our pid */
		(void)sys_unlink(path);
		r = sys_mkfifo(path, 0600);
	}
	if (r == 0)
		r = sys_chmod(path, 0600); /* whatever the umask took away: the owner opens it */
	if (r < 0)
		return r;
	fd = sys_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* no writer needed */
	w = fd < 0 ? fd : sys_open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (w < 0) {
		if (fd >= 0)
			sys_close(fd);
		(void)sys_unlink(path);
		return w;
	}
	fds_opened(2);
	*writer = w;
	return fd;
}

void pools_unlink(uint32_t id)
{
	char path[PATH_CAP];

	name(path, id);
	(void)sys_unlink(path);
}

void pools_retire(int fd, uint32_t id)
{
	pools_unlink(id);
	fds_close(fd);
}

long pools_drain(int fd, int *gone)
{
	char buf[4096];
	long n = 0, r = -EAGAIN;

	for (int i = 0; i < DRAIN_READS && (r = sys_read(fd, buf, sizeof buf)) > 0; i++)
		n += r;
	*gone = r == 0;
	return n;
}

void pools_upstream_hold(int writer)
{
	up_writer = writer; /* < 0: the pool above may then give back early, as without us */
}
