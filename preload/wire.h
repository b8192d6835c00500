/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an owner and the reaper of its jobserver say to each other, on a SOCK_SEQPACKET
 * unix socket in a directory of the user's own (rendezvous.h).
 *
 * CLAIM carries no count and gets no answer: the owner names the vault it took a ticket
 * for (a pipe the reaper made and holds) and then moves the tokens into it itself
 * (jobserver_take), so a token is never in a pipe that nobody will give back. RELEASE is
 * the only exchange that waits for an answer. A reaper that is busy reads its listener
 * once a tick, not once a claim (reaper.c): an owner that needs it at once rings its bell.
 * STATUS is not an owner's: jobserver-preload --status asks who holds what (cli/status.c),
 * and the reaper answers at once or not at all (reaper_status.c).
 */
#ifndef JSP_WIRE_H
#define JSP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC 0x4a535032u /* "JSP2"; the version is in the socket's name too */

enum wire_op {
	WIRE_CLAIM = 1,   /* this vault is mine: give back what is in it when I end */
	WIRE_RELEASE = 2, /* I am ending: give back what you hold for my pid, then answer */
	WIRE_STATUS = 3,  /* who holds what: one wire_status reply, then the reaper closes */
};

/* A CLAIM passes, by its flags and in this order: the owner's pidfd (WIRE_PIDFD; else
 * owner_start is its start time: no pidfd_open here), its stderr (WIRE_VERBOSE) and its
 * trace file (WIRE_TRACE). No writer of anything: the stderr and the trace file as O_PATH
 * fds, which the reaper opens for each message (non-blocking, dropped if it cannot be
 * written at once), or the socket itself when stderr is a socket (WIRE_ERR_SOCKET: written
 * with MSG_DONTWAIT). A CLAIM that waits in the queue of a reaper that is stopped, or an
 * owner whose stderr nobody reads, can thus never hold a pipe open that someone waits to
 * see closed, nor block the reaper. The jobserver's writer is not passed at all: the
 * reaper has its own O_PATH of it (WIRE_JOBSERVER_FD). */
#define WIRE_PIDFD 1u
#define WIRE_VERBOSE 2u
#define WIRE_ERR_SOCKET 4u
#define WIRE_TRACE 8u
/* A RELEASE from an owner whose tree shares its tokens through its pool (owner_pool.h):
 * as many back as the pool holds, the rest held in the tree still; without it, all. */
#define WIRE_POOLED 16u
/* A CLAIM whose owner's tree takes its width from the private pool, not from PARALLELISM
 * (a jobserver client as the command, or --elastic): the reaper may move tokens in and
 * out of it while the owner runs (reaper_elastic.c). Its --max (0: none) is in the bits
 * from WIRE_MAX_SHIFT up, so that the message keeps its size. The reaper starts only once
 * the owner has marked the pool shared (its mode gets WIRE_POOL_SHARED: owner_pool.c). */
#define WIRE_ELASTIC 32u
#define WIRE_MAX_SHIFT 12
#define WIRE_MAX_LIMIT 0xfffffu
#define WIRE_POOL_SHARED 0100u
#define WIRE_FDS_MAX 3
#define WIRE_DESC_MAX 96 /* struct jobserver's desc */

/* In the reaper, at fixed fds: the read end of its tickets pipe, which owners take tickets
 * from through /proc/REAPER/fd, and its write end, to give back a ticket not used. */
#define WIRE_TICKETS_FD 3
#define WIRE_RETURNS_FD 4
/* And the write end of its bell, a pipe it always listens to: a byte there wakes it, for an
 * owner that found few tickets left (fewer than WIRE_TICKETS_LOW) or waits for an answer. */
#define WIRE_BELL_FD 5
#define WIRE_TICKETS_LOW 8
/* And its jobserver, as an O_PATH fd (no reader or writer: make still sees the end of
 * file it waits for at exit when every real writer is gone, whatever the reaper's state).
 * Whoever gives back opens a writer through /proc/REAPER/fd and checks its device and
 * inode: an owner at its end, and the reaper, for each give-back. */
#define WIRE_JOBSERVER_FD 6
#define WIRE_FIXED_FIRST WIRE_TICKETS_FD
#define WIRE_FIXED_LAST WIRE_JOBSERVER_FD

/* The most vaults a reaper makes: one per owner holding tokens at once, so more than a
 * make -j has jobs that can hold one at once on one machine. Each costs the reaper some
 * WIRE_FDS_PER_VAULT fds with what it keeps for its claim (reaper_fds.h): an owner that
 * finds no ticket tells by the reaper's fd limit whether that limit is why. */
#define WIRE_VAULTS_MAX 512
#define WIRE_FDS_PER_VAULT (5 + WIRE_FDS_MAX)

/* A ticket: a free vault, by the fds of its two ends in the reaper, and the read end of
 * the private pool that comes with it (reaper_pools.h): 6 bytes, written and read 6 at a
 * time, so a read takes one whole ticket. */
struct wire_ticket {
	uint16_t r, w, p;
};
/* p of a vault that goes out without a pool: the reaper could not make one (a sandbox that
 * denies mkfifo); its owner claims all the same, and its tree sees make's jobserver. */
#define WIRE_NO_POOL 0xffffu

struct wire_request {
	uint32_t magic, op, flags;
	struct wire_ticket vault; /* CLAIM: the vault the owner took a ticket for */
	uint64_t owner_start; /* CLAIM without WIRE_PIDFD: the owner's start time */
	uint64_t dev, ino;    /* CLAIM: the jobserver, which must be the reaper's */
	char desc[WIRE_DESC_MAX];
};

struct wire_reply {
	uint32_t magic;
	int32_t pad;
	int64_t given; /* RELEASE: tokens given back, or a negative code (result.h) */
};

/* The reply to a STATUS: a head and one entry per owner held, in one message of at most
 * WIRE_STATUS_MAX bytes (a seqpacket message is whole or not at all). The reaper sends it
 * without waiting (it is dropped if the socket cannot take it now) and closes. A reaper of
 * an older build closes without a reply: the asker sees end of file. */
struct wire_status_owner {
	int32_t pid;        /* the kernel's word at the claim (SO_PEERCRED) */
	int32_t tokens;     /* in its vault now (FIONREAD), or -errno */
	uint64_t held_ms;   /* since its CLAIM was accepted */
	/* The private jobserver this owner serves its descendants (none: -1, -1): its slots
	 * (the tokens in the vault), and how many of them its descendants hold now. */
	int32_t pool_slots, pool_busy;
};

struct wire_status_head {
	uint32_t magic, op;    /* WIRE_MAGIC, WIRE_STATUS */
	uint32_t owners;       /* entries that follow */
	uint32_t tickets;      /* left in the tickets pipe, for claims to come */
};

#define WIRE_STATUS_OWNERS_MAX 1024 /* OWNERS_MAX of reaper_owners.h */
#define WIRE_STATUS_MAX \
	(sizeof(struct wire_status_head) + WIRE_STATUS_OWNERS_MAX * sizeof(struct wire_status_owner))

/* One message with nfds fds attached. Returns 0 or -errno. Does not block. */
int wire_send(int fd, const void *msg, size_t len, const int *fds, int nfds);

/* One message of exactly len bytes, with at most WIRE_FDS_MAX fds (*nfds of them, all
 * close-on-exec). Returns 0, or a negative code with no fd left open: -EAGAIN when nothing
 * has come yet, -JSP_E_HANGUP for end of file, -JSP_E_BAD_MESSAGE for a message of another
 * size or whose fds did not all fit. Does not block. */
int wire_recv(int fd, void *msg, size_t len, int *fds, int *nfds);

/* Closes the n fds. */
void wire_close(const int *fds, int n);

#endif
