/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * status-peer: a STATUS client of a reaper's socket at PATH (preload/wire.h), for
 * tests/bats/status.bats. Unlike jobserver-preload --status it checks nothing itself, so
 * that the reaper's own checks are what is tested.
 *   ask PATH              sends a STATUS and prints "answer: N owners" and one line
 *                         "owner PID TOKENS" each, or "refused: WHY"; exits 0 answered,
 *                         1 refused or no answer in 3 s
 *   noread N PATH STOP    sends a STATUS on each of N connections and never reads; prints
 *                         "noread: N asked" once they are sent, holds them until the file
 *                         STOP exists (30 s at most), then prints "noread: K answers
 *                         unread" (the connections with a reply waiting) and exits 0
 * Exits 2 for bad arguments.
 */
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NOREAD_MAX 512

/* A connection to path with a STATUS sent on it, or -1 after saying why. */
static int ask(const char *path)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_STATUS };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		printf("refused: connect: %s\n", strerror(errno));
		return -1;
	}
	if (send(fd, &q, sizeof q, MSG_NOSIGNAL) != (ssize_t)sizeof q) {
		printf("refused: send: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int ask_once(const char *path)
{
	static char buf[WIRE_STATUS_MAX];
	struct wire_status_head h;
	struct pollfd p = { .events = POLLIN };
	ssize_t n;

	p.fd = ask(path);
	if (p.fd < 0)
		return 1;
	if (poll(&p, 1, 3000) <= 0) {
		printf("refused: no answer in 3 s\n");
		return 1;
	}
	n = recv(p.fd, buf, sizeof buf, 0);
	if (n <= 0) {
		printf("refused: %s\n", n == 0 ? "end of file" : strerror(errno));
		return 1;
	}
	memcpy(&h, buf, sizeof h < (size_t)n ? sizeof h : (size_t)n);
	if ((size_t)n < sizeof h || h.magic != WIRE_MAGIC || h.op != WIRE_STATUS ||
	    (size_t)n != sizeof h + h.owners * sizeof(struct wire_status_owner)) {
		printf("refused: an answer of %zd bytes that is no STATUS reply\n", n);
		return 1;
	}
	printf("answer: %u owners\n", h.owners);
	for (uint32_t i = 0; i < h.owners; i++) {
		struct wire_status_owner o;

		memcpy(&o, buf + sizeof h + i * sizeof o, sizeof o);
		printf("owner %d %d\n", o.pid, o.tokens);
	}
	return 0;
}

static int noread(int n, const char *path, const char *stop)
{
	static struct pollfd p[NOREAD_MAX];
	int asked = 0, unread = 0;

	for (int i = 0; i < n; i++) {
		p[i].fd = ask(path);
		p[i].events = POLLIN;
		asked += p[i].fd >= 0;
	}
	printf("noread: %d asked\n", asked);
	fflush(stdout);
	for (int t = 0; t < 3000 && access(stop, F_OK) != 0; t++)
		usleep(10000);
	poll(p, (nfds_t)n, 0);
	for (int i = 0; i < n; i++) {
		int waiting = 0;

		/* A reply waiting: more than the end of file of a peer that closed. */
		if (p[i].fd >= 0 && (p[i].revents & POLLIN) &&
		    recv(p[i].fd, &waiting, sizeof waiting, MSG_PEEK | MSG_DONTWAIT) > 0)
			unread++;
	}
	printf("noread: %d answers unread\n", unread);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "ask"))
		return ask_once(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "noread") && atoi(argv[2]) > 0 &&
	    atoi(argv[2]) <= NOREAD_MAX)
		return noread(atoi(argv[2]), argv[3], argv[4]);
	fprintf(stderr, "usage: status-peer ask PATH | noread N PATH STOPFILE\n");
	return 2;
}
