/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where an owner finds the reaper of its jobserver, for both sides: a SOCK_SEQPACKET
 * socket in a directory of the user's own, /tmp/jobserver-preload-EUID (mode 0700), named
 * after the protocol version, the pid namespace and the jobserver's device and inode.
 * Only that user (and root) can enter the directory, so no other user can reach the reaper
 * or take its name; owners and reapers of different pid namespaces never meet, since pids
 * one sees in /proc would name other processes for the other. A lock file beside the socket
 * says whether a reaper holds the name: a socket file without a locker was left by a reaper
 * that was killed, and the next reaper replaces it. A fixed path, not $TMPDIR: every owner of
 * a build must compute the same name whatever its environment.
 */
#ifndef JSP_RENDEZVOUS_H
#define JSP_RENDEZVOUS_H

#include <stdint.h>
#include <sys/un.h>

#define RENDEZVOUS_DIR "/tmp/jobserver-preload-"
#define RENDEZVOUS_VERSION 2 /* of the protocol (wire.h): the first part of the name */

struct rendezvous {
	struct sockaddr_un sa; /* the socket */
	unsigned len;          /* of sa */
	unsigned euid;         /* ours: the directory's, and the reaper's */
	char lock[sizeof ((struct sockaddr_un *)0)->sun_path + 8];
};

/* /proc shows this process as pid: else it is the /proc of another pid namespace (made by
 * `unshare --pid --fork` without --mount-proc), where /proc/PID is another process.
 * Returns 0, -JSP_E_PROC_NOT_OURS or -errno; say: explain (verbose). */
int rendezvous_proc_ours(int pid, int say);

/* Checks that /proc is of our pid namespace (it shows us as pid) and that the directory is
 * ours alone (made if there is none), and fills *rv with the names for the jobserver
 * dev:ino. Returns 0 or a negative code: -JSP_E_PROC_NOT_OURS, -JSP_E_FOREIGN_DIR, -errno.
 * say: explain a refusal (verbose); only outside exit paths. */
int rendezvous_names(struct rendezvous *rv, int pid, uint64_t dev, uint64_t ino, int say);

/* Takes the name's lock, for a reaper about to start (the lock fd goes with it across the
 * fork, and the lock with it). Returns the fd, -JSP_E_REAPER_BUSY when a reaper holds it,
 * or -errno. */
int rendezvous_lock(const struct rendezvous *rv);

/* In the reaper, holding the lock: replaces a socket file left by a killed reaper, binds
 * and listens. Returns the listener or -errno. */
int rendezvous_listen(const struct rendezvous *rv);

/* The reaper has closed its listener: the name is free for the next one. */
void rendezvous_leave(const struct rendezvous *rv, int lock);

#endif
