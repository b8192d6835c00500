/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The wait before a claim (owner_wait.h). It counts the free tokens with FIONREAD on our
 * own reader of the jobserver (jobserver_open made it: the inherited fds' flags are never
 * touched), which tells the bytes in the pipe without taking one, and sleeps in an
 * edge-triggered epoll on that reader until a token is written back. Runs in the launcher
 * and in a constructor: system calls only, no libc state.
 */
#include "owner_wait.h"
#include "log.h"
#include "policy.h"
#include "sys.h"

#include <sys/epoll.h>

/* Where the kernel gives no event (epoll denied by a seccomp filter or missing), the free
 * tokens are counted this often instead: the most a wake-up comes late. */
#define COUNT_EVERY_MS 20
/* Linux wakes an edge-triggered watcher of a pipe on every write into it (measured on
 * 6.18: four writes into a pipe never read, four events); some 5.x kernels woke it only
 * when the pipe had been empty, and would let a wait sleep through tokens that come back
 * one by one. Each sleep is bounded by this so that such a kernel delays, never loses,
 * the wake-up: two wake-ups a second, not a busy loop. */
#define RECOUNT_MS 500

int owner_wait_parse(const char *s, long *ms, const char **why)
{
	long sec = 0, frac = 0, scale = 100;
	int digits = 0;

	if (!s || !*s) {
		*why = "is empty: expected a number of seconds, as in 5 or 0.5";
		return -1;
	}
	if (*s == '-') {
		*why = "is negative: expected a number of seconds, as in 5 or 0.5 (0: no wait)";
		return -1;
	}
	for (; *s >= '0' && *s <= '9' && sec <= OWNER_WAIT_MAX_S; s++, digits++)
		sec = sec * 10 + (*s - '0');
	if (*s == '.') /* milliseconds: a digit past the third counts for nothing */
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, scale /= 10)
			frac += (*s - '0') * scale;
	if (*s && !(*s >= '0' && *s <= '9')) {
		*why = "is not a number of seconds: expected digits, as in 5 or 0.5";
		return -1;
	}
	if (*s || sec * 1000 + frac > OWNER_WAIT_MAX_S * 1000L) {
		*why = "is too long: at most 86400 seconds (a day)";
		return -1;
	}
	if (!digits) {
		*why = "is not a number of seconds: expected digits, as in 5 or 0.5";
		return -1;
	}
	*ms = sec * 1000 + frac;
	return 0;
}

static const char *s_if(long n)
{
	return n == 1 ? "" : "s";
}

struct plan {
	long min;  /* the PARALLELISM asked for */
	long want; /* the free tokens that meet it: min - 1, at most the claim's cap */
	long ms;   /* the most to wait */
};

/* Reads MIN and WAIT (empty is unset, as for the other variables). Returns nonzero when
 * there is a wait to do; a bad value is said and means none. */
static int plan_wait(const struct env_view *env, long cap, int jobs, struct plan *p)
{
	const char *why;

	p->ms = OWNER_WAIT_DEFAULT_MS;
	if (!env->min || !*env->min) {
		if (env->wait && *env->wait)
			log_msg(ENV_WAIT "=%s (--wait) is set without " ENV_MIN " (--min), so "
				"there is nothing to wait for; not waiting: give --min N too",
				env->wait);
		return 0;
	}
	if (policy_count(env->min, &p->min, &why) < 0) {
		log_msg(ENV_MIN "=%s %s; not waiting: set it to the PARALLELISM to wait for, "
			"or unset it", env->min, why);
		return 0;
	}
	if (env->wait && *env->wait && owner_wait_parse(env->wait, &p->ms, &why) < 0) {
		log_msg(ENV_WAIT "=%s %s; not waiting: set it to the most seconds to wait, or "
			"unset it", env->wait, why);
		return 0;
	}
	p->want = p->min - 1; /* the command's own job slot needs no token */
	if (p->want > cap) {
		log_msg(ENV_MIN "=%ld (--min) is more than " ENV_MAX "=%ld (--max): waiting "
			"for %ld free token%s, the most the claim takes", p->min, cap + 1, cap,
			s_if(cap));
		p->want = cap;
	}
	if (p->want <= 0 || p->ms == 0)
		return 0;
	if (jobs > 0 && p->want > jobs - 1)
		log_msg(ENV_MIN "=%ld (--min) is more than make's -j%d: no more than %d tokens "
			"are ever free, so this wait cannot be met; waiting the whole %ld.%03ld s "
			"(--wait) anyway, then starting with what is free: lower --min to %d at "
			"most", p->min, jobs, jobs - 1, p->ms / 1000, p->ms % 1000, jobs);
	return 1;
}

/* An epoll fd that wakes on every write into the jobserver, or -1 (said): then we count
 * every COUNT_EVERY_MS. */
static int watch(const struct jobserver *js)
{
	int ep = sys_epoll_create(), r = ep;

	if (ep >= 0)
		r = sys_epoll_add(ep, js->rfd, EPOLLIN | EPOLLET);
	if (r >= 0)
		return ep;
	if (ep >= 0)
		sys_close(ep);
	log_msg("epoll: %s; while waiting, the free tokens of %s are counted every 20 ms "
		"instead", log_errno(r), js->desc);
	return -1;
}

/* Sleeps until a token may have come back, or ms have passed. Returns 0, or -1 when the
 * jobserver has no writer left (make is gone: no token will come). */
static int sleep_for_tokens(int ep, long ms)
{
	unsigned events;
	int r;

	if (ep < 0) {
		sys_sleep_ms((int)(ms < COUNT_EVERY_MS ? ms : COUNT_EVERY_MS));
		return 0;
	}
	/* A write between our count and this call is not missed: it left the event pending
	 * (EPOLLET queues an edge until epoll_pwait takes it). */
	r = sys_epoll_wait(ep, &events, (int)(ms < RECOUNT_MS ? ms : RECOUNT_MS));
	if (r > 0 && (events & (EPOLLHUP | EPOLLERR)))
		return -1;
	if (r < 0)
		sys_sleep_ms((int)(ms < COUNT_EVERY_MS ? ms : COUNT_EVERY_MS));
	return 0;
}

/* Waits as p says. Returns the free tokens seen last, or -errno when they cannot be
 * counted; *waited is how long, or -1 when enough were free at once. */
static int wait_for(const struct jobserver *js, const struct plan *p, long *waited)
{
	uint64_t start = sys_monotonic_ms(), now = start;
	int avail = sys_fionread(js->rfd), ep;

	if (avail < 0 || avail >= p->want)
		return avail;
	log_msg("waiting up to %ld.%03ld s for %ld free token%s of %s (--min %ld), %d free "
		"now; holding none meanwhile", p->ms / 1000, p->ms % 1000, p->want,
		s_if(p->want), js->desc, p->min, avail);
	ep = watch(js);
	while (avail >= 0 && avail < p->want && now - start < (uint64_t)p->ms) {
		if (sleep_for_tokens(ep, p->ms - (long)(now - start)) < 0)
			break;
		avail = sys_fionread(js->rfd);
		now = sys_monotonic_ms();
	}
	if (ep >= 0)
		sys_close(ep);
	*waited = (long)(now - start);
	return avail;
}

void owner_wait(const struct jobserver *js, const struct env_view *env, int jobs, long cap)
{
	struct plan p;
	long waited = -1;
	int avail;

	if (!plan_wait(env, cap, jobs, &p))
		return;
	avail = wait_for(js, &p, &waited);
	if (avail < 0)
		log_msg("cannot count the free tokens of %s (FIONREAD: %s): not waiting",
			js->desc, log_errno(avail));
	else if (waited < 0)
		return; /* enough were free at once */
	else if (avail >= p.want)
		log_msg("%d token%s of %s free after %ld ms of waiting: claiming", avail,
			s_if(avail), js->desc, waited);
	else
		log_msg("waited %ld ms for %ld free token%s of %s (--min %ld), %d free: "
			"starting with what is free", waited, p.want, s_if(p.want), js->desc,
			p.min, avail);
}
