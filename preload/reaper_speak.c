/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reaper_speak.h"
#include "fmt.h"
#include "log.h"
#include "reaper_fds.h"
#include "sys.h"
#include "tracerec.h"

#include <fcntl.h>

/* Our own description of what the O_PATH fd names, for one message or one give-back:
 * non-blocking, so that nobody who does not read can stall us. Returns it or -errno. */
int reaper_reopen(int fd, int flags)
{
	char path[32];
	int r;

	fmt_proc_fd(path, sizeof path, PROC_SELF, fd);
	r = sys_open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (r >= 0)
		fds_opened(1);
	return r;
}

/* Our own fd 2 is closed: a message must never land in a socket that got the number. */
void speak_give(int errfd, int err_sock, int pid, const char *desc, long n, long held)
{
	int fd = err_sock ? errfd : errfd >= 0 ? reaper_reopen(errfd, O_WRONLY | O_APPEND) : -1;

	if (fd < 0 || (n == 0 && held <= 0))
		goto done;
	log_fd = fd;
	log_verbose = 1;
	log_how = err_sock ? LOG_SEND : LOG_ONCE;
	if (n < 0)
		log_msg("could not give back the tokens of pid %d to %s: %s", pid, desc,
			log_errno((int)n));
	else if (n > 0)
		log_msg("gave back %ld tokens for pid %d to %s", n, pid, desc);
	if (held > 0)
		log_msg("pid %d has ended while its descendants hold %ld tokens of its private "
			"jobserver: each goes back to %s as they return it, the rest when the last "
			"of them has ended", pid, held, desc);
	log_fd = -1;
	log_verbose = 0;
	log_how = LOG_WHOLE;
done:
	if (fd >= 0 && !err_sock)
		fds_close(fd);
}

void speak_elastic(int errfd, int err_sock, int pid, long n, long held)
{
	int fd = err_sock ? errfd : errfd >= 0 && n != 0 ? reaper_reopen(errfd, O_WRONLY | O_APPEND) : -1;

	if (fd >= 0 && n != 0) {
		log_fd = fd;
		log_verbose = 1;
		log_how = err_sock ? LOG_SEND : LOG_ONCE;
		if (n > 0)
			log_msg("moved %ld free tokens into the private jobserver of pid %d, whose "
				"jobs waited: it is %ld wide now", n, pid, held + 1);
		else
			log_msg("gave back %ld idle tokens of the private jobserver of pid %d: it "
				"is %ld wide now", -n, pid, held + 1);
		log_fd = -1;
		log_verbose = 0;
		log_how = LOG_WHOLE;
	}
	if (fd >= 0 && !err_sock)
		fds_close(fd);
}

void record_give(int tracefd, uint64_t dev, uint64_t ino, const char *desc, int pid, long n)
{
	record_take(tracefd, dev, ino, desc, pid, -n, 0);
}

void record_take(int tracefd, uint64_t dev, uint64_t ino, const char *desc, int pid, long n,
		 long held)
{
	int fd = n != 0 && tracefd >= 0 ? reaper_reopen(tracefd, O_WRONLY | O_APPEND) : -1;

	if (fd < 0)
		return;
	trace_rec_reaper(fd, dev, ino, desc, n > 0 ? "take" : "give", n > 0 ? n : -n, held, pid,
			 sys_getpid());
	fds_close(fd);
}
