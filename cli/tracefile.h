/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A trace file (preload/tracerec.h) read back: the processes, the jobservers and the
 * events in time order, with who served each jobserver worked out. Shared by --report
 * and --svg.
 */
#ifndef JSP_TRACEFILE_H
#define JSP_TRACEFILE_H

#include <stddef.h>
#include <stdint.h>

struct tf_event {
	double t;  /* seconds since the first record */
	int proc;  /* index into procs */
	long n;    /* bytes: > 0 taken, < 0 given */
	long held; /* the process's holding after it */
};

/* One process's use of one jobserver. A pid that exec's stays one process (the tokens
 * it read are still held); a pid seen again after its exit record is a new process. */
struct tf_proc {
	int pid, ppid, js;
	char *cmd, *up;       /* command line; ancestors "PID:COMM,..." */
	long taken, given;    /* bytes over the whole trace */
	long max_held;
	int exited;           /* wrote an exit record: ended normally */
	int server;           /* made the jobserver's tokens: never blamed for holding */
	int reaper;           /* our own library's reaper */
	long vault;           /* what the reaper holds for it now: claimed, out of everyone's reach */
	long waits;           /* its waits for a token (ev=wait) */
	double waited;        /* their seconds in all */
	double first, last;   /* times of its first and last record */
};

/* A wrapped command (owner) that held claimed tokens while it, or a descendant (waiter),
 * waited for a token of the same jobserver: a jobserver-aware program starving under
 * the wrapper. One per owner and waiter, built by cli/starve.c. */
struct tf_starve {
	int owner, waiter; /* proc indexes */
	long waits, held;  /* the waits; the most the owner held during one */
	double waited;     /* seconds in all */
};

struct tf_js {
	uint64_t dev, ino;
	char *name;
	int named;   /* a client named it in MAKEFLAGS: not a mere guess */
	int server;  /* proc index, or -1 if the trace does not show who made it */
	long created; /* tokens the server wrote before it first read one */
};

struct tracefile {
	struct tf_event *ev;
	struct tf_proc *procs;
	struct tf_js *js;
	struct tf_starve *starve;
	int nev, nprocs, njs, nstarve;
	long records;
	double t0, span; /* time of the first record (epoch seconds); last - first */
};

/* Reads path. Returns 0, or -1 after printing why (unreadable, or line N is no record).
 * Exits 2 when out of memory. */
int tracefile_load(const char *path, struct tracefile *tf);
void tracefile_free(struct tracefile *tf);

/* What a process holds at the end of the trace, or did when it exited. */
long tf_held(const struct tf_proc *p);

/* Nonzero if the process ended (or the trace ended) with tokens that it took. */
int tf_leaked(const struct tf_proc *p);

/* Room for one more element of an array of n; arrays grow by doubling at powers of two.
 * Exits 2 when out of memory. */
void *tf_grow(void *p, int n, size_t size);

#endif
