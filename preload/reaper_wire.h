/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an owner and the reaper of its jobserver say to each other, on a SOCK_SEQPACKET
 * unix socket in the abstract namespace named after the protocol version, the user and
 * the jobserver's device and inode. Abstract: no file to create or clean up, and the name
 * is gone with the reaper however it ends.
 *
 * CLAIM carries no count and gets no answer: the owner names the vault it took a ticket
 * for (a pipe the reaper made and holds) and then moves the tokens into it itself
 * (jobserver_take), so a token is never in a pipe that nobody will give back. RELEASE is
 * the only exchange that waits for an answer. A reaper that is busy reads its listener
 * once a tick, not once a claim (reaper.c): an owner that needs it at once rings its bell.
 */
#ifndef JSP_REAPER_WIRE_H
#define JSP_REAPER_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define WIRE_MAGIC 0x4a535031u /* "JSP1"; the version is in the socket's name too */

enum wire_op {
	WIRE_CLAIM = 1,   /* this vault is mine: give back what is in it when I end */
	WIRE_RELEASE = 2, /* I am ending: give back what you hold for my pid, then answer */
};

/* A CLAIM passes, in this order: the owner's pidfd (unless owner_start is set: no pidfd
 * on this kernel), the jobserver's write end, and then, by flags, the owner's stderr and
 * its trace file. */
#define WIRE_VERBOSE 1u
#define WIRE_TRACE 2u
#define WIRE_FDS_MAX 4
#define WIRE_DESC_MAX 96 /* struct jobserver's desc */

/* In the reaper, at fixed fds: the read end of its tickets pipe, which owners take tickets
 * from through /proc/REAPER/fd, and its write end, to give back a ticket not used. */
#define WIRE_TICKETS_FD 3
#define WIRE_RETURNS_FD 4
/* And the write end of its bell, a pipe it always listens to: a byte there wakes it, for an
 * owner that found few tickets left (fewer than WIRE_TICKETS_LOW) or waits for an answer. */
#define WIRE_BELL_FD 5
#define WIRE_TICKETS_LOW 8

/* A ticket: a free vault, by the fds of its two ends in the reaper. */
struct wire_ticket {
	uint16_t r, w;
};

struct wire_request {
	uint32_t magic, op, flags;
	struct wire_ticket vault; /* CLAIM: the vault the owner took a ticket for */
	uint64_t owner_start; /* CLAIM without a pidfd: the owner's start time, else 0 */
	uint64_t dev, ino;    /* CLAIM: the jobserver, for messages and trace records */
	char desc[WIRE_DESC_MAX];
};

struct wire_reply {
	uint32_t magic;
	int32_t pad;
	int64_t given; /* RELEASE: tokens given back, or -errno */
};

/* Fills *sa with the reaper's address for this user and jobserver; returns its length. */
unsigned wire_address(struct sockaddr_un *sa, unsigned uid, uint64_t dev, uint64_t ino);

/* One message with nfds fds attached. Returns 0 or -errno. Does not block. */
int wire_send(int fd, const void *msg, size_t len, const int *fds, int nfds);

/* One message of exactly len bytes, with at most WIRE_FDS_MAX fds (*nfds of them, all
 * close-on-exec). Returns 0, or -errno with no fd left open: -EAGAIN when nothing has
 * come yet, -EIO for end of file or a message of another size, -EMFILE if the fds did
 * not all fit. Does not block. */
int wire_recv(int fd, void *msg, size_t len, int *fds, int *nfds);

/* Closes the n fds. */
void wire_close(const int *fds, int n);

#endif
