/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_vaults.h"
#include "reaper_table.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>

/* How many vaults a reaper makes at a time, and at most: one per owner holding tokens
 * at once, so more than a make -j has jobs that can hold one at once on one machine. */
#define VAULTS_BATCH 16
#define VAULTS_MAX 512
/* Made a batch more when fewer tickets than this are left. */
#define VAULTS_LOW 8

enum state { FREE, HELD }; /* FREE: its ticket is out (in the pipe, or with an owner) */

static struct vault {
	int r, w;
	enum state state;
} vaults[VAULTS_MAX];
static int nvaults;

static int issue(const struct vault *v)
{
	struct wire_ticket t = { (uint16_t)v->r, (uint16_t)v->w };

	return sys_write_all(WIRE_RETURNS_FD, &t, sizeof t);
}

static void make_batch(void)
{
	for (int i = 0; i < VAULTS_BATCH && nvaults < VAULTS_MAX; i++) {
		struct vault *v = &vaults[nvaults];
		int p[2];

		/* An fd number must fit a ticket, and the fds stay below our limit. */
		if (!table_room(0) || sys_pipe2(p, O_CLOEXEC) < 0)
			return;
		table_fds_opened(2);
		*v = (struct vault){ p[0], p[1], FREE };
		if (p[0] > 0xffff || p[1] > 0xffff || issue(v) < 0) {
			table_close(p[0]);
			table_close(p[1]);
			return;
		}
		nvaults++;
	}
}

int vaults_init(int keep)
{
	int t[2];

	/* The tickets pipe at fixed fds, which every owner knows: moves keep out of the way. */
	if (keep == WIRE_TICKETS_FD || keep == WIRE_RETURNS_FD) {
		int moved = sys_fcntl(keep, F_DUPFD_CLOEXEC, WIRE_RETURNS_FD + 1);

		if (moved < 0)
			return moved;
		sys_close(keep);
		keep = moved;
	}
	if (sys_pipe2(t, O_CLOEXEC | O_NONBLOCK) < 0 || sys_dup3(t[0], WIRE_TICKETS_FD) < 0 ||
	    sys_dup3(t[1], WIRE_RETURNS_FD) < 0)
		return -EMFILE;
	if (t[0] != WIRE_TICKETS_FD)
		sys_close(t[0]);
	if (t[1] != WIRE_RETURNS_FD)
		sys_close(t[1]);
	table_fds_opened(2);
	make_batch();
	return nvaults ? keep : -EMFILE;
}

void vaults_grow(void)
{
	/* The tickets still in the pipe: those read by an owner whose CLAIM has not come yet
	 * are gone from it already. */
	if (sys_fionread(WIRE_TICKETS_FD) < VAULTS_LOW * (int)sizeof(struct wire_ticket))
		make_batch();
}

int vaults_take(const struct wire_ticket *t)
{
	for (int i = 0; i < nvaults; i++)
		if (vaults[i].r == t->r && vaults[i].w == t->w && vaults[i].state == FREE) {
			vaults[i].state = HELD;
			return vaults[i].r;
		}
	return -1;
}

void vaults_put_back(int vault_r, int emptied)
{
	for (int i = 0; i < nvaults; i++) {
		struct vault *v = &vaults[i];

		if (v->r != vault_r || v->state != HELD)
			continue;
		if (emptied && issue(v) == 0) {
			v->state = FREE;
			return;
		}
		/* Never handed out again; the slot keeps its fds' numbers out of any ticket. */
		table_close(v->r);
		table_close(v->w);
		v->r = v->w = -1;
		return;
	}
}
