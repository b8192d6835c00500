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

enum state { FREE, HELD }; /* FREE: its ticket is out (in the pipe, or with an owner) */

static struct vault {
	int r, w;
	enum state state;
} vaults[VAULTS_MAX];
static int nvaults, bell = -1;

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

/* fd, moved above the fixed fds if it is one of them. Returns it, or -errno. */
static int off_fixed(int fd)
{
	int moved;

	if (fd < WIRE_TICKETS_FD || fd > WIRE_BELL_FD)
		return fd;
	moved = sys_fcntl(fd, F_DUPFD_CLOEXEC, WIRE_BELL_FD + 1);
	sys_close(fd);
	return moved;
}

/* A pipe with its write end at the fixed fd w, and its read end at the fixed fd r, or,
 * if r < 0, wherever it lands off the fixed fds (*rest). Returns 0 or -EMFILE. */
static int pipe_at(int r, int w, int *rest)
{
	int p[2], ok;

	if (sys_pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -EMFILE;
	p[0] = off_fixed(p[0]);
	p[1] = off_fixed(p[1]);
	ok = p[0] >= 0 && p[1] >= 0 && (r < 0 || sys_dup3(p[0], r) >= 0) &&
	     sys_dup3(p[1], w) >= 0;
	if (r >= 0 || !ok)
		sys_close(p[0]);
	sys_close(p[1]);
	if (!ok)
		return -EMFILE;
	*rest = r < 0 ? p[0] : -1;
	table_fds_opened(2);
	return 0;
}

int vaults_init(int keep)
{
	int unused;

	/* The tickets pipe and the bell at fixed fds, which every owner knows: keep moves out
	 * of their way first. */
	keep = off_fixed(keep);
	if (keep < 0)
		return keep;
	if (pipe_at(WIRE_TICKETS_FD, WIRE_RETURNS_FD, &unused) < 0 ||
	    pipe_at(-1, WIRE_BELL_FD, &bell) < 0)
		return -EMFILE;
	make_batch();
	return nvaults ? keep : -EMFILE;
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
	/* The tickets still in the pipe: those read by an owner whose CLAIM has not come yet
	 * are gone from it already. */
	if (sys_fionread(WIRE_TICKETS_FD) < WIRE_TICKETS_LOW * (int)sizeof(struct wire_ticket))
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
