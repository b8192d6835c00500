/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp-deny [-e ERRNO] SYSCALL[:FLAGMASK] ... -- CMD ARGS...: runs CMD under a seccomp
 * filter that makes each named system call fail with ERRNO (EPERM, the default, ENOSYS or
 * EACCES), as a container or sandbox profile answers a call it does not allow. -e applies
 * to the rules after it, so one filter can answer differently per call. With :FLAGMASK the
 * call fails only when its flags argument has one of those bits set (numbers, or names such
 * as O_NONBLOCK|O_PATH joined by '|'): every /proc open of the library carries O_NONBLOCK
 * or O_PATH, so "openat:O_NONBLOCK|O_PATH" denies those and leaves ld.so's opens alone.
 * The filter is inherited by every process CMD starts (a reaper too) and cannot be lifted.
 * A system call of another ABI (i386, x32) fails with ENOSYS: the filter reads the
 * numbers of this one. Exit status as env(1): 125 for its own failure, 126/127 from exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#define X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp-deny: add this architecture's AUDIT_ARCH_ value"
#endif
/* Older headers: these came in 5.3 to 5.9, with one number on every arch. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SPLICE_F_NONBLOCK
#define SPLICE_F_NONBLOCK 2
#endif

/* The calls a test may deny, and which argument holds their flags (-1: none). */
static const struct call { const char *name; int nr, flags_arg; } CALLS[] = {
	{ "openat", SYS_openat, 2 },	     { "pidfd_open", SYS_pidfd_open, 1 },
	{ "splice", SYS_splice, 5 },	     { "socket", SYS_socket, 1 },
	{ "connect", SYS_connect, -1 },	     { "bind", SYS_bind, -1 },
	{ "listen", SYS_listen, -1 },	     { "accept4", SYS_accept4, 3 },
	{ "sendmsg", SYS_sendmsg, 2 },	     { "recvmsg", SYS_recvmsg, 2 },
	{ "getsockopt", SYS_getsockopt, -1 }, { "shutdown", SYS_shutdown, -1 },
	{ "pipe2", SYS_pipe2, 1 },	     { "clone", SYS_clone, 0 },
	{ "clone3", SYS_clone3, -1 },	     { "close_range", SYS_close_range, 2 },
	{ "statx", SYS_statx, 2 },	     { "flock", SYS_flock, 1 },
	{ "ppoll", SYS_ppoll, -1 },	     { "readlinkat", SYS_readlinkat, -1 },
	{ "fcntl", SYS_fcntl, -1 },	     { "ioctl", SYS_ioctl, -1 },
	{ "dup3", SYS_dup3, 2 },	     { "prlimit64", SYS_prlimit64, -1 },
	{ "setsid", SYS_setsid, -1 },	     { "wait4", SYS_wait4, -1 },
	{ "mkdirat", SYS_mkdirat, -1 },	     { "unlinkat", SYS_unlinkat, 2 },
	{ "mknodat", SYS_mknodat, -1 },	     { "pwrite64", SYS_pwrite64, -1 },
	{ "newfstatat", SYS_newfstatat, 3 }, { "fstat", SYS_fstat, -1 },
	{ "epoll_create1", SYS_epoll_create1, 0 }, { "epoll_pwait", SYS_epoll_pwait, -1 },
#ifdef SYS_open
	{ "open", SYS_open, 1 },	     { "poll", SYS_poll, -1 },
	{ "pipe", SYS_pipe, -1 },	     { "fork", SYS_fork, -1 },
	{ "mkdir", SYS_mkdir, -1 },	     { "readlink", SYS_readlink, -1 },
#endif
};

static const struct { const char *name; unsigned long bits; } FLAGS[] = {
	{ "O_NONBLOCK", O_NONBLOCK }, { "O_PATH", O_PATH },	  { "O_CLOEXEC", O_CLOEXEC },
	{ "O_WRONLY", O_WRONLY },     { "O_RDWR", O_RDWR },	  { "O_CREAT", O_CREAT },
	{ "O_DIRECTORY", O_DIRECTORY }, { "O_NOFOLLOW", O_NOFOLLOW },
	{ "SOCK_NONBLOCK", SOCK_NONBLOCK }, { "SOCK_CLOEXEC", SOCK_CLOEXEC },
	{ "SOCK_SEQPACKET", SOCK_SEQPACKET }, { "MSG_DONTWAIT", MSG_DONTWAIT },
	{ "MSG_CMSG_CLOEXEC", MSG_CMSG_CLOEXEC }, { "SPLICE_F_NONBLOCK", SPLICE_F_NONBLOCK },
	{ "CLONE_THREAD", CLONE_THREAD }, { "CLONE_VM", CLONE_VM }, { "LOCK_NB", 4 },
};

static const struct { const char *name; int err; } ERRNOS[] = {
	{ "EPERM", EPERM }, { "ENOSYS", ENOSYS }, { "EACCES", EACCES },
};

#define RULES_MAX 32
/* Per rule: load nr, compare, [load flags, test], return; then the arch check and end. */
static struct sock_filter prog[RULES_MAX * 5 + 8];
static unsigned short len;

static void emit(unsigned short code, unsigned char jt, unsigned char jf, unsigned k)
{
	prog[len++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/* The low 32 bits of argument i: flags fit in them on both ABIs. */
static unsigned arg_lo(int i)
{
	return offsetof(struct seccomp_data, args) + 8u * (unsigned)i +
	       (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4u : 0u);
}

/* One rule: when nr matches (and, with a mask, the flags share a bit) return -err; else
 * fall through to the next rule. */
static void emit_rule(const struct call *c, unsigned long mask, int err)
{
	emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	if (mask) {
		emit(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, (unsigned)c->nr);
		emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, arg_lo(c->flags_arg));
		emit(BPF_JMP | BPF_JSET | BPF_K, 0, 1, (unsigned)mask);
	} else {
		emit(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (unsigned)c->nr);
	}
	emit(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA));
}

static int parse_mask(const char *s, unsigned long *mask)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof buf, "%s", s);
	*mask = 0;
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		char *end;
		unsigned long v = strtoul(tok, &end, 0);
		size_t i;

		for (i = 0; *end && i < sizeof FLAGS / sizeof FLAGS[0]; i++)
			if (!strcmp(tok, FLAGS[i].name))
				v = FLAGS[i].bits, end = "";
		if (*end || !v)
			return -1;
		*mask |= v;
	}
	return *mask ? 0 : -1;
}

static int add_rule(const char *arg, int err)
{
	char name[64];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg), i;
	unsigned long mask = 0;

	snprintf(name, sizeof name, "%.*s", (int)n, arg);
	for (i = 0; i < sizeof CALLS / sizeof CALLS[0]; i++)
		if (!strcmp(name, CALLS[i].name))
			break;
	if (i == sizeof CALLS / sizeof CALLS[0]) {
		fprintf(stderr, "seccomp-deny: unknown system call %s\n", name);
		return -1;
	}
	if (colon && (CALLS[i].flags_arg < 0 || parse_mask(colon + 1, &mask) < 0)) {
		fprintf(stderr, "seccomp-deny: %s: %s\n", arg, CALLS[i].flags_arg < 0 ?
			"this call has no flags argument" : "bad flag mask");
		return -1;
	}
	if (len + 5 > RULES_MAX * 5) {
		fputs("seccomp-deny: too many rules\n", stderr);
		return -1;
	}
	emit_rule(&CALLS[i], mask, err);
	return 0;
}

static int parse_errno(const char *s)
{
	for (size_t i = 0; i < sizeof ERRNOS / sizeof ERRNOS[0]; i++)
		if (!strcmp(s, ERRNOS[i].name))
			return ERRNOS[i].err;
	fprintf(stderr, "seccomp-deny: -e takes EPERM, ENOSYS or EACCES, not %s\n", s);
	return -1;
}

int main(int argc, char **argv)
{
	struct sock_fprog fprog;
	int err = EPERM, i;

	/* First the arch (a call of another ABI has other numbers), then x32 on x86_64. */
	emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ARCH);
	emit(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
#ifdef X32_BIT
	emit(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	emit(BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_BIT);
	emit(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
#endif
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-e") && i + 1 < argc)
			err = parse_errno(argv[++i]);
		else if (add_rule(argv[i], err) < 0)
			return 125;
		if (err < 0)
			return 125;
	}
	if (i + 1 >= argc) {
		fputs("usage: seccomp-deny [-e EPERM|ENOSYS|EACCES] SYSCALL[:FLAGMASK]... -- CMD...\n",
		      stderr);
		return 125;
	}
	emit(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	fprog = (struct sock_fprog){ .len = len, .filter = prog };
	/* No new privileges: what lets a user without CAP_SYS_ADMIN install a filter, and
	 * what a container runtime sets too. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0) {
		perror("seccomp-deny: cannot install the filter");
		return 125;
	}
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "seccomp-deny: %s: %s\n", argv[i + 1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
