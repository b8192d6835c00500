/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "owner.h"
#include "env.h"
#include "fmt.h"
#include "log.h"
#include "sys.h"


/* Set once, in the constructor, before any thread of the program exists. */
static struct owner_marker owned;

static int parse_u64(const char **sp, char stop, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s != stop)
		return -1;
	*sp = *s ? s + 1 : s;
	*out = v;
	return 0;
}

int owner_marker_parse(const char *s, struct owner_marker *m)
{
	uint64_t pid, rpid, fd;

	uint64_t pool = 0;

	m->reaper.pool_dev = m->reaper.pool_ino = 0;
	if (parse_u64(&s, ':', &pid) || parse_u64(&s, ':', &rpid) || parse_u64(&s, ':', &fd) ||
	    parse_u64(&s, ':', &m->reaper.vault_dev) || parse_u64(&s, ':', &m->reaper.vault_ino) ||
	    parse_u64(&s, ':', &m->dev) ||
	    (parse_u64(&s, ':', &m->ino) && parse_u64(&s, '\0', &m->ino)) || pid == 0 ||
	    pid > INT32_MAX || rpid > INT32_MAX || fd > INT32_MAX)
		return -1;
	/* The private pool, if the tokens are shared through one: POOLFD:POOLDEV:POOLINO. */
	if (*s && (parse_u64(&s, ':', &pool) || parse_u64(&s, ':', &m->reaper.pool_dev) ||
		   parse_u64(&s, '\0', &m->reaper.pool_ino) || pool > INT32_MAX))
		return -1;
	m->pid = (int)pid;
	m->reaper.pid = (int)rpid;
	m->reaper.fd = (int)fd;
	m->reaper.pool = (int)pool;
	return 0;
}

int owner_become(const struct owner_marker *m)
{
	const uint64_t fields[] = { (uint64_t)m->pid, (uint64_t)m->reaper.pid, (uint64_t)m->reaper.fd,
				    m->reaper.vault_dev, m->reaper.vault_ino, m->dev, m->ino,
				    (uint64_t)m->reaper.pool, m->reaper.pool_dev, m->reaper.pool_ino };
	char buf[224];
	struct out o = { buf, buf + sizeof buf - 1 };
	unsigned n = m->reaper.pool_ino ? 10 : 7;

	for (unsigned i = 0; i < n; i++) {
		if (i)
			put_str(&o, ":");
		put_uint(&o, fields[i], 0);
	}
	*o.p = '\0';
	owned = *m;
	return env_export(ENV_OWNER, buf);
}

void owner_resume(const struct owner_marker *m)
{
	owned = *m;
	if (m->reaper.vault_ino)
		log_msg("exec'd by the owner: still holding the tokens (reaper pid %d)", m->reaper.pid);
}

void owner_exit(void)
{
	/* A forked child has the owner's memory but another pid: it never gives back. */
	if (owned.pid == 0 || owned.pid != sys_getpid())
		return;
	owned.pid = 0;
	(void)owner_release(&owned.reaper, owned.dev, owned.ino);
}
