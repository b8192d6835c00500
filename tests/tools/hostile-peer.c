/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostile-peer MODE [-n N] [-t MS] [-s STOPFILE] [-r READYFILE] [-m MATCH] [NAME]: a peer of the reaper's
 * socket that does what a client never should, for the tests of issues 14 and 22. Every
 * 2 ms it looks in /proc/net/unix (the sockets of its network namespace) for listening
 * SOCK_SEQPACKET sockets whose name contains MATCH (default "jobserver-preload"; abstract
 * names start with '@'), until MS have passed (default 10000) or STOPFILE exists. Modes:
 *   flood    keeps N connections (default 64) open to each such socket and never sends a
 *            byte; a connection the other side closes is made again
 *   garbage  sends N messages (default 600) to each, one a connection: sizes from 0 to
 *            4096 bytes, a wrong or right magic, every op, 0 to 8 fds attached (more than
 *            a client ever sends), connections closed at once; then it floods with N
 *   forge    sends N CLAIMs (default 64) naming vault tickets it never took (the fd
 *            numbers a reaper's vaults have), with a pidfd of its own, and stays alive
 *   squat    binds NAME itself ('@' for an abstract name), listens and never accepts
 * READYFILE is made once the attack is in place: a socket found has its N connections or
 * messages, or refused one.
 * At the end it prints one line: "hostile-peer MODE: S sockets, C connected, E refused
 * (the last error)" and exits 0; 2 for bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SOCKS_MAX 32
#define CONNS_MAX 1024

static struct target {
	char name[108];
	int conns[CONNS_MAX], n, sent;
} targets[SOCKS_MAX];
static int ntargets, want = -1;
static long connected, refused;
static int last_err;
static const char *mode, *match = "jobserver-preload", *stop, *ready;

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static socklen_t address(const char *name, struct sockaddr_un *sa)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len < sizeof sa->sun_path ? len : sizeof sa->sun_path - 1);
	if (name[0] == '@') /* /proc/net/unix shows the abstract namespace's NUL as '@' */
		sa->sun_path[0] = '\0';
	else
		len++;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

/* A new connection to t, or -1 (counted as refused, with its errno). */
static int dial(const struct target *t)
{
	struct sockaddr_un sa;
	socklen_t len = address(t->name, &sa);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, len) == 0) {
		connected++;
		return fd;
	}
	if (errno != EAGAIN) /* a full backlog is no refusal: we try again */
		refused++, last_err = errno;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Looks for new listening sockets. Lines: Num RefCount Protocol Flags Type St Inode Path. */
static void scan(void)
{
	char line[512], path[sizeof targets[0].name];
	unsigned flags, type, st;
	FILE *f = fopen("/proc/net/unix", "r");

	while (f && fgets(line, sizeof line, f)) {
		int i;

		path[0] = '\0';
		if (sscanf(line, "%*s %*s %*s %x %x %x %*s %107s", &flags, &type, &st, path) < 4 ||
		    !(flags & 0x10000) || type != SOCK_SEQPACKET || !strstr(path, match))
			continue;
		for (i = 0; i < ntargets && strcmp(targets[i].name, path); i++)
			;
		if (i == ntargets && ntargets < SOCKS_MAX)
			snprintf(targets[ntargets++].name, sizeof targets[0].name, "%s", path);
	}
	if (f)
		fclose(f);
}

/* flood: drop the connections closed by the other side, make new ones up to want. */
static void flood(struct target *t)
{
	for (int i = 0; i < t->n;) {
		struct pollfd p = { .fd = t->conns[i], .events = POLLIN };

		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) {
			close(t->conns[i]);
			t->conns[i] = t->conns[--t->n];
		} else {
			i++;
		}
	}
	while (t->n < want) {
		int fd = dial(t);

		if (fd < 0)
			return;
		t->conns[t->n++] = fd;
	}
}

/* Message k of the garbage: its size, first words and attached fds vary with k. */
static void send_garbage(int fd, int k, int forge)
{
	static char buf[4096];
	static const size_t sizes[] = { 0, 1, 4, 12, 20, 135, 136, 137, 200, 4096 };
	uint32_t head[4] = { k % 3 ? 0x4a535031u : 0xdeadbeefu, 1 + k % 4, k % 5, 0 };
	int fds[8], nfds = forge ? 1 + k % 2 : k % 9, p[2] = { -1, -1 };
	size_t len = forge ? 136 : sizes[k % (sizeof sizes / sizeof sizes[0])];
	union { char b[CMSG_SPACE(sizeof fds)]; struct cmsghdr a; } c;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	/* forge: a CLAIM of no flags naming a ticket of fd numbers that a vault may have,
	 * with a pidfd of ours, and for every other one a pipe's write end of ours too (the
	 * jobserver's write end, to the reaper of protocol version 1). */
	if (forge) {
		head[0] = 0x4a535031u, head[1] = 1, head[2] = 0;
		head[3] = (uint32_t)(6 + k / 2 % 60) | (uint32_t)(7 + k / 2 % 60) << 16;
	}
	memcpy(buf, head, sizeof head);
	if (pipe2(p, O_CLOEXEC) < 0)
		p[0] = p[1] = -1;
	for (int i = 0; i < nfds; i++)
		fds[i] = forge && i == 0 ? (int)syscall(SYS_pidfd_open, getpid(), 0) :
			 forge ? p[1] : i % 3 == 0 ? open("/dev/null", O_RDWR | O_CLOEXEC) : p[i % 2];
	if (nfds > 0) {
		struct cmsghdr *h = (struct cmsghdr *)c.b;

		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(h), fds, nfds * sizeof(int));
		mh.msg_control = c.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
	}
	(void)sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	for (int i = 0; i < nfds; i++)
		if (fds[i] != p[0] && fds[i] != p[1] && fds[i] >= 0)
			close(fds[i]);
	if (p[0] >= 0)
		close(p[0]), close(p[1]);
}

/* garbage and forge: one message a connection while fewer than want were sent. */
static void pester(struct target *t, int forge)
{
	for (int burst = 0; burst < 50 && t->sent < want; burst++) {
		int fd = dial(t);

		if (fd < 0)
			return;
		send_garbage(fd, t->sent++, forge);
		if (forge && t->n < CONNS_MAX)
			t->conns[t->n++] = fd; /* kept: its CLAIM stands while we live */
		else
			close(fd);
	}
	if (!forge && t->sent >= want)
		flood(t);
}

static void mark_ready(void)
{
	int done = refused > 0;

	for (int i = 0; i < ntargets; i++)
		done |= targets[i].n >= want || targets[i].sent >= want;
	if (ready && done) {
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		ready = NULL;
	}
}

static int squat(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = address(name, &sa);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 1) < 0) {
		fprintf(stderr, "hostile-peer: cannot bind %s: %s\n", name, strerror(errno));
		return -1;
	}
	printf("hostile-peer: squatting %s\n", name);
	fflush(stdout);
	return fd;
}

int main(int argc, char **argv)
{
	long ms = 10000, t0 = now_ms();
	struct rlimit rl;
	int opt;

	while ((opt = getopt(argc, argv, "n:t:s:m:r:")) != -1) {
		switch (opt) {
		case 'n': want = atoi(optarg); break;
		case 't': ms = atol(optarg); break;
		case 's': stop = optarg; break;
		case 'm': match = optarg; break;
		case 'r': ready = optarg; break;
		default: return 2;
		}
	}
	mode = optind < argc ? argv[optind] : "";
	if (want < 0)
		want = !strcmp(mode, "garbage") ? 600 : 64;
	if (want > CONNS_MAX || (strcmp(mode, "flood") && strcmp(mode, "garbage") &&
				 strcmp(mode, "forge") && strcmp(mode, "squat")) ||
	    (!strcmp(mode, "squat") && optind + 1 >= argc)) {
		fputs("usage: hostile-peer flood|garbage|forge|squat [-n N] [-t MS] [-s STOPFILE] "
		      "[-r READYFILE] [-m MATCH] [NAME]\n", stderr);
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { /* room for every connection */
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (!strcmp(mode, "squat") && squat(argv[optind + 1]) < 0)
		return 1;
	while (now_ms() - t0 < ms && !(stop && access(stop, F_OK) == 0)) {
		if (strcmp(mode, "squat")) {
			scan();
			for (int i = 0; i < ntargets; i++)
				if (!strcmp(mode, "flood"))
					flood(&targets[i]);
				else
					pester(&targets[i], !strcmp(mode, "forge"));
		}
		mark_ready();
		poll(NULL, 0, 2);
	}
	printf("hostile-peer %s: %d sockets, %ld connected, %ld refused (%s)\n", mode, ntargets,
	       connected, refused, last_err ? strerror(last_err) : "none");
	return 0;
}
