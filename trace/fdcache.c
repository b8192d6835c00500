/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fdcache.h"
#include "sys.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACKED_MAX 16

/* FD_FIFO: a FIFO that no MAKEFLAGS names, seen only by a wait so far; a read or write
 * still classifies it (and may guess it), a wait never does. FD_TRACKED + i: tracked[i]. */
enum { FD_UNKNOWN, FD_OTHER, FD_FIFO, FD_TRACKED };

static unsigned char state[FDCACHE_SIZE];
static struct tracked tracked[TRACKED_MAX];
static int ntracked, guessing, lock;

static void take_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void drop_lock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

/* Finds or adds the entry for dev:ino. Returns its index, or -1 when the table is full. */
static int find_or_add(uint64_t dev, uint64_t ino, int guess, const char *name)
{
	int i;

	take_lock();
	for (i = 0; i < ntracked; i++)
		if (tracked[i].dev == dev && tracked[i].ino == ino)
			goto out;
	if (i == TRACKED_MAX) {
		i = -1;
		goto out;
	}
	tracked[i] = (struct tracked){ .dev = dev, .ino = ino, .guess = guess,
				       .src = guess ? "guess" : "mf" };
	snprintf(tracked[i].name, sizeof tracked[i].name, "%s", name);
	__atomic_store_n(&ntracked, i + 1, __ATOMIC_RELEASE);
out:
	drop_lock();
	return i;
}

/* As jobserver.c checks them: open, a FIFO, open in the direction the role needs. */
static int fd_is_fifo(int fd, int want_write, struct jsp_stat *st)
{
	int acc;

	if (sys_fstat(fd, st) < 0 || !S_ISFIFO(st->mode))
		return 0;
	acc = sys_fcntl(fd, F_GETFL, 0);
	if (acc < 0)
		return 0;
	acc &= O_ACCMODE;
	return acc == O_RDWR || acc == (want_write ? O_WRONLY : O_RDONLY);
}

int fdcache_add_known(const struct makeflags_auth *a)
{
	struct jsp_stat r, w;
	char name[TRACE_NAME_MAX];
	int fd;

	if (a->kind == MAKEFLAGS_PIPE) {
		/* make 4.3 leaves the fds in MAKEFLAGS of a recipe without '+' and the shell
		 * may have reused them: both must be one FIFO, open the right way. */
		if (!fd_is_fifo(a->rfd, 0, &r) || !fd_is_fifo(a->wfd, 1, &w) ||
		    r.dev != w.dev || r.ino != w.ino)
			return 0;
		snprintf(name, sizeof name, "pipe:[%llu]", (unsigned long long)r.ino);
		return find_or_add(r.dev, r.ino, 0, name) >= 0;
	}
	if (a->kind != MAKEFLAGS_FIFO)
		return 0;
	/* O_PATH: no open of the fifo itself, so no side effect and no block. */
	fd = sys_open(a->path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (sys_fstat(fd, &r) < 0 || !S_ISFIFO(r.mode)) {
		sys_close(fd);
		return 0;
	}
	sys_close(fd);
	snprintf(name, sizeof name, "fifo:%s", a->path);
	return find_or_add(r.dev, r.ino, 0, name) >= 0;
}

void fdcache_set_guessing(int on)
{
	guessing = on;
}

/* What a FIFO that MAKEFLAGS does not name is called: /proc says pipe:[INO] or its path. */
static void guess_name(int fd, uint64_t ino, char *buf, size_t cap)
{
	char link[32], target[TRACE_NAME_MAX];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof target - 1);
	if (n > 0 && strncmp(target, "pipe:", 5) != 0) {
		target[n] = '\0';
		snprintf(buf, cap, "fifo:%.*s", TRACE_NAME_MAX - 8, target);
	} else {
		snprintf(buf, cap, "pipe:[%llu]", (unsigned long long)ino);
	}
}

/* FD_OTHER, FD_TRACKED + i for a jobserver already in the table, or FD_FIFO. */
static int classify_known(int fd, struct jsp_stat *st)
{
	int n = __atomic_load_n(&ntracked, __ATOMIC_ACQUIRE);

	if (sys_fstat(fd, st) < 0 || !S_ISFIFO(st->mode))
		return FD_OTHER;
	for (int i = 0; i < n; i++)
		if (tracked[i].dev == st->dev && tracked[i].ino == st->ino)
			return FD_TRACKED + i;
	return FD_FIFO;
}

static int classify(int fd)
{
	struct jsp_stat st;
	char name[TRACE_NAME_MAX];
	int i = classify_known(fd, &st);

	if (i != FD_FIFO)
		return i;
	if (!guessing)
		return FD_OTHER;
	guess_name(fd, st.ino, name, sizeof name);
	i = find_or_add(st.dev, st.ino, 1, name);
	return i < 0 ? FD_OTHER : FD_TRACKED + i;
}

struct tracked *fdcache_lookup(int fd)
{
	int s;

	if (fd < 0)
		return NULL;
	if (fd >= FDCACHE_SIZE) {
		s = classify(fd);
	} else {
		s = __atomic_load_n(&state[fd], __ATOMIC_RELAXED);
		if (s == FD_UNKNOWN || s == FD_FIFO) {
			s = classify(fd);
			__atomic_store_n(&state[fd], (unsigned char)s, __ATOMIC_RELAXED);
		}
	}
	return s >= FD_TRACKED ? &tracked[s - FD_TRACKED] : NULL;
}

struct tracked *fdcache_lookup_named(int fd)
{
	struct jsp_stat st;
	int s;

	if (fd < 0)
		return NULL;
	if (fd >= FDCACHE_SIZE) {
		s = classify_known(fd, &st);
	} else {
		s = __atomic_load_n(&state[fd], __ATOMIC_RELAXED);
		if (s == FD_UNKNOWN) {
			s = classify_known(fd, &st);
			__atomic_store_n(&state[fd], (unsigned char)s, __ATOMIC_RELAXED);
		}
	}
	return s >= FD_TRACKED && !tracked[s - FD_TRACKED].guess ? &tracked[s - FD_TRACKED] : NULL;
}

int fdcache_may_track(int fd)
{
	return fd >= FDCACHE_SIZE || (fd >= 0 && __atomic_load_n(&state[fd], __ATOMIC_RELAXED) != FD_OTHER);
}

void fdcache_forget(int fd)
{
	if (fd >= 0 && fd < FDCACHE_SIZE)
		__atomic_store_n(&state[fd], FD_UNKNOWN, __ATOMIC_RELAXED);
}

void fdcache_forget_guess(int fd)
{
	if (fd >= 0 && fd < FDCACHE_SIZE)
		__atomic_store_n(&state[fd], FD_OTHER, __ATOMIC_RELAXED);
}

void fdcache_reset_counts(void)
{
	for (int i = 0; i < ntracked; i++)
		tracked[i].taken = tracked[i].given = 0;
}

struct tracked *fdcache_tracked(int i)
{
	return i < __atomic_load_n(&ntracked, __ATOMIC_ACQUIRE) ? &tracked[i] : NULL;
}
