/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_vaults.h"
#include "jobserver.h"
#include "reaper_fds.h"
#include "reaper_pools.h"
#include "result.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>

/* How many vaults a reaper makes at a time, and at most (wire.h says why so many). A
 * vault is some 80 us here (a pipe, and its pool: a mkfifo and two opens); the owner that
 * started us waits for the first ones, so those are few, and the rest of the batch is
 * made once it is on its way (vaults_grow, after our report). */
#define VAULTS_FIRST 2
#define VAULTS_BATCH 16
#define VAULTS_MAX WIRE_VAULTS_MAX

enum state { FREE, HELD }; /* FREE: its ticket is out (in the pipe, or with an owner) */

static struct vault {
	int r, w, p;  /* p: its pool, a new one for each ticket (reaper_pools.h) */
	int pw;       /* our writer of the pool, until its owner ends */
	uint32_t pool_id;
	enum state state;
} vaults[VAULTS_MAX];
static int nvaults, bell = -1, stopped;

/* The vault's pool goes, name and fds. */
static void retire(struct vault *v)
{
	if (v->p < 0)
		return;
	pools_retire(v->p, v->pool_id);
	fds_close(v->pw);
	v->p = v->pw = -1;
}

/* Its ticket goes out, with a new pool: from now on the fds of the claim that will name
 * it are promised (reaper_fds.h). */
static int issue(struct vault *v)
{
	struct wire_ticket t;
	int r = v->p = pools_make(&v->pool_id, &v->pw);

	if (r >= 0 && r >= (int)WIRE_NO_POOL) {
		retire(v);
		r = -EMFILE; /* an fd number must fit a ticket */
	}
	if (r < 0)
		v->p = -1; /* it goes out without one: the claim works all the same */
	t = (struct wire_ticket){ (uint16_t)v->r, (uint16_t)v->w,
				  v->p < 0 ? (uint16_t)WIRE_NO_POOL : (uint16_t)v->p };
	r = sys_write_all(WIRE_RETURNS_FD, &t, sizeof t);
	if (r == 0)
		fds_promise(FDS_ACCEPT);
	else
		retire(v);
	return r;
}

static void make_batch(int n)
{
	for (int i = 0; i < n && nvaults < VAULTS_MAX; i++) {
		struct vault *v = &vaults[nvaults];
		int p[2];

		/* An fd number must fit a ticket, and its claim must fit our fd limit. */
		if (!fds_can_vault() || sys_pipe2(p, O_CLOEXEC) < 0)
			return;
		fds_opened(2);
		*v = (struct vault){ p[0], p[1], -1, -1, 0, FREE };
		if (p[0] > 0xffff || p[1] > 0xffff || issue(v) < 0) {
			fds_close(p[0]);
			fds_close(p[1]);
			return;
		}
		nvaults++;
	}
}

/* A pipe with its write end at the fixed fd w, and its read end at the fixed fd r, or,
 * if r < 0, wherever it lands off the fixed fds (*rest). Returns 0 or -errno. */
static int pipe_at(int r, int w, int *rest)
{
	int p[2], err = sys_pipe2(p, O_CLOEXEC | O_NONBLOCK);

	if (err < 0)
		return err;
	p[0] = r >= 0 ? p[0] : fds_off_fixed(p[0]);
	if (p[0] < 0) {
		sys_close(p[1]);
		return p[0];
	}
	err = r >= 0 ? fds_fix(p[0], r) : 0;
	err = err < 0 ? err : fds_fix(p[1], w);
	if (err < 0) {
		if (r < 0)
			sys_close(p[0]);
		return err;
	}
	*rest = r < 0 ? p[0] : -1;
	fds_opened(2);
	return 0;
}

int vaults_init(void)
{
	int unused, err;

	/* The tickets pipe and the bell at fixed fds, which every owner knows (the caller
	 * moved its own fds out of their way). */
	err = pipe_at(WIRE_TICKETS_FD, WIRE_RETURNS_FD, &unused);
	if (err == 0)
		err = pipe_at(-1, WIRE_BELL_FD, &bell);
	if (err < 0)
		return err;
	make_batch(VAULTS_FIRST);
	return nvaults ? 0 : -JSP_E_FD_LIMIT;
}

int vaults_bell(void)
{
	return bell;
}

void vaults_hush(void)
{
	char buf[64];

	while (sys_read(bell, buf, sizeof buf) > 0)
		;
}

void vaults_grow(void)
{
	if (stopped)
		return;
	/* The tickets still in the pipe: those read by an owner whose CLAIM has not come yet
	 * are gone from it already. */
	if (sys_fionread(WIRE_TICKETS_FD) < WIRE_TICKETS_LOW * (int)sizeof(struct wire_ticket))
		make_batch(VAULTS_BATCH);
}

int vaults_take(const struct wire_ticket *t, int *pool)
{
	for (int i = 0; i < nvaults; i++)
		if (vaults[i].r == t->r && vaults[i].w == t->w && vaults[i].state == FREE &&
		    (vaults[i].p < 0 ? WIRE_NO_POOL : (unsigned)vaults[i].p) == t->p) {
			vaults[i].state = HELD;
			fds_promise(-FDS_ACCEPT); /* its claim is here: its fds are counted open */
			*pool = vaults[i].p;
			return vaults[i].r;
		}
	return -1;
}

void vaults_orphan_pool(int vault_r)
{
	for (int i = 0; i < nvaults; i++)
		if (vaults[i].r == vault_r && vaults[i].p >= 0) {
			pools_unlink(vaults[i].pool_id);
			fds_close(vaults[i].pw);
			vaults[i].pw = -1;
		}
}

int vaults_ends(int vault_r, int *pw)
{
	for (int i = 0; i < nvaults; i++)
		if (vaults[i].r == vault_r && vaults[i].state == HELD) {
			*pw = vaults[i].pw;
			return vaults[i].w;
		}
	*pw = -1;
	return -1;
}

void vaults_retire_pools(void)
{
	for (int i = 0; i < nvaults; i++)
		retire(&vaults[i]);
}

void vaults_put_back(int vault_r, int emptied)
{
	for (int i = 0; i < nvaults; i++) {
		struct vault *v = &vaults[i];

		if (v->r != vault_r || v->state != HELD)
			continue;
		/* Its pool is done with: a writer left in the tree holds no token of it. */
		retire(v);
		if (stopped) { /* kept open and emptied until the end, never handed out */
			v->state = FREE;
			return;
		}
		/* Out again only if its new pool and its next claim fit, with room to accept
		 * beside them: the fds this owner held are closed already (forget()). */
		if (emptied && fds_fit(FDS_POOL + FDS_ACCEPT + FDS_ACCEPT) && issue(v) == 0) {
			v->state = FREE;
			return;
		}
		/* Never handed out again; the slot keeps its fds' numbers out of any ticket. */
		fds_close(v->r);
		fds_close(v->w);
		v->r = v->w = -1;
		return;
	}
}

void vaults_stop(void)
{
	struct wire_ticket t;

	stopped = 1;
	while (sys_read(WIRE_TICKETS_FD, &t, sizeof t) == (long)sizeof t)
		;
}

long vaults_empty(int jsw)
{
	long given = 0;

	for (int i = 0; i < nvaults; i++) {
		int rest;
		long n = vaults[i].r < 0 ? 0 : jobserver_give(vaults[i].r, jsw, JOBSERVER_COPY, &rest);

		given += n > 0 ? n : 0;
	}
	return given;
}
