/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file-system calls of the syscall layer (sys.h): what a file is, making and removing
 * the reaper's directory and names, the lock on its name and on the jobserver. Same rules
 * as sys.c: raw syscalls, -errno, EINTR retried here and nowhere else.
 */
#include "sys.h"
#include "syscall_arch.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h> /* S_IFIFO */

/* statx(2)'s buffer as the kernel lays it out (an ABI that grows only into its spare
 * room), declared here: musl before 1.2.5 has no struct statx, and Debian's musl-gcc sees
 * no kernel headers. */
struct kstatx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	uint64_t stx_times[8]; /* atime, btime, ctime, mtime: 16 bytes each */
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct kstatx) == 256, "the kernel's struct statx is 256 bytes");
#define KSTATX_TYPE 0x1U
#define KSTATX_MODE 0x2U
#define KSTATX_UID 0x8U
#define KSTATX_INO 0x100U

static int stat_at(int fd, const char *path, int flags, struct jsp_stat *st)
{
	struct kstatx sx;
	unsigned mask = KSTATX_TYPE | KSTATX_MODE | KSTATX_UID | KSTATX_INO;
	long r = SC5(SYS_statx, fd, path, flags, mask, &sx);

	if (r < 0)
		return (int)r;
	st->mode = sx.stx_mode;
	st->uid = sx.stx_uid;
	st->dev = ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor;
	st->ino = sx.stx_ino;
	return 0;
}

int sys_fstat(int fd, struct jsp_stat *st)
{
	return stat_at(fd, "", AT_EMPTY_PATH, st);
}

int sys_stat_path(const char *path, int nofollow, struct jsp_stat *st)
{
	return stat_at(AT_FDCWD, path, nofollow ? AT_SYMLINK_NOFOLLOW : 0, st);
}

int sys_mkdir(const char *path, unsigned mode)
{
	return (int)SC3(SYS_mkdirat, AT_FDCWD, path, mode);
}

int sys_chmod(const char *path, unsigned mode)
{
	return (int)SC3(SYS_fchmodat, AT_FDCWD, path, mode);
}

int sys_fchmod(int fd, unsigned mode)
{
	return (int)SC2(SYS_fchmod, fd, mode);
}

int sys_mkfifo(const char *path, unsigned mode)
{
	return (int)SC4(SYS_mknodat, AT_FDCWD, path, S_IFIFO | mode, 0);
}

int sys_unlink(const char *path)
{
	return (int)SC3(SYS_unlinkat, AT_FDCWD, path, 0);
}

int sys_unlink_at(int dirfd, const char *name)
{
	return (int)SC3(SYS_unlinkat, dirfd, name, 0);
}

long sys_getdents(int fd, void *buf, size_t cap)
{
	return SC3(SYS_getdents64, fd, buf, cap);
}

int sys_pid_gone(int pid)
{
	return pid > 0 && SC2(SYS_kill, pid, 0) == -ESRCH;
}

/* pread64/pwrite64 at offset 0: zeros in every register an offset may take (i386 splits
 * it in two, 32-bit ARM pads before it), so one call serves every ABI. */
long sys_read_at0(int fd, void *buf, size_t len)
{
	long r;

	do
		r = SC6(SYS_pread64, fd, buf, len, 0, 0, 0);
	while (r == -EINTR);
	return r;
}

long sys_write_at0(int fd, const void *buf, size_t len)
{
	long r;

	do
		r = SC6(SYS_pwrite64, fd, buf, len, 0, 0, 0);
	while (r == -EINTR);
	return r;
}

int sys_flock(int fd, int op)
{
	long r;

	do
		r = SC2(SYS_flock, fd, op);
	while (r == -EINTR);
	return (int)r;
}

long sys_readlink(const char *path, char *buf, size_t cap)
{
	long n = SC4(SYS_readlinkat, AT_FDCWD, path, buf, cap - 1);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}
