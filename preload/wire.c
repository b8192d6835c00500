/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "wire.h"
#include "result.h"
#include "sys.h"

#include <errno.h>
#include <sys/socket.h>

/* Room for WIRE_FDS_MAX fds, aligned as the kernel wants a cmsghdr. */
union wire_cmsg {
	char buf[CMSG_SPACE(WIRE_FDS_MAX * sizeof(int))];
	struct cmsghdr align;
};

int wire_send(int fd, const void *msg, size_t len, const int *fds, int nfds)
{
	struct iovec iov = { (void *)(uintptr_t)msg, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union wire_cmsg c;
	long r;

	if (nfds > 0) {
		struct cmsghdr *h = (struct cmsghdr *)c.buf;
		/* volatile: gcc would make the loop a call to memcpy, an import that every
		 * process loading the library would pay for (bench/README.md, item 2). */
		volatile int *to = (int *)CMSG_DATA(h);

		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		for (int i = 0; i < nfds; i++)
			to[i] = fds[i];
		mh.msg_control = c.buf;
		mh.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
	}
	r = sys_sendmsg(fd, &mh);
	if (r < 0)
		return (int)r;
	/* A seqpacket message goes whole or not at all. */
	return r == (long)len ? 0 : -JSP_E_BAD_MESSAGE;
}

int wire_recv(int fd, void *msg, size_t len, int *fds, int *nfds)
{
	struct iovec iov = { msg, len };
	union wire_cmsg c;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			     .msg_controllen = sizeof c.buf };
	long r = sys_recvmsg(fd, &mh);

	*nfds = 0;
	if (r < 0)
		return (int)r;
	/* Walked by hand: glibc's CMSG_NXTHDR is a function call (an import) unless inlined. */
	for (char *p = c.buf; p + sizeof(struct cmsghdr) <= c.buf + mh.msg_controllen;) {
		struct cmsghdr *h = (struct cmsghdr *)p;
		const int *from = (const int *)CMSG_DATA(h);
		int n = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));

		if (h->cmsg_len < CMSG_LEN(0))
			break;
		for (int i = 0; h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS && i < n; i++) {
			if (*nfds < WIRE_FDS_MAX)
				fds[(*nfds)++] = from[i];
			else
				sys_close(from[i]);
		}
		p += CMSG_ALIGN(h->cmsg_len);
	}
	/* MSG_CTRUNC: the kernel dropped fds it could not install (EMFILE, or more than
	 * WIRE_FDS_MAX): an incomplete message is no message. */
	if ((mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || r != (long)len) {
		wire_close(fds, *nfds);
		*nfds = 0;
		return r == 0 && !mh.msg_controllen ? -JSP_E_HANGUP : -JSP_E_BAD_MESSAGE;
	}
	return 0;
}

void wire_close(const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		sys_close(fds[i]);
}
