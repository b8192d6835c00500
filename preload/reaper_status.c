/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_status.h"
#include "reaper_owners.h"
#include "reaper_table.h"
#include "sys.h"
#include "wire.h"

_Static_assert(WIRE_STATUS_OWNERS_MAX >= OWNERS_MAX, "a reply has room for every owner");

/* Static, not on the stack: the reaper runs on the stack of the owner it was forked from,
 * which may have been a small thread's. Untouched (no page of it) until the first STATUS. */
static union {
	struct wire_status_head head;
	uint64_t align; /* the entries' */
	char bytes[WIRE_STATUS_MAX];
} reply;

int owners_report(struct wire_status_owner *out, int max, uint64_t now)
{
	const struct owners_table *t = owners_table();
	int n = 0;

	for (int i = 0; i < t->top && n < max; i++) {
		const struct owner *o = &t->o[i];

		struct pollfd p = { .fd = o->pidfd, .events = POLLIN };

		/* One that has ended is gone from the answer: it is reaped in the next round. */
		if (!o->pid || o->ended || (o->pidfd >= 0 && sys_poll(&p, 1, 0) > 0))
			continue;
		out[n].pid = o->pid;
		out[n].tokens = sys_fionread(o->vault);
		out[n].held_ms = now > o->since ? now - o->since : 0;
		/* Its private jobserver: as many slots as the vault holds tokens, and busy those
		 * that are not in it (a pool the owner could not fill shows all busy). */
		out[n].pool_slots = o->pool >= 0 && out[n].tokens >= 0 ? out[n].tokens : -1;
		out[n].pool_busy = out[n].pool_slots < 0 ? -1 : out[n].pool_slots - sys_fionread(o->pool);
		if (out[n].pool_busy < -1 || out[n].pool_busy > out[n].pool_slots)
			out[n].pool_busy = out[n].pool_slots; /* FIONREAD failed, or a late refill */
		n++;
	}
	return n;
}

int status_answer(int fd)
{
	struct wire_status_owner *o = (struct wire_status_owner *)(reply.bytes + sizeof reply.head);
	int tickets = sys_fionread(WIRE_TICKETS_FD);

	reply.head.magic = WIRE_MAGIC;
	reply.head.op = WIRE_STATUS;
	reply.head.tickets = tickets > 0 ? (uint32_t)tickets / sizeof(struct wire_ticket) : 0;
	reply.head.owners = (uint32_t)owners_report(o, OWNERS_MAX, sys_monotonic_ms());
	/* MSG_DONTWAIT (sys_sendmsg): whole, or -EAGAIN and dropped. */
	return wire_send(fd, &reply, sizeof reply.head + reply.head.owners * sizeof *o, NULL, 0);
}
