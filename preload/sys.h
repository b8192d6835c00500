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
	unsigned uid;
	uint64_t dev;
	uint64_t ino;
};

int sys_open(const char *path, int flags);
int sys_open_mode(const char *path, int flags, unsigned mode); /* with O_CREAT */
int sys_close(int fd);
long sys_read(int fd, void *buf, size_t len);
long sys_write(int fd, const void *buf, size_t len); /* no wait on EAGAIN */
int sys_write_all(int fd, const void *buf, size_t len);
int sys_fcntl(int fd, int cmd, long arg);
int sys_fstat(int fd, struct jsp_stat *st);
int sys_stat_path(const char *path, int nofollow, struct jsp_stat *st);
int sys_mkdir(const char *path, unsigned mode);
int sys_chmod(const char *path, unsigned mode);
int sys_fchmod(int fd, unsigned mode);
int sys_mkfifo(const char *path, unsigned mode);
int sys_unlink(const char *path);
int sys_unlink_at(int dirfd, const char *name);
/* getdents64: struct linux_dirent64 records into buf. Returns the bytes, 0 at the end. */
long sys_getdents(int fd, void *buf, size_t cap);
/* Whether no process has that pid (kill(pid, 0) says ESRCH). */
int sys_pid_gone(int pid);
int sys_flock(int fd, int op);
long sys_read_at0(int fd, void *buf, size_t len);        /* pread at offset 0 */
long sys_write_at0(int fd, const void *buf, size_t len); /* pwrite at offset 0 */
int sys_fionread(int fd);
int sys_getpid(void);
int sys_getppid(void);
int sys_clock_realtime(uint64_t *sec, uint32_t *usec);
int sys_pipe2(int fds[2], int flags);
int sys_fork(void);
int sys_waitpid(int pid);
int sys_setsid(void);
_Noreturn void sys_exit(int status);
int sys_pidfd_open(int pid);
int sys_poll(struct pollfd *fds, unsigned n, int timeout_ms);
void sys_sleep_ms(int ms); /* ppoll, or nanosleep where ppoll is denied */
int sys_sigmask_all(void);
int sys_set_name(const char *comm);
int sys_chdir(const char *path);
void sys_close_except(const int *keep, int nkeep);
long sys_read_file(const char *path, char *buf, size_t cap);
/* readlink(2) with the result NUL-terminated (cut to cap - 1 bytes). */
long sys_readlink(const char *path, char *buf, size_t cap);

/* sys_sock.c: a unix socket between an owner and its reaper, splice, memory, the clock;
 * sys_fs.c: fstat, stat by path, mkdir, chmod, mkfifo, unlink, flock, readlink. */
struct msghdr;
int sys_socket_unix(int flags); /* AF_UNIX SOCK_SEQPACKET, close-on-exec, | flags */
int sys_bind(int fd, const void *addr, unsigned len);
int sys_listen(int fd, int backlog);
int sys_connect(int fd, const void *addr, unsigned len);
int sys_accept(int fd); /* the connection non-blocking and close-on-exec */
int sys_peer(int fd, int *pid, unsigned *uid); /* SO_PEERCRED */
long sys_sendmsg(int fd, const struct msghdr *msg); /* never blocks, never SIGPIPE */
long sys_send_nowait(int fd, const void *buf, size_t len); /* the same */
long sys_recvmsg(int fd, struct msghdr *msg);       /* never blocks; fds close-on-exec */
int sys_shutdown_read(int fd); /* on a listener: refuses new connections, keeps queued ones */
/* splice(2) between two pipes, SPLICE_F_NONBLOCK: -EAGAIN when from is empty (and still
 * has a writer) or to is full; 0 when from is empty and has no writer left. */
long sys_splice(int from, int to, size_t len);
int sys_dup3(int fd, int to); /* close-on-exec */
int sys_dup_inherited(int fd, int to); /* dup3 without close-on-exec: for the command */
unsigned sys_geteuid(void);
void *sys_map(size_t len); /* anonymous, zeroed; NULL on failure */
int sys_raise_nofile(void); /* soft limit := hard; returns the soft limit, or -errno */
uint64_t sys_monotonic_ms(void);

/* sys_epoll.c: an epoll instance (close-on-exec), a watch on one fd, and a wait for one
 * event: > 0 with *events set, 0 when timeout_ms passed (EINTR retried with the same
 * timeout: the caller keeps its own deadline). */
int sys_epoll_create(void);
int sys_epoll_add(int ep, int fd, unsigned events);
int sys_epoll_wait(int ep, unsigned *events, int timeout_ms);

#endif
