/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reaper's fd budget (preload/reaper_fds.c) alone, played as the reaper plays it: its
 * start (the fds it keeps, the tickets pipe, the bell, the listener), vaults made while
 * they fit, then every vault claimed at once. Under any limit: the count never passes it,
 * the reaper can accept a connection at every moment, and a limit too small for one vault
 * gets none (the owner then claims nothing: JSP_E_FD_LIMIT).
 */
#include "reaper_fds.h"

#include <stdio.h>

static int failed, total, open_now, peak;

static void check(int ok, const char *what, int limit)
{
	total++;
	failed += !ok;
	printf("%s %d - %s [limit %d]\n", ok ? "ok" : "not ok", total, what, limit);
}

static void opened(int n)
{
	fds_opened(n);
	open_now += n;
	peak = open_now > peak ? open_now : peak;
}

/* Returns how many vaults the reaper makes under limit, or -1 if it cannot even start;
 * checks the claims of all. */
static int play(int limit)
{
	int vaults = 0, accept_always = 1, pending = 0;

	open_now = peak = 0;
	fds_init(limit);
	opened(3);       /* the lock, the report pipe, the jobserver's O_PATH */
	fds_promise(1);  /* the listener */
	opened(4);       /* the tickets pipe, the bell */
	if (!fds_fit(0)) {
		opened(-open_now);
		fds_promise(-1);
		return -1;  /* pipe2 fails first: the reaper reports EMFILE */
	}
	while (vaults < WIRE_VAULTS_MAX && fds_can_vault()) {
		opened(4);               /* its two ends and its pool's */
		fds_promise(FDS_ACCEPT); /* its ticket is out */
		vaults++;
	}
	fds_promise(-1);
	if (!vaults) {   /* it reports JSP_E_FD_LIMIT and ends */
		opened(-open_now);
		return 0;
	}
	opened(1);       /* the listener */
	opened(-1);      /* the report pipe, closed once it said we listen */
	/* A peer of our own user keeps connections pending while it may (it sends nothing):
	 * they never take what the tickets' claims were promised. */
	while (fds_can_accept() && pending < 64) {
		opened(1);
		fds_promise(WIRE_FDS_MAX);
		pending++;
	}
	/* They are refused after CONNS_WAIT_MS; then every ticket's owner connects, one
	 * connection after the other (a CLAIM is there when the connection is accepted, or
	 * comes within microseconds), and brings WIRE_FDS_MAX fds. */
	opened(-pending);
	fds_promise(-pending * WIRE_FDS_MAX);
	for (int i = 0; i < vaults; i++) {
		accept_always &= fds_can_accept();
		opened(1);
		opened(WIRE_FDS_MAX);
		fds_promise(-FDS_ACCEPT); /* the vault is held, its claim's fds counted open */
		opened(-1);               /* the connection, read */
	}
	accept_always &= fds_can_accept();
	/* And a give-back's writer, a message's open, a trace record's, a pidfd of ours. */
	opened(FDS_KEEP);
	check(peak <= limit, "the fds held never pass the limit", limit);
	check(accept_always, "with none pending, a connection can always be accepted", limit);
	opened(-open_now);
	return vaults;
}

int main(void)
{
	static const int limits[] = { 8, 16, 20, 22, 30, 50, 64, 256, 1024, 4096, 1 << 20 };

	for (unsigned i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		int n = play(limits[i]), next = play(limits[i] + FDS_PER_VAULT);

		if (n < 0)
			continue;
		check(n < WIRE_VAULTS_MAX ? next == n + 1 : next == n,
		      "one vault more for each WIRE_FDS_PER_VAULT fds more, up to the most", limits[i]);
		if (limits[i] <= 20)
			check(n == 0, "no vault under 20 fds: nothing is claimed", limits[i]);
		if (limits[i] >= 30)
			check(n > 0, "a vault at 30 fds and above", limits[i]);
		if (limits[i] < WIRE_VAULTS_MAX * WIRE_FDS_PER_VAULT)
			check(n < WIRE_VAULTS_MAX, "an owner told 'fd limit' has it right", limits[i]);
	}
	printf("1..%d\n", total);
	return failed != 0;
}
