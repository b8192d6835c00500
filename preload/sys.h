/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one layer that makes system calls. Every function returns a value >= 0 or -errno,
 * is async-signal-safe, and is the only place that retries: EINTR everywhere, EAGAIN
 * (with poll) and short counts in sys_write_all. Nothing else loops on an error code.
 */
#ifndef JSP_SYS_H
#define JSP_SYS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct jsp_stat {
	unsigned mode;   /* S_IFMT bits and permissions */
	uint64_t dev;
	uint64_t ino;
};

int sys_open(const char *path, int flags);
int sys_open_mode(const char *path, int flags, unsigned mode); /* with O_CREAT */
int sys_close(int fd);
long sys_read(int fd, void *buf, size_t len);
int sys_write_all(int fd, const void *buf, size_t len);
int sys_fcntl(int fd, int cmd, long arg);
int sys_fstat(int fd, struct jsp_stat *st);
int sys_fionread(int fd);
int sys_getpid(void);
int sys_getppid(void);
int sys_clock_realtime(uint64_t *sec, uint32_t *usec);
int sys_pipe2(int fds[2], int flags);
int sys_fork(void);
int sys_waitpid(int pid);
int sys_setsid(void);
_Noreturn void sys_exit(int status);
int sys_kill(int pid, int sig);
int sys_pidfd_open(int pid);
int sys_pidfd_send_signal(int pidfd, int sig);
int sys_poll(struct pollfd *fds, unsigned n, int timeout_ms);
int sys_sigmask_all(void);
int sys_signalfd(int sig);
int sys_set_name(const char *comm);
int sys_chdir(const char *path);
void sys_close_except(const int *keep, int nkeep);
long sys_read_file(const char *path, char *buf, size_t cap);
/* readlink(2) with the result NUL-terminated (cut to cap - 1 bytes). */
long sys_readlink(const char *path, char *buf, size_t cap);

#endif
