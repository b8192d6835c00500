/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "status_ask.h"
#include "owner_connect.h"
#include "rendezvous.h"
#include "result.h"
#include "sys.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One message: the head, then head.owners entries, nothing cut off. */
static int receive(int fd, struct status_answer *a)
{
	static char buf[WIRE_STATUS_MAX + 1]; /* one more: a longer message shows as cut */
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	size_t want;

	if (sys_poll(&pfd, 1, STATUS_ANSWER_WAIT_MS) <= 0)
		return -JSP_E_REAPER_SILENT;
	n = recv(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
	if (n == 0)
		return -JSP_E_HANGUP; /* it refused us, or does not know STATUS (an older build) */
	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof a->head)
		return -JSP_E_PROTO;
	memcpy(&a->head, buf, sizeof a->head);
	want = sizeof a->head + (size_t)a->head.owners * sizeof a->owner[0];
	if (a->head.magic != WIRE_MAGIC || a->head.op != WIRE_STATUS ||
	    a->head.owners > WIRE_STATUS_OWNERS_MAX || (size_t)n != want)
		return -JSP_E_PROTO;
	memcpy(a->owner, buf + sizeof a->head, want - sizeof a->head);
	return 0;
}

void status_ask(const struct jobserver *js, struct status_answer *a)
{
	struct wire_request q = { .magic = WIRE_MAGIC, .op = WIRE_STATUS, .dev = js->dev,
				  .ino = js->ino };
	struct rendezvous rv;
	int fd;

	a->reaper = 0;
	a->head = (struct wire_status_head){ 0 };
	a->err = rendezvous_names(&rv, getpid(), js->dev, js->ino, 0);
	if (a->err < 0)
		return;
	fd = reaper_find(&rv, NULL, &a->reaper); /* NULL: never start one */
	if (fd < 0) {
		a->err = fd;
		a->reaper = 0;
		return;
	}
	a->err = wire_send(fd, &q, sizeof q, NULL, 0);
	if (a->err == 0)
		a->err = receive(fd, a);
	if (a->err < 0)
		a->head.owners = 0;
	sys_close(fd);
}

long status_held(const struct status_answer *a)
{
	long n = 0;

	for (uint32_t i = 0; i < a->head.owners; i++)
		n += a->owner[i].tokens > 0 ? a->owner[i].tokens : 0;
	return n;
}
